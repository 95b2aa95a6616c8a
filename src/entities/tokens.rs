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
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut saw_break = true;
    while i < chars.len() {
        let (b, c) = chars[i];
        // Word characters first: they are most of the text, and never whitespace.
        let word = is_word_char(c);
        if !word && c.is_whitespace() {
            if c == '\n' {
                saw_break = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        if word {
            i += 1;
            while i < chars.len() {
                let c = chars[i].1;
                let joins = matches!(c, '-' | '\'' | '’' | '\u{AD}')
                    && chars.get(i + 1).is_some_and(|n| is_word_char(n.1))
                    && is_word_char(chars[i - 1].1);
                if is_word_char(c) || is_mark(c) || joins {
                    i += 1;
                } else {
                    break;
                }
            }
        } else {
            i += 1;
        }
        let end_byte = chars.get(i).map_or(text.len(), |x| x.0);
        out.push(Token {
            text: &text[b..end_byte],
            start_byte: b,
            end_byte,
            start,
            end: i,
            after_break: saw_break,
        });
        saw_break = false;
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
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
