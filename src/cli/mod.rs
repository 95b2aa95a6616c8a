//! Command-line arguments and how each command reports to people: progress, summaries and
//! errors, one file per group of commands. All real work happens in the library modules.

mod bench;
mod engine;
mod explore;
mod export;
mod extraction;
mod index;
mod ner;
mod pager;
mod search;
mod serve;
mod show;

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::search::{Budget, SearchError};

const DEFAULT_CORPUS: &str = "corpus";
const DEFAULT_INDEX: &str = "index";
/// A search's time budget unless `--timeout` says otherwise: ordinary queries on a
/// 200,000-article archive take about a second.
const DEFAULT_TIMEOUT: &str = "5";

/// `--timeout SECS`: how long one search may take; 0 means no limit.
#[derive(Debug, Clone, Copy)]
struct Timeout(Option<Duration>);

impl Timeout {
    /// Seconds, fractions allowed, up to a day.
    fn parse(s: &str) -> Result<Timeout, String> {
        match s.trim().parse::<f64>() {
            Ok(0.0) => Ok(Timeout(None)),
            Ok(secs) if secs > 0.0 && secs <= 86_400.0 => {
                Ok(Timeout(Some(Duration::from_secs_f64(secs))))
            }
            _ => Err(format!(
                "'{s}' is not a number of seconds from 0 (no limit) to 86400"
            )),
        }
    }

    /// A fresh budget of this length, starting now.
    fn budget(self) -> Budget {
        self.0.map_or_else(Budget::unlimited, Budget::new)
    }
}

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
    /// Bring the index up to date with folders or files of articles (.txt, .md, .json, .jsonl,
    /// .html): new and changed files are read, deleted ones removed
    Index(index::IndexArgs),
    /// Search the index; see the README for the query language.
    Search(search::SearchArgs),
    /// List the people, organizations and places of the articles matching a query, with counts
    /// and the forms they were written in
    Entities(search::EntitiesArgs),
    /// The people, organizations and places most often named together with one
    Related(explore::RelatedArgs),
    /// Articles matching a query per year, month or day
    Timeline(explore::TimelineArgs),
    /// Print one article: its metadata, the people, organizations and places it names, and
    /// its text (as the server's /api/doc)
    Show(show::ShowArgs),
    /// Score the entity extractor on gold-annotated JSONL (the ../shared/data/ner format)
    EvalNer(ner::EvalNerArgs),
    /// Score entity search (--person, --org, --loc) on gold JSONL with cross-document ids
    EvalSearch(ner::EvalSearchArgs),
    /// Serve the archive to a browser and scripts: a search interface and a JSON API
    Serve(ServeArgs),
    /// Export the archive, analyzed and with its entities, to shards of a distributed engine
    Export(export::ExportArgs),
    /// Benchmarks: build a scale corpus from real news, measure indexing and queries
    Bench(bench::BenchArgs),
    /// Train the entity model on gold-annotated JSONL (for developers; the model ships in the binary)
    TrainNer(ner::TrainNerArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Index to serve [default: index, built from corpus/ when missing]
    #[arg(long)]
    index: Option<PathBuf>,
    /// Address to listen on (port 0: any free port). On a loopback address, the default, only
    /// this machine is answered, and only for the names localhost, 127.0.0.1 and [::1]; another
    /// address shares the archive on its network under any name
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Stop a request's search after this many seconds (503); 0: no limit
    #[arg(long, value_name = "SECS", default_value = DEFAULT_TIMEOUT, value_parser = Timeout::parse)]
    timeout: Timeout,
    #[command(flatten)]
    limits: serve::LimitArgs,
    #[command(flatten)]
    engine: engine::EngineArgs,
}

fn serve_command(args: ServeArgs) -> anyhow::Result<()> {
    use crate::server::Source;
    let (source, label) = match args.engine.open()? {
        Some(engine) => {
            let label = format!("the engine at {}", engine.url());
            (Source::Engine(Box::new(engine)), label)
        }
        None => {
            let index = query_index(args.index.as_deref())?;
            let searcher = crate::search::Searcher::open(&index)?;
            (
                Source::Local(Box::new(searcher)),
                index.display().to_string(),
            )
        }
    };
    crate::server::serve(crate::server::ServeOptions {
        source,
        label,
        addr: args.addr,
        limits: args.limits.limits(),
        timeout: args.timeout.0,
    })
}

/// A mistake in what the user typed that needs no search to see, such as
/// `--from 2024-05-1799`: its one line is the whole message, and the exit status is 2, as for
/// a query the user must fix.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);

/// Exit status for an error: 2 for a query or argument the user must fix (a search that ran
/// out of time included), 128 + the signal for a run a signal stopped (as a shell reports
/// it), 1 for everything else.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if let Some(index::Interrupted { signal, .. }) = err.downcast_ref() {
        return 128u8.saturating_add(u8::try_from(*signal).unwrap_or(0));
    }
    if err.downcast_ref::<UserError>().is_some() {
        return 2;
    }
    match err.downcast_ref::<SearchError>() {
        Some(SearchError::Query(_) | SearchError::Timeout(_)) => 2,
        _ => 1,
    }
}

/// Parses the command line and runs the command it names: what `main` calls.
pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index(args) => index::index_command(args),
        Command::Search(args) => search::search_command(args),
        Command::Entities(args) => search::entities_command(args),
        Command::EvalNer(args) => ner::eval_ner_command(args),
        Command::EvalSearch(args) => ner::eval_search_command(args),
        Command::TrainNer(args) => ner::train_ner_command(args),
        Command::Bench(args) => bench::bench_command(args),
        Command::Export(args) => export::export_command(args),
        Command::Related(args) => explore::related_command(args),
        Command::Serve(args) => serve_command(args),
        Command::Timeline(args) => explore::timeline_command(args),
        Command::Show(args) => show::show_command(args),
    };
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

/// `vestnik search ... | head` closes the pipe early; that is not an error.
/// The csv writer wraps the I/O error in its own, and an `io::Error` made from that hides it
/// from the chain, so both wrappings are looked into.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    fn csv_pipe(e: &csv::Error) -> bool {
        matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe)
    }
    e.chain().any(|c| {
        let io_pipe = c.downcast_ref::<io::Error>().is_some_and(|io| {
            io.kind() == io::ErrorKind::BrokenPipe
                || io
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<csv::Error>())
                    .is_some_and(csv_pipe)
        });
        io_pipe || c.downcast_ref::<csv::Error>().is_some_and(csv_pipe)
    })
}

/// Colour on a terminal unless `NO_COLOR` is set (to anything but the empty string); «» around
/// matched words only when `marks` asks for them. Without colour, nothing marks a match by
/// default, as ripgrep does in a pipe: guillemets would be taken for the text's own Russian
/// quotation marks, and a script that wants the positions has them in JSON.
fn terminal_style(marks: bool) -> crate::output::Style {
    use std::io::IsTerminal;
    crate::output::Style {
        color: io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        marks,
    }
}

/// The flags every query command (`search`, `entities`, `related`, `timeline`) takes, declared
/// once so that they read and are documented alike: where the index is, which articles, how
/// to print, and which engine answers.
#[derive(clap::Args)]
struct QueryFlags {
    /// Index to read [default: index, built from corpus/ when missing]
    #[arg(long)]
    index: Option<PathBuf>,
    /// Only articles from this source (case-insensitive, the whole name); repeated, any of
    /// them (OR: an article has one source)
    #[arg(long = "source", value_name = "SOURCE")]
    sources: Vec<String>,
    #[command(flatten)]
    dates: DateFilters,
    /// Output format
    #[arg(long, value_enum, default_value_t = crate::output::Format::Text)]
    format: crate::output::Format,
    #[command(flatten)]
    engine: engine::EngineArgs,
}

impl QueryFlags {
    /// Whether a source or date filter was given (the query may then be left out).
    fn filtered(&self) -> bool {
        !self.sources.is_empty() || !self.dates.is_empty()
    }

    /// A request for `query` with these filters.
    fn request(&self, query: &str) -> Result<crate::search::SearchRequest, UserError> {
        let mut req = crate::search::SearchRequest::new(query);
        req.sources = self.sources.clone();
        self.dates.apply(&mut req)?;
        Ok(req)
    }
}

/// The entity filters of the query commands: each a name in any case form, in part or in Latin
/// letters. Repeated, each must hold (AND): an article names many people, and "articles
/// naming both" is the question a second name asks.
#[derive(clap::Args)]
struct EntityFilters {
    /// Only articles naming this person, in any case form, in part or in Latin letters;
    /// repeated, every one of them (AND)
    #[arg(long = "person", value_name = "NAME")]
    persons: Vec<String>,
    /// Only articles naming this organization (aliases count: UNICEF = ЮНИСЕФ); repeated,
    /// every one of them (AND)
    #[arg(long = "org", value_name = "NAME")]
    orgs: Vec<String>,
    /// Only articles naming this place; repeated, every one of them (AND)
    #[arg(long = "loc", value_name = "NAME")]
    locs: Vec<String>,
}

impl EntityFilters {
    fn is_empty(&self) -> bool {
        self.persons.is_empty() && self.orgs.is_empty() && self.locs.is_empty()
    }

    /// The names given, by kind, as a request holds them.
    fn by_kind(self) -> crate::entities::ByKind<Vec<String>> {
        crate::entities::ByKind {
            person: self.persons,
            org: self.orgs,
            loc: self.locs,
        }
    }
}

/// The date filters of the query commands, as typed. They are read by [`crate::dates`] once
/// clap is done, rather than by a clap value parser, so that a mistake is reported on one line
/// like every other (clap adds a usage note of its own).
#[derive(clap::Args)]
struct DateFilters {
    /// Only articles dated on or after the first day of this year, month or day: 2024,
    /// 2024-05, 2024-05-17 or 17.05.2024 (--from 2024 is from 2024-01-01)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    from: Option<String>,
    /// Only articles dated on or before the last day of this year, month or day (--to 2024 is
    /// through 2024-12-31, --to 2024-02 through 2024-02-29)
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    to: Option<String>,
    /// Only articles without a date (as date:none in the query)
    #[arg(long)]
    undated: bool,
}

impl DateFilters {
    fn is_empty(&self) -> bool {
        self.from.is_none() && self.to.is_none() && !self.undated
    }

    /// The first and the last day asked for; a range that ends before it starts is kept as
    /// given (the search then finds nothing and says why), never dropped.
    fn days(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>), UserError> {
        let read = |flag: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|v| {
                    crate::dates::parse_period(v).map_err(|e| UserError(format!("{flag}: {e}")))
                })
                .transpose()
        };
        let from = read("--from", &self.from)?.map(|p| p.first);
        let to = read("--to", &self.to)?.map(|p| p.last);
        Ok((from, to))
    }

    /// Sets the request's dates.
    fn apply(&self, req: &mut crate::search::SearchRequest) -> Result<(), UserError> {
        (req.from, req.to) = self.days()?;
        req.undated = self.undated;
        Ok(())
    }
}

/// The query a command runs: the one given, or every article when only filters were given.
fn query_or_all(query: Option<String>, filtered: bool) -> anyhow::Result<String> {
    match query {
        Some(q) => Ok(q),
        None if filtered => Ok("*".to_string()),
        None => Err(SearchError::Query(
            "give a query (* matches every article) or a filter such as --person NAME".into(),
        )
        .into()),
    }
}

/// Says on stderr why the filters match nothing (a name nobody in the archive has, a source
/// it lacks, an empty date range): the command found nothing because of them, and a person
/// should know why.
fn report_unresolved(filters: &crate::search::Filters) {
    for line in filters.impossible() {
        eprintln!("vestnik: {line}");
    }
}

/// The index a query command reads: the one given, or the default one, built from the default
/// corpus first when it does not exist yet.
fn query_index(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    match given {
        Some(dir) => Ok(dir.to_path_buf()),
        None => {
            let dir = PathBuf::from(DEFAULT_INDEX);
            if !crate::index::exists(&dir) {
                index::build_default_index(&dir)?;
            }
            Ok(dir)
        }
    }
}
