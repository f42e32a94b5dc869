//! `dog_stats_options_t`: the options of `dog_stats_start()` (dogapi's `DogStatsApi.start`
//! arguments plus libdogapi's bounds) as an opaque object with one setter per option.
//! Conversion only: each setter checks its pointers and UTF-8 and calls the range-checked
//! setter of `crate::stats::StatsOptions`. Adding an option: a field, its default and a setter
//! in `src/stats/options.rs`, and one `dog_stats_options_set_<option>` here.

use super::status::dog_status_t;
use super::{null_arg, opt_str, ptr_call, status_call, value_call};
use crate::error::Error;
use crate::stats::StatsOptions;
use std::ffi::c_char;

/// The opaque options behind `dog_stats_options_t`.
pub struct DogStatsOptions(pub(crate) StatsOptions);

/// Creates options holding the defaults (dogapi's `start()` defaults plus libdogapi's bounds),
/// each given with its setter below. Strings left unset (API key, API host, site) are read from
/// the environment when `dog_stats_start()` runs. Change them with the
/// `dog_stats_options_set_*()` functions, pass them to `dog_stats_start()` (which copies them)
/// and free them with `dog_stats_options_free()`, right after the start if you like. One
/// options object may be used by one thread at a time. NULL only if memory is exhausted.
///
/// Every setter returns `DOG_OK`, `DOG_ERR_NULL_ARGUMENT` for a NULL `opts`, or
/// `DOG_ERR_INVALID_ARGUMENT` (NaN/infinite or out-of-range number, invalid UTF-8, malformed
/// value; `dog_error_last()` says which) and then leaves the option unchanged.
#[no_mangle]
pub extern "C" fn dog_stats_options_new() -> *mut DogStatsOptions {
    ptr_call(|| Ok(Box::into_raw(Box::new(DogStatsOptions(StatsOptions::default())))))
}

/// Frees options from `dog_stats_options_new()`. NULL does nothing. Aggregators started with
/// them are unaffected (they hold a copy).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_options_free(opts: *mut DogStatsOptions) {
    value_call((), || {
        if !opts.is_null() {
            // SAFETY: options from dog_stats_options_new, freed once (caller's contract).
            drop(unsafe { Box::from_raw(opts) });
        }
    })
}

/// Runs one core setter on the options behind `opts` inside the boundary.
fn set(opts: *mut DogStatsOptions, f: impl FnOnce(&mut StatsOptions) -> Result<(), Error>) -> dog_status_t {
    status_call(|| {
        // SAFETY: NULL or live options used by this thread only (caller's contract).
        let o = unsafe { opts.as_mut() }.ok_or_else(|| null_arg("opts"))?;
        f(&mut o.0)
    })
}

/// API key of the flush requests, sent only in the `DD-API-KEY` header. NULL (default): the
/// environment's `DD_API_KEY` at start; `""`: no key. Visible ASCII only, else
/// `DOG_ERR_INVALID_ARGUMENT` (the key is never echoed in the error).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_options_set_api_key(
    opts: *mut DogStatsOptions,
    api_key: *const c_char,
) -> dog_status_t {
    // SAFETY: C string from the caller.
    set(opts, |o| o.set_api_key(unsafe { opt_str(api_key, "api_key")? }))
}

/// API host: `https://host`, `http://host:port` or a bare `host` (https), as
/// `dog_http_set_api_host()`; other schemes, queries or credentials are
/// `DOG_ERR_INVALID_ARGUMENT`. NULL (default): `DATADOG_HOST`, else `https://api.<site>`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_options_set_api_host(
    opts: *mut DogStatsOptions,
    url: *const c_char,
) -> dog_status_t {
    // SAFETY: C string from the caller.
    set(opts, |o| o.set_api_host(unsafe { opt_str(url, "url")? }))
}

/// Datadog site, a domain such as `datadoghq.eu` (not a URL). NULL (default): `DD_SITE`, else
/// `datadoghq.com`.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_options_set_site(opts: *mut DogStatsOptions, site: *const c_char) -> dog_status_t {
    // SAFETY: C string from the caller.
    set(opts, |o| o.set_site(unsafe { opt_str(site, "site")? }))
}

/// dogapi's `flush_interval`: seconds between automatic flushes, in (0, 86400] (default 10).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_flush_interval(opts: *mut DogStatsOptions, seconds: f64) -> dog_status_t {
    set(opts, |o| o.set_flush_interval(seconds))
}

/// dogapi's `roll_up_interval`: width of the aggregation buckets in seconds, in (0, 86400]
/// (default 10). Count series carry `interval` = this value rounded to whole seconds (at
/// least 1).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_roll_up_interval(opts: *mut DogStatsOptions, seconds: f64) -> dog_status_t {
    set(opts, |o| o.set_roll_up_interval(seconds))
}

/// dogapi's `host`: host of every series recorded without one. NULL or `""` (default): this
/// machine's host name.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_options_set_host(opts: *mut DogStatsOptions, host: *const c_char) -> dog_status_t {
    // SAFETY: C string from the caller.
    set(opts, |o| o.set_host(unsafe { opt_str(host, "host")? }))
}

/// dogapi's `device`: device of every series. NULL (default): none (the field is omitted).
#[no_mangle]
pub unsafe extern "C" fn dog_stats_options_set_device(
    opts: *mut DogStatsOptions,
    device: *const c_char,
) -> dog_status_t {
    // SAFETY: C string from the caller.
    set(opts, |o| o.set_device(unsafe { opt_str(device, "device")? }))
}

/// Global tags: a comma-separated list (`"team:core,region:eu"`) added to every context
/// (every series) of the aggregator, together with the tags of Datadog's unified service
/// tagging read from the environment at `dog_stats_start()`: `DD_ENV`, `DD_SERVICE`,
/// `DD_VERSION` (as `env:<v>`, `service:<v>`, `version:<v>`) and `DD_TAGS` (comma or space
/// separated). They join a context once, when it is created (recording calls do not pay for
/// them), sorted with the call's tags, each tag once (a global tag the call already carries is
/// not repeated). Tags are normalised like the call's tags; one longer than 200 characters is
/// `DOG_ERR_INVALID_ARGUMENT` (from the environment it is ignored with a `DOG_LOG_WARN` line).
/// NULL or `""` (default): no global tags besides the environment's.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_options_set_global_tags(
    opts: *mut DogStatsOptions,
    tags: *const c_char,
) -> dog_status_t {
    // SAFETY: C string from the caller.
    set(opts, |o| o.set_global_tags(unsafe { opt_str(tags, "tags")? }))
}

/// dogapi's `use_ec2_instance_ids`: use the EC2 instance id as the host (it wins over the host
/// option, as in dogapi). Default false.
#[no_mangle]
pub extern "C" fn dog_stats_options_set_use_ec2_instance_ids(opts: *mut DogStatsOptions, on: bool) -> dog_status_t {
    set(opts, |o| o.set_use_ec2_instance_ids(on))
}

/// dogapi's `flush_in_thread`: flush from a background thread every flush interval (default
/// true). false: nothing is sent until the caller calls `dog_stats_flush()` or
/// `dog_stats_stop()`. (dogapi's `flush_in_greenlet` has no C meaning and is not offered.)
#[no_mangle]
pub extern "C" fn dog_stats_options_set_flush_in_thread(opts: *mut DogStatsOptions, on: bool) -> dog_status_t {
    set(opts, |o| o.set_flush_in_thread(on))
}

/// dogapi's `disabled`: record and send nothing; every call succeeds (default false).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_disabled(opts: *mut DogStatsOptions, on: bool) -> dog_status_t {
    set(opts, |o| o.set_disabled(on))
}

/// Cap on live contexts (name + tags + host + kind), at least 1 (default 250000). Beyond it new
/// contexts are dropped and counted (`DOG_ERR_CONTEXT_LIMIT`).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_max_contexts(opts: *mut DogStatsOptions, max_contexts: usize) -> dog_status_t {
    set(opts, |o| o.set_max_contexts(max_contexts))
}

/// Cap on compressed bytes kept for retry while the intake fails; beyond it the oldest
/// payloads are dropped (and counted). Any value; 0 keeps nothing for retry (default 64 MiB).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_max_queued_bytes(
    opts: *mut DogStatsOptions,
    max_queued_bytes: usize,
) -> dog_status_t {
    set(opts, |o| o.set_max_queued_bytes(max_queued_bytes))
}

/// Cap on the compressed size of one request, in [1024, 3200000] (default 3200000, the
/// intake's limit for v1 series).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_max_payload_bytes(
    opts: *mut DogStatsOptions,
    max_payload_bytes: usize,
) -> dog_status_t {
    set(opts, |o| o.set_max_payload_bytes(max_payload_bytes))
}

/// Values a distribution keeps per context and bucket (`dog_stats_distribution()`), in
/// [1, 8388608] (default 10000). Values beyond it are dropped and counted
/// (`DOG_STATS_DROPPED_DISTRIBUTION_VALUES`), never sampled. Memory: 8 bytes per value kept,
/// per distribution context and bucket not yet flushed; threads recording into one context use
/// up to 4 stripes, each capped on its own, so a bucket may hold up to 4x the cap until the
/// flush cuts it to the cap (and counts the rest as dropped).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_max_distribution_values(
    opts: *mut DogStatsOptions,
    max_distribution_values: usize,
) -> dog_status_t {
    set(opts, |o| o.set_max_distribution_values(max_distribution_values))
}

/// Default time `dog_stats_stop()` / `dog_stats_free()` may take, in seconds, in (0, 86400]
/// (default 5).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_shutdown_timeout(opts: *mut DogStatsOptions, seconds: f64) -> dog_status_t {
    set(opts, |o| o.set_shutdown_timeout(seconds))
}

/// Flush at exit (default true), for the instance of `dog_stats_default()` only: when the
/// process exits normally (`exit()`, or returning from `main`), an `atexit` handler registered
/// by the default instance's first `dog_stats_start()` sends everything it holds, the current
/// bucket included, as `dog_stats_stop()` would, and gives up after the shutdown timeout (what
/// is unsent then is dropped: the exit is never held longer, even by a hung intake). It runs
/// also after `dog_stats_stop()` (sending what was recorded since, if anything) and in a forked
/// child that exits normally (sending only the child's own points). `_exit()`, a signal or
/// `abort()` flush nothing. Points recorded by other `atexit` handlers that run after it (those
/// registered before that `dog_stats_start()`) are not sent. false: nothing is sent at exit.
#[no_mangle]
pub extern "C" fn dog_stats_options_set_flush_at_exit(opts: *mut DogStatsOptions, on: bool) -> dog_status_t {
    set(opts, |o| o.set_flush_at_exit(on))
}

/// Timeout of one flush request in seconds, in (0, 86400] (default 5).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_request_timeout(opts: *mut DogStatsOptions, seconds: f64) -> dog_status_t {
    set(opts, |o| o.set_request_timeout(seconds))
}

/// Where the aggregator sends its closed buckets (dogapi's `statsd=True, statsd_host=,
/// statsd_port=` is `"udp://<statsd_host>:<statsd_port>"`):
/// - NULL (default): the environment decides at `dog_stats_start()`, like the official
///   DogStatsD clients: `DD_DOGSTATSD_URL`, else `DD_AGENT_HOST` (+ `DD_DOGSTATSD_PORT`,
///   default 8125) select the Datadog Agent; neither set: the HTTP API (a malformed variable
///   makes the start fail with `DOG_ERR_INVALID_ARGUMENT`). Options with an explicit API host
///   (`dog_stats_options_set_api_host`) keep the HTTP API whatever the environment says;
/// - `""`: the HTTP API, whatever the environment says;
/// - a URL: the Datadog Agent over DogStatsD at `udp://host:port` (port default 8125,
///   `[v6]:port` for IPv6), `unix:///path` (Unix datagram socket, stream if the socket is
///   one), `unixgram:///path` or `unixstream:///path` (4-byte length-prefixed frames).
///
/// With the Agent, no API key is needed: counters and gauges are still aggregated per bucket
/// (one line per context and bucket), a histogram's sample is sent packed with its sample rate
/// so the Agent computes the statistics for the whole host; recording never waits for the
/// socket, and what is dropped is counted (`DOG_STATS_DOGSTATSD_*` telemetry);
/// `dog_stats_flush()` / `dog_stats_stop()` wait for the sender (bounded by the request /
/// shutdown timeout) and return `DOG_ERR_CONNECTION` when packets were dropped meanwhile
/// because no Agent listens on the Unix socket (over UDP an absent Agent goes unnoticed, as
/// with every DogStatsD client). A point's host goes as a `host:` tag (the Agent otherwise
/// uses its own host name; the `host` option, if set, for points without one), `device` as a
/// `device:` tag. Any other scheme, a relative socket path or a bad port is
/// `DOG_ERR_INVALID_ARGUMENT` (option unchanged); the Agent need not be listening yet.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_options_set_dogstatsd_url(
    opts: *mut DogStatsOptions,
    url: *const c_char,
) -> dog_status_t {
    // SAFETY: C string from the caller.
    set(opts, |o| o.set_dogstatsd_url(unsafe { opt_str(url, "url")? }))
}

/// DogStatsD sink: origin detection, i.e. sending this process's container id (`|c:`, from
/// `/proc/self/cgroup` or the cgroup inode) so the Agent tags the points with the container's
/// tags (default true; `DD_ORIGIN_DETECTION_ENABLED=false` also turns it off). `DD_ENTITY_ID`
/// is sent (as the `dd.internal.entity_id` tag) either way.
#[no_mangle]
pub extern "C" fn dog_stats_options_set_origin_detection(opts: *mut DogStatsOptions, on: bool) -> dog_status_t {
    set(opts, |o| o.set_origin_detection(on))
}

/// DogStatsD sink: the client telemetry the official clients send to the Agent every 10 s
/// (`datadog.dogstatsd.client.metrics`, `.packets_sent`, `.packets_dropped`, … tagged
/// `client:libdogapi`), default true. The same counters are readable from C either way
/// (`DOG_STATS_DOGSTATSD_*` telemetry ids).
#[no_mangle]
pub extern "C" fn dog_stats_options_set_dogstatsd_telemetry(opts: *mut DogStatsOptions, on: bool) -> dog_status_t {
    set(opts, |o| o.set_dogstatsd_telemetry(on))
}

/// DogStatsD sink: largest packet sent, 0 (default: 1432 bytes over UDP, no IP fragmentation
/// on a 1500-byte MTU; 8192 over Unix sockets, the Agent's default buffer) or in
/// [256, 65467]. Larger than the Agent's `dogstatsd_buffer_size`, packets are truncated by it.
#[no_mangle]
pub extern "C" fn dog_stats_options_set_dogstatsd_max_packet_bytes(
    opts: *mut DogStatsOptions,
    max_packet_bytes: usize,
) -> dog_status_t {
    set(opts, |o| o.set_dogstatsd_max_packet_bytes(max_packet_bytes))
}
