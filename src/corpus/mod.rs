//! Reading an archive: walking folders, telling formats apart, and turning each file into
//! plain [`Article`]s. Nothing here knows about the index or the command line.

mod html;
pub mod infer;
mod json;
mod text;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

/// Name of the per-folder ignore file (gitignore syntax) that keeps files out of an index.
pub const IGNORE_FILE: &str = ".vestnikignore";

/// What one file says about one article, after metadata inference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    /// The input's own id where it gives one, otherwise derived from the path.
    pub id: String,
    pub path: PathBuf,
    pub title: String,
    pub body: String,
    pub date: Option<NaiveDate>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// Which of the fields above were guessed from the text, file name or folder.
    pub inferred: Inferred,
}

/// Which metadata fields were inferred rather than read from the file's own metadata.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Inferred {
    pub title: bool,
    pub date: bool,
    pub source: bool,
}

impl Inferred {
    pub fn names(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.title {
            out.push("title");
        }
        if self.date {
            out.push("date");
        }
        if self.source {
            out.push("source");
        }
        out
    }
}

/// A file, or one record of a file, that could not become an article, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skip {
    pub path: PathBuf,
    /// 1-based line (JSONL) or element (JSON array) number, where the problem is that narrow.
    pub record: Option<usize>,
    pub reason: String,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.record {
            Some(n) => write!(f, "{}:{}: {}", self.path.display(), n, self.reason),
            None => write!(f, "{}: {}", self.path.display(), self.reason),
        }
    }
}

/// The metadata a format reader found, before inference fills the gaps.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields {
    pub id: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub text: String,
}

/// Everything read from one file: its articles and the records that were skipped.
#[derive(Debug, Default)]
pub struct FileContents {
    pub articles: Vec<Article>,
    pub skips: Vec<Skip>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    JsonLines,
    Html,
}

impl Format {
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

/// A file found by [`walk`], with the folder it was found under (ids and the folder-name
/// source rule are relative to that root).
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub root: PathBuf,
}

/// Lists the readable files under `roots` in a stable order. Hidden files and whatever a
/// `.vestnikignore` names are left out; files of other kinds come back as skips so that the
/// summary accounts for every file.
pub fn walk(roots: &[PathBuf]) -> (Vec<Found>, Vec<Skip>) {
    let mut found = Vec::new();
    let mut skips = Vec::new();
    for root in roots {
        if !root.exists() {
            skips.push(Skip {
                path: root.clone(),
                record: None,
                reason: "no such file or folder".into(),
            });
            continue;
        }
        let base = if root.is_dir() {
            root.clone()
        } else {
            root.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let walker = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .hidden(true)
            .add_custom_ignore_filename(IGNORE_FILE)
            .follow_links(true)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if !entry.file_type().is_some_and(|t| t.is_file()) {
                        continue;
                    }
                    let path = entry.into_path();
                    if Format::of(&path).is_some() {
                        found.push(Found {
                            path,
                            root: base.clone(),
                        });
                    } else {
                        skips.push(Skip {
                            path,
                            record: None,
                            reason:
                                "unsupported file type (expected .txt, .md, .json, .jsonl, .html)"
                                    .into(),
                        });
                    }
                }
                Err(err) => skips.push(Skip {
                    path: root.clone(),
                    record: None,
                    reason: err.to_string(),
                }),
            }
        }
    }
    (found, skips)
}

/// Reads one file into articles. A file that cannot be read at all comes back as one skip.
pub fn read(found: &Found) -> FileContents {
    let path = &found.path;
    let skip = |reason: String| FileContents {
        articles: Vec::new(),
        skips: vec![Skip {
            path: path.clone(),
            record: None,
            reason,
        }],
    };
    let Some(format) = Format::of(path) else {
        return skip("unsupported file type".into());
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(err) => return skip(format!("cannot read: {err}")),
    };
    let content = match decode(&bytes) {
        Ok(text) => text,
        Err(reason) => return skip(reason),
    };
    let records: Vec<(Option<usize>, Result<Fields, String>)> = match format {
        Format::Text => vec![(None, Ok(text::read_text(&content)))],
        Format::Markdown => vec![(None, Ok(text::read_markdown(&content)))],
        Format::Html => vec![(None, Ok(html::read_html(&content)))],
        Format::Json => match json::read_json(&content) {
            Ok(records) => records,
            Err(reason) => return skip(reason),
        },
        Format::JsonLines => json::read_jsonl(&content),
    };
    let mut out = FileContents::default();
    for (record, fields) in records {
        let fields = match fields {
            Ok(f) => f,
            Err(reason) => {
                out.skips.push(Skip {
                    path: path.clone(),
                    record,
                    reason,
                });
                continue;
            }
        };
        if fields.text.trim().is_empty() && fields.title.as_deref().unwrap_or("").trim().is_empty()
        {
            out.skips.push(Skip {
                path: path.clone(),
                record,
                reason: "no text".into(),
            });
            continue;
        }
        let fallback_id = relative_id(path, &found.root, record);
        out.articles
            .push(infer::complete(fields, path, &found.root, fallback_id));
    }
    out
}

/// Turns file bytes into text. Only UTF-8 (with or without a BOM) is read for now.
fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes)".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.replace("\r\n", "\n")),
        Err(err) => Err(format!("not valid UTF-8 ({err})")),
    }
}

/// An id from the path below the walk root, with `/` separators on every platform.
fn relative_id(path: &Path, root: &Path, record: Option<usize>) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut id = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if let Some(n) = record {
        id.push('#');
        id.push_str(&n.to_string());
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_relative_with_record_numbers() {
        let id = relative_id(Path::new("corpus/kz/a.jsonl"), Path::new("corpus"), Some(3));
        assert_eq!(id, "kz/a.jsonl#3");
    }

    #[test]
    fn decode_strips_bom_and_rejects_binary() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc").unwrap(), "abc");
        assert!(decode(b"ab\0c").unwrap_err().contains("binary"));
        assert!(decode(b"").unwrap_err().contains("empty"));
        assert!(decode(b"\xFF\xFE\xFA").unwrap_err().contains("UTF-8"));
    }
}
