//! The JSON API: `/api/search`, `/api/facets`, `/api/entities`, `/api/related`,
//! `/api/timeline`, `/api/doc`, and `/api/export` (every match as streamed CSV or JSON lines,
//! see `export.rs`). Every other answer is JSON, and every error is, the export's included
//! (`{"error": "..."}` with a 4xx status for what the client must fix, 503 for a search past
//! its time budget); searching runs on the blocking pool, off the network threads, and stops
//! when the client goes away.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde_json::json;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::params::Params;
use crate::engine::sphinx::SphinxEngine;
use crate::entities::EntityType;
use crate::output::FacetsOnly;
use crate::search::{
    Budget, Document, EntityListing, QueryMarks, Related, SearchError, SearchRequest, SearchResult,
    Searcher, Timeline,
};

/// Where the server's answers come from: the local index, or a distributed engine holding an
/// export of it (`vestnik serve --engine`). The engine answers searches, facets, entities,
/// related entities and timelines with the same JSON; what it cannot answer (a document's
/// view, the export of every match with its text) is refused in one line, never answered
/// otherwise than locally.
pub enum Source {
    /// The index on this machine: every endpoint.
    Local(Box<Searcher>),
    /// A Sphinx engine holding an export: everything but a document's view and the export.
    Engine(Box<SphinxEngine>),
}

impl Source {
    fn search(&self, req: &SearchRequest) -> Result<SearchResult, ApiError> {
        match self {
            Source::Local(s) => Ok(s.search(req)?),
            Source::Engine(e) => e.search(req).map_err(engine_error),
        }
    }

    fn entities(
        &self,
        req: &SearchRequest,
        kind: Option<EntityType>,
    ) -> Result<Vec<EntityListing>, ApiError> {
        match self {
            Source::Local(s) => Ok(s.entities(req, kind)?),
            Source::Engine(e) => e.entities(req, kind).map_err(engine_error),
        }
    }

    fn related(
        &self,
        kind: EntityType,
        name: &str,
        base: &SearchRequest,
        limit: usize,
    ) -> Result<Related, ApiError> {
        match self {
            Source::Local(s) => Ok(s.related(kind, name, base, limit)?),
            Source::Engine(e) => crate::search::related(&|r| e.search(r), kind, name, base, limit)
                .map_err(engine_error),
        }
    }

    fn timeline(&self, req: &SearchRequest) -> Result<Timeline, ApiError> {
        match self {
            Source::Local(s) => Ok(s.timeline(req)?),
            Source::Engine(e) => {
                crate::search::timeline(&|r| e.search(r), req).map_err(engine_error)
            }
        }
    }

    fn document(&self, id: &str) -> Result<Option<Document>, ApiError> {
        match self {
            Source::Local(s) => Ok(s.document(id)?),
            Source::Engine(_) => Err(not_through_engine("a document's view (/api/doc)")),
        }
    }

    fn query_marks(&self, query: &str, texts: &[&str]) -> Result<Vec<Vec<[usize; 2]>>, ApiError> {
        match self {
            Source::Local(s) => Ok(s.query_marks(query, texts)?),
            Source::Engine(_) => Err(not_through_engine("a document's view (/api/doc)")),
        }
    }
}

/// The refusal of what the engine does not hold, as the command line words it.
pub(super) fn not_through_engine(what: &str) -> ApiError {
    ApiError::bad(format!(
        "not available through --engine: {what}; serve the local index for it"
    ))
}

/// An engine's error as the API reports it: a query the user must fix (also one the engine
/// cannot be asked) is a 400, a search past its budget a 503, and the engine failing or a
/// shard not answering a 502, in one line.
fn engine_error(e: anyhow::Error) -> ApiError {
    match e.downcast::<SearchError>() {
        Ok(e) => e.into(),
        Err(e) => ApiError::new(
            StatusCode::BAD_GATEWAY,
            crate::search::limits::one_line(&format!("{e:#}")),
        ),
    }
}

/// What the handlers share: where answers come from, the slots of the searches in flight,
/// and how long one search may take.
pub struct Backend {
    source: Source,
    slots: Arc<Semaphore>,
    max_requests: usize,
    timeout: Option<Duration>,
}

impl Backend {
    pub fn new(source: Source, max_requests: usize, timeout: Option<Duration>) -> Backend {
        Backend {
            source,
            slots: Arc::new(Semaphore::new(max_requests)),
            max_requests,
            timeout,
        }
    }

    /// The open index, for handlers that answer otherwise than with one JSON value; through
    /// an engine, the refusal of `what`.
    pub(super) fn searcher(&self, what: &str) -> Result<&Searcher, ApiError> {
        match &self.source {
            Source::Local(s) => Ok(s),
            Source::Engine(_) => Err(not_through_engine(what)),
        }
    }

    /// The time budget of one search.
    pub(super) fn budget(&self) -> Budget {
        self.timeout.map_or_else(Budget::unlimited, Budget::new)
    }

    /// A slot for one search, or `None` when every one is taken.
    pub(super) fn take_slot(&self) -> Option<OwnedSemaphorePermit> {
        self.slots.clone().try_acquire_owned().ok()
    }
}

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

/// An error as the API reports it.
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad(message: String) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> ApiError {
        match e {
            SearchError::Query(m) => ApiError::bad(format!("invalid query: {m}")),
            e @ (SearchError::Timeout(_) | SearchError::Cancelled) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
            }
            other => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
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
