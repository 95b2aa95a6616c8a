//! The JSON API: `/api/search`, `/api/facets`, `/api/entities`, `/api/related`,
//! `/api/timeline` and `/api/doc`. Every answer is JSON, errors included (`{"error": "..."}` with a 4xx status for
//! what the client must fix, 503 for a search past its time budget); searching runs on the
//! blocking pool, off the network threads, and stops when the client goes away.

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

use super::params::Params;
use crate::search::{Budget, DateBucket, SearchError, Searcher};

/// What the handlers share: the open index, and how long one request's search may take.
pub struct Backend {
    searcher: Searcher,
    timeout: Option<Duration>,
}

impl Backend {
    pub fn new(searcher: Searcher, timeout: Option<Duration>) -> Backend {
        Backend { searcher, timeout }
    }
}

type Shared = Arc<Backend>;

const FILTERS: [&str; 8] = [
    "q", "source", "person", "org", "loc", "from", "to", "undated",
];

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/facets", get(facets))
        .route("/api/entities", get(entities))
        .route("/api/related", get(related))
        .route("/api/timeline", get(timeline))
        .route("/api/doc", get(doc))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such page or endpoint") })
}

/// An error as the API reports it.
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
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

/// Runs a search-side job on the blocking pool, within the server's time budget, and answers
/// with its JSON. When the client goes away, hyper drops this future, and with it the guard
/// that cancels the budget: the job stops at its next look at it, instead of running on for
/// nobody.
async fn answer<T, F>(backend: Shared, job: F) -> Result<Json<T>, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&Searcher, Budget) -> Result<T, ApiError> + Send + 'static,
{
    let budget = backend.timeout.map_or_else(Budget::unlimited, Budget::new);
    let _cancel = budget.cancel_on_drop();
    tokio::task::spawn_blocking(move || job(&backend.searcher, budget))
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the search failed"))?
        .map(Json)
}

async fn search(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref());
    let mut known = FILTERS.to_vec();
    known.extend([
        "sort",
        "limit",
        "offset",
        "by",
        "facet",
        "facet_size",
        "group",
        "count",
    ]);
    p.only(&known).map_err(ApiError::bad)?;
    let req = p.search().map_err(ApiError::bad)?;
    Ok(
        answer(s, move |s, budget| Ok(s.search(&req.budgeted(budget))?))
            .await?
            .into_response(),
    )
}

/// The total and facets of a search, without hits: what `--facets-only` prints.
async fn facets(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref());
    let mut known = FILTERS.to_vec();
    known.extend(["by", "facet", "facet_size", "count"]);
    p.only(&known).map_err(ApiError::bad)?;
    let mut req = p.search().map_err(ApiError::bad)?;
    req.limit = 0;
    Ok(answer(s, move |s, budget| {
        let r = s.search(&req.budgeted(budget))?;
        Ok(serde_json::json!({
            "query": r.query,
            "total": r.total,
            "groups": r.groups,
            "facets": r.facets,
            "filters": r.filters,
        }))
    })
    .await?
    .into_response())
}

async fn entities(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref());
    let mut known = FILTERS.to_vec();
    known.extend(["type", "limit"]);
    p.only(&known).map_err(ApiError::bad)?;
    let mut req = p.filtered().map_err(ApiError::bad)?;
    req.facet_size = p.limit(20).map_err(ApiError::bad)?;
    let kind = p.kind().map_err(ApiError::bad)?;
    Ok(answer(s, move |s, budget| {
        Ok(s.entities(&req.budgeted(budget), kind)?)
    })
    .await?
    .into_response())
}

async fn related(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref());
    let mut known = FILTERS.to_vec();
    known.push("limit");
    p.only(&known).map_err(ApiError::bad)?;
    let (kind, name) = p.entity().map_err(ApiError::bad)?;
    let mut base = p.filtered().map_err(ApiError::bad)?;
    base.persons.clear();
    base.orgs.clear();
    base.locs.clear();
    let limit = p.limit(10).map_err(ApiError::bad)?;
    Ok(answer(s, move |s, budget| {
        Ok(s.related(kind, &name, &base.budgeted(budget), limit)?)
    })
    .await?
    .into_response())
}

async fn timeline(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref());
    let mut known = FILTERS.to_vec();
    known.push("by");
    p.only(&known).map_err(ApiError::bad)?;
    let mut req = p.filtered().map_err(ApiError::bad)?;
    req.date_bucket = p.bucket(DateBucket::Month).map_err(ApiError::bad)?;
    Ok(
        answer(s, move |s, budget| Ok(s.timeline(&req.budgeted(budget))?))
            .await?
            .into_response(),
    )
}

async fn doc(State(s): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref());
    p.only(&["id"]).map_err(ApiError::bad)?;
    let id = p
        .one("id")
        .ok_or_else(|| ApiError::bad("give the document's id".into()))?
        .to_string();
    if id.len() > 1_000 {
        return Err(ApiError::bad("id is too long".into()));
    }
    Ok(answer(s, move |s, _| {
        s.document(&id)?.ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, format!("no document with id '{id}'"))
        })
    })
    .await?
    .into_response())
}
