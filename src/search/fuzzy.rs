//! Fuzzy and prefix terms (`Назарбаеф~`, `Путин~1`, `Назарб*`), and suggestions for words
//! that found nothing ("did you mean Назарбаев?").
//!
//! tantivy's grammar reads `word~1` as a one-word phrase with a slop, which its parser turned
//! into the phrase "word 1", and `word*` as a phrase prefix, which over a stemmed field found
//! nothing: so both are taken over here. Index terms are analyzed words (lowercased, ё as е,
//! stemmed). A prefix is the typed letters ("назарб*" looks for "назарб…"), and the typed
//! word's own stem when it is a whole word.
//!
//! A fuzzy term is measured between words, not stems: a misspelt ending changes what the
//! stemmer takes off, so "назарбаеф" keeps its whole self as a stem while every form of
//! "Назарбаев" is indexed as "назарба", two edits away though the words are one apart. So an
//! indexed stem matches when the stem with one of the endings the Russian stemmer removes
//! ([`ENDINGS`]) is a word within the distance of the typed word, and that word stems back
//! to it: "назарба" + "ев" is "назарбаев", one edit from "назарбаеф".
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
use tantivy::tokenizer::TokenStream;

use super::SearchError;
use super::budget::Budget;

/// Most terms one pattern expands to (Elasticsearch's `max_expansions` is 50 too).
pub const MAX_EXPANSIONS: usize = 50;
/// Most dictionary terms one pattern reads per segment and field.
pub const MAX_SCANNED: usize = 20_000;
/// Largest edit distance a fuzzy term may ask for: beyond it nearly every short word matches.
pub const MAX_DISTANCE: u8 = 2;
/// The edit distance of `word~` without a number, by the word's letters, as Elasticsearch's
/// `fuzziness: AUTO`: none up to 2 letters, 1 up to 5, 2 beyond. One edit turns a short word
/// into another word ("мир~" would find "мор", "мар", "миг"...), so short words get fewer.
pub fn default_distance_for(letters: usize) -> u8 {
    match letters {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}
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

/// `query` with each `word~` written `word~N` with its default distance
/// ([`default_distance_for`]), or as the bare word when that is none, as the grammar requires
/// a number; text in quotes is left as it is.
pub(crate) fn default_distance(query: &str) -> String {
    let quoted = super::limits::quoted_spans(query);
    BARE_TILDE
        .replace_all(query, |c: &Captures| {
            let start = c.get(0).map_or(0, |m| m.start());
            if quoted.iter().any(|q| q.contains(&start)) {
                return c[0].to_string();
            }
            let word = &c[1];
            let letters = word
                .rsplit_once(':')
                .map_or(word, |(_, w)| w)
                .chars()
                .count();
            match default_distance_for(letters) {
                0 => format!("{word}{}", &c[2]),
                n => format!("{word}~{n}{}", &c[2]),
            }
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
    /// Stems of the words within `distance` edits (a transposition counts as one) of `word`,
    /// the typed word folded and not stemmed.
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
        if folded.chars().count() > MAX_FUZZY_CHARS {
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
        // As many edits as letters reach the empty word, and from it every short word.
        let letters = folded.chars().count();
        if usize::from(distance) >= letters {
            return Err(SearchError::Query(format!(
                "{folded}~{slop} allows as many edits as the word has letters, which every short word is within (write {folded}~{} or the word itself)",
                letters.saturating_sub(1)
            )));
        }
        Ok(Pattern::Fuzzy {
            word: folded.to_string(),
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

/// The endings the Russian stemmer takes off a word, folded (ё as е), and the empty one:
/// Snowball's noun, adjective, verb, gerund and participle endings, participles and
/// superlatives with an adjective's ending, and each of those with a reflexive «ся»/«сь».
/// A stem and one of these is a word the index holds that stem for, when it stems back to it.
pub(crate) static ENDINGS: LazyLock<Endings> = LazyLock::new(|| {
    const NOUN: &str = "а ев ов ие ье е иями ями ами еи ии и ией ей ой ий й иям ям ием ем ам ом о у ах иях ях ы ь ию ью ю ия ья я";
    const ADJECTIVE: &str =
        "ее ие ые ое ими ыми ей ий ый ой ем им ым ом его ого ему ому их ых ую юю ая яя ою ею";
    const VERB: &str = "ла на ете йте ли й л ем н ло но ет ют ны ть ешь нно ила ыла ена ейте уйте ите или ыли ей уй ил ыл им ым ен ило ыло ено ят ует уют ит ыт ены ить ыть ишь ую ю";
    const GERUND: &str = "в вши вшись ив ивши ившись ыв ывши ывшись";
    const BEFORE_ADJECTIVE: &str = "ем нн вш ющ щ ивш ывш ующ ейш н";
    let words = |list: &'static str| list.split(' ');
    let mut all: Vec<String> = vec![String::new()];
    all.extend(
        words(NOUN)
            .chain(words(ADJECTIVE))
            .chain(words(VERB))
            .chain(words(GERUND))
            .map(String::from),
    );
    for before in words(BEFORE_ADJECTIVE) {
        all.push(before.to_string());
        all.extend(words(ADJECTIVE).map(|a| format!("{before}{a}")));
    }
    let reflexive: Vec<String> = all
        .iter()
        .filter(|e| !e.ends_with("сь") && !e.ends_with("ся"))
        .flat_map(|e| [format!("{e}ся"), format!("{e}сь")])
        .collect();
    all.extend(reflexive);
    all.extend(
        [
            "ейше",
            "ость",
            "ост",
            "ости",
            "остью",
            "остей",
            "остям",
            "остями",
            "остях",
        ]
        .map(String::from),
    );
    Endings::new(&all)
});

/// Endings as a trie over their bytes, so that a Levenshtein automaton is run over all of
/// them at once, leaving a branch as soon as the automaton can no longer match.
pub(crate) struct Endings {
    /// Each node's children (byte, node) and whether an ending stops there; node 0 is the root.
    nodes: Vec<(Vec<(u8, usize)>, bool)>,
}

impl Endings {
    fn new(endings: &[String]) -> Endings {
        let mut nodes: Vec<(Vec<(u8, usize)>, bool)> = vec![(Vec::new(), false)];
        for e in endings {
            let mut at = 0;
            for &b in e.as_bytes() {
                at = match nodes[at].0.iter().find(|(c, _)| *c == b) {
                    Some(&(_, next)) => next,
                    None => {
                        nodes.push((Vec::new(), false));
                        let next = nodes.len() - 1;
                        nodes[at].0.push((b, next));
                        next
                    }
                };
            }
            nodes[at].1 = true;
        }
        Endings { nodes }
    }

    /// Whether some ending takes the automaton from `state` to a match.
    fn any_match(&self, dfa: &DFA, state: u32) -> bool {
        let mut stack = vec![(0usize, state)];
        while let Some((node, state)) = stack.pop() {
            let (children, ends) = &self.nodes[node];
            if *ends && matches!(dfa.distance(state), Distance::Exact(_)) {
                return true;
            }
            for &(b, next) in children {
                let s = dfa.transition(state, b);
                if s != levenshtein_automata::SINK_STATE {
                    stack.push((next, s));
                }
            }
        }
        false
    }

    /// Every ending that takes the automaton from `state` to a match, with its distance.
    fn matches(&self, dfa: &DFA, state: u32) -> Vec<(String, u8)> {
        let mut out = Vec::new();
        let mut stack = vec![(0usize, state, Vec::new())];
        while let Some((node, state, bytes)) = stack.pop() {
            let (children, ends) = &self.nodes[node];
            if *ends
                && let Distance::Exact(d) = dfa.distance(state)
                && let Ok(e) = String::from_utf8(bytes.clone())
            {
                out.push((e, d));
            }
            for &(b, next) in children {
                let s = dfa.transition(state, b);
                if s != levenshtein_automata::SINK_STATE {
                    let mut more = bytes.clone();
                    more.push(b);
                    stack.push((next, s, more));
                }
            }
        }
        out
    }
}

/// An automaton over the dictionary's bytes that accepts a stem when the stem and one of the
/// [`ENDINGS`] is within the distance of the typed word.
struct StemAutomaton<'a>(&'a DFA);

impl tantivy_fst::Automaton for StemAutomaton<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        ENDINGS.any_match(self.0, *state)
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// How far the closest word the index holds `stem` for is from the typed word, if one is
/// within the distance: the least distance of the stem and an ending that stems back to it.
fn stem_distance(
    dfa: &DFA,
    stem: &str,
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
) -> Option<u8> {
    let state = stem
        .bytes()
        .fold(dfa.initial_state(), |s, b| dfa.transition(s, b));
    let mut endings = ENDINGS.matches(dfa, state);
    endings.sort_by_key(|(e, d)| (*d, e.len()));
    endings.into_iter().find_map(|(ending, d)| {
        let word = format!("{stem}{ending}");
        let mut stream = analyzer.token_stream(&word);
        let stems_back = stream.advance() && stream.token().text == stem && !stream.advance();
        stems_back.then_some(d)
    })
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
    let mut analyzer = crate::analysis::russian_analyzer();
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
                        .search(StemAutomaton(dfa))
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
                        if let Some(d) = stem_distance(dfa, text, &mut analyzer) {
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
        assert!(Pattern::of("аб", "аб", false, 2).is_err());
        assert!(Pattern::of("аб", "аб", false, 1).is_ok());
        let m = NameMatcher::new("Назарбаеф", false, 2).unwrap();
        assert_eq!(m.distance("Нурсултан Назарбаев"), Some(1));
        assert_eq!(m.distance("Касым-Жомарт Токаев"), None);
        let m = NameMatcher::new("Назарб", true, 0).unwrap();
        assert_eq!(m.distance("Нурсултан Назарбаев"), Some(0));
        assert_eq!(m.distance("Назаров"), None);
    }

    #[test]
    fn a_stem_is_as_far_as_its_nearest_word() {
        let mut analyzer = crate::analysis::russian_analyzer();
        let mut near = |typed: &str, distance: u8, stem: &str| {
            let dfa = BUILDERS[usize::from(distance)].build_dfa(typed);
            stem_distance(&dfa, stem, &mut analyzer)
        };
        // "назарба" + "ев"; "тока" + "ев"; "назарбаеву" is indexed as "назарбаев".
        assert_eq!(near("назарбаеф", 1, "назарба"), Some(1));
        assert_eq!(near("назарбаеву", 1, "назарбаев"), Some(0));
        assert_eq!(near("назарбаеву", 1, "назарба"), Some(1));
        assert_eq!(near("токаефф", 2, "тока"), Some(2));
        assert_eq!(near("токаефф", 1, "тока"), None);
        // "шко" + "ла" is within reach, but "школа" stems to "школ", not "шко".
        assert_eq!(near("школа", 0, "шко"), None);
        assert_eq!(near("школа", 0, "школ"), Some(0));
    }

    #[test]
    fn a_bare_tilde_is_the_default_distance() {
        assert_eq!(default_distance("Назарбаеф~"), "Назарбаеф~2");
        assert_eq!(default_distance("a~ b~1 (c~)"), "a b~1 (c)");
        assert_eq!(default_distance("мир~ мирный~"), "мир~1 мирный~2");
        assert_eq!(default_distance("person:Токаефф~"), "person:Токаефф~2");
        assert_eq!(default_distance("person:Ким~"), "person:Ким~1");
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
