//! `vestnik eval-ner` and `vestnik train-ner`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::human_bytes;
use crate::entities;

#[derive(clap::Args)]
pub(super) struct EvalNerArgs {
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
pub(super) struct TrainNerArgs {
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

pub(super) fn eval_ner_command(args: EvalNerArgs) -> anyhow::Result<()> {
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

pub(super) fn train_ner_command(args: TrainNerArgs) -> anyhow::Result<()> {
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
