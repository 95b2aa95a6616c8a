//! A page as [`clean`](super::clean) judges the extractor's paragraphs against it: its visible
//! text with whitespace removed (the extractor and the page space words differently, so that
//! is how a paragraph is found), which of those bytes are link text, and the elements around
//! each run of text.

use std::collections::HashMap;

use ego_tree::iter::Edge;
use scraper::{Html, Node};

/// A card (one item of a row of teasers) holds its teaser and a headline, so it is at most
/// this many bytes larger than twice its teaser.
const CARD_SLACK: usize = 400;
/// A card's headline link carries at least this many bytes of text.
const HEADLINE_BYTES: usize = 15;
/// A row of teasers has at least this many cards of one kind under one parent.
const ROW_CARDS: usize = 3;
/// How far above a paragraph's own element its card may sit.
const CARD_LEVELS: usize = 4;

/// One element: where its text starts and ends in [`PageText::text`], its parent, and its kind
/// (tag and class) as a number, so siblings of one kind can be counted.
struct Element {
    start: usize,
    end: usize,
    parent: Option<usize>,
    kind: usize,
    /// An `<article>` element: one post, whether the page's own or another one's.
    article: bool,
}

pub(super) struct PageText {
    text: String,
    in_link: Vec<bool>,
    /// In document order, so by `start`.
    elements: Vec<Element>,
    /// How many children of each kind each element has: `(parent, kind) → count`.
    siblings: HashMap<(usize, usize), usize>,
    /// The `<article>` element that holds the page's headline (its first `<h1>` with text).
    own_article: Option<usize>,
}

impl PageText {
    /// One pass over the tree. `host` is the page's own host: only links within the site
    /// count as link text (a shop's product links in a deals article are the article).
    pub(super) fn read(doc: &Html, host: Option<&str>) -> PageText {
        let mut page = PageText {
            text: String::new(),
            in_link: Vec::new(),
            elements: Vec::new(),
            siblings: HashMap::new(),
            own_article: None,
        };
        let mut headline: Option<usize> = None;
        let mut kinds: HashMap<(String, String), usize> = HashMap::new();
        // Open elements, and how deep in hidden elements and links we are.
        let mut open: Vec<usize> = Vec::new();
        let (mut hidden, mut links) = (0usize, 0usize);
        for edge in doc.tree.root().traverse() {
            match edge {
                Edge::Open(node) => match node.value() {
                    Node::Element(el) => {
                        hidden += usize::from(is_hidden(el.name()));
                        links += usize::from(is_link(el, host));
                        // Digits are left out of the class: "post-1806" and "post-1807"
                        // are cards of one kind.
                        let signature = (
                            el.name().to_string(),
                            el.attr("class")
                                .unwrap_or("")
                                .chars()
                                .filter(|c| !c.is_ascii_digit())
                                .collect::<String>(),
                        );
                        let next = kinds.len();
                        let kind = *kinds.entry(signature).or_insert(next);
                        let parent = open.last().copied();
                        if let Some(p) = parent {
                            *page.siblings.entry((p, kind)).or_insert(0) += 1;
                        }
                        open.push(page.elements.len());
                        page.elements.push(Element {
                            start: page.text.len(),
                            end: page.text.len(),
                            parent,
                            kind,
                            article: el.name() == "article",
                        });
                    }
                    Node::Text(t) if hidden == 0 => {
                        for c in t.chars().filter(|c| !c.is_whitespace()) {
                            page.text.push(c);
                            page.in_link.resize(page.text.len(), links > 0);
                        }
                    }
                    _ => {}
                },
                Edge::Close(node) => {
                    if let Node::Element(el) = node.value() {
                        hidden -= usize::from(is_hidden(el.name()));
                        links -= usize::from(is_link(el, host));
                        if let Some(i) = open.pop() {
                            let e = &mut page.elements[i];
                            e.end = page.text.len();
                            if headline.is_none() && el.name() == "h1" && e.end > e.start {
                                headline = Some(i);
                            }
                        }
                    }
                }
            }
        }
        page.own_article = headline.and_then(|h| page.article_around(h));
        page
    }

    /// Where a paragraph's key (its text without whitespace) is on the page: looked for from
    /// `from` on, else anywhere; `None` when the page does not hold it as one run of text.
    pub(super) fn find(&self, key: &str, from: usize) -> Option<(usize, usize)> {
        if key.is_empty() {
            return None;
        }
        let from = from.min(self.text.len());
        let at = self
            .text
            .get(from..)
            .and_then(|rest| rest.find(key))
            .map(|i| i + from)
            .or_else(|| self.text.find(key))?;
        Some((at, at + key.len()))
    }

    /// The share of a span's bytes that are link text.
    pub(super) fn link_share(&self, (start, end): (usize, usize)) -> f64 {
        let linked = self.in_link[start..end].iter().filter(|&&l| l).count();
        linked as f64 / (end - start).max(1) as f64
    }

    /// Which bytes of the page the extracted paragraphs hold.
    pub(super) fn covered(&self, spans: impl Iterator<Item = (usize, usize)>) -> Vec<bool> {
        let mut covered = vec![false; self.text.len()];
        for (start, end) in spans {
            covered[start..end].fill(true);
        }
        covered
    }

    /// Whether a span is the teaser of a card in a row of like cards (a list of other
    /// articles, each a headline link and a line of text) whose headline the extractor left
    /// out: an article paragraph is not one of several same-kind small boxes with a link
    /// headline of their own.
    pub(super) fn is_teaser(&self, (start, end): (usize, usize), covered: &[bool]) -> bool {
        let Some(mut at) = self.innermost(start, end) else {
            return false;
        };
        for _ in 0..CARD_LEVELS {
            let e = &self.elements[at];
            if e.end - e.start > 2 * (end - start) + CARD_SLACK {
                return false;
            }
            let headline = (e.start..e.end)
                .filter(|&i| (i < start || i >= end) && self.in_link[i] && !covered[i])
                .count();
            let row = e
                .parent
                .and_then(|p| self.siblings.get(&(p, e.kind)))
                .copied()
                .unwrap_or(0);
            if headline >= HEADLINE_BYTES && row >= ROW_CARDS {
                return true;
            }
            match e.parent {
                Some(p) => at = p,
                None => return false,
            }
        }
        false
    }

    /// Whether a span lies in another post than the page's own: in an `<article>` element
    /// that neither holds nor sits inside the one with the page's headline (a teaser of a
    /// related post, the next post a page appends as it is scrolled). Text outside every
    /// `<article>`, and every span of a page whose headline is in none, is not judged here.
    pub(super) fn in_other_article(&self, (start, end): (usize, usize)) -> bool {
        let Some(own) = self.own_article else {
            return false;
        };
        let Some(article) = self
            .innermost(start, end)
            .and_then(|at| self.article_around(at))
        else {
            return false;
        };
        !(self.is_within(article, own) || self.is_within(own, article))
    }

    /// The innermost `<article>` element that is `at` or holds it.
    fn article_around(&self, mut at: usize) -> Option<usize> {
        loop {
            if self.elements[at].article {
                return Some(at);
            }
            at = self.elements[at].parent?;
        }
    }

    /// Whether element `inner` is `outer` or inside it.
    fn is_within(&self, mut inner: usize, outer: usize) -> bool {
        loop {
            if inner == outer {
                return true;
            }
            match self.elements[inner].parent {
                Some(p) => inner = p,
                None => return false,
            }
        }
    }

    /// The deepest element whose text holds the whole span. Elements are in document order,
    /// so the last one starting at or before `start` is that element or inside it.
    fn innermost(&self, start: usize, end: usize) -> Option<usize> {
        let mut at = self
            .elements
            .partition_point(|e| e.start <= start)
            .checked_sub(1)?;
        loop {
            let e = &self.elements[at];
            if e.start <= start && e.end >= end {
                return Some(at);
            }
            at = e.parent?;
        }
    }
}

fn is_hidden(name: &str) -> bool {
    matches!(name, "script" | "style" | "noscript" | "template")
}

fn is_link(el: &scraper::node::Element, host: Option<&str>) -> bool {
    el.name() == "a" && el.attr("href").is_some_and(|h| is_internal(h, host))
}

/// Whether a link leads to another page of the same site: a relative address, or an absolute
/// one on the page's host (any absolute one when the page's address is unknown).
fn is_internal(href: &str, host: Option<&str>) -> bool {
    let href = href.trim();
    if href.is_empty()
        || href.starts_with('#')
        || href.starts_with("javascript:")
        || href.starts_with("mailto:")
        || href.starts_with("tel:")
    {
        return false;
    }
    match (host_of(href), host) {
        (Some(h), Some(page)) => bare_host(&h) == bare_host(page),
        _ => true,
    }
}

fn bare_host(h: &str) -> &str {
    h.trim_start_matches("www.")
}

/// The host of an absolute (or protocol-relative) address; `None` for a relative one.
pub(super) fn host_of(url: &str) -> Option<String> {
    let rest = url
        .split_once("://")
        .map(|(_, r)| r)
        .or_else(|| url.strip_prefix("//"))?;
    let host = rest.split(['/', '?', '#', ':']).next()?.to_lowercase();
    (!host.is_empty()).then_some(host)
}
