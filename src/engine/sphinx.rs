//! A [`SearchRequest`] answered by Sphinx 2.2 (or Manticore) over SphinxQL, from an export
//! written by `vestnik export --to sphinx`: the request translated (see `translate`), the
//! total from `SHOW META`, facets by `FACET`, one hit per release group as locally, the page's
//! stored text read back for snippets made by vestnik's own snippet code.
//!
//! Counts are exact, not estimates: every facet asks each shard for all of its values (its
//! `LIMIT` is the number of values the facet can have, not the number shown), so that merging
//! on the coordinator loses no shard's tail, and a shard that does not answer is an error
//! naming it, never a smaller count.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use mysql::prelude::Queryable;

use super::EngineUrl;
use super::registry::EngineRegistry;
use super::translate::{Bound, Translated, translate};
use crate::entities::EntityType;
use crate::export::sphinx::{
    BINARY_OFFSET, Extra, INDEX, LOOKUP_FIELD, RANKING_FORMAT, RankingFile, attribute, group_key,
    id_key, read_stored_cell,
};
use crate::export::word_key;
use crate::search::{
    DateBucket, DateCount, Document, Duplicate, EntityListing, FacetCount, FacetKind, Facets, Hit,
    HitEntities, SearchError, SearchRequest, SearchResult, Sort,
};

/// Most matches a query may keep per node: the `max_matches` the export's `searchd` allows.
const MAX_MATCHES: usize = 100_000;
/// Most values a source or date facet asks each shard for: a node keeps a queue of
/// `max_matches` entries per query, and 100,000 made a facet query ten times slower than
/// its search. A facet that reaches it fails rather than being cut (see `facet`).
const MAX_FACET_VALUES: usize = 10_000;
/// Duplicates listed per hit, as locally.
const MAX_DUPLICATES: usize = 20;
/// The ranker expression's value is multiplied by this before Sphinx keeps it as an integer
/// weight: enough digits that scores tantivy tells apart stay apart.
const SCORE_SCALE: f32 = 100_000.0;

/// Columns of a page's articles, in the order [`Page::row`] reads them.
const PAGE_COLUMNS: &str = "id, vid, title, url, source, date, grp, person, org, loc, body";

/// A connection to the coordinator, and the export's entities.
pub struct SphinxEngine {
    url: EngineUrl,
    conn: Mutex<mysql::Conn>,
    registry: EngineRegistry,
    /// The `OPTION` that ranks as the local index does (see [`ranker`]).
    ranker: String,
    /// The same for a relaxed query, which ranks with its own k1 and by prefixes too.
    relaxed_ranker: String,
    /// Sphinx's IDF is ln(N/n) / (2 ln(N+1)) ("plain", normalized to [0, 1]); this brings a
    /// weight back to the scale of the local scores.
    idf_scale: f32,
    /// N: the articles of the export, whose IDF the shards rank with.
    documents: f64,
    /// Rank the articles with a headline word first where that suffices (see `answer`).
    pruning: bool,
}

/// One ranked match before its article is read.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    id: u64,
    group: i64,
    weight: f32,
    /// The weight as Sphinx gave it (the ranker expression × `SCORE_SCALE`).
    raw: u32,
}

/// One statement of facet counts, and what it counts.
struct FacetAsk {
    sql: String,
    /// The most groups it returns.
    values: usize,
    what: Asked,
}

/// What a facet statement counts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Asked {
    One(FacetKind),
    /// Sources and dates at once, by (source, date) pairs.
    SourceAndDate,
}

/// What one query found.
struct Answer {
    total: usize,
    facets: Facets,
    candidates: Vec<Candidate>,
    /// Documents per key of the query's words, for the snippets' weights.
    docs: HashMap<String, u64>,
}

impl SphinxEngine {
    /// Connects to the coordinator at `url`; `dir` is the export's folder (its
    /// `entities.json`).
    pub fn connect(url: &EngineUrl, dir: &Path) -> anyhow::Result<SphinxEngine> {
        let registry = EngineRegistry::open(dir)?;
        let ranking = read_ranking(dir)?;
        let idf_scale = 2.0 * ((ranking.documents as f32) + 1.0).ln();
        let opts = mysql::OptsBuilder::new()
            .ip_or_hostname(Some(url.host.clone()))
            .tcp_port(url.port)
            .prefer_socket(false)
            .tcp_connect_timeout(Some(Duration::from_secs(5)))
            .read_timeout(Some(Duration::from_secs(120)))
            .write_timeout(Some(Duration::from_secs(120)));
        let conn = mysql::Conn::new(opts)
            .map_err(|e| anyhow!("cannot reach the engine at {url}: {}", one_line(&e)))?;
        Ok(SphinxEngine {
            url: url.clone(),
            conn: Mutex::new(conn),
            registry,
            ranker: ranker(&ranking, false),
            relaxed_ranker: ranker(&ranking, true),
            idf_scale,
            documents: ranking.documents as f64,
            pruning: true,
        })
    }

    /// This engine ranking every match in one statement: the reference that ranking the
    /// articles with a headline word first must not change (tests compare the two).
    pub fn without_pruning(mut self) -> SphinxEngine {
        self.pruning = false;
        self
    }

    /// Where the coordinator listens.
    pub fn url(&self) -> &EngineUrl {
        &self.url
    }

    /// Answers `req` through the engine, in the shape the local index answers it
    /// ([`crate::search::Searcher::search`]), so that front ends need not tell them apart.
    pub fn search(&self, req: &SearchRequest) -> anyhow::Result<SearchResult> {
        crate::search::limits::check_page(req)?;
        if req.count_groups {
            return Err(SearchError::Query(
                "not available through --engine: counting by release group (--count groups)".into(),
            )
            .into());
        }
        let mut t = translate(req, &self.registry)?;
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        self.mark_known_sources(&mut conn, &mut t)?;
        let mut result = SearchResult {
            query: req.query.clone(),
            total: 0,
            hits: Vec::new(),
            facets: Facets::default(),
            groups: None,
            filters: t.filters.clone(),
            relaxed: false,
            relaxation: None,
            suggestions: Vec::new(),
        };
        if t.impossible {
            return Ok(result);
        }
        let page_size = req.limit;
        let mut fetch = if req.group && page_size > 0 {
            req.offset
                .saturating_add(page_size)
                .saturating_mul(3)
                .saturating_add(8)
        } else {
            page_size
        };
        let mut matching = t.matching.clone();
        let mut answer = self.answer(&mut conn, &matching, &t, req, fetch)?;
        if answer.total == 0
            && let Some((relaxed, relaxation)) = &t.relaxed
        {
            let loose = Some(relaxed.clone());
            let relaxed_answer = self.answer(&mut conn, &loose, &t, req, fetch)?;
            if relaxed_answer.total > 0 {
                answer = relaxed_answer;
                matching = loose;
                result.relaxed = true;
                result.relaxation = Some(relaxation.clone());
            }
        }
        // Grouped, the page is collapsed from more ranked candidates, fetched again (four
        // times as many) while groups fill them and more matches remain: as locally.
        let page = loop {
            if !req.group {
                break answer.candidates.clone();
            }
            let exhausted = answer.candidates.len() < fetch || fetch >= answer.total;
            let page = collapse(&answer.candidates, req.offset, page_size);
            if page.len() == page_size || exhausted {
                break page;
            }
            fetch = fetch.saturating_mul(4);
            answer.candidates = self
                .answer(&mut conn, &matching, &t, req, fetch)?
                .candidates;
        };
        result.total = answer.total;
        result.facets = answer.facets;
        result.hits = self.hits(&mut conn, &page, req, &t, &answer.docs)?;
        Ok(result)
    }

    /// The people, organizations and places of the articles matching `req`, most frequent
    /// first, as `vestnik entities` lists them. Counted exactly by `FACET`; the forms each was
    /// written in are not exported, so `surfaces` is empty.
    pub fn entities(
        &self,
        req: &SearchRequest,
        kind: Option<EntityType>,
    ) -> anyhow::Result<Vec<EntityListing>> {
        let mut req = req.clone();
        req.limit = 0;
        req.facets = EntityType::ALL
            .into_iter()
            .filter(|k| kind.is_none_or(|want| want == *k))
            .map(FacetKind::from)
            .collect();
        let result = self.search(&req)?;
        let mut out = Vec::new();
        for k in EntityType::ALL {
            for c in &result.facets.entities[k] {
                let id = c.id.clone().unwrap_or_default();
                let variants = self
                    .registry
                    .number_of(k, &id)
                    .map(|n| self.registry.variants(k, n).to_vec())
                    .unwrap_or_default();
                out.push(EntityListing {
                    kind: k.label(),
                    id,
                    name: c.value.clone(),
                    count: c.count,
                    surfaces: Vec::new(),
                    variants,
                });
            }
        }
        Ok(out)
    }

    /// The article with this id, as the local index shows it
    /// ([`crate::search::Searcher::document`]): the stored values, the entities and the ways
    /// it wrote them (the `extra` column), and the other versions of its text. Sphinx compares
    /// strings without regard to ASCII case, so the id is matched exactly here.
    pub fn document(&self, id: &str) -> anyhow::Result<Option<Document>> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        // Found by the id's key, which only ASCII letters and digits make (no user text goes
        // into the query), then told apart from any other id of that key here.
        let sql = format!(
            "SELECT {PAGE_COLUMNS}, extra FROM {INDEX} WHERE MATCH('@{LOOKUP_FIELD} {}') LIMIT 100 OPTION ranker=none, max_matches=100",
            id_key(id)
        );
        let (rows, _) = self.run(&mut conn, &sql)?;
        let Some(row) = rows.into_iter().find(|r| r.text(1) == id) else {
            return Ok(None);
        };
        let extra: Extra = serde_json::from_str(&row.text(11)).map_err(|e| {
            anyhow!("the engine's article {id} has no readable `extra` column ({e}): export again")
        })?;
        let (entities, mentions) = crate::search::read_mentions(&extra.mentions, &|kind, name| {
            self.registry.entity_named(kind, name)
        });
        let group = row.i64(6);
        let mut duplicates = Vec::new();
        if group != 0 {
            let (sql, cap) = members_query(&[group]);
            let (rows, _) = self.run(&mut conn, sql.as_deref().unwrap_or_default())?;
            let members = self
                .complete_members(&mut conn, &[group], rows, cap)?
                .remove(&group)
                .unwrap_or_default();
            duplicates = members
                .iter()
                .filter(|m| m.u64(0) != row.u64(0))
                .take(MAX_DUPLICATES)
                .map(Row::duplicate)
                .collect();
        }
        Ok(Some(Document {
            id: row.text(1),
            title: row.text(2),
            date: row.opt(5),
            source: row.opt(4),
            url: row.opt(3),
            author: extra.author,
            paths: extra.paths,
            body: read_stored_cell(&row.text(10)),
            inferred: extra.inferred,
            entities,
            mentions,
            group: group_label(group),
            duplicates,
            marks: None,
        }))
    }

    /// Where the title and body words of `query` are in each of `texts`, as the local index
    /// marks them ([`crate::search::Searcher::query_marks`]): the query analyzed as for a
    /// search through the engine, its title and body terms looked for in the text.
    pub fn query_marks(&self, query: &str, texts: &[&str]) -> anyhow::Result<Vec<Vec<[usize; 2]>>> {
        let t = translate(&SearchRequest::new(query), &self.registry)?;
        let terms: std::collections::HashSet<String> = t.marked.into_iter().collect();
        Ok(texts
            .iter()
            .map(|text| crate::search::marks(text, &terms))
            .collect())
    }

    /// Looks up whether any article has each `--source`.
    fn mark_known_sources(&self, conn: &mut mysql::Conn, t: &mut Translated) -> anyhow::Result<()> {
        for (m, key) in t.filters.source.iter_mut().zip(&t.source_keys) {
            let sql = format!("SELECT id FROM {INDEX} WHERE srckey = {key} LIMIT 1");
            let (_, meta) = self.run(conn, &sql)?;
            m.known = meta.total_found > 0;
        }
        // Sources are alternatives: only when none is known can they match nothing.
        if !t.filters.source.is_empty() && t.filters.source.iter().all(|s| !s.known) {
            t.impossible = true;
        }
        Ok(())
    }

    /// The total, facets and `fetch` ranked candidates of one `MATCH()` expression.
    ///
    /// One batch: a statement per facet, then the page's (ranked) statement, then `SHOW
    /// META`, which reports on the last. Sphinx 2.2 runs each statement of a batch through
    /// the coordinator on its own (it shares the matching only for `FACET` on a local index),
    /// so a statement that is not needed is not sent: when only counts are wanted and a
    /// source or date facet is among them, the total is that facet's sum (every article has
    /// exactly one source and one date value, 0 standing for none), and the page's
    /// statement, a full match of its own, is left out.
    ///
    /// A strict query ranked by relevance whose words are looked for in headlines is ranked
    /// in two steps, as tantivy's block-max pruning would: first only the articles holding
    /// one of those words in the headline (about a tenth of the matches for a common word),
    /// counted apart unranked; if their page fills and its last weight clears the most any
    /// other article could weigh ([`Self::ceiling`]), that page is the page of the whole
    /// match, exactly; if not, the whole match is ranked. Measured at a million articles, a
    /// word in a quarter of them went from 43 to 17 ms.
    fn answer(
        &self,
        conn: &mut mysql::Conn,
        matching: &Option<String>,
        t: &Translated,
        req: &SearchRequest,
        fetch: usize,
    ) -> anyhow::Result<Answer> {
        req.budget.check()?;
        let skip = if req.group { 0 } else { req.offset };
        let limit = fetch.max(1);
        let filter = where_clause(matching, &t.conditions);
        let time = max_time(req);
        let asks = self.facet_asks(req, &filter, &time)?;
        let mut statements: Vec<String> = asks.iter().map(|a| a.sql.clone()).collect();
        let mut narrowed: Option<String> = None;
        let mut whole: Option<String> = None;
        let mut counted = false;
        // Whether a facet's counts sum to the total.
        let summed = asks.iter().any(|a| {
            matches!(
                a.what,
                Asked::SourceAndDate | Asked::One(FacetKind::Source | FacetKind::Date)
            )
        });
        let paged = fetch > 0 || !summed;
        if paged {
            let needed = skip.saturating_add(limit);
            if needed > MAX_MATCHES {
                return Err(too_many(needed));
            }
            let order = match req.sort {
                Sort::Relevance => "WEIGHT() DESC, id ASC",
                Sort::Date => "day DESC, id ASC",
            };
            // Without words Sphinx scans every article unranked, as the local index scores
            // such queries alike (ties in index order); with words, the local BM25.
            let relaxed = t
                .relaxed
                .as_ref()
                .is_some_and(|(r, _)| matching.as_ref() == Some(r));
            // Ranking is most of a query's time (the ranker expression costs three times
            // Sphinx's own BM25 ranker), so it is asked for only where a score is shown: not
            // for a page sorted by date, not when only counts are wanted. Without it, Sphinx
            // would still rank by its default.
            let ranked = matching.is_some() && req.sort == Sort::Relevance && fetch > 0;
            let ranker = if !ranked {
                "ranker=none"
            } else if relaxed {
                &self.relaxed_ranker
            } else {
                &self.ranker
            };
            let page = |filter: &str| {
                format!(
                    "SELECT id, grp, WEIGHT() FROM {INDEX}{filter} ORDER BY {order} LIMIT {skip}, {limit} OPTION {ranker}, max_matches={needed}{time}"
                )
            };
            // A strict query with single words in headlines ranks first only the articles
            // holding one (see `Bound`), and counts the rest unranked; where their page
            // does not clear what any other article can score, the whole match is ranked.
            narrowed = match matching {
                Some(m) if self.pruning && ranked && !relaxed && !t.bound.headline.is_empty() => {
                    let heads = format!("({m}) (@headline_words {})", t.bound.headline.join(" | "));
                    Some(page(&where_clause(&Some(heads), &t.conditions)))
                }
                _ => None,
            };
            match &narrowed {
                Some(first) => {
                    statements.push(first.clone());
                    // The total, unless a facet's sum gives it.
                    if !summed {
                        counted = true;
                        statements.push(format!(
                            "SELECT id FROM {INDEX}{filter} LIMIT 0,1 OPTION ranker=none, max_matches=1{time}"
                        ));
                    }
                    whole = Some(page(&filter));
                }
                None => statements.push(page(&filter)),
            }
        }
        let mut sets = self.batch(conn, &statements.join("; "))?;
        let meta = sets.pop().map(Meta::of).unwrap_or_default();
        self.check_meta(&meta)?;
        if counted {
            sets.pop(); // the count's row
        }
        let main = if paged { sets.pop() } else { None };
        let mut candidates = match main {
            Some(rows) if fetch > 0 => self.candidates(&rows),
            _ => Vec::new(),
        };
        let (facets, facet_total) = self.read_facets(conn, &asks, sets, req, &filter, &time)?;
        // A narrowed page's statement counts only the articles it ranked.
        let total = match facet_total {
            Some(n) if !paged || narrowed.is_some() => n,
            _ => meta.total_found,
        };
        if let Some(sql) = whole {
            // Exact when the page filled and clears every other article's most, or when
            // the articles ranked were all there are (nothing matched at all, say).
            let cleared = (candidates.len() == limit
                && candidates.last().is_some_and(|c| {
                    f64::from(c.raw) > self.ceiling(&t.bound, &meta.docs) * 1.001 + 2.0
                }))
                || (skip + candidates.len()) as u64 >= total;
            if !cleared {
                let (rows, _) = self.run(conn, &sql)?;
                candidates = self.candidates(&rows);
            }
        }
        Ok(Answer {
            total: total as usize,
            facets,
            candidates,
            docs: meta.docs,
        })
    }

    /// The statements counting `req`'s facets over the articles `filter` finds. Sources and
    /// dates by year or month are counted together, by pairs (`GROUP BY srcid, year`): each
    /// statement matches the query again (Sphinx shares no matching between statements
    /// through a distributed index), and the pairs are few.
    fn facet_asks(
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
                    sql: format!(
                        "SELECT source, {column}, COUNT(*) FROM {INDEX}{filter} GROUP BY srcid, {column} ORDER BY COUNT(*) DESC LIMIT 0,{values} OPTION ranker=none, max_matches={values}{time}"
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
    fn facet_ask(
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
            sql: format!(
                "SELECT {select}, COUNT(*) FROM {INDEX}{filter} GROUP BY {group} ORDER BY COUNT(*) DESC LIMIT 0,{values} OPTION ranker=none, max_matches={values}{time}"
            ),
            values,
            what: Asked::One(kind),
        })
    }

    /// The facets from the rows of `asks`, and the total their counts sum to where a source
    /// or date facet is among them (every article has one source and one date value, 0
    /// standing for none). Pairs that reach their cap are counted again one facet at a time,
    /// over the same `filter`.
    fn read_facets(
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

    /// The ranked rows (`id, grp, WEIGHT()`) of a page's statement.
    fn candidates(&self, rows: &[Row]) -> Vec<Candidate> {
        rows.iter()
            .map(|r| {
                let raw = u32::try_from(r.u64(2)).unwrap_or(u32::MAX);
                Candidate {
                    id: r.u64(0),
                    group: r.i64(1),
                    weight: raw as f32 / SCORE_SCALE * self.idf_scale,
                    raw,
                }
            })
            .collect()
    }

    /// The most an article holding none of `bound.headline` can weigh: each other key's
    /// [`field_ceiling`] × its IDF as the shards rank with it, ln(N/n) / (2 ln(N+1)), n from
    /// the count's `SHOW META` (a key it does not report counts as in one article, its
    /// greatest IDF; a key in none adds nothing), × `SCORE_SCALE`.
    fn ceiling(&self, bound: &Bound, docs: &HashMap<String, u64>) -> f64 {
        let n_all = self.documents.max(1.0);
        let norm = 2.0 * (n_all + 1.0).ln();
        let mut sum = 0.0;
        for (field, key) in &bound.others {
            let n = docs.get(key).copied().unwrap_or(1);
            if n == 0 {
                continue;
            }
            // A field the ranker does not know would make the bound meaningless.
            let Some(top) = field_ceiling(field) else {
                return f64::INFINITY;
            };
            sum += top * (n_all / n as f64).ln().max(0.0) / norm;
        }
        sum * f64::from(SCORE_SCALE)
    }

    /// Reads one facet's rows (value, count) into `out`, ordered as the local facets are.
    fn facet(
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

    /// The page's hits: their articles, duplicates and snippets, read in one batch.
    fn hits(
        &self,
        conn: &mut mysql::Conn,
        page: &[Candidate],
        req: &SearchRequest,
        t: &Translated,
        docs: &HashMap<String, u64>,
    ) -> anyhow::Result<Vec<Hit>> {
        if page.is_empty() {
            return Ok(Vec::new());
        }
        req.budget.check()?;
        let ids: Vec<String> = page.iter().map(|c| c.id.to_string()).collect();
        let mut sql = format!(
            "SELECT {PAGE_COLUMNS} FROM {INDEX} WHERE id IN ({}) LIMIT {} OPTION max_matches={}",
            ids.join(","),
            page.len(),
            page.len().max(1000)
        );
        let mut grouped: Vec<i64> = if req.group {
            page.iter().map(|c| c.group).filter(|&g| g != 0).collect()
        } else {
            Vec::new()
        };
        grouped.sort_unstable();
        grouped.dedup();
        let (members_sql, cap) = members_query(&grouped);
        if let Some(members) = &members_sql {
            sql.push_str("; ");
            sql.push_str(members);
        }
        let mut sets = self.batch(conn, &sql)?.into_iter();
        let rows = sets.next().unwrap_or_default();
        let mut by_id: HashMap<u64, &Row> = rows.iter().map(|r| (r.u64(0), r)).collect();
        let duplicates = match members_sql {
            Some(_) => {
                self.complete_members(conn, &grouped, sets.next().unwrap_or_default(), cap)?
            }
            None => HashMap::new(),
        };
        let snippets = Snippets::new(&t.terms, docs);
        let mut hits = Vec::with_capacity(page.len());
        for c in page {
            let Some(row) = by_id.remove(&c.id) else {
                bail!(
                    "the engine lost article {} between two queries (was it rebuilt?); ask again",
                    c.id
                );
            };
            let body = read_stored_cell(&row.text(10));
            let (snippet, highlights) = snippets.of(&body);
            let group = row.i64(6);
            let mut hit = Hit {
                id: row.text(1),
                title: row.text(2),
                date: row.opt(5),
                source: row.opt(4),
                url: row.opt(3),
                author: None,
                path: String::new(),
                paths: Vec::new(),
                score: match req.sort {
                    Sort::Relevance => Some(c.weight),
                    Sort::Date => None,
                },
                snippet,
                highlights,
                inferred: Vec::new(),
                encoding: None,
                entities: self.entities_of(row),
                group: group_label(group),
                duplicates: Vec::new(),
            };
            if let Some(members) = duplicates.get(&group) {
                hit.duplicates = members
                    .iter()
                    .filter(|m| m.u64(0) != c.id)
                    .take(MAX_DUPLICATES)
                    .map(Row::duplicate)
                    .collect();
            }
            hits.push(hit);
        }
        Ok(hits)
    }

    /// Each group's first members (at most [`MAX_DUPLICATES`] + 1, in index order) from the
    /// rows of [`members_query`]: where those filled its `cap`, a large group may have crowded
    /// out another's, so each group left short is asked for on its own.
    fn complete_members(
        &self,
        conn: &mut mysql::Conn,
        groups: &[i64],
        rows: Vec<Row>,
        cap: usize,
    ) -> anyhow::Result<HashMap<i64, Vec<Row>>> {
        let full = rows.len() >= cap;
        let mut out: HashMap<i64, Vec<Row>> = groups.iter().map(|&g| (g, Vec::new())).collect();
        for row in rows {
            if let Some(members) = out.get_mut(&row.i64(6))
                && members.len() <= MAX_DUPLICATES
            {
                members.push(row);
            }
        }
        if !full {
            return Ok(out);
        }
        let short: Vec<i64> = groups
            .iter()
            .copied()
            .filter(|g| out.get(g).is_some_and(|m| m.len() <= MAX_DUPLICATES))
            .collect();
        let statements: Vec<String> = short
            .iter()
            .filter_map(|&g| members_query(&[g]).0)
            .collect();
        if statements.is_empty() {
            return Ok(out);
        }
        let sets = self.batch(conn, &statements.join("; "))?;
        for (g, set) in short.into_iter().zip(sets) {
            out.insert(g, set);
        }
        Ok(out)
    }

    /// A page row's entities by canonical name, from its multi-value attributes.
    fn entities_of(&self, row: &Row) -> HitEntities {
        let names = |column: usize, kind: EntityType| -> Vec<String> {
            row.text(column)
                .split(',')
                .filter_map(|n| n.trim().parse::<u32>().ok())
                .filter_map(|n| self.registry.entity(kind, n))
                .map(|e| e.name.clone())
                .collect()
        };
        HitEntities {
            person: names(7, EntityType::Per),
            org: names(8, EntityType::Org),
            loc: names(9, EntityType::Loc),
        }
    }

    /// Runs one statement and `SHOW META` after it.
    fn run(&self, conn: &mut mysql::Conn, sql: &str) -> anyhow::Result<(Vec<Row>, Meta)> {
        let mut sets = self.batch(conn, sql)?;
        let meta = sets.pop().map(Meta::of).unwrap_or_default();
        self.check_meta(&meta)?;
        Ok((sets.into_iter().next().unwrap_or_default(), meta))
    }

    /// Every result set of `sql` followed by `SHOW META` (the last set).
    fn batch(&self, conn: &mut mysql::Conn, sql: &str) -> anyhow::Result<Vec<Vec<Row>>> {
        let full = format!("{sql}; SHOW META");
        let mut result = conn
            .query_iter(&full)
            .map_err(|e| self.engine_error(&e.to_string()))?;
        let mut sets = Vec::new();
        while let Some(set) = result.iter() {
            let mut rows = Vec::new();
            for row in set {
                let row = row.map_err(|e| self.engine_error(&e.to_string()))?;
                rows.push(Row::of(row));
            }
            sets.push(rows);
        }
        Ok(sets)
    }

    /// A shard that did not answer is an error naming it: its articles would be missing from
    /// every count.
    fn check_meta(&self, meta: &Meta) -> anyhow::Result<()> {
        match &meta.warning {
            Some(w) => Err(self.engine_error(w)),
            None => Ok(()),
        }
    }

    /// An engine's message as one line, naming the shard behind an agent address.
    fn engine_error(&self, message: &str) -> anyhow::Error {
        let line = one_line(&message.trim_end_matches('\0'));
        if let Some(shard) = self.shard_in(&line) {
            return anyhow!(
                "{shard} of the engine at {} did not answer, so counts would miss its articles: {line}",
                self.url
            );
        }
        anyhow!("the engine at {} failed: {line}", self.url)
    }

    /// "shard K (HOST:PORT)" for the first agent address in an engine message whose port is
    /// that of a shard of the export's layout (binary port = coordinator + 100 + K).
    fn shard_in(&self, message: &str) -> Option<String> {
        let at = message.find("agent ")? + "agent ".len();
        let addr: String = message[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-'))
            .collect();
        let addr = addr.trim_end_matches(':');
        let port: u16 = addr.rsplit_once(':')?.1.parse().ok()?;
        let k = port
            .checked_sub(self.url.port)?
            .checked_sub(BINARY_OFFSET)?;
        Some(
            if (1..=crate::export::sphinx::MAX_SHARDS as u16).contains(&k) {
                format!("shard {k} ({addr})")
            } else {
                format!("the node at {addr}")
            },
        )
    }
}

/// `SHOW META`'s rows that matter here.
#[derive(Debug, Default)]
struct Meta {
    total_found: u64,
    warning: Option<String>,
    docs: HashMap<String, u64>,
}

impl Meta {
    fn of(rows: Vec<Row>) -> Meta {
        let mut meta = Meta::default();
        let mut keywords: BTreeMap<String, String> = BTreeMap::new();
        let mut docs: BTreeMap<String, u64> = BTreeMap::new();
        for r in rows {
            let (name, value) = (r.text(0), r.text(1));
            if name == "total_found" {
                meta.total_found = value.parse().unwrap_or(0);
            } else if name == "warning" && !value.is_empty() {
                meta.warning = Some(value);
            } else if let Some(i) = name.strip_prefix("keyword[") {
                keywords.insert(i.to_string(), value);
            } else if let Some(i) = name.strip_prefix("docs[") {
                docs.insert(i.to_string(), value.parse().unwrap_or(0));
            }
        }
        for (i, key) in keywords {
            if let Some(&n) = docs.get(&i) {
                meta.docs.insert(key, n);
            }
        }
        meta
    }
}

/// A row as text values (SphinxQL answers in the text protocol).
#[derive(Debug, Clone, Default)]
struct Row(Vec<Option<String>>);

impl Row {
    fn of(row: mysql::Row) -> Row {
        Row(row
            .unwrap()
            .into_iter()
            .map(|v| match v {
                mysql::Value::NULL => None,
                mysql::Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
                other => Some(other.as_sql(true).trim_matches('\'').to_string()),
            })
            .collect())
    }

    fn text(&self, i: usize) -> String {
        self.0.get(i).cloned().flatten().unwrap_or_default()
    }

    fn opt(&self, i: usize) -> Option<String> {
        Some(self.text(i)).filter(|s| !s.is_empty())
    }

    fn u64(&self, i: usize) -> u64 {
        self.text(i).trim().parse().unwrap_or(0)
    }

    fn i64(&self, i: usize) -> i64 {
        self.text(i).trim().parse().unwrap_or(0)
    }

    /// A row of `id, vid, title, date, source, url` as another version of a text.
    fn duplicate(&self) -> Duplicate {
        Duplicate {
            id: self.text(1),
            title: self.text(2),
            date: self.opt(3),
            source: self.opt(4),
            url: self.opt(5),
        }
    }
}

/// The first articles of each of these release groups (no group 0), in index order, as a
/// document's view and a hit list them: one statement for them all, found by the groups'
/// keys, then held to the groups themselves; with the most rows it may return. `None` for no
/// groups.
fn members_query(groups: &[i64]) -> (Option<String>, usize) {
    if groups.is_empty() {
        return (None, 0);
    }
    let keys: Vec<String> = groups.iter().map(|&g| group_key(g as u64)).collect();
    let list: Vec<String> = groups.iter().map(i64::to_string).collect();
    let cap = (MAX_DUPLICATES + 1) * groups.len();
    let sql = format!(
        "SELECT id, vid, title, date, source, url, grp FROM {INDEX} WHERE MATCH('@{LOOKUP_FIELD} ({})') AND grp IN ({}) ORDER BY id ASC LIMIT 0,{cap} OPTION ranker=none, max_matches={cap}",
        keys.join(" | "),
        list.join(","),
    );
    (Some(sql), cap)
}
/// A release group as the local index labels it: 16 hex digits, none for an article of its
/// own (0). Sphinx's 64-bit attributes are signed; the bits are the group's.
fn group_label(group: i64) -> String {
    if group == 0 {
        String::new()
    } else {
        format!("{:016x}", group as u64)
    }
}

/// Snippets made as locally: the best fragment of the stored body for the query's body
/// terms, rarer terms weighing more.
struct Snippets {
    generator: tantivy::snippet::SnippetGenerator,
}

impl Snippets {
    fn new(terms: &[String], docs: &HashMap<String, u64>) -> Snippets {
        let mut weights = BTreeMap::new();
        for term in terms {
            // A word no article has is not looked for; one the engine did not report counts
            // as rare.
            let n = docs.get(&word_key(term)).copied().unwrap_or(1);
            if n > 0 {
                weights.insert(term.clone(), 1.0 / (1.0 + n as f32));
            }
        }
        let words: Vec<String> = weights.keys().cloned().collect();
        Snippets {
            generator: tantivy::snippet::SnippetGenerator::new(
                weights,
                crate::analysis::snippet_analyzer(&words),
                tantivy::schema::Field::from_field_id(0),
                crate::search::SNIPPET_CHARS,
            ),
        }
    }

    fn of(&self, body: &str) -> (String, Vec<[usize; 2]>) {
        use crate::search::snippet;
        let found = self.generator.snippet(body);
        let shown = if found.highlighted().is_empty() {
            snippet::lead(body, crate::search::SNIPPET_CHARS)
        } else {
            snippet::render(body, found.fragment_range(), found.highlighted())
        };
        (shown.text, shown.highlights)
    }
}

/// The best-ranked candidate of each release group, in rank order, after skipping `offset`
/// groups: at most `limit` of them (group 0: an article of its own).
fn collapse(candidates: &[Candidate], offset: usize, limit: usize) -> Vec<Candidate> {
    let mut seen = std::collections::HashSet::new();
    let mut groups = 0;
    let mut page = Vec::with_capacity(limit);
    for c in candidates {
        if page.len() >= limit {
            break;
        }
        if c.group != 0 && !seen.insert(c.group) {
            continue;
        }
        groups += 1;
        if groups > offset {
            page.push(*c);
        }
    }
    page
}

/// Reads `DIR/ranking.json`, as `vestnik export` wrote it.
fn read_ranking(dir: &Path) -> anyhow::Result<RankingFile> {
    let path = dir.join("ranking.json");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {} (--engine-dir names the folder `vestnik export` wrote; an export without it is older: export again)",
            path.display()
        )
    })?;
    let file: RankingFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not an export's ranking.json", path.display()))?;
    if file.format != RANKING_FORMAT {
        bail!(
            "{} is of format {}, this vestnik reads {RANKING_FORMAT}: export again",
            path.display(),
            file.format
        );
    }
    Ok(file)
}

/// The `idf` flag that gives ln(N/n) with `global_idf`. Sphinx 2.2.11 swaps the two
/// formulas when it reads a global IDF file: `plain` then yields ln((N−n+1)/n), which is
/// negative for a word in more than half the articles, and `normalized` yields ln(N/n)
/// (both divided by 2·ln(N+1)); measured with `PACKEDFACTORS()` on a 10,000-article export.
const GLOBAL_PLAIN_IDF: &str = "normalized";

/// The fields the ranker expression scores, as (field, tag, boost): the tag is the field's
/// `user_weight`, which only names it there.
const RANKED_FIELDS: [(&str, u32, f64); 7] = [
    ("title_words", 1, 1.0),
    ("headline_words", 2, crate::search::TITLE_BOOST as f64),
    ("body_words", 3, 1.0),
    ("prefix_words", 4, 1.0),
    ("person_names", 5, 1.0),
    ("org_names", 6, 1.0),
    ("loc_names", 7, 1.0),
];

/// The most one key in `field` adds to a strict query's weight, over its IDF: the field's
/// boost × (k1 + 1), the limit of `tf / (tf + k1·(1 − b + b·len/avg))` × (k1 + 1) as tf
/// grows (the ratio stays below 1 for every tf and length). `None` for a field the ranker
/// does not score.
fn field_ceiling(field: &str) -> Option<f64> {
    RANKED_FIELDS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, _, boost)| boost * (K1 + 1.0))
}

/// tantivy's BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The `OPTION`s that make Sphinx rank as the local index: tantivy's BM25 per field, summed,
/// headlines boosted as locally, with the archive's document counts (`global_idf`, plain
/// IDF, see [`GLOBAL_PLAIN_IDF`]) and average field lengths (from `ranking.json`).
///
/// Sphinx 2.2's `BM25F()` normalizes by the whole document's length, so the expression is
/// written out: for each field an article matched (`SUM` over matched fields; the field is
/// told by its `user_weight`, set only as a tag),
/// `boost × Σidf × (k1+1)·tf / (tf + k1·(1 − b + b·len/avg))`, where tf is the field's
/// idf-weighted mean term frequency (tf_idf / sum_idf).
/// That is tantivy's sum exactly for one term per field, and for the terms of a phrase (which
/// share the phrase's frequency); for several terms with different frequencies in one field it
/// is an approximation. The keys of each field are its own (see `export::Keyed`), so a
/// term's IDF is its field's, as in tantivy. What remains different: tantivy stores lengths
/// in one byte (exact to 40 terms, then in steps of up to 1/8) and its IDF is
/// ln(1 + (N − n + 0.5)/(n + 0.5)) where Sphinx's is ln(N/n).
///
/// A `relaxed` query ranks as the local relaxed one: its words in headlines and bodies and
/// their prefixes (`prefix_words`) with the relaxed k1 (`search::RELAXED_K1`).
fn ranker(r: &RankingFile, relaxed: bool) -> String {
    let fields = RANKED_FIELDS;
    let k1_of = |field: &str| match field {
        "headline_words" | "body_words" | "prefix_words" if relaxed => {
            f64::from(crate::search::RELAXED_K1)
        }
        _ => K1,
    };
    let tf = "IF(sum_idf>0,tf_idf/sum_idf,hit_count)";
    let mut expr = String::from("0");
    for (field, tag, boost) in fields.iter().rev() {
        let avg = r.average_length.get(*field).copied().unwrap_or(0.0);
        let k1 = k1_of(field);
        let score = if *boost == 0.0 || avg <= 0.0 {
            "0".to_string()
        } else {
            format!(
                "{boost}*sum_idf*{k1p}*{tf}/({tf}+{k1}*({nb}+{B}*{field}_len/{avg:.6}))",
                k1p = k1 + 1.0,
                nb = 1.0 - B,
            )
        };
        expr = format!("IF(user_weight={tag},{score},{expr})");
    }
    let tags: Vec<String> = fields
        .iter()
        .map(|(field, tag, _)| format!("{field}={tag}"))
        .collect();
    format!(
        "ranker=expr('SUM({expr})*{SCORE_SCALE}'), field_weights=({}), idf='{GLOBAL_PLAIN_IDF},tfidf_unnormalized', global_idf=1",
        tags.join(", ")
    )
}

fn where_clause(matching: &Option<String>, conditions: &[String]) -> String {
    let mut all: Vec<String> = Vec::new();
    if let Some(m) = matching {
        all.push(format!("MATCH('{m}')"));
    }
    all.extend(conditions.iter().cloned());
    if all.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", all.join(" AND "))
    }
}

/// A page or facet that needs more matches per node than the engine keeps: the page asked for
/// is the user's to change, so a query error, not the engine's.
fn too_many(needed: usize) -> anyhow::Error {
    SearchError::Query(format!(
        "the page or a facet needs {needed} matches per node, over the engine's max_matches of {MAX_MATCHES}"
    ))
    .into()
}

/// `, max_query_time=MS` for a request with a time budget.
fn max_time(req: &SearchRequest) -> String {
    match req.budget.limit() {
        Some(d) => format!(", max_query_time={}", d.as_millis().max(1)),
        None => String::new(),
    }
}

fn date_column(bucket: DateBucket) -> &'static str {
    match bucket {
        DateBucket::Year => "year",
        DateBucket::Month => "month",
        DateBucket::Day => "day",
    }
}

fn entity_kind(kind: FacetKind) -> EntityType {
    match kind {
        FacetKind::Org => EntityType::Org,
        FacetKind::Loc => EntityType::Loc,
        _ => EntityType::Per,
    }
}

fn one_line(e: &dyn std::fmt::Display) -> String {
    crate::search::limits::one_line(&e.to_string())
}
