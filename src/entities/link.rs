//! Linking mentions within one document: a later "Карин" or "Обамы" is the "Ерлан Карин" or
//! "Барак Обама" named in full earlier (or later), and "Детский фонд ООН (ЮНИСЕФ)" makes the
//! abbreviation and its expansion one organization.

use std::collections::BTreeSet;

// Fx, not SipHash: the maps are rebuilt for every article, keyed by short names, and hashing
// was most of the linking's cost (callgrind).
use rustc_hash::FxHashMap as HashMap;

use super::mention::{EntityType, Mention};

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
///
/// Each pass looks its candidates up by key (a surname's stem, the words a name ends with)
/// instead of scanning every full mention, so the work is linear in the number of mentions
/// even in an article that holds hundreds of thousands of them.
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
    link_surnames(
        mentions,
        &full,
        verb_gender,
        &name_gender,
        &mut renormalize_masc,
    );
    link_first_names(mentions, &full, &name_gender);
    link_compound_surnames(mentions, &full, &name_gender);
    // A full mention fixed above may be repeated, in the same words, elsewhere in the document.
    let mut fixed: HashMap<String, Vec<String>> = HashMap::default();
    for &j in &full {
        let norms = fixed.entry(mentions[j].surface.clone()).or_default();
        if !norms.contains(&mentions[j].norm) {
            norms.push(mentions[j].norm.clone());
        }
    }
    for m in mentions.iter_mut().filter(|m| m.kind == EntityType::Per) {
        if let Some(norm) = fixed
            .get(&m.surface)
            .and_then(|norms| norms.iter().find(|n| **n != m.norm))
        {
            m.norm = norm.clone();
        }
    }
}

/// Candidates tried on each side of a mention before giving up: far more than any real
/// article names, and a bound on the work where a pathological one names more.
const MAX_TRIED: usize = 256;

/// The nearest position before `i` in `set` that `fits`, else the first after it.
fn nearest(
    sets: &[Option<&BTreeSet<usize>>],
    i: usize,
    fits: impl Fn(usize) -> bool,
) -> Option<usize> {
    let before = sets
        .iter()
        .flatten()
        .filter_map(|s| s.range(..i).rev().take(MAX_TRIED).find(|&&j| fits(j)))
        .max();
    before
        .or_else(|| {
            sets.iter()
                .flatten()
                .filter_map(|s| s.range(i + 1..).take(MAX_TRIED).find(|&&j| fits(j)))
                .min()
        })
        .copied()
}

/// A bare surname ("Карин", "Обамы") takes the nearest full name before it that ends in the
/// same stem (else the first after), of the gender its verb shows.
fn link_surnames(
    mentions: &mut [Mention],
    full: &[usize],
    verb_gender: &[Option<bool>],
    name_gender: &impl Fn(&str) -> Option<bool>,
    renormalize_masc: &mut impl FnMut(usize) -> Option<String>,
) {
    let mut by_stem: HashMap<String, BTreeSet<usize>> = HashMap::default();
    for &j in full {
        by_stem
            .entry(stem(last_word(&mentions[j].norm)))
            .or_default()
            .insert(j);
    }
    for i in 0..mentions.len() {
        if mentions[i].kind != EntityType::Per || mentions[i].norm.split_whitespace().count() != 1 {
            continue;
        }
        let key = stem(&mentions[i].norm);
        let surface_key = stem(&mentions[i].surface);
        let cue = verb_gender.get(i).copied().flatten();
        let initial = initials(&mentions[i].surface).first().copied();
        let fits = |j: usize| {
            let first = mentions[j]
                .norm
                .split_whitespace()
                .next()
                .unwrap_or_default();
            // "Г. Горина" is not Катя Горина of the same article.
            let same_letter = initial.is_none_or(|c| {
                first
                    .chars()
                    .flat_map(char::to_lowercase)
                    .next()
                    .is_some_and(|f| f == c)
            });
            same_letter && cue.is_none_or(|c| name_gender(first).is_none_or(|g| g == c))
        };
        let sets = [
            by_stem.get(&key),
            (surface_key != key)
                .then(|| by_stem.get(&surface_key))
                .flatten(),
        ];
        let Some(j) = nearest(&sets, i, fits) else {
            continue;
        };
        // "Ерлана Карина" read as a woman's name, but here is "Карин": a man, in the genitive.
        let short = crate::analysis::lowercase(&mentions[i].norm);
        let full_last = crate::analysis::lowercase(last_word(&mentions[j].norm));
        if full_last == format!("{short}а")
            && ["ов", "ев", "ин", "ын"].iter().any(|s| short.ends_with(s))
            && let Some(fixed) = renormalize_masc(j)
        {
            let old = stem(last_word(&mentions[j].norm));
            let new = stem(last_word(&fixed));
            if old != new {
                if let Some(set) = by_stem.get_mut(&old) {
                    set.remove(&j);
                }
                by_stem.entry(new).or_default().insert(j);
            }
            mentions[j].norm = fixed;
        }
        mentions[i].norm = mentions[j].norm.clone();
    }
}

/// The initials a mention is written with, lowercase: "г" of "Г. Горина", "и", "д" of
/// "И. Д. Воронина", "а" of "А.Вебер".
fn initials(surface: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = surface.trim_start().chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_uppercase() || chars.peek() != Some(&'.') {
            break;
        }
        chars.next();
        out.extend(c.to_lowercase());
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
    }
    out
}

/// A first name alone ("Бориса" in an article about Борис Джонсон) is the one full name of the
/// document that starts with it; with two such names it stays as written.
fn link_first_names(
    mentions: &mut [Mention],
    full: &[usize],
    name_gender: &impl Fn(&str) -> Option<bool>,
) {
    let mut by_first: HashMap<String, BTreeSet<String>> = HashMap::default();
    for &j in full {
        if let Some(f) = mentions[j].norm.split_whitespace().next() {
            by_first
                .entry(crate::analysis::lowercase(f))
                .or_default()
                .insert(mentions[j].norm.clone());
        }
    }
    for m in mentions.iter_mut() {
        if m.kind != EntityType::Per
            || m.norm.split_whitespace().count() != 1
            || name_gender(&m.norm).is_none()
        {
            continue;
        }
        if let Some(names) = by_first.get(&crate::analysis::lowercase(&m.norm))
            && names.len() == 1
            && let Some(one) = names.first()
        {
            m.norm = one.clone();
        }
    }
}

/// A surname of several words ("Де Доминичис отметила") is the full name it ends ("Реджиной
/// Де Доминичис"), the nearest one before it, else the first after. One that starts with a
/// first name is a full name itself ("Фолькер Буфье" is not "Гессен Фолькер Буфье").
fn link_compound_surnames(
    mentions: &mut [Mention],
    full: &[usize],
    name_gender: &impl Fn(&str) -> Option<bool>,
) {
    let stems = |norm: &str| -> Vec<String> { norm.split_whitespace().map(stem).collect() };
    // Full mentions by every shorter ending of two or more words of their name.
    let mut by_ending: HashMap<Vec<String>, BTreeSet<usize>> = HashMap::default();
    let mut endings_of: HashMap<usize, Vec<String>> = HashMap::default();
    let add = |by_ending: &mut HashMap<Vec<String>, BTreeSet<usize>>, j: usize, w: &[String]| {
        for k in 1..w.len().saturating_sub(1) {
            by_ending.entry(w[k..].to_vec()).or_default().insert(j);
        }
    };
    for &j in full {
        let w = stems(&mentions[j].norm);
        add(&mut by_ending, j, &w);
        endings_of.insert(j, w);
    }
    for i in 0..mentions.len() {
        let mut parts = mentions[i].norm.split_whitespace();
        let first = parts.next().unwrap_or_default();
        // Checked before stemming: most mentions are not people of several words.
        if mentions[i].kind != EntityType::Per
            || parts.next().is_none()
            || name_gender(first).is_some()
        {
            continue;
        }
        let words = stems(&mentions[i].norm);
        let Some(j) = nearest(&[by_ending.get(&words)], i, |_| true) else {
            continue;
        };
        let norm = mentions[j].norm.clone();
        // The mention may itself be a full one that later ones end with: keep its keys true.
        if let Some(old) = endings_of.get(&i) {
            for k in 1..old.len().saturating_sub(1) {
                if let Some(set) = by_ending.get_mut(&old[k..]) {
                    set.remove(&i);
                }
            }
            let w = stems(&norm);
            add(&mut by_ending, i, &w);
            endings_of.insert(i, w);
        }
        mentions[i].norm = norm;
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
///
/// Linear in the number of mentions: each distinct name is settled once, and the bare forms it
/// may decline from are looked up by the few stems its ending allows rather than compared with
/// every other mention (an 8 MB article holds hundreds of thousands of them).
pub(crate) fn settle_surnames(
    mentions: &mut [Mention],
    nominative: &[String],
    womans_name: impl Fn(&str) -> bool,
) {
    // Each bare or normalized surname by its first position: the earliest candidate wins, as
    // a scan of the mentions in text order would find it.
    let mut bare: HashMap<String, usize> = HashMap::default();
    for m in mentions.iter().filter(|m| m.kind == EntityType::Per) {
        let b = crate::analysis::lowercase(last_word(&m.surface));
        let at = bare.len();
        bare.entry(b).or_insert(at);
    }
    let mut candidates = bare.clone();
    // Nominatives the normalizer found from a first name's case ("Чарли Чаплина" → "Чаплин").
    let mut next = bare.len();
    for m in mentions
        .iter()
        .filter(|m| m.kind == EntityType::Per && m.norm != m.surface)
    {
        let n = crate::analysis::lowercase(last_word(&m.norm));
        if let std::collections::hash_map::Entry::Vacant(e) = candidates.entry(n) {
            e.insert(next);
            next += 1;
        }
    }
    let mut subjects: HashMap<&str, usize> = HashMap::default();
    for (i, n) in nominative.iter().enumerate() {
        subjects.entry(n.as_str()).or_insert(i);
    }
    let mut changes: HashMap<String, Option<String>> = HashMap::default();
    for m in mentions.iter().filter(|m| m.kind == EntityType::Per) {
        if changes.contains_key(&m.norm) {
            continue;
        }
        let settled = settle_one(&m.norm, &bare, &candidates, &subjects, &womans_name);
        changes.insert(m.norm.clone(), settled);
    }
    for m in mentions.iter_mut().filter(|m| m.kind == EntityType::Per) {
        if let Some(Some(to)) = changes.get(&m.norm) {
            m.norm = to.clone();
        }
    }
}

/// The settled form of one person's name, if its surname settles.
fn settle_one(
    norm: &str,
    bare: &HashMap<String, usize>,
    candidates: &HashMap<String, usize>,
    subjects: &HashMap<&str, usize>,
    womans_name: &impl Fn(&str) -> bool,
) -> Option<String> {
    let words: Vec<&str> = norm.split_whitespace().collect();
    let (last, first) = words.split_last()?;
    let form = crate::analysis::lowercase(last);
    // Only where the text never writes the shorter form itself.
    let subject = if bare.contains_key(&form) {
        None
    } else {
        ["а", "я"]
            .iter()
            .filter_map(|e| {
                let n = format!("{form}{e}");
                subjects.get(n.as_str()).map(|&at| (at, n))
            })
            .min()
            .map(|(_, n)| n)
    };
    let settled = subject.or_else(|| {
        let mut stems: Vec<String> = Vec::new();
        for e in HARD_ENDINGS {
            if let Some(stem) = form.strip_suffix(e) {
                stems.push(stem.to_string());
            }
        }
        for e in SOFT_ENDINGS {
            if let Some(stem) = form.strip_suffix(e) {
                stems.push(format!("{stem}ь"));
                stems.push(format!("{stem}й"));
            }
        }
        stems
            .into_iter()
            .filter_map(|b| candidates.get(&b).map(|&at| (at, b)))
            .filter(|(_, b)| {
                declines_from(&form, b)
                    .is_some_and(|e| e != "а" || !first.iter().any(|w| womans_name(w)))
            })
            .min()
            .map(|(_, b)| b)
    })?;
    let mut name: Vec<String> = first.iter().map(|w| w.to_string()).collect();
    name.push(super::grammar::recase(last, &settled));
    Some(name.join(" "))
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
    fn initials_of_a_mention() {
        assert_eq!(initials("Г. Горина"), vec!['г']);
        assert_eq!(initials("И.\u{a0}Д.\u{a0}Воронина"), vec!['и', 'д']);
        assert_eq!(initials("А.Вебер"), vec!['а']);
        assert!(initials("Горина").is_empty());
        assert!(initials("ООН").is_empty());
    }

    #[test]
    fn stems_meet() {
        assert_eq!(stem("Маккаррика"), stem("Маккаррик"));
        assert_eq!(stem("Обамы"), stem("Обама"));
        assert_eq!(stem("Кариным"), stem("Карин"));
    }
}
