//! Helpers shared by the integration tests: the sample corpus, its manifest, a real index
//! built from it once per test binary, and the `vestnik` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;
use vestnik::search::{SearchRequest, SearchResult, Searcher};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn corpus_dir() -> PathBuf {
    repo().join("corpus")
}

#[derive(Debug, Deserialize, Clone)]
pub struct ManifestArticle {
    pub id: String,
    pub file: String,
    pub format: String,
    pub title: String,
    pub date: String,
    pub source: String,
    pub url: Option<String>,
    pub people: Vec<String>,
    pub organizations: Vec<String>,
    pub locations: Vec<String>,
    pub mentions: Vec<ManifestMention>,
}

#[derive(Debug, Deserialize, Clone)]
pub struct ManifestMention {
    pub text: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub norm: String,
}

#[derive(Deserialize)]
struct Manifest {
    articles: Vec<ManifestArticle>,
}

pub fn manifest() -> &'static [ManifestArticle] {
    static M: OnceLock<Vec<ManifestArticle>> = OnceLock::new();
    M.get_or_init(|| {
        let text = std::fs::read_to_string(corpus_dir().join("manifest.json"))
            .expect("corpus/manifest.json is readable");
        serde_json::from_str::<Manifest>(&text)
            .expect("corpus/manifest.json parses")
            .articles
    })
}

/// A real index of the sample corpus, built once per test binary in a temporary folder.
pub fn corpus_index() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let summary = vestnik::index::build(&[corpus_dir()], dir.path(), &Default::default(), &())
            .expect("the sample corpus indexes");
        assert!(summary.skipped.is_empty(), "skips: {:?}", summary.skipped);
        dir
    })
    .path()
}

pub fn searcher() -> &'static Searcher {
    static S: OnceLock<Searcher> = OnceLock::new();
    S.get_or_init(|| Searcher::open(corpus_index()).expect("index opens"))
}

/// Every hit of `query` (no paging), as the request would be answered by the CLI.
pub fn search(query: &str) -> SearchResult {
    let mut req = SearchRequest::new(query);
    req.limit = 1000;
    searcher().search(&req).expect("query runs")
}

/// The ids of every hit of a request (up to 1,000), as a set.
pub fn hit_ids(searcher: &Searcher, mut req: SearchRequest) -> std::collections::BTreeSet<String> {
    req.limit = 1000;
    searcher
        .search(&req)
        .expect("query runs")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

pub fn ids(result: &SearchResult) -> Vec<String> {
    let mut ids: Vec<String> = result.hits.iter().map(|h| h.id.clone()).collect();
    ids.sort();
    ids
}

/// Manifest ids of the articles whose stored file has this name (tests name articles by file
/// to stay readable; one file may hold several articles).
pub fn ids_of_files(files: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = manifest()
        .iter()
        .filter(|a| files.iter().any(|f| a.file.ends_with(f)))
        .map(|a| a.id.clone())
        .collect();
    ids.sort();
    ids
}

pub fn vestnik() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("vestnik").expect("binary is built");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Runs a vestnik command that must succeed (its stderr is the failure message).
pub fn succeed(cmd: &mut assert_cmd::Command) -> std::process::Output {
    let out = cmd.output().expect("vestnik runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs a vestnik command that must succeed and reads its stdout as JSON.
pub fn json_of(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    serde_json::from_slice(&succeed(cmd).stdout).expect("stdout is JSON")
}

/// An index of the given files (name, text), written to a temporary folder that lives as long
/// as the returned guard.
pub fn index_of(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    for (name, text) in files {
        std::fs::write(src.join(name), text).unwrap();
    }
    let index = dir.path().join("index");
    vestnik::index::build(
        &[src],
        &index,
        &vestnik::index::BuildOptions::default(),
        &(),
    )
    .unwrap();
    (dir, index)
}

/// `../shared` beside the repo: the real data these tests run on. A test that needs it fails
/// without it rather than passing unrun (CI has it; so does every developer's checkout).
pub fn shared_dir(test: &str) -> PathBuf {
    let dir = repo().join("..").join("shared");
    assert!(
        dir.is_dir(),
        "{test} needs ../shared (the project's real data) beside the repo"
    );
    dir
}

/// `vestnik serve` on a free loopback port, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub addr: String,
}

impl Server {
    pub fn start(index: &Path) -> Server {
        Server::start_with(index, &[])
    }

    /// `vestnik serve` with more flags (`--header-timeout 1`, ...).
    pub fn start_with(index: &Path, flags: &[&str]) -> Server {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("vestnik"));
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--index"])
            .arg(index)
            .args(flags);
        Server::spawn(command)
    }

    /// Runs a prepared `vestnik serve ... --addr 127.0.0.1:0` command (under another user, say)
    /// and waits for the address it prints.
    pub fn spawn(mut command: std::process::Command) -> Server {
        use std::io::BufRead;
        let mut child = command
            .stderr(std::process::Stdio::piped())
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
        Server { child, addr }
    }

    /// Sends raw bytes and returns (status, lowercased head, body).
    pub fn raw(&self, request: &[u8]) -> (u16, String, String) {
        http_raw(&self.addr, request)
    }

    pub fn get(&self, path_and_query: &str) -> (u16, String, String) {
        let request = format!(
            "GET {path_and_query} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        self.raw(request.as_bytes())
    }

    pub fn json(&self, path_and_query: &str) -> (u16, serde_json::Value) {
        let (status, head, body) = self.get(path_and_query);
        assert!(head.contains("content-type: application/json"), "{head}");
        (status, serde_json::from_str(&body).unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange over a fresh connection: the body is read to its Content-Length, or
/// to the end when the server closes the connection without giving one.
pub fn http_raw(addr: &str, request: &[u8]) -> (u16, String, String) {
    use std::io::{Read, Write};
    // A server that has just started may refuse the first connection.
    let mut tries = 0;
    let mut stream = loop {
        match std::net::TcpStream::connect(addr) {
            Ok(s) => break s,
            Err(e) if tries < 100 => {
                tries += 1;
                let _ = e;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) => panic!("cannot connect to {addr}: {e}"),
        }
    };
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        response.extend_from_slice(&buf[..n]);
        if let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&response[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|len| response.len() >= end + 4 + len) {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_lowercase(), body.to_string())
}

/// Copies a folder tree (the sample corpus into a test's own folder).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Sends `signal` ("INT", "TERM", "KILL") to the process `pid`.
pub fn send_signal(pid: u32, signal: &str) {
    let sent = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{signal} {pid}");
}
