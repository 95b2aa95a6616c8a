//! "Did you mean Назарбаев?": when a query finds nothing, the indexed words and entity names
//! closest to the words and names that found nothing.
//!
//! A misspelt name ("Назарбаеф", "Токаефф") found nothing and said nothing. Each word of the
//! query that no article holds, and each entity filter that resolved to no entity, gets the
//! closest name of the archive's entities (the names are dictionary forms, so they read well)
//! or, failing one as close, the closest indexed word within two edits, shown as an article
//! wrote it. Only an empty answer pays for this.

use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf};
use tantivy::schema::Value;
use tantivy::tokenizer::TokenStream;
use tantivy::{TantivyDocument, Term};

use super::SearchError;
use super::archive::ArchiveEntities;
use super::budget::Budget;
use super::fuzzy::{self, NameMatcher, Pattern};
use crate::entities::EntityType;
use crate::index::Fields;

/// Most suggestions given for one query.
const MAX_SUGGESTIONS: usize = 5;
/// Most words of one query looked up: a query of a thousand unknown words gets suggestions
/// for its first ones, not a thousand scans of the archive's names.
const MAX_WORDS: usize = 8;
/// Entities between two looks at the budget.
const ENTITIES_PER_CHECK: usize = 4096;

/// The words or names to suggest for a query that found nothing: one per word no article
/// holds and per entity filter that named nobody, when something close exists. Suggestions
/// are an extra: once the time budget is spent, what was found so far is given.
pub(crate) fn suggestions(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    archive: &ArchiveEntities,
    query: &str,
    filters: &super::Filters,
    budget: &Budget,
) -> Result<Vec<String>, SearchError> {
    let mut out: Vec<String> = Vec::new();
    let push = |s: Option<String>, out: &mut Vec<String>| {
        if let Some(s) = s
            && !out.contains(&s)
            && out.len() < MAX_SUGGESTIONS
        {
            out.push(s);
        }
    };
    for (kind, m) in filters.unresolved().take(MAX_WORDS) {
        if m.ambiguous.is_empty() {
            let typed = m.name.trim_end_matches(['*', '~', '0', '1', '2']);
            push(
                closest_entity(archive, &[kind], typed, budget)?.map(|c| c.2),
                &mut out,
            );
        }
    }
    let (ast, _) = tantivy::query_grammar::parse_query_lenient(query);
    let mut words = Vec::new();
    plain_words(&ast, &mut words);
    for word in words.into_iter().take(MAX_WORDS) {
        if budget.spent() || out.len() == MAX_SUGGESTIONS {
            break;
        }
        push(
            closest_word(searcher, fields, archive, &word, budget)?,
            &mut out,
        );
    }
    Ok(out)
}

/// The words typed on the text fields, outside quotes, that are not patterns.
fn plain_words(ast: &UserInputAst, out: &mut Vec<String>) {
    match ast {
        UserInputAst::Clause(items) => items.iter().for_each(|(_, sub)| plain_words(sub, out)),
        UserInputAst::Boost(inner, _) => plain_words(inner, out),
        UserInputAst::Leaf(leaf) => {
            if let UserInputLeaf::Literal(l) = leaf.as_ref()
                && l.delimiter == Delimiter::None
                && fuzzy::typed_pattern(l).is_none()
                && l.field_name
                    .as_deref()
                    .is_none_or(|f| matches!(f, "title" | "body"))
            {
                out.push(l.phrase.clone());
            }
        }
    }
}

/// The closest entity name word to `typed` (distance, articles, the word as written, or the
/// whole canonical name when `typed` has several words).
fn closest_entity(
    archive: &ArchiveEntities,
    kinds: &[EntityType],
    typed: &str,
    budget: &Budget,
) -> Result<Option<(u8, u64, String)>, SearchError> {
    let folded = fuzzy::fold(typed.trim());
    if !(3..=fuzzy::MAX_FUZZY_CHARS).contains(&folded.chars().count()) {
        return Ok(None);
    }
    let whole_name = typed.split_whitespace().count() > 1;
    let typed_len = folded.chars().count();
    let matcher = NameMatcher::new(typed, false, u32::from(max_distance(&folded)))?;
    let mut best: Option<(u8, u64, String)> = None;
    for &kind in kinds {
        for (i, e) in archive.registry.entities(kind).iter().enumerate() {
            if i % ENTITIES_PER_CHECK == ENTITIES_PER_CHECK - 1 && budget.spent() {
                return Ok(best);
            }
            for variant in &e.variants {
                let candidates: Vec<(u8, String)> = if whole_name {
                    matcher
                        .distance(variant)
                        .map(|d| (d, e.name.clone()))
                        .into_iter()
                        .collect()
                } else {
                    fuzzy::name_words(variant)
                        .filter_map(|(w, written)| {
                            let (a, b) = (w.chars().count(), typed_len);
                            if a.abs_diff(b) > usize::from(max_distance(&folded)) {
                                return None;
                            }
                            let d = fuzzy::edit_distance(&w, &folded);
                            (d <= usize::from(max_distance(&folded)))
                                .then(|| (d as u8, written.to_string()))
                        })
                        .collect()
                };
                for (d, shown) in candidates {
                    if d == 0 && !whole_name {
                        continue;
                    }
                    let better = best.as_ref().is_none_or(|b| {
                        (d, std::cmp::Reverse(e.docs)) < (b.0, std::cmp::Reverse(b.1))
                    });
                    if better {
                        best = Some((d, e.docs, shown));
                    }
                }
            }
        }
    }
    Ok(best)
}

/// Edits allowed for a suggestion: one for short words, two otherwise.
fn max_distance(folded: &str) -> u8 {
    if folded.chars().count() <= 4 { 1 } else { 2 }
}

/// The closest known word or name to a typed word that no article holds, if any is close.
fn closest_word(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    archive: &ArchiveEntities,
    typed: &str,
    budget: &Budget,
) -> Result<Option<String>, SearchError> {
    let stems = crate::analysis::terms(typed);
    let [stem] = stems.as_slice() else {
        return Ok(None);
    };
    if stem.chars().count() > fuzzy::MAX_FUZZY_CHARS {
        return Ok(None);
    }
    for field in [fields.body, fields.headline] {
        if searcher.doc_freq(&Term::from_field_text(field, stem))? > 0 {
            return Ok(None);
        }
    }
    let entity = closest_entity(archive, &EntityType::ALL, typed, budget)?;
    let folded = fuzzy::fold(typed.trim());
    let pattern = Pattern::Fuzzy {
        distance: max_distance(&folded),
        word: folded,
    };
    let word = fuzzy::expand(searcher, &[fields.body], &pattern, budget)?
        .into_iter()
        .find(|(_, d, _)| *d > 0);
    let shown = match (entity, word) {
        (Some(e), Some(w)) if e.0 <= w.1 => Some(e.2),
        (Some(e), None) => Some(e.2),
        (_, Some(w)) => written_form(searcher, fields, &w.0)?,
        (None, None) => None,
    };
    // A word typed in lower case is suggested in lower case.
    Ok(shown.map(|s| {
        if typed.chars().next().is_some_and(char::is_lowercase)
            && s.chars().nth(1).is_some_and(char::is_lowercase)
        {
            crate::analysis::lowercase(&s)
        } else {
            s
        }
    }))
}

/// An indexed term as an article wrote it: the first word of the first article holding it
/// that analyzes to it.
fn written_form(
    searcher: &tantivy::Searcher,
    fields: &Fields,
    term: &str,
) -> Result<Option<String>, SearchError> {
    let Some(address) =
        super::stored::first_with(searcher, Term::from_field_text(fields.body, term))?
    else {
        return Ok(None);
    };
    let doc: TantivyDocument = searcher.doc(address)?;
    let Some(body) = doc.get_first(fields.body).and_then(|v| v.as_str()) else {
        return Ok(None);
    };
    let mut analyzer = crate::analysis::russian_analyzer();
    let mut stream = analyzer.token_stream(body);
    while stream.advance() {
        let t = stream.token();
        if t.text == term {
            return Ok(body.get(t.offset_from..t.offset_to).map(str::to_string));
        }
    }
    Ok(None)
}
