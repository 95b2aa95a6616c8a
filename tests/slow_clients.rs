//! `vestnik serve` against clients that would hold it: a head that never ends, a client that
//! stops reading, more connections than allowed, requests abandoned as soon as sent, names of
//! other hosts, and the low-level errors that must still answer JSON. Real server on
//! loopback, real index of the sample corpus; what is asserted is behaviour (closed, refused,
//! answered), with time bounds far above the timeouts set.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Server;

/// Far above any timeout these tests set: passing it means the server held on.
const BOUND: Duration = Duration::from_secs(20);

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    stream.set_write_timeout(Some(BOUND)).unwrap();
    stream
}

/// Whether the server has closed `stream`: what it sent is read and dropped, then an end or
/// a reset counts as closed, a read timing out as open.
fn closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 65536];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

/// Waits up to [`BOUND`] for the server to close `stream`, doing `meanwhile` each round.
fn closed_within_bound(stream: &mut TcpStream, mut meanwhile: impl FnMut(&mut TcpStream)) -> bool {
    let start = Instant::now();
    while start.elapsed() < BOUND {
        if closed(stream) {
            return true;
        }
        meanwhile(stream);
    }
    false
}

fn json_body(response: &str) -> serde_json::Value {
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((response, ""));
    assert!(
        head.to_lowercase()
            .contains("content-type: application/json"),
        "{response}"
    );
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"))
}

fn status(response: &str) -> u16 {
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Everything the server sends until it closes the connection.
fn read_all(stream: &mut TcpStream) -> String {
    stream.set_read_timeout(Some(BOUND)).unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn a_head_that_never_ends_is_closed_after_the_header_timeout() {
    let server = Server::start_with(common::corpus_index(), &["--header-timeout", "0.5"]);

    // Half a head, then nothing.
    let mut half = connect(&server);
    half.write_all(b"GET /api/search?q=x HTTP/1.1\r\nHost: local")
        .unwrap();
    assert!(
        closed_within_bound(&mut half, |_| {}),
        "half a head held the connection"
    );

    // No byte at all.
    let mut silent = connect(&server);
    assert!(
        closed_within_bound(&mut silent, |_| {}),
        "a silent client held the connection"
    );

    // A byte every 100 ms: the timeout is for the whole head, not between bytes.
    let mut dribble = connect(&server);
    dribble.write_all(b"GET / HTTP/1.1\r\nX-Slow: ").unwrap();
    let kept = closed_within_bound(&mut dribble, |s| {
        let _ = s.write_all(b"a");
    });
    assert!(
        kept,
        "a client sending its head byte by byte held the connection"
    );

    // A kept-alive connection waits for its next request no longer either.
    let mut kept_alive = connect(&server);
    let request = format!(
        "GET /api/search?q=x HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    );
    kept_alive.write_all(request.as_bytes()).unwrap();
    assert!(closed_within_bound(&mut kept_alive, |_| {}));

    assert_eq!(server.json("/api/search?q=*").0, 200);
}

#[test]
fn a_client_that_stops_reading_is_closed_after_the_idle_timeout() {
    let server = Server::start_with(
        common::corpus_index(),
        &["--idle-timeout", "0.5", "--header-timeout", "60"],
    );
    // Many pipelined requests for large answers, none of them read: the answers fill the
    // socket's buffers and the server's writes stall.
    let mut stream = connect(&server);
    let request = format!(
        "GET /api/search?limit=100&q=* HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    );
    let sent = 1_000;
    stream.write_all(request.repeat(sent).as_bytes()).unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let answers = read_all(&mut stream).matches("HTTP/1.1 200 OK").count();
    assert!(
        answers < sent,
        "all {sent} answers arrived: the stalled connection was kept"
    );
    assert_eq!(server.json("/api/search?q=*").0, 200);
}

#[test]
fn connections_past_the_limit_get_a_503_and_room_comes_back() {
    let server = Server::start_with(
        common::corpus_index(),
        &["--max-connections", "2", "--header-timeout", "60"],
    );
    let first = connect(&server);
    let second = connect(&server);

    let mut third = connect(&server);
    let refused = read_all(&mut third);
    assert_eq!(status(&refused), 503, "{refused}");
    assert!(
        json_body(&refused)["error"]
            .as_str()
            .unwrap()
            .contains("busy")
    );

    // When one of the two goes, a connection is served again.
    drop(first);
    let start = Instant::now();
    loop {
        let (code, _, _) = server.get("/api/search?q=*");
        if code == 200 {
            break;
        }
        assert_eq!(code, 503);
        assert!(start.elapsed() < BOUND, "no room after a connection closed");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(second);
}

#[test]
fn abandoned_requests_do_not_keep_the_server_busy() {
    let server = Server::start_with(common::corpus_index(), &["--max-requests", "2"]);
    let request = format!(
        "GET /api/search?q=*&limit=100&facet=source,date,person,org,loc HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr
    );
    for _ in 0..200 {
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        let _ = stream.write_all(request.as_bytes());
    }
    let start = Instant::now();
    loop {
        let (code, r) = server.json("/api/search?q=*");
        if code == 200 {
            break;
        }
        assert_eq!(code, 503, "{r}");
        assert!(r["error"].as_str().unwrap().contains("busy"), "{r}");
        assert!(
            start.elapsed() < BOUND,
            "abandoned searches kept every slot"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn only_requests_for_this_machine_are_answered() {
    let server = Server::start(common::corpus_index());
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let ask = |host: &str| {
        let request =
            format!("GET /api/search?q=x HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        server.raw(request.as_bytes())
    };
    for host in [
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(ask(&host).0, 200, "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        "localhost:1".to_string(),
    ] {
        let (code, head, body) = ask(&host);
        assert_eq!(code, 421, "{host}");
        assert!(head.contains("application/json"), "{head}");
        let r: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(r["error"].as_str().unwrap().contains("localhost"), "{r}");
    }
    // The page too, not only the API; and a request with no Host at all.
    assert_eq!(ask("evil.example").0, 421);
    let (code, _, _) = server.raw(b"GET / HTTP/1.0\r\n\r\n");
    assert_eq!(code, 400);
}

#[test]
fn an_address_on_a_network_accepts_any_name() {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("vestnik"));
    command
        .args(["serve", "--addr", "0.0.0.0:0", "--index"])
        .arg(common::corpus_index());
    let server = Server::spawn(command);
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    let addr = format!("127.0.0.1:{port}");
    let (code, _, _) = common::http_raw(
        &addr,
        b"GET /api/search?q=x HTTP/1.1\r\nHost: archive.lan\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(code, 200);
}

#[test]
fn every_error_is_json_down_to_the_malformed_request() {
    let server = Server::start(common::corpus_index());
    let host = &server.addr;
    let cases: [(String, u16); 8] = [
        (
            format!("GET /nothing HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
            404,
        ),
        (
            format!(
                "POST /api/search HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
            405,
        ),
        (
            format!("DELETE / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
            405,
        ),
        (
            format!(
                "POST /api/search HTTP/1.1\r\nHost: {host}\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n"
            ),
            413,
        ),
        (
            format!("GET /api/search?q=%FF HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
            400,
        ),
        ("NONSENSE\r\n\r\n".to_string(), 400),
        (
            format!(
                "GET /api/search HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\n\r\n",
                "a".repeat(100_000)
            ),
            431,
        ),
        (
            format!(
                "GET /api/search?q={} HTTP/1.1\r\nHost: {host}\r\n\r\n",
                "a".repeat(100_000)
            ),
            431,
        ),
    ];
    for (request, want) in cases {
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        let _ = stream.write_all(request.as_bytes());
        let response = read_all(&mut stream);
        let shown = &request[..request.len().min(60)];
        assert_eq!(status(&response), want, "{shown}: {response}");
        let error = json_body(&response)["error"]
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(!error.is_empty(), "{shown}: {response}");
    }
    assert_eq!(server.json("/api/search?q=*").0, 200);
}
