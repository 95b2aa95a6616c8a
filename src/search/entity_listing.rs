//! The entities of a result set, most named first, each with the forms the articles wrote it
//! in and the names joined into it: what `vestnik entities` lists.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::error::SearchError;
use super::request::SearchRequest;
use super::searcher::Searcher;
use crate::entities::EntityType;
use crate::index::schema::MentionLine;

/// One entity of a result set, for `vestnik entities`.
#[derive(Debug, Clone, Serialize)]
pub struct EntityListing {
    /// "PER", "ORG" or "LOC".
    pub kind: &'static str,
    /// Its archive-wide id.
    pub id: String,
    /// Its canonical name.
    pub name: String,
    /// Matching articles that name it.
    pub count: u64,
    /// The forms it was written in (read from up to 10,000 matching articles).
    pub surfaces: Vec<String>,
    /// The names the index holds for it, joined into this one entity (the canonical name
    /// first): "Путин" beside "Владимир Путин", another rendering, a Latin spelling.
    pub variants: Vec<String>,
}

impl Searcher {
    /// The people, organizations and places of the articles matching `req`, most frequent
    /// first, each with the ways the articles wrote it.
    ///
    /// Forms are read from the stored articles, at ~0.1 ms each: reading the first 10,000
    /// matching articles made an entity profile of Путин on 200,000 articles take 960 ms, and
    /// an entity named in few of them got few of its forms. So each listed entity's forms come
    /// from the `SURFACE_ARTICLES` best-matching articles that name it (and from every other
    /// article read that names it): the forms its best articles wrote, not every rare spelling.
    pub fn entities(
        &self,
        req: &SearchRequest,
        kind: Option<EntityType>,
    ) -> Result<Vec<EntityListing>, SearchError> {
        const SURFACE_ARTICLES: usize = 30;
        let searcher = self.reader.searcher();
        let archive = self.archive(&searcher)?;
        let query = self.query(req, &archive, None)?.query;
        let (total, facets) = self.count(&searcher, &*query, req, &archive)?;
        req.budget.check()?;
        let mut listings: Vec<EntityListing> = Vec::new();
        for k in EntityType::ALL {
            if kind.is_some_and(|want| want != k) {
                continue;
            }
            let counts = &facets.entities[k];
            let by_id: std::collections::HashMap<&str, &crate::identity::Entity> = archive
                .registry
                .entities(k)
                .iter()
                .map(|e| (e.id.as_str(), e))
                .collect();
            listings.extend(counts.iter().map(|c| {
                let entity = c.id.as_deref().and_then(|id| by_id.get(id));
                EntityListing {
                    kind: k.label(),
                    id: c.id.clone().unwrap_or_default(),
                    name: c.value.clone(),
                    count: c.count,
                    surfaces: Vec::new(),
                    variants: entity.map(|e| e.variants.clone()).unwrap_or_default(),
                }
            }));
        }
        if total > 0 && !listings.is_empty() {
            // Each listing's forms with the articles using them: listed most used first, ties
            // by spelling, so that the order depends on the articles and not on the segments.
            let at: std::collections::HashMap<(&str, String), usize> = listings
                .iter()
                .enumerate()
                .map(|(i, l)| ((l.kind, l.name.clone()), i))
                .collect();
            let mut forms: Vec<std::collections::HashMap<String, u64>> =
                vec![Default::default(); listings.len()];
            // The first articles, by score, that match the query and name each entity; each
            // article read once.
            let mut docs: Vec<DocAddress> = Vec::new();
            for l in &listings {
                let Some(kind) = EntityType::from_label(l.kind) else {
                    continue;
                };
                let field = self.fields.entity(kind);
                let names: Vec<(Occur, Box<dyn Query>)> = l
                    .variants
                    .iter()
                    .map(|v| {
                        let term = Term::from_field_text(field, v);
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                        (Occur::Should, q)
                    })
                    .collect();
                if names.is_empty() {
                    continue;
                }
                let naming = BooleanQuery::new(vec![
                    (Occur::Must, query.box_clone()),
                    (Occur::Must, Box::new(BooleanQuery::new(names))),
                ]);
                let top = TopDocs::with_limit(SURFACE_ARTICLES.min(total)).order_by_score();
                docs.extend(searcher.search(&naming, &top)?.into_iter().map(|(_, a)| a));
                req.budget.check()?;
            }
            // In index order, so that neighbouring articles share the store's blocks.
            docs.sort();
            docs.dedup();
            for address in docs {
                req.budget.check()?;
                let doc: TantivyDocument = searcher.doc(address)?;
                for line in doc
                    .get_all(self.fields.mentions)
                    .filter_map(|v| v.as_str().and_then(MentionLine::read))
                {
                    let Some(kind) = EntityType::from_label(line.kind) else {
                        continue;
                    };
                    let name = archive.canonical(kind, line.name).to_string();
                    let Some(&i) = at.get(&(kind.label(), name)) else {
                        continue;
                    };
                    for surface in line.surfaces {
                        *forms[i].entry(surface.to_string()).or_default() += 1;
                    }
                }
            }
            for (l, forms) in listings.iter_mut().zip(forms) {
                let mut forms: Vec<(String, u64)> = forms.into_iter().collect();
                forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                l.surfaces = forms.into_iter().map(|(f, _)| f).collect();
            }
        }
        Ok(listings)
    }
}
