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
fn a_fuzzy_word_finds_the_word_within_its_edits() {
    let karin = ids(&ask("Карин"));
    assert!(karin.len() >= 3);
    // "Карен" is in no article; one edit from "Карин".
    assert_eq!(ask("Карен").total, 0);
    assert!(karin.is_subset(&ids(&ask("Карен~1"))));
    assert!(karin.is_subset(&ids(&ask("Карен~"))));
    // Not the phrase "Карин 1": the word itself, and its neighbours.
    assert!(karin.is_subset(&ids(&ask("Карин~1"))));
    // A misspelt ending: every form of "Назарбаев" is indexed as the stem "назарба", two
    // edits from "назарбаеф", yet the words are one edit apart.
    let nazarbayev = ids(&ask("Назарбаев"));
    assert!(!nazarbayev.is_empty());
    assert!(nazarbayev.is_subset(&ids(&ask("Назарбаеф~1"))));
    assert!(nazarbayev.is_subset(&ids(&ask("назарбаеву~1"))));
    // Words are compared, not stems: "карин" stands for its forms, and "кырэнн" is two
    // edits from the nearest of them ("каринн" would stem to "карин" too).
    assert!(karin.is_subset(&ids(&ask("Кырэнн~2"))));
    assert!(!karin.is_subset(&ids(&ask("Кырэнн~1"))));
    assert_eq!(ask("Кырэнн~1").total, 0);
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
fn entity_fields_take_fuzzy_and_prefix_names() {
    let karin = ids(&ask("person:Карин"));
    assert!(!karin.is_empty());
    assert!(karin.is_subset(&ids(&ask("person:Кари*"))));
    assert!(karin.is_subset(&ids(&ask("person:Карен~1"))));
    assert!(karin.is_subset(&ids(&ask("person:Карен~"))));
    assert!(ids(&ask("person:Карен~1")).is_subset(&ids(&ask("Кари*"))));
    assert_eq!(ask("person:Зюзюк*").total, 0);
    let r = ask("person:Кари*");
    assert!(
        r.filters.entities.person[0]
            .entities
            .iter()
            .any(|e| e.name.contains("Карин")),
        "{:?}",
        r.filters.entities.person
    );
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

#[test]
fn an_empty_answer_suggests_the_closest_names_and_words() {
    let r = ask("Назарбаеф");
    assert_eq!(r.total, 0);
    assert_eq!(r.suggestions, ["Назарбаев"]);
    let r = ask("Карен");
    assert_eq!(r.suggestions, ["Карин"]);
    let r = ask("правитульство");
    assert_eq!(r.total, 0);
    assert!(
        r.suggestions
            .iter()
            .any(|s| s.to_lowercase().starts_with("правительств")),
        "{:?}",
        r.suggestions
    );
    // A person nobody wrote narrows to nothing, and the closest name is offered; a name
    // near no name is offered nothing.
    let person = |name: &str| {
        let mut req = SearchRequest::new("*");
        req.entities.person = vec![name.into()];
        searcher().search(&req).unwrap()
    };
    let r = person("Абдрахманоф");
    assert_eq!(r.total, 0);
    assert_eq!(
        r.suggestions,
        ["Абдрахманов"],
        "{:?}",
        r.filters.entities.person
    );
    let r = person("Зюзюк Вабронов");
    assert_eq!(r.total, 0);
    assert!(r.suggestions.is_empty(), "{:?}", r.suggestions);
    // Nothing close: nothing suggested; an answer with hits suggests nothing.
    assert!(ask("зюзюкваброн").suggestions.is_empty());
    assert!(ask("Карин").suggestions.is_empty());

    let out = vestnik()
        .args(["search", "Назарбаеф", "--index"])
        .arg(common::corpus_index())
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean Назарбаев?"), "{err}");
    let json = common::json_of(
        vestnik()
            .args(["search", "Назарбаеф", "--format", "json", "--index"])
            .arg(common::corpus_index()),
    );
    assert_eq!(json["suggestions"][0], "Назарбаев");
}
