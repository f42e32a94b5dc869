//! Telemetry: what the aggregator and its sink did, as one list of counters.
//!
//! [`dog_stats_telemetry_id_t`] is THE list: its variants are the counter ids of the C API
//! (cbindgen copies the enum into `dogapi.h`; it does not expand macros, so the list is a
//! plain enum), its doc comments are the header's documentation, [`name`] is checked
//! exhaustively by the compiler, and [`Telemetry`] is an array indexed by it. Adding a counter
//! = one variant before `DOG_STATS_TELEMETRY_COUNT` + its arm in [`name`]; ids never change.
//!
//! Most ids are monotonic counters kept here (`add`); a few are read-outs computed when the
//! telemetry is read (live contexts, points recorded, what the sink holds now): the aggregator
//! and the sink fill those into a [`Snapshot`].

use std::sync::atomic::{AtomicU64, Ordering};

/// Ids of the stats telemetry values, read with `dog_stats_telemetry_get()` /
/// `dog_stats_telemetry_read()`. "Series" are what the HTTP sink sends: one per counter or
/// gauge context and bucket, 8 per histogram context and bucket, each with one point, and one
/// per distribution context and bucket (to `/api/v1/distribution_points`, every value); with the
/// DogStatsD sink (`dog_stats_options_set_dogstatsd_url`) `DOG_STATS_FLUSHES`,
/// `DOG_STATS_SERIES_FLUSHED` (one per context and bucket: one line, or one packed histogram or
/// distribution) and `DOG_STATS_DROPPED_SERIES_INVALID` count what it encoded, the
/// `DOG_STATS_DOGSTATSD_*` ids what it sent and dropped, and the HTTP ids stay 0. Values
/// start at 0 at `dog_stats_new()` and in a forked child. Ids are stable: new ones are only
/// added before `DOG_STATS_TELEMETRY_COUNT`, whose value grows with them.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dog_stats_telemetry_id_t {
    /// Points recorded (after sampling).
    DOG_STATS_POINTS_RECORDED = 0,
    /// Points not kept because of `sample_rate` < 1.
    DOG_STATS_POINTS_SAMPLED_OUT = 1,
    /// Live contexts now.
    DOG_STATS_CONTEXTS = 2,
    /// Flushes that produced at least one series (dogapi's `flush_count`).
    DOG_STATS_FLUSHES = 3,
    /// Series produced by flushes.
    DOG_STATS_SERIES_FLUSHED = 4,
    /// Requests accepted by the intake (2xx).
    DOG_STATS_PAYLOADS_SENT = 5,
    /// Series in those requests.
    DOG_STATS_SERIES_SENT = 6,
    /// Compressed bytes in those requests.
    DOG_STATS_BYTES_SENT = 7,
    /// Failed sends whose payload was queued again.
    DOG_STATS_RETRIES = 8,
    /// Payloads waiting in the retry queue now.
    DOG_STATS_PAYLOADS_QUEUED = 9,
    /// Series in them.
    DOG_STATS_SERIES_QUEUED = 10,
    /// Compressed bytes in them.
    DOG_STATS_BYTES_QUEUED = 11,
    /// Points dropped because the live-context cap was reached.
    DOG_STATS_DROPPED_POINTS_CONTEXT_LIMIT = 12,
    /// Series dropped because the retry queue was full.
    DOG_STATS_DROPPED_SERIES_QUEUE_FULL = 13,
    /// Series dropped because the intake rejected them (4xx other than 408/429).
    DOG_STATS_DROPPED_SERIES_REJECTED = 14,
    /// Series unsent when a stop reached its deadline, counted when the stop returns (a
    /// request still in flight then included).
    DOG_STATS_DROPPED_SERIES_SHUTDOWN = 15,
    /// Series dropped because their value was not finite (e.g. an overflowing counter).
    DOG_STATS_DROPPED_SERIES_INVALID = 16,
    /// Series dropped before sending because one series alone, compressed, exceeds
    /// `max_payload_bytes` (it cannot be split; the intake would refuse it).
    DOG_STATS_DROPPED_SERIES_OVERSIZED = 17,
    /// Series already counted in `DOG_STATS_DROPPED_SERIES_SHUTDOWN` whose request, in flight
    /// at the stop deadline, was accepted by the intake afterwards (counted only here, not in
    /// `DOG_STATS_SERIES_SENT`).
    DOG_STATS_SERIES_DELIVERED_AFTER_SHUTDOWN = 18,
    /// DogStatsD sink: packets written to the Agent's socket.
    DOG_STATS_DOGSTATSD_PACKETS_SENT = 19,
    /// DogStatsD sink: bytes in those packets (without a Unix stream frame's length prefix).
    DOG_STATS_DOGSTATSD_BYTES_SENT = 20,
    /// DogStatsD sink: packets dropped because the sender thread's queue was full (recording
    /// and flushing never wait for the socket).
    DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE = 21,
    /// DogStatsD sink: packets dropped by the writer: socket buffer full, no Agent listening,
    /// or another write error (each tried again once on a fresh connection after a lost one).
    DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER = 22,
    /// DogStatsD sink: lines (or single packed values) dropped because one alone exceeds the
    /// maximum packet size (e.g. a very long tag list).
    DOG_STATS_DOGSTATSD_LINES_DROPPED_OVERSIZE = 23,
    /// Distribution values dropped because their context already held
    /// `max_distribution_values` values in that bucket (counted when the bucket is flushed;
    /// they were counted in `DOG_STATS_POINTS_RECORDED` when recorded).
    DOG_STATS_DROPPED_DISTRIBUTION_VALUES = 24,
    /// Not a counter: the number of ids this header knows (size of a `dog_stats_telemetry_read`
    /// array). It grows when counters are added.
    DOG_STATS_TELEMETRY_COUNT = 25,
}

pub use dog_stats_telemetry_id_t as Counter;
use dog_stats_telemetry_id_t::*;

/// Number of counter ids.
pub(crate) const COUNT: usize = DOG_STATS_TELEMETRY_COUNT as usize;

/// The static name of a counter id (the id's name without `DOG_STATS_`, lowercase).
pub fn name(id: Counter) -> &'static str {
    c_name(id).to_str().expect("ASCII names")
}

/// [`name`] as a NUL-terminated string (the C API hands it out).
pub fn c_name(id: Counter) -> &'static std::ffi::CStr {
    match id {
        DOG_STATS_POINTS_RECORDED => c"points_recorded",
        DOG_STATS_POINTS_SAMPLED_OUT => c"points_sampled_out",
        DOG_STATS_CONTEXTS => c"contexts",
        DOG_STATS_FLUSHES => c"flushes",
        DOG_STATS_SERIES_FLUSHED => c"series_flushed",
        DOG_STATS_PAYLOADS_SENT => c"payloads_sent",
        DOG_STATS_SERIES_SENT => c"series_sent",
        DOG_STATS_BYTES_SENT => c"bytes_sent",
        DOG_STATS_RETRIES => c"retries",
        DOG_STATS_PAYLOADS_QUEUED => c"payloads_queued",
        DOG_STATS_SERIES_QUEUED => c"series_queued",
        DOG_STATS_BYTES_QUEUED => c"bytes_queued",
        DOG_STATS_DROPPED_POINTS_CONTEXT_LIMIT => c"dropped_points_context_limit",
        DOG_STATS_DROPPED_SERIES_QUEUE_FULL => c"dropped_series_queue_full",
        DOG_STATS_DROPPED_SERIES_REJECTED => c"dropped_series_rejected",
        DOG_STATS_DROPPED_SERIES_SHUTDOWN => c"dropped_series_shutdown",
        DOG_STATS_DROPPED_SERIES_INVALID => c"dropped_series_invalid",
        DOG_STATS_DROPPED_SERIES_OVERSIZED => c"dropped_series_oversized",
        DOG_STATS_SERIES_DELIVERED_AFTER_SHUTDOWN => c"series_delivered_after_shutdown",
        DOG_STATS_DOGSTATSD_PACKETS_SENT => c"dogstatsd_packets_sent",
        DOG_STATS_DOGSTATSD_BYTES_SENT => c"dogstatsd_bytes_sent",
        DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE => c"dogstatsd_packets_dropped_queue",
        DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER => c"dogstatsd_packets_dropped_writer",
        DOG_STATS_DOGSTATSD_LINES_DROPPED_OVERSIZE => c"dogstatsd_lines_dropped_oversize",
        DOG_STATS_DROPPED_DISTRIBUTION_VALUES => c"dropped_distribution_values",
        DOG_STATS_TELEMETRY_COUNT => c"telemetry_count",
    }
}

/// The id of a raw number, `None` beyond the list.
pub fn from_u32(id: u32) -> Option<Counter> {
    if (id as usize) < COUNT {
        // SAFETY: repr(u32) with contiguous discriminants 0..COUNT (checked by a test).
        Some(unsafe { std::mem::transmute::<u32, Counter>(id) })
    } else {
        None
    }
}

/// Every counter id, in order.
pub fn all() -> impl Iterator<Item = Counter> {
    (0..COUNT as u32).filter_map(from_u32)
}

/// The shared counters: one atomic per id (the read-out ids stay 0 here).
pub struct Telemetry([AtomicU64; COUNT]);

impl Default for Telemetry {
    fn default() -> Self {
        Telemetry(std::array::from_fn(|_| AtomicU64::new(0)))
    }
}

impl Telemetry {
    #[inline]
    pub fn add(&self, id: Counter, n: u64) {
        if n > 0 {
            self.0[id as usize].fetch_add(n, Ordering::Relaxed);
        }
    }

    pub fn get(&self, id: Counter) -> u64 {
        self.0[id as usize].load(Ordering::Relaxed)
    }

    /// Every counter to 0 (fork child).
    pub fn reset(&self) {
        for c in &self.0 {
            c.store(0, Ordering::Relaxed);
        }
    }

    /// The counters, for the read-out ids to be filled in by their owners.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(std::array::from_fn(|i| self.0[i].load(Ordering::Relaxed)))
    }
}

/// One read-out of every id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot(pub [u64; COUNT]);

impl Snapshot {
    pub fn get(&self, id: Counter) -> u64 {
        self.0[id as usize]
    }

    pub fn set(&mut self, id: Counter, v: u64) {
        self.0[id as usize] = v;
    }
}

impl std::ops::Index<Counter> for Snapshot {
    type Output = u64;
    fn index(&self, id: Counter) -> &u64 {
        &self.0[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_contiguous_and_names_unique() {
        let ids: Vec<Counter> = all().collect();
        assert_eq!(ids.len(), COUNT);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(*id as usize, i);
            assert_eq!(format!("DOG_STATS_{}", name(*id).to_uppercase()), format!("{id:?}"));
        }
        assert!(from_u32(COUNT as u32).is_none());
    }
}
