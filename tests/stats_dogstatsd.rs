//! dog_stats_t with the DogStatsD sink, through the exported C functions, against the intake's
//! DogStatsD listeners (the Agent's grammar and aggregation) over UDP, Unix datagram and Unix
//! stream sockets: 8 threads × N points of every kind equal what the listener summed; the
//! listener absent (drops counted, nothing fails but the flush's status); the listener
//! restarted (later points arrive); the sink chosen by the environment (in a child process, so
//! no test changes this process's environment).
//!
//! Independent of the developer's shell: the URL is always given explicitly here, except in
//! the child processes, whose DD_* variables are cleared first. `DD_ENTITY_ID`, if set, adds
//! its tag to every context (accounted for by [`tags`]).

mod common;
use common::{c, last_error, ok, S};
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_distribution::*;
use dogapi::ffi::stats_handle::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::stats_telemetry::*;
use dogapi::ffi::status::*;
use dogapi::stats::telemetry::{Counter, Counter::*};
use dogapi_intake::dogstatsd::{Kind, ListenKind, Listener, Store, Totals};
use dogapi_intake::Intake;
use std::collections::BTreeSet;
use std::ffi::c_char;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// Started with the DogStatsD sink at `url` (None: the environment decides), flush thread
/// off, client telemetry off (its lines come every 10 s and would make packet counts vary).
fn start(url: Option<&str>, f: impl FnOnce(*mut DogStatsOptions)) -> S {
    let o = dog_stats_options_new();
    assert!(!o.is_null());
    let u = url.map(c);
    unsafe {
        ok(dog_stats_options_set_dogstatsd_url(o, u.as_ref().map_or(std::ptr::null(), |u| u.as_ptr())));
    }
    ok(dog_stats_options_set_flush_in_thread(o, false));
    ok(dog_stats_options_set_dogstatsd_telemetry(o, false));
    ok(dog_stats_options_set_shutdown_timeout(o, 5.0));
    f(o);
    let s = dog_stats_new();
    assert!(!s.is_null());
    let st = unsafe { dog_stats_start(s, o) };
    unsafe { dog_stats_options_free(o) };
    ok(st);
    S(s)
}

fn tel(s: &S, id: Counter) -> u64 {
    let mut v = 0u64;
    ok(unsafe { dog_stats_telemetry_get(s.0, id as u32, &mut v) });
    v
}

#[derive(Clone, Copy)]
enum K {
    Count,
    Gauge,
    Hist,
    Dist,
}

fn rec(s: &S, k: K, name: &str, v: f64, tags: &str, ts: f64, host: Option<&str>) {
    let (n, t, h) = (c(name), c(tags), host.map(c));
    let hp = h.as_ref().map_or(std::ptr::null(), |h| h.as_ptr());
    let f = match k {
        K::Count => dog_stats_increment_full,
        K::Gauge => dog_stats_gauge_full,
        K::Hist => dog_stats_histogram_full,
        K::Dist => dog_stats_distribution_full,
    };
    ok(unsafe { f(s.0, n.as_ptr(), v, t.as_ptr(), ts, 1.0, hp) });
}

/// The wire tags of a context: `own` plus the entity id tag when the shell sets DD_ENTITY_ID.
fn tags(own: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = own.iter().map(|s| s.to_string()).collect();
    if let Some(e) = std::env::var("DD_ENTITY_ID").ok().filter(|e| !e.trim().is_empty()) {
        v.push(dogapi::dogstatsd::encode::normalize_tag(&format!("dd.internal.entity_id:{}", e.trim())));
    }
    v
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn sock_path(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("dogapi-stats-dsd-{tag}-{}-{n}.sock", std::process::id()))
}

fn listen(kind: ListenKind, store: &Arc<Store>) -> Listener {
    let path = sock_path(kind.name());
    Listener::start(kind, 0, (kind != ListenKind::Udp).then_some(path.as_path()), store.clone()).expect("listener")
}

fn wait(store: &Store, what: &str, pred: impl Fn(&Totals) -> bool) -> Totals {
    let t = store.wait_until(WAIT, &pred);
    assert!(pred(&t), "{what}: not reached; packets={} lines={} errors={:?}", t.packets, t.lines, t.parse_errors);
    t
}

fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64()
}

const N: u32 = 1000;

fn eight_threads_exact(kind: ListenKind) {
    let store = Arc::new(Store::default());
    let l = listen(kind, &store);
    let s = Arc::new(start(Some(l.url()), |_| {}));
    let ts = now();
    // A pre-registered counter shared by every thread.
    struct H(*mut DogStatsCounter);
    unsafe impl Send for H {}
    unsafe impl Sync for H {}
    let handle = H(unsafe { dog_stats_counter_new(s.0, c("dsd.handle").as_ptr(), c("env:test").as_ptr()) });
    assert!(!handle.0.is_null(), "{}", last_error());
    let handle = &handle;
    std::thread::scope(|sc| {
        for t in 0..8u32 {
            let s = s.clone();
            sc.spawn(move || {
                let mine = format!("thread:{t},env:test");
                for i in 0..N {
                    rec(&s, K::Count, "dsd.count", 1.0, "env:test", ts, None);
                    rec(&s, K::Count, "dsd.count.mine", 2.0, &mine, ts, None);
                    rec(&s, K::Gauge, "dsd.gauge", f64::from(i), &mine, ts, None);
                    // One context per thread: every value fits in the 1000-value sample.
                    rec(&s, K::Hist, "dsd.hist", f64::from(t * N + i), &mine, ts, None);
                    // One context for all: 8000 points, a 1000-value sample sent at rate 1/8.
                    rec(&s, K::Hist, "dsd.hist.all", f64::from(t * N + i), "env:test", ts, None);
                    // One distribution for all: every one of the 8000 values reaches the Agent.
                    rec(&s, K::Dist, "dsd.dist", f64::from(t * N + i), "env:test", ts, None);
                    ok(unsafe { dog_stats_counter_add(handle.0, 1.0) });
                }
                rec(&s, K::Gauge, "dsd.gauge.host", 7.0, "env:test", ts, Some(&format!("host-{t}")));
            });
        }
    });
    // 2999 points: the Agent's integer weights (1 / rate, truncated) must still add up to 2999.
    for i in 0..2999 {
        rec(&s, K::Hist, "dsd.hist.odd", f64::from(i), "env:test", ts, None);
    }
    ok(unsafe { dog_stats_stop(s.0, 0.0) });
    let env = tags(&["env:test"]);
    // Every packet written has been received and parsed (not: "some contexts arrived").
    let sent = tel(&s, DOG_STATS_DOGSTATSD_PACKETS_SENT);
    let t = wait(&store, "every packet", |t| t.packets == sent);
    assert!(t.parse_errors.is_empty(), "{:?}", t.parse_errors);
    let mut sample_rate_seen = false;
    for th in 0..8u32 {
        let mine = tags(&[&format!("thread:{th}"), "env:test"]);
        assert_eq!(t.counter("dsd.count.mine", &refs(&mine)), f64::from(2 * N), "thread {th}");
        assert_eq!(t.gauge("dsd.gauge", &refs(&mine)), Some(f64::from(N - 1)), "thread {th}");
        let h = t.values(Kind::Histogram, "dsd.hist", &refs(&mine)).expect("histogram");
        let mut got = h.values.clone();
        got.sort_by(f64::total_cmp);
        let want: Vec<f64> = (0..N).map(|i| f64::from(th * N + i)).collect();
        assert_eq!(got, want, "thread {th}: every value, once");
        assert_eq!(h.weighted_count, f64::from(N));
        let mut with_host = env.clone();
        with_host.push(format!("host:host-{th}"));
        assert_eq!(t.gauge("dsd.gauge.host", &refs(&with_host)), Some(7.0), "per-point host → host: tag");
    }
    let all = t.values(Kind::Histogram, "dsd.hist.all", &refs(&env)).unwrap();
    assert_eq!(all.values.len(), 1000, "the sample");
    assert_eq!(all.weighted_count, f64::from(8 * N), "the Agent's count is the points recorded");
    let distinct: BTreeSet<u64> = all.values.iter().map(|v| *v as u64).collect();
    assert_eq!(distinct.len(), 1000, "a sample without repetition");
    assert!(distinct.iter().all(|v| *v < u64::from(8 * N)));
    sample_rate_seen |= all.weighted_count > all.values.len() as f64;
    assert!(sample_rate_seen);
    let dist = t.values(Kind::Distribution, "dsd.dist", &refs(&env)).expect("distribution");
    let mut got = dist.values.clone();
    got.sort_by(f64::total_cmp);
    assert_eq!(got, (0..8 * N).map(f64::from).collect::<Vec<_>>(), "every distribution value, once");
    assert_eq!(dist.weighted_count, f64::from(8 * N));
    assert_eq!(t.counter("dsd.handle", &refs(&env)), f64::from(8 * N), "through the handle");
    let odd = t.values(Kind::Histogram, "dsd.hist.odd", &refs(&env)).unwrap();
    assert_eq!(odd.values.len(), 1000);
    // The listener sums len / rate in floating point (the Agent: integer weights; unit test).
    assert!((odd.weighted_count - 2999.0).abs() < 1e-6, "{}", odd.weighted_count);
    let max = if kind == ListenKind::Udp { 1432 } else { 8192 };
    assert!(t.max_packet <= max, "packet of {} B", t.max_packet);
    // The read-out: what was written is what the listener received; nothing dropped.
    assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_PACKETS_SENT), t.packets);
    assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_BYTES_SENT), t.bytes);
    assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE), 0);
    assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER), 0);
    assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_LINES_DROPPED_OVERSIZE), 0);
    // 1 + 8 + 1 (handle) counters, 8 + 8 gauges, 10 histograms, 1 distribution: one each.
    assert_eq!(tel(&s, DOG_STATS_SERIES_FLUSHED), 1 + 8 + 1 + 16 + 10 + 1);
    assert_eq!(tel(&s, DOG_STATS_SERIES_SENT), 0, "HTTP ids stay 0");
    assert_eq!(tel(&s, DOG_STATS_POINTS_RECORDED), u64::from(8 * (7 * N + 1) + 2999));
    unsafe { dog_stats_counter_free(handle.0) };
}

#[test]
fn exact_totals_udp() {
    eight_threads_exact(ListenKind::Udp);
}

#[test]
fn exact_totals_unix_datagram() {
    eight_threads_exact(ListenKind::UnixDatagram);
}

#[test]
fn exact_totals_unix_stream() {
    eight_threads_exact(ListenKind::UnixStream);
}

#[test]
fn listener_absent_drops_are_counted() {
    for scheme in ["unixgram", "unixstream"] {
        let path = sock_path("absent");
        let s = start(Some(&format!("{scheme}://{}", path.display())), |_| {});
        let ts = now() - 60.0;
        for i in 0..2000 {
            rec(&s, K::Count, &format!("absent.c{i}"), 1.0, "", ts, None);
        }
        assert_eq!(unsafe { dog_stats_flush(s.0, 0.0) }, DOG_ERR_CONNECTION, "{scheme}: {}", last_error());
        let dropped = tel(&s, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER);
        assert!(dropped >= 2, "{scheme}: 2000 lines are several packets, each dropped: {dropped}");
        assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_PACKETS_SENT), 0, "{scheme}");
        assert_eq!(tel(&s, DOG_STATS_SERIES_FLUSHED), 2000, "{scheme}");
        // Recording still works and a later stop still reports the drop.
        rec(&s, K::Gauge, "absent.g", 1.0, "", now(), None);
        assert_eq!(unsafe { dog_stats_stop(s.0, 0.0) }, DOG_ERR_CONNECTION, "{scheme}");
        assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER), dropped + 1, "{scheme}");
    }
}

fn restart(kind: ListenKind) {
    let store = Arc::new(Store::default());
    let path = sock_path("restart");
    let l = Listener::start(kind, 0, Some(&path), store.clone()).expect("listener");
    let url = l.url().to_string();
    let s = start(Some(&url), |_| {});
    let t0 = now() - 120.0;
    rec(&s, K::Count, "restart.before", 1.0, "", t0, None);
    ok(unsafe { dog_stats_flush(s.0, 0.0) });
    wait(&store, "before", |t| t.counter("restart.before", &refs(&tags(&[]))) == 1.0);
    l.stop(); // the socket file is removed: the Agent is gone
    rec(&s, K::Count, "restart.during", 1.0, "", t0 + 30.0, None);
    assert_eq!(unsafe { dog_stats_flush(s.0, 0.0) }, DOG_ERR_CONNECTION, "{}", last_error());
    let dropped = tel(&s, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER);
    assert_eq!(dropped, 1);
    let l = Listener::start(kind, 0, Some(&path), store.clone()).expect("listener again");
    rec(&s, K::Count, "restart.after", 3.0, "", t0 + 60.0, None);
    ok(unsafe { dog_stats_flush(s.0, 0.0) });
    let t = wait(&store, "after", |t| t.counter("restart.after", &refs(&tags(&[]))) == 3.0);
    assert_eq!(t.counter("restart.during", &refs(&tags(&[]))), 0.0);
    assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER), dropped, "nothing else dropped");
    assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_PACKETS_SENT), t.packets);
    drop(l);
}

#[test]
fn listener_restarted_later_points_arrive_unix_datagram() {
    restart(ListenKind::UnixDatagram);
}

#[test]
fn listener_restarted_later_points_arrive_unix_stream() {
    restart(ListenKind::UnixStream);
}

#[test]
fn oversize_lines_are_dropped_and_counted() {
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixDatagram, &store);
    let s = start(Some(l.url()), |o| ok(dog_stats_options_set_dogstatsd_max_packet_bytes(o, 256)));
    let long = (0..3).map(|i| format!("t{i}:{}", "x".repeat(150))).collect::<Vec<_>>().join(",");
    rec(&s, K::Count, "over.long", 1.0, &long, now(), None);
    rec(&s, K::Count, "over.short", 1.0, "", now(), None);
    ok(unsafe { dog_stats_stop(s.0, 0.0) });
    let t = wait(&store, "short", |t| t.counter("over.short", &refs(&tags(&[]))) == 1.0);
    assert_eq!(t.lines, 1);
    assert_eq!(tel(&s, DOG_STATS_DOGSTATSD_LINES_DROPPED_OVERSIZE), 1);
}

#[test]
fn setters_validate_and_change_nothing_on_failure() {
    let o = dog_stats_options_new();
    for bad in ["localhost:8125", "tcp://h:1", "udp://h:0", "unix://relative", "http://x"] {
        assert_eq!(
            unsafe { dog_stats_options_set_dogstatsd_url(o, c(bad).as_ptr()) },
            DOG_ERR_INVALID_ARGUMENT,
            "{bad}"
        );
    }
    for good in ["udp://127.0.0.1:8125", "unix:///tmp/x.sock", "unixgram:///a", "unixstream:///b", "udp://[::1]", ""] {
        ok(unsafe { dog_stats_options_set_dogstatsd_url(o, c(good).as_ptr()) });
    }
    ok(unsafe { dog_stats_options_set_dogstatsd_url(o, std::ptr::null()) });
    let bad_utf8 = [0xffu8, 0];
    assert_eq!(
        unsafe { dog_stats_options_set_dogstatsd_url(o, bad_utf8.as_ptr() as *const c_char) },
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(dog_stats_options_set_dogstatsd_max_packet_bytes(o, 10), DOG_ERR_INVALID_ARGUMENT);
    ok(dog_stats_options_set_dogstatsd_max_packet_bytes(o, 0));
    ok(dog_stats_options_set_origin_detection(o, false));
    ok(dog_stats_options_set_dogstatsd_telemetry(o, false));
    let null = std::ptr::null_mut();
    assert_eq!(unsafe { dog_stats_options_set_dogstatsd_url(null, c("").as_ptr()) }, DOG_ERR_NULL_ARGUMENT);
    assert_eq!(dog_stats_options_set_origin_detection(null, true), DOG_ERR_NULL_ARGUMENT);
    assert_eq!(dog_stats_options_set_dogstatsd_telemetry(null, true), DOG_ERR_NULL_ARGUMENT);
    assert_eq!(dog_stats_options_set_dogstatsd_max_packet_bytes(null, 0), DOG_ERR_NULL_ARGUMENT);
    unsafe { dog_stats_options_free(o) };
    for id in 19..24u32 {
        let name = unsafe { std::ffi::CStr::from_ptr(dog_stats_telemetry_name(id)) }.to_str().unwrap();
        assert!(name.starts_with("dogstatsd_"), "{id}: {name}");
    }
}

// --- the environment chooses the sink (child processes) ----------------------------------

const DD_VARS: [&str; 6] =
    ["DD_DOGSTATSD_URL", "DD_AGENT_HOST", "DD_DOGSTATSD_PORT", "DD_API_KEY", "DATADOG_HOST", "DD_SITE"];

/// Runs `child_scenario` in a child process with the DD_* variables cleared, then `vars` set.
fn run_child(scenario: &str, vars: &[(&str, &str)]) {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--ignored", "--exact", "child_scenario", "--nocapture", "--test-threads=1"]);
    for v in DD_VARS {
        cmd.env_remove(v);
    }
    cmd.env("DOGAPI_TEST_SCENARIO", scenario);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("child");
    assert!(
        out.status.success(),
        "{scenario}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Not a test by itself: the child side of the environment tests.
#[test]
#[ignore]
fn child_scenario() {
    let Ok(scenario) = std::env::var("DOGAPI_TEST_SCENARIO") else {
        return; // `--include-ignored` without the environment test: nothing to do
    };
    let o = dog_stats_options_new();
    ok(dog_stats_options_set_flush_in_thread(o, false));
    ok(dog_stats_options_set_dogstatsd_telemetry(o, false));
    let s = dog_stats_new();
    let st = unsafe { dog_stats_start(s, o) };
    unsafe { dog_stats_options_free(o) };
    let s = S(s);
    if scenario == "invalid" {
        assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
        assert!(last_error().contains("DD_DOGSTATSD_URL"), "{}", last_error());
        return;
    }
    ok(st);
    rec(&s, K::Count, "env.count", 5.0, "via:env", now(), None);
    ok(unsafe { dog_stats_stop(s.0, 0.0) });
    let agent = tel(&s, DOG_STATS_DOGSTATSD_PACKETS_SENT);
    let http = tel(&s, DOG_STATS_PAYLOADS_SENT);
    match scenario.as_str() {
        "agent" => assert_eq!((agent, http), (1, 0)),
        "http" => assert_eq!((agent, http), (0, 1)),
        other => panic!("unknown scenario {other}"),
    }
}

#[test]
fn environment_selects_the_sink() {
    let store = Arc::new(Store::default());
    let udp = listen(ListenKind::Udp, &store);
    let port = udp.port().to_string();
    let want = |n: f64| move |t: &Totals| t.counter("env.count", &refs(&tags(&["via:env"]))) == n;
    // DD_AGENT_HOST + DD_DOGSTATSD_PORT; no API key needed.
    run_child("agent", &[("DD_AGENT_HOST", "127.0.0.1"), ("DD_DOGSTATSD_PORT", &port)]);
    wait(&store, "DD_AGENT_HOST", want(5.0));
    // DD_DOGSTATSD_URL wins over DD_AGENT_HOST.
    let uds = listen(ListenKind::UnixStream, &store);
    run_child("agent", &[("DD_DOGSTATSD_URL", uds.url()), ("DD_AGENT_HOST", "192.0.2.1")]);
    wait(&store, "DD_DOGSTATSD_URL", want(10.0));
    // Nothing set: the HTTP sink, to DATADOG_HOST.
    let intake = Intake::start();
    run_child("http", &[("DATADOG_HOST", &intake.url()), ("DD_API_KEY", "test-api-key")]);
    let series: Vec<_> = intake.requests().into_iter().filter(|r| r.path == "/api/v1/series").collect();
    assert_eq!(series.len(), 1);
    assert_eq!(store.totals().counter("env.count", &refs(&tags(&["via:env"]))), 10.0, "nothing more via the Agent");
    // A malformed variable fails the start instead of silently falling back to HTTP.
    run_child("invalid", &[("DD_DOGSTATSD_URL", "tcp://127.0.0.1:8125")]);
}

/// Client telemetry is on by default: within its 10 s interval the Agent receives the
/// official clients' `datadog.dogstatsd.client.*` counts, tagged `client:libdogapi`.
#[test]
fn client_telemetry_on_by_default() {
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixDatagram, &store);
    let s = start(Some(l.url()), |o| ok(dog_stats_options_set_dogstatsd_telemetry(o, true)));
    rec(&s, K::Count, "tel.count", 1.0, "", now() - 60.0, None);
    ok(unsafe { dog_stats_flush(s.0, 0.0) });
    let metrics = |t: &Totals| {
        t.counters
            .iter()
            .find(|(k, _)| k.starts_with("datadog.dogstatsd.client.metrics|#"))
            .map(|(k, v)| (k.clone(), *v))
    };
    let t = wait(&store, "telemetry lines", |t| metrics(t).is_some());
    let (ctx, v) = metrics(&t).unwrap();
    assert!(ctx.contains("client:libdogapi") && ctx.contains("client_transport:uds"), "{ctx}");
    assert_eq!(v, 1.0, "one metric line before the first telemetry");
    assert!(t.counters.keys().any(|k| k.starts_with("datadog.dogstatsd.client.packets_sent|#")));
}
