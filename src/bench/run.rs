//! `vestnik bench run`: indexing with and without entity extraction (each in a child process,
//! so its peak memory is its own), the read-and-analyse floor, index size, and warm query
//! latency over a fixed mix shared with the peer scripts in `benches/peers/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Context;
use serde::Serialize;

use super::stats::{Percentiles, percentiles};
use crate::corpus::{self, ReadOptions};
use crate::search::{FacetKind, SearchRequest, Searcher, Sort};

/// The mix, one line per query; the peer scripts read the same file.
const QUERY_MIX: &str = include_str!("../../benches/peers/queries.tsv");

/// Runs of each query before timing, so that caches are warm as in a long-running service.
const WARMUP: usize = 5;

/// One query of the mix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuerySpec {
    /// What the report calls the query.
    pub name: String,
    /// In vestnik's query language.
    pub query: String,
    /// The plain words peers search for (they have no entity fields).
    pub words: String,
    /// hits, phrase, date_facets, source_facet or sort_date.
    pub mode: String,
}

/// The shipped query mix.
pub fn query_mix() -> Vec<QuerySpec> {
    QUERY_MIX
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some(QuerySpec {
                name: cols.next()?.to_string(),
                query: cols.next()?.to_string(),
                words: cols.next()?.to_string(),
                mode: cols.next()?.to_string(),
            })
        })
        .collect()
}

/// The request a query of the mix makes: a page of 10 hits with snippets, as `vestnik search`
/// shows, and facets only where the mix asks for them.
pub fn request(spec: &QuerySpec) -> SearchRequest {
    let mut req = SearchRequest::new(spec.query.as_str());
    req.facets = match spec.mode.as_str() {
        "date_facets" => vec![FacetKind::Source, FacetKind::Date],
        "source_facet" => vec![FacetKind::Source],
        "entity_facets" => FacetKind::ALL.to_vec(),
        _ => Vec::new(),
    };
    if spec.mode.ends_with("_facet") || spec.mode == "entity_facets" {
        req.limit = 0;
    }
    if spec.mode == "sort_date" {
        req.sort = Sort::Date;
    }
    req
}

/// What reading and analysing the text alone costs: files parsed into articles, title and body
/// run through the Russian analyzer, nothing written. Indexing cannot be faster than this.
#[derive(Debug, Clone, Serialize)]
pub struct Floor {
    /// Wall-clock time of the pass.
    pub seconds: f64,
    /// Articles read.
    pub articles: u64,
    /// Bytes of title and body analysed.
    pub text_bytes: u64,
    /// Tokens the analyzer produced.
    pub tokens: u64,
    /// Text throughput, in MB of title and body a second.
    pub mb_per_s: f64,
}

/// The floor on one core.
pub fn floor(corpus_dir: &Path) -> Floor {
    let started = Instant::now();
    let (files, _) = corpus::walk(&[corpus_dir.to_path_buf()], &[]);
    let mut analyzer = crate::analysis::russian_analyzer();
    let (mut articles, mut text_bytes, mut tokens) = (0u64, 0u64, 0u64);
    for found in &files {
        for a in corpus::read(found, &ReadOptions::default()).articles {
            articles += 1;
            text_bytes += (a.title.len() + a.body.len()) as u64;
            for text in [&a.title, &a.body] {
                let mut stream = analyzer.token_stream(text);
                while stream.advance() {
                    tokens += 1;
                }
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    Floor {
        seconds,
        articles,
        text_bytes,
        tokens,
        mb_per_s: text_bytes as f64 / 1e6 / seconds,
    }
}

/// One `vestnik index` run.
#[derive(Debug, Clone, Serialize)]
pub struct IndexRun {
    /// Whether entities were extracted (the slower, full index).
    pub entities: bool,
    /// Wall-clock time of the run.
    pub seconds: f64,
    /// Articles indexed.
    pub articles: u64,
    /// Indexing rate.
    pub articles_per_s: f64,
    /// Text throughput, in MB of title and body a second.
    pub mb_per_s: f64,
    /// The indexer's peak resident memory, mapped files included.
    pub peak_rss_bytes: Option<u64>,
    /// The peak of the indexer's own memory, without mapped index files.
    pub peak_anon_bytes: Option<u64>,
    /// Size of the index on disk.
    pub index_bytes: u64,
    /// Index size over the bytes of title and text it holds.
    pub size_to_text: f64,
}

/// Builds a fresh index of `corpus_dir` in `index_dir` with `exe` (this binary).
pub fn index_run(
    exe: &Path,
    corpus_dir: &Path,
    index_dir: &Path,
    entities: bool,
    memory: Option<&str>,
) -> anyhow::Result<IndexRun> {
    if index_dir.exists() {
        std::fs::remove_dir_all(index_dir)
            .with_context(|| format!("cannot clear {}", index_dir.display()))?;
    }
    let mut cmd = Command::new(exe);
    cmd.arg("index")
        .arg(corpus_dir)
        .arg("--index")
        .arg(index_dir)
        .args(["--format", "json"]);
    if !entities {
        cmd.arg("--no-entities");
    }
    if let Some(m) = memory {
        cmd.args(["--memory", m]);
    }
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    if !out.status.success() {
        anyhow::bail!(
            "`vestnik index` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout)
        .context("`vestnik index --format json` printed no JSON summary")?;
    let num = |k: &str| summary.get(k).and_then(|v| v.as_f64()).unwrap_or(0.0);
    let seconds = num("seconds");
    let text_bytes = num("text_bytes");
    let index_bytes = dir_size(index_dir);
    Ok(IndexRun {
        entities,
        seconds,
        articles: num("articles") as u64,
        articles_per_s: num("articles") / seconds,
        mb_per_s: text_bytes / 1e6 / seconds,
        peak_rss_bytes: summary.get("peak_rss_bytes").and_then(|v| v.as_u64()),
        peak_anon_bytes: summary.get("peak_anon_bytes").and_then(|v| v.as_u64()),
        index_bytes,
        size_to_text: index_bytes as f64 / text_bytes.max(1.0),
    })
}

/// Bytes of all files under `dir`.
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// Latency of one query of the mix.
#[derive(Debug, Clone, Serialize)]
pub struct QueryRun {
    /// What the report calls the query.
    pub name: String,
    /// The query text as asked.
    pub query: String,
    /// Articles matched.
    pub total: usize,
    /// Its timings over the iterations, after warm-up.
    #[serde(flatten)]
    pub latency: Percentiles,
    /// Every timed run, in milliseconds, for the whole mix's percentiles ([`mix`]).
    #[serde(skip)]
    pub runs_ms: Vec<f64>,
}

/// The percentiles of every timed run of every query together: the latency of the mix as a
/// stream of queries in equal parts would see it. `None` without runs.
pub fn mix(queries: &[QueryRun]) -> Option<Percentiles> {
    percentiles(
        queries
            .iter()
            .flat_map(|q| q.runs_ms.iter().copied())
            .collect(),
    )
}

/// Runs each query of the mix `iterations` times, warm, on one thread.
pub fn query_runs(index_dir: &Path, iterations: usize) -> anyhow::Result<Vec<QueryRun>> {
    let searcher = Searcher::open(index_dir)?;
    query_runs_with(&mut |req| Ok(searcher.search(req)?), iterations)
}

/// [`query_runs`] answered by `search`: the local index, or an engine (`--engine`).
pub fn query_runs_with(
    search: &mut dyn FnMut(&SearchRequest) -> anyhow::Result<crate::search::SearchResult>,
    iterations: usize,
) -> anyhow::Result<Vec<QueryRun>> {
    let mut out = Vec::new();
    for spec in query_mix() {
        let req = request(&spec);
        let mut total = 0;
        for _ in 0..WARMUP {
            total = search(&req)?.total;
        }
        let mut ms = Vec::with_capacity(iterations);
        for _ in 0..iterations.max(1) {
            let t = Instant::now();
            let result = search(&req)?;
            ms.push(t.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(result);
        }
        let latency = percentiles(ms.clone()).context("no timings")?;
        out.push(QueryRun {
            name: spec.name,
            query: spec.query,
            total,
            latency,
            runs_ms: ms,
        });
    }
    Ok(out)
}

/// Everything `vestnik bench run` measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The corpus indexed and searched.
    pub corpus: PathBuf,
    /// Cores the machine has, which the figures depend on.
    pub cores: usize,
    /// The indexing figures; absent when only queries were timed on an existing index.
    pub indexing: Option<Indexing>,
    /// Each query of the mix, timed.
    pub queries: Vec<QueryRun>,
}

/// The indexing figures: the floor, and indexing without and with entities against it.
#[derive(Debug, Clone, Serialize)]
pub struct Indexing {
    /// Reading and analysing alone, the least indexing can cost.
    pub floor: Floor,
    /// Indexing without entity extraction.
    pub plain: IndexRun,
    /// Indexing with entity extraction, as `vestnik index` does by default.
    pub entities: IndexRun,
    /// Indexing time over the single-core floor, without and with extraction.
    pub plain_to_floor: f64,
    /// The same ratio with extraction.
    pub entities_to_floor: f64,
}

/// Options for [`run`].
pub struct RunOptions {
    /// The corpus to index and search.
    pub corpus: PathBuf,
    /// Where the two indexes are built.
    pub work: PathBuf,
    /// The `vestnik` binary to run, so that indexing is timed as users run it.
    pub exe: PathBuf,
    /// Timed runs of each query, after warm-up.
    pub iterations: usize,
    /// Passed to `vestnik index --memory`, to time indexing within a memory limit.
    pub memory: Option<String>,
    /// Time the queries on the index a previous run left in `work`.
    pub queries_only: bool,
}

/// The whole benchmark; `step` is told what starts next.
pub fn run(opts: &RunOptions, step: &mut dyn FnMut(&str)) -> anyhow::Result<Report> {
    let full_dir = opts.work.join("index-entities");
    let indexing = if opts.queries_only {
        None
    } else {
        Some(indexing(opts, &full_dir, step)?)
    };
    step("queries");
    let queries = query_runs(&full_dir, opts.iterations)?;
    Ok(Report {
        corpus: opts.corpus.clone(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        indexing,
        queries,
    })
}

fn indexing(
    opts: &RunOptions,
    full_dir: &Path,
    step: &mut dyn FnMut(&str),
) -> anyhow::Result<Indexing> {
    std::fs::create_dir_all(&opts.work)
        .with_context(|| format!("cannot create {}", opts.work.display()))?;
    step("read and analyse only (1 core)");
    let floor = floor(&opts.corpus);
    if floor.articles == 0 {
        anyhow::bail!("no articles in {}", opts.corpus.display());
    }
    let memory = opts.memory.as_deref();
    step("index without entity extraction");
    let plain_dir = opts.work.join("index-plain");
    let plain = index_run(&opts.exe, &opts.corpus, &plain_dir, false, memory)?;
    std::fs::remove_dir_all(&plain_dir).ok();
    step("index with entity extraction");
    let entities = index_run(&opts.exe, &opts.corpus, full_dir, true, memory)?;
    Ok(Indexing {
        plain_to_floor: plain.seconds / floor.seconds,
        entities_to_floor: entities.seconds / floor.seconds,
        floor,
        plain,
        entities,
    })
}

/// The report as a table for people.
pub fn table(r: &Report) -> String {
    let mut s = String::new();
    if let Some(ix) = &r.indexing {
        s += &indexing_table(ix, r.cores);
    }
    s += "| query | matches | p50 ms | p95 ms | p99 ms |\n| --- | --- | ---: | ---: | ---: |\n";
    for q in &r.queries {
        s += &format!(
            "| {} `{}` | {} | {:.3} | {:.3} | {:.3} |\n",
            q.name, q.query, q.total, q.latency.p50_ms, q.latency.p95_ms, q.latency.p99_ms
        );
    }
    if let Some(m) = mix(&r.queries) {
        s += &format!(
            "| the mix (every run of every query) | | {:.3} | {:.3} | {:.3} |\n",
            m.p50_ms, m.p95_ms, m.p99_ms
        );
    }
    s
}

fn indexing_table(ix: &Indexing, cores: usize) -> String {
    let mb = |b: Option<u64>| b.map_or("n/a".to_string(), |b| format!("{:.0} MB", b as f64 / 1e6));
    let mut s = format!(
        "{} articles, {:.1} MB of text, {} cores\n\n",
        ix.floor.articles,
        ix.floor.text_bytes as f64 / 1e6,
        cores
    );
    s += "| pass | seconds | articles/s | MB/s | peak RSS (own) | index size | × floor |\n";
    s += "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    s += &format!(
        "| read + analyse only (floor, 1 core) | {:.2} | {:.0} | {:.1} | | | 1.00 |\n",
        ix.floor.seconds,
        ix.floor.articles as f64 / ix.floor.seconds,
        ix.floor.mb_per_s
    );
    for (name, run, ratio) in [
        ("index, no entities", &ix.plain, ix.plain_to_floor),
        ("index with entities", &ix.entities, ix.entities_to_floor),
    ] {
        s += &format!(
            "| {name} | {:.2} | {:.0} | {:.1} | {} ({}) | {:.0} MB ({:.2}× text) | {:.2} |\n",
            run.seconds,
            run.articles_per_s,
            run.mb_per_s,
            mb(run.peak_rss_bytes),
            mb(run.peak_anon_bytes),
            run.index_bytes as f64 / 1e6,
            run.size_to_text,
            ratio
        );
    }
    s += "\n";
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_has_every_kind_of_query_the_issue_names() {
        let mix = query_mix();
        let names: Vec<&str> = mix.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "word",
                "and",
                "phrase",
                "person",
                "org",
                "date_facets",
                "source_facet",
                "sort_date",
                "entity_facets",
                "relaxed"
            ]
        );
        let facets: Vec<usize> = mix.iter().map(|q| request(q).facets.len()).collect();
        assert_eq!(facets, [0, 0, 0, 0, 0, 2, 1, 0, 5, 0]);
        assert_eq!(request(&mix[5]).limit, 10);
        assert_eq!(request(&mix[6]).limit, 0);
        assert_eq!(request(&mix[7]).sort, Sort::Date);
        assert_eq!(request(&mix[8]).limit, 0);
        assert!(mix.iter().all(|q| q.query == "*" || !q.words.is_empty()));
    }
}
