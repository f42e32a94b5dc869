//! The `Sink` seam: the one way points leave the process.
//!
//! The aggregator closes buckets; the lifecycle code (`lifecycle.rs`, `flusher.rs`) moves the
//! closed buckets out of the map and hands them to the instance's sink, then asks the sink to
//! send. What a sink does with them is its own business: [`http::HttpSink`] (the default)
//! renders `/api/v1/series` payloads, keeps a bounded retry queue with back-off and honours
//! the intake's `Retry-After` / `X-RateLimit-Reset`; [`dogstatsd::DogStatsdSink`] writes
//! DogStatsD datagrams to the Datadog Agent (chosen by `StatsOptions::resolve_sink`).
//!
//! # Threads
//! A sink is shared (`Arc<dyn Sink>`) and every method takes `&self`; it must be `Send + Sync`.
//! - [`submit`](Sink::submit) and [`send`](Sink::send) are called by whichever thread flushes:
//!   the background flusher thread ("dogapi-stats"), a caller of `dog_stats_flush()`, or a
//!   caller of `dog_stats_stop()` / `dog_stats_free()` / a restart. Two of them may run at
//!   once (a user flush while the flusher thread sends): a sink serialises what it must.
//! - [`next_due`](Sink::next_due) is called by the flusher thread to decide when to wake up.
//! - [`abandon`](Sink::abandon) is called by the thread in `dog_stats_stop()` when the
//!   deadline passed while another thread may still be blocked inside `send` (a hung intake):
//!   it must not wait for that thread.
//! - [`read_out`](Sink::read_out) is called by any thread reading the telemetry.
//! - The `fork_*` hooks run inside `pthread_atfork` handlers (see `fork.rs`): no allocation
//!   that could deadlock, no thread creation.
//! - [`event`](Sink::event) and [`service_check`](Sink::service_check) are called by the
//!   thread in `dog_stats_event_post()` / `dog_stats_service_check_post()`, at any time and
//!   concurrently with a flush: the DogStatsD sink only encodes into its client (never waits
//!   for the socket); the HTTP sink sends one request on that thread, bounded by the request
//!   timeout, beside the series (never through the retry queue).
//! - No other method is ever called from a recording thread: recording never waits for a sink.
//!
//! # Ownership
//! [`submit`](Sink::submit) takes the closed buckets by value: each [`Closed`] holds an
//! `Arc<Context>` (name, sorted comma-joined tags, host, kind; immutable) and the bucket's
//! aggregated value. A sink keeps what it needs (the HTTP sink renders and compresses once,
//! then queues the compressed bytes; a retry sends the same bytes, shared, never copied).
//!
//! # Deadlines
//! `send(SendMode::Shutdown(deadline))` returns by `deadline` (each request is bounded by the
//! time left); `abandon` returns at once. After `abandon` returned, everything the sink held
//! (queued or in flight) has been counted as dropped at shutdown; a request in flight that
//! completes later is not counted again as sent, retried or dropped (the HTTP sink counts an
//! accepted one under `DOG_STATS_SERIES_DELIVERED_AFTER_SHUTDOWN`).
//!
//! # Telemetry
//! A sink is given the instance's shared [`Telemetry`] when it is built and adds to it what it
//! flushed, sent, queued for retry and dropped (by cause); [`read_out`](Sink::read_out) fills
//! the read-out ids it owns (what it holds now) into a telemetry snapshot.
//!
//! # Value kinds
//! [`Aggregate`] is the per-context, per-bucket value: counter, gauge, histogram summary, or
//! distribution ([`Aggregate::Distribution`]: every value kept, `dropped` beyond the cap,
//! `DistAgg::sample_rate()` the effective rate; the HTTP sink sends them to
//! `/api/v1/distribution_points`). A new kind is a new variant carrying its data, and every
//! sink's `match` then fails to compile until it handles it.

pub mod dogstatsd;
pub mod events;
pub mod http;
pub mod payload;
pub mod queue;
pub mod verdict;

pub use super::aggregator::{Aggregate, Closed, Context};
pub use super::histogram::HistAgg;
pub use super::telemetry::{Counter, Snapshot, Telemetry};
use crate::error::Error;
use std::time::Instant;

/// How hard a [`Sink::send`] tries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendMode {
    /// The flusher thread: honours every back-off.
    Background,
    /// `dog_stats_flush()`: tries now, except what the intake asked to hold back (429).
    Manual,
    /// Stop / free / restart: keeps trying until the deadline, each attempt bounded by the time
    /// left; returns by the deadline.
    Shutdown(Instant),
}

/// Where closed buckets go. See the module documentation for threads, ownership, deadlines.
pub trait Sink: Send + Sync {
    /// Takes one flush's closed buckets (never empty). `Err` when the sink had to drop
    /// something to take them (e.g. its bounded queue was full; counted by the sink).
    fn submit(&self, closed: Vec<Closed>) -> Result<(), Error>;

    /// Sends what is pending, as `mode` allows. `Ok` when nothing failed; the last failure
    /// otherwise (what failed is kept for a retry or dropped and counted, as the sink decides).
    fn send(&self, mode: SendMode) -> Result<(), Error>;

    /// When the flusher thread should call `send` again for the sink's own schedule (retry
    /// back-off), `None`: only at the next flush interval.
    fn next_due(&self) -> Option<Instant>;

    /// Drops everything the sink holds, queued or in flight, and counts it under
    /// `DOG_STATS_DROPPED_SERIES_SHUTDOWN` before returning (without waiting for a thread
    /// blocked in `send`). Returns how many units (series) were dropped.
    fn abandon(&self) -> u64;

    /// Sends one event (checked: [`events`]) from the calling thread, now; `Err` when it was
    /// not delivered (HTTP) or not handed to the sender (DogStatsD), with the reason.
    fn event(&self, e: &events::Event<'_>) -> Result<(), Error>;

    /// Sends one service check run, as [`event`](Sink::event).
    fn service_check(&self, sc: &events::ServiceCheck<'_>) -> Result<(), Error>;

    /// Fills the read-out ids this sink owns (what it holds now) into `snap`.
    fn read_out(&self, snap: &mut Snapshot);

    /// `pthread_atfork` prepare: take every lock of the sink (released by `fork_parent` or
    /// reset by `fork_child`), after the aggregator's instance locks were taken.
    fn fork_prepare(&self);

    /// # Safety
    /// Only in the parent after `fork_prepare` on this thread.
    unsafe fn fork_parent(&self);

    /// In the child after `fork_prepare`: drop everything inherited (never send the parent's
    /// data; never use its connections), then release the locks.
    ///
    /// # Safety
    /// Only in the forked child (one thread) after `fork_prepare`.
    unsafe fn fork_child(&self);

    /// Stop / free: sends until `deadline`, then drops (and counts) what is left. `Ok` when
    /// everything was delivered.
    fn shutdown(&self, deadline: Instant) -> Result<(), Error> {
        let sent = self.send(SendMode::Shutdown(deadline));
        let left = self.abandon();
        if left > 0 {
            let msg = format!("stats: stopped with {left} series unsent (dropped)");
            if crate::log::enabled(crate::log::Level::Error) {
                crate::log::emit(crate::log::Level::Error, &msg);
            }
            return Err(sent.err().unwrap_or_else(|| Error::new(crate::error::ErrorKind::Timeout, msg)));
        }
        sent
    }
}
