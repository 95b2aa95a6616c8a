//! Which reader a file gets, by its extension: shared by the walk (which files are articles at
//! all) and the readers, apart from `mod.rs` so that neither imports the other to learn it.

use std::path::Path;

/// How a file is read, decided by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (`.txt`): an optional metadata header or front matter, then the body.
    Text,
    /// Markdown (`.md`, `.markdown`): read as text, the body rendered to plain text, the first
    /// heading the title when the metadata gives none.
    Markdown,
    /// One JSON object or an array of them (`.json`).
    Json,
    /// One JSON object a line (`.jsonl`, `.ndjson`).
    JsonLines,
    /// A web page (`.html`, `.htm`): the article's own text, without the page's menus and
    /// footers.
    Html,
}

impl Format {
    /// The format of a file by its extension; `None` for files the corpus reader skips.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Format::Text,
            "md" | "markdown" => Format::Markdown,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::JsonLines,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }
}
