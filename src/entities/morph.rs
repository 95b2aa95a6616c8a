//! What the OpenCorpora dictionary (through rsmorphy) says about a word: name tags for the
//! tagger's features and dictionary forms for normalization. Analyses are cached per word form,
//! since names and function words repeat across an archive.

use std::cell::RefCell;
use std::sync::{LazyLock, RwLock};

use rustc_hash::FxHashMap;

use rsmorphy::prelude::*;
use rsmorphy::rsmorphy_dict_ru;

/// The dictionary ships in the rsmorphy-dict-ru crate and is read from where cargo unpacked it.
/// A binary moved away from it keeps working, with names found from the tagger's other features
/// only, instead of failing.
static ANALYZER: LazyLock<Option<MorphAnalyzer>> = LazyLock::new(|| {
    if !std::path::Path::new(rsmorphy_dict_ru::DICT_PATH).is_dir() {
        return None;
    }
    // A damaged dictionary makes rsmorphy panic while reading it: that is said on stderr, and
    // the run goes on without the dictionary as above.
    std::panic::catch_unwind(|| MorphAnalyzer::from_file(rsmorphy_dict_ru::DICT_PATH)).ok()
});

/// The dictionary's verdict on one word form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordInfo {
    /// Tags of the most likely analysis and of any name analysis: "Name", "Surn", "Patr",
    /// "Geox", "Orgn", "Abbr", "Init" and the part of speech ("NOUN", "ADJF", "VERB", ...).
    pub tags: Vec<&'static str>,
    /// Dictionary form of the most likely analysis.
    pub lemma: String,
    /// Whether the dictionary knows the word (rather than guessing from its ending).
    pub known: bool,
    /// Every analysis, most likely first.
    pub parses: Vec<Parse>,
}

/// One analysis of a word form.
#[derive(Debug, Clone, PartialEq)]
pub struct Parse {
    pub lemma: String,
    /// OpenCorpora tag, e.g. "NOUN,anim,masc,Name sing,gent".
    pub tag: String,
    /// From the dictionary itself rather than guessed from the ending.
    pub known: bool,
    /// The tag's grammemes among [`GRAMMEMES`].
    bits: u32,
}

/// The grammemes normalization and the tagger ask about, each a bit of [`Parse::bits`]:
/// asking is a length check and a short compare instead of splitting the tag every time.
const GRAMMEMES: [&str; 32] = [
    "NOUN", "ADJF", "VERB", "Name", "Surn", "Patr", "Geox", "Orgn", "Abbr", "Init", "Fixd", "masc",
    "femn", "neut", "ms-f", "sing", "plur", "nomn", "gent", "datv", "accs", "ablt", "loct", "voct",
    "gen2", "loc2", "anim", "inan", "past", "pres", "3per", "Sgtm",
];

/// A four-letter grammeme as one number, so finding it among [`GRAMMEMES`] compares numbers.
const fn code(g: &[u8]) -> u32 {
    if g.len() != 4 {
        return 0;
    }
    u32::from_le_bytes([g[0], g[1], g[2], g[3]])
}

const CODES: [u32; 32] = {
    let mut out = [0u32; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = code(GRAMMEMES[i].as_bytes());
        i += 1;
    }
    out
};

fn grammeme_index(g: &str) -> Option<usize> {
    let c = code(g.as_bytes());
    if c == 0 {
        return None;
    }
    CODES.iter().position(|&x| x == c)
}

fn grammeme_bits(tag: &str) -> u32 {
    tag.split([',', ' '])
        .filter_map(grammeme_index)
        .fold(0, |acc, i| acc | (1 << i))
}

impl Parse {
    pub fn new(lemma: String, tag: String, known: bool) -> Parse {
        let bits = grammeme_bits(&tag);
        Parse {
            lemma,
            tag,
            known,
            bits,
        }
    }

    pub fn has(&self, grammeme: &str) -> bool {
        match grammeme_index(grammeme) {
            Some(i) => self.bits & (1 << i) != 0,
            None => self.tag.split([',', ' ']).any(|g| g == grammeme),
        }
    }
}

const INTERESTING: [&str; 7] = ["Name", "Surn", "Patr", "Geox", "Orgn", "Abbr", "Init"];
const POS: [&str; 12] = [
    "NOUN", "ADJF", "ADJS", "VERB", "INFN", "PRTF", "PREP", "CONJ", "PRCL", "NPRO", "NUMR", "ADVB",
];

/// Word forms the cache holds at most. A news archive's vocabulary is far larger than what
/// repeats (a 1,000,000-word file of distinct forms made the unbounded cache 1.3 GB): past
/// this many, a new form is analysed each time it is seen, which costs little since such forms
/// are rare, and memory stays bounded whatever the input.
pub const MAX_CACHED: usize = 200_000;

/// Analyses made so far, shared by every thread. Entries are leaked on purpose: the cache lives
/// as long as the process and holds at most [`MAX_CACHED`] forms, and a `&'static` entry can
/// be used by any thread without touching a shared reference count.
static SHARED: LazyLock<RwLock<FxHashMap<String, &'static WordInfo>>> =
    LazyLock::new(Default::default);

thread_local! {
    /// Each thread's own view of [`SHARED`]: after warm-up a lookup takes no lock at all,
    /// where the shared map's lock word would bounce between the cores on every token.
    static LOCAL: RefCell<FxHashMap<String, &'static WordInfo>> = RefCell::default();
}

/// The dictionary, with analyses cached per word form.
#[derive(Default)]
pub struct Morph {
    _private: (),
}

impl Morph {
    /// A handle on the shared dictionary; making one is free, the dictionary loads once per
    /// process.
    pub fn new() -> Morph {
        Morph::default()
    }

    /// Analyses a lowercase Cyrillic word; anything else gets an empty analysis.
    pub fn info(&self, lower: &str) -> Info {
        if let Some(hit) = LOCAL.with(|l| l.borrow().get(lower).copied()) {
            return Info::Cached(hit);
        }
        let shared = SHARED.read().ok().and_then(|c| c.get(lower).copied());
        let info = match shared {
            Some(hit) => hit,
            None => {
                let fresh = Box::new(analyse(lower));
                // Whether there is room is decided under the write lock, so threads racing
                // for the last places cannot overfill the cache.
                let Ok(mut cache) = SHARED.write() else {
                    return Info::Fresh(fresh);
                };
                if let Some(&hit) = cache.get(lower) {
                    hit
                } else if cache.len() < MAX_CACHED {
                    let info: &'static WordInfo = Box::leak(fresh);
                    cache.insert(lower.to_string(), info);
                    info
                } else {
                    return Info::Fresh(fresh);
                }
            }
        };
        LOCAL.with(|l| {
            let mut local = l.borrow_mut();
            if local.len() < MAX_CACHED {
                local.insert(lower.to_string(), info);
            }
        });
        Info::Cached(info)
    }
}

/// How many word forms the shared cache holds.
#[cfg(test)]
pub(crate) fn cached() -> usize {
    SHARED.read().map_or(0, |c| c.len())
}

/// One word's analysis: from the cache, or made for this lookup alone once the cache is full.
#[derive(Debug, Clone)]
pub enum Info {
    Cached(&'static WordInfo),
    Fresh(Box<WordInfo>),
}

impl std::ops::Deref for Info {
    type Target = WordInfo;

    fn deref(&self) -> &WordInfo {
        match self {
            Info::Cached(info) => info,
            Info::Fresh(info) => info,
        }
    }
}

/// Only plain Russian words of three letters or more are analysed: what the dictionary could
/// say of shorter ones the tagger does not need.
fn analysable(lower: &str) -> bool {
    lower.chars().count() >= 3
        && lower.chars().all(|c| matches!(c, 'а'..='я' | 'ё' | '-'))
        && !lower.starts_with('-')
        && !lower.ends_with('-')
}

/// The particles rsmorphy takes off after a hyphen before parsing the rest ("смотри-ка" →
/// "смотри"): its `PARTICLES_AFTER_HYPHEN`.
const PARTICLES: [&str; 8] = ["-то", "-ка", "-таки", "-де", "-тко", "-тка", "-с", "-ста"];
/// The prefix of adverbs rsmorphy parses by the rest ("по-русски" → "русски").
const ADVERB_PREFIX: &str = "по-";

/// Whether rsmorphy parses `word` without panicking. Its known-prefix step asserts that the
/// word has three letters or more (`by_analogy/kp.rs`), and a shorter word reaches that step
/// when neither the dictionary nor the initials step knows it: not only a short word asked
/// for itself, but what rsmorphy parses in turn of a longer one, the rest of it before a
/// particle ("ак-с" → "ак"), after "по-", or after a known prefix. This follows its
/// `MorphAnalyzer::parse` step by step and says no where that would reach the assertion. It
/// may refuse more than rsmorphy would panic on only where the "по-" step would have answered
/// first (it keeps only adverbs); no word of the NER data or of the tests' shapes is such.
fn parses_safely(morph: &MorphAnalyzer, word: &str) -> bool {
    if known_outright(morph, word) {
        return true;
    }
    let letters = word.chars().count();
    if letters < 3 {
        return false;
    }
    // The particle step parses the rest before each particle the word ends with, and stops
    // rsmorphy when one of those parses is not itself of a word with a particle.
    let mut answered = false;
    for particle in PARTICLES {
        if word.len() > particle.len() && word.ends_with(particle) {
            let rest = &word[..word.len() - particle.len()];
            if !parses_safely(morph, rest) {
                return false;
            }
            answered |= morph
                .parse(rest)
                .iter()
                .any(|p| p.lex.stack.particle.is_none());
        }
    }
    if answered {
        return true;
    }
    if letters >= 5
        && word.starts_with(ADVERB_PREFIX)
        && !parses_safely(morph, &word[ADVERB_PREFIX.len()..])
    {
        return false;
    }
    // The known-prefix step parses what follows each known prefix that leaves three letters.
    morph
        .dict
        .prediction_prefixes
        .sorted_prefixes(word)
        .into_iter()
        .filter(|prefix| !prefix.is_empty() && prefix.chars().count() + 3 <= letters)
        .all(|prefix| parses_safely(morph, &word[prefix.len()..]))
}

/// Whether rsmorphy's first steps, the dictionary and initials, answer for `word`: it then
/// stops there.
fn known_outright(morph: &MorphAnalyzer, word: &str) -> bool {
    let mut found = rsmorphy::ParseResult::new();
    let mut seen = rsmorphy::container::SeenSet::default();
    morph
        .units
        .dictionary
        .parse(morph, &mut found, word, word, &mut seen);
    morph
        .units
        .initials
        .parse(morph, &mut found, word, word, &mut seen);
    !found.is_empty()
}

fn analyse(lower: &str) -> WordInfo {
    if !analysable(lower) {
        return WordInfo::default();
    }
    let Some(morph) = ANALYZER.as_ref() else {
        return WordInfo::default();
    };
    if !parses_safely(morph, lower) {
        return WordInfo::default();
    }
    let parsed = morph.parse(lower);
    let mut info = WordInfo::default();
    for (i, p) in parsed.iter().take(6).enumerate() {
        let tag = p.lex.get_tag(morph).string.clone();
        let lemma = p.lex.get_normal_form(morph).to_string();
        if i == 0 {
            info.lemma = lemma.clone();
            info.known = matches!(p.score, rsmorphy::Score::Real(_));
            for pos in POS {
                if tag.starts_with(pos) {
                    info.tags.push(pos);
                }
            }
        }
        for t in INTERESTING {
            if tag.split([',', ' ']).any(|g| g == t) && !info.tags.contains(&t) {
                info.tags.push(t);
            }
        }
        info.parses.push(Parse::new(
            lemma,
            tag,
            matches!(p.score, rsmorphy::Score::Real(_)),
        ));
    }
    info
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cache_stops_growing_and_answers_stay_the_same() {
        let morph = Morph::new();
        let before = morph.info("москвой").lemma.clone();
        // Forms nobody else asks for (cheap: not Russian words, so not analysed), more than the
        // cache may hold.
        for i in 0..MAX_CACHED + 1_000 {
            morph.info(&format!("zz{i}"));
        }
        // Full, and no fuller.
        assert_eq!(cached(), MAX_CACHED);
        // A form first seen now is analysed all the same.
        assert_eq!(morph.info("лондоном").lemma, "лондон");
        assert_eq!(morph.info("москвой").lemma, before);
    }

    use super::*;

    /// rsmorphy is never asked about a word it would panic on, and is asked about every
    /// other: over every token of the real news of ../shared, a word `parses_safely` lets
    /// through is parsed (a panic fails the test), and one it refuses does make rsmorphy
    /// panic.
    #[test]
    fn every_real_token_is_parsed_or_would_panic() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ner");
        let mut words = std::collections::BTreeSet::new();
        for file in [
            "factrueval-dev.jsonl",
            "nerel-dev.jsonl",
            "nerel-train.jsonl",
        ] {
            let path = format!("{dir}/{file}");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!("this test needs ../shared (the project's real data): {path}: {e}")
            });
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).expect("gold JSONL");
                for t in super::super::tokens::tokenize(v["text"].as_str().unwrap_or_default()) {
                    let lower = crate::analysis::lowercase(t.text);
                    if analysable(&lower) {
                        words.insert(lower);
                    }
                }
            }
        }
        assert!(words.len() > 30_000, "{} distinct words", words.len());
        let morph = ANALYZER.as_ref().expect("the dictionary is installed");
        let mut known = 0;
        for w in &words {
            if parses_safely(morph, w) {
                known += usize::from(!morph.parse(w).is_empty());
            } else {
                let panicked = std::panic::catch_unwind(|| morph.parse(w)).is_err();
                assert!(panicked, "{w} is refused but rsmorphy parses it");
            }
        }
        assert_eq!(known, words.len() - refused(morph, &words));
    }

    fn refused(morph: &MorphAnalyzer, words: &std::collections::BTreeSet<String>) -> usize {
        words.iter().filter(|w| !parses_safely(morph, w)).count()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// Short words with hyphens, particles and "по-", the shapes rsmorphy panics on
        /// ("з-с", "ак-с", "по-ык"): refused exactly when rsmorphy would panic, and analysed
        /// without a panic either way.
        #[test]
        fn short_hyphenated_words_are_refused_exactly_when_rsmorphy_panics(
            word in "(по-|[а-яё]{1,4}-)?[а-яё]{1,3}(-(то|ка|таки|де|тко|тка|с|ста|[а-яё]{1,3})){0,2}"
        ) {
            let morph = ANALYZER.as_ref().expect("the dictionary is installed");
            if analysable(&word) {
                let panics = std::panic::catch_unwind(|| morph.parse(&word)).is_err();
                proptest::prop_assert_eq!(parses_safely(morph, &word), !panics, "{}", word);
            }
            let _ = analyse(&word);
        }
    }

    #[test]
    fn names_and_places_are_tagged() {
        let m = Morph::new();
        assert!(m.info("реджиной").tags.contains(&"Name"));
        assert_eq!(m.info("реджиной").lemma, "реджина");
        assert!(m.info("алматы").tags.contains(&"Geox"));
        assert!(m.info("обамы").tags.contains(&"Surn"));
        assert!(m.info("zakon").tags.is_empty());
    }
}
