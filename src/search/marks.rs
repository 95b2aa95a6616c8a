//! Where a query's words are in an article's text, as the index matched them, for the
//! document view: every form the analyzer takes to the same term as a word of the query is
//! marked, and nothing else (the page used to guess by prefixes, which marked «школьный» for
//! «школы» and missed «шёл» for «идти»-like pairs the stemmer joins).

use std::collections::HashSet;

use super::{SearchError, SearchRequest, Searcher};

impl Searcher {
    /// `[start, end)` code-point ranges, per text, of the words that match a title or body
    /// term of `query` (parsed as `vestnik search` parses it, strict). Terms a query reaches
    /// only through an automaton (`word~1`, `word*`) are not listed by the query, so they are
    /// not marked; entity filters and field filters other than title and body mark nothing.
    pub fn query_marks(
        &self,
        query: &str,
        texts: &[&str],
    ) -> Result<Vec<Vec<[usize; 2]>>, SearchError> {
        let searcher = self.reader.searcher();
        let archive = self.archive(&searcher)?;
        let parsed = self.parse(&SearchRequest::new(query), &archive, None)?;
        let mut terms: HashSet<String> = HashSet::new();
        parsed.query.query_terms(&mut |term, _| {
            if (term.field() == self.fields.body || term.field() == self.fields.title)
                && let Some(text) = term.value().as_str()
            {
                terms.insert(text.to_string());
            }
        });
        Ok(texts.iter().map(|text| marks(text, &terms)).collect())
    }
}

/// The ranges of the tokens of `text` whose term is one of `terms`.
pub(crate) fn marks(text: &str, terms: &HashSet<String>) -> Vec<[usize; 2]> {
    if terms.is_empty() {
        return Vec::new();
    }
    let mut analyzer = crate::analysis::russian_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut bytes: Vec<(usize, usize)> = Vec::new();
    while stream.advance() {
        let token = stream.token();
        if terms.contains(&token.text) {
            bytes.push((token.offset_from, token.offset_to));
        }
    }
    // Byte offsets to code points, walking the text once.
    let mut out = Vec::with_capacity(bytes.len());
    let (mut chars, mut at) = (0usize, 0usize);
    let mut to_chars = |byte: usize| {
        let byte = byte.min(text.len());
        chars += text.get(at..byte).map_or(0, |s| s.chars().count());
        at = at.max(byte);
        chars
    };
    for (from, to) in bytes {
        let a = to_chars(from);
        let b = to_chars(to);
        out.push([a, b]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_query_word_is_marked_and_only_those() {
        let terms: HashSet<String> = crate::analysis::terms("школы").into_iter().collect();
        let text = "В школе и в школах — не школьники. Ёлка.";
        let got: Vec<String> = marks(text, &terms)
            .iter()
            .map(|[a, b]| text.chars().skip(*a).take(b - a).collect())
            .collect();
        assert_eq!(got, vec!["школе", "школах"]);
    }
}
