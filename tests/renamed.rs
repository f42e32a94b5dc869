//! The deprecated old names (src/ffi/renamed.rs, docs/NAMING.md) through the exported C
//! functions: each old name sends the same request, gives the same status and result as its
//! replacement, or records the same point.
#![allow(deprecated)]

mod common;
use common::*;
use dogapi::ffi::renamed::*;
use dogapi::ffi::response::DogResponse;
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::status::*;
use dogapi::ffi::{dashboard, event, last_error, log, metric, monitor, snapshot, tags};
use serde_json::Value;
use std::ffi::CStr;
use std::ptr::null;

/// What one call did: its status, result view and the request it sent (method, path, query, body).
fn outcome(
    ctx: &Ctx,
    f: impl FnOnce(*mut *mut DogResponse) -> dog_status_t,
) -> (dog_status_t, Option<String>, String, String, String, Vec<u8>) {
    let o = run(f);
    let q = take_one(&ctx.intake);
    (o.status, o.result, q.method, q.path, q.raw_query, q.body)
}

#[test]
fn http_aliases_send_what_their_replacements_send() {
    let ctx = setup();
    let h = ctx.h;
    let (host, t, src) = (c("web-1"), c("role:db"), c("chef"));
    // Points must be within the last hour (dog_metric_post_series refuses older ones).
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let series = c(&format!(r#"[{{"metric":"m","points":[[{now},1]]}}]"#));
    let (gs, mt) = (c("alert"), c("env:prod"));
    let (prio, sources) = (c("normal"), c("chef"));
    let url = c("https://app.datadoghq.com/snapshot/view/dd-snapshots-prod/org_1/2024-01-01/abc.png");
    type Pair<'a> = (
        &'a str,
        Box<dyn Fn(*mut *mut DogResponse) -> dog_status_t + 'a>,
        Box<dyn Fn(*mut *mut DogResponse) -> dog_status_t + 'a>,
    );
    let pairs: Vec<Pair> = vec![
        (
            "dog_tags_all",
            Box::new(|o| unsafe { dog_tags_all(h, src.as_ptr(), o) }),
            Box::new(|o| unsafe { tags::dog_tag_list(h, src.as_ptr(), o) }),
        ),
        (
            "dog_tags_get",
            Box::new(|o| unsafe { dog_tags_get(h, host.as_ptr(), src.as_ptr(), true, o) }),
            Box::new(|o| unsafe { tags::dog_tag_get(h, host.as_ptr(), src.as_ptr(), true, o) }),
        ),
        (
            "dog_tags_add",
            Box::new(|o| unsafe { dog_tags_add(h, host.as_ptr(), t.as_ptr(), src.as_ptr(), o) }),
            Box::new(|o| unsafe { tags::dog_tag_create(h, host.as_ptr(), t.as_ptr(), src.as_ptr(), o) }),
        ),
        (
            "dog_tags_change",
            Box::new(|o| unsafe { dog_tags_change(h, host.as_ptr(), t.as_ptr(), null(), o) }),
            Box::new(|o| unsafe { tags::dog_tag_update(h, host.as_ptr(), t.as_ptr(), null(), o) }),
        ),
        (
            "dog_tags_detach",
            Box::new(|o| unsafe { dog_tags_detach(h, host.as_ptr(), src.as_ptr(), o) }),
            Box::new(|o| unsafe { tags::dog_tag_delete(h, host.as_ptr(), src.as_ptr(), o) }),
        ),
        (
            "dog_metrics_post",
            Box::new(|o| unsafe { dog_metrics_post(h, series.as_ptr(), o) }),
            Box::new(|o| unsafe { metric::dog_metric_post_series(h, series.as_ptr(), o) }),
        ),
        (
            "dog_dashboard_get_all",
            Box::new(|o| dog_dashboard_get_all(h, true, false, 5, 10, o)),
            Box::new(|o| dashboard::dog_dashboard_list(h, true, false, 5, 10, o)),
        ),
        (
            "dog_monitor_get_all",
            Box::new(|o| unsafe { dog_monitor_get_all(h, gs.as_ptr(), mt.as_ptr(), o) }),
            Box::new(|o| unsafe { monitor::dog_monitor_list(h, gs.as_ptr(), mt.as_ptr(), o) }),
        ),
        (
            "dog_event_stream",
            Box::new(|o| unsafe {
                dog_event_stream(h, 1_700_000_000, 1_700_003_600, prio.as_ptr(), sources.as_ptr(), mt.as_ptr(), o)
            }),
            Box::new(|o| unsafe {
                event::dog_event_list(h, 1_700_000_000, 1_700_003_600, prio.as_ptr(), sources.as_ptr(), mt.as_ptr(), o)
            }),
        ),
        (
            "dog_snapshot_status",
            Box::new(|o| unsafe { dog_snapshot_status(h, url.as_ptr(), o) }),
            Box::new(|o| unsafe { snapshot::dog_snapshot_get_status(h, url.as_ptr(), o) }),
        ),
    ];
    for (name, old, new) in &pairs {
        let a = outcome(&ctx, old);
        let b = outcome(&ctx, new);
        assert_eq!(a, b, "{name}");
        assert_eq!(a.0, DOG_OK, "{name}: {}", last_error());
    }
    // Argument checks are the replacement's: nothing sent, same status.
    let bad = [0xffu8, 0];
    let st = unsafe { dog_tags_all(h, bad.as_ptr().cast(), std::ptr::null_mut()) };
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(
        unsafe { dog_metrics_post(std::ptr::null_mut(), series.as_ptr(), std::ptr::null_mut()) },
        DOG_ERR_NULL_ARGUMENT
    );
    assert_nothing_sent(&ctx.intake);
}

#[test]
fn last_error_and_log_callback_aliases() {
    assert_eq!(dog_set_log_callback(None, 9, std::ptr::null_mut()), DOG_ERR_INVALID_ARGUMENT);
    let (old, new) = (dog_last_error(), last_error::dog_error_last());
    assert_eq!(old, new, "the same thread-local string");
    let msg = unsafe { CStr::from_ptr(old) }.to_str().unwrap();
    assert!(msg.contains("log level"), "{msg}");
    assert_eq!(dog_set_log_callback(None, 4, std::ptr::null_mut()), DOG_OK);
    assert_eq!(log::dog_log_set_callback(None, 4, std::ptr::null_mut()), DOG_OK);
}

#[test]
fn stats_aliases_record_what_their_replacements_record() {
    let intake = dogapi_intake::Intake::start();
    let o = dog_stats_options_new();
    unsafe {
        assert_eq!(dog_stats_options_set_api_host(o, c(&intake.url()).as_ptr()), DOG_OK);
        assert_eq!(dog_stats_options_set_api_key(o, c("k").as_ptr()), DOG_OK);
    }
    assert_eq!(dog_stats_options_set_flush_in_thread(o, false), DOG_OK);
    let s = dog_stats_new();
    assert_eq!(unsafe { dog_stats_start(s, o) }, DOG_OK);
    unsafe { dog_stats_options_free(o) };
    let (tags, host) = (c("env:a"), c("h1"));
    let ts = 1_700_000_005.0;
    let t = dog_stats_timer_start();
    for (suffix, old) in [("old", true), ("new", false)] {
        let n = |k: &str| c(&format!("alias.{suffix}.{k}"));
        let (ni, ng, nh, nt) = (n("count"), n("gauge"), n("hist"), n("timer"));
        unsafe {
            let st = if old {
                [
                    dog_stats_increment_ex(s, ni.as_ptr(), 2.0, tags.as_ptr(), ts, 1.0, host.as_ptr()),
                    dog_stats_gauge_ex(s, ng.as_ptr(), 3.0, tags.as_ptr(), ts, 1.0, host.as_ptr()),
                    dog_stats_histogram_ex(s, nh.as_ptr(), 4.0, tags.as_ptr(), ts, 1.0, host.as_ptr()),
                    dog_stats_timer_stop_ex(s, t, nt.as_ptr(), tags.as_ptr(), 1.0, host.as_ptr()),
                ]
            } else {
                [
                    dog_stats_increment_full(s, ni.as_ptr(), 2.0, tags.as_ptr(), ts, 1.0, host.as_ptr()),
                    dog_stats_gauge_full(s, ng.as_ptr(), 3.0, tags.as_ptr(), ts, 1.0, host.as_ptr()),
                    dog_stats_histogram_full(s, nh.as_ptr(), 4.0, tags.as_ptr(), ts, 1.0, host.as_ptr()),
                    dog_stats_timer_stop_full(s, t, nt.as_ptr(), tags.as_ptr(), 1.0, host.as_ptr()),
                ]
            };
            assert_eq!(st, [DOG_OK; 4], "{suffix}");
        }
    }
    assert_eq!(unsafe { dog_stats_gauge_ex(s, null(), 1.0, null(), 0.0, 1.0, null()) }, DOG_ERR_NULL_ARGUMENT);
    assert_eq!(unsafe { dog_stats_stop(s, 5.0) }, DOG_OK);
    // Every series of the old names equals the one of the new names (timers: same host and tags).
    let mut by_name = std::collections::HashMap::new();
    for r in intake.requests().iter().filter(|r| r.path == "/api/v1/series") {
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        for sr in v["series"].as_array().unwrap() {
            by_name.insert(sr["metric"].as_str().unwrap().to_string(), sr.clone());
        }
    }
    for k in ["count", "gauge", "hist.max", "hist.count", "timer.count"] {
        let (a, b) = (&by_name[&format!("alias.old.{k}")], &by_name[&format!("alias.new.{k}")]);
        assert_eq!((&a["host"], &a["tags"], &a["type"]), (&b["host"], &b["tags"], &b["type"]), "{k}");
        if !k.starts_with("timer") {
            assert_eq!(a["points"], b["points"], "{k}");
        }
    }
    unsafe { dog_stats_free(s) };
}
