//! Events and service checks through a `dog_stats_t` (`dog_stats_event_post`,
//! `dog_stats_service_check_post`): sent by the instance's sink, so a process whose stats go
//! to the Datadog Agent needs no API key for them. Conversion only; the rules live in
//! `crate::stats::sink::events`, the sending in each sink.

use super::stats::DogStats;
use super::status::dog_status_t;
use super::{handle, opt_str, req_str, status_call};
use crate::stats::sink::events::{EventArgs, ServiceCheckArgs};
use std::ffi::c_char;

/// Posts an event through the aggregator's sink (dogapi's `event`, for processes that only
/// talk to the Datadog Agent): over DogStatsD, one `_e{…}` line to the Agent (no API key),
/// handed to the sender without waiting for the socket (sent within 100 ms or by the next
/// `dog_stats_flush()`; a packet the full sender queue drops is counted in
/// `DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE`, as for metrics); with the HTTP sink,
/// `POST /api/v1/events` with the instance's API key and host, **synchronously** on the
/// calling thread (as `dog_event_post()`), bounded by the `request_timeout` option, never
/// retried or queued.
///
/// `title` is required and not empty; `text` (NULL: empty) at most 4000 characters; `tags`
/// comma-separated (NULL or "": none), normalised like metric tags, then the instance's global
/// tags (`dog_stats_options_set_global_tags()`, `DD_ENV`, `DD_SERVICE`, `DD_VERSION`,
/// `DD_TAGS`) it does not hold yet. Optional, NULL / "" / 0 to
/// omit: `date_happened` (POSIX seconds; 0: now), `priority` (`"normal"` or `"low"`), `host`
/// (NULL: the host of the instance's series: the `host` option, else over HTTP the EC2
/// instance id or the machine's name and over DogStatsD the Agent's own host),
/// `aggregation_key` (at most 100 characters), `source_type_name`, `alert_type` (`"info"`,
/// `"success"`, `"warning"` or `"error"`: what DogStatsD carries). The checks are the same for
/// both sinks and come first, whatever the state.
///
/// Returns `DOG_OK` (HTTP: accepted; DogStatsD: handed to the sender); `DOG_ERR_NULL_ARGUMENT`
/// (`stats`, `title`); `DOG_ERR_INVALID_ARGUMENT` (an argument above, invalid UTF-8, or over
/// DogStatsD an event longer than a packet; nothing sent); `DOG_ERR_NOT_STARTED`;
/// `DOG_ERR_QUEUE_FULL` (DogStatsD: a packet was dropped); the transport and server statuses
/// of the HTTP sink (`DOG_ERR_TIMEOUT`, `DOG_ERR_CONNECTION`, `DOG_ERR_API`, ...). With
/// `disabled`: `DOG_OK`, nothing sent. Thread-safe; after fork() the child uses its own
/// connection or sender.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_event_post(
    stats: *mut DogStats,
    title: *const c_char,
    text: *const c_char,
    tags: *const c_char,
    date_happened: i64,
    priority: *const c_char,
    host: *const c_char,
    aggregation_key: *const c_char,
    source_type_name: *const c_char,
    alert_type: *const c_char,
) -> dog_status_t {
    status_call(|| {
        // SAFETY: a live handle and C strings (caller's contract).
        let (s, args) = unsafe {
            let s = handle(stats, "stats")?;
            let args = EventArgs {
                title: req_str(title, "title")?,
                text: opt_str(text, "text")?.unwrap_or(""),
                tags: opt_str(tags, "tags")?,
                date_happened,
                priority: opt_str(priority, "priority")?,
                host: opt_str(host, "host")?,
                aggregation_key: opt_str(aggregation_key, "aggregation_key")?,
                source_type_name: opt_str(source_type_name, "source_type_name")?,
                alert_type: opt_str(alert_type, "alert_type")?,
            };
            (s, args)
        };
        s.0.event(&args)
    })
}

/// Posts a service check run through the aggregator's sink (dogapi's `service_check`):
/// over DogStatsD one `_sc|…` line to the Agent (no API key), with the HTTP sink
/// `POST /api/v1/check_run`; sent as `dog_stats_event_post()` sends (DogStatsD: never waits;
/// HTTP: synchronous, bounded by `request_timeout`).
///
/// `name` is required, normalised or refused as a metric name; `status` is `DOG_CHECK_OK` (0)
/// to `DOG_CHECK_UNKNOWN` (3); `tags` comma-separated (NULL or "": none; the global tags
/// follow, as for events); `message` NULL or ""
/// for none. Optional: `timestamp` (POSIX seconds; 0: now), `host` (NULL or "": the host of
/// the instance's series, as for events).
///
/// Returns `DOG_OK`, `DOG_ERR_NULL_ARGUMENT` (`stats`, `name`), `DOG_ERR_INVALID_ARGUMENT`
/// (status out of range, a bad name or tag, invalid UTF-8, a line longer than a DogStatsD
/// packet; nothing sent), and otherwise the statuses of `dog_stats_event_post()`. With
/// `disabled`: `DOG_OK`, nothing sent. Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_service_check_post(
    stats: *mut DogStats,
    name: *const c_char,
    status: i32,
    tags: *const c_char,
    message: *const c_char,
    timestamp: i64,
    host: *const c_char,
) -> dog_status_t {
    status_call(|| {
        // SAFETY: a live handle and C strings (caller's contract).
        let (s, args) = unsafe {
            let s = handle(stats, "stats")?;
            let args = ServiceCheckArgs {
                name: req_str(name, "name")?,
                status,
                tags: opt_str(tags, "tags")?,
                message: opt_str(message, "message")?,
                timestamp,
                host: opt_str(host, "host")?,
            };
            (s, args)
        };
        s.0.service_check(&args)
    })
}
