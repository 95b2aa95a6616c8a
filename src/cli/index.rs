//! `vestnik index`: options, the run, its summary and progress bar.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::corpus::{self, ReadOptions};
use crate::entities;
use crate::index::{self, BuildOptions, Progress};
use crate::output::{BuildReport, Render, Style, human_bytes, plural, signal_name};

/// The folder `vestnik index` reads when given none.
pub(super) const DEFAULT_CORPUS: &str = "corpus";
/// The index every command uses when given none.
pub(super) const DEFAULT_INDEX: &str = "index";

#[derive(clap::Args)]
pub(super) struct IndexArgs {
    /// Folders or files to add to the index; with none, every folder it already has is brought
    /// up to date [default for a new index: corpus]
    paths: Vec<PathBuf>,
    /// Drop this folder or file (one the index was built from) and its articles
    #[arg(long, value_name = "PATH")]
    remove: Vec<PathBuf>,
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
    /// Memory tantivy's writer may fill before it writes a segment (K, M or G; at least 64M)
    #[arg(long, default_value = "256M", value_parser = parse_memory)]
    memory: u64,
    /// How the summary is printed: a line for people (stderr) or JSON for scripts (stdout)
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    format: SummaryFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SummaryFormat {
    Text,
    Json,
}

fn parse_memory(s: &str) -> Result<u64, String> {
    let n = parse_size(s)?;
    if n < index::MIN_WRITER_MEMORY as u64 {
        return Err(format!(
            "'{s}' is too little memory for the writer (at least {}M)",
            index::MIN_WRITER_MEMORY >> 20
        ));
    }
    Ok(n)
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

pub(super) fn index_command(args: IndexArgs) -> anyhow::Result<()> {
    let remembers = index::Roots::load(&args.index).is_some_and(|r| !r.roots.is_empty());
    let paths = if args.paths.is_empty() && args.remove.is_empty() && !remembers {
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
        remove: args.remove,
        interrupt: Some(on_signals()?),
        memory: usize::try_from(args.memory).unwrap_or(usize::MAX),
    };
    let memory = crate::memory::AnonPeak::start();
    let summary = index::build(&paths, &args.index, &opts, &TerminalProgress::new())?;
    let peak_anon = memory.finish();
    let report = BuildReport {
        summary: &summary,
        peak_rss: crate::memory::peak_rss_bytes(),
        peak_anon,
    };
    match args.format {
        SummaryFormat::Text => report.text(&mut io::stderr().lock(), Style::default())?,
        SummaryFormat::Json => report.json(&mut io::stdout().lock())?,
    }
    if let Some(signal) = summary.interrupted {
        return Err(Interrupted {
            signal,
            articles: summary.articles,
        }
        .into());
    }
    if args.strict && !summary.skipped.is_empty() {
        anyhow::bail!(
            "{} skipped and --strict was given",
            plural(summary.skipped.len(), "file or record")
        );
    }
    Ok(())
}

/// A run that SIGINT or SIGTERM stopped after committing what it had written.
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted by {}: the index holds {articles} articles, all committed; run the same command again to finish",
    signal_name(*signal)
)]
pub(crate) struct Interrupted {
    pub signal: usize,
    pub articles: usize,
}

/// A flag SIGINT and SIGTERM set to their number, so the build stops at the next article and
/// commits; a second signal while it does ends the process at once.
fn on_signals() -> anyhow::Result<Arc<AtomicUsize>> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    let which = Arc::new(AtomicUsize::new(0));
    let armed = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM] {
        // The shutdown first: it fires only once `armed` is set by the first signal.
        flag::register_conditional_shutdown(signal, 128 + signal, armed.clone())?;
        flag::register(signal, armed.clone())?;
        flag::register_usize(signal, which.clone(), signal as usize)?;
    }
    Ok(which)
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

/// The quick start's first search on a fresh clone: build `index/` from `corpus/` and say so.
pub(super) fn build_default_index(dir: &Path) -> anyhow::Result<()> {
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
    let report = BuildReport {
        summary: &summary,
        peak_rss: None,
        peak_anon: None,
    };
    report.text(&mut io::stderr().lock(), Style::default())?;
    Ok(())
}

/// A progress bar on stderr when it is a terminal; silent otherwise.
pub(super) struct TerminalProgress {
    bar: ProgressBar,
    file: std::sync::Mutex<Option<FileShown>>,
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
        TerminalProgress {
            bar,
            file: std::sync::Mutex::new(None),
        }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, files: u64) {
        self.bar.set_length(files);
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    fn file_start(&self, path: &Path, size: u64) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.bar.set_message(name.clone());
        let shown = FileShown {
            name,
            size,
            started: std::time::Instant::now(),
        };
        *self.file.lock().unwrap_or_else(|e| e.into_inner()) = Some(shown);
    }

    /// A large file shows how much of it is read, the rate and the time left.
    fn file_bytes(&self, read: u64) {
        let file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let Some(f) = file.as_ref() else {
            return;
        };
        let secs = f.started.elapsed().as_secs_f64().max(1e-3);
        let rate = read as f64 / secs;
        let left = f.size.saturating_sub(read) as f64 / rate.max(1.0);
        self.bar.set_message(format!(
            "{}: {} of {}, {}/s, {:.0} s left",
            f.name,
            human_bytes(read),
            human_bytes(f.size),
            human_bytes(rate as u64),
            left
        ));
    }

    fn file_done(&self, _path: &Path) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The file whose bytes the bar shows.
struct FileShown {
    name: String,
    size: u64,
    started: std::time::Instant,
}

/// The index a query command reads: the one given, or the default one, built from the default
/// corpus first when it does not exist yet.
pub(super) fn query_index(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    match given {
        Some(dir) => Ok(dir.to_path_buf()),
        None => {
            let dir = PathBuf::from(DEFAULT_INDEX);
            if !crate::index::exists(&dir) {
                build_default_index(&dir)?;
            }
            Ok(dir)
        }
    }
}
