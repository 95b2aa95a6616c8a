//! `GET /api/export`: every match of a search as CSV or JSON lines, streamed as it is written.
//!
//! The export runs on the blocking pool and hands its output over a small bounded channel in
//! chunks, so the memory it holds is a few chunks whatever the size of the result set: a slow
//! client stalls the writer, a client that goes away drops the channel and cancels the budget,
//! which stops it. The search itself runs within the server's time budget like any other;
//! its failure (a bad query, the budget spent) is known before the first byte and answered as
//! the other endpoints answer it, with a JSON error. A failure after the first byte can no
//! longer change the status: the response is cut short, so that no client takes a partial
//! export for a whole one.

use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Frame;
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use super::backend::Backend;
use super::error::ApiError;
use super::params::Export;
use crate::search::{CancelOnDrop, ExportError, ExportFormat, SearchError};

/// Bytes gathered before a chunk is handed to the connection.
const CHUNK: usize = 64 * 1024;
/// Chunks waiting for the connection before the writer waits.
const CHUNKS_IN_FLIGHT: usize = 4;

type Chunk = Result<Bytes, SearchError>;

/// Starts the export and answers once its search is done: with the stream, or with its error.
pub(super) async fn stream(
    backend: Arc<Backend>,
    slot: OwnedSemaphorePermit,
    export: Export,
) -> Result<Response, ApiError> {
    let budget = backend.budget();
    let cancel = budget.cancel_on_drop();
    let (tx, mut rx) = mpsc::channel::<Chunk>(CHUNKS_IN_FLIGHT);
    let req = export.req.budgeted(budget);
    let (format, with_body) = (export.format, export.with_body);
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let mut out = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let searcher = match backend.searcher("every match with its text (/api/export)") {
            Ok(s) => s,
            // Checked before the slot was taken; nothing to send it to but the first chunk.
            Err(_) => return,
        };
        match searcher.export(&req, format, with_body, &mut out) {
            Ok(_) => {}
            // The client is gone: nobody to tell.
            Err(ExportError::Write(_)) => {}
            Err(ExportError::Search(e)) => {
                let _ = tx.blocking_send(Err(e));
            }
        }
    });
    // The first chunk comes once the search is done and rows are written (or the export
    // ended); an error before it is the search's own.
    let first = match rx.recv().await {
        Some(Ok(bytes)) => Some(bytes),
        Some(Err(e)) => return Err(e.into()),
        None => None,
    };
    let (kind, name) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "vestnik-export.csv"),
        ExportFormat::Jsonl => (
            "application/x-ndjson; charset=utf-8",
            "vestnik-export.jsonl",
        ),
    };
    let mut response = Body::new(Streamed {
        first,
        rx,
        _cancel: cancel,
    })
    .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The writer's end: gathers bytes into chunks and hands each to the connection, waiting
/// while the channel is full.
struct ChannelWriter {
    tx: mpsc::Sender<Chunk>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// The connection's end: the chunks as a response body. Dropped (the client went away), it
/// cancels the export's budget and closes the channel, and the writer stops.
struct Streamed {
    first: Option<Bytes>,
    rx: mpsc::Receiver<Chunk>,
    _cancel: CancelOnDrop,
}

impl hyper::body::Body for Streamed {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(bytes) = self.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(bytes))));
        }
        Poll::Ready(match ready!(self.rx.poll_recv(cx)) {
            Some(Ok(bytes)) => Some(Ok(Frame::data(bytes))),
            Some(Err(e)) => Some(Err(io::Error::other(e.to_string()))),
            None => None,
        })
    }
}
