//! `vestnik eval-ner`, `vestnik eval-search` and `vestnik train-ner`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::entities;
use crate::output::human_bytes;

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
    /// Also write every disagreement with the gold annotation to this file, one JSON object
    /// per line (missed and spurious spans, wrong normalized names)
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    /// Score by K-fold cross-validation instead of with one model: each fold of FILE is
    /// tagged by a model trained on the --train files and FILE's other folds, so every article
    /// is scored by a model that never saw it (for a file the shipped model was trained on)
    #[arg(long, value_name = "K", requires = "train", value_parser = clap::value_parser!(u32).range(2..=100))]
    folds: Option<u32>,
    /// Gold files every fold's model is also trained on
    #[arg(long, value_name = "FILE", num_args = 1.., requires = "folds")]
    train: Vec<PathBuf>,
    /// How many times FILE's other folds count in training, as when FILE is given that many
    /// times to train-ner
    #[arg(long, value_name = "N", default_value_t = 1, requires = "folds")]
    fold_weight: usize,
    /// Passes over the training data for each fold's model
    #[arg(long, default_value_t = DEFAULT_EPOCHS, requires = "folds")]
    epochs: usize,
}

#[derive(clap::Args)]
pub(super) struct EvalSearchArgs {
    /// Gold file whose entities carry cross-document ids ("wikidata", as NEREL's)
    file: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Where to build the evaluation's index [default: a temporary folder, removed after]
    #[arg(long)]
    index: Option<PathBuf>,
    /// Also write every query whose articles differ from the gold ones to this file, one JSON
    /// object per line (the name asked, what it resolved to, missed and extra articles)
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
}

pub(super) fn eval_search_command(args: EvalSearchArgs) -> anyhow::Result<()> {
    use crate::eval_search;
    let temporary = args.index.is_none();
    let work = args.index.unwrap_or_else(eval_search::work_dir);
    let report = eval_search::evaluate(&args.file, &work);
    if temporary {
        let _ = std::fs::remove_dir_all(&work);
    }
    let report = report?;
    if let Some(path) = &args.errors {
        let mut lines = String::new();
        for m in &report.misses {
            lines.push_str(&serde_json::to_string(m)?);
            lines.push('\n');
        }
        std::fs::write(path, lines).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut out = io::stdout().lock();
    match args.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        ReportFormat::Text => write!(out, "{}", eval_search::render(&report))?,
    }
    Ok(())
}

/// Passes over the training data; the shipped model was trained with this many.
const DEFAULT_EPOCHS: usize = 15;

#[derive(clap::Args)]
pub(super) struct TrainNerArgs {
    /// Gold files to train on
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Where to write the model
    #[arg(long)]
    out: PathBuf,
    /// Passes over the training data
    #[arg(long, default_value_t = DEFAULT_EPOCHS)]
    epochs: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

fn read_gold(path: &Path) -> anyhow::Result<Vec<entities::GoldArticle>> {
    entities::eval::read_gold_file(path)
}

pub(super) fn eval_ner_command(args: EvalNerArgs) -> anyhow::Result<()> {
    let gold = read_gold(&args.file)?;
    if let Some(folds) = args.folds {
        let mut train = Vec::new();
        for f in &args.train {
            train.extend(read_gold(f)?);
        }
        let (tally, predictions, seconds) =
            cross_validate(&gold, &train, folds as usize, args.fold_weight, args.epochs);
        return report(&args, &gold, &tally, &predictions, seconds);
    }
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
    let seen = gold
        .iter()
        .filter(|a| extractor.trained_on(&a.text))
        .count();
    if seen > 0 {
        eprintln!(
            "vestnik: note: the model was trained on {seen} of these {} articles, so the scores \
             below are not a test on unseen news (--folds K --train FILE... gives one)",
            gold.len()
        );
    }
    // Load the dictionary before the clock starts: it is a one-time cost per process.
    extractor.extract("Москва");
    let started = std::time::Instant::now();
    let mut tally = entities::Tally::default();
    let mut predictions = Vec::with_capacity(gold.len());
    for article in &gold {
        let predicted = extractor.extract(&article.text);
        tally.add(article, &predicted);
        predictions.push(predicted);
    }
    report(
        &args,
        &gold,
        &tally,
        &predictions,
        started.elapsed().as_secs_f64(),
    )
}

/// Tags each fold of `gold` with a model trained on `train` and the other folds (repeated
/// `weight` times). Returns the tally, the predictions in `gold`'s order and the seconds spent
/// tagging (training excluded).
fn cross_validate(
    gold: &[entities::GoldArticle],
    train: &[entities::GoldArticle],
    folds: usize,
    weight: usize,
    epochs: usize,
) -> (entities::Tally, Vec<Vec<entities::Mention>>, f64) {
    let mut tally = entities::Tally::default();
    let mut predictions = vec![Vec::new(); gold.len()];
    let mut seconds = 0.0;
    for fold in 0..folds {
        eprintln!("  fold {} of {folds}: training", fold + 1);
        let mut articles = train.to_vec();
        for _ in 0..weight {
            articles.extend(
                gold.iter()
                    .enumerate()
                    .filter(|(i, _)| i % folds != fold)
                    .map(|(_, a)| a.clone()),
            );
        }
        let model = entities::train(&articles, epochs, |_, _| {});
        let extractor =
            entities::Extractor::with_model(&model).expect("a freshly trained model loads");
        let started = std::time::Instant::now();
        for (i, article) in gold.iter().enumerate().filter(|(i, _)| i % folds == fold) {
            predictions[i] = extractor.extract(&article.text);
        }
        seconds += started.elapsed().as_secs_f64();
    }
    for (article, predicted) in gold.iter().zip(&predictions) {
        tally.add(article, predicted);
    }
    (tally, predictions, seconds)
}

fn report(
    args: &EvalNerArgs,
    gold: &[entities::GoldArticle],
    tally: &entities::Tally,
    predictions: &[Vec<entities::Mention>],
    seconds: f64,
) -> anyhow::Result<()> {
    let scores = tally.scores(gold.len(), seconds);
    if let Some(path) = &args.errors {
        write_disagreements(path, gold, predictions)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
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

fn write_disagreements(
    path: &Path,
    gold: &[entities::GoldArticle],
    predictions: &[Vec<entities::Mention>],
) -> anyhow::Result<()> {
    let mut out = io::BufWriter::new(std::fs::File::create(path)?);
    for (article, predicted) in gold.iter().zip(predictions) {
        for d in entities::disagreements(article, predicted) {
            serde_json::to_writer(&mut out, &d)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
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
