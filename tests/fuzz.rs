//! Property tests: whatever bytes a file holds and whatever a user types as a query, vestnik
//! answers with articles, skips or errors, and never panics.

mod common;

use std::path::PathBuf;

use proptest::prelude::*;
use vestnik::corpus::{self, Found, ReadOptions, parse};
use vestnik::search::SearchRequest;

fn found(name: &str) -> Found {
    Found {
        path: PathBuf::from("archive").join(name),
        root: PathBuf::from("archive"),
    }
}

/// Bytes that look like the start of real files more often than uniform noise does.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        "(?s)(---\n|Заголовок: |Дата: |Title: |\\{\"|\\[|<html>|<meta |# ).{0,300}"
            .prop_map(|s| s.into_bytes()),
        (any::<String>(), 0usize..3).prop_map(|(s, enc)| match enc {
            0 => encoding_rs::WINDOWS_1251.encode(&s).0.into_owned(),
            1 => encoding_rs::KOI8_R.encode(&s).0.into_owned(),
            _ => [0xFF, 0xFE]
                .into_iter()
                .chain(s.encode_utf16().flat_map(|u| u.to_le_bytes()))
                .collect(),
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn readers_never_panic(bytes in file_bytes(), ext in prop::sample::select(vec!["txt", "md", "json", "jsonl", "html"])) {
        let contents = parse(&bytes, &found(&format!("2024-05-17-x.{ext}")), &ReadOptions::default());
        // Every record is accounted for: an article or a skip with a reason.
        prop_assert!(!contents.articles.is_empty() || !contents.skips.is_empty());
        for a in &contents.articles {
            prop_assert!(!a.id.is_empty());
        }
    }

    #[test]
    fn encoding_detection_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(decoded) = corpus::decode(&bytes, None) {
            prop_assert!(!decoded.encoding.name().is_empty());
        }
    }

    #[test]
    fn metadata_inference_never_panics(text in "\\PC{0,200}") {
        let _ = corpus::infer::parse_date(&text);
        let _ = corpus::dateline::publication_date("", &text);
        let _ = corpus::infer::date_from_file_name(&text);
        let _ = corpus::infer::source_from_text(&text);
    }

    #[test]
    fn publication_dates_never_panic(text in "([0-9]{1,4}|мая|года|г\\.|в|понедельник|сегодня|вчера|Астана|[,.:—\n -]){0,40}") {
        let _ = corpus::dateline::publication_date("", &text);
    }

    #[test]
    fn entity_extraction_never_panics(text in prop_oneof![
        "\\PC{0,300}",
        "([А-ЯЁ][а-яё]{0,8}|[а-яё]{1,8}|[«»().,;:\"-]|\n| ){0,60}",
    ]) {
        let ex = vestnik::entities::Extractor::shipped();
        let chars = text.chars().count();
        for m in ex.extract(&text) {
            prop_assert!(m.start < m.end && m.end <= chars);
        }
    }

    #[test]
    fn queries_never_panic(query in prop_oneof![
        "\\PC{0,60}",
        "[a-zа-я\"()\\[\\]{}:+\\-*~^ ]{0,40}",
        "(title|body|source|date|foo):[\\[{]?[0-9\\-*]{0,12}( TO [0-9\\-*]{0,12})?[\\]}]?",
        "date:[<>=]{0,2}(none|NONE|\"none\")",
        "(person|org|loc):\"?[A-Za-zА-Яа-яё \\-]{0,20}\"?",
    ]) {
        let mut req = SearchRequest::new(query);
        req.limit = 3;
        // Ok or a typed error; a panic fails the test.
        let _ = common::searcher().search(&req);
    }
}
