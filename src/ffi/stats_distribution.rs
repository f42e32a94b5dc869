//! Distributions on `dog_stats_t`: the recording calls of `dog_stats_distribution*` and the
//! distribution forms of the timer. Conversion only (`super::stats::record`); the values are
//! kept by `crate::stats::distribution`.

use super::stats::{dog_stats_timer_t, record, DogStats};
use super::status::dog_status_t;
use crate::stats::Kind;
use std::ffi::c_char;

/// Adds `value` to the distribution `name`: unlike a histogram, every value of a bucket is
/// sent (`POST /api/v1/distribution_points`, compressed with deflate), and Datadog computes the
/// percentiles over every process and host that sends the same metric. A distribution and a
/// histogram of the same name and tags are separate contexts. At most
/// `max_distribution_values` values are kept per context and bucket (default 10000); the
/// rest are dropped and counted (`DOG_STATS_DROPPED_DISTRIBUTION_VALUES`), never sampled;
/// which values are kept when a bucket overflows is not specified. A bucket is sent as one
/// series per 4096 values (fewer when `max_payload_bytes` is small, so that a series always
/// fits a payload; telemetry counts series). Keeping a value may grow the bucket's array
/// (amortised; no global lock). Arguments and statuses as `dog_stats_increment()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_distribution(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Distribution, stats, name, value, tags, 0.0, 1.0, std::ptr::null()) }
}

/// `dog_stats_distribution()` with timestamp, sample_rate and host, as
/// `dog_stats_increment_full()`. A call with `sample_rate` < 1 is kept with that probability
/// (as datadogpy's `ThreadStats.distribution`) and a kept value is sent once, unscaled: the
/// v1 endpoint has no sample-rate field (a DogStatsD sink sends it as `|@rate`).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_distribution_full(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
    timestamp: f64,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Distribution, stats, name, value, tags, timestamp, sample_rate, host) }
}

/// Records the seconds elapsed since `timer` started (`dog_stats_timer_start()`) as a
/// distribution value of `name`, stamped now. Arguments and statuses as
/// `dog_stats_distribution()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_timer_stop_distribution(
    stats: *mut DogStats,
    timer: dog_stats_timer_t,
    name: *const c_char,
    tags: *const c_char,
) -> dog_status_t {
    let elapsed = crate::stats::monotonic() - timer.start;
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Distribution, stats, name, elapsed, tags, 0.0, 1.0, std::ptr::null()) }
}

/// `dog_stats_timer_stop_distribution()` with sample_rate and host, as
/// `dog_stats_distribution_full()`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_timer_stop_distribution_full(
    stats: *mut DogStats,
    timer: dog_stats_timer_t,
    name: *const c_char,
    tags: *const c_char,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    let elapsed = crate::stats::monotonic() - timer.start;
    // SAFETY: forwarded caller contract.
    unsafe { record(Kind::Distribution, stats, name, elapsed, tags, 0.0, sample_rate, host) }
}
