//! Scoring an extractor against gold annotation, exactly as `../shared/bench/natasha_eval.py`
//! scores Natasha, so the two can be compared: per type, precision counts predictions equal to
//! any gold span of the type; recall counts outermost gold spans of the type that were
//! predicted. Offsets are Unicode code points.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::mention::{EntityType, Mention};

/// Every record of a gold file (one JSON object per line, blank lines aside), as `T`: a broken
/// line is an error naming the file and line.
pub fn read_gold_file<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> anyhow::Result<Vec<T>> {
    use anyhow::Context;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}:{}: not a gold article", path.display(), i + 1))
        })
        .collect()
}

/// One gold-annotated article in the `../shared/data/ner` format.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldArticle {
    /// The article's id in the gold file.
    pub id: String,
    /// The text the spans are offsets into.
    pub text: String,
    /// The annotated spans.
    pub entities: Vec<GoldEntity>,
}

/// One annotated span of a gold article.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    /// "PER", "ORG" or "LOC"; other types are not scored.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where the span starts, in code points.
    pub start: usize,
    /// Where it ends (exclusive).
    pub end: usize,
    /// The span's text, for reading disagreements.
    #[serde(default)]
    pub text: String,
    /// The dictionary form the annotators gave, when they gave one.
    #[serde(default)]
    pub norm: Option<String>,
}

/// The scores of one entity type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TypeScore {
    /// Predictions equal to a gold span, over predictions.
    pub precision: f64,
    /// Outermost gold spans predicted, over outermost gold spans.
    pub recall: f64,
    /// The harmonic mean of the two.
    pub f1: f64,
    /// Gold spans of the type: how much the figures can be trusted.
    pub support: usize,
}

/// What `vestnik eval-ner` reports: scores per type, in the shape Natasha's script writes.
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// People (`PER`).
    #[serde(rename = "PER")]
    pub per: TypeScore,
    /// Organizations (`ORG`).
    #[serde(rename = "ORG")]
    pub org: TypeScore,
    /// Places (`LOC`).
    #[serde(rename = "LOC")]
    pub loc: TypeScore,
    /// Of the gold PER spans with a `norm` that were found, the share normalized to a name
    /// whose words are contained in the norm's words. NEREL's placeholder norm "нет данных"
    /// counts as no norm. `None` when the file has no norms (factRuEval).
    pub norm_accuracy: Option<f64>,
    /// Extraction speed over the gold articles.
    pub articles_per_s: f64,
}

/// Running counts per type: correct predictions, predictions, found gold, gold.
#[derive(Debug, Default)]
pub struct Tally {
    counts: BTreeMap<&'static str, [usize; 4]>,
    norm_checked: usize,
    norm_right: usize,
}

/// Spans of one type not nested inside another span of the same type.
pub fn outermost(spans: &HashSet<(usize, usize)>) -> HashSet<(usize, usize)> {
    let mut sorted: Vec<(usize, usize)> = spans.iter().copied().collect();
    sorted.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
    let mut out = HashSet::new();
    let mut end = None;
    for (s, e) in sorted {
        if end.is_none_or(|end| e > end) {
            out.insert((s, e));
            end = Some(e);
        }
    }
    out
}

/// Whether a gold `norm` names anyone: NEREL writes "нет данных" ("no data") where it has no
/// normalized name, which is as empty as an empty string.
fn has_norm(norm: &str) -> bool {
    let n = norm.trim();
    !n.is_empty() && n != "нет данных"
}

/// Words of a name for comparison: lowercase, ё as е, commas dropped.
fn name_words(s: &str) -> HashSet<String> {
    s.to_lowercase()
        .replace('ё', "е")
        .replace(',', " ")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// The spans of one type an article is scored on: every gold span, the outermost gold spans
/// and the predicted spans.
struct TypeSpans {
    gold_all: HashSet<(usize, usize)>,
    gold_outer: HashSet<(usize, usize)>,
    pred: HashSet<(usize, usize)>,
}

fn type_spans(gold: &GoldArticle, predicted: &[Mention], t: EntityType) -> TypeSpans {
    let gold_all: HashSet<(usize, usize)> = gold
        .entities
        .iter()
        .filter(|e| e.kind == t.label())
        .map(|e| (e.start, e.end))
        .collect();
    TypeSpans {
        gold_outer: outermost(&gold_all),
        gold_all,
        pred: predicted
            .iter()
            .filter(|m| m.kind == t)
            .map(|m| (m.start, m.end))
            .collect(),
    }
}

/// The gold people with a norm that were found, each with its norm, the prediction that found
/// it and whether that prediction's name fits the norm.
fn checked_names<'a>(
    gold: &'a GoldArticle,
    predicted: &'a [Mention],
) -> impl Iterator<Item = (&'a GoldEntity, &'a str, &'a Mention, bool)> {
    gold.entities
        .iter()
        .filter(|e| e.kind == "PER")
        .filter_map(move |g| {
            let norm = g.norm.as_deref().filter(|n| has_norm(n))?;
            let m = predicted
                .iter()
                .find(|m| m.kind == EntityType::Per && m.start == g.start && m.end == g.end)?;
            Some((g, norm, m, name_words(&m.norm).is_subset(&name_words(norm))))
        })
}

impl Tally {
    /// Counts one article's predictions against its gold spans.
    pub fn add(&mut self, gold: &GoldArticle, predicted: &[Mention]) {
        for t in EntityType::ALL {
            let s = type_spans(gold, predicted, t);
            let c = self.counts.entry(t.label()).or_default();
            c[0] += s.pred.intersection(&s.gold_all).count();
            c[1] += s.pred.len();
            c[2] += s.pred.intersection(&s.gold_outer).count();
            c[3] += s.gold_outer.len();
        }
        for (_, _, _, right) in checked_names(gold, predicted) {
            self.norm_checked += 1;
            self.norm_right += usize::from(right);
        }
    }

    /// The scores of everything counted, with the speed of `articles` read in `seconds`.
    pub fn scores(&self, articles: usize, seconds: f64) -> Scores {
        let score = |t: EntityType| {
            let [tp, np, found, ng] = self.counts.get(t.label()).copied().unwrap_or_default();
            let p = if np > 0 { tp as f64 / np as f64 } else { 0.0 };
            let r = if ng > 0 {
                found as f64 / ng as f64
            } else {
                0.0
            };
            let f = if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
            TypeScore {
                precision: round3(p),
                recall: round3(r),
                f1: round3(f),
                support: ng,
            }
        };
        Scores {
            per: score(EntityType::Per),
            org: score(EntityType::Org),
            loc: score(EntityType::Loc),
            norm_accuracy: (self.norm_checked > 0)
                .then(|| round3(self.norm_right as f64 / self.norm_checked as f64)),
            articles_per_s: if seconds > 0.0 {
                (articles as f64 / seconds * 10.0).round() / 10.0
            } else {
                0.0
            },
        }
    }
}

/// One disagreement with the gold annotation, for the developer reading `eval-ner --errors`.
#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    /// The article's id.
    pub article: String,
    /// "missed" (an outermost gold span not predicted), "spurious" (a prediction equal to no
    /// gold span of its type) or "norm" (a found PER whose normalized name misses the norm).
    pub kind: &'static str,
    /// "PER", "ORG" or "LOC".
    #[serde(rename = "type")]
    pub entity: &'static str,
    /// The span's text as the article wrote it.
    pub text: String,
    /// The extractor's normalized name, for spurious and norm errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicted: Option<String>,
    /// The gold norm, for norm errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gold: Option<String>,
    /// The sentence around the span.
    pub context: String,
}

/// Every disagreement of `predicted` with one gold article, by the rules of [`Tally::add`].
pub fn disagreements(gold: &GoldArticle, predicted: &[Mention]) -> Vec<Disagreement> {
    let chars: Vec<char> = gold.text.chars().collect();
    let slice = |s: usize, e: usize| {
        chars[s.min(chars.len())..e.min(chars.len())]
            .iter()
            .collect()
    };
    let context = |s: usize, e: usize| -> String {
        let from = s.saturating_sub(60);
        let to = (e + 60).min(chars.len());
        let text: String = chars[from..to].iter().collect();
        text.replace('\n', " ")
    };
    let mut out = Vec::new();
    for t in EntityType::ALL {
        let spans = type_spans(gold, predicted, t);
        let mut missed: Vec<_> = spans.gold_outer.difference(&spans.pred).copied().collect();
        missed.sort();
        for (s, e) in missed {
            out.push(Disagreement {
                article: gold.id.clone(),
                kind: "missed",
                entity: t.label(),
                text: slice(s, e),
                predicted: None,
                gold: None,
                context: context(s, e),
            });
        }
        let spurious = predicted
            .iter()
            .filter(|m| m.kind == t && !spans.gold_all.contains(&(m.start, m.end)));
        for m in spurious {
            out.push(Disagreement {
                article: gold.id.clone(),
                kind: "spurious",
                entity: t.label(),
                text: slice(m.start, m.end),
                predicted: Some(m.norm.clone()),
                gold: None,
                context: context(m.start, m.end),
            });
        }
    }
    for (g, norm, m, right) in checked_names(gold, predicted) {
        if !right {
            out.push(Disagreement {
                article: gold.id.clone(),
                kind: "norm",
                entity: "PER",
                text: g.text.clone(),
                predicted: Some(m.norm.clone()),
                gold: Some(norm.to_string()),
                context: context(g.start, g.end),
            });
        }
    }
    out
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outermost_drops_nested_spans_of_the_same_type() {
        let spans: HashSet<_> = [(0, 10), (2, 5), (12, 15), (12, 14)].into();
        let out = outermost(&spans);
        assert_eq!(out, [(0, 10), (12, 15)].into());
    }
}
