//! `dog_stats_t`: the in-process aggregator (dogapi's `DogStatsApi`) and its timers (options:
//! `stats_options.rs`, telemetry read-out: `stats_telemetry.rs`). Conversion only; the logic
//! lives in `crate::stats`.

use super::stats_options::DogStatsOptions;
use super::status::{dog_status_t, DOG_OK};
use super::{finite, flag_call, handle, ptr_call, status_call, value_call};
use crate::error::Error;
use crate::stats::{Kind, RawPoint, Stats, StatsOptions};
use std::ffi::{c_char, CStr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The opaque aggregator behind `dog_stats_t`.
pub struct DogStats(pub(crate) Arc<Stats>);

/// A running timer from `dog_stats_timer_start()`: a plain value, nothing to free.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct dog_stats_timer_t {
    /// Monotonic clock reading, in seconds.
    pub start: f64,
}

/// Creates an aggregator that is not started yet (dogapi's `DogStatsApi()`): recording calls
/// return `DOG_ERR_NOT_STARTED` until `dog_stats_start()`. Safe to share between threads.
/// Free with `dog_stats_free()`. NULL only if memory is exhausted or a bug was caught.
#[no_mangle]
pub extern "C" fn dog_stats_new() -> *mut DogStats {
    ptr_call(|| Ok(Box::into_raw(Box::new(DogStats(Stats::new())))))
}

static DEFAULT: OnceLock<usize> = OnceLock::new();

/// The process-wide instance (dogapi's `dog_stats_api` singleton), created not started on
/// first use. The pointer is valid for the whole process; `dog_stats_free()` on it does
/// nothing. Once started it flushes everything, the current bucket included, when the process
/// exits normally (returning from `main` or `exit()`, from any thread, also in a forked child,
/// which sends only its own points), within its shutdown timeout: see
/// `dog_stats_options_set_flush_at_exit()`, which turns it off.
#[no_mangle]
pub extern "C" fn dog_stats_default() -> *mut DogStats {
    value_call(std::ptr::null_mut(), || {
        *DEFAULT.get_or_init(|| Box::into_raw(Box::new(DogStats(crate::stats::exit::default_instance()))) as usize)
            as *mut DogStats
    })
}

/// Starts (or restarts) the aggregator with the options in `opts`, which it copies: the caller
/// may change or free `opts` right after (NULL: the defaults of `dog_stats_options_new()`,
/// unset strings read from the environment as documented there). The global tags of the
/// environment (`DD_ENV`, `DD_SERVICE`, `DD_VERSION`, `DD_TAGS`: see
/// `dog_stats_options_set_global_tags()`) are read here, at every start. Starting
/// `dog_stats_default()` arms its flush at exit (`dog_stats_options_set_flush_at_exit()`). A running instance is first stopped, flushing everything
/// within its shutdown timeout (dogapi silently dropped unflushed data). With
/// `flush_in_thread` a background thread flushes every `flush_interval` seconds. The sink
/// (the HTTP API, or the Datadog Agent over DogStatsD when `DD_DOGSTATSD_URL` /
/// `DD_AGENT_HOST` is set) is chosen here: see `dog_stats_options_set_dogstatsd_url()`.
/// Returns `DOG_ERR_INVALID_ARGUMENT` for an option out of range, a key with non-printable
/// characters, a malformed host/site/`DATADOG_HOST`/`DD_DOGSTATSD_URL`/`DD_AGENT_HOST`/
/// `DD_DOGSTATSD_PORT`; `DOG_ERR_NULL_ARGUMENT` for a NULL
/// `stats`; `DOG_ERR_INTERNAL` if the thread cannot be started.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_start(stats: *mut DogStats, opts: *const DogStatsOptions) -> dog_status_t {
    status_call(|| {
        // SAFETY: live handles (caller's contract).
        let s = unsafe { handle(stats, "stats")? };
        let o = match unsafe { opts.as_ref() } {
            Some(o) => o.0.clone(),
            None => StatsOptions::default(),
        };
        s.0.start(o)
    })
}

/// Stops the aggregator if it runs (flushing everything within the shutdown timeout) and
/// frees it. NULL and `dog_stats_default()` do nothing. No other thread may use the handle
/// during or after this call. Pre-registered handles (`dog_stats_counter_t`, ...) of this
/// instance stay valid until freed; recording through them then returns `DOG_ERR_NOT_STARTED`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_free(stats: *mut DogStats) {
    value_call((), || {
        if stats.is_null() || DEFAULT.get().is_some_and(|d| *d == stats as usize) {
            return;
        }
        // SAFETY: a handle from dog_stats_new, freed once (caller's contract).
        let b = unsafe { Box::from_raw(stats) };
        b.0.close();
        drop(b);
    })
}

/// # Safety
/// Pointers as the recording functions document.
#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn record(
    kind: Kind,
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
    timestamp: f64,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    // The core checks UTF-8 only on a cache miss: it takes the raw bytes.
    // SAFETY: non-NULL pointers are NUL-terminated strings (caller's contract).
    let bytes = |p: *const c_char| (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes());
    let raw = RawPoint { name: bytes(name), value, tags: bytes(tags), timestamp, sample_rate, host: bytes(host) };
    // SAFETY: live handle or NULL (caller's contract).
    if let Some(s) = unsafe { stats.as_ref() } {
        // The fast path answers with a flag; the full call only when it did not record.
        if flag_call(|| s.0.try_record_raw(kind, &raw)) {
            return DOG_OK;
        }
    }
    status_call(|| {
        // SAFETY: live handle (caller's contract).
        let s = unsafe { handle(stats, "stats")? };
        s.0.record_raw(kind, &raw)
    })
}

/// Adds `value` to the counter `name` (dogapi `increment`; negative values allowed) in the
/// current bucket. `tags`: comma-separated (`"env:prod,role:db"`), NULL or "" for none; order
/// does not matter. Counters go out as `type: "count"` with `interval`. An existing context
/// costs no allocation and no global lock.
/// Returns `DOG_OK`, `DOG_ERR_NULL_ARGUMENT` (stats/name), `DOG_ERR_INVALID_ARGUMENT` (empty
/// name, NaN/inf value, invalid UTF-8), `DOG_ERR_NOT_STARTED`, `DOG_ERR_CONTEXT_LIMIT` (a new
/// context beyond `max_contexts`; the point is dropped and counted). With `disabled`: DOG_OK.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_increment(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Counter, stats, name, value, tags, 0.0, 1.0, std::ptr::null()) }
}

/// Sets the gauge `name` to `value` (dogapi `gauge`): the last call in a bucket wins; sent as
/// `type: "gauge"`. Arguments and statuses as `dog_stats_increment()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_gauge(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Gauge, stats, name, value, tags, 0.0, 1.0, std::ptr::null()) }
}

/// Adds `value` to the histogram `name` (dogapi `histogram`). Each bucket is sent as
/// `name.min`, `.max`, `.avg`, `.75percentile`, `.85percentile`, `.95percentile`,
/// `.99percentile` (gauges) and `.count` (count with `interval`); percentiles come from an
/// unbiased 1000-value sample. Arguments and statuses as `dog_stats_increment()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_histogram(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Histogram, stats, name, value, tags, 0.0, 1.0, std::ptr::null()) }
}

/// `dog_stats_increment()` with dogapi's other arguments: `timestamp` POSIX seconds (0: now;
/// it picks the bucket), `sample_rate` in (0, 1] (1: every point; below 1 the point is kept
/// with that probability and counted as 1/sample_rate points, so totals stay unbiased), and
/// `host` (NULL: the default host; "" is sent as ""). Out-of-range `sample_rate` or a
/// non-finite timestamp is `DOG_ERR_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_increment_full(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
    timestamp: f64,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Counter, stats, name, value, tags, timestamp, sample_rate, host) }
}

/// `dog_stats_gauge()` with timestamp, sample_rate and host, as `dog_stats_increment_full()`
/// (a sampled gauge keeps its value unscaled).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_gauge_full(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
    timestamp: f64,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Gauge, stats, name, value, tags, timestamp, sample_rate, host) }
}

/// `dog_stats_histogram()` with timestamp, sample_rate and host, as
/// `dog_stats_increment_full()` (a sampled point weighs 1/sample_rate in `.count` and `.avg`).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_histogram_full(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
    timestamp: f64,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Histogram, stats, name, value, tags, timestamp, sample_rate, host) }
}

/// Starts a timer (dogapi's `timer` / `timed`): reads the monotonic clock. Pass the result to
/// `dog_stats_timer_stop()`. Nothing to free.
#[no_mangle]
pub extern "C" fn dog_stats_timer_start() -> dog_stats_timer_t {
    value_call(dog_stats_timer_t { start: 0.0 }, || dog_stats_timer_t { start: crate::stats::monotonic() })
}

/// Records the seconds elapsed since `timer` started as a histogram point of `name`, stamped
/// now. Arguments and statuses as `dog_stats_histogram()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_timer_stop(
    stats: *mut DogStats,
    timer: dog_stats_timer_t,
    name: *const c_char,
    tags: *const c_char,
) -> dog_status_t {
    let elapsed = crate::stats::monotonic() - timer.start;
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Histogram, stats, name, elapsed, tags, 0.0, 1.0, std::ptr::null()) }
}

/// `dog_stats_timer_stop()` with sample_rate and host, as `dog_stats_histogram_full()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_timer_stop_full(
    stats: *mut DogStats,
    timer: dog_stats_timer_t,
    name: *const c_char,
    tags: *const c_char,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    let elapsed = crate::stats::monotonic() - timer.start;
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Histogram, stats, name, elapsed, tags, 0.0, sample_rate, host) }
}

/// dogapi's `flush(timestamp)`: sends every bucket strictly older than the bucket holding
/// `timestamp` (POSIX seconds; 0: now), so `flush(209.9)` keeps a point of 205 and
/// `flush(210)` sends it. Runs on the calling thread: builds gzip-compressed
/// `POST /api/v1/series` payloads and deflate-compressed `POST /api/v1/distribution_points`
/// payloads (each under `max_payload_bytes`), then sends them and anything queued by earlier
/// failures (except payloads a 429 asked to hold back). With the DogStatsD sink
/// (`dog_stats_options_set_dogstatsd_url()`), the buckets become datagrams to the Agent and the
/// call waits until the sender thread has written them (drops counted, never retried).
/// A single series that alone exceeds `max_payload_bytes` compressed cannot be split: it is
/// dropped before sending, counted (`DOG_STATS_DROPPED_SERIES_OVERSIZED`) and logged at ERROR,
/// without changing the status. Returns `DOG_OK` when nothing is left queued; the send's status (`DOG_ERR_CONNECTION`,
/// `DOG_ERR_TIMEOUT`, `DOG_ERR_HTTP_STATUS`, `DOG_ERR_RATE_LIMITED`, ...) when a payload stays
/// queued for retry or was rejected; `DOG_ERR_QUEUE_FULL` when older payloads were dropped;
/// `DOG_ERR_NOT_STARTED`. With `disabled`: DOG_OK and nothing happens.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_flush(stats: *mut DogStats, timestamp: f64) -> dog_status_t {
    status_call(|| {
        // SAFETY: live handle (caller's contract).
        let s = unsafe { handle(stats, "stats")? };
        let ts = finite(timestamp, "timestamp")?;
        s.0.flush(if ts == 0.0 { None } else { Some(ts) })
    })
}

/// Stops automatic flushing and sends every bucket, the current one included, returning
/// within `timeout_seconds` (0: the `shutdown_timeout` option) even if the intake hangs: each
/// request is bounded by the time left. Whatever is unsent at the deadline is dropped and
/// counted (`DOG_STATS_DROPPED_SERIES_SHUTDOWN`) before this returns, including a request the
/// flush thread still has in flight (then `DOG_ERR_TIMEOUT`); if that request completes later
/// it is not counted again (accepted: `DOG_STATS_SERIES_DELIVERED_AFTER_SHUTDOWN`). Recording stays possible afterwards (as in dogapi);
/// such points go out with `dog_stats_flush()`, a later stop, or `dog_stats_free()`.
/// Returns `DOG_OK` when everything was delivered; `DOG_ERR_TIMEOUT` or the last send status
/// when something was dropped; `DOG_ERR_NOT_STARTED`; `DOG_ERR_INVALID_ARGUMENT` for a
/// negative or non-finite timeout.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_stop(stats: *mut DogStats, timeout_seconds: f64) -> dog_status_t {
    status_call(|| {
        // SAFETY: live handle (caller's contract).
        let s = unsafe { handle(stats, "stats")? };
        let t = finite(timeout_seconds, "timeout_seconds")?;
        if !(0.0..=86_400.0).contains(&t) {
            return Err(Error::invalid(format!("timeout_seconds must be in [0, 86400], got {t}")));
        }
        s.0.stop(if t == 0.0 { None } else { Some(Duration::from_secs_f64(t)) })
    })
}
