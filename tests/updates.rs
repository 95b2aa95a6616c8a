//! Updates in time proportional to what changed: a moved or renamed file (or root) is read once
//! and its articles are reused, not extracted again; records without ids of their own keep
//! their ids when other records come and go; and no commit of a run shows an id twice or an
//! article of a deleted file. Real files, a real index, the binary where a user would use it.

mod common;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{copy_dir, corpus_dir, json_of, vestnik};
use serde_json::Value;
use vestnik::index::{BuildOptions, Progress};
use vestnik::search::{SearchRequest, Searcher};

/// `vestnik index ARGS... --index INDEX --format json`, run in `cwd`, which must succeed.
fn index(cwd: &Path, index: &str, args: &[&str]) -> Value {
    json_of(
        vestnik()
            .current_dir(cwd)
            .arg("index")
            .args(args)
            .args(["--format", "json", "--index", index]),
    )
}

/// Everything a search shows of every article, by id, with `root` cut from the paths: what
/// two indexes of the same files under two names must agree on.
fn content(index: &Path, root: &str) -> BTreeMap<String, Value> {
    let mut req = SearchRequest::new("*");
    req.limit = 100_000;
    req.group = false;
    let hits = Searcher::open(index).unwrap().search(&req).unwrap().hits;
    let mut out = BTreeMap::new();
    for hit in hits {
        let mut v = serde_json::to_value(&hit).unwrap();
        let map = v.as_object_mut().unwrap();
        for noise in ["score", "snippet", "highlights", "duplicates"] {
            map.remove(noise);
        }
        let strip = |p: &Value| Value::from(p.as_str().unwrap().replacen(root, "ROOT", 1));
        let path = strip(&map["path"]);
        let paths: Vec<Value> = map["paths"].as_array().unwrap().iter().map(strip).collect();
        map.insert("path".into(), path);
        map.insert("paths".into(), paths.into());
        assert!(out.insert(hit.id.clone(), v).is_none(), "{} twice", hit.id);
    }
    out
}

/// The entity lists of an index, as `vestnik entities` prints them.
fn entities(index: &Path) -> Value {
    json_of(
        vestnik()
            .args(["entities", "--limit", "1000", "--format", "json", "--index"])
            .arg(index),
    )
}

/// A feed without ids: one JSON object per line.
fn feed(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|t| {
            serde_json::json!({"title": t, "text": format!("{t}. Подробности сообщает Zakon.kz.")})
                .to_string()
                + "\n"
        })
        .collect()
}

const LINES: [&str; 5] = [
    "В Астане открыли новую школу",
    "Аким Шымкента проверил ремонт дорог",
    "В Караганде построят больницу",
    "В Алматы открыли парк",
    "В Павлодаре отремонтировали мост",
];

fn ids(index: &Path) -> Vec<String> {
    content(index, "").into_keys().collect()
}

#[test]
fn records_without_ids_keep_them_when_other_lines_come_and_go() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("feed.jsonl"), feed(&LINES)).unwrap();
    index(dir.path(), "idx", &["src"]);
    let before = ids(&dir.path().join("idx"));
    assert_eq!(before.len(), 5);
    assert!(
        before.iter().all(|id| id.starts_with("feed.jsonl#")),
        "{before:?}"
    );

    // The feed drops its oldest line and gains a new one on top.
    let mut changed = vec!["В Костанае собрали урожай"];
    changed.extend(&LINES[1..]);
    fs::write(src.join("feed.jsonl"), feed(&changed)).unwrap();
    let update = index(dir.path(), "idx", &[]);
    assert_eq!(update["written"], 1, "{update:#}");
    let after = ids(&dir.path().join("idx"));
    let kept: Vec<&String> = after.iter().filter(|id| before.contains(id)).collect();
    assert_eq!(kept.len(), 4, "{before:?} → {after:?}");

    // A fresh build of the same file gives the same ids.
    index(dir.path(), "fresh", &["src"]);
    assert_eq!(after, ids(&dir.path().join("fresh")));

    // A text twice in one file is one article; ids stay unique.
    let mut twice = changed.clone();
    twice.push(LINES[2]);
    fs::write(src.join("feed.jsonl"), feed(&twice)).unwrap();
    index(dir.path(), "idx", &[]);
    assert_eq!(ids(&dir.path().join("idx")), after);
}

/// The sample corpus and a feed without ids, copied to `dir/src`.
fn archive(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    copy_dir(&corpus_dir(), &src);
    fs::write(src.join("feed.jsonl"), feed(&LINES)).unwrap();
    src
}

#[test]
fn a_renamed_file_is_read_once_and_its_articles_reused() {
    let dir = tempfile::tempdir().unwrap();
    let src = archive(dir.path());
    index(dir.path(), "idx", &["src"]);
    let jsonl = fs::read_dir(src.join("tengrinews"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .expect("the sample corpus has a JSON Lines file");
    let records = fs::read_to_string(&jsonl).unwrap().lines().count();
    fs::rename(&jsonl, src.join("tengrinews/renamed.jsonl")).unwrap();
    fs::rename(src.join("feed.jsonl"), src.join("zakon/feed.jsonl")).unwrap();

    let update = index(dir.path(), "idx", &[]);
    assert_eq!(update["moved"], 2, "{update:#}");
    assert_eq!(
        (update["added"].as_u64(), update["deleted"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(update["written"], records + LINES.len(), "{update:#}");
    assert_eq!(
        update["reused"], update["written"],
        "nothing extracted again: {update:#}"
    );

    index(dir.path(), "fresh", &["src"]);
    let (idx, fresh) = (dir.path().join("idx"), dir.path().join("fresh"));
    assert_eq!(content(&idx, ""), content(&fresh, ""));
    assert_eq!(entities(&idx), entities(&fresh));
}

#[test]
fn a_renamed_root_is_read_once_and_its_articles_reused() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    let first = index(dir.path(), "idx", &["src"]);
    let articles = first["articles"].as_u64().unwrap();
    let files = first["files"].as_u64().unwrap();

    // In one run: the new name added, the old one removed.
    fs::rename(dir.path().join("src"), dir.path().join("news")).unwrap();
    let moved = index(dir.path(), "idx", &["news", "--remove", "src"]);
    assert_eq!(moved["moved"], files, "{moved:#}");
    assert_eq!(moved["written"], articles, "{moved:#}");
    assert_eq!(
        moved["reused"], articles,
        "nothing extracted again: {moved:#}"
    );
    assert_eq!(moved["articles"], articles);
    index(dir.path(), "fresh", &["news"]);
    let (idx, fresh) = (dir.path().join("idx"), dir.path().join("fresh"));
    assert_eq!(content(&idx, "news/"), content(&fresh, "news/"));
    assert_eq!(entities(&idx), entities(&fresh));

    // In two runs: the new name added while the old one is missing, then the old one removed;
    // the cached files are read once, for their new ids and paths.
    fs::rename(dir.path().join("news"), dir.path().join("archive")).unwrap();
    let added = index(dir.path(), "idx", &["archive"]);
    assert_eq!(added["reused"], added["written"], "{added:#}");
    let removed = index(dir.path(), "idx", &["--remove", "news"]);
    assert_eq!(removed["reused"], removed["written"], "{removed:#}");
    assert_eq!(removed["articles"], articles);
    assert_eq!(content(&idx, "archive/"), content(&fresh, "news/"));
    assert_eq!(entities(&idx), entities(&fresh));
}

/// Checks the committed index each time the indexer reports progress (between files, and
/// every MiB inside a large one): no id twice, and once anything of the run is committed, no
/// article of the file that is gone.
struct Inspector<'a> {
    index: &'a Path,
    gone: &'a str,
    /// A word only the new versions have.
    new: &'a str,
    checks: Cell<usize>,
    /// Checks that saw part of the update committed.
    midway: Cell<usize>,
    ids: Cell<usize>,
}

impl Inspector<'_> {
    fn check(&self) {
        let mut req = SearchRequest::new("*");
        req.limit = 100_000;
        req.group = false;
        let hits = Searcher::open(self.index)
            .unwrap()
            .search(&req)
            .unwrap()
            .hits;
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        for hit in &hits {
            *ids.entry(&hit.id).or_default() += 1;
        }
        let twice: Vec<_> = ids.iter().filter(|(_, n)| **n > 1).take(5).collect();
        assert!(
            twice.is_empty(),
            "after {} checks: {twice:?}",
            self.checks.get()
        );
        let new = hits.iter().filter(|h| h.title.contains(self.new)).count();
        if new > 0 {
            let gone = hits
                .iter()
                .find(|h| h.paths.iter().any(|p| p.ends_with(self.gone)));
            assert!(gone.is_none(), "{gone:?} with {new} new versions committed");
            if new < hits.len() - 1 {
                self.midway.set(self.midway.get() + 1);
            }
        }
        self.checks.set(self.checks.get() + 1);
        self.ids.set(ids.len());
    }
}

impl Progress for Inspector<'_> {
    fn start(&self, _: u64) {}
    fn file_start(&self, _: &Path, _: u64) {
        self.check();
    }
    fn file_bytes(&self, _: u64) {
        self.check();
    }
    fn file_done(&self, _: &Path) {
        self.check();
    }
    fn finish(&self) {}
}

/// A record of about 3 KB with its own id.
fn record(id: usize, version: &str) -> String {
    let text = format!(
        "Версия {version}. Министерство энергетики сообщило о ремонте на станции номер {id}. "
    )
    .repeat(30);
    serde_json::json!({"id": format!("r-{id}"), "title": format!("Ремонт {id} ({version})"), "text": text})
        .to_string()
        + "\n"
}

#[test]
fn no_commit_of_an_update_shows_an_id_twice_or_a_deleted_file() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    let dump = |version: &str, skip: usize| -> String {
        (0..1500)
            .filter(|i| i % 100 != skip)
            .map(|i| record(i, version))
            .collect()
    };
    fs::write(src.join("dump.jsonl"), dump("первая", 100)).unwrap();
    fs::write(
        src.join("gone.txt"),
        "Заголовок: Удалено\n\nЭтот файл удалят.",
    )
    .unwrap();
    fs::write(
        src.join("later.txt"),
        "Заголовок: Позже\n\nЭтот файл изменят.",
    )
    .unwrap();
    let idx = dir.path().join("idx");
    let opts = BuildOptions {
        entities: false,
        commit_every: 100,
        ..BuildOptions::default()
    };
    let roots = [src.clone()];
    vestnik::index::build(&roots, &idx, &opts, &()).unwrap();

    // Every record edited (same ids, new text), some dropped, one file deleted, one changed.
    fs::write(src.join("dump.jsonl"), dump("вторая", 7)).unwrap();
    fs::remove_file(src.join("gone.txt")).unwrap();
    fs::write(
        src.join("later.txt"),
        "Заголовок: Позже\n\nЭтот файл изменили.",
    )
    .unwrap();
    let inspector = Inspector {
        index: &idx,
        gone: "gone.txt",
        new: "вторая",
        checks: Cell::new(0),
        midway: Cell::new(0),
        ids: Cell::new(0),
    };
    let summary = vestnik::index::build(&roots, &idx, &opts, &inspector).unwrap();
    assert!(summary.commits >= 10, "{summary:?}");
    // The dump is read across several commits, and the checks saw some of them.
    assert!(
        inspector.midway.get() >= 3,
        "{} midway",
        inspector.midway.get()
    );
    inspector.check();
    assert_eq!(inspector.ids.get(), 1485 + 1);
    let fresh = dir.path().join("fresh");
    vestnik::index::build(&roots, &fresh, &opts, &()).unwrap();
    assert_eq!(content(&idx, ""), content(&fresh, ""));
}
