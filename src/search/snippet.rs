//! Snippets people can read: tantivy picks the best-scoring fragment, which starts at the first
//! matched word; this widens it back to the start of its sentence (or a little context), folds
//! line breaks into spaces and marks cut ends with "…", keeping highlight offsets exact.

use std::ops::Range;

/// Characters of context kept before the first highlighted word when no sentence starts nearer.
const CONTEXT_CHARS: usize = 60;

/// A snippet and its highlights as `[start, end)` code-point offsets into it.
pub(crate) struct Snippet {
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
}

/// Renders `text[fragment]`, widened to the left, with `highlighted` (byte ranges relative to
/// the fragment, as tantivy gives them).
pub(crate) fn render(text: &str, fragment: Range<usize>, highlighted: &[Range<usize>]) -> Snippet {
    let start = widen_start(text, fragment.start);
    let end = fragment.end.min(text.len());
    let marks: Vec<(usize, usize)> = highlighted
        .iter()
        .map(|r| (r.start + fragment.start, r.end + fragment.start))
        .collect();
    let mut highlights = vec![[0usize; 2]; marks.len()];
    let mut out = String::new();
    let mut n = 0usize;
    if start > 0 {
        out.push('…');
        n += 1;
    }
    let mut last_space = true;
    for (i, c) in text[start..end].char_indices() {
        let at = start + i;
        for (k, &(s, e)) in marks.iter().enumerate() {
            if s == at {
                highlights[k][0] = n;
            }
            if e == at {
                highlights[k][1] = n;
            }
        }
        if c.is_whitespace() {
            if last_space {
                continue;
            }
            out.push(' ');
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
        n += 1;
    }
    for (k, &(_, e)) in marks.iter().enumerate() {
        if e >= end {
            highlights[k][1] = n;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    if end < text.len() && !text[end..].trim().is_empty() {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights,
    }
}

/// The opening of a text up to `max_chars`, cut at a word, for hits that matched no body word.
pub(crate) fn lead(text: &str, max_chars: usize) -> Snippet {
    let end = match text.char_indices().nth(max_chars) {
        None => text.len(),
        Some((i, _)) => text[..i].rfind(char::is_whitespace).unwrap_or(i),
    };
    render(text, 0..end, &[])
}

/// Where a snippet whose first match is at `at` should start: the start of that sentence if it
/// is near, otherwise a word boundary about `CONTEXT_CHARS` back.
fn widen_start(text: &str, at: usize) -> usize {
    let window_start = text[..at]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let window = &text[window_start..at];
    let mut sentence = None;
    let mut prev = ' ';
    for (i, c) in window.char_indices() {
        if prev == '\n' || matches!(prev, '.' | '!' | '?' | '…') && c.is_whitespace() {
            sentence = Some(window_start + i);
        }
        prev = c;
    }
    let start = match sentence {
        Some(s) => s,
        None if window_start == 0 => 0,
        None => window
            .find(char::is_whitespace)
            .map_or(at, |i| window_start + i),
    };
    start + text[start..at].len() - text[start..at].trim_start().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &Snippet) -> String {
        let chars: Vec<char> = s.text.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        for [a, b] in &s.highlights {
            out.extend(&chars[at..*a]);
            out.push('[');
            out.extend(&chars[*a..*b]);
            out.push(']');
            at = *b;
        }
        out.extend(&chars[at..]);
        out
    }

    #[test]
    fn widens_to_the_sentence_and_keeps_offsets() {
        let text = "Первое предложение. Второе про\nзащиту детей здесь. Третье.";
        let at = text.find("защиту").unwrap();
        let end = text.find(" здесь").unwrap();
        let s = render(
            text,
            at..end,
            &[0.."защиту".len(), "защиту ".len().."защиту детей".len()],
        );
        assert_eq!(marked(&s), "…Второе про [защиту] [детей]…");
    }

    #[test]
    fn long_context_is_cut_at_a_word() {
        let text = format!("{} слово", "очень длинный текст без точек ".repeat(10));
        let at = text.find("слово").unwrap();
        let word = 0.."слово".len();
        let s = render(&text, at..text.len(), std::slice::from_ref(&word));
        assert!(s.text.starts_with('…') && !s.text.starts_with("… "));
        assert!(s.text.chars().count() <= CONTEXT_CHARS + "слово".len() + 2);
        assert!(marked(&s).ends_with("[слово]"));
    }

    #[test]
    fn lead_cuts_at_words() {
        assert_eq!(lead("один два три", 7).text, "один…");
        assert_eq!(lead("коротко", 50).text, "коротко");
        assert_eq!(lead("строка\n\nвторая", 50).text, "строка вторая");
    }
}
