//! The summary of `vestnik index`: lines for people (on stderr), one JSON line for scripts
//! and benchmarks.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::text::{Style, human_bytes, plural};
use super::{Csv, Render};
use crate::index::BuildSummary;

/// What a run of the indexer did, with the memory it took.
pub struct BuildReport<'a> {
    /// What the indexer read, wrote and skipped.
    pub summary: &'a BuildSummary,
    /// The process's peak resident memory, mapped index files included.
    pub peak_rss: Option<u64>,
    /// The peak of the memory that is the indexer's own (see [`crate::memory::AnonPeak`]).
    pub peak_anon: Option<u64>,
}

impl Render for BuildReport<'_> {
    fn text(&self, out: &mut dyn Write, _style: Style) -> io::Result<()> {
        write_text(out, self.summary)
    }

    /// One line, unlike the other shapes: scripts and benchmarks read it as a line.
    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{}",
            to_json(self.summary, self.peak_rss, self.peak_anon)
        )
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        self.json(out)
    }

    /// The summary is nested (roots, skipped files): no table holds it.
    fn csv(&self, _out: &mut Csv<'_>) -> io::Result<()> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "the index summary has no CSV form",
        ))
    }
}

/// "SIGINT" for a signal number, as the summary and the interruption message name it.
pub fn signal_name(signal: usize) -> &'static str {
    match signal as i32 {
        signal_hook::consts::SIGINT => "SIGINT",
        signal_hook::consts::SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

fn write_text(out: &mut dyn Write, s: &BuildSummary) -> io::Result<()> {
    writeln!(
        out,
        "{} in {}: {} added, {} updated, {}{} deleted, {} unchanged; {} written{}, {} in the index ({} of text read) in {:.2} s",
        plural(s.files, "file"),
        s.index_dir.display(),
        s.added,
        s.updated,
        match s.moved {
            0 => String::new(),
            n => format!("{n} moved, "),
        },
        s.deleted,
        s.unchanged,
        plural(s.written, "article"),
        match s.reused {
            0 => String::new(),
            n => format!(" ({n} reused, not extracted again)"),
        },
        s.articles,
        human_bytes(s.bytes),
        s.elapsed.as_secs_f64()
    )?;
    let roots: Vec<String> = s
        .roots
        .iter()
        .map(|r| {
            let files = plural(r.files, "file");
            match r.missing {
                true => format!("{} ({files}, missing)", r.path.display()),
                false => format!("{} ({files})", r.path.display()),
            }
        })
        .collect();
    writeln!(out, "Roots: {}", roots.join(", "))?;
    for removed in &s.removed {
        match s.moved {
            0 => writeln!(
                out,
                "Removed the root {} and its articles.",
                removed.display()
            ),
            // A renamed root: its files were found again under the new one.
            _ => writeln!(
                out,
                "Removed the root {}; the articles of its files found elsewhere were kept.",
                removed.display()
            ),
        }?;
    }
    for (given, root) in &s.covered {
        writeln!(
            out,
            "{} is already in the index as part of {}.",
            given.display(),
            root.display()
        )?;
    }
    for r in s.roots.iter().filter(|r| r.missing) {
        writeln!(
            out,
            "vestnik: {} no longer exists; its articles are kept (drop them with `vestnik index --remove {}`; if it moved, `vestnik index NEW_PATH --remove {}` keeps them without extracting them again)",
            r.path.display(),
            r.path.display(),
            r.path.display()
        )?;
    }
    if !s.repaired.is_empty() {
        writeln!(
            out,
            "Read with bytes that are not valid UTF-8 replaced ({}; if a file is in another encoding, force it with --encoding):",
            plural(s.repaired.len(), "article"),
        )?;
        for r in &s.repaired {
            writeln!(
                out,
                "  {} (article {}): {} replaced",
                r.path.display(),
                r.id,
                plural(r.bytes, "byte")
            )?;
        }
    }
    if s.skipped.is_empty() {
        return Ok(());
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for skip in &s.skipped {
        *kinds.entry(skip.reason.kind()).or_default() += 1;
    }
    let by_kind: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    writeln!(out, "Skipped {} ({}):", s.skipped.len(), by_kind.join(", "))?;
    for skip in &s.skipped {
        writeln!(out, "  {skip}")?;
    }
    Ok(())
}

/// The summary for scripts, with the peak memory of the run (benchmarks read it): all of it,
/// and the part that is the indexer's own rather than mapped index files.
fn to_json(s: &BuildSummary, peak_rss: Option<u64>, peak_anon: Option<u64>) -> serde_json::Value {
    let skipped: Vec<serde_json::Value> = s
        .skipped
        .iter()
        .map(|k| {
            serde_json::json!({
                "path": k.path.display().to_string(),
                "record": k.record,
                "kind": k.reason.kind(),
                "reason": k.reason.to_string(),
            })
        })
        .collect();
    let roots: Vec<serde_json::Value> = s
        .roots
        .iter()
        .map(|r| {
            serde_json::json!({
                "path": r.path.display().to_string(),
                "files": r.files,
                "missing": r.missing,
            })
        })
        .collect();
    let removed: Vec<String> = s.removed.iter().map(|p| p.display().to_string()).collect();
    let interrupted = s.interrupted.map(signal_name);
    let repaired: Vec<serde_json::Value> = s
        .repaired
        .iter()
        .map(|r| serde_json::json!({"path": r.path.display().to_string(), "id": r.id, "bytes": r.bytes}))
        .collect();
    serde_json::json!({
        "index": s.index_dir.display().to_string(),
        "roots": roots,
        "removed": removed,
        "interrupted": interrupted,
        "repaired": repaired,
        "files": s.files,
        "added": s.added,
        "updated": s.updated,
        "deleted": s.deleted,
        "unchanged": s.unchanged,
        "moved": s.moved,
        "written": s.written,
        "reused": s.reused,
        "articles": s.articles,
        "text_bytes": s.bytes,
        "commits": s.commits,
        "skipped": skipped,
        "seconds": s.elapsed.as_secs_f64(),
        "peak_rss_bytes": peak_rss,
        "peak_anon_bytes": peak_anon,
    })
}
