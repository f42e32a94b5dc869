//! fork() and dog_stats_event_post / dog_stats_service_check_post: a child posts through its
//! own DogStatsD sender (the parent's thread does not exist there: a line handed to it would
//! never leave) and its own HTTP connection, and what the parent had pending is sent once, by
//! the parent. (A file of its own: a single test, so no other test's threads run while it
//! forks.)

mod common;
use common::{c, wait_or_kill};
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_event::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::stats_telemetry::*;
use dogapi::ffi::status::*;
use dogapi::stats::telemetry::Counter;
use dogapi_intake::dogstatsd::{ListenKind, Listener, Store};
use dogapi_intake::{Contract, Intake};
use std::sync::Arc;
use std::time::Duration;

fn event(s: *mut DogStats, title: &str) -> dog_status_t {
    let (t, n) = (c(title), std::ptr::null());
    unsafe { dog_stats_event_post(s, t.as_ptr(), n, n, 0, n, n, n, n, n) }
}

fn check(s: *mut DogStats, name: &str) -> dog_status_t {
    let (t, n) = (c(name), std::ptr::null());
    unsafe { dog_stats_service_check_post(s, t.as_ptr(), 1, n, n, 0, n) }
}

fn tel(s: *mut DogStats, id: Counter) -> u64 {
    let mut v = 0u64;
    assert_eq!(unsafe { dog_stats_telemetry_get(s, id as u32, &mut v) }, DOG_OK);
    v
}

fn start(f: impl FnOnce(*mut DogStatsOptions)) -> *mut DogStats {
    let o = dog_stats_options_new();
    assert_eq!(dog_stats_options_set_flush_in_thread(o, false), DOG_OK);
    assert_eq!(dog_stats_options_set_dogstatsd_telemetry(o, false), DOG_OK);
    f(o);
    let s = dog_stats_new();
    assert_eq!(unsafe { dog_stats_start(s, o) }, DOG_OK);
    unsafe { dog_stats_options_free(o) };
    s
}

/// Forks; the child runs `child` (its bits: the exit code) and leaves with `_exit`.
fn in_child(child: impl FnOnce() -> i32) {
    // SAFETY: the child only calls the library and leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = child();
        unsafe { libc::_exit(code) };
    }
    let status = wait_or_kill(pid, Duration::from_secs(60)).expect("child hung (killed)");
    assert!(libc::WIFEXITED(status), "child died: {status:#x}");
    assert_eq!(libc::WEXITSTATUS(status), 0, "child: 1 event, 2 check, 4 stop, 8 telemetry");
}

#[test]
fn a_child_posts_through_its_own_sender_and_connection() {
    // DogStatsD: the parent's client and sender thread exist before the fork.
    let store = Arc::new(Store::default());
    let path = std::env::temp_dir().join(format!("dogapi-stats-events-fork-{}.sock", std::process::id()));
    let l = Listener::start(ListenKind::UnixDatagram, 0, Some(&path), store.clone()).unwrap();
    let s = start(|o| unsafe { assert_eq!(dog_stats_options_set_dogstatsd_url(o, c(l.url()).as_ptr()), DOG_OK) });
    assert_eq!(event(s, "parent.before"), DOG_OK);
    assert_eq!(unsafe { dog_stats_flush(s, 0.0) }, DOG_OK);
    assert_eq!(event(s, "parent.pending"), DOG_OK);
    in_child(|| {
        let mut code = 0;
        code |= i32::from(event(s, "child") != DOG_OK);
        code |= 2 * i32::from(check(s, "child.check") != DOG_OK);
        code |= 4 * i32::from(unsafe { dog_stats_stop(s, 5.0) } != DOG_OK);
        // Telemetry starts at 0 in the child: exactly its own packet (both lines).
        code |= 8 * i32::from(tel(s, Counter::DOG_STATS_DOGSTATSD_PACKETS_SENT) != 1);
        code
    });
    assert_eq!(unsafe { dog_stats_stop(s, 5.0) }, DOG_OK);
    let t = store.wait_until(Duration::from_secs(20), |t| t.events.len() >= 3 && !t.service_checks.is_empty());
    let mut titles: Vec<&str> = t.events.iter().map(|e| e.title.as_str()).collect();
    titles.sort_unstable();
    assert_eq!(titles, ["child", "parent.before", "parent.pending"], "each once");
    assert_eq!(t.service_checks.len(), 1);
    assert_eq!((t.service_checks[0].name.as_str(), t.service_checks[0].status), ("child.check", 1));
    unsafe { dog_stats_free(s) };
    drop(l);

    // HTTP: the parent's client has a pooled connection before the fork.
    let intake = Intake::start();
    let s = start(|o| unsafe {
        assert_eq!(dog_stats_options_set_api_host(o, c(&intake.url()).as_ptr()), DOG_OK);
        assert_eq!(dog_stats_options_set_api_key(o, c("test-api-key").as_ptr()), DOG_OK);
    });
    assert_eq!(event(s, "http.parent.before"), DOG_OK);
    in_child(|| {
        let mut code = i32::from(event(s, "http.child") != DOG_OK);
        code |= 2 * i32::from(check(s, "http.child.check") != DOG_OK);
        code
    });
    assert_eq!(event(s, "http.parent.after"), DOG_OK);
    let reqs = intake.take_requests();
    assert!(reqs.iter().all(|r| r.contract == Contract::Valid));
    let bodies: Vec<(String, serde_json::Value)> =
        reqs.iter().map(|r| (r.path.clone(), serde_json::from_slice(&r.body).unwrap())).collect();
    let titles: Vec<&str> = bodies.iter().filter_map(|(_, b)| b["title"].as_str()).collect();
    assert_eq!(titles, ["http.parent.before", "http.child", "http.parent.after"]);
    let checks: Vec<&str> = bodies.iter().filter_map(|(_, b)| b[0]["check"].as_str()).collect();
    assert_eq!(checks, ["http.child.check"]);
    unsafe { dog_stats_free(s) };
}
