//! `dog_status_t` and `dog_status_str`.

use crate::error::ErrorKind;
use std::ffi::c_char;
use std::os::raw::c_int;

/// Result of every fallible call. `DOG_OK` is 0; every other value is a failure whose detail
/// `dog_last_error()` gives on the same thread. Values are stable and never renumbered.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dog_status_t {
    /// Success.
    DOG_OK = 0,
    /// A required pointer argument was NULL.
    DOG_ERR_NULL_ARGUMENT = 1,
    /// An argument was malformed: invalid UTF-8, NaN/infinite number, malformed JSON, a value
    /// out of its range or not one of the allowed names. Nothing was sent.
    DOG_ERR_INVALID_ARGUMENT = 2,
    /// Connecting, sending or reading the answer took longer than the client's timeout.
    DOG_ERR_TIMEOUT = 3,
    /// The client is backing off after too many timeouts in a row; nothing was sent.
    DOG_ERR_BACKOFF = 4,
    /// The connection failed: refused, reset, closed early, host not found, proxy failure.
    DOG_ERR_CONNECTION = 5,
    /// The TLS handshake or certificate verification failed.
    DOG_ERR_TLS = 6,
    /// The server answered with a non-2xx HTTP status (the response holds the body).
    DOG_ERR_HTTP_STATUS = 7,
    /// The server's JSON answer carries an `errors` key (the response holds the body).
    DOG_ERR_API = 8,
    /// The answer is not JSON, or lacks the field this call returns.
    DOG_ERR_INVALID_RESPONSE = 9,
    /// The server answered 429; see the response's `Retry-After` / `X-RateLimit-Reset`.
    DOG_ERR_RATE_LIMITED = 10,
    /// A bug inside libdogapi was caught (a panic); the process is unharmed.
    DOG_ERR_INTERNAL = 11,
    /// Stats: the bounded retry queue was full, so queued series were dropped (counted in the
    /// telemetry). Newer data was kept.
    DOG_ERR_QUEUE_FULL = 12,
    /// Stats: the cap on live contexts was reached; this point was dropped (counted).
    DOG_ERR_CONTEXT_LIMIT = 13,
    /// Stats: the aggregator has not been started with `dog_stats_start()` (nothing recorded).
    DOG_ERR_NOT_STARTED = 14,
}

impl From<ErrorKind> for dog_status_t {
    fn from(k: ErrorKind) -> Self {
        use dog_status_t::*;
        match k {
            ErrorKind::NullArgument => DOG_ERR_NULL_ARGUMENT,
            ErrorKind::InvalidArgument => DOG_ERR_INVALID_ARGUMENT,
            ErrorKind::Timeout => DOG_ERR_TIMEOUT,
            ErrorKind::Backoff => DOG_ERR_BACKOFF,
            ErrorKind::Connection => DOG_ERR_CONNECTION,
            ErrorKind::Tls => DOG_ERR_TLS,
            ErrorKind::HttpStatus => DOG_ERR_HTTP_STATUS,
            ErrorKind::Api => DOG_ERR_API,
            ErrorKind::InvalidResponse => DOG_ERR_INVALID_RESPONSE,
            ErrorKind::RateLimited => DOG_ERR_RATE_LIMITED,
            ErrorKind::Internal => DOG_ERR_INTERNAL,
            ErrorKind::QueueFull => DOG_ERR_QUEUE_FULL,
            ErrorKind::ContextLimit => DOG_ERR_CONTEXT_LIMIT,
            ErrorKind::NotStarted => DOG_ERR_NOT_STARTED,
        }
    }
}

/// The static name of a status (`"DOG_ERR_TIMEOUT"`), or `"DOG_ERR_UNKNOWN"` for a value that
/// is not a `dog_status_t`. Never NULL; the string is never freed.
#[no_mangle]
pub extern "C" fn dog_status_str(status: c_int) -> *const c_char {
    let s: &'static [u8] = match status {
        0 => b"DOG_OK\0",
        1 => b"DOG_ERR_NULL_ARGUMENT\0",
        2 => b"DOG_ERR_INVALID_ARGUMENT\0",
        3 => b"DOG_ERR_TIMEOUT\0",
        4 => b"DOG_ERR_BACKOFF\0",
        5 => b"DOG_ERR_CONNECTION\0",
        6 => b"DOG_ERR_TLS\0",
        7 => b"DOG_ERR_HTTP_STATUS\0",
        8 => b"DOG_ERR_API\0",
        9 => b"DOG_ERR_INVALID_RESPONSE\0",
        10 => b"DOG_ERR_RATE_LIMITED\0",
        11 => b"DOG_ERR_INTERNAL\0",
        12 => b"DOG_ERR_QUEUE_FULL\0",
        13 => b"DOG_ERR_CONTEXT_LIMIT\0",
        14 => b"DOG_ERR_NOT_STARTED\0",
        _ => b"DOG_ERR_UNKNOWN\0",
    };
    s.as_ptr().cast()
}
