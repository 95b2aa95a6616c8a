//! Entity filters: `--person`/`--org`/`--loc` and `person:`/`org:`/`loc:` in a query. What
//! the user typed is resolved against the archive's entities ([`Registry::resolve`]), and the
//! filter matches the articles carrying any name of the entities found. A name that resolves to
//! nothing matches no article: a filter narrows, never widens. Each filter is echoed with what
//! it resolved to, so people and scripts can see it.
//!
//! [`Registry::resolve`]: crate::identity::Registry::resolve

use serde::Serialize;
use tantivy::query_grammar::{Delimiter, Occur, UserInputAst, UserInputLeaf, UserInputLiteral};

use super::SearchError;
use super::archive::ArchiveEntities;
use super::budget::Budget;
use super::fuzzy::{MAX_EXPANSIONS, NameMatcher};
use crate::entities::{Aliases, ByKind, EntityType};
use crate::index::schema::names;

/// The entity type a query field names, if it names one (`per:` too, the gold label).
pub(crate) fn kind_of_field(field: &str) -> Option<EntityType> {
    match field {
        "per" => Some(EntityType::Per),
        _ => EntityType::from_name(field),
    }
}

/// An entity as filters and listings name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRef {
    /// The archive-wide id, stable while the entity's names are.
    pub id: String,
    /// The canonical name.
    pub name: String,
}

/// One entity filter as given, and the entities it resolved to (none: it matches nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilterMatch {
    /// The name as the user gave it.
    pub name: String,
    /// `flag` for `--person` and the API's `person=`, `query` for `person:` in the query.
    #[serde(rename = "in")]
    pub given_in: &'static str,
    /// The entities it resolved to: the filter matches articles naming any of them.
    pub entities: Vec<EntityRef>,
    /// Places an article must also name to count ("Палата общин Великобритании" written
    /// "Палата общин" counts where Великобритания is named); absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub within: Vec<EntityRef>,
    /// When the name resolved to nothing because it is shared ("Евгений" is the first name of
    /// several people, "власти" part of a dozen names): some of the entities it could mean,
    /// most articles first, so that a person can pick one. Absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ambiguous: Vec<EntityRef>,
}

/// Every entity filter of a request, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filters {
    /// The entity filters of each kind, serialized as `person`, `org`, `loc`.
    #[serde(flatten)]
    pub entities: ByKind<Vec<FilterMatch>>,
    /// Each `--source` and whether the archive has articles from it.
    pub source: Vec<SourceMatch>,
    /// False when no date can satisfy the date filters and the query's date clauses together:
    /// a range that ends before it starts, or articles without a date asked for with a range.
    pub dates_possible: bool,
    /// Only articles without a date were asked for (`--undated`, `date:none`).
    pub undated: bool,
    /// Why no date can satisfy the date filters, when `dates_possible` is false.
    pub date_conflict: Option<String>,
}

/// A source filter as given, and whether any article has that source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceMatch {
    /// The source as given.
    pub name: String,
    /// Whether any article has it: a misspelt source finds nothing, and the answer says why.
    pub known: bool,
}

impl Default for Filters {
    fn default() -> Filters {
        Filters {
            entities: ByKind::default(),
            source: Vec::new(),
            dates_possible: true,
            undated: false,
            date_conflict: None,
        }
    }
}

impl Filters {
    /// The entity filters of one kind.
    pub fn of(&self, kind: EntityType) -> &[FilterMatch] {
        &self.entities[kind]
    }

    /// The filters that matched no entity, with their kind.
    pub fn unresolved(&self) -> impl Iterator<Item = (EntityType, &FilterMatch)> {
        EntityType::ALL
            .into_iter()
            .flat_map(|k| self.of(k).iter().map(move |m| (k, m)))
            .filter(|(_, m)| m.entities.is_empty())
    }

    /// Why the filters alone match nothing, one line each (empty when they can match): for
    /// people to read beside an empty result.
    pub fn impossible(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .unresolved()
            .map(|(kind, m)| {
                let noun = kind.noun();
                if m.ambiguous.is_empty() {
                    format!("no {noun} named {} in this archive", m.name)
                } else {
                    let names: Vec<&str> = m.ambiguous.iter().map(|e| e.name.as_str()).collect();
                    format!(
                        "{} could be any of several: {}; name one of them",
                        m.name,
                        names.join(", ")
                    )
                }
            })
            .collect();
        // Sources are alternatives: only when none is known can they match nothing.
        if !self.source.is_empty() && self.source.iter().all(|s| !s.known) {
            let names: Vec<&str> = self.source.iter().map(|s| s.name.as_str()).collect();
            out.push(format!(
                "no source named {} in this archive",
                names.join(" or ")
            ));
        }
        out.extend(self.date_conflict.clone());
        out
    }
}

/// A phrase on an entity field.
fn literal(kind: EntityType, phrase: String) -> UserInputAst {
    UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(UserInputLiteral {
        field_name: Some(names::entity(kind).to_string()),
        phrase,
        delimiter: Delimiter::DoubleQuotes,
        slop: 0,
        prefix: false,
    })))
}

/// Resolves names against one reader's entities and remembers what each resolved to.
pub(crate) struct Resolver<'a> {
    pub archive: &'a ArchiveEntities,
    pub aliases: &'a Aliases,
    pub filters: Filters,
    /// Looked at while a fuzzy or prefix name is matched against every entity.
    pub budget: &'a Budget,
}

impl Resolver<'_> {
    /// The query clause for an entity name: any name of the entities it resolves to (in an
    /// article naming one of the places it requires, if any), or a term that no article has
    /// when it resolves to none.
    pub fn clause(&mut self, kind: EntityType, text: &str, given_in: &'static str) -> UserInputAst {
        let found = self
            .archive
            .registry
            .resolve_within(kind, text, self.aliases);
        self.clause_of(kind, text, given_in, &found.entities, &found.within)
    }

    /// The clause for a fuzzy or prefix name on an entity field (`person:Назарб*`,
    /// `person:Назарбаеф~`): any name of the entities one of whose names, or a word of it,
    /// matches, the closest and most written first, at most [`MAX_EXPANSIONS`] of them.
    pub fn pattern_clause(
        &mut self,
        kind: EntityType,
        literal: &UserInputLiteral,
    ) -> Result<UserInputAst, SearchError> {
        let Some((word, prefix, slop)) = super::fuzzy::typed_pattern(literal) else {
            return Ok(self.clause(kind, &literal.phrase, "query"));
        };
        let literal = &UserInputLiteral {
            phrase: word,
            prefix,
            slop,
            ..literal.clone()
        };
        let matcher = NameMatcher::new(&literal.phrase, literal.prefix, literal.slop)?;
        let mut matched: Vec<(u8, u64, u32)> = Vec::new();
        for (i, e) in self.archive.registry.entities(kind).iter().enumerate() {
            if i % 4096 == 4095 && self.budget.spent() {
                break;
            }
            if let Some(d) = e.variants.iter().filter_map(|v| matcher.distance(v)).min() {
                matched.push((d, e.docs, i as u32));
            }
        }
        matched.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        matched.truncate(MAX_EXPANSIONS);
        let entities: Vec<u32> = matched.into_iter().map(|(_, _, i)| i).collect();
        let typed = format!(
            "{}{}",
            literal.phrase,
            if literal.prefix {
                "*".to_string()
            } else {
                format!("~{}", literal.slop)
            }
        );
        Ok(self.clause_of(kind, &typed, "query", &entities, &[]))
    }

    /// The clause for the entities a name resolved to (and the places they require).
    fn clause_of(
        &mut self,
        kind: EntityType,
        text: &str,
        given_in: &'static str,
        found_entities: &[u32],
        found_within: &[u32],
    ) -> UserInputAst {
        let registry = &self.archive.registry;
        let refs = |kind: EntityType, list: &[u32]| -> Vec<&crate::identity::Entity> {
            list.iter()
                .filter_map(|&i| registry.entity(kind, i))
                .collect()
        };
        let entities = refs(kind, found_entities);
        let within = refs(EntityType::Loc, found_within);
        let as_ref = |e: &&crate::identity::Entity| EntityRef {
            id: e.id.clone(),
            name: e.name.clone(),
        };
        self.filters.entities[kind].push(FilterMatch {
            name: text.to_string(),
            given_in,
            entities: entities.iter().map(as_ref).collect(),
            within: within.iter().map(as_ref).collect(),
            ambiguous: if entities.is_empty() {
                refs(kind, &registry.namesakes(kind, text))
                    .iter()
                    .map(as_ref)
                    .collect()
            } else {
                Vec::new()
            },
        });
        let any_of = |kind: EntityType, list: &[&crate::identity::Entity]| {
            let names: Vec<String> = list
                .iter()
                .flat_map(|e| e.variants.iter().cloned())
                .collect();
            if names.is_empty() {
                // No entity: a name no article carries, so the clause matches nothing.
                return literal(kind, "\u{1}".to_string());
            }
            UserInputAst::Clause(
                names
                    .into_iter()
                    .map(|n| (Some(Occur::Should), literal(kind, n)))
                    .collect(),
            )
        };
        let clause = any_of(kind, &entities);
        if within.is_empty() {
            return clause;
        }
        UserInputAst::Clause(vec![
            (Some(Occur::Must), clause),
            (Some(Occur::Must), any_of(EntityType::Loc, &within)),
        ])
    }

    /// Replaces every `person:`/`org:`/`loc:` literal in a parsed query with its clause.
    pub fn rewrite(&mut self, ast: UserInputAst) -> Result<UserInputAst, SearchError> {
        Ok(match ast {
            UserInputAst::Clause(items) => UserInputAst::Clause(
                items
                    .into_iter()
                    .map(|(o, sub)| Ok((o, self.rewrite(sub)?)))
                    .collect::<Result<_, SearchError>>()?,
            ),
            UserInputAst::Boost(inner, b) => {
                UserInputAst::Boost(Box::new(self.rewrite(*inner)?), b)
            }
            UserInputAst::Leaf(leaf) => match *leaf {
                UserInputLeaf::Literal(lit) => {
                    match lit.field_name.as_deref().and_then(kind_of_field) {
                        // The grammar keeps `*` and `~N` inside an unquoted word.
                        Some(kind) if super::fuzzy::typed_pattern(&lit).is_some() => {
                            self.pattern_clause(kind, &lit)?
                        }
                        Some(kind) => self.clause(kind, &lit.phrase, "query"),
                        None => UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(lit))),
                    }
                }
                other => UserInputAst::Leaf(Box::new(other)),
            },
        })
    }
}
