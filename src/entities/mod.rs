//! People, organizations and places: finding their mentions in text, bringing each to its
//! dictionary form, and scoring the extractor against gold annotation.
//!
//! Mentions are found by a perceptron tagger trained by this project on NEREL's training split
//! (`vestnik train-ner`), using the OpenCorpora dictionary's name, surname and place tags as
//! features; the trained model ships inside the binary.
//!
//! # The pipeline, stage by stage
//!
//! [`Extractor::extract`] (a text → [`Mention`]s) and [`Extractor::entities`] (an article →
//! [`ArticleEntities`]) run these stages in order; `extract.rs` holds only that order.
//!
//! 1. **Tokens** (`tokens.rs`): words, with inner hyphens kept, and punctuation marks, with
//!    their offsets.
//! 2. **Tagging** (`tagger.rs`, `features.rs`, `tagger_cache.rs`): the perceptron's spans of
//!    each type. `features.rs` says what a token's features are (the dictionary's analyses in
//!    `morph.rs`, the gazetteer in `places.rs`); `tagger_cache.rs` adds up each word form's
//!    feature weights once per thread and reuses the sums, giving the same scores.
//! 3. **Spans checked** (`institutions.rs`, `not_person.rs`, `titles.rs`, `spans.rs`): a listed
//!    institution takes the list's type and name; a "person" that is a title, an adjective or a
//!    place is cut down, retyped or dropped; two people side by side are split; a name ends at a
//!    line break and an organization after an abbreviation followed by a common word.
//! 4. **Dictionary forms** (`normalize.rs` for organizations and places, `person.rs` for
//!    people, both on the shared grammar of `grammar.rs`): "Ерлана Карина" → "Ерлан Карин",
//!    remembered per thread (`memo.rs`).
//! 5. **More mentions** (`spans.rs`): the words an abbreviation in brackets spells out.
//! 6. **Context** (`context.rs`): a name in a list takes the case of the one before it; a name
//!    before a verb is its subject, in the verb's gender.
//! 7. **Linking** (`link.rs`): a surname or first name alone becomes the full name it refers
//!    to, surnames are settled across the article, abbreviations take their organization's name.
//! 8. **For the index** ([`Extractor::entities`] only): places named by their adjective
//!    (`place_adjectives.rs`), a name's adjective left out, and every mention listed under its
//!    canonical name through the alias table (`naming.rs`, `aliases.rs`), with the ways the
//!    article wrote it.
//!
//! Beside the pipeline: `eval.rs` scores mentions against gold files (`vestnik eval-ner`),
//! `training.rs` trains the model (`vestnik train-ner`), and `mention.rs` holds the types the
//! stages pass along. Joining the same entity across the archive is [`crate::identity`]'s job.

mod aliases;
mod context;
pub mod eval;
mod extract;
mod features;
mod grammar;
mod institutions;
mod link;
mod memo;
mod mention;
mod morph;
mod naming;
mod normalize;
mod not_person;
mod person;
mod place_adjectives;
mod places;
mod spans;
mod tagger;
mod tagger_cache;
mod titles;
mod tokens;
mod training;

pub use aliases::{AliasError, Aliases, key as name_key};
pub use eval::{Disagreement, GoldArticle, Scores, Tally, disagreements};
pub use extract::Extractor;
pub use link::stem as surname_stem;
pub use mention::{ArticleEntities, ByKind, EntityName, EntityType, Mention};
pub use morph::Morph;
pub use naming::{canonical_name, place_named};
pub use training::train;

/// Changes whenever extraction changes what it finds: indexes written before are rewritten.
pub const MODEL_VERSION: &str = "ner-7";
