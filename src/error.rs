//! The error type shared by the HTTP client and the stats aggregator.
//!
//! Every failure carries a kind (mapped one-to-one onto `dog_status_t` by the FFI layer) and a
//! human-readable message. Messages never contain an API or application key.

use std::fmt;

/// What went wrong, independent of how it is reported to C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A required pointer argument was NULL.
    NullArgument,
    /// An argument was malformed: bad UTF-8, NaN/inf, malformed JSON, out-of-range value.
    InvalidArgument,
    /// Connecting, sending or reading timed out.
    Timeout,
    /// The client is backing off after too many timeouts; nothing was sent.
    Backoff,
    /// The connection could not be made or broke (refused, reset, DNS failure, proxy failure).
    Connection,
    /// TLS handshake or certificate verification failed.
    Tls,
    /// The server answered with a non-2xx status and no `errors` in its body.
    HttpStatus,
    /// The server's JSON answer carries an `errors` key.
    Api,
    /// The answer could not be understood (not JSON, or lacks the expected field).
    InvalidResponse,
    /// The server answered 429 Too Many Requests.
    RateLimited,
    /// A bug inside the library (a caught panic).
    Internal,
    /// Stats: the retry queue was full; queued series were dropped (and counted).
    QueueFull,
    /// Stats: the live-context cap was reached; the point was dropped (and counted).
    ContextLimit,
    /// Stats: the aggregator was not started (`dog_stats_start`).
    NotStarted,
}

/// A failure: its kind and a message for `dog_error_last()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into() }
    }

    /// Shorthand for [`ErrorKind::InvalidArgument`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
