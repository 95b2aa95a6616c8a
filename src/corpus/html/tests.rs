use super::meta::strip_site_name;
use super::*;

#[test]
fn meta_tags_and_visible_text() {
    let f = read_html(
        r#"<html><head><title>Сайт — новость</title>
        <meta property="og:site_name" content="Kazinform">
        <meta property="article:published_time" content="2024-05-17T10:00:00+05:00">
        <style>p{color:red}</style></head>
        <body><nav>Меню</nav><article><h1>Новость дня</h1><p>Первый   абзац.</p>
        <script>var x=1;</script><p>Второй <b>абзац</b>.</p></article></body></html>"#,
    );
    assert_eq!(f.title.as_deref(), Some("Новость дня"));
    assert_eq!(f.source.as_deref(), Some("Kazinform"));
    assert_eq!(f.date.as_deref(), Some("2024-05-17T10:00:00+05:00"));
    assert_eq!(f.text, "Первый абзац.\n\nВторой абзац.");
}

#[test]
fn title_falls_back_to_title_tag() {
    let f = read_html("<html><head><title>Только title</title></head><body>текст</body></html>");
    assert_eq!(f.title.as_deref(), Some("Только title"));
    assert_eq!(f.text, "текст");
}

#[test]
fn json_ld_comes_first() {
    let f = read_html(
        r#"<html><head><title>Заголовок - Tengrinews.kz</title>
        <meta property="og:site_name" content="Тенгри">
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","name":"Tengrinews"},
          {"@type":"NewsArticle","headline":"Настоящий заголовок","datePublished":"2024-03-01T09:00:00+05:00",
           "author":[{"@type":"Person","name":"Айгерим Сапарова"}],
           "publisher":{"@type":"Organization","name":"Tengrinews.kz"}}]}</script>
        </head><body><p>Текст статьи.</p></body></html>"#,
    );
    assert_eq!(f.title.as_deref(), Some("Настоящий заголовок"));
    assert_eq!(f.date.as_deref(), Some("2024-03-01T09:00:00+05:00"));
    assert_eq!(f.source.as_deref(), Some("Tengrinews.kz"));
    let doc = Html::parse_document(
        r#"<script type="application/ld+json">{"@type":"NewsArticle","author":{"name":"А. Б."}}</script>"#,
    );
    assert_eq!(meta::read(&doc).author.as_deref(), Some("А. Б."));
}

#[test]
fn site_names_come_off_titles() {
    let t = |title: &str, site: Option<&str>| strip_site_name(title, site, None);
    assert_eq!(t("Новость дня - Tengrinews.kz", None), "Новость дня");
    assert_eq!(t("Новость дня | Zakon.kz", None), "Новость дня");
    assert_eq!(
        t("Новость дня — Kazinform", Some("Kazinform")),
        "Новость дня"
    );
    assert_eq!(
        t("Kazinform :: Новость дня", Some("Kazinform")),
        "Новость дня"
    );
    assert_eq!(
        t("Путин - Трамп: встреча", Some("Kazinform")),
        "Путин - Трамп: встреча"
    );
    assert_eq!(
        strip_site_name("Новость | Курсив", None, Some("https://kursiv.media/x")),
        "Новость | Курсив"
    );
}

#[test]
fn adjacent_links_are_not_glued() {
    let f = read_html(
        "<html><body><div><a href=/a>Казахстана</a><a href=/b>Роналду</a></div></body></html>",
    );
    assert!(!f.text.contains("КазахстанаРоналду"), "{:?}", f.text);
}

#[test]
fn furniture_stays_out_of_the_body() {
    let para = "Депутаты мажилиса одобрили во втором чтении поправки в закон о СМИ, которые \
                обязывают редакции хранить архивы публикаций не менее пяти лет.";
    let page = format!(
        r##"<html><head><title>Закон о СМИ | Zakon.kz</title></head><body>
        <header><ul class="menu"><li><a href="/">Главная</a></li><li><a href="/p">Политика</a></li></ul></header>
        <article><h1>Закон о СМИ</h1><p>{para}</p><p>{para}</p><p>{para}</p>
        <div class="share"><a href="#">Поделиться</a> <a href="#">ВКонтакте</a></div>
        <div class="related"><h3>Читайте также</h3><ul><li><a href="/x">В Шымкенте открыли парк</a></li>
        <li><a href="/y">Роналду забил гол</a></li></ul></div></article>
        <div id="comments"><p>Комментарий читателя: всё плохо.</p></div>
        <footer>© Zakon.kz</footer></body></html>"##
    );
    let f = read_html(&page);
    assert_eq!(f.title.as_deref(), Some("Закон о СМИ"));
    for junk in [
        "Главная",
        "Поделиться",
        "Читайте также",
        "Шымкенте",
        "Комментарий",
        "©",
    ] {
        assert!(!f.text.contains(junk), "{junk} in {:?}", f.text);
    }
    assert!(
        f.text.contains("не менее пяти лет.\n\nДепутаты"),
        "{:?}",
        f.text
    );
}

#[test]
fn the_headline_and_the_labels_above_it_leave_the_body() {
    let body = "Депутаты мажилиса одобрили во втором чтении поправки в закон о СМИ.";
    // The page's <h1> and its metadata title may differ; quotes and case do not count.
    let text = format!("СРОЧНО\n\nЗакон «о СМИ» принят\n\n{body}");
    assert_eq!(
        drop_headline(
            text.clone(),
            &[Some("Другой заголовок"), Some("закон \"о СМИ\" принят")]
        ),
        body
    );
    // Not found near the top, or above a long line, it is text of the article.
    let late = format!("{body}\n\n{body}\n\n{body}\n\nЗакон о СМИ принят");
    assert_eq!(
        drop_headline(late.clone(), &[Some("Закон о СМИ принят")]),
        late
    );
    let after_prose = format!("{body}\n\nЗакон о СМИ принят\n\n{body}");
    assert_eq!(
        drop_headline(after_prose.clone(), &[Some("Закон о СМИ принят")]),
        after_prose
    );
    // A body that is its headline alone keeps it.
    assert_eq!(
        drop_headline("Закон о СМИ принят".into(), &[Some("Закон о СМИ принят")]),
        "Закон о СМИ принят"
    );
}
