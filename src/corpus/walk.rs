//! Finding the files of an archive.

use std::path::{Path, PathBuf};

use super::format::Format;
use super::{Skip, SkipReason};

/// Name of the per-folder ignore file (gitignore syntax) that keeps files out of an index.
pub const IGNORE_FILE: &str = ".vestnikignore";

/// A file found by [`walk`], with the folder it was found under (ids and the folder-name
/// source rule are relative to that root).
#[derive(Debug, Clone)]
pub struct Found {
    /// The file, as the walk reached it (under `root`).
    pub path: PathBuf,
    /// The folder it was found under.
    pub root: PathBuf,
}

/// Lists the readable files under `roots` in a stable order. Hidden files and whatever a
/// `.vestnikignore` names are left out; files of other kinds, symlink loops and folders that
/// cannot be listed come back as skips, so the summary accounts for everything. Folders in
/// `exclude` (the index being written, when it sits inside the archive) are not entered.
pub fn walk(roots: &[PathBuf], exclude: &[PathBuf]) -> (Vec<Found>, Vec<Skip>) {
    let mut found = Vec::new();
    let mut skips = Vec::new();
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    for root in roots {
        if !root.exists() {
            skips.push(Skip {
                path: root.clone(),
                record: None,
                reason: SkipReason::Walk("no such file or folder".into()),
            });
            continue;
        }
        let base = if root.is_dir() {
            root.clone()
        } else {
            root.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let walker = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .hidden(true)
            .add_custom_ignore_filename(IGNORE_FILE)
            .follow_links(true)
            .sort_by_file_path(|a, b| a.cmp(b))
            .filter_entry({
                let exclude = exclude.clone();
                move |entry| {
                    exclude.is_empty()
                        || !entry.file_type().is_some_and(|t| t.is_dir())
                        || std::fs::canonicalize(entry.path())
                            .map_or(true, |p| !exclude.contains(&p))
                }
            })
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let Some(kind) = entry.file_type() else {
                        continue;
                    };
                    if kind.is_dir() {
                        continue;
                    }
                    let path = entry.into_path();
                    if Format::of(&path).is_some() {
                        found.push(Found {
                            path,
                            root: base.clone(),
                        });
                    } else {
                        skips.push(Skip {
                            path,
                            record: None,
                            reason: SkipReason::Unsupported,
                        });
                    }
                }
                Err(err) => skips.push(Skip {
                    path: error_path(&err).unwrap_or_else(|| root.clone()),
                    record: None,
                    reason: match io_error(&err) {
                        Some(io) => SkipReason::Unreadable(io.to_string()),
                        None => SkipReason::Walk(error_message(&err)),
                    },
                }),
            }
        }
    }
    (found, skips)
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// The I/O error under the walker's wrappers (a dangling symlink, a folder without permission).
fn io_error(err: &ignore::Error) -> Option<&std::io::Error> {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => io_error(err),
        ignore::Error::Io(io) => Some(io),
        _ => None,
    }
}

fn error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_message(err),
        ignore::Error::Loop { ancestor, .. } => {
            format!("symbolic link loop (back to {})", ancestor.display())
        }
        other => other.to_string(),
    }
}
