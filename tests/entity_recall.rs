//! Entity search finds an entity however an article names it: places by their adjectives,
//! organizations by their compound abbreviations and without a country after their name. On
//! the bundled sample corpus and the shared gold files, with the negative cases (a name
//! nobody wrote still finds nothing).

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::searcher;
use vestnik::entities::{Aliases, EntityType, Extractor};
use vestnik::search::{SearchRequest, SearchResult, Searcher};

fn with(kind: EntityType, name: &str) -> BTreeSet<String> {
    let mut req = SearchRequest::new("*");
    req.entities[kind].push(name.to_string());
    common::hit_ids(searcher(), req)
}

/// NEREL dev (Russian Wikinews) indexed once: real news that names Russian state bodies.
fn nerel() -> &'static Searcher {
    static S: OnceLock<(tempfile::TempDir, Searcher)> = OnceLock::new();
    &S.get_or_init(|| {
        let shared = common::shared_dir("entity_recall");
        let file = shared.join("data").join("ner").join("nerel-dev.jsonl");
        let dir = tempfile::tempdir().expect("temp dir");
        let opts = vestnik::index::BuildOptions {
            rebuild: true,
            ..Default::default()
        };
        vestnik::index::build(&[file], dir.path(), &opts, &()).expect("nerel-dev indexes");
        let s = Searcher::open(dir.path()).expect("index opens");
        (dir, s)
    })
    .1
}

fn org(name: &str) -> SearchResult {
    let mut req = SearchRequest::new("*");
    req.limit = 1000;
    req.entities.org.push(name.to_string());
    nerel().search(&req).expect("query runs")
}

/// The ids of the articles an organization filter finds.
fn org_ids(name: &str) -> BTreeSet<String> {
    org(name).hits.into_iter().map(|h| h.id).collect()
}

fn places(text: &str) -> Vec<(String, Vec<String>)> {
    Extractor::shipped()
        .entities("", text, &Aliases::shipped())
        .loc
        .into_iter()
        .map(|e| (e.name, e.surfaces))
        .collect()
}

#[test]
fn a_place_written_as_an_adjective_finds_the_article() {
    // "Казахстанская вакцина QazVac" names Казахстан by its adjective only.
    let found = with(EntityType::Loc, "Казахстан");
    assert!(found.contains("tengrinews-20210203-008"), "{found:?}");
    // A place nobody wrote, as a noun or an adjective, still finds nothing.
    assert!(with(EntityType::Loc, "Ливан").is_empty());
    assert!(with(EntityType::Loc, "ливанский").is_empty());
}

#[test]
fn adjectives_name_their_places_but_languages_do_not() {
    let got = places("Вчера британский премьер обсудил с российско-казахстанской делегацией дела.");
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Великобритания", "Россия", "Казахстан"], "{got:?}");
    assert_eq!(got[0].1, ["британский"]);
    // A language is no place, and neither is a person's name.
    assert!(places("Документ издан на казахском, русском и английском языках.").is_empty());
    let got = places("Выступил Сергей Московский.");
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn an_organization_is_found_by_its_compound_abbreviation_and_with_its_country() {
    // "Минобороны РФ", "Мосгордуму", "Госдепартаменте", "Минобрнауки" in the text.
    for (typed, article) in [
        (
            "Министерство обороны Российской Федерации",
            "nerel-220995_text",
        ),
        ("Московская городская дума", "nerel-304703_text"),
        ("Государственный департамент США", "nerel-652538_text"),
        (
            "Министерство образования и науки Российской Федерации",
            "nerel-last_15",
        ),
    ] {
        let found = org_ids(typed);
        assert!(found.contains(article), "{typed}: {found:?}");
    }
    // A name whose base nobody wrote finds nothing, with or without a country.
    assert!(org_ids("Московская городская газета").is_empty());
    assert!(org_ids("Министерство магии Великобритании").is_empty());
}

#[test]
fn a_country_the_text_leaves_out_narrows_to_articles_naming_it() {
    // The text says "Палате общин" in an article about Великобритания.
    let r = org("Палата общин Великобритании");
    assert!(!r.hits.is_empty());
    let f = &r.filters.entities.org[0];
    assert_eq!(f.entities[0].name, "Палата общин");
    assert_eq!(f.within[0].name, "Великобритания");
    // Every article found names the country too.
    let uk = {
        let mut req = SearchRequest::new("*");
        req.limit = 1000;
        req.entities.loc.push("Великобритания".to_string());
        nerel().search(&req).expect("query runs")
    };
    let uk: BTreeSet<String> = uk.hits.into_iter().map(|h| h.id).collect();
    assert!(r.hits.iter().all(|h| uk.contains(&h.id)));
    // A country no article names about it narrows to nothing.
    assert!(org_ids("Палата общин Нарнии").is_empty());
}
