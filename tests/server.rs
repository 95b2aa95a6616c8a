//! `vestnik serve` over real HTTP on loopback: every API endpoint, the bad requests, the
//! built-in page, and a document whose text contains markup.

mod common;

use std::io::Write;
use std::net::TcpStream;

use common::{Server, index_of};

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[test]
fn every_endpoint_answers_like_the_command_line() {
    let server = Server::start(common::corpus_index());

    let (status, r) = server.json(&format!("/api/search?q={}", enc("права детей")));
    assert_eq!(status, 200);
    let cli = common::search("права детей");
    assert_eq!(r["total"], cli.total);
    assert_eq!(r["hits"][0]["id"], cli.hits[0].id.as_str());
    assert!(r["hits"][0]["group"].is_string() && r["hits"][0]["duplicates"].is_array());
    assert!(!r["facets"]["person"].as_array().unwrap().is_empty());

    let (status, r) = server.json(&format!(
        "/api/search?person={}&facet=source&limit=2&sort=date",
        enc("Карину")
    ));
    assert_eq!(status, 200);
    assert_eq!(r["hits"].as_array().unwrap().len(), 2);
    assert!(r["facets"]["person"].as_array().unwrap().is_empty());

    // Every parameter the README documents for /api/search is read (count was refused once).
    let (status, r) = server.json(&format!(
        "/api/search?q={}&count=groups&group=false&offset=1&by=month&facet_size=3&undated=0",
        enc("права детей")
    ));
    assert_eq!(status, 200, "{r}");
    assert!(r["groups"].as_u64().unwrap() >= 1);

    let (status, f) = server.json(&format!(
        "/api/facets?q={}&facet=source,person&count=groups",
        enc("права детей")
    ));
    assert_eq!(status, 200);
    assert_eq!(f["total"], cli.total);
    assert!(f.get("hits").is_none() && f["groups"].as_u64().unwrap() >= 1);
    assert!(!f["facets"]["source"].as_array().unwrap().is_empty());
    assert_eq!(server.json("/api/facets?limit=5").0, 400);

    let (status, r) = server.json("/api/entities?type=person&limit=5");
    assert_eq!(status, 200);
    assert!(r.as_array().unwrap().iter().all(|e| e["kind"] == "PER"));

    let (status, r) = server.json(&format!("/api/related?person={}", enc("Карину")));
    assert_eq!(status, 200);
    assert!(
        r["person"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["value"] != "Ерлан Карин")
    );
    assert!(r["total"].as_u64().unwrap() > 5);

    let (status, r) = server.json(&format!("/api/timeline?q={}&by=year", enc("детей")));
    assert_eq!(status, 200);
    assert!(r["periods"].as_array().unwrap().len() >= 2);

    let id = cli.hits[0].id.clone();
    let (status, d) = server.json(&format!("/api/doc?id={}", enc(&id)));
    assert_eq!(status, 200);
    assert_eq!(d["id"], id.as_str());
    assert!(d["body"].as_str().unwrap().len() > 100);
    assert!(!d["mentions"].as_array().unwrap().is_empty());
    assert!(d.get("marks").is_none(), "no query, no marks");

    // With the query it was found by, the words the index matched are marked, in code points,
    // and each marked word analyzes to a term of the query.
    let (status, d) = server.json(&format!("/api/doc?id={}&q={}", enc(&id), enc("детей")));
    assert_eq!(status, 200);
    let body: Vec<char> = d["body"].as_str().unwrap().chars().collect();
    let marks = d["marks"]["body"].as_array().unwrap();
    assert!(!marks.is_empty());
    for m in marks {
        let (a, b) = (
            m[0].as_u64().unwrap() as usize,
            m[1].as_u64().unwrap() as usize,
        );
        let word: String = body[a..b].iter().collect();
        assert_eq!(
            vestnik::analysis::terms(&word),
            vestnik::analysis::terms("детей"),
            "{word}"
        );
    }
    // A query no article's words match marks nothing; the document is still there.
    let (status, d) = server.json(&format!("/api/doc?id={}&q={}", enc(&id), enc("квазар")));
    assert_eq!(status, 200);
    assert_eq!(d["marks"]["body"], serde_json::json!([]));

    let (status, head, body) = server.get("/");
    assert_eq!(status, 200);
    assert!(head.contains("text/html") && head.contains("content-security-policy"));
    assert!(body.contains("/app.js"));
    assert_eq!(server.get("/app.js").0, 200);
}

/// `/api/facets` and `vestnik search --facets-only --format json` are one shape, rendered by
/// one type: the same fields with the same values, `groups` and `relaxation` only when set.
#[test]
fn the_facets_answer_is_the_command_lines() {
    let server = Server::start(common::corpus_index());
    for (query, extra) in [("права детей", &[][..]), ("*", &["--count", "groups"][..])] {
        let mut url = format!("/api/facets?q={}", enc(query));
        if !extra.is_empty() {
            url.push_str("&count=groups");
        }
        let (status, api) = server.json(&url);
        assert_eq!(status, 200, "{api}");
        let cli = common::json_of(
            common::vestnik()
                .args(["search", query, "--facets-only", "--format", "json"])
                .args(extra)
                .arg("--index")
                .arg(common::corpus_index()),
        );
        assert_eq!(api, cli, "{url}");
        assert_eq!(api.get("groups").is_some(), !extra.is_empty(), "{api}");
        assert!(api.get("relaxation").is_none(), "{api}");
    }
}

#[test]
fn bad_requests_get_a_json_error_and_the_server_stays_up() {
    let server = Server::start(common::corpus_index());
    let cases = [
        ("/api/search?limit=1000", 400, "limit"),
        ("/api/search?from=yesterday", 400, "from"),
        ("/api/search?q=%22unclosed", 400, "invalid query"),
        ("/api/search?colour=red", 400, "unknown parameter"),
        ("/api/search?q=%FF", 400, "UTF-8"),
        ("/api/timeline?count=groups", 400, "unknown parameter"),
        ("/api/related?q=x", 400, "person, org or loc"),
        ("/api/timeline?by=week", 400, "by"),
        ("/api/doc", 400, "id"),
        (
            "/api/doc?id=..%2F..%2F..%2Fetc%2Fpasswd",
            404,
            "no document",
        ),
        ("/api/nothing", 404, "no such"),
    ];
    for (path, want, message) in cases {
        let (status, r) = server.json(path);
        assert_eq!(status, want, "{path}: {r}");
        assert!(
            r["error"].as_str().unwrap().contains(message),
            "{path}: {r}"
        );
    }
    let long = format!("/api/search?q={}", "a".repeat(5_000));
    assert_eq!(server.json(&long).0, 400);
    // Garbage instead of HTTP, and a request line far too long: refused, not a crash.
    let (status, _, _) = server.raw(b"NONSENSE\r\n\r\n");
    assert!((400..500).contains(&status), "{status}");
    let huge = format!(
        "GET /api/search?q={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "b".repeat(2_000_000)
    );
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    let _ = stream.write_all(huge.as_bytes());
    drop(stream);
    assert_eq!(server.json("/api/search?q=*").0, 200);
}

#[test]
fn markup_in_an_article_is_data() {
    let (_dir, index) = index_of(&[(
        "x.txt",
        "Заголовок: <script>alert('x')</script> Новость\nИсточник: <b>Test</b>\n\nТекст <img src=x onerror=alert(1)> про школы и детей.",
    )]);
    let server = Server::start(&index);
    let (status, r) = server.json("/api/search?q=%D1%88%D0%BA%D0%BE%D0%BB%D1%8B");
    assert_eq!(status, 200);
    let hit = &r["hits"][0];
    assert_eq!(hit["title"], "<script>alert('x')</script> Новость");
    assert!(
        hit["snippet"]
            .as_str()
            .unwrap()
            .contains("<img src=x onerror=alert(1)>")
    );
    // The page itself carries no archive text: the script inserts it as text.
    let (_, _, page) = server.get("/");
    assert!(!page.contains("alert"));
    let (_, _, js) = server.get("/app.js");
    assert!(!js.contains("innerHTML"));
}
