//! `vestnik bench extraction` on the 181 real pages of `../shared/data/extraction`: the HTML
//! reader must keep finding the article as well as it does now. Fails where `../shared` is
//! absent.

mod common;

/// A little below the F1 measured when this floor was set (see the README's table), so that a
/// change to the reader that loses articles or lets furniture back in fails here.
const F1_FLOOR: f64 = 0.97;
const PRECISION_FLOOR: f64 = 0.955;
const RECALL_FLOOR: f64 = 0.98;

#[test]
fn html_reader_finds_the_article_on_real_pages() {
    let shared = common::shared_dir("html_reader_finds_the_article_on_real_pages");
    let dir = shared.join("data").join("extraction");
    let errors = tempfile::NamedTempFile::new().unwrap();
    let report = common::json_of(common::vestnik().args([
        "bench".as_ref(),
        "extraction".as_ref(),
        dir.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--errors".as_ref(),
        errors.path().as_os_str(),
    ]));
    assert_eq!(report["pages"], 181, "{report}");
    let f1 = report["f1"].as_f64().unwrap();
    let precision = report["precision"].as_f64().unwrap();
    assert!(f1 >= F1_FLOOR, "F1 {f1} fell below {F1_FLOOR}: {report}");
    assert!(
        precision >= PRECISION_FLOOR,
        "precision {precision} fell below {PRECISION_FLOOR}"
    );
    let recall = report["recall"].as_f64().unwrap();
    assert!(
        recall >= RECALL_FLOOR,
        "recall {recall} fell below {RECALL_FLOOR}"
    );
    let listed = std::fs::read_to_string(errors.path()).unwrap();
    assert_eq!(
        listed.lines().count(),
        182,
        "a header and one line per page"
    );
}

#[test]
fn texts_of_another_extractor_are_scored_the_same_way() {
    let shared = common::shared_dir("texts_of_another_extractor_are_scored_the_same_way");
    let dir = shared.join("data").join("extraction");
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json")).unwrap())
            .unwrap();
    // The true bodies themselves score 1.0 on every page.
    let texts = tempfile::tempdir().unwrap();
    for (key, v) in truth.as_object().unwrap() {
        let body = v["articleBody"].as_str().unwrap();
        std::fs::write(texts.path().join(format!("{key}.txt")), body).unwrap();
    }
    let report = common::json_of(common::vestnik().args([
        "bench".as_ref(),
        "extraction".as_ref(),
        dir.as_os_str(),
        "--texts".as_ref(),
        texts.path().as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]));
    assert_eq!(report["f1"].as_f64(), Some(1.0), "{report}");
}

/// The body `vestnik index` stores for one page of the benchmark.
fn body_of(dir: &std::path::Path, key_prefix: &str) -> String {
    use std::io::Read;
    let html_dir = dir.join("html");
    let path = std::fs::read_dir(&html_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(key_prefix))
        })
        .unwrap_or_else(|| panic!("no page {key_prefix}* in {}", html_dir.display()));
    let mut html = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_end(&mut html)
        .unwrap();
    vestnik::bench::extraction::index_body(&html, key_prefix)
}

/// Three kinds of page where the extractor's text held more than the article: a short
/// article the extractor merged with the page's other blocks (a "More from …" rail of whole
/// teasers), a post followed by whole other posts, and a headline under a "Breaking news"
/// label repeated at the top of the body.
#[test]
fn other_posts_rails_and_headlines_stay_out_of_real_pages() {
    let shared = common::shared_dir("other_posts_rails_and_headlines_stay_out_of_real_pages");
    let dir = shared.join("data").join("extraction");

    let merged = body_of(&dir, "e4c6a3b4");
    assert!(
        merged.contains("slaughter is likely coming to Hong Kong"),
        "{merged}"
    );
    assert!(!merged.contains("Carlos Ghosn"), "the rail is in: {merged}");
    assert!(
        merged.split("\n\n").count() >= 5,
        "paragraphs kept: {merged}"
    );

    let scrolled = body_of(&dir, "b3c19dd5");
    assert!(scrolled.contains("Um Amor de Verdade"), "{scrolled}");
    assert!(
        !scrolled.contains("otimismo e coragem"),
        "another post is in: {scrolled}"
    );

    let breaking = body_of(&dir, "e372e42c");
    assert!(
        breaking.starts_with("The son of former German President"),
        "{breaking}"
    );
}
