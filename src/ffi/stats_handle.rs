//! Pre-registered handles of `dog_stats_t` metrics: `dog_stats_counter_t`,
//! `dog_stats_gauge_t`, `dog_stats_histogram_t`, `dog_stats_distribution_t`. Conversion only; the logic lives in
//! `crate::stats::handle`.

use super::stats::DogStats;
use super::status::{dog_status_t, DOG_OK};
use super::{flag_call, handle, null_arg, opt_str, ptr_call, req_str, status_call, value_call};
use crate::stats::handle::Handle;
use crate::stats::Kind;
use std::ffi::c_char;

/// The opaque handle behind `dog_stats_counter_t`.
pub struct DogStatsCounter(Handle);
/// The opaque handle behind `dog_stats_gauge_t`.
pub struct DogStatsGauge(Handle);
/// The opaque handle behind `dog_stats_histogram_t`.
pub struct DogStatsHistogram(Handle);
/// The opaque handle behind `dog_stats_distribution_t`.
pub struct DogStatsDistribution(Handle);

/// The recording entry points: first the fast path, which answers with a flag (no `Result`
/// to build or move: ~2 ns per call), inside the panic boundary; then, when it did not
/// record (NULL handle, bad value, not started, first call, fork, restart), the full call for
/// its status and message.
///
/// # Safety
/// `h`: a live handle or `None`.
#[inline(always)]
unsafe fn record(h: Option<&Handle>, what: &str, value: f64) -> dog_status_t {
    if let Some(h) = h {
        if flag_call(|| h.try_record(value)) {
            return DOG_OK;
        }
    }
    status_call(|| h.ok_or_else(|| null_arg(what))?.record(value))
}

/// # Safety
/// As the exported constructors: live `stats`, NUL-terminated strings or NULL.
unsafe fn new_handle(
    stats: *mut DogStats,
    kind: Kind,
    name: *const c_char,
    tags: *const c_char,
    host: *const c_char,
) -> Result<Handle, crate::error::Error> {
    // SAFETY: forwarded caller contract.
    let s = unsafe { handle(stats, "stats")? };
    let name = unsafe { req_str(name, "name")? };
    let tags = unsafe { opt_str(tags, "tags")? };
    let host = unsafe { opt_str(host, "host")? };
    Handle::new(&s.0, kind, name, tags, host)
}

/// A pre-registered counter of `stats`: the metric `name` with `tags` (comma-separated, NULL
/// for none) on the default host, validated and normalised once (Datadog's naming rules, as
/// `dog_stats_increment()`), so that `dog_stats_counter_add()` reads no string and looks
/// nothing up. The context it names stays alive (is never retired when idle) while the handle
/// exists; points still go into the bucket of the moment they are recorded. The handle keeps
/// `stats` alive: it may outlive `dog_stats_free()` (recording then returns
/// `DOG_ERR_NOT_STARTED`). Usable from any thread; free with `dog_stats_counter_free()`.
/// Memory: 2 KiB, plus 64 bytes for each thread that adds (its running total; the first 256
/// threads at once, later ones add into the shared total).
/// NULL on error (`dog_error_last()` says why): NULL stats/name, empty name, invalid UTF-8,
/// a name or tag Datadog would refuse. The instance need not be started yet.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_counter_new(
    stats: *mut DogStats,
    name: *const c_char,
    tags: *const c_char,
) -> *mut DogStatsCounter {
    // SAFETY: forwarded caller contract.
    unsafe { dog_stats_counter_new_full(stats, name, tags, std::ptr::null()) }
}

/// `dog_stats_counter_new()` for the series' `host` (NULL: the default host).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_counter_new_full(
    stats: *mut DogStats,
    name: *const c_char,
    tags: *const c_char,
    host: *const c_char,
) -> *mut DogStatsCounter {
    // SAFETY: forwarded caller contract.
    ptr_call(|| {
        Ok(Box::into_raw(Box::new(DogStatsCounter(unsafe { new_handle(stats, Kind::Counter, name, tags, host)? }))))
    })
}

/// Adds `value` to the counter (as `dog_stats_increment()` with sample rate 1, stamped now).
/// Returns `DOG_OK`, `DOG_ERR_NULL_ARGUMENT` (counter), `DOG_ERR_INVALID_ARGUMENT` (NaN or
/// infinite value), `DOG_ERR_NOT_STARTED`, `DOG_ERR_CONTEXT_LIMIT` (the context had to be
/// created anew, e.g. in a forked child, beyond `max_contexts`). With `disabled`: DOG_OK.
/// No lock, no string work, no shared write: each thread adds into its own running total
/// (allocated on the thread's first add, 64 bytes), which the flusher takes into the counter's
/// series before each flush, so threads sharing one counter do not contend. Adds not yet
/// flushed when the counter is freed are flushed with the next flush.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_counter_add(counter: *mut DogStatsCounter, value: f64) -> dog_status_t {
    // SAFETY: live handle or NULL (caller's contract).
    unsafe { record(counter.as_ref().map(|h| &h.0), "counter", value) }
}

/// Frees a counter handle (NULL: nothing). Its context becomes an ordinary one again (retired
/// by a later flush when idle); points already recorded are flushed as usual. No other thread
/// may use the handle during or after this call.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_counter_free(counter: *mut DogStatsCounter) {
    // SAFETY: a handle from dog_stats_counter_new*, freed once (caller's contract).
    value_call((), || drop(unsafe { (!counter.is_null()).then(|| Box::from_raw(counter)) }))
}

/// A pre-registered gauge of `stats`: as `dog_stats_counter_new()`, recorded with
/// `dog_stats_gauge_set()`, freed with `dog_stats_gauge_free()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_gauge_new(
    stats: *mut DogStats,
    name: *const c_char,
    tags: *const c_char,
) -> *mut DogStatsGauge {
    // SAFETY: forwarded caller contract.
    unsafe { dog_stats_gauge_new_full(stats, name, tags, std::ptr::null()) }
}

/// `dog_stats_gauge_new()` for the series' `host` (NULL: the default host).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_gauge_new_full(
    stats: *mut DogStats,
    name: *const c_char,
    tags: *const c_char,
    host: *const c_char,
) -> *mut DogStatsGauge {
    // SAFETY: forwarded caller contract.
    ptr_call(|| {
        Ok(Box::into_raw(Box::new(DogStatsGauge(unsafe { new_handle(stats, Kind::Gauge, name, tags, host)? }))))
    })
}

/// Sets the gauge to `value` (as `dog_stats_gauge()`, stamped now: the last value of a bucket
/// wins). Statuses as `dog_stats_counter_add()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_gauge_set(gauge: *mut DogStatsGauge, value: f64) -> dog_status_t {
    // SAFETY: live handle (caller's contract).
    // SAFETY: live handle or NULL (caller's contract).
    unsafe { record(gauge.as_ref().map(|h| &h.0), "gauge", value) }
}

/// Frees a gauge handle, as `dog_stats_counter_free()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_gauge_free(gauge: *mut DogStatsGauge) {
    // SAFETY: a handle from dog_stats_gauge_new*, freed once (caller's contract).
    value_call((), || drop(unsafe { (!gauge.is_null()).then(|| Box::from_raw(gauge)) }))
}

/// A pre-registered histogram of `stats`: as `dog_stats_counter_new()`, recorded with
/// `dog_stats_histogram_record()`, freed with `dog_stats_histogram_free()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_histogram_new(
    stats: *mut DogStats,
    name: *const c_char,
    tags: *const c_char,
) -> *mut DogStatsHistogram {
    // SAFETY: forwarded caller contract.
    unsafe { dog_stats_histogram_new_full(stats, name, tags, std::ptr::null()) }
}

/// `dog_stats_histogram_new()` for the series' `host` (NULL: the default host).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_histogram_new_full(
    stats: *mut DogStats,
    name: *const c_char,
    tags: *const c_char,
    host: *const c_char,
) -> *mut DogStatsHistogram {
    // SAFETY: forwarded caller contract.
    ptr_call(|| {
        Ok(Box::into_raw(Box::new(DogStatsHistogram(unsafe { new_handle(stats, Kind::Histogram, name, tags, host)? }))))
    })
}

/// Records `value` into the histogram (as `dog_stats_histogram()` with sample rate 1, stamped
/// now). Statuses as `dog_stats_counter_add()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_histogram_record(histogram: *mut DogStatsHistogram, value: f64) -> dog_status_t {
    // SAFETY: live handle (caller's contract).
    // SAFETY: live handle or NULL (caller's contract).
    unsafe { record(histogram.as_ref().map(|h| &h.0), "histogram", value) }
}

/// Frees a histogram handle, as `dog_stats_counter_free()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_histogram_free(histogram: *mut DogStatsHistogram) {
    // SAFETY: a handle from dog_stats_histogram_new*, freed once (caller's contract).
    value_call((), || drop(unsafe { (!histogram.is_null()).then(|| Box::from_raw(histogram)) }))
}

/// A pre-registered distribution of `stats`: as `dog_stats_counter_new()`, recorded with
/// `dog_stats_distribution_record()`, freed with `dog_stats_distribution_free()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_distribution_new(
    stats: *mut DogStats,
    name: *const c_char,
    tags: *const c_char,
) -> *mut DogStatsDistribution {
    // SAFETY: forwarded caller contract.
    unsafe { dog_stats_distribution_new_full(stats, name, tags, std::ptr::null()) }
}

/// `dog_stats_distribution_new()` for the series' `host` (NULL: the default host).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_distribution_new_full(
    stats: *mut DogStats,
    name: *const c_char,
    tags: *const c_char,
    host: *const c_char,
) -> *mut DogStatsDistribution {
    // SAFETY: forwarded caller contract.
    ptr_call(|| {
        Ok(Box::into_raw(Box::new(DogStatsDistribution(unsafe {
            new_handle(stats, Kind::Distribution, name, tags, host)?
        }))))
    })
}

/// Records `value` into the distribution (as `dog_stats_distribution()` with sample rate 1,
/// stamped now: every value is sent, up to `max_distribution_values` per bucket). Statuses as
/// `dog_stats_counter_add()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_distribution_record(
    distribution: *mut DogStatsDistribution,
    value: f64,
) -> dog_status_t {
    // SAFETY: live handle (caller's contract).
    // SAFETY: live handle or NULL (caller's contract).
    unsafe { record(distribution.as_ref().map(|h| &h.0), "distribution", value) }
}

/// Frees a distribution handle, as `dog_stats_counter_free()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_distribution_free(distribution: *mut DogStatsDistribution) {
    // SAFETY: a handle from dog_stats_distribution_new*, freed once (caller's contract).
    value_call((), || drop(unsafe { (!distribution.is_null()).then(|| Box::from_raw(distribution)) }))
}
