//! Counting the whole matched set by source, by date bucket and by person, organization and
//! place in one pass over fast fields, so facet counts never depend on the page of hits shown.
//! Entity facets count entities, not names (each article once per entity, whichever of its
//! names it used, through `archive`), in per-segment arrays from `tally`; only the facets
//! asked for are counted, and only the top entities are named.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use chrono::{DateTime as ChronoDateTime, Datelike};
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use super::archive::{self, ArchiveEntities};
use super::tally::{Tally, TallyPool};
use crate::entities::{ByKind, EntityType};
use crate::index::schema::names;

/// How finely the date facet buckets articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DateBucket {
    /// One bucket a year (`2024`).
    #[default]
    Year,
    /// One bucket a month (`2024-05`).
    Month,
    /// One bucket a day (`2024-05-17`).
    Day,
}

/// A facet a request can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FacetKind {
    /// Articles per source.
    Source,
    /// Articles per date bucket.
    Date,
    /// The people most named.
    Person,
    /// The organizations most named.
    Org,
    /// The places most named.
    Loc,
}

impl From<EntityType> for FacetKind {
    /// The facet counting a kind of entity.
    fn from(kind: EntityType) -> FacetKind {
        match kind {
            EntityType::Per => FacetKind::Person,
            EntityType::Org => FacetKind::Org,
            EntityType::Loc => FacetKind::Loc,
        }
    }
}

impl FacetKind {
    /// Every facet, in the order answers list them: what a request counts by default.
    pub const ALL: [FacetKind; 5] = [
        FacetKind::Source,
        FacetKind::Date,
        FacetKind::Person,
        FacetKind::Org,
        FacetKind::Loc,
    ];
}

/// One facet value and how many matched articles carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The source or entity name, as the articles spell it.
    pub value: String,
    /// Matched articles carrying it.
    pub count: u64,
    /// The entity's archive-wide id, for people, organizations and places.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl FacetCount {
    /// A count without an entity id, as sources have.
    pub fn new(value: String, count: u64) -> FacetCount {
        FacetCount {
            value,
            count,
            id: None,
        }
    }
}

/// One bucket of the date facet: a year, month or day, or `None` for the articles without a
/// date (`{"value": null, "count": N}` in JSON), which would otherwise vanish from the facet
/// and leave its counts short of the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateCount {
    /// The bucket's label (`2024`, `2024-05`, `2024-05-17`); `null` for the articles without a
    /// date.
    pub value: Option<String>,
    /// Matched articles in the bucket.
    pub count: u64,
}

/// Facet counts over every matched article.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    /// Most frequent first, ties by name.
    pub source: Vec<FacetCount>,
    /// In date order, then the articles without a date, when there are any.
    pub date: Vec<DateCount>,
    /// The people, organizations and places named by most matched articles, serialized as
    /// `person`, `org` and `loc` beside `source` and `date`.
    #[serde(flatten)]
    pub entities: ByKind<Vec<FacetCount>>,
}

#[derive(Clone)]
pub(crate) struct FacetCollector {
    pub bucket: DateBucket,
    /// How many values each entity facet keeps.
    pub entity_limit: usize,
    /// Facets not asked for are not counted: entity facets over a large match cost far more
    /// than source and date.
    pub wanted: Vec<FacetKind>,
    /// Which entity each name is: facets count entities, each article once per entity
    /// whichever of its names the article used.
    pub archive: Arc<ArchiveEntities>,
}

/// Articles per entity, from a multi-valued string fast field of names.
struct Counted {
    column: Option<StrColumn>,
    /// The entity of each name ordinal of this segment.
    entity_of: Arc<[u32]>,
    /// Articles per entity of the kind; `None` when the facet is not counted.
    tally: Option<Tally>,
    /// The name ordinals of the document being counted, read a block at a time rather than
    /// one virtual call per value.
    ords: [u64; ORDS_AT_ONCE],
}

/// Names of one kind read per call; an article names fewer nearly always.
const ORDS_AT_ONCE: usize = 32;

impl Counted {
    fn new(column: Option<StrColumn>, entity_of: Arc<[u32]>, pool: &TallyPool) -> Counted {
        let tally = column.as_ref().map(|_| pool.take());
        Counted {
            column,
            entity_of,
            tally,
            ords: [0; ORDS_AT_ONCE],
        }
    }

    fn collect(&mut self, doc: DocId) {
        let (Some(c), Some(tally)) = (&self.column, &mut self.tally) else {
            return;
        };
        let column = c.ords();
        let rows = column.index.value_row_ids(doc);
        let mut at = rows.start;
        while at < rows.end {
            let n = ((rows.end - at) as usize).min(ORDS_AT_ONCE);
            let ords = &mut self.ords[..n];
            column.values.get_range(u64::from(at), ords);
            for &ord in ords.iter() {
                if let Some(&e) = self.entity_of.get(ord as usize)
                    && e != archive::NONE
                {
                    tally.add(e, doc);
                }
            }
            at += n as u32;
        }
    }

    /// The counts, giving the array back to the pool.
    fn harvest(self, pool: &TallyPool) -> Vec<(u32, u32)> {
        let Some(mut tally) = self.tally else {
            return Vec::new();
        };
        let counts = tally.drain();
        pool.give(tally);
        counts
    }
}

/// Names for the ordinals counted at least once. Ordinals are looked up in order in one walk
/// over the dictionary: one lookup each would decode a dictionary block per name, which over
/// tens of thousands of entity names costs more than counting itself.
fn names_of(column: &StrColumn, counts: &[u64]) -> HashMap<String, u64> {
    let ords: Vec<u64> = (0..counts.len() as u64)
        .filter(|&o| counts[o as usize] > 0)
        .collect();
    let mut out = HashMap::with_capacity(ords.len());
    let mut next = ords.iter();
    // A dictionary that cannot be read loses its names, not the search.
    let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        if let Some(&ord) = next.next()
            && let Ok(name) = std::str::from_utf8(bytes)
        {
            out.insert(name.to_string(), counts[ord as usize]);
        }
    });
    out
}

/// The `limit` entities named by most articles, ties by name. Only the entities that can make
/// the list are named: a large match counts tens of thousands of entities.
fn ranked(
    archive: &ArchiveEntities,
    kind: EntityType,
    counts: FxHashMap<u32, u64>,
    limit: usize,
) -> Vec<FacetCount> {
    if limit == 0 {
        return Vec::new();
    }
    let mut top: Vec<(u64, u32)> = counts.into_iter().map(|(e, n)| (n, e)).collect();
    if top.len() > limit {
        top.select_nth_unstable_by(limit - 1, |a, b| b.0.cmp(&a.0));
        // Entities tied with the last place compete for it by name.
        let floor = top[limit - 1].0;
        top.retain(|&(n, _)| n >= floor);
    }
    let mut v: Vec<FacetCount> = top
        .into_iter()
        .filter_map(|(count, e)| {
            let entity = archive.registry.entity(kind, e)?;
            Some(FacetCount {
                value: entity.name.clone(),
                count,
                id: Some(entity.id.clone()),
            })
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    v.truncate(limit);
    v
}

/// Bucket key that sorts in date order: 2024, 202405 or 20240517.
fn bucket_key(date: DateTime, bucket: DateBucket) -> Option<i64> {
    let d = ChronoDateTime::from_timestamp(date.into_timestamp_secs(), 0)?.date_naive();
    let (y, m, day) = (d.year() as i64, d.month() as i64, d.day() as i64);
    Some(match bucket {
        DateBucket::Year => y,
        DateBucket::Month => y * 100 + m,
        DateBucket::Day => y * 10_000 + m * 100 + day,
    })
}

pub(crate) fn bucket_label(key: i64, bucket: DateBucket) -> String {
    match bucket {
        DateBucket::Year => format!("{key:04}"),
        DateBucket::Month => format!("{:04}-{:02}", key / 100, key % 100),
        DateBucket::Day => format!(
            "{:04}-{:02}-{:02}",
            key / 10_000,
            key / 100 % 100,
            key % 100
        ),
    }
}

pub(crate) struct SegmentFacets {
    bucket: DateBucket,
    source: Option<StrColumn>,
    source_ords: Vec<u64>,
    /// Whether the date facet is counted (the segment may have no date column: then every
    /// article of it is undated).
    count_dates: bool,
    date: Option<Column<DateTime>>,
    undated: u64,
    /// The segment's first day, and counts per day from it: dates are whole days, so a flat
    /// array beats hashing a bucket per document.
    first_day: i64,
    days: Vec<u64>,
    entities: [Counted; 3],
    /// Where the entity counts' arrays go back to.
    archive: Arc<ArchiveEntities>,
}

const DAY_SECS: i64 = 86_400;

fn day_of(d: DateTime) -> i64 {
    d.into_timestamp_secs().div_euclid(DAY_SECS)
}

/// Per-segment counts, with source ordinals already turned into names (ordinals are local
/// to a segment).
#[derive(Default)]
pub(crate) struct SegmentFruit {
    sources: HashMap<String, u64>,
    dates: HashMap<i64, u64>,
    undated: u64,
    /// Articles per entity counted at least once, per kind.
    entities: [Vec<(u32, u32)>; 3],
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let id = segment.segment_id();
        let counted = |k: FacetKind, kind: EntityType| -> tantivy::Result<Counted> {
            let column = if self.wanted.contains(&k) {
                segment.fast_fields().str(names::entity(kind))?
            } else {
                None
            };
            Ok(Counted::new(
                column,
                self.archive.ordinals(id, kind),
                &self.archive.tallies[kind as usize],
            ))
        };
        let fast = segment.fast_fields();
        let wants = |k: FacetKind| self.wanted.contains(&k);
        let column = |k: FacetKind, name: &str| -> tantivy::Result<Option<StrColumn>> {
            if wants(k) { fast.str(name) } else { Ok(None) }
        };
        let source = column(FacetKind::Source, names::SOURCE)?;
        let source_ords = vec![0; source.as_ref().map_or(0, |s| s.num_terms())];
        let count_dates = wants(FacetKind::Date);
        let date = if count_dates {
            fast.column_opt::<DateTime>(names::DATE)?
        } else {
            None
        };
        let (first_day, days) = match &date {
            Some(c) => {
                let (first, last) = (day_of(c.min_value()), day_of(c.max_value()));
                // A corrupt or absurd range would ask for a huge array; such dates are skipped.
                let span = usize::try_from(last - first + 1).unwrap_or(0).min(1 << 20);
                (first, vec![0; span])
            }
            None => (0, Vec::new()),
        };
        Ok(SegmentFacets {
            bucket: self.bucket,
            source,
            source_ords,
            count_dates,
            date,
            undated: 0,
            first_day,
            days,
            entities: [
                counted(FacetKind::Person, EntityType::Per)?,
                counted(FacetKind::Org, EntityType::Org)?,
                counted(FacetKind::Loc, EntityType::Loc)?,
            ],
            archive: self.archive.clone(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Facets> {
        let mut sources: HashMap<String, u64> = HashMap::new();
        let mut dates: BTreeMap<i64, u64> = BTreeMap::new();
        let mut undated = 0;
        let mut entities: [FxHashMap<u32, u64>; 3] = Default::default();
        for fruit in fruits {
            undated += fruit.undated;
            for (into, from) in entities.iter_mut().zip(fruit.entities) {
                for (e, n) in from {
                    *into.entry(e).or_default() += u64::from(n);
                }
            }
            for (k, v) in fruit.sources {
                *sources.entry(k).or_default() += v;
            }
            for (k, v) in fruit.dates {
                *dates.entry(k).or_default() += v;
            }
        }
        let mut source: Vec<FacetCount> = sources
            .into_iter()
            .map(|(value, count)| FacetCount::new(value, count))
            .collect();
        source.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        let mut date: Vec<DateCount> = dates
            .into_iter()
            .map(|(k, count)| DateCount {
                value: Some(bucket_label(k, self.bucket)),
                count,
            })
            .collect();
        if undated > 0 {
            date.push(DateCount {
                value: None,
                count: undated,
            });
        }
        let [person, org, loc] = entities;
        let entities = ByKind { person, org, loc }
            .map(|kind, counts| ranked(&self.archive, kind, counts, self.entity_limit));
        Ok(Facets {
            source,
            date,
            entities,
        })
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        for e in &mut self.entities {
            e.collect(doc);
        }
        if let Some(source) = &self.source
            && let Some(ord) = source.ords().first(doc)
        {
            self.source_ords[ord as usize] += 1;
        }
        if self.count_dates {
            match self.date.as_ref().and_then(|c| c.first(doc)) {
                Some(d) => {
                    if let Ok(i) = usize::try_from(day_of(d) - self.first_day)
                        && let Some(n) = self.days.get_mut(i)
                    {
                        *n += 1;
                    }
                }
                None => self.undated += 1,
            }
        }
    }

    fn harvest(self) -> SegmentFruit {
        let sources = match &self.source {
            Some(column) => names_of(column, &self.source_ords),
            None => HashMap::new(),
        };
        let mut dates: HashMap<i64, u64> = HashMap::new();
        for (i, &count) in self.days.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let secs = (self.first_day + i as i64).checked_mul(DAY_SECS);
            if let Some(key) =
                secs.and_then(|s| bucket_key(DateTime::from_timestamp_secs(s), self.bucket))
            {
                *dates.entry(key).or_default() += count;
            }
        }
        SegmentFruit {
            sources,
            dates,
            undated: self.undated,
            entities: {
                let [per, org, loc] = self.entities;
                let pools = &self.archive.tallies;
                [
                    per.harvest(&pools[0]),
                    org.harvest(&pools[1]),
                    loc.harvest(&pools[2]),
                ]
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_sort_and_label() {
        let d = DateTime::from_timestamp_secs(1_715_904_000); // 2024-05-17
        assert_eq!(bucket_key(d, DateBucket::Year), Some(2024));
        assert_eq!(bucket_key(d, DateBucket::Month), Some(202405));
        assert_eq!(bucket_key(d, DateBucket::Day), Some(20240517));
        assert_eq!(bucket_label(202405, DateBucket::Month), "2024-05");
        assert_eq!(bucket_label(20240517, DateBucket::Day), "2024-05-17");
    }

    /// The entity facets sit beside `source` and `date` as `person`, `org`, `loc`, in that
    /// order: the JSON every front end has always written.
    #[test]
    fn entity_facets_serialize_flat() {
        let mut facets = Facets {
            source: vec![FacetCount::new("Zakon.kz".into(), 2)],
            date: vec![DateCount {
                value: None,
                count: 1,
            }],
            ..Facets::default()
        };
        facets.entities.org = vec![FacetCount {
            value: "ЮНИСЕФ".into(),
            count: 1,
            id: Some("o1".into()),
        }];
        assert_eq!(
            serde_json::to_string(&facets).unwrap(),
            r#"{"source":[{"value":"Zakon.kz","count":2}],"date":[{"value":null,"count":1}],"person":[],"org":[{"value":"ЮНИСЕФ","count":1,"id":"o1"}],"loc":[]}"#
        );
    }
}
