//! The Russian analyzer, shared by indexing, query parsing and snippets so that a word
//! form typed in a query meets every form of it in the text.
//!
//! One pass per token: split on anything that is not a letter or digit (so "MICS-2024" and
//! "Zakon.kz" become two tokens each and are found whole as a phrase), lowercase, fold
//! `ё`→`е`, then stem by script: Russian Snowball for Cyrillic, English for Latin. Words that
//! carry Kazakh-only letters (қ ә ғ ү ұ і ң ө һ) are Kazakh, not Russian: the Russian stemmer
//! would cut their suffixes wrongly, so they are indexed unstemmed.
//!
//! Snowball leaves fleeting vowels alone ("ребенок" → "ребенок" but "ребенка" → "ребенк"), so
//! stems ending in consonant + "ок"/"ек"/"ец" drop that vowel. Both forms of a word pass through
//! the same rule, so a word whose vowel is not fleeting ("поток", "потока") still meets itself.

use std::sync::Arc;

use frostem::{Algorithm, Stemmer};
use tantivy::Index;
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Name under which the Russian analyzer is registered with tantivy.
pub const RUSSIAN: &str = "vestnik_ru";
/// Name of the analyzer for exact-but-case-insensitive values such as source names.
pub const KEYWORD: &str = "vestnik_keyword";
/// Name of the analyzer for entity names: the same words, lowercased and ё-folded, unstemmed.
pub const NAMES: &str = "vestnik_names";
/// Name of the analyzer of the `prefixes` field: each word's stem cut to [`PREFIX_LEN`]
/// letters (see [`prefix_of`]).
pub const PREFIXES: &str = "vestnik_prefixes";
/// Letters of a stem a relaxed query also ranks by: four, measured on XQuAD-ru (`vestnik
/// bench ir`) against the stems alone and the word's own first four letters.
pub const PREFIX_LEN: usize = 4;
/// Bumped whenever a change here changes the tokens an index holds.
pub const ANALYZER_VERSION: u32 = 2;

/// Registers vestnik's analyzers on an index; every index opened or created must go through it.
pub fn register(index: &Index) {
    let manager = index.tokenizers();
    manager.register(RUSSIAN, russian_analyzer());
    manager.register(NAMES, names_analyzer());
    manager.register(PREFIXES, prefix_analyzer());
    manager.register(
        KEYWORD,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// The Russian analyzer as a standalone `TextAnalyzer`.
pub fn russian_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(RussianTokenizer::default())
}

/// The names analyzer as a standalone `TextAnalyzer`.
pub fn names_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(RussianTokenizer {
        stem: false,
        ..RussianTokenizer::default()
    })
}

/// The analyzer of the `prefixes` field: the Russian analyzer's terms, each cut to its
/// [`prefix_of`].
pub fn prefix_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(RussianTokenizer {
        cut: true,
        ..RussianTokenizer::default()
    })
}

/// The first [`PREFIX_LEN`] letters of a stem; a number stays whole. A question rarely uses
/// the answer's own word: «строительство» meets «строить», «школьный» «школа» only by the
/// letters they begin with, which stemming alone keeps apart. Four letters are few enough to
/// join such words and many enough that the prefix still says something (its IDF does the
/// rest); a number cut short would join years and sums that have nothing in common.
pub fn prefix_of(stem: &str) -> &str {
    if stem.bytes().all(|b| b.is_ascii_digit()) {
        return stem;
    }
    match stem.char_indices().nth(PREFIX_LEN) {
        Some((end, _)) => &stem[..end],
        None => stem,
    }
}

/// The words of a name as the names analyzer indexes them.
pub fn name_terms(text: &str) -> Vec<String> {
    collect(names_analyzer(), text)
}

/// Analyzes `text` into its index terms; handy for tests and for callers that match terms
/// outside tantivy.
pub fn terms(text: &str) -> Vec<String> {
    collect(russian_analyzer(), text)
}

fn collect(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The tokenizer behind every analyzer of this module, as the module's doc describes it; for
/// snippets it stems only the words that could match a query's terms.
#[derive(Clone)]
pub struct RussianTokenizer {
    token: Token,
    russian: Stemmer,
    english: Stemmer,
    /// Off for names: entity fields hold dictionary forms already, and stemming would make
    /// "Карина" and "Карин" one term.
    stem: bool,
    /// When set, only words beginning like one of these are stemmed (see [`snippet_analyzer`]).
    prefixes: Option<Arc<[String]>>,
    /// Cut each term to its [`prefix_of`] (the `prefixes` field).
    cut: bool,
}

impl Default for RussianTokenizer {
    fn default() -> Self {
        RussianTokenizer {
            token: Token::default(),
            russian: Stemmer::new(Algorithm::Russian),
            english: Stemmer::new(Algorithm::English),
            stem: true,
            prefixes: None,
            cut: false,
        }
    }
}

/// The Russian analyzer for highlighting matches of `terms` (index terms of the body): it
/// stems only the words that could stem to one of them. Stemmers only change a word's end
/// (the fleeting-vowel rule its second-last letter, in stems of four letters or more), so a
/// word that does not start with a term's first two letters cannot become that term, and
/// leaving it unstemmed changes no highlight. Stemming is most of the cost of tokenizing, and
/// a page of hits is tokenized in full for its snippets.
pub fn snippet_analyzer(terms: &[String]) -> TextAnalyzer {
    let prefixes: Vec<String> = terms
        .iter()
        .map(|t| t.chars().take(2).collect::<String>())
        .collect();
    TextAnalyzer::from(RussianTokenizer {
        prefixes: Some(prefixes.into()),
        ..RussianTokenizer::default()
    })
}

/// The tokens of one text as [`RussianTokenizer`] cuts them, produced one at a time as tantivy
/// asks.
pub struct RussianTokenStream<'a> {
    text: &'a str,
    pos: usize,
    token: &'a mut Token,
    russian: &'a Stemmer,
    english: &'a Stemmer,
    stem: bool,
    prefixes: Option<&'a [String]>,
    cut: bool,
    word: String,
}

impl Tokenizer for RussianTokenizer {
    type TokenStream<'a> = RussianTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> RussianTokenStream<'a> {
        self.token.reset();
        RussianTokenStream {
            text,
            pos: 0,
            token: &mut self.token,
            russian: &self.russian,
            english: &self.english,
            stem: self.stem,
            prefixes: self.prefixes.as_deref(),
            cut: self.cut,
            word: String::new(),
        }
    }
}

/// Characters that continue a word without being letters themselves: combining marks (a
/// decomposed "й" or "ё") and the soft hyphen that word processors leave inside words.
fn is_word_joiner(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{00AD}')
}

fn is_kazakh_letter(c: char) -> bool {
    matches!(c, 'қ' | 'ә' | 'ғ' | 'ү' | 'ұ' | 'і' | 'ң' | 'ө' | 'һ')
}

/// Letters and digits, with the alphabets of the archive checked first: the general Unicode
/// lookup is slow for anything beyond ASCII, and this test runs on every character indexed
/// or highlighted.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        _ if c.is_ascii() => false,
        _ => c.is_alphanumeric(),
    }
}

/// `s.to_lowercase()`, without the general case tables for the Russian and ASCII letters that
/// make up nearly all of the text.
pub(crate) fn lowercase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'А'..='Я' => out.push(char::from_u32(c as u32 + 32).unwrap_or(c)),
            'Ё' => out.push('ё'),
            _ if c.is_ascii() || matches!(c, 'а'..='я' | 'ё') => out.push(c),
            // Σ lowercases by its position in the word: leave the rare cases to the library.
            _ => return s.to_lowercase(),
        }
    }
    out
}

/// "ребенок" → "ребенк", "отец" → "отц": the stem the oblique cases ("ребенка", "отца") have.
fn drop_fleeting_vowel(stem: &str) -> Option<String> {
    let mut rev = stem.chars().rev();
    let (last, v, c) = (rev.next()?, rev.next()?, rev.next()?);
    rev.next()?;
    let fleeting = matches!((v, last), ('о', 'к') | ('е', 'к') | ('е', 'ц'));
    if fleeting && is_russian_consonant(c) {
        // Both letters are two bytes in UTF-8.
        let cut = stem.len() - last.len_utf8() - v.len_utf8();
        let mut out = String::with_capacity(stem.len());
        out.push_str(&stem[..cut]);
        out.push(last);
        return Some(out);
    }
    None
}

fn is_russian_consonant(c: char) -> bool {
    "бвгджзйклмнпрстфхцчшщ".contains(c)
}

#[derive(PartialEq)]
enum Script {
    Cyrillic,
    Latin,
    Other,
}

/// Lowercases and folds one word into `out`, returning the script that decides its stemmer.
fn normalize(word: &str, out: &mut String) -> Script {
    out.clear();
    let (mut cyrillic, mut latin, mut kazakh) = (false, false, false);
    for c in word.chars() {
        match c {
            '\u{00AD}' => continue,
            // Combining breve and diaeresis: fold the decomposed "й" and "ё" into their letters.
            '\u{0306}' if out.ends_with('и') => {
                out.pop();
                out.push('й');
                continue;
            }
            '\u{0308}' if out.ends_with('е') => continue,
            '\u{0300}'..='\u{036F}' => continue,
            // The common letters, without the general case mapping's table lookups.
            'а'..='я' | 'ё' | 'Ё' | 'А'..='Я' => {
                cyrillic = true;
                out.push(match c {
                    'А'..='Я' => char::from_u32(c as u32 + 32).unwrap_or(c),
                    'ё' | 'Ё' => 'е',
                    _ => c,
                });
                continue;
            }
            'a'..='z' | '0'..='9' => {
                latin |= c.is_ascii_lowercase();
                out.push(c);
                continue;
            }
            _ => {}
        }
        for lc in c.to_lowercase() {
            let lc = if lc == 'ё' { 'е' } else { lc };
            if is_kazakh_letter(lc) {
                kazakh = true;
            }
            match lc {
                '\u{0400}'..='\u{04FF}' => cyrillic = true,
                'a'..='z' | '\u{00E0}'..='\u{024F}' => latin = true,
                _ => {}
            }
            out.push(lc);
        }
    }
    match (cyrillic, latin, kazakh) {
        (_, _, true) => Script::Other,
        (true, false, _) => Script::Cyrillic,
        (false, true, _) => Script::Latin,
        _ => Script::Other,
    }
}

impl TokenStream for RussianTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let bytes = self.text;
        let rest = &bytes[self.pos..];
        let Some((start_rel, _)) = rest.char_indices().find(|(_, c)| is_word_char(*c)) else {
            self.pos = bytes.len();
            return false;
        };
        let start = self.pos + start_rel;
        let end = bytes[start..]
            .char_indices()
            .find(|(_, c)| !(is_word_char(*c) || is_word_joiner(*c)))
            .map(|(i, _)| start + i)
            .unwrap_or(bytes.len());
        self.pos = end;
        let script = normalize(&bytes[start..end], &mut self.word);
        let unmatchable = self
            .prefixes
            .is_some_and(|p| !p.iter().any(|x| self.word.starts_with(x.as_str())));
        let stemmed = match script {
            _ if !self.stem || unmatchable => std::borrow::Cow::Borrowed(self.word.as_str()),
            Script::Cyrillic => {
                let stem = self.russian.stem(&self.word);
                match drop_fleeting_vowel(&stem) {
                    Some(folded) => std::borrow::Cow::Owned(folded),
                    None => stem,
                }
            }
            Script::Latin => self.english.stem(&self.word),
            Script::Other => std::borrow::Cow::Borrowed(self.word.as_str()),
        };
        self.token.text.clear();
        if self.cut {
            self.token.text.push_str(prefix_of(&stemmed));
        } else {
            self.token.text.push_str(&stemmed);
        }
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_analyzer_matches_where_the_full_one_does() {
        let text = "Ребёнок и дети: детей защищают; отца, отец, ребенка — MICS-2024 и Zakon.kz, \
                    правительство Правительства, ПРАВИТЕЛЬСТВЕННЫЙ Қазақстан";
        let query = terms("ребенок дети отец правительства mics kz қазақстан");
        let matches = |mut a: TextAnalyzer| {
            let mut out = Vec::new();
            let mut stream = a.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                out.push((t.offset_from, query.contains(&t.text)));
            }
            out
        };
        let full = matches(russian_analyzer());
        assert_eq!(matches(snippet_analyzer(&query)), full);
        assert!(full.iter().filter(|m| m.1).count() >= 10);
    }

    #[test]
    fn fast_paths_agree_with_unicode() {
        let mut out = String::new();
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
            if c.is_alphanumeric() && !is_word_joiner(c) {
                normalize(c.encode_utf8(&mut [0; 4]), &mut out);
                let want: String = c
                    .to_lowercase()
                    .map(|l| if l == 'ё' { 'е' } else { l })
                    .collect();
                assert_eq!(out, want, "{c:?}");
            }
        }
        for word in [
            "Ерлана",
            "ЁЛКА",
            "Zakon.KZ",
            "ΣΟΦΊΑ",
            "Қазақстан",
            "ÉCOLE",
            "İstanbul",
        ] {
            assert_eq!(lowercase(word), word.to_lowercase(), "{word}");
        }
        assert_eq!(drop_fleeting_vowel("ребенок").as_deref(), Some("ребенк"));
        assert_eq!(drop_fleeting_vowel("отец").as_deref(), Some("отц"));
        assert_eq!(drop_fleeting_vowel("поток").as_deref(), Some("потк"));
        assert_eq!(drop_fleeting_vowel("рок"), None);
        assert_eq!(drop_fleeting_vowel("ок"), None);
    }

    #[test]
    fn case_forms_share_a_stem() {
        assert_eq!(terms("защиты"), terms("защита"));
        assert_eq!(terms("детей"), terms("дети"));
        assert_eq!(terms("ребёнка"), terms("ребенка"));
        assert_eq!(terms("ребёнка"), terms("ребенок"));
        assert_eq!(terms("отца"), terms("отец"));
        assert_eq!(terms("потока"), terms("поток"));
    }

    #[test]
    fn prefixes_are_the_stems_cut_to_four_letters() {
        let prefixes = |t: &str| collect(prefix_analyzer(), t);
        assert_eq!(prefixes("строительство строить"), ["стро", "стро"]);
        assert_eq!(prefixes("Школьный школа"), ["школ", "школ"]);
        // Short stems stay whole, numbers are never cut, Kazakh words keep their letters.
        assert_eq!(
            prefixes("сад 2024 1500000 Қазақстан"),
            ["сад", "2024", "1500000", "қаза"]
        );
        // One prefix per term, at the term's position: the field's length is the body's.
        assert_eq!(
            prefixes("MICS-2024 и Zakon.kz").len(),
            terms("MICS-2024 и Zakon.kz").len()
        );
        assert_eq!(prefix_of("ребенк"), "ребе");
        assert_eq!(prefix_of("ё"), "ё");
    }

    #[test]
    fn compounds_split_into_parts() {
        assert_eq!(terms("MICS-2024"), terms("mics 2024"));
        assert_eq!(terms("MICS-2024").len(), 2);
        assert_eq!(terms("Zakon.kz"), vec!["zakon", "kz"]);
    }

    #[test]
    fn kazakh_letters_stay_inside_words() {
        assert_eq!(terms("Қазақстан балалары"), vec!["қазақстан", "балалар"]);
        assert_eq!(terms("Қазақстан").len(), 1);
    }

    #[test]
    fn decomposed_letters_fold() {
        assert_eq!(terms("прое\u{0308}м"), terms("проем"));
        assert_eq!(terms("и\u{0306}од"), terms("йод"));
    }
}
