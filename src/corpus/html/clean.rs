//! What is left of a page's furniture after the extractor: lists of links to other articles
//! ("Читайте также" and its headlines, tag clouds, archives), the lines that introduce them,
//! advertisement labels, and text the extractor emitted twice. Measured on the extraction
//! benchmark (`vestnik bench extraction`), these are most of what lowers its precision.
//!
//! Links are judged on the page itself ([`PageText`]): a paragraph of the extracted text is a
//! link list when its text on the page is mostly link text, and a teaser when it sits in one of
//! a row of like cards whose headline link the extractor left out.

use std::collections::HashSet;

use scraper::Html;

use super::page::{PageText, host_of};

/// A paragraph whose page element has at least this share of its letters inside links is a
/// list of links, not prose: article paragraphs with links in them stay far below it.
const LINK_SHARE: f64 = 0.7;
/// Lines this short (in words) next to a link list are its heading ("Читайте также", "Also on
/// rt.com") or its entries' bylines and times.
const LEAD_IN_WORDS: usize = 6;
const ENTRY_WORDS: usize = 8;
/// Photo credits are a few words; a longer line that starts like one is a sentence.
const CREDIT_WORDS: usize = 12;
/// A sentence this long (in words) seen twice is the extractor repeating a block.
const REPEAT_WORDS: usize = 8;
/// Labels of advertisement slots, which the extractor takes for one-line paragraphs.
const AD_LABELS: &[&str] = &[
    "реклама",
    "advertisement",
    "advert",
    "ad",
    "sponsored",
    "sponsored links",
    "anzeige",
    "publicidade",
    "publicidad",
    "pubblicità",
    "publicité",
];

/// The extracted text (paragraphs separated by blank lines) without link lists, their
/// headings, advertisement labels and repeated sentences.
///
/// `url` is the page's own address where known: only links within its site make a link list
/// (a shop's product links in a deals article are the article).
pub(super) fn clean(text: &str, doc: &Html, url: Option<&str>) -> String {
    let paragraphs: Vec<&str> = text.split("\n\n").filter(|p| !p.is_empty()).collect();
    let keys: Vec<String> = paragraphs.iter().map(|p| key(p)).collect();
    let host = url.and_then(host_of);
    let page = PageText::read(doc, host.as_deref());
    // Paragraphs come in page order, so each is looked for after the previous one first.
    let mut from = 0;
    let spans: Vec<Option<(usize, usize)>> = keys
        .iter()
        .map(|k| {
            let span = page.find(k, from);
            if let Some((_, end)) = span {
                from = end;
            }
            span
        })
        .collect();
    let covered = page.covered(spans.iter().flatten().copied());
    let shares: Vec<f64> = spans
        .iter()
        .map(|span| span.map_or(0.0, |s| page.link_share(s)))
        .collect();
    let words: Vec<usize> = paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .collect();

    let mut drop: Vec<bool> = shares
        .iter()
        .zip(&paragraphs)
        .zip(&spans)
        .map(|((&share, p), span)| {
            share >= LINK_SHARE
                || is_ad_label(p)
                || is_credit(p)
                || span.is_some_and(|s| page.is_teaser(s, &covered))
                || span.is_some_and(|s| page.in_other_article(s))
        })
        .collect();
    let links: Vec<bool> = drop.clone();
    // Headings of a link list and the short lines between its entries go with it; the
    // article's own short lines (a subheading, a dateline) sit between prose and stay.
    for _ in 0..2 {
        for i in 0..paragraphs.len() {
            if drop[i] {
                continue;
            }
            let next_dropped = drop.get(i + 1).copied();
            let prev_dropped = i > 0 && drop[i - 1];
            let lead_in = words[i] <= LEAD_IN_WORDS && next_dropped == Some(true) && links[i + 1];
            let entry = words[i] <= ENTRY_WORDS && prev_dropped && next_dropped != Some(false);
            if lead_in || entry {
                drop[i] = true;
            }
        }
    }

    let mut out = Vec::new();
    for (p, _) in paragraphs.iter().zip(&drop).filter(|(_, d)| !**d) {
        let kept = without_repeats(p);
        if !kept.is_empty() {
            out.push(kept);
        }
    }
    out.join("\n\n")
}

/// The text with every whitespace character removed: how a paragraph is matched to the page.
fn key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A photo credit ("Фото: пресс-служба акимата", "© Reuters / David Mercado"): a short line
/// that names who took a picture, whose names would otherwise become entities of the article.
fn is_credit(p: &str) -> bool {
    const STARTS: &[&str] = &[
        "фото:",
        "фото ",
        "фото—",
        "фото –",
        "фото —",
        "источник фото",
        "photo:",
        "photo by ",
        "photos:",
        "foto:",
        "©",
        "(c) ",
    ];
    let lower = p.trim().to_lowercase();
    lower.split_whitespace().count() <= CREDIT_WORDS && STARTS.iter().any(|s| lower.starts_with(s))
}

fn is_ad_label(p: &str) -> bool {
    let p = p.trim().trim_end_matches([':', '.', '…']).to_lowercase();
    AD_LABELS.contains(&p.as_str())
}

/// The paragraph without sentences of [`REPEAT_WORDS`] words or more that it already holds.
/// Only repeats inside one paragraph go: the extractor, not the author, repeats text there (a
/// nested block emitted with its parent), while a paragraph repeated as a whole (a menu for
/// each day of a diet) is the author's.
fn without_repeats(paragraph: &str) -> String {
    let mut seen = HashSet::new();
    let mut kept = String::new();
    for sentence in sentences(paragraph) {
        let words: Vec<String> = sentence
            .split_whitespace()
            .map(|w| w.to_lowercase())
            .collect();
        if words.len() >= REPEAT_WORDS && !seen.insert(words.join(" ")) {
            continue;
        }
        kept.push_str(sentence);
    }
    kept.trim().to_string()
}

/// Sentences with their trailing spaces: a cut after `.`, `!`, `?` or `…` (and any closing
/// quotes or brackets) that is followed by a space.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut after_stop = false;
    for (i, c) in text.char_indices() {
        if after_stop && c.is_whitespace() {
            let end = i + c.len_utf8();
            out.push(&text[start..end]);
            start = end;
            after_stop = false;
            continue;
        }
        if matches!(c, '.' | '!' | '?' | '…') {
            after_stop = true;
        } else if !matches!(c, '"' | '»' | '”' | '\'' | ')' | '’') {
            after_stop = false;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_lists_and_their_headings_go() {
        let page = Html::parse_document(
            r#"<body><article><p>Депутаты одобрили закон о СМИ во втором чтении сегодня.</p>
            <h3>Читайте также</h3>
            <div><a href="/x">В Шымкенте открыли парк</a></div><div>12:30</div>
            <div><a href="/y">Роналду забил гол</a></div>
            <p>Закон вступит в силу через десять дней после <a href="/z">публикации</a>.</p>
            </article></body>"#,
        );
        let text = "Депутаты одобрили закон о СМИ во втором чтении сегодня.\n\nЧитайте также\n\n\
                    В Шымкенте открыли парк\n\n12:30\n\nРоналду забил гол\n\n\
                    Закон вступит в силу через десять дней после публикации.";
        assert_eq!(
            clean(text, &page, None),
            "Депутаты одобрили закон о СМИ во втором чтении сегодня.\n\n\
             Закон вступит в силу через десять дней после публикации."
        );
    }

    #[test]
    fn other_posts_beside_the_pages_own_go() {
        let own = "Депутаты одобрили закон о СМИ во втором чтении сегодня утром.";
        let other = "Аким области открыл новую школу на девятьсот мест в пятницу.";
        let nested = "Комментарий редакции к закону о СМИ, вложенный в статью.";
        let page = Html::parse_document(&format!(
            "<body><div><article><h1>Закон о СМИ</h1><p>{own}</p>\
             <article><p>{nested}</p></article></article>\
             <article><h3>Вам может понравиться</h3><article><p>{other}</p></article></article>\
             <p>Подпись под всеми статьями сайта, которая стоит вне любой из статей.</p></div></body>"
        ));
        let text = format!(
            "{own}\n\n{nested}\n\nВам может понравиться\n\n{other}\n\n\
             Подпись под всеми статьями сайта, которая стоит вне любой из статей."
        );
        assert_eq!(
            clean(&text, &page, None),
            format!(
                "{own}\n\n{nested}\n\nПодпись под всеми статьями сайта, которая стоит вне любой из статей."
            )
        );
        // Without a headline in an <article>, no post is the page's own: nothing goes.
        let page = Html::parse_document(&format!(
            "<body><h1>Закон о СМИ</h1><article><p>{own}</p></article>\
             <article><p>{other}</p></article></body>"
        ));
        let text = format!("{own}\n\n{other}");
        assert_eq!(clean(&text, &page, None), text);
    }

    #[test]
    fn a_short_line_between_paragraphs_of_prose_stays() {
        let page = Html::parse_document(
            "<body><p>Первый абзац статьи о законе.</p><h2>Что изменится</h2>\
             <p>Второй абзац статьи о законе.</p></body>",
        );
        let text =
            "Первый абзац статьи о законе.\n\nЧто изменится\n\nВторой абзац статьи о законе.";
        assert_eq!(clean(text, &page, None), text);
    }

    #[test]
    fn repeated_sentences_and_ad_labels_go() {
        let page = Html::parse_document("<body></body>");
        let s = "Министр заявил, что бюджет на следующий год будет принят в срок. ";
        let text = format!("{s}Второе предложение. {s}И третье.\n\nРеклама\n\n{s}");
        assert_eq!(
            clean(&text, &page, None),
            format!("{s}Второе предложение. И третье.\n\n{}", s.trim())
        );
    }

    #[test]
    fn sentences_keep_every_character() {
        let t = "Он сказал: «Да.» Потом ушёл! Конец";
        assert_eq!(sentences(t).concat(), t);
        assert_eq!(sentences(t).len(), 3);
    }
}
