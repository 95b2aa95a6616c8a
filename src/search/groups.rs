//! Release groups (republished versions of one text) at search time: collapsing ranked
//! candidates to one hit per group, counting facets once per group, and listing a hit's
//! duplicates.

use tantivy::collector::TopDocs;
use tantivy::query::{Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, TantivyDocument, Term};

use super::budget::Budget;
use super::error::SearchError;
use super::facets::{self, FacetCollector, Facets};
use super::result::Duplicate;
use super::searcher::Searcher;
use super::stored::{day, stored_text};
use crate::index;

/// Duplicates listed per hit.
pub(super) const MAX_DUPLICATES: usize = 20;

/// A hit of the page before its document is read: its score (none when sorted by date).
pub(super) type PageHit = (Option<f32>, DocAddress);

impl Searcher {
    /// The other articles of `group`, besides `except`.
    pub(super) fn duplicates(
        &self,
        searcher: &tantivy::Searcher,
        group: u64,
        except: DocAddress,
    ) -> Result<Vec<Duplicate>, SearchError> {
        let term = Term::from_field_u64(self.fields.group, group);
        if searcher.doc_freq(&term)? < 2 {
            return Ok(Vec::new());
        }
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let members = searcher.search(
            &query,
            &TopDocs::with_limit(MAX_DUPLICATES + 1).order_by_score(),
        )?;
        let mut out = Vec::new();
        for (_, address) in members.into_iter().filter(|(_, a)| *a != except) {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| stored_text(&doc, field);
            out.push(Duplicate {
                id: text(self.fields.id).unwrap_or_default(),
                title: text(self.fields.title).unwrap_or_default(),
                date: day(&doc, self.fields.date),
                source: text(self.fields.source),
                url: text(self.fields.url),
            });
        }
        out.truncate(MAX_DUPLICATES);
        Ok(out)
    }
}

/// The number of release groups among the matches of `query`, and facets counted over the
/// first article (by index order) of each: every republished text once.
pub(super) fn count_by_group(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    facets: &FacetCollector,
    budget: &Budget,
) -> Result<(usize, Facets), SearchError> {
    use tantivy::collector::{Collector, DocSetCollector, SegmentCollector};
    let matches = searcher.search(query, &DocSetCollector)?;
    budget.check()?;
    let mut ordered: Vec<DocAddress> = matches.into_iter().collect();
    ordered.sort();
    let mut seen = std::collections::HashSet::new();
    let mut groups = 0;
    let mut fruits = Vec::new();
    let mut current: Option<(
        u32,
        facets::SegmentFacets,
        Option<tantivy::columnar::Column<u64>>,
    )> = None;
    for (i, address) in ordered.into_iter().enumerate() {
        if i.is_multiple_of(4096) {
            budget.check()?;
        }
        if current.as_ref().is_none_or(|c| c.0 != address.segment_ord) {
            if let Some((_, seg, _)) = current.take() {
                fruits.push(seg.harvest());
            }
            let reader = searcher.segment_reader(address.segment_ord);
            let column = reader
                .fast_fields()
                .column_opt::<u64>(index::schema::names::GROUP)?;
            current = Some((
                address.segment_ord,
                facets.for_segment(address.segment_ord, reader)?,
                column,
            ));
        }
        if let Some((_, seg, column)) = current.as_mut() {
            let group = column.as_ref().and_then(|c| c.first(address.doc_id));
            // An article without a group is a group of its own.
            if group.is_none_or(|g| seen.insert(g)) {
                groups += 1;
                seg.collect(address.doc_id, 0.0);
            }
        }
    }
    if let Some((_, seg, _)) = current {
        fruits.push(seg.harvest());
    }
    Ok((groups, facets.merge_fruits(fruits)?))
}

/// The best-ranked candidate of each release group, in rank order, after skipping `offset`
/// groups: at most `limit` of them.
pub(super) fn collapse(
    searcher: &tantivy::Searcher,
    candidates: Vec<PageHit>,
    offset: usize,
    limit: usize,
) -> Result<Vec<PageHit>, SearchError> {
    let mut columns: Vec<Option<Option<tantivy::columnar::Column<u64>>>> =
        vec![None; searcher.segment_readers().len()];
    let mut seen = std::collections::HashSet::new();
    let mut groups = 0;
    let mut page = Vec::with_capacity(limit);
    for (score, address) in candidates {
        if page.len() >= limit {
            break;
        }
        let slot = &mut columns[address.segment_ord as usize];
        if slot.is_none() {
            let fast = searcher.segment_reader(address.segment_ord).fast_fields();
            *slot = Some(fast.column_opt::<u64>(index::schema::names::GROUP)?);
        }
        let group = slot
            .as_ref()
            .and_then(|c| c.as_ref())
            .and_then(|c| c.first(address.doc_id));
        // An article without a group is a group of its own.
        if !group.is_none_or(|g| seen.insert(g)) {
            continue;
        }
        groups += 1;
        if groups > offset {
            page.push((score, address));
        }
    }
    Ok(page)
}
