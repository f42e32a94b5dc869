//! Global tags through the exported C functions against the local intake: `DD_ENV`,
//! `DD_SERVICE`, `DD_VERSION`, `DD_TAGS` and the global-tags options are merged into every
//! series (once per context, sorted, each tag once; a call that repeats a global tag is the same
//! context as one that does not), and into events and service checks posted with `dog_http_t`.
//!
//! The environment is set once, before any test reads it (`env()` first in every test).

mod common;

use common::*;
use dogapi::ffi::event::dog_event_post;
use dogapi::ffi::http::dog_http_set_global_tags;
use dogapi::ffi::service_check::dog_service_check_post;
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::status::*;
use serde_json::{json, Value};
use std::sync::Once;

/// The environment's tags, sorted.
const ENV_TAGS: [&str; 5] = ["env:prod", "service:web", "team:core", "version:1.2.3", "zone:a"];

fn env() {
    static SET: Once = Once::new();
    SET.call_once(|| {
        // Every test calls this before anything reads the environment.
        std::env::set_var("DD_ENV", "prod");
        std::env::set_var("DD_SERVICE", "web");
        std::env::set_var("DD_VERSION", "1.2.3");
        std::env::set_var("DD_TAGS", "team:core zone:a,team:core");
    });
}

const T0: f64 = 1_700_000_000.0;

struct Stats(*mut DogStats);

impl Drop for Stats {
    fn drop(&mut self) {
        unsafe { dog_stats_free(self.0) }
    }
}

/// Options pointed at `intake`, no flush thread, the given global-tags option.
fn options(intake: &Intake, global: Option<&str>) -> *mut DogStatsOptions {
    let o = dog_stats_options_new();
    let g = global.map(c);
    unsafe {
        assert_eq!(dog_stats_options_set_api_host(o, c(&intake.url()).as_ptr()), DOG_OK);
        assert_eq!(dog_stats_options_set_api_key(o, c("test-api-key").as_ptr()), DOG_OK);
        assert_eq!(dog_stats_options_set_host(o, c("h").as_ptr()), DOG_OK);
        assert_eq!(dog_stats_options_set_global_tags(o, p(&g)), DOG_OK);
    }
    assert_eq!(dog_stats_options_set_flush_in_thread(o, false), DOG_OK);
    o
}

fn start(s: &Stats, intake: &Intake, global: Option<&str>) {
    let o = options(intake, global);
    unsafe {
        assert_eq!(dog_stats_start(s.0, o), DOG_OK);
        dog_stats_options_free(o);
    }
}

fn inc(s: &Stats, name: &str, tags: Option<&str>) {
    let (n, t) = (c(name), tags.map(c));
    let st = unsafe { dog_stats_increment_full(s.0, n.as_ptr(), 1.0, p(&t), T0, 1.0, std::ptr::null()) };
    assert_eq!(st, DOG_OK);
}

/// Every series the intake received, each request checked valid.
fn series(intake: &Intake) -> Vec<Value> {
    let mut out = Vec::new();
    for r in intake.requests().into_iter().filter(|r| r.path == "/api/v1/series") {
        assert_eq!(r.contract, Contract::Valid, "{:?}", r.contract);
        out.extend(r.json()["series"].as_array().unwrap().iter().cloned());
    }
    out.sort_by_key(|s| s.to_string());
    out
}

fn sorted(tags: &[&str]) -> Value {
    let mut v: Vec<&str> = tags.to_vec();
    v.sort_unstable();
    json!(v)
}

#[test]
fn every_series_carries_the_global_tags_once_and_repeating_one_is_the_same_context() {
    env();
    let intake = Intake::start();
    let s = Stats(dog_stats_new());
    start(&s, &intake, Some("owner:me, env:prod"));
    inc(&s, "gt.plain", None);
    inc(&s, "gt.plain", Some("env:prod")); // repeats DD_ENV: the same context
    inc(&s, "gt.plain", Some("zone:a, env:prod, service:web")); // only global tags: the same again
    inc(&s, "gt.own", Some("k:v,a:1"));
    inc(&s, "gt.own", Some("a:1,k:v,owner:me"));
    inc(&s, "gt.dup", Some("k:v,k:v")); // the call's own duplicates stay (as without global tags)
    unsafe {
        let (h, g) = (c("gt.h"), c("gt.g"));
        assert_eq!(dog_stats_histogram_full(s.0, h.as_ptr(), 1.0, std::ptr::null(), T0, 1.0, std::ptr::null()), DOG_OK);
        assert_eq!(dog_stats_gauge_full(s.0, g.as_ptr(), 3.0, c("zz").as_ptr(), T0, 1.0, std::ptr::null()), DOG_OK);
        assert_eq!(dog_stats_flush(s.0, T0 + 10.0), DOG_OK);
    }
    let all = series(&intake);
    let global: Vec<&str> = ENV_TAGS.iter().copied().chain(["owner:me"]).collect();
    assert_eq!(all.len(), 3 + 8 + 1, "{all:#?}");
    for x in &all {
        let tags: Vec<&str> = x["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        for g in &global {
            assert_eq!(tags.iter().filter(|t| *t == g).count(), 1, "{g} once in {x}");
        }
        let mut s = tags.clone();
        s.sort_unstable();
        assert_eq!(s, tags, "sorted: {x}");
    }
    let find = |m: &str| all.iter().find(|x| x["metric"] == m).unwrap().clone();
    assert_eq!(
        find("gt.plain"),
        json!({"metric":"gt.plain","points":[[1700000000,3]],"type":"count","interval":10,"host":"h","tags":sorted(&global)})
    );
    let own: Vec<&str> = global.iter().copied().chain(["a:1", "k:v"]).collect();
    assert_eq!(find("gt.own")["tags"], sorted(&own));
    assert_eq!(find("gt.own")["points"][0][1], 2);
    let dup: Vec<&str> = global.iter().copied().chain(["k:v", "k:v"]).collect();
    assert_eq!(find("gt.dup")["tags"], sorted(&dup));
    let g: Vec<&str> = global.iter().copied().chain(["zz"]).collect();
    assert_eq!(find("gt.g")["tags"], sorted(&g));
    assert_eq!(find("gt.h.count")["tags"], sorted(&global));
}

#[test]
fn a_restart_with_other_global_tags_makes_new_contexts() {
    env();
    let intake = Intake::start();
    let s = Stats(dog_stats_new());
    start(&s, &intake, Some("owner:a"));
    inc(&s, "gt.restart", Some("k:v")); // this thread's cache now holds the context
    assert_eq!(unsafe { dog_stats_stop(s.0, 10.0) }, DOG_OK);
    inc(&s, "gt.restart", Some("k:v")); // after the stop: sent by the stop inside the restart
    start(&s, &intake, Some("owner:b"));
    inc(&s, "gt.restart", Some("k:v")); // cached before the restart: must reach a new context
    inc(&s, "gt.restart", Some("k:v"));
    assert_eq!(unsafe { dog_stats_stop(s.0, 10.0) }, DOG_OK);
    let all = series(&intake);
    let tags = |owner: &str| sorted(&ENV_TAGS.iter().copied().chain(["k:v", owner]).collect::<Vec<_>>());
    let sum = |owner: &str| {
        all.iter().filter(|x| x["tags"] == tags(owner)).map(|x| x["points"][0][1].as_f64().unwrap()).sum::<f64>()
    };
    assert_eq!(all.len(), 3, "{all:#?}");
    assert_eq!((sum("owner:a"), sum("owner:b")), (2.0, 2.0), "{all:#?}");
}

#[test]
fn the_global_tags_options_refuse_bad_tags_and_change_nothing() {
    env();
    let intake = Intake::start();
    let o = options(&intake, Some("keep:me"));
    let long = c(&"x".repeat(201));
    unsafe {
        assert_eq!(dog_stats_options_set_global_tags(o, long.as_ptr()), DOG_ERR_INVALID_ARGUMENT);
        assert_eq!(dog_stats_options_set_global_tags(std::ptr::null_mut(), long.as_ptr()), DOG_ERR_NULL_ARGUMENT);
        assert_eq!(dog_stats_options_set_global_tags(o, c"\xff".as_ptr()), DOG_ERR_INVALID_ARGUMENT);
        let s = Stats(dog_stats_new());
        assert_eq!(dog_stats_start(s.0, o), DOG_OK);
        dog_stats_options_free(o);
        inc(&s, "gt.kept", None);
        assert_eq!(dog_stats_flush(s.0, T0 + 10.0), DOG_OK);
    }
    let all = series(&intake);
    let want: Vec<&str> = ENV_TAGS.iter().copied().chain(["keep:me"]).collect();
    assert_eq!(all[0]["tags"], sorted(&want));

    let client = Client::new(&intake);
    unsafe {
        assert_eq!(dog_http_set_global_tags(client.ptr(), long.as_ptr()), DOG_ERR_INVALID_ARGUMENT);
        assert_eq!(dog_http_set_global_tags(std::ptr::null_mut(), std::ptr::null()), DOG_ERR_NULL_ARGUMENT);
    }
}

fn post_event(client: &Client, tags: Option<&str>, extra: Option<&str>) {
    let (t, e) = (tags.map(c), extra.map(c));
    let null = std::ptr::null();
    let st = unsafe {
        dog_event_post(
            client.ptr(),
            c("title").as_ptr(),
            c("text").as_ptr(),
            0,
            null,
            null,
            0,
            p(&t),
            null,
            null,
            null,
            null,
            p(&e),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, DOG_OK);
}

fn post_check(client: &Client, tags: Option<&str>) {
    let t = tags.map(c);
    let st = unsafe {
        dog_service_check_post(
            client.ptr(),
            c("app.ok").as_ptr(),
            c("web-1").as_ptr(),
            0,
            0,
            std::ptr::null(),
            p(&t),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, DOG_OK);
}

/// The `tags` of every request recorded on `path`, in order.
fn tags_on(intake: &Intake, path: &str) -> Vec<Value> {
    intake
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| {
            assert_eq!(r.contract, Contract::Valid, "{:?}", r.contract);
            let b = r.json();
            if b.is_array() {
                b[0]["tags"].clone()
            } else {
                b["tags"].clone()
            }
        })
        .collect()
}

#[test]
fn events_and_service_checks_get_the_global_tags_after_their_own_without_duplicates() {
    env();
    let intake = Intake::start();
    let client = Client::new(&intake); // reads the environment's tags
    assert_eq!(unsafe { dog_http_set_global_tags(client.ptr(), c("owner:me, service:web").as_ptr()) }, DOG_OK);
    post_event(&client, Some("b:1,service:web"), None);
    post_event(&client, None, None);
    post_event(&client, None, Some(r#"{"tags":["x:1","env:prod"]}"#));
    post_check(&client, Some("zone:a,c:2"));
    post_check(&client, None);
    let mut global: Vec<&str> = ENV_TAGS.iter().copied().chain(["owner:me"]).collect();
    global.sort_unstable();
    let with = |own: &[&str]| {
        let mut v: Vec<&str> = own.to_vec();
        v.extend(global.iter().filter(|g| !own.contains(g)));
        json!(v)
    };
    // The call's tags first, then the global ones (sorted), each once.
    let ev = tags_on(&intake, "/api/v1/events");
    assert_eq!(ev, [with(&["b:1", "service:web"]), json!(global), with(&["x:1", "env:prod"])]);
    let checks = tags_on(&intake, "/api/v1/check_run");
    assert_eq!(checks, [with(&["zone:a", "c:2"]), json!(global)]);

    // NULL clears the option; the environment's tags stay.
    assert_eq!(unsafe { dog_http_set_global_tags(client.ptr(), std::ptr::null()) }, DOG_OK);
    intake.clear();
    post_check(&client, Some("c:2"));
    let checks = tags_on(&intake, "/api/v1/check_run");
    let mut want = vec!["c:2"];
    want.extend(ENV_TAGS);
    assert_eq!(checks, [json!(want)]);
}
