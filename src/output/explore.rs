//! Renderings of `vestnik related` and `vestnik timeline`: counts with bars for people, JSON
//! and CSV for scripts (JSON Lines: one line per row).

use std::io::{self, Write};

use serde_json::json;

use super::Format;
use super::text::{Style, rows_of, write_counts};
use crate::search::{Related, Timeline};

pub fn write_related(
    out: &mut dyn Write,
    r: &Related,
    format: Format,
    style: Style,
) -> io::Result<()> {
    let groups = [("person", &r.person), ("org", &r.org), ("loc", &r.loc)];
    match format {
        Format::Text => {
            let noun = if r.total == 1 { "article" } else { "articles" };
            // The entities the name was resolved to, or the name as asked when it names none.
            let names: Vec<&str> = r.entities.iter().map(|e| e.name.as_str()).collect();
            let shown = if names.is_empty() {
                r.name.clone()
            } else {
                names.join(", ")
            };
            writeln!(out, "{shown} ({}): {} {noun}", r.kind, r.total)?;
            if let Some(relaxed) = &r.relaxation {
                writeln!(out, "{}", style.dim(&super::text::relaxed_notice(relaxed)))?;
            }
            for (title, counts) in [
                ("People", &r.person),
                ("Organizations", &r.org),
                ("Places", &r.loc),
            ] {
                write_counts(out, title, &rows_of(counts), style, true)?;
            }
            Ok(())
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, r)?;
            writeln!(out)
        }
        Format::Jsonl => {
            for (kind, counts) in groups {
                for c in counts {
                    let line = json!({"kind": kind, "value": c.value, "count": c.count});
                    writeln!(out, "{line}")?;
                }
            }
            Ok(())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["kind", "value", "count"])?;
            for (kind, counts) in groups {
                for c in counts {
                    w.write_record([kind, c.value.as_str(), &c.count.to_string()])?;
                }
            }
            w.flush()
        }
    }
}

pub fn write_timeline(
    out: &mut dyn Write,
    t: &Timeline,
    format: Format,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Text => {
            let noun = if t.total == 1 {
                "article matches"
            } else {
                "articles match"
            };
            writeln!(out, "{} {noun}: {}", t.total, t.query)?;
            if let Some(relaxed) = &t.relaxation {
                writeln!(out, "{}", style.dim(&super::text::relaxed_notice(relaxed)))?;
            }
            let rows: Vec<(&str, u64)> = t
                .periods
                .iter()
                .map(|c| (c.value.as_str(), c.count))
                .collect();
            write_counts(out, "Articles", &rows, style, true)?;
            if t.undated > 0 {
                writeln!(out, "\n{} without a date", t.undated)?;
            }
            Ok(())
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, t)?;
            writeln!(out)
        }
        Format::Jsonl => {
            for c in &t.periods {
                writeln!(out, "{}", json!({"period": c.value, "count": c.count}))?;
            }
            Ok(())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["period", "count"])?;
            for c in &t.periods {
                w.write_record([c.value.as_str(), &c.count.to_string()])?;
            }
            w.flush()
        }
    }
}
