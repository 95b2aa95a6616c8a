//! The folders and files an index is built from, remembered between runs, so that indexing a
//! second folder adds it instead of replacing the first, and `vestnik index` with no path
//! brings every one of them up to date.
//!
//! Each root is kept as the user typed it (stored paths and ids are written from that form, so
//! they read as the user knows them) and as an absolute path (so `corpus`, `./corpus` and
//! `/work/corpus` are one root, and a run from another folder still finds it).

use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

pub(crate) const ROOTS_FILE: &str = "vestnik-roots.json";
const ROOTS_VERSION: u32 = 1;

/// One root of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Root {
    /// As the user gave it.
    pub given: PathBuf,
    /// Absolute and without `.` or `..`, for telling roots apart.
    pub absolute: PathBuf,
}

impl Root {
    /// The root for a path the user gave; it must exist.
    pub fn new(given: &Path) -> anyhow::Result<Root> {
        let absolute = fs::canonicalize(given)
            .with_context(|| format!("{} does not exist", given.display()))?;
        Ok(Root {
            given: given.to_path_buf(),
            absolute,
        })
    }

    /// The form to walk: the one the user typed while it still names this root (stored paths
    /// keep reading as before), else the absolute one (a run from another folder).
    pub fn walk_path(&self) -> PathBuf {
        match fs::canonicalize(&self.given) {
            Ok(abs) if abs == self.absolute => self.given.clone(),
            _ => self.absolute.clone(),
        }
    }

    /// Whether the root is still there; an update skips a root that is gone rather than deleting
    /// its articles.
    pub fn exists(&self) -> bool {
        self.absolute.exists()
    }

    /// Whether a stored path (as it was walked) lies under this root, in either form.
    pub fn holds(&self, stored: &str) -> bool {
        let stored = Path::new(stored);
        [&self.given, &self.absolute]
            .iter()
            .any(|root| stored.starts_with(clean(root)) || stored.starts_with(root))
    }

    fn contains(&self, other: &Root) -> bool {
        other.absolute.starts_with(&self.absolute)
    }
}

/// `./corpus/` and `corpus` start the same stored paths.
fn clean(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// The roots an index remembers, in the order they were added.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roots {
    version: u32,
    /// The roots, in the order they were added.
    pub roots: Vec<Root>,
}

/// What adding roots changed, for the summary.
#[derive(Debug, Default)]
pub struct Added {
    /// Given roots already covered by a remembered one: (given, the root that covers it).
    pub covered: Vec<(PathBuf, PathBuf)>,
    /// Remembered roots that a given one contains and so replaces.
    pub replaced: Vec<Root>,
}

impl Roots {
    /// The record in `dir`; `None` when the index predates it (or it was lost or hand-broken).
    pub fn load(dir: &Path) -> Option<Roots> {
        fs::read(dir.join(ROOTS_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<Roots>(&b).ok())
            .filter(|r| r.version == ROOTS_VERSION)
    }

    /// Writes the record atomically.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        let path = dir.join(ROOTS_FILE);
        let record = Roots {
            version: ROOTS_VERSION,
            roots: self.roots.clone(),
        };
        super::state::write_json_atomically(&path, &record)
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Adds `root` unless a remembered root already holds it; a remembered root inside it is
    /// replaced by it.
    pub fn add(&mut self, root: Root, added: &mut Added) {
        if let Some(outer) = self.roots.iter().find(|r| r.contains(&root)) {
            if outer.absolute != root.absolute {
                added.covered.push((root.given, outer.given.clone()));
            }
            return;
        }
        let (inner, kept): (Vec<Root>, Vec<Root>) =
            self.roots.drain(..).partition(|r| root.contains(r));
        self.roots = kept;
        added.replaced.extend(inner);
        self.roots.push(root);
    }

    /// Drops the root the user names (in any form of its path); an error names the roots
    /// there are when it is none of them.
    pub fn remove(&mut self, given: &Path) -> anyhow::Result<Root> {
        let absolute = fs::canonicalize(given).ok();
        let at = self.roots.iter().position(|r| {
            absolute.as_ref() == Some(&r.absolute) || clean(&r.given) == clean(given)
        });
        match at {
            Some(i) => Ok(self.roots.remove(i)),
            None => anyhow::bail!(
                "{} is not a root of this index (its roots: {})",
                given.display(),
                self.describe()
            ),
        }
    }

    /// The roots as a user reads them: "corpus, ../news".
    pub fn describe(&self) -> String {
        if self.roots.is_empty() {
            return "none".into();
        }
        self.roots
            .iter()
            .map(|r| r.given.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The roots a run walks, and what changed in them.
pub(super) struct RootPlan {
    pub roots: Roots,
    pub added: Added,
    pub removed: Vec<Root>,
}

/// Works out this run's roots from the remembered ones, the ones given and the ones removed.
/// An index from before roots were remembered accepts only roots that hold every file it has,
/// so that indexing another folder into it never deletes what it held.
impl RootPlan {
    pub fn new(
        given: &[PathBuf],
        remove: &[PathBuf],
        rebuild: bool,
        index_dir: &Path,
        old_by_path: &HashMap<String, Vec<u64>>,
    ) -> anyhow::Result<RootPlan> {
        let remembered = Roots::load(index_dir);
        let legacy = remembered.is_none() && !old_by_path.is_empty();
        let mut roots = match remembered {
            Some(r) if !rebuild || given.is_empty() => r,
            _ => Roots::default(),
        };
        let mut added = Added::default();
        for path in given {
            roots.add(Root::new(path)?, &mut added);
        }
        let mut removed = Vec::new();
        for path in remove {
            removed.push(roots.remove(path)?);
        }
        if roots.roots.is_empty() && removed.is_empty() {
            anyhow::bail!(
                "the index in {} does not know which folders to read; give them, e.g. `vestnik index corpus/`",
                index_dir.display()
            );
        }
        if legacy {
            let outside: Vec<&String> = old_by_path
                .keys()
                .filter(|p| !roots.roots.iter().any(|r| r.holds(p)))
                .collect();
            if let Some(first) = outside.iter().min() {
                anyhow::bail!(
                    "the index in {} holds {} outside {} (e.g. {first}) and was built before vestnik remembered its folders; \
                 give all of its folders once (`vestnik index FOLDER...`), or start afresh with --rebuild",
                    index_dir.display(),
                    plural_files(outside.len()),
                    roots.describe(),
                );
            }
        }
        Ok(RootPlan {
            roots,
            added,
            removed,
        })
    }
}

fn plural_files(n: usize) -> String {
    if n == 1 {
        "1 file".into()
    } else {
        format!("{n} files")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_roots_are_one_and_forms_of_a_path_match() {
        let dir = tempfile::tempdir().unwrap();
        let outer = dir.path().join("news");
        let inner = outer.join("kz");
        fs::create_dir_all(&inner).unwrap();
        let mut roots = Roots::default();
        let mut added = Added::default();
        roots.add(Root::new(&inner).unwrap(), &mut added);
        roots.add(Root::new(&outer).unwrap(), &mut added);
        assert_eq!(roots.roots.len(), 1);
        assert_eq!(added.replaced.len(), 1);
        roots.add(Root::new(&inner).unwrap(), &mut added);
        assert_eq!(roots.roots.len(), 1);
        assert_eq!(added.covered.len(), 1);
        assert!(roots.roots[0].holds(&inner.join("a.txt").to_string_lossy()));
        assert!(!roots.roots[0].holds(&dir.path().join("newsroom/a.txt").to_string_lossy()));
        assert!(roots.remove(&dir.path().join("other")).is_err());
        assert!(roots.remove(&outer.join("kz/..")).is_ok());
        assert!(roots.roots.is_empty());
    }
}
