//! Building an index from an archive: read every file, analyse, write, commit once.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use tantivy::{DateTime, TantivyDocument};

use super::{Fields, open_for_writing};
use crate::corpus::{self, Article, Skip};

/// Memory the tantivy writer may use before it flushes a segment.
const WRITER_MEMORY: usize = 200 * 1024 * 1024;

/// Told about each file as the indexer reaches it, so a terminal can show progress.
pub trait Progress {
    fn start(&self, files: u64);
    fn file_done(&self, path: &Path);
    fn finish(&self);
}

/// Progress for callers that show none.
impl Progress for () {
    fn start(&self, _: u64) {}
    fn file_done(&self, _: &Path) {}
    fn finish(&self) {}
}

/// What a build did, for the summary printed after it.
#[derive(Debug)]
pub struct BuildSummary {
    pub index_dir: PathBuf,
    pub files: usize,
    pub indexed: usize,
    pub bytes: u64,
    pub skipped: Vec<Skip>,
    pub elapsed: Duration,
}

/// Indexes every article under `roots` into `index_dir`, replacing what the index held. The
/// old contents stay searchable until the single commit at the end.
pub fn build(
    roots: &[PathBuf],
    index_dir: &Path,
    progress: &dyn Progress,
) -> anyhow::Result<BuildSummary> {
    let started = Instant::now();
    let (files, mut skipped) = corpus::walk(roots);
    let open = open_for_writing(index_dir)?;
    let mut writer = open
        .index
        .writer::<TantivyDocument>(WRITER_MEMORY)
        .with_context(|| {
            format!(
                "cannot lock the index in {} for writing",
                index_dir.display()
            )
        })?;
    writer.delete_all_documents()?;

    progress.start(files.len() as u64);
    let mut indexed = 0;
    let mut bytes = 0;
    for found in &files {
        let contents = corpus::read(found);
        for article in contents.articles {
            bytes += (article.title.len() + article.body.len()) as u64;
            writer.add_document(to_document(&open.fields, &article))?;
            indexed += 1;
        }
        skipped.extend(contents.skips);
        progress.file_done(&found.path);
    }
    writer
        .commit()
        .with_context(|| format!("cannot commit the index in {}", index_dir.display()))?;
    writer.wait_merging_threads()?;
    progress.finish();
    Ok(BuildSummary {
        index_dir: index_dir.to_path_buf(),
        files: files.len(),
        indexed,
        bytes,
        skipped,
        elapsed: started.elapsed(),
    })
}

fn to_document(f: &Fields, a: &Article) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.id, &a.id);
    doc.add_text(f.path, a.path.to_string_lossy());
    doc.add_text(f.title, &a.title);
    doc.add_text(f.body, &a.body);
    if let Some(date) = a.date {
        doc.add_date(f.date, to_datetime(date));
    }
    if let Some(source) = &a.source {
        doc.add_text(f.source, source);
    }
    if let Some(url) = &a.url {
        doc.add_text(f.url, url);
    }
    for name in a.inferred.names() {
        doc.add_text(f.inferred, name);
    }
    doc
}

/// Dates are days: stored as midnight UTC so that day, month and year buckets are exact.
pub fn to_datetime(date: NaiveDate) -> DateTime {
    let secs = date
        .and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp())
        .unwrap_or_default();
    DateTime::from_timestamp_secs(secs)
}
