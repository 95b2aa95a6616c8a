//! Answering a [`SearchRequest`] with a [`SearchResult`]: the one path every front end (CLI,
//! HTTP, benchmarks) goes through, so they all answer the same question the same way.

mod archive;
mod articles;
mod at_least;
mod budget;
pub(crate) mod date_filter;
mod entity;
mod explore;
mod export;
mod facets;
pub(crate) mod fuzzy;
pub(crate) mod limits;
mod marks;
mod phrase;
pub(crate) mod query;
mod relax;
pub(crate) mod snippet;
mod suggest;
mod tally;

use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime as ChronoDateTime, NaiveDate};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, IndexReader, Order, TantivyDocument, Term};

use archive::ArchiveEntities;
pub use articles::StoredArticle;
use budget::Budgeted;
pub use budget::{Budget, CancelOnDrop};
use date_filter::DateConditions;
pub(crate) use entity::kind_of_field;
pub use entity::{EntityRef, FilterMatch, Filters, SourceMatch};
pub use explore::{Related, Search as SearchFn, Timeline, fill_gaps, related, timeline};
pub use export::{ExportError, ExportFormat, ExportRow};
use facets::FacetCollector;
pub(crate) use facets::bucket_label;
pub use facets::{DateBucket, DateCount, FacetCount, FacetKind, Facets};
pub use limits::{MAX_CLAUSES, MAX_LIMIT, MAX_NESTING, MAX_OFFSET, MAX_PHRASE_WORDS, MAX_SLOP};
use phrase::Phrases;
use relax::FreeWords;
pub(crate) use relax::free_literal as free_word;
pub use relax::{RELAX_BELOW, Relaxation, STOP_WORDS, required as relaxed_required};

use crate::entities::{Aliases, ByKind, EntityType};
use crate::index::schema::MentionLine;
use crate::index::{self, Fields, OpenError, OpenIndex};

/// Longest fragment tantivy picks, in characters; widening adds up to a sentence's start.
pub(crate) const SNIPPET_CHARS: usize = 180;
/// Headline matches count more than body matches: a headline says what the article is about.
pub(crate) const TITLE_BOOST: f32 = 2.0;
/// Duplicates listed per hit.
const MAX_DUPLICATES: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest first.
    Date,
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

/// What facets count (`--count`, `count=`): articles, or release groups, each republished
/// text once ([`SearchRequest::count_groups`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CountBy {
    #[default]
    Articles,
    Groups,
}

/// A question asked of the index, as every front end states it.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// In tantivy's query language, with vestnik's date shorthands; `*` matches everything.
    pub query: String,
    /// Keep only articles from any of these sources (case-insensitive, whole names).
    pub sources: Vec<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Keep only articles without a date (`--undated`; `date:none` in the query). With
    /// `from` or `to` it matches nothing, and the filters say why.
    pub undated: bool,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
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

/// One matched article as shown to people and scripts.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Who wrote it, where the file said.
    pub author: Option<String>,
    /// The first file the article was read from.
    pub path: String,
    /// Every file the same text was found in (republished copies are stored once).
    pub paths: Vec<String>,
    /// BM25 relevance; `null` when sorted by date.
    pub score: Option<f32>,
    pub snippet: String,
    /// `[start, end)` of each highlighted word in `snippet`, in Unicode code points.
    pub highlights: Vec<[usize; 2]>,
    /// Which of title, date and source were inferred rather than read from metadata.
    pub inferred: Vec<String>,
    /// The character encoding the file was decoded from.
    pub encoding: Option<String>,
    /// The people, organizations and places the article names, by canonical name.
    pub entities: HitEntities,
    /// Its release group (16 hex digits): versions of one text share it.
    pub group: String,
    /// The other articles of its group (other sources, headlines, edits), up to
    /// `MAX_DUPLICATES`; empty when grouping is off.
    pub duplicates: Vec<Duplicate>,
}

/// Another version of a hit's text.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// The canonical names of a hit's people, organizations and places.
pub type HitEntities = ByKind<Vec<String>>;

impl HitEntities {
    /// The canonical names of a stored document's entities, from its mention lines, in the
    /// order the extractor listed them: each entity once, under its archive-wide name.
    fn stored(
        doc: &TantivyDocument,
        mentions: tantivy::schema::Field,
        archive: &ArchiveEntities,
    ) -> HitEntities {
        let mut out = HitEntities::default();
        for line in doc
            .get_all(mentions)
            .filter_map(|v| v.as_str().and_then(MentionLine::read))
        {
            let Some(kind) = EntityType::from_label(line.kind) else {
                continue;
            };
            let list = &mut out[kind];
            let name = archive.canonical(kind, line.name).to_string();
            if !list.contains(&name) {
                list.push(name);
            }
        }
        out
    }
}

/// One article in full, for reading: its text, the entities it names and how it wrote them,
/// and the other versions of its text.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    pub paths: Vec<String>,
    pub body: String,
    /// Which of title, date and source were inferred rather than read from metadata.
    pub inferred: Vec<String>,
    pub entities: HitEntities,
    /// Each way the article wrote each entity.
    pub mentions: Vec<Mention>,
    pub group: String,
    pub duplicates: Vec<Duplicate>,
    /// Where the words of the query the article was opened from are, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marks: Option<QueryMarks>,
}

/// `[start, end)` code-point ranges of the query's words in the title and the body, as the
/// index matched them (see [`Searcher::query_marks`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueryMarks {
    pub title: Vec<[usize; 2]>,
    pub body: Vec<[usize; 2]>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mention {
    /// "PER", "ORG" or "LOC".
    pub kind: String,
    /// The entity's archive-wide canonical name.
    pub name: String,
    /// The entity's archive-wide id.
    pub id: Option<String>,
    /// The words as the article wrote them.
    pub surface: String,
}

/// One entity of a result set, for `vestnik entities`.
#[derive(Debug, Clone, Serialize)]
pub struct EntityListing {
    /// "PER", "ORG" or "LOC".
    pub kind: &'static str,
    /// Its archive-wide id.
    pub id: String,
    /// Its canonical name.
    pub name: String,
    /// Matching articles that name it.
    pub count: u64,
    /// The forms it was written in (read from up to 10,000 matching articles).
    pub surfaces: Vec<String>,
    /// The names the index holds for it, joined into this one entity (the canonical name
    /// first): "Путин" beside "Владимир Путин", another rendering, a Latin spelling.
    pub variants: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub query: String,
    /// Every matched article, not just this page.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// Release groups among the matches, when facets were counted by group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<usize>,
    /// Each entity filter and the entities it resolved to.
    pub filters: Filters,
    /// The query was relaxed: too few articles had every word, and these are the articles
    /// with most of them (`relaxation` says how many).
    pub relaxed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxation: Option<Relaxation>,
    /// When nothing matched: indexed words and names close to the ones that found nothing.
    pub suggestions: Vec<String>,
}

/// Errors a caller branches on: a bad query is the user's to fix (exit 2), and so is one that
/// ran out of time (exit 2, HTTP 503); the rest are not.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("invalid query: {0}")]
    Query(String),
    #[error(
        "timeout: the search stopped at its time budget of {} (narrow the query, or allow more time with --timeout)",
        budget::seconds(*.0)
    )]
    Timeout(std::time::Duration),
    /// Whoever asked stopped waiting for the answer.
    #[error("the search was cancelled")]
    Cancelled,
    #[error(transparent)]
    Index(#[from] tantivy::TantivyError),
}

/// A hit of the page before its document is read: its score (none when sorted by date).
type PageHit = (Option<f32>, DocAddress);

/// What one query found, before the documents of its page are read.
struct Answer {
    total: usize,
    facets: Facets,
    groups: Option<usize>,
    page: Vec<PageHit>,
}

/// A request's query as parsed: the user's part, before the request's filters join it.
struct Parsed {
    query: Box<dyn Query>,
    filters: Filters,
    dates: DateConditions,
    /// The free words relaxing may loosen, if it can loosen any.
    free: Option<FreeWords>,
}

/// A request's whole query, ready to run.
struct Built {
    query: Box<dyn Query>,
    filters: Filters,
    free: Option<FreeWords>,
}

/// An open index ready to answer queries.
pub struct Searcher {
    reader: IndexReader,
    fields: Fields,
    parser: QueryParser,
    /// The alias table the index was written with, for names typed in filters.
    aliases: Aliases,
    /// The archive's entities for the reader generation they were built from.
    archive: Mutex<Option<(u64, Arc<ArchiveEntities>)>>,
}

impl Searcher {
    pub fn open(dir: &Path) -> Result<Searcher, OpenError> {
        let OpenIndex { index, fields } = index::open(dir)?;
        let reader = index.reader().map_err(|source| OpenError::Tantivy {
            path: dir.to_path_buf(),
            source,
        })?;
        // Words without a field are looked for in headlines and bodies: a title made from the
        // first sentence is in the body already, and counting it again as a headline ranked
        // such articles above the ones whose body answers (XQuAD-ru nDCG@10 0.954 → 0.873).
        let mut parser = QueryParser::for_index(&index, vec![fields.headline, fields.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(fields.headline, TITLE_BOOST);
        Ok(Searcher {
            reader,
            fields,
            parser,
            aliases: index::aliases_of(dir),
            archive: Mutex::new(None),
        })
    }

    /// The archive's entities as `searcher` sees them, built once per commit.
    fn archive(&self, searcher: &tantivy::Searcher) -> Result<Arc<ArchiveEntities>, SearchError> {
        let generation = searcher.generation().generation_id();
        let mut cached = self.archive.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((g, a)) = cached.as_ref()
            && *g == generation
        {
            return Ok(a.clone());
        }
        let built = Arc::new(ArchiveEntities::build(searcher, &self.aliases)?);
        *cached = Some((generation, built.clone()));
        Ok(built)
    }

    /// The id of the entity that a name the index holds belongs to.
    pub fn entity_id_of(
        &self,
        kind: EntityType,
        name: &str,
    ) -> Result<Option<String>, SearchError> {
        let searcher = self.reader.searcher();
        let archive = self.archive(&searcher)?;
        Ok(archive.entity_named(kind, name).map(|e| e.id.clone()))
    }

    /// Articles in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The people, organizations and places of the articles matching `req`, most frequent
    /// first, each with the ways the articles wrote it.
    ///
    /// Forms are read from the stored articles, at ~0.1 ms each: reading the first 10,000
    /// matching articles made an entity profile of Путин on 200,000 articles take 960 ms, and
    /// an entity named in few of them got few of its forms. So each listed entity's forms come
    /// from the `SURFACE_ARTICLES` best-matching articles that name it (and from every other
    /// article read that names it): the forms its best articles wrote, not every rare spelling.
    pub fn entities(
        &self,
        req: &SearchRequest,
        kind: Option<EntityType>,
    ) -> Result<Vec<EntityListing>, SearchError> {
        const SURFACE_ARTICLES: usize = 30;
        let searcher = self.reader.searcher();
        let archive = self.archive(&searcher)?;
        let query = self.query(req, &archive, None)?.query;
        let (total, facets) = self.count(&searcher, &*query, req, &archive)?;
        req.budget.check()?;
        let mut listings: Vec<EntityListing> = Vec::new();
        for k in EntityType::ALL {
            if kind.is_some_and(|want| want != k) {
                continue;
            }
            let counts = facets.of(k);
            let by_id: std::collections::HashMap<&str, &crate::identity::Entity> = archive
                .registry
                .entities(k)
                .iter()
                .map(|e| (e.id.as_str(), e))
                .collect();
            listings.extend(counts.iter().map(|c| {
                let entity = c.id.as_deref().and_then(|id| by_id.get(id));
                EntityListing {
                    kind: k.label(),
                    id: c.id.clone().unwrap_or_default(),
                    name: c.value.clone(),
                    count: c.count,
                    surfaces: Vec::new(),
                    variants: entity.map(|e| e.variants.clone()).unwrap_or_default(),
                }
            }));
        }
        if total > 0 && !listings.is_empty() {
            // Each listing's forms with the articles using them: listed most used first, ties
            // by spelling, so that the order depends on the articles and not on the segments.
            let at: std::collections::HashMap<(&str, String), usize> = listings
                .iter()
                .enumerate()
                .map(|(i, l)| ((l.kind, l.name.clone()), i))
                .collect();
            let mut forms: Vec<std::collections::HashMap<String, u64>> =
                vec![Default::default(); listings.len()];
            // The first articles, by score, that match the query and name each entity; each
            // article read once.
            let mut docs: Vec<DocAddress> = Vec::new();
            for l in &listings {
                let Some(kind) = EntityType::from_label(l.kind) else {
                    continue;
                };
                let field = self.fields.entity(kind);
                let names: Vec<(Occur, Box<dyn Query>)> = l
                    .variants
                    .iter()
                    .map(|v| {
                        let term = Term::from_field_text(field, v);
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                        (Occur::Should, q)
                    })
                    .collect();
                if names.is_empty() {
                    continue;
                }
                let naming = BooleanQuery::new(vec![
                    (Occur::Must, query.box_clone()),
                    (Occur::Must, Box::new(BooleanQuery::new(names))),
                ]);
                let top = TopDocs::with_limit(SURFACE_ARTICLES.min(total)).order_by_score();
                docs.extend(searcher.search(&naming, &top)?.into_iter().map(|(_, a)| a));
                req.budget.check()?;
            }
            // In index order, so that neighbouring articles share the store's blocks.
            docs.sort();
            docs.dedup();
            for address in docs {
                req.budget.check()?;
                let doc: TantivyDocument = searcher.doc(address)?;
                for line in doc
                    .get_all(self.fields.mentions)
                    .filter_map(|v| v.as_str().and_then(MentionLine::read))
                {
                    let Some(kind) = EntityType::from_label(line.kind) else {
                        continue;
                    };
                    let name = archive.canonical(kind, line.name).to_string();
                    let Some(&i) = at.get(&(kind.label(), name)) else {
                        continue;
                    };
                    for surface in line.surfaces {
                        *forms[i].entry(surface.to_string()).or_default() += 1;
                    }
                }
            }
            for (l, forms) in listings.iter_mut().zip(forms) {
                let mut forms: Vec<(String, u64)> = forms.into_iter().collect();
                forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                l.surfaces = forms.into_iter().map(|(f, _)| f).collect();
            }
        }
        Ok(listings)
    }

    /// The article with this id, or `None`. Only the index is read: an id is a value looked
    /// up in it, never a path.
    pub fn document(&self, id: &str) -> Result<Option<Document>, SearchError> {
        let searcher = self.reader.searcher();
        let Some(address) = first_with(&searcher, Term::from_field_text(self.fields.id, id))?
        else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let archive = self.archive(&searcher)?;
        let f = &self.fields;
        let text = |field| stored_text(&doc, field);
        let all = |field| stored_all(&doc, field);
        let lines = all(f.mentions);
        let mut mentions = Vec::new();
        for line in lines.iter().filter_map(|line| MentionLine::read(line)) {
            let Some(kind) = EntityType::from_label(line.kind) else {
                continue;
            };
            let entity = archive.entity_named(kind, line.name);
            for surface in line.surfaces {
                mentions.push(Mention {
                    kind: line.kind.to_string(),
                    name: entity.map_or(line.name, |e| e.name.as_str()).to_string(),
                    id: entity.map(|e| e.id.clone()),
                    surface: surface.to_string(),
                });
            }
        }
        let group = doc.get_first(f.group).and_then(|v| v.as_u64());
        Ok(Some(Document {
            id: text(f.id).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            date: day(&doc, f.date),
            source: text(f.source),
            url: text(f.url),
            author: text(f.author),
            paths: all(f.path),
            body: text(f.body).unwrap_or_default(),
            inferred: all(f.inferred),
            entities: HitEntities::stored(&doc, f.mentions, &archive),
            mentions,
            group: group_label(&doc, f.group),
            duplicates: match group {
                Some(g) => self.duplicates(&searcher, g, address)?,
                None => Vec::new(),
            },
            marks: None,
        }))
    }

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

    /// The relaxed query of `req` and how it relaxes, when relaxing applies: the request is
    /// not strict, its strict query found fewer than [`RELAX_BELOW`] articles, and it has free
    /// words to loosen. Every front end that relaxes (search, and through it timeline and
    /// related; the export) decides here, so they answer the same question.
    fn loosened(
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
        let (total, facets, page) = loop {
            let n = fetch.min(num_docs);
            let skip = if req.group {
                0
            } else {
                req.offset.min(num_docs)
            };
            let (total, facets, candidates) =
                self.collect(searcher, query, facets.clone(), req.sort, n, skip)?;
            req.budget.check()?;
            if !req.group {
                break (total, facets, candidates);
            }
            let exhausted = candidates.len() < n || n == num_docs;
            let page = collapse(searcher, candidates, req.offset, limit)?;
            if page.len() == limit || exhausted {
                break (total, facets, page);
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

    /// The other articles of `group`, besides `except`.
    fn duplicates(
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

    /// The whole query a request asks: its query text and entity flags, then its filters;
    /// what each entity filter resolved to; and the free words relaxing may loosen. With
    /// `relax`, the free words are loosened: that many of the content words must match.
    fn query(
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

    /// How many articles match, and their facets.
    fn count(
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

    /// The query text and entity flags as one tantivy query, what each entity filter resolved
    /// to, the date conditions the query and the request's date filters require, and the
    /// query's free words. With `relax`, the free words are loosened to `relax` of them.
    fn parse(
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
            for word in words {
                let leaf = UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(word)));
                let marked = phrases.mark(leaf);
                each.push(self.build(&mut phrases, marked)?);
            }
            let stand_in = Term::from_field_text(f.id, relax::STAND_IN);
            query = relax::replace(query, &stand_in, &mut Some(relax::at_least(each, required)));
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

/// The number of release groups among the matches of `query`, and facets counted over the
/// first article (by index order) of each: every republished text once.
fn count_by_group(
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

/// The first text value of `field` in a stored document.
fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Every text value of `field` in a stored document.
fn stored_all(doc: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// A stored group id as users see it: 16 hex digits.
fn group_label(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_u64())
        .map(|g| format!("{g:016x}"))
        .unwrap_or_default()
}

/// A stored date as `YYYY-MM-DD`.
fn day(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_datetime())
        .and_then(|d| ChronoDateTime::from_timestamp(d.into_timestamp_secs(), 0))
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// The best-ranked candidate of each release group, in rank order, after skipping `offset`
/// groups: at most `limit` of them.
fn collapse(
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

/// Whether `query` is a plain disjunction of terms, such as one word over title and body
/// (the title's term wrapped in its boost).
fn prunable(query: &dyn Query) -> bool {
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
