//! `vestnik bench extraction` on the 181 real pages of `../shared/data/extraction`: the HTML
//! reader must keep finding the article as well as it does now. Fails where `../shared` is
//! absent.

mod common;

/// A little below the F1 measured when this floor was set (see the README's table), so that a
/// change to the reader that loses articles or lets furniture back in fails here.
const F1_FLOOR: f64 = 0.96;
const PRECISION_FLOOR: f64 = 0.94;

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
