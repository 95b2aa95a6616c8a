//! Every live article of the index, once, with its entities as archive-wide entity numbers:
//! what an export to another engine reads. The articles are read segment by segment from the
//! document store, so memory stays that of one article whatever the archive's size.

use tantivy::TantivyDocument;
use tantivy::schema::Value;

use super::stored::{day, stored_all, stored_text};
use super::{SearchError, Searcher};
use crate::entities::EntityType;
use crate::identity::Entity;
use crate::index::schema::MentionLine;

/// Decompressed store blocks kept per segment: the store is read in order, so one suffices.
const STORE_BLOCKS: usize = 1;

/// One stored article, as an export writes it.
#[derive(Debug, Clone, Default)]
pub struct StoredArticle {
    /// The article's id, as the local index gives it.
    pub id: String,
    /// The title as stored and shown.
    pub title: String,
    /// Whether the title is a headline (one the file states, not the text's first sentence):
    /// unfielded words are looked for in headlines and bodies.
    pub headline: bool,
    /// The body, for the other engine to index.
    pub body: String,
    /// The article's address, when the file gave one.
    pub url: Option<String>,
    /// The outlet, when known.
    pub source: Option<String>,
    /// `YYYY-MM-DD`, when the article has a date.
    pub date: Option<String>,
    /// The release group (republished texts share one).
    pub group: u64,
    /// Who wrote it, where the file said.
    pub author: Option<String>,
    /// Every file the same text was found in.
    pub paths: Vec<String>,
    /// Which of title, date and source were inferred rather than read from metadata.
    pub inferred: Vec<String>,
    /// The index's mention lines (`MentionLine`): each entity with the ways the article
    /// wrote it, for a document's view read from another engine.
    pub mentions: Vec<String>,
    /// The article's people, organizations and places as entity numbers: positions in
    /// [`Searcher::archive_entities`] of the kind (in [`EntityType::ALL`] order), without
    /// repeats. A name the registry does not hold (none, as both are built from the same
    /// index) is left out.
    pub entities: [Vec<u32>; 3],
    /// The names the article carries, by kind (in [`EntityType::ALL`] order), without
    /// repeats: what the registry is built from, so that an export can ship its inputs.
    pub names: [Vec<String>; 3],
}

impl Searcher {
    /// Calls `each` with every live article, in index order; stops at the first error it
    /// returns. Returns how many articles were read.
    pub fn each_article(
        &self,
        each: &mut dyn FnMut(&StoredArticle) -> anyhow::Result<()>,
    ) -> anyhow::Result<u64> {
        let searcher = self.reader.searcher();
        let archive = self.archive(&searcher)?;
        let f = &self.fields;
        let mut read = 0;
        for segment in searcher.segment_readers() {
            let store = segment
                .get_store_reader(STORE_BLOCKS)
                .map_err(|e| SearchError::Index(e.into()))?;
            for doc in store.iter::<TantivyDocument>(segment.alive_bitset()) {
                let doc = doc.map_err(SearchError::Index)?;
                let mut article = StoredArticle {
                    id: stored_text(&doc, f.id).unwrap_or_default(),
                    title: stored_text(&doc, f.title).unwrap_or_default(),
                    headline: doc.get_first(f.headline).is_some(),
                    body: stored_text(&doc, f.body).unwrap_or_default(),
                    url: stored_text(&doc, f.url),
                    source: stored_text(&doc, f.source),
                    date: day(&doc, f.date),
                    group: doc.get_first(f.group).and_then(|v| v.as_u64()).unwrap_or(0),
                    author: stored_text(&doc, f.author),
                    paths: stored_all(&doc, f.path),
                    inferred: stored_all(&doc, f.inferred),
                    mentions: stored_all(&doc, f.mentions),
                    entities: Default::default(),
                    names: Default::default(),
                };
                for line in &article.mentions {
                    let Some(line) = MentionLine::read(line) else {
                        continue;
                    };
                    let Some(kind) = EntityType::from_label(line.kind) else {
                        continue;
                    };
                    let names = &mut article.names[kind as usize];
                    if !names.iter().any(|n| n == line.name) {
                        names.push(line.name.to_string());
                    }
                    let Some(number) = archive.registry.entity_of(kind, line.name) else {
                        continue;
                    };
                    let numbers = &mut article.entities[kind as usize];
                    if !numbers.contains(&number) {
                        numbers.push(number);
                    }
                }
                each(&article)?;
                read += 1;
            }
        }
        Ok(read)
    }

    /// The archive's entities of one kind, in the order [`StoredArticle::entities`] numbers
    /// them.
    pub fn archive_entities(&self, kind: EntityType) -> Result<Vec<Entity>, SearchError> {
        let searcher = self.reader.searcher();
        let archive = self.archive(&searcher)?;
        Ok(archive.registry.entities(kind).to_vec())
    }

    /// The alias table the index was written with, which its registry was built with.
    pub fn aliases(&self) -> &crate::entities::Aliases {
        &self.aliases
    }
}
