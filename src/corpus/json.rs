//! JSON (one object or an array of objects) and JSON Lines (one object per line).

use serde_json::{Map, Value};

use super::article::{Fields, SkipReason};

type Record = (Option<usize>, Result<Fields, SkipReason>);

/// Reads a `.json` file. A single object is one article with no record number; an array gives
/// one record per element, numbered from 1, and a bad element loses only itself.
pub(crate) fn read_json(content: &str) -> Result<Vec<Record>, SkipReason> {
    let value: Value =
        serde_json::from_str(content).map_err(|e| SkipReason::InvalidJson(e.to_string()))?;
    match value {
        Value::Object(map) => Ok(vec![(None, Ok(fields_of(&map)))]),
        Value::Array(items) => Ok(items
            .iter()
            .enumerate()
            .map(|(i, item)| (Some(i + 1), object_fields(item)))
            .collect()),
        _ => Err(SkipReason::NotAnObject),
    }
}

/// Reads a `.jsonl` file; each line is its own record, numbered by its line, so one broken line
/// is reported and the rest are kept.
pub(crate) fn read_jsonl(content: &str) -> Vec<Record> {
    content
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| (Some(i + 1), record_fields(line)))
        .collect()
}

/// One JSON Lines record: a line that must hold a JSON object.
pub(crate) fn record_fields(line: &str) -> Result<Fields, SkipReason> {
    serde_json::from_str::<Value>(line)
        .map_err(|e| SkipReason::InvalidJson(e.to_string()))
        .and_then(|v| object_fields(&v))
}

fn object_fields(value: &Value) -> Result<Fields, SkipReason> {
    match value {
        Value::Object(map) => Ok(fields_of(map)),
        _ => Err(SkipReason::NotAnObject),
    }
}

fn fields_of(map: &Map<String, Value>) -> Fields {
    let get = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| match map.get(*k)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    Fields {
        id: get(&["id"]),
        title: get(&["title", "headline"]),
        date: get(&["date", "published", "published_at", "pubDate"]),
        source: get(&["source", "site"]),
        url: get(&["url", "link"]),
        author: get(&["author", "byline"]),
        text: get(&["text", "body", "content"]).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_array_and_aliases() {
        let one = read_json(r#"{"id": 7, "body": "Текст", "link": "https://a.kz"}"#).unwrap();
        let f = one[0].1.as_ref().unwrap();
        assert_eq!(one[0].0, None);
        assert_eq!(f.id.as_deref(), Some("7"));
        assert_eq!(f.text, "Текст");
        assert_eq!(f.url.as_deref(), Some("https://a.kz"));

        let many = read_json(r#"[{"content": "a"}, 5]"#).unwrap();
        assert_eq!(many[0].0, Some(1));
        assert!(many[1].1.is_err());
    }

    #[test]
    fn one_bad_jsonl_line_loses_only_itself() {
        let recs = read_jsonl("{\"text\": \"a\"}\n{broken\n\n{\"text\": \"b\"}\n");
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[1].0, Some(2));
        assert!(recs[1].1.is_err());
        assert_eq!(recs[2].0, Some(4));
        assert!(recs[2].1.is_ok());
    }
}
