//! The HTTP sink's bounded retry queue, its back-off, and the payloads in flight.

use super::payload::Payload;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Backoff for a failed send without a server-given delay: 1 s doubling to 60 s.
pub fn backoff(attempts: u32) -> Duration {
    Duration::from_secs(1u64 << attempts.saturating_sub(1).min(6)).min(Duration::from_secs(60))
}

/// A payload waiting to be (re)sent.
pub struct Queued {
    pub p: Payload,
    pub attempts: u32,
    pub not_before: Instant,
    /// The intake asked us to wait (429): even an explicit flush honours that.
    pub rate_limited: bool,
}

impl Queued {
    pub fn new(p: Payload) -> Queued {
        Queued { p, attempts: 0, not_before: Instant::now(), rate_limited: false }
    }
}

/// Payloads waiting, oldest first, with their compressed size, and the series of the payloads
/// being sent now (by token), so that a stop can count those too.
#[derive(Default)]
pub struct Queue {
    items: VecDeque<Queued>,
    bytes: usize,
    in_flight: Vec<(u64, u64)>,
    next_token: u64,
}

impl Queue {
    pub fn push_back(&mut self, q: Queued) {
        self.bytes += q.p.compressed.len();
        self.items.push_back(q);
    }

    pub fn push_front(&mut self, q: Queued) {
        self.bytes += q.p.compressed.len();
        self.items.push_front(q);
    }

    pub fn pop_front(&mut self) -> Option<Queued> {
        let q = self.items.pop_front()?;
        self.bytes -= q.p.compressed.len();
        Some(q)
    }

    pub fn front(&self) -> Option<&Queued> {
        self.items.front()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// (payloads, series, bytes) waiting.
    pub fn totals(&self) -> (u64, u64, u64) {
        (self.items.len() as u64, self.items.iter().map(|i| i.p.series).sum(), self.bytes as u64)
    }

    /// Pops the front item and marks its series in flight; the token goes to [`land`](Self::land).
    pub fn take_for_send(&mut self) -> Option<(Queued, u64)> {
        let q = self.pop_front()?;
        self.next_token += 1;
        self.in_flight.push((self.next_token, q.p.series));
        Some((q, self.next_token))
    }

    /// The request of `token` finished: `false` when [`clear`](Self::clear) already counted
    /// it as dropped (the sender must then not count or requeue it).
    pub fn land(&mut self, token: u64) -> bool {
        match self.in_flight.iter().position(|(t, _)| *t == token) {
            Some(i) => {
                self.in_flight.swap_remove(i);
                true
            }
            None => false,
        }
    }

    /// Drops everything waiting and in flight; returns their series.
    pub fn clear(&mut self) -> u64 {
        let series =
            self.items.iter().map(|q| q.p.series).sum::<u64>() + self.in_flight.iter().map(|(_, s)| s).sum::<u64>();
        self.items.clear();
        self.in_flight.clear();
        self.bytes = 0;
        series
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(series: u64, len: usize) -> Payload {
        Payload {
            endpoint: crate::stats::sink::payload::Endpoint::Series,
            compressed: vec![0u8; len].into(),
            series,
            raw_len: len,
        }
    }

    #[test]
    fn backoff_doubles_to_a_minute() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(7), Duration::from_secs(60));
        assert_eq!(backoff(100), Duration::from_secs(60));
    }

    #[test]
    fn in_flight_series_are_cleared_once() {
        let mut q = Queue::default();
        q.push_back(Queued::new(p(3, 10)));
        q.push_back(Queued::new(p(4, 20)));
        let (_, t) = q.take_for_send().unwrap();
        assert_eq!(q.totals(), (1, 4, 20));
        assert_eq!(q.clear(), 7);
        assert!(!q.land(t), "a cleared request lands uncounted");
        let mut q = Queue::default();
        q.push_back(Queued::new(p(3, 10)));
        let (_, t) = q.take_for_send().unwrap();
        assert!(q.land(t));
        assert_eq!(q.clear(), 0);
    }
}
