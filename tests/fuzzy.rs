//! Fuzzy (`word~`, `word~1`, `word~2`) and prefix (`word*`) terms on the sample corpus, in the
//! text fields and the entity fields, and the suggestions an empty answer gives.

mod common;

use std::collections::BTreeSet;

use common::{searcher, vestnik};
use vestnik::search::{SearchRequest, SearchResult};

fn ask(query: &str) -> SearchResult {
    let mut req = SearchRequest::new(query);
    req.limit = 1000;
    searcher().search(&req).expect("query runs")
}

fn ids(r: &SearchResult) -> BTreeSet<String> {
    r.hits.iter().map(|h| h.id.clone()).collect()
}

#[test]
fn a_prefix_finds_every_word_it_begins() {
    let karin = ids(&ask("Карин"));
    assert!(karin.is_subset(&ids(&ask("Кари*"))));
    assert!(karin.is_subset(&ids(&ask("Карину*"))));
    let nazarbayev = ids(&ask("Назарбаев"));
    assert!(!nazarbayev.is_empty());
    assert_eq!(ids(&ask("Назарб*")), nazarbayev);
    // Fields keep their meaning.
    assert!(ids(&ask("title:Кари*")).is_subset(&karin));
    assert_eq!(ask("зюзюк*").total, 0);
}

#[test]
fn phrases_keep_their_slop() {
    // Quoted, ~N is the phrase's slop, not an edit distance.
    let exact = ids(&ask("\"защиты детей\""));
    let sloppy = ids(&ask("\"защиты детей\"~1"));
    assert!(exact.is_subset(&sloppy) && sloppy.len() > exact.len());
}

#[test]
fn a_distance_past_two_is_a_named_mistake() {
    let out = vestnik()
        .args(["search", "Карин~3", "--index"])
        .arg(common::corpus_index())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("edit distance") && err.lines().count() == 1,
        "{err}"
    );
}
