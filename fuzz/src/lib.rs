//! What every file-reader fuzz target checks, for the format its file extension names: any
//! bytes, read as a whole file (`corpus::parse`, which `vestnik index` uses for txt, md and
//! html) and, for JSON and JSON Lines, also streamed record by record from disk
//! (`corpus::records`, which the indexer uses for those), become articles and skips, never a
//! panic, a hang or an unbounded allocation (libFuzzer's `-timeout` and `-rss_limit_mb`).

use std::path::PathBuf;
use std::sync::LazyLock;

use vestnik::corpus::{Article, Found, ReadOptions, Skip, parse, records};

/// A folder of this fuzzing process's own, for the file the streamed reader opens.
static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("vestnik-fuzz-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
});

/// Reads `data` as a file named `2024-05-17-fuzz.EXT` (a date in the name, as archives name
/// files, so that date inference runs too) and checks what comes back.
pub fn read_as(data: &[u8], ext: &str) {
    let found = Found {
        path: DIR.join(format!("2024-05-17-fuzz.{ext}")),
        root: DIR.clone(),
    };
    let opts = ReadOptions::default();
    let contents = parse(data, &found, &opts);
    // Every file is accounted for: an article or a skip with a reason.
    assert!(!contents.articles.is_empty() || !contents.skips.is_empty());
    contents
        .articles
        .iter()
        .for_each(|a| article(a, &found, data));
    contents.skips.iter().for_each(|s| skip(s, &found));
    if matches!(ext, "json" | "jsonl") {
        std::fs::write(&found.path, data).expect("the temporary file is written");
        if let Ok(streamed) = records(&found, &opts) {
            for record in streamed {
                match record {
                    Ok(a) => article(&a, &found, data),
                    Err(s) => skip(&s, &found),
                }
            }
        }
    }
}

fn article(a: &Article, found: &Found, data: &[u8]) {
    assert!(!a.id.is_empty(), "an article without an id: {a:?}");
    assert_eq!(a.path, found.path);
    assert!(
        a.repaired <= data.len(),
        "{} bytes repaired of {}",
        a.repaired,
        data.len()
    );
}

fn skip(s: &Skip, found: &Found) {
    assert_eq!(s.path, found.path);
    assert!(!s.reason.kind().is_empty());
}
