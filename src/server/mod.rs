//! `vestnik serve`: the archive in a browser. A read-only HTTP server on a local address with
//! a JSON API (the same requests and answers as the command line) and a single-page interface
//! whose files are built into the binary, so it works offline and from any folder.

mod api;
mod backend;
mod error;
mod export;
mod guard;
mod listen;
pub mod params;
mod stream;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use backend::Source;
pub use listen::Limits;

/// How the server runs.
pub struct ServeOptions {
    /// Where answers come from.
    pub source: Source,
    /// What is served, as the start-up line names it (the index's folder, or the engine).
    pub label: String,
    /// Where the server listens.
    pub addr: SocketAddr,
    /// What one client may cost it.
    pub limits: Limits,
    /// How long one request's search may take (`None`: no limit).
    pub timeout: Option<Duration>,
}

/// Serves until Ctrl-C. Prints the address it listens on (with the port the system chose, for
/// port 0) to stderr once it accepts connections.
pub fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .with_context(|| format!("cannot listen on {}", opts.addr))?;
        let addr = listener.local_addr()?;
        eprintln!("Serving {} at http://{addr}/ (Ctrl-C stops)", opts.label);
        let backend = backend::Backend::new(opts.source, opts.limits.max_requests, opts.timeout);
        let app = router(Arc::new(backend), guard::HostCheck::for_addr(addr));
        listen::run(listener, app, opts.limits, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
        Ok(())
    })
}

/// Every route (the interface's three files and the API) behind the checks every request
/// passes; the last layer added is the first passed.
fn router(backend: Arc<backend::Backend>, hosts: guard::HostCheck) -> Router {
    let routes = Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .merge(api::routes())
        .with_state(backend);
    // The routes as the fallback of an empty router: the checks then wrap routing itself, so
    // they run before it and see its answers (404, 405) as they leave.
    Router::new()
        .fallback_service(routes)
        .layer(middleware::from_fn(guard::refuse_bodies))
        .layer(middleware::from_fn_with_state(hosts, guard::check_host))
        .layer(middleware::from_fn(guard::json_errors))
}

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// A built-in file. The policy allows nothing from elsewhere, so even a script smuggled into a
/// page could not load or send anything.
fn asset(kind: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Searcher;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use std::path::PathBuf;
    use tower::ServiceExt;

    async fn get(app: &Router, uri: &str) -> (StatusCode, serde_json::Value) {
        let request = Request::get(uri)
            .header("host", "localhost")
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    /// A search past the limit is refused at once; the slot held by the running one (taken
    /// here by hand, so that the two overlap whatever the timing) frees it.
    #[tokio::test]
    async fn searches_past_the_limit_get_a_503() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        crate::index::build(&[corpus], dir.path(), &Default::default(), &()).unwrap();
        let backend = Arc::new(backend::Backend::new(
            Source::Local(Box::new(Searcher::open(dir.path()).unwrap())),
            1,
            None,
        ));
        let app = router(
            backend.clone(),
            guard::HostCheck::for_addr("127.0.0.1:8080".parse().unwrap()),
        );

        let running = backend.take_slot().unwrap();
        let (status, r) = get(&app, "/api/search?q=*").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(r["error"].as_str().unwrap().contains("busy"), "{r}");
        // The page's files take no slot.
        let page = Request::get("/")
            .header("host", "localhost")
            .body(Body::empty());
        let response = app.clone().oneshot(page.unwrap()).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);

        drop(running);
        let (status, r) = get(&app, "/api/search?q=*").await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["total"], 66);
    }
}
