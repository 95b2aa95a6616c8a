//! Where mentions start and end, beyond what the tagger's spans say: two people side by side
//! are two, an organization's name ends after an abbreviation followed by a common word, and
//! the words an abbreviation in brackets spells out are an organization.

use super::link;
use super::mention::{EntityType, Mention};
use super::morph::{Morph, Parse};
use super::normalize;
use super::tokens;

/// "Майкла Джексона Кэтрин": two people side by side read as one. A first name the dictionary
/// knows, third or later in a name and right after a surname it knows, starts another person
/// ("Жан Поль Сартр", "Сидоров Иван Петрович" and "Шейк Модибо Диарра" stay whole).
pub(super) fn split_people(
    tokens: &[tokens::Token],
    span: (usize, usize),
    morph: &Morph,
) -> Vec<(usize, usize)> {
    let (first, last) = span;
    // Only a third word or later can start another person.
    if last < first + 2 {
        return vec![span];
    }
    let infos: Vec<_> = (first..=last)
        .map(|k| morph.info(&crate::analysis::lowercase(tokens[k].text)))
        .collect();
    let known: Vec<Vec<&Parse>> = infos
        .iter()
        .map(|info| info.parses.iter().filter(|p| p.known).collect())
        .collect();
    let at = |k: usize| &known[k - first];
    let mut out = Vec::new();
    let mut start = first;
    for k in first + 2..=last {
        let only_given = !at(k).is_empty() && at(k).iter().all(|p| p.has("Name"));
        let given_before = at(k - 1).iter().any(|p| p.has("Name") || p.has("Patr"));
        let surname_before = at(k - 1).iter().any(|p| p.has("Surn"));
        if k >= start + 2 && only_given && !given_before && surname_before {
            out.push((start, k - 1));
            start = k;
        }
    }
    out.push((start, last));
    out
}

/// "ЮНИСЕФ защиту прав детей": an abbreviation followed by a lowercase word other than a
/// preposition or conjunction ends the organization's name ("ООН по делам беженцев" goes on).
pub(super) fn runs_on_after_abbreviation(prev: &tokens::Token, next: &tokens::Token) -> bool {
    let abbreviation =
        prev.text.chars().count() >= 2 && prev.text.chars().all(|c| !c.is_lowercase());
    let lowercase = next.text.chars().next().is_some_and(char::is_lowercase);
    let linking = matches!(
        next.text,
        "по" | "и" | "при" | "в" | "во" | "для" | "с" | "со" | "на" | "о" | "об"
    );
    abbreviation && lowercase && !linking
}

/// "Агентство по защите и развитию конкуренции (АЗРК)": when an abbreviation in brackets
/// follows words that spell it, those words are an organization, whether or not the tagger
/// saw it.
pub(super) fn add_expansions(
    morph: &Morph,
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
                norm: normalize::normalize(EntityType::Org, span, None, morph),
            },
            (a, b),
        ));
    }
}
