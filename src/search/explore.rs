//! Questions analysts ask around a name or a topic: who and what is mentioned together with
//! an entity, and how often a query's articles appear over time. Both are facet counts over a
//! filtered search, shaped for reading.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use super::{
    DateBucket, EntityRef, FacetCount, FacetKind, Filters, Relaxation, SearchError, SearchRequest,
    SearchResult, Searcher,
};
use crate::entities::{ByKind, EntityType};

/// The entities most often named in the same articles as one entity.
#[derive(Debug, Clone, Serialize)]
pub struct Related {
    /// "PER", "ORG" or "LOC".
    pub kind: &'static str,
    /// The name as asked.
    pub name: String,
    /// The archive's entities that name means (none: no article names it).
    pub entities: Vec<EntityRef>,
    /// Articles naming it (within the query, when one was given).
    pub total: usize,
    /// The people, organizations and places named with it, serialized as `person`, `org`,
    /// `loc`.
    #[serde(flatten)]
    pub counts: ByKind<Vec<FacetCount>>,
    /// Every entity filter and what it resolved to, the entity itself first.
    pub filters: Filters,
    /// The query was relaxed, as `vestnik search` relaxes it: no article had every word, and
    /// these counts are over the articles with most of them.
    pub relaxed: bool,
    /// How it was relaxed, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxation: Option<Relaxation>,
}

/// Mentions of a query over time.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// The query as asked.
    pub query: String,
    /// Matching articles, dated or not.
    pub total: usize,
    /// How long each period is.
    pub by: DateBucket,
    /// Every period from the first to the last with an article, empty ones included, so that
    /// a chart's gaps are real. Articles without a date are not counted here but in
    /// `undated`.
    pub periods: Vec<FacetCount>,
    /// Matching articles without a date.
    pub undated: u64,
    /// Each entity filter and the entities it resolved to.
    pub filters: Filters,
    /// The query was relaxed, as `vestnik search` relaxes it: no article had every word, and
    /// these counts are over the articles with most of them.
    pub relaxed: bool,
    /// How it was relaxed, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxation: Option<Relaxation>,
}

/// How a related or timeline question is searched: the local index, or an engine (`--engine`).
pub type Search<'a, E> = dyn Fn(&SearchRequest) -> Result<SearchResult, E> + 'a;

impl Searcher {
    /// The people, organizations and places named with `name` (of `kind`), `limit` of each,
    /// most shared articles first; the entity itself is left out.
    /// `base` narrows the articles (its entity flags and facets are replaced).
    pub fn related(
        &self,
        kind: EntityType,
        name: &str,
        base: &SearchRequest,
        limit: usize,
    ) -> Result<Related, SearchError> {
        related(&|r| self.search(r), kind, name, base, limit)
    }

    /// Matching articles per date bucket, every bucket between the first and the last.
    pub fn timeline(&self, req: &SearchRequest) -> Result<Timeline, SearchError> {
        timeline(&|r| self.search(r), req)
    }
}

/// [`Searcher::related`], answered by `search`.
pub fn related<E>(
    search: &Search<'_, E>,
    kind: EntityType,
    name: &str,
    base: &SearchRequest,
    limit: usize,
) -> Result<Related, E> {
    let mut req = base.clone();
    req.limit = 0;
    req.facets = vec![FacetKind::Person, FacetKind::Org, FacetKind::Loc];
    let own = &mut req.entities[kind];
    own.insert(0, name.to_string());
    let own_filters = own.len();
    // Room for the entities of the filters, which are dropped below.
    req.facet_size = limit + own_filters * 3;
    let result = search(&req)?;
    let entities: Vec<EntityRef> = result
        .filters
        .of(kind)
        .iter()
        .find(|m| m.given_in == "flag")
        .map(|m| m.entities.clone())
        .unwrap_or_default();
    let keep = |counts: Vec<FacetCount>, k: EntityType| -> Vec<FacetCount> {
        counts
            .into_iter()
            .filter(|c| k != kind || !entities.iter().any(|e| Some(&e.id) == c.id.as_ref()))
            .take(limit)
            .collect()
    };
    Ok(Related {
        kind: kind.label(),
        name: name.to_string(),
        entities: entities.clone(),
        total: result.total,
        counts: ByKind::from_fn(|k| keep(result.facets.entities[k].clone(), k)),
        filters: result.filters.clone(),
        relaxed: result.relaxed,
        relaxation: result.relaxation.clone(),
    })
}

/// Articles matching `req` per year, month or day (`req.date_bucket`), answered by `search`.
pub fn timeline<E>(search: &Search<'_, E>, req: &SearchRequest) -> Result<Timeline, E> {
    let mut req = req.clone();
    req.limit = 0;
    req.facets = vec![FacetKind::Date];
    let result = search(&req)?;
    let mut periods = Vec::new();
    let mut undated = 0;
    for bucket in result.facets.date {
        match bucket.value {
            Some(value) => periods.push(FacetCount::new(value, bucket.count)),
            None => undated += bucket.count,
        }
    }
    Ok(Timeline {
        query: req.query.clone(),
        total: result.total,
        by: req.date_bucket,
        periods: fill_gaps(periods, req.date_bucket),
        undated,
        filters: result.filters,
        relaxed: result.relaxed,
        relaxation: result.relaxation,
    })
}

/// Adds the empty periods between the first and the last of `counts` (in date order).
pub fn fill_gaps(counts: Vec<FacetCount>, by: DateBucket) -> Vec<FacetCount> {
    let start = |label: &str| -> Option<NaiveDate> {
        match by {
            DateBucket::Year => NaiveDate::from_ymd_opt(label.parse().ok()?, 1, 1),
            DateBucket::Month => NaiveDate::parse_from_str(&format!("{label}-01"), "%Y-%m-%d").ok(),
            DateBucket::Day => NaiveDate::parse_from_str(label, "%Y-%m-%d").ok(),
        }
    };
    let label = |d: NaiveDate| match by {
        DateBucket::Year => format!("{:04}", d.year()),
        DateBucket::Month => d.format("%Y-%m").to_string(),
        DateBucket::Day => d.format("%Y-%m-%d").to_string(),
    };
    let next = |d: NaiveDate| match by {
        DateBucket::Year => d.checked_add_months(Months::new(12)),
        DateBucket::Month => d.checked_add_months(Months::new(1)),
        DateBucket::Day => d.succ_opt(),
    };
    let (Some(first), Some(last)) = (
        counts.first().and_then(|c| start(&c.value)),
        counts.last().and_then(|c| start(&c.value)),
    ) else {
        return counts;
    };
    let mut out = Vec::new();
    let mut given = counts.into_iter().peekable();
    let mut day = Some(first);
    while let Some(d) = day.filter(|d| *d <= last) {
        let value = label(d);
        let count = match given.peek() {
            Some(c) if c.value == value => given.next().map_or(0, |c| c.count),
            _ => 0,
        };
        out.push(FacetCount::new(value, count));
        day = next(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fc(value: &str, count: u64) -> FacetCount {
        FacetCount::new(value.to_string(), count)
    }

    #[test]
    fn gaps_are_filled_for_every_bucket() {
        let months = fill_gaps(vec![fc("2023-11", 2), fc("2024-02", 1)], DateBucket::Month);
        let labels: Vec<&str> = months.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(labels, ["2023-11", "2023-12", "2024-01", "2024-02"]);
        assert_eq!(
            months.iter().map(|c| c.count).collect::<Vec<_>>(),
            [2, 0, 0, 1]
        );
        let years = fill_gaps(vec![fc("2019", 1), fc("2021", 3)], DateBucket::Year);
        assert_eq!(years.len(), 3);
        assert_eq!(years[1], fc("2020", 0));
        let days = fill_gaps(
            vec![fc("2024-02-28", 1), fc("2024-03-01", 1)],
            DateBucket::Day,
        );
        assert_eq!(days[1], fc("2024-02-29", 0));
        assert!(fill_gaps(Vec::new(), DateBucket::Year).is_empty());
    }
}
