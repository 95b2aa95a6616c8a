//! The on-disk index: creating, opening and checking it, and writing articles into it.

mod directory;
mod document;
mod groups;
mod ledger;
mod options;
mod pipeline;
mod reuse;
mod roots;
mod run;
pub mod schema;
mod state;
mod summary;
mod write;

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::Index;
use tantivy::directory::Directory;

use crate::analysis;
pub use options::{BuildOptions, Progress};
pub use roots::{Root, Roots};
pub use schema::{Fields, to_datetime};
pub use state::ordinal_names;
pub use summary::{BuildSummary, Repaired, RootSummary};
pub use write::{Locked, MIN_WRITER_MEMORY, Unwritable, build};

/// The file beside tantivy's own that says which vestnik schema and analyzer wrote the index.
const MARKER: &str = "vestnik.json";
/// The alias lines the index was written with besides the shipped table (`--aliases`), so
/// that names typed in filters are read with the same table.
const ALIASES: &str = "vestnik-aliases.txt";

/// The alias table an index was written with: the shipped one, and the lines its builds
/// added. A file that does not parse is left out (it was written by vestnik, so only a hand
/// edit breaks it).
pub fn aliases_of(dir: &Path) -> crate::entities::Aliases {
    let mut aliases = crate::entities::Aliases::shipped();
    if let Ok(text) = fs::read_to_string(dir.join(ALIASES)) {
        let mut extended = aliases.clone();
        if extended.add(&text).is_ok() {
            aliases = extended;
        }
    }
    aliases
}

/// Records the lines a build added to the shipped alias table (removing the record when none).
pub(crate) fn save_aliases(dir: &Path, aliases: &crate::entities::Aliases) -> anyhow::Result<()> {
    use anyhow::Context;
    let path = dir.join(ALIASES);
    if aliases.added().trim().is_empty() {
        if path.exists() {
            fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
        return Ok(());
    }
    fs::write(&path, aliases.added()).with_context(|| format!("cannot write {}", path.display()))
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Marker {
    schema_version: u32,
    analyzer: String,
    analyzer_version: u32,
}

impl Marker {
    fn current() -> Marker {
        Marker {
            schema_version: schema::SCHEMA_VERSION,
            analyzer: analysis::RUSSIAN.to_string(),
            analyzer_version: analysis::ANALYZER_VERSION,
        }
    }
}

/// Why an index could not be opened; the CLI branches on these to tell users what to run.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The folder holds no index.
    #[error("no index in {0} (build one with `vestnik index PATH --index {0}`)")]
    Missing(PathBuf),
    /// The index's format or schema is not this version's.
    #[error(
        "the index in {0} was written by an incompatible version of vestnik; rebuild it with `vestnik index PATH --index {0}`"
    )]
    Incompatible(PathBuf),
    /// A file of the index cannot be read, most often for its permissions.
    #[error(
        "cannot read {}: {cause} (its owner can let others read it: `chmod a+r` it, or update the index with `vestnik index`, which leaves its files readable as the umask says)",
        path.display()
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why it cannot be read.
        cause: std::io::Error,
    },
    /// tantivy could not open the index.
    #[error("cannot open the index in {path}: {source}")]
    Tantivy {
        /// The index's folder.
        path: PathBuf,
        /// What tantivy said.
        source: tantivy::TantivyError,
    },
}

/// An open index with its field handles and vestnik's analyzers registered.
pub struct OpenIndex {
    /// The tantivy index, for writers and readers to be made from.
    pub index: Index,
    /// Its fields, resolved once.
    pub fields: Fields,
}

/// True when `dir` holds a tantivy index (whatever its version).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens the index in `dir` for reading, refusing one written by another schema or analyzer.
/// Nothing is written, so a read-only folder or another user's index is searched as well.
pub fn open(dir: &Path) -> Result<OpenIndex, OpenError> {
    open_in(dir, |dir| {
        Ok(Box::new(directory::ReadingDirectory::open(dir)?))
    })
}

/// Opens the index in `dir` through the directory `directory` makes of it.
fn open_in(
    dir: &Path,
    directory: impl FnOnce(&Path) -> tantivy::Result<Box<dyn Directory>>,
) -> Result<OpenIndex, OpenError> {
    if !exists(dir) {
        return Err(OpenError::Missing(dir.to_path_buf()));
    }
    // tantivy wrote these readable by their owner only before vestnik's directory repaired
    // that; say so rather than take the marker for another version's, or quote tantivy.
    for name in ["meta.json", ".managed.json", MARKER] {
        match fs::File::open(dir.join(name)) {
            Err(cause) if cause.kind() == std::io::ErrorKind::PermissionDenied => {
                let path = dir.join(name);
                return Err(OpenError::Unreadable { path, cause });
            }
            _ => {}
        }
    }
    if !marker_matches(dir) {
        return Err(OpenError::Incompatible(dir.to_path_buf()));
    }
    let tantivy_err = |source| OpenError::Tantivy {
        path: dir.to_path_buf(),
        source,
    };
    let index = Index::open(directory(dir).map_err(tantivy_err)?).map_err(tantivy_err)?;
    let (expected, fields) = schema::build();
    if index.schema() != expected {
        return Err(OpenError::Incompatible(dir.to_path_buf()));
    }
    analysis::register(&index);
    Ok(OpenIndex { index, fields })
}

fn marker_matches(dir: &Path) -> bool {
    fs::read_to_string(dir.join(MARKER))
        .ok()
        .and_then(|s| serde_json::from_str::<Marker>(&s).ok())
        .is_some_and(|m| m == Marker::current())
}

/// Files that may sit in an index folder besides the index itself: the repo keeps `index/`
/// with a `.gitignore` in it, and tantivy's lock files outlive the locks.
fn is_keepable(name: &str) -> bool {
    matches!(name, ".gitignore" | ".gitkeep")
        || name.starts_with("README")
        || name.starts_with(".tantivy-") && name.ends_with(".lock")
}

/// Opens the index in `dir` for writing, creating it when absent and starting afresh when it
/// was written by another version. A folder that holds other files is never overwritten.
pub(crate) fn open_for_writing(dir: &Path) -> anyhow::Result<OpenIndex> {
    use anyhow::Context;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if exists(dir) && !marker_matches(dir) {
        clear_index_files(dir)?;
    }
    if !exists(dir) {
        let foreign: Vec<String> = fs::read_dir(dir)
            .with_context(|| format!("cannot list {}", dir.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                !is_keepable(n)
                    && n != MARKER
                    && n != ALIASES
                    && !n.starts_with(roots::ROOTS_FILE)
                    && !n.starts_with(state::CACHE_FILE)
            })
            .collect();
        if !foreign.is_empty() {
            anyhow::bail!(
                "{} is not empty and holds no index (found {}); refusing to write an index there",
                dir.display(),
                foreign.first().map(String::as_str).unwrap_or("")
            );
        }
        // The marker first: a crash before tantivy's meta.json leaves no index at all, never
        // an index without a marker (which would read as another version's).
        let marker = serde_json::to_string_pretty(&Marker::current())?;
        fs::write(dir.join(MARKER), marker)
            .with_context(|| format!("cannot write {}", dir.join(MARKER).display()))?;
        let (schema, _) = schema::build();
        let directory = directory::WritingDirectory::open(dir, Path::new(MARKER))
            .with_context(|| format!("cannot open {}", dir.display()))?;
        Index::create(directory, schema, settings())
            .with_context(|| format!("cannot create an index in {}", dir.display()))?;
    }
    Ok(open_in(dir, |dir| {
        Ok(Box::new(directory::WritingDirectory::open(
            dir,
            Path::new(MARKER),
        )?))
    })?)
}

/// Stored text is most of an index. zstd keeps it to about a third of the text's size, where
/// tantivy's default (lz4) kept nearly all of it; reading a page of hits back costs a few
/// microseconds more per block.
fn settings() -> tantivy::IndexSettings {
    use tantivy::store::{Compressor, ZstdCompressor};
    tantivy::IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor::default()),
        ..tantivy::IndexSettings::default()
    }
}

/// Removes an outdated index's files, keeping anything that is not the index's own.
fn clear_index_files(dir: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name == "meta.json"
            || name == MARKER
            || name == ALIASES
            || name.starts_with(state::CACHE_FILE)
            || name == ".managed.json"
            || name.contains('.') && name.split('.').next().is_some_and(|s| s.len() == 32);
        if ours && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}
