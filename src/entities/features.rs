//! The tagger's features: what a token, its neighbours, the dictionary, the shipped word lists
//! and the rest of the document say about it, each hashed to a 64-bit key. Computed once per
//! article and shared by the three entity types.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::EntityType;
use super::morph::{Morph, WordInfo};
use super::places::Place;
use super::tokens::Token;

/// Static features of a token, as hashes, computed once and shared by the three type chains.
pub(crate) fn token_features(tokens: &[Token], morph: &Morph) -> Vec<Vec<u64>> {
    features(tokens, morph, false)
}

/// Features of the words that spell a known place, without those words' own identity: a
/// training copy that makes the tagger learn what the gazetteer and the context say, since
/// otherwise the place names the training news knows well leave it nothing to learn there.
pub(crate) fn place_masked_features(tokens: &[Token], morph: &Morph) -> Vec<Vec<u64>> {
    features(tokens, morph, true)
}

/// Features that name the word itself rather than its kind or surroundings.
const IDENTITY: [&str; 9] = [
    "w", "w-1w", "ww+1", "suf2", "suf3", "suf4", "pre3", "lemma", "known",
];

fn features(tokens: &[Token], morph: &Morph, mask_places: bool) -> Vec<Vec<u64>> {
    let lowers: Vec<String> = tokens
        .iter()
        .map(|t| crate::analysis::lowercase(t.text))
        .collect();
    let shapes: Vec<String> = tokens.iter().map(|t| shape(t.text)).collect();
    let infos: Vec<_> = lowers.iter().map(|l| morph.info(l)).collect();
    let gaz: Vec<Option<&'static str>> = tokens.iter().map(|t| gazetteer(t.text)).collect();
    let places = super::places::mark(tokens);
    let elsewhere = document_evidence(tokens, &lowers, infos.as_slice());
    let mut in_quotes = false;
    let mut out = Vec::with_capacity(tokens.len());
    let mut buf: Vec<u8> = Vec::with_capacity(64);
    for i in 0..tokens.len() {
        let mut f: Vec<u64> = Vec::with_capacity(48);
        // Hashes a feature from its kind and value parts: the bytes are gathered in one buffer
        // and hashed at once, which gives the same XXH3 value as streaming them at a fraction
        // of the cost for such short inputs.
        let masked = mask_places && places[i] != Place::Outside;
        let mut add = |kind: &str, parts: &[&str]| {
            if masked && IDENTITY.contains(&kind) {
                return;
            }
            buf.clear();
            buf.extend_from_slice(kind.as_bytes());
            for p in parts {
                buf.push(0x1f);
                buf.extend_from_slice(p.as_bytes());
            }
            f.push(xxh3_64_with_seed(&buf, 7));
        };
        let w = |j: isize| neighbour(&lowers, i, j);
        let sh = |j: isize| neighbour(&shapes, i, j);
        let lower = lowers[i].as_str();
        let sentence_start = i == 0
            || tokens[i].after_break
            || matches!(tokens[i - 1].text, "." | "!" | "?" | "…" | ":" | "—" | "-");
        let start = if sentence_start { "y" } else { "n" };
        add("bias", &[]);
        add("w", &[lower]);
        add("w-1", &[w(-1)]);
        add("w+1", &[w(1)]);
        add("w-2", &[w(-2)]);
        add("w+2", &[w(2)]);
        add("w-1w", &[w(-1), lower]);
        add("ww+1", &[lower, w(1)]);
        let bounds: Vec<usize> = lower.char_indices().map(|(b, _)| b).collect();
        let n_chars = bounds.len();
        for (n, kind) in [(2, "suf2"), (3, "suf3"), (4, "suf4")] {
            if n_chars > n {
                add(kind, &[&lower[bounds[n_chars - n]..]]);
            }
        }
        if n_chars > 3 {
            add("pre3", &[&lower[..bounds[3]]]);
        }
        add("shape", &[sh(0)]);
        add("shape-1", &[sh(-1)]);
        add("shape+1", &[sh(1)]);
        add("shape-1,0,+1", &[sh(-1), sh(0), sh(1)]);
        add("start", &[start]);
        add("start+shape", &[start, sh(0)]);
        add("quoted", &[if in_quotes { "y" } else { "n" }]);
        const LENS: [&str; 13] = [
            "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
        ];
        add("len", &[LENS[n_chars.min(12)]]);
        let info = &infos[i];
        if !info.lemma.is_empty() {
            add("lemma", &[&info.lemma]);
            add("known", &[if info.known { "y" } else { "n" }]);
        }
        for t in &info.tags {
            add("tag", &[t]);
            add("tag+shape", &[t, sh(0)]);
        }
        if let Some(g) = gaz[i] {
            add("gaz", &[g]);
            add("gaz+shape", &[g, sh(0)]);
        }
        match places[i] {
            Place::Outside => {}
            Place::First => {
                add("place", &["B"]);
                add("place+start", &["B", start]);
            }
            Place::Later => add("place", &["I"]),
        }
        for (bit, name) in EVIDENCE.iter().enumerate() {
            if elsewhere[i] & (1 << bit) != 0 {
                add("doc", &[name]);
            }
        }
        if i > 0
            && let Some(g) = gaz[i - 1]
        {
            add("gaz-1", &[g]);
        }
        for (j, name) in [
            (-1isize, "tag-1"),
            (1, "tag+1"),
            (-2, "tag-2"),
            (2, "tag+2"),
        ] {
            let k = i as isize + j;
            if k >= 0 && (k as usize) < infos.len() {
                for t in &infos[k as usize].tags {
                    add(name, &[t]);
                }
                if j == -1 || j == 1 {
                    let l = &infos[k as usize].lemma;
                    if !l.is_empty() {
                        add(if j == -1 { "tag-1lemma" } else { "tag+1lemma" }, &[l]);
                    }
                }
            }
        }
        match tokens[i].text {
            "«" | "„" | "“" => in_quotes = true,
            "»" | "”" => in_quotes = false,
            "\"" => in_quotes = !in_quotes,
            _ => {}
        }
        out.push(f);
    }
    out
}

/// What one occurrence of a capitalized word shows about it, as bits of [`EVIDENCE`].
const EVIDENCE: [&str; 6] = [
    "name-before",
    "verb-after",
    "in-from",
    "quoted",
    "surname-after",
    "person-noun-before",
];

/// For each token, what the other occurrences of its word in the document show (bits of
/// [`EVIDENCE`]): "Бхутто" read as a surname once ("Беназир Бхутто") helps read it alone
/// elsewhere ("Бхутто заявила"). Words meet across case forms by their surname stem.
fn document_evidence(tokens: &[Token], lowers: &[String], infos: &[&WordInfo]) -> Vec<u8> {
    let capital = |k: usize| {
        tokens[k]
            .text
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    };
    let has = |k: usize, tag: &str| infos[k].tags.contains(&tag);
    // Words with ё are keyed with е, as everywhere names are compared; they are rare enough
    // that only they pay for a copy.
    let folded: Vec<Option<String>> = lowers
        .iter()
        .map(|l| l.contains('ё').then(|| l.replace('ё', "е")))
        .collect();
    let mut keys: Vec<Option<&str>> = vec![None; tokens.len()];
    let mut own = vec![0u8; tokens.len()];
    for k in 0..tokens.len() {
        if !capital(k) || tokens[k].text.chars().count() < 2 {
            continue;
        }
        let before = k.checked_sub(1);
        let after = Some(k + 1).filter(|&a| a < tokens.len());
        let shown = [
            before.is_some_and(|b| capital(b) && has(b, "Name")),
            after.is_some_and(|a| has(a, "VERB")),
            before.is_some_and(|b| matches!(lowers[b].as_str(), "в" | "во" | "из")),
            before.is_some_and(|b| matches!(tokens[b].text, "«" | "\"" | "“")),
            after.is_some_and(|a| capital(a) && has(a, "Surn")),
            before.is_some_and(|b| {
                !capital(b)
                    && infos[b]
                        .parses
                        .first()
                        .is_some_and(|p| p.tag.starts_with("NOUN") && p.has("anim"))
            }),
        ];
        own[k] = shown
            .iter()
            .enumerate()
            .fold(0, |acc, (bit, &on)| acc | (u8::from(on) << bit));
        keys[k] = Some(super::link::stem_lower(
            folded[k].as_deref().unwrap_or(&lowers[k]),
        ));
    }
    let mut counts: rustc_hash::FxHashMap<&str, [u16; EVIDENCE.len()]> = Default::default();
    for (k, key) in keys.iter().enumerate() {
        if let Some(key) = key {
            let c = counts.entry(key).or_default();
            for (bit, n) in c.iter_mut().enumerate() {
                *n += u16::from(own[k] >> bit & 1);
            }
        }
    }
    // Only the other occurrences count: a token's own context is in its other features.
    keys.iter()
        .enumerate()
        .map(|(k, key)| {
            let Some(c) = key.and_then(|key| counts.get(key)) else {
                return 0;
            };
            (0..EVIDENCE.len())
                .filter(|&bit| c[bit] > u16::from(own[k] >> bit & 1))
                .fold(0u8, |acc, bit| acc | (1 << bit))
        })
        .collect()
}

/// The value `j` places from `i`, or a sentinel past either end.
fn neighbour(values: &[String], i: usize, j: isize) -> &str {
    match i.checked_add_signed(j) {
        None => "<s>",
        Some(k) => values.get(k).map_or("</s>", String::as_str),
    }
}

/// What the shipped word lists say of a word in any case form: a regional first name, or a
/// one-word place or organization from the alias table. They reach names the dictionary lacks
/// ("Шымкенте", "Ерлану").
fn gazetteer(word: &str) -> Option<&'static str> {
    use std::collections::HashMap;
    use std::sync::{LazyLock, RwLock};
    static SEEN: LazyLock<RwLock<HashMap<String, Option<&'static str>>>> =
        LazyLock::new(Default::default);
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    if let Some(hit) = SEEN.read().ok().and_then(|m| m.get(word).copied()) {
        return hit;
    }
    let found = lookup_gazetteer(word);
    if let Ok(mut m) = SEEN.write() {
        m.insert(word.to_string(), found);
    }
    found
}

fn lookup_gazetteer(word: &str) -> Option<&'static str> {
    use std::sync::LazyLock;
    static ALIASES: LazyLock<super::Aliases> = LazyLock::new(super::Aliases::shipped);
    if super::person::is_regional_name(word) {
        return Some("NAME");
    }
    if ALIASES.canonical_declined(EntityType::Loc, word).is_some() {
        return Some("LOC");
    }
    if ALIASES.canonical_declined(EntityType::Org, word).is_some() {
        return Some("ORG");
    }
    None
}

/// "Xx", "XX", "x", "d", "X-Xx", punctuation as itself: case and character classes, runs
/// collapsed, so "Усть-Каменогорск" and "Нью-Йорк" share a shape.
fn shape(word: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    for c in word.chars() {
        let k = if matches!(c, 'А'..='Я' | 'Ё' | 'A'..='Z') {
            'X'
        } else if matches!(c, 'а'..='я' | 'ё' | 'a'..='z') {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if k != last {
            out.push(k);
            last = k;
        }
    }
    let latin = word.chars().any(|c| c.is_ascii_alphabetic());
    if latin {
        out.push('L');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(shape("Усть-Каменогорск"), "Xx-Xx");
        assert_eq!(shape("ЮНИСЕФ"), "X");
        assert_eq!(shape("MICS-2024"), "X-dL");
    }
}
