//! The search page in a real headless Chromium, driven over WebDriver (chromedriver): search,
//! click a facet, set a date range on the histogram, open a document, and check what the page
//! shows; a screenshot of the main view is saved as `target/test-artefacts/main-view.png`.
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
    assert_eq!(
        text(&browser, "#summary"),
        format!("{} articles", cli.total)
    );
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
        json!(format!("source: {source}"))
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
    assert!(
        url.contains(&format!("from={period}-01-01"))
            && url.contains(&format!("to={period}-12-31")),
        "{url}"
    );
    browser.wait(&format!(
        "[...document.querySelectorAll('#results .meta')].length && [...document.querySelectorAll('#results .meta')].every(m => m.textContent.startsWith({}))",
        json!(period)
    ));
    browser.screenshot(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-artefacts/main-view.png"),
    );

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
    assert!(summary.starts_with("0 articles"), "{summary}");
    assert!(
        summary.contains("no person named Касым-Жомарт Токаев"),
        "{summary}"
    );
    assert_eq!(
        browser.script("return document.querySelectorAll('#results li').length"),
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
    assert_eq!(text(&browser, "#undated"), "no date1");
    let inferred = browser.wait(
        "[...document.querySelectorAll('#results .meta .inferred')].map(e => e.textContent).join('|')",
    );
    assert_eq!(inferred, json!("2021-03-12 (inferred)"));

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
    assert!(summary.starts_with("0 articles"), "{summary}");
    assert!(
        summary.contains("no article is both without a date and dated from 2024-01-01"),
        "{summary}"
    );
}
