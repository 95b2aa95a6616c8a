//! The search page in a real headless Chromium, driven over WebDriver (chromedriver): search,
//! click a facet, set a date range on the histogram, open a document, and check what the page
//! shows, in Russian by default and in English by the switch; at 360, 600 and 1400 px; the
//! histogram's empty periods, exclusions, an entity's profile, the keyboard and the export.
//! Screenshots of the main view, an entity profile and the narrow layout are saved under
//! `target/test-artefacts/`.
//! `.ci/run` installs Debian's chromium and chromium-driver; without them these tests fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Server, http_raw, index_of};
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process and one browser session in it.
struct Browser {
    _turn: std::sync::MutexGuard<'static, ()>,
    driver: Child,
    addr: String,
    session: String,
    _profile: tempfile::TempDir,
}

/// One browser at a time: each test's chromedriver takes a port found free a moment before,
/// which a second browser starting alongside could take first.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Browser {
    fn start() -> Browser {
        // Without a browser these tests fail rather than pass unrun: `.ci/run` installs it.
        assert!(
            Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
            "browser tests need {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
        );
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr = format!("127.0.0.1:{port}");
        let started = Instant::now();
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let mut b = Browser {
            _turn: turn,
            driver,
            addr,
            session: String::new(),
            _profile: profile,
        };
        // The flags Chromium needs on a machine without a network or a display.
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1400,1000",
            &format!("--user-data-dir={}", b._profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
        }}});
        let answer = b.call("POST", "/session", Some(caps));
        b.session = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {answer}"))
            .to_string();
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        let (_, _, text) = http_raw(&self.addr, request.as_bytes());
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        v["value"].clone()
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn open(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({"url": url})));
    }

    fn script(&self, js: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({"script": js, "args": []})),
        )
    }

    /// Waits until `js` (an expression) is truthy, and returns its value.
    fn wait(&self, js: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.script(&format!("return {js};"));
            if !(v.is_null() || v == json!(false) || v == json!(0) || v == json!("")) {
                return v;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "timed out waiting for {js}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn element(&self, css: &str) -> String {
        let v = self.session_call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|id| id.as_str())
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.session_call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.session_call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        );
    }

    fn screenshot(&self, to: &Path) {
        let b64 = self.session_call("GET", "/screenshot", None);
        let png = base64(b64.as_str().unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            self.session_call("DELETE", "", None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| !matches!(c, b'=' | b'\n' | b'\r'))
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= (value(c) as u32) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

fn text(b: &Browser, css: &str) -> String {
    b.script(&format!(
        "const e = document.querySelector({}); return e ? e.textContent : '';",
        json!(css)
    ))
    .as_str()
    .unwrap_or("")
    .to_string()
}

/// "N статья/статьи/статей", as the page counts in Russian (numbers below 1,000 here).
fn articles_ru(n: usize) -> String {
    let word = match (n % 10, n % 100) {
        (1, r) if r != 11 => "статья",
        (2..=4, r) if !(12..=14).contains(&r) => "статьи",
        _ => "статей",
    };
    format!("{n} {word}")
}

fn artefact(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/test-artefacts")
        .join(name)
}

const W3C_ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn resize(&self, width: u32, height: u32) {
        self.session_call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Real key presses, as a person types them (`\u{E015}` is the down arrow).
    fn keys(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|k| {
                [
                    json!({"type": "keyDown", "value": k}),
                    json!({"type": "keyUp", "value": k}),
                ]
            })
            .collect();
        self.session_call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// A mouse moved over `from`, pressed, moved over `to` and released: a drag.
    fn drag(&self, from: &str, to: &str) {
        let (a, b) = (self.element(from), self.element(to));
        let over = |id: &str| json!({"type": "pointerMove", "duration": 0, "origin": {W3C_ELEMENT: id}, "x": 0, "y": 0});
        self.session_call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                "actions": [over(&a), {"type": "pointerDown", "button": 0}, over(&b), {"type": "pointerUp", "button": 0}]}]})),
        );
    }

    fn hover(&self, css: &str) {
        let id = self.element(css);
        self.session_call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                "actions": [{"type": "pointerMove", "duration": 0, "origin": {W3C_ELEMENT: id}, "x": 0, "y": 0}]}]})),
        );
    }

    fn location(&self) -> String {
        self.script("return location.search")
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

/// A GET over HTTP/1.0, so that a streamed answer ends when the server closes the connection.
fn get_streamed(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut all = Vec::new();
    stream.read_to_end(&mut all).unwrap();
    let end = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&all[..end]).to_lowercase();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, all[end + 4..].to_vec())
}

#[test]
fn search_filter_by_facet_and_dates_then_read_a_document() {
    let browser = Browser::start();
    let server = Server::start(common::corpus_index());
    let base = format!("http://{}/", server.addr);
    browser.open(&base);

    // Search.
    browser.type_into("#q", "права детей");
    browser.click("#search button[type=submit]");
    browser.wait("document.querySelectorAll('#results li').length");
    let cli = common::search("права детей");
    assert_eq!(text(&browser, "#summary"), articles_ru(cli.total));
    assert_eq!(text(&browser, "#results li h2"), cli.hits[0].title);
    assert!(
        browser
            .wait("document.querySelectorAll('#results mark').length")
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        browser
            .script("return location.search")
            .as_str()
            .unwrap()
            .contains("q=")
    );

    // Click the first source facet: the results narrow to it, a chip shows it.
    let source = text(&browser, "#facets [data-facet=source] .facet span");
    browser.click("#facets [data-facet=source] .facet");
    browser.wait(&format!(
        "document.querySelector('#chips').textContent.includes({})",
        json!(format!("источник: {source}"))
    ));
    browser.wait("document.querySelectorAll('#results li').length");
    let sources = browser
        .script("return [...document.querySelectorAll('#results .meta')].map(m => m.textContent)");
    assert!(
        sources
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m.as_str().unwrap().contains(&source)),
        "{sources}"
    );

    // Back to all sources, then a date range from the histogram: click the first bar.
    browser.open(&format!("{base}?q=*"));
    browser.wait("document.querySelectorAll('#histogram .bar').length");
    let period = browser.script("return document.querySelector('#histogram .bar').dataset.period");
    let period = period.as_str().unwrap().to_string();
    browser.click("#histogram .bar");
    browser.wait("document.querySelector('#date-chip')");
    let url = browser
        .script("return location.search")
        .as_str()
        .unwrap()
        .to_string();
    // A year's bar selects the year, a month's the month.
    let (from, to) = if period.len() == 4 {
        (format!("{period}-01-01"), format!("{period}-12-31"))
    } else {
        (format!("{period}-01"), format!("{period}-"))
    };
    assert!(
        url.contains(&format!("from={from}")) && url.contains(&format!("to={to}")),
        "{url}"
    );
    browser.wait(&format!(
        "[...document.querySelectorAll('#results .meta')].length && [...document.querySelectorAll('#results .meta')].every(m => m.querySelector('.date') && m.querySelector('.date').dataset.date.startsWith({}))",
        json!(period)
    ));
    browser.screenshot(&artefact("main-view.png"));

    // Open a document: its text, with the names it mentions marked.
    let title = text(&browser, "#results li h2");
    browser.click("#results li h2 a");
    browser.wait("!document.querySelector('#doc').hidden && document.querySelector('#doc h2')");
    assert_eq!(text(&browser, "#doc h2"), title);
    assert!(
        browser
            .script("return location.search")
            .as_str()
            .unwrap()
            .contains("doc=")
    );
    assert!(
        browser
            .wait("document.querySelectorAll('#doc p').length")
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn markup_in_articles_shows_as_text() {
    let browser = Browser::start();
    let (_dir, index) = index_of(&[(
        "x.txt",
        "Заголовок: <img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>\n\nТекст <b onmouseover=\"window.__xss=3\">жирный</b> про школы.",
    )]);
    let server = Server::start(&index);
    browser.open(&format!(
        "http://{}/?q=%D1%88%D0%BA%D0%BE%D0%BB%D1%8B",
        server.addr
    ));
    browser.wait("document.querySelectorAll('#results li').length");
    assert!(text(&browser, "#results li h2").contains("<script>window.__xss=2</script>"));
    assert!(text(&browser, "#results .snippet").contains("<b onmouseover="));
    assert_eq!(
        browser.script(
            "return document.querySelectorAll('#results img, #results script, #results b').length"
        ),
        json!(0)
    );
    assert_eq!(
        browser.script("return window.__xss === undefined"),
        json!(true)
    );
}

/// The page with a person nobody in the archive is: no articles, and it says why.
#[test]
fn an_unknown_person_on_the_page_finds_nothing_and_says_so() {
    let browser = Browser::start();
    let server = Server::start(common::corpus_index());
    let person: String =
        form_urlencoded::byte_serialize("Касым-Жомарт Токаев".as_bytes()).collect();
    browser.open(&format!(
        "http://{}/?q=%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B&person={person}",
        server.addr
    ));
    browser.wait("document.querySelector('#summary [data-unresolved]')");
    let summary = text(&browser, "#summary");
    assert!(summary.starts_with("0 статей"), "{summary}");
    assert!(
        summary.contains("в архиве нет человека с именем Касым-Жомарт Токаев"),
        "{summary}"
    );
    // Zero results say what to try, not just the count.
    assert!(text(&browser, "#nothing").contains("Ничего не найдено"));
    assert_eq!(
        browser.script("return document.querySelectorAll('#results li.hit').length"),
        json!(0)
    );
}

/// The articles without a date are a bucket of the date histogram that filters to them, and a
/// date read from the text is marked as inferred.
#[test]
fn the_articles_without_a_date_are_one_click_away() {
    let browser = Browser::start();
    let (_dir, index) = index_of(&[
        (
            "aral.txt",
            "Северный Арал возвращается\n\nАральск, 12 марта 2021 года. Благодаря плотине \
             уровень воды в Малом Арале вырос, и в море вернулась рыба.",
        ),
        (
            "stated.txt",
            "Заголовок: Новая школа\nДата: 17.05.2024\n\nВ Алматы открылась новая школа.",
        ),
        (
            "elbe.txt",
            "Заявление к годовщине встречи на Эльбе\n\nПрезиденты сделали заявление к \
             годовщине встречи войск на Эльбе 25 апреля 1945 года.",
        ),
    ]);
    let server = Server::start(&index);
    browser.open(&format!("http://{}/?q=*", server.addr));
    browser.wait("document.querySelector('#undated')");
    assert_eq!(text(&browser, "#undated"), "без даты1");
    let inferred = browser.wait(
        "[...document.querySelectorAll('#results .meta .inferred')].map(e => e.dataset.date + ' ' + e.textContent).join('|')",
    );
    assert_eq!(inferred, json!("2021-03-12 12 марта 2021 г. (выведено)"));

    browser.click("#undated");
    browser.wait("document.querySelector('#undated-chip')");
    browser.wait(
        "document.querySelectorAll('#results li').length === 1 && document.querySelector('#results li').dataset.id === 'elbe.txt'",
    );
    assert!(
        browser
            .script("return location.search")
            .as_str()
            .unwrap()
            .contains("undated=1")
    );
    // Removing the chip brings every article back.
    browser.click("#undated-chip button");
    browser.wait("document.querySelectorAll('#results li').length === 3");

    // Without a date and from a date at once: nothing, and the page says why.
    browser.open(&format!(
        "http://{}/?q=*&undated=1&from=2024-01-01",
        server.addr
    ));
    browser.wait("document.querySelector('#summary [data-unresolved=\"dates\"]')");
    let summary = text(&browser, "#summary");
    assert!(summary.starts_with("0 статей"), "{summary}");
    assert!(
        summary.contains("no article is both without a date and dated from 2024-01-01"),
        "{summary}"
    );
}

/// Russian by default, every label of the page; English by the switch, kept in the URL.
#[test]
fn russian_by_default_english_by_the_switch() {
    let browser = Browser::start();
    let server = Server::start(common::corpus_index());
    browser.open(&format!("http://{}/?q=*", server.addr));
    browser.wait("document.querySelector('#summary').dataset.total");
    assert_eq!(
        browser.script("return document.documentElement.lang"),
        json!("ru")
    );
    assert_eq!(text(&browser, "#search button[type=submit]"), "Найти");
    assert_eq!(text(&browser, "#sort option[value=date]"), "сначала новые");
    assert_eq!(
        text(&browser, "#facets [data-facet=source] h3"),
        "Источники"
    );
    assert_eq!(text(&browser, "#export [data-export=csv]"), "Выгрузить CSV");
    let total = common::search("*").total;
    assert_eq!(text(&browser, "#summary"), articles_ru(total));
    // No English label is left on the Russian page.
    let visible = browser
        .script("return document.body.innerText")
        .as_str()
        .unwrap()
        .to_string();
    for english in [
        "Search",
        "articles",
        "Sources",
        "People",
        "by relevance",
        "no date",
    ] {
        assert!(!visible.contains(english), "{english:?} in {visible}");
    }

    browser.click("#lang");
    browser.wait("document.documentElement.lang === 'en'");
    assert!(browser.location().contains("lang=en"));
    browser.wait("document.querySelector('#summary').textContent.endsWith('articles')");
    assert_eq!(text(&browser, "#summary"), format!("{total} articles"));
    assert_eq!(text(&browser, "#search button[type=submit]"), "Search");
    assert_eq!(text(&browser, "#facets [data-facet=source] h3"), "Sources");
    // The language survives a new search.
    browser.type_into("#q", "школы");
    browser.click("#search button[type=submit]");
    browser.wait("location.search.includes('q=')");
    assert!(browser.location().contains("lang=en"));
    assert_eq!(text(&browser, "#lang"), "Русский");
}

/// From 360 px to wide screens: no horizontal scroll, the facets fold into a panel on narrow
/// screens, and a document takes the whole width there; beside the results on wide ones.
#[test]
fn the_page_fits_360_600_and_1400_pixels() {
    let browser = Browser::start();
    let server = Server::start(common::corpus_index());
    let base = format!("http://{}/", server.addr);
    for width in [360, 600] {
        browser.resize(width, 800);
        browser.open(&format!("{base}?q=%D0%BF%D1%80%D0%B0%D0%B2%D0%B0"));
        browser.wait("document.querySelectorAll('#results li').length");
        let inner = browser.script("return innerWidth").as_u64().unwrap();
        assert!(inner <= width as u64, "innerWidth {inner} at {width}");
        assert_eq!(
            browser.script("return document.documentElement.scrollWidth <= innerWidth"),
            json!(true),
            "horizontal scroll at {width}"
        );
        assert_eq!(
            browser.script("return getComputedStyle(document.querySelector('#facets')).display"),
            json!("none")
        );
        browser.click("#facets-toggle");
        browser.wait("getComputedStyle(document.querySelector('#facets')).display === 'block'");
        assert_eq!(
            browser.script("return document.documentElement.scrollWidth <= innerWidth"),
            json!(true)
        );
        if width == 360 {
            browser.screenshot(&artefact("narrow-360.png"));
        }
        browser.click("#results li h2 a");
        browser.wait("!document.querySelector('#doc').hidden && document.querySelector('#doc h2')");
        let rect = browser.script(
            "const r = document.querySelector('#side').getBoundingClientRect(); return [r.left, r.width, document.documentElement.clientWidth, getComputedStyle(document.querySelector('#side')).position]",
        );
        assert_eq!(rect[0], json!(0), "{rect}");
        assert_eq!(rect[1], rect[2], "{rect}");
        assert_eq!(rect[3], json!("fixed"), "{rect}");
        assert_eq!(
            browser.script("return document.documentElement.scrollWidth <= innerWidth"),
            json!(true)
        );
        // Esc closes it.
        browser.keys(&["\u{E00C}"]);
        browser.wait("document.querySelector('#side').hidden");
    }

    browser.resize(1400, 1000);
    browser.open(&format!("{base}?q=%D0%BF%D1%80%D0%B0%D0%B2%D0%B0"));
    browser.wait("document.querySelectorAll('#results li').length");
    assert_eq!(
        browser.script("return getComputedStyle(document.querySelector('#facets')).display"),
        json!("block")
    );
    assert_eq!(
        browser.script("return getComputedStyle(document.querySelector('#facets-toggle')).display"),
        json!("none")
    );
    // Without a document the results take the room a document would.
    let wide = browser
        .script("return document.querySelector('#middle').getBoundingClientRect().width")
        .as_f64()
        .unwrap();
    browser.click("#results li h2 a");
    browser.wait("!document.querySelector('#doc').hidden && document.querySelector('#doc h2')");
    let layout = browser.script(
        "const m = document.querySelector('#middle').getBoundingClientRect(), d = document.querySelector('#side').getBoundingClientRect(); return [m.right <= d.left, m.width, d.width]",
    );
    assert_eq!(layout[0], json!(true), "{layout}");
    assert!(layout[1].as_f64().unwrap() < wide, "{layout} {wide}");
    assert_eq!(
        browser.script("return document.documentElement.scrollWidth <= innerWidth"),
        json!(true)
    );
}

/// Every month from the first to the last article has a bar, the empty ones too; a bar tells
/// its count on hover, and a drag across bars selects their months.
#[test]
fn the_histogram_shows_every_period_and_selects_by_drag() {
    let browser = Browser::start();
    let (_dir, index) = index_of(&[
        (
            "jan.txt",
            "Заголовок: Январь\nДата: 15.01.2024\n\nВ Алматы открылась школа.",
        ),
        (
            "apr.txt",
            "Заголовок: Апрель\nДата: 10.04.2024\n\nВ Астане открылась больница.",
        ),
        (
            "apr2.txt",
            "Заголовок: Ещё апрель\nДата: 20.04.2024\n\nВ Шымкенте открылся парк.",
        ),
        ("none.txt", "Без даты\n\nПросто текст о погоде."),
    ]);
    let server = Server::start(&index);
    browser.open(&format!("http://{}/?q=*", server.addr));
    browser.wait("document.querySelectorAll('[data-histogram] .bar').length");
    let bars = browser.script(
        "return [...document.querySelectorAll('[data-histogram] [data-period]')].map(b => b.dataset.period + '=' + b.dataset.count).join(' ')",
    );
    assert_eq!(bars, json!("2024-01=1 2024-02=0 2024-03=0 2024-04=2"));
    assert_eq!(text(&browser, "#undated"), "без даты1");
    // An axis: the highest count, and the periods under the bars.
    assert_eq!(text(&browser, "#histogram .yaxis span"), "2");
    let ticks = text(&browser, "#histogram .ticks");
    assert!(ticks.contains("янв.") && ticks.contains("апр."), "{ticks}");

    browser.hover("[data-period='2024-04']");
    browser.wait("document.querySelector('#hist-tip').textContent.includes('2 статьи')");
    assert!(text(&browser, "#hist-tip").contains("2024"));

    browser.drag("[data-period='2024-01']", "[data-period='2024-03']");
    browser.wait("document.querySelector('#date-chip')");
    let url = browser.location();
    assert!(
        url.contains("from=2024-01-01") && url.contains("to=2024-03-31"),
        "{url}"
    );
    browser.wait("document.querySelector('#summary').dataset.total === '1'");
}

/// A facet's value is marked when chosen; another is excluded (a struck chip, the results
/// without it); long lists show more on demand and filter by a box; an exclusion naming
/// nothing the archive knows excludes nothing, and the page says so.
#[test]
fn facets_mark_exclude_show_more_and_filter() {
    let browser = Browser::start();
    let server = Server::start(common::corpus_index());
    let base = format!("http://{}/", server.addr);
    browser.open(&format!("{base}?q=*"));
    browser.wait("document.querySelectorAll('#facets [data-facet=source] .facet').length");
    let total: usize = common::search("*").total;
    let (value, n): (String, usize) = {
        let v = browser.script(
            "const b = document.querySelector('#facets [data-facet=source] .facet'); return [b.querySelector('span').textContent, b.querySelector('.n').textContent]",
        );
        (
            v[0].as_str().unwrap().into(),
            v[1].as_str().unwrap().parse().unwrap(),
        )
    };
    browser.click("#facets [data-facet=source] .exclude");
    browser.wait("document.querySelector('#chips .chip.excluded')");
    assert!(browser.location().contains("xsource="));
    assert_eq!(
        text(&browser, "#chips .chip.excluded .label"),
        format!("не источник: {value}")
    );
    assert_eq!(
        browser.script("return getComputedStyle(document.querySelector('#chips .chip.excluded .label')).textDecorationLine"),
        json!("line-through")
    );
    browser.wait(&format!(
        "document.querySelector('#summary').dataset.total === '{}'",
        total - n
    ));
    let metas = browser
        .script("return [...document.querySelectorAll('#results .meta')].map(m => m.textContent)");
    assert!(
        metas
            .as_array()
            .unwrap()
            .iter()
            .all(|m| !m.as_str().unwrap().contains(&value)),
        "{metas}"
    );

    // Chosen: marked in its list, and a second click takes it back.
    browser.open(&format!("{base}?q=*"));
    browser.wait("document.querySelectorAll('#facets [data-facet=person] .facet').length");
    let person = text(&browser, "#facets [data-facet=person] .facet span");
    browser.click("#facets [data-facet=person] .facet");
    browser.wait("document.querySelector('#facets [data-facet=person] .facet.selected')");
    assert_eq!(
        text(&browser, "#facets [data-facet=person] .facet.selected span"),
        person
    );
    assert_eq!(
        browser.script("return document.querySelector('#facets [data-facet=person] .facet.selected').getAttribute('aria-pressed')"),
        json!("true")
    );
    browser.click("#facets [data-facet=person] .facet.selected");
    browser.wait("!location.search.includes('person=')");

    // Show more, and the filter box.
    browser.wait("document.querySelectorAll('#facets [data-facet=person] .facet-row').length > 8");
    let hidden = "[...document.querySelectorAll('#facets [data-facet=person] .facet-row')].filter(r => r.hidden).length";
    assert!(
        browser
            .script(&format!("return {hidden}"))
            .as_u64()
            .unwrap()
            > 0
    );
    browser.click("#facets [data-facet=person] .more");
    assert_eq!(browser.script(&format!("return {hidden}")), json!(0));
    let last = browser.script(
        "const r = [...document.querySelectorAll('#facets [data-facet=person] .facet-row')]; return r[r.length - 1].dataset.value",
    );
    let last = last.as_str().unwrap().to_string();
    browser.type_into("#facets [data-facet=person] .facet-filter", &last);
    let shown = browser.wait(
        "[...document.querySelectorAll('#facets [data-facet=person] .facet-row')].filter(r => !r.hidden).map(r => r.dataset.value)",
    );
    let shown = shown.as_array().unwrap();
    assert!(
        shown.iter().any(|v| v.as_str() == Some(last.as_str())),
        "{shown:?}"
    );
    assert!(
        shown.iter().all(|v| v
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains(&last.to_lowercase())),
        "{shown:?}"
    );

    // Exclusions the archive cannot apply: said, and nothing excluded.
    browser.open(&format!(
        "{base}?q=*&xperson=%D0%9D%D0%B8%D0%BA%D1%82%D0%BE%D0%BD%D0%B8%D0%BA%D0%B0%D0%BA%D0%BE%D0%B9&xsource=Nowhere.kz"
    ));
    browser.wait("document.querySelector('#summary [data-unresolved=xperson]') && document.querySelector('#summary [data-unresolved=xsource]')");
    assert_eq!(
        text(&browser, "#summary").split(" — ").next().unwrap(),
        articles_ru(total)
    );
    assert!(text(&browser, "#summary").contains("ничего не исключает"));
}

/// A name in a document opens its profile: its forms, its articles over time, its sources and
/// who is named with it, each leading on.
#[test]
fn an_entity_profile_opens_from_a_document() {
    let browser = Browser::start();
    let server = Server::start(common::corpus_index());
    let with_person = common::search("*")
        .hits
        .into_iter()
        .find(|h| !h.entities.person.is_empty())
        .expect("an article naming a person");
    let id: String = form_urlencoded::byte_serialize(with_person.id.as_bytes()).collect();
    browser.open(&format!("http://{}/?q=*&doc={id}", server.addr));
    browser.wait("document.querySelector('#doc [data-entity=person]')");
    let name = text(&browser, "#doc [data-entity=person]");
    browser.click("#doc [data-entity=person]");
    browser.wait(
        "!document.querySelector('#related').hidden && document.querySelector('#profile-name')",
    );
    assert!(browser.location().contains("related=person"));
    assert!(!text(&browser, "#profile-name").is_empty(), "{name}");
    browser.wait("document.querySelector('#profile-forms')");
    assert!(text(&browser, "#profile-forms").starts_with("Как писали: "));
    assert!(
        browser
            .script(
                "return document.querySelectorAll('[data-profile=timeline] [data-period]').length"
            )
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        browser
            .script("return document.querySelectorAll('[data-profile=source] .facet').length")
            .as_u64()
            .unwrap()
            > 0
    );
    browser.screenshot(&artefact("entity-profile.png"));
    // Who is named with it leads to their profile.
    let before = browser.location();
    if browser.script("return document.querySelectorAll('#related section[data-profile=person] .facet, #related section[data-profile=org] .facet, #related section[data-profile=loc] .facet').length").as_u64().unwrap() > 0 {
        browser.click("#related section[data-profile=person] .facet, #related section[data-profile=org] .facet, #related section[data-profile=loc] .facet");
        browser.wait(&format!("location.search !== {}", json!(before)));
        browser.wait("document.querySelector('#profile-name')");
    }
    // Its sources narrow the search to it.
    browser.click("[data-profile=source] .facet");
    browser
        .wait("location.search.includes('source=') && document.querySelector('#related').hidden");
}

/// `/` finds, arrows move through the hits, Enter opens one, Esc closes it.
#[test]
fn the_keyboard_finds_moves_opens_and_closes() {
    let browser = Browser::start();
    let server = Server::start(common::corpus_index());
    browser.open(&format!("http://{}/?q=*", server.addr));
    browser.wait("document.querySelectorAll('#results li').length > 1");
    browser.click("#summary");
    browser.keys(&["/"]);
    assert_eq!(
        browser.script("return document.activeElement.id"),
        json!("q")
    );
    assert_eq!(
        browser.script("return document.querySelector('#q').value"),
        json!("*")
    );
    browser.keys(&["\u{E015}", "\u{E015}"]);
    let second = browser.script("return document.querySelectorAll('#results .hit')[1].dataset.id");
    assert_eq!(
        browser.script("return document.querySelector('#results .hit.active').dataset.id"),
        second
    );
    browser.keys(&["\u{E013}", "\u{E015}", "\u{E007}"]);
    browser.wait("!document.querySelector('#doc').hidden && document.querySelector('#doc h2')");
    let id = second.as_str().unwrap();
    assert!(
        browser
            .location()
            .contains(&form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>())
    );
    browser.keys(&["\u{E00C}"]);
    browser.wait("document.querySelector('#doc').hidden && !location.search.includes('doc=')");
}

/// The document view: the query's words and the names marked, with a legend; the URL a link;
/// inferred metadata marked; the other versions of the text listed and opened.
#[test]
fn a_document_shows_its_words_link_legend_and_versions() {
    let browser = Browser::start();
    // Long enough (30 words and more) for the indexer to find the two files one text.
    // «школьный» shares the query's first letters but not its stem: it is not marked.
    let body = "Новая школа открылась в Алматы. Школы города готовятся к учебному году. \
                Школьный автобус уже ходит. \
                Родители и учителя обсудили расписание, новые учебники, питание детей, кружки, \
                спортивные секции, безопасность на дорогах, ремонт спортивного зала, библиотеку \
                и планы на весь следующий год вместе с директором и представителями акимата.";
    let (_dir, index) = index_of(&[
        (
            "a.txt",
            &format!(
                "Заголовок: Новая школа\nИсточник: Первый\nСсылка: https://example.kz/a\nДата: 17.05.2024\n\n{body}"
            ),
        ),
        (
            "b.txt",
            &format!("Заголовок: Новая школа\nИсточник: Второй\nДата: 17.05.2024\n\n{body}"),
        ),
    ]);
    let server = Server::start(&index);
    browser.open(&format!(
        "http://{}/?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&group=false&doc=a.txt",
        server.addr
    ));
    browser.wait("document.querySelector('#doc p')");
    let marked = browser
        .script("return [...document.querySelectorAll('#doc p mark.q')].map(m => m.textContent)");
    assert_eq!(marked, json!(["школа", "Школы"]));
    let in_title = browser
        .script("return [...document.querySelectorAll('#doc h2 mark.q')].map(m => m.textContent)");
    assert_eq!(in_title, json!(["школа"]));
    assert_eq!(
        browser.script("return document.querySelector('#doc-url').getAttribute('href')"),
        json!("https://example.kz/a")
    );
    assert!(text(&browser, "#legend").contains("Места"));
    browser.wait("document.querySelector('#versions [data-doc]')");
    browser.click("#versions [data-doc]");
    browser.wait("location.search.includes('doc=b.txt') && document.querySelector('#doc .meta').textContent.includes('Второй')");
}

/// The export of what is on screen, every match and not a page: CSV with a byte-order mark,
/// JSON lines with the texts; both parse.
#[test]
fn the_export_of_the_result_set_parses() {
    let browser = Browser::start();
    let server = Server::start(common::corpus_index());
    browser.open(&format!("http://{}/?q=*&group=false", server.addr));
    browser.wait("document.querySelector('#summary').dataset.total");
    let total: usize = common::search("*").total;
    let href = |f: &str| {
        browser
            .script(&format!(
                "return document.querySelector('#export [data-export={f}]').getAttribute('href')"
            ))
            .as_str()
            .unwrap()
            .to_string()
    };
    let (status, head, csv) = get_streamed(&server.addr, &href("csv"));
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("content-type: text/csv"), "{head}");
    assert!(csv.starts_with("\u{feff}".as_bytes()));
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    assert_eq!(reader.headers().unwrap().get(0), Some("id"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), total);
    assert!(total > 10, "more than a page: {total}");

    let (status, head, jsonl) = get_streamed(&server.addr, &href("jsonl"));
    assert_eq!(status, 200, "{head}");
    let lines: Vec<Value> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), total);
    assert!(
        lines
            .iter()
            .all(|l| l["body"].as_str().is_some_and(|b| !b.is_empty()))
    );

    // Grouped, one row a release; a bad query is a JSON error before any row.
    let grouped = server.json("/api/facets?q=*&count=groups&facet=source").1["groups"]
        .as_u64()
        .unwrap();
    let (_, _, csv) = get_streamed(&server.addr, "/api/export?q=*");
    assert_eq!(
        csv::Reader::from_reader(&csv[3..]).records().count() as u64,
        grouped
    );
    let (status, r) = server.json("/api/export?q=%22a+b%22~1000");
    assert_eq!(status, 400, "{r}");
    let (status, r) = server.json("/api/export?q=*&limit=5");
    assert_eq!(status, 400, "{r}");
    assert!(r["error"].as_str().unwrap().contains("limit"));
}
