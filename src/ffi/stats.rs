//! `dog_stats_t`: the in-process aggregator (dogapi's `DogStatsApi`), its timers and telemetry
//! (its options: `stats_options.rs`). Conversion only; the logic lives in `crate::stats`.

use super::status::dog_status_t;
use super::stats_options::DogStatsOptions;
use super::{finite, handle, null_arg, opt_str, ptr_call, req_str, status_call, value_call};
use crate::error::Error;
use crate::stats::{Kind, Point, Stats, StatsOptions, Telemetry};
use std::ffi::{c_char, CStr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The opaque aggregator behind `dog_stats_t`.
pub struct DogStats(pub(crate) Arc<Stats>);

/// What the aggregator did, read with `dog_stats_telemetry()`. "Series" are what a flush
/// sends: one series per counter or gauge context and bucket, 8 per histogram context and
/// bucket, each with exactly one point. Counters start at 0 at `dog_stats_new()` and in a
/// forked child.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, Default)]
pub struct dog_stats_telemetry_t {
    /// Points recorded (after sampling).
    pub points_recorded: u64,
    /// Points not kept because of `sample_rate` < 1.
    pub points_sampled_out: u64,
    /// Live contexts now.
    pub contexts: u64,
    /// Flushes that produced at least one series (dogapi's `flush_count`).
    pub flushes: u64,
    /// Series produced by flushes.
    pub series_flushed: u64,
    /// Requests accepted by the intake (2xx).
    pub payloads_sent: u64,
    /// Series in those requests.
    pub series_sent: u64,
    /// Compressed bytes in those requests.
    pub bytes_sent: u64,
    /// Failed sends whose payload was queued again.
    pub retries: u64,
    /// Payloads waiting in the retry queue now.
    pub payloads_queued: u64,
    /// Series in them.
    pub series_queued: u64,
    /// Compressed bytes in them.
    pub bytes_queued: u64,
    /// Points dropped because the live-context cap was reached.
    pub dropped_points_context_limit: u64,
    /// Series dropped because the retry queue was full.
    pub dropped_series_queue_full: u64,
    /// Series dropped because the intake rejected them (4xx other than 408/429).
    pub dropped_series_rejected: u64,
    /// Series still unsent when a stop reached its timeout.
    pub dropped_series_shutdown: u64,
    /// Series dropped because their value was not finite (e.g. an overflowing counter).
    pub dropped_series_invalid: u64,
}

impl From<Telemetry> for dog_stats_telemetry_t {
    fn from(t: Telemetry) -> Self {
        dog_stats_telemetry_t {
            points_recorded: t.points_recorded,
            points_sampled_out: t.points_sampled_out,
            contexts: t.contexts,
            flushes: t.flushes,
            series_flushed: t.series_flushed,
            payloads_sent: t.payloads_sent,
            series_sent: t.series_sent,
            bytes_sent: t.bytes_sent,
            retries: t.retries,
            payloads_queued: t.payloads_queued,
            series_queued: t.series_queued,
            bytes_queued: t.bytes_queued,
            dropped_points_context_limit: t.dropped_points_context_limit,
            dropped_series_queue_full: t.dropped_series_queue_full,
            dropped_series_rejected: t.dropped_series_rejected,
            dropped_series_shutdown: t.dropped_series_shutdown,
            dropped_series_invalid: t.dropped_series_invalid,
        }
    }
}

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
/// nothing. Nothing is flushed at exit: call `dog_stats_stop()` before exiting.
#[no_mangle]
pub extern "C" fn dog_stats_default() -> *mut DogStats {
    value_call(std::ptr::null_mut(), || *DEFAULT.get_or_init(|| Box::into_raw(Box::new(DogStats(Stats::new()))) as usize) as *mut DogStats)
}

/// Starts (or restarts) the aggregator with the options in `opts`, which it copies: the caller
/// may change or free `opts` right after (NULL: the defaults of `dog_stats_options_new()`,
/// unset strings read from the environment as documented there). A running instance is first stopped, flushing everything
/// within its shutdown timeout (dogapi silently dropped unflushed data). With
/// `flush_in_thread` a background thread flushes every `flush_interval` seconds.
/// Returns `DOG_ERR_INVALID_ARGUMENT` for an option out of range, a key with non-printable
/// characters, a malformed host/site/`DATADOG_HOST`; `DOG_ERR_NULL_ARGUMENT` for a NULL
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
/// during or after this call.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_free(stats: *mut DogStats) {
    value_call((), || {
        if stats.is_null() || DEFAULT.get().is_some_and(|d| *d == stats as usize) {
            return;
        }
        // SAFETY: a handle from dog_stats_new, freed once (caller's contract).
        let b = unsafe { Box::from_raw(stats) };
        if b.0.is_started() {
            let _ = b.0.stop(None);
        }
        drop(b);
    })
}

/// # Safety
/// Pointers as the recording functions document.
#[inline]
#[allow(clippy::too_many_arguments)]
unsafe fn record(kind: Kind, stats: *mut DogStats, name: *const c_char, value: f64, tags: *const c_char, timestamp: f64, sample_rate: f64, host: *const c_char) -> dog_status_t {
    status_call(|| {
        // SAFETY: live handle and C strings (caller's contract).
        let s = unsafe { handle(stats, "stats")? };
        // Hot path: arguments this thread has recorded before (no UTF-8 check, no tag
        // parsing, no lock). Anything else takes the full path below, unchanged.
        if !name.is_null() && value.is_finite() && timestamp.is_finite() && sample_rate.is_finite() {
            // SAFETY: non-NULL C strings (caller's contract).
            let bytes = |p: *const c_char| (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes());
            let nb = unsafe { CStr::from_ptr(name) }.to_bytes();
            if let Some(r) = s.0.record_cached(kind, nb, bytes(tags), bytes(host), value, timestamp, sample_rate) {
                return r;
            }
        }
        let name = unsafe { req_str(name, "name")? };
        let tags = unsafe { opt_str(tags, "tags")? };
        let host = unsafe { opt_str(host, "host")? };
        let p = Point {
            name,
            value: finite(value, "value")?,
            tags,
            timestamp: finite(timestamp, "timestamp")?,
            sample_rate: finite(sample_rate, "sample_rate")?,
            host,
        };
        s.0.record(kind, &p)
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
pub unsafe extern "C" fn dog_stats_increment(stats: *mut DogStats, name: *const c_char, value: f64, tags: *const c_char) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Counter, stats, name, value, tags, 0.0, 1.0, std::ptr::null()) }
}

/// Sets the gauge `name` to `value` (dogapi `gauge`): the last call in a bucket wins; sent as
/// `type: "gauge"`. Arguments and statuses as `dog_stats_increment()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_gauge(stats: *mut DogStats, name: *const c_char, value: f64, tags: *const c_char) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Gauge, stats, name, value, tags, 0.0, 1.0, std::ptr::null()) }
}

/// Adds `value` to the histogram `name` (dogapi `histogram`). Each bucket is sent as
/// `name.min`, `.max`, `.avg`, `.75percentile`, `.85percentile`, `.95percentile`,
/// `.99percentile` (gauges) and `.count` (count with `interval`); percentiles come from an
/// unbiased 1000-value sample. Arguments and statuses as `dog_stats_increment()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_histogram(stats: *mut DogStats, name: *const c_char, value: f64, tags: *const c_char) -> dog_status_t {
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
pub unsafe extern "C" fn dog_stats_timer_stop(stats: *mut DogStats, timer: dog_stats_timer_t, name: *const c_char, tags: *const c_char) -> dog_status_t {
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
/// `POST /api/v1/series` payloads (each under `max_payload_bytes`), then sends them and
/// anything queued by earlier failures (except payloads a 429 asked to hold back).
/// Returns `DOG_OK` when nothing is left queued; the send's status (`DOG_ERR_CONNECTION`,
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
/// counted (`dropped_series_shutdown`). Recording stays possible afterwards (as in dogapi);
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

/// Copies the telemetry counters into `*out`. `DOG_ERR_NULL_ARGUMENT` when either is NULL.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_telemetry(stats: *const DogStats, out: *mut dog_stats_telemetry_t) -> dog_status_t {
    status_call(|| {
        // SAFETY: live handle (caller's contract).
        let s = unsafe { handle(stats, "stats")? };
        if out.is_null() {
            return Err(null_arg("out"));
        }
        // SAFETY: non-NULL and writable (caller's contract).
        unsafe { out.write(s.0.telemetry().into()) };
        Ok(())
    })
}
