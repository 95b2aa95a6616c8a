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

    /// Every name a kind goes by, in one table so that no front end spells them itself:
    /// the gold-file label, the facet/flag/field name, the noun of messages, the heading of
    /// a list.
    const NAMES: [[&'static str; 4]; 3] = [
        ["PER", "person", "person", "People"],
        ["ORG", "org", "organization", "Organizations"],
        ["LOC", "loc", "place", "Places"],
    ];

    fn names(self) -> &'static [&'static str; 4] {
        &Self::NAMES[self as usize]
    }

    /// The label used in gold files, evaluation output and the JSON of listings: "PER".
    pub fn label(self) -> &'static str {
        self.names()[0]
    }

    /// The name facets, filters, flags, query fields and CSV rows use: "person", "org", "loc".
    pub fn name(self) -> &'static str {
        self.names()[1]
    }

    /// The noun of messages: "no organization named ...".
    pub fn noun(self) -> &'static str {
        self.names()[2]
    }

    /// The heading of a list of them: "People".
    pub fn heading(self) -> &'static str {
        self.names()[3]
    }

    /// The type a [`label`](EntityType::label) names.
    pub fn from_label(label: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|k| k.label() == label)
    }

    /// The type a [`name`](EntityType::name) names.
    pub fn from_name(name: &str) -> Option<EntityType> {
        EntityType::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One value for each kind of entity, indexed by [`EntityType`]: an article's entities, a
/// request's filters, their resolutions, co-occurrence counts. Serialized as `{"person",
/// "org", "loc"}`, the names every JSON answer uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ByKind<T> {
    /// The people's value.
    pub person: T,
    /// The organizations' value.
    pub org: T,
    /// The places' value.
    pub loc: T,
}

impl<T> ByKind<T> {
    /// Each kind's value made by `f`.
    pub fn from_fn(mut f: impl FnMut(EntityType) -> T) -> ByKind<T> {
        ByKind {
            person: f(EntityType::Per),
            org: f(EntityType::Org),
            loc: f(EntityType::Loc),
        }
    }

    /// Each kind's value turned into another by `f`.
    pub fn map<U>(self, mut f: impl FnMut(EntityType, T) -> U) -> ByKind<U> {
        ByKind {
            person: f(EntityType::Per, self.person),
            org: f(EntityType::Org, self.org),
            loc: f(EntityType::Loc, self.loc),
        }
    }

    /// The kinds and their values, in [`EntityType::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (EntityType, &T)> {
        EntityType::ALL.into_iter().map(move |k| (k, &self[k]))
    }
}

impl<T> std::ops::Index<EntityType> for ByKind<T> {
    type Output = T;

    fn index(&self, kind: EntityType) -> &T {
        match kind {
            EntityType::Per => &self.person,
            EntityType::Org => &self.org,
            EntityType::Loc => &self.loc,
        }
    }
}

impl<T> std::ops::IndexMut<EntityType> for ByKind<T> {
    fn index_mut(&mut self, kind: EntityType) -> &mut T {
        match kind {
            EntityType::Per => &mut self.person,
            EntityType::Org => &mut self.org,
            EntityType::Loc => &mut self.loc,
        }
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

/// The people, organizations and places an article names, each kind in order of first
/// mention.
pub type ArticleEntities = ByKind<Vec<EntityName>>;
