//! A page's metadata from what the publisher states: JSON-LD (`NewsArticle`, `Article` and
//! their kin, which news sites publish for search engines), then OpenGraph and the usual meta
//! tags, then the `<title>` with the site's name taken off. Only when all of those are silent
//! does the caller fall back to a guess from the text.

use scraper::{Html, Selector};
use serde_json::Value;

/// What the page says about its article.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct PageMeta {
    pub title: Option<String>,
    pub date: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
}

/// JSON-LD types that describe one article.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "TechArticle",
    "ScholarlyArticle",
    "Report",
    "WebPage",
];

pub(crate) fn read(doc: &Html) -> PageMeta {
    let ld = json_ld_article(doc);
    let ld_str = |key: &str| ld.as_ref().and_then(|v| text_of(&v[key]));
    let attr = |selectors: &[&str]| first_attr(doc, selectors);

    let source = ld
        .as_ref()
        .and_then(|v| name_of(&v["publisher"]))
        .or_else(|| attr(&[r#"meta[property="og:site_name"]"#]))
        .or_else(|| {
            attr(&[
                r#"meta[name="application-name"]"#,
                r#"meta[name="publisher"]"#,
            ])
        });
    let url = attr(&[r#"meta[property="og:url"]"#, r#"link[rel="canonical"]"#])
        .or_else(|| ld_str("url"))
        .or_else(|| {
            ld.as_ref()
                .and_then(|v| text_of(&v["mainEntityOfPage"]["@id"]))
        });
    let raw_title = ld_str("headline")
        .or_else(|| {
            attr(&[
                r#"meta[property="og:title"]"#,
                r#"meta[name="twitter:title"]"#,
            ])
        })
        .or_else(|| first_text(doc, "h1"))
        .or_else(|| first_text(doc, "title"));
    let title = raw_title.map(|t| strip_site_name(&t, source.as_deref(), url.as_deref()));
    let date = ld_str("datePublished")
        .or_else(|| {
            attr(&[
                r#"meta[property="article:published_time"]"#,
                r#"meta[name="article:published_time"]"#,
                r#"meta[itemprop="datePublished"]"#,
                r#"meta[name="pubdate"]"#,
                r#"meta[name="publish-date"]"#,
                r#"meta[name="date"]"#,
                r#"meta[name="DC.date"]"#,
                r#"meta[name="dc.date"]"#,
                r#"meta[name="sailthru.date"]"#,
            ])
        })
        .or_else(|| ld_str("dateCreated"))
        .or_else(|| attr(&["time[datetime]"]));
    let author = ld.as_ref().and_then(|v| name_of(&v["author"])).or_else(|| {
        attr(&[
            r#"meta[name="author"]"#,
            r#"meta[property="article:author"]"#,
        ])
    });
    PageMeta {
        title: title.filter(|t| !t.is_empty()),
        date,
        source,
        url,
        author,
    }
}

/// The first JSON-LD object of an article type, looked for inside arrays and `@graph`.
fn json_ld_article(doc: &Html) -> Option<Value> {
    let sel = Selector::parse(r#"script[type="application/ld+json"]"#).ok()?;
    let mut fallback = None;
    for script in doc.select(&sel) {
        let text: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items.into_iter().rev()),
                Value::Object(ref map) => {
                    if let Some(Value::Array(graph)) = map.get("@graph") {
                        stack.extend(graph.iter().rev().cloned());
                    }
                    let types = types_of(&v["@type"]);
                    if types
                        .iter()
                        .any(|t| t != "WebPage" && ARTICLE_TYPES.contains(&t.as_str()))
                    {
                        return Some(v);
                    }
                    if fallback.is_none() && types.iter().any(|t| t == "WebPage") {
                        fallback = Some(v.clone());
                    }
                }
                _ => {}
            }
        }
    }
    fallback
}

fn types_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

/// A plain string value, trimmed; `None` for anything else or empty.
fn text_of(v: &Value) -> Option<String> {
    let s = collapse_spaces(v.as_str()?);
    (!s.is_empty()).then_some(s)
}

/// A person's or organization's name: a string, `{"name": ...}`, or a list of either (joined).
fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(_) => text_of(v),
        Value::Object(_) => text_of(&v["name"]),
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(name_of).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

fn first_attr(doc: &Html, selectors: &[&str]) -> Option<String> {
    selectors.iter().find_map(|s| {
        let sel = Selector::parse(s).ok()?;
        doc.select(&sel).find_map(|el| {
            let e = el.value();
            let v = e
                .attr("content")
                .or(e.attr("datetime"))
                .or(e.attr("href"))?;
            let v = collapse_spaces(v);
            (!v.is_empty()).then_some(v)
        })
    })
}

fn first_text(doc: &Html, selector: &str) -> Option<String> {
    let sel = Selector::parse(selector).ok()?;
    doc.select(&sel).find_map(|el| {
        let t = collapse_spaces(&el.text().collect::<String>());
        (!t.is_empty()).then_some(t)
    })
}

pub(crate) fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Separators sites put between a headline and their own name.
const SEPARATORS: &[&str] = &[" | ", " - ", " — ", " – ", " :: ", " // ", " · ", " » "];

/// Takes the site's name off a title ("Новость - Tengrinews.kz" → "Новость"): a last (or
/// first) part that is the site's name, its host, or looks like a domain. Other parts stay, so a
/// headline with a dash of its own ("Путин - Трамп: встреча") is kept whole.
pub(crate) fn strip_site_name(title: &str, site: Option<&str>, url: Option<&str>) -> String {
    let title = collapse_spaces(title);
    let host = url.and_then(host_of);
    let is_site = |part: &str| {
        let p = part.trim().to_lowercase();
        if p.is_empty() {
            return false;
        }
        let site_match = site.is_some_and(|s| {
            let s = s.trim().to_lowercase();
            // Containment either way ("РИА Новости" in "РИА Новости — Россия"), but not
            // of a fragment too short to name a site.
            p == s
                || (s.chars().count() >= 4 && p.contains(&s))
                || (p.chars().count() >= 4 && s.contains(&p))
        });
        let host_match = host.as_deref().is_some_and(|h| {
            let bare = h.trim_start_matches("www.");
            p == bare || p.replace(' ', "") == bare.split('.').next().unwrap_or(bare)
        });
        site_match || host_match || looks_like_domain(&p)
    };
    let mut out = title.clone();
    for _ in 0..2 {
        let Some((head, tail)) = rsplit_any(&out) else {
            break;
        };
        if is_site(tail) && !head.trim().is_empty() {
            out = head.trim().to_string();
        } else {
            break;
        }
    }
    if let Some((head, tail)) = split_first_any(&out)
        && is_site(head)
        && !tail.trim().is_empty()
    {
        out = tail.trim().to_string();
    }
    out
}

fn rsplit_any(s: &str) -> Option<(&str, &str)> {
    let at = SEPARATORS
        .iter()
        .filter_map(|sep| s.rfind(sep).map(|i| (i, sep.len())))
        .max()?;
    Some((&s[..at.0], &s[at.0 + at.1..]))
}

fn split_first_any(s: &str) -> Option<(&str, &str)> {
    let at = SEPARATORS
        .iter()
        .filter_map(|sep| s.find(sep).map(|i| (i, sep.len())))
        .min()?;
    Some((&s[..at.0], &s[at.0 + at.1..]))
}

/// "tengrinews.kz", "www.zakon.kz", "lenta.ru": one word with a dot and a short ending.
fn looks_like_domain(p: &str) -> bool {
    if p.contains(' ') {
        return false;
    }
    let Some((name, tld)) = p.rsplit_once('.') else {
        return false;
    };
    !name.is_empty()
        && (2..=6).contains(&tld.chars().count())
        && tld.chars().all(char::is_alphabetic)
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#', ':']).next()?.to_lowercase();
    (!host.is_empty()).then_some(host)
}
