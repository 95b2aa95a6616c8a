//! The article body by `rs-trafilatura` (a port of trafilatura: scores blocks by text and link
//! density, drops boilerplate by class and id patterns, keeps paragraphs), normalized to what
//! the rest of vestnik expects: paragraphs separated by one blank line, spaces collapsed.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::meta::collapse_spaces;

/// The main text, or `None` when the extractor finds none (or fails: a crate bug on odd
/// markup must cost one page its extraction, never the run, hence the unwind guard).
///
/// The page's address is not passed on: measured on the benchmark, the crate does no better
/// with it, and on one page (an `og:url` on another host) it took the whole page for the
/// article.
pub(super) fn main_text(content: &str) -> Option<String> {
    let options = rs_trafilatura::Options::default();
    let result = catch_unwind(AssertUnwindSafe(|| {
        rs_trafilatura::extract_with_options(content, &options)
    }))
    .ok()?
    .ok()?;
    let text = paragraphs(&result.content_text);
    (!text.is_empty()).then_some(text)
}

/// One paragraph per non-empty line, spaces collapsed, joined by blank lines.
fn paragraphs(text: &str) -> String {
    text.lines()
        .map(collapse_spaces)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}
