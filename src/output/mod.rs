//! Renderings of what vestnik answers: text for people, JSON, JSON Lines and CSV for scripts.
//!
//! Each shape (a page of search results, the facets alone, `related`, `timeline`, the entity
//! list, the index summary) implements [`Render`] once, and every front end writes it with
//! [`render`]: the CLI picks the format from `--format`, the server serializes the same
//! types, so a field, a column or a heading is defined in one place. The model is ripgrep's
//! printers: the caller chooses the format, the shape decides what it looks like in it. One
//! article (`vestnik show`, `/api/doc`) has its own renderer ([`write_document`]): it has no
//! JSON Lines or CSV form.

mod build;
mod document;
mod entities;
mod explore;
mod results;
mod text;
mod view;

use std::io::{self, Write};

use serde::Serialize;

use crate::search::FacetCount;
pub use build::{BuildReport, signal_name};
pub use document::{DocumentFormat, write_document};
pub use entities::EntityList;
pub use results::{FacetsOnly, Page};
pub use text::{Style, human_bytes, plural};
pub use view::{FacetView, Parts, View};

/// How a command prints its answer (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people reading a terminal.
    #[default]
    Text,
    /// One JSON document, for scripts.
    Json,
    /// One JSON object a line, for streaming into other tools.
    Jsonl,
    /// Comma-separated rows, for spreadsheets.
    Csv,
}

/// The CSV writer a shape writes its rows to; [`render`] flushes it.
pub type Csv<'a> = csv::Writer<&'a mut dyn Write>;

/// One shape in every format. CSV tables of counts share their columns: `kind,value,count`,
/// the kind being the facet (`source`, `date`, `person`, `org`, `loc`).
pub trait Render {
    /// For people: `style` says whether a terminal shows colour and marks.
    fn text(&self, out: &mut dyn Write, style: Style) -> io::Result<()>;
    /// One JSON document, pretty-printed, with a newline.
    fn json(&self, out: &mut dyn Write) -> io::Result<()>;
    /// One JSON value a line, for scripts that stream.
    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()>;
    /// A header and rows.
    fn csv(&self, out: &mut Csv<'_>) -> io::Result<()>;
}

/// Writes `shape` in `format`.
pub fn render(
    out: &mut dyn Write,
    shape: &dyn Render,
    format: Format,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Text => shape.text(out, style),
        Format::Json => shape.json(out),
        Format::Jsonl => shape.jsonl(out),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            shape.csv(&mut w)?;
            w.flush()
        }
    }
}

/// `value` as pretty JSON and a newline: the `json` of every shape.
fn pretty(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// `value` as one line of JSON: the `jsonl` of every shape.
fn line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

/// The header of every CSV table of counts.
const COUNT_HEADER: [&str; 3] = ["kind", "value", "count"];

/// A facet's `kind,value,count` rows.
fn count_rows(w: &mut Csv<'_>, kind: &str, counts: &[FacetCount]) -> io::Result<()> {
    for c in counts {
        w.write_record([kind, c.value.as_str(), &c.count.to_string()])?;
    }
    Ok(())
}
