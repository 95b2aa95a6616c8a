//! What extraction produces: the three kinds of entity, a mention of one in a text, and an
//! article's entities under their canonical names.

use serde::Serialize;

/// A person (PER), an organization (ORG) or a place (LOC), as NEREL and factRuEval label them.
/// The command line and the API name them as the facets and filters do (`--type person`,
/// `type=org`): one type, one set of names, whichever front end reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, clap::ValueEnum)]
pub enum EntityType {
    /// A person.
    #[value(name = "person")]
    Per,
    /// An organization.
    #[value(name = "org")]
    Org,
    /// A place.
    #[value(name = "loc")]
    Loc,
}

impl EntityType {
    /// The three, in the order lists and facets use.
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
    /// What it names.
    pub kind: EntityType,
    /// Code-point offsets of the mention in the text: where it starts...
    pub start: usize,
    /// ...and where it ends (exclusive).
    pub end: usize,
    /// The text as written ("Ерлана Карина").
    pub surface: String,
    /// Its dictionary form ("Ерлан Карин").
    pub norm: String,
}

/// One entity of an article: its canonical name and how the article wrote it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityName {
    /// The canonical name (after the alias table).
    pub name: String,
    /// The ways the article wrote it, in order of first appearance.
    pub surfaces: Vec<String>,
}

/// The people, organizations and places an article names.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArticleEntities {
    /// People, in order of first mention.
    pub person: Vec<EntityName>,
    /// Organizations, in order of first mention.
    pub org: Vec<EntityName>,
    /// Places, in order of first mention.
    pub loc: Vec<EntityName>,
}

impl ArticleEntities {
    /// The entities of one kind.
    pub fn of(&self, kind: EntityType) -> &[EntityName] {
        match kind {
            EntityType::Per => &self.person,
            EntityType::Org => &self.org,
            EntityType::Loc => &self.loc,
        }
    }
}
