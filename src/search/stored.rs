//! Reading values out of stored documents the way every view shows them (text, dates as
//! `YYYY-MM-DD`, group ids as hex), and finding the one article holding a term: shared by the
//! hits of a search, the document view, the duplicates and the exports.

use chrono::DateTime as ChronoDateTime;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::error::SearchError;

/// The first text value of `field` in a stored document.
pub(super) fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Every text value of `field` in a stored document.
pub(super) fn stored_all(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// A stored group id as users see it: 16 hex digits.
pub(super) fn group_label(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_u64())
        .map(|g| format!("{g:016x}"))
        .unwrap_or_default()
}

/// A stored date as `YYYY-MM-DD`.
pub(super) fn day(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_datetime())
        .and_then(|d| ChronoDateTime::from_timestamp(d.into_timestamp_secs(), 0))
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// The first article, by score, holding `term`.
pub(crate) fn first_with(
    searcher: &tantivy::Searcher,
    term: Term,
) -> Result<Option<DocAddress>, SearchError> {
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    Ok(searcher
        .search(&query, &TopDocs::with_limit(1).order_by_score())?
        .first()
        .map(|&(_, address)| address))
}
