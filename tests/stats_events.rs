//! dog_stats_event_post / dog_stats_service_check_post through the exported C functions:
//! over DogStatsD (UDP and Unix datagram, no API key anywhere) the intake's listener parses
//! exactly the fields given, with the Agent's grammar; with the HTTP sink the intake receives
//! `POST /api/v1/events` and `/api/v1/check_run` bodies that validate against the v1 spec; the
//! statuses (checks before state, not started, disabled, too long for a packet, the server's
//! answer, a hung intake bounded by the request timeout).
//!
//! The URL is always given explicitly; `DD_ENTITY_ID`, if the shell sets it, adds its tag
//! (accounted for by [`tags`]); origin detection is off so no `c:` field depends on the host.

mod common;
use common::{c, last_error, ok, p, S};
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_event::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::status::*;
use dogapi_intake::dogstatsd::{ListenKind, Listener, Store, Totals};
use dogapi_intake::{Contract, Fault, Intake};
use serde_json::{json, Value};
use std::ffi::c_char;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// Started with flush thread, client telemetry and origin detection off, no API key, after
/// `f` adjusted the options.
fn start(f: impl FnOnce(*mut DogStatsOptions)) -> S {
    let o = dog_stats_options_new();
    assert!(!o.is_null());
    ok(unsafe { dog_stats_options_set_api_key(o, c("").as_ptr()) });
    ok(dog_stats_options_set_flush_in_thread(o, false));
    ok(dog_stats_options_set_dogstatsd_telemetry(o, false));
    ok(dog_stats_options_set_origin_detection(o, false));
    f(o);
    let s = dog_stats_new();
    let st = unsafe { dog_stats_start(s, o) };
    unsafe { dog_stats_options_free(o) };
    ok(st);
    S(s)
}

fn start_dsd(url: &str, f: impl FnOnce(*mut DogStatsOptions)) -> S {
    start(|o| {
        ok(unsafe { dog_stats_options_set_dogstatsd_url(o, c(url).as_ptr()) });
        f(o)
    })
}

/// Every argument of `dog_stats_event_post` (None: NULL).
#[derive(Default, Clone)]
struct Ev<'a> {
    title: Option<&'a str>,
    text: Option<&'a str>,
    tags: Option<&'a str>,
    date_happened: i64,
    priority: Option<&'a str>,
    host: Option<&'a str>,
    aggregation_key: Option<&'a str>,
    source_type_name: Option<&'a str>,
    alert_type: Option<&'a str>,
}

fn event(s: *mut DogStats, e: &Ev) -> dog_status_t {
    let cs = |v: Option<&str>| v.map(c);
    let (ti, te, ta, pr, ho, ak, st, at) = (
        cs(e.title),
        cs(e.text),
        cs(e.tags),
        cs(e.priority),
        cs(e.host),
        cs(e.aggregation_key),
        cs(e.source_type_name),
        cs(e.alert_type),
    );
    unsafe { dog_stats_event_post(s, p(&ti), p(&te), p(&ta), e.date_happened, p(&pr), p(&ho), p(&ak), p(&st), p(&at)) }
}

/// Every argument of `dog_stats_service_check_post` (None: NULL).
#[derive(Default, Clone)]
struct Sc<'a> {
    name: Option<&'a str>,
    status: i32,
    tags: Option<&'a str>,
    message: Option<&'a str>,
    timestamp: i64,
    host: Option<&'a str>,
}

fn check(s: *mut DogStats, sc: &Sc) -> dog_status_t {
    let cs = |v: Option<&str>| v.map(c);
    let (n, t, m, h) = (cs(sc.name), cs(sc.tags), cs(sc.message), cs(sc.host));
    unsafe { dog_stats_service_check_post(s, p(&n), sc.status, p(&t), p(&m), sc.timestamp, p(&h)) }
}

/// The wire tags: `own` plus the entity id tag when the shell sets DD_ENTITY_ID.
fn tags(own: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = own.iter().map(|s| s.to_string()).collect();
    if let Some(e) = std::env::var("DD_ENTITY_ID").ok().filter(|e| !e.trim().is_empty()) {
        v.push(dogapi::dogstatsd::encode::normalize_tag(&format!("dd.internal.entity_id:{}", e.trim())));
    }
    v
}

fn listen(kind: ListenKind, store: &Arc<Store>) -> Listener {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("dogapi-stats-events-{}-{n}.sock", std::process::id()));
    Listener::start(kind, 0, (kind != ListenKind::Udp).then_some(path.as_path()), store.clone()).expect("listener")
}

fn wait(store: &Store, what: &str, pred: impl Fn(&Totals) -> bool) -> Totals {
    let t = store.wait_until(WAIT, &pred);
    assert!(
        pred(&t),
        "{what}: not reached; events={:?} checks={:?} errors={:?}",
        t.events,
        t.service_checks,
        t.parse_errors
    );
    t
}

const FULL_EVENT: Ev = Ev {
    title: Some("Deploy | v2\nrolled"),
    text: Some("line 1\nline 2 | é"),
    tags: Some("env:test, team:core"),
    date_happened: 1_700_000_000,
    priority: Some("low"),
    host: Some("web-1"),
    aggregation_key: Some("deploy-42"),
    source_type_name: Some("jenkins"),
    alert_type: Some("warning"),
};

const FULL_CHECK: Sc = Sc {
    name: Some("app.can_connect"),
    status: 2,
    tags: Some("env:test,db:main"),
    message: Some("connection refused"),
    timestamp: 1_700_000_100,
    host: Some("db-1"),
};

/// Exact fields over one transport, no API key; `host_option`: the instance's `host`
/// option, which events and checks without a host carry (else the Agent's own host).
fn dogstatsd_fields(kind: ListenKind, host_option: Option<&str>) {
    let store = Arc::new(Store::default());
    let l = listen(kind, &store);
    let s = start_dsd(l.url(), |o| {
        if let Some(h) = host_option {
            ok(unsafe { dog_stats_options_set_host(o, c(h).as_ptr()) });
        }
    });
    ok(event(s.0, &FULL_EVENT));
    ok(event(s.0, &Ev { title: Some("minimal"), ..Default::default() }));
    ok(check(s.0, &FULL_CHECK));
    ok(check(s.0, &Sc { name: Some("app.ok"), ..Default::default() }));
    // Handed to the sender without waiting; the flush writes them now (else within 100 ms).
    ok(unsafe { dog_stats_flush(s.0, 0.0) });
    let t = wait(&store, "2 events, 2 checks", |t| t.events.len() == 2 && t.service_checks.len() == 2);
    assert!(t.parse_errors.is_empty(), "{:?}", t.parse_errors);
    let default_host = host_option.unwrap_or("");
    let e = &t.events[0];
    assert_eq!(e.title, "Deploy | v2\nrolled");
    assert_eq!(e.text, "line 1\nline 2 | é");
    assert_eq!(e.timestamp, 1_700_000_000);
    assert_eq!(e.hostname, "web-1");
    assert_eq!(e.aggregation_key, "deploy-42");
    assert_eq!(e.priority, "low");
    assert_eq!(e.source_type, "jenkins");
    assert_eq!(e.alert_type, "warning");
    assert_eq!(e.tags, tags(&["env:test", "team:core"]));
    assert_eq!(e.container, None);
    let m = &t.events[1];
    assert_eq!((m.title.as_str(), m.text.as_str(), m.timestamp), ("minimal", "", 0), "0: the Agent's now");
    assert_eq!((m.hostname.as_str(), m.aggregation_key.as_str(), m.source_type.as_str()), (default_host, "", ""));
    assert_eq!((m.priority.as_str(), m.alert_type.as_str()), ("normal", "info"), "the Agent's defaults");
    assert_eq!(m.tags, tags(&[]));
    let sc = &t.service_checks[0];
    assert_eq!(sc.name, "app.can_connect");
    assert_eq!(sc.status, 2);
    assert_eq!(sc.timestamp, 1_700_000_100);
    assert_eq!(sc.hostname, "db-1");
    assert_eq!(sc.message, "connection refused");
    assert_eq!(sc.tags, tags(&["env:test", "db:main"]));
    let sc = &t.service_checks[1];
    assert_eq!((sc.name.as_str(), sc.status, sc.timestamp), ("app.ok", 0, 0));
    assert_eq!((sc.hostname.as_str(), sc.message.as_str()), (default_host, ""));
    assert_eq!(sc.tags, tags(&[]));
    assert!(t.counters.is_empty() && t.gauges.is_empty(), "no metric lines");
}

#[test]
fn dogstatsd_udp_exact_fields_without_api_key() {
    dogstatsd_fields(ListenKind::Udp, None);
}

#[test]
fn dogstatsd_unix_datagram_exact_fields_without_api_key() {
    dogstatsd_fields(ListenKind::UnixDatagram, Some("opt-host"));
}

/// Lines go out on their own (the sender's 100 ms flush), between metric lines of one packet.
#[test]
fn dogstatsd_without_flush_and_beside_metrics() {
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixDatagram, &store);
    let s = start_dsd(l.url(), |_| {});
    ok(check(s.0, &Sc { name: Some("alone"), status: 1, ..Default::default() }));
    let t = wait(&store, "one check, no flush", |t| t.service_checks.len() == 1);
    assert_eq!(t.service_checks[0].status, 1);
    ok(unsafe { dog_stats_increment(s.0, c("beside.count").as_ptr(), 2.0, std::ptr::null()) });
    ok(event(s.0, &Ev { title: Some("beside"), text: Some("x"), ..Default::default() }));
    ok(unsafe { dog_stats_stop(s.0, 0.0) });
    let t = wait(&store, "event and counter", |t| t.events.len() == 1 && !t.counters.is_empty());
    assert_eq!(t.events[0].title, "beside");
    assert_eq!(t.counters.values().sum::<f64>(), 2.0);
}

#[test]
fn statuses() {
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixDatagram, &store);
    let null = std::ptr::null_mut();
    let title = Ev { title: Some("t"), ..Default::default() };
    let name = Sc { name: Some("n"), ..Default::default() };
    assert_eq!(event(null, &title), DOG_ERR_NULL_ARGUMENT);
    assert_eq!(check(null, &name), DOG_ERR_NULL_ARGUMENT);

    // Not started: DOG_ERR_NOT_STARTED, but a bad argument is reported first.
    let idle = S(dog_stats_new());
    assert_eq!(event(idle.0, &title), DOG_ERR_NOT_STARTED);
    assert_eq!(check(idle.0, &name), DOG_ERR_NOT_STARTED);
    assert_eq!(check(idle.0, &Sc { status: 4, ..name.clone() }), DOG_ERR_INVALID_ARGUMENT);
    assert!(last_error().contains("status"), "{}", last_error());

    let s = start_dsd(l.url(), |o| ok(dog_stats_options_set_dogstatsd_max_packet_bytes(o, 256)));
    let bad_events = [
        Ev { title: None, ..title.clone() },
        Ev { title: Some(""), ..title.clone() },
        Ev { priority: Some("high"), ..title.clone() },
        Ev { alert_type: Some("user_update"), ..title.clone() },
        Ev { text: Some(&"x".repeat(4001)), ..title.clone() },
        Ev { aggregation_key: Some(&"k".repeat(101)), ..title.clone() },
        Ev { tags: Some(&"t".repeat(201)), ..title.clone() },
        // Valid, but longer than one 256-byte packet: refused rather than dropped.
        Ev { text: Some(&"x".repeat(300)), ..title.clone() },
    ];
    let want = |i: usize| if i == 0 { DOG_ERR_NULL_ARGUMENT } else { DOG_ERR_INVALID_ARGUMENT };
    for (i, e) in bad_events.iter().enumerate() {
        assert_eq!(event(s.0, e), want(i), "event {i}");
    }
    assert!(last_error().contains("256-byte packet"), "{}", last_error());
    let bad_checks = [
        Sc { name: None, ..name.clone() },
        Sc { name: Some(""), ..name.clone() },
        Sc { name: Some("1abc"), ..name.clone() },
        Sc { status: -1, ..name.clone() },
        Sc { status: 4, ..name.clone() },
        Sc { tags: Some(&"t".repeat(201)), ..name.clone() },
    ];
    for (i, sc) in bad_checks.iter().enumerate() {
        assert_eq!(check(s.0, sc), want(i), "check {i}");
    }
    let bad_utf8 = [0xffu8, 0];
    let b = bad_utf8.as_ptr() as *const c_char;
    let t = c("t");
    let nul = std::ptr::null();
    assert_eq!(unsafe { dog_stats_event_post(s.0, b, nul, nul, 0, nul, nul, nul, nul, nul) }, DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(
        unsafe { dog_stats_event_post(s.0, t.as_ptr(), nul, nul, 0, nul, nul, nul, nul, b) },
        DOG_ERR_INVALID_ARGUMENT
    );
    assert!(last_error().contains("alert_type"), "{}", last_error());
    assert_eq!(unsafe { dog_stats_service_check_post(s.0, t.as_ptr(), 0, nul, b, 0, nul) }, DOG_ERR_INVALID_ARGUMENT);
    assert!(last_error().contains("message"), "{}", last_error());

    // Disabled: DOG_OK and nothing sent (a marker from a running instance arrives alone).
    let off = start_dsd(l.url(), |o| ok(dog_stats_options_set_disabled(o, true)));
    ok(event(off.0, &Ev { title: Some("disabled"), ..Default::default() }));
    ok(check(off.0, &Sc { name: Some("disabled"), ..Default::default() }));
    assert_eq!(check(off.0, &Sc { status: 9, ..name.clone() }), DOG_ERR_INVALID_ARGUMENT, "checked first");
    ok(event(s.0, &Ev { title: Some("marker"), ..Default::default() }));
    ok(unsafe { dog_stats_flush(s.0, 0.0) });
    let t = wait(&store, "marker", |t| !t.events.is_empty());
    assert_eq!(t.events.iter().map(|e| e.title.as_str()).collect::<Vec<_>>(), ["marker"]);
    assert!(t.service_checks.is_empty(), "{:?}", t.service_checks);
}

// --- the HTTP sink ----------------------------------------------------------------------------

fn start_http(intake: &Intake, key: &str, f: impl FnOnce(*mut DogStatsOptions)) -> S {
    start(|o| unsafe {
        ok(dog_stats_options_set_dogstatsd_url(o, c("").as_ptr()));
        ok(dog_stats_options_set_api_host(o, c(&intake.url()).as_ptr()));
        ok(dog_stats_options_set_api_key(o, c(key).as_ptr()));
        ok(dog_stats_options_set_host(o, c("test-host").as_ptr()));
        f(o)
    })
}

fn only_body(intake: &Intake, path: &str) -> Value {
    let reqs = intake.take_requests();
    assert_eq!(reqs.len(), 1, "{:?}", reqs.iter().map(|r| r.path.clone()).collect::<Vec<_>>());
    let r = &reqs[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", path));
    assert_eq!(r.contract, Contract::Valid, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("dd-api-key"), Some("test-api-key"));
    serde_json::from_slice(&r.body).unwrap()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[test]
fn http_sink_posts_events_and_check_runs() {
    let intake = Intake::start();
    let s = start_http(&intake, "test-api-key", |_| {});
    ok(event(s.0, &FULL_EVENT));
    assert_eq!(
        only_body(&intake, "/api/v1/events"),
        json!({"title": "Deploy | v2\nrolled", "text": "line 1\nline 2 | é", "date_happened": 1_700_000_000,
               "priority": "low", "tags": ["env:test", "team:core"], "host": "web-1",
               "aggregation_key": "deploy-42", "source_type_name": "jenkins", "alert_type": "warning"})
    );
    ok(event(s.0, &Ev { title: Some("minimal"), ..Default::default() }));
    assert_eq!(
        only_body(&intake, "/api/v1/events"),
        json!({"title": "minimal", "text": "", "host": "test-host"}),
        "no host: the series' host"
    );
    ok(check(s.0, &FULL_CHECK));
    assert_eq!(
        only_body(&intake, "/api/v1/check_run"),
        json!([{"check": "app.can_connect", "host_name": "db-1", "status": 2, "timestamp": 1_700_000_100,
                "message": "connection refused", "tags": ["env:test", "db:main"]}])
    );
    let before = unix_now();
    ok(check(s.0, &Sc { name: Some("app ok"), ..Default::default() }));
    let after = unix_now();
    let b = only_body(&intake, "/api/v1/check_run");
    let ts = b[0]["timestamp"].as_i64().unwrap();
    assert!(before <= ts && ts <= after, "0 is now: {before} <= {ts} <= {after}");
    assert_eq!(b, json!([{"check": "app_ok", "host_name": "test-host", "status": 0, "timestamp": ts, "tags": []}]));
    // The server's answer is the status; nothing is queued or retried.
    intake.push_fault(Fault::Status { code: 500, body: "{}".into() });
    assert_eq!(event(s.0, &Ev { title: Some("refused"), ..Default::default() }), DOG_ERR_HTTP_STATUS);
    assert_eq!(intake.take_requests().len(), 1);
    ok(unsafe { dog_stats_flush(s.0, 0.0) });
    assert!(intake.take_requests().is_empty(), "nothing retried by a flush");
}

#[test]
fn http_sink_without_api_key_or_with_a_hung_intake() {
    let intake = Intake::start();
    let s = start_http(&intake, "", |_| {});
    assert_eq!(event(s.0, &Ev { title: Some("no key"), ..Default::default() }), DOG_ERR_API);
    assert_eq!(check(s.0, &Sc { name: Some("no.key"), ..Default::default() }), DOG_ERR_API);
    drop(s);
    let s = start_http(&intake, "test-api-key", |o| ok(dog_stats_options_set_request_timeout(o, 0.3)));
    intake.push_fault(Fault::Hang);
    assert_eq!(check(s.0, &Sc { name: Some("hung"), ..Default::default() }), DOG_ERR_TIMEOUT, "{}", last_error());
    ok(check(s.0, &Sc { name: Some("after"), ..Default::default() }));
}

/// The global-tags option follows the call's tags (each once) on both sinks.
#[test]
fn global_tags_follow_the_calls_tags() {
    let global =
        |o: *mut DogStatsOptions| ok(unsafe { dog_stats_options_set_global_tags(o, c("team:core,owner:x").as_ptr()) });
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixDatagram, &store);
    let s = start_dsd(l.url(), global);
    ok(event(s.0, &Ev { title: Some("gt"), tags: Some("env:test,team:core"), ..Default::default() }));
    ok(check(s.0, &Sc { name: Some("gt.check"), ..Default::default() }));
    ok(unsafe { dog_stats_flush(s.0, 0.0) });
    let t = wait(&store, "event and check", |t| t.events.len() == 1 && t.service_checks.len() == 1);
    assert_eq!(t.events[0].tags, tags(&["env:test", "team:core", "owner:x"]));
    assert_eq!(t.service_checks[0].tags, tags(&["owner:x", "team:core"]));

    let intake = Intake::start();
    let s = start_http(&intake, "test-api-key", global);
    ok(event(s.0, &Ev { title: Some("gt"), tags: Some("env:test,team:core"), ..Default::default() }));
    assert_eq!(only_body(&intake, "/api/v1/events")["tags"], json!(["env:test", "team:core", "owner:x"]));
    ok(check(s.0, &Sc { name: Some("gt.check"), ..Default::default() }));
    assert_eq!(only_body(&intake, "/api/v1/check_run")[0]["tags"], json!(["owner:x", "team:core"]));
}

/// The longest event that fits in a packet (with its newline) is sent; one byte more is refused.
#[test]
fn packet_size_boundary() {
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixDatagram, &store);
    let s = start_dsd(l.url(), |o| ok(dog_stats_options_set_dogstatsd_max_packet_bytes(o, 256)));
    let entity = tags(&[]).join(",");
    let extra = if entity.is_empty() { 0 } else { entity.len() + 2 };
    let line_len = |n: usize| format!("_e{{1,{n}}}:t|").len() + n + extra;
    let fit = (1..256).filter(|n| line_len(*n) < 256).max().unwrap();
    let text = "x".repeat(fit + 1);
    assert_eq!(event(s.0, &Ev { title: Some("t"), text: Some(&text), ..Default::default() }), DOG_ERR_INVALID_ARGUMENT);
    assert!(last_error().contains("over the 256-byte packet size"), "{}", last_error());
    ok(event(s.0, &Ev { title: Some("t"), text: Some(&text[..fit]), ..Default::default() }));
    ok(unsafe { dog_stats_flush(s.0, 0.0) });
    let t = wait(&store, "the longest event", |t| t.events.len() == 1);
    assert_eq!(t.events[0].text.len(), fit);
    assert_eq!(t.max_packet, 256, "exactly one full packet");
}
