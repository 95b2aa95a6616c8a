//! The error for a mistake in what the user typed, apart from the commands so that every one
//! of them, and `exit_code`, can name it without importing another.

/// A mistake in what the user typed that needs no search to see, such as
/// `--from 2024-05-1799`: its one line is the whole message, and the exit status is 2, as for
/// a query the user must fix.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);
