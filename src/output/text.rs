//! The terminal rendering: numbered hits with highlighted snippets, then facet tables.

use std::io::{self, Write};

use super::Parts;
use crate::search::{DateCount, FacetCount, Hit, Relaxation, SearchResult};

/// How highlights and headings are marked: ANSI colour on a terminal, «guillemets» in pipes
/// and under `NO_COLOR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn mark(&self, word: &str) -> String {
        if self.color {
            format!("\x1b[1;31m{word}\x1b[0m")
        } else {
            format!("«{word}»")
        }
    }

    fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[2m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Widest bar in the date histogram, in characters.
const BAR_WIDTH: u64 = 40;

pub fn write_text(
    out: &mut dyn Write,
    r: &SearchResult,
    parts: Parts,
    style: Style,
) -> io::Result<()> {
    if let Some(relaxed) = &r.relaxation {
        writeln!(out, "{}", style.dim(&relaxed_notice(relaxed)))?;
    }
    if parts == Parts::All {
        for (i, hit) in r.hits.iter().enumerate() {
            write_hit(out, i + 1, hit, style)?;
        }
    }
    let noun = if r.total == 1 {
        "article matches"
    } else {
        "articles match"
    };
    let shown = match (parts, r.hits.len()) {
        (Parts::FacetsOnly, _) | (_, 0) => String::new(),
        (_, n) if n == r.total => String::new(),
        (_, n) => format!(" (showing {n})"),
    };
    let releases = match r.groups {
        Some(1) => " (1 release)".to_string(),
        Some(n) => format!(" ({n} releases)"),
        None => String::new(),
    };
    writeln!(out, "{} {noun}{releases}: {}{shown}", r.total, r.query)?;
    if r.total > 0 {
        write_counts(out, "Sources", &rows_of(&r.facets.source), style, false)?;
        write_counts(out, "Dates", &date_rows(&r.facets.date), style, true)?;
        write_counts(out, "People", &rows_of(&r.facets.person), style, false)?;
        write_counts(out, "Organizations", &rows_of(&r.facets.org), style, false)?;
        write_counts(out, "Places", &rows_of(&r.facets.loc), style, false)?;
    }
    Ok(())
}

/// What a relaxed answer shows, in one line: "no article has every word; showing articles with
/// most of them (3 of 5 words; «какой» left out)".
pub fn relaxed_notice(r: &Relaxation) -> String {
    let few = match r.strict_total {
        0 => "no article has every word".to_string(),
        1 => "only 1 article has every word".to_string(),
        n => format!("only {n} articles have every word"),
    };
    let mut detail = format!("at least {} of {} words", r.required, r.words);
    if !r.ignored.is_empty() {
        let quoted: Vec<String> = r.ignored.iter().map(|w| format!("«{w}»")).collect();
        detail.push_str(&format!("; {} left out", quoted.join(", ")));
    }
    format!("{few}; showing articles with most of them ({detail})")
}

/// The label of the date facet's bucket of articles without a date.
const NO_DATE: &str = "no date";

/// A facet's values and counts, as the tables below print them.
pub(super) fn rows_of(counts: &[FacetCount]) -> Vec<(&str, u64)> {
    counts.iter().map(|c| (c.value.as_str(), c.count)).collect()
}

/// The date facet's rows, the articles without a date under [`NO_DATE`].
fn date_rows(counts: &[DateCount]) -> Vec<(&str, u64)> {
    counts
        .iter()
        .map(|c| (c.value.as_deref().unwrap_or(NO_DATE), c.count))
        .collect()
}

fn write_hit(out: &mut dyn Write, n: usize, h: &Hit, style: Style) -> io::Result<()> {
    writeln!(out, "{}", style.bold(&format!("{n}. {}", h.title)))?;
    let mut meta = Vec::new();
    if let Some(d) = &h.date {
        // A date read from the text rather than the file's metadata says so.
        if h.inferred.iter().any(|f| f == "date") {
            meta.push(format!("{d} (inferred)"));
        } else {
            meta.push(d.clone());
        }
    }
    if let Some(s) = &h.source {
        meta.push(s.clone());
    }
    if let Some(a) = &h.author {
        meta.push(a.clone());
    }
    if let Some(s) = h.score {
        meta.push(format!("score {s:.2}"));
    }
    meta.push(h.url.clone().unwrap_or_else(|| h.path.clone()));
    writeln!(out, "   {}", style.dim(&meta.join(" · ")))?;
    let named: Vec<&String> = h
        .entities
        .person
        .iter()
        .chain(&h.entities.org)
        .chain(&h.entities.loc)
        .take(6)
        .collect();
    if !named.is_empty() {
        let names: Vec<&str> = named.iter().map(|s| s.as_str()).collect();
        writeln!(
            out,
            "   {}",
            style.dim(&format!("names: {}", names.join(", ")))
        )?;
    }
    writeln!(out, "   {}", highlighted(h, style))?;
    if !h.duplicates.is_empty() {
        let mut sources: Vec<&str> = h
            .duplicates
            .iter()
            .filter_map(|d| d.source.as_deref())
            .collect();
        sources.sort_unstable();
        sources.dedup();
        let versions = if h.duplicates.len() == 1 {
            "1 other version".to_string()
        } else {
            format!("{} other versions", h.duplicates.len())
        };
        let line = if sources.is_empty() {
            format!("also: {versions}")
        } else {
            format!("also in: {} ({versions})", sources.join(", "))
        };
        writeln!(out, "   {}", style.dim(&line))?;
    }
    writeln!(out)
}

/// The snippet on one line with its highlights marked.
fn highlighted(h: &Hit, style: Style) -> String {
    let chars: Vec<char> = h.snippet.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for &[start, end] in &h.highlights {
        if start < at || end > chars.len() {
            continue;
        }
        out.extend(&chars[at..start]);
        out.push_str(&style.mark(&chars[start..end].iter().collect::<String>()));
        at = end;
    }
    out.extend(&chars[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A titled table of `(value, count)` rows, with bars when `bars`.
pub(super) fn write_counts(
    out: &mut dyn Write,
    title: &str,
    rows: &[(&str, u64)],
    style: Style,
    bars: bool,
) -> io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", style.bold(title))?;
    let width = rows
        .iter()
        .map(|(v, _)| v.chars().count())
        .max()
        .unwrap_or(0);
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    for &(value, count) in rows {
        let pad = width - value.chars().count();
        let bar = if bars {
            let len = (count * BAR_WIDTH).div_ceil(max) as usize;
            format!(" {}", "█".repeat(len))
        } else {
            String::new()
        };
        writeln!(out, "  {value}{} {count:>6}{bar}", " ".repeat(pad))?;
    }
    Ok(())
}
