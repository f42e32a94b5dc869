//! Runs a recording loop on N threads started together and measures, per thread, wall time and
//! thread CPU time (`CLOCK_THREAD_CPUTIME_ID`) per call.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::Instant;

/// One run: nanoseconds per call per thread (the slowest thread's figure when several ran).
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub wall: f64,
    pub cpu: f64,
    /// CPU time of all threads / wall time of the longest: how many cores the run really had.
    /// 2 threads truly in parallel: ~2.0; near 1.0: they shared one core or ran one after
    /// the other (load), and the row says little about contention.
    pub par: f64,
}

fn thread_cpu_ns() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: valid out-pointer; CLOCK_THREAD_CPUTIME_ID exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1e9 + t.tv_nsec as f64
}

/// Calls `f(thread, i)` `iters` times on each of `threads` threads (after one untimed warm-up
/// call each), all released by one barrier; returns the slowest thread's wall and CPU ns/call.
pub fn run<F: Fn(usize, u64) + Sync>(threads: usize, iters: u64, f: &F) -> Sample {
    let barrier = Barrier::new(threads);
    let per_thread: Vec<(Instant, Instant, f64)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|t| {
                let barrier = &barrier;
                s.spawn(move || {
                    f(t, 0);
                    barrier.wait();
                    let c0 = thread_cpu_ns();
                    let t0 = Instant::now();
                    for i in 0..iters {
                        f(black_box(t), black_box(i));
                    }
                    let t1 = Instant::now();
                    let cpu = thread_cpu_ns() - c0;
                    (t0, t1, cpu / iters as f64)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("bench thread panicked")).collect()
    });
    let longest = per_thread.iter().map(|p| (p.1 - p.0).as_secs_f64()).fold(0.0, f64::max);
    let cpu_total: f64 = per_thread.iter().map(|p| p.2).sum::<f64>() * iters as f64 / 1e9;
    Sample {
        wall: longest * 1e9 / iters as f64,
        cpu: per_thread.iter().map(|p| p.2).fold(0.0, f64::max),
        par: if longest > 0.0 { cpu_total / longest } else { 0.0 },
    }
}

/// Median of a non-empty slice (mean of the two middle values for an even count).
pub fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

pub fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

pub fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}
