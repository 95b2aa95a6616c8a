//! What can go wrong answering a request, as callers branch on it: its own file because every
//! part of the stage returns it, and it depends on none of them.

use std::time::Duration;

/// Errors a caller branches on: a bad query is the user's to fix (exit 2), and so is one that
/// ran out of time (exit 2, HTTP 503); the rest are not.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query cannot be read or asks too much; the message says what to change.
    #[error("invalid query: {0}")]
    Query(String),
    /// The search ran out of its time budget.
    #[error(
        "timeout: the search stopped at its time budget of {} (narrow the query, or allow more time with --timeout)",
        seconds(*.0)
    )]
    Timeout(std::time::Duration),
    /// Whoever asked stopped waiting for the answer.
    #[error("the search was cancelled")]
    Cancelled,
    /// The index failed under the search: not the user's to fix.
    #[error(transparent)]
    Index(#[from] tantivy::TantivyError),
}

/// A budget as messages write it: "5 s", "0.25 s".
pub(crate) fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(seconds(Duration::from_secs(5)), "5 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25 s");
    }
}
