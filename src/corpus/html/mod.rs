//! HTML pages: the article's own text (not the menus, share buttons, related links, comments
//! and footers around it) and its metadata as the publisher states it.
//!
//! The body comes from `rs-trafilatura`, the extractor that scored best on the public
//! article-extraction benchmark when measured here (`vestnik bench extraction`; the README has
//! the table). Metadata comes from our own reading of JSON-LD, OpenGraph and meta tags
//! (`meta`), which puts the publisher's statements first. Where the extractor finds nothing (a
//! page that is all list, a fragment) or the markup is too deep to hand to a recursive walker,
//! the page's visible text is used, so no page with text is lost.

mod article;
mod clean;
mod meta;
mod page;
mod visible;

use scraper::Html;

use super::Fields;

/// Nesting deeper than this goes to the iterative visible-text reader only: the extractor
/// walks the tree recursively, and real pages stay far below it.
const MAX_DEPTH_FOR_EXTRACTOR: usize = 400;

/// Below this many characters the extractor's text is not trusted: on a page with little
/// text it falls back to heuristics that repeat and glue text ("Только titleтекстТолько
/// title"), while the visible text of so small a page is its article.
const MIN_EXTRACTED_CHARS: usize = 200;

pub(crate) fn read_html(content: &str) -> Fields {
    let doc = Html::parse_document(content);
    let meta = meta::read(&doc);
    let extracted = if visible::depth(&doc) <= MAX_DEPTH_FOR_EXTRACTOR {
        article::main_text(content).filter(|t| t.chars().count() >= MIN_EXTRACTED_CHARS)
    } else {
        None
    };
    let text = extracted.unwrap_or_else(|| visible::page_text(&doc));
    let cleaned = clean::clean(&text, &doc, meta.url.as_deref());
    // A page that is nothing but links keeps them rather than becoming an empty article.
    let text = if cleaned.trim().is_empty() {
        text
    } else {
        cleaned
    };
    let text = drop_leading_title(text, meta.title.as_deref());
    Fields {
        id: None,
        title: meta.title,
        date: meta.date,
        source: meta.source,
        url: meta.url,
        author: meta.author,
        text,
    }
}

/// The headline repeated as the body's first paragraph is the title, not body text.
fn drop_leading_title(text: String, title: Option<&str>) -> String {
    let Some(title) = title else {
        return text;
    };
    let first = text.split("\n\n").next().unwrap_or("");
    if !first.is_empty() && meta::collapse_spaces(first) == meta::collapse_spaces(title) {
        text[first.len()..].trim_start().to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests;
