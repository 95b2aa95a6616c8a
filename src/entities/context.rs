//! What the words around a person's name say of its case and gender: a verb right after it
//! makes it a subject (nominative, in the verb's gender), and a name in a list takes the case
//! of the one before it.

use super::grammar;
use super::mention::{EntityType, Mention};
use super::morph::{Morph, Parse};
use super::person;
use super::tokens;

/// "Юлия Тимошенко заявила", "Бидзина Иванишвили покинул": a name right before a verb in
/// the third person or a past tense is its subject, so it is in the nominative, in the
/// gender a past tense shows. Not when the word before gives the name a case ("у Дмитрия
/// Ерохина появился") or is itself a noun the verb can agree with ("жена Дмитрия Ерохина
/// заявила"), nor when the dictionary knows the name's last word in oblique cases only.
pub(super) fn read_subjects(
    morph: &Morph,
    tokens: &[tokens::Token],
    spans: &[(usize, usize)],
    verbs: &[Option<&Parse>],
    verb_gender: &[Option<bool>],
    mentions: &mut [Mention],
) {
    for (i, m) in mentions.iter_mut().enumerate() {
        let Some(verb) = verbs[i].filter(|_| m.kind == EntityType::Per) else {
            continue;
        };
        let gender = verb_gender[i].map(|masc| {
            if masc {
                grammar::Gender::Masc
            } else {
                grammar::Gender::Femn
            }
        });
        if !(gender.is_some() || verb.has("3per")) {
            continue;
        }
        let (first, last) = spans[i];
        if let Some(before) = first.checked_sub(1).map(|b| &tokens[b])
            && !tokens[first].after_break
        {
            if person::context_case(before, morph).is_some() {
                continue;
            }
            let info = morph.info(&crate::analysis::lowercase(before.text));
            let agrees = info.parses.iter().any(|p| {
                p.known
                    && p.tag.starts_with("NOUN")
                    && p.has("nomn")
                    && gender.is_none_or(|g| grammar::gender_of(p) == Some(g))
            });
            if agrees {
                continue;
            }
        }
        // A name the dictionary knows only in an oblique case is no subject ("Семья Обамы
        // приобрела").
        if only_oblique(morph, tokens[last].text, "Surn") {
            continue;
        }
        // The same for a first name ("Бориса").
        if last > first && only_oblique(morph, tokens[first].text, "Name") {
            continue;
        }
        // Nor is one after a preposition ("с Коломойским прошла"), or one whose surname
        // ends as only an oblique case does.
        let after_preposition = first.checked_sub(1).is_some_and(|b| {
            PREPOSITIONS.contains(&crate::analysis::lowercase(tokens[b].text).as_str())
        });
        if after_preposition || person::shows_oblique(tokens[last].text) {
            continue;
        }
        m.norm = person::person_subject(&tokens[first..=last], morph, gender);
    }
}

/// Whether the dictionary knows `word` as a `kind` ("Surn", "Name") only in oblique cases.
fn only_oblique(morph: &Morph, word: &str, kind: &str) -> bool {
    let info = morph.info(&crate::analysis::lowercase(word));
    let named: Vec<&Parse> = info
        .parses
        .iter()
        .filter(|p| p.known && p.has(kind))
        .collect();
    !named.is_empty() && !named.iter().any(|p| p.has("nomn"))
}

/// "Луиса Суареса, Неймара и Жерара Пике": a name in a list that shows no case of its own
/// takes the case of the name listed right before it, read off how that one changed.
pub(super) fn follow_lists(
    morph: &Morph,
    tokens: &[tokens::Token],
    found: &mut [(Mention, (usize, usize))],
) {
    let people: Vec<usize> = (0..found.len())
        .filter(|&i| found[i].0.kind == EntityType::Per)
        .collect();
    for pair in people.windows(2) {
        let (j, i) = (pair[0], pair[1]);
        let (first, last) = found[i].1;
        let Some(between) = tokens.get(found[j].1.1 + 1..first) else {
            continue;
        };
        let joins = |t: &tokens::Token| matches!(t.text, "," | "и" | "или");
        // Adjacent, or with a short aside in brackets after the first ("Алан Гарсия
        // (1985—1990 годы), Ольянта Умала").
        let joined = match between {
            [sep] => joins(sep),
            [open, inner @ .., close, sep] => {
                open.text == "("
                    && close.text == ")"
                    && inner.len() <= 12
                    && inner.iter().all(|t| !matches!(t.text, "(" | ")"))
                    && joins(sep)
            }
            _ => false,
        };
        if !joined {
            continue;
        }
        let (before, after) = (&found[j].0.surface, &found[j].0.norm);
        let unchanged = found[i].0.norm == found[i].0.surface;
        let case = if unchanged {
            // A name left as written takes the case the name before it showed.
            person::case_shown(before, after)
        } else {
            // One read as oblique after a full name that is plainly a nominative is one
            // too ("Алан Гарсия (…), Ольянта Умала").
            (before == after && person::shows_nominative(before, morph))
                .then_some(grammar::Case::Nomn)
        };
        let Some(case) = case else {
            continue;
        };
        found[i].0.norm = person::person_as(&tokens[first..=last], morph, None, Some(case));
    }
}

/// Prepositions, after which a name is never a subject.
const PREPOSITIONS: [&str; 20] = [
    "с",
    "со",
    "к",
    "ко",
    "о",
    "об",
    "обо",
    "в",
    "во",
    "на",
    "по",
    "за",
    "под",
    "над",
    "перед",
    "при",
    "между",
    "через",
    "про",
    "у",
];
