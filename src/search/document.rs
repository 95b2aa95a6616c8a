//! One article in full, looked up by id for reading (`vestnik show`, the server's document
//! page): its text, the entities it names and how it wrote each, and its other versions.

use serde::Serialize;
use tantivy::schema::Value;
use tantivy::{TantivyDocument, Term};

use super::error::SearchError;
use super::result::{Duplicate, HitEntities};
use super::searcher::Searcher;
use super::stored::{day, first_with, group_label, stored_all, stored_text};
use crate::entities::EntityType;
use crate::identity::Entity;
use crate::index::schema::MentionLine;

/// One article in full, for reading: its text, the entities it names and how it wrote them,
/// and the other versions of its text.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The id `vestnik show` and `/api/doc` take.
    pub id: String,
    /// The title (inferred when the file gave none; see `inferred`).
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The outlet, when known.
    pub source: Option<String>,
    /// The article's address, when the file gave one.
    pub url: Option<String>,
    /// Who wrote it, where the file said.
    pub author: Option<String>,
    /// Every file the same text was found in.
    pub paths: Vec<String>,
    /// The whole text.
    pub body: String,
    /// Which of title, date and source were inferred rather than read from metadata.
    pub inferred: Vec<String>,
    /// The people, organizations and places it names, by canonical name.
    pub entities: HitEntities,
    /// Each way the article wrote each entity.
    pub mentions: Vec<Mention>,
    /// Its release group (16 hex digits): versions of one text share it.
    pub group: String,
    /// The other versions of its text.
    pub duplicates: Vec<Duplicate>,
    /// Where the words of the query the article was opened from are, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marks: Option<QueryMarks>,
}

/// `[start, end)` code-point ranges of the query's words in the title and the body, as the
/// index matched them (see [`Searcher::query_marks`]).
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueryMarks {
    /// Ranges in the title.
    pub title: Vec<[usize; 2]>,
    /// Ranges in the body.
    pub body: Vec<[usize; 2]>,
}

/// One way an article wrote one of its entities, for the document view's list and highlights.
#[derive(Debug, Clone, Serialize)]
pub struct Mention {
    /// "PER", "ORG" or "LOC".
    pub kind: String,
    /// The entity's archive-wide canonical name.
    pub name: String,
    /// The entity's archive-wide id.
    pub id: Option<String>,
    /// The words as the article wrote them.
    pub surface: String,
}

impl Searcher {
    /// The article with this id, or `None`. Only the index is read: an id is a value looked
    /// up in it, never a path.
    pub fn document(&self, id: &str) -> Result<Option<Document>, SearchError> {
        let searcher = self.reader.searcher();
        let Some(address) = first_with(&searcher, Term::from_field_text(self.fields.id, id))?
        else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        let archive = self.archive(&searcher)?;
        let f = &self.fields;
        let text = |field| stored_text(&doc, field);
        let all = |field| stored_all(&doc, field);
        let (entities, mentions) = read_mentions(&all(f.mentions), &|kind, name| {
            archive.entity_named(kind, name)
        });
        let group = doc.get_first(f.group).and_then(|v| v.as_u64());
        Ok(Some(Document {
            id: text(f.id).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            date: day(&doc, f.date),
            source: text(f.source),
            url: text(f.url),
            author: text(f.author),
            paths: all(f.path),
            body: text(f.body).unwrap_or_default(),
            inferred: all(f.inferred),
            entities,
            mentions,
            group: group_label(&doc, f.group),
            duplicates: match group {
                Some(g) => self.duplicates(&searcher, g, address)?,
                None => Vec::new(),
            },
            marks: None,
        }))
    }
}

/// An article's entities, each once under its archive-wide name in the order the extractor
/// listed them, and each way it wrote each, from its mention lines (`MentionLine`); `entity`
/// finds the archive's entity of a name. Shared by the local index and the engine path, so
/// that both show a document alike.
pub(crate) fn read_mentions<'r>(
    lines: &[String],
    entity: &dyn Fn(EntityType, &str) -> Option<&'r Entity>,
) -> (HitEntities, Vec<Mention>) {
    let mut entities = HitEntities::default();
    let mut mentions = Vec::new();
    for line in lines.iter().filter_map(|line| MentionLine::read(line)) {
        let Some(kind) = EntityType::from_label(line.kind) else {
            continue;
        };
        let found = entity(kind, line.name);
        let name = found.map_or(line.name, |e| e.name.as_str());
        let list = &mut entities[kind];
        if !list.iter().any(|n| n == name) {
            list.push(name.to_string());
        }
        for surface in line.surfaces {
            mentions.push(Mention {
                kind: line.kind.to_string(),
                name: name.to_string(),
                id: found.map(|e| e.id.clone()),
                surface: surface.to_string(),
            });
        }
    }
    (entities, mentions)
}
