//! `dog_stats_t`: the in-process aggregator (dogapi's `DogStatsApi`), its options, timers and
//! telemetry. Conversion only; the logic lives in `crate::stats`.

use super::status::dog_status_t;
use super::{finite, handle, null_arg, opt_str, ptr_call, req_str, status_call, value_call};
use crate::error::Error;
use crate::stats::{Kind, Point, Stats, StatsOptions, Telemetry};
use std::ffi::{c_char, CStr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The opaque aggregator behind `dog_stats_t`.
pub struct DogStats(pub(crate) Arc<Stats>);

/// Options of `dog_stats_start()` (dogapi's `DogStatsApi.start` arguments plus libdogapi's
/// bounds). Always fill it with `dog_stats_options_init()` first, then change fields: a
/// zeroed struct is not the defaults. Strings are copied by `dog_stats_start()`.
///
/// dogapi's `flush_in_greenlet` has no C meaning (there are no greenlets) and is not offered;
/// use `flush_in_thread`. dogapi's `statsd` mode is not offered either (use a DogStatsD client).
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct dog_stats_options_t {
    /// API key; NULL: `DD_API_KEY` from the environment. Sent only in the `DD-API-KEY` header.
    pub api_key: *const c_char,
    /// API host (`https://host`, `http://host:port`, bare `host`); NULL: `DATADOG_HOST`, else
    /// `https://api.<site>`. Same rules as `dog_http_set_api_host()`.
    pub api_host: *const c_char,
    /// Datadog site (`datadoghq.eu`, ...); NULL: `DD_SITE`, else `datadoghq.com`.
    pub site: *const c_char,
    /// Seconds between automatic flushes (default 10; > 0).
    pub flush_interval: f64,
    /// Width of the aggregation buckets in seconds (default 10; > 0). Count series carry
    /// `interval` = this value rounded to whole seconds (at least 1).
    pub roll_up_interval: f64,
    /// Host of every series recorded without one; NULL or "": this machine's host name.
    pub host: *const c_char,
    /// Device of every series; NULL: none (the field is omitted).
    pub device: *const c_char,
    /// Use the EC2 instance id as the host (wins over `host`, as in dogapi). Default false.
    pub use_ec2_instance_ids: bool,
    /// Flush from a background thread every `flush_interval` (default true). false: nothing is
    /// sent until the caller calls `dog_stats_flush()` or `dog_stats_stop()`.
    pub flush_in_thread: bool,
    /// Record and send nothing; every call succeeds (default false).
    pub disabled: bool,
    /// Cap on live contexts (name + tags + host + kind); beyond it new contexts are dropped
    /// and counted (`DOG_ERR_CONTEXT_LIMIT`). Default 250000; must be ≥ 1.
    pub max_contexts: usize,
    /// Cap on compressed bytes kept for retry while the intake fails; the oldest payloads are
    /// dropped (and counted) beyond it. Default 64 MiB.
    pub max_queued_bytes: usize,
    /// Cap on the compressed size of one request, in [1024, 3200000] (default 3200000, the
    /// intake's limit for v1 series).
    pub max_payload_bytes: usize,
    /// Default time `dog_stats_stop()` / `dog_stats_free()` may take, in seconds (default 5).
    pub shutdown_timeout: f64,
    /// Timeout of one flush request in seconds (default 5).
    pub request_timeout: f64,
}

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

/// Fills `opts` with the defaults: every string NULL, flush_interval 10, roll_up_interval 10,
/// use_ec2_instance_ids false, flush_in_thread true, disabled false, max_contexts 250000,
/// max_queued_bytes 64 MiB, max_payload_bytes 3200000, shutdown_timeout 5, request_timeout 5.
/// NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_options_init(opts: *mut dog_stats_options_t) {
    value_call((), || {
        if opts.is_null() {
            return;
        }
        let d = StatsOptions::default();
        let o = dog_stats_options_t {
            api_key: std::ptr::null(),
            api_host: std::ptr::null(),
            site: std::ptr::null(),
            flush_interval: d.flush_interval,
            roll_up_interval: d.roll_up_interval,
            host: std::ptr::null(),
            device: std::ptr::null(),
            use_ec2_instance_ids: d.use_ec2_instance_ids,
            flush_in_thread: d.flush_in_thread,
            disabled: d.disabled,
            max_contexts: d.max_contexts,
            max_queued_bytes: d.max_queued_bytes,
            max_payload_bytes: d.max_payload_bytes,
            shutdown_timeout: d.shutdown_timeout,
            request_timeout: d.request_timeout,
        };
        // SAFETY: non-NULL and writable (caller's contract).
        unsafe { opts.write(o) };
    })
}

/// # Safety
/// `o` holds valid C strings or NULLs.
unsafe fn convert(o: &dog_stats_options_t) -> Result<StatsOptions, Error> {
    // SAFETY: forwarded caller contract.
    let s = |p: *const c_char, n: &str| unsafe { opt_str(p, n) }.map(|v| v.map(str::to_string));
    Ok(StatsOptions {
        api_key: s(o.api_key, "api_key")?,
        api_host: s(o.api_host, "api_host")?,
        site: s(o.site, "site")?,
        flush_interval: finite(o.flush_interval, "flush_interval")?,
        roll_up_interval: finite(o.roll_up_interval, "roll_up_interval")?,
        host: s(o.host, "host")?,
        device: s(o.device, "device")?,
        use_ec2_instance_ids: o.use_ec2_instance_ids,
        flush_in_thread: o.flush_in_thread,
        disabled: o.disabled,
        max_contexts: o.max_contexts,
        max_queued_bytes: o.max_queued_bytes,
        max_payload_bytes: o.max_payload_bytes,
        shutdown_timeout: finite(o.shutdown_timeout, "shutdown_timeout")?,
        request_timeout: finite(o.request_timeout, "request_timeout")?,
    })
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
    value_call(std::ptr::null_mut(), || {
        *DEFAULT.get_or_init(|| Box::into_raw(Box::new(DogStats(Stats::new()))) as usize) as *mut DogStats
    })
}

/// Starts (or restarts) the aggregator with `opts` (NULL: the defaults of
/// `dog_stats_options_init()`). A running instance is first stopped, flushing everything
/// within its shutdown timeout (dogapi silently dropped unflushed data). With
/// `flush_in_thread` a background thread flushes every `flush_interval` seconds.
/// Returns `DOG_ERR_INVALID_ARGUMENT` for an option out of range, a key with non-printable
/// characters, a malformed host/site/`DATADOG_HOST`; `DOG_ERR_NULL_ARGUMENT` for a NULL
/// `stats`; `DOG_ERR_INTERNAL` if the thread cannot be started.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_start(stats: *mut DogStats, opts: *const dog_stats_options_t) -> dog_status_t {
    status_call(|| {
        // SAFETY: live handle and options (caller's contract).
        let s = unsafe { handle(stats, "stats")? };
        let o = match unsafe { opts.as_ref() } {
            // SAFETY: strings in the struct are valid (caller's contract).
            Some(o) => unsafe { convert(o)? },
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
unsafe fn record(
    kind: Kind,
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
    timestamp: f64,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
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
pub unsafe extern "C" fn dog_stats_increment_ex(
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

/// `dog_stats_gauge()` with timestamp, sample_rate and host, as `dog_stats_increment_ex()`
/// (a sampled gauge keeps its value unscaled).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_gauge_ex(
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
/// `dog_stats_increment_ex()` (a sampled point weighs 1/sample_rate in `.count` and `.avg`).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_histogram_ex(
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

/// `dog_stats_timer_stop()` with sample_rate and host, as `dog_stats_histogram_ex()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_timer_stop_ex(
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
