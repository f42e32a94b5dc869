//! dog_stats_t through the exported C functions against the local intake: wire format and
//! contract, gzip, splitting, faults (500, 429, slow, reset, down, hang), exactly-once delivery
//! after recovery, queue bound accounting, stop deadline, background thread, many threads.

mod common;
use common::{c, last_error, ok, S};
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::stats_telemetry::*;
use dogapi::ffi::status::*;
use dogapi::stats::telemetry::{Counter::*, Snapshot};
use dogapi_intake::{Contract, Fault, Intake, Recorded};
use serde_json::Value;
use std::collections::HashMap;
use std::ffi::c_char;
use std::time::{Duration, Instant};

const N: usize = DOG_STATS_TELEMETRY_COUNT as usize;

/// Options from `dog_stats_options_new()`, freed on drop.
struct O(*mut DogStatsOptions);

impl Drop for O {
    fn drop(&mut self) {
        unsafe { dog_stats_options_free(self.0) }
    }
}

fn opts() -> O {
    let o = dog_stats_options_new();
    assert!(!o.is_null());
    O(o)
}

/// Options pointed at the intake, flush_in_thread off.
fn intake_opts(intake: &Intake) -> O {
    let o = opts();
    unsafe {
        ok(dog_stats_options_set_api_host(o.0, c(&intake.url()).as_ptr()));
        ok(dog_stats_options_set_api_key(o.0, c("test-api-key").as_ptr()));
        ok(dog_stats_options_set_host(o.0, c("test-host").as_ptr()));
    }
    ok(dog_stats_options_set_flush_in_thread(o.0, false));
    o
}

/// Started with flush_in_thread off, pointed at the intake. `f` adjusts the options, which are
/// freed right after the start (the aggregator keeps a copy).
fn start(intake: &Intake, f: impl FnOnce(*mut DogStatsOptions)) -> S {
    let o = intake_opts(intake);
    f(o.0);
    let s = dog_stats_new();
    assert!(!s.is_null());
    assert_eq!(unsafe { dog_stats_start(s, o.0) }, DOG_OK, "{}", last_error());
    drop(o);
    S(s)
}

fn inc(s: &S, name: &str, v: f64, tags: Option<&str>, ts: f64) -> dog_status_t {
    let n = c(name);
    let t = tags.map(c);
    unsafe {
        dog_stats_increment_full(
            s.0,
            n.as_ptr(),
            v,
            t.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
            ts,
            1.0,
            std::ptr::null(),
        )
    }
}

/// Every telemetry value, read at once through `dog_stats_telemetry_read`.
fn tel_read(s: *const DogStats) -> Snapshot {
    let mut t = Snapshot([0; N]);
    assert_eq!(unsafe { dog_stats_telemetry_read(s, t.0.as_mut_ptr(), t.0.len()) }, DOG_OK);
    t
}

fn tel(s: &S) -> Snapshot {
    tel_read(s.0)
}

fn series_requests(intake: &Intake) -> Vec<Recorded> {
    intake.requests().into_iter().filter(|r| r.path == "/api/v1/series").collect()
}

/// Every series the intake accepted (2xx), after checking each request's shape.
fn accepted_series(intake: &Intake) -> Vec<Value> {
    let mut out = Vec::new();
    for (r, status) in intake.requests_with_status() {
        if r.path != "/api/v1/series" || !matches!(status, Some(200..=299)) {
            continue;
        }
        assert_eq!(r.method, "POST");
        assert_eq!(r.content_encoding.as_deref(), Some("gzip"));
        assert_eq!(r.header("dd-api-key"), Some("test-api-key"));
        assert_eq!(r.contract, Contract::Valid, "{:?}", r.contract);
        out.extend(r.json()["series"].as_array().unwrap().iter().cloned());
    }
    out
}

fn sums(series: &[Value]) -> HashMap<String, f64> {
    let mut m = HashMap::new();
    for s in series {
        *m.entry(s["metric"].as_str().unwrap().to_string()).or_insert(0.0) += s["points"][0][1].as_f64().unwrap();
    }
    m
}

const T0: f64 = 1_700_000_000.0;

#[test]
fn wire_format_validates_and_is_gzipped() {
    let intake = Intake::start();
    let s = start(&intake, |_| {});
    let n = c("page.views");
    let g = c("queue.depth");
    let h = c("latency");
    let tags = c("env:prod, role:db");
    unsafe {
        assert_eq!(dog_stats_increment_full(s.0, n.as_ptr(), 1.0, tags.as_ptr(), T0, 1.0, std::ptr::null()), DOG_OK);
        assert_eq!(
            dog_stats_increment_full(
                s.0,
                n.as_ptr(),
                2.0,
                c("role:db,env:prod").as_ptr(),
                T0 + 1.0,
                1.0,
                std::ptr::null()
            ),
            DOG_OK
        );
        assert_eq!(dog_stats_gauge_full(s.0, g.as_ptr(), 7.0, std::ptr::null(), T0, 1.0, c("other").as_ptr()), DOG_OK);
        assert_eq!(dog_stats_gauge_full(s.0, g.as_ptr(), 9.0, c("").as_ptr(), T0, 1.0, c("other").as_ptr()), DOG_OK);
        for v in [1.0, 2.0, 3.0, 4.0] {
            assert_eq!(
                dog_stats_histogram_full(s.0, h.as_ptr(), v, std::ptr::null(), T0, 1.0, std::ptr::null()),
                DOG_OK
            );
        }
        assert_eq!(dog_stats_flush(s.0, T0 + 10.0), DOG_OK, "{}", last_error());
    }
    let reqs = series_requests(&intake);
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].raw_body_len < reqs[0].body.len(), "body is compressed");
    let series = accepted_series(&intake);
    assert_eq!(series.len(), 1 + 1 + 8);
    let pv = series.iter().find(|x| x["metric"] == "page.views").unwrap();
    assert_eq!(
        pv,
        &serde_json::json!({"metric":"page.views","points":[[1700000000,3]],"type":"count","interval":10,"host":"test-host","tags":["env:prod","role:db"]})
    );
    let qd = series.iter().find(|x| x["metric"] == "queue.depth").unwrap();
    assert_eq!(
        qd,
        &serde_json::json!({"metric":"queue.depth","points":[[1700000000,9]],"type":"gauge","host":"other"})
    );
    assert_eq!(series.iter().find(|x| x["metric"] == "latency.count").unwrap()["type"], "count");
    assert_eq!(series.iter().find(|x| x["metric"] == "latency.avg").unwrap()["points"][0][1], 2.5);
    let t = tel(&s);
    assert_eq!(
        (t[DOG_STATS_POINTS_RECORDED], t[DOG_STATS_PAYLOADS_SENT], t[DOG_STATS_SERIES_SENT], t[DOG_STATS_CONTEXTS]),
        (8, 1, 10, 3)
    );
    assert_eq!(t[DOG_STATS_BYTES_SENT], reqs[0].raw_body_len as u64);
}

#[test]
fn argument_errors_and_not_started() {
    let s = S(dog_stats_new());
    let n = c("x");
    unsafe {
        assert_eq!(dog_stats_increment(s.0, n.as_ptr(), 1.0, std::ptr::null()), DOG_ERR_NOT_STARTED);
        assert_eq!(dog_stats_flush(s.0, 0.0), DOG_ERR_NOT_STARTED);
        assert_eq!(dog_stats_stop(s.0, 0.0), DOG_ERR_NOT_STARTED);
        assert_eq!(dog_stats_increment(std::ptr::null_mut(), n.as_ptr(), 1.0, std::ptr::null()), DOG_ERR_NULL_ARGUMENT);
    }
    let intake = Intake::start();
    let s = start(&intake, |_| {});
    unsafe {
        assert_eq!(dog_stats_gauge(s.0, std::ptr::null(), 1.0, std::ptr::null()), DOG_ERR_NULL_ARGUMENT);
        assert_eq!(dog_stats_gauge(s.0, n.as_ptr(), f64::NAN, std::ptr::null()), DOG_ERR_INVALID_ARGUMENT);
        assert_eq!(dog_stats_gauge(s.0, c("").as_ptr(), 1.0, std::ptr::null()), DOG_ERR_INVALID_ARGUMENT);
        let bad = [0xffu8, 0];
        assert_eq!(dog_stats_gauge(s.0, n.as_ptr(), 1.0, bad.as_ptr() as *const c_char), DOG_ERR_INVALID_ARGUMENT);
        assert_eq!(
            dog_stats_gauge_full(s.0, n.as_ptr(), 1.0, std::ptr::null(), 0.0, 0.0, std::ptr::null()),
            DOG_ERR_INVALID_ARGUMENT
        );
        assert_eq!(dog_stats_stop(s.0, -1.0), DOG_ERR_INVALID_ARGUMENT);
        assert_eq!(
            dog_stats_telemetry_get(s.0, DOG_STATS_SERIES_SENT as u32, std::ptr::null_mut()),
            DOG_ERR_NULL_ARGUMENT
        );
        assert_eq!(dog_stats_telemetry_read(s.0, std::ptr::null_mut(), 3), DOG_ERR_NULL_ARGUMENT);
        let mut v = 7u64;
        assert_eq!(dog_stats_telemetry_get(s.0, N as u32, &mut v), DOG_ERR_INVALID_ARGUMENT);
        assert_eq!(v, 7, "untouched on failure");
        assert!(dog_stats_telemetry_name(N as u32).is_null());
        assert_eq!(
            std::ffi::CStr::from_ptr(dog_stats_telemetry_name(DOG_STATS_SERIES_SENT as u32)).to_str().unwrap(),
            "series_sent"
        );
        let o = opts();
        assert_eq!(dog_stats_options_set_roll_up_interval(o.0, 0.0), DOG_ERR_INVALID_ARGUMENT);
        dog_stats_free(std::ptr::null_mut());
    }
}

#[test]
fn context_limit_is_counted() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_max_contexts(o, 3)));
    for i in 0..5 {
        let want = if i < 3 { DOG_OK } else { DOG_ERR_CONTEXT_LIMIT };
        assert_eq!(inc(&s, &format!("c{i}"), 1.0, None, T0), want);
    }
    assert_eq!(inc(&s, "c0", 1.0, None, T0), DOG_OK, "existing contexts still work");
    let t = tel(&s);
    assert_eq!(
        (t[DOG_STATS_CONTEXTS], t[DOG_STATS_DROPPED_POINTS_CONTEXT_LIMIT], t[DOG_STATS_POINTS_RECORDED]),
        (3, 2, 4)
    );
}

#[test]
fn payloads_are_split_under_the_limit_and_all_arrive() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_max_payload_bytes(o, 4096)));
    let n = 3000;
    for i in 0..n {
        // Hash-like names compress poorly, so several payloads are needed.
        assert_eq!(
            inc(&s, &format!("split.{:x}", (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)), 1.0, Some("a:b"), T0),
            DOG_OK
        );
    }
    assert_eq!(unsafe { dog_stats_flush(s.0, 0.0) }, DOG_OK, "{}", last_error());
    let reqs = series_requests(&intake);
    assert!(reqs.len() > 3, "{} requests", reqs.len());
    for r in &reqs {
        assert!(r.raw_body_len <= 4096, "{} compressed bytes", r.raw_body_len);
    }
    let series = accepted_series(&intake);
    assert_eq!(series.len(), n);
    assert_eq!(tel(&s)[DOG_STATS_PAYLOADS_SENT], reqs.len() as u64);
}

/// Records `per` points into each of `contexts` counters at T0 and returns the expected sums.
fn record_batch(s: &S, prefix: &str, contexts: usize, per: usize) -> HashMap<String, f64> {
    let mut want = HashMap::new();
    for i in 0..contexts {
        let name = format!("{prefix}.{i}");
        for _ in 0..per {
            assert_eq!(inc(s, &name, 1.0, Some("t:1"), T0), DOG_OK);
        }
        want.insert(name, per as f64);
    }
    want
}

fn flush_until_drained(s: &S) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let st = unsafe { dog_stats_flush(s.0, 0.0) };
        if st == DOG_OK && tel(s)[DOG_STATS_PAYLOADS_QUEUED] == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "queue never drained: {:?} {}", st, last_error());
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn every_fault_then_recovery_delivers_exactly_once() {
    let faults = [
        (Fault::Status { code: 500, body: "{\"errors\":[\"boom\"]}".into() }, DOG_ERR_API),
        (Fault::Status { code: 503, body: "<html>".into() }, DOG_ERR_HTTP_STATUS),
        (Fault::Status { code: 408, body: "{}".into() }, DOG_ERR_HTTP_STATUS),
        (Fault::RateLimited { retry_after: Some("1".into()), reset: None }, DOG_ERR_RATE_LIMITED),
        (Fault::RateLimited { retry_after: None, reset: Some("1".into()) }, DOG_ERR_RATE_LIMITED),
        (Fault::Reset, DOG_ERR_CONNECTION),
    ];
    for (fault, status) in faults {
        let intake = Intake::start();
        let s = start(&intake, |_| {});
        let want = record_batch(&s, "fault", 20, 3);
        intake.push_fault(fault.clone());
        assert_eq!(unsafe { dog_stats_flush(s.0, 0.0) }, status, "{fault:?}: {}", last_error());
        let t = tel(&s);
        assert_eq!(
            (t[DOG_STATS_PAYLOADS_QUEUED], t[DOG_STATS_SERIES_QUEUED], t[DOG_STATS_RETRIES]),
            (1, 20, 1),
            "{fault:?}"
        );
        flush_until_drained(&s);
        let got = sums(&accepted_series(&intake));
        assert_eq!(got, want, "{fault:?}");
        let t = tel(&s);
        assert_eq!((t[DOG_STATS_SERIES_SENT], t[DOG_STATS_PAYLOADS_SENT]), (20, 1), "{fault:?}");
        assert_eq!(
            t[DOG_STATS_DROPPED_SERIES_QUEUE_FULL]
                + t[DOG_STATS_DROPPED_SERIES_REJECTED]
                + t[DOG_STATS_DROPPED_SERIES_SHUTDOWN],
            0
        );
        // A 429 is held back even from an explicit flush until its delay has passed.
        if matches!(fault, Fault::RateLimited { .. }) {
            assert!(series_requests(&intake).len() == 2);
        }
    }
}

#[test]
fn slow_intake_within_the_request_timeout_is_fine() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_request_timeout(o, 5.0)));
    let want = record_batch(&s, "slow", 5, 2);
    intake.push_fault(Fault::Slow(Duration::from_millis(300)));
    assert_eq!(unsafe { dog_stats_flush(s.0, 0.0) }, DOG_OK);
    assert_eq!(sums(&accepted_series(&intake)), want);
}

#[test]
fn intake_down_for_a_while_then_back() {
    let intake = Intake::start();
    let s = start(&intake, |_| {});
    intake.set_fault(Some(Fault::Down));
    let mut want = HashMap::new();
    for round in 0..4 {
        want.extend(record_batch(&s, &format!("down{round}"), 10, 2));
        // Each round flushes a new payload; the queue keeps all of them.
        assert_ne!(unsafe { dog_stats_flush(s.0, 0.0) }, DOG_OK);
    }
    assert_eq!(tel(&s)[DOG_STATS_SERIES_QUEUED], 40);
    intake.set_fault(None);
    flush_until_drained(&s);
    assert_eq!(sums(&accepted_series(&intake)), want);
    assert_eq!(tel(&s)[DOG_STATS_SERIES_SENT], 40);
}

#[test]
fn queue_bound_drops_oldest_and_counts_exactly() {
    let intake = Intake::start();
    // Payloads of ~1 KB compressed; the queue holds only a few.
    let s = start(&intake, |o| {
        ok(dog_stats_options_set_max_payload_bytes(o, 1024));
        ok(dog_stats_options_set_max_queued_bytes(o, 3000));
    });
    intake.set_fault(Some(Fault::Down));
    let mut total = 0u64;
    for round in 0..6 {
        for i in 0..200 {
            assert_eq!(
                inc(&s, &format!("bound.{round}.{:x}", (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)), 1.0, None, T0),
                DOG_OK
            );
            total += 1;
        }
        let st = unsafe { dog_stats_flush(s.0, 0.0) };
        assert!(st == DOG_ERR_QUEUE_FULL || st == DOG_ERR_CONNECTION, "{st:?}");
    }
    let t = tel(&s);
    assert!(t[DOG_STATS_DROPPED_SERIES_QUEUE_FULL] > 0);
    assert!(t[DOG_STATS_BYTES_QUEUED] <= 3000);
    assert_eq!(t[DOG_STATS_SERIES_QUEUED] + t[DOG_STATS_DROPPED_SERIES_QUEUE_FULL], total);
    intake.set_fault(None);
    flush_until_drained(&s);
    let t = tel(&s);
    let delivered = accepted_series(&intake).len() as u64;
    assert_eq!(delivered, t[DOG_STATS_SERIES_SENT]);
    assert_eq!(
        delivered + t[DOG_STATS_DROPPED_SERIES_QUEUE_FULL],
        total,
        "every series delivered or counted as dropped"
    );
}

#[test]
fn rejected_payloads_are_dropped_and_counted() {
    let intake = Intake::start();
    let s = start(&intake, |_| {});
    record_batch(&s, "rej", 7, 1);
    intake.push_fault(Fault::Status { code: 400, body: "{\"errors\":[\"bad\"]}".into() });
    assert_eq!(unsafe { dog_stats_flush(s.0, 0.0) }, DOG_ERR_API);
    let t = tel(&s);
    assert_eq!((t[DOG_STATS_DROPPED_SERIES_REJECTED], t[DOG_STATS_PAYLOADS_QUEUED], t[DOG_STATS_RETRIES]), (7, 0, 0));
}

#[test]
fn stop_returns_within_its_timeout_when_the_intake_hangs() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_flush_in_thread(o, true)));
    record_batch(&s, "hang", 4, 1);
    intake.set_fault(Some(Fault::Hang));
    let t0 = Instant::now();
    let st = unsafe { dog_stats_stop(s.0, 1.0) };
    // Not a timing assertion: only that stop did not wait for the hung request forever.
    assert!(t0.elapsed() < Duration::from_secs(20));
    assert_ne!(st, DOG_OK);
    let t = tel(&s);
    assert_eq!(t[DOG_STATS_DROPPED_SERIES_SHUTDOWN], 4);
    assert_eq!(t[DOG_STATS_PAYLOADS_QUEUED], 0);
}

/// Issue 8 item 13: the flusher thread is stuck in a request when stop is called. When stop
/// returns `DOG_ERR_TIMEOUT`, the payload in flight and the current bucket are already counted.
#[test]
fn stop_against_a_request_in_flight_counts_everything_when_it_returns() {
    let intake = Intake::start();
    intake.set_fault(Some(Fault::Hang));
    let s = start(&intake, |o| {
        ok(dog_stats_options_set_flush_in_thread(o, true));
        ok(dog_stats_options_set_flush_interval(o, 0.2));
        ok(dog_stats_options_set_request_timeout(o, 60.0));
    });
    record_batch(&s, "inflight", 6, 1);
    // The first background flush sends the 6 series and hangs.
    assert!(!intake.wait_for(1, Duration::from_secs(20)).is_empty());
    for i in 0..4 {
        let n = c(&format!("current.{i}"));
        assert_eq!(unsafe { dog_stats_increment(s.0, n.as_ptr(), 1.0, std::ptr::null()) }, DOG_OK);
    }
    assert_eq!(unsafe { dog_stats_stop(s.0, 0.5) }, DOG_ERR_TIMEOUT);
    let t = tel(&s);
    assert_eq!(t[DOG_STATS_DROPPED_SERIES_SHUTDOWN], 10, "in flight (6) + current bucket (4)");
    assert_eq!((t[DOG_STATS_SERIES_SENT], t[DOG_STATS_SERIES_QUEUED], t[DOG_STATS_RETRIES]), (0, 0, 0));
}

/// A request in flight at the stop deadline that succeeds later is counted once: as dropped at
/// shutdown when stop returned, and then under `series_delivered_after_shutdown` (never as sent,
/// queued or retried).
#[test]
fn a_late_success_after_stop_is_not_counted_twice() {
    let intake = Intake::start();
    intake.set_fault(Some(Fault::Slow(Duration::from_secs(2))));
    let s = start(&intake, |o| {
        ok(dog_stats_options_set_flush_in_thread(o, true));
        ok(dog_stats_options_set_flush_interval(o, 0.2));
        ok(dog_stats_options_set_request_timeout(o, 60.0));
    });
    record_batch(&s, "late", 5, 1);
    assert!(!intake.wait_for(1, Duration::from_secs(20)).is_empty());
    assert_eq!(unsafe { dog_stats_stop(s.0, 0.2) }, DOG_ERR_TIMEOUT);
    assert_eq!(tel(&s)[DOG_STATS_DROPPED_SERIES_SHUTDOWN], 5);
    let deadline = Instant::now() + Duration::from_secs(30);
    while tel(&s)[DOG_STATS_SERIES_DELIVERED_AFTER_SHUTDOWN] == 0 {
        assert!(Instant::now() < deadline, "the slow request never completed");
        std::thread::sleep(Duration::from_millis(50));
    }
    let t = tel(&s);
    assert_eq!(t[DOG_STATS_SERIES_DELIVERED_AFTER_SHUTDOWN], 5);
    assert_eq!(t[DOG_STATS_DROPPED_SERIES_SHUTDOWN], 5);
    assert_eq!((t[DOG_STATS_SERIES_SENT], t[DOG_STATS_SERIES_QUEUED], t[DOG_STATS_RETRIES]), (0, 0, 0));
}

/// Issue 8 item 9: one series whose compressed size exceeds max_payload_bytes cannot be split;
/// it is dropped before sending (the intake never sees it) and counted under its own cause.
#[test]
fn one_oversized_series_is_dropped_not_sent() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_max_payload_bytes(o, 4096)));
    // Incompressible tags: this one series is ~20 KB of JSON, well over 4096 B gzipped.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let tags: Vec<String> = (0..1000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            format!("t:{x:016x}")
        })
        .collect();
    assert_eq!(inc(&s, "oversized.one", 1.0, Some(&tags.join(",")), T0), DOG_OK);
    assert_eq!(inc(&s, "small.one", 2.0, None, T0), DOG_OK);
    assert_eq!(unsafe { dog_stats_flush(s.0, 0.0) }, DOG_OK, "{}", last_error());
    for r in series_requests(&intake) {
        assert!(r.raw_body_len <= 4096, "{} compressed bytes sent", r.raw_body_len);
        assert!(!r.body_str().contains("oversized.one"), "the oversized series was sent");
    }
    let got = sums(&accepted_series(&intake));
    assert_eq!(got.get("small.one"), Some(&2.0));
    assert!(!got.contains_key("oversized.one"));
    let t = tel(&s);
    assert_eq!(
        (t[DOG_STATS_DROPPED_SERIES_OVERSIZED], t[DOG_STATS_SERIES_SENT], t[DOG_STATS_SERIES_QUEUED]),
        (1, 1, 0)
    );
}

#[test]
fn stop_flushes_the_current_bucket() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_flush_in_thread(o, true)));
    // Stamped now: the current bucket, which a flush() would keep.
    let n = c("current");
    assert_eq!(unsafe { dog_stats_increment(s.0, n.as_ptr(), 5.0, std::ptr::null()) }, DOG_OK);
    assert_eq!(unsafe { dog_stats_stop(s.0, 5.0) }, DOG_OK, "{}", last_error());
    assert_eq!(sums(&accepted_series(&intake))["current"], 5.0);
}

#[test]
fn background_thread_flushes() {
    let intake = Intake::start();
    let s = start(&intake, |o| {
        ok(dog_stats_options_set_flush_in_thread(o, true));
        ok(dog_stats_options_set_flush_interval(o, 0.2));
        ok(dog_stats_options_set_roll_up_interval(o, 0.1));
    });
    let n = c("bg");
    assert_eq!(unsafe { dog_stats_increment(s.0, n.as_ptr(), 1.0, std::ptr::null()) }, DOG_OK);
    let reqs = intake.wait_for(1, Duration::from_secs(20));
    assert!(!reqs.is_empty());
    assert_eq!(unsafe { dog_stats_stop(s.0, 5.0) }, DOG_OK);
    let series = accepted_series(&intake);
    assert_eq!(sums(&series)["bg"], 1.0);
    assert_eq!(series[0]["interval"], 1, "interval is whole seconds, at least 1");
}

#[test]
fn many_threads_exact_totals() {
    let intake = Intake::start();
    let s = std::sync::Arc::new(start(&intake, |_| {}));
    let threads = 8;
    let per = 5000;
    let hs: Vec<_> = (0..threads)
        .map(|t| {
            let s = s.clone();
            std::thread::spawn(move || {
                let shared = c("mt.shared");
                let own = c(&format!("mt.own.{t}"));
                let h = c("mt.hist");
                let tags_a = c("b:2,a:1");
                let tags_b = c("a:1,b:2");
                for i in 0..per {
                    let tags = if i % 2 == 0 { &tags_a } else { &tags_b };
                    unsafe {
                        assert_eq!(dog_stats_increment(s.0, shared.as_ptr(), 1.0, tags.as_ptr()), DOG_OK);
                        assert_eq!(dog_stats_increment(s.0, own.as_ptr(), 2.0, std::ptr::null()), DOG_OK);
                        assert_eq!(dog_stats_histogram(s.0, h.as_ptr(), i as f64, std::ptr::null()), DOG_OK);
                        assert_eq!(dog_stats_gauge(s.0, c("mt.gauge").as_ptr(), 1.0, std::ptr::null()), DOG_OK);
                    }
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    assert_eq!(unsafe { dog_stats_stop(s.0, 10.0) }, DOG_OK, "{}", last_error());
    let got = sums(&accepted_series(&intake));
    // Points may straddle a bucket boundary; sums over buckets are exact anyway.
    assert_eq!(got["mt.shared"], (threads * per) as f64);
    for t in 0..threads {
        assert_eq!(got[&format!("mt.own.{t}")], (2 * per) as f64);
    }
    assert_eq!(got["mt.hist.count"], (threads * per) as f64);
    assert_eq!(tel(&s)[DOG_STATS_POINTS_RECORDED], (4 * threads * per) as u64);
}

#[test]
fn timers_record_elapsed_seconds() {
    let intake = Intake::start();
    let s = start(&intake, |_| {});
    let n = c("timed.block");
    let t = dog_stats_timer_start();
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(unsafe { dog_stats_timer_stop(s.0, t, n.as_ptr(), c("x:y").as_ptr()) }, DOG_OK);
    assert_eq!(unsafe { dog_stats_stop(s.0, 5.0) }, DOG_OK);
    let series = accepted_series(&intake);
    assert_eq!(series.len(), 8);
    let min = series.iter().find(|x| x["metric"] == "timed.block.min").unwrap()["points"][0][1].as_f64().unwrap();
    assert!(min >= 0.02, "{min}");
}

#[test]
fn default_instance_is_process_wide() {
    let a = dog_stats_default();
    let b = dog_stats_default();
    assert!(!a.is_null());
    assert_eq!(a, b);
    unsafe { dog_stats_free(a) }; // no-op
    let intake = Intake::start();
    let o = intake_opts(&intake);
    assert_eq!(unsafe { dog_stats_start(a, o.0) }, DOG_OK);
    assert_eq!(unsafe { dog_stats_increment(a, c("default.inst").as_ptr(), 1.0, std::ptr::null()) }, DOG_OK);
    assert_eq!(unsafe { dog_stats_stop(a, 5.0) }, DOG_OK, "{}", last_error());
    assert_eq!(series_requests(&intake).len(), 1);
}

#[test]
fn disabled_sends_nothing() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_disabled(o, true)));
    assert_eq!(inc(&s, "d", 1.0, None, T0), DOG_OK);
    assert_eq!(unsafe { dog_stats_flush(s.0, 0.0) }, DOG_OK);
    assert_eq!(unsafe { dog_stats_stop(s.0, 1.0) }, DOG_OK);
    assert!(series_requests(&intake).is_empty());
}
