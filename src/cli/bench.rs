//! `vestnik bench corpus`, `run`, `groups`, `extraction` and `hostile`.

use std::io::{self, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::bench::{corpus, groups, hostile, ir, run};

#[derive(clap::Args)]
pub(super) struct BenchArgs {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(clap::Subcommand)]
enum BenchCommand {
    /// Write a deterministic corpus of N articles recombined from real news paragraphs
    Corpus(CorpusArgs),
    /// Measure indexing (with and without entities), index size and query latency on a corpus
    Run(RunArgs),
    /// Time the query mix through a distributed engine holding an export (`--engine`), as
    /// `vestnik search --engine` answers it
    Engine(EngineBenchArgs),
    /// Score the grouping of republished versions on real articles and edited copies of them
    Groups(GroupsArgs),
    /// Score the HTML reader on real web pages against the article a person marked in each
    Extraction(super::extraction::ExtractionArgs),
    /// Run queries written to exhaust the engine, each with a time budget, and show that every
    /// one ends within it (+10%) with exit 0 or 2
    Hostile(HostileArgs),
    /// Score ranking on XQuAD-ru (Russian questions people wrote on Wikipedia paragraphs):
    /// nDCG@10, Recall@100 and MRR@10 on its paragraphs and its sentences
    Ir(IrArgs),
}

#[derive(clap::Args)]
struct IrArgs {
    /// The XQuAD-ru folder, holding para/ and sent/
    #[arg(default_value = "../shared/data/ir/xquad-ru")]
    dir: PathBuf,
    /// Search as `vestnik search --strict` (every word required)
    #[arg(long)]
    strict: bool,
    /// Print the figures as JSON
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct HostileArgs {
    /// Index to query
    #[arg(long)]
    index: PathBuf,
    /// Each query's budget in seconds, as `vestnik search --timeout`
    #[arg(long, value_name = "SECS", default_value = super::flags::DEFAULT_TIMEOUT, value_parser = super::flags::Timeout::parse)]
    timeout: super::flags::Timeout,
    /// Queries to run instead of the built-in list: a file (one per line) or a folder (one
    /// per file, as a `cargo fuzz` corpus)
    #[arg(long, value_name = "PATH")]
    queries: Option<PathBuf>,
    /// Print the figures as JSON
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct GroupsArgs {
    /// Folder of .jsonl articles to copy and edit
    #[arg(long, default_value = "../shared/data/ner")]
    from: PathBuf,
    /// The same seed gives the same copies
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print the scores as JSON
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct CorpusArgs {
    /// Number of articles
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    docs: u64,
    /// New or empty folder to write part-NNNNN.jsonl files into
    #[arg(long)]
    out: PathBuf,
    /// Folder of .jsonl articles whose paragraphs are recombined
    #[arg(long, default_value = "../shared/data/ner")]
    from: PathBuf,
    /// The same seed gives the same corpus
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(clap::Args)]
struct EngineBenchArgs {
    /// Timed runs of each query
    #[arg(long, default_value_t = 50)]
    iterations: usize,
    #[command(flatten)]
    engine: super::engine::EngineArgs,
}

fn engine_command(args: EngineBenchArgs) -> anyhow::Result<()> {
    let Some(engine) = args.engine.open()? else {
        anyhow::bail!("give --engine sphinxql://HOST:PORT and --engine-dir DIR");
    };
    let queries = run::query_runs_with(&mut |req| engine.search(req), args.iterations)?;
    let report = run::Report {
        corpus: PathBuf::new(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        indexing: None,
        queries,
    };
    print!("{}", run::table(&report));
    Ok(())
}

#[derive(clap::Args)]
struct RunArgs {
    /// Corpus folder (e.g. one written by `vestnik bench corpus`)
    corpus: PathBuf,
    /// Folder for the indexes the benchmark builds
    #[arg(long, default_value = "bench-work")]
    work: PathBuf,
    /// Timed runs of each query
    #[arg(long, default_value_t = 200)]
    iterations: usize,
    /// Passed to `vestnik index --memory`
    #[arg(long)]
    memory: Option<String>,
    /// Only time the queries, on the index a previous run left in WORK
    #[arg(long)]
    queries_only: bool,
    /// Where the figures are written as JSON [default: WORK/bench.json]
    #[arg(long)]
    json: Option<PathBuf>,
}

pub(super) fn bench_command(args: BenchArgs) -> anyhow::Result<()> {
    match args.command {
        BenchCommand::Corpus(a) => corpus_command(a),
        BenchCommand::Run(a) => run_command(a),
        BenchCommand::Engine(a) => engine_command(a),
        BenchCommand::Groups(a) => groups_command(a),
        BenchCommand::Extraction(a) => super::extraction::extraction_command(a),
        BenchCommand::Hostile(a) => hostile_command(a),
        BenchCommand::Ir(a) => ir_command(a),
    }
}

fn ir_command(args: IrArgs) -> anyhow::Result<()> {
    let report = ir::run(&args.dir, args.strict, &mut |step| {
        eprintln!("bench ir: {step}...")
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", ir::table(&report));
    }
    Ok(())
}

fn hostile_command(args: HostileArgs) -> anyhow::Result<()> {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; build with --release for figures that mean anything"
        );
    }
    let Some(budget) = args.timeout.0 else {
        anyhow::bail!("give each query a budget: --timeout SECS above 0");
    };
    let queries = match &args.queries {
        Some(path) => hostile::load(path)?,
        None => hostile::builtin(),
    };
    let report = hostile::run(&args.index, &queries, budget, &mut |o| {
        eprintln!("{:>8.3} s  exit {}  {}", o.seconds, o.exit, o.name)
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", hostile::table(&report));
    }
    if !report.within {
        anyhow::bail!("not every query ended with exit 0 or 2 within its budget (+10%)");
    }
    Ok(())
}

fn groups_command(args: GroupsArgs) -> anyhow::Result<()> {
    let originals = groups::originals(&args.from).with_context(|| {
        format!(
            "cannot load the source articles (give their folder with --from; default {})",
            args.from.display()
        )
    })?;
    let work = tempfile_dir()?;
    let scores = groups::evaluate(&originals, args.seed, work.path())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&scores)?);
    } else {
        println!(
            "{} articles ({} originals and their edited copies): {} true pairs, {} predicted, {} correct\nprecision {:.3}  recall {:.3}",
            scores.articles,
            originals.len(),
            scores.true_pairs,
            scores.predicted_pairs,
            scores.correct_pairs,
            scores.precision,
            scores.recall
        );
    }
    Ok(())
}

/// A scratch folder removed when dropped.
fn tempfile_dir() -> anyhow::Result<TempDir> {
    let path = std::env::temp_dir().join(format!("vestnik-groups-{}", std::process::id()));
    std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(TempDir(path))
}

struct TempDir(PathBuf);

impl TempDir {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn corpus_command(args: CorpusArgs) -> anyhow::Result<()> {
    let pool = corpus::Pool::load(&args.from).with_context(|| {
        format!(
            "cannot load the source articles (give their folder with --from; default {})",
            args.from.display()
        )
    })?;
    let bar = if io::stderr().is_terminal() {
        ProgressBar::new(args.docs)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("writing [{bar:30}] {pos}/{len} articles {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let written = corpus::write(&pool, args.seed, args.docs, &args.out, &mut |n| {
        bar.set_position(n)
    })?;
    bar.finish_and_clear();
    eprintln!(
        "{} articles in {} files in {} ({:.1} MB of text, {:.1} MB of JSONL), from {} paragraphs and {} titles",
        written.articles,
        written.files,
        args.out.display(),
        written.text_bytes as f64 / 1e6,
        written.jsonl_bytes as f64 / 1e6,
        pool.paragraphs.len(),
        pool.titles.len()
    );
    Ok(())
}

fn run_command(args: RunArgs) -> anyhow::Result<()> {
    if !args.corpus.is_dir() {
        anyhow::bail!(
            "{} is not a folder; write one with `vestnik bench corpus --docs N --out DIR`",
            args.corpus.display()
        );
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; build with --release for figures that mean anything"
        );
    }
    let opts = run::RunOptions {
        corpus: args.corpus.clone(),
        work: args.work.clone(),
        exe: std::env::current_exe().context("cannot find the vestnik binary")?,
        iterations: args.iterations,
        memory: args.memory,
        queries_only: args.queries_only,
    };
    let report = run::run(&opts, &mut |step| eprintln!("bench: {step}..."))?;
    print!("{}", run::table(&report));
    let json = args.json.unwrap_or_else(|| args.work.join("bench.json"));
    std::fs::write(&json, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("cannot write {}", json.display()))?;
    eprintln!("figures written to {}", json.display());
    Ok(())
}
