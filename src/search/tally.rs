//! Per-entity article counts for one segment, in arrays kept between segments and requests.
//!
//! An entity facet counts, for every matched article, each entity it names once. The counts
//! are a dense array as long as the archive's entity list of that kind (hundreds of thousands
//! of entries on a large archive). Allocating and zeroing one per segment, kind and request
//! cost as much as the counting itself on 200,000 articles, so arrays are taken from a pool,
//! and given back with only the entries that were touched cleared.

use std::sync::Mutex;

use tantivy::DocId;

/// How many spare arrays a pool keeps: one per request being answered at once is enough, since
/// a request counts its segments one after the other.
const KEPT: usize = 16;

#[derive(Clone, Copy, Default)]
struct Slot {
    count: u32,
    /// `doc + 1` of the last article counted: an article naming an entity by two names counts
    /// once. Zero is "none", so a cleared slot needs no stamp reset.
    last: u32,
}

/// The counts of one kind of entity over one segment.
pub(crate) struct Tally {
    slots: Vec<Slot>,
    /// Entities counted at least once, in the order first seen.
    touched: Vec<u32>,
}

impl Tally {
    /// Counts entity `e` for article `doc`, once however often the article names it.
    #[inline]
    pub fn add(&mut self, e: u32, doc: DocId) {
        let Some(slot) = self.slots.get_mut(e as usize) else {
            return;
        };
        let stamp = doc.wrapping_add(1);
        if slot.last != stamp {
            slot.last = stamp;
            if slot.count == 0 {
                self.touched.push(e);
            }
            slot.count += 1;
        }
    }

    /// The entities counted and their counts, leaving every slot cleared.
    pub fn drain(&mut self) -> Vec<(u32, u32)> {
        let mut out = Vec::with_capacity(self.touched.len());
        for &e in &self.touched {
            if let Some(slot) = self.slots.get_mut(e as usize) {
                out.push((e, slot.count));
                *slot = Slot::default();
            }
        }
        self.touched.clear();
        out
    }
}

/// Spare cleared tallies of one kind, for one reader generation (the entity list's length is
/// fixed for it).
pub(crate) struct TallyPool {
    entities: usize,
    spare: Mutex<Vec<Tally>>,
}

impl TallyPool {
    pub fn new(entities: usize) -> TallyPool {
        TallyPool {
            entities,
            spare: Mutex::new(Vec::new()),
        }
    }

    /// A cleared tally.
    pub fn take(&self) -> Tally {
        let spare = self.spare.lock().ok().and_then(|mut s| s.pop());
        spare.unwrap_or_else(|| Tally {
            slots: vec![Slot::default(); self.entities],
            touched: Vec::new(),
        })
    }

    /// Keeps a drained tally for the next segment or request.
    pub fn give(&self, tally: Tally) {
        debug_assert!(tally.touched.is_empty());
        if tally.slots.len() == self.entities
            && tally.touched.is_empty()
            && let Ok(mut spare) = self.spare.lock()
            && spare.len() < KEPT
        {
            spare.push(tally);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_counts_once_per_entity_and_a_given_back_tally_is_clean() {
        let pool = TallyPool::new(4);
        let mut t = pool.take();
        t.add(2, 0);
        t.add(2, 0); // a second name of the same entity in the same article
        t.add(1, 0);
        t.add(2, 5);
        t.add(9, 5); // not an entity of this list: ignored
        let mut counts = t.drain();
        counts.sort();
        assert_eq!(counts, vec![(1, 1), (2, 2)]);
        pool.give(t);
        let mut again = pool.take();
        // Article 0 of the next segment is a new article, not the one counted before.
        again.add(2, 0);
        assert_eq!(again.drain(), vec![(2, 1)]);
    }
}
