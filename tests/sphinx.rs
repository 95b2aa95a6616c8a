//! `vestnik export --to sphinx`, live: the bundled corpus exported to two shards, two shard
//! `searchd` and a coordinator started on free loopback ports, and the distributed index asked
//! the same questions as the local one over SphinxQL, then through `vestnik search --engine`
//! as a user would ask them: the same totals and facets, nearly the same top ten, and a shard
//! killed is named rather than missing from the counts in silence. Needs Sphinx 2.2
//! (`indexer`, `searchd`: Debian's `sphinxsearch`, which `.ci/run` installs); without it the
//! tests fail.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use mysql::prelude::Queryable;
use vestnik::export::{Keyed, analyzed_keys, analyzed_keys_into, field_key, sphinx};
use vestnik::search::{FacetKind, SearchRequest};

const SHARDS: usize = 2;

/// A coordinator port whose shard and binary ports are free too. Ports come in slots of 211
/// (a cluster spans 103 of them), one slot per call in this process and per process id, so
/// that tests starting clusters at once, in one process or in several, never pick the same
/// ports: a free port checked by two of them at the same moment looked free to both.
fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static CALLS: AtomicU32 = AtomicU32::new(0);
    const SLOT: u32 = 211;
    const SLOTS: u32 = 40_000 / SLOT;
    let first = std::process::id() % SLOTS + CALLS.fetch_add(1, Ordering::Relaxed) * 61;
    (0..SLOTS)
        .map(|i| (20_000 + ((first + i) % SLOTS) * SLOT) as u16)
        .find(|&p| {
            (0..=SHARDS as u16).all(|k| {
                TcpListener::bind(("127.0.0.1", p + k)).is_ok()
                    && TcpListener::bind(("127.0.0.1", p + sphinx::BINARY_OFFSET + k)).is_ok()
            })
        })
        .expect("no free ports")
}

/// The running `searchd` processes of an export, stopped (by the PIDs they wrote) when
/// dropped, whatever the test's outcome.
struct Cluster {
    dir: PathBuf,
    names: Vec<String>,
}

impl Cluster {
    fn start(dir: &Path) -> Cluster {
        let mut names: Vec<String> = (1..=SHARDS).map(|k| format!("shard-{k}")).collect();
        names.push("coordinator".into());
        let cluster = Cluster {
            dir: dir.to_path_buf(),
            names,
        };
        for name in &cluster.names {
            let status = Command::new("searchd")
                .arg("--config")
                .arg(dir.join(format!("{name}.conf")))
                .output()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot run searchd ({e}): install Sphinx (apt-get install sphinxsearch)"
                    )
                });
            assert!(
                status.status.success(),
                "searchd {name}: {}",
                String::from_utf8_lossy(&status.stdout)
            );
        }
        cluster
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for name in &self.names {
            let pid = std::fs::read_to_string(self.dir.join("run").join(format!("{name}.pid")));
            if let Ok(pid) = pid {
                let _ = Command::new("kill").arg(pid.trim()).status();
            }
        }
    }
}

/// A MATCH() expression for `query` as vestnik analyzes it: its words' keys, all required,
/// each in headlines or bodies (each field has keys of its own); quoted, a phrase.
fn keys(query: &str) -> String {
    let in_fields = |text: &str| {
        let mut a = vestnik::analysis::russian_analyzer();
        let mut headline = String::new();
        analyzed_keys_into(&mut a, text, Keyed::Headline, &mut headline);
        (headline, analyzed_keys(&mut a, text))
    };
    match query.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
        Some(phrase) => {
            let (h, w) = in_fields(phrase);
            format!("((@headline_words \"{h}\") | (@body_words \"{w}\"))")
        }
        None => vestnik::analysis::terms(query)
            .iter()
            .map(|t| {
                format!(
                    "((@headline_words {}) | (@body_words {}))",
                    field_key(Keyed::Headline, t),
                    field_key(Keyed::Body, t)
                )
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn total_found(conn: &mut mysql::Conn, sql: &str) -> u64 {
    let _: Vec<mysql::Row> = conn.query(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let meta: Vec<(String, String)> = conn.query("SHOW META").unwrap();
    meta.iter()
        .find(|(k, _)| k == "total_found")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap()
}

/// An export of the sample corpus to two shards, started.
struct Running {
    // Stopped before the folder holding their process ids is removed (fields drop in order).
    _cluster: Cluster,
    out: PathBuf,
    port: u16,
    _work: tempfile::TempDir,
}

fn export_and_start() -> Running {
    export_and_start_of(common::corpus_index())
}

/// An export of the index in `index` to two shards, started.
fn export_and_start_of(index: &Path) -> Running {
    let work = tempfile::tempdir().unwrap();
    let port = free_port();
    let out = work.path().join("export");
    common::vestnik()
        .args(["export", "--to", "sphinx", "--shards", "2", "--port"])
        .arg(port.to_string())
        .arg("--index")
        .arg(index)
        .arg(&out)
        .assert()
        .success();
    let cluster = Cluster::start(&out);
    Running {
        _cluster: cluster,
        out,
        port,
        _work: work,
    }
}

impl Running {
    fn url(&self) -> String {
        format!("sphinxql://127.0.0.1:{}", self.port)
    }

    /// `vestnik search ARGS` through the engine.
    fn engine(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = common::vestnik();
        cmd.arg("search")
            .args(args)
            .args(["--engine", &self.url(), "--engine-dir"])
            .arg(&self.out)
            .arg("--no-pager");
        cmd
    }
}

/// `vestnik search ARGS` on the local index.
fn local(args: &[&str]) -> assert_cmd::Command {
    local_of(common::corpus_index(), args)
}

/// `vestnik search ARGS` on the local index in `index`.
fn local_of(index: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = common::vestnik();
    cmd.arg("search")
        .args(args)
        .arg("--index")
        .arg(index)
        .arg("--no-pager");
    cmd
}

/// `s` percent-encoded for a query string: every byte but ASCII letters and digits.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn hit_ids(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|h| h["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_engine_path_answers_as_the_local_index() {
    let running = export_and_start();
    // Each: the arguments, and whether the local index finds something (so that an empty
    // answer on both sides cannot pass for agreement where a match was meant).
    let cases: &[(&[&str], bool)] = &[
        (&["Казахстан"], true),
        (&["Алматы"], true),
        (&["школы"], true),
        (&["новые школы"], true),
        (&["Самрук-Казына"], true),
        (&["\"базовую ставку\""], true),
        (&["\"защита детей\""], true),
        (&["Нацбанк OR ЮНИСЕФ"], true),
        (&["школы -Шымкент"], true),
        (&["-source:Zakon.kz Казахстан"], true),
        (&["title:Алматы"], true),
        (&["body:дети"], true),
        (&["дети AND (школа OR центр)"], true),
        (&["экономика Казахстана"], true),
        (&["Казахстан", "--sort", "date"], true),
        (&["*", "--sort", "date", "--by", "month"], true),
        (&["*", "--person", "Карину"], true),
        (&["person:Карин защита"], true),
        (&["*", "--org", "UNICEF"], true),
        (&["*", "--loc", "Астана"], true),
        (&["*", "--source", "Zakon.kz"], true),
        (
            &[
                "*",
                "--from",
                "2024-01-01",
                "--to",
                "2024-06-30",
                "--by",
                "day",
            ],
            true,
        ),
        (&["школы date:2024"], true),
        (&["Казахстан date:>=2023"], true),
        (
            &["Казахстан", "--no-group", "--limit", "5", "--offset", "5"],
            true,
        ),
        (&["сколько стоит строительство школ в Шымкенте"], true),
        (&["*", "--person", "Зюзюкин Несуществующий"], false),
        (&["zzzzzz"], false),
    ];
    for (args, finds) in cases {
        let mut with_json: Vec<&str> = args.to_vec();
        with_json.extend(["--format", "json"]);
        let want = common::json_of(&mut local(&with_json));
        let got = common::json_of(&mut running.engine(&with_json));
        let total = want["total"].as_u64().unwrap_or(0);
        assert_eq!(total > 0, *finds, "{args:?}: local total {total}");
        assert_eq!(got["total"], want["total"], "{args:?}: total");
        for facet in ["source", "date", "person", "org", "loc"] {
            assert_eq!(
                got["facets"][facet], want["facets"][facet],
                "{args:?}: facet {facet}"
            );
        }
        assert_eq!(got["filters"], want["filters"], "{args:?}: filters");
        assert_eq!(got["relaxed"], want["relaxed"], "{args:?}: relaxed");
        let (w, g) = (hit_ids(&want), hit_ids(&got));
        assert_eq!(g.len(), w.len(), "{args:?}: hits on the page");
        if args.contains(&"--sort") || args == &["*"] {
            // Newest first, or every article: the same order, ties by index order.
            assert_eq!(g, w, "{args:?}: order");
        } else if !w.is_empty() {
            // Ranked by relevance: the engine's ranker expression is the local BM25 per
            // field with the archive's statistics (see `ranker` in src/engine/sphinx.rs), up
            // to tantivy's one-byte field lengths, so the pages share at least 8 in 10.
            let shared = g.iter().filter(|id| w.contains(id)).count();
            let overlap = shared as f64 / w.len() as f64;
            assert!(
                overlap >= 0.8,
                "{args:?}: top-{} overlap {overlap:.2}: local {w:?}, engine {g:?}",
                w.len()
            );
        }
    }

    // A name that resolves to nothing narrows to nothing, and the text output says why.
    let out = running
        .engine(&["*", "--person", "Зюзюкин Несуществующий"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no person named"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // What Sphinx cannot be asked is refused in one line, exit 2.
    for args in [
        &["школ*"][..],
        &["школы OR person:Карину"],
        &["\"Ерлан Карин\"~2"],
    ] {
        let out = running.engine(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not available through --engine"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }

    // A shard killed: every answer names it instead of counting without it.
    let pid = std::fs::read_to_string(running.out.join("run").join("shard-2.pid")).unwrap();
    let killed = Command::new("kill").arg(pid.trim()).status().unwrap();
    assert!(killed.success());
    wait_gone(pid.trim());
    for format in ["json", "text"] {
        let out = running
            .engine(&["Казахстан", "--format", format])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(err.contains("shard 2"), "{format}: {err}");
        assert!(out.stdout.is_empty(), "{format}: partial answer printed");
    }
}

/// Waits until the process `pid` has exited (searchd stops its listeners before exiting).
fn wait_gone(pid: &str) {
    let proc_dir = PathBuf::from("/proc").join(pid);
    for _ in 0..600 {
        if !proc_dir.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("searchd {pid} did not stop");
}

#[test]
fn a_bad_or_unreachable_engine_is_one_line_and_an_error() {
    let work = tempfile::tempdir().unwrap();
    for (url, code) in [
        ("mysql://127.0.0.1:9306", 2),
        ("sphinxql://127.0.0.1", 2),
        ("sphinxql://127.0.0.1:1", 1),
    ] {
        // The registry is read first: give it one, so that the address is what fails.
        std::fs::write(
            work.path().join("entities.json"),
            r#"{"format":2,"person":[],"org":[],"loc":[],"names":{"person":[],"org":[],"loc":[]},"aliases":""}"#,
        )
        .unwrap();
        let out = common::vestnik()
            .args(["search", "метро", "--engine", url, "--engine-dir"])
            .arg(work.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{url}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn two_shards_answer_as_the_local_index() {
    let running = export_and_start();
    let (out, port) = (&running.out, running.port);
    for file in [
        "coordinator.conf",
        "shard-1.conf",
        "shard-2.conf",
        "entities.json",
        "README.md",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let opts = mysql::OptsBuilder::new()
        .ip_or_hostname(Some("127.0.0.1"))
        .tcp_port(port)
        .prefer_socket(false);
    let mut conn = mysql::Conn::new(opts).expect("the coordinator answers SphinxQL");

    let local = common::searcher();
    let all = local.num_docs();
    assert_eq!(
        total_found(
            &mut conn,
            &format!("SELECT id FROM {} LIMIT 1", sphinx::INDEX)
        ),
        all
    );
    let queries = [
        "в",
        "метро",
        "Алматы",
        "школы",
        "новые станции",
        "президент указ",
        "\"новые станции\"",
        "\"в Алматы\"",
        "ипотека",
        "zzzzzz",
    ];
    for q in queries {
        let mut req = SearchRequest::new(q);
        req.group = false;
        req.limit = 0;
        let expected = local.search(&req).unwrap().total as u64;
        let sql = format!(
            "SELECT id FROM {} WHERE MATCH('{}') LIMIT 1",
            sphinx::INDEX,
            keys(q)
        );
        assert_eq!(total_found(&mut conn, &sql), expected, "{q}");
    }

    // Sources, counted across both shards, as the local facet counts them.
    let mut req = SearchRequest::new("*");
    req.group = false;
    req.limit = 0;
    req.facets = vec![FacetKind::Source];
    let facets = local.search(&req).unwrap().facets.source;
    let rows: Vec<(String, u64)> = conn
        .query(format!(
            "SELECT source, COUNT(*) c FROM {} GROUP BY source ORDER BY c DESC LIMIT 1000",
            sphinx::INDEX
        ))
        .unwrap();
    let mut remote: Vec<(String, u64)> = rows.into_iter().filter(|(s, _)| !s.is_empty()).collect();
    let mut expected: Vec<(String, u64)> =
        facets.iter().map(|c| (c.value.clone(), c.count)).collect();
    remote.sort();
    expected.sort();
    assert_eq!(remote, expected);
}

/// An export stopped half-way (here: the final name of shard 1 is taken, so the export fails
/// after writing the shards' data) leaves only `.part` files and no configuration that reads
/// them: nothing can start on half an archive.
#[test]
fn an_export_stopped_half_way_leaves_no_configuration() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("export");
    std::fs::create_dir_all(out.join("shard-1.tsv")).unwrap();
    std::fs::write(out.join("shard-1.tsv").join("keep"), "").unwrap();
    let export = || {
        let mut cmd = common::vestnik();
        cmd.args(["export", "--to", "sphinx", "--no-build", "--shards", "2"])
            .arg("--index")
            .arg(common::corpus_index())
            .arg(&out);
        cmd
    };
    let result = export().output().unwrap();
    assert!(!result.status.success());
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(err.contains("shard-1.tsv.part"), "{err}");
    assert!(out.join("shard-1.tsv.part").is_file());
    for file in [
        "coordinator.conf",
        "shard-1.conf",
        "shard-2.conf",
        "entities.json",
    ] {
        assert!(
            !out.join(file).exists(),
            "{file} written by a failed export"
        );
    }
    // Run again once the way is clear: the export completes and no `.part` file is left.
    std::fs::remove_dir_all(out.join("shard-1.tsv")).unwrap();
    export().assert().success();
    let parts: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(parts.is_empty(), "{parts:?}");
    assert!(out.join("coordinator.conf").is_file());
}

/// `vestnik serve --engine`: the API answered through the engine gives the local server's
/// totals, facets and filters; what the engine cannot answer is a one-line JSON error (400),
/// and a shard down is a 502 naming it, never a smaller count.
#[test]
fn serve_through_the_engine_answers_as_the_local_server() {
    let running = export_and_start();
    let local = common::Server::start(common::corpus_index());
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("vestnik"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--engine", &running.url()])
        .arg("--engine-dir")
        .arg(&running.out);
    let engine = common::Server::spawn(command);

    let searches = [
        "/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB%D1%8B", // школы
        "/api/search?q=%22%D0%B1%D0%B0%D0%B7%D0%BE%D0%B2%D1%83%D1%8E+%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D1%83%22", // "базовую ставку"
        "/api/search?q=*&person=%D0%9A%D0%B0%D1%80%D0%B8%D0%BD%D1%83", // * person=Карину
        "/api/search?q=*&source=Zakon.kz&by=month",
        "/api/search?q=%D0%9A%D0%B0%D0%B7%D0%B0%D1%85%D1%81%D1%82%D0%B0%D0%BD&from=2023&sort=date", // Казахстан
        "/api/facets?q=*",
        "/api/search?q=zzzzzz",
    ];
    for path in searches {
        let (ls, want) = local.json(path);
        let (es, got) = engine.json(path);
        assert_eq!((es, ls), (200, 200), "{path}: {got} / {want}");
        for key in ["total", "facets", "filters", "relaxed"] {
            assert_eq!(got[key], want[key], "{path}: {key}");
        }
        if let Some(hits) = want["hits"].as_array() {
            assert_eq!(
                got["hits"].as_array().map(Vec::len),
                Some(hits.len()),
                "{path}"
            );
        }
    }
    for path in [
        "/api/entities?q=*&type=person",
        "/api/timeline?q=*&by=year",
        "/api/related?person=%D0%9A%D0%B0%D1%80%D0%B8%D0%BD",
    ] {
        let (ls, want) = local.json(path);
        let (es, got) = engine.json(path);
        assert_eq!((es, ls), (200, 200), "{path}: {got} / {want}");
        match path {
            p if p.starts_with("/api/entities") => {
                let counts = |v: &serde_json::Value| -> Vec<(String, u64)> {
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(|e| (e["id"].to_string(), e["count"].as_u64().unwrap()))
                        .collect()
                };
                assert_eq!(counts(&got), counts(&want), "{path}");
            }
            p if p.starts_with("/api/timeline") => {
                assert_eq!(got["periods"], want["periods"], "{path}");
                assert_eq!(got["undated"], want["undated"], "{path}");
            }
            _ => assert_eq!(got, want, "{path}"),
        }
    }

    // Every article's view, with the marks of a query's words, is the local one byte for
    // byte: its body (paragraphs kept), entities and the ways it wrote them, other versions.
    let (_, all) = local.json("/api/search?q=*&limit=100&group=false");
    let ids = hit_ids(&all);
    assert!(ids.len() >= 60, "{}", ids.len());
    let mut with_paragraphs = 0;
    for id in &ids {
        for q in [
            "",
            "&q=%D1%88%D0%BA%D0%BE%D0%BB%D1%8B+-%D0%A8%D1%8B%D0%BC%D0%BA%D0%B5%D0%BD%D1%82",
        ] {
            // школы -Шымкент: an excluded word is marked too, as locally.
            let path = format!("/api/doc?id={}{q}", percent(id));
            let (ls, want) = local.json(&path);
            let (es, got) = engine.json(&path);
            assert_eq!((es, ls), (200, 200), "{path}: {got}");
            assert_eq!(got, want, "{path}");
        }
        let (_, doc) = local.json(&format!("/api/doc?id={}", percent(id)));
        with_paragraphs += usize::from(doc["body"].as_str().unwrap_or_default().contains('\n'));
    }
    assert!(with_paragraphs > 0);
    // An id no article has, one that differs only in case (Sphinx compares strings without
    // ASCII case) and one with a quote: 404, as locally.
    let upper = ids
        .iter()
        .find(|id| id.to_uppercase() != **id)
        .unwrap()
        .to_uppercase();
    for id in ["nonexistent", upper.as_str(), "x' OR '1'='1"] {
        let path = format!("/api/doc?id={}", percent(id));
        let (ls, _) = local.json(&path);
        let (es, got) = engine.json(&path);
        assert_eq!((es, ls), (404, 404), "{path}: {got}");
    }
    // `vestnik show` through the engine prints what it prints locally.
    let show = |extra: &[&str]| {
        let mut cmd = common::vestnik();
        cmd.args(["show", &ids[0], "--format", "json", "--no-pager"])
            .args(extra);
        common::succeed(&mut cmd).stdout
    };
    let dir = running.out.to_string_lossy().to_string();
    let index = common::corpus_index().to_string_lossy().to_string();
    assert_eq!(
        show(&["--engine", &running.url(), "--engine-dir", &dir]),
        show(&["--index", &index])
    );

    // What the engine cannot answer: a 400 with a one-line JSON error, as the CLI's.
    for path in [
        "/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB*", // школ*
        "/api/export?q=*&format=jsonl",
    ] {
        let (status, r) = engine.json(path);
        assert_eq!(status, 400, "{path}: {r}");
        let error = r["error"].as_str().unwrap_or_default();
        assert!(
            error.contains("not available through --engine"),
            "{path}: {r}"
        );
        assert!(!error.contains('\n'), "{path}: {r}");
    }

    // A shard down: a 502 that names it, not the other shard's counts.
    let pid = std::fs::read_to_string(running.out.join("run").join("shard-1.pid")).unwrap();
    assert!(
        Command::new("kill")
            .arg(pid.trim())
            .status()
            .unwrap()
            .success()
    );
    wait_gone(pid.trim());
    let (status, r) = engine.json("/api/search?q=*");
    assert_eq!(status, 502, "{r}");
    let error = r["error"].as_str().unwrap_or_default();
    assert!(error.contains("shard 1"), "{r}");
    assert!(r.get("total").is_none(), "{r}");
}

/// The real news of `../shared/data/ner` (962 articles, so that most queries match far more
/// than a page): through the engine, every query's total and facets equal the local index's,
/// and its top ten shares at least 8 articles with the local top ten.
#[test]
fn real_news_rank_through_the_engine_as_locally() {
    let ner = common::shared_dir("real_news_rank_through_the_engine_as_locally")
        .join("data")
        .join("ner");
    let work = tempfile::tempdir().unwrap();
    let index = work.path().join("index");
    common::vestnik()
        .arg("index")
        .arg(&ner)
        .arg("--index")
        .arg(&index)
        .assert()
        .success();
    let running = export_and_start_of(&index);
    let queries = [
        "президент",
        "правительство",
        "россия",
        "выборы",
        "суд",
        "\"президент россии\"",
        "министр обороны",
        "компания",
        "person:Путин",
        "org:ООН",
        "loc:Москва",
        "война OR конфликт",
        "суд -москва",
        "title:президент",
        "сколько стоит строительство новых школ в регионах россии",
        "экономика",
        "полиция задержала",
    ];
    let mut pages_past_ten = 0;
    for q in queries {
        let args = [q, "--format", "json"];
        let want = common::json_of(&mut local_of(&index, &args));
        let got = common::json_of(&mut running.engine(&args));
        assert_eq!(got["total"], want["total"], "{q}: total");
        assert_eq!(got["facets"], want["facets"], "{q}: facets");
        let (w, g) = (hit_ids(&want), hit_ids(&got));
        assert_eq!(g.len(), w.len(), "{q}: hits on the page");
        assert!(!w.is_empty(), "{q}: the local index finds nothing");
        let shared = g.iter().filter(|id| w.contains(id)).count();
        assert!(
            shared * 10 >= w.len() * 8,
            "{q}: {shared} of the local {} shared: local {w:?}, engine {g:?}",
            w.len()
        );
        if want["total"].as_u64().unwrap_or(0) > 20 {
            pages_past_ten += 1;
        }
    }
    // Most of these queries rank among many more matches than a page holds, so the
    // overlap is a ranking's, not the whole result set's.
    assert!(pages_past_ten >= 12, "{pages_past_ten}");
}

/// A document's view through the engine (`vestnik show ID --engine`) is the local one byte for
/// byte, also for what the sample corpus lacks: a text republished under another source (its
/// other version listed), an author, a body with tabs, backslashes and an escape-looking
/// `\\n` that is not a line break.
#[test]
fn a_documents_view_through_the_engine_is_the_local_one() {
    // Thirty words and more: shorter texts are never grouped as one release.
    let body = "Министр финансов Ерлан Жамаубаев представил в Астане проект республиканского бюджета на три года. По его словам, доходы вырастут за счёт налогов, а расходы на образование, здравоохранение и социальную защиту останутся главными статьями.\n\n\tВторой абзац: отчёт лежит в папке C:\\отчёты\\n2024, и это не перенос строки.";
    let line = |id: &str, source: &str, author: &str| {
        serde_json::json!({
            "id": id, "title": "Бюджет представлен", "body": body, "source": source,
            "date": "2024-05-17", "author": author, "url": format!("https://example.kz/{id}"),
        })
        .to_string()
    };
    let feed = [
        line("a1", "Zakon.kz", "Айгуль Серикова"),
        // The same outlet spelled otherwise: the local facet counts each spelling apart.
        line("a2", "ZAKON.KZ", ""),
    ]
    .join("\n");
    let (_dir, index) = common::index_of(&[("feed.jsonl", &feed)]);
    let running = export_and_start_of(&index);
    let ids = hit_ids(&common::json_of(&mut local_of(
        &index,
        &["*", "--format", "json", "--no-group"],
    )));
    assert_eq!(ids.len(), 2, "{ids:?}");
    let show = |id: &str, extra: &[&str]| -> serde_json::Value {
        let mut cmd = common::vestnik();
        cmd.args(["show", id, "--format", "json", "--no-pager"])
            .args(extra);
        serde_json::from_slice(&common::succeed(&mut cmd).stdout).unwrap()
    };
    let dir = running.out.to_string_lossy().to_string();
    let at = index.to_string_lossy().to_string();
    for id in &ids {
        let want = show(id, &["--index", &at]);
        let got = show(id, &["--engine", &running.url(), "--engine-dir", &dir]);
        assert_eq!(got, want, "{id}");
        assert_eq!(want["body"], body);
        assert_eq!(
            want["duplicates"].as_array().map(Vec::len),
            Some(1),
            "{want}"
        );
        assert!(!want["mentions"].as_array().unwrap().is_empty(), "{want}");
    }
    let search = ["*", "--format", "json", "--no-group", "--facet", "source"];
    let want = common::json_of(&mut local_of(&index, &search));
    assert_eq!(
        want["facets"]["source"].as_array().map(Vec::len),
        Some(2),
        "{want}"
    );
    let got = common::json_of(&mut running.engine(&search));
    assert_eq!(got["facets"], want["facets"]);
    assert_eq!(hit_ids(&got), hit_ids(&want));
    let authors: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| show(id, &["--index", &at])["author"].clone())
        .filter(|a| !a.is_null())
        .collect();
    assert_eq!(authors, ["Айгуль Серикова"]);
    // An id no article has: exit 2 with one line, as locally.
    let mut cmd = common::vestnik();
    cmd.args([
        "show",
        "A1",
        "--engine",
        &running.url(),
        "--engine-dir",
        &dir,
    ]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article with id 'A1'"));
}

#[test]
fn many_versions_of_a_text_list_as_locally() {
    // A text republished 45 times, then another twice: the page's two release groups are
    // asked for in one statement of at most 21 rows a group, which the first group's
    // versions fill alone, so the second must be asked for again rather than come back empty.
    let wire = "Агентство по статистике сообщило, что государственный бюджет за первое полугодие исполнен на девяносто восемь процентов, доходы от налогов выросли, а расходы на дороги, больницы и школы в областях превысили прошлогодние на одну пятую. В ведомстве добавили, что поступления от экспорта нефти и металлов оказались выше прогноза, а дефицит удалось сократить благодаря экономии на закупках оборудования и переносу части строительных программ на осень.";
    let local_news = "Акимат Караганды утвердил городской бюджет на следующий год: больше всего денег получат ремонт теплосетей, новые автобусы и два детских сада, которые начнут строить весной после общественных слушаний в каждом районе города. Депутаты маслихата попросили отдельно проверить смету на освещение улиц и дворов, а жители северных микрорайонов напомнили о старых обещаниях проложить туда новую линию водопровода до конца лета.";
    let line = |id: String, body: &str, source: &str| {
        serde_json::json!({
            "id": id, "title": "Бюджет", "body": body, "source": source, "date": "2024-05-17",
        })
        .to_string()
    };
    let mut lines: Vec<String> = (0..45)
        .map(|i| line(format!("wire-{i:02}"), wire, &format!("Outlet {i}")))
        .collect();
    lines.push(line("karaganda-1".into(), local_news, "Zakon.kz"));
    lines.push(line("karaganda-2".into(), local_news, "Tengrinews"));
    let (_dir, index) = common::index_of(&[("feed.jsonl", &lines.join("\n"))]);
    let running = export_and_start_of(&index);
    let search = ["бюджет", "--format", "json", "--facet", "source"];
    let want = common::json_of(&mut local_of(&index, &search));
    let got = common::json_of(&mut running.engine(&search));
    assert_eq!(want["total"], 47, "{want}");
    assert_eq!(hit_ids(&want).len(), 2, "{want}");
    let versions = |v: &serde_json::Value| -> Vec<usize> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["duplicates"].as_array().map_or(0, Vec::len))
            .collect()
    };
    let mut listed = versions(&want);
    listed.sort_unstable();
    assert_eq!(listed, [1, 20], "{want}");
    assert_eq!(got["total"], want["total"]);
    assert_eq!(got["facets"], want["facets"]);
    // The same two hits (in the ranker's order, which is not what this test is about).
    let by_id = |v: &serde_json::Value| -> std::collections::BTreeMap<String, serde_json::Value> {
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h["id"].as_str().unwrap().to_string(), h.clone()))
            .collect()
    };
    let (g, w) = (by_id(&got), by_id(&want));
    assert_eq!(g.keys().collect::<Vec<_>>(), w.keys().collect::<Vec<_>>());
    for (id, hit) in &w {
        assert_eq!(g[id]["duplicates"], hit["duplicates"], "{id}");
        assert_eq!(g[id]["group"], hit["group"], "{id}");
    }
    // A document's view lists the first 20 other versions, as locally.
    let show = |extra: &[&str]| -> serde_json::Value {
        let mut cmd = common::vestnik();
        cmd.args(["show", "wire-44", "--format", "json", "--no-pager"])
            .args(extra);
        serde_json::from_slice(&common::succeed(&mut cmd).stdout).unwrap()
    };
    let dir = running.out.to_string_lossy().to_string();
    let local_doc = show(&["--index", &index.to_string_lossy()]);
    assert_eq!(local_doc["duplicates"].as_array().map(Vec::len), Some(20));
    assert_eq!(
        show(&["--engine", &running.url(), "--engine-dir", &dir]),
        local_doc
    );
}

#[test]
fn ranking_headline_articles_first_changes_no_answer() {
    // The word in 60 short headlines, in 40 long ones (which weigh little), and only in
    // the bodies of 30 short articles that say little else (which weigh more than the long
    // headlines): the engine ranks the headline articles alone where their page clears what
    // the others could weigh, and must answer exactly as when it ranks every match.
    let article = |id: String, title: String, body: String, source: &str, date: String| {
        serde_json::json!({
            "id": id, "title": title, "body": body, "source": source, "date": date,
        })
    };
    let filler = "Совещание прошло в здании акимата, где выступили руководители управлений, депутаты и представители общественных организаций, обсудившие дороги, школы, больницы, тарифы и сроки ремонта.";
    let mut lines = Vec::new();
    for i in 0..60 {
        lines.push(article(
            format!("head-{i:02}"),
            format!("Бюджет района номер {i}"),
            format!("Маслихат утвердил бюджет района номер {i} на следующий год, налог на землю не меняется."),
            if i % 2 == 0 { "Zakon.kz" } else { "Tengrinews" },
            format!("2024-03-{:02}", i % 28 + 1),
        ));
    }
    for i in 0..40 {
        lines.push(article(
            format!("long-{i:02}"),
            format!("{filler} Там же упомянули бюджет, номер {i}"),
            format!("{filler} Протокол номер {i}."),
            "Kazinform",
            "2024-02-01".into(),
        ));
    }
    for i in 0..30 {
        lines.push(article(
            format!("dense-{i:02}"),
            format!("Коротко {i}"),
            "Бюджет, бюджет, бюджет и снова бюджет.".into(),
            "Kazinform",
            "2023-11-05".into(),
        ));
    }
    for i in 0..200 {
        lines.push(article(
            format!("other-{i:03}"),
            format!("Итоги совещания {i}"),
            format!("{filler} Налог обсуждали долго, номер протокола {i}. {filler}"),
            "Kazinform",
            format!("2023-{:02}-10", i % 12 + 1),
        ));
    }
    let feed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let (_dir, index) = common::index_of(&[("feed.jsonl", &feed.join("\n"))]);
    let running = export_and_start_of(&index);
    let url = vestnik::engine::EngineUrl::parse(&running.url()).unwrap();
    let connect = || vestnik::engine::sphinx::SphinxEngine::connect(&url, &running.out).unwrap();
    let (pruned, whole) = (connect(), connect().without_pruning());
    let log = running.out.join("run").join("coordinator.query.log");
    let logged = || std::fs::read_to_string(&log).unwrap_or_default();

    let cases: &[(&str, bool, usize, usize)] = &[
        ("бюджет", false, 10, 0),
        ("бюджет", false, 5, 20),
        ("бюджет", true, 10, 0),
        ("бюджет района", false, 10, 0),
        ("бюджет налог", false, 10, 0),
        ("бюджет -протокола", false, 10, 0),
        ("бюджет OR совещания", false, 10, 0),
        ("\"бюджет района\" налог", false, 10, 0),
        ("title:коротко бюджет", false, 10, 0),
        ("бюджет", false, 70, 0),
        ("бюджет", false, 100, 0),
        ("протокола", false, 10, 0),
    ];
    let mut cleared = 0;
    for &(query, group, limit, offset) in cases {
        let mut req = SearchRequest::new(query);
        req.group = group;
        req.limit = limit;
        req.offset = offset;
        req.facets = vec![FacetKind::Source, FacetKind::Date];
        let before = logged().len();
        let got = pruned.search(&req).unwrap();
        let new = logged()[before..].to_string();
        let want = whole.search(&req).unwrap();
        assert!(want.total > 0, "{query}");
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            serde_json::to_value(&want).unwrap(),
            "{query} limit {limit} offset {offset}"
        );
        // Whether the headline articles sufficed: no statement ranked the whole match.
        let narrowed = new.contains(") (@headline_words");
        // A page's statement shows `(skip,fetch)`: the one of the whole match has no
        // headline clause added.
        let (skip, fetch) = if group {
            (0, (offset + limit) * 3 + 8)
        } else {
            (offset, limit)
        };
        let ranked_whole = new.lines().any(|l| {
            let q = l.rsplit("[vestnik]").next().unwrap_or_default().trim();
            l.contains(&format!("({skip},{fetch})]"))
                && !q.is_empty()
                && !q.contains(") (@headline_words")
        });
        if narrowed && !ranked_whole {
            cleared += 1;
        }
    }
    // The first pages of the plain word are found among its headline articles alone.
    assert!(
        cleared >= 3,
        "{cleared} of {} answered from headline articles",
        cases.len()
    );
}
