//! Writing an article again without extracting it again: when only its paths change (a file
//! moved, renamed, copied or deleted beside a copy) or the id and encoding its first path gives
//! it, the stored document is copied with the new paths and head. A moved file then costs one
//! read of it, whatever its size, instead of a read and an extraction per article.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, TantivyDocument, Term};

use super::document::{Head, article_hash, reused};
use super::run::{Run, Written};
use super::summary::BuildSummary;
use crate::corpus::{self, Article, Found};

/// Which head a rewritten document gets.
enum HeadFrom {
    /// The one it has.
    Kept,
    /// One read in this run.
    Read(Head),
    /// That of a file not read in this run: it is read once, for all articles that need it.
    File(String),
}

impl Run {
    /// `article`, read at `path`, is one the index already holds and this run has not written:
    /// its document is written again now when it must change (it lists a gone path, was
    /// deleted, gains this path, or this, its first path, now gives another id or encoding),
    /// else left for `finish` to settle once all paths are known.
    pub(super) fn reuse_now(
        &mut self,
        hash: u64,
        path: &str,
        article: &Article,
    ) -> anyhow::Result<()> {
        let Some(old) = self.ledger.old.get(&hash) else {
            return Ok(());
        };
        let head = Head::of(article, path);
        let first = old.paths.first().cloned().unwrap_or_default();
        let must = self.ledger.is_deleted(hash)
            || old.paths.iter().any(|p| self.ledger.is_gone(p))
            || !old.paths.iter().any(|p| p == path)
            || first == path && head.fingerprint != old.head;
        if !must {
            self.note_head(hash, path, article);
            return Ok(());
        }
        let holders = self.new_paths.get(&hash).cloned().unwrap_or_default();
        let paths = self.ledger.live_paths(hash, &holders);
        let from = match paths.first() {
            Some(p) if p == path => HeadFrom::Read(head),
            Some(p) if *p == first && first != path => HeadFrom::Kept,
            Some(p) => match self.heads.get(&hash) {
                Some(h) if h.path == *p => HeadFrom::Read(h.clone()),
                // Its first path is a file not read yet: settled at the end of the run.
                _ => {
                    self.note_head(hash, path, article);
                    return Ok(());
                }
            },
            None => return Ok(()),
        };
        let (address, fingerprint) = (old.address, old.head);
        let stored = self.snapshot.doc(address)?;
        self.rewrite(hash, stored, paths, from, fingerprint)
    }

    /// Remembers the head `article` gives at `path` when that path is, or may become, the
    /// first of its article's paths and the head differs from the one its document has.
    pub(super) fn note_head(&mut self, hash: u64, path: &str, article: &Article) {
        let (first, fingerprint) = match (self.written.get(&hash), self.ledger.old.get(&hash)) {
            (Some(w), _) => (w.paths.first(), w.fingerprint),
            (None, Some(old)) => (old.paths.first(), old.head),
            (None, None) => return,
        };
        let head = Head::of(article, path);
        let earlier = first.is_none_or(|f| path < f.as_str());
        let changed = first.is_some_and(|f| f == path) && head.fingerprint != fingerprint;
        if !earlier && !changed {
            return;
        }
        if self
            .heads
            .get(&hash)
            .is_none_or(|h| path <= h.path.as_str())
        {
            self.heads.insert(hash, head);
        }
    }

    /// Writes `stored` again with `paths` and the head `from` says (only `Kept` or `Read`).
    fn rewrite(
        &mut self,
        hash: u64,
        stored: TantivyDocument,
        paths: Vec<String>,
        from: HeadFrom,
        fingerprint: u64,
    ) -> anyhow::Result<()> {
        let head = match from {
            HeadFrom::Read(head) => Some(head),
            _ => None,
        };
        let fingerprint = head.as_ref().map_or(fingerprint, |h| h.fingerprint);
        let doc = reused(&self.fields, stored, &paths, head.as_ref(), fingerprint);
        self.pipeline.replace(hash, doc)?;
        self.written.insert(hash, Written { paths, fingerprint });
        self.summary.written += 1;
        self.summary.reused += 1;
        self.pending += 1;
        self.maybe_commit()
    }

    /// Deletes what no file holds any more, brings every list of paths and head up to date,
    /// and commits.
    pub(super) fn finish(mut self) -> anyhow::Result<BuildSummary> {
        // What settling the files left (a file that vanished while it was being read).
        let orphans: Vec<u64> = (self.ledger.old.keys())
            .filter(|h| !self.new_paths.contains_key(h) && !self.ledger.is_deleted(**h))
            .copied()
            .collect();
        for hash in orphans {
            self.delete(hash);
        }
        let stale = self.stale();
        let needed: BTreeMap<String, HashSet<u64>> =
            stale
                .iter()
                .fold(BTreeMap::new(), |mut by_file, (hash, _, from)| {
                    if let HeadFrom::File(path) = from {
                        by_file.entry(path.clone()).or_default().insert(*hash);
                    }
                    by_file
                });
        for (path, hashes) in needed {
            self.read_heads(&path, &hashes);
        }
        if stale.iter().any(|(h, _, _)| self.written.contains_key(h)) {
            // Documents written in this run are read back from a reader that sees them.
            self.commit()?;
            self.reader.reload()?;
        }
        let current = self.reader.searcher();
        for (hash, paths, from) in stale {
            if let Some(signal) = self.interrupted() {
                // What is rewritten is committed below; the next run rewrites the rest.
                self.summary.interrupted = Some(signal);
                break;
            }
            let from = match from {
                HeadFrom::File(path) => match self.heads.get(&hash) {
                    Some(h) if h.path == path => HeadFrom::Read(h.clone()),
                    _ => HeadFrom::Kept,
                },
                other => other,
            };
            let (stored, fingerprint) = match self.written.get(&hash) {
                Some(w) => (stored_doc(&current, &self.fields, hash)?, w.fingerprint),
                None => match self.ledger.old.get(&hash) {
                    Some(old) => (Some(self.snapshot.doc(old.address)?), old.head),
                    None => (None, 0),
                },
            };
            if let Some(stored) = stored {
                self.rewrite(hash, stored, paths, from, fingerprint)?;
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

    /// Articles whose document does not list exactly the paths the files now give, with the
    /// first of them as its head; with those paths, sorted, and where their head comes from.
    fn stale(&self) -> Vec<(u64, Vec<String>, HeadFrom)> {
        let mut stale = Vec::new();
        for (hash, paths) in &self.new_paths {
            let mut want = paths.clone();
            want.sort();
            want.dedup();
            let Some(first) = want.first() else {
                continue;
            };
            let (have, fingerprint) = match (self.written.get(hash), self.ledger.old.get(hash)) {
                (Some(w), _) => (&w.paths, w.fingerprint),
                (None, Some(old)) => (&old.paths, old.head),
                (None, None) => continue,
            };
            let read = self.heads.get(hash).filter(|h| h.path == *first);
            let from = match read {
                Some(h) if have.first() != Some(first) || h.fingerprint != fingerprint => {
                    HeadFrom::Read(h.clone())
                }
                _ if have.first() == Some(first) => HeadFrom::Kept,
                _ => HeadFrom::File(first.clone()),
            };
            let gone = !self.written.contains_key(hash) && self.ledger.is_deleted(*hash);
            if gone || *have != want || !matches!(from, HeadFrom::Kept) {
                stale.push((*hash, want, from));
            }
        }
        stale.sort_by_key(|(hash, _, _)| *hash);
        stale
    }

    /// Reads the file at `path` once for the heads of `hashes` (articles whose first path it
    /// has become without being read in this run).
    fn read_heads(&mut self, path: &str, hashes: &HashSet<u64>) {
        let found = Found {
            path: PathBuf::from(path),
            root: self.root_of(path),
        };
        let Ok(records) = corpus::records(&found, &self.opts.read) else {
            return;
        };
        for article in records.flatten() {
            let hash = article_hash(&article, self.seed);
            if hashes.contains(&hash) {
                self.heads.insert(hash, Head::of(&article, path));
            }
        }
    }
}

/// The stored document of article `hash` in `searcher`.
fn stored_doc(
    searcher: &Searcher,
    fields: &super::schema::Fields,
    hash: u64,
) -> anyhow::Result<Option<TantivyDocument>> {
    let term = Term::from_field_u64(fields.hash, hash);
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    Ok(match found.first() {
        Some((_, address)) => Some(searcher.doc(*address)?),
        None => None,
    })
}
