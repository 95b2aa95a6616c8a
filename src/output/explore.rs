//! `vestnik related` and `vestnik timeline`: counts with bars for people, JSON and CSV for
//! scripts (JSON Lines: one line per row).

use std::io::{self, Write};

use serde_json::json;

use super::text::{Style, rows_of, write_counts};
use super::{COUNT_HEADER, Csv, Render, count_rows, line, pretty};
use crate::search::{Related, Timeline};

impl Render for Related {
    fn text(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        let noun = if self.total == 1 {
            "article"
        } else {
            "articles"
        };
        // The entities the name was resolved to, or the name as asked when it names none.
        let names: Vec<&str> = self.entities.iter().map(|e| e.name.as_str()).collect();
        let shown = if names.is_empty() {
            self.name.clone()
        } else {
            names.join(", ")
        };
        writeln!(out, "{shown} ({}): {} {noun}", self.kind, self.total)?;
        if let Some(relaxed) = &self.relaxation {
            writeln!(out, "{}", style.dim(&super::text::relaxed_notice(relaxed)))?;
        }
        for (kind, counts) in self.counts.iter() {
            write_counts(out, kind.heading(), &rows_of(counts), style, true)?;
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        pretty(out, self)
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        for (kind, counts) in self.counts.iter() {
            for c in counts {
                let row = json!({"kind": kind.name(), "value": c.value, "count": c.count});
                line(out, &row)?;
            }
        }
        Ok(())
    }

    fn csv(&self, w: &mut Csv<'_>) -> io::Result<()> {
        w.write_record(COUNT_HEADER)?;
        for (kind, counts) in self.counts.iter() {
            count_rows(w, kind.name(), counts)?;
        }
        Ok(())
    }
}

impl Render for Timeline {
    fn text(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        let noun = if self.total == 1 {
            "article matches"
        } else {
            "articles match"
        };
        writeln!(out, "{} {noun}: {}", self.total, self.query)?;
        if let Some(relaxed) = &self.relaxation {
            writeln!(out, "{}", style.dim(&super::text::relaxed_notice(relaxed)))?;
        }
        write_counts(out, "Articles", &rows_of(&self.periods), style, true)?;
        if self.undated > 0 {
            writeln!(out, "\n{} without a date", self.undated)?;
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        pretty(out, self)
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        for c in &self.periods {
            line(out, &json!({"period": c.value, "count": c.count}))?;
        }
        Ok(())
    }

    fn csv(&self, w: &mut Csv<'_>) -> io::Result<()> {
        w.write_record(["period", "count"])?;
        for c in &self.periods {
            w.write_record([c.value.as_str(), &c.count.to_string()])?;
        }
        Ok(())
    }
}
