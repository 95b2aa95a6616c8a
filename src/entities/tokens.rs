//! Tokens for entity tagging: words (with inner hyphens and apostrophes, so "Усть-Каменогорск"
//! and "Самрук-Казына" stay whole) and single punctuation marks, with code-point offsets, since
//! gold annotation and every front end count in code points.

use crate::analysis::is_word_char;

#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub text: &'a str,
    /// Byte offsets into the text.
    pub start_byte: usize,
    pub end_byte: usize,
    /// Code-point offsets into the text.
    pub start: usize,
    pub end: usize,
    /// A line break separates this token from the previous one.
    pub after_break: bool,
}

pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(text.len() / 8);
    let mut chars = text.char_indices().peekable();
    // The code-point offset of the next character `chars` yields.
    let mut at = 0;
    let mut saw_break = true;
    while let Some((b, c)) = chars.next() {
        let start = at;
        at += 1;
        // Word characters first: they are most of the text, and never whitespace.
        let word = is_word_char(c);
        if !word && c.is_whitespace() {
            if c == '\n' {
                saw_break = true;
            }
            continue;
        }
        if word {
            let mut last = c;
            while let Some(&(nb, nc)) = chars.peek() {
                let joins = matches!(nc, '-' | '\'' | '’' | '\u{AD}')
                    && is_word_char(last)
                    && text[nb + nc.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(is_word_char);
                if !(is_word_char(nc) || is_mark(nc) || joins) {
                    break;
                }
                chars.next();
                at += 1;
                last = nc;
            }
        }
        let end_byte = chars.peek().map_or(text.len(), |x| x.0);
        out.push(Token {
            text: &text[b..end_byte],
            start_byte: b,
            end_byte,
            start,
            end: at,
            after_break: saw_break,
        });
        saw_break = false;
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// The span's text with whitespace as in the text, collapsed to single spaces.
pub(crate) fn join(span: &[Token]) -> String {
    join_with(span, |t| t.text.to_string())
}

/// The span's words, each spelled by `word`, with one space wherever the text had whitespace.
pub(crate) fn join_with(span: &[Token], mut word: impl FnMut(&Token) -> String) -> String {
    let mut out = String::new();
    for (i, t) in span.iter().enumerate() {
        if i > 0 && t.start > span[i - 1].end {
            out.push(' ');
        }
        out.push_str(&word(t));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_punctuation_and_offsets() {
        let t = tokenize("В Усть-Каменогорске «Самрук-Казына», ЮНИСЕФ.\nЕщё");
        let words: Vec<&str> = t.iter().map(|t| t.text).collect();
        assert_eq!(
            words,
            [
                "В",
                "Усть-Каменогорске",
                "«",
                "Самрук-Казына",
                "»",
                ",",
                "ЮНИСЕФ",
                ".",
                "Ещё"
            ]
        );
        assert_eq!((t[1].start, t[1].end), (2, 19));
        assert!(t[0].after_break && t[8].after_break && !t[1].after_break);
    }
}
