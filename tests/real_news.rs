//! The 962 real Russian news articles in `../shared/data/ner`: they must all index, and the
//! index must answer over them. They fail where `../shared` is absent.

mod common;

use vestnik::search::{SearchRequest, Searcher};

#[test]
fn real_news_indexes_without_a_skip() {
    let shared = common::shared_dir("real_news_indexes_without_a_skip");
    let ner = shared.join("data").join("ner");
    let expected_lines: usize = std::fs::read_dir(&ner)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .map(|e| {
            std::fs::read_to_string(e.path())
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .count()
        })
        .sum();
    assert_eq!(expected_lines, 962);

    let dir = tempfile::tempdir().unwrap();
    let summary = vestnik::index::build(&[ner], dir.path(), &Default::default(), &()).unwrap();
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    assert_eq!(summary.articles, expected_lines);
    assert_eq!(summary.written, expected_lines);

    let searcher = Searcher::open(dir.path()).unwrap();
    let all = searcher.search(&SearchRequest::new("*")).unwrap();
    assert_eq!(all.total, expected_lines);
    // Sources come from the files' own fields.
    assert!(
        all.facets
            .source
            .iter()
            .any(|c| c.value.contains("factRuEval"))
    );

    // "Обамы", "Обаме", "Обамой" all reach articles about Barack Obama.
    let obama = searcher.search(&SearchRequest::new("Обама")).unwrap();
    assert!(obama.total >= 5, "{}", obama.total);
    let phrase = searcher
        .search(&SearchRequest::new("\"Барак Обама\""))
        .unwrap();
    assert!(phrase.total >= 1 && phrase.total <= obama.total);
}

/// Entity search on NEREL dev (gold cross-document ids): a floor under the figures the README
/// reports, so that a change that loses people's articles or widens a filter fails here.
#[test]
fn entity_search_on_real_news_keeps_its_figures() {
    let shared = common::shared_dir("entity_search_on_real_news_keeps_its_figures");
    let file = shared.join("data").join("ner").join("nerel-dev.jsonl");
    let work = tempfile::tempdir().unwrap();
    let r = vestnik::eval_search::evaluate(&file, &work.path().join("index")).unwrap();
    assert!(r.per.queries > 200 && r.org.queries > 200 && r.loc.queries > 150);
    for t in [&r.per, &r.org, &r.loc] {
        assert_eq!(t.entity.whole_archive, 0, "{r:?}");
    }
    assert!(r.per.entity.precision >= 0.95, "{:?}", r.per);
    assert!(r.per.entity.recall >= 0.90, "{:?}", r.per);
    assert!(r.per.bcubed_f1 >= 0.92, "{:?}", r.per);
    // Better than a plain word search of the same names on both axes, for people.
    assert!(
        r.per.entity.precision > r.per.words.precision,
        "{:?}",
        r.per
    );
    assert!(r.per.entity.recall > r.per.words.recall, "{:?}", r.per);
    for t in [&r.org, &r.loc] {
        assert!(t.entity.precision >= 0.85, "{t:?}");
    }
    // Organizations by compound abbreviations and countries (measured 0.935 / 0.482), places
    // also by their adjectives and other names (0.860 / 0.885).
    assert!(r.org.entity.precision >= 0.92, "{:?}", r.org);
    assert!(r.org.entity.recall >= 0.47, "{:?}", r.org);
    assert!(r.loc.entity.recall >= 0.87, "{:?}", r.loc);
}
