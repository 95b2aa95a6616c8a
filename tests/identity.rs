//! Entity identity across an archive, on a real index of invented articles: one person is one
//! facet entry however the articles write the name, a filter finds every article about the
//! person however the user writes it, different people stay apart, a filter naming nobody
//! matches nothing in every front end, and incremental runs equal a rebuild.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Server, json_of, vestnik};
use serde_json::Value;
use vestnik::index::BuildOptions;
use vestnik::search::{SearchRequest, Searcher};

/// Invented press articles, one file each: the same people written in many ways.
const ARTICLES: [(&str, &str); 12] = [
    (
        "a01.txt",
        "Президент России Владимир Путин провёл совещание с правительством\n\nПрезидент России Владимир Путин провёл в среду совещание с членами правительства. Владимир Путин поручил подготовить план развития регионов.\n",
    ),
    (
        "a02.txt",
        "Путин заявил о росте экономики\n\nКак заявил Путин на встрече с журналистами, экономика страны растёт третий год подряд.\n",
    ),
    (
        "a03.txt",
        "Указ о праздниках подписан\n\nУказ о переносе выходных дней подписал В.В. Путин. Документ опубликован на портале правовой информации.\n",
    ),
    (
        "a04.txt",
        "Посол США выступил в Берлине\n\nПосол США в Германии Ричард Гренелл выступил с докладом о торговле. Гренелл заявил, что переговоры продолжатся.\n",
    ),
    (
        "a05.txt",
        "Посол раскритиковал проект газопровода\n\nАмериканский посол Ричард Гренель раскритиковал проект газопровода. По словам Ричарда Гренеля, санкции возможны.\n",
    ),
    (
        "a06.txt",
        "Губернатор встретился с фермерами\n\nГубернатор края Анатолий Владимирович Чепига встретился с фермерами района.\n",
    ),
    (
        "a07.txt",
        "Урожай в крае вырос\n\nКак сообщил Анатолий Чепига, урожай зерновых в этом году вырос на десять процентов.\n",
    ),
    (
        "a08.txt",
        "Новая школа открыта в Казани\n\nМинистр образования Иван Иванов открыл новую школу в Казани. Иван Иванов пообещал построить ещё две школы.\n",
    ),
    (
        "a09.txt",
        "Лекция о космосе в университете\n\nПрофессор Пётр Иванов прочитал студентам лекцию о космосе. Пётр Иванов рассказал о планах исследований.\n",
    ),
    (
        "a10.txt",
        "Иванов ответил на вопросы\n\nНа пресс-конференции Иванов ответил на вопросы журналистов о бюджете.\n",
    ),
    (
        "a11.txt",
        "Фестиваль шведского кино\n\nНа фестивале покажут фильмы, в которых снимался Макс фон Сюдов. Ретроспектива фильмов Макса фон Сюдова пройдёт в Москве.\n",
    ),
    (
        "a12.txt",
        "Премьер Великобритании посетил Шотландию\n\nПремьер-министр Великобритании Борис Джонсон посетил Эдинбург. Джонсон обсудил с местными властями экономику региона.\n",
    ),
];

fn write(dir: &Path, files: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// The archive of all the articles, indexed once per test binary.
fn archive() -> &'static (tempfile::TempDir, std::path::PathBuf, Searcher) {
    static A: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf, Searcher)> =
        std::sync::OnceLock::new();
    A.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        write(&src, &ARTICLES);
        let index = dir.path().join("index");
        vestnik::index::build(&[src], &index, &BuildOptions::default(), &()).unwrap();
        let searcher = Searcher::open(&index).unwrap();
        (dir, index, searcher)
    })
}

fn person(name: &str) -> BTreeSet<String> {
    let mut req = SearchRequest::new("*");
    req.entities.person = vec![name.to_string()];
    req.group = false;
    common::hit_ids(&archive().2, req)
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn people_facet() -> Vec<(String, u64)> {
    let mut req = SearchRequest::new("*");
    req.limit = 0;
    req.facet_size = 100;
    archive()
        .2
        .search(&req)
        .unwrap()
        .facets
        .entities
        .person
        .into_iter()
        .map(|c| (c.value, c.count))
        .collect()
}

#[test]
fn one_person_is_one_facet_entry_however_written() {
    let facet = people_facet();
    let count = |name: &str| facet.iter().find(|(n, _)| n == name).map(|(_, c)| *c);
    // "Путин" and "В.В. Путин" join the one full name; two renderings of Гренелл join; a
    // patronymic joins the two-word name.
    assert_eq!(count("Владимир Путин"), Some(3), "{facet:?}");
    assert_eq!(count("Ричард Гренелл"), Some(2), "{facet:?}");
    assert_eq!(count("Анатолий Чепига"), Some(2), "{facet:?}");
    for joined in ["Путин", "Ричард Гренель", "Анатолий Владимирович Чепига"]
    {
        assert_eq!(count(joined), None, "{joined} has its own entry: {facet:?}");
    }
}

#[test]
fn two_people_of_one_surname_stay_apart() {
    let facet = people_facet();
    let names: Vec<&str> = facet.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"Иван Иванов") && names.contains(&"Пётр Иванов"),
        "{names:?}"
    );
    // A bare "Иванов" in an archive with two is neither of them.
    assert!(names.contains(&"Иванов"), "{names:?}");
    assert_eq!(person("Иван Иванов"), set(&["a08.txt"]));
    assert_eq!(person("Петра Иванова"), set(&["a09.txt"]));
    // The surname alone means every Иванов.
    assert_eq!(person("Иванов"), set(&["a08.txt", "a09.txt", "a10.txt"]));
}

#[test]
fn a_person_is_found_however_the_user_writes_the_name() {
    let putin = set(&["a01.txt", "a02.txt", "a03.txt"]);
    for typed in [
        "Владимир Путин",
        "Путин",
        "Путина",
        "В.В. Путин",
        "В. Путин",
        "Владимир Владимирович Путин",
        "Путин Владимир",
        "Putin",
        "Vladimir Putin",
    ] {
        assert_eq!(person(typed), putin, "{typed}");
    }
    let grenell = set(&["a04.txt", "a05.txt"]);
    for typed in ["Ричард Гренелл", "Гренель", "Греннел", "Richard Grenell"]
    {
        assert_eq!(person(typed), grenell, "{typed}");
    }
    let chepiga = set(&["a06.txt", "a07.txt"]);
    for typed in [
        "Анатолий Чепига",
        "Анатолия Владимировича Чепигу",
        "А. Чепига",
    ] {
        assert_eq!(person(typed), chepiga, "{typed}");
    }
    assert_eq!(person("Макс фон Сюдов"), set(&["a11.txt"]));
    assert_eq!(person("фон Сюдов"), set(&["a11.txt"]));
    assert_eq!(person("Boris Johnson"), set(&["a12.txt"]));
}

#[test]
fn a_name_nobody_wrote_matches_nothing() {
    for typed in ["Zzzz", "Зюзюкин", "Сергей Путин", "А. Путин", "Иван Петров"]
    {
        assert!(person(typed).is_empty(), "{typed}: {:?}", person(typed));
    }
    let searcher = &archive().2;
    let mut req = SearchRequest::new("*");
    req.entities.org = vec!["Газпром".into()];
    req.entities.loc = vec!["Нарния".into()];
    let r = searcher.search(&req).unwrap();
    assert_eq!(r.total, 0);
    assert!(
        r.filters.entities.org[0].entities.is_empty()
            && r.filters.entities.loc[0].entities.is_empty()
    );
    // Inside the query too, and in any combination: the clause matches nothing.
    for q in [
        "person:Zzzz",
        "школу AND person:Zzzz",
        "(person:Zzzz) OR person:Зюзюкин",
    ] {
        assert_eq!(
            searcher.search(&SearchRequest::new(q)).unwrap().total,
            0,
            "{q}"
        );
    }
    // A known name resolves and says to what.
    let mut req = SearchRequest::new("*");
    req.entities.person = vec!["Гренель".into()];
    let r = searcher.search(&req).unwrap();
    assert_eq!(r.filters.entities.person[0].entities.len(), 1);
    assert_eq!(
        r.filters.entities.person[0].entities[0].name,
        "Ричард Гренелл"
    );
    assert!(
        r.filters.entities.person[0].entities[0]
            .id
            .starts_with("per-")
    );
}

/// The command line: no results, a line on stderr, the filter echoed in JSON, exit 0.
#[test]
fn every_command_says_a_name_is_unknown() {
    let index = &archive().1;
    for args in [
        vec!["search", "--person", "Zzzz"],
        vec!["search", "*", "--org", "Газпром"],
        vec!["timeline", "--loc", "Нарния"],
        vec!["related", "--person", "Zzzz"],
    ] {
        let out = vestnik()
            .args(&args)
            .arg("--index")
            .arg(index)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("in this archive"), "{args:?}: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("0 articles"), "{args:?}: {stdout}");
    }
    let v = json_of(
        vestnik()
            .args(["search", "--person", "Zzzz", "--format", "json", "--index"])
            .arg(index),
    );
    assert_eq!(v["total"], 0);
    assert_eq!(v["filters"]["person"][0]["name"], "Zzzz");
    assert_eq!(v["filters"]["person"][0]["entities"], Value::Array(vec![]));
    let v = json_of(
        vestnik()
            .args(["related", "--person", "Zzzz", "--format", "json", "--index"])
            .arg(index),
    );
    assert_eq!(v["total"], 0);
    assert_eq!(v["entities"], Value::Array(vec![]));
    // Without a query or a filter there is nothing to search: the user's to fix.
    let out = vestnik()
        .args(["search", "--index"])
        .arg(index)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_filter_alone_lists_the_persons_articles() {
    let v = json_of(
        vestnik()
            .args([
                "search",
                "--person",
                "Путин",
                "--format",
                "json",
                "--no-group",
                "--index",
            ])
            .arg(&archive().1),
    );
    assert_eq!(v["total"], 3);
    assert_eq!(
        v["filters"]["person"][0]["entities"][0]["name"],
        "Владимир Путин"
    );
}

/// The HTTP API and its page's data: the same narrowing, the same echo.
#[test]
fn the_api_never_widens_either() {
    let server = Server::start(&archive().1);
    for path in [
        "/api/search?person=Zzzz",
        "/api/facets?org=%D0%93%D0%B0%D0%B7%D0%BF%D1%80%D0%BE%D0%BC",
        "/api/timeline?loc=Zzzz",
        "/api/related?person=Zzzz",
    ] {
        let (status, r) = server.json(path);
        assert_eq!(status, 200, "{path}");
        assert_eq!(r["total"], 0, "{path}: {r}");
        assert!(r["filters"].is_object(), "{path}: {r}");
    }
    let (_, r) = server.json("/api/entities?person=Zzzz");
    assert_eq!(r, Value::Array(vec![]));
    let (_, r) = server.json("/api/search?person=Putin&group=false");
    assert_eq!(r["total"], 3);
}

#[test]
fn entities_list_ids_forms_and_merged_variants() {
    let v = json_of(
        vestnik()
            .args([
                "entities", "--type", "person", "--format", "json", "--index",
            ])
            .arg(&archive().1),
    );
    let putin = v
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Владимир Путин")
        .expect("listed");
    assert!(putin["id"].as_str().unwrap().starts_with("per-"));
    assert_eq!(putin["count"], 3);
    let variants = strings(&putin["variants"]);
    assert!(variants.contains(&"Путин"), "{variants:?}");
    let surfaces = strings(&putin["surfaces"]);
    assert!(surfaces.contains(&"В.В. Путин"), "{surfaces:?}");
}

/// The strings of a JSON array.
fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The names of an `entities --format json` listing.
fn entity_names(listing: &Value) -> Vec<&str> {
    listing
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["name"].as_str()).collect())
        .unwrap_or_default()
}

/// What the archive's entities look like: every entity, its count, id and variants, and the
/// person facet, as the commands show them.
fn entity_view(index: &Path) -> (Value, Value) {
    let entities = json_of(
        vestnik()
            .args(["entities", "--limit", "1000", "--format", "json", "--index"])
            .arg(index),
    );
    let facets = json_of(
        vestnik()
            .args([
                "search",
                "*",
                "--facets-only",
                "--facet-size",
                "1000",
                "--format",
                "json",
            ])
            .args(["--index"])
            .arg(index),
    );
    (entities, facets["facets"].clone())
}

#[test]
fn incremental_runs_equal_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let incremental = dir.path().join("incremental");
    let opts = BuildOptions::default();
    // First a few articles: bare "Путин" alone is its own entry, Иванов has one first name.
    write(&src, &ARTICLES[1..3]);
    write(&src, &ARTICLES[7..8]);
    write(&src, &ARTICLES[9..10]);
    vestnik::index::build(std::slice::from_ref(&src), &incremental, &opts, &()).unwrap();
    let (early, _) = entity_view(&incremental);
    let names = entity_names(&early);
    assert!(
        names.contains(&"Путин") && !names.contains(&"Иванов"),
        "{names:?}"
    );
    // Then the rest arrive and one leaves, in two more runs.
    write(&src, &ARTICLES[..6]);
    vestnik::index::build(std::slice::from_ref(&src), &incremental, &opts, &()).unwrap();
    write(&src, &ARTICLES);
    std::fs::remove_file(src.join("a07.txt")).unwrap();
    vestnik::index::build(std::slice::from_ref(&src), &incremental, &opts, &()).unwrap();
    let rebuilt = dir.path().join("rebuilt");
    vestnik::index::build(std::slice::from_ref(&src), &rebuilt, &opts, &()).unwrap();
    let (a, b) = (entity_view(&incremental), entity_view(&rebuilt));
    assert_eq!(a.0, b.0);
    assert_eq!(a.1, b.1);
    // And the joins happened: the bare surname found its full name once it arrived.
    let names = entity_names(&a.0);
    assert!(
        names.contains(&"Владимир Путин") && !names.contains(&"Путин"),
        "{names:?}"
    );
}

/// The other filters a user states: a source the archive lacks and an empty date range match
/// nothing and say why; a known source beside an unknown one still counts.
#[test]
fn unknown_sources_and_empty_date_ranges_say_why() {
    let index = &archive().1;
    for (args, says) in [
        (vec!["--source", "Нетакого"], "no source named Нетакого"),
        (
            vec!["--from", "2024-05-01", "--to", "2024-01-01"],
            "the date range is empty",
        ),
    ] {
        let out = vestnik()
            .args(["search", "*", "--index"])
            .arg(index)
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("0 articles"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let searcher = &archive().2;
    let mut req = SearchRequest::new("*");
    req.sources = vec!["Нетакого".into()];
    let r = searcher.search(&req).unwrap();
    assert_eq!(r.total, 0);
    assert!(!r.filters.source[0].known);
    assert_eq!(r.filters.impossible().len(), 1);
}

/// A first name typed alone that several people share means none of them (a filter narrows),
/// and the answer names them so that the user can pick one.
#[test]
fn a_shared_first_name_names_the_people_it_could_mean() {
    let (_dir, index) = common::index_of(&[
        (
            "p1.txt",
            "Академик выступил в Москве\n\nАкадемик Евгений Примаков выступил с лекцией. Евгений Примаков ответил на вопросы.\n",
        ),
        (
            "p2.txt",
            "Писатель представил роман\n\nПисатель Евгений Петров представил новый роман. Евгений Петров подписал книги.\n",
        ),
    ]);
    let out = vestnik()
        .args([
            "search",
            "--person",
            "Евгений",
            "--format",
            "json",
            "--index",
        ])
        .arg(&index)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 0);
    let filter = &v["filters"]["person"][0];
    assert_eq!(filter["entities"], Value::Array(vec![]));
    let named: BTreeSet<&str> = filter["ambiguous"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(
        named,
        BTreeSet::from(["Евгений Примаков", "Евгений Петров"])
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("could be any of several"), "{stderr}");
    // Each of them by surname, and an unknown name still says it is unknown.
    let v = json_of(
        vestnik()
            .args([
                "search",
                "--person",
                "Примакова",
                "--format",
                "json",
                "--index",
            ])
            .arg(&index),
    );
    assert_eq!(v["total"], 1);
    let out = vestnik()
        .args(["search", "--person", "Зюзюкин", "--index"])
        .arg(&index)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no person named Зюзюкин"));
}
