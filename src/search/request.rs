//! The question every front end asks, in one shape: a [`SearchRequest`] and the choices it
//! carries (sort order, what facets count). Front ends fill it in; the rest of the stage only
//! reads it.

use chrono::NaiveDate;
use serde::Serialize;

use super::budget::Budget;
use super::facets::{DateBucket, FacetKind};
use crate::entities::ByKind;

/// The order of hits (`--sort`, `sort=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best BM25 match first.
    #[default]
    Relevance,
    /// Newest first.
    Date,
}

/// What facets count (`--count`, `count=`): articles, or release groups, each republished
/// text once ([`SearchRequest::count_groups`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CountBy {
    /// Each matched article counts.
    #[default]
    Articles,
    /// Each release group counts once, as its first version.
    Groups,
}

/// A question asked of the index, as every front end states it.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// In tantivy's query language, with vestnik's date shorthands; `*` matches everything.
    pub query: String,
    /// Keep only articles from any of these sources (case-insensitive, whole names).
    pub sources: Vec<String>,
    /// Keep only articles dated on or after this day.
    pub from: Option<NaiveDate>,
    /// Keep only articles dated on or before this day.
    pub to: Option<NaiveDate>,
    /// Keep only articles without a date (`--undated`; `date:none` in the query). With
    /// `from` or `to` it matches nothing, and the filters say why.
    pub undated: bool,
    /// The order of hits.
    pub sort: Sort,
    /// Hits on the page.
    pub limit: usize,
    /// Hits (or release groups, when grouping) skipped before the page.
    pub offset: usize,
    /// How finely the date facet buckets articles.
    pub date_bucket: DateBucket,
    /// Keep only articles naming each of these people, organizations and places (any case
    /// form, part of the name, or Latin spelling).
    pub entities: ByKind<Vec<String>>,
    /// How many values each entity facet lists.
    pub facet_size: usize,
    /// The facets counted over the whole match (all by default); none skips the cost for
    /// callers that only want hits.
    pub facets: Vec<FacetKind>,
    /// Show one hit per release group (republished versions of one text), the best ranked,
    /// with the others listed as its duplicates.
    pub group: bool,
    /// Count facets by release group (each republished text once, as its first version)
    /// instead of by article; the result then also gives the number of groups.
    pub count_groups: bool,
    /// How long the search may take, and its cancel switch (unlimited by default; the front
    /// ends set one).
    pub budget: Budget,
    /// Never relax: every free word is required however few articles have them all (see
    /// `relax`).
    pub strict: bool,
}

impl SearchRequest {
    /// This request with another time budget.
    pub fn budgeted(&self, budget: Budget) -> SearchRequest {
        SearchRequest {
            budget,
            ..self.clone()
        }
    }

    /// A request for `query` with the defaults every front end starts from: ranked, ten hits,
    /// grouped, every facet.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            sources: Vec::new(),
            from: None,
            to: None,
            undated: false,
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
            date_bucket: DateBucket::Year,
            entities: ByKind::default(),
            facet_size: 10,
            facets: FacetKind::ALL.to_vec(),
            group: true,
            count_groups: false,
            budget: Budget::unlimited(),
            strict: false,
        }
    }
}
