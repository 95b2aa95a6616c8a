//! Bringing an index up to date with an archive: read what changed, write only that, commit
//! at bounded intervals so a crash loses at most one interval, and never hold the whole
//! archive in memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use tantivy::directory::error::LockError;
use tantivy::{IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use super::ledger::Ledger;
use super::open_for_writing;
use super::options::{BuildOptions, Progress};
use super::pipeline::Pipeline;
use super::roots::RootPlan;
use super::run::Run;
use super::state::{FileCache, index_view};
use super::summary::BuildSummary;

/// The least memory tantivy's writer is given: below ~15 MB per indexing thread it refuses.
pub const MIN_WRITER_MEMORY: usize = 64 << 20;

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
    /// The index folder.
    pub dir: PathBuf,
    /// What the system said when the writer's lock file could not be made.
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
