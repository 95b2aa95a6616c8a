//! A [`SearchRequest`] as SphinxQL: the query parsed and analyzed exactly as the local index
//! does it, then written as a Sphinx `MATCH()` expression over the exported term keys
//! ([`word_key`]) and attribute conditions for the filters.
//!
//! Nothing the user typed reaches the SQL as text: words become keys (ASCII letters and
//! digits), sources become [`source_key`] numbers, dates `YYYYMMDD` numbers, entities their
//! attribute numbers. What Sphinx 2.2 cannot ask (fuzzy and prefix terms over hashed words,
//! filters under OR or NOT, every article but some) is refused with a one-line reason: an
//! answer that differs from the local index without saying so would be worse.

use chrono::NaiveDate;
use tantivy::query_grammar::{Delimiter, Occur, UserInputAst, UserInputBound, UserInputLeaf};
use tantivy::query_grammar::{UserInputLiteral, parse_query};
use tantivy::tokenizer::TextAnalyzer;

use super::registry::EngineRegistry;
use crate::entities::EntityType;
use crate::export::{GAP, Keyed, field_key, source_key};
use crate::search::{
    FilterMatch, Filters, Relaxation, STOP_WORDS, SearchError, SearchRequest, SourceMatch,
};

/// The fields unfielded words are looked for in, as locally: headlines and bodies, each with
/// its own keys.
const DEFAULT_FIELDS: [(&str, Keyed); 2] = [
    ("headline_words", Keyed::Headline),
    ("body_words", Keyed::Body),
];

/// A request as Sphinx is asked it.
#[derive(Debug, Clone, PartialEq)]
pub struct Translated {
    /// The `MATCH()` expression; `None`: every article (no full-text condition).
    pub matching: Option<String>,
    /// Attribute conditions, all required (joined by AND).
    pub conditions: Vec<String>,
    /// No article can match (a filter resolved to nothing, or the dates conflict): Sphinx
    /// need not be asked.
    pub impossible: bool,
    /// What each filter resolved to, as the local answer reports it.
    pub filters: Filters,
    /// The source keys whose `known` flag must still be looked up, in `filters.source` order.
    pub source_keys: Vec<i64>,
    /// The relaxed expression, and how it was relaxed, for when the strict one finds nothing.
    pub relaxed: Option<(String, Relaxation)>,
    /// The body terms (analyzed) the query looks for, for snippets.
    pub terms: Vec<String>,
    /// Every title and body term the query names, excluded ones too, for a document's
    /// marks: what the local query's terms are (`Searcher::query_marks`).
    pub marked: Vec<String>,
    /// The keys `matching` scores by, split for ranking only the articles that can reach the
    /// page (see [`Bound`]).
    pub bound: Bound,
}

/// The keys a strict `MATCH()` expression scores an article by, split in two: the single
/// words looked for in headlines, and every other key it holds (phrases' words, bodies,
/// titles, names), each with its field. An article holding none of the `headline` keys
/// scores by the others alone, which is at most the sum of each key's greatest share of a
/// field's BM25: so once the articles holding a headline key fill the page with scores
/// above that sum, no other article can enter it (`engine::sphinx`, which ranks those first).
/// Excluded words are in neither list: they score nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bound {
    /// Keys of single words in headlines, any of which an article may hold.
    pub headline: Vec<String>,
    /// Every other key scored, with the full-text field it is in.
    pub others: Vec<(&'static str, String)>,
}

impl Bound {
    fn headline(&mut self, key: String) {
        if !self.headline.contains(&key) {
            self.headline.push(key);
        }
    }

    fn other(&mut self, field: &'static str, keys: &str) {
        for key in keys.split(' ').filter(|k| !k.is_empty()) {
            if !self.others.iter().any(|(f, k)| *f == field && k == key) {
                self.others.push((field, key.to_string()));
            }
        }
    }
}

/// One free word of the query (typed bare at the top level): relaxing may loosen these.
struct Free {
    terms: Vec<String>,
}

/// Translates `req`, resolving entity names through `registry`.
pub fn translate(
    req: &SearchRequest,
    registry: &EngineRegistry,
) -> Result<Translated, SearchError> {
    let text = req.query.trim();
    if text.is_empty() {
        return Err(SearchError::Query(
            "the query is empty (use * to match every article)".into(),
        ));
    }
    let mut t = Translator {
        analyzer: crate::analysis::russian_analyzer(),
        registry,
        filters: Filters::default(),
        conditions: Vec::new(),
        impossible: false,
        terms: Vec::new(),
        marked: Vec::new(),
        ranked: Vec::new(),
        negated: false,
        bound: Bound::default(),
    };
    let ast = if text == "*" {
        UserInputAst::Leaf(Box::new(UserInputLeaf::All))
    } else {
        crate::search::limits::check_nesting(text)?;
        let rewritten =
            crate::search::fuzzy::default_distance(&crate::search::query::rewrite_dates(text)?);
        let ast = parse_query(&rewritten)
            .map_err(|_| SearchError::Query(crate::search::query::explain_syntax_error(text)))?;
        let mut analyzer = crate::analysis::russian_analyzer();
        crate::search::limits::check_query(&ast, &mut |l| {
            text_field(l).then(|| analyzed_terms(&mut analyzer, &l.phrase).len())
        })?;
        crate::search::query::lift_negations(ast)
    };
    let dates = crate::search::date_filter::DateConditions::of(req, &ast);

    // The top level: its required items may be filters; its bare words may be relaxed.
    let items = match ast {
        UserInputAst::Clause(items) => items,
        other => vec![(None, other)],
    };
    let any_should = items.iter().any(|(o, _)| *o == Some(Occur::Should));
    let mut parts: Vec<(Option<Occur>, Part)> = Vec::new();
    let mut free: Vec<Free> = Vec::new();
    let mut ignored: Vec<String> = Vec::new();
    let mut fixed: Vec<(Option<Occur>, Part)> = Vec::new();
    for (occur, sub) in &items {
        let part = t.part_of(*occur, sub, Context::Required.of(*occur, items.len()))?;
        if occur.is_none()
            && !any_should
            && let Some(literal) = crate::search::free_word(None, sub)
            && let Part::Expr(_) = &part
        {
            let folded = crate::analysis::name_terms(&literal.phrase);
            if folded.len() == 1 && STOP_WORDS.binary_search(&folded[0].as_str()).is_ok() {
                ignored.push(literal.phrase.clone());
            } else {
                free.push(Free {
                    terms: analyzed_terms(&mut t.analyzer, &literal.phrase)
                        .into_iter()
                        .map(|(_, k)| k)
                        .collect(),
                });
            }
            parts.push((*occur, part));
            continue;
        }
        parts.push((*occur, part.clone()));
        fixed.push((*occur, part));
    }
    let strict = clause(&parts)?;

    // Entity flags: required, like the query's own entity clauses.
    for (kind, names) in req.entities.iter() {
        for name in names {
            t.entity(kind, name, "flag");
        }
    }
    let mut source_keys = Vec::new();
    if !req.sources.is_empty() {
        let keys: Vec<i64> = req.sources.iter().map(|s| source_key(s.trim())).collect();
        for (s, &k) in req.sources.iter().zip(&keys) {
            t.filters.source.push(SourceMatch {
                name: s.clone(),
                known: false,
            });
            source_keys.push(k);
        }
        t.conditions.push(format!("srckey IN ({})", join(&keys)));
    }
    if req.from.is_some() || req.to.is_some() {
        t.date_range(req.from, req.to);
    }
    if req.undated {
        t.conditions.push("day = 0".into());
    }
    t.filters.date_conflict = dates.conflict();
    t.filters.dates_possible = t.filters.date_conflict.is_none();
    t.filters.undated = dates.undated;
    if !t.filters.dates_possible {
        t.impossible = true;
    }

    // The entity flags' names: matched to rank as the local clauses do (the attribute
    // conditions already decide which articles match).
    let flag_names = std::mem::take(&mut t.ranked);
    let matching = match strict {
        Part::Expr(e) => Some(e),
        Part::All | Part::Dropped => None,
        Part::Excluding(_) => return Err(untranslatable(only_excluding())),
    };
    let matching = with_names(matching, &flag_names);
    // Relaxed as locally: the free words, stop words left out, of which a share must match
    // (Sphinx's quorum operator); every other part stays as it is.
    let loosens = free.len() >= 2 || !ignored.is_empty();
    let relaxed = if req.strict || free.is_empty() || !loosens || any_should {
        None
    } else if free.iter().any(|f| f.terms.len() != 1) {
        // A free word of several terms (a hyphenated one) is a phrase: the quorum operator
        // counts single words only, so such a query is not relaxed.
        None
    } else {
        let required = crate::search::relaxed_required(free.len());
        // Counted by the quorum over the words' prefixes (each prefix once, as the local
        // query counts it), ranked by each word's prefix and its stem in headline and body
        // (MAYBE adds to the rank without narrowing), as the local query sums them
        // (`search::relax::by_prefix`).
        let mut keys: Vec<String> = Vec::new();
        for f in &free {
            let key = field_key(Keyed::Prefix, crate::analysis::prefix_of(&f.terms[0]));
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        let quorum_of = required.min(keys.len().max(1));
        let ranked: Vec<String> = free
            .iter()
            .map(|f| in_default_fields(&[(0, f.terms[0].clone())]))
            .collect();
        // Sphinx 2.2's MAYBE narrows as AND does (`(@prefix_words x) MAYBE (@body_words w)`
        // finds only the articles with both, measured on 2.2.11): so the ranked side also
        // holds the prefixes, and every article the quorum finds matches it.
        let quorum = format!(
            "((@prefix_words \"{keys}\"/{quorum_of}) MAYBE ({} | (@prefix_words {})))",
            ranked.join(" | "),
            keys.join(" | "),
            keys = keys.join(" "),
        );
        fixed.push((Some(Occur::Must), Part::Expr(quorum)));
        match clause(&fixed)? {
            Part::Expr(e) => Some((
                and_names(e, &flag_names),
                Relaxation {
                    required,
                    words: free.len(),
                    ignored,
                    strict_total: 0,
                },
            )),
            _ => None,
        }
    };
    Ok(Translated {
        matching,
        conditions: t.conditions,
        impossible: t.impossible,
        filters: t.filters,
        source_keys,
        relaxed,
        terms: t.terms,
        marked: t.marked,
        bound: t.bound,
    })
}

/// What one part of a query asks of the full text.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    /// A `MATCH()` expression.
    Expr(String),
    /// Every article (`*`, `title:*`).
    All,
    /// Nothing to ask: a word the analyzer makes nothing of, or a filter (its condition is
    /// kept aside), as tantivy drops such clauses.
    Dropped,
    /// Only exclusions (each a `MATCH()` expression): Sphinx needs something to match first.
    Excluding(Vec<String>),
}

struct Translator<'a> {
    analyzer: TextAnalyzer,
    registry: &'a EngineRegistry,
    filters: Filters,
    conditions: Vec<String>,
    impossible: bool,
    terms: Vec<String>,
    marked: Vec<String>,
    /// The names of the entity flags, each a `MATCH()` expression over a names field.
    ranked: Vec<String>,
    /// Within an excluded part of the query, whose words score nothing.
    negated: bool,
    /// The keys the expression scores by, as far as translated.
    bound: Bound,
}

impl Translator<'_> {
    /// `ast` as a part of the expression, in its context (only where every matching article
    /// must meet it, or must not, can a filter become an attribute condition).
    fn part(&mut self, ast: &UserInputAst, ctx: Context) -> Result<Part, SearchError> {
        match ast {
            UserInputAst::Clause(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for (occur, sub) in items {
                    let part = self.part_of(*occur, sub, ctx.of(*occur, items.len()))?;
                    parts.push((*occur, part));
                }
                clause(&parts)
            }
            UserInputAst::Boost(inner, _) => self.part(inner, ctx),
            UserInputAst::Leaf(leaf) => self.leaf(leaf, ctx),
        }
    }

    /// An item of a clause, an excluded one marked so while it is translated.
    fn part_of(
        &mut self,
        occur: Option<Occur>,
        ast: &UserInputAst,
        ctx: Context,
    ) -> Result<Part, SearchError> {
        let outer = self.negated;
        self.negated |= occur == Some(Occur::MustNot);
        let part = self.part(ast, ctx);
        self.negated = outer;
        part
    }

    fn leaf(&mut self, leaf: &UserInputLeaf, ctx: Context) -> Result<Part, SearchError> {
        let required = ctx == Context::Required;
        match leaf {
            UserInputLeaf::All => Ok(Part::All),
            UserInputLeaf::Literal(l) => self.literal(l, ctx),
            UserInputLeaf::Exists { field } => match field.as_str() {
                "id" | "title" | "body" => Ok(Part::All),
                "date" if required => {
                    self.conditions.push("day > 0".into());
                    Ok(Part::Dropped)
                }
                "source" | "date" | "person" | "org" | "loc" => {
                    Err(untranslatable(format!("{field}:* {}", NOT_REQUIRED)))
                }
                other => Err(unknown(other)),
            },
            UserInputLeaf::Range {
                field,
                lower,
                upper,
            } => match field.as_deref() {
                Some("date") if required => {
                    let from = bound_day(lower, true)?;
                    let to = bound_day(upper, false)?;
                    self.date_range(from, to);
                    Ok(Part::Dropped)
                }
                Some("date") => Err(untranslatable(format!("a date range {NOT_REQUIRED}"))),
                Some(f) if known_field(f) => Err(untranslatable(format!(
                    "a range on {f} cannot be searched through the engine"
                ))),
                Some(f) => Err(unknown(f)),
                None => Err(untranslatable(
                    "a range without a field cannot be searched through the engine".into(),
                )),
            },
            UserInputLeaf::Set { field, .. } => Err(untranslatable(format!(
                "a set of values{} cannot be searched through the engine; join them with OR",
                field
                    .as_deref()
                    .map(|f| format!(" on {f}"))
                    .unwrap_or_default()
            ))),
            _ => Err(untranslatable(
                "this kind of clause cannot be searched through the engine".into(),
            )),
        }
    }

    fn literal(&mut self, l: &UserInputLiteral, ctx: Context) -> Result<Part, SearchError> {
        let required = ctx == Context::Required;
        let field = l.field_name.as_deref();
        if let Some(kind) = field.and_then(crate::search::kind_of_field) {
            if l.prefix || (l.slop > 0 && l.delimiter == Delimiter::None) {
                return Err(untranslatable(format!(
                    "fuzzy and prefix names ({}:{}…) cannot be searched through the engine",
                    field.unwrap_or_default(),
                    crate::search::limits::excerpt(&l.phrase)
                )));
            }
            if !required {
                return Err(untranslatable(format!("an entity clause {NOT_REQUIRED}")));
            }
            return Ok(match self.entity(kind, &l.phrase, "query") {
                Some(names) => Part::Expr(names),
                None => Part::Dropped,
            });
        }
        match field {
            None | Some("title") | Some("body") => {}
            Some("source") => {
                let key = source_key(&l.phrase);
                match ctx {
                    Context::Required => self.conditions.push(format!("srckey = {key}")),
                    Context::Excluded => self.conditions.push(format!("srckey != {key}")),
                    Context::Other => {
                        return Err(untranslatable(format!("a source clause {NOT_REQUIRED}")));
                    }
                }
                return Ok(Part::Dropped);
            }
            Some("undated") if l.phrase == "true" && required => {
                self.conditions.push("day = 0".into());
                return Ok(Part::Dropped);
            }
            Some(f) if known_field(f) => {
                return Err(untranslatable(format!(
                    "{f}: cannot be searched through the engine (it holds title, body, source, date, person, org and loc)"
                )));
            }
            Some(f) => return Err(unknown(f)),
        }
        if crate::search::fuzzy::typed_pattern(l).is_some() || l.prefix {
            return Err(untranslatable(format!(
                "fuzzy and prefix terms ({}) cannot be searched through the engine, whose words are hashed",
                crate::search::limits::excerpt(&l.phrase)
            )));
        }
        let words = analyzed_terms(&mut self.analyzer, &l.phrase);
        if words.is_empty() {
            return Ok(Part::Dropped);
        }
        for (_, term) in &words {
            if !self.marked.contains(term) {
                self.marked.push(term.clone());
            }
        }
        if ctx != Context::Excluded && field != Some("title") {
            for (_, term) in &words {
                if !self.terms.contains(term) {
                    self.terms.push(term.clone());
                }
            }
        }
        if words.len() > 1 && l.slop > 0 {
            // tantivy's slop lets the second word of "a b"~2 stand up to 3 words after the
            // first or 1 before it; Sphinx's proximity takes any order within the distance.
            // No Sphinx operator matches the same articles, so the counts would differ.
            return Err(untranslatable(format!(
                "a phrase with slop (\"{}\"~{}) cannot be searched through the engine, whose proximity operator counts distance otherwise; search the words, or the exact phrase",
                crate::search::limits::excerpt(&l.phrase),
                l.slop
            )));
        }
        if !self.negated {
            match field {
                Some("title") => self
                    .bound
                    .other("title_words", &with_gaps(&words, Keyed::Title)),
                Some("body") => self
                    .bound
                    .other("body_words", &with_gaps(&words, Keyed::Body)),
                _ => {
                    if let [(_, word)] = words.as_slice() {
                        self.bound.headline(field_key(Keyed::Headline, word));
                    } else {
                        self.bound
                            .other("headline_words", &with_gaps(&words, Keyed::Headline));
                    }
                    self.bound
                        .other("body_words", &with_gaps(&words, Keyed::Body));
                }
            }
        }
        Ok(Part::Expr(match field {
            Some("title") => in_field("title_words", Keyed::Title, &words),
            Some("body") => in_field("body_words", Keyed::Body, &words),
            _ => in_default_fields(&words),
        }))
    }

    /// Resolves an entity filter as the local index does and adds its condition; returns
    /// the `MATCH()` expression of its names, which ranks the articles as the local clause
    /// does (every name of the entities, and of the places it requires, is a clause there),
    /// or `None` when it resolved to nothing.
    fn entity(&mut self, kind: EntityType, typed: &str, given_in: &'static str) -> Option<String> {
        let resolved = self.registry.resolve(kind, typed);
        let attr = crate::export::sphinx::attribute(kind);
        let mut names = None;
        if resolved.entities.is_empty() {
            self.impossible = true;
        } else {
            let numbers: Vec<u32> = resolved.entities.iter().map(|e| e.0).collect();
            self.conditions
                .push(format!("{attr} IN ({})", join(&numbers)));
            let mut parts: Vec<String> = self.names_of(kind, &numbers).into_iter().collect();
            if !resolved.within.is_empty() {
                let places: Vec<u32> = resolved.within.iter().map(|e| e.0).collect();
                self.conditions.push(format!("loc IN ({})", join(&places)));
                parts.extend(self.names_of(EntityType::Loc, &places));
            }
            names = (!parts.is_empty()).then(|| parts.join(" "));
        }
        let refs =
            |list: &[(u32, crate::search::EntityRef)]| list.iter().map(|e| e.1.clone()).collect();
        let list = &mut self.filters.entities[kind];
        list.push(FilterMatch {
            name: typed.to_string(),
            given_in,
            entities: refs(&resolved.entities),
            within: refs(&resolved.within),
            ambiguous: resolved.ambiguous,
        });
        if given_in == "flag"
            && let Some(n) = &names
        {
            self.ranked.push(n.clone());
        }
        names
    }

    /// `(@person_names pA | pB ...)`: any name of the entities numbered `numbers` (`None` if
    /// the registry lists none, when the attribute condition alone decides).
    fn names_of(&mut self, kind: EntityType, numbers: &[u32]) -> Option<String> {
        let mut keys: Vec<String> = numbers
            .iter()
            .flat_map(|&n| self.registry.variants(kind, n))
            .map(|name| field_key(Keyed::Name(kind), name))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        // Entity clauses are required (never excluded), and so are the flags' names.
        self.bound
            .other(crate::export::sphinx::names_field(kind), &keys.join(" "));
        (!keys.is_empty()).then(|| {
            format!(
                "(@{} {})",
                crate::export::sphinx::names_field(kind),
                keys.join(" | ")
            )
        })
    }

    fn date_range(&mut self, from: Option<NaiveDate>, to: Option<NaiveDate>) {
        // Articles without a date (day 0) lie in no range.
        self.conditions.push("day > 0".into());
        if let Some(d) = from {
            self.conditions.push(format!("day >= {}", day_number(d)));
        }
        if let Some(d) = to {
            self.conditions.push(format!("day <= {}", day_number(d)));
        }
    }
}

/// The parts of one clause joined as tantivy joins them: required parts all match, optional
/// ones only count where nothing is required, excluded ones must not match.
fn clause(parts: &[(Option<Occur>, Part)]) -> Result<Part, SearchError> {
    let mut musts = Vec::new();
    let mut must_all = false;
    let mut shoulds = Vec::new();
    let mut should_all = false;
    let mut nots: Vec<String> = Vec::new();
    for (occur, part) in parts {
        match (occur, part) {
            (_, Part::Dropped) => {}
            (Some(Occur::MustNot), Part::Expr(e)) => nots.push(e.clone()),
            (Some(Occur::MustNot), _) => {
                return Err(untranslatable(
                    "excluding every article (-*) cannot be searched through the engine".into(),
                ));
            }
            (None | Some(Occur::Must), Part::Expr(e)) => musts.push(e.clone()),
            (None | Some(Occur::Must), Part::All) => must_all = true,
            // A required group of exclusions only: its exclusions are this clause's.
            (None | Some(Occur::Must), Part::Excluding(list)) => {
                must_all = true;
                nots.extend(list.iter().cloned());
            }
            (Some(Occur::Should), Part::Expr(e)) => shoulds.push(e.clone()),
            (Some(Occur::Should), Part::All) => should_all = true,
            (Some(Occur::Should), Part::Excluding(_)) => {
                return Err(untranslatable(only_excluding()));
            }
        }
    }
    let positive = if !musts.is_empty() {
        Some(musts.join(" "))
    } else if must_all || should_all {
        None
    } else if !shoulds.is_empty() {
        Some(if shoulds.len() == 1 {
            shoulds.remove(0)
        } else {
            format!("({})", shoulds.join(" | "))
        })
    } else if nots.is_empty() {
        return Ok(Part::Dropped);
    } else {
        return Err(SearchError::Query(
            "a query cannot only exclude; add a term to search for".into(),
        ));
    };
    Ok(match positive {
        Some(p) if nots.is_empty() => Part::Expr(p),
        Some(p) => {
            let excluded: String = nots.iter().map(|n| format!(" -{n}")).collect();
            Part::Expr(format!("({p}{excluded})"))
        }
        None if nots.is_empty() => Part::All,
        None => Part::Excluding(nots),
    })
}

/// Where a part of the query stands: whether every matching article must meet it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Every matching article meets it.
    Required,
    /// No matching article meets it (excluded from a required clause).
    Excluded,
    /// Under OR, or inside an excluded group: no article-wide condition.
    Other,
}

impl Context {
    /// The context of an item of a clause of `len` items in this context.
    fn of(self, occur: Option<Occur>, len: usize) -> Context {
        if self != Context::Required {
            return Context::Other;
        }
        match occur {
            None | Some(Occur::Must) => Context::Required,
            Some(Occur::Should) if len == 1 => Context::Required,
            Some(Occur::Should) => Context::Other,
            Some(Occur::MustNot) => Context::Excluded,
        }
    }
}

const NOT_REQUIRED: &str = "under OR or NOT cannot be searched through the engine (Sphinx filters attributes only as required conditions); require it, or use --person/--org/--loc/--source/--from/--to";

fn only_excluding() -> String {
    "every article but some ('* -word') cannot be searched through the engine (Sphinx needs a word to match first)".into()
}

fn untranslatable(why: String) -> SearchError {
    SearchError::Query(format!("not available through --engine: {why}"))
}

fn unknown(field: &str) -> SearchError {
    SearchError::Query(crate::search::query::unknown_field(field))
}

/// Fields the local index has that the engine does not hold.
fn known_field(f: &str) -> bool {
    matches!(
        f,
        "id" | "url"
            | "author"
            | "path"
            | "encoding"
            | "inferred"
            | "headline"
            | "group"
            | "undated"
            | "date"
            | "source"
    )
}

/// Whether a literal is on the text fields (its words are analyzed).
fn text_field(l: &UserInputLiteral) -> bool {
    matches!(l.field_name.as_deref(), None | Some("title") | Some("body"))
}

/// The analyzed terms of `text` with their positions, one per position.
fn analyzed_terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        if out.last().is_some_and(|(p, _)| *p >= t.position) {
            continue;
        }
        out.push((t.position, t.text.clone()));
    }
    out
}

/// Terms as the keys of `field`, joined by spaces, a gap in positions kept by the filler the
/// export writes there.
fn with_gaps(words: &[(usize, String)], field: Keyed) -> String {
    let mut out = String::new();
    let mut next = words.first().map_or(0, |w| w.0);
    for (p, term) in words {
        for _ in next..*p {
            out.push_str(GAP);
            out.push(' ');
        }
        out.push_str(&field_key(field, term));
        out.push(' ');
        next = p + 1;
    }
    out.trim_end().to_string()
}

/// A word or phrase in one field: `(@body_words wK)`, `(@body_words "wA wB")`.
fn in_field(name: &str, field: Keyed, words: &[(usize, String)]) -> String {
    let keys = with_gaps(words, field);
    if words.len() == 1 {
        format!("(@{name} {keys})")
    } else {
        format!("(@{name} \"{keys}\")")
    }
}

/// A word or phrase in headlines or in bodies, each with its keys: the local query's clause
/// per field of one word.
fn in_default_fields(words: &[(usize, String)]) -> String {
    let each: Vec<String> = DEFAULT_FIELDS
        .iter()
        .map(|(name, field)| in_field(name, *field, words))
        .collect();
    format!("({})", each.join(" | "))
}

/// `matching` with the entity flags' names required too.
fn with_names(matching: Option<String>, names: &[String]) -> Option<String> {
    match matching {
        Some(m) => Some(and_names(m, names)),
        None if names.is_empty() => None,
        None => Some(names.join(" ")),
    }
}

/// `expr` and the entity flags' names.
fn and_names(expr: String, names: &[String]) -> String {
    if names.is_empty() {
        expr
    } else {
        format!("{expr} {}", names.join(" "))
    }
}

fn join<T: ToString>(values: &[T]) -> String {
    values
        .iter()
        .map(T::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// A day as the `day` attribute holds it.
pub fn day_number(d: NaiveDate) -> u32 {
    use chrono::Datelike;
    d.year() as u32 * 10_000 + d.month() * 100 + d.day()
}

/// The first (`lower`) or last day a range bound leaves.
fn bound_day(bound: &UserInputBound, lower: bool) -> Result<Option<NaiveDate>, SearchError> {
    let (text, inclusive) = match bound {
        UserInputBound::Inclusive(t) => (t, true),
        UserInputBound::Exclusive(t) => (t, false),
        UserInputBound::Unbounded => return Ok(None),
    };
    let day = text
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| {
            SearchError::Query(format!(
                "invalid date '{}' (use {})",
                crate::search::limits::excerpt(text),
                crate::dates::FORMS
            ))
        })?;
    Ok(Some(match (inclusive, lower) {
        (true, _) => day,
        (false, true) => day.succ_opt().unwrap_or(day),
        (false, false) => day.pred_opt().unwrap_or(day),
    }))
}
