//! libdogapi: Datadog's classic Python client `dogapi` rebuilt in Rust and exported as a C ABI
//! (`include/dogapi.h`, generated from [`ffi`] by `scripts/gen-header.sh`): the HTTP API client
//! (`DogHttpApi`: events, metrics, service checks, monitors, downtimes, dashboards, tags, ...)
//! and the in-process metrics aggregator (`DogStatsApi`: counters, gauges, histograms, timers
//! aggregated into buckets and flushed in the background).
//!
//! Layers (dependencies point downward only; `docs/ARCHITECTURE.md` has the whole picture):
//! - [`ffi`]: the thin C ABI, one file per C type or API resource: NULL / UTF-8 / number checks,
//!   the panic boundary, handle casting, `dog_status_t` and `dog_last_error()`. No logic.
//! - [`stats`]: the aggregator (contexts, buckets, histograms, payloads, the flusher, fork
//!   handling) behind `dog_stats_t`.
//! - [`http`]: the API client behind `dog_http_t`: options, transport, backoff, response
//!   rules, and one file per API resource.
//! - [`error`], [`log`], [`tags`], [`host`]: the shared bottom (error kinds, the log sink, the
//!   comma-separated tag lists that cross the ABI, the host name); [`global_tags`]: the tags
//!   from `DD_ENV` / `DD_SERVICE` / `DD_VERSION` / `DD_TAGS` and the global-tags options.

pub mod dogstatsd;
pub mod error;
pub mod ffi;
pub mod fork;
pub mod global_tags;
pub mod host;
pub mod http;
pub mod log;
pub mod metric_rules;
pub mod secrets;
pub mod stats;
pub mod tags;
