//! What every request passes before it reaches a route, and what every error leaves as: the
//! `Host` check that keeps a web page from reaching the archive through DNS rebinding, the
//! refusal of request bodies (the API reads none), and a JSON `{"error": ...}` body on every
//! 4xx and 5xx, also those axum and its extractors answer on their own (404, 405, rejections).

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// Largest request body accepted; the API reads none, so only a stray small one is let by.
pub const MAX_BODY_BYTES: u64 = 64 * 1024;
/// Largest error body of axum's own read back to be put into JSON.
const MAX_ERROR_TEXT: usize = 16 * 1024;

/// Which `Host` names requests may carry.
///
/// On a loopback address only this machine's names: a page the analyst visits can make the
/// browser send requests to 127.0.0.1 under a name of the attacker's that resolves there (DNS
/// rebinding), and those carry the attacker's name. On a network address (`--addr
/// 0.0.0.0:8080`) the archive is shared on purpose and any name is accepted.
#[derive(Clone, Debug)]
pub struct HostCheck {
    /// `None`: any host.
    allowed: Option<Allowed>,
}

#[derive(Clone, Debug)]
struct Allowed {
    names: Vec<String>,
    port: u16,
}

impl HostCheck {
    pub fn for_addr(addr: SocketAddr) -> HostCheck {
        if !addr.ip().is_loopback() {
            return HostCheck { allowed: None };
        }
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .into_iter()
            .map(String::from)
            .collect();
        let own = match addr.ip() {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        if !names.contains(&own) {
            names.push(own);
        }
        HostCheck {
            allowed: Some(Allowed {
                names,
                port: addr.port(),
            }),
        }
    }

    /// Whether a `Host` value names this server: one of the names, with no port or the one
    /// listened on; case and a final dot do not matter.
    pub fn allows(&self, host: &str) -> bool {
        let Some(allowed) = &self.allowed else {
            return true;
        };
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = match host.rfind(':') {
            // A colon inside brackets belongs to an IPv6 address, not to a port.
            Some(i) if !host[i..].contains(']') => (&host[..i], Some(&host[i + 1..])),
            _ => (host.as_str(), None),
        };
        let name = name.strip_suffix('.').unwrap_or(name);
        let port_ok = match port {
            None => true,
            Some(p) => p.parse::<u16>().is_ok_and(|p| p == allowed.port),
        };
        port_ok && allowed.names.iter().any(|n| n == name)
    }

    fn names(&self) -> String {
        self.allowed
            .as_ref()
            .map(|a| a.names.join(", "))
            .unwrap_or_default()
    }
}

/// Refuses a request whose `Host` does not name this server (421), or that has none (400).
pub async fn check_host(State(check): State<HostCheck>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{FFFD}").to_string());
    match host {
        Some(h) if check.allows(&h) => next.run(req).await,
        Some(h) => ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this server answers requests for {} only, not for '{}' (serve on a network address with --addr to accept other names)",
                check.names(),
                shorten(&h)
            ),
        )
        .into_response(),
        None if check.allowed.is_none() => next.run(req).await,
        None => ApiError::new(StatusCode::BAD_REQUEST, "the request has no Host header")
            .into_response(),
    }
}

/// Refuses a request announcing a body larger than [`MAX_BODY_BYTES`] (413) before it is
/// routed: nothing here reads a body, and none should be sent.
pub async fn refuse_bodies(req: Request, next: Next) -> Response {
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if length.is_some_and(|n| n > MAX_BODY_BYTES) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "request bodies over {} KiB are refused (this server reads none)",
                MAX_BODY_BYTES / 1024
            ),
        )
        .into_response();
    }
    next.run(req).await
}

/// Gives every 4xx and 5xx a JSON `{"error": ...}` body: answers of the API already have one;
/// axum's own (an unknown method, a rejected extractor) come with plain text or nothing,
/// which is kept as the message when there is one.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_ERROR_TEXT)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = if text.is_empty() {
        default_message(status, &method)
    } else {
        text
    };
    let body = serde_json::json!({ "error": message }).to_string();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body))
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn default_message(status: StatusCode, method: &Method) -> String {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            format!("method {method} is not allowed (every page and endpoint answers GET)")
        }
        StatusCode::NOT_FOUND => "no such page or endpoint".to_string(),
        other => other
            .canonical_reason()
            .map(|r| r.to_lowercase())
            .unwrap_or_else(|| format!("status {}", other.as_u16())),
    }
}

fn shorten(value: &str) -> String {
    const SHOWN: usize = 100;
    if value.chars().count() <= SHOWN {
        value.to_string()
    } else {
        value.chars().take(SHOWN).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_only_on_a_loopback_address() {
        let check = HostCheck::for_addr("127.0.0.1:8080".parse().unwrap());
        for host in [
            "localhost",
            "localhost:8080",
            "LOCALHOST:8080",
            "localhost.:8080",
            "127.0.0.1",
            "127.0.0.1:8080",
            "[::1]",
            "[::1]:8080",
        ] {
            assert!(check.allows(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "localhost:9090",
            "localhost:",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "[::1]:80",
            "::1",
            "",
        ] {
            assert!(!check.allows(host), "{host}");
        }
        let own = HostCheck::for_addr("127.0.0.2:0".parse().unwrap());
        assert!(own.allows("127.0.0.2") && own.allows("localhost"));
        let v6 = HostCheck::for_addr("[::1]:8080".parse().unwrap());
        assert!(v6.allows("[::1]:8080") && v6.allows("localhost"));
        let open = HostCheck::for_addr("0.0.0.0:8080".parse().unwrap());
        assert!(open.allows("archive.lan:8080") && open.allows("anything"));
    }
}
