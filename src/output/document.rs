//! One article for reading (`vestnik show`; the server's `/api/doc` answers the same JSON):
//! its metadata, the people, organizations and places it names with the forms it wrote them
//! in, then its text wrapped to the screen.

use std::io::{self, Write};

use super::text::Style;
use crate::entities::EntityType;
use crate::search::{Document, Mention};

/// How `vestnik show` prints an article (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DocumentFormat {
    /// For people reading a terminal.
    #[default]
    Text,
    /// The [`Document`] as `/api/doc` answers it.
    Json,
}

/// Width of the label column: the widest label, "Organizations".
const LABEL: usize = 13;

/// Writes `doc` in `format`; text is wrapped at `width` characters.
pub fn write_document(
    out: &mut dyn Write,
    doc: &Document,
    format: DocumentFormat,
    style: Style,
    width: usize,
) -> io::Result<()> {
    match format {
        DocumentFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, doc)?;
            writeln!(out)
        }
        DocumentFormat::Text => write_text(out, doc, style, width.max(20)),
    }
}

fn write_text(out: &mut dyn Write, doc: &Document, style: Style, width: usize) -> io::Result<()> {
    // What the file did not say but was read from its text or name is marked so.
    let is_inferred = |field: &str| doc.inferred.iter().any(|f| f == field);
    let inferred = |field: &str| {
        if is_inferred(field) {
            style.dim(" (inferred)")
        } else {
            String::new()
        }
    };
    for line in wrap(&doc.title, width) {
        writeln!(out, "{}", style.bold(&line))?;
    }
    if is_inferred("title") {
        writeln!(out, "{}", style.dim("(title inferred)"))?;
    }
    writeln!(out)?;
    let field = |out: &mut dyn Write, label: &str, value: &str, note: String| {
        let pad = " ".repeat(LABEL.saturating_sub(label.chars().count()));
        writeln!(out, "{}{pad}  {value}{note}", style.dim(label))
    };
    let date = doc.date.as_deref().unwrap_or("none");
    field(&mut *out, "date", date, inferred("date"))?;
    if let Some(source) = &doc.source {
        field(&mut *out, "source", source, inferred("source"))?;
    }
    if let Some(url) = &doc.url {
        field(&mut *out, "url", url, String::new())?;
    }
    if let Some(author) = &doc.author {
        field(&mut *out, "author", author, String::new())?;
    }
    field(&mut *out, "id", &doc.id, String::new())?;
    for (i, path) in doc.paths.iter().enumerate() {
        field(
            &mut *out,
            if i == 0 { "file" } else { "" },
            path,
            String::new(),
        )?;
    }

    let groups = EntityType::ALL.map(|k| (k.heading(), k.label(), &doc.entities[k]));
    if groups.iter().any(|(_, _, names)| !names.is_empty()) {
        writeln!(out)?;
    }
    let indent = " ".repeat(LABEL + 2);
    for (title, kind, names) in groups {
        if names.is_empty() {
            continue;
        }
        let listed: Vec<String> = names
            .iter()
            .map(|name| with_forms(name, &forms(&doc.mentions, kind, name)))
            .collect();
        let lines = wrap(&listed.join(", "), width.saturating_sub(LABEL + 2));
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                let pad = " ".repeat(LABEL - title.len());
                writeln!(out, "{}{pad}  {line}", style.bold(title))?;
            } else {
                writeln!(out, "{indent}{line}")?;
            }
        }
    }

    writeln!(out)?;
    let mut blank = true;
    for line in doc.body.lines() {
        if line.trim().is_empty() {
            // Runs of empty lines are one paragraph break.
            if !blank {
                writeln!(out)?;
            }
            blank = true;
            continue;
        }
        for wrapped in wrap(line, width) {
            writeln!(out, "{wrapped}")?;
        }
        blank = false;
    }

    if !doc.duplicates.is_empty() {
        if !blank {
            writeln!(out)?;
        }
        writeln!(out, "{}", style.bold("Other versions"))?;
        for d in &doc.duplicates {
            let mut parts = vec![d.id.as_str()];
            parts.extend(d.date.as_deref());
            parts.extend(d.source.as_deref());
            parts.push(d.title.as_str());
            writeln!(out, "  {}", parts.join(" · "))?;
        }
    }
    Ok(())
}

/// The forms the article wrote one entity in, other than its canonical name, each once, in
/// the article's order.
fn forms<'a>(mentions: &'a [Mention], kind: &str, name: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for m in mentions {
        if m.kind == kind && m.name == name && m.surface != name && !out.contains(&&*m.surface) {
            out.push(&m.surface);
        }
    }
    out
}

/// "Ерлан Карин (Ерлана Карина, Карин)".
fn with_forms(name: &str, forms: &[&str]) -> String {
    if forms.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({})", forms.join(", "))
    }
}

/// `text` cut into lines of at most `width` characters at spaces; a word longer than a line
/// is a line of its own, never broken.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if len > 0 && len + 1 + n > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += n;
    }
    if len > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_spaces_within_the_width() {
        let lines = wrap("Министр провел встречу  с жителями района", 16);
        assert_eq!(lines, ["Министр провел", "встречу с", "жителями района"]);
        assert!(lines.iter().all(|l| l.chars().count() <= 16));
        // A word longer than the line stands alone.
        assert_eq!(
            wrap("a Достопримечательность b", 8),
            ["a", "Достопримечательность", "b"]
        );
        assert_eq!(wrap("", 20), [""]);
    }

    #[test]
    fn an_entity_is_shown_with_the_forms_the_article_wrote() {
        let m = |surface: &str| Mention {
            kind: "PER".into(),
            name: "Ерлан Карин".into(),
            id: None,
            surface: surface.into(),
        };
        let mentions = [
            m("Ерлана Карина"),
            m("Ерлан Карин"),
            m("Карин"),
            m("Ерлана Карина"),
        ];
        let found = forms(&mentions, "PER", "Ерлан Карин");
        assert_eq!(found, ["Ерлана Карина", "Карин"]);
        assert!(forms(&mentions, "ORG", "Ерлан Карин").is_empty());
        assert_eq!(
            with_forms("Ерлан Карин", &found),
            "Ерлан Карин (Ерлана Карина, Карин)"
        );
    }
}
