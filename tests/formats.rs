//! Every input format and every metadata inference rule, on real files: the sample corpus and
//! small archives written by the tests themselves.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::manifest;
use vestnik::corpus::{self, Article};

fn read_all(root: &Path) -> (Vec<Article>, Vec<corpus::Skip>) {
    let (found, mut skips) = corpus::walk(&[root.to_path_buf()], &[]);
    let mut articles = Vec::new();
    for f in &found {
        let c = corpus::read(f, &Default::default());
        articles.extend(c.articles);
        skips.extend(c.skips);
    }
    (articles, skips)
}

fn only(root: &Path) -> Article {
    let (mut articles, skips) = read_all(root);
    assert!(skips.is_empty(), "{skips:?}");
    assert_eq!(articles.len(), 1);
    articles.remove(0)
}

#[test]
fn the_sample_corpus_reads_exactly_as_the_manifest_says() {
    let (articles, skips) = read_all(&common::corpus_dir());
    assert!(skips.is_empty(), "{skips:?}");
    assert_eq!(articles.len(), manifest().len());
    for m in manifest() {
        let a = articles
            .iter()
            .find(|a| a.id == m.id)
            .unwrap_or_else(|| panic!("{} ({}) was not read", m.id, m.file));
        assert_eq!(a.title, m.title, "{}", m.id);
        assert_eq!(
            a.date.map(|d| d.to_string()).as_deref(),
            Some(m.date.as_str()),
            "{}",
            m.id
        );
        assert_eq!(a.source.as_deref(), Some(m.source.as_str()), "{}", m.id);
        assert_eq!(a.url, m.url, "{}", m.id);
        assert!(a.body.len() > 100, "{} has a body", m.id);
    }
    let formats: BTreeSet<&str> = manifest().iter().map(|m| m.format.as_str()).collect();
    for f in [
        "txt-ru", "txt-en", "txt-fm", "txt-bare", "md", "md-bare", "json", "jsonl", "html",
    ] {
        assert!(formats.contains(f), "the corpus has no {f} article");
    }
}

#[test]
fn the_seed_press_release_comes_out_as_zakon_kz() {
    let shared = common::shared_dir("the_seed_press_release_comes_out_as_zakon_kz");
    let a = only(&shared.join("seeds"));
    assert_eq!(a.source.as_deref(), Some("Zakon.kz"));
    assert!(a.inferred.source && a.inferred.title);
    assert!(a.title.starts_with("В Алматы состоялась встреча"));
    assert!(!a.title.contains("сообщает"));
}

#[test]
fn text_header_in_russian_and_english() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.txt"),
        "Заголовок: Встреча в акимате\nДата: 3 марта 2021\nИсточник: Kazinform\nСсылка: https://inform.kz/x\nID: k-1\n\nТекст.",
    )
    .unwrap();
    let a = only(dir.path());
    assert_eq!(a.id, "k-1");
    assert_eq!(a.title, "Встреча в акимате");
    assert_eq!(a.date.unwrap().to_string(), "2021-03-03");
    assert_eq!(a.source.as_deref(), Some("Kazinform"));
    assert_eq!(a.url.as_deref(), Some("https://inform.kz/x"));
    assert_eq!(a.body, "Текст.");
    assert_eq!(a.inferred.names(), Vec::<&str>::new());
}

#[test]
fn markdown_front_matter_and_heading() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("n.md"),
        "---\ndate: 2022-01-05\nsource: Курсив\n---\n# Рынок *жилья*\n\nЦены **выросли**.",
    )
    .unwrap();
    let a = only(dir.path());
    assert_eq!(a.title, "Рынок жилья");
    assert_eq!(a.body, "Цены выросли.");
    assert_eq!(a.id, "n.md");
    assert!(!a.inferred.title);
}

#[test]
fn json_jsonl_and_html() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.json"),
        r#"[{"id": "x1", "title": "Первая", "date": "2020-02-02", "text": "Один."},
            {"title": "Вторая", "content": "Два, сообщает Tengrinews.kz."}]"#,
    )
    .unwrap();
    fs::write(
        dir.path().join("b.jsonl"),
        "{\"id\": 5, \"body\": \"Пять.\", \"source\": \"ТАСС\"}\nnot json\n{\"text\": \"Шесть.\"}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("c.html"),
        r#"<html><head><meta property="og:site_name" content="Vlast.kz">
           <meta property="article:published_time" content="2023-07-01T12:00:00+06:00">
           <title>Заголовок страницы</title></head>
           <body><script>var a = "скрыто";</script><p>Видимый текст.</p></body></html>"#,
    )
    .unwrap();
    let (articles, skips) = read_all(dir.path());
    let by_id = |id: &str| {
        articles
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(by_id("x1").date.unwrap().to_string(), "2020-02-02");
    // A record without an id of its own is named by its text, not its place in the file.
    let unnamed = |file: &str, body: &str| {
        let a = articles.iter().find(|a| a.body.starts_with(body)).unwrap();
        let name =
            a.id.strip_prefix(&format!("{file}#"))
                .unwrap_or_else(|| panic!("{}", a.id));
        assert!(
            name.len() == 10 && name.bytes().all(|b| b.is_ascii_hexdigit()),
            "{}",
            a.id
        );
        a
    };
    assert_eq!(
        unnamed("a.json", "Два").source.as_deref(),
        Some("Tengrinews.kz")
    );
    assert_eq!(by_id("5").source.as_deref(), Some("ТАСС"));
    assert_eq!(unnamed("b.jsonl", "Шесть").body, "Шесть.");
    let html = by_id("c.html");
    assert_eq!(html.title, "Заголовок страницы");
    assert_eq!(html.source.as_deref(), Some("Vlast.kz"));
    assert_eq!(html.date.unwrap().to_string(), "2023-07-01");
    assert_eq!(html.body, "Видимый текст.");
    // Only the broken JSONL line is lost, and it is named.
    assert_eq!(skips.len(), 1);
    assert_eq!(skips[0].record, Some(2));
    assert!(skips[0].to_string().contains("invalid JSON"));
}

/// A news page as sites publish them: the reader keeps the article's paragraphs and takes its
/// metadata from JSON-LD, and none of the page's furniture reaches the body (where it would
/// make fake entities: a city from a related link, a name from a photo credit).
#[test]
fn a_news_page_gives_its_article_and_its_stated_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let para = |n: usize| {
        format!(
            "Абзац {n}: депутаты мажилиса одобрили во втором чтении поправки в закон о средствах \
             массовой информации, которые обязывают редакции хранить архивы публикаций не менее \
             пяти лет и отвечать на запросы граждан в течение десяти рабочих дней."
        )
    };
    let related: String = [
        "В Шымкенте открыли новый парк",
        "Роналду забил гол",
        "Курс тенге вырос",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| {
        format!(r#"<li class="item"><a href="/news/{i}">{t}</a><span>12:0{i}</span></li>"#)
    })
    .collect();
    let page = format!(
        r#"<html><head><title>Закон о СМИ одобрен - Tengrinews.kz</title>
        <script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
          "headline":"Закон о СМИ одобрен","datePublished":"2024-03-01T09:00:00+05:00",
          "author":{{"@type":"Person","name":"Айгерим Сапарова"}},
          "publisher":{{"@type":"Organization","name":"Tengrinews.kz"}}}}</script></head>
        <body><header><ul class="menu"><li><a href="/">Главная</a></li><li><a href="/p">Политика</a></li></ul></header>
        <article><h1>Закон о СМИ одобрен</h1><p>{}</p><p>{}</p><p>{}</p>
        <p>Фото: пресс-служба Мажилиса Парламента</p>
        <div class="share"><a href="/share/vk">Поделиться</a> <a href="/share/tg">Телеграм</a></div>
        <div class="related"><h3>Читайте также</h3><ul>{related}</ul></div></article>
        <div id="comments"><p>Комментарий читателя: всё плохо.</p></div>
        <footer>© Tengrinews.kz</footer></body></html>"#,
        para(1),
        para(2),
        para(3)
    );
    fs::write(dir.path().join("page.html"), page).unwrap();
    let (articles, skips) = read_all(dir.path());
    assert!(skips.is_empty(), "{skips:?}");
    let a = &articles[0];
    assert_eq!(a.title, "Закон о СМИ одобрен");
    assert_eq!(a.date.unwrap().to_string(), "2024-03-01");
    assert_eq!(a.source.as_deref(), Some("Tengrinews.kz"));
    assert_eq!(a.author.as_deref(), Some("Айгерим Сапарова"));
    assert!(!a.inferred.date && !a.inferred.source && !a.inferred.title);
    assert_eq!(a.body, format!("{}\n\n{}\n\n{}", para(1), para(2), para(3)));
}

#[test]
fn inference_rules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    // Date from an ISO file name; source from "сообщает"; title from the headline line.
    write(
        "2024-05-17-a.txt",
        "Короткий заголовок\n\nЧто-то случилось, сообщает Zakon.kz.",
    );
    // Date from a compact file name; source from "передает корреспондент".
    write(
        "20190301_b.txt",
        "Событие произошло. Об этом передает корреспондент Kazinform.",
    );
    // Date from a Russian date in the text; source from "по данным".
    write(
        "c.txt",
        "Астана, 17 мая 2024 года. По данным ТАСС, переговоры продолжатся.",
    );
    // Date from a dateline in the text; source from the url's host.
    write(
        "d.txt",
        "URL: https://www.tengrinews.kz/news/1\n\nОтчет министерства\n\nАстана, 05.04.2021. Отчет опубликован.",
    );
    // A date the text gives to something else is not the article's.
    write("g.txt", "Отчет от 05.04.2021 опубликован.");
    // Source from the parent folder under the walked root.
    write("Деловой Казахстан/e.txt", "Рынок вырос.");
    // Nothing to infer from: no date, no source.
    write("f.txt", "Просто текст без даты и источника");

    let (articles, skips) = read_all(root);
    assert!(skips.is_empty(), "{skips:?}");
    let get = |id: &str| {
        articles
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let date = |id: &str| get(id).date.map(|d| d.to_string());
    let source = |id: &str| get(id).source.clone();

    assert_eq!(date("2024-05-17-a.txt").as_deref(), Some("2024-05-17"));
    assert_eq!(source("2024-05-17-a.txt").as_deref(), Some("Zakon.kz"));
    assert_eq!(get("2024-05-17-a.txt").title, "Короткий заголовок");
    assert_eq!(date("20190301_b.txt").as_deref(), Some("2019-03-01"));
    assert_eq!(source("20190301_b.txt").as_deref(), Some("Kazinform"));
    assert_eq!(get("20190301_b.txt").title, "Событие произошло.");
    assert_eq!(date("c.txt").as_deref(), Some("2024-05-17"));
    assert_eq!(source("c.txt").as_deref(), Some("ТАСС"));
    assert_eq!(date("d.txt").as_deref(), Some("2021-04-05"));
    assert_eq!(source("d.txt").as_deref(), Some("tengrinews.kz"));
    assert_eq!(
        source("Деловой Казахстан/e.txt").as_deref(),
        Some("Деловой Казахстан")
    );
    assert_eq!(date("f.txt"), None);
    assert_eq!(date("g.txt"), None);
    assert_eq!(source("f.txt"), None);
    assert_eq!(get("f.txt").title, "Просто текст без даты и источника");

    // Inferred fields are marked as such; stated ones are not.
    assert_eq!(
        get("2024-05-17-a.txt").inferred.names(),
        ["title", "date", "source"]
    );
    assert_eq!(get("d.txt").inferred.names(), ["title", "date", "source"]);
    assert_eq!(get("f.txt").inferred.names(), ["title"]);
    assert_eq!(get("g.txt").inferred.names(), ["title"]);
}

#[test]
fn unreadable_and_foreign_files_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("good.txt"), "Хороший текст.").unwrap();
    fs::write(root.join("empty.txt"), "").unwrap();
    fs::write(root.join("bin.txt"), b"\x00\x01\x02text").unwrap();
    fs::write(root.join("broken.json"), "{\"title\": ").unwrap();
    fs::write(root.join("photo.jpg"), b"\xFF\xD8\xFF").unwrap();
    fs::write(root.join(".hidden.txt"), "скрытый").unwrap();
    fs::write(root.join("skipme.txt"), "не индексировать").unwrap();
    fs::write(root.join(".vestnikignore"), "skipme.txt\n").unwrap();
    let (articles, skips) = read_all(root);
    assert_eq!(articles.len(), 1);
    assert_eq!(articles[0].id, "good.txt");
    let reasons: Vec<String> = skips.iter().map(|s| s.to_string()).collect();
    assert_eq!(skips.len(), 4, "{reasons:?}");
    for (file, reason) in [
        ("empty.txt", "empty file"),
        ("bin.txt", "binary"),
        ("broken.json", "invalid JSON"),
        ("photo.jpg", "unsupported file type"),
    ] {
        assert!(
            reasons
                .iter()
                .any(|r| r.contains(file) && r.contains(reason)),
            "{file}: {reasons:?}"
        );
    }
}
