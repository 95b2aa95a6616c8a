//! Russian grammar the name rules share: the cases and genders of a dictionary analysis,
//! whether an adjective agrees with its noun, consonant endings, and spelling a dictionary form
//! with the capitals of the word it came from. Used by [`super::normalize`] (organizations and
//! places), [`super::person`] (people's names) and [`super::link`] (surnames settled across an
//! article); it knows nothing of mentions or spans.

use super::morph::Parse;

/// A name's or a word's grammatical gender, where the dictionary gives one (neuter is asked
/// about apart, with `Parse::has("neut")`).
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Gender {
    Masc,
    Femn,
}

/// The six cases a name is declined in (the dictionary's `nomn`, `gent`, ... grammemes).
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Case {
    Nomn,
    Gent,
    Datv,
    Accs,
    Ablt,
    Loct,
}

impl Case {
    /// The case of an analysis, if its tag names one.
    pub(crate) fn of(p: &Parse) -> Option<Case> {
        [
            ("nomn", Case::Nomn),
            ("gent", Case::Gent),
            ("datv", Case::Datv),
            ("accs", Case::Accs),
            ("ablt", Case::Ablt),
            ("loct", Case::Loct),
        ]
        .into_iter()
        .find(|(g, _)| p.has(g))
        .map(|(_, c)| c)
    }
}

/// The gender of an analysis: feminine, masculine, or neither named.
pub(crate) fn gender_of(p: &Parse) -> Option<Gender> {
    if p.has("femn") {
        Some(Gender::Femn)
    } else if p.has("masc") {
        Some(Gender::Masc)
    } else {
        None
    }
}

/// Whether a word has a Cyrillic letter.
pub(crate) fn is_cyrillic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// The consonant letters but "й": a stem ending in one of them takes the consonant stems'
/// endings ("Иванов", "Иванова").
pub(crate) const HARD: &str = "бвгджзклмнпрстфхцчшщ";

/// `lower` without `ending`, when what is left ends in one of the [`HARD`] consonants:
/// ("иванова", "а") → "иванов".
pub(crate) fn ends_with_consonant_then(lower: &str, ending: &str) -> Option<String> {
    let base = lower.strip_suffix(ending)?;
    base.chars()
        .last()
        .filter(|c| HARD.contains(*c))
        .map(|_| base.to_string())
}

/// `lemma` spelled with the capitalization of `word`.
pub(crate) fn recase(word: &str, lemma: &str) -> String {
    let upper = word.chars().all(|c| !c.is_lowercase());
    if upper && word.chars().count() > 1 {
        return lemma.to_uppercase();
    }
    let mut out = String::new();
    let mut next_upper = word.chars().next().is_some_and(char::is_uppercase);
    for c in lemma.chars() {
        if next_upper {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        next_upper = c == '-';
    }
    out
}

/// Whether an adjective's reading and a noun's agree in case, number and gender.
pub(crate) fn agree(adjective: &Parse, noun: &Parse) -> bool {
    if Case::of(adjective) != Case::of(noun) {
        return false;
    }
    if adjective.has("plur") || noun.has("plur") {
        return adjective.has("plur") && noun.has("plur");
    }
    adjective.has("neut") == noun.has("neut") && gender_of(adjective) == gender_of(noun)
}
