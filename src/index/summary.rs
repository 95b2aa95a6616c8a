//! What a build reports when it is done: [`BuildSummary`] and its parts.

use std::path::PathBuf;
use std::time::Duration;

use crate::corpus::Skip;

/// What a build did, for the summary printed after it. File counts are per file; articles
/// are what the index holds afterwards.
#[derive(Debug, Default)]
pub struct BuildSummary {
    /// The index folder.
    pub index_dir: PathBuf,
    /// Files found under the roots.
    pub files: usize,
    /// Files read for the first time.
    pub added: usize,
    /// Files read again because they changed.
    pub updated: usize,
    /// Files gone since the last run, whose articles were deleted.
    pub deleted: usize,
    /// Files left unread, unchanged since the last run.
    pub unchanged: usize,
    /// Files found under a new path: moved or renamed (with their root, too), known by the size
    /// and modification time of a file that is gone.
    pub moved: usize,
    /// Articles written (new or changed) in this run.
    pub written: usize,
    /// Of those, articles whose stored document was written again with other paths or another
    /// id (a file moved, copied or renamed) without extracting their entities again.
    pub reused: usize,
    /// Articles in the index after the run.
    pub articles: usize,
    /// Bytes of text in the articles read in this run.
    pub bytes: u64,
    /// Commits made; zero when nothing changed.
    pub commits: usize,
    /// Files and records that made no article, and why.
    pub skipped: Vec<Skip>,
    /// How long the run took.
    pub elapsed: Duration,
    /// The roots the index now has, each with the files found under it.
    pub roots: Vec<RootSummary>,
    /// Roots this run removed.
    pub removed: Vec<PathBuf>,
    /// Paths given that a root already held: (given, that root).
    pub covered: Vec<(PathBuf, PathBuf)>,
    /// Files and records read with bytes that were not valid text replaced.
    pub repaired: Vec<Repaired>,
    /// The run was stopped by [`BuildOptions::interrupt`](super::BuildOptions::interrupt) (this
    /// value) after committing what it had written.
    pub interrupted: Option<usize>,
}

/// A file or record kept although some of its bytes were not valid in its encoding.
#[derive(Debug, Clone)]
pub struct Repaired {
    /// The file.
    pub path: PathBuf,
    /// The article kept.
    pub id: String,
    /// Bytes replaced with U+FFFD.
    pub bytes: usize,
}

/// One root of the index after a run.
#[derive(Debug, Default, Clone)]
pub struct RootSummary {
    /// The root, as the index records it.
    pub path: PathBuf,
    /// Files found under it.
    pub files: usize,
    /// The root no longer exists; its articles were kept.
    pub missing: bool,
}
