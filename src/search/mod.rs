//! Answering a [`SearchRequest`] with a [`SearchResult`]: the one path every front end (CLI,
//! HTTP, benchmarks) goes through, so they all answer the same question the same way.
//!
//! # Data flow
//!
//! A front end fills in a [`SearchRequest`] (`request`) and asks a [`Searcher`] (`searcher`,
//! an open index). `compile` turns the request into one tantivy query: the query text is
//! rewritten (`query`: date shorthands, quotes; `fuzzy`: `word~`, `word*`), checked against
//! `limits`, its phrases matched by `phrase`, its entity names resolved by `entity` against
//! the archive's entities (`archive`), its dates checked by `date_filter`, the request's
//! filters joined to it, and the whole wrapped in the time `budget`. `answer` runs it: the
//! count and the facets (`facets`, over `tally`) of every match, the page ranked and, when
//! grouping, collapsed to one hit per release group (`groups`); when too few articles have
//! every word, `relax` (with `at_least`) loosens the query and it runs again. Each hit of the
//! page is read from the store (`stored`), given a `snippet`, and returned in a [`Hit`] of the
//! [`SearchResult`] (`result`); when nothing matched, `suggest` proposes close words. Every
//! failure is a [`SearchError`] (`error`).
//!
//! # Other questions asked of the same index
//!
//! - `document`: one article in full, by id; `marks` finds the query's words in it.
//! - `entity_listing`: the entities of a result set with their forms (`vestnik entities`).
//! - `explore`: related entities and timelines, as facet counts over searches.
//! - `export`: every match of a request, streamed one article at a time.
//! - `articles`: every live article of the index, for an export to another engine.

mod answer;
mod archive;
mod articles;
mod at_least;
mod budget;
mod compile;
pub(crate) mod date_filter;
mod document;
mod entity;
mod entity_listing;
mod error;
mod explore;
mod export;
mod facets;
pub(crate) mod fuzzy;
mod groups;
pub(crate) mod limits;
mod marks;
mod phrase;
pub(crate) mod query;
mod relax;
mod relaxed_bm25;
mod request;
mod result;
mod searcher;
pub(crate) mod snippet;
mod stored;
mod suggest;
mod tally;

pub(crate) use answer::SNIPPET_CHARS;
pub use articles::StoredArticle;
pub use budget::{Budget, CancelOnDrop};
pub(crate) use document::read_mentions;
pub use document::{Document, Mention, QueryMarks};
pub(crate) use entity::kind_of_field;
pub use entity::{EntityRef, FilterMatch, Filters, SourceMatch};
pub use entity_listing::EntityListing;
pub use error::SearchError;
pub use explore::{Related, Search as SearchFn, Timeline, fill_gaps, related, timeline};
pub use export::{ExportError, ExportFormat, ExportRow};
pub(crate) use facets::bucket_label;
pub use facets::{DateBucket, DateCount, FacetCount, FacetKind, Facets};
pub use limits::{MAX_CLAUSES, MAX_LIMIT, MAX_NESTING, MAX_OFFSET, MAX_PHRASE_WORDS, MAX_SLOP};
pub(crate) use marks::marks;
pub(crate) use relax::free_literal as free_word;
pub use relax::{RELAX_BELOW, Relaxation, STOP_WORDS, required as relaxed_required};
pub use relaxed_bm25::RELAXED_K1;
pub use request::{CountBy, SearchRequest, Sort};
pub use result::{Duplicate, Hit, HitEntities, SearchResult};
pub use searcher::Searcher;
pub(crate) use searcher::TITLE_BOOST;
