//! An article as a tantivy document: its text and metadata, its entities under their canonical
//! names for facets and under every name they go by for queries.

use tantivy::TantivyDocument;
use tantivy::schema::Field;

use super::Fields;
use super::groups::stored as signature_values;
use super::write::to_datetime;
use crate::corpus::Article;
use crate::dedup::Signature;
use crate::entities::{Aliases, ArticleEntities, EntityType, Extractor};

/// An article on its way into the index.
pub(super) struct NewArticle {
    pub article: Article,
    /// Every file it was found in.
    pub paths: Vec<String>,
    pub hash: u64,
    /// Its release group and near-duplicate signature (see `groups`).
    pub group: u64,
    pub signature: Option<Signature>,
}

/// The document for an article; entities are extracted when `entities` is on. Extraction is
/// guarded: an article the extractor fails on is indexed without entities rather than lost.
pub(super) fn build(
    f: &Fields,
    new: &NewArticle,
    entities: bool,
    aliases: &Aliases,
) -> TantivyDocument {
    let article = &new.article;
    let found = entities
        .then(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Extractor::shipped().entities(&article.title, &article.body, aliases)
            }))
            .ok()
        })
        .flatten();
    let mut doc = to_document(f, article, &new.paths, new.hash, found.as_ref(), aliases);
    doc.add_u64(f.group, new.group);
    for v in new.signature.iter().flat_map(signature_values) {
        doc.add_u64(f.dup_sig, v);
    }
    doc
}

fn to_document(
    f: &Fields,
    a: &Article,
    paths: &[String],
    hash: u64,
    entities: Option<&ArticleEntities>,
    aliases: &Aliases,
) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.id, &a.id);
    for p in paths {
        doc.add_text(f.path, p);
    }
    doc.add_text(f.title, &a.title);
    doc.add_text(f.body, &a.body);
    if let Some(date) = a.date {
        doc.add_date(f.date, to_datetime(date));
    }
    if let Some(source) = &a.source {
        doc.add_text(f.source, source);
    }
    if let Some(url) = &a.url {
        doc.add_text(f.url, url);
    }
    for name in a.inferred.names() {
        doc.add_text(f.inferred, name);
    }
    doc.add_u64(f.hash, hash);
    doc.add_text(f.encoding, a.encoding);
    if let Some(entities) = entities {
        for kind in EntityType::ALL {
            for e in entities.of(kind) {
                add_entity(f, &mut doc, kind, &e.name, aliases);
                // An organization's or place's own spellings in the article (an abbreviation
                // it introduced) also find it; a person's do not, since a surface form like
                // "Карина" would then match the woman named Карина.
                if kind != EntityType::Per {
                    let (_, words) = entity_fields(f, kind);
                    for surface in &e.surfaces {
                        doc.add_text(words, surface);
                    }
                }
                for surface in &e.surfaces {
                    doc.add_text(
                        f.mentions,
                        format!("{}\t{}\t{surface}", kind.label(), e.name),
                    );
                }
            }
        }
    }
    doc
}

fn entity_fields(f: &Fields, kind: EntityType) -> (Field, Field) {
    match kind {
        EntityType::Per => (f.person, f.person_words),
        EntityType::Org => (f.org, f.org_words),
        EntityType::Loc => (f.loc, f.loc_words),
    }
}

/// The canonical name for facets, and the words of every name it goes by for queries.
fn add_entity(
    f: &Fields,
    doc: &mut TantivyDocument,
    kind: EntityType,
    name: &str,
    aliases: &Aliases,
) {
    let (exact, words) = entity_fields(f, kind);
    doc.add_text(exact, name);
    for alias in aliases.names_of(kind, name) {
        doc.add_text(words, alias);
    }
}

/// A stored document again, with a new list of paths. Name words are not stored, so they are
/// derived again from the stored entity names.
pub(super) fn with_paths(
    f: &Fields,
    stored_doc: TantivyDocument,
    paths: &[String],
    aliases: &Aliases,
) -> TantivyDocument {
    use tantivy::schema::Value;
    let mut doc = TantivyDocument::new();
    for (field, value) in stored_doc.field_values() {
        if field == f.path {
            continue;
        }
        let kind = EntityType::ALL
            .into_iter()
            .find(|&k| entity_fields(f, k).0 == field);
        match (kind, value.as_str()) {
            (Some(kind), Some(name)) => add_entity(f, &mut doc, kind, name, aliases),
            (None, Some(line)) if field == f.mentions => {
                let mut parts = line.splitn(3, '\t');
                let kind = match parts.next() {
                    Some("ORG") => Some(f.org_words),
                    Some("LOC") => Some(f.loc_words),
                    _ => None,
                };
                if let (Some(words), Some(surface)) = (kind, parts.nth(1)) {
                    doc.add_text(words, surface);
                }
                doc.add_field_value(field, value);
            }
            _ => doc.add_field_value(field, value),
        }
    }
    for p in paths {
        doc.add_text(f.path, p);
    }
    // The signature is not stored; it follows from the stored body.
    let body = stored_doc.get_first(f.body).and_then(|v| v.as_str());
    if let Some(sig) = body.and_then(crate::dedup::signature) {
        for v in signature_values(&sig) {
            doc.add_u64(f.dup_sig, v);
        }
    }
    doc
}
