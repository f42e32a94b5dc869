//! The names exports had before the naming rule (`docs/NAMING.md`): each is a real exported
//! function that calls its replacement, marked `DOG_DEPRECATED("use X instead")` in the header.
//! They stay for one minor version (the release that renamed them and its patch releases) and
//! are removed in the next minor release.

use super::http::DogHttp;
use super::log::dog_log_fn;
use super::response::DogResponse;
use super::stats::{dog_stats_timer_t, DogStats};
use super::status::dog_status_t;
use std::ffi::{c_char, c_int, c_void};

/// Old name of `dog_log_set_callback()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_log_set_callback instead")]
pub extern "C" fn dog_set_log_callback(callback: dog_log_fn, max_level: c_int, userdata: *mut c_void) -> dog_status_t {
    super::log::dog_log_set_callback(callback, max_level, userdata)
}

/// Old name of `dog_error_last()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_error_last instead")]
pub extern "C" fn dog_last_error() -> *const c_char {
    super::last_error::dog_error_last()
}

/// Old name of `dog_tag_list()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_tag_list instead")]
pub unsafe extern "C" fn dog_tags_all(
    client: *mut DogHttp,
    source: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::tags::dog_tag_list(client, source, out_response) }
}

/// Old name of `dog_tag_get()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_tag_get instead")]
pub unsafe extern "C" fn dog_tags_get(
    client: *mut DogHttp,
    host: *const c_char,
    source: *const c_char,
    by_source: bool,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::tags::dog_tag_get(client, host, source, by_source, out_response) }
}

/// Old name of `dog_tag_create()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_tag_create instead")]
pub unsafe extern "C" fn dog_tags_add(
    client: *mut DogHttp,
    host: *const c_char,
    tags: *const c_char,
    source: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::tags::dog_tag_create(client, host, tags, source, out_response) }
}

/// Old name of `dog_tag_update()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_tag_update instead")]
pub unsafe extern "C" fn dog_tags_change(
    client: *mut DogHttp,
    host: *const c_char,
    tags: *const c_char,
    source: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::tags::dog_tag_update(client, host, tags, source, out_response) }
}

/// Old name of `dog_tag_delete()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_tag_delete instead")]
pub unsafe extern "C" fn dog_tags_detach(
    client: *mut DogHttp,
    host: *const c_char,
    source: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::tags::dog_tag_delete(client, host, source, out_response) }
}

/// Old name of `dog_metric_post_series()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_metric_post_series instead")]
pub unsafe extern "C" fn dog_metrics_post(
    client: *mut DogHttp,
    series_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::metric::dog_metric_post_series(client, series_json, out_response) }
}

/// Old name of `dog_dashboard_list()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_dashboard_list instead")]
pub extern "C" fn dog_dashboard_get_all(
    client: *mut DogHttp,
    filter_shared: bool,
    filter_deleted: bool,
    count: i64,
    start: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    super::dashboard::dog_dashboard_list(client, filter_shared, filter_deleted, count, start, out_response)
}

/// Old name of `dog_monitor_list()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_monitor_list instead")]
pub unsafe extern "C" fn dog_monitor_get_all(
    client: *mut DogHttp,
    group_states: *const c_char,
    tags: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::monitor::dog_monitor_list(client, group_states, tags, out_response) }
}

/// Old name of `dog_event_list()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_event_list instead")]
pub unsafe extern "C" fn dog_event_stream(
    client: *mut DogHttp,
    start: i64,
    end: i64,
    priority: *const c_char,
    sources: *const c_char,
    tags: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::event::dog_event_list(client, start, end, priority, sources, tags, out_response) }
}

/// Old name of `dog_snapshot_get_status()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_snapshot_get_status instead")]
pub unsafe extern "C" fn dog_snapshot_status(
    client: *mut DogHttp,
    snapshot_url: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::snapshot::dog_snapshot_get_status(client, snapshot_url, out_response) }
}

/// Old name of `dog_stats_increment_full()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_stats_increment_full instead")]
pub unsafe extern "C" fn dog_stats_increment_ex(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
    timestamp: f64,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::stats::dog_stats_increment_full(stats, name, value, tags, timestamp, sample_rate, host) }
}

/// Old name of `dog_stats_gauge_full()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_stats_gauge_full instead")]
pub unsafe extern "C" fn dog_stats_gauge_ex(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
    timestamp: f64,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::stats::dog_stats_gauge_full(stats, name, value, tags, timestamp, sample_rate, host) }
}

/// Old name of `dog_stats_histogram_full()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_stats_histogram_full instead")]
pub unsafe extern "C" fn dog_stats_histogram_ex(
    stats: *mut DogStats,
    name: *const c_char,
    value: f64,
    tags: *const c_char,
    timestamp: f64,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::stats::dog_stats_histogram_full(stats, name, value, tags, timestamp, sample_rate, host) }
}

/// Old name of `dog_stats_timer_stop_full()`, which it calls.
#[no_mangle]
#[deprecated(note = "use dog_stats_timer_stop_full instead")]
pub unsafe extern "C" fn dog_stats_timer_stop_ex(
    stats: *mut DogStats,
    timer: dog_stats_timer_t,
    name: *const c_char,
    tags: *const c_char,
    sample_rate: f64,
    host: *const c_char,
) -> dog_status_t {
    // SAFETY: same contract as the replacement.
    unsafe { super::stats::dog_stats_timer_stop_full(stats, timer, name, tags, sample_rate, host) }
}
