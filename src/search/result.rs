//! What a search answers: the [`SearchResult`] and the [`Hit`]s on its page, as people and
//! scripts see them (the JSON the CLI prints and the server sends is these types serialized).

use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::schema::Value;

use super::archive::ArchiveEntities;
use super::entity::Filters;
use super::facets::Facets;
use super::relax::Relaxation;
use crate::entities::{ByKind, EntityType};
use crate::index::schema::MentionLine;

/// A request's answer: the page of hits, the count and facets of every match, and how the filters
/// and the query were read.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    /// The query as asked.
    pub query: String,
    /// Every matched article, not just this page.
    pub total: usize,
    /// The page of hits, in the requested order.
    pub hits: Vec<Hit>,
    /// Counts over every match (or every release group), not just this page.
    pub facets: Facets,
    /// Release groups among the matches, when facets were counted by group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<usize>,
    /// Each entity filter and the entities it resolved to.
    pub filters: Filters,
    /// The query was relaxed: too few articles had every word, and these are the articles
    /// with most of them (`relaxation` says how many).
    pub relaxed: bool,
    /// How it was relaxed, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relaxation: Option<Relaxation>,
    /// When nothing matched: indexed words and names close to the ones that found nothing.
    pub suggestions: Vec<String>,
}

/// One matched article as shown to people and scripts.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
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
    /// The first file the article was read from.
    pub path: String,
    /// Every file the same text was found in (republished copies are stored once).
    pub paths: Vec<String>,
    /// BM25 relevance; `null` when sorted by date.
    pub score: Option<f32>,
    /// A sentence-aligned excerpt of the body around the best match (its lead when no word of the
    /// body matched).
    pub snippet: String,
    /// `[start, end)` of each highlighted word in `snippet`, in Unicode code points.
    pub highlights: Vec<[usize; 2]>,
    /// Which of title, date and source were inferred rather than read from metadata.
    pub inferred: Vec<String>,
    /// The character encoding the file was decoded from.
    pub encoding: Option<String>,
    /// The people, organizations and places the article names, by canonical name.
    pub entities: HitEntities,
    /// Its release group (16 hex digits): versions of one text share it.
    pub group: String,
    /// The other articles of its group (other sources, headlines, edits), up to
    /// `MAX_DUPLICATES`; empty when grouping is off.
    pub duplicates: Vec<Duplicate>,
}

/// Another version of a hit's text.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    /// The id `vestnik show` and `/api/doc` take.
    pub id: String,
    /// Its title.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The outlet, when known.
    pub source: Option<String>,
    /// The article's address, when the file gave one.
    pub url: Option<String>,
}

/// The canonical names of a hit's people, organizations and places.
pub type HitEntities = ByKind<Vec<String>>;

impl HitEntities {
    /// The canonical names of a stored document's entities, from its mention lines, in the
    /// order the extractor listed them: each entity once, under its archive-wide name.
    pub(super) fn stored(
        doc: &TantivyDocument,
        mentions: tantivy::schema::Field,
        archive: &ArchiveEntities,
    ) -> HitEntities {
        let mut out = HitEntities::default();
        for line in doc
            .get_all(mentions)
            .filter_map(|v| v.as_str().and_then(MentionLine::read))
        {
            let Some(kind) = EntityType::from_label(line.kind) else {
                continue;
            };
            let list = &mut out[kind];
            let name = archive.canonical(kind, line.name).to_string();
            if !list.contains(&name) {
                list.push(name);
            }
        }
        out
    }
}
