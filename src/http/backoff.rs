//! dogapi's timeout/backoff state machine (reference §2.7), per client.
//!
//! After `max_timeouts` timeouts with no successful send in between, the next call enters
//! backoff and every call is refused until `backoff_period` has passed; the call that finds the
//! period over is sent and resets the state. Unlike dogapi, every timeout counts (connect,
//! send or read).

use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Backoff {
    timeouts: u32,
    since: Option<Instant>,
}

impl Backoff {
    /// `Ok` lets the call through; `Err(left)` refuses it for `left` more time.
    pub fn check(&mut self, now: Instant, max_timeouts: u32, period: Duration) -> Result<(), Duration> {
        match self.since {
            None if self.timeouts >= max_timeouts => {
                self.since = Some(now);
                Err(period)
            }
            Some(since) => {
                let elapsed = now.saturating_duration_since(since);
                if elapsed > period {
                    self.since = None;
                    self.timeouts = 0;
                    Ok(())
                } else {
                    Err(period - elapsed)
                }
            }
            None => Ok(()),
        }
    }

    pub fn on_timeout(&mut self) {
        self.timeouts = self.timeouts.saturating_add(1);
    }

    /// A request reached the server (a response arrived).
    pub fn on_sent(&mut self) {
        self.timeouts = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_matches_dogapi() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        let p = Duration::from_secs(2);
        for _ in 0..3 {
            assert!(b.check(t0, 3, p).is_ok());
            b.on_timeout();
        }
        assert_eq!(b.check(t0, 3, p), Err(p)); // 4th call enters backoff
        assert!(b.check(t0 + Duration::from_secs(1), 3, p).is_err());
        assert!(b.check(t0 + Duration::from_millis(2100), 3, p).is_ok()); // exits, is sent
        assert!(b.check(t0 + Duration::from_millis(2100), 3, p).is_ok());
    }

    #[test]
    fn zero_max_timeouts_backs_off_at_once_and_success_resets() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        assert!(b.check(t0, 0, Duration::from_secs(1)).is_err());
        let mut b = Backoff::default();
        b.on_timeout();
        b.on_timeout();
        b.on_sent();
        b.on_timeout();
        assert!(b.check(t0, 3, Duration::from_secs(1)).is_ok());
    }
}
