//! People, organizations and places: finding their mentions in text, bringing each to its
//! dictionary form, and scoring the extractor against gold annotation.
//!
//! Mentions are found by a perceptron tagger trained by this project on NEREL's training split
//! (`vestnik train-ner`), using the OpenCorpora dictionary's name, surname and place tags as
//! features; the trained model ships inside the binary.

mod aliases;
pub mod eval;
mod link;
mod morph;
mod normalize;
mod tagger;
mod tokens;

use std::sync::LazyLock;

use serde::Serialize;

pub use aliases::{AliasError, Aliases, key as name_key};
pub use eval::{GoldArticle, Scores, Tally};
pub use link::stem as surname_stem;
pub use morph::Morph;
use tagger::Model;

/// The model trained on NEREL train; an empty file means a build without entities.
static MODEL_BYTES: &[u8] = include_bytes!("ner.model");
/// Changes whenever extraction changes what it finds: indexes written before are rewritten.
pub const MODEL_VERSION: &str = "ner-3";

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

/// Finds and normalizes entity mentions. Cheap to share: the dictionary analyses it caches are
/// behind a lock.
pub struct Extractor {
    model: Model,
    morph: Morph,
}

impl Extractor {
    /// The extractor with the model shipped in the binary.
    pub fn shipped() -> &'static Extractor {
        static E: LazyLock<Extractor> = LazyLock::new(|| Extractor {
            model: Model::load(MODEL_BYTES).unwrap_or_else(|_| Model::empty()),
            morph: Morph::new(),
        });
        &E
    }

    /// An extractor with a model read from `bytes` (as written by `train-ner`).
    pub fn with_model(bytes: &[u8]) -> std::io::Result<Extractor> {
        Ok(Extractor {
            model: Model::load(bytes)?,
            morph: Morph::new(),
        })
    }

    pub fn has_model(&self) -> bool {
        !self.model.is_empty()
    }

    /// Every mention in `text`, in text order.
    pub fn extract(&self, text: &str) -> Vec<Mention> {
        let tokens = tokens::tokenize(text);
        if tokens.is_empty() {
            return Vec::new();
        }
        let features = tagger::token_features(&tokens, &self.morph);
        let mut found: Vec<(Mention, (usize, usize))> = Vec::new();
        for kind in EntityType::ALL {
            for (first, last) in self.model.tag(&features, kind) {
                // A name never runs across a line break (a headline into the text).
                let latin = |t: &tokens::Token| t.text.chars().any(|c| c.is_ascii_alphabetic());
                let last = (first + 1..=last)
                    .find(|&k| {
                        // Nor, for a person, from Cyrillic into Latin ("Хвана Чжан Епа Lenta.ru").
                        tokens[k].after_break
                            || (kind == EntityType::Per
                                && latin(&tokens[k]) != latin(&tokens[first]))
                            || (kind == EntityType::Org
                                && runs_on_after_abbreviation(&tokens[k - 1], &tokens[k]))
                    })
                    .map_or(last, |k| k - 1);
                let span = &tokens[first..=last];
                let (start, end) = (span[0].start, span[span.len() - 1].end);
                let surface = text[span[0].start_byte..span[span.len() - 1].end_byte].to_string();
                let norm = normalize::normalize(kind, span, &self.morph);
                found.push((
                    Mention {
                        kind,
                        start,
                        end,
                        surface,
                        norm,
                    },
                    (first, last),
                ));
            }
        }
        self.add_expansions(text, &tokens, &mut found);
        found.sort_by_key(|(m, _)| (m.start, std::cmp::Reverse(m.end)));
        let spans: Vec<(usize, usize)> = found.iter().map(|(_, s)| *s).collect();
        let mut mentions: Vec<Mention> = found.into_iter().map(|(m, _)| m).collect();
        link::link_people(&mut mentions, |j| {
            let (first, last) = spans[j];
            Some(normalize::person_as(
                &tokens[first..=last],
                &self.morph,
                Some((true, true)),
            ))
        });
        link::link_abbreviations(&mut mentions, text);
        mentions
    }

    /// "Агентство по защите и развитию конкуренции (АЗРК)": when an abbreviation in brackets
    /// follows words that spell it, those words are an organization, whether or not the tagger
    /// saw it.
    fn add_expansions(
        &self,
        text: &str,
        tokens: &[tokens::Token],
        found: &mut Vec<(Mention, (usize, usize))>,
    ) {
        for k in 1..tokens.len().saturating_sub(2) {
            let abbr = tokens[k + 1].text;
            let is_abbr = tokens[k].text == "("
                && tokens[k + 2].text == ")"
                && abbr.chars().count() >= 2
                && abbr
                    .chars()
                    .all(|c| c.is_uppercase() || c.is_numeric() || c == '-');
            if !is_abbr {
                continue;
            }
            // Words back to the sentence's start, at most a dozen.
            let mut first = k;
            while first > 0 && k - first < 12 {
                let t = &tokens[first - 1];
                if matches!(t.text, "." | "!" | "?" | ";" | ":" | "(" | ")")
                    || tokens[first].after_break
                {
                    break;
                }
                first -= 1;
            }
            let window: Vec<&str> = tokens[first..k].iter().map(|t| t.text).collect();
            let Some(start) = link::expansion_start(&window, abbr) else {
                continue;
            };
            let (a, b) = (first + start, k - 1);
            if found
                .iter()
                .any(|(m, s)| m.kind == EntityType::Org && *s == (a, b))
            {
                continue;
            }
            // The expansion replaces organizations that overlap it partially.
            found.retain(|(m, (x, y))| m.kind != EntityType::Org || *y < a || *x > b);
            let span = &tokens[a..=b];
            found.push((
                Mention {
                    kind: EntityType::Org,
                    start: span[0].start,
                    end: span[span.len() - 1].end,
                    surface: text[span[0].start_byte..span[span.len() - 1].end_byte].to_string(),
                    norm: normalize::normalize(EntityType::Org, span, &self.morph),
                },
                (a, b),
            ));
        }
    }

    /// The entities of an article, each under its canonical name (after the alias table),
    /// with the surface forms it was written in.
    pub fn entities(&self, title: &str, body: &str, aliases: &Aliases) -> ArticleEntities {
        let text = format!("{title}\n\n{body}");
        let mut out = ArticleEntities::default();
        for m in self.extract(&text) {
            let name = match m.kind {
                EntityType::Per => aliases.canonical(m.kind, &m.norm),
                _ => aliases
                    .canonical_declined(m.kind, &m.norm)
                    .or_else(|| aliases.canonical_declined(m.kind, &m.surface))
                    .unwrap_or_else(|| m.norm.clone()),
            };
            if name.trim().is_empty() {
                continue;
            }
            let list = match m.kind {
                EntityType::Per => &mut out.person,
                EntityType::Org => &mut out.org,
                EntityType::Loc => &mut out.loc,
            };
            match list
                .iter_mut()
                .find(|e| aliases::key(&e.name) == aliases::key(&name))
            {
                Some(e) => {
                    if !e.surfaces.contains(&m.surface) {
                        e.surfaces.push(m.surface);
                    }
                }
                None => list.push(EntityName {
                    name,
                    surfaces: vec![m.surface],
                }),
            }
        }
        out
    }
}

/// "ЮНИСЕФ защиту прав детей": an abbreviation followed by a lowercase word other than a
/// preposition or conjunction ends the organization's name ("ООН по делам беженцев" goes on).
fn runs_on_after_abbreviation(prev: &tokens::Token, next: &tokens::Token) -> bool {
    let abbreviation =
        prev.text.chars().count() >= 2 && prev.text.chars().all(|c| !c.is_lowercase());
    let lowercase = next.text.chars().next().is_some_and(char::is_lowercase);
    let linking = matches!(
        next.text,
        "по" | "и" | "при" | "в" | "во" | "для" | "с" | "со" | "на" | "о" | "об"
    );
    abbreviation && lowercase && !linking
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

/// Trains a model on gold articles (`vestnik train-ner`); `on_epoch` hears (epoch, errors).
pub fn train(
    articles: &[GoldArticle],
    epochs: usize,
    on_epoch: impl FnMut(usize, usize),
) -> Vec<u8> {
    let morph = Morph::new();
    let examples: Vec<tagger::Example> = articles
        .iter()
        .map(|a| {
            let tokens = tokens::tokenize(&a.text);
            let features = tagger::token_features(&tokens, &morph);
            let gold = EntityType::ALL.map(|t| {
                // NEREL marks adjectives ("российского") as places; vestnik's entities are
                // names, so those are not taught as entities.
                let spans: std::collections::HashSet<(usize, usize)> = a
                    .entities
                    .iter()
                    .filter(|e| e.kind == t.label())
                    .filter(|e| {
                        !e.text.chars().next().is_some_and(char::is_lowercase)
                            || e.text.contains(' ')
                    })
                    .map(|e| (e.start, e.end))
                    .collect();
                let mut outer: Vec<_> = eval::outermost(&spans).into_iter().collect();
                outer.sort();
                tagger::gold_labels(&tokens, &outer)
            });
            tagger::Example { features, gold }
        })
        .collect();
    let model = tagger::train(&examples, epochs, on_epoch);
    let mut bytes = Vec::new();
    model
        .save(&mut bytes)
        .expect("writing to memory cannot fail");
    bytes
}
