//! Reading an archive: walking folders, telling formats apart, decoding, and turning each file
//! into plain [`Article`]s. Nothing here knows about the index or the command line.

mod article;
pub mod dateline;
mod decode;
mod format;
mod html;
pub mod infer;
mod json;
mod stream;
mod text;
mod walk;

use std::path::Path;

pub(crate) use article::Fields;
pub use article::{Article, Inferred, Skip, SkipReason};
pub use decode::{Decoded, decode, encoding_for_label};
pub use encoding_rs::Encoding;
pub use format::Format;
pub use stream::{Records, records};
pub use walk::{Found, IGNORE_FILE, walk};

/// Files larger than this are skipped unless the user raises the limit.
pub const DEFAULT_MAX_SIZE: u64 = 20 * 1024 * 1024;

/// Everything read from one file: its articles and the records that were skipped.
#[derive(Debug, Default)]
pub struct FileContents {
    /// The articles read, in file order.
    pub articles: Vec<Article>,
    /// What was not read, and why, so that nothing is dropped silently.
    pub skips: Vec<Skip>,
}

impl FileContents {
    fn skipped(path: &Path, reason: SkipReason) -> FileContents {
        FileContents {
            articles: Vec::new(),
            skips: vec![Skip {
                path: path.to_path_buf(),
                record: None,
                reason,
            }],
        }
    }
}

/// How files are read: a forced encoding and the size limit.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Decode every file with this encoding instead of detecting it (`--encoding`).
    pub encoding: Option<&'static Encoding>,
    /// Files larger than this, in bytes, are skipped with a reason rather than read.
    pub max_size: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: None,
            max_size: DEFAULT_MAX_SIZE,
        }
    }
}

/// Checks that `found` is a regular file within the size limit, and returns its bytes.
pub fn read_bytes(found: &Found, opts: &ReadOptions) -> Result<Vec<u8>, SkipReason> {
    let meta = std::fs::metadata(&found.path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(SkipReason::NotRegularFile);
    }
    if meta.len() > opts.max_size {
        return Err(SkipReason::TooLarge {
            size: meta.len(),
            limit: opts.max_size,
        });
    }
    std::fs::read(&found.path).map_err(|e| SkipReason::Unreadable(e.to_string()))
}

/// Reads one file into articles. A file that cannot be read at all comes back as one skip.
pub fn read(found: &Found, opts: &ReadOptions) -> FileContents {
    match read_bytes(found, opts) {
        Ok(bytes) => parse(&bytes, found, opts),
        Err(reason) => FileContents::skipped(&found.path, reason),
    }
}

/// Turns a file's bytes into articles; never panics, whatever the bytes.
pub fn parse(bytes: &[u8], found: &Found, opts: &ReadOptions) -> FileContents {
    let path = &found.path;
    let Some(format) = Format::of(path) else {
        return FileContents::skipped(path, SkipReason::Unsupported);
    };
    let decoded = match decode(bytes, opts.encoding) {
        Ok(d) => d,
        Err(reason) => return FileContents::skipped(path, reason),
    };
    let (encoding, replaced) = (decoded.encoding.name(), decoded.replaced);
    let content = decoded.text;
    let records: Vec<(Option<usize>, Result<Fields, SkipReason>)> = match format {
        Format::Text => vec![(None, Ok(text::read_text(&content)))],
        Format::Markdown => vec![(None, Ok(text::read_markdown(&content)))],
        Format::Html => vec![(None, Ok(html::read_html(&content)))],
        Format::Json => match json::read_json(&content) {
            Ok(records) => records,
            Err(reason) => return FileContents::skipped(path, reason),
        },
        Format::JsonLines => json::read_jsonl(&content),
    };
    if records.is_empty() {
        return FileContents::skipped(path, SkipReason::NoText);
    }
    let mut out = FileContents::default();
    let mut ids = RecordIds::default();
    for (record, fields) in records {
        let ids = record.is_some().then_some(&mut ids);
        match fields.and_then(|f| article_of(f, found, ids, encoding, replaced)) {
            Ok(article) => out.articles.push(article),
            Err(reason) => out.skips.push(Skip {
                path: path.clone(),
                record,
                reason,
            }),
        }
    }
    out
}

/// The article one record (or a whole file) makes, with its metadata inferred; a record with
/// neither text nor title is no article. `ids` is given for a record of a file of several (a
/// JSON array, a JSON Lines file) and names it when it has no id of its own.
fn article_of(
    fields: Fields,
    found: &Found,
    ids: Option<&mut RecordIds>,
    encoding: &'static str,
    replaced: usize,
) -> Result<Article, SkipReason> {
    if fields.text.trim().is_empty() && fields.title.as_deref().unwrap_or("").trim().is_empty() {
        return Err(SkipReason::NoText);
    }
    let record = match (ids, &fields.id) {
        (Some(ids), None) => Some(ids.next(&fields)),
        _ => None,
    };
    let fallback_id = relative_id(&found.path, &found.root, record.as_deref());
    let mut article = infer::complete(fields, &found.path, &found.root, fallback_id);
    article.encoding = encoding;
    article.repaired = replaced;
    Ok(article)
}

/// An id from the path below the walk root, with `/` separators on every platform, and
/// `#record` for one record of a file of several.
fn relative_id(path: &Path, root: &Path, record: Option<&str>) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut id = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if let Some(record) = record {
        id.push('#');
        id.push_str(record);
    }
    id
}

/// Names the records of one file that give no id of their own by what they say, not by where
/// they are: adding, removing or moving other records (a feed that drops its oldest line) then
/// leaves every other record's id as it was, so saved links and an updated index agree with a
/// fresh build. The name is 40 bits of a hash of the record's own fields, as 10 hex digits;
/// the second record of a file with the same name (the same text twice, or a rare clash of
/// two texts) gets `-2` after it, the third `-3`, so ids stay unique. Holds one small entry
/// per record of the file being read.
#[derive(Default)]
pub(crate) struct RecordIds {
    seen: rustc_hash::FxHashMap<u64, u32>,
}

impl RecordIds {
    fn next(&mut self, fields: &Fields) -> String {
        let short = content_key(fields) >> 24;
        let n = self.seen.entry(short).or_insert(0);
        *n += 1;
        match *n {
            1 => format!("{short:010x}"),
            n => format!("{short:010x}-{n}"),
        }
    }
}

/// A hash of what a record says (before anything is inferred, so moving its file to another
/// folder or name does not change it). xxh3 with a fixed seed: the same on every machine and
/// in every version, as ids must be.
fn content_key(fields: &Fields) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for part in [
        fields.title.as_deref(),
        Some(fields.text.as_str()),
        fields.date.as_deref(),
        fields.source.as_deref(),
        fields.url.as_deref(),
    ] {
        match part {
            Some(p) => {
                h.update(&[1]);
                h.update(p.as_bytes());
            }
            None => h.update(&[0]),
        }
        h.update(&[0xff]);
    }
    h.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_relative_with_record_names() {
        let id = relative_id(
            Path::new("corpus/kz/a.jsonl"),
            Path::new("corpus"),
            Some("ab"),
        );
        assert_eq!(id, "kz/a.jsonl#ab");
        assert_eq!(
            relative_id(Path::new("c/b.txt"), Path::new("c"), None),
            "b.txt"
        );
    }

    #[test]
    fn record_names_follow_the_text_and_repeats_are_numbered() {
        let fields = |text: &str| Fields {
            text: text.into(),
            ..Fields::default()
        };
        let mut ids = RecordIds::default();
        let a = ids.next(&fields("Один."));
        let b = ids.next(&fields("Два."));
        let again = ids.next(&fields("Один."));
        assert_eq!(a.len(), 10);
        assert_ne!(a, b);
        assert_eq!(again, format!("{a}-2"));
        // Another file, another order: the same names.
        let mut other = RecordIds::default();
        assert_eq!(other.next(&fields("Два.")), b);
        assert_eq!(other.next(&fields("Один.")), a);
    }
}
