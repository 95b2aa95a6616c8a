//! `vestnik export --to sphinx DIR`: the archive as shards of another engine.

use std::path::PathBuf;

use crate::export::sphinx;
use crate::search::Searcher;

#[derive(clap::Args)]
pub(super) struct ExportArgs {
    /// Folder to write the shards, their configurations and a README to
    dir: PathBuf,
    /// Engine to export to (only Sphinx 2.2 / Manticore's SphinxQL for now)
    #[arg(long, value_enum)]
    to: Engine,
    /// Index to export [default: index, built from corpus/ when missing]
    #[arg(long)]
    index: Option<PathBuf>,
    /// Number of shards; articles go to them in turn
    #[arg(long, default_value_t = 2)]
    shards: usize,
    /// The coordinator's SphinxQL port on 127.0.0.1; shard K listens on PORT+K (SphinxQL)
    /// and PORT+100+K (binary protocol)
    #[arg(long, default_value_t = 9306)]
    port: u16,
    /// Only write the files; do not run Sphinx's `indexer` on the shards
    #[arg(long)]
    no_build: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Engine {
    Sphinx,
}

pub(super) fn export_command(args: ExportArgs) -> anyhow::Result<()> {
    let Engine::Sphinx = args.to;
    let searcher = Searcher::open(&super::query_index(args.index.as_deref())?)?;
    let opts = sphinx::Options {
        dir: args.dir,
        shards: args.shards,
        port: args.port,
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
