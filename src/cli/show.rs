//! `vestnik show ID`: one article read from the terminal, as the server's `/api/doc` gives it.

use std::path::PathBuf;

use super::error::UserError;
use super::flags::terminal_style;
use super::index::query_index;
use super::pager::{self, Paged};
use crate::output::{self, DocumentFormat};
use crate::search::Searcher;

/// Text width in a pipe; on a terminal, its width up to [`MAX_WIDTH`].
const PIPE_WIDTH: usize = 80;
/// Lines longer than this are hard to read, however wide the terminal.
const MAX_WIDTH: usize = 100;

#[derive(clap::Args)]
pub(super) struct ShowArgs {
    /// The article's id, as a search shows it ("id ..." under each hit; `id` in JSON)
    #[arg(allow_hyphen_values = true)]
    id: String,
    /// Index to read [default: index, built from corpus/ when missing]
    #[arg(long)]
    index: Option<PathBuf>,
    /// text to read; json as the server's /api/doc answers
    #[arg(long, value_enum, default_value_t = DocumentFormat::Text)]
    format: DocumentFormat,
    /// Print straight to the terminal, never through $PAGER
    #[arg(long)]
    no_pager: bool,
    #[command(flatten)]
    engine: super::engine::EngineArgs,
}

pub(super) fn show_command(args: ShowArgs) -> anyhow::Result<()> {
    let found = match args.engine.open()? {
        Some(engine) => engine.document(&args.id)?,
        None => Searcher::open(&query_index(args.index.as_deref())?)?.document(&args.id)?,
    };
    let Some(doc) = found else {
        // A mistyped id is the user's to fix, as a bad query is (exit 2).
        let shown: String = args.id.chars().take(200).collect();
        return Err(UserError(format!("no article with id '{}'", shown.escape_debug())).into());
    };
    let width = pager::screen().map_or(PIPE_WIDTH, |s| s.cols.min(MAX_WIDTH));
    let mut out = Paged::stdout(args.no_pager);
    output::write_document(&mut out, &doc, args.format, terminal_style(false), width)?;
    out.finish()?;
    Ok(())
}
