//! `vestnik eval-search`: how well entity search finds every article about an entity, scored
//! on gold articles whose entities carry a cross-document id (NEREL's `wikidata`).
//!
//! The file is indexed as a user would index it. Each gold entity is then asked for by the
//! name a user would type (its most frequent gold norm of two or more words for a person, else
//! its most frequent norm) through the same filter as `--person`/`--org`/`--loc`, and the
//! articles returned are compared with every article that mentions the entity under any form.
//! The same names as plain word queries (every word required, as PostgreSQL's
//! `plainto_tsquery`) give the baseline a full-text engine offers. The purity of the facet
//! entries is B-cubed over the gold mentions the extractor found, grouped by the archive's
//! entity id against the gold id.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::entities::{self, Aliases, EntityType, Extractor};
use crate::index::{self, BuildOptions};
use crate::search::{SearchRequest, Searcher};

/// A gold article as this evaluation reads it.
#[derive(Debug, Deserialize)]
struct Gold {
    id: String,
    text: String,
    entities: Vec<GoldMention>,
}

#[derive(Debug, Deserialize)]
struct GoldMention {
    #[serde(rename = "type")]
    kind: String,
    start: usize,
    end: usize,
    #[serde(default)]
    text: String,
    #[serde(default)]
    norm: Option<String>,
    #[serde(default)]
    wikidata: Option<String>,
}

/// Article-set figures for one way of asking.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SetScores {
    /// Returned articles that mention the entity / returned articles, over all queries.
    pub precision: f64,
    /// Articles mentioning the entity that were returned / articles mentioning it.
    pub recall: f64,
    /// The harmonic mean of precision and recall.
    pub f1: f64,
    /// Mean per query of its recall, and of its precision (over queries returning anything).
    pub macro_recall: f64,
    /// Mean per query of its precision, over the queries returning anything.
    pub macro_precision: f64,
    /// Queries that returned no article, and that returned every article of the archive.
    pub empty: usize,
    /// Queries that returned every article of the archive: a filter that filtered nothing.
    pub whole_archive: usize,
}

/// Figures for one entity type.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TypeReport {
    /// Gold entities asked for.
    pub queries: usize,
    /// Through the entity filter (`--person` and kin).
    pub entity: SetScores,
    /// The same names as plain word queries.
    pub words: SetScores,
    /// B-cubed precision, recall and F1 of the mentions grouped by entity id.
    pub bcubed_precision: f64,
    /// B-cubed recall: how whole each gold entity's mentions are under one id.
    pub bcubed_recall: f64,
    /// B-cubed F1.
    pub bcubed_f1: f64,
    /// Gold mentions the extractor found (and so scored by B-cubed), of all with an id.
    pub mentions_scored: usize,
    /// Gold mentions with an entity id.
    pub mentions: usize,
}

/// A query whose articles differ from the gold ones, for `--errors`.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// "PER", "ORG" or "LOC".
    pub kind: &'static str,
    /// The gold entity's id.
    pub gold_id: String,
    /// The name asked for.
    pub name: String,
    /// The entities it resolved to.
    pub resolved: Vec<String>,
    /// Gold articles not returned, and returned articles that do not mention the entity,
    /// each with how the gold wrote the entity there (missed) or nothing (extra).
    pub missed: Vec<(String, Vec<String>)>,
    /// Returned articles that do not mention the entity.
    pub extra: Vec<String>,
}

/// What `vestnik eval-search` reports: per type, entity filters against plain word queries, and how
/// the extractor's ids group the gold mentions.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Gold articles indexed.
    pub articles: usize,
    /// Every query that missed or added articles.
    #[serde(skip)]
    pub misses: Vec<Miss>,
    /// People (`PER`).
    #[serde(rename = "PER")]
    pub per: TypeReport,
    /// Organizations (`ORG`).
    #[serde(rename = "ORG")]
    pub org: TypeReport,
    /// Places (`LOC`).
    #[serde(rename = "LOC")]
    pub loc: TypeReport,
}

/// Indexes `file` into `work` (a fresh index) and scores entity search on it.
pub fn evaluate(file: &Path, work: &Path) -> anyhow::Result<Report> {
    let gold = read(file)?;
    let opts = BuildOptions {
        rebuild: true,
        ..BuildOptions::default()
    };
    index::build(&[file.to_path_buf()], work, &opts, &())
        .with_context(|| format!("cannot index {}", file.display()))?;
    let searcher = Searcher::open(work)?;
    let mut report = Report {
        articles: searcher.num_docs() as usize,
        ..Report::default()
    };
    for kind in EntityType::ALL {
        let scores = score_kind(&gold, &searcher, kind, &mut report.misses)?;
        match kind {
            EntityType::Per => report.per = scores,
            EntityType::Org => report.org = scores,
            EntityType::Loc => report.loc = scores,
        }
    }
    Ok(report)
}

/// A fresh folder for the evaluation's index.
pub fn work_dir() -> PathBuf {
    std::env::temp_dir().join(format!("vestnik-eval-search-{}", std::process::id()))
}

fn read(file: &Path) -> anyhow::Result<Vec<Gold>> {
    entities::eval::read_gold_file(file)
}

/// A gold id that names one entity: NEREL writes "NULL" for mentions it could not link.
fn linked(m: &GoldMention) -> Option<&str> {
    m.wikidata
        .as_deref()
        .filter(|w| !w.is_empty() && *w != "NULL")
}

/// The name a user would type for an entity, from its gold mentions.
fn typed_name(kind: EntityType, mentions: &[&GoldMention]) -> Option<String> {
    let mut norms: BTreeMap<&str, usize> = BTreeMap::new();
    for m in mentions {
        if let Some(n) = m.norm.as_deref().map(str::trim)
            && !n.is_empty()
            && n != "нет данных"
        {
            *norms.entry(n).or_default() += 1;
        }
    }
    let best = |words: usize| {
        norms
            .iter()
            .filter(|(n, _)| n.split_whitespace().count() >= words)
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(n, _)| n.to_string())
    };
    let from_norms = if kind == EntityType::Per {
        best(2).or_else(|| best(1))
    } else {
        best(1)
    };
    from_norms.or_else(|| {
        let mut texts: BTreeMap<&str, usize> = BTreeMap::new();
        for m in mentions {
            *texts.entry(m.text.trim()).or_default() += 1;
        }
        texts
            .into_iter()
            .filter(|(t, _)| !t.is_empty())
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(t, _)| t.to_string())
    })
}

fn score_kind(
    gold: &[Gold],
    searcher: &Searcher,
    kind: EntityType,
    misses: &mut Vec<Miss>,
) -> anyhow::Result<TypeReport> {
    // Gold entities: their mentions and the articles mentioning them.
    let mut mentions: BTreeMap<&str, Vec<&GoldMention>> = BTreeMap::new();
    let mut articles: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for a in gold {
        for m in a.entities.iter().filter(|m| m.kind == kind.label()) {
            if let Some(id) = linked(m) {
                mentions.entry(id).or_default().push(m);
                articles.entry(id).or_default().insert(a.id.as_str());
            }
        }
    }
    let all = searcher.num_docs() as usize;
    let mut entity = Tally::default();
    let mut words = Tally::default();
    let mut queries = 0;
    for (id, ms) in &mentions {
        let Some(name) = typed_name(kind, ms) else {
            continue;
        };
        let truth = &articles[id];
        queries += 1;
        let mut req = SearchRequest::new("*");
        req.entities[kind].push(name.clone());
        let result = searcher.search(&all_of(searcher, req))?;
        let got: BTreeSet<String> = result.hits.into_iter().map(|h| h.id).collect();
        entity.add(&got, truth, all);
        let missed: Vec<(String, Vec<String>)> = truth
            .iter()
            .filter(|t| !got.contains(**t))
            .map(|t| {
                let forms = gold
                    .iter()
                    .filter(|a| a.id == *t)
                    .flat_map(|a| &a.entities)
                    .filter(|m| linked(m) == Some(id))
                    .map(|m| m.text.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                (t.to_string(), forms)
            })
            .collect();
        let extra: Vec<String> = got
            .iter()
            .filter(|g| !truth.contains(g.as_str()))
            .cloned()
            .collect();
        if !missed.is_empty() || !extra.is_empty() {
            let list = result.filters.of(kind);
            misses.push(Miss {
                kind: kind.label(),
                gold_id: id.to_string(),
                name: name.clone(),
                resolved: list
                    .iter()
                    .flat_map(|m| m.entities.iter().map(|e| e.name.clone()))
                    .collect(),
                missed,
                extra,
            });
        }
        words.add(
            &ids(searcher, SearchRequest::new(as_words(&name)))?,
            truth,
            all,
        );
    }
    let (bp, br, scored, total) = bcubed(gold, searcher, kind)?;
    Ok(TypeReport {
        queries,
        entity: entity.scores(),
        words: words.scores(),
        bcubed_precision: bp,
        bcubed_recall: br,
        bcubed_f1: f1(bp, br),
        mentions_scored: scored,
        mentions: total,
    })
}

/// A name as a plain query of its words, every word required, none read as syntax.
fn as_words(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    if words.is_empty() {
        "\"\u{1}\"".to_string()
    } else {
        words.join(" ")
    }
}

/// A request for every article it matches, without facets or grouping.
fn all_of(searcher: &Searcher, mut req: SearchRequest) -> SearchRequest {
    req.limit = searcher.num_docs() as usize;
    req.group = false;
    req.facets = Vec::new();
    req
}

/// The ids of every article a request matches.
fn ids(searcher: &Searcher, req: SearchRequest) -> anyhow::Result<BTreeSet<String>> {
    Ok(searcher
        .search(&all_of(searcher, req))?
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect())
}

#[derive(Default)]
struct Tally {
    returned: usize,
    relevant: usize,
    correct: usize,
    recalls: Vec<f64>,
    precisions: Vec<f64>,
    empty: usize,
    whole: usize,
}

impl Tally {
    fn add(&mut self, got: &BTreeSet<String>, truth: &BTreeSet<&str>, all: usize) {
        let correct = got.iter().filter(|g| truth.contains(g.as_str())).count();
        self.returned += got.len();
        self.relevant += truth.len();
        self.correct += correct;
        self.recalls
            .push(correct as f64 / truth.len().max(1) as f64);
        if got.is_empty() {
            self.empty += 1;
        } else {
            self.precisions.push(correct as f64 / got.len() as f64);
        }
        if got.len() == all && all > 1 {
            self.whole += 1;
        }
    }

    fn scores(&self) -> SetScores {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let mean = |v: &[f64]| {
            if v.is_empty() {
                0.0
            } else {
                v.iter().sum::<f64>() / v.len() as f64
            }
        };
        let (p, r) = (
            ratio(self.correct, self.returned),
            ratio(self.correct, self.relevant),
        );
        SetScores {
            precision: p,
            recall: r,
            f1: f1(p, r),
            macro_recall: mean(&self.recalls),
            macro_precision: mean(&self.precisions),
            empty: self.empty,
            whole_archive: self.whole,
        }
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// B-cubed over the gold mentions (with an id) that an extracted mention of the type overlaps:
/// each is labelled by the archive's entity for the extracted name, and scored against the
/// gold id. Returns precision, recall, the mentions scored and all gold mentions with an id.
fn bcubed(
    gold: &[Gold],
    searcher: &Searcher,
    kind: EntityType,
) -> anyhow::Result<(f64, f64, usize, usize)> {
    let aliases = Aliases::shipped();
    let extractor = Extractor::shipped();
    let mut items: Vec<(String, String)> = Vec::new();
    let mut total = 0;
    let mut ids: HashMap<String, String> = HashMap::new();
    for a in gold {
        let found: Vec<entities::Mention> = extractor
            .extract(&a.text)
            .into_iter()
            .filter(|m| m.kind == kind)
            .collect();
        for g in a.entities.iter().filter(|m| m.kind == kind.label()) {
            let Some(gold_id) = linked(g) else {
                continue;
            };
            total += 1;
            let Some(m) = found.iter().find(|m| m.start < g.end && g.start < m.end) else {
                continue;
            };
            let name = entities::canonical_name(&aliases, m);
            let predicted = match ids.get(&name) {
                Some(id) => id.clone(),
                None => {
                    let id = searcher
                        .entity_id_of(kind, &name)?
                        .unwrap_or_else(|| format!("name:{name}"));
                    ids.insert(name, id.clone());
                    id
                }
            };
            items.push((predicted, gold_id.to_string()));
        }
    }
    let mut by_pred: HashMap<&str, usize> = HashMap::new();
    let mut by_gold: HashMap<&str, usize> = HashMap::new();
    let mut by_both: HashMap<(&str, &str), usize> = HashMap::new();
    for (p, g) in &items {
        *by_pred.entry(p).or_default() += 1;
        *by_gold.entry(g).or_default() += 1;
        *by_both.entry((p, g)).or_default() += 1;
    }
    let n = items.len().max(1) as f64;
    let (mut precision, mut recall) = (0.0, 0.0);
    for (p, g) in &items {
        let both = by_both[&(p.as_str(), g.as_str())] as f64;
        precision += both / by_pred[p.as_str()] as f64;
        recall += both / by_gold[g.as_str()] as f64;
    }
    Ok((precision / n, recall / n, items.len(), total))
}

/// The report as a table for people.
pub fn render(report: &Report) -> String {
    let mut out = format!("{} articles\n\n", report.articles);
    out.push_str(
        "type  queries  | entity filter: P      R      F1     empty whole | plain words: P      R      F1     empty | B-cubed P  R      F1     (mentions)\n",
    );
    for (label, t) in [
        ("PER", &report.per),
        ("ORG", &report.org),
        ("LOC", &report.loc),
    ] {
        out.push_str(&format!(
            "{label:<5} {:>7}  | {:>21.3} {:.3}  {:.3}  {:>5} {:>5} | {:>19.3} {:.3}  {:.3}  {:>5} | {:>9.3}  {:.3}  {:.3}  ({}/{})\n",
            t.queries,
            t.entity.precision,
            t.entity.recall,
            t.entity.f1,
            t.entity.empty,
            t.entity.whole_archive,
            t.words.precision,
            t.words.recall,
            t.words.f1,
            t.words.empty,
            t.bcubed_precision,
            t.bcubed_recall,
            t.bcubed_f1,
            t.mentions_scored,
            t.mentions,
        ));
    }
    out
}
