//! Where the server's answers come from ([`Source`]: the local index or an engine) and what
//! its handlers share ([`Backend`]: the source, the search slots, the time budget), apart from
//! the routes (`api.rs`) and the export's stream (`export.rs`), which both use them.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::ApiError;
use crate::engine::sphinx::SphinxEngine;
use crate::entities::EntityType;
use crate::search::{
    Budget, Document, EntityListing, Related, SearchError, SearchRequest, SearchResult, Searcher,
    Timeline,
};

/// Where the server's answers come from: the local index, or a distributed engine holding an
/// export of it (`vestnik serve --engine`). The engine answers searches, facets, entities,
/// related entities, timelines and a document's view with the same JSON; what it cannot
/// answer (the export of every match with its text) is refused in one line, never answered
/// otherwise than locally.
pub enum Source {
    /// The index on this machine: every endpoint.
    Local(Box<Searcher>),
    /// A Sphinx engine holding an export: everything but the export of every match.
    Engine(Box<SphinxEngine>),
}

impl Source {
    pub(super) fn search(&self, req: &SearchRequest) -> Result<SearchResult, ApiError> {
        match self {
            Source::Local(s) => Ok(s.search(req)?),
            Source::Engine(e) => e.search(req).map_err(engine_error),
        }
    }

    pub(super) fn entities(
        &self,
        req: &SearchRequest,
        kind: Option<EntityType>,
    ) -> Result<Vec<EntityListing>, ApiError> {
        match self {
            Source::Local(s) => Ok(s.entities(req, kind)?),
            Source::Engine(e) => e.entities(req, kind).map_err(engine_error),
        }
    }

    pub(super) fn related(
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

    pub(super) fn timeline(&self, req: &SearchRequest) -> Result<Timeline, ApiError> {
        match self {
            Source::Local(s) => Ok(s.timeline(req)?),
            Source::Engine(e) => {
                crate::search::timeline(&|r| e.search(r), req).map_err(engine_error)
            }
        }
    }

    pub(super) fn document(&self, id: &str) -> Result<Option<Document>, ApiError> {
        match self {
            Source::Local(s) => Ok(s.document(id)?),
            Source::Engine(e) => e.document(id).map_err(engine_error),
        }
    }

    pub(super) fn query_marks(
        &self,
        query: &str,
        texts: &[&str],
    ) -> Result<Vec<Vec<[usize; 2]>>, ApiError> {
        match self {
            Source::Local(s) => Ok(s.query_marks(query, texts)?),
            Source::Engine(e) => e.query_marks(query, texts).map_err(engine_error),
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
    pub(super) source: Source,
    slots: Arc<Semaphore>,
    pub(super) max_requests: usize,
    pub(super) timeout: Option<Duration>,
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
