//! `dog_status_t` and `dog_status_str`.

use crate::error::ErrorKind;
use std::ffi::c_char;

/// Result of every fallible call: a 32-bit integer whatever the compiler's enum width. `DOG_OK`
/// is 0; every other value is a failure whose detail `dog_error_last()` gives on the same
/// thread. Values are stable: never renumbered, never reused.
#[allow(non_camel_case_types)]
pub type dog_status_t = i32;

/// Success.
pub const DOG_OK: dog_status_t = 0;
/// A required pointer argument was NULL.
pub const DOG_ERR_NULL_ARGUMENT: dog_status_t = 1;
/// An argument was malformed: invalid UTF-8, NaN/infinite number, malformed JSON, a value
/// out of its range or not one of the allowed names. Nothing was sent.
pub const DOG_ERR_INVALID_ARGUMENT: dog_status_t = 2;
/// Connecting, sending or reading the answer took longer than the client's timeout.
pub const DOG_ERR_TIMEOUT: dog_status_t = 3;
/// The client is backing off after too many timeouts in a row; nothing was sent.
pub const DOG_ERR_BACKOFF: dog_status_t = 4;
/// The connection failed: refused, reset, closed early, host not found, proxy failure.
pub const DOG_ERR_CONNECTION: dog_status_t = 5;
/// The TLS handshake or certificate verification failed.
pub const DOG_ERR_TLS: dog_status_t = 6;
/// The server answered with a non-2xx HTTP status (the response holds the body).
pub const DOG_ERR_HTTP_STATUS: dog_status_t = 7;
/// The server's JSON answer carries an `errors` key (the response holds the body).
pub const DOG_ERR_API: dog_status_t = 8;
/// The answer is not JSON, or lacks the field this call returns.
pub const DOG_ERR_INVALID_RESPONSE: dog_status_t = 9;
/// The server answered 429; see the response's `Retry-After` / `X-RateLimit-Reset`.
pub const DOG_ERR_RATE_LIMITED: dog_status_t = 10;
/// A bug inside libdogapi was caught (a panic); the process is unharmed.
pub const DOG_ERR_INTERNAL: dog_status_t = 11;
/// Stats: the bounded retry queue was full, so queued series were dropped (counted in the
/// telemetry). Newer data was kept.
pub const DOG_ERR_QUEUE_FULL: dog_status_t = 12;
/// Stats: the cap on live contexts was reached; this point was dropped (counted).
pub const DOG_ERR_CONTEXT_LIMIT: dog_status_t = 13;
/// Stats: the aggregator has not been started with `dog_stats_start()` (nothing recorded).
pub const DOG_ERR_NOT_STARTED: dog_status_t = 14;

/// The status of an error kind.
pub(crate) fn status_of(k: ErrorKind) -> dog_status_t {
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

/// The static name of a status (`"DOG_ERR_TIMEOUT"`), or `"DOG_ERR_UNKNOWN"` for a value that
/// is not a `dog_status_t`. Never NULL; the string is never freed.
#[no_mangle]
pub extern "C" fn dog_status_str(status: dog_status_t) -> *const c_char {
    let s: &'static [u8] = match status {
        DOG_OK => b"DOG_OK\0",
        DOG_ERR_NULL_ARGUMENT => b"DOG_ERR_NULL_ARGUMENT\0",
        DOG_ERR_INVALID_ARGUMENT => b"DOG_ERR_INVALID_ARGUMENT\0",
        DOG_ERR_TIMEOUT => b"DOG_ERR_TIMEOUT\0",
        DOG_ERR_BACKOFF => b"DOG_ERR_BACKOFF\0",
        DOG_ERR_CONNECTION => b"DOG_ERR_CONNECTION\0",
        DOG_ERR_TLS => b"DOG_ERR_TLS\0",
        DOG_ERR_HTTP_STATUS => b"DOG_ERR_HTTP_STATUS\0",
        DOG_ERR_API => b"DOG_ERR_API\0",
        DOG_ERR_INVALID_RESPONSE => b"DOG_ERR_INVALID_RESPONSE\0",
        DOG_ERR_RATE_LIMITED => b"DOG_ERR_RATE_LIMITED\0",
        DOG_ERR_INTERNAL => b"DOG_ERR_INTERNAL\0",
        DOG_ERR_QUEUE_FULL => b"DOG_ERR_QUEUE_FULL\0",
        DOG_ERR_CONTEXT_LIMIT => b"DOG_ERR_CONTEXT_LIMIT\0",
        DOG_ERR_NOT_STARTED => b"DOG_ERR_NOT_STARTED\0",
        _ => b"DOG_ERR_UNKNOWN\0",
    };
    s.as_ptr().cast()
}
