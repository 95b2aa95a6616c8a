//! Archives that grow: an index remembers the folders it was built from, so a second folder
//! adds to it, `vestnik index` alone updates them all and `--remove` drops one; and records
//! that name their own ids are articles of their own. Real files, a real index, the binary.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::{json_of, vestnik};
use serde_json::Value;

fn write(dir: &Path, name: &str, title: &str, body: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(name), format!("Заголовок: {title}\n\n{body}")).unwrap();
}

/// `vestnik index ARGS... --index INDEX --format json`, which must succeed.
fn index(index: &Path, args: &[&str]) -> Value {
    json_of(
        vestnik()
            .current_dir(index.parent().unwrap())
            .arg("index")
            .args(args)
            .args(["--format", "json", "--index"])
            .arg(index),
    )
}

/// Every stored id, through the same search a user runs.
fn ids(index: &Path) -> BTreeSet<String> {
    let out = json_of(
        vestnik()
            .args([
                "search",
                "*",
                "--no-group",
                "--limit",
                "1000",
                "--format",
                "json",
            ])
            .arg("--index")
            .arg(index),
    );
    out["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_second_folder_adds_and_remove_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    write(&a, "1.txt", "Школы", "Министр открыл новую школу в Астане.");
    write(
        &a,
        "2.txt",
        "Дороги",
        "Аким проверил ремонт дорог в Шымкенте.",
    );
    write(&b, "3.txt", "Больницы", "В Караганде построят больницу.");
    let idx = dir.path().join("idx");

    index(&idx, &["a"]);
    let second = index(&idx, &["b"]);
    assert_eq!(second["deleted"], 0, "{second:#}");
    assert_eq!(second["articles"], 3);
    let roots: Vec<&str> = second["roots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(roots, ["a", "b"]);
    assert_eq!(ids(&idx), set(&["1.txt", "2.txt", "3.txt"]));

    // With no path, every root is brought up to date; the same root in another spelling is
    // not a second root.
    write(&a, "4.txt", "Парки", "В Алматы открыли парк.");
    fs::remove_file(b.join("3.txt")).unwrap();
    write(&b, "5.txt", "Мосты", "В Павлодаре отремонтировали мост.");
    let update = index(&idx, &[]);
    assert_eq!(
        (update["added"].as_u64(), update["deleted"].as_u64()),
        (Some(2), Some(1))
    );
    let again = index(&idx, &["./a/"]);
    assert_eq!(again["roots"].as_array().unwrap().len(), 2, "{again:#}");
    assert_eq!(again["written"], 0);
    assert_eq!(ids(&idx), set(&["1.txt", "2.txt", "4.txt", "5.txt"]));

    // The incremental index equals a fresh build of the same roots.
    let fresh = dir.path().join("fresh");
    index(&fresh, &["a", "b"]);
    assert_eq!(ids(&idx), ids(&fresh));

    let removed = index(&idx, &["--remove", "b"]);
    assert_eq!(removed["removed"], serde_json::json!(["b"]));
    assert_eq!(ids(&idx), set(&["1.txt", "2.txt", "4.txt"]));

    // A root the index does not have is a one-line error, and nothing changes.
    let out = vestnik()
        .current_dir(dir.path())
        .args(["index", "--remove", "nowhere", "--index", "idx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("not a root of this index (its roots: a)"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(ids(&idx), set(&["1.txt", "2.txt", "4.txt"]));
}

#[test]
fn a_root_that_disappears_keeps_its_articles_until_removed() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let disk = dir.path().join("disk");
    write(&a, "1.txt", "Школы", "Министр открыл новую школу в Астане.");
    write(
        &disk,
        "2.txt",
        "Дороги",
        "Аким проверил ремонт дорог в Шымкенте.",
    );
    let idx = dir.path().join("idx");
    index(&idx, &["a", "disk"]);
    fs::rename(&disk, dir.path().join("unmounted")).unwrap();

    let out = vestnik()
        .current_dir(dir.path())
        .args(["index", "--index", "idx"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("disk no longer exists; its articles are kept"),
        "{err}"
    );
    assert_eq!(ids(&idx), set(&["1.txt", "2.txt"]));

    index(&idx, &["--remove", "disk"]);
    assert_eq!(ids(&idx), set(&["1.txt"]));
}

#[test]
fn an_index_from_before_roots_is_never_emptied_by_another_folder() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    write(&a, "1.txt", "Школы", "Министр открыл новую школу в Астане.");
    write(
        &b,
        "2.txt",
        "Дороги",
        "Аким проверил ремонт дорог в Шымкенте.",
    );
    let idx = dir.path().join("idx");
    index(&idx, &["a"]);
    // What an index written by an older vestnik looks like.
    fs::remove_file(idx.join("vestnik-roots.json")).unwrap();

    let out = vestnik()
        .current_dir(dir.path())
        .args(["index", "b", "--index", "idx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("holds 1 file outside b"), "{err}");
    assert_eq!(ids(&idx), set(&["1.txt"]));

    // Naming its folder once records it; then the second folder adds.
    index(&idx, &["a"]);
    index(&idx, &["b"]);
    assert_eq!(ids(&idx), set(&["1.txt", "2.txt"]));
}

#[test]
fn an_index_inside_the_archive_does_not_read_itself() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    write(&a, "1.txt", "Школы", "Министр открыл новую школу в Астане.");
    let idx = a.join("index");
    index(&idx, &["."]);
    let again = index(&idx, &[]);
    assert_eq!(again["files"], 1, "{again:#}");
    assert_eq!(again["skipped"], serde_json::json!([]));
    assert_eq!(ids(&idx), set(&["1.txt"]));
}

#[test]
fn records_with_their_own_ids_are_articles_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    let text = "Министерство энергетики сообщило о завершении ремонта на трех \
        теплоэлектроцентралях региона. Работы были выполнены в срок, несмотря на сложные погодные \
        условия и нехватку специалистов. В ведомстве отметили, что отопительный сезон начнется по \
        графику во всех городах области, а резерв топлива сформирован с запасом на два месяца.";
    let records: Vec<String> = ["r-1", "r-2", "r-3"]
        .iter()
        .map(|id| serde_json::json!({"id": id, "title": "Ремонт ТЭЦ", "text": text}).to_string())
        .collect();
    fs::write(src.join("feed.jsonl"), records.join("\n")).unwrap();
    // The same file twice under another name is still three articles, not six.
    fs::copy(src.join("feed.jsonl"), src.join("copy.jsonl")).unwrap();
    let idx = dir.path().join("idx");
    let summary = index(&idx, &["src"]);
    assert_eq!(summary["articles"], 3, "{summary:#}");
    assert_eq!(ids(&idx), set(&["r-1", "r-2", "r-3"]));
    for id in ["r-1", "r-2", "r-3"] {
        let hit = json_of(
            vestnik()
                .args(["search", &format!("id:{id}"), "--format", "json", "--index"])
                .arg(&idx),
        );
        assert_eq!(hit["total"], 1, "{id}: {hit:#}");
    }
    // Identical texts are one release: one hit, the other two listed as its versions.
    let grouped = json_of(
        vestnik()
            .args(["search", "ремонт", "--format", "json", "--index"])
            .arg(&idx),
    );
    let hits = grouped["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{grouped:#}");
    assert_eq!(hits[0]["duplicates"].as_array().unwrap().len(), 2);
}
