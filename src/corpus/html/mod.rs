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

use super::article::Fields;

/// Nesting deeper than this goes to the iterative visible-text reader only: the extractor
/// walks the tree recursively, and real pages stay far below it.
const MAX_DEPTH_FOR_EXTRACTOR: usize = 400;

/// The headline is looked for among this many of the body's first paragraphs: before it
/// come only a page's kicker, rubric or "Breaking news" label.
const HEADLINE_PARAGRAPHS: usize = 3;
/// Lines before the headline are that furniture only when this short (in words).
const KICKER_WORDS: usize = 6;

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
    let headline = first_headline(&doc);
    let text = drop_headline(text, &[meta.title.as_deref(), headline.as_deref()]);
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

/// The headline repeated at the top of the body is the title, not body text, and the short
/// lines above it (a rubric, a "Breaking news" label) are the page's header. A paragraph is
/// the headline when its letters and digits are those of the title or of the page's `<h1>`
/// (which may differ from the title the page states in its metadata), whatever the quotes,
/// dashes and case.
fn drop_headline(text: String, titles: &[Option<&str>]) -> String {
    let titles: Vec<String> = titles
        .iter()
        .flatten()
        .map(|t| letters(t))
        .filter(|t| !t.is_empty())
        .collect();
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    for (i, p) in paragraphs.iter().take(HEADLINE_PARAGRAPHS).enumerate() {
        if titles.contains(&letters(p)) {
            if i + 1 < paragraphs.len() {
                return paragraphs[i + 1..].join("\n\n");
            }
            break;
        }
        if p.split_whitespace().count() > KICKER_WORDS {
            break;
        }
    }
    text
}

/// The letters and digits of a text, lowercased: how a headline is recognised.
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The text of the page's first `<h1>` that has any.
fn first_headline(doc: &Html) -> Option<String> {
    static H1: std::sync::OnceLock<Option<scraper::Selector>> = std::sync::OnceLock::new();
    let selector = H1
        .get_or_init(|| scraper::Selector::parse("h1").ok())
        .as_ref()?;
    doc.select(selector)
        .map(|h| meta::collapse_spaces(&h.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

#[cfg(test)]
mod tests;
