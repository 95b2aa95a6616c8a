//! `vestnik bench ir`: how well vestnik ranks, on questions people wrote, with the figures
//! retrieval papers report, so that its ranking can be set beside other engines'.
//!
//! The set is XQuAD-ru (`../shared/data/ir/xquad-ru`, see its README): 240 Russian paragraphs,
//! also split into 1,248 sentences, and 1,190 questions, each written on one paragraph. Each
//! split's `corpus/` is indexed as `vestnik index` would, into a temporary folder, and each
//! question is searched as typed through [`Searcher::search`], the path every front end takes,
//! so relaxation, stop words and every ranking rule count as they do for a user. Metrics are
//! the usual ones (BEIR, MTEB): nDCG@10 with binary gains, Recall@100 and MRR@10; a question
//! that finds nothing, or that the query language rejects, scores 0.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use crate::index::BuildOptions;
use crate::search::{SearchError, SearchRequest, Searcher};

/// The splits of the set, each a folder holding `corpus/`, `queries.tsv` and `qrels.tsv`.
pub const SPLITS: [&str; 2] = ["para", "sent"];
/// Hits read per question: Recall@100 needs a hundred.
const DEPTH: usize = 100;

/// The figures of one split.
#[derive(Debug, Clone, Serialize)]
pub struct SplitScores {
    /// Which XQuAD-ru split: paragraphs or sentences as the documents.
    pub split: String,
    /// Documents indexed for the split.
    pub documents: u64,
    /// Questions asked.
    pub queries: usize,
    /// Mean nDCG@10: how high the answering document ranks, the headline figure.
    pub ndcg_at_10: f64,
    /// Mean recall@100: whether the answering document is found at all.
    pub recall_at_100: f64,
    /// Mean reciprocal rank within the first 10.
    pub mrr_at_10: f64,
    /// Questions answered by a relaxed query.
    pub relaxed: usize,
    /// Questions that found nothing.
    pub no_hits: usize,
    /// Questions the query language rejected (each scores 0).
    pub errors: usize,
}

/// What `vestnik bench ir` measured: ranking quality on each split.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The data set's folder.
    pub dir: PathBuf,
    /// Searched with `--strict` (every word required).
    pub strict: bool,
    /// The figures of each split.
    pub splits: Vec<SplitScores>,
}

/// Scores every split of `dir`; `strict` searches as `vestnik search --strict` does.
pub fn run(dir: &Path, strict: bool, step: &mut dyn FnMut(&str)) -> anyhow::Result<Report> {
    let missing: Vec<String> = SPLITS
        .iter()
        .flat_map(|s| ["corpus", "queries.tsv", "qrels.tsv"].map(|f| dir.join(s).join(f)))
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "{} is not the XQuAD-ru set (missing {}); give its folder, e.g. ../shared/data/ir/xquad-ru",
            dir.display(),
            missing.join(", ")
        );
    }
    let mut splits = Vec::new();
    for name in SPLITS {
        step(&format!("indexing {name}"));
        splits.push(score_split(&dir.join(name), name, strict, step)?);
    }
    Ok(Report {
        dir: dir.to_path_buf(),
        strict,
        splits,
    })
}

fn score_split(
    dir: &Path,
    name: &str,
    strict: bool,
    step: &mut dyn FnMut(&str),
) -> anyhow::Result<SplitScores> {
    let queries = read_queries(&dir.join("queries.tsv"))?;
    let qrels = read_qrels(&dir.join("qrels.tsv"))?;
    let work = Scratch::new(name)?;
    crate::index::build(
        &[dir.join("corpus")],
        &work.0,
        &BuildOptions::default(),
        &(),
    )
    .with_context(|| format!("cannot index {}", dir.join("corpus").display()))?;
    let searcher = Searcher::open(&work.0)?;
    step(&format!("searching {} questions of {name}", queries.len()));
    let mut sums = (0.0, 0.0, 0.0);
    let (mut relaxed, mut no_hits, mut errors) = (0, 0, 0);
    for (id, question) in &queries {
        let relevant = qrels.get(id.as_str()).cloned().unwrap_or_default();
        let mut req = SearchRequest::new(question.as_str());
        req.limit = DEPTH;
        req.facets = Vec::new();
        req.strict = strict;
        let ranked: Vec<String> = match searcher.search(&req) {
            Ok(r) => {
                relaxed += usize::from(r.relaxed);
                r.hits.into_iter().map(|h| h.id).collect()
            }
            Err(SearchError::Query(_)) => {
                errors += 1;
                Vec::new()
            }
            Err(e) => return Err(e.into()),
        };
        no_hits += usize::from(ranked.is_empty());

        let m = metrics(&ranked, &relevant);
        sums.0 += m.0;
        sums.1 += m.1;
        sums.2 += m.2;
    }
    let n = queries.len().max(1) as f64;
    Ok(SplitScores {
        split: name.to_string(),
        documents: searcher.num_docs(),
        queries: queries.len(),
        ndcg_at_10: sums.0 / n,
        recall_at_100: sums.1 / n,
        mrr_at_10: sums.2 / n,
        relaxed,
        no_hits,
        errors,
    })
}

/// A folder for one split's index, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> anyhow::Result<Scratch> {
        let path = std::env::temp_dir().join(format!("vestnik-ir-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Scratch(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// nDCG@10 (binary gains), Recall@100 and MRR@10 of one ranking.
pub fn metrics(ranked: &[String], relevant: &HashSet<String>) -> (f64, f64, f64) {
    if relevant.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let gain = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .filter(|(_, id)| relevant.contains(*id))
        .map(|(i, _)| gain(i))
        .sum();
    let ideal: f64 = (0..relevant.len().min(10)).map(gain).sum();
    let found = ranked
        .iter()
        .take(DEPTH)
        .filter(|id| relevant.contains(*id))
        .count();
    let mrr = ranked
        .iter()
        .take(10)
        .position(|id| relevant.contains(id))
        .map_or(0.0, |i| 1.0 / (i + 1) as f64);
    (dcg / ideal, found as f64 / relevant.len() as f64, mrr)
}

fn read_queries(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, q)| (id.to_string(), q.trim().to_string()))
        .collect())
}

fn read_qrels(path: &Path) -> anyhow::Result<HashMap<String, HashSet<String>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    for line in text.lines() {
        let mut cols = line.split('\t');
        if let (Some(q), Some(d), Some(rel)) = (cols.next(), cols.next(), cols.next())
            && rel.trim() != "0"
        {
            out.entry(q.to_string()).or_default().insert(d.to_string());
        }
    }
    Ok(out)
}

/// The figures as a table, beside the published ones.
pub fn table(r: &Report) -> String {
    let mode = if r.strict {
        "every word required (--strict)"
    } else {
        "as `vestnik search` does by default"
    };
    let mut out = format!(
        "XQuAD-ru ({}), questions as typed, searched {mode}\n\n",
        r.dir.display()
    );
    out.push_str(
        "split   docs  questions  nDCG@10  Recall@100  MRR@10  relaxed  no hits  errors\n",
    );
    for s in &r.splits {
        out.push_str(&format!(
            "{:<5} {:>6} {:>10} {:>8.3} {:>11.3} {:>7.3} {:>8} {:>8} {:>7}\n",
            s.split,
            s.documents,
            s.queries,
            s.ndcg_at_10,
            s.recall_at_100,
            s.mrr_at_10,
            s.relaxed,
            s.no_hits,
            s.errors
        ));
    }
    out.push_str(
        "\nnDCG@10 published or measured elsewhere (para / sent): Elasticsearch BM25 over pymorphy \
         lemmas (RusBEIR 2025) 0.962 / 0.824; multilingual-E5-large 0.973 / 0.888; Xapian BM25 \
         0.954 / 0.816; PostgreSQL ts_rank 0.936 / 0.787\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_follow_their_definitions() {
        let rel: HashSet<String> = ["b".to_string()].into();
        let ranked: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let (ndcg, recall, mrr) = metrics(&ranked, &rel);
        assert!((ndcg - 1.0 / 3f64.log2()).abs() < 1e-9);
        assert_eq!((recall, mrr), (1.0, 0.5));
        assert_eq!(metrics(&[], &rel), (0.0, 0.0, 0.0));
        let two: HashSet<String> = ["a".to_string(), "z".to_string()].into();
        let (ndcg, recall, _) = metrics(&ranked, &two);
        assert!((ndcg - 1.0 / (1.0 + 1.0 / 3f64.log2())).abs() < 1e-9);
        assert_eq!(recall, 0.5);
    }
}
