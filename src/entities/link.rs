//! Linking mentions within one document: a later "Карин" or "Обамы" is the "Ерлан Карин" or
//! "Барак Обама" named in full earlier (or later), and "Детский фонд ООН (ЮНИСЕФ)" makes the
//! abbreviation and its expansion one organization.

use super::{EntityType, Mention};

/// A surname without its case ending, for matching mentions of one person.
pub fn stem(word: &str) -> String {
    let w = crate::analysis::lowercase(word).replace('ё', "е");
    stem_lower(&w).to_string()
}

/// [`stem`] of a word already lowercase (and ё-folded where that matters), without copying.
pub(crate) fn stem_lower(w: &str) -> &str {
    const ENDINGS: [&str; 24] = [
        "ыми", "ами", "ого", "его", "ему", "ому", "ой", "ей", "ом", "ем", "ым", "им", "ую", "ая",
        "ия", "ию", "а", "я", "у", "ю", "е", "ы", "и", "о",
    ];
    for e in ENDINGS {
        if let Some(b) = w.strip_suffix(e)
            && b.chars().count() >= 3
        {
            return b;
        }
    }
    w
}

fn last_word(s: &str) -> &str {
    s.split_whitespace().last().unwrap_or(s)
}

/// Gives every one-word person mention the full name of the person it refers to, when the
/// document names them in full. `renormalize_masc` recomputes a full mention's name as a man's
/// name in the genitive, for when a bare nominative surname shows the full mention was one.
///
/// `verb_gender` holds, per mention, the gender a past-tense verb right after it shows (true
/// for a man: "Малашенко женился"), and `name_gender` the gender of a first name: a man's
/// mention is not linked to a woman of the same surname named nearer.
pub(crate) fn link_people(
    mentions: &mut [Mention],
    verb_gender: &[Option<bool>],
    name_gender: impl Fn(&str) -> Option<bool>,
    mut renormalize_masc: impl FnMut(usize) -> Option<String>,
) {
    let full: Vec<usize> = (0..mentions.len())
        .filter(|&i| {
            mentions[i].kind == EntityType::Per && mentions[i].norm.split_whitespace().count() >= 2
        })
        .collect();
    for i in 0..mentions.len() {
        if mentions[i].kind != EntityType::Per || mentions[i].norm.split_whitespace().count() != 1 {
            continue;
        }
        let key = stem(&mentions[i].norm);
        let surface_key = stem(&mentions[i].surface);
        // The nearest full mention before it, else the first after it.
        let cue = verb_gender.get(i).copied().flatten();
        let candidates = |j: &&usize| {
            let norm = &mentions[**j].norm;
            let k = stem(last_word(norm));
            let first = norm.split_whitespace().next().unwrap_or_default();
            (k == key || k == surface_key)
                && cue.is_none_or(|c| name_gender(first).is_none_or(|g| g == c))
        };
        let target = full
            .iter()
            .rev()
            .filter(|&&j| j < i)
            .find(candidates)
            .or_else(|| full.iter().filter(|&&j| j > i).find(candidates))
            .copied();
        let Some(j) = target else { continue };
        // "Ерлана Карина" read as a woman's name, but here is "Карин": a man, in the genitive.
        let short = crate::analysis::lowercase(&mentions[i].norm);
        let full_last = crate::analysis::lowercase(last_word(&mentions[j].norm));
        if full_last == format!("{short}а")
            && ["ов", "ев", "ин", "ын"].iter().any(|s| short.ends_with(s))
            && let Some(fixed) = renormalize_masc(j)
        {
            mentions[j].norm = fixed;
        }
        mentions[i].norm = mentions[j].norm.clone();
    }
    // A first name alone ("Бориса" in an article about Борис Джонсон) is the one full name of
    // the document that starts with it; with two such names it stays as written.
    for i in 0..mentions.len() {
        if mentions[i].kind != EntityType::Per
            || mentions[i].norm.split_whitespace().count() != 1
            || name_gender(&mentions[i].norm).is_none()
        {
            continue;
        }
        let given = crate::analysis::lowercase(&mentions[i].norm);
        let mut names: Vec<String> = full
            .iter()
            .map(|&j| mentions[j].norm.clone())
            .filter(|n| {
                n.split_whitespace()
                    .next()
                    .is_some_and(|f| crate::analysis::lowercase(f) == given)
            })
            .collect();
        names.sort();
        names.dedup();
        if let [one] = names.as_slice() {
            mentions[i].norm = one.clone();
        }
    }
    // A surname of several words ("Де Доминичис отметила") is the full name it ends
    // ("Реджиной Де Доминичис"), the nearest one before it, else the first after. One that
    // starts with a first name is a full name itself ("Фолькер Буфье" is not "Гессен Фолькер
    // Буфье").
    for i in 0..mentions.len() {
        let words: Vec<String> = mentions[i].norm.split_whitespace().map(stem).collect();
        let first = mentions[i]
            .norm
            .split_whitespace()
            .next()
            .unwrap_or_default();
        if mentions[i].kind != EntityType::Per || words.len() < 2 || name_gender(first).is_some() {
            continue;
        }
        let ends_it = |j: &&usize| {
            let longer: Vec<String> = mentions[**j].norm.split_whitespace().map(stem).collect();
            longer.len() > words.len() && longer.ends_with(&words)
        };
        let target = full
            .iter()
            .rev()
            .filter(|&&j| j < i)
            .find(ends_it)
            .or_else(|| full.iter().filter(|&&j| j > i).find(ends_it))
            .copied();
        if let Some(j) = target {
            mentions[i].norm = mentions[j].norm.clone();
        }
    }
    // A full mention fixed above may be repeated, in the same words, elsewhere in the document.
    let fixed: Vec<(String, String)> = full
        .iter()
        .map(|&j| (mentions[j].surface.clone(), mentions[j].norm.clone()))
        .collect();
    for m in mentions.iter_mut().filter(|m| m.kind == EntityType::Per) {
        if let Some((_, norm)) = fixed.iter().find(|(s, n)| *s == m.surface && *n != m.norm) {
            m.norm = norm.clone();
        }
    }
}

/// Endings a man's surname ending in a hard consonant takes in the oblique cases.
const HARD_ENDINGS: [&str; 5] = ["а", "у", "ом", "е", "ым"];
/// The same for one ending in "ь" or "й", which the ending replaces ("Цзюнь", "Цзюня").
const SOFT_ENDINGS: [&str; 4] = ["я", "ю", "ем", "е"];

/// Whether `form` is `bare` with a man's case ending: "ына" of "ын", "цзюня" of "цзюнь".
fn declines_from(form: &str, bare: &str) -> Option<&'static str> {
    if let Some(stem) = bare.strip_suffix(['ь', 'й']) {
        let rest = form.strip_prefix(stem)?;
        return SOFT_ENDINGS.iter().find(|e| **e == rest).copied();
    }
    let rest = form.strip_prefix(bare)?;
    let consonant = bare
        .chars()
        .last()
        .is_some_and(|c| !"аеёиоуыэюяь".contains(c));
    consonant
        .then(|| HARD_ENDINGS.iter().find(|e| **e == rest).copied())
        .flatten()
}

/// A surname the document also writes bare is that bare form: "Ким Чен Ына" beside "Ким Чен
/// Ын", "Чарли Чаплином" beside "Чаплин". Names the dictionary cannot decline keep their case
/// ending until the text itself shows the nominative. `womans_name` keeps a woman's "Анна
/// Иванова" from becoming "Иванов" beside her husband.
///
/// `nominative` holds surnames seen as a sentence's subject (right before a verb: "Диарра
/// подал"): one of those is the nominative even where it looks like a man's genitive, so
/// "Шейк Модибо Диарра" keeps its "-а".
pub(crate) fn settle_surnames(
    mentions: &mut [Mention],
    nominative: &[String],
    womans_name: impl Fn(&str) -> bool,
) {
    let bare: Vec<String> = mentions
        .iter()
        .filter(|m| m.kind == EntityType::Per)
        .map(|m| crate::analysis::lowercase(last_word(&m.surface)))
        .collect();
    // Nominatives the normalizer found from a first name's case ("Чарли Чаплина" → "Чаплин").
    let normalized: Vec<String> = mentions
        .iter()
        .filter(|m| m.kind == EntityType::Per && m.norm != m.surface)
        .map(|m| crate::analysis::lowercase(last_word(&m.norm)))
        .collect();
    let mut changes: Vec<(String, String)> = Vec::new();
    for m in mentions.iter().filter(|m| m.kind == EntityType::Per) {
        let words: Vec<&str> = m.norm.split_whitespace().collect();
        let Some((last, first)) = words.split_last() else {
            continue;
        };
        let form = crate::analysis::lowercase(last);
        // Only where the text never writes the shorter form itself.
        let subject = nominative
            .iter()
            .find(|n| {
                n.strip_prefix(form.as_str())
                    .is_some_and(|e| e == "а" || e == "я")
            })
            .filter(|_| !bare.contains(&form));
        let Some(settled) = subject.or_else(|| {
            bare.iter().chain(&normalized).find(|b| {
                declines_from(&form, b)
                    .is_some_and(|e| e != "а" || !first.iter().any(|w| womans_name(w)))
            })
        }) else {
            continue;
        };
        let mut name: Vec<String> = first.iter().map(|w| w.to_string()).collect();
        name.push(super::normalize::recase(last, settled));
        changes.push((m.norm.clone(), name.join(" ")));
    }
    for m in mentions.iter_mut().filter(|m| m.kind == EntityType::Per) {
        if let Some((_, to)) = changes.iter().find(|(from, _)| *from == m.norm) {
            m.norm = to.clone();
        }
    }
}

/// "Агентство по защите конкуренции (АЗК)": the abbreviation in brackets right after an
/// organization, and every later mention of it, take the organization's name.
pub(crate) fn link_abbreviations(mentions: &mut [Mention], text: &str) {
    if !text.contains('(') || !mentions.iter().any(|m| m.kind == EntityType::Org) {
        return;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut expansions: Vec<(String, String)> = Vec::new();
    let orgs: Vec<usize> = (0..mentions.len())
        .filter(|&i| mentions[i].kind == EntityType::Org)
        .collect();
    for &i in &orgs {
        let end = mentions[i].end;
        let mut k = end;
        while k < chars.len() && chars[k] == ' ' {
            k += 1;
        }
        if chars.get(k) != Some(&'(') {
            continue;
        }
        let close = (k + 1..chars.len().min(k + 20)).find(|&j| chars[j] == ')');
        let Some(close) = close else { continue };
        let abbr: String = chars[k + 1..close].iter().collect();
        let abbr = abbr.trim();
        let looks_abbr = abbr.chars().count() >= 2
            && abbr.chars().filter(|c| c.is_uppercase()).count() >= 2
            && !abbr.contains(' ');
        if looks_abbr && mentions[i].norm.split_whitespace().count() > 1 {
            expansions.push((abbr.to_string(), mentions[i].norm.clone()));
        }
    }
    for m in mentions.iter_mut().filter(|m| m.kind == EntityType::Org) {
        if let Some((_, full)) = expansions.iter().find(|(a, _)| *a == m.surface) {
            m.norm = full.clone();
        }
    }
}

/// Where the expansion of an abbreviation starts among the words before it, by the
/// Schwartz-Hearst rule: the abbreviation's letters appear in order in those words, its first
/// letter starting a word. Returns the index into `words` of the expansion's first word.
pub(crate) fn expansion_start(words: &[&str], abbr: &str) -> Option<usize> {
    let letters: Vec<char> = abbr
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if letters.len() < 2 {
        return None;
    }
    // Characters of the words, each with the index of its word and whether it starts it.
    let mut chars: Vec<(char, usize, bool)> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        for (j, c) in crate::analysis::lowercase(w).chars().enumerate() {
            chars.push((c, i, j == 0));
        }
    }
    let mut li = chars.len();
    for (si, &c) in letters.iter().enumerate().rev() {
        loop {
            if li == 0 {
                return None;
            }
            li -= 1;
            let (lc, _, starts) = chars[li];
            if lc == c && (si > 0 || starts) {
                break;
            }
        }
    }
    let first = chars[li].1;
    // An expansion is short: at most twice the letters, plus a few function words.
    (words.len() - first <= letters.len() * 2 + 3).then_some(first)
}

#[cfg(test)]
mod tests {
    #[test]
    fn expansions_of_abbreviations() {
        let words = [
            "Вчера",
            "Агентство",
            "по",
            "защите",
            "и",
            "развитию",
            "конкуренции",
        ];
        assert_eq!(super::expansion_start(&words, "АЗРК"), Some(1));
        let words = ["сообщил", "Евразийский", "банк", "развития"];
        assert_eq!(super::expansion_start(&words, "ЕАБР"), Some(1));
        assert_eq!(super::expansion_start(&["и", "так", "далее"], "ООН"), None);
    }

    use super::*;

    #[test]
    fn case_endings_of_bare_surnames() {
        assert_eq!(declines_from("ына", "ын"), Some("а"));
        assert_eq!(declines_from("чаплином", "чаплин"), Some("ом"));
        assert_eq!(declines_from("цзюня", "цзюнь"), Some("я"));
        assert_eq!(declines_from("карина", "карин"), Some("а"));
        assert_eq!(declines_from("обамы", "обама"), None);
        assert_eq!(declines_from("чаплин", "чаплин"), None);
    }

    #[test]
    fn stems_meet() {
        assert_eq!(stem("Маккаррика"), stem("Маккаррик"));
        assert_eq!(stem("Обамы"), stem("Обама"));
        assert_eq!(stem("Кариным"), stem("Карин"));
    }
}
