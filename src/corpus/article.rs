//! What reading an archive makes: [`Article`]s, the [`Fields`] a format reader found before
//! inference completes them, and the [`Skip`]s of files and records that made no article.
//! Shared by every reader and by the inference, so that none of them reaches back into the
//! module that calls them.

use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;

/// What one file says about one article, after metadata inference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    /// The input's own id where it gives one, otherwise derived from the path.
    pub id: String,
    /// Whether the input named `id` itself (a JSON record's `id`). Such a record is an article
    /// of its own even when another record has the same text; a path-derived id is not, so
    /// copies of one file in two folders stay one article.
    pub own_id: bool,
    /// The file it was read from.
    pub path: PathBuf,
    /// Its title (the file's own, or inferred: see [`Inferred`]).
    pub title: String,
    /// Its text, without the metadata lines, front matter or markup.
    pub body: String,
    /// Its publication date, if the file states one or it can be inferred.
    pub date: Option<NaiveDate>,
    /// Who published it ("Zakon.kz"), stated or inferred from the text or folder.
    pub source: Option<String>,
    /// Its address, where the file gives one.
    pub url: Option<String>,
    /// Who wrote it, as the file states it (a JSON `author`, a page's JSON-LD or meta tag);
    /// never guessed from the text.
    pub author: Option<String>,
    /// Which of the fields above were guessed from the text, file name or folder.
    pub inferred: Inferred,
    /// The character encoding the file was decoded from ("UTF-8", "windows-1251", ...).
    pub encoding: &'static str,
    /// Bytes of the file (or record) that were not valid in that encoding and were replaced
    /// with U+FFFD; the indexer reports them.
    pub repaired: usize,
}

/// Which metadata fields were inferred rather than read from the file's own metadata.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Inferred {
    /// The title.
    pub title: bool,
    /// The inferred title is the text's first sentence, which the body still holds: not a
    /// headline, so not ranked as one (a short first line set apart as a headline is taken out
    /// of the body and counts as the file's headline).
    #[serde(skip)]
    pub title_is_first_sentence: bool,
    /// The date.
    pub date: bool,
    /// The source.
    pub source: bool,
}

impl Inferred {
    /// The names of the inferred fields ("title", "date", "source"), in that order.
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

/// Why a file or a record did not become an article. The summary groups skips by
/// [`SkipReason::kind`]; the `Display` form gives the detail.
#[derive(Debug, Clone, PartialEq)]
pub enum SkipReason {
    /// Not a kind of file vestnik reads (by its extension).
    Unsupported,
    /// A folder, device or other non-file where a file was expected.
    NotRegularFile,
    /// Larger than `--max-size`.
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The system would not read it (the error it gave).
    Unreadable(String),
    /// No bytes at all.
    Empty,
    /// A binary file, not text.
    Binary,
    /// Not valid text in any encoding vestnik reads (the name of its best guess).
    Undecodable(&'static str),
    /// JSON that does not parse (the parser's message).
    InvalidJson(String),
    /// A JSON record that is no object.
    NotAnObject,
    /// Neither a title nor a body.
    NoText,
    /// The walk itself failed here: a symlink loop, a folder that cannot be listed.
    Walk(String),
}

impl SkipReason {
    /// A short stable name for grouping in summaries.
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::Unsupported => "unsupported type",
            SkipReason::NotRegularFile => "not a regular file",
            SkipReason::TooLarge { .. } => "too large",
            SkipReason::Unreadable(_) => "unreadable",
            SkipReason::Empty => "empty",
            SkipReason::Binary => "binary",
            SkipReason::Undecodable(_) => "undecodable",
            SkipReason::InvalidJson(_) => "invalid JSON",
            SkipReason::NotAnObject => "not a JSON object",
            SkipReason::NoText => "no text",
            SkipReason::Walk(_) => "walk error",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unsupported => {
                write!(
                    f,
                    "unsupported file type (expected .txt, .md, .json, .jsonl, .html)"
                )
            }
            SkipReason::NotRegularFile => write!(f, "not a regular file"),
            SkipReason::TooLarge { size, limit } => write!(
                f,
                "too large ({:.1} MB, limit {:.1} MB; raise it with --max-size)",
                *size as f64 / 1048576.0,
                *limit as f64 / 1048576.0
            ),
            SkipReason::Unreadable(e) => write!(f, "cannot read: {e}"),
            SkipReason::Empty => write!(f, "empty file"),
            SkipReason::Binary => write!(f, "binary file, not text"),
            SkipReason::Undecodable(enc) => write!(
                f,
                "not valid text in any supported encoding (best guess {enc}; force one with --encoding)"
            ),
            SkipReason::InvalidJson(e) => write!(f, "invalid JSON: {e}"),
            SkipReason::NotAnObject => write!(f, "not a JSON object"),
            SkipReason::NoText => write!(f, "no text"),
            SkipReason::Walk(e) => write!(f, "{e}"),
        }
    }
}

/// A file, or one record of a file, that could not become an article, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skip {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (JSONL) or element (JSON array) number, where the problem is that narrow.
    pub record: Option<usize>,
    /// Why.
    pub reason: SkipReason,
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
    pub author: Option<String>,
    pub text: String,
}
