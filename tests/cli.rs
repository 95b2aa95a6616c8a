//! The `vestnik` binary as people and scripts use it: the quick start, output formats, exit
//! codes and messages.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_dir, corpus_index, manifest, vestnik};
use serde_json::Value;

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn quick_start_on_a_fresh_clone_builds_the_index_then_searches() {
    let clone = tempfile::tempdir().unwrap();
    copy_dir(&common::corpus_dir(), &clone.path().join("corpus"));
    fs::create_dir_all(clone.path().join("index")).unwrap();
    fs::copy(
        common::repo().join("index/.gitignore"),
        clone.path().join("index/.gitignore"),
    )
    .unwrap();

    let out = vestnik()
        .current_dir(clone.path())
        .args(["search", "права детей"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let (stdout, stderr) = (stdout_of(&out), stderr_of(&out));
    assert!(stderr.contains("building it from corpus/"), "{stderr}");
    assert!(
        stderr.contains(&format!("{} in the index", manifest().len())),
        "{stderr}"
    );
    // Hits (unmarked, since stdout is a pipe), then facets.
    assert!(stdout.contains("1. "), "{stdout}");
    assert!(stdout.contains("детей"), "{stdout}");
    assert!(
        !stdout.contains("«детей»"),
        "no marks in a pipe unless asked: {stdout}"
    );
    assert!(!stdout.contains('\x1b'), "no colour in a pipe");
    assert!(stdout.contains("articles match: права детей"), "{stdout}");
    assert!(
        stdout.contains("Sources") && stdout.contains("Dates"),
        "{stdout}"
    );

    // The second search uses the index it built.
    let again = vestnik()
        .current_dir(clone.path())
        .args(["search", "права детей", "--format", "json"])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert!(stderr_of(&again).is_empty(), "{}", stderr_of(&again));
}

#[test]
fn json_output_carries_the_documented_fields() {
    let out = vestnik()
        .args([
            "search",
            "Карин",
            "--format",
            "json",
            "--limit",
            "3",
            "--index",
        ])
        .arg(corpus_index())
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["query"], "Карин");
    assert!(v["total"].as_u64().unwrap() > 3);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for hit in hits {
        for field in [
            "id",
            "title",
            "date",
            "source",
            "url",
            "path",
            "score",
            "snippet",
            "highlights",
        ] {
            assert!(hit.get(field).is_some(), "hit lacks {field}: {hit}");
        }
        let snippet: Vec<char> = hit["snippet"].as_str().unwrap().chars().collect();
        for h in hit["highlights"].as_array().unwrap() {
            let (s, e) = (
                h[0].as_u64().unwrap() as usize,
                h[1].as_u64().unwrap() as usize,
            );
            let word: String = snippet[s..e].iter().collect();
            assert!(word.starts_with("Карин"), "highlight {word}");
        }
    }
    for facet in ["source", "date"] {
        let rows = v["facets"][facet].as_array().unwrap();
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .all(|r| r["value"].is_string() && r["count"].is_u64())
        );
    }
}

#[test]
fn jsonl_csv_and_facets_only() {
    let jsonl = vestnik()
        .args(["search", "школ", "--format", "jsonl", "--index"])
        .arg(corpus_index())
        .output()
        .unwrap();
    let lines: Vec<Value> = stdout_of(&jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (last, hits) = lines.split_last().unwrap();
    assert!(
        hits.iter()
            .all(|h| h["type"] == "hit" && h["id"].is_string())
    );
    assert_eq!(last["type"], "summary");
    assert!(last["total"].as_u64().unwrap() >= hits.len() as u64);

    let csv_out = vestnik()
        .args([
            "search", "школ", "--format", "csv", "--limit", "4", "--index",
        ])
        .arg(corpus_index())
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv_out.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "id",
            "title",
            "date",
            "source",
            "url",
            "author",
            "path",
            "score",
            "snippet",
            "group",
            "duplicates"
        ]
    );
    assert_eq!(reader.records().count(), 4);

    let facets = vestnik()
        .args([
            "search",
            "*",
            "--facets-only",
            "--by",
            "month",
            "--format",
            "json",
            "--index",
        ])
        .arg(corpus_index())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&facets.stdout).unwrap();
    assert!(v.get("hits").is_none());
    assert_eq!(v["total"].as_u64().unwrap() as usize, manifest().len());
    let months = v["facets"]["date"].as_array().unwrap();
    assert!(
        months
            .iter()
            .all(|m| m["value"].as_str().unwrap().len() == 7)
    );

    let text = vestnik()
        .args(["search", "*", "--facets-only", "--index"])
        .arg(corpus_index())
        .output()
        .unwrap();
    let text = stdout_of(&text);
    assert!(!text.contains("1. "));
    assert!(text.contains("Zakon.kz"));
}

#[test]
fn flags_filter_by_source_and_dates() {
    let out = vestnik()
        .args([
            "search",
            "*",
            "--source",
            "Kazinform",
            "--from",
            "2021-01-01",
            "--to",
            "2024-12-31",
            "--format",
            "json",
            "--limit",
            "100",
            "--sort",
            "date",
            "--index",
        ])
        .arg(corpus_index())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = manifest()
        .iter()
        .filter(|a| {
            a.source == "Kazinform" && a.date.as_str() >= "2021" && a.date.as_str() <= "2024-12-31"
        })
        .count();
    assert_eq!(v["total"].as_u64().unwrap() as usize, expected);
    let dates: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

#[test]
fn a_malformed_query_exits_2_with_one_line() {
    for (query, words) in [
        ("\"права детей", "unclosed quote"),
        ("(права OR дети", "unclosed '('"),
        ("права AND", "'AND' needs a term"),
        ("автор:Карин", "unknown field"),
        ("date:2024-13-45", "invalid date"),
        ("", "empty"),
    ] {
        let out = vestnik()
            .args(["search", query, "--index"])
            .arg(corpus_index())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{query}");
        let err = stderr_of(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("vestnik: invalid query") && err.contains(words),
            "{query}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
    let bad_flag = vestnik()
        .args(["search", "x", "--from", "вчера", "--index"])
        .arg(corpus_index())
        .output()
        .unwrap();
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[test]
fn a_leading_minus_is_a_query_not_a_flag() {
    let out = vestnik()
        .args(["search", "-ЮНИСЕФ", "--index"])
        .arg(corpus_index())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("only exclude"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn a_missing_index_says_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let out = vestnik()
        .args(["search", "права", "--index"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(
        err.contains("no index in") && err.contains("vestnik index"),
        "{err}"
    );
    assert!(
        !missing.exists(),
        "an explicit --index is never built silently"
    );

    // Without --index, in a folder with neither index/ nor corpus/.
    let out = vestnik()
        .current_dir(dir.path())
        .args(["search", "права"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("vestnik index PATH"),
        "{}",
        stderr_of(&out)
    );

    let out = vestnik()
        .current_dir(dir.path())
        .args(["index", "no-such-folder"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("no-such-folder does not exist"));
}

#[test]
fn index_reports_and_protects_foreign_folders() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("a.txt"), "Текст про школы.").unwrap();
    fs::write(src.join("b.json"), "{oops").unwrap();

    let out = vestnik()
        .arg("index")
        .arg(&src)
        .arg("--index")
        .arg(dir.path().join("idx"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = stderr_of(&out);
    assert!(
        err.contains("2 files in") && err.contains("1 added") && err.contains("1 article written"),
        "{err}"
    );
    assert!(
        err.contains("Skipped 1") && err.contains("b.json") && err.contains("invalid JSON"),
        "{err}"
    );

    // A folder with other files in it is never turned into an index.
    let foreign = dir.path().join("docs");
    fs::create_dir_all(&foreign).unwrap();
    fs::write(foreign.join("thesis.docx"), "важное").unwrap();
    let out = vestnik()
        .arg("index")
        .arg(&src)
        .arg("--index")
        .arg(&foreign)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("refusing"), "{}", stderr_of(&out));
    assert!(foreign.join("thesis.docx").exists());
}

#[test]
fn an_index_from_another_version_asks_for_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let idx = dir.path().join("idx");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("a.txt"), "Текст про школы.").unwrap();
    vestnik()
        .arg("index")
        .arg(&src)
        .arg("--index")
        .arg(&idx)
        .assert()
        .success();
    fs::write(
        idx.join("vestnik.json"),
        r#"{"schema_version": 0, "analyzer": "vestnik_ru", "analyzer_version": 0}"#,
    )
    .unwrap();
    let out = vestnik()
        .args(["search", "школа", "--index"])
        .arg(&idx)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("incompatible version"),
        "{}",
        stderr_of(&out)
    );

    // Re-indexing starts afresh and the index answers again.
    vestnik()
        .arg("index")
        .arg(&src)
        .arg("--index")
        .arg(&idx)
        .assert()
        .success();
    let out = vestnik()
        .args(["search", "школа", "--format", "json", "--index"])
        .arg(&idx)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 1);
}

#[test]
fn index_summary_as_json_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let out = vestnik()
        .args(["index", "--no-entities", "--format", "json", "--index"])
        .arg(&index)
        .arg(common::corpus_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let summary: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
    assert_eq!(summary["articles"], manifest().len());
    assert_eq!(summary["written"], manifest().len());
    assert!(summary["skipped"].as_array().unwrap().is_empty());
    assert!(summary["text_bytes"].as_u64().unwrap() > 10_000);
    // Where /proc tells (Linux), the peak memory is reported and plausible.
    if Path::new("/proc/self/status").exists() {
        let rss = summary["peak_rss_bytes"].as_u64().unwrap();
        let own = summary["peak_anon_bytes"].as_u64().unwrap();
        assert!(own <= rss && rss > 1 << 20 && rss < 4 << 30, "{summary}");
    }
}

#[test]
fn searches_count_only_the_facets_asked_for() {
    let facets = |args: &[&str]| -> Value {
        let out = vestnik()
            .args(["search", "*", "--format", "json", "--index"])
            .arg(corpus_index())
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr_of(&out));
        let v: Value = serde_json::from_str(&stdout_of(&out)).unwrap();
        assert_eq!(v["total"], manifest().len());
        v["facets"].clone()
    };
    let all = facets(&[]);
    for kind in ["source", "date", "person", "org", "loc"] {
        assert!(!all[kind].as_array().unwrap().is_empty(), "{kind}");
    }
    let some = facets(&["--facet", "source,date"]);
    assert_eq!(some["source"], all["source"]);
    assert_eq!(some["date"], all["date"]);
    assert!(some["person"].as_array().unwrap().is_empty());
    let none = facets(&["--no-facets"]);
    assert!(none["source"].as_array().unwrap().is_empty());
}

#[test]
fn bench_corpus_refuses_bad_input_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = vestnik()
        .args(["bench", "corpus", "--docs", "10", "--from"])
        .arg(dir.path().join("missing"))
        .arg("--out")
        .arg(dir.path().join("c"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.contains("cannot load the source articles"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let out = vestnik()
        .args(["bench", "run"])
        .arg(dir.path().join("nothing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("is not a folder"));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `vestnik search ... | head -1`: the pipe closes long before the output ends.
    let text =
        "Министр провел встречу с жителями района и обсудил строительство дорог, школ и больниц.";
    let files: Vec<(String, String)> = (0..400)
        .map(|i| {
            (
                format!("{i:03}.txt"),
                format!("Заголовок: Выпуск {i}\n\n{text}"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (_dir, index) = common::index_of(&refs);
    for format in ["text", "json", "jsonl", "csv"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vestnik"))
            .args([
                "search",
                "*",
                "--limit",
                "400",
                "--no-group",
                "--format",
                format,
            ])
            .arg("--index")
            .arg(&index)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        use std::io::Read;
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{format}: {:?}", out.status);
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{format}");
    }
}

/// `--with-body`: every match, not a page, each with its text; CSV with a byte-order mark.
#[test]
fn search_with_body_writes_every_match() {
    let index = common::corpus_index();
    let out = common::succeed(
        common::vestnik()
            .args([
                "search",
                "*",
                "--no-group",
                "--format",
                "jsonl",
                "--with-body",
                "--index",
            ])
            .arg(index),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), common::search("*").total);
    assert!(
        lines
            .iter()
            .all(|l| l["body"].as_str().is_some_and(|b| !b.is_empty()))
    );
    let out = common::succeed(
        common::vestnik()
            .args([
                "search",
                "школы",
                "--format",
                "csv",
                "--with-body",
                "--index",
            ])
            .arg(index),
    );
    assert!(out.stdout.starts_with("\u{feff}id,title,".as_bytes()));
    // The columns it shares with a page of results come first, named and ordered alike.
    let header = |out: &[u8]| -> Vec<String> {
        let text = String::from_utf8_lossy(out);
        let first = text
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or("");
        first.split(',').map(str::to_string).collect()
    };
    let export = header(&out.stdout);
    let page = common::succeed(
        common::vestnik()
            .args(["search", "школы", "--format", "csv", "--index"])
            .arg(index),
    );
    let page = header(&page.stdout);
    let shared: Vec<&String> = page.iter().filter(|c| export.contains(c)).collect();
    assert_eq!(
        shared,
        [
            "id", "title", "date", "source", "url", "author", "path", "score", "group"
        ]
    );
    assert_eq!(export[..shared.len()].iter().collect::<Vec<_>>(), shared);
    assert_eq!(
        export[shared.len()..],
        ["inferred", "persons", "orgs", "locs", "body"]
    );
    let fails = common::vestnik()
        .args(["search", "*", "--with-body", "--index"])
        .arg(index)
        .output()
        .unwrap();
    assert!(!fails.status.success());
    assert!(String::from_utf8_lossy(&fails.stderr).contains("--format jsonl"));
}

/// The words the first hit of a query highlights, as its JSON gives them.
fn highlighted_words(query: &str) -> Vec<String> {
    let v = common::json_of(
        vestnik()
            .args([
                "search", query, "--format", "json", "--limit", "1", "--index",
            ])
            .arg(corpus_index()),
    );
    let hit = &v["hits"][0];
    let snippet: Vec<char> = hit["snippet"].as_str().unwrap().chars().collect();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let (s, e) = (h[0].as_u64().unwrap(), h[1].as_u64().unwrap());
            snippet[s as usize..e as usize].iter().collect()
        })
        .collect()
}

fn text_of(args: &[&str]) -> String {
    let out = common::succeed(vestnik().args(args).arg("--index").arg(corpus_index()));
    stdout_of(&out)
}

/// In a pipe and under NO_COLOR nothing marks a match: «» would read as the text's own
/// quotation marks. `--marks` asks for them.
#[test]
fn matches_are_marked_in_a_pipe_only_when_asked() {
    let words = highlighted_words("детей");
    assert!(!words.is_empty());
    let plain = text_of(&["search", "детей", "--limit", "1"]);
    let no_color = {
        let out = common::succeed(
            vestnik()
                .env("NO_COLOR", "1")
                .args(["search", "детей", "--limit", "1", "--index"])
                .arg(corpus_index()),
        );
        stdout_of(&out)
    };
    let marked = text_of(&["search", "детей", "--limit", "1", "--marks"]);
    for word in &words {
        let mark = format!("«{word}»");
        assert!(
            plain.contains(word.as_str()) && !plain.contains(&mark),
            "{plain}"
        );
        assert!(!no_color.contains(&mark), "{no_color}");
        assert!(marked.contains(&mark), "{marked}");
    }
    assert_eq!(plain, no_color);
    for text in [&plain, &no_color, &marked] {
        assert!(!text.contains('\x1b'), "no colour in a pipe: {text}");
    }
}

/// The total comes first, then the hits, then one line per facet with its top five values:
/// the hits are not pushed off the screen by the facets. `--facets full` prints the tables.
#[test]
fn hits_come_first_and_facets_are_summed_up_in_a_line_each() {
    let text = text_of(&["search", "*"]);
    let lines: Vec<&str> = text.lines().collect();
    let total = manifest().len();
    assert_eq!(
        lines[0],
        format!("{total} articles match: * (showing 1–10)")
    );
    assert!(lines[2].starts_with("1. "), "{text}");
    let first_facet = lines
        .iter()
        .position(|l| l.starts_with("Sources"))
        .expect("a source line");
    assert!(
        lines[..first_facet].iter().any(|l| l.starts_with("10. ")),
        "all hits before the facets: {text}"
    );
    let facets = &lines[first_facet..];
    let titles: Vec<&str> = facets
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Sources", "Dates", "People", "Organizations", "Places"],
        "{text}"
    );
    for line in facets {
        // Five values, then how many more.
        assert!(line.split(" · ").count() <= 6, "{line}");
    }
    // Ten people were counted (--facet-size): five shown, and at least five more.
    let people = facets[2];
    assert!(people.ends_with("… 5+ more"), "{people}");
    let v = common::json_of(
        vestnik()
            .args(["search", "*", "--format", "json", "--index"])
            .arg(corpus_index()),
    );
    let top = &v["facets"]["person"][0];
    assert!(
        people.contains(&format!(
            "{} ({})",
            top["value"].as_str().unwrap(),
            top["count"]
        )),
        "{people}"
    );
    let sources = v["facets"]["source"].as_array().unwrap().len();
    if sources > 5 {
        assert!(
            facets[0].ends_with(&format!("… {} more", sources - 5)),
            "{}",
            facets[0]
        );
    }

    let full = text_of(&["search", "*", "--facets", "full"]);
    assert!(
        full.contains("\nPeople\n") && full.contains("\nDates\n"),
        "{full}"
    );
    let person_rows = full
        .split("\nPeople\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.is_empty())
        .count();
    assert_eq!(person_rows, 10);
    // --facets-only shows the tables unless asked otherwise.
    assert!(text_of(&["search", "*", "--facets-only"]).contains("\nPeople\n"));
    let compact = text_of(&["search", "*", "--facets-only", "--facets", "compact"]);
    assert!(
        !compact.contains("\nPeople\n") && compact.contains("\nPeople "),
        "{compact}"
    );
}

/// With `--offset 20` the hits are numbered 21, 22, ...: a hit's number is its place in the
/// whole answer, as `--offset` counts.
#[test]
fn hit_numbers_continue_across_offset() {
    let text = text_of(&["search", "*", "--offset", "20", "--limit", "5"]);
    let numbers: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once(". ").map(|(n, _)| n))
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(numbers, ["21", "22", "23", "24", "25"], "{text}");
    assert!(
        text.lines().next().unwrap().ends_with("(showing 21–25)"),
        "{text}"
    );
    // Each is the hit the JSON gives at that place.
    let v = common::json_of(
        vestnik()
            .args([
                "search", "*", "--offset", "20", "--limit", "5", "--format", "json",
            ])
            .arg("--index")
            .arg(corpus_index()),
    );
    let first = v["hits"][0]["title"].as_str().unwrap();
    assert!(text.contains(&format!("\n21. {first}\n")), "{text}");
}

/// stdout is a pipe here, so no pager runs however long the output: a pager that would leave
/// a file behind leaves none, and the output is all on stdout.
#[test]
fn no_pager_runs_in_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("paged");
    let out = common::succeed(
        vestnik()
            .env("PAGER", format!("touch '{}'", trace.display()))
            .env("LINES", "5")
            .args(["search", "*", "--limit", "50", "--index"])
            .arg(corpus_index()),
    );
    assert!(stdout_of(&out).lines().count() > 50);
    assert!(!trace.exists(), "the pager ran in a pipe");
}

/// Each repeatable filter says in its help whether repeating it means all (AND) or any (OR).
#[test]
fn help_says_how_repeated_filters_combine() {
    for command in ["search", "timeline"] {
        let out = common::succeed(vestnik().args([command, "--help"]));
        let help = stdout_of(&out)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for (flag, means) in [
            ("--person", "every one of them (AND)"),
            ("--org", "every one of them (AND)"),
            ("--loc", "every one of them (AND)"),
            ("--source", "any of them (OR"),
        ] {
            let at = help
                .find(&format!("{flag} <"))
                .unwrap_or_else(|| panic!("{flag}"));
            let next = help[at + 2..]
                .find(" --")
                .map_or(help.len(), |i| at + 2 + i);
            assert!(
                help[at..next].contains(means),
                "{command} {flag}: {}",
                &help[at..next]
            );
        }
    }
}

/// `vestnik show ID`: the article's metadata, its entities by type with the forms it wrote
/// them in, its body wrapped for reading; `--format json` is what `/api/doc` answers.
#[test]
fn show_prints_one_article() {
    let article = manifest()
        .iter()
        .find(|a| !a.people.is_empty() && !a.organizations.is_empty() && a.url.is_some())
        .expect("an article naming people and organizations");
    let json: Value =
        serde_json::from_str(&text_of(&["show", &article.id, "--format", "json"])).unwrap();
    let server = common::Server::start(corpus_index());
    let query =
        percent_encoding::utf8_percent_encode(&article.id, percent_encoding::NON_ALPHANUMERIC);
    let (status, api) = server.json(&format!("/api/doc?id={query}"));
    assert_eq!(status, 200);
    assert_eq!(json, api);
    assert_eq!(json["id"], article.id.as_str());

    let text = text_of(&["show", &article.id]);
    let lines: Vec<&str> = text.lines().collect();
    let title: Vec<&str> = article.title.split_whitespace().collect();
    assert!(lines[0].starts_with(title[0]), "{text}");
    let field = |label: &str| {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(label))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
            .map(|v| v.trim_end_matches(" (inferred)").to_string())
    };
    assert_eq!(field("date").as_deref(), json["date"].as_str());
    assert_eq!(field("source").as_deref(), json["source"].as_str());
    assert_eq!(field("url").as_deref(), json["url"].as_str());
    assert_eq!(field("id").as_deref(), Some(article.id.as_str()));
    for (heading, kind) in [("People", "person"), ("Organizations", "org")] {
        let first = json["entities"][kind][0].as_str().unwrap();
        let line = lines
            .iter()
            .find(|l| l.starts_with(heading))
            .unwrap_or_else(|| panic!("{heading}: {text}"));
        assert!(line.contains(first), "{line}");
    }
    // Every word of the body, in order, on lines of at most 80 characters.
    let body: Vec<&str> = json["body"].as_str().unwrap().split_whitespace().collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(
        words.windows(body.len()).any(|w| w == body.as_slice()),
        "the body is all there: {text}"
    );
    for line in &lines {
        // Values that are one long word (a url, a path) and the lists under a heading aside.
        let label = line.split_whitespace().next().unwrap_or("");
        if line.starts_with(' ') || ["url", "file", "id"].contains(&label) {
            continue;
        }
        assert!(
            line.chars().count() <= 80 || !line.trim().contains(' '),
            "{line}"
        );
    }
}

#[test]
fn show_refuses_an_id_no_article_has() {
    for id in ["no-such-article", "zakon/нет.txt", "a\nb"] {
        let out = vestnik()
            .args(["show", id, "--index"])
            .arg(corpus_index())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{id}");
        assert!(out.stdout.is_empty());
        let err = stderr_of(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(
            err,
            format!("vestnik: no article with id '{}'\n", id.escape_debug())
        );
    }
}

/// Every CSV table of counts has the same columns, `kind,value,count` (the entity list adds the
/// forms), and names its kinds as `--facet` does; the facets-only table holds every facet the
/// JSON does.
#[test]
fn csv_tables_of_counts_share_their_columns() {
    let csv_of = |args: &[&str]| {
        let out = vestnik()
            .args(args)
            .args(["--format", "csv", "--index"])
            .arg(corpus_index())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let kinds: std::collections::BTreeSet<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        (header, kinds)
    };
    let (header, kinds) = csv_of(&["search", "*", "--facets-only"]);
    assert_eq!(header, ["kind", "value", "count"]);
    assert_eq!(
        kinds.iter().map(String::as_str).collect::<Vec<_>>(),
        ["date", "loc", "org", "person", "source"]
    );
    let (header, kinds) = csv_of(&["related", "--person", "Карин"]);
    assert_eq!(header, ["kind", "value", "count"]);
    assert!(
        kinds.contains("org")
            && kinds
                .iter()
                .all(|k| ["person", "org", "loc"].contains(&k.as_str()))
    );
    let (header, kinds) = csv_of(&["entities"]);
    assert_eq!(header, ["kind", "value", "count", "surfaces"]);
    assert_eq!(
        kinds.iter().map(String::as_str).collect::<Vec<_>>(),
        ["loc", "org", "person"]
    );
}
