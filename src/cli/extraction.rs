//! `vestnik bench extraction`: scores the HTML reader on the article-extraction benchmark.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;

use crate::bench::extraction;

#[derive(clap::Args)]
pub(super) struct ExtractionArgs {
    /// Benchmark folder: ground-truth.json and html/<key>.html.gz
    #[arg(default_value = "../shared/data/extraction")]
    dir: PathBuf,
    /// Score texts another extractor wrote (one <key>.txt per page) instead of vestnik's reader
    #[arg(long)]
    texts: Option<PathBuf>,
    /// Write vestnik's extraction of each page as <key>.txt into this folder
    #[arg(long, conflicts_with = "texts")]
    dump: Option<PathBuf>,
    /// Write per-page scores, worst first, to this file
    #[arg(long)]
    errors: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub(super) fn extraction_command(args: ExtractionArgs) -> anyhow::Result<()> {
    if !args.dir.join("ground-truth.json").is_file() {
        anyhow::bail!(
            "{} has no ground-truth.json; give the benchmark's folder (default ../shared/data/extraction)",
            args.dir.display()
        );
    }
    let report = match &args.texts {
        Some(texts) => extraction::score_texts(&args.dir, texts)?,
        None => {
            if cfg!(debug_assertions) {
                eprintln!("warning: a debug build; pages/s means little without --release");
            }
            extraction::run(&args.dir, args.dump.as_deref())?
        }
    };
    if let Some(path) = &args.errors {
        let mut out = String::from("key\tf1\tprecision\trecall\n");
        for (key, s) in &report.per_page {
            let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
            let _ = writeln!(
                out,
                "{key}\t{:.3}\t{}\t{}",
                extraction::page_f1(s),
                fmt(s.precision()),
                fmt(s.recall())
            );
        }
        std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?;
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => {
            let rate = report
                .pages_per_second
                .map_or(String::new(), |r| format!("  {r:.0} pages/s"));
            println!(
                "{} pages: F1 {:.3}  precision {:.3}  recall {:.3}{rate}",
                report.pages, report.f1, report.precision, report.recall
            );
        }
    }
    Ok(())
}
