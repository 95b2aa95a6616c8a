//! What extraction produces: the three kinds of entity, a mention of one in a text, and an
//! article's entities under their canonical names.

use serde::Serialize;

/// A person (PER), an organization (ORG) or a place (LOC), as NEREL and factRuEval label them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EntityType {
    Per,
    Org,
    Loc,
}

impl EntityType {
    pub const ALL: [EntityType; 3] = [EntityType::Per, EntityType::Org, EntityType::Loc];

    /// The label used in gold files and evaluation output.
    pub fn label(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
        }
    }

    /// The type a [`label`](EntityType::label) names.
    pub fn from_label(label: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// One mention of an entity in a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mention {
    pub kind: EntityType,
    /// Code-point offsets of the mention in the text.
    pub start: usize,
    pub end: usize,
    /// The text as written ("Ерлана Карина").
    pub surface: String,
    /// Its dictionary form ("Ерлан Карин").
    pub norm: String,
}

/// One entity of an article: its canonical name and how the article wrote it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityName {
    pub name: String,
    pub surfaces: Vec<String>,
}

/// The people, organizations and places an article names.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArticleEntities {
    pub person: Vec<EntityName>,
    pub org: Vec<EntityName>,
    pub loc: Vec<EntityName>,
}

impl ArticleEntities {
    pub fn of(&self, kind: EntityType) -> &[EntityName] {
        match kind {
            EntityType::Per => &self.person,
            EntityType::Org => &self.org,
            EntityType::Loc => &self.loc,
        }
    }
}
