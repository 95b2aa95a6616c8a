//! Republished versions of one press release: grouped at index time, shown once with the
//! other versions listed, on an index built from real files.

mod common;

use std::fs;
use std::path::Path;

use common::{json_of, vestnik};
use serde_json::Value;
use vestnik::index::{BuildOptions, build};

const PARAGRAPHS: [&str; 5] = [
    "Государственный советник Ерлан Карин провел встречу с представителями Детского фонда ООН и обсудил вопросы защиты прав детей в регионах страны.",
    "По словам госсоветника, в прошлом году в республике были приняты поправки в законодательство, усиливающие ответственность за насилие в отношении несовершеннолетних.",
    "Региональный директор ЮНИСЕФ Реджина Де Доминичис отметила, что результаты исследования станут основой для новых программ поддержки семей с детьми.",
    "Участники встречи договорились продолжить совместную работу по внедрению стандартов инклюзивного образования и расширению доступа к медицинской помощи в селах.",
    "Отдельное внимание было уделено вопросам психологической поддержки подростков и профилактике травли среди школьников в городах и поселках.",
];

fn release(dir: &Path, name: &str, title: &str, source: &str, order: &[usize], tail: &str) {
    let body: Vec<&str> = order.iter().map(|&i| PARAGRAPHS[i]).collect();
    fs::write(
        dir.join(name),
        format!(
            "Заголовок: {title}\nИсточник: {source}\nДата: 2024-05-17\n\n{}\n\n{tail}",
            body.join("\n\n")
        ),
    )
    .unwrap();
}

fn other(dir: &Path, name: &str, text: &str) {
    fs::write(
        dir.join(name),
        format!("Заголовок: Другая новость\nИсточник: Хабар\nДата: 2024-05-18\n\n{text}"),
    )
    .unwrap();
}

fn search(index: &Path, args: &[&str]) -> Value {
    json_of(
        vestnik()
            .args(["search", "--format", "json", "--index"])
            .arg(index)
            .args(args),
    )
}

#[test]
fn versions_of_one_release_are_one_hit_with_the_others_listed() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    fs::create_dir_all(&src).unwrap();
    release(
        &src,
        "a.txt",
        "Ерлан Карин встретился с ЮНИСЕФ",
        "Zakon.kz",
        &[0, 1, 2, 3, 4],
        "Об этом сообщает Zakon.kz.",
    );
    // Another headline and source line, a paragraph moved.
    release(
        &src,
        "b.txt",
        "Госсоветник обсудил права детей",
        "Tengrinews",
        &[0, 2, 1, 3, 4],
        "Передает Tengrinews.",
    );
    // A paragraph dropped.
    release(
        &src,
        "c.txt",
        "В Акорде обсудили защиту детей",
        "Kazinform",
        &[0, 1, 2, 4],
        "",
    );
    other(
        &src,
        "d.txt",
        "Министерство энергетики сообщило о завершении ремонта на трех теплоэлектроцентралях региона. Работы были выполнены в срок, несмотря на сложные погодные условия и нехватку специалистов. В ведомстве отметили, что отопительный сезон начнется по графику во всех городах области, а резерв топлива сформирован с запасом на два месяца, и детей в школах ждут теплые классы.",
    );
    let index = dir.path().join("index");
    build(
        std::slice::from_ref(&src),
        &index,
        &BuildOptions::default(),
        &(),
    )
    .unwrap();

    let grouped = search(&index, &["детей"]);
    let hits = grouped["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "{grouped:#}");
    assert_eq!(grouped["total"], 4);
    let release_hit = hits
        .iter()
        .find(|h| h["duplicates"].as_array().unwrap().len() == 2)
        .expect("the release is one hit with two other versions");
    let mut sources: Vec<&str> = release_hit["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .chain(std::iter::once(release_hit))
        .map(|d| d["source"].as_str().unwrap())
        .collect();
    sources.sort_unstable();
    assert_eq!(sources, ["Kazinform", "Tengrinews", "Zakon.kz"]);
    let other_hit = hits.iter().find(|h| h != &release_hit).unwrap();
    assert_ne!(other_hit["group"], release_hit["group"]);
    assert!(other_hit["duplicates"].as_array().unwrap().is_empty());

    let all = search(&index, &["детей", "--no-group"]);
    let all_hits = all["hits"].as_array().unwrap();
    assert_eq!(all_hits.len(), 4);
    let same: Vec<&Value> = all_hits
        .iter()
        .filter(|h| h["group"] == release_hit["group"])
        .collect();
    assert_eq!(same.len(), 3);
    assert!(
        all_hits
            .iter()
            .all(|h| h["duplicates"].as_array().unwrap().is_empty())
    );

    // Facets counted by release: the three versions count once, under the first one's source.
    let by_group = search(&index, &["детей", "--count", "groups", "--facets-only"]);
    assert_eq!(by_group["total"], 4);
    assert_eq!(by_group["groups"], 2);
    let counted: u64 = by_group["facets"]["source"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 2);
    let people = &by_group["facets"]["person"];
    assert_eq!(
        people
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["value"] == "Ерлан Карин")
            .unwrap()["count"],
        1
    );
    let by_article = search(&index, &["детей", "--facets-only"]);
    assert!(by_article.get("groups").is_none());
    assert_eq!(
        by_article["facets"]["person"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["value"] == "Ерлан Карин")
            .unwrap()["count"],
        3
    );

    // Facets alone fetch no hits, grouped or not.
    let searcher = vestnik::search::Searcher::open(&index).unwrap();
    let mut facets_only = vestnik::search::SearchRequest::new("детей");
    facets_only.limit = 0;
    let counted = searcher.search(&facets_only).unwrap();
    assert!(counted.hits.is_empty());
    assert_eq!(counted.total, 4);
    assert_eq!(counted.facets.source.len(), 4);

    // Paging counts groups: the second page of one hit each is the other group.
    let first = search(&index, &["детей", "--limit", "1"]);
    let second = search(&index, &["детей", "--limit", "1", "--offset", "1"]);
    assert_ne!(first["hits"][0]["group"], second["hits"][0]["group"]);

    // Text output says where else the release appeared.
    let out = vestnik()
        .args(["search", "Карин", "--index"])
        .arg(&index)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("also in:") && text.contains("2 other versions"),
        "{text}"
    );

    // A copy found by a later run joins the group it belongs to.
    release(
        &src,
        "e.txt",
        "Карин и ЮНИСЕФ: итоги встречи",
        "ТАСС",
        &[1, 0, 2, 3, 4],
        "Сообщает ТАСС.",
    );
    build(&[src], &index, &BuildOptions::default(), &()).unwrap();
    let later = search(&index, &["детей", "--no-group", "--limit", "10"]);
    let new_hit = later["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["source"] == "ТАСС")
        .unwrap()
        .clone();
    assert_eq!(new_hit["group"], release_hit["group"]);
}

#[test]
fn grouping_scores_on_edited_copies_of_real_news() {
    let shared = common::shared_dir("grouping_scores_on_edited_copies_of_real_news");
    let scores = json_of(
        vestnik()
            .args(["bench", "groups", "--json", "--from"])
            .arg(shared.join("data/ner")),
    );
    eprintln!("grouping on edited real news: {scores}");
    assert!(scores["true_pairs"].as_u64().unwrap() > 1000);
    assert!(scores["precision"].as_f64().unwrap() >= 0.95, "{scores}");
    assert!(scores["recall"].as_f64().unwrap() >= 0.90, "{scores}");
}
