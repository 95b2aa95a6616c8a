//! The facets of an engine query: one `GROUP BY` statement per facet (sources and dates
//! together, by pairs, where they are few), read back into the local [`Facets`] shape.

use std::collections::BTreeMap;

use anyhow::bail;

use super::{INDEX, MAX_MATCHES, Row, SphinxEngine, attribute, too_many};
use crate::entities::EntityType;
use crate::search::{DateBucket, DateCount, FacetCount, FacetKind, Facets, SearchRequest};

/// Most values a source or date facet asks each shard for: a node keeps a queue of
/// `max_matches` entries per query, and 100,000 made a facet query ten times slower than
/// its search. A facet that reaches it fails rather than being cut (see `facet`).
pub(super) const MAX_FACET_VALUES: usize = 10_000;

/// One statement of facet counts, and what it counts.
pub(super) struct FacetAsk {
    pub(super) sql: String,
    /// The most groups it returns.
    pub(super) values: usize,
    pub(super) what: Asked,
}

/// What a facet statement counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Asked {
    One(FacetKind),
    /// Sources and dates at once, by (source, date) pairs.
    SourceAndDate,
}

pub(super) fn date_column(bucket: DateBucket) -> &'static str {
    match bucket {
        DateBucket::Year => "year",
        DateBucket::Month => "month",
        DateBucket::Day => "day",
    }
}

pub(super) fn entity_kind(kind: FacetKind) -> EntityType {
    match kind {
        FacetKind::Org => EntityType::Org,
        FacetKind::Loc => EntityType::Loc,
        _ => EntityType::Per,
    }
}

/// The statement counting the articles `filter` finds by `group`, `select` and the count
/// of each of at most `values` groups, most first.
fn group_by(select: &str, group: &str, values: usize, filter: &str, time: &str) -> String {
    format!(
        "SELECT {select}, COUNT(*) FROM {INDEX}{filter} GROUP BY {group} ORDER BY COUNT(*) DESC LIMIT 0,{values} OPTION ranker=none, max_matches={values}{time}"
    )
}

impl SphinxEngine {
    /// The statements counting `req`'s facets over the articles `filter` finds. Sources and
    /// dates by year or month are counted together, by pairs (`GROUP BY srcid, year`): each
    /// statement matches the query again (Sphinx shares no matching between statements
    /// through a distributed index), and the pairs are few.
    pub(super) fn facet_asks(
        &self,
        req: &SearchRequest,
        filter: &str,
        time: &str,
    ) -> anyhow::Result<Vec<FacetAsk>> {
        let pair = req.facets.contains(&FacetKind::Source)
            && req.facets.contains(&FacetKind::Date)
            && req.date_bucket != DateBucket::Day;
        let mut asks = Vec::new();
        for &kind in &req.facets {
            if pair && kind == FacetKind::Date {
                continue;
            }
            if pair && kind == FacetKind::Source {
                let column = date_column(req.date_bucket);
                let values = MAX_FACET_VALUES;
                asks.push(FacetAsk {
                    sql: group_by(
                        &format!("source, {column}"),
                        &format!("srcid, {column}"),
                        values,
                        filter,
                        time,
                    ),
                    values,
                    what: Asked::SourceAndDate,
                });
                continue;
            }
            asks.push(self.facet_ask(kind, req, filter, time)?);
        }
        Ok(asks)
    }

    /// The statement counting one facet.
    pub(super) fn facet_ask(
        &self,
        kind: FacetKind,
        req: &SearchRequest,
        filter: &str,
        time: &str,
    ) -> anyhow::Result<FacetAsk> {
        let (select, group, values) = match kind {
            // Grouped by the spelling's number, named by a string of the group: grouping
            // by the string itself took ten times as long.
            FacetKind::Source => ("source", "srcid", MAX_FACET_VALUES),
            FacetKind::Date => ("GROUPBY()", date_column(req.date_bucket), MAX_FACET_VALUES),
            // GROUPBY(): the value grouped by, where the column would be the whole list.
            FacetKind::Person | FacetKind::Org | FacetKind::Loc => {
                let entity = entity_kind(kind);
                (
                    "GROUPBY()",
                    attribute(entity),
                    self.registry.count(entity).max(1),
                )
            }
        };
        if values > MAX_MATCHES {
            return Err(too_many(values));
        }
        Ok(FacetAsk {
            sql: group_by(select, group, values, filter, time),
            values,
            what: Asked::One(kind),
        })
    }

    /// The facets from the rows of `asks`, and the total their counts sum to where a source
    /// or date facet is among them (every article has one source and one date value, 0
    /// standing for none). Pairs that reach their cap are counted again one facet at a time,
    /// over the same `filter`.
    pub(super) fn read_facets(
        &self,
        conn: &mut mysql::Conn,
        asks: &[FacetAsk],
        sets: Vec<Vec<Row>>,
        req: &SearchRequest,
        filter: &str,
        time: &str,
    ) -> anyhow::Result<(Facets, Option<u64>)> {
        let mut out = Facets::default();
        let mut total = None;
        let sum = |rows: &[Row], column: usize| rows.iter().map(|r| r.u64(column)).sum::<u64>();
        for (ask, rows) in asks.iter().zip(sets) {
            let kind = match ask.what {
                Asked::One(kind) => kind,
                Asked::SourceAndDate if rows.len() >= ask.values => {
                    let apart = [FacetKind::Source, FacetKind::Date]
                        .map(|k| self.facet_ask(k, req, filter, time));
                    let apart: Vec<FacetAsk> = apart.into_iter().collect::<anyhow::Result<_>>()?;
                    let sql: Vec<String> = apart.iter().map(|a| a.sql.clone()).collect();
                    let sets = self.batch(conn, &sql.join("; "))?;
                    let (facets, n) = self.read_facets(conn, &apart, sets, req, filter, time)?;
                    out.source = facets.source;
                    out.date = facets.date;
                    total = total.or(n);
                    continue;
                }
                Asked::SourceAndDate => {
                    total = total.or(Some(sum(&rows, 2)));
                    let mut sources: BTreeMap<String, u64> = BTreeMap::new();
                    let mut dates: BTreeMap<u64, u64> = BTreeMap::new();
                    for r in &rows {
                        *sources.entry(r.text(0)).or_default() += r.u64(2);
                        *dates.entry(r.u64(1)).or_default() += r.u64(2);
                    }
                    let counts = |pairs: Vec<(String, u64)>| -> Vec<Row> {
                        pairs
                            .into_iter()
                            .map(|(v, n)| Row(vec![Some(v), Some(n.to_string())]))
                            .collect()
                    };
                    let by_date = dates.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
                    self.facet(
                        &mut out,
                        FacetKind::Source,
                        &counts(sources.into_iter().collect()),
                        req,
                    )?;
                    self.facet(&mut out, FacetKind::Date, &counts(by_date), req)?;
                    continue;
                }
            };
            // Sources and dates are asked for up to a cap: reaching it may mean some were cut.
            // (An entity facet asks for every entity there is.)
            if matches!(kind, FacetKind::Source | FacetKind::Date) {
                if rows.len() >= ask.values {
                    bail!(
                        "the {kind:?} facet has {} values or more, more than the engine path counts exactly",
                        ask.values
                    );
                }
                total = total.or(Some(sum(&rows, 1)));
            }
            self.facet(&mut out, kind, &rows, req)?;
        }
        Ok((out, total))
    }

    /// Reads one facet's rows (value, count) into `out`, ordered as the local facets are.
    pub(super) fn facet(
        &self,
        out: &mut Facets,
        kind: FacetKind,
        rows: &[Row],
        req: &SearchRequest,
    ) -> anyhow::Result<()> {
        match kind {
            FacetKind::Source => {
                let mut v: Vec<FacetCount> = rows
                    .iter()
                    .map(|r| (r.text(0), r.u64(1)))
                    .filter(|(s, _)| !s.is_empty())
                    .map(|(s, c)| FacetCount::new(s, c))
                    .collect();
                v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                out.source = v;
            }
            FacetKind::Date => {
                let mut undated = 0;
                let mut dates = BTreeMap::new();
                for r in rows {
                    match r.u64(0) {
                        0 => undated += r.u64(1),
                        k => *dates.entry(k).or_insert(0) += r.u64(1),
                    }
                }
                out.date = dates
                    .into_iter()
                    .map(|(k, count)| DateCount {
                        value: Some(crate::search::bucket_label(k as i64, req.date_bucket)),
                        count,
                    })
                    .collect();
                if undated > 0 {
                    out.date.push(DateCount {
                        value: None,
                        count: undated,
                    });
                }
            }
            FacetKind::Person | FacetKind::Org | FacetKind::Loc => {
                let entity = entity_kind(kind);
                let mut v = Vec::with_capacity(rows.len());
                for r in rows {
                    let Some(e) = u32::try_from(r.u64(0))
                        .ok()
                        .and_then(|n| self.registry.entity(entity, n))
                    else {
                        bail!(
                            "the engine holds {} number {} that entities.json does not list: export again",
                            attribute(entity),
                            r.text(0)
                        );
                    };
                    v.push(FacetCount {
                        value: e.name.clone(),
                        count: r.u64(1),
                        id: Some(e.id.clone()),
                    });
                }
                v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                v.truncate(req.facet_size);
                out.entities[entity] = v;
            }
        }
        Ok(())
    }
}
