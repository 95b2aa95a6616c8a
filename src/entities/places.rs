//! The shipped gazetteer of places (`places.txt`): countries, regions, cities, seas, planets.
//! The training news cannot name every place an archive will, and the dictionary knows many
//! places but not declined multi-word ones ("Свердловской области"), so a match here is one
//! more feature for the tagger, which still weighs it against the context ("Единая Россия").

use std::cell::RefCell;
use std::sync::LazyLock;

use frostem::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use super::tokens::Token;

/// Where a token stands in a known place name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Outside,
    First,
    Later,
}

/// Place names keyed by the stem of their first word; each entry holds the stems of the
/// words after it, longest entries first so the longest match wins.
struct Gazetteer {
    by_first: FxHashMap<String, Vec<Vec<String>>>,
    /// One-word names by their key, as the list writes them, to name a place found alone.
    single: FxHashMap<String, &'static str>,
    /// Every name by its words' keys joined with spaces, as the list writes it.
    whole: FxHashMap<String, &'static str>,
    /// The first two letters of every first word: stemming only cuts a word's end, so a word
    /// starting otherwise cannot match, and most capitalized words are rejected before the
    /// stemmer runs.
    openings: rustc_hash::FxHashSet<(char, char)>,
}

/// A word's first two letters, lowercase with ё as е.
fn opening(word: &str) -> Option<(char, char)> {
    let mut letters = word
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c });
    Some((letters.next()?, letters.next().unwrap_or(' ')))
}

static PLACES: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::parse(include_str!("places.txt")));

/// Words whose key a thread remembers before it starts afresh: enough for the words an archive
/// repeats, and a bound on memory however large its vocabulary.
const REMEMBERED_KEYS: usize = 1 << 16;

thread_local! {
    static STEMMER: Stemmer = Stemmer::new(Algorithm::Russian);
    static KEYS: RefCell<FxHashMap<Box<str>, Box<str>>> = RefCell::default();
}

/// The form both sides are compared in: lowercase, ё as е, Snowball-stemmed, so every case
/// form of a word meets its nominative ("Флориде" and "Флорида", "области" and "область").
///
/// Remembered per thread: the institutions, places and place adjectives each ask for the keys
/// of most capitalized words of every article, and the stemmer costs some 3,000 instructions a
/// word where a lookup costs a tenth of that (callgrind).
pub(crate) fn key(word: &str) -> String {
    if let Some(known) = KEYS.with_borrow(|keys| keys.get(word).map(|k| k.to_string())) {
        return known;
    }
    let lower = crate::analysis::lowercase(word).replace('ё', "е");
    let key = STEMMER.with(|s| s.stem(&lower).into_owned());
    KEYS.with_borrow_mut(|keys| {
        if keys.len() >= REMEMBERED_KEYS {
            keys.clear();
        }
        keys.insert(word.into(), key.as_str().into());
    });
    key
}

impl Gazetteer {
    fn parse(text: &'static str) -> Gazetteer {
        let mut by_first: FxHashMap<String, Vec<Vec<String>>> = FxHashMap::default();
        let mut single: FxHashMap<String, &'static str> = FxHashMap::default();
        let mut whole: FxHashMap<String, &'static str> = FxHashMap::default();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<String> = super::tokens::tokenize(line)
                .iter()
                .map(|t| key(t.text))
                .collect();
            whole.entry(words.join(" ")).or_insert(line);
            let Some((first, rest)) = words.split_first() else {
                continue;
            };
            if rest.is_empty() {
                single.entry(first.clone()).or_insert(line);
            }
            let entries = by_first.entry(first.clone()).or_default();
            if !entries.contains(&rest.to_vec()) {
                entries.push(rest.to_vec());
            }
        }
        for entries in by_first.values_mut() {
            entries.sort_by_key(|e| std::cmp::Reverse(e.len()));
        }
        let openings = by_first.keys().filter_map(|k| opening(k)).collect();
        Gazetteer {
            by_first,
            single,
            whole,
            openings,
        }
    }
}

/// The key a word is looked up by as the first word of a place: capitalized words whose first
/// two letters begin some place have one.
pub(crate) fn first_key(word: &str) -> Option<String> {
    let capital = word.chars().next().is_some_and(char::is_uppercase);
    (capital && opening(word).is_some_and(|o| PLACES.openings.contains(&o))).then(|| key(word))
}

/// The one-word place a capitalized word is a case form of ("Арала" → "Арал").
pub(crate) fn single(word: &str) -> Option<&'static str> {
    let k = first_key(word)?;
    PLACES.single.get(&k).copied()
}

/// The place a whole phrase names in any case form ("Российской Федерации", "США",
/// "Великобритании"), as the list writes it.
pub(crate) fn named(phrase: &str) -> Option<&'static str> {
    let words: Vec<String> = super::tokens::tokenize(phrase)
        .iter()
        .map(|t| key(t.text))
        .collect();
    if words.is_empty() {
        return None;
    }
    PLACES.whole.get(&words.join(" ")).copied()
}

/// Marks the tokens that spell a known place. A place starts with a capital letter; later
/// words may not ("Свердловской области").
pub(crate) fn mark(tokens: &[Token]) -> Vec<Place> {
    let keys: Vec<Option<String>> = tokens.iter().map(|t| first_key(t.text)).collect();
    mark_keyed(tokens, |i| keys[i].as_deref())
}

/// [`mark`], given each token's [`first_key`].
pub(crate) fn mark_keyed<'k>(
    tokens: &[Token],
    first_key: impl Fn(usize) -> Option<&'k str>,
) -> Vec<Place> {
    let places = &*PLACES;
    let mut out = vec![Place::Outside; tokens.len()];
    let mut i = 0;
    while i < tokens.len() {
        let entries = first_key(i).and_then(|k| places.by_first.get(k));
        let matched = entries.and_then(|entries| {
            entries.iter().find(|rest| {
                rest.len() < tokens.len() - i
                    && rest
                        .iter()
                        .zip(&tokens[i + 1..])
                        .all(|(want, t)| key(t.text) == *want)
            })
        });
        match matched {
            Some(rest) => {
                out[i] = Place::First;
                for o in &mut out[i + 1..=i + rest.len()] {
                    *o = Place::Later;
                }
                i += rest.len() + 1;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::tokens::tokenize;

    fn marked(text: &str) -> Vec<(String, Place)> {
        let tokens = tokenize(text);
        mark(&tokens)
            .into_iter()
            .zip(&tokens)
            .filter(|(p, _)| *p != Place::Outside)
            .map(|(p, t)| (t.text.to_string(), p))
            .collect()
    }

    #[test]
    fn case_forms_and_multiword_places_are_found() {
        assert_eq!(
            marked("глава Свердловской области прилетел во Флориду"),
            vec![
                ("Свердловской".to_string(), Place::First),
                ("области".to_string(), Place::Later),
                ("Флориду".to_string(), Place::First),
            ]
        );
        assert_eq!(
            marked("в Нью-Йорке и Объединённых Арабских Эмиратах").len(),
            4
        );
    }

    #[test]
    fn lowercase_words_do_not_start_a_place() {
        assert!(marked("луна и марс, земля").is_empty());
        assert_eq!(marked("на Луне").len(), 1);
    }
}
