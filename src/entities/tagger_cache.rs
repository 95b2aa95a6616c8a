//! Tagging an archive without hashing every feature of every token. A token's score is a sum of
//! weight rows, one per feature, and most of its features depend on one word alone: the word's
//! letters and analysis, or a neighbour's word and where it stands. So each word form's rows are
//! added up the first time a thread meets it, and every later token of that form reuses the
//! sums; only the features of a word with its neighbours are hashed per token. The sums are the
//! integers the full feature list gives (tested below), so the tags are the same, and
//! extraction costs a fraction of what it did.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use super::features::{self, Add, Hasher, Layout, Offset, Word, WordForm};
use super::morph::Morph;
use super::places::Place;
use super::tagger::{After, Emit, Model, WIDTH, add_row};
use super::tokens::Token;
use crate::sys::prefetch;

/// Word forms a thread keeps sums for before it starts afresh: enough for the working
/// vocabulary of an archive, at 128 bytes of sums a form besides the form itself.
const MAX_WORDS: usize = 1 << 18;
/// Sets of two slots for pairs of adjacent word forms, 32 bytes a slot, so a set is one cache
/// line: 16 MB a thread.
const PAIR_SET_BITS: u32 = 18;
/// Shape triples a thread keeps before it starts afresh.
const MAX_SHAPE_TRIPLES: usize = 1 << 16;

/// Sums of one feature group. A group has a few dozen features at most, so its sum of bytes
/// fits 16 bits, which halves the memory a form takes.
type Part = [i16; WIDTH];
/// One feature's weights.
type Row = [i8; WIDTH];

/// What one word form adds to the scores, wherever it stands: the part read for every token,
/// two cache lines, kept apart from the [`WordForm`] so that the lines a text's tokens read
/// are only these.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct WordScores {
    /// Its own features (the sentence-start ones are its shape's, in [`Cache::starts`]).
    own: Part,
    /// What it adds to the token it stands beside, by [`Offset::ALL`].
    beside: [Part; 4],
    after: After,
    /// Its shape's number in [`Cache::shapes`].
    shape: u32,
}

/// How many tokens ahead a loop asks for the memory it will read: far enough that the
/// fetches overlap, near enough that the lines are still cached when their turn comes.
const AHEAD: usize = 8;

/// At step `i` of a loop over `keys`, asks for what step `i + AHEAD` will read; at step 0, for
/// every step up to that one.
#[inline(always)]
fn prefetch_ahead<K: Copy>(keys: &[K], i: usize, fetch: impl Fn(K)) {
    let (from, count) = if i == 0 {
        (0, AHEAD + 1)
    } else {
        (i + AHEAD, 1)
    };
    keys.iter().skip(from).take(count).for_each(|&k| fetch(k));
}

const _: () = assert!(std::mem::size_of::<WordScores>() == 128, "two cache lines");

/// Word ids by the XXH3 hash of the form's text, in a table of fixed size probed linearly: unlike
/// a general map's, the slot a key starts from is known before the lookup, so it can be
/// prefetched.
struct Ids {
    /// (hash, id + 1); an id of 0 marks an empty slot.
    slots: Vec<(u64, u32)>,
}

/// Slots of [`Ids`]: twice [`MAX_WORDS`], so probes stay short.
const ID_SLOT_BITS: u32 = 19;
const _: () = assert!(1 << ID_SLOT_BITS >= 2 * MAX_WORDS);

impl Ids {
    fn new() -> Ids {
        Ids {
            slots: vec![(0, 0); 1 << ID_SLOT_BITS],
        }
    }

    fn clear(&mut self) {
        self.slots.fill((0, 0));
    }

    fn home(hash: u64) -> usize {
        // XXH3's bits are mixed already; the top ones choose the slot.
        (hash >> (64 - ID_SLOT_BITS)) as usize
    }

    fn prefetch(&self, hash: u64) {
        prefetch(&self.slots[Ids::home(hash)]);
    }

    fn get(&self, hash: u64) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut at = Ids::home(hash);
        loop {
            match self.slots[at] {
                (_, 0) => return None,
                (h, id) if h == hash => return Some(id as usize - 1),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Adds a hash [`Ids::get`] did not find. The table is never more than half full, so a
    /// probe always ends at an empty slot: it has twice [`MAX_WORDS`] slots, and
    /// [`Cache::scores`] forgets every word before a piece of text (at most [`MAX_PIECE`]
    /// tokens) could take their number past [`MAX_WORDS`].
    fn insert(&mut self, hash: u64, id: usize) {
        let mask = self.slots.len() - 1;
        let mut at = Ids::home(hash);
        while self.slots[at].1 != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = (hash, id as u32 + 1);
    }
}

/// Two slots in one cache line.
#[derive(Clone, Copy)]
#[repr(align(64))]
struct PairSet([PairSlot; 2]);

#[derive(Clone, Copy)]
struct PairSlot {
    /// The pair's [`pair_key`], or 0 for an empty slot.
    key: u64,
    rows: [Row; 2],
}

const EMPTY_PAIR: PairSlot = PairSlot {
    key: 0,
    rows: [[0; WIDTH]; 2],
};

/// Two word ids plus one (zero stands for either end of the text) as one number; never 0,
/// since a text has at least one word.
fn pair_key(first: u32, second: u32) -> u64 {
    u64::from(first) << 32 | u64::from(second)
}

fn pair_set(key: u64) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - PAIR_SET_BITS)) as usize
}

/// A word form as the cache keeps it once its sums are made: what the features of a word with
/// its neighbours and [`Layout`] read of it, without its dictionary analysis. The analysis
/// counts only in the form's own sums, and an analysis the shared morphology cache has no room
/// for is the form's own copy, a kilobyte or more: kept, the forms of a thread would hold one
/// for every distinct word it met past that cache's limit (on a file of 1,000,000 made-up
/// words, 350 MB a thread). Nothing below reads it: the sums equal the full features' (tested
/// below) with every neighbour's analysis absent.
struct Kept {
    lower: Box<str>,
    shape: Box<str>,
    gaz: Option<&'static str>,
    capital: bool,
    place: Option<Box<str>>,
    name: Option<u64>,
    marks: u8,
}

impl Kept {
    fn new(form: WordForm) -> Kept {
        Kept {
            lower: form.lower.into_boxed_str(),
            shape: form.shape.into_boxed_str(),
            gaz: form.gaz,
            capital: form.capital,
            place: form.place.map(String::into_boxed_str),
            name: form.name,
            marks: form.marks,
        }
    }

    fn word(&self) -> Word<'_> {
        Word {
            lower: &self.lower,
            shape: &self.shape,
            info: None,
            gaz: self.gaz,
            capital: self.capital,
            place: self.place.as_deref(),
            name: self.name,
            marks: self.marks,
        }
    }
}

/// One thread's sums for one model.
struct Cache {
    model: u64,
    /// Word forms by the XXH3 hash of their text: two forms of one archive sharing a 64-bit
    /// hash is too unlikely to plan for, and keys of one number are found without a second
    /// trip to memory to compare the text.
    ids: Ids,
    /// By id: each form, and what it adds.
    forms: Vec<Kept>,
    words: Vec<WordScores>,
    /// What the text's ends add, by [`Offset::ALL`]: the start before it, the end after it.
    edges: [Emit; 4],
    /// The sums of [`features::context`], by [`context_index`].
    contexts: Vec<Emit>,
    /// The sums of [`features::start`] by shape number, not starting and starting a
    /// sentence: few shapes are common, so this stays in cache.
    starts: Vec<[Emit; 2]>,
    /// What two adjacent words together add to the second and to the first, in the set of
    /// two slots chosen by the pair's [`pair_key`]; a new pair takes the first slot and moves
    /// its old occupant to the second. A table of fixed size needs no bound, and finding a
    /// slot is arithmetic, so the lookups of a whole article go to memory side by side.
    pairs: Vec<PairSet>,
    /// Shapes by number (the text's ends are 0 and 1), and the sums of [`features::shapes`]
    /// by the numbers of three shapes in a row.
    shapes: FxHashMap<Box<str>, u32>,
    shape_triples: FxHashMap<(u32, u32, u32), Row>,
    hasher: Hasher,
}

thread_local! {
    static CACHE: RefCell<Option<Cache>> = const { RefCell::new(None) };
}

/// The entity spans of every type in `tokens`, indexed as [`EntityType::ALL`](super::EntityType::ALL): those the
/// full features give, since the scores are the same.
///
/// An article longer than [`MAX_PIECE`] tokens is tagged piece by piece, cut after a sentence
/// where one ends near the limit, so that the word tables (sized for [`MAX_WORDS`]) never fill
/// and the work stays linear in the article's length whatever its size.
pub(crate) fn tag(model: &Model, tokens: &[Token], morph: &Morph) -> [Vec<(usize, usize)>; 3] {
    if model.is_empty() || tokens.is_empty() {
        return Default::default();
    }
    if tokens.len() <= MAX_PIECE {
        let (emit, after) = scores(model, tokens, morph);
        return model.decode(&emit, &after);
    }
    let mut out: [Vec<(usize, usize)>; 3] = Default::default();
    let mut start = 0;
    while start < tokens.len() {
        let end = piece_end(tokens, start);
        let (emit, after) = scores(model, &tokens[start..end], morph);
        for (all, spans) in out.iter_mut().zip(model.decode(&emit, &after)) {
            all.extend(spans.into_iter().map(|(a, b)| (a + start, b + start)));
        }
        start = end;
    }
    out
}

/// Most tokens tagged at once: well under [`MAX_WORDS`] and [`MAX_SHAPE_TRIPLES`], so one
/// piece always fits the tables after they are cleared.
const MAX_PIECE: usize = 1 << 15;
const _: () = assert!(MAX_PIECE * 2 <= MAX_WORDS && MAX_PIECE * 2 <= MAX_SHAPE_TRIPLES);

/// Where the piece starting at `start` ends: after the last sentence end (or line break) in
/// its second half, else at the limit (a text without sentences).
fn piece_end(tokens: &[Token], start: usize) -> usize {
    let limit = (start + MAX_PIECE).min(tokens.len());
    if limit == tokens.len() {
        return limit;
    }
    (start + MAX_PIECE / 2..limit)
        .rev()
        .find(|&i| {
            matches!(tokens[i].text, "." | "!" | "?" | "…")
                || tokens.get(i + 1).is_some_and(|t| t.after_break)
        })
        .map_or(limit, |i| i + 1)
}

fn scores(model: &Model, tokens: &[Token], morph: &Morph) -> (Vec<Emit>, Vec<After>) {
    CACHE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let cache = match slot.take() {
            Some(c) if c.model == model.id() => slot.insert(c),
            _ => slot.insert(Cache::new(model)),
        };
        cache.scores(model, tokens, morph)
    })
}

fn sum_part(model: &Model, hasher: &mut Hasher, group: impl FnOnce(&mut Add)) -> Part {
    to_part(sum_emit(model, hasher, group))
}

/// The weights of a group of one feature. Kept as the row itself, half the size of a sum:
/// these maps are large, and the smaller their entries the more of them stay in cache.
fn one_row(model: &Model, hasher: &mut Hasher, group: impl FnOnce(&mut Add)) -> Row {
    let mut feature = None;
    group(&mut |kind, parts| {
        debug_assert!(feature.is_none(), "a group of one feature");
        feature = Some(hasher.hash(kind, parts));
    });
    feature.map_or([0; WIDTH], |f| *model.weights(f))
}

fn to_part(sum: Emit) -> Part {
    sum.map(|v| v.clamp(i16::MIN.into(), i16::MAX.into()) as i16)
}

fn sum_emit(model: &Model, hasher: &mut Hasher, group: impl FnOnce(&mut Add)) -> Emit {
    // The group is hashed first and its rows fetched after: with every address known, the
    // fetches from the large table overlap instead of waiting on each other.
    let mut features = [0u64; 64];
    let mut n = 0;
    let mut sum = [0i32; WIDTH];
    group(&mut |kind, parts| {
        let h = hasher.hash(kind, parts);
        match features.get_mut(n) {
            Some(slot) => {
                *slot = h;
                n += 1;
            }
            None => add_row(&mut sum, model.weights(h)),
        }
    });
    for &f in &features[..n] {
        add_row(&mut sum, model.weights(f));
    }
    sum
}

fn add_part(sum: &mut Emit, part: &Part) {
    for k in 0..WIDTH {
        sum[k] += i32::from(part[k]);
    }
}

fn add_emit(sum: &mut Emit, other: &Emit) {
    for k in 0..WIDTH {
        sum[k] += other[k];
    }
}

const PLACES: [Place; 3] = [Place::Outside, Place::First, Place::Later];

fn context_index(quoted: bool, place: Place, starts: bool, evidence: u8) -> usize {
    let place = PLACES.iter().position(|&p| p == place).unwrap_or(0);
    (((usize::from(evidence) * 3 + place) * 2 + usize::from(starts)) * 2) + usize::from(quoted)
}

/// The text's ends never start a sentence: their start sums are never read.
fn end_starts() -> Vec<[Emit; 2]> {
    vec![[[0; WIDTH]; 2]; 2]
}

fn end_shapes() -> FxHashMap<Box<str>, u32> {
    [(Word::START.shape.into(), 0), (Word::END.shape.into(), 1)]
        .into_iter()
        .collect()
}

impl Cache {
    /// Starts afresh, keeping only what does not depend on words.
    fn forget_words(&mut self) {
        self.ids.clear();
        self.forms.clear();
        self.words.clear();
        self.pairs.fill(PairSet([EMPTY_PAIR; 2]));
        self.shapes = end_shapes();
        self.starts = end_starts();
        self.shape_triples.clear();
    }

    fn new(model: &Model) -> Cache {
        let mut hasher = Hasher::default();
        let edges = Offset::ALL.map(|at| {
            let end = if at.delta() < 0 {
                Word::START
            } else {
                Word::END
            };
            sum_emit(model, &mut hasher, |add| features::neighbour(at, end, add))
        });
        let mut contexts = vec![[0; WIDTH]; 64 * 3 * 2 * 2];
        for evidence in 0..64u8 {
            for place in PLACES {
                for starts in [false, true] {
                    for quoted in [false, true] {
                        contexts[context_index(quoted, place, starts, evidence)] =
                            sum_emit(model, &mut hasher, |add| {
                                features::context(quoted, place, starts, evidence, add)
                            });
                    }
                }
            }
        }
        Cache {
            model: model.id(),
            ids: Ids::new(),
            forms: Vec::with_capacity(1 << 15),
            words: Vec::with_capacity(1 << 15),
            edges,
            contexts,
            starts: end_starts(),
            pairs: vec![PairSet([EMPTY_PAIR; 2]); 1 << PAIR_SET_BITS],
            shapes: end_shapes(),
            shape_triples: FxHashMap::default(),
            hasher,
        }
    }

    /// The id of a token's word form, its sums made on first sight.
    fn id(&mut self, key: u64, text: &str, model: &Model, morph: &Morph) -> usize {
        if let Some(id) = self.ids.get(key) {
            return id;
        }
        let form = WordForm::new(text, morph);
        let w = form.word();
        let hasher = &mut self.hasher;
        let shape = match self.shapes.get(w.shape) {
            Some(&shape) => shape,
            None => {
                let shape = self.shapes.len() as u32;
                self.shapes.insert(w.shape.into(), shape);
                self.starts.push([false, true].map(|starts| {
                    sum_emit(model, hasher, |add| features::start(starts, w.shape, add))
                }));
                shape
            }
        };
        let own = to_part(sum_emit(model, hasher, |add| features::own(w, add)));
        let beside =
            Offset::ALL.map(|at| sum_part(model, hasher, |add| features::neighbour(at, w, add)));
        let after = model.after(features::word_key(hasher, w.lower));
        let scores = WordScores {
            own,
            beside,
            after,
            shape,
        };
        let id = self.words.len();
        self.forms.push(Kept::new(form));
        self.words.push(scores);
        self.ids.insert(key, id);
        id
    }

    fn scores(
        &mut self,
        model: &Model,
        tokens: &[Token],
        morph: &Morph,
    ) -> (Vec<Emit>, Vec<After>) {
        if self.words.len() + tokens.len() > MAX_WORDS
            || self.shape_triples.len() + tokens.len() > MAX_SHAPE_TRIPLES
        {
            self.forget_words();
        }
        let keys: Vec<u64> = tokens
            .iter()
            .map(|t| xxhash_rust::xxh3::xxh3_64(t.text.as_bytes()))
            .collect();
        let mut ids: Vec<usize> = Vec::with_capacity(tokens.len());
        for (i, t) in tokens.iter().enumerate() {
            prefetch_ahead(&keys, i, |key| self.ids.prefetch(key));
            ids.push(self.id(keys[i], t.text, model, morph));
        }
        let words: Vec<Word> = ids.iter().map(|&id| self.forms[id].word()).collect();
        let layout = Layout::new(tokens, &words);
        let n = tokens.len();
        let mut emit = Vec::with_capacity(n);
        let mut after = Vec::with_capacity(n);
        for i in 0..n {
            prefetch_ahead(&ids, i, |id| prefetch(&self.words[id]));
            let me = &self.words[ids[i]];
            let starts = layout.starts[i];
            let mut s = self.starts[me.shape as usize][usize::from(starts)];
            add_part(&mut s, &me.own);
            for (k, at) in Offset::ALL.iter().enumerate() {
                match i.checked_add_signed(at.delta()).filter(|&j| j < n) {
                    Some(j) => add_part(&mut s, &self.words[ids[j]].beside[k]),
                    None => add_emit(&mut s, &self.edges[k]),
                }
            }
            let context = context_index(
                layout.quoted[i],
                layout.places[i],
                starts,
                layout.evidence[i],
            );
            add_emit(&mut s, &self.contexts[context]);
            emit.push(s);
            after.push(me.after);
        }
        // Each pair of adjacent words, the text's ends included, adds to both its words.
        let number = |i: usize| {
            if i > 0 && i <= n {
                ids[i - 1] as u32 + 1
            } else {
                0
            }
        };
        let keys: Vec<u64> = (0..=n)
            .map(|i| pair_key(number(i), number(i + 1)))
            .collect();
        for (i, &key) in keys.iter().enumerate() {
            prefetch_ahead(&keys, i, |key| prefetch(&self.pairs[pair_set(key)]));
            let set = &mut self.pairs[pair_set(key)].0;
            let rows = if set[0].key == key {
                set[0].rows
            } else if set[1].key == key {
                set[1].rows
            } else {
                let (first, second) = (
                    features::word_at(&words, i, -1),
                    features::word_at(&words, i, 0),
                );
                let hasher = &mut self.hasher;
                let rows = [
                    one_row(model, hasher, |add| {
                        features::bigram_second(first, second, add)
                    }),
                    one_row(model, hasher, |add| {
                        features::bigram_first(first, second, add)
                    }),
                ];
                set[1] = set[0];
                set[0] = PairSlot { key, rows };
                rows
            };
            if i < n {
                add_row(&mut emit[i], &rows[0]);
            }
            if i > 0 {
                add_row(&mut emit[i - 1], &rows[1]);
            }
        }
        let shape = |i: isize| match i {
            i if i < 0 => 0,
            i if i as usize >= n => 1,
            i => self.words[ids[i as usize]].shape,
        };
        for (i, s) in emit.iter_mut().enumerate() {
            let key = (
                shape(i as isize - 1),
                shape(i as isize),
                shape(i as isize + 1),
            );
            let part = match self.shape_triples.get(&key) {
                Some(p) => *p,
                None => {
                    let hasher = &mut self.hasher;
                    let p = one_row(model, hasher, |add| {
                        features::shapes(
                            features::word_at(&words, i, -1),
                            words[i],
                            features::word_at(&words, i, 1),
                            add,
                        )
                    });
                    self.shape_triples.insert(key, p);
                    p
                }
            };
            add_row(s, &part);
        }
        (emit, after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cached sums equal the full features' sums on every token of every bundled article
    /// and of 200 of nerel-dev's, so tagging is unchanged by the cache.
    #[test]
    fn cached_sums_equal_the_full_features() {
        let model = super::super::Extractor::shipped()
            .model()
            .expect("the shipped model is in the binary");
        let morph = Morph::new();
        let mut texts: Vec<String> = Vec::new();
        let mut folders = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus"
        ))];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).expect("corpus is readable") {
                let path = entry.expect("corpus is readable").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "txt" || e == "md") {
                    texts.push(std::fs::read_to_string(path).expect("corpus is UTF-8"));
                }
            }
        }
        assert!(texts.len() > 20, "the bundled corpus is there");
        let ner = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/ner/nerel-dev.jsonl"
        );
        // The real news of ../shared, which every checkout has beside it: without it the test
        // fails rather than pass on the bundled corpus alone.
        let lines = std::fs::read_to_string(ner).unwrap_or_else(|e| {
            panic!("this test needs ../shared (the project's real data): {ner}: {e}")
        });
        for line in lines.lines().take(200) {
            let v: serde_json::Value = serde_json::from_str(line).expect("gold JSONL");
            texts.push(v["text"].as_str().unwrap_or_default().to_string());
        }
        // Three times: the second pass reads sums cached in the first, and the third starts
        // afresh after the cache forgets its words, as a thread does past its limits.
        for pass in 0..3 {
            if pass == 2 {
                CACHE.with(|c| c.borrow_mut().as_mut().map(Cache::forget_words));
            }
            for text in &texts {
                let tokens = super::super::tokens::tokenize(text);
                let full = model.scores(&features::token_features(&tokens, &morph));
                let opening: String = text.chars().take(60).collect();
                assert_eq!(
                    scores(model, &tokens, &morph),
                    full,
                    "pass {pass}: {opening}"
                );
            }
        }
    }
}
