//! `vestnik serve`: the archive in a browser. A read-only HTTP server on a local address with
//! a JSON API (the same requests and answers as the command line) and a single-page interface
//! whose files are built into the binary, so it works offline and from any folder.

mod api;
mod params;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::search::Searcher;

/// How the server runs.
pub struct ServeOptions {
    pub index: PathBuf,
    pub addr: SocketAddr,
    /// How long one request's search may take (`None`: no limit).
    pub timeout: Option<Duration>,
}

/// Serves until Ctrl-C. Prints the address it listens on (with the port the system chose, for
/// port 0) to stderr once it accepts connections.
pub fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    let searcher = Searcher::open(&opts.index)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .with_context(|| format!("cannot listen on {}", opts.addr))?;
        let addr = listener.local_addr()?;
        eprintln!(
            "Serving {} at http://{addr}/ (Ctrl-C stops)",
            opts.index.display()
        );
        let backend = api::Backend::new(searcher, opts.timeout);
        axum::serve(listener, router(Arc::new(backend)))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("the server stopped with an error")
    })
}

/// Every route: the interface's three files and the API.
pub fn router(backend: Arc<api::Backend>) -> Router {
    Router::new()
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
        .with_state(backend)
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
