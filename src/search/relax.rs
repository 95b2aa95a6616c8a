//! Relaxed matching: when no article (or hardly any) has every word of a query, the query is
//! run again requiring most of its words rather than all, and ranked by BM25.
//!
//! Words joined by nothing are ANDed, which is what a keyword query on a news archive wants and
//! what a question typed as a sentence does not: «Сколько очков уступила защита Пэнтерс?» holds
//! «сколько», which the answer never does, so the strict query finds nothing (on XQuAD-ru,
//! 1,144 of 1,190 questions found nothing, nDCG@10 0.039). Only the free words are loosened:
//! words typed side by side, outside quotes, without `+`/`-`, a field or an operator. Quoted
//! phrases, `+word`, `-word`, `AND`/`OR`/`NOT` groups, `field:value` clauses and the flag
//! filters (`--person`, `--source`, dates) keep their exact meaning: a filter never widens.
//!
//! Stop words (function words and question words, [`STOP_WORDS`]) are dropped from a relaxed
//! query: the analyzer keeps them (a phrase needs them), but they say nothing about what an
//! article is about and must not count towards the words required.
//!
//! A strict query with [`RELAX_BELOW`] hits or more is never relaxed, so keyword searches keep
//! their precision; `--strict` (API `strict=true`) turns relaxation off.

use serde::Serialize;
use tantivy::Term;
use tantivy::query::{BooleanQuery, Query, TermQuery};
use tantivy::query_grammar::{Delimiter, Occur, UserInputAst, UserInputLeaf, UserInputLiteral};

/// A strict query with fewer hits than this is relaxed: only one that finds nothing. A strict
/// query with hits keeps exactly them (issue 15: keyword queries keep their precision); at 3,
/// "ЮНИСЕФ Шымкент" with its one article came back with thirteen more.
pub const RELAX_BELOW: usize = 1;

/// The share of a relaxed query's content words an article must hold, rounded down, and at
/// least one: 1 of up to 6 words, 2 of 7 to 9, 3 of 10. Measured on XQuAD-ru (`vestnik bench
/// ir`, nDCG@10 paragraphs / sentences): 0.6 gave 0.867 / 0.663, 0.5 0.907 / 0.721, 0.4
/// 0.943 / 0.781, 0.3 0.947 / 0.803, any one word 0.947 / 0.808; a question's paraphrase
/// shares few of its words with the answer, and requiring more drops the answer.
const REQUIRED_SHARE: f64 = 0.3;

/// The stand-in the loosened words take in the parsed query until their own query replaces
/// it: a value of the `id` field no article has (no id starts with a control character).
pub(crate) const STAND_IN: &str = "\u{1}relaxed";

/// Russian function words and question words, folded (lowercase, ё as е): Snowball's Russian
/// stop list without its numerals, plus the forms of the question words it lacks.
pub const STOP_WORDS: &[&str] = &[
    "а",
    "без",
    "более",
    "больше",
    "будет",
    "будто",
    "бы",
    "был",
    "была",
    "были",
    "было",
    "быть",
    "в",
    "вам",
    "вас",
    "ведь",
    "во",
    "вот",
    "впрочем",
    "все",
    "всегда",
    "всего",
    "всех",
    "всю",
    "вы",
    "где",
    "да",
    "даже",
    "для",
    "до",
    "другой",
    "его",
    "ее",
    "ей",
    "ему",
    "если",
    "есть",
    "еще",
    "же",
    "за",
    "зачем",
    "здесь",
    "и",
    "из",
    "или",
    "им",
    "их",
    "к",
    "как",
    "какая",
    "какие",
    "каким",
    "какими",
    "каких",
    "каков",
    "какова",
    "каково",
    "каковы",
    "какого",
    "какое",
    "какой",
    "каком",
    "какому",
    "какую",
    "кем",
    "ко",
    "когда",
    "кого",
    "ком",
    "кому",
    "конечно",
    "которая",
    "которого",
    "которое",
    "которой",
    "котором",
    "которому",
    "которую",
    "которые",
    "который",
    "которым",
    "которыми",
    "которых",
    "кто",
    "куда",
    "ли",
    "лучше",
    "между",
    "меня",
    "мне",
    "много",
    "может",
    "можно",
    "мой",
    "моя",
    "мы",
    "на",
    "над",
    "надо",
    "наконец",
    "нас",
    "не",
    "него",
    "нее",
    "ней",
    "нельзя",
    "нет",
    "ни",
    "нибудь",
    "никогда",
    "ним",
    "них",
    "ничего",
    "но",
    "ну",
    "о",
    "об",
    "он",
    "она",
    "они",
    "оно",
    "от",
    "откуда",
    "отчего",
    "очень",
    "перед",
    "по",
    "под",
    "после",
    "потом",
    "потому",
    "почему",
    "почти",
    "при",
    "про",
    "раз",
    "разве",
    "с",
    "сам",
    "свою",
    "себе",
    "себя",
    "сейчас",
    "сколько",
    "со",
    "совсем",
    "так",
    "такой",
    "там",
    "тебя",
    "тем",
    "теперь",
    "то",
    "тогда",
    "того",
    "тоже",
    "только",
    "том",
    "тот",
    "тут",
    "ты",
    "у",
    "уж",
    "уже",
    "хорошо",
    "хоть",
    "чего",
    "чей",
    "чем",
    "через",
    "что",
    "чтоб",
    "чтобы",
    "чье",
    "чьи",
    "чья",
    "эти",
    "этим",
    "этих",
    "это",
    "этого",
    "этой",
    "этом",
    "этот",
    "эту",
    "я",
];

/// Whether a folded word (lowercase, ё as е) is a stop word.
pub fn is_stop_word(folded: &str) -> bool {
    STOP_WORDS.binary_search(&folded).is_ok()
}

/// How many of `words` content words a relaxed query requires.
pub fn required(words: usize) -> usize {
    ((words as f64 * REQUIRED_SHARE).floor() as usize).clamp(1, words.max(1))
}

/// How a query was relaxed, for people and scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relaxation {
    /// Content words an article had to hold.
    pub required: usize,
    /// Content words the query has (its free words, stop words left out).
    pub words: usize,
    /// The stop words left out, as typed.
    pub ignored: Vec<String>,
    /// Hits of the strict query (every word), fewer than [`RELAX_BELOW`].
    pub strict_total: usize,
}

/// Analyzes a literal as its field does: its words with their positions (`None` for a field
/// whose values are not split).
pub(crate) type Tokens<'a> = dyn FnMut(&UserInputLiteral) -> Option<Vec<(usize, String)>> + 'a;

/// The free words of a query that relaxing may loosen, and the stop words among them.
#[derive(Debug, Clone, Default)]
pub(crate) struct FreeWords {
    /// Content words, each a literal as typed.
    pub content: Vec<UserInputLiteral>,
    /// Stop words, as typed.
    pub ignored: Vec<String>,
}

impl FreeWords {
    /// The free words of `ast` (the user's query, after entity and date rewriting), or `None`
    /// when relaxing cannot loosen it: a single term, a top level joined by OR, or no word
    /// that is not a stop word. `tokens` analyzes a literal as its field does (`None` for a
    /// field whose values are not split).
    pub fn of(ast: &UserInputAst, tokens: &mut Tokens<'_>) -> Option<FreeWords> {
        let UserInputAst::Clause(items) = ast else {
            return None;
        };
        if items.iter().any(|(o, _)| *o == Some(Occur::Should)) {
            return None;
        }
        let mut free = FreeWords::default();
        for (occur, sub) in items {
            let Some(literal) = free_literal(*occur, sub) else {
                continue;
            };
            if tokens(literal).is_none_or(|t| t.is_empty()) {
                continue;
            }
            let folded = crate::analysis::name_terms(&literal.phrase);
            if folded.len() == 1 && is_stop_word(&folded[0]) {
                free.ignored.push(literal.phrase.clone());
            } else {
                free.content.push(literal.clone());
            }
        }
        let loosens = free.content.len() >= 2 || !free.ignored.is_empty();
        (loosens && !free.content.is_empty()).then_some(free)
    }

    /// `ast` with its free words (content and stop words) replaced by one required stand-in
    /// term, for the query of the loosened words to take its place once built.
    pub fn loosen(ast: UserInputAst) -> UserInputAst {
        let UserInputAst::Clause(items) = ast else {
            return ast;
        };
        let mut kept: Vec<(Option<Occur>, UserInputAst)> = items
            .into_iter()
            .filter(|(o, sub)| free_literal(*o, sub).is_none())
            .collect();
        kept.push((Some(Occur::Must), stand_in_leaf()));
        UserInputAst::Clause(kept)
    }
}

/// `ast` with each group of words typed side by side in parentheses, itself typed side by
/// side with the rest ("турбину (в градусах Цельсия)"), spliced into the enclosing clause:
/// both mean every word, so the query is the same, and its words become free words that
/// relaxing may loosen. Groups with an operator, a `+`/`-` or a boost keep their brackets.
pub(crate) fn flatten_groups(ast: UserInputAst) -> UserInputAst {
    let UserInputAst::Clause(items) = ast else {
        return ast;
    };
    let mut out = Vec::with_capacity(items.len());
    for (occur, sub) in items {
        match sub {
            UserInputAst::Clause(inner)
                if occur.is_none() && inner.iter().all(|(o, _)| o.is_none()) =>
            {
                if let UserInputAst::Clause(flat) = flatten_groups(UserInputAst::Clause(inner)) {
                    out.extend(flat);
                }
            }
            other => out.push((occur, other)),
        }
    }
    UserInputAst::Clause(out)
}

/// A top-level item that is a free word: a bare literal on the default fields, typed without
/// an operator, quotes, a slop or a prefix.
pub(crate) fn free_literal(occur: Option<Occur>, ast: &UserInputAst) -> Option<&UserInputLiteral> {
    if occur.is_some() {
        return None;
    }
    let UserInputAst::Leaf(leaf) = ast else {
        return None;
    };
    match leaf.as_ref() {
        UserInputLeaf::Literal(l)
            if l.field_name.is_none()
                && l.delimiter == Delimiter::None
                && super::fuzzy::typed_pattern(l).is_none() =>
        {
            Some(l)
        }
        _ => None,
    }
}

fn stand_in_leaf() -> UserInputAst {
    UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(UserInputLiteral {
        field_name: Some(crate::index::schema::names::ID.to_string()),
        phrase: STAND_IN.to_string(),
        delimiter: Delimiter::DoubleQuotes,
        slop: 0,
        prefix: false,
    })))
}

/// The loosened words as one query: `required` of the word queries must match, and the score
/// is the sum of those that do and of the `scoring` queries (the words' prefixes) that match.
pub(crate) fn at_least(
    words: Vec<Box<dyn Query>>,
    scoring: Vec<Box<dyn Query>>,
    required: usize,
) -> Box<dyn Query> {
    Box::new(super::at_least::AtLeast::with_scoring(
        words, scoring, required,
    ))
}

/// A loosened word of one term: the query that counts it, its prefix (`analysis::prefix_of`),
/// and the queries that rank it too, its stem in the headline (boosted by `headline_boost`)
/// and in the body. A question rarely has the answer's own words: «строительство» is found
/// where an article says «строят», «школьный» where it says «школа», and the article with
/// the stem itself ranks above. All are scored by BM25 with the relaxed k1 (`relaxed_bm25`),
/// which rewards an article for holding more of the question's words over holding one often.
pub(crate) fn by_prefix(
    f: &crate::index::Fields,
    stem: &str,
    headline_boost: f32,
) -> (Box<dyn Query>, [Box<dyn Query>; 2]) {
    use super::relaxed_bm25::RelaxedTerm;
    use tantivy::query::BoostQuery;
    let headline: Box<dyn Query> = Box::new(BoostQuery::new(
        Box::new(RelaxedTerm::new(Term::from_field_text(f.headline, stem))),
        headline_boost,
    ));
    let body: Box<dyn Query> = Box::new(RelaxedTerm::new(Term::from_field_text(f.body, stem)));
    let prefix = crate::analysis::prefix_of(stem);
    let prefix = Box::new(RelaxedTerm::new(Term::from_field_text(f.prefixes, prefix)));
    (prefix, [headline, body])
}

/// `query` with the stand-in term `stand_in` replaced by `words`.
pub(crate) fn replace(
    query: Box<dyn Query>,
    stand_in: &Term,
    words: &mut Option<Box<dyn Query>>,
) -> Box<dyn Query> {
    if let Some(t) = query.downcast_ref::<TermQuery>()
        && t.term() == stand_in
        && let Some(w) = words.take()
    {
        return w;
    }
    if let Some(b) = query.downcast_ref::<BooleanQuery>() {
        let clauses = b
            .clauses()
            .iter()
            .map(|(o, q)| (*o, replace(q.box_clone(), stand_in, words)))
            .collect();
        return Box::new(BooleanQuery::with_minimum_required_clauses(
            clauses,
            b.get_minimum_number_should_match(),
        ));
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stop_list_is_sorted_and_folded() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "sorted, no repeats"
        );
        assert!(STOP_WORDS.iter().all(|w| !w.contains('ё')));
        assert!(is_stop_word("сколько") && is_stop_word("какой") && is_stop_word("в"));
        assert!(!is_stop_word("правительство"));
    }

    #[test]
    fn most_words_are_required() {
        let r: Vec<usize> = (1..=8).map(required).collect();
        assert_eq!(r, [1, 1, 1, 1, 1, 1, 2, 2]);
        assert_eq!(required(10), 3);
    }

    fn free(q: &str) -> Option<(usize, usize)> {
        let ast = tantivy::query_grammar::parse_query(q).unwrap();
        FreeWords::of(&ast, &mut |l| {
            Some(
                crate::analysis::terms(&l.phrase)
                    .into_iter()
                    .enumerate()
                    .collect(),
            )
        })
        .map(|f| (f.content.len(), f.ignored.len()))
    }

    #[test]
    fn only_free_words_are_loosened() {
        assert_eq!(free("сколько очков уступила защита"), Some((3, 1)));
        assert_eq!(free("правительство"), None);
        assert_eq!(free("где Назарбаев"), Some((1, 1)));
        // Quoted, required, excluded and fielded words stay as typed.
        assert_eq!(free("\"права детей\" закон"), None);
        assert_eq!(free("+права детей закон"), Some((2, 0)));
        assert_eq!(free("права -детей"), None);
        assert_eq!(free("title:права детей закон"), Some((2, 0)));
        // Joined by OR at the top: already as loose as typed.
        assert_eq!(free("права OR детей закон"), None);
        assert_eq!(free("права AND детей"), None);
        assert_eq!(free("кто это"), None);
    }
}
