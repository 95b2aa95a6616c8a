//! What the indexer remembers about files between runs, so an unchanged file is recognised
//! from its size and modification time without being read.
//!
//! This is a cache, never the truth: the index itself says which articles it holds and under
//! which paths, and every run reconciles the index with the files. A stale or lost cache only
//! costs re-reading files, so it is written after each commit and read leniently.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use tantivy::{DocAddress, Searcher};

use super::schema::names;

pub(crate) const CACHE_FILE: &str = "vestnik-files.json";
const CACHE_VERSION: u32 = 1;

/// One file as last indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub size: u64,
    pub mtime_ns: u64,
    /// Hashes of the articles the file held.
    pub articles: Vec<u64>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileCache {
    version: u32,
    pub files: BTreeMap<String, FileEntry>,
}

impl FileCache {
    /// The cache in `dir`, or an empty one when it is missing, unreadable or of another version.
    pub fn load(dir: &Path) -> FileCache {
        fs::read(dir.join(CACHE_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<FileCache>(&b).ok())
            .filter(|c| c.version == CACHE_VERSION)
            .unwrap_or_default()
    }

    /// Writes the cache atomically: a reader sees the old file or the new one, never half.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let cache = FileCache {
            version: CACHE_VERSION,
            files: self.files.clone(),
        };
        write_json_atomically(&dir.join(CACHE_FILE), &cache)
    }
}

/// Writes `value` as JSON to `path` through a temporary file renamed over it, so a reader (or a
/// crash) sees the old file or the new one, never half of one.
pub(crate) fn write_json_atomically(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let mut file = fs::File::create(&tmp)?;
    serde_json::to_writer(&mut file, value).map_err(std::io::Error::from)?;
    file.flush()?;
    file.sync_all()?;
    fs::rename(tmp, path)
}

/// Size and modification time of a file, as the cache compares them.
pub fn stamp(meta: &fs::Metadata) -> (u64, u64) {
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (meta.len(), mtime)
}

/// Every value of a string fast field, by ordinal, in one sequential pass over its dictionary
/// (looking ordinals up one by one decodes a dictionary block each time).
pub fn ordinal_names(column: &tantivy::columnar::StrColumn) -> std::io::Result<Vec<String>> {
    let mut names = Vec::with_capacity(column.num_terms());
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        names.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(names)
}

/// One article as the index holds it.
#[derive(Debug, Clone)]
pub struct Held {
    /// The paths it was found under, sorted; its id and encoding come from the first.
    pub paths: Vec<String>,
    /// The fingerprint of its id, encoding and inferred fields (see `document::head_of`).
    pub head: u64,
    /// Where its stored document is, in the searcher the view was taken from.
    pub address: DocAddress,
}

/// Which articles the index holds, by hash.
pub fn index_view(searcher: &Searcher) -> tantivy::Result<HashMap<u64, Held>> {
    let mut view = HashMap::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let fast = segment.fast_fields();
        let hashes = fast.u64(names::HASH)?;
        let heads = fast.u64(names::HEAD)?;
        let paths = fast.str(names::PATH)?;
        // One sequential pass over the path dictionary: looking ordinals up one by one
        // decodes a dictionary block each time and dominated no-change runs.
        let names_by_ord = match &paths {
            Some(paths) => ordinal_names(paths)?,
            None => Vec::new(),
        };
        for doc in segment.doc_ids_alive() {
            let Some(hash) = hashes.first(doc) else {
                continue;
            };
            let mut list: Vec<String> = match &paths {
                Some(paths) => paths
                    .term_ords(doc)
                    .filter_map(|ord| names_by_ord.get(ord as usize).cloned())
                    .collect(),
                None => Vec::new(),
            };
            list.sort();
            let held = Held {
                paths: list,
                head: heads.first(doc).unwrap_or_default(),
                address: DocAddress::new(ord as u32, doc),
            };
            view.insert(hash, held);
        }
    }
    Ok(view)
}
