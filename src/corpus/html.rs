//! HTML pages: the visible text of the article, and metadata from the usual meta tags.

use scraper::{ElementRef, Html, Node, Selector};

use super::Fields;

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

pub(crate) fn read_html(content: &str) -> Fields {
    let doc = Html::parse_document(content);
    let meta = |selectors: &[&str]| -> Option<String> {
        selectors.iter().find_map(|s| {
            let sel = Selector::parse(s).ok()?;
            doc.select(&sel).find_map(|el| {
                let v = el
                    .value()
                    .attr("content")
                    .or_else(|| el.value().attr("datetime"))
                    .or_else(|| el.value().attr("href"))?;
                let v = v.trim();
                (!v.is_empty()).then(|| v.to_string())
            })
        })
    };
    let first_text = |selector: &str| -> Option<String> {
        let sel = Selector::parse(selector).ok()?;
        doc.select(&sel).find_map(|el| {
            let t = collapse_spaces(&el.text().collect::<String>());
            (!t.is_empty()).then_some(t)
        })
    };

    let title = meta(&[r#"meta[property="og:title"]"#])
        .or_else(|| first_text("h1"))
        .or_else(|| first_text("title"));
    let date = meta(&[
        r#"meta[property="article:published_time"]"#,
        r#"meta[name="article:published_time"]"#,
        r#"meta[itemprop="datePublished"]"#,
        r#"meta[name="date"]"#,
        r#"meta[name="pubdate"]"#,
        r#"meta[name="DC.date"]"#,
        "time[datetime]",
    ]);
    let source = meta(&[
        r#"meta[property="og:site_name"]"#,
        r#"meta[name="application-name"]"#,
        r#"meta[name="publisher"]"#,
    ]);
    let url = meta(&[r#"meta[property="og:url"]"#, r#"link[rel="canonical"]"#]);

    let root = ["article", "main", "body"]
        .iter()
        .filter_map(|s| Selector::parse(s).ok())
        .find_map(|sel| doc.select(&sel).next())
        .unwrap_or_else(|| doc.root_element());
    Fields {
        id: None,
        title,
        date,
        source,
        url,
        text: visible_text(root),
    }
}

/// The text a browser would show, one line per block element. Iterative, so deeply nested
/// markup cannot overflow the stack.
fn visible_text(root: ElementRef) -> String {
    use ego_tree::iter::Edge;
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

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_tags_and_visible_text() {
        let f = read_html(
            r#"<html><head><title>Сайт — новость</title>
            <meta property="og:site_name" content="Kazinform">
            <meta property="article:published_time" content="2024-05-17T10:00:00+05:00">
            <style>p{color:red}</style></head>
            <body><nav>Меню</nav><article><h1>Новость дня</h1><p>Первый   абзац.</p>
            <script>var x=1;</script><p>Второй <b>абзац</b>.</p></article></body></html>"#,
        );
        assert_eq!(f.title.as_deref(), Some("Новость дня"));
        assert_eq!(f.source.as_deref(), Some("Kazinform"));
        assert_eq!(f.date.as_deref(), Some("2024-05-17T10:00:00+05:00"));
        assert_eq!(f.text, "Новость дня\n\nПервый абзац.\n\nВторой абзац.");
    }

    #[test]
    fn title_falls_back_to_title_tag() {
        let f =
            read_html("<html><head><title>Только title</title></head><body>текст</body></html>");
        assert_eq!(f.title.as_deref(), Some("Только title"));
        assert_eq!(f.text, "текст");
    }
}
