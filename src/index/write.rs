//! Bringing an index up to date with an archive: read what changed, write only that, commit
//! at bounded intervals so a crash loses at most one interval, and never hold the whole
//! archive in memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use tantivy::directory::error::LockError;
use tantivy::{DateTime, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use super::ledger::Ledger;
use super::open_for_writing;
use super::pipeline::Pipeline;
use super::roots::RootPlan;
use super::run::Run;
use super::state::{FileCache, index_view};
use crate::corpus::{Article, ReadOptions, Skip};
use crate::entities::Aliases;

/// The least memory tantivy's writer is given: below ~15 MB per indexing thread it refuses.
pub const MIN_WRITER_MEMORY: usize = 64 << 20;

/// Told about each file as the indexer reaches it, and about the bytes read of a large one, so
/// a terminal can show progress.
pub trait Progress {
    fn start(&self, files: u64);
    /// A file is being read; `size` is its length in bytes.
    fn file_start(&self, path: &Path, size: u64);
    /// So many bytes of the current file have been read.
    fn file_bytes(&self, read: u64);
    fn file_done(&self, path: &Path);
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

/// What a build did, for the summary printed after it. File counts are per file; articles
/// are what the index holds afterwards.
#[derive(Debug, Default)]
pub struct BuildSummary {
    pub index_dir: PathBuf,
    pub files: usize,
    pub added: usize,
    pub updated: usize,
    pub deleted: usize,
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
    pub skipped: Vec<Skip>,
    pub elapsed: Duration,
    /// The roots the index now has, each with the files found under it.
    pub roots: Vec<RootSummary>,
    /// Roots this run removed.
    pub removed: Vec<PathBuf>,
    /// Paths given that a root already held: (given, that root).
    pub covered: Vec<(PathBuf, PathBuf)>,
    /// Files and records read with bytes that were not valid text replaced.
    pub repaired: Vec<Repaired>,
    /// The run was stopped by [`BuildOptions::interrupt`] (this value) after committing what it
    /// had written.
    pub interrupted: Option<usize>,
}

/// A file or record kept although some of its bytes were not valid in its encoding.
#[derive(Debug, Clone)]
pub struct Repaired {
    pub path: PathBuf,
    /// The article kept.
    pub id: String,
    /// Bytes replaced with U+FFFD.
    pub bytes: usize,
}

/// One root of the index after a run.
#[derive(Debug, Default, Clone)]
pub struct RootSummary {
    pub path: PathBuf,
    pub files: usize,
    /// The root no longer exists; its articles were kept.
    pub missing: bool,
}

/// A second indexer on the same index; callers tell the user to wait rather than fail vaguely.
#[derive(Debug, thiserror::Error)]
#[error(
    "another `vestnik index` is writing to {0} (it holds {0}/.tantivy-writer.lock); wait for it to finish"
)]
pub struct Locked(pub PathBuf);

/// An index folder this process may not write to (a read-only mount, another user's folder):
/// not another indexer's, and nothing waiting fixes it.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot write to the index in {}: {cause} (indexing needs write access to the folder; searching and serving do not)",
    dir.display()
)]
pub struct Unwritable {
    pub dir: PathBuf,
    pub cause: Arc<std::io::Error>,
}

/// Brings the index in `index_dir` up to date with its roots: the folders and files it was
/// built from, plus `roots` (added to them), minus `opts.remove`. New and changed files are read
/// and written, files that are gone lose their articles, unchanged files are not read at all.
/// The index then holds exactly the articles of the files under its roots; a root that has
/// disappeared (an unmounted disk) keeps its articles until it is removed.
///
/// What a reader of the index sees while a run commits (every `commit_every` articles or
/// `commit_interval`, also inside a large file):
/// - the articles of deleted files are gone from the first commit on;
/// - a file being read shows each of its records either as it was or as it is now, never
///   both: a new version of an id is added in the commit that deletes the old one, and the
///   records a file dropped go in the commit that ends it;
/// - a moved or renamed file (or root) shows each article once, under its old path and id
///   until it is rewritten under the new ones;
/// - the list of paths of a text that several files hold is brought up to date as the files
///   are read and, at the latest, in the run's last commit; until then, where several files
///   hold the same text and only some are read, an old version may still show the id of the
///   file that now holds the new one.
pub fn build(
    roots: &[PathBuf],
    index_dir: &Path,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> anyhow::Result<BuildSummary> {
    let started = Instant::now();
    let open = open_for_writing(index_dir)?;
    let writer: IndexWriter<TantivyDocument> =
        match open.index.writer(opts.memory.max(MIN_WRITER_MEMORY)) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(LockError::IoError(e), _))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                return Err(Unwritable {
                    dir: index_dir.to_path_buf(),
                    cause: e,
                }
                .into());
            }
            Err(tantivy::TantivyError::LockFailure(LockError::LockBusy, _)) => {
                return Err(Locked(index_dir.to_path_buf()).into());
            }
            Err(e) => {
                return Err(e).context(format!(
                    "cannot write to the index in {}",
                    index_dir.display()
                ));
            }
        };
    let reader: IndexReader = open
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let snapshot = reader.searcher();
    let old_view = if opts.rebuild {
        HashMap::new()
    } else {
        index_view(&snapshot)?
    };
    let ledger = Ledger::new(old_view);
    let plan = RootPlan::new(
        roots,
        &opts.remove,
        opts.rebuild,
        index_dir,
        &ledger.by_path,
    )?;
    plan.roots.save(index_dir)?;
    super::save_aliases(index_dir, &opts.aliases)?;
    let summary = BuildSummary {
        index_dir: index_dir.to_path_buf(),
        removed: plan.removed.iter().map(|r| r.given.clone()).collect(),
        covered: plan.added.covered.clone(),
        ..BuildSummary::default()
    };
    let pipeline = Pipeline::start(writer, open.fields, opts.entities, opts.aliases.clone());
    let mut run = Run::new(
        index_dir,
        pipeline,
        open.fields,
        reader,
        snapshot,
        opts,
        ledger,
    );
    run.summary = summary;
    // Ids are relative to the root, so the files of a root that a wider one replaced are read
    // again (their articles are rewritten with new ids, not extracted again).
    run.replaced = plan.added.replaced.clone();
    if opts.rebuild {
        run.pipeline.delete_all()?;
        run.grouper.skip_existing();
        run.pending += 1;
    } else {
        run.cache = FileCache::load(index_dir);
    }

    let (files, seen) = run.list(&plan.roots, index_dir);
    run.summary.files = files.len();
    progress.start(files.len() as u64);
    let to_read = run.sort_out(files, &seen, progress);
    for file in &to_read {
        if run.interrupted().is_some() {
            break;
        }
        run.file(&file.found, &file.key, file.stamp, progress)?;
        progress.file_done(&file.found.path);
    }
    if let Some(signal) = run.interrupted() {
        let mut summary = run.stop()?;
        progress.finish();
        summary.interrupted = Some(signal);
        summary.elapsed = started.elapsed();
        return Ok(summary);
    }
    run.summary.deleted = run.ledger.deleted_files();
    let cached = run.cache.files.len();
    run.cache.files.retain(|p, _| seen.contains(p));
    run.cache_dirty |= run.cache.files.len() != cached;
    let mut summary = run.finish()?;
    progress.finish();
    summary.elapsed = started.elapsed();
    Ok(summary)
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

/// An article's identity: the same title, text and metadata under several paths is stored
/// once; any change to them makes a new article. Path-derived ids are left out, so copies of
/// one file in two places are the same article; an id the record gives itself is part of it,
/// so records with their own ids are articles of their own whatever their text (identical
/// texts then share a release group).
pub(super) fn article_hash(a: &Article, seed: u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::with_seed(seed);
    let date = a.date.map(|d| d.to_string());
    if a.own_id {
        h.update(b"\x01id");
        h.update(a.id.as_bytes());
        h.update(&[0]);
    }
    for part in [
        Some(a.title.as_str()),
        Some(a.body.as_str()),
        date.as_deref(),
        a.source.as_deref(),
        a.url.as_deref(),
        a.author.as_deref(),
    ] {
        h.update(part.unwrap_or("").as_bytes());
        h.update(&[0]);
    }
    h.digest()
}

/// Dates are days: stored as midnight UTC so that day, month and year buckets are exact.
pub fn to_datetime(date: NaiveDate) -> DateTime {
    let secs = date
        .and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp())
        .unwrap_or_default();
    DateTime::from_timestamp_secs(secs)
}
