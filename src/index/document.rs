//! An article as a tantivy document: its text and metadata, its entities under their canonical
//! names for facets and under every name they go by for queries.

use tantivy::TantivyDocument;

use super::groups::stored as signature_values;
use super::schema::{Fields, MentionLine, to_datetime};
use crate::corpus::{Article, Inferred};
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
    let mut doc = to_document(f, article, &new.paths, new.hash, found.as_ref());
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
) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.id, &a.id);
    for p in paths {
        doc.add_text(f.path, p);
    }
    doc.add_text(f.title, &a.title);
    if !a.inferred.title_is_first_sentence {
        doc.add_text(f.headline, &a.title);
        doc.add_text(f.prefixes, &a.title);
    }
    doc.add_text(f.body, &a.body);
    doc.add_text(f.prefixes, &a.body);
    match a.date {
        Some(date) => doc.add_date(f.date, to_datetime(date)),
        None => doc.add_bool(f.undated, true),
    }
    if let Some(source) = &a.source {
        doc.add_text(f.source, source);
    }
    if let Some(url) = &a.url {
        doc.add_text(f.url, url);
    }
    if let Some(author) = &a.author {
        doc.add_text(f.author, author);
    }
    for name in a.inferred.names() {
        doc.add_text(f.inferred, name);
    }
    doc.add_u64(f.hash, hash);
    doc.add_text(f.encoding, a.encoding);
    doc.add_u64(f.head, Head::of(a, "").fingerprint);
    if let Some(entities) = entities {
        for kind in EntityType::ALL {
            for e in &entities[kind] {
                doc.add_text(f.entity(kind), &e.name);
                doc.add_text(
                    f.mentions,
                    MentionLine::write(kind.label(), &e.name, &e.surfaces),
                );
            }
        }
    }
    doc
}

/// What of a stored article comes from the first of its paths rather than from its text:
/// the same text in two files (two folders, two encodings) is one article, shown with the id,
/// encoding and inferred fields of the first path.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Head {
    /// The file it was read from.
    pub path: String,
    pub id: String,
    pub encoding: &'static str,
    pub inferred: Inferred,
    /// A hash of the three, stored in the `head` fast field.
    pub fingerprint: u64,
}

impl Head {
    pub fn of(a: &Article, path: &str) -> Head {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(a.id.as_bytes());
        h.update(&[0]);
        h.update(a.encoding.as_bytes());
        h.update(&[0]);
        for name in a.inferred.names() {
            h.update(name.as_bytes());
            h.update(&[0]);
        }
        Head {
            path: path.to_string(),
            id: a.id.clone(),
            encoding: a.encoding,
            inferred: a.inferred,
            fingerprint: h.digest(),
        }
    }
}

/// A stored document again, with a new list of paths and, when `head` is given, the id,
/// encoding and inferred fields of a new first path; `fingerprint` is the head fingerprint the
/// document keeps (the field is not stored, so it is given again). Nothing is extracted again:
/// entity names are derived from the stored mention lines, the signature from the body.
pub(super) fn reused(
    f: &Fields,
    stored_doc: TantivyDocument,
    paths: &[String],
    head: Option<&Head>,
    fingerprint: u64,
) -> TantivyDocument {
    use tantivy::schema::Value;
    let mut doc = TantivyDocument::new();
    let replaced =
        |field| head.is_some() && (field == f.id || field == f.encoding || field == f.inferred);
    for (field, value) in stored_doc.field_values() {
        if field == f.path || replaced(field) {
            continue;
        }
        if field == f.mentions
            && let Some(line) = value.as_str().and_then(MentionLine::read)
            && let Some(kind) = EntityType::from_label(line.kind)
        {
            doc.add_text(f.entity(kind), line.name);
        }
        doc.add_field_value(field, value);
    }
    for p in paths {
        doc.add_text(f.path, p);
    }
    // The undated marker is not stored; it follows from the stored date.
    if stored_doc.get_first(f.date).is_none() {
        doc.add_bool(f.undated, true);
    }
    match head {
        Some(head) => {
            doc.add_text(f.id, &head.id);
            doc.add_text(f.encoding, head.encoding);
            for name in head.inferred.names() {
                doc.add_text(f.inferred, name);
            }
            doc.add_u64(f.head, head.fingerprint);
        }
        None => doc.add_u64(f.head, fingerprint),
    }
    // The prefixes are not stored; they follow from the stored headline and body.
    for field in [f.headline, f.body] {
        if let Some(text) = stored_doc.get_first(field).and_then(|v| v.as_str()) {
            doc.add_text(f.prefixes, text);
        }
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

/// An article's identity: the same title, text and metadata under several paths is stored
/// once; any change to them makes a new article. Path-derived ids are left out, so copies of
/// one file in two places are the same article; an id the record gives itself is part of it,
/// so records with their own ids are articles of their own whatever their text (identical
/// texts then share a release group).
pub(super) fn article_hash(a: &Article, seed: u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::with_seed(seed);
    let date = a.date.map(|d| d.to_string());
    if a.own_id {
        h.update(b"\x01id");
        h.update(a.id.as_bytes());
        h.update(&[0]);
    }
    for part in [
        Some(a.title.as_str()),
        Some(a.body.as_str()),
        date.as_deref(),
        a.source.as_deref(),
        a.url.as_deref(),
        a.author.as_deref(),
    ] {
        h.update(part.unwrap_or("").as_bytes());
        h.update(&[0]);
    }
    h.digest()
}
