//! Answering a [`SearchRequest`]: the count, facets and page of hits of its query (relaxed when
//! too few articles match every word), each hit read with its snippet, and suggestions when
//! nothing matched.

use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{Order, TantivyDocument, Term};

use super::archive::ArchiveEntities;
use super::compile::prunable;
use super::error::SearchError;
use super::facets::{FacetCollector, Facets};
use super::groups::{PageHit, collapse, count_by_group};
use super::request::{SearchRequest, Sort};
use super::result::{Hit, HitEntities, SearchResult};
use super::searcher::Searcher;
use super::stored::{day, group_label, stored_all, stored_text};
use super::{limits, snippet, suggest};
use crate::index;

/// Longest fragment tantivy picks, in characters; widening adds up to a sentence's start.
pub(crate) const SNIPPET_CHARS: usize = 180;

/// What one query found, before the documents of its page are read.
struct Answer {
    total: usize,
    facets: Facets,
    groups: Option<usize>,
    page: Vec<PageHit>,
}

impl Searcher {
    /// Answers `req`: the count, facets and page of hits of its query, relaxed when too few
    /// articles have every word (unless `req.strict`), with suggestions when nothing matched.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResult, SearchError> {
        limits::check_page(req)?;
        let searcher = self.reader.searcher();
        let archive = self.archive(&searcher)?;
        let strict = self.query(req, &archive, None)?;
        let mut answer = self.answer(&searcher, &*strict.query, req, &archive)?;
        let mut query = strict.query;
        let mut relaxation = None;
        if let Some((loose, relaxed_how)) =
            self.loosened(req, &archive, strict.free.as_ref(), answer.total)?
        {
            let relaxed = self.answer(&searcher, &*loose.query, req, &archive)?;
            // Relaxing only ever adds articles; when it adds none, the strict answer stands.
            if relaxed.total > answer.total {
                relaxation = Some(relaxed_how);
                answer = relaxed;
                query = loose.query;
            }
        }
        let suggestions = if answer.total == 0 {
            suggest::suggestions(
                &searcher,
                &self.fields,
                &archive,
                &req.query,
                &strict.filters,
                &req.budget,
            )?
        } else {
            Vec::new()
        };
        let snippets = self.snippets(&searcher, &*query)?;
        let mut hits = Vec::with_capacity(answer.page.len());
        for (score, address) in answer.page {
            req.budget.check()?;
            let doc: TantivyDocument = searcher.doc(address)?;
            let mut hit = self.hit(&doc, score, &snippets, &archive);
            if req.group
                && let Some(group) = doc.get_first(self.fields.group).and_then(|v| v.as_u64())
            {
                hit.duplicates = self.duplicates(&searcher, group, address)?;
            }
            hits.push(hit);
        }
        Ok(SearchResult {
            query: req.query.clone(),
            total: answer.total,
            hits,
            facets: answer.facets,
            groups: answer.groups,
            filters: strict.filters,
            relaxed: relaxation.is_some(),
            relaxation,
            suggestions,
        })
    }

    /// The total, facets and page of hits (not yet read) of one query.
    fn answer(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        req: &SearchRequest,
        archive: &Arc<ArchiveEntities>,
    ) -> Result<Answer, SearchError> {
        let facets = (!req.facets.is_empty()).then(|| FacetCollector {
            bucket: req.date_bucket,
            entity_limit: req.facet_size,
            wanted: req.facets.clone(),
            archive: archive.clone(),
        });
        // By group, facets take a pass of their own over one article per group.
        let facets_by_group = if req.count_groups {
            facets.clone()
        } else {
            None
        };
        let facets = if req.count_groups { None } else { facets };
        // tantivy sizes its top-k buffer by the limit, so never ask for more than the index
        // holds.
        let num_docs = searcher.num_docs() as usize;
        let limit = req.limit.min(num_docs);
        // Grouped, a page of hits is collapsed from more ranked candidates: a few per hit, and
        // four times as many again while groups fill the candidates and more matches remain.
        let mut fetch = if req.group && limit > 0 {
            req.offset
                .saturating_add(limit)
                .saturating_mul(3)
                .saturating_add(8)
        } else {
            limit
        };
        // Facets are counted over every match, whatever the page: by the first pass only, so
        // a grouped page that asks for more candidates does not count them again.
        let mut uncounted = facets;
        let mut facets = None;
        let (total, page) = loop {
            let n = fetch.min(num_docs);
            let skip = if req.group {
                0
            } else {
                req.offset.min(num_docs)
            };
            let (total, counted, candidates) =
                self.collect(searcher, query, uncounted.take(), req.sort, n, skip)?;
            facets = facets.or(counted);
            req.budget.check()?;
            if !req.group {
                break (total, candidates);
            }
            let exhausted = candidates.len() < n || n == num_docs;
            let page = collapse(searcher, candidates, req.offset, limit)?;
            if page.len() == limit || exhausted {
                break (total, page);
            }
            fetch = fetch.saturating_mul(4);
        };
        let (facets, groups) = match &facets_by_group {
            Some(collector) => {
                let (n, f) = count_by_group(searcher, query, collector, &req.budget)?;
                (f, Some(n))
            }
            None => (facets.unwrap_or_default(), None),
        };
        Ok(Answer {
            total,
            facets,
            groups,
            page,
        })
    }

    /// The count, facets and `n` ranked hits after skipping `skip`, in as few passes as the
    /// query allows.
    fn collect(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        facets: Option<FacetCollector>,
        sort: Sort,
        n: usize,
        skip: usize,
    ) -> Result<(usize, Option<Facets>, Vec<PageHit>), SearchError> {
        if n == 0 {
            let (total, facets) = searcher.search(query, &(Count, facets))?;
            return Ok((total, facets, Vec::new()));
        }
        let top = TopDocs::with_limit(n).and_offset(skip);
        Ok(match sort {
            // A disjunction of terms is what the top-k collector prunes when alone (block-max
            // WAND), so it gets its own pass and the count another; any other query is scored
            // in full either way, and one pass collects everything.
            Sort::Relevance if facets.is_none() && prunable(query) => {
                let total = query.count(searcher)?;
                let page = searcher.search(query, &top.order_by_score())?;
                let page = page.into_iter().map(|(s, a)| (Some(s), a)).collect();
                (total, None, page)
            }
            Sort::Relevance => {
                let (total, facets, page) =
                    searcher.search(query, &(Count, facets, top.order_by_score()))?;
                let page = page.into_iter().map(|(s, a)| (Some(s), a)).collect();
                (total, facets, page)
            }
            // Sorting by date visits every match anyway: one pass collects all.
            Sort::Date => {
                let by_date = top.order_by_fast_field::<tantivy::DateTime>(
                    index::schema::names::DATE,
                    Order::Desc,
                );
                let (total, facets, page) = searcher.search(query, &(Count, facets, by_date))?;
                let page = page.into_iter().map(|(_, a)| (None, a)).collect();
                (total, facets, page)
            }
        })
    }

    /// Highlights the body terms of `query`, weighting rarer terms higher as tantivy's own
    /// generator does, with an analyzer that only stems words that could match.
    fn snippets(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
    ) -> Result<SnippetGenerator, SearchError> {
        let mut terms: Vec<Term> = Vec::new();
        query.query_terms(&mut |term, _| {
            if term.field() == self.fields.body && !terms.contains(term) {
                terms.push(term.clone());
            }
        });
        let mut weights = std::collections::BTreeMap::new();
        for term in terms {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            let doc_freq = searcher.doc_freq(&term)?;
            if doc_freq > 0 {
                weights.insert(text.to_string(), 1.0 / (1.0 + doc_freq as f32));
            }
        }
        let words: Vec<String> = weights.keys().cloned().collect();
        Ok(SnippetGenerator::new(
            weights,
            crate::analysis::snippet_analyzer(&words),
            self.fields.body,
            SNIPPET_CHARS,
        ))
    }

    /// How many articles match, and their facets.
    pub(super) fn count(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        req: &SearchRequest,
        archive: &Arc<ArchiveEntities>,
    ) -> Result<(usize, Facets), SearchError> {
        let collector = (
            Count,
            FacetCollector {
                bucket: req.date_bucket,
                entity_limit: req.facet_size,
                wanted: req.facets.clone(),
                archive: archive.clone(),
            },
        );
        Ok(searcher.search(query, &collector)?)
    }

    fn hit(
        &self,
        doc: &TantivyDocument,
        score: Option<f32>,
        snippets: &SnippetGenerator,
        archive: &ArchiveEntities,
    ) -> Hit {
        let f = &self.fields;
        let text = |field| stored_text(doc, field);
        let all = |field| stored_all(doc, field);
        let body = text(f.body).unwrap_or_default();
        let found = snippets.snippet(&body);
        let shown = if found.highlighted().is_empty() {
            snippet::lead(&body, SNIPPET_CHARS)
        } else {
            snippet::render(&body, found.fragment_range(), found.highlighted())
        };
        Hit {
            id: text(f.id).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            date: day(doc, f.date),
            source: text(f.source),
            url: text(f.url),
            author: text(f.author),
            path: text(f.path).unwrap_or_default(),
            paths: all(f.path),
            score,
            snippet: shown.text,
            highlights: shown.highlights,
            inferred: all(f.inferred),
            encoding: text(f.encoding),
            entities: HitEntities::stored(doc, f.mentions, archive),
            group: group_label(doc, f.group),
            duplicates: Vec::new(),
        }
    }
}
