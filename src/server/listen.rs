//! Accepting connections so that no client can hold the server: how many connections at once,
//! how long one may take to send its request's head, how long it may sit idle, and how large
//! the head may be. `axum::serve` takes no such settings, so connections are served here with
//! hyper's HTTP/1 builder, which has them (`header_read_timeout`, `max_buf_size`).

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt;

use super::stream::{Activity, Watched};

/// What a client may cost the server.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A request's head (request line and headers) must arrive within this time of the
    /// connection's opening or of the previous answer, or the connection is closed; this is
    /// also how long a kept-alive connection may wait for its next request.
    pub header_timeout: Duration,
    /// A connection on which no byte moves either way, while no request of it is being
    /// answered, is closed after this time (a client that stops reading its answer, or stalls
    /// in the middle of a body).
    pub idle_timeout: Duration,
    /// Connections served at once; a connection beyond them gets a 503 and is closed.
    pub max_connections: usize,
    /// Searches running at once; a request beyond them gets a 503.
    pub max_requests: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 512,
            max_requests: 64,
        }
    }
}

/// Largest request head hyper buffers: the longest query string the API accepts (1,000
/// characters, percent-encoded, in each of several parameters) fits many times over; a larger
/// head is refused with 431 instead of growing a buffer per connection.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Connections turned away at once; past them a connection is closed without an answer.
const MAX_REFUSALS: usize = 64;
/// How long a refused connection is given to take its 503.
const REFUSAL_TIME: Duration = Duration::from_secs(1);
/// How long Ctrl-C waits for the requests being answered.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `shutdown` completes, then lets the connections finish
/// their requests for a few seconds.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let max = u32::try_from(limits.max_connections)
        .unwrap_or(u32::MAX)
        .min(Semaphore::MAX_PERMITS as u32);
    let connections = Arc::new(Semaphore::new(max as usize));
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    let busy = Arc::new(busy_response(max as usize));
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers are small and a browser waits for each: no Nagle delay.
        let _ = stream.set_nodelay(true);
        match connections.clone().try_acquire_owned() {
            Ok(permit) => {
                let connection = serve_connection(
                    stream,
                    app.clone(),
                    limits.clone(),
                    stopping.clone(),
                    permit,
                );
                tokio::spawn(connection);
            }
            Err(_) => {
                if let Ok(permit) = refusals.clone().try_acquire_owned() {
                    tokio::spawn(refuse(stream, busy.clone(), permit));
                }
            }
        }
    }
    drop(listener);
    stop.send_replace(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, connections.acquire_many(max)).await;
}

/// One connection: HTTP/1 with the head's timeout and size limit, closed by the idle watch.
async fn serve_connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched::new(stream, activity.clone()));
    let answering = activity.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let app = app.clone();
        let request = answering.begin();
        async move {
            let response = app.oneshot(req.map(Body::new)).await;
            drop(request);
            response
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(MAX_HEAD_BYTES);
    let mut connection = pin!(http.serve_connection(io, service));
    let mut shutting_down = false;
    loop {
        let deadline = activity.idle_deadline(limits.idle_timeout);
        tokio::select! {
            // Errors here are the client's (a malformed or timed-out head, a reset): hyper has
            // answered what can be answered, and the connection is over either way.
            _ = connection.as_mut() => break,
            () = tokio::time::sleep_until(deadline) => {
                if activity.idle_deadline(limits.idle_timeout) <= Instant::now() {
                    break;
                }
            }
            _ = stopping.changed(), if !shutting_down => {
                shutting_down = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The answer to a connection past the limit: written at once without reading the request,
/// then the connection is closed. Reading what the client sent before closing keeps the
/// kernel from resetting the connection under the answer.
async fn refuse(mut stream: TcpStream, busy: Arc<Vec<u8>>, _permit: OwnedSemaphorePermit) {
    let _ = tokio::time::timeout(REFUSAL_TIME, async {
        stream.write_all(&busy).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        let mut drained = 0;
        while drained < MAX_HEAD_BYTES {
            match stream.read(&mut sink).await? {
                0 => break,
                n => drained += n,
            }
        }
        io::Result::Ok(())
    })
    .await;
}

fn busy_response(max: usize) -> Vec<u8> {
    let body = serde_json::json!({
        "error": format!("the server is busy: {max} connections are open; try again shortly")
    })
    .to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// An error from `accept`: one connection's (it went away before it was taken) is nothing;
/// anything else (out of file descriptors) is waited out, as the listener cannot fix it.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset | Interrupted
    ) {
        return;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
}
