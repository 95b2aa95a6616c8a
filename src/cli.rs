//! Command-line arguments and how each command reports to people: progress, summaries and
//! errors. All real work happens in the library modules.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::corpus::{self, ReadOptions};
use crate::entities;
use crate::index::{self, BuildOptions, BuildSummary, Progress};
use crate::output::{self, Format, Parts, Style};
use crate::search::{DateBucket, SearchError, SearchRequest, Searcher, Sort};

const DEFAULT_CORPUS: &str = "corpus";
const DEFAULT_INDEX: &str = "index";

#[derive(Parser)]
#[command(
    name = "vestnik",
    version,
    about = "Full-text search for Russian press releases and news archives"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Index folders or files of articles (.txt, .md, .json, .jsonl, .html), replacing what the
    /// index held.
    Index(IndexArgs),
    /// Search the index; see the README for the query language.
    Search(SearchArgs),
    /// List the people, organizations and places of the articles matching a query, with counts
    /// and the forms they were written in
    Entities(EntitiesArgs),
    /// Score the entity extractor on gold-annotated JSONL (the ../shared/data/ner format)
    EvalNer(EvalNerArgs),
    /// Train the entity model on gold-annotated JSONL (for developers; the model ships in the binary)
    TrainNer(TrainNerArgs),
}

#[derive(clap::Args)]
struct EntitiesArgs {
    /// Query selecting the articles (default: all of them)
    #[arg(default_value = "*", allow_hyphen_values = true)]
    query: String,
    /// Only this kind of entity
    #[arg(long = "type", value_enum)]
    kind: Option<EntityKindArg>,
    /// How many of each kind to list
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Index to read [default: index, built from corpus/ when missing]
    #[arg(long)]
    index: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EntityKindArg {
    Person,
    Org,
    Loc,
}

#[derive(clap::Args)]
struct EvalNerArgs {
    /// Gold file, one article per line with "text" and "entities"
    file: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Use this model file instead of the one built in
    #[arg(long)]
    model: Option<PathBuf>,
}

#[derive(clap::Args)]
struct TrainNerArgs {
    /// Gold files to train on
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where to write the model
    #[arg(long)]
    out: PathBuf,
    /// Passes over the training data
    #[arg(long, default_value_t = 8)]
    epochs: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
struct IndexArgs {
    /// Folders or files to read [default: corpus]
    paths: Vec<PathBuf>,
    /// Where the index lives
    #[arg(long, default_value = DEFAULT_INDEX)]
    index: PathBuf,
    /// Start from an empty index instead of updating the existing one
    #[arg(long)]
    rebuild: bool,
    /// Read every file in this encoding instead of detecting it (e.g. cp1251, koi8-r, utf-16le)
    #[arg(long, value_parser = parse_encoding)]
    encoding: Option<&'static corpus::Encoding>,
    /// Skip files larger than this (bytes, or with K, M or G)
    #[arg(long, default_value = "20M", value_parser = parse_size)]
    max_size: u64,
    /// Exit with status 1 when any file or record is skipped
    #[arg(long)]
    strict: bool,
    /// Commit after this many written articles (a crash loses at most one interval)
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    commit_every: u64,
    /// Commit at least this often, in seconds, while articles are being written
    #[arg(long, default_value_t = 30)]
    commit_interval: u64,
    /// Do not extract people, organizations and places (faster; no entity search or facets)
    #[arg(long)]
    no_entities: bool,
    /// An alias file joining equivalent entity names, added to the shipped table
    #[arg(long, value_name = "FILE")]
    aliases: Option<PathBuf>,
}

fn parse_encoding(label: &str) -> Result<&'static corpus::Encoding, String> {
    corpus::encoding_for_label(label)
        .ok_or_else(|| format!("unknown encoding '{label}' (try utf-8, cp1251, koi8-r, utf-16le)"))
}

/// "20M", "512K", "1G" or plain bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size (e.g. 20M, 512K, 1000000)"))?;
    let mult = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(format!("'{s}' is not a size (e.g. 20M, 512K, 1000000)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("'{s}' is too large"))
}

#[derive(clap::Args)]
struct SearchArgs {
    /// Query, e.g. 'права детей', '"защита детей"~2', 'title:ЮНИСЕФ AND date:2024'; * matches all
    #[arg(allow_hyphen_values = true)]
    query: String,
    /// Index to search [default: index, built from corpus/ when missing]
    #[arg(long)]
    index: Option<PathBuf>,
    /// Only articles from this source (repeat for several)
    #[arg(long = "source", value_name = "SOURCE")]
    sources: Vec<String>,
    /// Only articles naming this person, in any case form, in part or in Latin letters (repeat for several)
    #[arg(long = "person", value_name = "NAME")]
    persons: Vec<String>,
    /// Only articles naming this organization (aliases count: UNICEF = ЮНИСЕФ)
    #[arg(long = "org", value_name = "NAME")]
    orgs: Vec<String>,
    /// Only articles naming this place
    #[arg(long = "loc", value_name = "NAME")]
    locs: Vec<String>,
    /// How many people, organizations and places the entity facets list
    #[arg(long, default_value_t = 10)]
    facet_size: usize,
    /// Only articles on or after this date (YYYY-MM-DD)
    #[arg(long, value_parser = parse_day)]
    from: Option<NaiveDate>,
    /// Only articles on or before this date (YYYY-MM-DD)
    #[arg(long, value_parser = parse_day)]
    to: Option<NaiveDate>,
    /// Order of hits
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    sort: Sort,
    /// Hits per page
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Hits to skip (for paging)
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Date facet buckets
    #[arg(long, value_enum, default_value_t = DateBucket::Year)]
    by: DateBucket,
    /// Print only the total and facets
    #[arg(long)]
    facets_only: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    crate::corpus::infer::parse_date(s)
        .ok_or_else(|| format!("'{s}' is not a date (use YYYY-MM-DD)"))
}

/// Exit status for an error: 2 for a query the user must fix, 1 for everything else.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<SearchError>() {
        Some(SearchError::Query(_)) => 2,
        _ => 1,
    }
}

pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index(args) => index_command(args),
        Command::Search(args) => search_command(args),
        Command::Entities(args) => entities_command(args),
        Command::EvalNer(args) => eval_ner_command(args),
        Command::TrainNer(args) => train_ner_command(args),
    };
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

/// `vestnik search ... | head` closes the pipe early; that is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn index_command(args: IndexArgs) -> anyhow::Result<()> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(DEFAULT_CORPUS)]
    } else {
        args.paths
    };
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        anyhow::bail!(
            "{} does not exist; give the folders or files to index, e.g. `vestnik index corpus/`",
            missing.display()
        );
    }
    let opts = BuildOptions {
        rebuild: args.rebuild,
        read: ReadOptions {
            encoding: args.encoding,
            max_size: args.max_size,
        },
        commit_every: args.commit_every as usize,
        commit_interval: Duration::from_secs(args.commit_interval),
        entities: !args.no_entities,
        aliases: load_aliases(args.aliases.as_deref())?,
    };
    let summary = index::build(&paths, &args.index, &opts, &TerminalProgress::new())?;
    report(&summary);
    if args.strict && !summary.skipped.is_empty() {
        anyhow::bail!(
            "{} skipped and --strict was given",
            plural(summary.skipped.len(), "file or record")
        );
    }
    Ok(())
}

fn load_aliases(file: Option<&Path>) -> anyhow::Result<entities::Aliases> {
    let mut aliases = entities::Aliases::shipped();
    if let Some(file) = file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the alias file {}", file.display()))?;
        aliases
            .add(&text)
            .with_context(|| format!("alias file {}", file.display()))?;
    }
    Ok(aliases)
}

fn report(s: &BuildSummary) {
    eprintln!(
        "{} in {}: {} added, {} updated, {} deleted, {} unchanged; {} written, {} in the index ({} of text read) in {:.2} s",
        plural(s.files, "file"),
        s.index_dir.display(),
        s.added,
        s.updated,
        s.deleted,
        s.unchanged,
        plural(s.written, "article"),
        s.articles,
        human_bytes(s.bytes),
        s.elapsed.as_secs_f64()
    );
    if s.skipped.is_empty() {
        return;
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for skip in &s.skipped {
        *kinds.entry(skip.reason.kind()).or_default() += 1;
    }
    let by_kind: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    eprintln!("Skipped {} ({}):", s.skipped.len(), by_kind.join(", "));
    for skip in &s.skipped {
        eprintln!("  {skip}");
    }
}

fn read_gold(path: &Path) -> anyhow::Result<Vec<entities::GoldArticle>> {
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

fn eval_ner_command(args: EvalNerArgs) -> anyhow::Result<()> {
    let gold = read_gold(&args.file)?;
    let owned;
    let extractor = match &args.model {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            owned = entities::Extractor::with_model(&bytes)
                .with_context(|| format!("{} is not a vestnik entity model", path.display()))?;
            &owned
        }
        None => entities::Extractor::shipped(),
    };
    // Load the dictionary before the clock starts: it is a one-time cost per process.
    extractor.extract("Москва");
    let started = std::time::Instant::now();
    let mut tally = entities::Tally::default();
    for article in &gold {
        tally.add(article, &extractor.extract(&article.text));
    }
    let scores = tally.scores(gold.len(), started.elapsed().as_secs_f64());
    let mut out = io::stdout().lock();
    match args.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &scores)?;
            writeln!(out)?;
        }
        ReportFormat::Text => {
            writeln!(
                out,
                "{:<5} {:>9} {:>7} {:>6} {:>8}",
                "type", "precision", "recall", "F1", "support"
            )?;
            for (label, s) in [
                ("PER", scores.per),
                ("ORG", scores.org),
                ("LOC", scores.loc),
            ] {
                writeln!(
                    out,
                    "{label:<5} {:>9.3} {:>7.3} {:>6.3} {:>8}",
                    s.precision, s.recall, s.f1, s.support
                )?;
            }
            match scores.norm_accuracy {
                Some(a) => writeln!(out, "norm_accuracy {a:.3}")?,
                None => writeln!(out, "norm_accuracy n/a (no gold norms)")?,
            }
            writeln!(
                out,
                "articles/s    {:.1} ({} articles)",
                scores.articles_per_s,
                gold.len()
            )?;
        }
    }
    Ok(())
}

fn train_ner_command(args: TrainNerArgs) -> anyhow::Result<()> {
    let mut gold = Vec::new();
    for f in &args.files {
        gold.extend(read_gold(f)?);
    }
    eprintln!(
        "Training on {} articles for {} epochs",
        gold.len(),
        args.epochs
    );
    let model = entities::train(&gold, args.epochs, |epoch, errors| {
        eprintln!("  epoch {}: {errors} token errors", epoch + 1);
    });
    std::fs::write(&args.out, &model)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    eprintln!(
        "Wrote {} ({})",
        args.out.display(),
        human_bytes(model.len() as u64)
    );
    Ok(())
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn human_bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.0} KB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

/// The index a query command reads: the one given, or the default one, built from the default
/// corpus first when it does not exist yet.
fn query_index(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    match given {
        Some(dir) => Ok(dir.to_path_buf()),
        None => {
            let dir = PathBuf::from(DEFAULT_INDEX);
            if !index::exists(&dir) {
                build_default_index(&dir)?;
            }
            Ok(dir)
        }
    }
}

fn entities_command(args: EntitiesArgs) -> anyhow::Result<()> {
    let searcher = Searcher::open(&query_index(args.index.as_deref())?)?;
    let mut request = SearchRequest::new(args.query.as_str());
    request.facet_size = args.limit;
    let kind = args.kind.map(|k| match k {
        EntityKindArg::Person => entities::EntityType::Per,
        EntityKindArg::Org => entities::EntityType::Org,
        EntityKindArg::Loc => entities::EntityType::Loc,
    });
    let listings = searcher.entities(&request, kind)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &listings)?;
            writeln!(out)?;
        }
        Format::Jsonl => {
            for l in &listings {
                serde_json::to_writer(&mut out, l)?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(["type", "name", "count", "surfaces"])?;
            for l in &listings {
                w.write_record([
                    l.kind,
                    &l.name,
                    &l.count.to_string(),
                    &l.surfaces.join("; "),
                ])?;
            }
            w.flush()?;
        }
        Format::Text => {
            let mut last = "";
            let width = listings
                .iter()
                .map(|l| l.name.chars().count())
                .max()
                .unwrap_or(0);
            for l in &listings {
                if l.kind != last {
                    let title = match l.kind {
                        "PER" => "People",
                        "ORG" => "Organizations",
                        _ => "Places",
                    };
                    writeln!(out, "{}{title}", if last.is_empty() { "" } else { "\n" })?;
                    last = l.kind;
                }
                let pad = width - l.name.chars().count();
                writeln!(
                    out,
                    "  {}{} {:>5}  {}",
                    l.name,
                    " ".repeat(pad),
                    l.count,
                    l.surfaces.join(", ")
                )?;
            }
            if listings.is_empty() {
                writeln!(out, "no entities in the articles matching: {}", args.query)?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn search_command(args: SearchArgs) -> anyhow::Result<()> {
    let searcher = Searcher::open(&query_index(args.index.as_deref())?)?;
    let request = SearchRequest {
        query: args.query.clone(),
        sources: args.sources,
        from: args.from,
        to: args.to,
        sort: args.sort,
        limit: if args.facets_only { 0 } else { args.limit },
        offset: args.offset,
        date_bucket: args.by,
        persons: args.persons,
        orgs: args.orgs,
        locs: args.locs,
        facet_size: args.facet_size,
    };
    let result = searcher.search(&request)?;
    let parts = if args.facets_only {
        Parts::FacetsOnly
    } else {
        Parts::All
    };
    let stdout = io::stdout();
    let style = Style {
        color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let mut out = io::BufWriter::new(stdout.lock());
    output::write(&mut out, &result, args.format, parts, style)?;
    out.flush()?;
    Ok(())
}

/// The quick start's first search on a fresh clone: build `index/` from `corpus/` and say so.
fn build_default_index(dir: &Path) -> anyhow::Result<()> {
    let corpus = PathBuf::from(DEFAULT_CORPUS);
    if !corpus.is_dir() {
        anyhow::bail!(
            "no index in {} and no {}/ folder to build one from; run `vestnik index PATH` first",
            dir.display(),
            DEFAULT_CORPUS
        );
    }
    eprintln!(
        "No index in {}/ yet: building it from {}/ first.",
        dir.display(),
        corpus.display()
    );
    let summary = index::build(
        &[corpus],
        dir,
        &BuildOptions::default(),
        &TerminalProgress::new(),
    )
    .with_context(|| format!("cannot build the index in {}", dir.display()))?;
    report(&summary);
    Ok(())
}

/// A progress bar on stderr when it is a terminal; silent otherwise.
struct TerminalProgress {
    bar: ProgressBar,
}

impl TerminalProgress {
    fn new() -> TerminalProgress {
        let bar = if io::stderr().is_terminal() {
            ProgressBar::new(0)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{spinner} indexing [{bar:30}] {pos}/{len} files {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        TerminalProgress { bar }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, files: u64) {
        self.bar.set_length(files);
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    fn file_done(&self, path: &Path) {
        self.bar.inc(1);
        if let Some(name) = path.file_name() {
            self.bar.set_message(name.to_string_lossy().into_owned());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
