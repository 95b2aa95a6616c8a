//! Places named by an adjective: "британского премьера", "в московском суде", "казахстанская
//! сторона". An analyst asking for Москва wants the article about "московских врачей" as well
//! as the one that writes "в Москве", and NEREL's gold counts such adjectives as mentions of
//! the place. The tagger does not take them for names (they are lowercase, and factRuEval does
//! not count them), so they are found here, for the index only: eval-ner scores the tagger's
//! spans, which this leaves alone.
//!
//! Most adjectives follow from the place's name by a few derivations (Казахстан →
//! казахстанский, Италия → итальянский, Австрия → австрийский, Европа → европейский, Урал →
//! уральский), tried on every one-word place of the gazetteer (`places.txt`); the irregular
//! ones and those of places of several words are listed in `place_adjectives.txt`. A derived
//! adjective two places would give (Инд and Индия: "индийский") is kept only when the list
//! decides it.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::mention::{EntityType, Mention};
use super::morph::Morph;
use super::places::key;
use super::tokens;

/// Adjective keys (the Snowball stem every case form of the adjective shares) → place.
static ADJECTIVES: LazyLock<FxHashMap<String, &'static str>> = LazyLock::new(|| {
    build(
        include_str!("places.txt"),
        include_str!("place_adjectives.txt"),
    )
});

/// Endings a place's stem takes to make its adjective, as the nominative masculine.
const DERIVED: [&str; 6] = ["ский", "ийский", "анский", "ейский", "ьский", "ьянский"];

/// Stems of a place's name that a derivation starts from: the name itself ending in a
/// consonant (Казахстан), or the name without its final vowel or soft sign (Европа, Казань),
/// or without "-ия"/"-ея" (Россия, Корея). Shorter stems than three letters are too common
/// (Ош, Ока).
fn bases(place: &str) -> Vec<String> {
    let lower = crate::analysis::lowercase(place).replace('ё', "е");
    let chars: Vec<char> = lower.chars().collect();
    let vowel = |c: char| "аеиоуыэюяь".contains(c);
    let base: String = match chars.as_slice() {
        [.., 'и' | 'е' | 'ь', 'я'] => chars[..chars.len() - 2].iter().collect(),
        [.., c] if vowel(*c) => chars[..chars.len() - 1].iter().collect(),
        [.., c] if c.is_alphabetic() => lower.clone(),
        _ => return Vec::new(),
    };
    let usable = base.chars().count() >= 3 && base.chars().all(|c| c.is_alphabetic() || c == '-');
    if usable { vec![base] } else { Vec::new() }
}

fn build(places: &'static str, listed: &'static str) -> FxHashMap<String, &'static str> {
    // Derived first. Of two places giving one key, the more regular ending wins ("-ский":
    // Ливан → ливанский, not Ливия + "-анский"); with the same ending neither does.
    let mut derived: FxHashMap<String, (usize, Option<&'static str>)> = FxHashMap::default();
    for line in places.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.contains(' ') {
            continue;
        }
        // Abbreviations (США, КНР) have no derived adjective.
        if line.chars().filter(|c| c.is_uppercase()).count() > 1 && !line.contains('-') {
            continue;
        }
        for (b, base) in bases(line).into_iter().enumerate() {
            for (e, end) in DERIVED.iter().enumerate() {
                let rank = b * DERIVED.len() + e;
                let k = key(&format!("{base}{end}"));
                let slot = derived.entry(k).or_insert((rank, Some(line)));
                if rank < slot.0 {
                    *slot = (rank, Some(line));
                } else if rank == slot.0 && slot.1 != Some(line) {
                    slot.1 = None;
                }
            }
        }
    }
    let mut out: FxHashMap<String, &'static str> = derived
        .into_iter()
        .filter_map(|(k, (_, p))| p.map(|p| (k, p)))
        .collect();
    for line in listed.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('|').map(str::trim);
        let Some(place) = parts.next() else {
            continue;
        };
        for adjective in parts.filter(|a| !a.is_empty()) {
            out.insert(key(adjective), place);
        }
    }
    out
}

/// Every adjective the derivations or the list give has "ск", "цк" or "чн" before its
/// ending: the pairs, in either case, as the four UTF-8 bytes they are written in.
const PAIRS: [u32; 6] = [
    pair("ск"),
    pair("цк"),
    pair("чн"),
    pair("СК"),
    pair("ЦК"),
    pair("ЧН"),
];

const fn pair(two: &str) -> u32 {
    let b = two.as_bytes();
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Letters after the pair in the longest ending an adjective takes ("-ского", "-скими"), with
/// one to spare.
const ENDING_LETTERS: usize = 4;

/// Whether one of `PAIRS` stands right before a word's ending: a few aligned reads from its
/// end, where six `str::contains` calls cost a searcher each and were a tenth of entity
/// extraction (callgrind). Cyrillic letters take two bytes each, so the pair starts an even
/// number of bytes before the end.
fn has_adjective_pair(word: &str) -> bool {
    let b = word.as_bytes();
    (0..=ENDING_LETTERS)
        .map_while(|letters| b.len().checked_sub(4 + 2 * letters))
        .any(|at| {
            PAIRS.contains(&u32::from_be_bytes([
                b[at],
                b[at + 1],
                b[at + 2],
                b[at + 3],
            ]))
        })
}

/// The places a word (in any case form) is the adjective of: one, or one per part of a
/// compound ("российско-британской": Россия and Великобритания).
pub(crate) fn places_of(word: &str) -> Vec<&'static str> {
    // Most words fail this before anything is allocated: it runs on every word of an article.
    if word.len() < 10 || !has_adjective_pair(word) {
        return Vec::new();
    }
    let lower = crate::analysis::lowercase(word).replace('ё', "е");
    if lower.chars().count() < 5 {
        return Vec::new();
    }
    if let Some(&place) = ADJECTIVES.get(&key(&lower)) {
        return vec![place];
    }
    let parts: Vec<&str> = lower.split('-').collect();
    let Some((last, firsts)) = parts.split_last() else {
        return Vec::new();
    };
    if firsts.is_empty() {
        return Vec::new();
    }
    // Every part must name a place: "российско-британской", not "северо-западной".
    let mut out = Vec::new();
    for part in firsts {
        let Some(stem) = part.strip_suffix('о') else {
            return Vec::new();
        };
        match ADJECTIVES.get(&key(&format!("{stem}ий"))) {
            Some(&place) => out.push(place),
            None => return Vec::new(),
        }
    }
    match ADJECTIVES.get(&key(last)) {
        Some(&place) => out.push(place),
        None => return Vec::new(),
    }
    out.dedup();
    out
}

/// Places named by their adjective ("британского", "московских"), as place mentions of
/// the place's name: for the index, which should find the article under the place (see the
/// module doc). Words inside a person's name are left alone, and so are languages
/// ("на английском языке" is about no place); inside an organization's or a place's name
/// the adjective still names its place ("Московский университет", "Московская область").
pub(super) fn mentions(
    morph: &Morph,
    tokens: &[tokens::Token],
    mentions: &[Mention],
) -> Vec<Mention> {
    // People by start, each with the furthest end of any person starting at or before it,
    // so "inside a person" is one binary search (an article may name thousands).
    let mut people: Vec<(usize, usize)> = mentions
        .iter()
        .filter(|m| m.kind == EntityType::Per)
        .map(|m| (m.start, m.end))
        .collect();
    people.sort_unstable();
    let mut furthest = 0;
    for p in &mut people {
        furthest = furthest.max(p.1);
        p.1 = furthest;
    }
    let in_person = |start: usize, end: usize| {
        let before = people.partition_point(|p| p.0 <= start);
        before > 0 && end <= people[before - 1].1
    };
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let places = places_of(t.text);
        if places.is_empty() {
            continue;
        }
        if in_person(t.start, t.end) || names_a_language(&tokens[i + 1..]) {
            continue;
        }
        let lower = crate::analysis::lowercase(t.text);
        if !morph.info(&lower).parses.iter().any(|p| p.has("ADJF")) {
            continue;
        }
        out.extend(places.into_iter().map(|place| Mention {
            kind: EntityType::Loc,
            start: t.start,
            end: t.end,
            surface: t.text.to_string(),
            norm: place.to_string(),
        }));
    }
    out
}

/// Whether the words after an adjective make it a language's: "языке" follows, maybe after
/// other adjectives of a list ("на казахском, русском и английском языках").
fn names_a_language(after: &[tokens::Token]) -> bool {
    for t in after.iter().take(6) {
        let lower = crate::analysis::lowercase(t.text);
        if lower.starts_with("язык") {
            return true;
        }
        let listing =
            lower == "," || lower == "и" || lower.ends_with("ском") || lower.ends_with("ских");
        if !listing {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_and_listed_adjectives_name_their_place() {
        for (word, place) in [
            ("казахстанском", "Казахстан"),
            ("Итальянском", "Италия"),
            ("австрийского", "Австрия"),
            ("ливанской", "Ливан"),
            ("Европейский", "Европа"),
            ("российских", "Россия"),
            ("британского", "Великобритания"),
            ("московских", "Москва"),
            ("американской", "США"),
            ("индийские", "Индия"),
            ("нью-йоркского", "Нью-Йорк"),
            ("ливанской", "Ливан"),
            ("ливийской", "Ливия"),
        ] {
            assert_eq!(places_of(word), [place], "{word}");
        }
    }

    #[test]
    fn other_words_name_no_place() {
        for word in [
            "критический",
            "большой",
            "человеческий",
            "Москва",
            "государственный",
            "северо-западный",
        ] {
            assert!(places_of(word).is_empty(), "{word}");
        }
        assert_eq!(
            places_of("российско-британской"),
            ["Россия", "Великобритания"]
        );
        assert!(places_of("северо-западной").is_empty());
    }
}
