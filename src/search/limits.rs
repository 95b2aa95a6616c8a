//! What one request may ask of the engine, checked before any of it runs: how deep a query
//! nests, how many terms and phrases it holds, how long a phrase and how loose its slop, and
//! how far a page reaches. Each limit is far above what a person types and far below what
//! would exhaust the stack, the memory or the time of a search; past one, the request is a
//! user's mistake (exit 2, HTTP 400) with the limit named.

use tantivy::query_grammar::{UserInputAst, UserInputLeaf, UserInputLiteral};

use super::{SearchError, SearchRequest};

/// Deepest nesting of parentheses and `NOT`s. tantivy's grammar and the passes over its tree
/// recurse once per level: 12,000 levels overflowed the stack.
pub const MAX_NESTING: usize = 32;
/// Most terms and phrases a query may hold, as Lucene's `maxClauseCount` bounds a query.
pub const MAX_CLAUSES: usize = 1024;
/// Most words in one phrase.
pub const MAX_PHRASE_WORDS: usize = 32;
/// Loosest phrase slop (`"a b"~N`): beyond it a phrase means "anywhere in the article",
/// which `a AND b` says directly.
pub const MAX_SLOP: u32 = 100;
/// Most hits a page may hold, and the deepest page.
pub const MAX_LIMIT: usize = 100_000;
/// The deepest offset a page may start at.
pub const MAX_OFFSET: usize = 1_000_000;

/// Longest excerpt of a query quoted in a message, in characters.
const QUOTED_CHARS: usize = 40;

/// The page a request asks for is within the maxima.
pub(crate) fn check_page(req: &SearchRequest) -> Result<(), SearchError> {
    if req.limit > MAX_LIMIT {
        return Err(SearchError::Query(format!(
            "the limit is {}; at most {MAX_LIMIT} hits fit a page",
            req.limit
        )));
    }
    if req.offset > MAX_OFFSET {
        return Err(SearchError::Query(format!(
            "the offset is {}; pages reach at most {MAX_OFFSET} hits deep",
            req.offset
        )));
    }
    Ok(())
}

/// Byte ranges of `text` inside quotes (`"..."` or `'...'`, with `\` escaping), as tantivy's
/// grammar reads them; an unclosed quote runs to the end.
pub(crate) fn quoted_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut chars = text.char_indices();
    while let Some((start, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' | '\'' => {
                let mut end = text.len();
                while let Some((i, d)) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == c {
                        end = i + 1;
                        break;
                    }
                }
                spans.push(start..end);
            }
            _ => {}
        }
    }
    spans
}

/// The query text nests at most [`MAX_NESTING`] levels: each `(` is one, and so is each `NOT`
/// still waiting for its operand (`NOT NOT NOT a` nests three deep). Checked on the text
/// because parsing is what overflows.
pub(crate) fn check_nesting(text: &str) -> Result<(), SearchError> {
    let too_deep = || {
        SearchError::Query(format!(
            "the query nests deeper than {MAX_NESTING} levels of parentheses and NOTs"
        ))
    };
    let mut quoted = quoted_spans(text).into_iter().peekable();
    let mut open: Vec<usize> = Vec::new();
    let mut depth = 0;
    let mut pending_nots = 0;
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if quoted.peek().is_some_and(|s| s.start == i) {
            i = quoted.next().map_or(text.len(), |s| s.end);
            pending_nots = 0;
            continue;
        }
        match c {
            '(' => {
                let levels = 1 + pending_nots;
                pending_nots = 0;
                depth += levels;
                open.push(levels);
                if depth > MAX_NESTING {
                    return Err(too_deep());
                }
                i += 1;
            }
            ')' => {
                depth -= open.pop().unwrap_or(0);
                pending_nots = 0;
                i += 1;
            }
            c if c.is_whitespace() => i += c.len_utf8(),
            _ => {
                // A word, up to what ends one; `\(` and `\"` belong to it.
                let mut end = i;
                let mut chars = text[i..].chars();
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        end += 1 + chars.next().map_or(0, char::len_utf8);
                    } else if d.is_whitespace() || matches!(d, '(' | ')' | '"' | '\'') {
                        break;
                    } else {
                        end += d.len_utf8();
                    }
                }
                if end == i {
                    end = i + c.len_utf8();
                }
                if &text[i..end] == "NOT" && text[end..].starts_with(char::is_whitespace) {
                    pending_nots += 1;
                    if depth + pending_nots > MAX_NESTING {
                        return Err(too_deep());
                    }
                } else {
                    pending_nots = 0;
                }
                // Skip the quoted spans the word's escapes made text.
                while quoted.peek().is_some_and(|s| s.start < end) {
                    quoted.next();
                }
                i = end;
            }
        }
    }
    Ok(())
}

/// Checks the parsed query's size: its clause count, each phrase's words (`words` tokenizes a
/// literal's text as its field does, `None` for a field whose values are not split), and its
/// slops.
pub(crate) fn check_query(
    ast: &UserInputAst,
    words: &mut dyn FnMut(&UserInputLiteral) -> Option<usize>,
) -> Result<(), SearchError> {
    let mut clauses = 0;
    check_leaves(ast, words, &mut clauses)?;
    if clauses > MAX_CLAUSES {
        return Err(SearchError::Query(format!(
            "the query holds {clauses} terms and phrases; at most {MAX_CLAUSES} are allowed"
        )));
    }
    Ok(())
}

fn check_leaves(
    ast: &UserInputAst,
    words: &mut dyn FnMut(&UserInputLiteral) -> Option<usize>,
    clauses: &mut usize,
) -> Result<(), SearchError> {
    match ast {
        UserInputAst::Clause(items) => {
            for (_, sub) in items {
                check_leaves(sub, words, clauses)?;
            }
        }
        UserInputAst::Boost(inner, _) => check_leaves(inner, words, clauses)?,
        UserInputAst::Leaf(leaf) => {
            *clauses += 1;
            match leaf.as_ref() {
                UserInputLeaf::Literal(literal) => check_literal(literal, words)?,
                UserInputLeaf::Set { elements, .. } => *clauses += elements.len(),
                _ => {}
            }
        }
    }
    Ok(())
}

fn check_literal(
    literal: &UserInputLiteral,
    words: &mut dyn FnMut(&UserInputLiteral) -> Option<usize>,
) -> Result<(), SearchError> {
    if literal.slop > MAX_SLOP {
        return Err(SearchError::Query(format!(
            "the slop of \"{}\"~{} is over {MAX_SLOP} (for words anywhere in an article, join them with AND)",
            excerpt(&literal.phrase),
            literal.slop
        )));
    }
    if let Some(n) = words(literal)
        && n > MAX_PHRASE_WORDS
    {
        return Err(SearchError::Query(format!(
            "the phrase \"{}\" has {n} words; a phrase may have at most {MAX_PHRASE_WORDS}",
            excerpt(&literal.phrase)
        )));
    }
    Ok(())
}

/// What a user typed, as a message quotes it: its start, on one line (control characters
/// escaped, so that a newline in a query cannot break the error line in two).
pub(crate) fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(QUOTED_CHARS).collect();
    let more = if cut.len() < text.len() { "…" } else { "" };
    format!("{}{more}", one_line(cut.trim_end()))
}

/// `text` with its control characters escaped (`\n`, `\u{7}`).
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nesting(text: &str) -> bool {
        check_nesting(text).is_ok()
    }

    #[test]
    fn nesting_counts_parentheses_and_nots_outside_quotes() {
        let deep = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert!(nesting(&deep(MAX_NESTING)));
        assert!(!nesting(&deep(MAX_NESTING + 1)));
        assert!(!nesting(&deep(12_000)));
        // Groups side by side do not nest.
        assert!(nesting(&"(a OR b) ".repeat(1000)));
        assert!(nesting(&format!("{}a", "NOT ".repeat(MAX_NESTING))));
        assert!(!nesting(&format!("{}a", "NOT ".repeat(MAX_NESTING + 1))));
        assert!(!nesting(&format!("{}a", "NOT (".repeat(20))));
        // NOTs that each take their own word do not nest.
        assert!(nesting(&"a NOT b ".repeat(100)));
        // Quoted and escaped parentheses are text.
        assert!(nesting(&format!("\"{}\"", "(".repeat(100))));
        assert!(nesting(&format!("'{}'", "(".repeat(100))));
        assert!(nesting(&"\\(".repeat(100)));
        assert!(nesting("NOTE ( NOTHING )"));
    }

    #[test]
    fn quotes_are_found_as_the_grammar_reads_them() {
        let text = r#"a "b \" c" 'd' "e"#;
        let spans: Vec<&str> = quoted_spans(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(spans, [r#""b \" c""#, "'d'", "\"e"]);
    }

    #[test]
    fn queries_are_checked_for_size() {
        let check = |q: &str| {
            let ast = tantivy::query_grammar::parse_query(q).unwrap();
            check_query(&ast, &mut |l| Some(l.phrase.split_whitespace().count()))
        };
        assert!(check("\"a b\"~100").is_ok());
        let err = check("\"a b\"~101").unwrap_err().to_string();
        assert!(err.contains("over 100"), "{err}");
        let long = format!("\"{}\"", "в ".repeat(33));
        let err = check(&long).unwrap_err().to_string();
        assert!(
            err.contains("33 words") && err.contains("at most 32"),
            "{err}"
        );
        // (tantivy's grammar drops repeated clauses: count distinct words.)
        let distinct = |n: usize| (0..n).map(|i| format!("w{i} ")).collect::<String>();
        assert!(check(&distinct(MAX_CLAUSES)).is_ok());
        let err = check(&distinct(MAX_CLAUSES + 1)).unwrap_err().to_string();
        assert!(err.contains("at most 1024"), "{err}");
    }

    #[test]
    fn pages_are_checked() {
        let mut req = SearchRequest::new("*");
        req.offset = usize::MAX;
        assert!(check_page(&req).unwrap_err().to_string().contains("offset"));
        req.offset = MAX_OFFSET;
        req.limit = MAX_LIMIT + 1;
        assert!(check_page(&req).unwrap_err().to_string().contains("limit"));
    }
}
