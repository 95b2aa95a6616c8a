//! `vestnik bench hostile`: queries written to exhaust a search engine, run against a real
//! index, each with a fresh time budget, showing that every one ends within its budget (+10%)
//! with what the command line would exit with: 0 (an answer) or 2 (a named mistake, or the
//! budget spent). The queries are vestnik's own list (sloppy phrases over the commonest words,
//! nesting, huge terms, many terms, open ranges, deep pages) or a file of them, one per line,
//! or a folder of them, one per file, as `cargo fuzz` keeps its corpus.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;

use crate::search::{Budget, SearchError, SearchRequest, Searcher, Sort};

/// How far past its budget a query may end: the target.
pub const SLACK: f64 = 0.10;

/// One query of the run, and the request options it is asked with.
#[derive(Debug, Clone)]
pub struct Hostile {
    /// What the report calls the query.
    pub name: String,
    /// The request as a front end would send it, with its time budget.
    pub request: SearchRequest,
}

fn ask(name: impl Into<String>, query: String, edit: impl FnOnce(&mut SearchRequest)) -> Hostile {
    let mut request = SearchRequest::new(query);
    edit(&mut request);
    Hostile {
        name: name.into(),
        request,
    }
}

fn repeated(word: &str, n: usize) -> String {
    vec![word; n].join(" ")
}

/// vestnik's list: each kind of request that exhausted it before it was bounded, and their
/// neighbours, over the commonest words of Russian news.
pub fn builtin() -> Vec<Hostile> {
    const COMMON: [&str; 16] = [
        "в",
        "и",
        "на",
        "с",
        "по",
        "что",
        "для",
        "о",
        "не",
        "а",
        "года",
        "из",
        "к",
        "от",
        "за",
        "Казахстан",
    ];
    let same = |_: &mut SearchRequest| {};
    let mut out = Vec::new();
    for word in ["в", "и", "Москва"] {
        for (n, slop) in [(3, 100), (10, 0), (10, 10), (10, 100), (32, 0), (32, 100)] {
            out.push(ask(
                format!("\"{word} ×{n}\"~{slop}"),
                format!("\"{}\"~{slop}", repeated(word, n)),
                same,
            ));
        }
    }
    out.push(ask(
        "\"в ×10\"~1000 (slop over the cap)",
        format!("\"{}\"~1000", repeated("в", 10)),
        same,
    ));
    out.push(ask(
        "\"Москва ×140\"~100000 (the 989-character request)",
        format!("\"{}\"~100000", repeated("Москва", 140)),
        same,
    ));
    // The commonest 15, twice: 30 words found together in most articles.
    let commonest = COMMON[..15].join(" ");
    out.push(ask(
        "\"15 common words ×2\"~100",
        format!("\"{commonest} {commonest}\"~100"),
        same,
    ));
    out.push(ask(
        "\"15 common words ×2\"~100, by date",
        format!("\"{commonest} {commonest}\"~100"),
        |r| r.sort = Sort::Date,
    ));
    out.push(ask(
        "\"в ×20\"* (prefix)",
        format!("\"{}\"*", repeated("в", 20)),
        same,
    ));
    out.push(ask(
        "12,000 nested parentheses",
        format!("{}в{}", "(".repeat(12_000), ")".repeat(12_000)),
        same,
    ));
    out.push(ask(
        "32 nested parentheses",
        format!("{}в{}", "(".repeat(32), ")".repeat(32)),
        same,
    ));
    out.push(ask(
        "NOT ×20,000",
        format!("{}в", "NOT ".repeat(20_000)),
        same,
    ));
    let distinct = |n: usize, join: &str| -> String {
        (0..n)
            .map(|i| format!("{}{i}", COMMON[i % COMMON.len()]))
            .collect::<Vec<_>>()
            .join(join)
    };
    out.push(ask("1,024 terms AND", distinct(1024, " "), same));
    out.push(ask("1,024 terms OR", distinct(1024, " OR "), same));
    out.push(ask("1,025 terms", distinct(1025, " "), same));
    out.push(ask(
        "common words OR'd, all facets, by groups",
        COMMON.join(" OR "),
        |r| r.count_groups = true,
    ));
    out.push(ask("a 100,000-letter word", "я".repeat(100_000), same));
    out.push(ask(
        "a phrase of two 50,000-letter words",
        format!("\"{0} {0}\"~5", "я".repeat(50_000)),
        same,
    ));
    out.push(ask("body:[а TO я]", "body:[а TO я]".into(), same));
    out.push(ask("title:[* TO я]", "title:[* TO я]".into(), same));
    out.push(ask(
        "field:* on every field",
        "id:* title:* body:* source:* date:* person:* org:* loc:*".into(),
        same,
    ));
    out.push(ask("zzz:*", "zzz:*".into(), same));
    // Fuzzy and prefix terms over the shortest words: each expands to a bounded set.
    out.push(ask("а* (prefix)", "а*".into(), same));
    out.push(ask("а~2 (fuzzy)", "а~2".into(), same));
    out.push(ask(
        "15 common words~2",
        COMMON[..15]
            .iter()
            .map(|w| format!("{w}~2"))
            .collect::<Vec<_>>()
            .join(" "),
        same,
    ));
    out.push(ask("person:а* (prefix)", "person:а*".into(), same));
    out.push(ask("person:а~2 (fuzzy)", "person:а~2".into(), same));
    out.push(ask(
        "a question of 30 words (relaxed)",
        COMMON
            .iter()
            .chain(&COMMON[..14])
            .map(|w| format!("{w}ский"))
            .collect::<Vec<_>>()
            .join(" "),
        same,
    ));
    out.push(ask("date:[* TO *]", "date:[* TO *]".into(), same));
    out.push(ask("person:а", "person:а".into(), same));
    out.push(ask("* at offset 2^64-1", "*".into(), |r| {
        r.offset = usize::MAX
    }));
    out.push(ask("* 100,000 hits, ungrouped", "*".into(), |r| {
        r.limit = 100_000;
        r.group = false;
    }));
    out.push(ask("* 10,000 hits deep, grouped", "*".into(), |r| {
        r.offset = 10_000;
        r.limit = 100;
    }));
    out
}

/// Queries from `path`: one per line of a file, or one per file of a folder (files that are
/// not UTF-8 are skipped, as the fuzz target skips them).
pub fn load(path: &Path) -> anyhow::Result<Vec<Hostile>> {
    let mut out = Vec::new();
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            if let Ok(text) = String::from_utf8(bytes) {
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                out.push(ask(name, text, |_| {}));
            }
        }
    } else {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        for (i, line) in text.lines().enumerate() {
            out.push(ask(format!("line {}", i + 1), line.to_string(), |_| {}));
        }
    }
    Ok(out)
}

/// How one query ended.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The query's name, as in [`Hostile::name`].
    pub name: String,
    /// What `vestnik search` would exit with: 0, 2, or 1 for anything else (a failure here).
    pub exit: u8,
    /// `ok`, `query` (a named mistake), `timeout`, or the error.
    pub ended: String,
    /// Wall-clock time to the answer or the error.
    pub seconds: f64,
    /// Articles matched, for an answer.
    pub total: Option<usize>,
}

/// What `vestnik bench hostile` measured: how each hostile query ended, and whether all ended
/// within their budget.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The index the queries ran on.
    pub index: String,
    /// Articles in that index.
    pub articles: u64,
    /// The time budget each query was given.
    pub budget_seconds: f64,
    /// Queries run.
    pub queries: usize,
    /// Queries that were answered.
    pub answered: usize,
    /// Queries refused as the user's mistake (exit 2), such as a limit exceeded.
    pub refused: usize,
    /// Queries stopped at their budget.
    pub timed_out: usize,
    /// Queries that ended in any other error: what the benchmark exists to find.
    pub failed: usize,
    /// The longest any query took.
    pub slowest_seconds: f64,
    /// The slowest query's time over the budget: the target is at most 1.10.
    pub slowest_of_budget: f64,
    /// Whether every query ended with 0 or 2 within its budget (+10%).
    pub within: bool,
    /// The peak of the process's own memory (heap and stacks) over the run.
    pub peak_anon_bytes: Option<u64>,
    /// Each query's ending, in run order.
    pub outcomes: Vec<Outcome>,
}

/// Runs every query once against `index`, each with a budget of `budget` from its start.
pub fn run(
    index: &Path,
    queries: &[Hostile],
    budget: Duration,
    progress: &mut dyn FnMut(&Outcome),
) -> anyhow::Result<Report> {
    let searcher = Searcher::open(index)?;
    // The archive's entity table is built once per index generation: not a query's work.
    searcher.search(&SearchRequest::new("*"))?;
    let peak = crate::memory::AnonPeak::start();
    let mut outcomes = Vec::new();
    for q in queries {
        let started = Instant::now();
        let result = searcher.search(&q.request.budgeted(Budget::new(budget)));
        let seconds = started.elapsed().as_secs_f64();
        let (exit, ended, total) = match result {
            Ok(r) => (0, "ok".to_string(), Some(r.total)),
            Err(SearchError::Query(_)) => (2, "query".to_string(), None),
            Err(SearchError::Timeout(_)) => (2, "timeout".to_string(), None),
            Err(e) => (1, e.to_string(), None),
        };
        let outcome = Outcome {
            name: q.name.clone(),
            exit,
            ended,
            seconds,
            total,
        };
        progress(&outcome);
        outcomes.push(outcome);
    }
    let peak_anon_bytes = peak.finish();
    let count = |f: &dyn Fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let slowest = outcomes.iter().map(|o| o.seconds).fold(0.0, f64::max);
    let budget_seconds = budget.as_secs_f64();
    let failed = count(&|o| o.exit == 1);
    Ok(Report {
        index: index.display().to_string(),
        articles: searcher.num_docs(),
        budget_seconds,
        queries: outcomes.len(),
        answered: count(&|o| o.ended == "ok"),
        refused: count(&|o| o.ended == "query"),
        timed_out: count(&|o| o.ended == "timeout"),
        failed,
        slowest_seconds: slowest,
        slowest_of_budget: slowest / budget_seconds,
        within: failed == 0 && slowest <= budget_seconds * (1.0 + SLACK),
        peak_anon_bytes,
        outcomes,
    })
}

/// The report as a table for people.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    for o in &r.outcomes {
        let total = o.total.map(|t| format!("  {t} found")).unwrap_or_default();
        out.push_str(&format!(
            "{:>8.3} s  exit {}  {:<8} {}{total}\n",
            o.seconds, o.exit, o.ended, o.name
        ));
    }
    out.push_str(&format!(
        "\n{} queries on {} articles, budget {} s: {} answered, {} refused, {} timed out, {} failed; slowest {:.3} s ({:.2} of the budget); peak memory {}\n{}\n",
        r.queries,
        r.articles,
        r.budget_seconds,
        r.answered,
        r.refused,
        r.timed_out,
        r.failed,
        r.slowest_seconds,
        r.slowest_of_budget,
        r.peak_anon_bytes
            .map(|b| format!("{:.0} MB", b as f64 / 1e6))
            .unwrap_or_else(|| "unknown".into()),
        if r.within {
            "every query ended with exit 0 or 2 within its budget (+10%)"
        } else {
            "NOT every query ended with exit 0 or 2 within its budget (+10%)"
        }
    ));
    out
}
