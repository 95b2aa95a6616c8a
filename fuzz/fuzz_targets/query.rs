//! The query engine on any query text: parsing, vestnik's rewrites (dates, entities, `field:*`)
//! and the search itself, over a real index of the bundled corpus and of articles that repeat
//! common words as densely as text can. Every query ends with an answer or a one-line error a
//! user can act on (a bad query, or its time budget spent), never a panic, a stack overflow or
//! an unbounded allocation (libFuzzer's `-rss_limit_mb` catches those). Run with
//! `cargo +nightly fuzz run query` (see the README).
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use vestnik::search::{Budget, SearchError, SearchRequest, Searcher};

/// Each query's budget: well above what any query of this small index takes, so that a spent
/// one marks work out of proportion, which libFuzzer's `-timeout` then reports as a hang.
const BUDGET: Duration = Duration::from_secs(2);

/// The index, built once per fuzzing process in a temporary folder.
static SEARCHER: LazyLock<Searcher> = LazyLock::new(|| {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = std::env::temp_dir().join(format!("vestnik-fuzz-query-{}", std::process::id()));
    let dense = dir.join("dense");
    std::fs::create_dir_all(&dense).expect("temporary folder");
    let every_other: String = (0..600).map(|i| format!("в доме{i} ")).collect();
    for (name, body) in [
        ("2024-01-10-every-other.txt", every_other),
        ("2024-01-11-alternating.txt", "в на ".repeat(600)),
        ("2024-01-12-same.txt", "Москва ".repeat(1200)),
    ] {
        std::fs::write(dense.join(name), format!("Title: {name}\n\n{body}")).expect("write");
    }
    let index = dir.join("index");
    vestnik::index::build(
        &[repo.join("corpus"), dense],
        &index,
        &vestnik::index::BuildOptions::default(),
        &(),
    )
    .expect("the index builds");
    Searcher::open(&index).expect("the index opens")
});

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let mut req = SearchRequest::new(query);
    req.limit = 3;
    req.budget = Budget::new(BUDGET);
    match SEARCHER.search(&req) {
        Ok(result) => assert!(result.hits.len() <= 3),
        Err(e @ (SearchError::Query(_) | SearchError::Timeout(_))) => {
            let message = e.to_string();
            assert!(!message.contains('\n'), "{message:?}");
            assert!(message.chars().count() < 1_000, "{message:?}");
        }
        Err(other) => panic!("{query:?}: {other}"),
    }
});
