//! Answers a thread remembers: an archive names the same people and organizations in the same
//! words again and again, and working out a mention's dictionary form or canonical name takes
//! several dictionary lookups and string builds each time.

use rustc_hash::FxHashMap;

/// Answers a thread keeps before it starts afresh.
const LIMIT: usize = 1 << 17;

/// Answers by the hash of what they depend on, valid for one version of their source (an alias
/// table); asked under another version, the memo starts afresh.
#[derive(Default)]
pub(crate) struct Memo<V> {
    version: u64,
    answers: FxHashMap<u64, V>,
}

impl<V: Clone> Memo<V> {
    pub fn get_or(&mut self, version: u64, key: u64, compute: impl FnOnce() -> V) -> V {
        if self.version != version || self.answers.len() >= LIMIT {
            self.version = version;
            self.answers.clear();
        }
        self.answers.entry(key).or_insert_with(compute).clone()
    }
}

/// The key of an answer: XXH3 of its inputs, each followed by a separator no text contains.
pub(crate) fn key(parts: &[&[u8]]) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in parts {
        h.update(p);
        h.update(&[0x1f]);
    }
    h.digest()
}
