//! Training the tagger (`vestnik train-ner`): gold articles become labelled sentences, with the
//! corrections the shipped data needs.

use super::eval::{self, GoldArticle};
use super::mention::EntityType;
use super::morph::Morph;
use super::tagger::{self, fingerprint};
use super::tokens::{self, Token};
use super::{features, places};

/// NEREL as shipped in `../shared/data/ner` lacks its STATE_OR_PROVINCE class, so "Флорида"
/// and "Свердловская область" stand there unannotated, as if they were no place. A known place
/// outside every gold span is therefore neither taught as a place nor as a non-place.
fn unlearn_unannotated_places(tokens: &[Token], gold: &[eval::GoldEntity], labels: &mut [usize]) {
    for (i, place) in places::mark(tokens).into_iter().enumerate() {
        let t = &tokens[i];
        let annotated = gold.iter().any(|e| e.start <= t.start && t.end <= e.end);
        if place != places::Place::Outside && !annotated {
            labels[i] = tagger::UNKNOWN;
        }
    }
}

/// Token ranges of the sentences of an article, for training a sentence at a time: the
/// perceptron then corrects itself after each sentence rather than after each article.
/// A boundary never falls inside a gold entity ("А. Колчак").
fn sentences(tokens: &[Token], gold: &[Vec<usize>; 3]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    for i in 0..tokens.len() {
        let inside = || gold.iter().any(|g| g.get(i + 1) == Some(&tagger::INSIDE));
        let end = i + 1 == tokens.len()
            || ((tokens[i + 1].after_break
                || (matches!(tokens[i].text, "." | "!" | "?" | "…")
                    && tokens[i + 1]
                        .text
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)))
                && !inside());
        if end {
            out.push((from, i + 1));
            from = i + 1;
        }
    }
    out
}

/// Trains a model on gold articles (`vestnik train-ner`); `on_epoch` hears (epoch, errors).
pub fn train(
    articles: &[GoldArticle],
    epochs: usize,
    on_epoch: impl FnMut(usize, usize),
) -> Vec<u8> {
    let morph = Morph::new();
    let examples: Vec<Vec<tagger::Example>> = articles
        .iter()
        .flat_map(|a| [(a, false), (a, true)])
        .map(|(a, masked)| {
            let tokens = tokens::tokenize(&a.text);
            let features = if masked {
                features::place_masked_features(&tokens, &morph)
            } else {
                features::token_features(&tokens, &morph)
            };
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
                let mut labels = tagger::gold_labels(&tokens, &outer);
                if t == EntityType::Loc {
                    unlearn_unannotated_places(&tokens, &a.entities, &mut labels);
                }
                labels
            });
            let ranges = sentences(&tokens, &gold);
            tagger::Example { features, gold }.split(&ranges)
        })
        .collect();
    let sentences: Vec<tagger::Example> = examples.into_iter().flatten().collect();
    let mut model = tagger::train(&sentences, epochs, on_epoch);
    model.set_trained_on(articles.iter().map(|a| fingerprint(&a.text)).collect());
    let mut bytes = Vec::new();
    model
        .save(&mut bytes)
        .expect("writing to memory cannot fail");
    bytes
}
