//! Bringing an index up to date with an archive: read what changed, write only that, commit
//! at bounded intervals so a crash loses at most one interval, and never hold the whole
//! archive in memory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::document::{NewArticle, with_paths};
use super::groups::Grouper;
use super::pipeline::Pipeline;
use super::roots::{RootPlan, Roots};
use super::state::{FileCache, FileEntry, index_view, stamp};
use super::{Fields, open_for_writing};
use crate::corpus::{self, Article, Found, ReadOptions, Skip, SkipReason};
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

/// Bytes read between two progress reports within a file.
const PROGRESS_STEP: u64 = 1 << 20;

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
    /// Articles written (new or changed) in this run.
    pub written: usize,
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

/// Brings the index in `index_dir` up to date with its roots: the folders and files it was
/// built from, plus `roots` (added to them), minus `opts.remove`. New and changed files are read
/// and written, files that are gone lose their articles, unchanged files are not read at all.
/// The index then holds exactly the articles of the files under its roots; a root that has
/// disappeared (an unmounted disk) keeps its articles until it is removed.
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
            Err(tantivy::TantivyError::LockFailure(..)) => {
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
    let old_view = if opts.rebuild {
        HashMap::new()
    } else {
        index_view(&reader.searcher())?
    };
    let old_by_path = by_path(&old_view);
    let plan = RootPlan::new(roots, &opts.remove, opts.rebuild, index_dir, &old_by_path)?;
    plan.roots.save(index_dir)?;
    super::save_aliases(index_dir, &opts.aliases)?;
    let mut run = Run {
        dir: index_dir.to_path_buf(),
        pipeline: Pipeline::start(writer, open.fields, opts.entities, opts.aliases.clone()),
        fields: open.fields,
        grouper: Grouper::default(),
        reader,
        opts: opts.clone(),
        old_view,
        cache: FileCache::default(),
        new_paths: HashMap::new(),
        written: HashMap::new(),
        roots: HashMap::new(),
        reroot: HashSet::new(),
        cache_dirty: false,
        seed: entity_seed(opts),
        pending: 0,
        last_commit: Instant::now(),
        summary: BuildSummary {
            index_dir: index_dir.to_path_buf(),
            removed: plan.removed.iter().map(|r| r.given.clone()).collect(),
            covered: plan.added.covered.clone(),
            ..BuildSummary::default()
        },
    };
    if opts.rebuild {
        run.pipeline.delete_all()?;
        run.grouper.skip_existing();
        run.pending += 1;
    } else {
        run.cache = FileCache::load(index_dir);
    }
    // Files under a root that a wider one replaced get new ids (ids are relative to the root):
    // their articles are written again even where the text is unchanged.
    for (path, hashes) in &old_by_path {
        if plan.added.replaced.iter().any(|r| r.holds(path)) {
            run.reroot.extend(hashes.iter().copied());
        }
    }

    let (files, seen) = run.list(&plan.roots, &old_by_path, index_dir);
    run.summary.files = files.len();
    progress.start(files.len() as u64);
    for found in &files {
        if run.interrupted().is_some() {
            break;
        }
        let key = found.path.to_string_lossy().into_owned();
        run.roots.insert(key.clone(), found.root.clone());
        run.file(found, &key, old_by_path.get(&key), progress)?;
        progress.file_done(&found.path);
    }
    if let Some(signal) = run.interrupted() {
        let mut summary = run.stop()?;
        progress.finish();
        summary.interrupted = Some(signal);
        summary.elapsed = started.elapsed();
        return Ok(summary);
    }
    run.summary.deleted = old_by_path.keys().filter(|p| !seen.contains(*p)).count();
    let cached = run.cache.files.len();
    run.cache.files.retain(|p, _| seen.contains(p));
    run.cache_dirty |= run.cache.files.len() != cached;
    let mut summary = run.finish()?;
    progress.finish();
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Paths → the articles the index holds for them.
fn by_path(view: &HashMap<u64, Vec<String>>) -> HashMap<String, Vec<u64>> {
    let mut out: HashMap<String, Vec<u64>> = HashMap::new();
    for (hash, paths) in view {
        for p in paths {
            out.entry(p.clone()).or_default().push(*hash);
        }
    }
    for hashes in out.values_mut() {
        hashes.sort_unstable();
    }
    out
}

fn entity_seed(opts: &BuildOptions) -> u64 {
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
fn article_hash(a: &Article, seed: u64) -> u64 {
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

struct Run {
    dir: PathBuf,
    fields: Fields,
    /// Builds documents on every core and owns the writer.
    pipeline: Pipeline,
    /// Decides each new article's release group.
    grouper: Grouper,
    reader: IndexReader,
    opts: BuildOptions,
    /// What the index held when the run began: article → paths.
    old_view: HashMap<u64, Vec<String>>,
    /// Starts as the last run's cache; entries are replaced as files are processed, so it can
    /// be saved at any commit.
    cache: FileCache,
    /// What the index must hold when the run ends: article → paths, in walk order.
    new_paths: HashMap<u64, Vec<String>>,
    /// Articles written in this run, with the paths they were written with.
    written: HashMap<u64, Vec<String>>,
    /// The folder each walked path was found under (ids and folder sources depend on it).
    roots: HashMap<String, PathBuf>,
    /// Articles to write again although the index holds their text (their root changed).
    reroot: HashSet<u64>,
    /// Whether the cache differs from the saved one.
    cache_dirty: bool,
    /// Mixed into article hashes, so that turning extraction on or off, or changing the alias
    /// table, rewrites every article.
    seed: u64,
    /// Changes since the last commit.
    pending: usize,
    last_commit: Instant,
    summary: BuildSummary,
}

impl Run {
    fn file(
        &mut self,
        found: &Found,
        key: &str,
        before: Option<&Vec<u64>>,
        progress: &dyn Progress,
    ) -> anyhow::Result<()> {
        let meta = match std::fs::metadata(&found.path) {
            Ok(m) => m,
            Err(e) => {
                self.skip(found, SkipReason::Unreadable(e.to_string()));
                return Ok(());
            }
        };
        let (size, mtime_ns) = stamp(&meta);
        if let Some(entry) = self.cache.files.get(key)
            && entry.size == size
            && entry.mtime_ns == mtime_ns
            && !entry.articles.iter().any(|h| self.reroot.contains(h))
            && before.is_some_and(|b| {
                let mut cached = entry.articles.clone();
                cached.sort_unstable();
                cached.dedup();
                *b == cached
            })
        {
            for hash in entry.articles.clone() {
                self.new_paths
                    .entry(hash)
                    .or_default()
                    .push(key.to_string());
            }
            self.summary.unchanged += 1;
            return Ok(());
        }

        let mut records = match corpus::records(found, &self.opts.read) {
            Ok(r) => r,
            Err(reason) => {
                self.skip(found, reason);
                return Ok(());
            }
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
                // The file's cache entry stays as it was, so the next run reads it again.
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
        if hashes.is_empty() {
            self.cache_dirty |= self.cache.files.remove(key).is_some();
            return Ok(());
        }
        let mut sorted = hashes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        match before {
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

    /// The files to read under each root, in walk order, and every path the run accounts for.
    /// A root that no longer exists keeps what the index holds for it, as if every one of its
    /// files were unchanged.
    fn list(
        &mut self,
        roots: &Roots,
        old_by_path: &HashMap<String, Vec<u64>>,
        index_dir: &Path,
    ) -> (Vec<Found>, HashSet<String>) {
        let mut files: Vec<Found> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for root in &roots.roots {
            let mut summary = RootSummary {
                path: root.given.clone(),
                ..RootSummary::default()
            };
            if !root.exists() {
                summary.missing = true;
                for (path, hashes) in old_by_path {
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

    /// The signal that asked the run to stop, if one did.
    fn interrupted(&self) -> Option<usize> {
        let signal = self.opts.interrupt.as_ref()?.load(Ordering::Relaxed);
        (signal != 0).then_some(signal)
    }

    /// Ends an interrupted run: commits what was written with the cache of the files finished,
    /// and deletes nothing (the files not reached may still hold what the index has).
    fn stop(mut self) -> anyhow::Result<BuildSummary> {
        if self.pending > 0 {
            self.commit()?;
        } else if self.cache_dirty {
            self.cache.save(&self.dir)?;
        }
        self.reader.reload()?;
        self.summary.articles = self.reader.searcher().num_docs() as usize;
        self.summary.deleted = 0;
        self.pipeline.finish()?;
        Ok(self.summary)
    }

    /// Takes one article read from the file `key`: written when its text is new to the index,
    /// else only noted under this path. Returns its hash.
    fn article(&mut self, article: Article, key: &str) -> anyhow::Result<u64> {
        let hash = article_hash(&article, self.seed);
        self.summary.bytes += (article.title.len() + article.body.len()) as u64;
        let paths = self.new_paths.entry(hash).or_default();
        if paths.iter().any(|p| p == key) {
            return Ok(hash);
        }
        paths.push(key.to_string());
        // Seen before in this run, or already in the index: the text is stored, and only its
        // list of paths may need rewriting, which `finish` does once all paths are known.
        if paths.len() > 1 || self.old_view.contains_key(&hash) && !self.reroot.contains(&hash) {
            return Ok(hash);
        }
        self.write(article, vec![key.to_string()], hash)?;
        Ok(hash)
    }

    fn skip(&mut self, found: &Found, reason: SkipReason) {
        self.cache
            .files
            .remove(&found.path.to_string_lossy().into_owned());
        self.summary.skipped.push(Skip {
            path: found.path.clone(),
            record: None,
            reason,
        });
    }

    /// Groups an article with earlier versions of its text and hands it to the pipeline,
    /// which builds its document on another core.
    fn write(&mut self, article: Article, paths: Vec<String>, hash: u64) -> anyhow::Result<()> {
        let new = self.grouped(article, paths, hash)?;
        self.written.insert(hash, new.paths.clone());
        self.summary.written += 1;
        self.pending += 1;
        self.pipeline.send(new)
    }

    fn grouped(
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

    fn maybe_commit(&mut self) -> anyhow::Result<()> {
        if self.pending >= self.opts.commit_every
            || (self.pending > 0 && self.last_commit.elapsed() >= self.opts.commit_interval)
        {
            self.commit()?;
        }
        Ok(())
    }

    /// Commits what was written and saves the file cache that describes it.
    fn commit(&mut self) -> anyhow::Result<()> {
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

    /// Deletes what no file holds any more, records every path of texts found under several,
    /// writes articles the cache vouched for but the index lacks, and commits.
    fn finish(mut self) -> anyhow::Result<BuildSummary> {
        for hash in self.old_view.keys() {
            if !self.new_paths.contains_key(hash) {
                self.pipeline.delete(*hash);
                self.pending += 1;
            }
        }
        // Texts whose stored list of paths is not the one the files now give.
        let mut stale: BTreeMap<u64, (Vec<String>, bool)> = BTreeMap::new();
        for (hash, paths) in &self.new_paths {
            let mut want = paths.clone();
            want.sort();
            let have = self.written.get(hash).or_else(|| self.old_view.get(hash));
            if have != Some(&want) {
                // Metadata comes from the first path; keep the stored doc only if it came from there.
                let same_first = have.and_then(|h| h.first()) == want.first();
                stale.insert(*hash, (want, same_first));
            }
        }
        if !stale.is_empty() {
            if self.pending > 0 {
                self.commit()?;
            }
            self.reader.reload()?;
            let searcher = self.reader.searcher();
            for (hash, (paths, same_first)) in stale {
                let term = Term::from_field_u64(self.fields.hash, hash);
                let query = TermQuery::new(term, IndexRecordOption::Basic);
                let stored = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
                let doc = match stored.first() {
                    Some((_, address)) if same_first => {
                        Some(with_paths(&self.fields, searcher.doc(*address)?, &paths))
                    }
                    _ => self.reread(hash, &paths)?,
                };
                if let Some(doc) = doc {
                    self.pipeline.replace(hash, doc)?;
                    self.summary.written += 1;
                    self.pending += 1;
                }
            }
        }
        let committed = self.pending > 0;
        if committed {
            self.commit()?;
        } else if self.cache_dirty {
            self.cache.save(&self.dir)?;
        }
        self.reader.reload()?;
        self.summary.articles = self.reader.searcher().num_docs() as usize;
        let writer = self.pipeline.finish()?;
        if committed {
            writer.wait_merging_threads()?;
        }
        Ok(self.summary)
    }

    /// An article the cache said was indexed but the index lacks (an interrupted run): read it
    /// again from the first file that holds it.
    fn reread(&mut self, hash: u64, paths: &[String]) -> anyhow::Result<Option<TantivyDocument>> {
        for path in paths {
            let found = Found {
                path: PathBuf::from(path),
                root: self.root_of(path),
            };
            let Ok(records) = corpus::records(&found, &self.opts.read) else {
                continue;
            };
            if let Some(article) = records
                .flatten()
                .find(|a| article_hash(a, self.seed) == hash)
            {
                let new = self.grouped(article, paths.to_vec(), hash)?;
                return Ok(Some(self.pipeline.document(&new)));
            }
        }
        Ok(None)
    }

    fn root_of(&self, path: &str) -> PathBuf {
        self.roots.get(path).cloned().unwrap_or_default()
    }
}

/// Dates are days: stored as midnight UTC so that day, month and year buckets are exact.
pub fn to_datetime(date: NaiveDate) -> DateTime {
    let secs = date
        .and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp())
        .unwrap_or_default();
    DateTime::from_timestamp_secs(secs)
}
