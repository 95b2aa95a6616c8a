//! The article body by `rs-trafilatura` (a port of trafilatura: scores blocks by text and link
//! density, drops boilerplate by class and id patterns, keeps paragraphs), normalized to what
//! the rest of vestnik expects: paragraphs separated by one blank line, spaces collapsed.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rs_trafilatura::page_type::PageType;

use super::meta::collapse_spaces;

/// What the crate says (in `warnings`) when it replaced its extraction with a merge of the
/// page's top-scoring blocks.
const MERGED: &str = "multi-candidate merge";

/// The main text, or `None` when the extractor finds none (or fails: a crate bug on odd
/// markup must cost one page its extraction, never the run, hence the unwind guard).
///
/// The page's address is not passed on: measured on the benchmark, the crate does no better
/// with it, and on one page (an `og:url` on another host) it took the whole page for the
/// article.
///
/// When the crate's own extraction is short it may replace it with a merge of the page's
/// top-scoring blocks, meant for service pages whose content is spread over many sections. A
/// news article is one block, so on a news page those other blocks are its sidebars and lists
/// of other articles, and the merge has no paragraph breaks left. Such a page is extracted
/// again with a profile that is the crate's article profile without the merge (the one it
/// gives category pages), and that text is kept.
pub(super) fn main_text(content: &str) -> Option<String> {
    let result = extract(content, rs_trafilatura::Options::default())?;
    let text = if result.warnings.iter().any(|w| w.contains(MERGED)) {
        let single = rs_trafilatura::Options {
            page_type: Some(PageType::Category),
            ..Default::default()
        };
        extract(content, single)
            .map(|r| r.content_text)
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(result.content_text)
    } else {
        result.content_text
    };
    let text = paragraphs(&text);
    (!text.is_empty()).then_some(text)
}

fn extract(
    content: &str,
    options: rs_trafilatura::Options,
) -> Option<rs_trafilatura::ExtractResult> {
    catch_unwind(AssertUnwindSafe(|| {
        rs_trafilatura::extract_with_options(content, &options)
    }))
    .ok()?
    .ok()
}

/// One paragraph per non-empty line, spaces collapsed, joined by blank lines.
fn paragraphs(text: &str) -> String {
    text.lines()
        .map(collapse_spaces)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}
