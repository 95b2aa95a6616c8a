//! One update run: sorting the files into unchanged and to read, reading them record by
//! record, writing new texts, deleting what no file holds, committing at bounded intervals.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::Context;
use tantivy::collector::DocSetCollector;
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{IndexReader, Searcher, Term};

use super::document::{Head, NewArticle, article_hash};
use super::groups::Grouper;
use super::ledger::{Ledger, Stamped};
use super::options::{BuildOptions, Progress, entity_seed};
use super::pipeline::Pipeline;
use super::roots::{Root, Roots};
use super::schema::{Fields, names};
use super::state::{FileCache, FileEntry, stamp};
use super::summary::{BuildSummary, Repaired, RootSummary};
use crate::corpus::{self, Article, Found, Skip, SkipReason};

/// Bytes read between two progress reports within a file.
const PROGRESS_STEP: u64 = 1 << 20;

/// A document this run wrote: the paths it lists (sorted once the run is over; the first gives
/// its id) and its head fingerprint.
pub(super) struct Written {
    pub paths: Vec<String>,
    pub fingerprint: u64,
}

/// A file to read: as walked, its path as stored, its size and modification time.
pub(super) struct ToRead {
    pub found: Found,
    pub key: String,
    pub stamp: Option<(u64, u64)>,
}

pub(super) struct Run {
    pub dir: PathBuf,
    pub fields: Fields,
    /// Builds documents on every core and owns the writer.
    pub pipeline: Pipeline,
    /// Decides each new article's release group.
    pub grouper: Grouper,
    pub reader: IndexReader,
    /// The index as the run began: stored documents to reuse (also of articles this run has
    /// deleted) and the ids they had.
    pub snapshot: Searcher,
    /// The snapshot's hash column per segment: which article a document found by id is.
    hashes: Vec<Column<u64>>,
    pub opts: BuildOptions,
    /// What the index held, and when each of its articles may go.
    pub ledger: Ledger,
    /// Starts as the last run's cache; entries are replaced as files are processed, so it can
    /// be saved at any commit.
    pub cache: FileCache,
    /// What the index must hold when the run ends: article → paths.
    pub new_paths: HashMap<u64, Vec<String>>,
    /// Documents written in this run.
    pub written: HashMap<u64, Written>,
    /// For an article whose first path is to change: the head read from the earliest path
    /// found holding it in this run.
    pub heads: HashMap<u64, Head>,
    /// The folder each walked path was found under (ids and folder sources depend on it).
    pub roots: HashMap<String, PathBuf>,
    /// Roots that a wider one replaced: their files are read again, as their ids change.
    pub replaced: Vec<Root>,
    /// Whether the cache differs from the saved one.
    pub cache_dirty: bool,
    /// Mixed into article hashes (see `entity_seed`).
    pub seed: u64,
    /// Changes since the last commit.
    pub pending: usize,
    last_commit: Instant,
    pub summary: BuildSummary,
}

impl Run {
    pub fn new(
        dir: &Path,
        pipeline: Pipeline,
        fields: Fields,
        reader: IndexReader,
        snapshot: Searcher,
        opts: &BuildOptions,
        ledger: Ledger,
    ) -> Run {
        let hashes = snapshot
            .segment_readers()
            .iter()
            .filter_map(|s| s.fast_fields().u64(names::HASH).ok())
            .collect();
        Run {
            dir: dir.to_path_buf(),
            fields,
            pipeline,
            grouper: Grouper::default(),
            reader,
            snapshot,
            hashes,
            opts: opts.clone(),
            ledger,
            cache: FileCache::default(),
            new_paths: HashMap::new(),
            written: HashMap::new(),
            heads: HashMap::new(),
            roots: HashMap::new(),
            replaced: Vec::new(),
            cache_dirty: false,
            seed: entity_seed(opts),
            pending: 0,
            last_commit: Instant::now(),
            summary: BuildSummary::default(),
        }
    }

    /// The files under each root, in walk order, and every path the run accounts for. A root
    /// that no longer exists keeps what the index holds for it, as if every one of its files
    /// were unchanged.
    pub fn list(&mut self, roots: &Roots, index_dir: &Path) -> (Vec<Found>, HashSet<String>) {
        let mut files: Vec<Found> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for root in &roots.roots {
            let mut summary = RootSummary {
                path: root.given.clone(),
                ..RootSummary::default()
            };
            if !root.exists() {
                summary.missing = true;
                for (path, hashes) in &self.ledger.by_path {
                    if root.holds(path) && seen.insert(path.clone()) {
                        summary.files += 1;
                        for hash in hashes {
                            self.new_paths.entry(*hash).or_default().push(path.clone());
                        }
                    }
                }
            } else {
                let (found, skips) = corpus::walk(&[root.walk_path()], &[index_dir.to_path_buf()]);
                self.summary.skipped.extend(skips);
                for f in found {
                    if seen.insert(f.path.to_string_lossy().into_owned()) {
                        summary.files += 1;
                        files.push(f);
                    }
                }
            }
            self.summary.roots.push(summary);
        }
        (files, seen)
    }

    /// Notes the files whose size and modification time say they are unchanged (they are not
    /// read), returns the others in walk order, and deletes at once the articles that only
    /// gone files held.
    pub fn sort_out(
        &mut self,
        files: Vec<Found>,
        seen: &HashSet<String>,
        progress: &dyn Progress,
    ) -> Vec<ToRead> {
        let mut to_read = Vec::new();
        for found in files {
            let key = found.path.to_string_lossy().into_owned();
            self.roots.insert(key.clone(), found.root.clone());
            let stamp = std::fs::metadata(&found.path).ok().map(|m| stamp(&m));
            if let Some(stamp) = stamp
                && self.unchanged(&key, stamp)
            {
                let hashes = self.cache.files.get(&key).map(|e| e.articles.clone());
                for hash in hashes.into_iter().flatten() {
                    self.new_paths.entry(hash).or_default().push(key.clone());
                }
                self.summary.unchanged += 1;
                progress.file_done(&found.path);
                continue;
            }
            to_read.push(ToRead { found, key, stamp });
        }
        let stamped: Vec<Stamped> = to_read.iter().map(|t| (t.key.clone(), t.stamp)).collect();
        let new_paths = &self.new_paths;
        let delete = self
            .ledger
            .plan(seen, &stamped, &self.cache, |h| new_paths.contains_key(&h));
        for hash in delete {
            self.delete(hash);
        }
        to_read
    }

    /// Whether the cache vouches for the file at `key` as the index holds it.
    fn unchanged(&self, key: &str, (size, mtime_ns): (u64, u64)) -> bool {
        let Some(entry) = self.cache.files.get(key) else {
            return false;
        };
        if entry.size != size || entry.mtime_ns != mtime_ns {
            return false;
        }
        if self.replaced.iter().any(|r| r.holds(key)) {
            return false;
        }
        let mut cached = entry.articles.clone();
        cached.sort_unstable();
        cached.dedup();
        self.ledger.by_path.get(key) == Some(&cached)
    }

    /// Reads one file that is new, changed or moved, record by record.
    pub fn file(
        &mut self,
        found: &Found,
        key: &str,
        stamp: Option<(u64, u64)>,
        progress: &dyn Progress,
    ) -> anyhow::Result<()> {
        // Without a stamp the file vanished or cannot be read, which reading it reports.
        let (size, mtime_ns) = stamp.unwrap_or_default();
        let mut records = match corpus::records(found, &self.opts.read) {
            Ok(r) => r,
            Err(reason) => return self.skip(found, key, reason),
        };
        progress.file_start(&found.path, size);
        let mut shown = 0;
        // Articles are written as they are read, and commits fall inside a file as between
        // files, so a dump of any size is held one record at a time and a crash in the middle
        // of it loses at most one commit interval.
        let mut hashes = Vec::new();
        while let Some(record) = records.next() {
            let read = records.bytes_read();
            if read >= shown + PROGRESS_STEP {
                progress.file_bytes(read);
                shown = read;
            }
            if self.interrupted().is_some() {
                // The file's cache entry stays as it was, so the next run reads it again; its
                // old articles stay too.
                return Ok(());
            }
            match record {
                Ok(article) => {
                    if article.repaired > 0 {
                        self.summary.repaired.push(Repaired {
                            path: found.path.clone(),
                            id: article.id.clone(),
                            bytes: article.repaired,
                        });
                    }
                    let hash = self.article(article, key)?;
                    hashes.push(hash);
                    self.maybe_commit()?;
                }
                Err(skip) => self.summary.skipped.push(skip),
            }
        }
        self.settle(key);
        if hashes.is_empty() {
            self.cache_dirty |= self.cache.files.remove(key).is_some();
            return self.maybe_commit();
        }
        let mut sorted = hashes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        match self.ledger.by_path.get(key) {
            None if self.ledger.moved_from(key).is_some() => self.summary.moved += 1,
            None => self.summary.added += 1,
            Some(b) if *b == sorted => self.summary.unchanged += 1,
            Some(_) => self.summary.updated += 1,
        }
        let entry = FileEntry {
            size,
            mtime_ns,
            articles: hashes,
        };
        if self.cache.files.get(key) != Some(&entry) {
            self.cache.files.insert(key.to_string(), entry);
            self.cache_dirty = true;
        }
        self.maybe_commit()
    }

    /// The file at `key` is read (or could not be): the old articles that no file holds any
    /// more go, in the same commit as its last records.
    fn settle(&mut self, key: &str) {
        let new_paths = &self.new_paths;
        let delete = self
            .ledger
            .settle(key, |h| new_paths.get(&h).is_some_and(|p| !p.is_empty()));
        for hash in delete {
            self.delete(hash);
        }
    }

    pub fn delete(&mut self, hash: u64) {
        self.ledger.mark_deleted(hash);
        self.pipeline.delete(hash);
        self.pending += 1;
    }

    /// The signal that asked the run to stop, if one did.
    pub fn interrupted(&self) -> Option<usize> {
        let signal = self.opts.interrupt.as_ref()?.load(Ordering::Relaxed);
        (signal != 0).then_some(signal)
    }

    /// Ends an interrupted run: commits what was written with the cache of the files finished.
    /// What it deleted is only what files found gone or read to their end no longer hold; the
    /// files not reached may still hold the rest.
    pub fn stop(mut self) -> anyhow::Result<BuildSummary> {
        if self.pending > 0 {
            self.commit()?;
        } else if self.cache_dirty {
            self.cache.save(&self.dir)?;
        }
        self.reader.reload()?;
        self.summary.articles = self.reader.searcher().num_docs() as usize;
        self.summary.deleted = self.ledger.deleted_files();
        self.pipeline.finish()?;
        Ok(self.summary)
    }

    /// Takes one article read from the file `key`: written when its text is new to the index,
    /// its stored document reused when only its paths or id change, else only noted under this
    /// path. Returns its hash.
    fn article(&mut self, article: Article, key: &str) -> anyhow::Result<u64> {
        let hash = article_hash(&article, self.seed);
        self.summary.bytes += (article.title.len() + article.body.len()) as u64;
        let paths = self.new_paths.entry(hash).or_default();
        if paths.iter().any(|p| p == key) {
            return Ok(hash);
        }
        paths.push(key.to_string());
        let first = paths.len() == 1;
        if self.written.contains_key(&hash) || !first && !self.ledger.old.contains_key(&hash) {
            // Written or seen before in this run: only its list of paths (and maybe its first
            // path) may change, which `finish` does once all paths are known.
            self.note_head(hash, key, &article);
            return Ok(hash);
        }
        if self.ledger.old.contains_key(&hash) {
            self.reuse_now(hash, key, &article)?;
            return Ok(hash);
        }
        self.replace_same_id(&article, key)?;
        self.write(article, vec![key.to_string()], hash)?;
        Ok(hash)
    }

    /// A new text whose id the index held for another text from this file (an edited whole
    /// file, an edited record with its own id): the old version is deleted in the commit that
    /// adds the new one, so no commit shows the id twice. An old version that other files may
    /// still hold stays until they are read.
    fn replace_same_id(&mut self, article: &Article, key: &str) -> anyhow::Result<()> {
        if self.ledger.old.is_empty() {
            return Ok(());
        }
        let term = Term::from_field_text(self.fields.id, &article.id);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let found = self.snapshot.search(&query, &DocSetCollector)?;
        for address in found {
            let column = self.hashes.get(address.segment_ord as usize);
            let Some(old) = column.and_then(|c| c.first(address.doc_id)) else {
                continue;
            };
            let held = self.new_paths.get(&old).is_some_and(|p| !p.is_empty());
            if self.ledger.only_in(old, key, held) {
                self.delete(old);
            }
        }
        Ok(())
    }

    pub fn skip(&mut self, found: &Found, key: &str, reason: SkipReason) -> anyhow::Result<()> {
        self.cache_dirty |= self.cache.files.remove(key).is_some();
        self.summary.skipped.push(Skip {
            path: found.path.clone(),
            record: None,
            reason,
        });
        self.settle(key);
        self.maybe_commit()
    }

    /// Groups an article with earlier versions of its text and hands it to the pipeline,
    /// which builds its document on another core.
    fn write(&mut self, article: Article, paths: Vec<String>, hash: u64) -> anyhow::Result<()> {
        let fingerprint = Head::of(&article, "").fingerprint;
        let new = self.grouped(article, paths, hash)?;
        self.written.insert(
            hash,
            Written {
                paths: new.paths.clone(),
                fingerprint,
            },
        );
        self.summary.written += 1;
        self.pending += 1;
        self.pipeline.send(new)
    }

    pub fn grouped(
        &mut self,
        article: Article,
        paths: Vec<String>,
        hash: u64,
    ) -> anyhow::Result<NewArticle> {
        self.grouper.load(&self.reader)?;
        let signature = crate::dedup::signature(&article.body);
        let group = self.grouper.assign(signature.as_ref(), hash);
        Ok(NewArticle {
            article,
            paths,
            hash,
            group,
            signature,
        })
    }

    pub fn maybe_commit(&mut self) -> anyhow::Result<()> {
        if self.pending >= self.opts.commit_every
            || (self.pending > 0 && self.last_commit.elapsed() >= self.opts.commit_interval)
        {
            self.commit()?;
        }
        Ok(())
    }

    /// Commits what was written and saves the file cache that describes it.
    pub fn commit(&mut self) -> anyhow::Result<()> {
        self.pipeline
            .commit()
            .with_context(|| format!("cannot commit the index in {}", self.dir.display()))?;
        self.cache
            .save(&self.dir)
            .with_context(|| format!("cannot save the file cache in {}", self.dir.display()))?;
        self.summary.commits += 1;
        self.cache_dirty = false;
        self.pending = 0;
        self.last_commit = Instant::now();
        Ok(())
    }

    pub fn root_of(&self, path: &str) -> PathBuf {
        self.roots.get(path).cloned().unwrap_or_default()
    }
}
