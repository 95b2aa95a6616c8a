//! A connection's byte stream as the server sees it: when it last moved a byte (for the idle
//! timeout), and the answers hyper writes on its own given a JSON body like every other error.
//!
//! hyper answers a request it cannot parse (not HTTP, a head over the size limit, a URL too
//! long) itself, with a status and no body, before any route sees it, and offers no hook to
//! change that answer. Such an answer is recognised where it is written: a 4xx or 5xx head
//! with `content-length: 0` written at the start of a write, which no answer of the routes
//! is (their errors all carry a JSON body). It is replaced by the same head with a JSON body.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// When a connection last moved a byte, and how many of its requests are being answered.
pub struct Activity {
    last: AtomicU64,
    answering: AtomicUsize,
}

/// The zero of [`Activity`]'s clock.
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

impl Activity {
    pub fn new() -> Activity {
        let activity = Activity {
            last: AtomicU64::new(0),
            answering: AtomicUsize::new(0),
        };
        activity.touch();
        activity
    }

    fn touch(&self) {
        let now = Instant::now().saturating_duration_since(*EPOCH);
        self.last.store(
            u64::try_from(now.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    /// When the connection counts as idle for `timeout`: never while a request is answered.
    pub fn idle_deadline(&self, timeout: Duration) -> Instant {
        if self.answering.load(Ordering::Relaxed) > 0 {
            return Instant::now() + timeout;
        }
        *EPOCH + Duration::from_millis(self.last.load(Ordering::Relaxed)) + timeout
    }

    /// Marks a request as being answered until the returned guard is dropped.
    pub fn begin(self: &Arc<Self>) -> Answering {
        self.answering.fetch_add(1, Ordering::Relaxed);
        Answering(self.clone())
    }
}

/// A request being answered; the connection's idle clock restarts when it ends.
pub struct Answering(Arc<Activity>);

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.touch();
        self.0.answering.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A connection's stream that notes each byte read or written and puts a JSON body into
/// hyper's own error answers.
pub struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
    /// A replaced answer still to be written, and how much of it is.
    pending: Option<(Vec<u8>, usize)>,
}

impl Watched {
    pub fn new(stream: TcpStream, activity: Arc<Activity>) -> Watched {
        Watched {
            stream,
            activity,
            pending: None,
        }
    }

    /// Writes what is left of a replaced answer; ready when nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.pending {
            let n = ready!(Pin::new(&mut self.stream).poll_write(cx, &bytes[*done..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.activity.touch();
            *done += n;
            if *done == bytes.len() {
                self.pending = None;
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes `buf` as written when it is one of hyper's bare error answers, writing the JSON
    /// one in its place.
    fn replaced(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Option<Poll<io::Result<usize>>> {
        let answer = with_json_body(buf)?;
        self.pending = Some((answer, 0));
        Some(match self.poll_pending(cx) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            // The rest is written by the next write, flush or shutdown.
            _ => Poll::Ready(Ok(buf.len())),
        })
    }
}

/// The answer hyper wrote with a JSON body, when `head` is such an answer: a whole head of a
/// 4xx or 5xx status with `content-length: 0`.
fn with_json_body(head: &[u8]) -> Option<Vec<u8>> {
    const ZERO: &[u8] = b"\r\ncontent-length: 0\r\n";
    let status = head.strip_prefix(b"HTTP/1.1 ")?.get(..3)?;
    if !matches!(status[0], b'4' | b'5') || !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    let at = head.windows(ZERO.len()).position(|w| w == ZERO)?;
    let message = match status {
        b"400" => "the request is not valid HTTP",
        b"414" => "the request's URL is too long",
        b"431" => "the request's head (its line and headers) is too large",
        _ => "the request could not be read",
    };
    let body = serde_json::json!({ "error": message }).to_string();
    let mut answer = Vec::with_capacity(head.len() + body.len() + 64);
    answer.extend_from_slice(&head[..at]);
    answer.extend_from_slice(b"\r\ncontent-type: application/json");
    answer.extend_from_slice(format!("\r\ncontent-length: {}\r\n", body.len()).as_bytes());
    answer.extend_from_slice(&head[at + ZERO.len()..]);
    answer.extend_from_slice(body.as_bytes());
    Some(answer)
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(done) = self.replaced(cx, buf) {
            return done;
        }
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        // hyper's own answers are a head alone: one slice.
        if let [only] = bufs
            && let Some(done) = self.replaced(cx, only)
        {
            return done;
        }
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bare_error_heads_get_a_body() {
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: Tue, 01 Dec 2026 20:41:44 GMT\r\n\r\n";
        let answer = String::from_utf8(with_json_body(bare).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 "), "{head}");
        assert!(
            head.contains("\r\ncontent-type: application/json\r\n"),
            "{head}"
        );
        assert!(head.contains(&format!("\r\ncontent-length: {}\r\n", body.len())));
        assert!(head.contains("\r\nconnection: close\r\n") && head.contains("\r\ndate: "));
        assert!(!head.contains("content-length: 0"));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(json["error"].as_str().unwrap().contains("too large"));

        for other in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 36\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{\"error\":\"x\"}",
            b"{\"error\": \"HTTP/1.1 400 \r\ncontent-length: 0\r\n\r\n\"}",
            b"HTTP/1.1 4",
        ] {
            assert!(with_json_body(other).is_none(), "{other:?}");
        }
    }
}
