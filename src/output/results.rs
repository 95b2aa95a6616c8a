//! A search's answer: a page of hits with the facets ([`Page`]), or the facets alone, also as
//! the server's `/api/facets` answers them ([`FacetsOnly`]).

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::text::{Style, write_text};
use super::view::{Parts, View};
use super::{COUNT_HEADER, Csv, Render, count_rows, line, pretty};
use crate::entities::EntityType;
use crate::search::{Facets, Filters, Hit, Relaxation, SearchResult};

/// A search's answer as `vestnik search` prints it.
pub struct Page<'a> {
    /// The answer to print.
    pub result: &'a SearchResult,
    /// What of it to print.
    pub view: View,
}

impl Render for Page<'_> {
    fn text(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        write_text(out, self.result, &self.view, style)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        match self.view.parts {
            Parts::All => pretty(out, self.result),
            Parts::FacetsOnly => pretty(out, &Summary::of(self.result)),
        }
    }

    /// One line per hit, `{"type": "hit", ...}`, then `{"type": "summary", "query", "total",
    /// "facets"}`, so a script can stream hits and still get the counts.
    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.view.parts == Parts::All {
            for hit in &self.result.hits {
                line(out, &Line::Hit(hit))?;
            }
        }
        line(out, &Line::Summary(Summary::of(self.result)))
    }

    /// Hits as rows; with `--facets-only`, facet rows (`kind,value,count`) instead, since the
    /// two do not share columns.
    fn csv(&self, w: &mut Csv<'_>) -> io::Result<()> {
        let r = self.result;
        if self.view.parts == Parts::FacetsOnly {
            w.write_record(COUNT_HEADER)?;
            count_rows(w, "source", &r.facets.source)?;
            // The articles without a date have an empty value: CSV's null.
            for c in &r.facets.date {
                let value = c.value.as_deref().unwrap_or("");
                w.write_record(["date", value, &c.count.to_string()])?;
            }
            for kind in EntityType::ALL {
                count_rows(w, kind.name(), &r.facets.entities[kind])?;
            }
            return Ok(());
        }
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
        for h in &r.hits {
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
        Ok(())
    }
}

/// A search's answer without its hits, as `/api/facets` serializes it: the same fields as
/// `vestnik search --facets-only --format json`.
pub struct FacetsOnly(pub SearchResult);

impl Serialize for FacetsOnly {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Summary::of(&self.0).serialize(s)
    }
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
