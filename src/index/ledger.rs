//! When an update may delete an article: what the index held when the run began, which of
//! those files are gone, moved or still to be read, and so which articles no file can hold any
//! more. Deleting as soon as that is certain (and not only at the end of the run) is what keeps
//! every commit of a run a state a reader can trust: the articles of deleted files go in the
//! first commit, a changed file's dropped records in the commit that ends it.

use std::collections::{HashMap, HashSet};

use super::state::{FileCache, Held};

/// A file of this run: its path as walked and its size and modification time (`None` when
/// they could not be read; reading it will say why).
pub(super) type Stamped = (String, Option<(u64, u64)>);

pub(super) struct Ledger {
    /// What the index held when the run began, by hash.
    pub old: HashMap<u64, Held>,
    /// The same, by path.
    pub by_path: HashMap<String, Vec<u64>>,
    /// Per article, how many of its old paths are not settled yet: files still to be read, and
    /// gone files whose successor is still to be read. At zero, and held by no file of this
    /// run, the article goes.
    open: HashMap<u64, u32>,
    /// Old paths whose fate is known: read to their end in this run (or skipped), or moved.
    settled: HashSet<String>,
    /// Old paths that are no longer under any root: deleted, moved, or of a removed root.
    gone: HashSet<String>,
    /// A new path → the gone path its file was (a move or rename: the same size and
    /// modification time, which `mv` keeps).
    moved_from: HashMap<String, String>,
    /// Articles deleted in this run.
    deleted: HashSet<u64>,
}

impl Ledger {
    pub fn new(old: HashMap<u64, Held>) -> Ledger {
        let mut by_path: HashMap<String, Vec<u64>> = HashMap::new();
        for (hash, held) in &old {
            for p in &held.paths {
                by_path.entry(p.clone()).or_default().push(*hash);
            }
        }
        for hashes in by_path.values_mut() {
            hashes.sort_unstable();
        }
        Ledger {
            old,
            by_path,
            open: HashMap::new(),
            settled: HashSet::new(),
            gone: HashSet::new(),
            moved_from: HashMap::new(),
            deleted: HashSet::new(),
        }
    }

    /// Once every file is sorted into unchanged (`held` says which articles those hold) and
    /// to be read: pairs each new file with the gone file it was moved from, if any, and
    /// returns the articles that only gone files held, to delete at once.
    pub fn plan(
        &mut self,
        seen: &HashSet<String>,
        to_read: &[Stamped],
        cache: &FileCache,
        held: impl Fn(u64) -> bool,
    ) -> Vec<u64> {
        self.gone = self
            .by_path
            .keys()
            .filter(|p| !seen.contains(*p))
            .cloned()
            .collect();
        self.pair_moves(to_read, cache);
        let pending: HashSet<&str> = to_read
            .iter()
            .map(|(p, _)| p.as_str())
            .chain(self.moved_from.values().map(String::as_str))
            .collect();
        for (path, hashes) in &self.by_path {
            if pending.contains(path.as_str()) {
                for h in hashes {
                    *self.open.entry(*h).or_default() += 1;
                }
            }
        }
        let mut delete: Vec<u64> = self
            .old
            .keys()
            .filter(|h| !self.open.contains_key(h) && !held(**h))
            .copied()
            .collect();
        delete.sort_unstable();
        self.deleted.extend(delete.iter().copied());
        delete
    }

    /// A new file with the size and modification time of a gone one is taken as that file
    /// moved (the same name first, when several match). A wrong pair costs nothing but the
    /// moment the gone file's articles are deleted: reading the new file decides what it holds.
    fn pair_moves(&mut self, to_read: &[Stamped], cache: &FileCache) {
        let mut by_stamp: HashMap<(u64, u64), Vec<&String>> = HashMap::new();
        for g in &self.gone {
            if let Some(e) = cache.files.get(g) {
                by_stamp.entry((e.size, e.mtime_ns)).or_default().push(g);
            }
        }
        for list in by_stamp.values_mut() {
            list.sort();
        }
        for (path, stamp) in to_read {
            let Some(candidates) = stamp.and_then(|s| by_stamp.get_mut(&s)) else {
                continue;
            };
            if self.by_path.contains_key(path) || candidates.is_empty() {
                continue;
            }
            let name = file_name(path);
            let at = candidates
                .iter()
                .position(|g| file_name(g) == name)
                .unwrap_or(0);
            let from = candidates.remove(at).clone();
            self.moved_from.insert(path.clone(), from);
        }
    }

    /// The gone file that `path` was moved from, if it was.
    pub fn moved_from(&self, path: &str) -> Option<&str> {
        self.moved_from.get(path).map(String::as_str)
    }

    pub fn is_gone(&self, path: &str) -> bool {
        self.gone.contains(path)
    }

    pub fn is_deleted(&self, hash: u64) -> bool {
        self.deleted.contains(&hash)
    }

    pub fn mark_deleted(&mut self, hash: u64) {
        self.deleted.insert(hash);
    }

    /// Gone files that no new file took the place of.
    pub fn deleted_files(&self) -> usize {
        self.gone.len() - self.moved_from.len()
    }

    /// `path` was read to its end (or could not be read): its old articles, and those of the
    /// file it was moved from, that no file of this run holds and no file still to read may
    /// hold are returned to delete now, in the commit that ends the file.
    pub fn settle(&mut self, path: &str, held: impl Fn(u64) -> bool) -> Vec<u64> {
        let mut delete = Vec::new();
        let from = self.moved_from.get(path).cloned();
        for p in std::iter::once(path.to_string()).chain(from) {
            if !self.settled.insert(p.clone()) {
                continue;
            }
            for h in self.by_path.get(&p).into_iter().flatten() {
                let Some(n) = self.open.get_mut(h) else {
                    continue;
                };
                *n -= 1;
                if *n == 0 && !held(*h) && self.deleted.insert(*h) {
                    delete.push(*h);
                }
            }
        }
        delete
    }

    /// Whether old article `hash` may be deleted while `path` is read: no file holds it, and
    /// only `path` (or the file it was moved from) may still. Then a new version of its id
    /// replaces it in one commit.
    pub fn only_in(&self, hash: u64, path: &str, held: bool) -> bool {
        let Some(old) = self.old.get(&hash) else {
            return false;
        };
        if held || self.deleted.contains(&hash) {
            return false;
        }
        let from = self.moved_from(path);
        let here = old
            .paths
            .iter()
            .filter(|p| (*p == path || Some(p.as_str()) == from) && !self.settled.contains(*p))
            .count() as u32;
        self.open.get(&hash).copied().unwrap_or(0) == here
    }

    /// The paths an old article's document should list now: its old paths that still exist
    /// and have not been read without it, and `holders` (the files of this run found to hold
    /// it), sorted. A file still to be read stays listed until it is read.
    pub fn live_paths(&self, hash: u64, holders: &[String]) -> Vec<String> {
        let mut paths: Vec<String> = holders.to_vec();
        if let Some(old) = self.old.get(&hash) {
            paths.extend(
                old.paths
                    .iter()
                    .filter(|p| !self.gone.contains(*p) && !self.settled.contains(*p))
                    .cloned(),
            );
        }
        paths.sort();
        paths.dedup();
        paths
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}
