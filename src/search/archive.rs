//! The archive's entities as one index reader sees them: the [`Registry`] built from the
//! names its live articles carry, and per segment, which entity each name ordinal is, so that
//! facets count entities rather than spellings.
//!
//! Built once per reader generation (a commit) and shared; on 200,000 articles it takes a few
//! tens of milliseconds. Because it is a function of the live articles alone, an index brought
//! up to date by any sequence of runs has the same entities as a rebuild of the same files.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;

use super::tally::TallyPool;
use crate::entities::EntityType;
use crate::identity::{Entity, NameCount, Registry};
use crate::index::schema::names;

/// No entity: a name only deleted articles still carry.
pub(crate) const NONE: u32 = u32::MAX;

/// The registry and the per-segment ordinal maps.
pub(crate) struct ArchiveEntities {
    pub registry: Registry,
    /// Per segment and kind (in `EntityType` order): entity of each name ordinal.
    /// Shared, not copied, by every facet count of the segment.
    segments: HashMap<SegmentId, [Arc<[u32]>; 3]>,
    /// Count arrays for entity facets, per kind, as long as the registry's list of the kind.
    pub tallies: [TallyPool; 3],
}

impl ArchiveEntities {
    pub fn build(
        searcher: &tantivy::Searcher,
        aliases: &crate::entities::Aliases,
    ) -> tantivy::Result<ArchiveEntities> {
        // Per segment and kind: each ordinal's name.
        let mut segment_names: Vec<(SegmentId, [Vec<String>; 3])> = Vec::new();
        let mut totals: [HashMap<String, u64>; 3] = Default::default();
        for reader in searcher.segment_readers() {
            let fast = reader.fast_fields();
            let mut per_kind: [Vec<String>; 3] = Default::default();
            for kind in EntityType::ALL {
                let Some(column) = fast.str(names::entity(kind))? else {
                    continue;
                };
                let names = crate::index::ordinal_names(&column)?;
                let counts = if reader.has_deletes() {
                    live_counts(&column, reader)
                } else {
                    indexed_counts(reader, kind, &names)?
                };
                for (name, &count) in names.iter().zip(&counts) {
                    if count > 0 {
                        *totals[kind as usize].entry(name.clone()).or_default() += count;
                    }
                }
                per_kind[kind as usize] = names;
            }
            segment_names.push((reader.segment_id(), per_kind));
        }
        let lists = totals.map(|t| {
            t.into_iter()
                .map(|(name, docs)| NameCount { name, docs })
                .collect()
        });
        let registry = Registry::build(lists, aliases);
        let segments = segment_names
            .into_iter()
            .map(|(id, per_kind)| {
                let maps = EntityType::ALL.map(|kind| {
                    per_kind[kind as usize]
                        .iter()
                        .map(|n| registry.entity_of(kind, n).unwrap_or(NONE))
                        .collect::<Arc<[u32]>>()
                });
                (id, maps)
            })
            .collect();
        let tallies = EntityType::ALL.map(|kind| TallyPool::new(registry.entities(kind).len()));
        Ok(ArchiveEntities {
            registry,
            segments,
            tallies,
        })
    }

    /// The entity a name the index holds belongs to.
    pub fn entity_named(&self, kind: EntityType, name: &str) -> Option<&Entity> {
        let i = self.registry.entity_of(kind, name)?;
        self.registry.entity(kind, i)
    }

    /// The archive-wide name for a name the index holds (the name itself if unknown).
    pub fn canonical<'a>(&'a self, kind: EntityType, name: &'a str) -> &'a str {
        self.entity_named(kind, name)
            .map_or(name, |e| e.name.as_str())
    }

    /// The entity of each name ordinal of a segment's column for `kind`.
    pub fn ordinals(&self, segment: SegmentId, kind: EntityType) -> Arc<[u32]> {
        self.segments
            .get(&segment)
            .map_or_else(|| Arc::from(&[][..]), |m| m[kind as usize].clone())
    }
}

/// How many live articles of the segment carry each name ordinal.
fn live_counts(column: &StrColumn, reader: &tantivy::SegmentReader) -> Vec<u64> {
    let mut counts = vec![0u64; column.num_terms()];
    for doc in reader.doc_ids_alive() {
        for ord in column.term_ords(doc) {
            if let Some(n) = counts.get_mut(ord as usize) {
                *n += 1;
            }
        }
    }
    counts
}

/// How many articles of a segment without deletions carry each name (in ordinal order, as
/// `names` are): the inverted index keeps that count per term, so no document is visited.
fn indexed_counts(
    reader: &tantivy::SegmentReader,
    kind: EntityType,
    names: &[String],
) -> tantivy::Result<Vec<u64>> {
    let field = reader.schema().get_field(names::entity(kind))?;
    let inverted = reader.inverted_index(field)?;
    let mut stream = inverted.terms().stream()?;
    let mut counts = vec![0u64; names.len()];
    // Both lists are in byte order of the names: walk them side by side.
    let mut at = 0;
    while stream.advance() && at < names.len() {
        let term = stream.key();
        while at < names.len() && names[at].as_bytes() < term {
            at += 1;
        }
        if at < names.len() && names[at].as_bytes() == term {
            counts[at] = u64::from(stream.value().doc_freq);
            at += 1;
        }
    }
    Ok(counts)
}
