//! Release groups: each article joins the group of the most similar earlier article (see
//! [`crate::dedup`]), or starts its own. Groups are decided by the reader in walk order, so a
//! build gives the same groups every time. Candidates come from 32-bit band keys; the
//! signatures that decide are kept in memory too (about 230 bytes an article in all).

use rustc_hash::FxHashMap;
use tantivy::columnar::Column;

use super::schema::names;
use crate::dedup::{self, BINS, MIN_SIMILARITY, Signature};

#[derive(Default)]
pub(super) struct Grouper {
    /// Band key (truncated) → the first article with it, an index into `articles`.
    keys: FxHashMap<u32, u32>,
    /// Each remembered article's signature and group.
    articles: Vec<(Signature, u64)>,
    loaded: bool,
}

impl Grouper {
    /// For a rebuild: what the index held is being deleted, so it groups nothing.
    pub fn skip_existing(&mut self) {
        self.loaded = true;
    }

    /// Learns the signatures and groups of the articles already in the index, once, before
    /// the first new article is assigned.
    pub fn load(&mut self, reader: &tantivy::IndexReader) -> anyhow::Result<()> {
        if self.loaded {
            return Ok(());
        }
        self.loaded = true;
        let searcher = reader.searcher();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let group: Option<Column<u64>> = fast.column_opt(names::GROUP)?;
            let sig: Option<Column<u64>> = fast.column_opt(names::DUP_SIG)?;
            let (Some(group), Some(sig)) = (group, sig) else {
                continue;
            };
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let values: Vec<u16> = sig.values_for_doc(doc).map(|v| v as u16).collect();
                if let (Some(g), Ok(s)) = (group.first(doc), Signature::try_from(values)) {
                    self.remember(s, g);
                }
            }
        }
        Ok(())
    }

    /// The group of an article with this signature; `own` (its hash) when no earlier article
    /// is similar enough, or it has no signature.
    pub fn assign(&mut self, sig: Option<&Signature>, own: u64) -> u64 {
        let Some(sig) = sig else {
            return own;
        };
        let mut best: Option<(f64, u32)> = None;
        let mut tried: Vec<u32> = Vec::new();
        for key in dedup::bands(sig) {
            let Some(&i) = self.keys.get(&(key as u32)) else {
                continue;
            };
            if tried.contains(&i) {
                continue;
            }
            tried.push(i);
            let s = dedup::similarity(sig, &self.articles[i as usize].0);
            // The most similar wins; ties go to the older article.
            if s >= MIN_SIMILARITY && best.is_none_or(|(b, j)| s > b || (s == b && i < j)) {
                best = Some((s, i));
            }
        }
        let group = best.map_or(own, |(_, i)| self.articles[i as usize].1);
        self.remember(*sig, group);
        group
    }

    fn remember(&mut self, sig: Signature, group: u64) {
        let index = self.articles.len() as u32;
        for key in dedup::bands(&sig) {
            self.keys.entry(key as u32).or_insert(index);
        }
        self.articles.push((sig, group));
    }
}

/// The signature as the index stores it: one small value per bin.
pub(super) fn stored(sig: &Signature) -> impl Iterator<Item = u64> + '_ {
    debug_assert_eq!(sig.len(), BINS);
    sig.iter().map(|&v| v as u64)
}
