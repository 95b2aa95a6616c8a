//! What a build is asked to do ([`BuildOptions`]) and whom it tells how far it got
//! ([`Progress`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use crate::corpus::ReadOptions;
use crate::entities::Aliases;

/// Told about each file as the indexer reaches it, and about the bytes read of a large one, so
/// a terminal can show progress.
pub trait Progress {
    /// The run has listed its files: this many will be looked at.
    fn start(&self, files: u64);
    /// A file is being read; `size` is its length in bytes.
    fn file_start(&self, path: &Path, size: u64);
    /// So many bytes of the current file have been read.
    fn file_bytes(&self, read: u64);
    /// A file is done.
    fn file_done(&self, path: &Path);
    /// The run is done.
    fn finish(&self);
}

/// Progress for callers that show none.
impl Progress for () {
    fn start(&self, _: u64) {}
    fn file_start(&self, _: &Path, _: u64) {}
    fn file_bytes(&self, _: u64) {}
    fn file_done(&self, _: &Path) {}
    fn finish(&self) {}
}

/// How a build runs.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Start from an empty index instead of updating.
    pub rebuild: bool,
    /// How files are read (a forced encoding, the size limit).
    pub read: ReadOptions,
    /// Commit after this many written articles...
    pub commit_every: usize,
    /// ...or this much time, whichever comes first.
    pub commit_interval: Duration,
    /// Extract people, organizations and places (off only to measure what extraction costs).
    pub entities: bool,
    /// Joins equivalent entity names across documents.
    pub aliases: Aliases,
    /// Roots to drop from the index (with their articles).
    pub remove: Vec<PathBuf>,
    /// Set (to a signal number) to stop the run: what is written is committed, nothing is
    /// deleted, and the next run finishes the job.
    pub interrupt: Option<Arc<AtomicUsize>>,
    /// Bytes tantivy's writer may fill before it writes a segment; with the queues between
    /// stages, what bounds the memory of a build of any size.
    pub memory: usize,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            rebuild: false,
            read: ReadOptions::default(),
            commit_every: 10_000,
            commit_interval: Duration::from_secs(30),
            entities: true,
            aliases: Aliases::shipped(),
            remove: Vec::new(),
            interrupt: None,
            memory: 256 << 20,
        }
    }
}

/// Mixed into article hashes, so that turning extraction on or off, or changing the alias
/// table, rewrites every article.
pub(super) fn entity_seed(opts: &BuildOptions) -> u64 {
    if !opts.entities {
        return 0;
    }
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(crate::entities::MODEL_VERSION.as_bytes());
    h.update(&opts.aliases.fingerprint().to_le_bytes());
    h.digest() | 1
}
