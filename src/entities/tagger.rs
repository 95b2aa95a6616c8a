//! A greedy averaged-perceptron tagger, one BIO chain per entity type so that nested entities
//! of different types ("мэрия Москвы" and "Москвы") can both be found. Features are hashed
//! into a fixed table, so the model is a fixed-size array of small integers that ships inside
//! the binary.

use std::io::{Read, Write};

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::EntityType;
use super::morph::Morph;
use super::places::Place;
use super::tokens::Token;

/// Rows of the weight table (a power of two); each row holds a weight per label.
const BUCKETS: usize = 1 << 20;
const LABELS: usize = 3;
const O: usize = 0;
const B: usize = 1;
const I: usize = 2;
/// A gold label for a token the annotation says nothing reliable about: no update is made.
pub(crate) const UNKNOWN: usize = 3;
const MAGIC: &[u8; 6] = b"VNER01";

/// The trained weights, quantized.
pub struct Model {
    weights: Vec<i8>,
    scale: f32,
}

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
    if super::normalize::is_regional_name(word) {
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

fn type_seed(t: EntityType) -> u64 {
    match t {
        EntityType::Per => 0x9E37_79B9,
        EntityType::Org => 0x85EB_CA6B,
        EntityType::Loc => 0xC2B2_AE35,
    }
}

fn row(feature: u64, t: EntityType) -> usize {
    ((feature ^ type_seed(t)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 44) as usize % BUCKETS
}

/// Features that depend on the labels already chosen in this type's chain.
fn history(prev: usize, prev2: usize, static_first: u64) -> [u64; 3] {
    [
        xxh3_64_with_seed(&[prev as u8], 11),
        xxh3_64_with_seed(&[prev as u8, prev2 as u8], 13),
        static_first ^ xxh3_64_with_seed(&[prev as u8], 17),
    ]
}

fn allowed(prev: usize, label: usize) -> bool {
    label != I || prev != O
}

/// Decodes one type's chain greedily with the given scorer; returns a label per token.
fn decode(features: &[Vec<u64>], t: EntityType, weights: &[i8]) -> Vec<usize> {
    let mut labels = Vec::with_capacity(features.len());
    let (mut prev, mut prev2) = (O, O);
    for f in features {
        let hist = history(prev, prev2, f.get(1).copied().unwrap_or(0));
        // Each feature's row is looked up once and adds to all three labels.
        let mut scores = [0i32; LABELS];
        for &x in f.iter().chain(hist.iter()) {
            let r = row(x, t) * LABELS;
            for (label, s) in scores.iter_mut().enumerate() {
                *s += weights[r + label] as i32;
            }
        }
        let mut best = (i32::MIN, O);
        for (label, &s) in scores.iter().enumerate() {
            if allowed(prev, label) && s > best.0 {
                best = (s, label);
            }
        }
        labels.push(best.1);
        prev2 = prev;
        prev = best.1;
    }
    labels
}

/// Token index ranges `[first, last]` of the entities a label chain marks.
pub(crate) fn spans(labels: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, &l) in labels.iter().enumerate() {
        match l {
            B => {
                if let Some(s) = open.take() {
                    out.push((s, i - 1));
                }
                open = Some(i);
            }
            I => {}
            _ => {
                if let Some(s) = open.take() {
                    out.push((s, i - 1));
                }
            }
        }
    }
    if let Some(s) = open {
        out.push((s, labels.len() - 1));
    }
    out
}

impl Model {
    /// A model that finds nothing, for builds without trained weights.
    pub fn empty() -> Model {
        Model {
            weights: Vec::new(),
            scale: 1.0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    pub fn tag(&self, features: &[Vec<u64>], t: EntityType) -> Vec<(usize, usize)> {
        if self.is_empty() {
            return Vec::new();
        }
        let labels = decode(features, t, &self.weights);
        spans(&labels)
    }

    pub fn load(bytes: &[u8]) -> std::io::Result<Model> {
        let mut raw = Vec::new();
        flate2::read::DeflateDecoder::new(bytes).read_to_end(&mut raw)?;
        let bad =
            || std::io::Error::new(std::io::ErrorKind::InvalidData, "not a vestnik NER model");
        if raw.len() != MAGIC.len() + 4 + BUCKETS * LABELS || &raw[..MAGIC.len()] != MAGIC {
            return Err(bad());
        }
        let scale = f32::from_le_bytes(raw[6..10].try_into().map_err(|_| bad())?);
        let weights = raw[10..].iter().map(|&b| b as i8).collect();
        Ok(Model { weights, scale })
    }

    pub fn save(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut enc = flate2::write::DeflateEncoder::new(out, flate2::Compression::best());
        enc.write_all(MAGIC)?;
        enc.write_all(&self.scale.to_le_bytes())?;
        let bytes: Vec<u8> = self.weights.iter().map(|&w| w as u8).collect();
        enc.write_all(&bytes)?;
        enc.finish()?;
        Ok(())
    }
}

/// One training example: token features and, per type, the gold label of each token.
pub(crate) struct Example {
    pub features: Vec<Vec<u64>>,
    pub gold: [Vec<usize>; 3],
}

/// Gold BIO labels for one type from its outermost spans, given in code points.
pub(crate) fn gold_labels(tokens: &[Token], spans: &[(usize, usize)]) -> Vec<usize> {
    let mut labels = vec![O; tokens.len()];
    for &(s, e) in spans {
        let mut first = true;
        for (i, t) in tokens.iter().enumerate() {
            if t.start >= s && t.start < e {
                labels[i] = if first { B } else { I };
                first = false;
            }
        }
    }
    labels
}

/// Trains an averaged perceptron over `examples` for `epochs` passes, shuffling
/// deterministically, and quantizes it.
pub(crate) fn train(
    examples: &[Example],
    epochs: usize,
    mut on_epoch: impl FnMut(usize, usize),
) -> Model {
    let n = BUCKETS * LABELS;
    let mut w = vec![0f32; n];
    let mut total = vec![0f32; n];
    let mut stamp = vec![0u32; n];
    let mut clock: u32 = 1;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let types = [EntityType::Per, EntityType::Org, EntityType::Loc];
    for epoch in 0..epochs {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let mut errors = 0;
        for &ex in &order {
            let ex = &examples[ex];
            for (ti, &t) in types.iter().enumerate() {
                let gold = &ex.gold[ti];
                let (mut prev, mut prev2) = (O, O);
                let (mut gprev, mut gprev2) = (O, O);
                for (i, f) in ex.features.iter().enumerate() {
                    let first = f.get(1).copied().unwrap_or(0);
                    let hist = history(prev, prev2, first);
                    let mut best = (f32::MIN, O);
                    for label in 0..LABELS {
                        if !allowed(prev, label) {
                            continue;
                        }
                        let s: f32 = f
                            .iter()
                            .chain(hist.iter())
                            .map(|&x| w[row(x, t) * LABELS + label])
                            .sum();
                        if s > best.0 {
                            best = (s, label);
                        }
                    }
                    let guess = best.1;
                    let truth = gold[i];
                    if truth == UNKNOWN {
                        clock += 1;
                        prev2 = prev;
                        prev = guess;
                        gprev2 = gprev;
                        gprev = guess;
                        continue;
                    }
                    if guess != truth {
                        errors += 1;
                        let ghist = history(gprev, gprev2, first);
                        let mut update =
                            |feats: &mut dyn Iterator<Item = &u64>, label: usize, delta: f32| {
                                for &x in feats {
                                    let k = row(x, t) * LABELS + label;
                                    total[k] += (clock - stamp[k]) as f32 * w[k];
                                    stamp[k] = clock;
                                    w[k] += delta;
                                }
                            };
                        update(&mut f.iter().chain(ghist.iter()), truth, 1.0);
                        update(&mut f.iter().chain(hist.iter()), guess, -1.0);
                    }
                    clock += 1;
                    // Teacher forcing on history keeps training stable for a greedy decoder.
                    prev2 = prev;
                    prev = truth;
                    gprev2 = gprev;
                    gprev = truth;
                }
            }
        }
        on_epoch(epoch, errors);
    }
    for k in 0..n {
        total[k] += (clock - stamp[k]) as f32 * w[k];
        total[k] /= clock as f32;
    }
    // Scale so that nearly all weights keep their resolution; the rare largest ones saturate.
    let mut mags: Vec<f32> = total.iter().map(|x| x.abs()).filter(|&x| x > 0.0).collect();
    mags.sort_by(|a, b| a.total_cmp(b));
    let high = mags
        .get(mags.len().saturating_sub(1) * 998 / 1000)
        .copied()
        .unwrap_or(1.0)
        .max(1e-9);
    let scale = 100.0 / high;
    let weights = total
        .iter()
        .map(|&x| (x * scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    Model {
        weights,
        scale: 1.0 / scale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_from_labels() {
        assert_eq!(spans(&[O, B, I, O, B, B, I]), vec![(1, 2), (4, 4), (5, 6)]);
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("Усть-Каменогорск"), "Xx-Xx");
        assert_eq!(shape("ЮНИСЕФ"), "X");
        assert_eq!(shape("MICS-2024"), "X-dL");
    }
}
