//! The text a browser would show, for pages the extractor gives nothing for: one paragraph per
//! block element, hidden elements left out, and a space where inline controls (links, buttons,
//! table cells) meet, so adjacent links are not glued into one word. Iterative, so deeply
//! nested markup cannot overflow the stack.

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use super::meta::collapse_spaces;

/// Elements whose content a reader never sees.
const HIDDEN: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "iframe", "nav", "footer",
];
/// Elements that break a line; everything else flows inline.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "blockquote",
    "section",
    "article",
    "header",
    "figure",
    "figcaption",
    "pre",
    "hr",
    "dd",
    "dt",
];
/// Inline elements that stand apart on screen (a link, a button, a cell): a word never runs
/// across their edge, though it may across `<b>` or `<span>` (a drop cap, a stressed letter).
const SEPARATE: &[&str] = &[
    "a", "button", "label", "td", "th", "img", "input", "select", "option", "time",
];

/// The visible text of the page's `article`, else `main`, else `body`.
pub(super) fn page_text(doc: &Html) -> String {
    let root = ["article", "main", "body"]
        .iter()
        .filter_map(|s| Selector::parse(s).ok())
        .find_map(|sel| doc.select(&sel).next())
        .unwrap_or_else(|| doc.root_element());
    visible_text(root)
}

/// How deep the element tree nests.
pub(super) fn depth(doc: &Html) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for edge in doc.root_element().traverse() {
        match edge {
            Edge::Open(_) => {
                depth += 1;
                max = max.max(depth);
            }
            Edge::Close(_) => depth = depth.saturating_sub(1),
        }
    }
    max
}

fn visible_text(root: ElementRef) -> String {
    let mut raw = String::new();
    let mut hidden_depth = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    if hidden_depth > 0 || HIDDEN.contains(&e.name()) {
                        hidden_depth += 1;
                    } else if BLOCKS.contains(&e.name()) {
                        raw.push('\n');
                    } else if SEPARATE.contains(&e.name()) {
                        raw.push(' ');
                    }
                }
                Node::Text(t) if hidden_depth == 0 => raw.push_str(t),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    if hidden_depth > 0 {
                        hidden_depth -= 1;
                    } else if BLOCKS.contains(&e.name()) {
                        raw.push('\n');
                    } else if SEPARATE.contains(&e.name()) {
                        raw.push(' ');
                    }
                }
            }
        }
    }
    let paragraphs: Vec<String> = raw
        .split('\n')
        .map(collapse_spaces)
        .filter(|l| !l.is_empty())
        .collect();
    paragraphs.join("\n\n")
}
