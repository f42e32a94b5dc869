//! The clocks of the stats aggregator.

/// Wall-clock seconds from the coarse clock (a few ms resolution, a few ns to read): enough to
/// pick a bucket, and cheap enough for the hot path.
#[inline]
pub fn now_coarse() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid out-pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut ts) };
    if rc != 0 {
        return crate::http::metrics::now();
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Wall-clock nanoseconds from the coarse clock: the hot paths compare it with the bounds of
/// the bucket they last used (`cache::BucketMemo::now`), integer compares instead of the
/// seconds conversion of [`now_coarse`] (which, with the division, was half the cost of a
/// counter handle's add in perf).
#[inline]
pub fn coarse_nanos() -> i64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid out-pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut ts) };
    if rc != 0 {
        return (crate::http::metrics::now() * 1e9) as i64;
    }
    ts.tv_sec.saturating_mul(1_000_000_000).saturating_add(ts.tv_nsec)
}

/// Precise wall-clock seconds.
pub fn now() -> f64 {
    crate::http::metrics::now()
}

/// Monotonic seconds (timers).
pub fn monotonic() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}
