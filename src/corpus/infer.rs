//! Filling metadata that a file does not state: title from the first line or sentence, date
//! from the file name or from a date the text presents as its own (see [`super::dateline`]),
//! source from attribution phrases, the url or the folder.

use std::path::Path;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::article::{Article, Fields, Inferred};
use super::dateline::{MONTHS, month_number, publication_date};

/// Longest inferred title, in characters, before it is cut at a word boundary.
const MAX_TITLE_CHARS: usize = 160;

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})").expect("valid regex"));
static DOTTED_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b").expect("valid regex"));
static RUSSIAN_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})\s+({})\s+(\d{{4}})",
        MONTHS.join("|")
    ))
    .expect("valid regex")
});
static FILENAME_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?:[^0-9]|$)")
        .expect("valid regex")
});
/// "сообщает Zakon.kz", "передает корреспондент Kazinform", "по данным ТАСС",
/// "сообщает МИА «Казинформ»": the verb, optional descriptors, then a quoted or capitalised name.
static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?i:\b(?:сообща[ею]т|переда[её]т|пишет|информирует|по\s+данным|со\s+ссылкой\s+на))
        \s+
        (?:(?i:корреспондент|корреспондента|агентство|агентства|издание|издания|портал|сайт|информагентство)\s+)?
        (?:(?:МИА|ИА)\s+)?
        (?:
            [«\x22]([^»\x22\n]{2,40})[»\x22]
          |
            ([A-ZА-ЯЁ][\w\-]*(?:\.[a-zа-я]{2,6})*(?:\s+[A-ZА-ЯЁ][\w\-]*)?)
        )",
    )
    .expect("valid regex")
});

/// Capitalised words after an attribution verb that name an institution, not a news outlet.
const NOT_OUTLETS: &[&str] = &[
    "Министерств",
    "Правительств",
    "Департамент",
    "Пресс-служб",
    "Управлени",
    "Комитет",
    "Акимат",
    "Он",
    "Она",
    "Они",
];

/// Builds the article from what the file said, inferring what it did not.
pub(crate) fn complete(fields: Fields, path: &Path, root: &Path, fallback_id: String) -> Article {
    let mut inferred = Inferred::default();
    let mut body = fields.text;

    let title = match fields.title {
        Some(t) => t,
        None => {
            inferred.title = true;
            let (title, rest) = infer_title(&body);
            match rest {
                Some(rest) => body = rest,
                None => inferred.title_is_first_sentence = true,
            }
            title
        }
    };

    let date = match fields.date.as_deref().and_then(parse_date) {
        Some(d) => Some(d),
        None => {
            let guess = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(date_from_file_name)
                .or_else(|| publication_date(&title, &body).map(|s| s.date));
            inferred.date = guess.is_some();
            guess
        }
    };

    let source = match fields.source {
        Some(s) => Some(s),
        None => {
            let guess = source_from_text(&title)
                .or_else(|| source_from_text(&body))
                .or_else(|| fields.url.as_deref().and_then(host_of))
                .or_else(|| source_from_folder(path, root));
            inferred.source = guess.is_some();
            guess
        }
    };

    Article {
        own_id: fields.id.is_some(),
        id: fields.id.unwrap_or(fallback_id),
        path: path.to_path_buf(),
        title,
        body,
        date,
        source,
        url: fields.url,
        author: fields.author,
        inferred,
        encoding: "UTF-8",
        repaired: 0,
    }
}

/// Parses a date as metadata states it: ISO (`2024-05-17`, also the date part of an RFC 3339
/// timestamp), `17.05.2024` or `17 мая 2024`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(c) = ISO_DATE.captures(s) {
        return ymd(&c[1], &c[2], &c[3]);
    }
    if let Some(c) = DOTTED_DATE.captures(s) {
        return ymd(&c[3], &c[2], &c[1]);
    }
    if let Some(c) = RUSSIAN_DATE.captures(s) {
        return russian_date(&c);
    }
    None
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        .filter(|d| (1900..=2100).contains(&d.year()))
}

fn russian_date(c: &regex::Captures) -> Option<NaiveDate> {
    let m = month_number(&c[2])?;
    ymd(&c[3], &m.to_string(), &c[1])
}

/// `2024-05-17-vstrecha.txt`, `20240517_news.html`.
pub fn date_from_file_name(name: &str) -> Option<NaiveDate> {
    FILENAME_DATE
        .captures_iter(name)
        .find_map(|c| ymd(&c[1], &c[2], &c[3]))
}

/// The outlet named in an attribution phrase ("..., сообщает Zakon.kz").
pub fn source_from_text(text: &str) -> Option<String> {
    ATTRIBUTION.captures_iter(text).find_map(|c| {
        let name = match (c.get(1), c.get(2)) {
            (Some(quoted), _) => quoted.as_str().trim(),
            (None, Some(words)) => keep_outlet_words(words.as_str()),
            _ => return None,
        };
        let name = name.trim_end_matches(['.', ',', '-']);
        if name.chars().count() < 2 || NOT_OUTLETS.iter().any(|w| name.starts_with(w)) {
            return None;
        }
        Some(name.to_string())
    })
}

/// Two capitalised words name one outlet only after an abbreviation ("РИА Новости"); otherwise
/// the second word already starts the next clause ("передает Kazinform Ерлан Карин ...").
fn keep_outlet_words(words: &str) -> &str {
    match words.split_once(char::is_whitespace) {
        Some((first, _)) if first.chars().any(|c| c.is_lowercase()) => first,
        _ => words,
    }
}

/// `https://www.zakon.kz/...` → `zakon.kz`.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', '?', '#', ':']).next()?.trim();
    let host = host.strip_prefix("www.").unwrap_or(host);
    (host.contains('.') && !host.is_empty()).then(|| host.to_lowercase())
}

/// The folder the file sits in, when that folder is below the walked root.
fn source_from_folder(path: &Path, root: &Path) -> Option<String> {
    let parent = path.parent()?;
    if parent == root || !parent.starts_with(root) {
        return None;
    }
    parent.file_name()?.to_str().map(str::to_string)
}

/// A title from the text: a short first line that reads like a headline (and is then taken out
/// of the body), otherwise the first sentence without its attribution tail.
fn infer_title(body: &str) -> (String, Option<String>) {
    let trimmed = body.trim_start();
    if let Some((first, rest)) = trimmed.split_once('\n') {
        let first = first.trim();
        let ends_like_sentence = first.ends_with(['.', '!', '?', '…', ':', ';', ',']);
        if !first.is_empty()
            && first.chars().count() <= 200
            && !ends_like_sentence
            && !rest.trim().is_empty()
        {
            return (first.to_string(), Some(rest.trim().to_string()));
        }
    }
    let sentence = first_sentence(trimmed);
    let sentence = strip_attribution(sentence);
    (shorten(sentence, MAX_TITLE_CHARS), None)
}

fn first_sentence(text: &str) -> &str {
    let line = text.lines().next().unwrap_or("");
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?' | '…') {
            let next = chars.get(i + 1).map(|x| x.1);
            let after = chars.get(i + 2).map(|x| x.1);
            let ends = match (next, after) {
                (None, _) => true,
                (Some(n), Some(a)) if n.is_whitespace() => {
                    a.is_uppercase() || matches!(a, '«' | '"' | '—' | '–') || a.is_numeric()
                }
                _ => false,
            };
            if ends {
                return &line[..at + c.len_utf8()];
            }
        }
    }
    line
}

fn strip_attribution(sentence: &str) -> &str {
    let s = sentence.trim_end_matches(['.', '!', '…']);
    if let Some(m) = ATTRIBUTION.find(s)
        && m.end() == s.len()
        && let Some(cut) = s[..m.start()].rfind(',')
    {
        return s[..cut].trim_end();
    }
    sentence
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn dates_in_metadata() {
        assert_eq!(parse_date("2024-05-17"), d(2024, 5, 17));
        assert_eq!(parse_date("2024-05-17T10:00:00+06:00"), d(2024, 5, 17));
        assert_eq!(parse_date("17.05.2024"), d(2024, 5, 17));
        assert_eq!(parse_date("17 мая 2024"), d(2024, 5, 17));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("вчера"), None);
    }

    #[test]
    fn dates_in_file_names() {
        assert_eq!(
            date_from_file_name("2024-05-17-vstrecha.txt"),
            d(2024, 5, 17)
        );
        assert_eq!(date_from_file_name("news_20190301.html"), d(2019, 3, 1));
        assert_eq!(date_from_file_name("report-123456789.txt"), None);
        assert_eq!(date_from_file_name("notes.txt"), None);
    }

    #[test]
    fn sources_from_attribution() {
        assert_eq!(
            source_from_text("встреча прошла в Алматы, сообщает Zakon.kz."),
            Some("Zakon.kz".into())
        );
        assert_eq!(
            source_from_text("Об этом передает корреспондент Kazinform."),
            Some("Kazinform".into())
        );
        assert_eq!(source_from_text("по данным ТАСС, "), Some("ТАСС".into()));
        assert_eq!(
            source_from_text("сообщает МИА «Казинформ»"),
            Some("Казинформ".into())
        );
        assert_eq!(
            source_from_text("как сообщает РИА Новости, сделка"),
            Some("РИА Новости".into())
        );
        assert_eq!(source_from_text("сообщает пресс-служба министерства"), None);
        assert_eq!(source_from_text("сообщает Министерство финансов"), None);
        assert_eq!(
            source_from_text("передает Kazinform Ерлан Карин отметил"),
            Some("Kazinform".into())
        );
    }

    #[test]
    fn url_host_and_folder() {
        assert_eq!(
            host_of("https://www.Zakon.kz/news/1"),
            Some("zakon.kz".into())
        );
        assert_eq!(
            source_from_folder(Path::new("c/kazinform/a.txt"), Path::new("c")),
            Some("kazinform".into())
        );
        assert_eq!(
            source_from_folder(Path::new("c/a.txt"), Path::new("c")),
            None
        );
    }

    #[test]
    fn titles() {
        let (t, rest) = infer_title("Новый закон принят\n\nДепутаты одобрили закон.");
        assert_eq!(t, "Новый закон принят");
        assert_eq!(rest.as_deref(), Some("Депутаты одобрили закон."));

        let (t, rest) = infer_title(
            "В Алматы прошла встреча, сообщает Zakon.kz. Стороны обсудили планы.\n\nЕщё абзац.",
        );
        assert_eq!(t, "В Алматы прошла встреча");
        assert!(rest.is_none());

        let long = "слово ".repeat(60);
        let (t, _) = infer_title(&format!("{long}."));
        assert!(t.chars().count() <= MAX_TITLE_CHARS + 1 && t.ends_with('…'));
    }
}
