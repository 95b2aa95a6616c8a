//! How well republished versions of one release are grouped: real articles, each with a few
//! edited copies of the kind news outlets make (another headline, a paragraph dropped or
//! moved, a source line added, a few words changed), indexed together; the groups vestnik
//! assigns are scored against the truth by pairs.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::corpus::SplitMix;
use crate::index::{self, BuildOptions};
use crate::search::{SearchRequest, Searcher};

/// Outlets named in added source lines.
const OUTLETS: [&str; 6] = [
    "Zakon.kz",
    "Tengrinews",
    "Kazinform",
    "ТАСС",
    "Интерфакс",
    "РИА Новости",
];

/// One source article: its title and paragraphs.
pub struct Original {
    /// Its headline, which the rewrites vary.
    pub title: String,
    /// Its paragraphs, which the rewrites reorder, cut and edit.
    pub paragraphs: Vec<String>,
}

/// Reads the articles of every `*.jsonl` file in `dir` (the `../shared/data/ner` format).
pub fn originals(dir: &Path) -> anyhow::Result<Vec<Original>> {
    Ok(super::corpus::source_articles(dir)?
        .into_iter()
        .map(|(title, text)| {
            let paragraphs = text
                .lines()
                .map(str::trim)
                .filter(|p| !p.is_empty() && *p != title)
                .map(str::to_string)
                .collect();
            Original { title, paragraphs }
        })
        .collect())
}

/// An edited copy of `o`, as another outlet might publish it: 1-3 of the edits, chosen by
/// `rng`, and always a headline of its own.
pub fn variant(o: &Original, others: &[Original], rng: &mut SplitMix) -> (String, String) {
    let mut paragraphs = o.paragraphs.clone();
    let title = match rng.below(2) {
        0 => format!(
            "{} — {}",
            o.title,
            OUTLETS[rng.below(OUTLETS.len() as u64) as usize]
        ),
        _ => {
            let other = &others[rng.below(others.len() as u64) as usize];
            other.title.clone()
        }
    };
    for _ in 0..1 + rng.below(3) {
        match rng.below(4) {
            // Drop a paragraph (never the only one).
            0 if paragraphs.len() > 2 => {
                let i = rng.below(paragraphs.len() as u64) as usize;
                paragraphs.remove(i);
            }
            // Move a paragraph.
            1 if paragraphs.len() > 1 => {
                let i = rng.below(paragraphs.len() as u64) as usize;
                let p = paragraphs.remove(i);
                let j = rng.below(paragraphs.len() as u64 + 1) as usize;
                paragraphs.insert(j, p);
            }
            // A source line at the end.
            2 => paragraphs.push(format!(
                "Об этом сообщает {}.",
                OUTLETS[rng.below(OUTLETS.len() as u64) as usize]
            )),
            // A few words dropped from one paragraph.
            _ => {
                let i = rng.below(paragraphs.len().max(1) as u64) as usize;
                if let Some(p) = paragraphs.get_mut(i) {
                    let words: Vec<&str> = p.split(' ').collect();
                    let cut = rng.below(words.len() as u64) as usize;
                    let keep: Vec<&str> = words
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| *k < cut || *k >= cut + 3)
                        .map(|(_, w)| *w)
                        .collect();
                    *p = keep.join(" ");
                }
            }
        }
    }
    (title, paragraphs.join("\n\n"))
}

/// Pairwise scores of a grouping against the truth.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PairScores {
    /// Articles grouped.
    pub articles: usize,
    /// Pairs of articles that are versions of one text, by construction.
    pub true_pairs: u64,
    /// Pairs the grouping put in one release group.
    pub predicted_pairs: u64,
    /// Predicted pairs that are true pairs.
    pub correct_pairs: u64,
    /// Correct pairs over predicted pairs: how rarely unrelated texts are merged.
    pub precision: f64,
    /// Correct pairs over true pairs: how rarely versions of one text are split.
    pub recall: f64,
}

/// Scores `predicted` against `truth`: both map each article to its group label.
pub fn score(truth: &[u64], predicted: &[u64]) -> PairScores {
    let pairs = |labels: &[u64]| -> u64 {
        let mut sizes: HashMap<u64, u64> = HashMap::new();
        for l in labels {
            *sizes.entry(*l).or_default() += 1;
        }
        sizes.values().map(|n| n * (n - 1) / 2).sum()
    };
    let both: Vec<u64> = truth
        .iter()
        .zip(predicted)
        .map(|(t, p)| t.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ p)
        .collect();
    let (t, p, c) = (pairs(truth), pairs(predicted), pairs(&both));
    PairScores {
        articles: truth.len(),
        true_pairs: t,
        predicted_pairs: p,
        correct_pairs: c,
        precision: if p == 0 { 1.0 } else { c as f64 / p as f64 },
        recall: if t == 0 { 1.0 } else { c as f64 / t as f64 },
    }
}

/// Writes the originals and their variants to `work/corpus.jsonl`, indexes them, and scores
/// the groups vestnik assigned. Each original gets 0-3 variants.
pub fn evaluate(originals: &[Original], seed: u64, work: &Path) -> anyhow::Result<PairScores> {
    let corpus = work.join("corpus");
    std::fs::create_dir_all(&corpus)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(corpus.join("groups.jsonl"))?);
    let mut truth: HashMap<String, u64> = HashMap::new();
    let mut rng = SplitMix::new(seed);
    for (i, o) in originals.iter().enumerate() {
        let mut versions = vec![(o.title.clone(), o.paragraphs.join("\n\n"))];
        for _ in 0..rng.below(4) {
            versions.push(variant(o, originals, &mut rng));
        }
        for (v, (title, text)) in versions.into_iter().enumerate() {
            let id = format!("g{i}-{v}");
            truth.insert(id.clone(), i as u64);
            let line = serde_json::json!({"id": id, "title": title, "text": text, "source": OUTLETS[v % OUTLETS.len()]});
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    drop(out);
    let dir = work.join("index");
    let opts = BuildOptions {
        rebuild: true,
        entities: false,
        ..BuildOptions::default()
    };
    index::build(&[corpus], &dir, &opts, &())?;
    let searcher = Searcher::open(&dir)?;
    let mut req = SearchRequest::new("*");
    req.limit = truth.len();
    req.group = false;
    req.facets = Vec::new();
    let result = searcher.search(&req)?;
    let mut labels: Vec<(u64, u64)> = Vec::new();
    for hit in &result.hits {
        let Some(&t) = truth.get(&hit.id) else {
            continue;
        };
        let p = u64::from_str_radix(&hit.group, 16).unwrap_or_default();
        labels.push((t, p));
    }
    let (t, p): (Vec<u64>, Vec<u64>) = labels.into_iter().unzip();
    Ok(score(&t, &p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_scores_worked_by_hand() {
        // Truth: {a,b,c} {d}; predicted: {a,b} {c,d}.
        let s = score(&[1, 1, 1, 2], &[7, 7, 8, 8]);
        assert_eq!(
            (s.true_pairs, s.predicted_pairs, s.correct_pairs),
            (3, 2, 1)
        );
        assert_eq!((s.precision, s.recall), (0.5, 1.0 / 3.0));
        let perfect = score(&[1, 1, 2], &[5, 5, 9]);
        assert_eq!((perfect.precision, perfect.recall), (1.0, 1.0));
    }

    #[test]
    fn variants_keep_most_of_the_text_under_a_new_headline() {
        let o = Original {
            title: "Заголовок".into(),
            paragraphs: (0..6)
                .map(|i| format!("Абзац {i} о событиях недели в столице"))
                .collect(),
        };
        let others = vec![Original {
            title: "Другой заголовок".into(),
            paragraphs: vec![],
        }];
        let mut rng = SplitMix::new(3);
        for _ in 0..50 {
            let (title, text) = variant(&o, &others, &mut rng);
            assert_ne!(title, o.title);
            let n = text.split("\n\n").count();
            assert!((3..=9).contains(&n), "{text}");
        }
    }
}
