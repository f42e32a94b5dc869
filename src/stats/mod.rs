//! The stats aggregator (dogapi's `DogStatsApi`): counters, gauges, histograms, distributions
//! and timers aggregated in process into time buckets and sent out through a sink (by default
//! the HTTP sink, posting to `/api/v1/series` and `/api/v1/distribution_points`).
//!
//! Semantics: reference §4 with DESIGN §4's corrections. Layout, one job per file:
//! - [`lifecycle`]: `Stats`, start / flush / stop, closing buckets into the sink, telemetry
//!   read-out, fork hooks; [`flusher`]: the background thread; [`clock`]: the clocks;
//! - [`record`]: recording, and the cache-else-validate protocol of the C entry points;
//! - [`key`]: context identity without allocation; [`aggregator`]: the sharded context map;
//!   [`cache`]: the per-thread context cache; [`stripes`]: the striped state of histograms
//!   and distributions; [`histogram`]: reservoir and percentiles; [`distribution`]: the
//!   capped values of a distribution bucket;
//! - [`sink`]: the `Sink` seam, and [`sink::http`] (series payloads, retry queue, verdicts);
//! - [`telemetry`]: the one list of counters; [`options`]; fork(): `lifecycle.rs` registers each
//!   instance with `crate::fork`;
//!   [`exit`]: the default instance's flush at process exit.

pub mod aggregator;
pub mod cache;
pub mod clock;
pub mod distribution;
pub mod exit;
pub mod flusher;
pub mod handle;
pub mod histogram;
pub mod key;
pub mod lifecycle;
pub mod options;
pub mod points;
pub mod record;
pub mod sink;
pub mod stripes;
pub mod tally;
pub mod telemetry;

pub use clock::{monotonic, now, now_coarse};
pub use key::Kind;
pub use lifecycle::Stats;
pub use options::StatsOptions;
pub use record::{Point, RawPoint};
pub use telemetry::{Counter, Snapshot};

#[cfg(test)]
mod tests;
