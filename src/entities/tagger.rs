//! A greedy averaged-perceptron tagger with one BIO chain per entity type, so that nested
//! entities of different types ("мэрия Москвы" and "Москвы") can both be found. Features are
//! hashed into a fixed table whose row holds the weights of all three types and labels
//! together: a token's features are looked up once for the three chains, and one cache line
//! serves all nine weights. The model is that table, quantized to bytes, shipped inside the
//! binary.
//!
//! Exact (Viterbi) decoding with a structured perceptron was tried: on whole articles it found
//! more people (NEREL PER F1 0.928) but organizations' precision fell to 0.48-0.65 (quoted
//! titles, "власти"), and a sentence at a time it lost people; greedy decoding stayed.

use std::io::{Read, Write};

use super::features::TokenFeatures;
use super::mention::EntityType;

/// Rows of the weight table (a power of two).
const BUCKETS: usize = 1 << 20;
const BUCKET_BITS: u32 = 20;
const LABELS: usize = 3;
const TYPES: usize = 3;
/// Weights per row: a type's three labels, for each type.
pub(crate) const WIDTH: usize = TYPES * LABELS;
const O: usize = 0;
const B: usize = 1;
const I: usize = 2;
/// The label of a token inside an entity after its first.
pub(crate) const INSIDE: usize = I;
/// A gold label for a token the annotation says nothing reliable about: no update is made
/// there, and the tagger's own label stands in as the history after it.
pub(crate) const UNKNOWN: usize = 3;
const MAGIC: &[u8; 6] = b"VNER02";

/// Keys mixed with a token's word to make the word-specific transition features, one per
/// previous label.
const AFTER: [u64; LABELS] = [
    0x51_7CC1_B727_220A,
    0x2545_F491_4F6C_DD1D,
    0x9E37_79B9_7F4A_7C15,
];

/// The trained weights, quantized.
pub struct Model {
    /// `BUCKETS` rows of `WIDTH` weights.
    weights: Vec<i8>,
    /// Label-to-label weights per type: `[type][prev][label]`, on the same scale.
    transitions: [i32; TYPES * LABELS * LABELS],
    /// Fingerprints (XXH3) of the texts the model was trained on, sorted: scores on those
    /// texts are no test, and `eval-ner` says so.
    trained_on: Vec<u64>,
    /// Tells models apart, so sums cached from one are never used with another.
    id: u64,
}

/// A fresh [`Model::id`].
fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn row(feature: u64) -> usize {
    (feature.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - BUCKET_BITS)) as usize
}

/// The kind's place in the tagger's label table, as [`EntityType::ALL`] orders them.
fn type_index(t: EntityType) -> usize {
    t as usize
}

fn allowed(prev: usize, label: usize) -> bool {
    label != I || prev != O
}

/// Scores of one article, from any weight source: per token, the static score of each type
/// and label, and the word-specific transition score for each previous label.
struct Scores {
    emit: Vec<[f32; WIDTH]>,
    after: Vec<[[f32; WIDTH]; LABELS]>,
}

fn score(features: &[TokenFeatures], weight: impl Fn(usize) -> f32) -> Scores {
    let mut emit = Vec::with_capacity(features.len());
    let mut after = Vec::with_capacity(features.len());
    for f in features {
        let mut s = [0f32; WIDTH];
        for &x in &f.hashes {
            let r = row(x) * WIDTH;
            for (k, v) in s.iter_mut().enumerate() {
                *v += weight(r + k);
            }
        }
        emit.push(s);
        let mut a = [[0f32; WIDTH]; LABELS];
        for (prev, slot) in a.iter_mut().enumerate() {
            let r = row(f.word ^ AFTER[prev]) * WIDTH;
            for (k, v) in slot.iter_mut().enumerate() {
                *v = weight(r + k);
            }
        }
        after.push(a);
    }
    Scores { emit, after }
}

/// A token's static scores and its word-specific transition weights, in the quantized
/// model's integers.
pub(crate) type Emit = [i32; WIDTH];
pub(crate) type After = [[i8; WIDTH]; LABELS];

/// Adds a weight row to a token's scores.
pub(crate) fn add_row(sum: &mut Emit, row: &[i8; WIDTH]) {
    for k in 0..WIDTH {
        sum[k] += i32::from(row[k]);
    }
}

/// The greedy label path of type `t`: each token's best label given the one before, or with
/// `forced`, given the gold label before (as training sees it).
fn greedy(
    scores: &Scores,
    t: usize,
    transition: impl Fn(usize, usize) -> f32,
    forced: Option<&[usize]>,
) -> Vec<usize> {
    let score = |i: usize, prev: usize, label: usize| {
        scores.emit[i][t * LABELS + label]
            + transition(prev, label)
            + scores.after[i][prev][t * LABELS + label]
    };
    greedy_path(scores.emit.len(), f32::NEG_INFINITY, score, forced)
}

/// [`greedy`] over any scores that compare: `score(i, prev, label)` is token `i`'s score for
/// `label` after `prev`; ties go to the first label.
fn greedy_path<S: PartialOrd + Copy>(
    len: usize,
    lowest: S,
    score: impl Fn(usize, usize, usize) -> S,
    forced: Option<&[usize]>,
) -> Vec<usize> {
    let mut path = Vec::with_capacity(len);
    let mut prev = O;
    for i in 0..len {
        let mut best = (lowest, O);
        for label in 0..LABELS {
            if !allowed(prev, label) {
                continue;
            }
            let s = score(i, prev, label);
            if s > best.0 {
                best = (s, label);
            }
        }
        path.push(best.1);
        prev = match forced {
            Some(g) if g[i] != UNKNOWN => g[i],
            _ => best.1,
        };
    }
    path
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
            transitions: [0; TYPES * LABELS * LABELS],
            trained_on: Vec::new(),
            id: next_id(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Whether a text with this fingerprint was among the training data.
    pub fn trained_on(&self, fingerprint: u64) -> bool {
        self.trained_on.binary_search(&fingerprint).is_ok()
    }

    /// Records the fingerprints of the training texts.
    pub(crate) fn set_trained_on(&mut self, mut fingerprints: Vec<u64>) {
        fingerprints.sort_unstable();
        fingerprints.dedup();
        self.trained_on = fingerprints;
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The weights of one feature, a row of all types and labels.
    pub(crate) fn weights(&self, feature: u64) -> &[i8; WIDTH] {
        let r = row(feature) * WIDTH;
        self.weights[r..r + WIDTH]
            .try_into()
            .expect("rows are WIDTH long")
    }

    /// The word-specific transition weights of the word with this key, after each label.
    pub(crate) fn after(&self, word: u64) -> After {
        AFTER.map(|salt| *self.weights(word ^ salt))
    }

    /// Every token's scores from its full feature list, summed in integers: exact, since sums
    /// of bytes stay far below where `f32` rounds.
    #[cfg(test)]
    pub(crate) fn scores(&self, features: &[TokenFeatures]) -> (Vec<Emit>, Vec<After>) {
        features
            .iter()
            .map(|f| {
                let mut s = [0i32; WIDTH];
                for &x in &f.hashes {
                    add_row(&mut s, self.weights(x));
                }
                (s, self.after(f.word))
            })
            .unzip()
    }

    /// The entity spans of every type, indexed as [`EntityType::ALL`], from token scores.
    /// Decoding stays in integers: they are the sums the `f32` scores of training would hold
    /// exactly, so the paths are the same.
    pub(crate) fn decode(&self, emit: &[Emit], after: &[After]) -> [Vec<(usize, usize)>; TYPES] {
        EntityType::ALL.map(|kind| {
            let t = type_index(kind);
            let score = |i: usize, prev: usize, label: usize| {
                emit[i][t * LABELS + label]
                    + self.transitions[(t * LABELS + prev) * LABELS + label]
                    + i32::from(after[i][prev][t * LABELS + label])
            };
            spans(&greedy_path(emit.len(), i32::MIN, score, None))
        })
    }

    pub fn load(bytes: &[u8]) -> std::io::Result<Model> {
        let mut raw = Vec::new();
        flate2::read::DeflateDecoder::new(bytes).read_to_end(&mut raw)?;
        let bad =
            || std::io::Error::new(std::io::ErrorKind::InvalidData, "not a vestnik NER model");
        let head = MAGIC.len() + 4 * TYPES * LABELS * LABELS;
        let body = head + BUCKETS * WIDTH;
        // After the weights: the count of training fingerprints and the fingerprints.
        if raw.len() < body + 4 || &raw[..MAGIC.len()] != MAGIC {
            return Err(bad());
        }
        let mut transitions = [0i32; TYPES * LABELS * LABELS];
        for (k, chunk) in raw[MAGIC.len()..head].chunks_exact(4).enumerate() {
            transitions[k] = i32::from_le_bytes(chunk.try_into().map_err(|_| bad())?);
        }
        let weights = raw[head..body].iter().map(|&b| b as i8).collect();
        let count = u32::from_le_bytes(raw[body..body + 4].try_into().map_err(|_| bad())?);
        let tail = &raw[body + 4..];
        if tail.len() != count as usize * 8 {
            return Err(bad());
        }
        let trained_on = tail
            .chunks_exact(8)
            .map(|c| c.try_into().map(u64::from_le_bytes).map_err(|_| bad()))
            .collect::<std::io::Result<Vec<u64>>>()?;
        Ok(Model {
            weights,
            transitions,
            trained_on,
            id: next_id(),
        })
    }

    pub fn save(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut enc = flate2::write::DeflateEncoder::new(out, flate2::Compression::best());
        enc.write_all(MAGIC)?;
        for t in self.transitions {
            enc.write_all(&t.to_le_bytes())?;
        }
        let bytes: Vec<u8> = self.weights.iter().map(|&w| w as u8).collect();
        enc.write_all(&bytes)?;
        let count = u32::try_from(self.trained_on.len()).unwrap_or(u32::MAX);
        enc.write_all(&count.to_le_bytes())?;
        for f in self.trained_on.iter().take(count as usize) {
            enc.write_all(&f.to_le_bytes())?;
        }
        enc.finish()?;
        Ok(())
    }
}

/// One training example: token features and, per type, the gold label of each token.
pub(crate) struct Example {
    pub features: Vec<TokenFeatures>,
    pub gold: [Vec<usize>; 3],
}

impl Example {
    /// The example cut at the given token ranges.
    pub(crate) fn split(self, ranges: &[(usize, usize)]) -> Vec<Example> {
        ranges
            .iter()
            .map(|&(from, to)| Example {
                features: self.features[from..to].to_vec(),
                gold: self.gold.each_ref().map(|g| g[from..to].to_vec()),
            })
            .collect()
    }
}

/// Gold BIO labels for one type from its outermost spans, given in code points.
pub(crate) fn gold_labels(tokens: &[super::tokens::Token], spans: &[(usize, usize)]) -> Vec<usize> {
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

/// Weights being learned, with the running sums that averaging needs (the lazy-update trick:
/// each weight remembers when it last changed).
struct Averaged {
    w: Vec<f32>,
    total: Vec<f32>,
    stamp: Vec<u32>,
}

impl Averaged {
    fn new(n: usize) -> Averaged {
        Averaged {
            w: vec![0.0; n],
            total: vec![0.0; n],
            stamp: vec![0; n],
        }
    }

    fn add(&mut self, k: usize, delta: f32, clock: u32) {
        self.total[k] += (clock - self.stamp[k]) as f32 * self.w[k];
        self.stamp[k] = clock;
        self.w[k] += delta;
    }

    fn averaged(mut self, clock: u32) -> Vec<f32> {
        for k in 0..self.w.len() {
            self.total[k] += (clock - self.stamp[k]) as f32 * self.w[k];
            self.total[k] /= clock as f32;
        }
        self.total
    }
}

/// Trains an averaged perceptron over `examples` (sentences: it corrects itself after each)
/// for `epochs` passes, shuffling deterministically, and quantizes it.
pub(crate) fn train(
    examples: &[Example],
    epochs: usize,
    mut on_epoch: impl FnMut(usize, usize),
) -> Model {
    let mut table = Averaged::new(BUCKETS * WIDTH);
    let mut trans = Averaged::new(TYPES * LABELS * LABELS);
    let mut clock: u32 = 1;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
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
            let scores = score(&ex.features, |k| table.w[k]);
            for t in 0..TYPES {
                let gold = &ex.gold[t];
                // Teacher-forced: each token is judged given the gold label before it.
                let guess = greedy(
                    &scores,
                    t,
                    |prev, label| trans.w[(t * LABELS + prev) * LABELS + label],
                    Some(gold),
                );
                for i in 0..guess.len() {
                    let (truth, label) = (gold[i], guess[i]);
                    if truth == UNKNOWN || truth == label {
                        continue;
                    }
                    errors += 1;
                    let prev = match i {
                        0 => O,
                        _ if gold[i - 1] == UNKNOWN => guess[i - 1],
                        _ => gold[i - 1],
                    };
                    let f = &ex.features[i];
                    for (label, delta) in [(truth, 1.0), (label, -1.0)] {
                        for &x in &f.hashes {
                            table.add(row(x) * WIDTH + t * LABELS + label, delta, clock);
                        }
                        let after = row(f.word ^ AFTER[prev]) * WIDTH + t * LABELS + label;
                        table.add(after, delta, clock);
                        trans.add((t * LABELS + prev) * LABELS + label, delta, clock);
                    }
                }
            }
            clock += 1;
        }
        on_epoch(epoch, errors);
    }
    let table = table.averaged(clock);
    let trans = trans.averaged(clock);
    // Each type is decoded on its own, so each gets its own scale: one where nearly all of its
    // weights keep their resolution and only the rare largest saturate.
    let mut weights = vec![0i8; BUCKETS * WIDTH];
    let mut transitions = [0i32; TYPES * LABELS * LABELS];
    for t in 0..TYPES {
        let column = |r: usize| &table[r * WIDTH + t * LABELS..r * WIDTH + (t + 1) * LABELS];
        let mut mags: Vec<f32> = (0..BUCKETS)
            .flat_map(|r| column(r).iter().map(|x| x.abs()))
            .filter(|&x| x > 0.0)
            .collect();
        mags.sort_by(|a, b| a.total_cmp(b));
        let high = mags
            .get(mags.len().saturating_sub(1) * 998 / 1000)
            .copied()
            .unwrap_or(1.0)
            .max(1e-9);
        let scale = 100.0 / high;
        for r in 0..BUCKETS {
            for l in 0..LABELS {
                let k = r * WIDTH + t * LABELS + l;
                weights[k] = (table[k] * scale).round().clamp(-127.0, 127.0) as i8;
            }
        }
        for k in t * LABELS * LABELS..(t + 1) * LABELS * LABELS {
            transitions[k] = (trans[k] * scale).round() as i32;
        }
    }
    Model {
        weights,
        transitions,
        trained_on: Vec::new(),
        id: next_id(),
    }
}

/// A text's fingerprint for [`Extractor::trained_on`](super::Extractor::trained_on).
pub(crate) fn fingerprint(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_from_labels() {
        assert_eq!(spans(&[O, B, I, O, B, B, I]), vec![(1, 2), (4, 4), (5, 6)]);
    }

    #[test]
    fn greedy_decoding_follows_the_allowed_labels() {
        // I scores best at the first token, but nothing can be inside an entity that has not
        // begun; teacher-forced, the gold label before decides what is allowed.
        let mut emit = vec![[0f32; WIDTH]; 2];
        emit[0][I] = 10.0;
        emit[0][B] = 1.0;
        emit[1][I] = 5.0;
        let scores = Scores {
            emit,
            after: vec![[[0f32; WIDTH]; LABELS]; 2],
        };
        assert_eq!(greedy(&scores, 0, |_, _| 0.0, None), vec![B, I]);
        assert_eq!(greedy(&scores, 0, |_, _| 0.0, Some(&[O, O])), vec![B, O]);
    }
}
