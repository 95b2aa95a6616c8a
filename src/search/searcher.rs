//! The [`Searcher`]: an open index with what every question needs beside it (the query parser,
//! the alias table, the archive's entities cached per commit). What it answers is in the files
//! beside this one, each adding its own `impl Searcher`.

use std::path::Path;
use std::sync::{Arc, Mutex};

use tantivy::IndexReader;
use tantivy::query::QueryParser;

use super::archive::ArchiveEntities;
use super::error::SearchError;
use crate::entities::{Aliases, EntityType};
use crate::index::{self, Fields, OpenError, OpenIndex};

/// Headline matches count more than body matches: a headline says what the article is about.
pub(crate) const TITLE_BOOST: f32 = 2.0;

/// An open index ready to answer queries.
pub struct Searcher {
    pub(super) reader: IndexReader,
    pub(super) fields: Fields,
    pub(super) parser: QueryParser,
    /// The alias table the index was written with, for names typed in filters.
    pub(super) aliases: Aliases,
    /// The archive's entities for the reader generation they were built from.
    pub(super) archive: Mutex<Option<(u64, Arc<ArchiveEntities>)>>,
}

impl Searcher {
    /// Opens the index in `dir` for searching; the error says what the user can do about a missing,
    /// old or unreadable index.
    pub fn open(dir: &Path) -> Result<Searcher, OpenError> {
        let OpenIndex { index, fields } = index::open(dir)?;
        let reader = index.reader().map_err(|source| OpenError::Tantivy {
            path: dir.to_path_buf(),
            source,
        })?;
        // Words without a field are looked for in headlines and bodies: a title made from the
        // first sentence is in the body already, and counting it again as a headline ranked
        // such articles above the ones whose body answers (XQuAD-ru nDCG@10 0.954 → 0.873).
        let mut parser = QueryParser::for_index(&index, vec![fields.headline, fields.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(fields.headline, TITLE_BOOST);
        Ok(Searcher {
            reader,
            fields,
            parser,
            aliases: index::aliases_of(dir),
            archive: Mutex::new(None),
        })
    }

    /// The archive's entities as `searcher` sees them, built once per commit.
    pub(super) fn archive(
        &self,
        searcher: &tantivy::Searcher,
    ) -> Result<Arc<ArchiveEntities>, SearchError> {
        let generation = searcher.generation().generation_id();
        let mut cached = self.archive.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((g, a)) = cached.as_ref()
            && *g == generation
        {
            return Ok(a.clone());
        }
        let built = Arc::new(ArchiveEntities::build(searcher, &self.aliases)?);
        *cached = Some((generation, built.clone()));
        Ok(built)
    }

    /// The id of the entity that a name the index holds belongs to.
    pub fn entity_id_of(
        &self,
        kind: EntityType,
        name: &str,
    ) -> Result<Option<String>, SearchError> {
        let searcher = self.reader.searcher();
        let archive = self.archive(&searcher)?;
        Ok(archive.entity_named(kind, name).map(|e| e.id.clone()))
    }

    /// Articles in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}
