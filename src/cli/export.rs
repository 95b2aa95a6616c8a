//! `vestnik export --to sphinx|opensearch|quickwit DIR`: the archive for another engine.

use std::path::PathBuf;

use crate::export::{documents, sphinx};
use crate::search::Searcher;

#[derive(clap::Args)]
pub(super) struct ExportArgs {
    /// Folder to write the shards, their configurations and a README to
    dir: PathBuf,
    /// Engine to export to: Sphinx 2.2 / Manticore (shards, configurations, built and
    /// searchable with --engine), or OpenSearch or Quickwit (index settings and documents to
    /// load, on paper: not searched through --engine)
    #[arg(long, value_enum)]
    to: Engine,
    /// Index to export [default: index, built from corpus/ when missing]
    #[arg(long)]
    index: Option<PathBuf>,
    /// Number of shards (Sphinx: articles go to them in turn; OpenSearch: its
    /// number_of_shards; not for Quickwit, which splits by itself)
    #[arg(long)]
    shards: Option<usize>,
    /// Sphinx: the coordinator's SphinxQL port on 127.0.0.1; shard K listens on PORT+K
    /// (SphinxQL) and PORT+100+K (binary protocol) [default: 9306]
    #[arg(long)]
    port: Option<u16>,
    /// Sphinx: only write the files; do not run Sphinx's `indexer` on the shards
    #[arg(long)]
    no_build: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Engine {
    Sphinx,
    Opensearch,
    Quickwit,
}

pub(super) fn export_command(args: ExportArgs) -> anyhow::Result<()> {
    let target = match args.to {
        Engine::Sphinx => None,
        Engine::Opensearch => Some(documents::Target::OpenSearch),
        Engine::Quickwit => Some(documents::Target::Quickwit),
    };
    if let Some(target) = target {
        // What only Sphinx's export reads is refused rather than ignored.
        let only_sphinx = [
            ("--port", args.port.is_some()),
            ("--no-build", args.no_build),
            (
                "--shards",
                args.shards.is_some() && target == documents::Target::Quickwit,
            ),
        ];
        if let Some((flag, _)) = only_sphinx.iter().find(|(_, given)| *given) {
            return Err(super::error::UserError(format!(
                "{flag} is not an option of --to {}",
                if target == documents::Target::Quickwit {
                    "quickwit"
                } else {
                    "opensearch"
                }
            ))
            .into());
        }
        let searcher = Searcher::open(&super::index::query_index(args.index.as_deref())?)?;
        let total = searcher.num_docs();
        let opts = documents::Options {
            dir: args.dir,
            target,
            shards: args.shards.unwrap_or(1),
        };
        let summary = documents::export(&searcher, &opts, &mut |n| {
            eprint!("\rexported {n} of {total} articles");
        })?;
        eprintln!();
        eprintln!(
            "{} articles in {} file(s) written to {}; see its README.md",
            summary.articles,
            summary.files.len(),
            opts.dir.display()
        );
        return Ok(());
    }
    let searcher = Searcher::open(&super::index::query_index(args.index.as_deref())?)?;
    let opts = sphinx::Options {
        dir: args.dir,
        shards: args.shards.unwrap_or(2),
        port: args.port.unwrap_or(9306),
        build: !args.no_build,
    };
    let total = searcher.num_docs();
    let summary = sphinx::export(&searcher, &opts, &mut |n| {
        eprint!("\rexported {n} of {total} articles");
    })?;
    eprintln!();
    eprintln!(
        "{} articles in {} shards ({}) written to {}{}; see its README.md",
        summary.articles,
        summary.shards.len(),
        summary
            .shards
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(" + "),
        opts.dir.display(),
        if summary.built { ", indexes built" } else { "" },
    );
    Ok(())
}
