//! The per-thread context cache across `dog_stats_free`: entries of a freed instance must
//! never feed points into another instance (even one allocated at the same address), and
//! must not crash.

use dogapi::ffi::stats::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::stats_telemetry::*;
use dogapi::ffi::status::DOG_OK;
use dogapi::stats::telemetry::{Counter::*, Snapshot};

const N: usize = DOG_STATS_TELEMETRY_COUNT as usize;
use std::ffi::CString;

fn started() -> *mut DogStats {
    let o = dog_stats_options_new();
    let host = CString::new("http://127.0.0.1:9").unwrap();
    assert_eq!(unsafe { dog_stats_options_set_api_host(o, host.as_ptr()) }, DOG_OK);
    assert_eq!(dog_stats_options_set_flush_in_thread(o, false), DOG_OK);
    assert_eq!(dog_stats_options_set_shutdown_timeout(o, 0.2), DOG_OK);
    let s = dog_stats_new();
    assert_eq!(unsafe { dog_stats_start(s, o) }, DOG_OK);
    unsafe { dog_stats_options_free(o) };
    s
}

/// Every telemetry value, read at once through `dog_stats_telemetry_read`.
fn tel_read(s: *const DogStats) -> Snapshot {
    let mut t = Snapshot([0; N]);
    assert_eq!(unsafe { dog_stats_telemetry_read(s, t.0.as_mut_ptr(), t.0.len()) }, DOG_OK);
    t
}

fn tel(s: *mut DogStats) -> Snapshot {
    tel_read(s)
}

#[test]
fn freed_instances_cached_entries_never_reach_a_new_instance() {
    let name = CString::new("cache.m").unwrap();
    let tags = CString::new("env:prod,role:db").unwrap();
    // Another thread warms its cache on instance X and keeps it while X is freed.
    let x = started() as usize;
    let (go_tx, go_rx) = std::sync::mpsc::channel::<usize>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let (n2, t2) = (name.clone(), tags.clone());
    let th = std::thread::spawn(move || {
        for _ in 0..5 {
            assert_eq!(unsafe { dog_stats_increment(x as *mut DogStats, n2.as_ptr(), 1.0, t2.as_ptr()) }, DOG_OK);
        }
        done_tx.send(()).unwrap();
        let y = go_rx.recv().unwrap();
        for _ in 0..7 {
            assert_eq!(unsafe { dog_stats_increment(y as *mut DogStats, n2.as_ptr(), 1.0, t2.as_ptr()) }, DOG_OK);
        }
    });
    done_rx.recv().unwrap();
    for _ in 0..3 {
        assert_eq!(unsafe { dog_stats_increment(x as *mut DogStats, name.as_ptr(), 1.0, tags.as_ptr()) }, DOG_OK);
    }
    assert_eq!(tel(x as *mut DogStats)[DOG_STATS_POINTS_RECORDED], 8);
    unsafe { dog_stats_free(x as *mut DogStats) };
    // Often at the same address as X.
    let y = started();
    for _ in 0..2 {
        assert_eq!(unsafe { dog_stats_increment(y, name.as_ptr(), 1.0, tags.as_ptr()) }, DOG_OK);
    }
    go_tx.send(y as usize).unwrap();
    th.join().unwrap();
    let t = tel(y);
    assert_eq!(t[DOG_STATS_POINTS_RECORDED], 9);
    assert_eq!(t[DOG_STATS_CONTEXTS], 1);
    unsafe { dog_stats_free(y) };
}
