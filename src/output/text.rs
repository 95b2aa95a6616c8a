//! The terminal rendering: the total, numbered hits with highlighted snippets, then the facets
//! (a line each of their top values, or tables).

use std::io::{self, Write};

use super::view::{FacetView, Parts, View};
use crate::search::{DateCount, FacetCount, Hit, Relaxation, SearchResult};

/// How highlights and headings are marked: ANSI colour on a terminal, and «guillemets» around
/// matched words when asked for (`--marks`), whatever the colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// ANSI colour, for a terminal that shows it.
    pub color: bool,
    /// «Guillemets» around matched words, for output without colour (`--marks`).
    pub marks: bool,
}

impl Style {
    fn mark(&self, word: &str) -> String {
        let word = if self.marks {
            format!("«{word}»")
        } else {
            word.to_string()
        };
        if self.color {
            format!("\x1b[1;31m{word}\x1b[0m")
        } else {
            word
        }
    }

    pub(super) fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub(super) fn dim(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[2m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Widest bar in the date histogram, in characters.
const BAR_WIDTH: u64 = 40;
/// Values each facet shows in the compact view.
const COMPACT_VALUES: usize = 5;

/// A page of results for people: the total, the hits, the facets.
pub(super) fn write_text(
    out: &mut dyn Write,
    r: &SearchResult,
    view: &View,
    style: Style,
) -> io::Result<()> {
    // The total first: what a page of hits is part of.
    writeln!(out, "{}", summary_line(r, view))?;
    if let Some(relaxed) = &r.relaxation {
        writeln!(out, "{}", style.dim(&relaxed_notice(relaxed)))?;
    }
    if view.parts == Parts::All {
        for (i, hit) in r.hits.iter().enumerate() {
            writeln!(out)?;
            write_hit(out, view.offset + i + 1, hit, style)?;
        }
    }
    if r.total == 0 {
        return Ok(());
    }
    let facets = [
        ("Sources", rows_of(&r.facets.source), false),
        ("Dates", date_rows(&r.facets.date), true),
        ("People", rows_of(&r.facets.entities.person), false),
        ("Organizations", rows_of(&r.facets.entities.org), false),
        ("Places", rows_of(&r.facets.entities.loc), false),
    ];
    match view.facets {
        FacetView::Full => {
            for (title, rows, bars) in &facets {
                write_counts(out, title, rows, style, *bars)?;
            }
        }
        FacetView::Compact => {
            let width = facets.iter().map(|(t, _, _)| t.len()).max().unwrap_or(0);
            let mut first = true;
            for (title, rows, _) in &facets {
                if rows.is_empty() {
                    continue;
                }
                if first {
                    writeln!(out)?;
                    first = false;
                }
                // Entity facets are cut at the request's facet size: a list that long may
                // stand for more values than it holds.
                let entity = !["Sources", "Dates"].contains(title);
                let cut = entity && rows.len() >= view.facet_size;
                let line = compact_line(rows, COMPACT_VALUES, cut);
                let pad = " ".repeat(width - title.len());
                writeln!(out, "{}{pad}  {line}", style.bold(title))?;
            }
        }
    }
    Ok(())
}

/// "23 articles match: права детей (showing 11–20)".
fn summary_line(r: &SearchResult, view: &View) -> String {
    let noun = if r.total == 1 {
        "article matches"
    } else {
        "articles match"
    };
    let n = r.hits.len();
    let shown = match view.parts {
        Parts::FacetsOnly => String::new(),
        Parts::All if n == 0 && view.offset > 0 && r.total > 0 => {
            format!(" (none shown after the first {})", view.offset)
        }
        Parts::All if n == 0 || (view.offset == 0 && n == r.total) => String::new(),
        Parts::All if n == 1 => format!(" (showing {})", view.offset + 1),
        Parts::All => format!(" (showing {}–{})", view.offset + 1, view.offset + n),
    };
    let releases = match r.groups {
        Some(1) => " (1 release)".to_string(),
        Some(n) => format!(" ({n} releases)"),
        None => String::new(),
    };
    format!("{} {noun}{releases}: {}{shown}", r.total, r.query)
}

/// A facet's top `n` values with their counts on one line, most first (the date facet's too:
/// its busiest periods), and how many more there are: `… 4 more`, or `… 4+ more` where the
/// list was cut before it ended (`cut`).
fn compact_line(rows: &[(&str, u64)], n: usize, cut: bool) -> String {
    let mut top: Vec<&(&str, u64)> = rows.iter().collect();
    // Stable: equal counts keep the facet's own order (names, or dates in order).
    top.sort_by_key(|row| std::cmp::Reverse(row.1));
    let mut parts: Vec<String> = top
        .iter()
        .take(n)
        .map(|(value, count)| format!("{value} ({count})"))
        .collect();
    if rows.len() > n {
        let plus = if cut { "+" } else { "" };
        parts.push(format!("… {}{plus} more", rows.len() - n));
    }
    parts.join(" · ")
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

/// "1 file", "2 files".
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A size as people read it: "512 B", "20 KB", "3.4 MB".
pub fn human_bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.0} KB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
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
    // The id is what `vestnik show` takes.
    meta.push(format!("id {}", h.id));
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
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_marked_only_as_asked() {
        let plain = Style::default();
        assert_eq!(plain.mark("права"), "права");
        let marks = Style {
            marks: true,
            ..plain
        };
        assert_eq!(marks.mark("права"), "«права»");
        let color = Style {
            color: true,
            ..plain
        };
        assert_eq!(color.mark("права"), "\x1b[1;31mправа\x1b[0m");
        let both = Style {
            color: true,
            marks: true,
        };
        assert_eq!(both.mark("права"), "\x1b[1;31m«права»\x1b[0m");
    }

    #[test]
    fn a_compact_facet_is_its_top_values_and_how_many_more() {
        let rows = [
            ("2019", 1),
            ("2020", 4),
            ("2021", 2),
            ("2022", 4),
            ("2023", 3),
            ("2024", 1),
            ("no date", 2),
        ];
        assert_eq!(
            compact_line(&rows, 5, false),
            "2020 (4) · 2022 (4) · 2023 (3) · 2021 (2) · no date (2) · … 2 more"
        );
        assert_eq!(
            compact_line(&rows, 5, true),
            "2020 (4) · 2022 (4) · 2023 (3) · 2021 (2) · no date (2) · … 2+ more"
        );
        // All shown: nothing more to note, cut or not.
        assert_eq!(compact_line(&rows[..2], 5, true), "2020 (4) · 2019 (1)");
    }
}
