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

/// Where `../shared` sits beside the repo, when it does; otherwise says that `test` is skipped.
/// The notice goes straight to stderr, past the test harness's capture, so it shows in CI logs.
pub fn shared_dir_or_skip(test: &str) -> Option<PathBuf> {
    use std::io::Write;
    let dir = repo().join("..").join("shared");
    if dir.is_dir() {
        return Some(dir);
    }
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {test} needs ../shared, which is not present"
    );
    None
}
