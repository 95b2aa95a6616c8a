//! Messy archives: legacy encodings, bad files, updates, crashes and concurrent writers, on
//! real files and a real index.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{json_of, vestnik};
use serde_json::Value;
use vestnik::index::{BuildOptions, BuildSummary};
use vestnik::search::{SearchRequest, Searcher};

const TEXT: &str = "Министерство просвещения сообщило о строительстве новых школ в сельских районах. \
    Учителя получат надбавки, а ученики - новые учебники.";

fn build(roots: &[PathBuf], index: &Path) -> BuildSummary {
    vestnik::index::build(roots, index, &BuildOptions::default(), &()).expect("build succeeds")
}

fn all_ids(index: &Path) -> BTreeSet<String> {
    let mut req = SearchRequest::new("*");
    req.limit = 100_000;
    req.group = false;
    Searcher::open(index)
        .unwrap()
        .search(&req)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn search_json(index: &Path, query: &str) -> Value {
    json_of(
        vestnik()
            .args([
                "search", query, "--format", "json", "--limit", "100", "--index",
            ])
            .arg(index),
    )
}

#[test]
fn legacy_encodings_are_decoded_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(TEXT);
    let (koi8, _, _) = encoding_rs::KOI8_R.encode(TEXT);
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(TEXT.encode_utf16().flat_map(|u| u.to_be_bytes()))
        .collect();
    let utf8_bom: Vec<u8> = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
    let files: [(&str, &[u8], &str); 5] = [
        ("cp1251.txt", &cp1251, "windows-1251"),
        ("koi8.txt", &koi8, "KOI8-R"),
        ("utf16le.txt", &utf16le, "UTF-16LE"),
        ("utf16be.txt", &utf16be, "UTF-16BE"),
        ("bom.txt", &utf8_bom, "UTF-8"),
    ];
    for (name, bytes, _) in files {
        fs::write(src.join(name), bytes).unwrap();
    }
    let idx = dir.path().join("idx");
    let summary = build(std::slice::from_ref(&src), &idx);
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    // Identical text in five encodings is one article found under five paths.
    assert_eq!(summary.articles, 1);

    // Distinct texts per encoding: each is found by a Russian query in another word form.
    fs::remove_dir_all(&src).unwrap();
    fs::create_dir_all(&src).unwrap();
    for (i, (name, _, _)) in files.iter().enumerate() {
        let text = format!("{TEXT} Номер выпуска {i}.");
        let bytes: Vec<u8> = match *name {
            "cp1251.txt" => encoding_rs::WINDOWS_1251.encode(&text).0.into_owned(),
            "koi8.txt" => encoding_rs::KOI8_R.encode(&text).0.into_owned(),
            "utf16le.txt" => [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes()))
                .collect(),
            "utf16be.txt" => [0xFE, 0xFF]
                .into_iter()
                .chain(text.encode_utf16().flat_map(|u| u.to_be_bytes()))
                .collect(),
            _ => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        };
        fs::write(src.join(name), bytes).unwrap();
    }
    let summary = build(std::slice::from_ref(&src), &idx);
    assert_eq!(summary.articles, files.len());
    let v = search_json(&idx, "учебник AND школа");
    assert_eq!(v["total"], files.len());
    for (name, _, encoding) in files {
        let hit = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == name)
            .unwrap_or_else(|| panic!("{name} not found"));
        assert_eq!(hit["encoding"], encoding, "{name}");
        assert!(hit["snippet"].as_str().unwrap().contains("школ"), "{name}");
    }

    // --encoding forces one: KOI8-R bytes read as cp1251 no longer say "школ".
    let forced = dir.path().join("forced");
    let out = vestnik()
        .args(["index", "--encoding", "cp1251", "--index"])
        .arg(&forced)
        .arg(src.join("koi8.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = search_json(&forced, "*");
    assert_eq!(v["hits"][0]["encoding"], "windows-1251");
    assert_eq!(search_json(&forced, "школа")["total"], 0);
    let bad = vestnik()
        .args(["index", "--encoding", "klingon"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn every_good_file_is_kept_and_every_bad_one_explained() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let sub = src.join("sub");
    fs::create_dir_all(&sub).unwrap();
    let good = ["a.txt", "b.md", "c.html", "sub/d.json"];
    fs::write(src.join("a.txt"), "Хороший текст про школы.").unwrap();
    fs::write(src.join("b.md"), "# Заголовок\n\nТекст про учителей.").unwrap();
    fs::write(
        src.join("c.html"),
        "<html><body><p>Текст про больницы.</p></body></html>",
    )
    .unwrap();
    fs::write(
        sub.join("d.json"),
        r#"{"id": "d", "text": "Текст про дороги."}"#,
    )
    .unwrap();
    fs::write(
        src.join("e.jsonl"),
        "{\"id\": \"e1\", \"text\": \"Первая строка.\"}\n{\"id\": \"e2\", \"text\": broken}\n{\"id\": \"e3\", \"text\": \"Третья строка.\"}\n",
    )
    .unwrap();
    fs::write(src.join("empty.txt"), "").unwrap();
    fs::write(src.join("image.html"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    fs::write(src.join("broken.json"), "{\"title\": \"обрыв").unwrap();
    fs::write(
        src.join("blank.html"),
        "<html><head><script>x()</script></head><body> </body></html>",
    )
    .unwrap();
    fs::write(src.join("big.txt"), "слово ".repeat(40_000)).unwrap();
    fs::write(src.join("notes.docx"), "не наш формат").unwrap();
    // A FIFO would block a naive reader forever.
    let fifo = src.join("pipe.txt");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    // A symlink loop and a dangling link.
    std::os::unix::fs::symlink(&src, sub.join("loop")).unwrap();
    std::os::unix::fs::symlink(src.join("gone.txt"), src.join("dangling.txt")).unwrap();

    let idx = dir.path().join("idx");
    let out = vestnik()
        .args(["index", "--max-size", "100K", "--index"])
        .arg(&idx)
        .arg(&src)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    for (file, reason) in [
        ("e.jsonl:2", "invalid JSON"),
        ("empty.txt", "empty file"),
        ("image.html", "binary"),
        ("broken.json", "invalid JSON"),
        ("blank.html", "no text"),
        ("big.txt", "too large"),
        ("notes.docx", "unsupported file type"),
        ("loop", "symbolic link loop"),
        ("dangling.txt", "cannot read"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(file) && l.contains(reason)),
            "{file}: {reason}\n{err}"
        );
    }
    if made {
        assert!(
            err.lines()
                .any(|l| l.contains("pipe.txt") && l.contains("not a regular file")),
            "{err}"
        );
    }
    let ids = all_ids(&idx);
    for g in good {
        let id = if g.ends_with(".json") { "d" } else { g };
        assert!(ids.contains(id), "{g} missing from {ids:?}");
    }
    assert!(ids.contains("e1") && ids.contains("e3") && !ids.contains("e2"));
    assert_eq!(ids.len(), good.len() + 2);

    // --strict: the same run, but any skip is a failure (after indexing the good files).
    let strict = vestnik()
        .args(["index", "--strict", "--max-size", "100K", "--index"])
        .arg(&idx)
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("--strict"));
    assert_eq!(all_ids(&idx).len(), good.len() + 2);
}

fn segment_files(index: &Path) -> BTreeSet<(String, std::time::SystemTime)> {
    fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n == "meta.json" || n.len() > 32 && !n.starts_with('.')
        })
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn updates_add_change_delete_and_leave_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    for i in 0..5 {
        fs::write(
            src.join(format!("{i}.txt")),
            format!("Новость номер {i} о школах."),
        )
        .unwrap();
    }
    let idx = dir.path().join("idx");
    let first = build(std::slice::from_ref(&src), &idx);
    assert_eq!(
        (first.added, first.updated, first.deleted, first.unchanged),
        (5, 0, 0, 0)
    );
    assert_eq!(first.articles, 5);

    // Nothing changed: nothing is read, nothing is committed, no index file is touched.
    let before = segment_files(&idx);
    let same = build(std::slice::from_ref(&src), &idx);
    assert_eq!(
        (same.added, same.updated, same.deleted, same.unchanged),
        (0, 0, 0, 5)
    );
    assert_eq!((same.written, same.commits, same.bytes), (0, 0, 0));
    assert_eq!(segment_files(&idx), before);

    // Add one, change one, delete one; also touch one without changing it.
    fs::write(src.join("5.txt"), "Новость номер 5 о больницах.").unwrap();
    std::thread::sleep(Duration::from_millis(20));
    fs::write(
        src.join("1.txt"),
        "Новость номер 1 изменилась: теперь о дорогах.",
    )
    .unwrap();
    fs::remove_file(src.join("2.txt")).unwrap();
    let touched = fs::read(src.join("3.txt")).unwrap();
    fs::write(src.join("3.txt"), touched).unwrap();
    let next = build(std::slice::from_ref(&src), &idx);
    assert_eq!(
        (next.added, next.updated, next.deleted, next.unchanged),
        (1, 1, 1, 3)
    );
    assert_eq!(next.written, 2);
    assert_eq!(next.articles, 5);
    let ids = all_ids(&idx);
    assert_eq!(
        ids,
        ["0.txt", "1.txt", "3.txt", "4.txt", "5.txt"]
            .map(String::from)
            .into()
    );
    let v = search_json(&idx, "дорога");
    assert_eq!(v["total"], 1);
    assert_eq!(v["hits"][0]["id"], "1.txt");
    assert_eq!(search_json(&idx, "Новость AND номер AND 2")["total"], 0);

    // The same text under two paths is stored once, with both paths.
    fs::copy(src.join("0.txt"), src.join("copy-of-0.txt")).unwrap();
    let dup = build(std::slice::from_ref(&src), &idx);
    assert_eq!((dup.added, dup.articles), (1, 5));
    let v = search_json(&idx, "\"номер 0\"");
    assert_eq!(v["total"], 1);
    let paths: Vec<&str> = v["hits"][0]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2);
    assert!(
        paths[0].ends_with("0.txt") && paths[1].ends_with("copy-of-0.txt"),
        "{paths:?}"
    );

    // --rebuild starts over and ends with the same articles.
    let out = vestnik()
        .args(["index", "--rebuild", "--index"])
        .arg(&idx)
        .arg(&src)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("6 added"));
    assert_eq!(all_ids(&idx), ids);
}

/// Writes `n` distinct articles of a few paragraphs each.
fn write_many(dir: &Path, n: usize) {
    fs::create_dir_all(dir).unwrap();
    let paragraph = "Представители министерства провели встречу с жителями района и обсудили \
        строительство дорог, школ и больниц. Участники отметили важность диалога. ";
    for i in 0..n {
        fs::write(
            dir.join(format!("{i:05}.txt")),
            format!(
                "Заголовок: Выпуск {i}\n\n{}Выпуск номер {i}.",
                paragraph.repeat(8)
            ),
        )
        .unwrap();
    }
}

fn meta_of(index: &Path) -> Option<String> {
    fs::read_to_string(index.join("meta.json")).ok()
}

#[test]
fn a_killed_indexer_leaves_a_searchable_index_and_the_rerun_finishes_the_job() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    write_many(&src, 2000);
    let clean = dir.path().join("clean");
    let expected = build(std::slice::from_ref(&src), &clean);
    assert_eq!(expected.articles, 2000);

    let idx = dir.path().join("idx");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("vestnik"))
        .args(["index", "--commit-every", "100", "--index"])
        .arg(&idx)
        .arg(&src)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for the first commits, then kill it mid-run.
    let started = Instant::now();
    let mut commits = 0;
    let mut last = meta_of(&idx);
    while commits < 3 && started.elapsed() < Duration::from_secs(60) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let now = meta_of(&idx);
        if now != last {
            commits += 1;
            last = now;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // While it runs, a search sees the last commit.
    let searcher = Searcher::open(&idx).expect("the committed index opens while being written");
    let seen = searcher.search(&SearchRequest::new("*")).unwrap().total;
    // An indexer that finished first would test nothing: that is a failure, not a pass.
    assert!(
        child.try_wait().unwrap().is_none(),
        "the indexer finished before it could be killed ({commits} commits seen)"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let after_kill = Searcher::open(&idx).expect("the index opens after SIGKILL");
    let committed = after_kill.search(&SearchRequest::new("*")).unwrap().total;
    assert!(
        committed >= seen && committed <= 2000,
        "{seen} then {committed}"
    );
    eprintln!(
        "killed after {commits} commits: {seen} articles seen while running, {committed} committed"
    );
    assert!(
        after_kill
            .search(&SearchRequest::new("школы"))
            .unwrap()
            .total
            == committed
    );

    let rerun = build(std::slice::from_ref(&src), &idx);
    assert_eq!(rerun.articles, 2000);
    assert_eq!(all_ids(&idx), all_ids(&clean));
}

#[test]
fn a_second_indexer_is_told_about_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("a.txt"), "Текст.").unwrap();
    let idx = dir.path().join("idx");
    build(std::slice::from_ref(&src), &idx);

    // Hold the writer lock the way a running indexer does.
    let index = tantivy::Index::open_in_dir(&idx).unwrap();
    let writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    let out = vestnik()
        .arg("index")
        .arg(&src)
        .arg("--index")
        .arg(&idx)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("another `vestnik index` is writing"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    drop(writer);
    vestnik()
        .arg("index")
        .arg(&src)
        .arg("--index")
        .arg(&idx)
        .assert()
        .success();
}

#[test]
fn a_feed_dump_far_over_the_size_limit_is_read_record_by_record() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    let mut feed: Vec<u8> = Vec::new();
    for i in 1..=2000 {
        let record = serde_json::json!({
            "id": format!("n{i}"),
            "title": format!("Выпуск {i}"),
            "text": format!("{TEXT} Выпуск номер {i}."),
        });
        feed.extend(record.to_string().as_bytes());
        feed.push(b'\n');
        match i {
            // One record in Windows-1251 in a UTF-8 feed.
            500 => {
                let text = format!("{{\"id\": \"cp\", \"text\": \"{TEXT}\"}}\n");
                feed.extend(encoding_rs::WINDOWS_1251.encode(&text).0.iter());
            }
            // One record with a NUL byte, one that is not JSON, one far over the limit.
            1000 => feed.extend(b"{\"id\": \"nul\", \"text\": \"a\0b\"}\n"),
            1500 => feed.extend(b"{broken\n"),
            1800 => {
                let big = serde_json::json!({"id": "big", "text": TEXT.repeat(1000)});
                feed.extend(big.to_string().as_bytes());
                feed.push(b'\n');
            }
            _ => {}
        }
    }
    fs::write(src.join("feed.jsonl"), &feed).unwrap();
    let limit = 64 * 1024;
    assert!(feed.len() > 10 * limit);

    let idx = dir.path().join("idx");
    let out = json_of(
        vestnik()
            .args(["index", "--max-size", "64K", "--commit-every", "300"])
            .args(["--format", "json", "--index"])
            .arg(&idx)
            .arg(&src),
    );
    // Every good record is an article, the cp1251 one included; each bad one is named by line.
    assert_eq!(out["articles"], 2001, "{out:#}");
    assert!(out["commits"].as_u64().unwrap() >= 6, "{out:#}");
    let skipped: Vec<(u64, &str)> = out["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["record"].as_u64().unwrap(), s["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        skipped,
        [
            (1002, "binary"),
            (1503, "invalid JSON"),
            (1804, "too large")
        ],
        "{out:#}"
    );
    let ids = all_ids(&idx);
    assert!(ids.contains("cp") && ids.contains("n1") && ids.contains("n2000"));
    assert!(!ids.contains("big"));
    let cp = search_json(&idx, "id:cp");
    assert_eq!(cp["hits"][0]["encoding"], "windows-1251", "{cp:#}");
}

/// A JSON array is a container like a JSONL feed: read element by element far over the size
/// limit, a bad element losing only itself (named by its number), ids as a whole read gives.
#[test]
fn a_json_array_far_over_the_size_limit_is_read_element_by_element() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    let mut items: Vec<String> = Vec::new();
    for i in 1..=1500 {
        let record = match i {
            300 => "{broken: [1, 2}".to_string(),
            600 => "\"not an object\"".to_string(),
            900 => serde_json::json!({"id": "big", "text": TEXT.repeat(1000)}).to_string(),
            1200 => serde_json::json!({"title": "Без id", "text": format!("{TEXT} Без номера.")})
                .to_string(),
            _ => serde_json::json!({
                "id": format!("a{i}"),
                "text": format!("{TEXT} Запись [{i}], {{скобки}} и \"кавычки\"."),
            })
            .to_string(),
        };
        items.push(record);
    }
    let array = format!("\u{feff}[\n  {}\n]\n", items.join(",\n  "));
    fs::write(src.join("dump.json"), &array).unwrap();
    let limit = 64 * 1024;
    assert!(array.len() > 10 * limit);

    let idx = dir.path().join("idx");
    let out = json_of(
        vestnik()
            .args(["index", "--max-size", "64K", "--commit-every", "300"])
            .args(["--format", "json", "--index"])
            .arg(&idx)
            .arg(&src),
    );
    assert_eq!(out["articles"], 1497, "{out:#}");
    assert!(out["commits"].as_u64().unwrap() >= 4, "{out:#}");
    let skipped: Vec<(u64, &str)> = out["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["record"].as_u64().unwrap(), s["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        skipped,
        [
            (300, "invalid JSON"),
            (600, "not a JSON object"),
            (900, "too large")
        ],
        "{out:#}"
    );
    let ids = all_ids(&idx);
    assert!(ids.contains("a1") && ids.contains("a1500") && !ids.contains("big"));
    // The record without an id gets the id a whole read of the file gives it (of a copy whose
    // bad elements are empty objects, since a whole read cannot parse the original at all).
    let copy = dir.path().join("copy");
    fs::create_dir_all(&copy).unwrap();
    for bad in [299, 599, 899] {
        items[bad] = "{}".to_string();
    }
    fs::write(copy.join("dump.json"), format!("[{}]", items.join(","))).unwrap();
    let whole = vestnik_lib_id(&copy.join("dump.json"), &copy, "Без номера");
    assert!(ids.contains(&whole), "{whole} not in the index");
}

/// The id `vestnik` gives the record whose text contains `needle` when the whole file is read
/// at once (no size limit), to compare with the streamed read.
fn vestnik_lib_id(path: &Path, root: &Path, needle: &str) -> String {
    let found = vestnik::corpus::Found {
        path: path.to_path_buf(),
        root: root.to_path_buf(),
    };
    let opts = vestnik::corpus::ReadOptions {
        encoding: None,
        max_size: u64::MAX,
    };
    let contents = vestnik::corpus::read(&found, &opts);
    contents
        .articles
        .iter()
        .find(|a| a.body.contains(needle))
        .map(|a| a.id.clone())
        .expect("the record is read whole")
}

/// Starts `vestnik index` on `src`, waits for its first commits and sends it `signal`; returns
/// its exit status and stderr.
fn interrupt_mid_run(src: &Path, idx: &Path, signal: &str) -> (Option<i32>, String) {
    let child = Command::new(assert_cmd::cargo::cargo_bin("vestnik"))
        .args(["index", "--commit-every", "100", "--index"])
        .arg(idx)
        .arg(src)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The index is created (one change of meta.json), then the first commit of articles.
    let started = Instant::now();
    let mut last = meta_of(idx);
    let mut changes = 0;
    while changes < 2 && started.elapsed() < Duration::from_secs(120) {
        let now = meta_of(idx);
        if now != last {
            changes += 1;
            last = now;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    common::send_signal(child.id(), signal);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sigint_and_sigterm_commit_what_was_written_and_the_rerun_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    write_many(&src, 3000);
    let clean = dir.path().join("clean");
    build(std::slice::from_ref(&src), &clean);

    for (signal, code, name) in [("INT", 130, "SIGINT"), ("TERM", 143, "SIGTERM")] {
        let idx = dir.path().join(name);
        let (status, err) = interrupt_mid_run(&src, &idx, signal);
        // A run that finished before the signal arrived tested nothing: it fails here.
        assert_eq!(status, Some(code), "{err}");
        assert!(err.contains(&format!("interrupted by {name}")), "{err}");
        assert!(err.contains("all committed"), "{err}");
        // What it says it committed is what a search finds.
        let said: usize = err
            .split("the index holds ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("the message gives the count");
        assert!(said > 0 && said < 3000, "{err}");
        assert_eq!(all_ids(&idx).len(), said);
        let rerun = build(std::slice::from_ref(&src), &idx);
        assert_eq!(rerun.articles, 3000);
        assert_eq!(all_ids(&idx), all_ids(&clean));
    }
}

#[test]
fn a_few_bad_bytes_or_a_missing_bom_lose_no_article() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    let cut = &TEXT.as_bytes()[..TEXT.len() - 2];
    fs::write(src.join("cut.txt"), cut).unwrap();
    fs::write(
        src.join("stray.txt"),
        [TEXT.as_bytes(), b"\xff", " Конец.".as_bytes()].concat(),
    )
    .unwrap();
    let le: Vec<u8> = TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    fs::write(src.join("nobom.txt"), le).unwrap();
    // A JSONL whose one record was cut mid-character keeps it too.
    let record = format!("{{\"id\": \"j1\", \"text\": \"{TEXT}\"}}");
    let line = [&record.as_bytes()[..record.len() - 6], b"\"}\n".as_slice()].concat();
    fs::write(src.join("feed.jsonl"), &line).unwrap();

    let idx = dir.path().join("idx");
    let out = json_of(
        vestnik()
            .args(["index", "--format", "json", "--index"])
            .arg(&idx)
            .arg(&src),
    );
    assert_eq!(out["skipped"], serde_json::json!([]), "{out:#}");
    assert_eq!(out["articles"], 4, "{out:#}");
    let mut repaired: Vec<(String, u64)> = out["repaired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["bytes"].as_u64().unwrap(),
            )
        })
        .collect();
    repaired.sort();
    assert_eq!(
        repaired,
        [
            ("cut.txt".to_string(), 1),
            ("j1".to_string(), 1),
            ("stray.txt".to_string(), 1)
        ],
        "{out:#}"
    );
    let found = search_json(&idx, "надбавки");
    assert_eq!(found["total"], 4, "{found:#}");
    let nobom = search_json(&idx, "id:nobom.txt");
    assert_eq!(nobom["hits"][0]["encoding"], "UTF-16LE", "{nobom:#}");
}
