//! Exports of the archive to a distributed engine, so that archives past one machine keep
//! vestnik's Russian analysis and entities while another engine stores and distributes them.
//!
//! The articles are written with vestnik's analysis already applied: each word of the title
//! and body becomes the key of its index term ([`word_key`]), and the engine indexes those keys
//! as they are, without morphology of its own. So a query analyzed by vestnik and turned into
//! keys the same way matches exactly the articles the local index matches, whatever the
//! engine's own tokenizer makes of Cyrillic, Kazakh letters or hyphens.

pub mod documents;
pub mod sphinx;

use tantivy::tokenizer::TextAnalyzer;

/// The engine-side key of one body term: [`field_key`] with the body's letter.
pub fn word_key(term: &str) -> String {
    field_key(Keyed::Body, term)
}

/// Which field a key is for. Each field's terms get keys of their own, so that the engine
/// counts a term's documents per field, as tantivy's BM25 does: a word that 50 headlines and
/// 2,000 bodies hold weighs far more in a headline, and one shared key would give both the
/// body's weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyed {
    /// Titles as stored, which `title:` searches.
    Title,
    /// Headlines, which words without a field search and which rank above the body.
    Headline,
    /// Bodies.
    Body,
    /// The prefixes of headline and body words (`analysis::prefix_of`), which relaxed
    /// queries rank by, as the local `prefixes` field.
    Prefix,
    /// An entity name, whole (not analyzed), as the local `person`, `org` and `loc` fields
    /// hold it.
    Name(crate::entities::EntityType),
    /// An article's id, which finds it (`sphinx::id_key`).
    Id,
    /// A release group, which finds its articles (`sphinx::group_key`).
    Group,
}

impl Keyed {
    /// The key's first letter; never `w` alone, the gap filler.
    fn letter(self) -> char {
        use crate::entities::EntityType;
        match self {
            Keyed::Title => 't',
            Keyed::Headline => 'h',
            Keyed::Body => 'w',
            Keyed::Prefix => 'x',
            Keyed::Name(EntityType::Per) => 'p',
            Keyed::Name(EntityType::Org) => 'o',
            Keyed::Name(EntityType::Loc) => 'l',
            Keyed::Id => 'v',
            Keyed::Group => 'g',
        }
    }
}

/// The engine-side key of one index term of a field: the field's letter and the base-36
/// FNV-1a hash of the term's UTF-8 bytes, at most 14 ASCII letters and digits. A hash rather
/// than the term itself, because engines cap a word's length (Sphinx at 42 bytes, which a
/// long Russian stem hex-encoded passes) and split words on characters outside their
/// alphabet; 64 bits keep collisions unlikely far past any archive's vocabulary (about one
/// in 10^7 for a million distinct terms).
pub fn field_key(field: Keyed, term: &str) -> String {
    let mut hash = fnv1a(term);
    let mut digits = Vec::with_capacity(13);
    loop {
        let d = (hash % 36) as u8;
        digits.push(if d < 10 { b'0' + d } else { b'a' + d - 10 });
        hash /= 36;
        if hash == 0 {
            break;
        }
    }
    let mut key = String::with_capacity(digits.len() + 1);
    key.push(field.letter());
    key.extend(digits.iter().rev().map(|&d| char::from(d)));
    key
}

/// 64-bit FNV-1a of a string's UTF-8 bytes: stable across runs, platforms and versions, as
/// the exported files and the queries made later must agree.
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The engine-side key of a source: the FNV-1a hash of the name as the local index matches
/// it (lowercased, whole), as a signed 64-bit attribute; never 0, which stands for none. A
/// number rather than the name, so that a filter is an integer comparison (string filters
/// in Sphinx 2.2 fold only ASCII case) and no user text is ever put into a query.
pub fn source_key(source: &str) -> i64 {
    source_id(&source.to_lowercase())
}

/// The engine-side key of a source as it is spelled (not lowercased, unlike [`source_key`]),
/// never 0: what the source facet groups by, as the local facet counts each spelling apart,
/// and an integer groups ten times faster than the string in Sphinx 2.2.
pub fn source_id(source: &str) -> i64 {
    let key = fnv1a(source) as i64;
    if key == 0 { 1 } else { key }
}

/// `text` as vestnik's Russian analyzer reads it, each term as its body key ([`word_key`]),
/// separated by single spaces: the words an engine indexes for a field. Where the analyzer
/// leaves a gap in positions, a filler word ([`GAP`]) keeps the gap, so that phrases match
/// across it exactly as they do locally.
pub fn analyzed_keys(analyzer: &mut TextAnalyzer, text: &str) -> String {
    let mut out = String::new();
    analyzed_keys_into(analyzer, text, Keyed::Body, &mut out);
    out
}

/// [`analyzed_keys`] with the keys of `field`, appended to `out` (after a space when it is
/// not empty); returns the number of terms, which is what tantivy counts as the field's
/// length for BM25 (gap fillers are not terms).
pub fn analyzed_keys_into(
    analyzer: &mut TextAnalyzer,
    text: &str,
    field: Keyed,
    out: &mut String,
) -> u64 {
    keys_and_prefixes_into(analyzer, text, field, out, None)
}

/// [`analyzed_keys_into`], also appending to `prefixes` the [`Keyed::Prefix`] key of every
/// term (one per term, no gap fillers: prefixes rank, no phrase reads them), from the same
/// pass over the text.
pub fn analyzed_keys_with_prefixes(
    analyzer: &mut TextAnalyzer,
    text: &str,
    field: Keyed,
    out: &mut String,
    prefixes: &mut String,
) -> u64 {
    keys_and_prefixes_into(analyzer, text, field, out, Some(prefixes))
}

fn keys_and_prefixes_into(
    analyzer: &mut TextAnalyzer,
    text: &str,
    field: Keyed,
    out: &mut String,
    mut prefixes: Option<&mut String>,
) -> u64 {
    let mut stream = analyzer.token_stream(text);
    let mut next = None;
    let mut terms = 0;
    while stream.advance() {
        let token = stream.token();
        if let Some(p) = prefixes.as_deref_mut() {
            push_word(
                p,
                &field_key(Keyed::Prefix, crate::analysis::prefix_of(&token.text)),
            );
        }
        let from = next.unwrap_or(token.position);
        if token.position < from {
            // A second term at the same position: engines index one word per position.
            continue;
        }
        for _ in from..token.position {
            push_word(out, GAP);
        }
        push_word(out, &field_key(field, &token.text));
        terms += 1;
        next = Some(token.position + 1);
    }
    terms
}

/// The filler of a gap in positions: no term's key, as every key has a digit or letter after
/// the `w`.
pub const GAP: &str = "w";

/// Appends a word, after a space unless it starts the text or a TSV cell.
fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() && !out.ends_with('\t') {
        out.push(' ');
    }
    out.push_str(word);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_ascii_and_tell_terms_apart() {
        let long = "x".repeat(500);
        let terms = ["школ", "школа", "ә", "аль-каид", "", long.as_str()];
        let keys: Vec<String> = terms.iter().map(|t| word_key(t)).collect();
        for k in &keys {
            assert!(k.len() <= 14 && k.starts_with('w'), "{k}");
            assert!(
                k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                "{k}"
            );
        }
        let distinct: std::collections::BTreeSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len());
        // Stable across runs and versions: the exported files and the queries must agree.
        assert_eq!(word_key("школ"), word_key("школ"));
    }

    #[test]
    fn forms_of_a_word_share_their_keys() {
        let mut a = crate::analysis::russian_analyzer();
        let mut keys = |t: &str| analyzed_keys(&mut a, t);
        assert_eq!(keys("школы"), keys("Школа"));
        assert_eq!(keys("ёлка"), keys("елка"));
        assert_eq!(keys("новые школы").split(' ').count(), 2);
        assert_ne!(keys("школы"), keys("шкафы"));
        assert_eq!(keys(""), "");
    }

    #[test]
    fn each_field_has_its_own_keys_and_lengths_count_terms() {
        use crate::entities::EntityType;
        let fields = [
            Keyed::Title,
            Keyed::Headline,
            Keyed::Body,
            Keyed::Prefix,
            Keyed::Name(EntityType::Per),
            Keyed::Name(EntityType::Org),
            Keyed::Name(EntityType::Loc),
            Keyed::Id,
            Keyed::Group,
        ];
        let keys: std::collections::BTreeSet<String> =
            fields.iter().map(|f| field_key(*f, "школ")).collect();
        assert_eq!(keys.len(), fields.len());
        assert_eq!(field_key(Keyed::Body, "школ"), word_key("школ"));
        for k in &keys {
            assert_ne!(k, GAP);
        }

        let mut a = crate::analysis::russian_analyzer();
        let mut out = String::from("1\t");
        let terms = analyzed_keys_into(&mut a, "Новые школы Алматы", Keyed::Headline, &mut out);
        assert_eq!(terms, 3);
        // A cell starts without a space; every key is the headline's.
        let cell = out.strip_prefix("1\t").unwrap();
        assert!(!cell.starts_with(' '), "{out}");
        assert!(cell.split(' ').all(|k| k.starts_with('h')), "{out}");
    }
}
