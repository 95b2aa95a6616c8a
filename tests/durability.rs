//! No run can lose a good record: over a 20,000-article archive with every kind of bad input
//! beside the good files, the indexer is killed (SIGKILL) and interrupted (SIGINT) at random
//! moments, ten times each, and after each the rerun must hold exactly the articles of an
//! uninterrupted build, every one found by its id.
//!
//! Entity extraction is off: it does not touch what is committed when, and with it the test
//! would take many minutes.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{json_of, vestnik};
use vestnik::search::{SearchRequest, Searcher};

const FEEDS: usize = 10;
const PER_FEED: usize = 1_800;
const TEXT_FILES: usize = 2_000;
const GOOD: usize = FEEDS * PER_FEED + TEXT_FILES;
const ROUNDS: u64 = 10;

/// 20,000 good articles (JSONL feeds with ids and plain text files) and, beside them, a file
/// of every kind the reader must skip or repair.
fn write_archive(root: &Path) {
    let paragraph = "Представители министерства провели встречу с жителями района и обсудили \
        строительство дорог, школ и больниц. Участники отметили важность диалога.";
    let feeds = root.join("feeds");
    fs::create_dir_all(&feeds).unwrap();
    for f in 0..FEEDS {
        let mut feed = String::new();
        for r in 0..PER_FEED {
            let record = serde_json::json!({
                "id": format!("f{f}-{r}"),
                "title": format!("Выпуск {f}-{r}"),
                "text": format!("{paragraph} Выпуск номер {f}-{r}."),
            });
            feed.push_str(&record.to_string());
            feed.push('\n');
            if r == 700 {
                // A broken line inside a good feed loses only itself.
                feed.push_str("{\"id\": \"broken\", \"text\": \n");
            }
        }
        fs::write(feeds.join(format!("feed-{f:02}.jsonl")), feed).unwrap();
    }
    let texts = root.join("texts");
    fs::create_dir_all(&texts).unwrap();
    for i in 0..TEXT_FILES {
        let body = format!("Заголовок: Заметка {i}\n\n{paragraph} Заметка номер {i}.");
        fs::write(texts.join(format!("{i:05}.txt")), body).unwrap();
    }
    let bad = root.join("bad");
    fs::create_dir_all(&bad).unwrap();
    fs::write(bad.join("empty.txt"), "").unwrap();
    fs::write(
        bad.join("binary.txt"),
        [0u8, 159, 146, 150, 0, 1, 2, 3].repeat(100),
    )
    .unwrap();
    fs::write(bad.join("broken.json"), "{\"id\": \"x\", \"text\": ").unwrap();
    fs::write(
        bad.join("no-text.html"),
        "<html><body><script>x()</script></body></html>",
    )
    .unwrap();
    fs::write(bad.join("image.png"), [0x89, b'P', b'N', b'G']).unwrap();
    fs::write(bad.join("huge.txt"), "слово ".repeat(400_000)).unwrap();
}

/// Every id in the index, through the same search a user runs.
fn all_ids(index: &Path) -> BTreeSet<String> {
    let mut req = SearchRequest::new("*");
    req.limit = 100_000;
    req.group = false;
    Searcher::open(index)
        .expect("the index opens")
        .search(&req)
        .expect("the search runs")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn index_args(cmd: &mut Command, src: &Path, idx: &Path) {
    cmd.args(["index", "--no-entities", "--max-size", "1M"])
        .args(["--commit-every", "2000", "--index"])
        .arg(idx)
        .arg(src);
}

/// Builds `idx` from `src` to the end and returns the summary.
fn complete(src: &Path, idx: &Path) -> serde_json::Value {
    let mut cmd = vestnik();
    cmd.args(["index", "--no-entities", "--max-size", "1M"])
        .args(["--commit-every", "2000", "--format", "json", "--index"])
        .arg(idx)
        .arg(src);
    json_of(&mut cmd)
}

/// A fraction in `[0, 1)` from a fixed sequence, so each run of the test uses the same moments.
fn moment(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

/// Starts the indexer on a fresh index, sends `signal` after `delay` if it is still running,
/// and says whether it was interrupted.
fn interrupt_at(src: &Path, idx: &Path, delay: Duration, signal: &str) -> bool {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("vestnik"));
    index_args(&mut cmd, src, idx);
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < delay {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    common::send_signal(child.id(), signal);
    let status = child.wait().unwrap();
    match signal {
        // SIGINT commits what was written and exits 130 (or 0 if it had just finished).
        "INT" => {
            assert!(
                matches!(status.code(), Some(130) | Some(0)),
                "SIGINT gave {status}"
            );
            status.code() == Some(130)
        }
        _ => status.code().is_none(),
    }
}

fn rounds_of(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("archive");
    write_archive(&src);

    // The reference: an uninterrupted build. Its duration only places the interrupts.
    let clean = dir.path().join("clean");
    let started = Instant::now();
    let summary = complete(&src, &clean);
    let duration = started.elapsed();
    assert_eq!(summary["articles"], GOOD as u64, "{summary:#}");
    let expected = all_ids(&clean);
    assert_eq!(expected.len(), GOOD);

    let mut state = match signal {
        "INT" => 2,
        _ => 1,
    };
    for round in 0..ROUNDS {
        let idx = dir.path().join(format!("idx-{signal}-{round}"));
        // A moment past the run's end (the machine is shared, durations vary) interrupts
        // nothing: then an earlier one is tried on a fresh index, so that every round is a
        // real interruption.
        let mut delay = duration.mul_f64(0.05 + 0.9 * moment(&mut state));
        let mut tries = 0;
        while !interrupt_at(&src, &idx, delay, signal) {
            tries += 1;
            assert!(
                tries < 8,
                "round {round}: the indexer always finished first"
            );
            fs::remove_dir_all(&idx).unwrap();
            delay /= 2;
        }
        // Whatever was committed opens and is a subset of the archive.
        if idx.join("meta.json").exists() {
            let partial = all_ids(&idx);
            assert!(partial.is_subset(&expected), "round {round}");
        }
        let rerun = complete(&src, &idx);
        assert_eq!(rerun["articles"], GOOD as u64, "round {round}: {rerun:#}");
        let ids = all_ids(&idx);
        assert_eq!(ids, expected, "round {round} after {delay:?}");
        // Each good record is found by its id, not only listed.
        let searcher = Searcher::open(&idx).unwrap();
        for id in ids.iter().step_by(997) {
            let found = searcher
                .search(&SearchRequest::new(format!("id:{id}")))
                .unwrap();
            assert_eq!(found.total, 1, "round {round}: id {id}");
        }
    }
    eprintln!("{signal}: {ROUNDS} runs interrupted at random moments; every rerun complete");
}

#[test]
fn killed_at_random_moments_ten_times_no_good_record_is_lost() {
    rounds_of("KILL");
}

#[test]
fn interrupted_at_random_moments_ten_times_no_good_record_is_lost() {
    rounds_of("INT");
}
