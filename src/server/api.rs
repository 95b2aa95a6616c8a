//! The JSON API: `/api/search`, `/api/facets`, `/api/entities`, `/api/related`,
//! `/api/timeline`, `/api/doc`, and `/api/export` (every match as streamed CSV or JSON lines,
//! see `export.rs`). Every other answer is JSON, and every error is, the export's included
//! (`{"error": "..."}` with a 4xx status for what the client must fix, 503 for a search past
//! its time budget); searching runs on the blocking pool, off the network threads, and stops
//! when the client goes away.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::backend::{Backend, Source};
use super::error::ApiError;
use super::params::Params;
use crate::output::FacetsOnly;
use crate::search::{Budget, QueryMarks};

type Shared = Arc<Backend>;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/facets", get(facets))
        .route("/api/entities", get(entities))
        .route("/api/related", get(related))
        .route("/api/timeline", get(timeline))
        .route("/api/doc", get(doc))
        .route("/api/export", get(export))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such page or endpoint") })
}

/// Runs a search-side job on the blocking pool and answers with its JSON, or at once with 503
/// when every slot is taken. The job holds its slot until it ends, so a client that goes away
/// frees none before its work stops: abandoned searches cannot pile up. The work stops
/// soon: the job runs within the server's time budget, and when the client goes away, hyper
/// drops this future and with it the guard that cancels the budget, so the job ends at its
/// next look at it instead of running on for nobody.
async fn answer<T, F>(backend: Shared, job: F) -> Result<Json<T>, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&Source, Budget) -> Result<T, ApiError> + Send + 'static,
{
    let budget = backend.timeout.map_or_else(Budget::unlimited, Budget::new);
    let _cancel = budget.cancel_on_drop();
    let slot = backend.take_slot().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the server is busy: {} searches are running; try again shortly",
                backend.max_requests
            ),
        )
    })?;
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        job(&backend.source, budget)
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the search failed"))?
    .map(Json)
}

/// Reads a request's parameters with one endpoint's reader, refusing any it did not read.
fn read<T>(
    raw: Option<String>,
    reader: impl FnOnce(&Params) -> Result<T, String>,
) -> Result<T, ApiError> {
    let p = Params::parse(raw.as_deref()).map_err(ApiError::bad)?;
    let value = reader(&p).map_err(ApiError::bad)?;
    p.finish().map_err(ApiError::bad)?;
    Ok(value)
}

async fn search(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let req = read(raw, Params::search)?;
    Ok(answer(s, move |s, budget| s.search(&req.budgeted(budget)))
        .await?
        .into_response())
}

/// The total and facets of a search, without hits: what `--facets-only` prints.
async fn facets(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let req = read(raw, Params::facets)?;
    Ok(answer(s, move |s, budget| {
        Ok(FacetsOnly(s.search(&req.budgeted(budget))?))
    })
    .await?
    .into_response())
}

async fn entities(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let (req, kind) = read(raw, Params::entities)?;
    Ok(
        answer(s, move |s, budget| s.entities(&req.budgeted(budget), kind))
            .await?
            .into_response(),
    )
}

async fn related(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let r = read(raw, Params::related)?;
    Ok(answer(s, move |s, budget| {
        s.related(r.kind, &r.name, &r.base.budgeted(budget), r.limit)
    })
    .await?
    .into_response())
}

async fn timeline(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let req = read(raw, Params::timeline)?;
    Ok(
        answer(s, move |s, budget| s.timeline(&req.budgeted(budget)))
            .await?
            .into_response(),
    )
}

async fn doc(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let asked = read(raw, Params::doc)?;
    Ok(answer(s, move |s, _| {
        let id = &asked.id;
        let mut doc = s.document(id)?.ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, format!("no document with id '{id}'"))
        })?;
        if let Some(q) = &asked.query {
            let marked = s.query_marks(q, &[&doc.title, &doc.body])?;
            let [title, body] = <[_; 2]>::try_from(marked).unwrap_or_default();
            doc.marks = Some(QueryMarks { title, body });
        }
        Ok(doc)
    })
    .await?
    .into_response())
}

/// Every match of a search, streamed (see `super::export`); it holds a search's slot until
/// the last byte is handed over.
async fn export(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let e = read(raw, Params::export)?;
    s.searcher("every match with its text (/api/export)")?;
    let slot = s.take_slot().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the server is busy: {} searches are running; try again shortly",
                s.max_requests
            ),
        )
    })?;
    super::export::stream(s, slot, e).await
}
