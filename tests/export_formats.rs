//! `vestnik export --to opensearch` and `--to quickwit` on a tiny fixed archive
//! (`tests/golden/input/`, three articles indexed for real): the files written equal the
//! golden files in `tests/golden/opensearch/` and `tests/golden/quickwit/`, and are what the
//! engines read: every document's fields are declared by the strict mapping, every `_bulk`
//! document follows its action line. After a deliberate change, `VESTNIK_BLESS=1 cargo test
//! --test export_formats` rewrites the golden files (review the diff before committing).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn golden(name: &str) -> PathBuf {
    common::repo().join("tests").join("golden").join(name)
}

/// A fresh index of the fixed input.
fn index() -> (tempfile::TempDir, PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let index = work.path().join("index");
    common::vestnik()
        .arg("index")
        .arg(golden("input"))
        .arg("--index")
        .arg(&index)
        .assert()
        .success();
    (work, index)
}

fn export(index: &Path, to: &str, out: &Path, more: &[&str]) {
    common::vestnik()
        .args(["export", "--to", to, "--index"])
        .arg(index)
        .arg(out)
        .args(more)
        .assert()
        .success();
}

/// A written file as it is compared: JSON Lines sorted, since the index's workers store
/// articles in no fixed order (each line stands alone; pairs of `_bulk` lines are checked
/// apart).
fn canonical(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "ndjson") {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_unstable();
        lines.iter().map(|l| format!("{l}\n")).collect()
    } else {
        text
    }
}

/// Each file of `files` in `out` equals its golden copy in `tests/golden/NAME/`.
fn same_as_golden(name: &str, out: &Path, files: &[&str]) {
    let dir = golden(name);
    if std::env::var_os("VESTNIK_BLESS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for f in files {
            std::fs::write(dir.join(f), canonical(&out.join(f))).unwrap();
        }
    }
    for f in files {
        let got = canonical(&out.join(f));
        let want = std::fs::read_to_string(dir.join(f))
            .unwrap_or_else(|e| panic!("{name}/{f}: {e} (VESTNIK_BLESS=1 writes it)"));
        assert!(
            got == want,
            "{name}/{f} differs from tests/golden/{name}/{f}:\n{got}"
        );
    }
}

fn json_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn opensearch_files_are_the_golden_ones_and_fit_their_mapping() {
    let (work, index) = index();
    let out = work.path().join("opensearch");
    export(&index, "opensearch", &out, &["--shards", "3"]);
    same_as_golden(
        "opensearch",
        &out,
        &[
            "mapping.json",
            "bulk-0001.ndjson",
            "README.md",
            "entities.json",
        ],
    );

    let mapping: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("mapping.json")).unwrap()).unwrap();
    assert_eq!(mapping["settings"]["index"]["number_of_shards"], 3);
    assert_eq!(mapping["mappings"]["dynamic"], "strict");
    let declared = keys(&mapping["mappings"]["properties"]);
    let lines = json_lines(&out.join("bulk-0001.ndjson"));
    assert_eq!(lines.len(), 6, "an action and a document per article");
    let mut ids = BTreeSet::new();
    for pair in lines.chunks(2) {
        let (action, doc) = (&pair[0], &pair[1]);
        assert_eq!(action["index"]["_index"], "vestnik", "{action}");
        assert_eq!(action["index"]["_id"], doc["vid"], "{action} {doc}");
        assert!(ids.insert(action["index"]["_id"].to_string()), "{action}");
        // A strict mapping refuses a document with a field it does not declare.
        assert!(keys(doc).is_subset(&declared), "{doc}");
    }
    // The entity ids are keyword values, as entities.json names them.
    let entities: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("entities.json")).unwrap()).unwrap();
    let karin_id = entities["person"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"].as_str().unwrap_or_default().contains("Карин"))
        .map(|e| e["id"].clone())
        .expect("Ерлан Карин among the people");
    let doc = |vid: &str| {
        lines
            .iter()
            .find(|d| d["vid"] == vid)
            .unwrap_or_else(|| panic!("no document {vid}"))
    };
    let karin = doc("golden-1");
    assert!(
        karin["person"].as_array().unwrap().contains(&karin_id),
        "{karin}"
    );
    assert_eq!(karin["day"], 20240517);
    assert!(!karin["headline_words"].as_str().unwrap().is_empty());
    // An article without a title of its own: no headline, as locally.
    assert_eq!(doc("golden-3")["headline_words"], "");
}

#[test]
fn quickwit_files_are_the_golden_ones_and_fit_their_config() {
    let (work, index) = index();
    let out = work.path().join("quickwit");
    export(&index, "quickwit", &out, &[]);
    same_as_golden(
        "quickwit",
        &out,
        &["index-config.yaml", "docs.ndjson", "README.md"],
    );
    let config = std::fs::read_to_string(out.join("index-config.yaml")).unwrap();
    let declared: BTreeSet<String> = config
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- name: "))
        .map(str::to_string)
        .collect();
    let docs = json_lines(&out.join("docs.ndjson"));
    assert_eq!(docs.len(), 3);
    for doc in &docs {
        assert!(keys(doc).is_subset(&declared), "{doc}");
    }
}

#[test]
fn options_of_other_engines_are_refused() {
    let (work, index) = index();
    for (to, flag) in [
        ("quickwit", &["--shards", "2"][..]),
        ("opensearch", &["--port", "9306"]),
        ("quickwit", &["--no-build"]),
    ] {
        let out = common::vestnik()
            .args(["export", "--to", to, "--index"])
            .arg(&index)
            .arg(work.path().join("x"))
            .args(flag)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{to} {flag:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag[0]), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}
