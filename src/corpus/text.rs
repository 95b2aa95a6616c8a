//! Plain text and Markdown: an optional metadata header or `---` front matter, then the body.

use super::article::Fields;

/// Reads a `.txt` file: `Key: value` header lines (English or Russian keys) up to the first
/// blank line, or `---` front matter, then the body.
pub(crate) fn read_text(content: &str) -> Fields {
    let (mut fields, body) = split_metadata(content);
    fields.text = body.trim().to_string();
    fields
}

/// Reads a `.md` file like a text file, then renders the Markdown body to plain text; the
/// first `# heading` becomes the title when the metadata gives none.
pub(crate) fn read_markdown(content: &str) -> Fields {
    let (mut fields, body) = split_metadata(content);
    let (heading, text) = markdown_to_text(body);
    if fields.title.is_none()
        && let Some(h) = heading
    {
        fields.title = Some(h);
    }
    fields.text = text;
    fields
}

/// Splits the metadata block from the body. Only a block whose first line is a known key
/// counts as a header, so a body that starts "Москва: ..." is not mistaken for one.
fn split_metadata(content: &str) -> (Fields, &str) {
    let mut fields = Fields::default();
    let content = content.trim_start_matches(['\n', ' ', '\t']);
    if let Some(rest) = content.strip_prefix("---\n")
        && let Some(end) = find_front_matter_end(rest)
    {
        for line in rest[..end].lines() {
            if let Some((key, value)) = line.split_once(':') {
                set_field(&mut fields, key, unquote(value.trim()));
            }
        }
        let after = &rest[end..];
        let body = after.split_once('\n').map(|(_, b)| b).unwrap_or("");
        return (fields, body);
    }
    let mut offset = 0;
    let mut any = false;
    for line in content.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if any {
                offset += line.len();
            }
            break;
        }
        match trimmed.split_once(':') {
            Some((key, value)) if set_field(&mut fields, key, value.trim()) => {
                any = true;
                offset += line.len();
            }
            _ => break,
        }
    }
    if !any {
        return (Fields::default(), content);
    }
    (fields, &content[offset..])
}

fn find_front_matter_end(rest: &str) -> Option<usize> {
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// Stores a header value under its field; false when the key is not one vestnik knows.
fn set_field(fields: &mut Fields, key: &str, value: &str) -> bool {
    let slot = match key.trim().to_lowercase().as_str() {
        "title" | "заголовок" => &mut fields.title,
        "date" | "дата" | "published" => &mut fields.date,
        "source" | "источник" => &mut fields.source,
        "url" | "link" | "ссылка" => &mut fields.url,
        "author" | "автор" => &mut fields.author,
        "id" => &mut fields.id,
        _ => return false,
    };
    if !value.is_empty() {
        *slot = Some(value.to_string());
    }
    true
}

/// Plain text of a Markdown document, paragraphs separated by blank lines, and its first
/// top-level heading.
/// Markdown as plain text: blocks and list items on lines of their own (a nested item is not
/// glued to its parent), table cells apart and rows on lines, no markup.
fn markdown_to_text(md: &str) -> (Option<String>, String) {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let mut text = String::new();
    let mut heading: Option<String> = None;
    let mut in_h1 = false;
    let mut h1_buf = String::new();
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Item | Tag::List(_))
            | Event::End(TagEnd::TableRow | TagEnd::TableHead)
                if !text.is_empty() && !text.ends_with('\n') =>
            {
                text.push('\n');
            }
            Event::End(TagEnd::TableCell) => text.push('\t'),
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if heading.is_none() => {
                in_h1 = true;
                h1_buf.clear();
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_h1 => {
                in_h1 = false;
                heading = Some(h1_buf.trim().to_string());
            }
            Event::Text(t) | Event::Code(t) => {
                if in_h1 {
                    h1_buf.push_str(&t);
                } else {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if in_h1 {
                    h1_buf.push(' ');
                } else {
                    text.push('\n');
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::Table,
            ) if !text.ends_with("\n\n") && !text.is_empty() => {
                text.push_str("\n\n");
            }
            _ => {}
        }
    }
    (heading, text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_lists_and_tables_keep_their_words_apart() {
        let (_, text) = markdown_to_text(
            "- первый\n  - второй\n- третий\n\n| Город | Население |\n| --- | --- |\n| Астана | 1,3 млн |\n",
        );
        assert!(
            !text.contains("первыйвторой") && !text.contains('|'),
            "{text:?}"
        );
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "первый",
                "второй",
                "третий",
                "Город",
                "Население",
                "Астана",
                "1,3",
                "млн"
            ]
        );
    }

    #[test]
    fn russian_header_then_body() {
        let f = read_text(
            "Заголовок: Встреча\nДата: 17.05.2024\nИсточник: Kazinform\n\nТекст новости.",
        );
        assert_eq!(f.title.as_deref(), Some("Встреча"));
        assert_eq!(f.date.as_deref(), Some("17.05.2024"));
        assert_eq!(f.source.as_deref(), Some("Kazinform"));
        assert_eq!(f.text, "Текст новости.");
    }

    #[test]
    fn front_matter() {
        let f = read_text(
            "---\ntitle: \"Заголовок: с двоеточием\"\nurl: https://x.kz/a\ntags: [a]\n---\nТело.",
        );
        assert_eq!(f.title.as_deref(), Some("Заголовок: с двоеточием"));
        assert_eq!(f.url.as_deref(), Some("https://x.kz/a"));
        assert_eq!(f.text, "Тело.");
    }

    #[test]
    fn body_starting_with_colon_is_not_a_header() {
        let f = read_text("Москва: сегодня прошла встреча.\n\nВторой абзац.");
        assert!(f.title.is_none());
        assert!(f.text.starts_with("Москва:"));
    }

    #[test]
    fn markdown_heading_becomes_title() {
        let f = read_markdown("# Новый **закон**\n\nПервый *абзац*.\n\n- пункт");
        assert_eq!(f.title.as_deref(), Some("Новый закон"));
        assert_eq!(f.text, "Первый абзац.\n\nпункт");
    }
}
