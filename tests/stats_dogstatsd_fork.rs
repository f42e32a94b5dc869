//! fork() with the DogStatsD sink: the child never uses the parent's socket or sender thread
//! (it creates its own on its first flush), sends only its own points, and the parent's
//! pending points are sent once, by the parent. (A file of its own: a single test, so no other
//! test's threads run while it forks.)

mod common;
use common::{c, wait_or_kill};
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::stats_telemetry::*;
use dogapi::ffi::status::*;
use dogapi::stats::telemetry::{Counter, Counter::*};
use dogapi_intake::dogstatsd::{ListenKind, Listener, Store, Totals};
use std::sync::Arc;
use std::time::Duration;

fn inc(s: *mut DogStats, name: &str, ts: f64) -> dog_status_t {
    let n = c(name);
    unsafe { dog_stats_increment_full(s, n.as_ptr(), 1.0, std::ptr::null(), ts, 1.0, std::ptr::null()) }
}

fn tel(s: *mut DogStats, id: Counter) -> u64 {
    let mut v = 0u64;
    assert_eq!(unsafe { dog_stats_telemetry_get(s, id as u32, &mut v) }, DOG_OK);
    v
}

/// A counter's total whatever its tags (`DD_ENTITY_ID` in the shell adds one).
fn count(t: &Totals, name: &str) -> f64 {
    t.counters.iter().filter(|(k, _)| *k == name || k.starts_with(&format!("{name}|#"))).map(|(_, v)| v).sum()
}

fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64()
}

#[test]
fn child_sends_only_its_own_points_through_its_own_sender() {
    let store = Arc::new(Store::default());
    let path = std::env::temp_dir().join(format!("dogapi-stats-dsd-fork-{}.sock", std::process::id()));
    let l = Listener::start(ListenKind::UnixDatagram, 0, Some(&path), store.clone()).unwrap();
    let o = dog_stats_options_new();
    unsafe { assert_eq!(dog_stats_options_set_dogstatsd_url(o, c(l.url()).as_ptr()), DOG_OK) };
    assert_eq!(dog_stats_options_set_flush_in_thread(o, false), DOG_OK);
    assert_eq!(dog_stats_options_set_dogstatsd_telemetry(o, false), DOG_OK);
    let s = dog_stats_new();
    assert_eq!(unsafe { dog_stats_start(s, o) }, DOG_OK);
    unsafe { dog_stats_options_free(o) };
    // The parent's client and sender thread exist before the fork.
    assert_eq!(inc(s, "fork.parent.before", now() - 60.0), DOG_OK);
    assert_eq!(unsafe { dog_stats_flush(s, 0.0) }, DOG_OK);
    assert_eq!(inc(s, "fork.parent.pending", now()), DOG_OK);
    for n in 0..3 {
        // SAFETY: the child only calls the library and leaves with _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let mut code = 0;
            if inc(s, &format!("fork.child{n}"), now()) != DOG_OK {
                code |= 1;
            }
            if unsafe { dog_stats_stop(s, 5.0) } != DOG_OK {
                code |= 2;
            }
            // Telemetry starts at 0 in the child: exactly its own one packet.
            if tel(s, DOG_STATS_DOGSTATSD_PACKETS_SENT) != 1 || tel(s, DOG_STATS_SERIES_FLUSHED) != 1 {
                code |= 4;
            }
            unsafe { libc::_exit(code) };
        }
        let status = wait_or_kill(pid, Duration::from_secs(60)).expect("child hung (killed)");
        assert!(libc::WIFEXITED(status), "child {n} died: {status:#x}");
        assert_eq!(libc::WEXITSTATUS(status), 0, "child {n}: 1 record, 2 stop, 4 telemetry");
    }
    assert_eq!(unsafe { dog_stats_stop(s, 5.0) }, DOG_OK);
    let sent = tel(s, DOG_STATS_DOGSTATSD_PACKETS_SENT);
    assert_eq!(sent, 2, "the parent's two flushes");
    let t = store.wait_until(Duration::from_secs(20), |t| t.packets == sent + 3);
    assert_eq!(t.packets, sent + 3, "{:?}", t.counters);
    assert_eq!(count(&t, "fork.parent.before"), 1.0);
    assert_eq!(count(&t, "fork.parent.pending"), 1.0, "sent once, by the parent");
    for n in 0..3 {
        assert_eq!(count(&t, &format!("fork.child{n}")), 1.0);
    }
    assert_eq!(t.counters.len(), 5, "{:?}", t.counters);
    unsafe { dog_stats_free(s) };
    drop(l);
}
