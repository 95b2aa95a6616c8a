//! Queries written to exhaust the engine end as answers: each runs `vestnik search` in a child
//! process whose address space is capped (`ulimit -v`, RLIMIT_AS), on an index whose articles
//! repeat common words as densely as text can, and must exit 0 (an answer) or 2 (the user's
//! mistake, named). A query that ran out of memory aborts (134), one that overflowed the stack
//! too; one that hangs is killed at a generous deadline, and fails the test.
//!
//! Before the engine was bounded, `"в в … в"~100` over such an article asked tantivy for
//! gigabytes, and 12,000 nested parentheses overflowed the stack.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The child's address space: several times what a search of this index maps and allocates,
/// far below what an unbounded phrase asks for.
const ADDRESS_SPACE_KB: u64 = 1024 * 1024;
/// Only a hang comes near this.
const CHILD_DEADLINE: Duration = Duration::from_secs(120);

/// Articles in which common words recur every word or every other word.
fn dense_index() -> (tempfile::TempDir, std::path::PathBuf) {
    let every_other: String = (0..600).map(|i| format!("в доме{i} ")).collect();
    let alternating = "в на ".repeat(600);
    let same = "Москва ".repeat(1200);
    let ordinary = "Министерство просвещения сообщило о строительстве новых школ в сельских \
        районах. Учителя получат надбавки, а ученики - новые учебники.";
    common::index_of(&[
        (
            "2024-01-10-every-other.txt",
            &format!("Title: В доме\n\n{every_other}"),
        ),
        (
            "2024-01-11-alternating.txt",
            &format!("Title: В на\n\n{alternating}"),
        ),
        ("2024-01-12-same.txt", &format!("Title: Москва\n\n{same}")),
        (
            "2024-01-13-school.txt",
            &format!("Title: Школы\n\n{ordinary}"),
        ),
    ])
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `vestnik search ARGS` under the address-space cap, with JSON output.
fn search(index: &Path, args: &[&str]) -> Run {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KB} && exec \"$0\" \"$@\""
        ))
        .arg(assert_cmd::cargo::cargo_bin("vestnik"))
        .args(["search", "--format", "json", "--limit", "3", "--index"])
        .arg(index)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > CHILD_DEADLINE {
            let _ = child.kill();
            panic!("{args:?} still ran after {CHILD_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    let _ = err.read_to_string(&mut stderr);
    Run {
        code: status.code(),
        stdout: reader.join().unwrap(),
        stderr,
    }
}

fn total(run: &Run) -> u64 {
    let v: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    v["total"].as_u64().unwrap()
}

fn words(word: &str, n: usize) -> String {
    vec![word; n].join(" ")
}

/// `n` different words (the grammar drops a clause repeated).
fn distinct(n: usize) -> String {
    (0..n).map(|i| format!("школ{i} ")).collect()
}

#[test]
fn every_adversarial_query_ends_with_an_answer_or_a_named_mistake() {
    let (_dir, index) = dense_index();
    let long_word = "я".repeat(20_000);
    let many_terms = distinct(5_000);
    let many_ors = vec!["школ"; 1000].join(" OR ");
    let queries: Vec<String> = vec![
        format!("\"{}\"~100", words("в", 32)),
        format!("\"{}\"~100", words("в", 10)),
        format!("\"{}\"~5", words("в", 32)),
        format!("\"{}\"~100", words("Москва", 32)),
        format!("\"{}\"~100", words("в на", 16)),
        format!("\"{}\"", words("Москва", 32)),
        format!("\"{}\"*", words("в", 20)),
        format!("\"{}\"~1000", words("в", 10)),
        format!("\"{}\"~100000", words("Москва", 140)),
        format!("\"{}\"", words("в", 140)),
        format!("{}a{}", "(".repeat(12_000), ")".repeat(12_000)),
        format!("{}a", "NOT ".repeat(20_000)),
        format!("{}a", "(a ".repeat(5_000)),
        long_word.clone(),
        format!("\"{long_word} {long_word}\"~3"),
        many_terms,
        many_ors,
        "body:[а TO я]".into(),
        "id:* title:* date:[* TO *]".into(),
        "zzz:*".into(),
        // Fuzzy and prefix terms over the shortest words expand to a bounded set of terms.
        "а*".into(),
        "в*".into(),
        "а~2".into(),
        "в~2 на~2 д*".into(),
        "person:в*".into(),
        "person:а~2".into(),
        "title:в~2 OR body:н*".into(),
        format!("{long_word}*"),
        format!("{long_word}~2"),
        ["в~2"; 200].join(" "),
        "в~9".into(),
    ];
    for q in &queries {
        let run = search(&index, &[q]);
        let shown: String = q.chars().take(60).collect();
        assert!(
            matches!(run.code, Some(0 | 2)),
            "{shown}… exited {:?}: {}",
            run.code,
            run.stderr
        );
        if run.code == Some(2) {
            assert_eq!(run.stderr.lines().count(), 1, "{shown}…: {}", run.stderr);
            assert!(run.stderr.starts_with("vestnik: "), "{}", run.stderr);
        }
    }
}

#[test]
fn bounded_queries_still_find_what_they_ask_for() {
    let (_dir, index) = dense_index();
    let found = |q: &str| {
        let run = search(&index, &[q]);
        assert_eq!(run.code, Some(0), "{q}: {}", run.stderr);
        total(&run)
    };
    // A sloppy phrase of one recurring word matches where the word recurs densely enough
    // (as tantivy counts slop, one occurrence may stand for several words).
    assert!(found(&format!("\"{}\"~100", words("в", 32))) >= 2);
    assert_eq!(found(&format!("\"{}\"", words("Москва", 32))), 1);
    assert_eq!(found(&format!("\"{}\"~3", words("в на", 16))), 1);
    assert_eq!(found("\"новых школ в сельских\"~2"), 1);
    assert_eq!(found("\"новых школ сельских\"~1"), 1);
    assert_eq!(found("\"новых сельских школ\"~1"), 0);
    assert_eq!(found("\"новых сельских школ\"~3"), 1);
    assert_eq!(found("Москв*"), 1);
    assert_eq!(found("Масква~1"), 1);
    assert!(found("дом*") >= 1);
    assert_eq!(found("Школы~1 учителя"), 1);
}

#[test]
fn limits_are_named_when_passed() {
    let (_dir, index) = dense_index();
    let refused = |args: &[&str], says: &str| {
        let run = search(&index, args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    };
    refused(&[&format!("\"{}\"~101", words("в", 3))], "over 100");
    refused(&[&format!("\"{}\"", words("в", 33))], "at most 32");
    refused(&[&distinct(1025)], "at most 1024");
    refused(
        &[&format!("{}a{}", "(".repeat(33), ")".repeat(33))],
        "deeper than 32",
    );
    refused(&["*", "--offset", "18446744073709551615"], "offset");
    refused(&["*", "--limit", "100001"], "limit");
    refused(&["zzz:*"], "unknown field 'zzz'");
    refused(&["url:*"], "url:* cannot be searched");
}

#[test]
fn a_search_past_its_budget_stops_and_says_so() {
    let (_dir, index) = dense_index();
    let run = search(
        &index,
        &[
            &format!("\"{}\"~100", words("в", 32)),
            "--timeout",
            "0.000001",
        ],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("vestnik: timeout:") && run.stderr.contains("--timeout"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "no partial answer: {}", run.stdout);
}

#[test]
fn over_http_a_search_past_its_budget_is_a_503_and_nesting_a_400() {
    use std::io::BufRead;
    let (_dir, index) = dense_index();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("vestnik"))
        .args(["serve", "--addr", "127.0.0.1:0", "--timeout", "0.000001"])
        .arg("--index")
        .arg(&index)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    let get = |path: &str| {
        common::http_raw(
            &addr,
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    };
    let (status, _, body) = get("/api/search?q=%D0%B2");
    let nested = format!("/api/search?q={}a{}", "(".repeat(40), ")".repeat(40));
    let (nested_status, _, nested_body) = get(&nested);
    let _ = (child.kill(), child.wait());
    assert_eq!(nested_status, 400, "{nested_body}");
    assert!(nested_body.contains("deeper than 32"), "{nested_body}");
    assert_eq!(status, 503, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        error["error"].as_str().unwrap().starts_with("timeout"),
        "{body}"
    );
}
