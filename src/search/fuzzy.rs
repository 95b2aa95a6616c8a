//! Fuzzy and prefix terms (`Назарбаеф~`, `Путин~1`, `Назарб*`), and suggestions for words
//! that found nothing ("did you mean Назарбаев?").
//!
//! tantivy's grammar reads `word~1` as a one-word phrase with a slop, which its parser turned
//! into the phrase "word 1", and `word*` as a phrase prefix, which over a stemmed field found
//! nothing: so both are taken over here. Index terms are analyzed words (lowercased, ё as е,
//! stemmed), so a pattern is built from the analyzed form: a fuzzy term is every indexed term
//! within the edit distance of the typed word's stem; a prefix is the part of the typed word
//! its stem keeps ("назарбаев*" looks for "назарба…", the stem "назарбаев" has).
//!
//! Both are bounded, as Lucene bounds them: a pattern expands to at most [`MAX_EXPANSIONS`]
//! terms (the closest, then the most frequent), from at most [`MAX_SCANNED`] terms read per
//! segment, and the scan looks at the time budget as it goes: `а*` and `а~2` over a large
//! archive read a bounded slice of its dictionary, not all of it.

use std::collections::HashMap;
use std::sync::LazyLock;

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};
use regex::{Captures, Regex};
use tantivy::Term;
use tantivy::schema::Field;

use super::SearchError;
use super::budget::Budget;

/// Most terms one pattern expands to (Elasticsearch's `max_expansions` is 50 too).
pub const MAX_EXPANSIONS: usize = 50;
/// Most dictionary terms one pattern reads per segment and field.
pub const MAX_SCANNED: usize = 20_000;
/// Largest edit distance a fuzzy term may ask for: beyond it nearly every short word matches.
pub const MAX_DISTANCE: u8 = 2;
/// The edit distance of `word~` without a number, as in Lucene.
pub const DEFAULT_DISTANCE: u8 = 2;
/// Longest word a fuzzy term may be built from, in letters: the automaton grows with the
/// word (a 20,000-letter word at distance 2 asks for hundreds of megabytes), and no word of
/// the language is near this long.
pub const MAX_FUZZY_CHARS: usize = 64;
/// Terms between two looks at the budget.
const TERMS_PER_CHECK: usize = 1024;

/// The automaton builders, built once: making one costs milliseconds.
static BUILDERS: LazyLock<[LevenshteinAutomatonBuilder; 3]> =
    LazyLock::new(|| [0, 1, 2].map(|d| LevenshteinAutomatonBuilder::new(d, true)));

/// A word followed by `~` and no number.
static BARE_TILDE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"([^\s"'()\[\]{}~^:]+)~(\s|\)|\^|$)"#).expect("valid regex"));

/// `query` with each `word~` written `word~2` ([`DEFAULT_DISTANCE`]), which the grammar
/// requires; text in quotes is left as it is.
pub(crate) fn default_distance(query: &str) -> String {
    let quoted = super::limits::quoted_spans(query);
    BARE_TILDE
        .replace_all(query, |c: &Captures| {
            let start = c.get(0).map_or(0, |m| m.start());
            if quoted.iter().any(|q| q.contains(&start)) {
                return c[0].to_string();
            }
            format!("{}~{DEFAULT_DISTANCE}{}", &c[1], &c[2])
        })
        .into_owned()
}

/// The word, prefix flag and edit distance of a literal typed as `word*` or `word~N`: the
/// grammar keeps both marks inside an unquoted word, so they are read here.
pub(crate) fn typed_pattern(
    literal: &tantivy::query_grammar::UserInputLiteral,
) -> Option<(String, bool, u32)> {
    if literal.delimiter != tantivy::query_grammar::Delimiter::None {
        return None;
    }
    if literal.prefix || literal.slop > 0 {
        return Some((literal.phrase.clone(), literal.prefix, literal.slop));
    }
    let text = literal.phrase.as_str();
    if let Some(word) = text.strip_suffix('*')
        && !word.is_empty()
        && !word.contains('*')
    {
        return Some((word.to_string(), true, 0));
    }
    let (word, n) = text.rsplit_once('~')?;
    let n: u32 = n.parse().ok()?;
    (!word.is_empty() && n > 0).then(|| (word.to_string(), false, n))
}

/// What a literal asks for beyond its exact term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// Terms beginning with `prefix`, and the typed word's own stem when it is a whole word
    /// ("назарбаев*" is "назарбаев…" and the stem "назарба" of "Назарбаев" itself).
    Prefix {
        prefix: String,
        stem: Option<String>,
    },
    /// Terms within `distance` edits (a transposition counts as one) of `word`.
    Fuzzy { word: String, distance: u8 },
}

impl Pattern {
    /// The pattern of an analyzed word, as typed with `*` (`prefix`) or `~N` (`slop`); `folded`
    /// is the word lowercased with ё as е, unstemmed.
    pub fn of(folded: &str, stem: &str, prefix: bool, slop: u32) -> Result<Pattern, SearchError> {
        if prefix {
            return Ok(Pattern::Prefix {
                prefix: folded.to_string(),
                stem: (stem != folded && !stem.starts_with(folded)).then(|| stem.to_string()),
            });
        }
        if stem.chars().count() > MAX_FUZZY_CHARS {
            return Err(SearchError::Query(format!(
                "a fuzzy word may have at most {MAX_FUZZY_CHARS} letters"
            )));
        }
        let distance = u8::try_from(slop)
            .ok()
            .filter(|d| *d <= MAX_DISTANCE)
            .ok_or_else(|| {
                SearchError::Query(format!(
                    "the edit distance of {folded}~{slop} is over {MAX_DISTANCE} (write word~1 or word~2)"
                ))
            })?;
        Ok(Pattern::Fuzzy {
            word: stem.to_string(),
            distance,
        })
    }

    /// How far a term is from the pattern, if it matches: 0 for every prefix match.
    fn distance(&self, dfa: Option<&DFA>, term: &str) -> Option<u8> {
        match (self, dfa) {
            (Pattern::Prefix { prefix, stem }, _) => {
                (term.starts_with(prefix.as_str()) || stem.as_deref() == Some(term)).then_some(0)
            }
            (Pattern::Fuzzy { .. }, Some(dfa)) => match dfa.eval(term) {
                Distance::Exact(d) => Some(d),
                Distance::AtLeast(_) => None,
            },
            (Pattern::Fuzzy { .. }, None) => None,
        }
    }

    fn dfa(&self) -> Option<DFA> {
        match self {
            Pattern::Prefix { .. } => None,
            Pattern::Fuzzy { word, distance } => {
                Some(BUILDERS[usize::from(*distance)].build_dfa(word))
            }
        }
    }
}

/// An automaton over the dictionary's bytes, as tantivy's own fuzzy query walks it.
struct Automaton<'a>(&'a DFA);

impl tantivy_fst::Automaton for Automaton<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// The indexed terms of `fields` a pattern stands for, closest first and then most frequent,
/// at most [`MAX_EXPANSIONS`]; each with its distance and its articles (summed over fields).
pub(crate) fn expand(
    searcher: &tantivy::Searcher,
    fields: &[Field],
    pattern: &Pattern,
    budget: &Budget,
) -> Result<Vec<(String, u8, u64)>, SearchError> {
    let dfa = pattern.dfa();
    let mut found: HashMap<String, (u8, u64)> = HashMap::new();
    for reader in searcher.segment_readers() {
        for &field in fields {
            let index = reader.inverted_index(field)?;
            let dict = index.terms();
            let mut stream = match (pattern, &dfa) {
                (Pattern::Prefix { prefix, stem }, _) => {
                    if let Some(stem) = stem
                        && let Some(info) = dict
                            .get(stem.as_bytes())
                            .map_err(tantivy::TantivyError::from)?
                    {
                        add(&mut found, stem, 0, info.doc_freq);
                    }
                    dict.range()
                        .ge(prefix.as_bytes())
                        .into_stream()
                        .map_err(tantivy::TantivyError::from)?
                }
                (Pattern::Fuzzy { .. }, Some(dfa)) => {
                    // The automaton's stream and the range's are of different types: read
                    // the automaton's here.
                    let mut s = dict
                        .search(Automaton(dfa))
                        .into_stream()
                        .map_err(tantivy::TantivyError::from)?;
                    let mut scanned = 0;
                    while let Some((key, info)) = s.next() {
                        scanned += 1;
                        if scanned > MAX_SCANNED || spent(scanned, budget) {
                            break;
                        }
                        let Ok(text) = std::str::from_utf8(key) else {
                            continue;
                        };
                        if let Some(d) = pattern.distance(Some(dfa), text) {
                            add(&mut found, text, d, info.doc_freq);
                        }
                    }
                    continue;
                }
                (Pattern::Fuzzy { .. }, None) => continue,
            };
            let mut scanned = 0;
            while let Some((key, info)) = stream.next() {
                scanned += 1;
                if scanned > MAX_SCANNED || spent(scanned, budget) {
                    break;
                }
                let Ok(text) = std::str::from_utf8(key) else {
                    continue;
                };
                match pattern {
                    Pattern::Prefix { prefix, .. } if text.starts_with(prefix.as_str()) => {
                        add(&mut found, text, 0, info.doc_freq)
                    }
                    // Keys are sorted: the first that lacks the prefix ends the range.
                    _ => break,
                }
            }
        }
    }
    let mut terms: Vec<(String, u8, u64)> =
        found.into_iter().map(|(t, (d, n))| (t, d, n)).collect();
    terms.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    terms.truncate(MAX_EXPANSIONS);
    Ok(terms)
}

fn add(found: &mut HashMap<String, (u8, u64)>, text: &str, distance: u8, docs: u32) {
    let e = found.entry(text.to_string()).or_insert((distance, 0));
    e.1 += u64::from(docs);
}

fn spent(scanned: usize, budget: &Budget) -> bool {
    scanned.is_multiple_of(TERMS_PER_CHECK) && budget.spent()
}

/// The terms of `fields` for each expanded term text.
pub(crate) fn terms_of(field: Field, texts: &[(String, u8, u64)]) -> Vec<Term> {
    texts
        .iter()
        .map(|(t, _, _)| Term::from_field_text(field, t))
        .collect()
}

/// `text` folded as names are compared: lowercase, ё as е.
pub(crate) fn fold(text: &str) -> String {
    crate::analysis::lowercase(text).replace('ё', "е")
}

/// The words of a name, folded, with the words as written.
pub(crate) fn name_words(name: &str) -> impl Iterator<Item = (String, &str)> {
    name.split(|c: char| !crate::analysis::is_word_char(c))
        .filter(|w| !w.is_empty())
        .map(|w| (fold(w), w))
}

/// Whether a name matches a pattern typed on an entity field, and how closely: the pattern
/// against the whole folded name and against each of its words.
pub(crate) struct NameMatcher {
    pattern: Pattern,
    dfa: Option<DFA>,
}

impl NameMatcher {
    /// `typed` as written on the entity field; names are not stemmed, so neither is it.
    pub fn new(typed: &str, prefix: bool, slop: u32) -> Result<NameMatcher, SearchError> {
        let folded = fold(typed.trim());
        let pattern = if prefix {
            Pattern::Prefix {
                prefix: folded,
                stem: None,
            }
        } else {
            Pattern::of(&folded, &folded, false, slop)?
        };
        let dfa = pattern.dfa();
        Ok(NameMatcher { pattern, dfa })
    }

    /// The least distance between the pattern and the name or one of its words.
    pub fn distance(&self, name: &str) -> Option<u8> {
        let whole = self.pattern.distance(self.dfa.as_ref(), &fold(name));
        name_words(name)
            .filter_map(|(w, _)| self.pattern.distance(self.dfa.as_ref(), &w))
            .chain(whole)
            .min()
    }
}

/// The edit distance between two short words (a transposition counts as one), for ranking
/// suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_is_the_typed_letters_and_the_word_itself() {
        let p = |w: &str| {
            let stem = crate::analysis::terms(w).remove(0);
            Pattern::of(&fold(w), &stem, true, 0).unwrap()
        };
        let prefix = |p: &str, stem: Option<&str>| Pattern::Prefix {
            prefix: p.into(),
            stem: stem.map(String::from),
        };
        assert_eq!(p("Назарбаев"), prefix("назарбаев", Some("назарба")));
        assert_eq!(p("Назарб"), prefix("назарб", None));
        assert_eq!(p("ребенок"), prefix("ребенок", Some("ребенк")));
    }

    #[test]
    fn fuzzy_distances_are_bounded() {
        assert!(Pattern::of("путин", "путин", false, 3).is_err());
        let m = NameMatcher::new("Назарбаеф", false, 2).unwrap();
        assert_eq!(m.distance("Нурсултан Назарбаев"), Some(1));
        assert_eq!(m.distance("Касым-Жомарт Токаев"), None);
        let m = NameMatcher::new("Назарб", true, 0).unwrap();
        assert_eq!(m.distance("Нурсултан Назарбаев"), Some(0));
        assert_eq!(m.distance("Назаров"), None);
    }

    #[test]
    fn a_bare_tilde_is_the_default_distance() {
        assert_eq!(default_distance("Назарбаеф~"), "Назарбаеф~2");
        assert_eq!(default_distance("a~ b~1 (c~)"), "a~2 b~1 (c~2)");
        assert_eq!(default_distance("person:Токаефф~"), "person:Токаефф~2");
        assert_eq!(default_distance("\"a b\"~2 \"x~ y\""), "\"a b\"~2 \"x~ y\"");
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("назарбаеф", "назарбаев"), 1);
        assert_eq!(edit_distance("токаефф", "токаев"), 2);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
