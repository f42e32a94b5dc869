//! Distributions through the exported C functions against the local intake: the
//! `/api/v1/distribution_points` body (validated against the v1 spec, deflate), every value
//! delivered exactly once and bucketed by time from many threads, the per-bucket cap (dropped
//! and counted), sample rates, splitting, retry, the timer forms and argument errors.

mod common;
use common::{c, last_error, ok, S};
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_distribution::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::stats_telemetry::*;
use dogapi::ffi::status::*;
use dogapi::stats::telemetry::{Counter::*, Snapshot};
use dogapi_intake::{Contract, Fault, Intake};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ffi::c_char;

const N: usize = DOG_STATS_TELEMETRY_COUNT as usize;
const T0: f64 = 1_700_000_000.0;

/// Started with flush_in_thread off, pointed at the intake; `f` adjusts the options.
fn start(intake: &Intake, f: impl FnOnce(*mut DogStatsOptions)) -> S {
    let o = dog_stats_options_new();
    assert!(!o.is_null());
    unsafe {
        ok(dog_stats_options_set_api_host(o, c(&intake.url()).as_ptr()));
        ok(dog_stats_options_set_api_key(o, c("test-api-key").as_ptr()));
        ok(dog_stats_options_set_host(o, c("test-host").as_ptr()));
    }
    ok(dog_stats_options_set_flush_in_thread(o, false));
    f(o);
    let s = dog_stats_new();
    assert!(!s.is_null());
    assert_eq!(unsafe { dog_stats_start(s, o) }, DOG_OK, "{}", last_error());
    unsafe { dog_stats_options_free(o) };
    S(s)
}

fn tel(s: &S) -> Snapshot {
    let mut t = Snapshot([0; N]);
    assert_eq!(unsafe { dog_stats_telemetry_read(s.0, t.0.as_mut_ptr(), t.0.len()) }, DOG_OK);
    t
}

/// `dog_stats_distribution_full` with owned strings.
fn dist(s: &S, name: &str, v: f64, tags: Option<&str>, ts: f64, rate: f64) -> dog_status_t {
    let n = c(name);
    let t = tags.map(c);
    unsafe {
        dog_stats_distribution_full(
            s.0,
            n.as_ptr(),
            v,
            t.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()),
            ts,
            rate,
            std::ptr::null(),
        )
    }
}

fn flush(s: &S, ts: f64) -> dog_status_t {
    unsafe { dog_stats_flush(s.0, ts) }
}

/// Every distribution series the intake accepted (2xx), after checking each request: POST,
/// deflate, the API key, and a body valid against the v1 spec.
fn accepted(intake: &Intake) -> Vec<Value> {
    let mut out = Vec::new();
    for (r, status) in intake.requests_with_status() {
        if r.path != "/api/v1/distribution_points" || !matches!(status, Some(200..=299)) {
            continue;
        }
        assert_eq!(r.method, "POST");
        assert_eq!(r.content_encoding.as_deref(), Some("deflate"));
        assert_eq!(r.header("dd-api-key"), Some("test-api-key"));
        assert_eq!(r.contract, Contract::Valid, "{:?}", r.contract);
        out.extend(r.json()["series"].as_array().unwrap().iter().cloned());
    }
    out
}

/// The values received per (metric, bucket timestamp), sorted.
fn values_by_bucket(series: &[Value]) -> BTreeMap<(String, i64), Vec<f64>> {
    let mut m: BTreeMap<(String, i64), Vec<f64>> = BTreeMap::new();
    for s in series {
        assert_eq!(s["type"], "distribution");
        for p in s["points"].as_array().unwrap() {
            let e = m.entry((s["metric"].as_str().unwrap().to_string(), p[0].as_i64().unwrap())).or_default();
            e.extend(p[1].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()));
        }
    }
    for v in m.values_mut() {
        v.sort_by(f64::total_cmp);
    }
    m
}

#[test]
fn body_is_deflated_and_valid_and_separate_from_series() {
    let intake = Intake::start();
    let s = start(&intake, |_| {});
    for v in [1.0, 2.5, -3.0] {
        assert_eq!(dist(&s, "lat", v, Some("role:db, env:prod"), T0, 1.0), DOG_OK);
    }
    // The same name as a histogram is another context, sent to /api/v1/series.
    let n = c("lat");
    let other = c("other-host");
    unsafe {
        assert_eq!(
            dog_stats_histogram_full(s.0, n.as_ptr(), 9.0, c("env:prod,role:db").as_ptr(), T0, 1.0, std::ptr::null()),
            DOG_OK
        );
        assert_eq!(
            dog_stats_distribution_full(s.0, n.as_ptr(), 4.0, std::ptr::null(), T0 + 10.0, 1.0, other.as_ptr()),
            DOG_OK
        );
    }
    assert_eq!(flush(&s, 0.0), DOG_OK, "{}", last_error());
    let reqs: Vec<_> = intake.requests().into_iter().filter(|r| r.path == "/api/v1/distribution_points").collect();
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].raw_body_len < reqs[0].body.len(), "body is compressed");
    let mut got = accepted(&intake);
    got.sort_by_key(|x| x["points"][0][0].as_i64());
    // The order of a bucket's values is not specified (they come from per-thread stripes).
    for g in &mut got {
        let vals = g["points"][0][1].as_array_mut().unwrap();
        vals.sort_by(|a, b| a.as_f64().unwrap().total_cmp(&b.as_f64().unwrap()));
    }
    assert_eq!(
        got,
        [
            json!({"metric":"lat","points":[[1700000000,[-3,1,2.5]]],"type":"distribution","host":"test-host","tags":["env:prod","role:db"]}),
            json!({"metric":"lat","points":[[1700000010,[4]]],"type":"distribution","host":"other-host"}),
        ]
    );
    let series: Vec<_> = intake.requests().into_iter().filter(|r| r.path == "/api/v1/series").collect();
    assert_eq!(series.len(), 1);
    let names: Vec<String> = series[0].json()["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["metric"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 8, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("lat.")), "{names:?}");
    let t = tel(&s);
    assert_eq!(
        (t[DOG_STATS_POINTS_RECORDED], t[DOG_STATS_CONTEXTS], t[DOG_STATS_SERIES_FLUSHED], t[DOG_STATS_SERIES_SENT]),
        (5, 3, 10, 10)
    );
    assert_eq!(t[DOG_STATS_PAYLOADS_SENT], 2);
    assert_eq!(t[DOG_STATS_BYTES_SENT], (reqs[0].raw_body_len + series[0].raw_body_len) as u64);
    assert_eq!(t[DOG_STATS_DROPPED_DISTRIBUTION_VALUES], 0);
}

#[test]
fn threads_deliver_every_value_exactly_once_in_its_bucket() {
    const THREADS: usize = 8;
    const M: usize = 6000;
    let intake = Intake::start();
    let s = std::sync::Arc::new(start(&intake, |o| ok(dog_stats_options_set_max_distribution_values(o, 100_000))));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let s = s.clone();
            std::thread::spawn(move || {
                for i in 0..M {
                    // Three buckets, distinct values: (bucket, thread, i) is recoverable.
                    let b = i % 3;
                    let v = (t * M + i) as f64;
                    let tags = if i % 2 == 0 { Some("shard:a") } else { Some("shard:a,") };
                    assert_eq!(dist(&s, "work.size", v, tags, T0 + (b * 10) as f64, 1.0), DOG_OK);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(flush(&s, 0.0), DOG_OK, "{}", last_error());
    let got = values_by_bucket(&accepted(&intake));
    let mut want: BTreeMap<(String, i64), Vec<f64>> = BTreeMap::new();
    for t in 0..THREADS {
        for i in 0..M {
            want.entry(("work.size".into(), T0 as i64 + (i % 3) as i64 * 10)).or_default().push((t * M + i) as f64);
        }
    }
    for v in want.values_mut() {
        v.sort_by(f64::total_cmp);
    }
    assert_eq!(got.len(), 3);
    assert_eq!(got, want);
    // The intake's own view: one context (the tags normalised), every value once.
    let by_context = intake.distribution_values();
    assert_eq!(by_context.keys().collect::<Vec<_>>(), ["work.size|#shard:a"]);
    let all: Vec<f64> = (0..THREADS * M).map(|v| v as f64).collect();
    assert_eq!(by_context["work.size|#shard:a"], all);
    let points = intake.distribution_points();
    assert!(points.iter().all(|p| p.host.as_deref() == Some("test-host") && p.tags == ["shard:a"]));
    assert_eq!(points.iter().map(|p| p.values.len()).sum::<usize>(), THREADS * M);
    let t = tel(&s);
    assert_eq!(t[DOG_STATS_POINTS_RECORDED], (THREADS * M) as u64);
    assert_eq!(t[DOG_STATS_DROPPED_DISTRIBUTION_VALUES], 0);
    // 16,000 values per bucket: 4 series of at most 4096 values each.
    assert_eq!(t[DOG_STATS_SERIES_SENT], 3 * 4);
}

#[test]
fn the_cap_drops_and_counts_per_context_and_bucket() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_max_distribution_values(o, 100)));
    for i in 0..250 {
        assert_eq!(dist(&s, "capped", i as f64, None, T0, 1.0), DOG_OK);
    }
    for i in 0..30 {
        assert_eq!(dist(&s, "capped", i as f64, None, T0 + 10.0, 1.0), DOG_OK);
        assert_eq!(dist(&s, "other", i as f64, None, T0, 1.0), DOG_OK);
    }
    assert_eq!(flush(&s, 0.0), DOG_OK, "{}", last_error());
    let got = values_by_bucket(&accepted(&intake));
    // Which 100 values are kept is not specified; they are distinct recorded values.
    let kept = &got[&("capped".to_string(), T0 as i64)];
    assert_eq!(kept.len(), 100);
    assert!(kept.windows(2).all(|w| w[0] < w[1]) && kept.iter().all(|v| (0.0..250.0).contains(v)));
    assert_eq!(got[&("capped".to_string(), T0 as i64 + 10)], (0..30).map(f64::from).collect::<Vec<_>>());
    assert_eq!(got[&("other".to_string(), T0 as i64)].len(), 30);
    let t = tel(&s);
    assert_eq!(t[DOG_STATS_DROPPED_DISTRIBUTION_VALUES], 150);
    assert_eq!(t[DOG_STATS_POINTS_RECORDED], 310, "dropped values were recorded, then dropped");
}

#[test]
fn sampled_values_are_kept_once_unscaled() {
    let intake = Intake::start();
    let s = start(&intake, |_| {});
    let n = 4000;
    for i in 0..n {
        assert_eq!(dist(&s, "sampled", i as f64, None, T0, 0.5), DOG_OK);
        assert_eq!(dist(&s, "full", i as f64, None, T0, 1.0), DOG_OK);
    }
    assert_eq!(flush(&s, 0.0), DOG_OK, "{}", last_error());
    let got = values_by_bucket(&accepted(&intake));
    let kept = &got[&("sampled".to_string(), T0 as i64)];
    let t = tel(&s);
    // Every call is either kept (sent once, as recorded) or counted as sampled out.
    assert_eq!(kept.len() as u64 + t[DOG_STATS_POINTS_SAMPLED_OUT], n);
    assert!(!kept.is_empty() && (kept.len() as u64) < n, "{} of {n} kept at rate 0.5", kept.len());
    let mut dedup = kept.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), kept.len(), "no value sent twice");
    assert!(kept.iter().all(|v| v.fract() == 0.0 && (0.0..n as f64).contains(v)), "values are not scaled");
    assert_eq!(got[&("full".to_string(), T0 as i64)], (0..n).map(|i| i as f64).collect::<Vec<_>>());
}

#[test]
fn payloads_split_under_the_limit_and_are_retried_exactly_once() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_max_payload_bytes(o, 4096)));
    let contexts = 300;
    for i in 0..contexts {
        let name = format!("split.{:x}", (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        for v in 0..5 {
            assert_eq!(dist(&s, &name, (i * 5 + v) as f64, Some("a:b"), T0, 1.0), DOG_OK);
        }
    }
    intake.push_fault(Fault::Status { code: 500, body: "{\"errors\":[\"boom\"]}".into() });
    assert_ne!(flush(&s, 0.0), DOG_OK, "the first payload failed and waits for a retry");
    assert_eq!(tel(&s)[DOG_STATS_RETRIES], 1);
    // Retry until the queue is empty (the back-off does not hold back an explicit flush).
    let mut tries = 0;
    while flush(&s, 0.0) != DOG_OK {
        tries += 1;
        assert!(tries < 20, "{}", last_error());
    }
    let reqs: Vec<_> = intake.requests().into_iter().filter(|r| r.path == "/api/v1/distribution_points").collect();
    assert!(reqs.len() > 3, "{} requests", reqs.len());
    assert!(reqs.iter().all(|r| r.raw_body_len <= 4096), "a payload over max_payload_bytes");
    let got = accepted(&intake);
    assert_eq!(got.len(), contexts);
    let mut all: Vec<f64> = values_by_bucket(&got).into_values().flatten().collect();
    all.sort_by(f64::total_cmp);
    assert_eq!(all, (0..contexts * 5).map(|i| i as f64).collect::<Vec<_>>());
    let t = tel(&s);
    assert_eq!((t[DOG_STATS_SERIES_SENT], t[DOG_STATS_SERIES_QUEUED]), (contexts as u64, 0));
}

#[test]
fn a_big_bucket_fits_the_smallest_payload_limit() {
    let intake = Intake::start();
    let s = start(&intake, |o| ok(dog_stats_options_set_max_payload_bytes(o, 1024)));
    // Values with 17 significant digits compress worst.
    let want: Vec<f64> = (0..3000).map(|i| 1.0 / 3.0 + i as f64 * 1.000_000_1).collect();
    for v in &want {
        assert_eq!(dist(&s, "big", *v, None, T0, 1.0), DOG_OK);
    }
    assert_eq!(flush(&s, 0.0), DOG_OK, "{}", last_error());
    let t = tel(&s);
    assert_eq!(t[DOG_STATS_DROPPED_SERIES_OVERSIZED], 0);
    assert!(intake.requests().iter().all(|r| r.raw_body_len <= 1024));
    let mut sorted = want.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(intake.distribution_values()["big"], sorted, "every value, exactly (shortest round-trip form)");
    assert_eq!(t[DOG_STATS_SERIES_SENT], 3000 / 64 + 1, "64 values per series at 1024 bytes");
}

#[test]
fn timer_forms_record_a_distribution() {
    let intake = Intake::start();
    let s = start(&intake, |_| {});
    let n = c("op.time");
    let timer = dog_stats_timer_start();
    unsafe {
        assert_eq!(dog_stats_timer_stop_distribution(s.0, timer, n.as_ptr(), c("k:v").as_ptr()), DOG_OK);
        assert_eq!(
            dog_stats_timer_stop_distribution_full(s.0, timer, n.as_ptr(), c("k:v").as_ptr(), 1.0, c("h2").as_ptr()),
            DOG_OK
        );
        assert_eq!(dog_stats_distribution(s.0, n.as_ptr(), 0.25, c("k:v").as_ptr()), DOG_OK);
        assert_eq!(dog_stats_stop(s.0, 0.0), DOG_OK, "{}", last_error());
    }
    let got = accepted(&intake);
    assert_eq!(got.len(), 2, "{got:?}");
    let mine = got.iter().find(|x| x["host"] == "test-host").unwrap();
    let v = mine["points"][0][1].as_array().unwrap();
    assert_eq!(v.len(), 2);
    assert!(v.iter().any(|x| x.as_f64() == Some(0.25)));
    assert!(v.iter().all(|x| x.as_f64().unwrap() >= 0.0));
    assert_eq!(mine["tags"], json!(["k:v"]));
    let h2 = got.iter().find(|x| x["host"] == "h2").unwrap();
    assert!(h2["points"][0][1][0].as_f64().unwrap() >= 0.0);
}

#[test]
fn invalid_arguments_give_statuses() {
    let n = c("d");
    let o = dog_stats_options_new();
    assert_eq!(dog_stats_options_set_max_distribution_values(o, 0), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_stats_options_set_max_distribution_values(o, 8_388_609), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_stats_options_set_max_distribution_values(o, usize::MAX), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_stats_options_set_max_distribution_values(o, 1), DOG_OK);
    assert_eq!(dog_stats_options_set_max_distribution_values(o, 8_388_608), DOG_OK);
    assert_eq!(dog_stats_options_set_max_distribution_values(std::ptr::null_mut(), 5), DOG_ERR_NULL_ARGUMENT);
    unsafe { dog_stats_options_free(o) };
    let unstarted = S(dog_stats_new());
    let timer = dog_stats_timer_start();
    unsafe {
        assert_eq!(dog_stats_distribution(unstarted.0, n.as_ptr(), 1.0, std::ptr::null()), DOG_ERR_NOT_STARTED);
        assert_eq!(
            dog_stats_distribution(std::ptr::null_mut(), n.as_ptr(), 1.0, std::ptr::null()),
            DOG_ERR_NULL_ARGUMENT
        );
    }
    let intake = Intake::start();
    let s = start(&intake, |_| {});
    let bad = [0xffu8, 0];
    unsafe {
        assert_eq!(dog_stats_distribution(s.0, std::ptr::null(), 1.0, std::ptr::null()), DOG_ERR_NULL_ARGUMENT);
        assert_eq!(dog_stats_distribution(s.0, c("").as_ptr(), 1.0, std::ptr::null()), DOG_ERR_INVALID_ARGUMENT);
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(dog_stats_distribution(s.0, n.as_ptr(), v, std::ptr::null()), DOG_ERR_INVALID_ARGUMENT);
        }
        assert_eq!(
            dog_stats_distribution(s.0, n.as_ptr(), 1.0, bad.as_ptr() as *const c_char),
            DOG_ERR_INVALID_ARGUMENT
        );
        for rate in [0.0, -1.0, 1.5, f64::NAN] {
            assert_eq!(
                dog_stats_distribution_full(s.0, n.as_ptr(), 1.0, std::ptr::null(), 0.0, rate, std::ptr::null()),
                DOG_ERR_INVALID_ARGUMENT,
                "rate {rate}"
            );
        }
        assert_eq!(
            dog_stats_distribution_full(s.0, n.as_ptr(), 1.0, std::ptr::null(), f64::NAN, 1.0, std::ptr::null()),
            DOG_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            dog_stats_timer_stop_distribution(s.0, timer, std::ptr::null(), std::ptr::null()),
            DOG_ERR_NULL_ARGUMENT
        );
        assert_eq!(
            dog_stats_timer_stop_distribution_full(s.0, timer, n.as_ptr(), std::ptr::null(), 2.0, std::ptr::null()),
            DOG_ERR_INVALID_ARGUMENT
        );
    }
    assert_eq!(flush(&s, 0.0), DOG_OK);
    assert!(accepted(&intake).is_empty(), "nothing was recorded");
    assert_eq!(tel(&s)[DOG_STATS_POINTS_RECORDED], 0);
}
