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

use anyhow::anyhow;
use mysql::prelude::Queryable;

mod facets;
mod page;

use facets::Asked;
use page::{collapse, duplicates_of, group_label, members_query};

use super::EngineUrl;
use super::ranker::{SCORE_SCALE, ceiling, ranker, read_ranking};
use super::registry::EngineRegistry;
use super::translate::{Translated, translate};
use crate::entities::EntityType;
use crate::export::sphinx::{
    BINARY_OFFSET, Extra, INDEX, LOOKUP_FIELD, attribute, group_key, id_key, read_stored_cell,
};
use crate::search::{
    Document, Duplicate, EntityListing, FacetKind, Facets, SearchError, SearchRequest,
    SearchResult, Sort,
};

/// Most matches a query may keep per node: the `max_matches` the export's `searchd` allows.
const MAX_MATCHES: usize = 100_000;

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
    /// The weight as Sphinx gave it (the ranker expression × `SCORE_SCALE`; the score
    /// shown is it brought back to the local scale).
    raw: u32,
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
            let (rows, _) = self.run(&mut conn, &members_query(&[group]))?;
            let members = self
                .complete_members(&mut conn, &[group], rows)?
                .remove(&group)
                .unwrap_or_default();
            duplicates = duplicates_of(&members, row.u64(0));
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
    /// other article could weigh ([`ceiling`]), that page is the page of the whole
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
        // Where the page is ranked in two steps: the whole match's statement, for when the
        // first does not suffice.
        let mut whole: Option<String> = None;
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
            match matching {
                Some(m) if self.pruning && ranked && !relaxed && !t.bound.headline.is_empty() => {
                    let heads = format!("({m}) (@headline_words {})", t.bound.headline.join(" | "));
                    statements.push(page(&where_clause(&Some(heads), &t.conditions)));
                    // The total, unless a facet's sum gives it.
                    if !summed {
                        statements.push(format!(
                            "SELECT id FROM {INDEX}{filter} LIMIT 0,1 OPTION ranker=none, max_matches=1{time}"
                        ));
                    }
                    whole = Some(page(&filter));
                }
                _ => statements.push(page(&filter)),
            }
        }
        let narrowed = whole.is_some();
        let mut sets = self.batch(conn, &statements.join("; "))?;
        let meta = sets.pop().map(Meta::of).unwrap_or_default();
        self.check_meta(&meta)?;
        if narrowed && !summed {
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
            Some(n) if !paged || narrowed => n,
            _ => meta.total_found,
        };
        if let Some(sql) = whole {
            // Exact when the page filled and clears every other article's most, or when
            // the articles ranked were all there are (nothing matched at all, say).
            let cleared = (candidates.len() == limit
                && candidates.last().is_some_and(|c| {
                    f64::from(c.raw) > ceiling(self.documents, &t.bound, &meta.docs) * 1.001 + 2.0
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

    /// The ranked rows (`id, grp, WEIGHT()`) of a page's statement.
    fn candidates(&self, rows: &[Row]) -> Vec<Candidate> {
        rows.iter()
            .map(|r| Candidate {
                id: r.u64(0),
                group: r.i64(1),
                raw: u32::try_from(r.u64(2)).unwrap_or(u32::MAX),
            })
            .collect()
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

fn one_line(e: &dyn std::fmt::Display) -> String {
    crate::search::limits::one_line(&e.to_string())
}
