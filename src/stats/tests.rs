//! Unit tests of the aggregator through `Stats` (no network: the series a flush would send).

/// dogapi 1.11.1 `tests/unit/test_stats_api.py` (reference §6.1), same numbers; changed only
/// where DESIGN §4 says: counters and `.count` are `count` with `interval`, tags omitted when
/// empty, tags emitted sorted (order is not part of identity), percentile ties half away
/// from zero.
mod dogapi_tests {
    use super::super::*;
    use crate::error::ErrorKind;
    use crate::stats::telemetry::Counter::*;
    use serde_json::{json, Value};
    use std::sync::Arc;

    fn started(f: impl FnOnce(&mut StatsOptions)) -> Arc<Stats> {
        let s = Stats::new();
        let mut o = StatsOptions {
            flush_in_thread: false,
            api_host: Some("http://127.0.0.1:9".into()),
            api_key: Some("k".into()),
            ..Default::default()
        };
        f(&mut o);
        s.start(o).unwrap();
        s
    }

    fn pt(name: &str, value: f64, ts: f64) -> Point<'_> {
        Point { name, value, tags: None, timestamp: ts, sample_rate: 1.0, host: None }
    }

    fn get<'a>(m: &'a [Value], name: &str) -> Vec<&'a Value> {
        m.iter().filter(|x| x["metric"] == name).collect()
    }

    fn val(v: &Value) -> f64 {
        v["points"][0][1].as_f64().unwrap()
    }

    #[test]
    fn histogram() {
        let s = started(|_| {});
        for (name, v, ts) in [
            ("histogram.1", 20.0, 100.0),
            ("histogram.1", 30.0, 105.0),
            ("histogram.1", 40.0, 106.0),
            ("histogram.1", 50.0, 106.0),
            ("histogram.1", 30.0, 110.0),
            ("histogram.1", 50.0, 115.0),
            ("histogram.1", 40.0, 116.0),
            ("histogram.2", 40.0, 100.0),
            ("histogram.3", 50.0, 134.0),
        ] {
            s.record(Kind::Histogram, &pt(name, v, ts)).unwrap();
        }
        let m = s.flush_series(120.0);
        assert_eq!(m.len(), 24);
        let b100: Vec<&Value> = m
            .iter()
            .filter(|x| x["points"][0][0] == 100 && x["metric"].as_str().unwrap().starts_with("histogram.1"))
            .collect();
        let by = |suffix: &str| val(b100.iter().find(|x| x["metric"] == format!("histogram.1{suffix}")).unwrap());
        assert_eq!(by(".avg"), 35.0);
        assert_eq!(by(".count"), 4.0);
        assert_eq!(by(".min"), 20.0);
        assert_eq!(by(".max"), 50.0);
        assert_eq!(by(".75percentile"), 40.0);
        assert_eq!(by(".99percentile"), 50.0);
        let b110 = |suffix: &str| {
            val(m.iter().find(|x| x["points"][0][0] == 110 && x["metric"] == format!("histogram.1{suffix}")).unwrap())
        };
        assert_eq!(b110(".avg"), 40.0);
        assert_eq!(b110(".count"), 3.0);
        assert_eq!(b110(".75percentile"), 40.0);
        assert_eq!(b110(".99percentile"), 50.0);
        assert_eq!(val(get(&m, "histogram.2.avg")[0]), 40.0);
        assert_eq!(val(get(&m, "histogram.2.count")[0]), 1.0);
        // Types: statistics are gauges; .count is a count with interval.
        let c = get(&m, "histogram.2.count")[0];
        assert_eq!(c["type"], "count");
        assert_eq!(c["interval"], 10);
        assert_eq!(get(&m, "histogram.2.avg")[0]["type"], "gauge");
        assert!(get(&m, "histogram.2.avg")[0].get("interval").is_none());
        assert_eq!(s.flush_series(140.0).len(), 8);
        assert_eq!(s.flush_series(200.0).len(), 0);
    }

    #[test]
    fn histogram_percentiles() {
        let s = started(|_| {});
        for _ in 0..20 {
            for v in 1..=100 {
                s.record(Kind::Histogram, &pt("percentiles", v as f64, 1000.0)).unwrap();
            }
        }
        let m = s.flush_series(2000.0);
        assert_eq!(m.len(), 8);
        for p in [75.0, 85.0, 95.0, 99.0] {
            let v = get(&m, &format!("percentiles.{p}percentile"))[0];
            assert!((val(v) - p).abs() <= 8.0, "p{p} = {}", val(v));
            assert_eq!(v["points"][0][0].as_f64().unwrap(), 1000.0);
        }
        assert_eq!(val(get(&m, "percentiles.count")[0]), 2000.0);
    }

    #[test]
    fn gauge() {
        let s = started(|_| {});
        s.record(Kind::Gauge, &pt("test.gauge.1", 20.0, 100.0)).unwrap();
        s.record(Kind::Gauge, &pt("test.gauge.1", 22.0, 105.0)).unwrap();
        s.record(Kind::Gauge, &pt("test.gauge.2", 20.0, 110.0)).unwrap();
        s.record(Kind::Gauge, &pt("test.gauge.3", 20.0, 125.0)).unwrap();
        let m = s.flush_series(120.0);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0]["metric"], "test.gauge.1");
        assert_eq!(val(&m[0]), 22.0);
        assert_eq!(m[0]["points"][0][0], 100);
        assert_eq!(m[0]["type"], "gauge");
        assert_eq!(m[1]["metric"], "test.gauge.2");
        assert_eq!(s.flush_series(130.0).len(), 1);
        assert_eq!(s.flush_series(150.0).len(), 0);
    }

    #[test]
    fn counter() {
        let s = started(|_| {});
        s.record(Kind::Counter, &pt("test.counter.1", 1.0, 1000.0)).unwrap();
        s.record(Kind::Counter, &pt("test.counter.1", 2.0, 1005.0)).unwrap();
        s.record(Kind::Counter, &pt("test.counter.2", 1.0, 1015.0)).unwrap();
        s.record(Kind::Counter, &pt("test.counter.3", 1.0, 1025.0)).unwrap();
        let m = s.flush_series(1021.0);
        assert_eq!(m.len(), 2);
        assert_eq!(val(&m[0]), 3.0);
        assert_eq!(m[0]["type"], "count");
        assert_eq!(m[0]["interval"], 10);
        assert_eq!(s.flush_series(1030.0).len(), 1);
        assert_eq!(s.flush_series(1050.0).len(), 0);
    }

    #[test]
    fn default_host_and_device() {
        let s = started(|_| {});
        s.record(Kind::Gauge, &pt("my.gauge", 1.0, 100.0)).unwrap();
        let m = s.flush_series(200.0);
        assert!(m[0].get("device").is_none());
        assert_eq!(m[0]["host"], crate::host::hostname());
        assert!(!m[0]["host"].as_str().unwrap().is_empty());
    }

    #[test]
    fn custom_host_and_device() {
        let s = started(|o| {
            o.host = Some("host".into());
            o.device = Some("dev".into());
        });
        s.record(Kind::Gauge, &pt("my.gauge", 1.0, 100.0)).unwrap();
        let m = s.flush_series(200.0);
        assert_eq!(m[0]["host"], "host");
        assert_eq!(m[0]["device"], "dev");
    }

    #[test]
    fn tags() {
        let s = started(|_| {});
        for (kind, name) in [(Kind::Gauge, "gauge"), (Kind::Counter, "counter")] {
            s.record(kind, &pt(name, 1.0, 100.0)).unwrap();
            s.record(kind, &Point { tags: Some("env:production,db"), ..pt(name, 1.0, 100.0) }).unwrap();
            s.record(kind, &Point { tags: Some("env:staging"), ..pt(name, 1.0, 100.0) }).unwrap();
        }
        s.record(Kind::Histogram, &Point { tags: Some("db"), ..pt("hist", 1.0, 100.0) }).unwrap();
        let m = s.flush_series(200.0);
        assert_eq!(m.len(), 6 + 8);
        for name in ["gauge", "counter"] {
            let g = get(&m, name);
            assert_eq!(g.len(), 3);
            assert!(g.iter().any(|x| x.get("tags").is_none()), "no-tag series omits tags");
            assert!(g.iter().any(|x| x["tags"] == json!(["db", "env:production"])));
            assert!(g.iter().any(|x| x["tags"] == json!(["env:staging"])));
        }
        assert!(get(&m, "hist.avg")[0]["tags"] == json!(["db"]));
    }

    #[test]
    fn host() {
        let s = started(|o| o.host = Some("default".into()));
        let g =
            |h: Option<&'static str>, tags: Option<&'static str>| Point { host: h, tags, ..pt("gauge", 12.0, 100.0) };
        s.record(Kind::Gauge, &g(Some(""), None)).unwrap();
        s.record(Kind::Gauge, &g(Some("test"), None)).unwrap();
        let c =
            |h: Option<&'static str>, tags: Option<&'static str>| Point { host: h, tags, ..pt("counter", 1.0, 100.0) };
        s.record(Kind::Counter, &c(None, None)).unwrap();
        s.record(Kind::Counter, &c(None, None)).unwrap();
        s.record(Kind::Counter, &c(Some("test"), None)).unwrap();
        s.record(Kind::Counter, &c(Some("test"), Some("tag"))).unwrap();
        s.record(Kind::Counter, &c(Some("test"), Some("tag"))).unwrap();
        s.record(Kind::Histogram, &Point { host: Some("test"), ..pt("hist", 1.0, 100.0) }).unwrap();
        let m = s.flush_series(200.0);
        // dogapi's 6 also held a timed metric; here: 2 gauges + 3 counters + 8 histogram.
        assert_eq!(m.len(), 5 + 8);
        let gauges = get(&m, "gauge");
        assert!(gauges.iter().any(|x| x["host"] == ""));
        assert!(gauges.iter().any(|x| x["host"] == "test"));
        let counters = get(&m, "counter");
        let find = |host: &str, tagged: bool| {
            val(counters.iter().find(|x| x["host"] == host && x.get("tags").is_some() == tagged).unwrap())
        };
        assert_eq!(find("default", false), 2.0);
        assert_eq!(find("test", false), 1.0);
        assert_eq!(find("test", true), 2.0);
        assert!(get(&m, "hist.avg").iter().all(|x| x["host"] == "test"));
    }

    #[test]
    fn disabled_mode() {
        let s = started(|o| o.disabled = true);
        s.record(Kind::Gauge, &pt("page.views", 123.0, 100.0)).unwrap();
        assert!(s.flush(Some(1000.0)).is_ok());
        assert_eq!(s.flush_series(1000.0).len(), 0);
        assert_eq!(s.telemetry()[DOG_STATS_POINTS_RECORDED], 0);
    }

    #[test]
    fn not_started_and_argument_checks() {
        let s = Stats::new();
        assert_eq!(s.record(Kind::Gauge, &pt("a", 1.0, 0.0)).unwrap_err().kind, ErrorKind::NotStarted);
        assert_eq!(s.flush(None).unwrap_err().kind, ErrorKind::NotStarted);
        assert_eq!(s.stop(None).unwrap_err().kind, ErrorKind::NotStarted);
        let s = started(|_| {});
        assert_eq!(s.record(Kind::Gauge, &pt("", 1.0, 0.0)).unwrap_err().kind, ErrorKind::InvalidArgument);
        assert_eq!(
            s.record(Kind::Gauge, &Point { sample_rate: 0.0, ..pt("a", 1.0, 0.0) }).unwrap_err().kind,
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            s.record(Kind::Gauge, &Point { sample_rate: 1.5, ..pt("a", 1.0, 0.0) }).unwrap_err().kind,
            ErrorKind::InvalidArgument
        );
    }

    #[test]
    fn flush_boundary_is_strict() {
        let s = started(|_| {});
        s.record(Kind::Counter, &pt("c", 1.0, 205.0)).unwrap();
        assert_eq!(s.flush_series(209.9).len(), 0);
        assert_eq!(s.flush_series(210.0).len(), 1);
    }

    #[test]
    fn sample_rate_gives_unbiased_totals() {
        let s = started(|_| {});
        let n = 200_000;
        for _ in 0..n {
            s.record(Kind::Counter, &Point { sample_rate: 0.25, ..pt("sampled", 1.0, 100.0) }).unwrap();
            s.record(Kind::Histogram, &Point { sample_rate: 0.5, ..pt("sampled.h", 3.0, 100.0) }).unwrap();
        }
        let m = s.flush_series(200.0);
        let total = val(get(&m, "sampled")[0]);
        assert!((total - n as f64).abs() < n as f64 * 0.02, "{total}");
        let count = val(get(&m, "sampled.h.count")[0]);
        assert!((count - n as f64).abs() < n as f64 * 0.02, "{count}");
        assert_eq!(val(get(&m, "sampled.h.avg")[0]), 3.0);
        let t = s.telemetry();
        assert_eq!(t[DOG_STATS_POINTS_RECORDED] + t[DOG_STATS_POINTS_SAMPLED_OUT], 2 * n);
    }
}

/// The per-thread cache (`cache.rs`) and the lock-free slot protocol (`aggregator.rs`).
mod cache_tests {
    use super::super::*;
    use crate::stats::telemetry::Counter::*;
    use serde_json::Value;
    use std::sync::atomic::Ordering;
    use std::sync::Arc;

    fn started() -> Arc<Stats> {
        let s = Stats::new();
        s.start(StatsOptions {
            flush_in_thread: false,
            api_host: Some("http://127.0.0.1:9".into()),
            api_key: Some("k".into()),
            ..Default::default()
        })
        .unwrap();
        s
    }

    /// As the C entry points do: the cached path, else the full one. `true` on a cache hit.
    fn rec(s: &Arc<Stats>, kind: Kind, name: &str, tags: Option<&str>, v: f64, ts: f64) -> bool {
        match s.record_cached(kind, name.as_bytes(), tags.map(str::as_bytes), None, v, ts, 1.0) {
            Some(r) => {
                r.unwrap();
                true
            }
            None => {
                s.record(kind, &Point { name, value: v, tags, timestamp: ts, sample_rate: 1.0, host: None }).unwrap();
                false
            }
        }
    }

    fn sum(m: &[Value], name: &str) -> f64 {
        m.iter().filter(|x| x["metric"] == name).map(|x| x["points"][0][1].as_f64().unwrap()).sum()
    }

    #[test]
    fn hits_skip_the_map_and_raw_spellings_share_a_context() {
        let s = started();
        assert!(!rec(&s, Kind::Counter, "c", Some("b,a"), 1.0, 100.0));
        assert!(rec(&s, Kind::Counter, "c", Some("b,a"), 2.0, 100.0));
        assert!(!rec(&s, Kind::Counter, "c", Some(" a , b"), 4.0, 100.0));
        assert!(rec(&s, Kind::Counter, "c", Some(" a , b"), 8.0, 100.0));
        assert!(!rec(&s, Kind::Counter, "c", None, 16.0, 100.0));
        assert!(!rec(&s, Kind::Counter, "c", Some(""), 32.0, 100.0));
        assert!(rec(&s, Kind::Counter, "c", Some(""), 64.0, 100.0));
        let m = s.flush_series(200.0);
        assert_eq!(m.len(), 2);
        assert_eq!(sum(&m, "c"), 127.0);
        assert_eq!(s.telemetry()[DOG_STATS_POINTS_RECORDED], 7);
        assert_eq!(s.telemetry()[DOG_STATS_CONTEXTS], 2);
        // Invalid UTF-8 never hits (it was never filled) and still fails on the full path.
        assert!(s.record_cached(Kind::Counter, b"\xff", None, None, 1.0, 0.0, 1.0).is_none());
    }

    #[test]
    fn a_cached_context_that_was_retired_loses_nothing() {
        let s = started();
        for kind in [Kind::Counter, Kind::Gauge, Kind::Histogram] {
            rec(&s, kind, "r", Some("t:1"), 1.0, 100.0);
            assert!(rec(&s, kind, "r", Some("t:1"), 1.0, 100.0));
        }
        assert_eq!(s.flush_series(200.0).len(), 2 + 8);
        // Nothing flushed and nothing held: every context is retired and leaves the map...
        assert!(s.flush_series(300.0).is_empty());
        assert_eq!(s.telemetry()[DOG_STATS_CONTEXTS], 0);
        // ...but this thread's cache still holds them: the point goes to a new context.
        for kind in [Kind::Counter, Kind::Gauge, Kind::Histogram] {
            assert!(rec(&s, kind, "r", Some("t:1"), 5.0, 300.0), "a hit on the retired context");
            assert!(rec(&s, kind, "r", Some("t:1"), 5.0, 300.0), "then a hit on the new one");
        }
        assert_eq!(s.telemetry()[DOG_STATS_CONTEXTS], 3);
        let m = s.flush_series(400.0);
        assert_eq!(sum(&m, "r"), 5.0 + 10.0);
        assert_eq!(sum(&m, "r.count"), 2.0);
        assert_eq!(s.telemetry()[DOG_STATS_POINTS_RECORDED], 12);
    }

    #[test]
    fn threads_on_one_histogram_racing_flushes_are_exact() {
        // Four threads record into the same histogram context (each its own stripe, mostly)
        // while this thread flushes over and over (taking buckets from every stripe, merging,
        // retiring the context when idle). Over all flushes: count, min, max and sum exact.
        let s = started();
        let (threads_n, n) = (4u64, 100_000u64);
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..threads_n)
            .map(|t| {
                let (s, done) = (Arc::clone(&s), Arc::clone(&done));
                std::thread::spawn(move || {
                    for i in 0..n {
                        // Integers, so every partial sum is exact in f64.
                        let v = (i % 1000) as f64 + (t * 1000) as f64 - 1500.0;
                        let ts = 100.0 + ((i / 5_000) % 3) as f64 * 10.0;
                        rec(&s, Kind::Histogram, "one.h", Some("k:v"), v, ts);
                        if i % 20_000 == 0 {
                            std::thread::yield_now();
                        }
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut flushes = 0;
        while done.load(Ordering::SeqCst) < threads_n as usize {
            all.extend(s.flush_series(1e12));
            flushes += 1;
        }
        for t in threads {
            t.join().unwrap();
        }
        all.extend(s.flush_series(1e12));
        assert!(flushes > 10, "only {flushes} flushes raced the recorders");
        let series = |name: &str| {
            all.iter().filter(|x| x["metric"] == name).map(|x| x["points"][0][1].as_f64().unwrap()).collect::<Vec<_>>()
        };
        let counts = series("one.h.count");
        let avgs = series("one.h.avg");
        assert_eq!(counts.len(), avgs.len());
        assert_eq!(counts.iter().sum::<f64>(), (threads_n * n) as f64);
        // sum = Σ avg × count per flushed bucket; each is an integer up to float rounding.
        let mut sum = 0.0;
        for (c, a) in counts.iter().zip(&avgs) {
            let x = c * a;
            assert!((x - x.round()).abs() < 1e-6 * x.abs().max(1.0), "{x}");
            sum += x.round();
        }
        let want: f64 =
            (0..threads_n).map(|t| (0..n).map(|i| (i % 1000) as f64 + (t * 1000) as f64 - 1500.0).sum::<f64>()).sum();
        assert_eq!(sum, want);
        assert_eq!(series("one.h.min").into_iter().fold(f64::INFINITY, f64::min), -1500.0);
        assert_eq!(
            series("one.h.max").into_iter().fold(f64::NEG_INFINITY, f64::max),
            999.0 + ((threads_n - 1) * 1000) as f64 - 1500.0
        );
        assert_eq!(s.telemetry()[DOG_STATS_POINTS_RECORDED], threads_n * n);
    }

    #[test]
    fn recorders_racing_flushes_lose_and_duplicate_nothing() {
        // Two threads record on cached contexts (several buckets at once, so slots are
        // claimed, sealed, freed and overflow lists used) while this thread extracts every
        // bucket over and over (sealing live slots and retiring idle contexts under them).
        let s = started();
        let n = 200_000u64;
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|t| {
                let (s, done) = (Arc::clone(&s), Arc::clone(&done));
                std::thread::spawn(move || {
                    for i in 0..n {
                        let ts = 100.0 + ((i / 7) % 5) as f64 * 10.0;
                        rec(&s, Kind::Counter, "race.c", Some("k:v"), 1.0, ts);
                        if i % 4 == t {
                            rec(&s, Kind::Histogram, "race.h", None, i as f64, ts);
                        }
                        if i % 1000 == 0 {
                            rec(&s, Kind::Counter, &format!("race.sparse.{t}"), None, 1.0, ts);
                        }
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut flushes = 0;
        while done.load(Ordering::SeqCst) < 2 {
            all.extend(s.flush_series(1e12));
            flushes += 1;
        }
        for t in threads {
            t.join().unwrap();
        }
        all.extend(s.flush_series(1e12));
        assert!(flushes > 10, "only {flushes} flushes raced the recorders");
        assert_eq!(sum(&all, "race.c"), (2 * n) as f64);
        assert_eq!(sum(&all, "race.h.count"), (2 * n / 4) as f64);
        assert_eq!(sum(&all, "race.sparse.0") + sum(&all, "race.sparse.1"), (2 * n / 1000) as f64);
        assert_eq!(s.telemetry()[DOG_STATS_POINTS_RECORDED], 2 * n + 2 * n / 4 + 2 * n / 1000);
    }
}

/// Global tags changed while a context holds points and a thread's cache holds the context (a
/// recorder racing a restart): the old context keeps its points and tags, the thread's next
/// point goes to a context with the new tags.
mod global_tags_change {
    use super::super::*;
    use crate::global_tags::GlobalTags;

    #[test]
    fn a_cached_busy_context_does_not_keep_the_old_global_tags() {
        let s = Stats::new();
        let tags = |t: &str| GlobalTags::from_tags(vec![t.to_string()]);
        s.start(StatsOptions {
            flush_in_thread: false,
            api_host: Some("http://127.0.0.1:9".into()),
            api_key: Some("k".into()),
            global_tags: tags("owner:a"),
            ..Default::default()
        })
        .unwrap();
        let rec = |v: f64| {
            let p = RawPoint {
                name: Some(b"m"),
                value: v,
                tags: Some(b"k:v"),
                timestamp: 1000.0,
                sample_rate: 1.0,
                host: None,
            };
            s.record_raw(Kind::Counter, &p).unwrap();
        };
        rec(1.0);
        rec(2.0); // a cache hit: the context holds 3 when the tags change
        s.set_global_tags(tags("owner:b"));
        rec(4.0);
        let m = s.flush_series(2000.0);
        let sum = |owner: &str| {
            m.iter()
                .filter(|x| x["tags"].as_array().unwrap().iter().any(|t| t == owner))
                .map(|x| x["points"][0][1].as_f64().unwrap())
                .sum::<f64>()
        };
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!((sum("owner:a"), sum("owner:b")), (3.0, 4.0), "{m:?}");
    }
}
