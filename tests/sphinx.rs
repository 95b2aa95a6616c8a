//! `vestnik export --to sphinx`, live: the bundled corpus exported to two shards, two shard
//! `searchd` and a coordinator started on free loopback ports, and the distributed index asked
//! the same questions as the local one over SphinxQL. Needs Sphinx 2.2 (`indexer`, `searchd`:
//! Debian's `sphinxsearch`, which `.ci/run` installs); without it the test fails.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use mysql::prelude::Queryable;
use vestnik::export::{analyzed_keys, sphinx};
use vestnik::search::{FacetKind, SearchRequest};

const SHARDS: usize = 2;

/// A coordinator port whose shard and binary ports are free too.
fn free_port() -> u16 {
    let start = 20_000 + (std::process::id() % 20_000) as u16;
    (0..200u16)
        .map(|i| start.wrapping_add(i * 211) % 40_000 + 20_000)
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

/// A MATCH() expression for `query` as vestnik analyzes it: its words' keys, all required;
/// quoted, a phrase.
fn keys(query: &str) -> String {
    let mut analyzer = vestnik::analysis::russian_analyzer();
    match query.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
        Some(phrase) => format!("\"{}\"", analyzed_keys(&mut analyzer, phrase)),
        None => analyzed_keys(&mut analyzer, query),
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

#[test]
fn two_shards_answer_as_the_local_index() {
    let work = tempfile::tempdir().unwrap();
    let index = common::corpus_index();
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
    for file in [
        "coordinator.conf",
        "shard-1.conf",
        "shard-2.conf",
        "entities.json",
        "README.md",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let _cluster = Cluster::start(&out);
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
