//! `vestnik entities`: the people, organizations and places of the matching articles, each
//! with its count and the forms it was written in.

use std::io::{self, Write};

use super::text::Style;
use super::{Csv, Render, line, pretty};
use crate::entities::EntityType;
use crate::search::EntityListing;

/// The entity list of a query, most named first within each kind.
pub struct EntityList<'a> {
    /// The query, for the line that says nothing matched.
    pub query: &'a str,
    /// The entities to print, as [`crate::search::Searcher::entities`] listed them.
    pub listings: &'a [EntityListing],
}

/// A listing's kind, from the label it carries ("PER").
fn kind_of(label: &str) -> EntityType {
    EntityType::from_label(label).unwrap_or(EntityType::Loc)
}

impl Render for EntityList<'_> {
    fn text(&self, out: &mut dyn Write, _style: Style) -> io::Result<()> {
        let mut last = "";
        let width = self
            .listings
            .iter()
            .map(|l| l.name.chars().count())
            .max()
            .unwrap_or(0);
        for l in self.listings {
            if l.kind != last {
                let title = kind_of(l.kind).heading();
                writeln!(out, "{}{title}", if last.is_empty() { "" } else { "\n" })?;
                last = l.kind;
            }
            let pad = width - l.name.chars().count();
            writeln!(
                out,
                "  {}{} {:>5}  {}",
                l.name,
                " ".repeat(pad),
                l.count,
                l.surfaces.join(", ")
            )?;
        }
        if self.listings.is_empty() {
            writeln!(out, "no entities in the articles matching: {}", self.query)?;
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        pretty(out, &self.listings)
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        for l in self.listings {
            line(out, l)?;
        }
        Ok(())
    }

    /// `kind,value,count,surfaces`: the columns of the other count tables, and the forms.
    fn csv(&self, w: &mut Csv<'_>) -> io::Result<()> {
        w.write_record(["kind", "value", "count", "surfaces"])?;
        for l in self.listings {
            w.write_record([
                kind_of(l.kind).name(),
                &l.name,
                &l.count.to_string(),
                &l.surfaces.join("; "),
            ])?;
        }
        Ok(())
    }
}
