//! Release groups: each article joins the group of an earlier article it shares at least
//! [`MIN_SHARED_BANDS`](crate::dedup::MIN_SHARED_BANDS) signature bands with, or starts its
//! own. Groups are decided by the reader in walk order, so a build gives the same groups every
//! time, and kept in memory as 32-bit band keys (about 130 bytes an article).

use rustc_hash::FxHashMap;
use tantivy::columnar::Column;

use super::schema::names;
use crate::dedup::MIN_SHARED_BANDS;

#[derive(Default)]
pub(super) struct Grouper {
    /// Band key (truncated; a false match needs two in one group) → index into `groups`.
    keys: FxHashMap<u32, u32>,
    groups: Vec<u64>,
    loaded: bool,
}

impl Grouper {
    /// For a rebuild: what the index held is being deleted, so it groups nothing.
    pub fn skip_existing(&mut self) {
        self.loaded = true;
    }

    /// Learns the bands and groups of the articles already in the index, once, before the
    /// first new article is assigned.
    pub fn load(&mut self, searcher: &tantivy::Searcher) -> anyhow::Result<()> {
        if self.loaded {
            return Ok(());
        }
        self.loaded = true;
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let group: Option<Column<u64>> = fast.column_opt(names::GROUP)?;
            let bands: Option<Column<u64>> = fast.column_opt(names::DUP_BANDS)?;
            let (Some(group), Some(bands)) = (group, bands) else {
                continue;
            };
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                if let Some(g) = group.first(doc) {
                    let keys: Vec<u64> = bands.values_for_doc(doc).collect();
                    self.remember(&keys, g);
                }
            }
        }
        Ok(())
    }

    /// The group of an article with these band keys; `own` (its hash) when it matches no
    /// earlier article.
    pub fn assign(&mut self, keys: &[u64], own: u64) -> u64 {
        // (group, bands shared with it, its earliest article)
        let mut votes: Vec<(u64, usize, u32)> = Vec::new();
        for k in keys {
            if let Some(&i) = self.keys.get(&(*k as u32)) {
                let g = self.groups[i as usize];
                match votes.iter_mut().find(|v| v.0 == g) {
                    Some(v) => {
                        v.1 += 1;
                        v.2 = v.2.min(i);
                    }
                    None => votes.push((g, 1, i)),
                }
            }
        }
        // Most shared bands wins; ties go to the older group.
        let best = votes
            .iter()
            .filter(|v| v.1 >= MIN_SHARED_BANDS)
            .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)));
        let group = best.map_or(own, |v| v.0);
        self.remember(keys, group);
        group
    }

    fn remember(&mut self, keys: &[u64], group: u64) {
        if keys.is_empty() {
            return;
        }
        let index = self.groups.len() as u32;
        self.groups.push(group);
        for k in keys {
            self.keys.entry(*k as u32).or_insert(index);
        }
    }
}
