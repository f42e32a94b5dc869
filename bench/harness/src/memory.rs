//! Row (g): resident memory per context, one shot (no rounds): `contexts` counter contexts
//! with 2 tags created in a fresh libdogapi instance, then as many metrics-rs counters
//! (runtime-string names, the same labels) in its registry. RSS from /proc/self/statm; the
//! names are built before each measurement, so only what the library keeps is counted.

use crate::ours::{Ours, Setup};
use dogapi::ffi::stats::dog_stats_increment;
use metrics::counter;
use std::ffi::CString;

fn rss_bytes() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0.0);
    // SAFETY: sysconf has no preconditions.
    pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as f64
}

/// Bytes per context: (libdogapi, metrics-rs, name + tag bytes per context).
pub fn per_context(contexts: usize) -> (f64, f64, f64) {
    let names: Vec<String> = (0..contexts).map(|i| format!("bench.mem.{i:06}")).collect();
    let strings = names.iter().map(|n| n.len() + "a:1,b:2".len()).sum::<usize>() as f64 / contexts as f64;
    let ours = Ours::start(&Setup {
        api_host: "http://127.0.0.1:9",
        roll_up: 86_400.0,
        flush_in_thread: false,
        dogstatsd: None,
    });
    let cnames: Vec<CString> = names.iter().map(|n| CString::new(n.as_str()).expect("name")).collect();
    let before = rss_bytes();
    for n in &cnames {
        // SAFETY: live handle, NUL-terminated strings.
        unsafe { dog_stats_increment(ours.0, n.as_ptr(), 1.0, c"a:1,b:2".as_ptr()) };
    }
    let ours_bytes = (rss_bytes() - before) / contexts as f64;
    let owned: Vec<String> = names.clone();
    let before = rss_bytes();
    for n in owned {
        counter!(n, "a" => "1", "b" => "2").increment(1);
    }
    let peer_bytes = (rss_bytes() - before) / contexts as f64;
    drop(ours);
    (ours_bytes, peer_bytes, strings)
}
