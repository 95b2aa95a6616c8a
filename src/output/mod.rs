//! Renderings of a [`SearchResult`]: text for people, JSON, JSON Lines and CSV for scripts;
//! of one article ([`write_document`]); of `related` and `timeline`. One renderer per shape,
//! which every front end uses.

mod document;
mod explore;
mod text;

use std::io::{self, Write};

use serde::Serialize;

use crate::search::{Facets, Filters, Hit, Relaxation, SearchResult};
pub use document::{DocumentFormat, write_document};
pub use explore::{write_related, write_timeline};
pub use text::{Style, write_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    Jsonl,
    Csv,
}

/// What to print: the hits and facets, or the facets alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
    All,
    FacetsOnly,
}

/// How the text rendering shows the facets: the top values of each on one line, so that the
/// hits stay in view, or every value counted, in tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FacetView {
    #[default]
    Compact,
    Full,
}

/// What to print of a search, and how: `parts` holds for every format, the rest for text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub parts: Parts,
    pub style: Style,
    pub facets: FacetView,
    /// Hits skipped before this page, so that its hits are numbered from `offset + 1`.
    pub offset: usize,
    /// How many values the entity facets were asked for: a facet that long may have more.
    pub facet_size: usize,
}

pub fn write(
    out: &mut dyn Write,
    result: &SearchResult,
    format: Format,
    view: &View,
) -> io::Result<()> {
    let parts = view.parts;
    match format {
        Format::Text => write_text(out, result, view),
        Format::Json => write_json(out, result, parts),
        Format::Jsonl => write_jsonl(out, result, parts),
        Format::Csv => write_csv(out, result, parts),
    }
}

fn write_json(out: &mut dyn Write, result: &SearchResult, parts: Parts) -> io::Result<()> {
    match parts {
        Parts::All => serde_json::to_writer_pretty(&mut *out, result),
        Parts::FacetsOnly => serde_json::to_writer_pretty(&mut *out, &Summary::of(result)),
    }
    .map_err(io::Error::from)?;
    writeln!(out)
}

/// The last JSONL line, and the whole JSON answer with `--facets-only`.
#[derive(Serialize)]
struct Summary<'a> {
    query: &'a str,
    total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<usize>,
    facets: &'a Facets,
    filters: &'a Filters,
    relaxed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    relaxation: Option<&'a Relaxation>,
    suggestions: &'a [String],
}

impl<'a> Summary<'a> {
    fn of(r: &'a SearchResult) -> Summary<'a> {
        Summary {
            query: &r.query,
            total: r.total,
            groups: r.groups,
            facets: &r.facets,
            filters: &r.filters,
            relaxed: r.relaxed,
            relaxation: r.relaxation.as_ref(),
            suggestions: &r.suggestions,
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Line<'a> {
    Hit(&'a Hit),
    Summary(Summary<'a>),
}

/// One line per hit, `{"type": "hit", ...}`, then `{"type": "summary", "query", "total",
/// "facets"}`, so a script can stream hits and still get the counts.
fn write_jsonl(out: &mut dyn Write, result: &SearchResult, parts: Parts) -> io::Result<()> {
    if parts == Parts::All {
        for hit in &result.hits {
            serde_json::to_writer(&mut *out, &Line::Hit(hit)).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    }
    serde_json::to_writer(&mut *out, &Line::Summary(Summary::of(result)))
        .map_err(io::Error::from)?;
    writeln!(out)
}

/// Hits as rows; with `--facets-only`, facet rows (`facet,value,count`) instead, since the two
/// do not share columns.
fn write_csv(out: &mut dyn Write, result: &SearchResult, parts: Parts) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    match parts {
        Parts::All => {
            w.write_record([
                "id",
                "title",
                "date",
                "source",
                "url",
                "author",
                "path",
                "score",
                "snippet",
                "group",
                "duplicates",
            ])?;
            for h in &result.hits {
                w.write_record([
                    h.id.as_str(),
                    &h.title,
                    h.date.as_deref().unwrap_or(""),
                    h.source.as_deref().unwrap_or(""),
                    h.url.as_deref().unwrap_or(""),
                    h.author.as_deref().unwrap_or(""),
                    &h.path,
                    &h.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
                    &h.snippet,
                    &h.group,
                    &h.duplicates.len().to_string(),
                ])?;
            }
        }
        Parts::FacetsOnly => {
            w.write_record(["facet", "value", "count"])?;
            for c in &result.facets.source {
                w.write_record(["source", c.value.as_str(), &c.count.to_string()])?;
            }
            // The articles without a date have an empty value: CSV's null.
            for c in &result.facets.date {
                let value = c.value.as_deref().unwrap_or("");
                w.write_record(["date", value, &c.count.to_string()])?;
            }
        }
    }
    w.flush()
}
