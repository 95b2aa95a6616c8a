//! `vestnik bench extraction`: how well the HTML reader finds the article in a web page,
//! scored on the public article-extraction benchmark (real pages and the article body a person
//! marked in each) exactly as that benchmark scores extractors, so our figure can be put beside
//! the published ones and beside other extractors run on the same machine.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use regex::Regex;
use serde::Serialize;

use crate::corpus::{self, Found, ReadOptions};

/// Shingle length the benchmark uses.
const SHINGLE: usize = 4;

/// One page's shingle counts, as fractions of their sum so every page weighs the same.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PageScore {
    /// Shingles of the reader's text also in the article marked by hand.
    pub tp: f64,
    /// Shingles of the reader's text not in the marked article (kept chrome).
    pub fp: f64,
    /// Shingles of the marked article the reader missed (`fn` is a keyword, hence the underscore).
    pub fn_: f64,
}

impl PageScore {
    /// Precision, or `None` where the page has nothing extracted to judge.
    pub fn precision(&self) -> Option<f64> {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            Some(1.0)
        } else if self.tp + self.fp == 0.0 {
            None
        } else {
            Some(self.tp / (self.tp + self.fp))
        }
    }

    /// Recall, or `None` where the page's true body has no shingle.
    pub fn recall(&self) -> Option<f64> {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            Some(1.0)
        } else if self.tp + self.fn_ == 0.0 {
            None
        } else {
            Some(self.tp / (self.tp + self.fn_))
        }
    }
}

/// The whole run: means over pages, their F1, and the speed of the reader.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Pages scored.
    pub pages: usize,
    /// F1 of the mean precision and recall, the figure the benchmark is compared by.
    pub f1: f64,
    /// Mean share of the reader's text that belongs to the article.
    pub precision: f64,
    /// Mean share of the article that the reader kept.
    pub recall: f64,
    /// Pages read per second (extraction only, not scoring); `None` when scoring a folder of
    /// texts another tool extracted.
    pub pages_per_second: Option<f64>,
    /// Per page scores, worst F1 first, for `--errors`.
    #[serde(skip)]
    pub per_page: Vec<(String, PageScore)>,
}

/// Words as the benchmark splits them: runs of Unicode word characters.
fn tokens(text: &str) -> Vec<&str> {
    // A literal pattern that always compiles; `Regex::new` cannot fail on it.
    static WORD: std::sync::OnceLock<Option<Regex>> = std::sync::OnceLock::new();
    match WORD.get_or_init(|| Regex::new(r"\w+").ok()) {
        Some(re) => re.find_iter(text).map(|m| m.as_str()).collect(),
        None => Vec::new(),
    }
}

fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let words = tokens(text);
    let mut out = HashMap::new();
    for w in words.windows(SHINGLE) {
        *out.entry(w.to_vec()).or_insert(0) += 1;
    }
    out
}

/// Scores one extraction against the true body: shingles counted by multiplicity.
pub fn score(truth: &str, extracted: &str) -> PageScore {
    let t = shingles(truth);
    let p = shingles(extracted);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += tc.min(pc);
        fn_ += tc.saturating_sub(pc);
    }
    for (k, &pc) in &p {
        fp += pc.saturating_sub(t.get(k).copied().unwrap_or(0));
    }
    let sum = (tp + fp + fn_) as f64;
    if sum == 0.0 {
        return PageScore {
            tp: 0.0,
            fp: 0.0,
            fn_: 0.0,
        };
    }
    PageScore {
        tp: tp as f64 / sum,
        fp: fp as f64 / sum,
        fn_: fn_ as f64 / sum,
    }
}

/// Means over pages and the F1 of the means, as the benchmark reports them.
pub fn summarize(per_page: Vec<(String, PageScore)>, pages_per_second: Option<f64>) -> Report {
    let mean = |v: Vec<f64>| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let precision = mean(per_page.iter().filter_map(|(_, s)| s.precision()).collect());
    let recall = mean(per_page.iter().filter_map(|(_, s)| s.recall()).collect());
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let mut per_page = per_page;
    per_page.sort_by(|a, b| page_f1(&a.1).total_cmp(&page_f1(&b.1)).then(a.0.cmp(&b.0)));
    Report {
        pages: per_page.len(),
        f1,
        precision,
        recall,
        pages_per_second,
        per_page,
    }
}

/// One page's F1, for ordering the error list.
pub fn page_f1(s: &PageScore) -> f64 {
    let (p, r) = (s.precision().unwrap_or(0.0), s.recall().unwrap_or(0.0));
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// The true article bodies, by page key.
pub fn ground_truth(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let path = dir.join("ground-truth.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let map: HashMap<String, serde_json::Value> = serde_json::from_str(&text)
        .with_context(|| format!("{} is not the benchmark's JSON", path.display()))?;
    let mut out: Vec<(String, String)> = map
        .into_iter()
        .map(|(k, v)| {
            let body = v["articleBody"].as_str().unwrap_or("").to_string();
            (k, body)
        })
        .collect();
    out.sort();
    Ok(out)
}

/// The body `vestnik index` would store for one page: the same reader, the same inference
/// (so a title the reader finds is kept out of the body, as in the index).
pub fn index_body(html: &[u8], key: &str) -> String {
    let found = Found {
        path: PathBuf::from(format!("{key}.html")),
        root: PathBuf::new(),
    };
    let contents = corpus::parse(html, &found, &ReadOptions::default());
    contents
        .articles
        .into_iter()
        .map(|a| a.body)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Reads every page of `dir` with vestnik's HTML reader and scores it; with `dump`, also
/// writes each extraction there as `<key>.txt` for reading the misses.
pub fn run(dir: &Path, dump: Option<&Path>) -> anyhow::Result<Report> {
    let truth = ground_truth(dir)?;
    let mut pages = Vec::with_capacity(truth.len());
    for (key, body) in truth {
        let path = dir.join("html").join(format!("{key}.html.gz"));
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let mut html = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut html)
            .with_context(|| format!("{} is not gzip", path.display()))?;
        pages.push((key, body, html));
    }
    let start = Instant::now();
    let extracted: Vec<String> = pages.iter().map(|(k, _, h)| index_body(h, k)).collect();
    let seconds = start.elapsed().as_secs_f64();
    if let Some(out) = dump {
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        for ((key, _, _), text) in pages.iter().zip(&extracted) {
            let path = out.join(format!("{key}.txt"));
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    let per_page = pages
        .iter()
        .zip(&extracted)
        .map(|((k, body, _), got)| (k.clone(), score(body, got)))
        .collect::<Vec<_>>();
    let rate = (seconds > 0.0).then(|| per_page.len() as f64 / seconds);
    Ok(summarize(per_page, rate))
}

/// Scores texts another extractor wrote, one `<key>.txt` per page in `texts` (a missing file
/// counts as an empty extraction), against the truth in `dir`.
pub fn score_texts(dir: &Path, texts: &Path) -> anyhow::Result<Report> {
    let truth = ground_truth(dir)?;
    let per_page = truth
        .into_iter()
        .map(|(key, body)| {
            let got = std::fs::read_to_string(texts.join(format!("{key}.txt"))).unwrap_or_default();
            let s = score(&body, &got);
            (key, s)
        })
        .collect();
    Ok(summarize(per_page, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one() {
        let s = score("один два три четыре пять", "один, два три — четыре пять!");
        assert_eq!(s.precision(), Some(1.0));
        assert_eq!(s.recall(), Some(1.0));
    }

    #[test]
    fn extra_furniture_lowers_precision_only() {
        // 2 true shingles; 10 extracted tokens make 7, of which the 2 true ones.
        let s = score("a b c d e", "a b c d e Читайте также другие новости дня");
        assert_eq!(s.recall(), Some(1.0));
        let p = s.precision().unwrap_or(0.0);
        assert!((p - 2.0 / 7.0).abs() < 1e-9, "{p}");
    }

    #[test]
    fn empty_extraction_is_left_out_of_precision() {
        let s = score("a b c d e", "");
        assert_eq!(s.precision(), None);
        assert_eq!(s.recall(), Some(0.0));
        let r = summarize(vec![("x".into(), s)], None);
        assert_eq!(r.precision, 0.0);
        assert_eq!(r.f1, 0.0);
    }
}
