//! Russian matching, the query language and facets, against a real index of the sample corpus.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{ids, manifest, search, searcher};
use vestnik::corpus;
use vestnik::search::{DateBucket, SearchRequest, Sort};

/// Title and body of every article in the sample corpus, read the way the indexer reads them.
fn corpus_texts() -> Vec<(String, String)> {
    let (found, skips) = corpus::walk(&[common::corpus_dir()], &[]);
    assert!(skips.is_empty(), "{skips:?}");
    found
        .iter()
        .flat_map(|f| corpus::read(f, &Default::default()).articles)
        .map(|a| (a.id, format!("{}\n{}", a.title, a.body).to_lowercase()))
        .collect()
}

fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w == word)
}

/// A query in one grammatical form finds every article that uses another form of the word,
/// including articles where the query's own form never occurs.
#[test]
fn case_and_number_forms_find_each_other() {
    let pairs = [
        ("защита", "защиту"),
        ("дети", "детей"),
        ("ребенок", "ребенка"),
        ("школа", "школы"),
        ("учитель", "учителей"),
        ("студент", "студентов"),
        ("министерствами", "министерства"),
        ("больница", "больницы"),
        ("выборах", "выборы"),
        ("землетрясению", "землетрясения"),
        ("инвестиция", "инвестиций"),
        ("дорогами", "дорог"),
        ("водой", "воду"),
        ("спасателями", "спасателей"),
        ("фермерам", "фермеры"),
    ];
    let texts = corpus_texts();
    for (query, form) in pairs {
        let with_form: BTreeSet<String> = texts
            .iter()
            .filter(|(_, t)| has_word(t, form))
            .map(|(id, _)| id.clone())
            .collect();
        assert!(!with_form.is_empty(), "the corpus never says '{form}'");
        let only_other_form = texts
            .iter()
            .filter(|(_, t)| has_word(t, form) && !has_word(t, query))
            .count();
        assert!(
            only_other_form > 0,
            "every article with '{form}' also says '{query}'"
        );
        let found: BTreeSet<String> = ids(&search(query)).into_iter().collect();
        let missed: Vec<_> = with_form.difference(&found).collect();
        assert!(
            missed.is_empty(),
            "'{query}' misses articles saying '{form}': {missed:?}"
        );
    }
}

#[test]
fn yo_and_ye_are_one_letter() {
    let texts = corpus_texts();
    let with_yo: Vec<&String> = texts
        .iter()
        .filter(|(_, t)| t.contains("ребёнка"))
        .map(|(id, _)| id)
        .collect();
    assert!(!with_yo.is_empty());
    let plain = ids(&search("ребенка"));
    let dotted = ids(&search("ребёнок"));
    assert_eq!(plain, dotted);
    for id in with_yo {
        assert!(
            plain.contains(id),
            "'ребенка' misses {id}, which spells 'ребёнка'"
        );
    }
    let without_yo = texts.iter().filter(|(_, t)| has_word(t, "ребенок")).count();
    assert!(without_yo > 0 && dotted.len() > without_yo);
}

#[test]
fn kazakh_words_are_findable() {
    let r = search("Қазақстан балалары");
    assert_eq!(r.total, 1);
    assert!(r.hits[0].snippet.contains("Қазақстан балалары"));
    // Kazakh letters stay inside the word: "Ұлттық" is one token, not "лтты" + "қ".
    assert_eq!(search("ұлттық").total, 1);
    assert_eq!(search("лтты").total, 0);
    assert_eq!(search("Момышұлы").total, 1);
}

#[test]
fn compound_tokens_are_found_whole_and_by_parts() {
    let whole = search("Zakon.kz");
    assert!(whole.total >= 1);
    assert_eq!(ids(&whole), ids(&search("zakon")));
    let hub = search("\"Astana Hub\"");
    assert_eq!(hub.total, 1);
    assert_eq!(search("QazVac").total, 1);
}

fn id_of(title_part: &str) -> String {
    let found: Vec<_> = manifest()
        .iter()
        .filter(|a| a.title.contains(title_part))
        .collect();
    assert_eq!(found.len(), 1, "'{title_part}' names one article");
    found[0].id.clone()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn phrases_respect_word_order_and_slop() {
    // "защиты прав детей" is said in one article only, in these words and this order.
    assert_eq!(
        ids(&search("\"права детей\"")),
        sorted(vec![id_of("Ерлан Карин обсудил с ЮНИСЕФ")])
    );
    // With slop the words may stand apart: "защиту прав детей" has one word between the two.
    let exact = ids(&search("\"защиты детей\""));
    let sloppy = ids(&search("\"защиты детей\"~1"));
    let between = id_of("Ерлан Карин обсудил с ЮНИСЕФ");
    assert!(!exact.contains(&between) && sloppy.contains(&between));
    assert!(exact.iter().all(|id| sloppy.contains(id)));
    assert_eq!(
        ids(&search("\"Всемирный банк\" AND дорог")),
        sorted(vec![id_of("Всемирный банк выделит заем")])
    );
    assert_eq!(search("\"детей права\"").total, 0);
}

#[test]
fn boolean_operators() {
    let both = ids(&search("ЮНИСЕФ AND Шымкент"));
    let unicef = ids(&search("ЮНИСЕФ"));
    let shymkent = ids(&search("Шымкент"));
    let expected_and: Vec<String> = unicef
        .iter()
        .filter(|i| shymkent.contains(i))
        .cloned()
        .collect();
    assert!(!expected_and.is_empty());
    assert_eq!(both, expected_and);
    // Words are ANDed by default.
    assert_eq!(ids(&search("ЮНИСЕФ Шымкент")), expected_and);

    let either = ids(&search("ЮНИСЕФ OR Шымкент"));
    let expected_or: BTreeSet<String> = unicef.iter().chain(&shymkent).cloned().collect();
    assert_eq!(either, expected_or.into_iter().collect::<Vec<_>>());

    let not = ids(&search("ЮНИСЕФ -Шымкент"));
    let also_not = ids(&search("ЮНИСЕФ AND NOT Шымкент"));
    let expected_not: Vec<String> = unicef
        .iter()
        .filter(|i| !shymkent.contains(i))
        .cloned()
        .collect();
    assert_eq!(not, expected_not);
    assert_eq!(also_not, expected_not);
    assert_eq!(ids(&search("+ЮНИСЕФ +Шымкент")), expected_and);
}

#[test]
fn field_queries() {
    // title: only headlines; the body of the article mentions the word too, but so do others.
    let in_titles: Vec<String> = sorted(
        manifest()
            .iter()
            .filter(|a| a.title.contains("Нацбанк"))
            .map(|a| a.id.clone())
            .collect(),
    );
    assert_eq!(in_titles.len(), 3);
    assert_eq!(ids(&search("title:Нацбанк")), in_titles);

    for source in ["Kazinform", "Курсив", "Деловой Казахстан", "24.kz"] {
        let expected: Vec<String> = sorted(
            manifest()
                .iter()
                .filter(|a| a.source == source)
                .map(|a| a.id.clone())
                .collect(),
        );
        let q = format!("source:\"{}\"", source.to_lowercase());
        assert_eq!(ids(&search(&q)), expected, "{q}");
    }
    assert_eq!(
        ids(&search("body:Омаров AND source:Курсив")),
        sorted(vec![id_of("«Самрук-Казына» выставит на IPO")])
    );
}

fn manifest_ids_between(from: &str, to: &str) -> Vec<String> {
    sorted(
        manifest()
            .iter()
            .filter(|a| a.date.as_str() >= from && a.date.as_str() <= to)
            .map(|a| a.id.clone())
            .collect(),
    )
}

#[test]
fn date_ranges_are_inclusive_days() {
    let expected = manifest_ids_between("2024-01-01", "2024-06-30");
    assert!(expected.len() >= 3);
    assert_eq!(ids(&search("date:[2024-01-01 TO 2024-06-30]")), expected);
    assert_eq!(
        ids(&search("date:2024")),
        manifest_ids_between("2024-01-01", "2024-12-31")
    );
    assert_eq!(
        ids(&search("date:2024-05")),
        manifest_ids_between("2024-05-01", "2024-05-31")
    );
    assert_eq!(
        ids(&search("date:2024-05-17")),
        manifest_ids_between("2024-05-17", "2024-05-17")
    );
    assert_eq!(
        ids(&search("date:>=2026-01-01")),
        manifest_ids_between("2026-01-01", "9999")
    );

    // The same range through the flags, combined with a word.
    let mut req = SearchRequest::new("школ");
    req.limit = 100;
    req.from = vestnik::corpus::infer::parse_date("2021-01-01");
    req.to = vestnik::corpus::infer::parse_date("2023-12-31");
    let flagged = ids(&searcher().search(&req).unwrap());
    let by_query = ids(&search("школ AND date:[2021-01-01 TO 2023-12-31]"));
    assert_eq!(flagged, by_query);
    assert!(!flagged.is_empty());
}

#[test]
fn source_flag_accepts_several_and_ignores_case() {
    let mut req = SearchRequest::new("*");
    req.limit = 100;
    req.sources = vec!["zakon.kz".into(), "КУРСИВ".into()];
    let got = ids(&searcher().search(&req).unwrap());
    let expected = sorted(
        manifest()
            .iter()
            .filter(|a| a.source == "Zakon.kz" || a.source == "Курсив")
            .map(|a| a.id.clone())
            .collect(),
    );
    assert_eq!(got, expected);
}

#[test]
fn star_matches_every_article() {
    assert_eq!(search("*").total, manifest().len());
}

fn by_value(rows: &[vestnik::search::FacetCount]) -> BTreeMap<String, u64> {
    rows.iter().map(|c| (c.value.clone(), c.count)).collect()
}

/// The date facet by period; every sample article has a date, so there is no bucket without.
fn by_period(rows: &[vestnik::search::DateCount]) -> BTreeMap<String, u64> {
    rows.iter()
        .map(|c| {
            let period = c.value.clone().expect("every sample article has a date");
            (period, c.count)
        })
        .collect()
}

fn counts(values: impl Iterator<Item = String>) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for v in values {
        *m.entry(v).or_default() += 1;
    }
    m
}

#[test]
fn facets_equal_the_manifest() {
    let r = search("*");
    let sources: BTreeMap<String, u64> = by_value(&r.facets.source);
    assert_eq!(sources, counts(manifest().iter().map(|a| a.source.clone())));
    assert!(sources.len() >= 6);
    // Most frequent first.
    assert!(r.facets.source.windows(2).all(|w| w[0].count >= w[1].count));

    let years: BTreeMap<String, u64> = by_period(&r.facets.date);
    assert_eq!(
        years,
        counts(manifest().iter().map(|a| a.date[..4].to_string()))
    );

    let mut req = SearchRequest::new("*");
    req.date_bucket = DateBucket::Month;
    req.limit = 1;
    let months = searcher().search(&req).unwrap();
    let months: BTreeMap<String, u64> = by_period(&months.facets.date);
    assert_eq!(
        months,
        counts(manifest().iter().map(|a| a.date[..7].to_string()))
    );
}

#[test]
fn facets_count_the_whole_match_not_the_page() {
    let mut req = SearchRequest::new("date:[2020-01-01 TO 2022-12-31]");
    req.limit = 2;
    let r = searcher().search(&req).unwrap();
    let matching: Vec<_> = manifest()
        .iter()
        .filter(|a| a.date.as_str() >= "2020-01-01" && a.date.as_str() <= "2022-12-31")
        .collect();
    assert_eq!(r.hits.len(), 2);
    assert_eq!(r.total, matching.len());
    let sources: BTreeMap<String, u64> = by_value(&r.facets.source);
    assert_eq!(sources, counts(matching.iter().map(|a| a.source.clone())));
    let total: u64 = r.facets.date.iter().map(|c| c.count).sum();
    assert_eq!(total as usize, matching.len());
}

#[test]
fn sort_by_date_and_paging() {
    let mut req = SearchRequest::new("*");
    req.sort = Sort::Date;
    req.limit = 5;
    let first = searcher().search(&req).unwrap();
    let mut dates: Vec<&str> = manifest().iter().map(|a| a.date.as_str()).collect();
    dates.sort_unstable_by(|a, b| b.cmp(a));
    let got: Vec<&str> = first
        .hits
        .iter()
        .filter_map(|h| h.date.as_deref())
        .collect();
    assert_eq!(got, dates[..5]);
    assert!(first.hits.iter().all(|h| h.score.is_none()));

    req.offset = 5;
    let second = searcher().search(&req).unwrap();
    let got: Vec<&str> = second
        .hits
        .iter()
        .filter_map(|h| h.date.as_deref())
        .collect();
    assert_eq!(got, dates[5..10]);

    let mut rel = SearchRequest::new("Карин");
    rel.limit = 100;
    let all = searcher().search(&rel).unwrap();
    assert!(all.hits.windows(2).all(|w| w[0].score >= w[1].score));
    rel.limit = 3;
    rel.offset = 2;
    let page = searcher().search(&rel).unwrap();
    let expected: Vec<&String> = all.hits[2..5].iter().map(|h| &h.id).collect();
    assert_eq!(
        page.hits.iter().map(|h| &h.id).collect::<Vec<_>>(),
        expected
    );
}

#[test]
fn snippets_highlight_the_matched_forms() {
    let r = search("защита детей");
    assert!(r.total > 0);
    for hit in &r.hits {
        assert!(!hit.highlights.is_empty(), "{} has no highlight", hit.id);
        let chars: Vec<char> = hit.snippet.chars().collect();
        for [s, e] in &hit.highlights {
            let word: String = chars[*s..*e].iter().collect::<String>().to_lowercase();
            assert!(
                word.starts_with("защит") || word.starts_with("дет"),
                "{word} highlighted in {}",
                hit.id
            );
        }
    }
    // Hidden HTML (scripts, navigation, footers) is not indexed.
    assert_eq!(search("перепечатка").total, 0);
    assert_eq!(search("dataLayer").total, 0);
}

/// Every listed entity comes with the forms articles wrote it in, the ones named once among
/// many articles included: forms are read from the articles naming each entity, not from the
/// first articles of the query.
#[test]
fn every_listed_entity_has_its_forms() {
    let s = searcher();
    let mut all = SearchRequest::new("*");
    all.facet_size = 1000;
    let listings = s.entities(&all, None).expect("entities list");
    assert!(
        listings.iter().filter(|l| l.count == 1).count() > 10,
        "{listings:?}"
    );
    for l in &listings {
        assert!(!l.surfaces.is_empty(), "{} {} has no forms", l.kind, l.name);
    }
    let mut req = SearchRequest::new("*");
    req.entities.person = vec!["Карин".into()];
    let karin = s.entities(&req, None).expect("entities of Карин");
    let first = karin.iter().find(|l| l.kind == "PER").expect("a person");
    assert_eq!(first.name, "Ерлан Карин");
    for form in ["Ерлан Карин", "Ерлану Карину", "Ерланом Кариным"]
    {
        assert!(
            first.surfaces.iter().any(|s| s == form),
            "{form}: {:?}",
            first.surfaces
        );
    }
}
