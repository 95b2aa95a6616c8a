//! Command-line arguments and how each command reports to people: progress, summaries and
//! errors, one file per group of commands. All real work happens in the library modules.

mod bench;
mod engine;
mod error;
mod explore;
mod export;
mod extraction;
mod flags;
mod index;
mod ner;
mod pager;
mod search;
mod serve;
mod show;

use std::io;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::search::SearchError;
pub use error::UserError;
use flags::{DEFAULT_TIMEOUT, Timeout};
use index::query_index;

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
