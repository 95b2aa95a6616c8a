//! From a [`SearchRequest`] to the one tantivy query that answers it: the query text parsed
//! (date shorthands, fuzzy words, phrases, entity names resolved), the request's filters joined
//! to it, the whole wrapped in the time budget; and, when too few articles match every word,
//! the relaxed query that replaces it.

use std::ops::Bound;

use chrono::NaiveDate;
use tantivy::Term;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::archive::ArchiveEntities;
use super::budget::Budgeted;
use super::date_filter::DateConditions;
use super::entity::{self, Filters, SourceMatch};
use super::error::SearchError;
use super::phrase::Phrases;
use super::relax::{self, FreeWords, RELAX_BELOW, Relaxation};
use super::request::SearchRequest;
use super::searcher::{Searcher, TITLE_BOOST};
use super::{fuzzy, limits, query};
use crate::index;

/// A request's query as parsed: the user's part, before the request's filters join it.
pub(super) struct Parsed {
    pub(super) query: Box<dyn Query>,
    pub(super) filters: Filters,
    pub(super) dates: DateConditions,
    /// The free words relaxing may loosen, if it can loosen any.
    pub(super) free: Option<FreeWords>,
}

/// A request's whole query, ready to run.
pub(super) struct Built {
    pub(super) query: Box<dyn Query>,
    pub(super) filters: Filters,
    pub(super) free: Option<FreeWords>,
}

impl Searcher {
    /// The relaxed query of `req` and how it relaxes, when relaxing applies: the request is
    /// not strict, its strict query found fewer than [`RELAX_BELOW`] articles, and it has free
    /// words to loosen. Every front end that relaxes (search, and through it timeline and
    /// related; the export) decides here, so they answer the same question.
    pub(super) fn loosened(
        &self,
        req: &SearchRequest,
        archive: &ArchiveEntities,
        free: Option<&FreeWords>,
        strict_total: usize,
    ) -> Result<Option<(Built, Relaxation)>, SearchError> {
        let Some(free) = free.filter(|_| !req.strict && strict_total < RELAX_BELOW) else {
            return Ok(None);
        };
        let words = free.content.len();
        let required = relax::required(words);
        let loose = self.query(req, archive, Some(required))?;
        Ok(Some((
            loose,
            Relaxation {
                required,
                words,
                ignored: free.ignored.clone(),
                strict_total,
            },
        )))
    }

    /// The whole query a request asks: its query text and entity flags, then its filters;
    /// what each entity filter resolved to; and the free words relaxing may loosen. With
    /// `relax`, the free words are loosened: that many of the content words must match.
    pub(super) fn query(
        &self,
        req: &SearchRequest,
        archive: &ArchiveEntities,
        relax: Option<usize>,
    ) -> Result<Built, SearchError> {
        let parsed = self.parse(req, archive, relax)?;
        let mut filters = parsed.filters;
        let dates = parsed.dates;
        let searcher = self.reader.searcher();
        for s in &req.sources {
            let term = Term::from_field_text(self.fields.source, &s.trim().to_lowercase());
            filters.source.push(SourceMatch {
                name: s.clone(),
                known: searcher.doc_freq(&term)? > 0,
            });
        }
        // Why no article can match the date conditions, when none can: the search still runs
        // (and finds nothing), and the answer says why.
        filters.date_conflict = dates.conflict();
        filters.dates_possible = filters.date_conflict.is_none();
        filters.undated = dates.undated;
        let query = self.with_filters(parsed.query, req);
        let prunable = prunable(&*query);
        Ok(Built {
            query: Box::new(Budgeted::new(query, req.budget.clone(), prunable)),
            filters,
            free: parsed.free,
        })
    }

    /// The query text and entity flags as one tantivy query, what each entity filter resolved
    /// to, the date conditions the query and the request's date filters require, and the
    /// query's free words. With `relax`, the free words are loosened to `relax` of them.
    pub(super) fn parse(
        &self,
        req: &SearchRequest,
        archive: &ArchiveEntities,
        relax: Option<usize>,
    ) -> Result<Parsed, SearchError> {
        use tantivy::query_grammar::{Occur as O, UserInputAst, UserInputLeaf};
        let text = req.query.trim();
        if text.is_empty() {
            return Err(SearchError::Query(
                "the query is empty (use * to match every article)".into(),
            ));
        }
        let mut resolver = entity::Resolver {
            archive,
            aliases: &self.aliases,
            filters: Filters::default(),
            budget: &req.budget,
        };
        let mut analyzer = crate::analysis::russian_analyzer();
        let f = &self.fields;
        let searcher = self.reader.searcher();
        let mut phrases = Phrases::new(
            &mut analyzer,
            (f.title, f.headline, f.body, f.id),
            TITLE_BOOST,
            &req.budget,
            &searcher,
        );
        let mut ast = if text == "*" {
            UserInputAst::Leaf(Box::new(UserInputLeaf::All))
        } else {
            limits::check_nesting(text)?;
            let rewritten =
                fuzzy::default_distance(&query::quote_clocks(&query::rewrite_dates(text)?));
            let parsed = tantivy::query_grammar::parse_query(&rewritten).or_else(|e| {
                // A question typed in prose: its stray quotes are text (`query::repair_quotes`).
                let repaired = query::repair_quotes(&rewritten).ok_or(e)?;
                tantivy::query_grammar::parse_query(&repaired)
            });
            let ast = parsed.map_err(|_| SearchError::Query(query::explain_syntax_error(text)))?;
            limits::check_query(&ast, &mut |l| phrases.words(l).map(|w| w.len()))?;
            let ast = query::every_article_with(ast, &searcher.schema().clone())?;
            relax::flatten_groups(resolver.rewrite(query::lift_negations(ast))?)
        };
        let free = FreeWords::of(&ast, &mut |l| phrases.words(l));
        let loosened = match (relax, &free) {
            (Some(required), Some(free)) => {
                ast = FreeWords::loosen(ast);
                Some((required, free.content.clone()))
            }
            _ => None,
        };
        let mut clauses = Vec::new();
        for (kind, names) in req.entities.iter() {
            for name in names {
                clauses.push((Some(O::Must), resolver.clause(kind, name, "flag")));
            }
        }
        if !clauses.is_empty() {
            clauses.insert(0, (Some(O::Must), ast));
            ast = UserInputAst::Clause(clauses);
        }
        let dates = DateConditions::of(req, &ast);
        let ast = phrases.mark(ast);
        let mut query = self.build(&mut phrases, ast)?;
        if let Some((required, words)) = loosened {
            let mut each = Vec::with_capacity(words.len());
            let mut scoring = Vec::new();
            let mut prefixes: Vec<String> = Vec::new();
            for word in words {
                if let Some([(_, stem)]) = phrases.words(&word).as_deref() {
                    let (prefix, stems) = relax::by_prefix(f, stem, TITLE_BOOST);
                    // Words of one prefix count once: the prefix is one term of the article.
                    let key = crate::analysis::prefix_of(stem).to_string();
                    if !prefixes.contains(&key) {
                        prefixes.push(key);
                        each.push(prefix);
                    }
                    scoring.extend(stems);
                    continue;
                }
                // A word of several terms ("MICS-2024") is its phrase, as in the strict query.
                let leaf = UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(word)));
                let marked = phrases.mark(leaf);
                each.push(self.build(&mut phrases, marked)?);
            }
            let stand_in = Term::from_field_text(f.id, relax::STAND_IN);
            let required = required.min(each.len().max(1));
            let loose = relax::at_least(each, scoring, required);
            query = relax::replace(query, &stand_in, &mut Some(loose));
        }
        if let Some(e) = phrases.error.take() {
            return Err(e);
        }
        Ok(Parsed {
            query,
            filters: resolver.filters,
            dates,
            free,
        })
    }

    /// A marked query tree as a tantivy query, with the phrases' own queries put in.
    fn build(
        &self,
        phrases: &mut Phrases,
        ast: tantivy::query_grammar::UserInputAst,
    ) -> Result<Box<dyn Query>, SearchError> {
        self.parser
            .build_query_from_user_input_ast(ast)
            .map(|q| phrases.replace(q))
            .map_err(|e| SearchError::Query(describe_parse_error(&e)))
    }

    fn with_filters(&self, user: Box<dyn Query>, req: &SearchRequest) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user)];
        if !req.sources.is_empty() {
            let any_source = req
                .sources
                .iter()
                .map(|s| {
                    let term = Term::from_field_text(self.fields.source, &s.trim().to_lowercase());
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_source))));
        }
        if req.from.is_some() || req.to.is_some() {
            let bound = |d: Option<NaiveDate>| match d {
                Some(d) => Bound::Included(Term::from_field_date_for_search(
                    self.fields.date,
                    index::to_datetime(d),
                )),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(req.from), bound(req.to))),
            ));
        }
        if req.undated {
            let term = Term::from_field_bool(self.fields.undated, true);
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            ));
        }
        if clauses.len() == 1 {
            clauses
                .pop()
                .map(|(_, q)| q)
                .unwrap_or_else(|| Box::new(AllQuery))
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }
}

/// Whether `query` is a plain disjunction of terms, such as one word over title and body
/// (the title's term wrapped in its boost).
pub(super) fn prunable(query: &dyn Query) -> bool {
    if let Some(b) = query.downcast_ref::<Budgeted>() {
        return prunable(b.inner());
    }
    if query.is::<TermQuery>() {
        return true;
    }
    let Some(b) = query.downcast_ref::<BooleanQuery>() else {
        return false;
    };
    let clauses = b.clauses();
    clauses
        .iter()
        .all(|(o, q)| *o == Occur::Should && (q.is::<TermQuery>() || q.is::<BoostQuery>()))
        && clauses.iter().any(|(_, q)| q.is::<TermQuery>())
}

/// tantivy's messages name its own internals; say what the user can act on.
fn describe_parse_error(e: &tantivy::query::QueryParserError) -> String {
    use tantivy::query::QueryParserError as E;
    match e {
        E::SyntaxError(s) => format!(
            "syntax error near '{}' (check quotes, brackets and operators)",
            limits::excerpt(s)
        ),
        E::FieldDoesNotExist(f) => query::unknown_field(f),
        E::DateFormatError(_) => format!("invalid date (use {})", crate::dates::FORMS),
        E::AllButQueryForbidden => "a query cannot only exclude; add a term to search for".into(),
        other => limits::one_line(&other.to_string()),
    }
}
