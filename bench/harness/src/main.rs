//! Same-run benchmark: libdogapi's stats recording (through its exported `extern "C"`
//! functions) against metrics-rs (`metrics` 0.24 + a `metrics-util` registry recorder, see
//! `peer.rs`), in interleaved rounds (ours, peer, ours, peer, ...), printing per-library
//! median/min/max and the ratio of each round. Run with `scripts/bench-stats.sh`; what each row
//! means is in bench/STATS.md. Not a test: nothing here asserts a time.
//!
//! Adding a row: one `measure(...)` call below with the two loop bodies (closures of
//! `(thread, i)`); pass `None` for a library that has no equivalent.

mod flush;
mod memory;
mod ours;
mod peer;
mod so;
mod timing;

use dogapi::ffi::stats::{dog_stats_gauge, dog_stats_histogram, dog_stats_increment};
use dogapi::ffi::stats_handle::*;
use dogapi::ffi::stats_telemetry::dog_stats_telemetry_get;
use dogapi::stats::telemetry::Counter;
use metrics::{counter, gauge, histogram};
use ours::{Ours, Setup};
use std::ffi::{c_char, CStr};
use std::sync::atomic::Ordering;
use timing::{max, median, min, run, Sample};

const TAGS: &CStr = c"a:1,b:2";
/// Context names: thread 0 uses the first, thread 1 the second in "distinct contexts" rows.
const NAMES: [&CStr; 2] = [c"bench.a", c"bench.b"];

struct Config {
    rounds: usize,
    /// Calls per run per thread; 0: calibrated per row so that a run lasts `run_ms`.
    iters: u64,
    run_ms: f64,
    contexts: usize,
    roll_up: f64,
    flush: bool,
    only: Option<String>,
    /// Also measure rows (a)-(c) through this libdogapi.so.
    so: Option<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: dogapi-bench [--rounds N (>= 8 recommended, default 8)] [--run-ms MS (default 150)] [--iters CALLS_PER_RUN]\n\
         \x20                   [--contexts N (rows f, g; default 100000)] [--no-flush (skip f, g)] [--roll-up SECONDS (default 10)]\n\
         \x20                   [--only SUBSTRING (rows whose label contains it)] [--so PATH/libdogapi.so]"
    );
    std::process::exit(2)
}

fn config() -> Config {
    let mut c = Config {
        rounds: 8,
        iters: 0,
        run_ms: 150.0,
        contexts: 100_000,
        roll_up: 10.0,
        flush: true,
        only: None,
        so: None,
    };
    let mut a = std::env::args().skip(1);
    while let Some(k) = a.next() {
        let mut v = || a.next().unwrap_or_else(|| usage());
        match k.as_str() {
            "--rounds" => c.rounds = v().parse().unwrap_or_else(|_| usage()),
            "--iters" => c.iters = v().parse().unwrap_or_else(|_| usage()),
            "--run-ms" => c.run_ms = v().parse().unwrap_or_else(|_| usage()),
            "--contexts" => c.contexts = v().parse().unwrap_or_else(|_| usage()),
            "--roll-up" => c.roll_up = v().parse().unwrap_or_else(|_| usage()),
            "--no-flush" => c.flush = false,
            "--only" => c.only = Some(v()),
            "--so" => c.so = Some(v()),
            _ => usage(),
        }
    }
    if c.rounds == 0 || c.contexts == 0 || c.run_ms.is_nan() || c.run_ms <= 0.0 {
        usage()
    }
    c
}

/// One measured row: every round's sample for each library.
struct Row {
    label: String,
    threads: usize,
    iters: u64,
    /// Calls made by each library in this row, warm-up included (checked at the end).
    calls: u64,
    ours: Vec<Sample>,
    peer: Vec<Sample>,
}

impl Row {
    fn ours_med(&self) -> Option<f64> {
        (!self.ours.is_empty()).then(|| median(&walls(&self.ours)))
    }
    fn peer_med(&self) -> f64 {
        median(&walls(&self.peer))
    }
}

fn walls(s: &[Sample]) -> Vec<f64> {
    s.iter().map(|s| s.wall).collect()
}

fn cpus(s: &[Sample]) -> Vec<f64> {
    s.iter().map(|s| s.cpu).collect()
}

/// Interleaved rounds of one row: a warm-up run of each (100,000 calls, not kept; it also
/// sets the calls per run, the same for both, so that the faster one's run lasts `run_ms`),
/// then `rounds` × (ours, peer); `between` runs after each run, untimed.
/// libdogapi's pre-registered handles of the two contexts (shared by the timed threads; the C
/// API makes them safe to use from any thread).
struct OurHandles {
    c: [*mut DogStatsCounter; 2],
    g: [*mut DogStatsGauge; 2],
    h: [*mut DogStatsHistogram; 2],
}
// SAFETY: the handles are thread-safe (documented C contract).
unsafe impl Send for OurHandles {}
// SAFETY: as above.
unsafe impl Sync for OurHandles {}

fn measure<FO, FP>(
    cfg: &Config,
    label: &str,
    threads: usize,
    ours: Option<&FO>,
    peer: &FP,
    between: &dyn Fn(),
) -> Option<Row>
where
    FO: Fn(usize, u64) + Sync,
    FP: Fn(usize, u64) + Sync,
{
    if cfg.only.as_deref().is_some_and(|o| !label.contains(o)) {
        return None;
    }
    eprint!("{label} ...");
    const WARM: u64 = 100_000;
    let mut fastest = f64::INFINITY;
    if let Some(o) = ours {
        fastest = run(threads, WARM, o).cpu;
        between();
    }
    fastest = fastest.min(run(threads, WARM, peer).cpu);
    between();
    let iters = if cfg.iters > 0 { cfg.iters } else { (cfg.run_ms * 1e6 / fastest.max(0.1)).clamp(1e5, 1e9) as u64 };
    // run() makes one untimed call per thread before its loop.
    let calls = threads as u64 * (WARM + 1 + cfg.rounds as u64 * (iters + 1));
    let mut row = Row { label: label.to_string(), threads, iters, calls, ours: Vec::new(), peer: Vec::new() };
    for _ in 0..cfg.rounds {
        if let Some(o) = ours {
            row.ours.push(run(threads, iters, o));
            between();
        }
        row.peer.push(run(threads, iters, peer));
        between();
        eprint!(".");
    }
    eprintln!();
    Some(row)
}

fn load() -> String {
    std::process::Command::new("uptime")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| format!("loadavg {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()))
}

fn range(v: &[f64]) -> String {
    format!("{:7.2} [{:.2}-{:.2}]", median(v), min(v), max(v))
}

/// peer time / our time for each round (> 1: libdogapi faster), by wall and by CPU time.
fn round_ratios(r: &Row) -> (Vec<f64>, Vec<f64>) {
    let pairs = r.ours.iter().zip(&r.peer);
    (pairs.clone().map(|(o, p)| p.wall / o.wall).collect(), pairs.map(|(o, p)| p.cpu / o.cpu).collect())
}

const W: usize = 52;

fn ratio_cell(r: &Row) -> String {
    let (w, c) = round_ratios(r);
    format!("{} | {:5.2}", range(&w), median(&c))
}

fn print_one_thread(rows: &[&Row], named: &dyn Fn(&str) -> Option<(f64, f64)>) {
    println!("\n## One thread: ns per call (wall median [min-max] over the rounds; cpu = thread CPU time, median)");
    println!(
        "{:<W$} | {:>22} {:>6} | {:>22} {:>6} | {:>22} | {:>5}",
        "row", "libdogapi wall", "cpu", "metrics-rs wall", "cpu", "metrics/ours wall", "cpu"
    );
    for r in rows {
        let (ow, oc, ratio) = if r.ours.is_empty() {
            let vs = named(&r.label)
                .map(|(w, c)| {
                    format!(
                        "no libdogapi handle; our named call / this: wall {:.1}x, cpu {:.1}x",
                        w / r.peer_med(),
                        c / median(&cpus(&r.peer))
                    )
                })
                .unwrap_or_default();
            ("-".to_string(), "-".to_string(), vs)
        } else {
            (range(&walls(&r.ours)), format!("{:6.2}", median(&cpus(&r.ours))), ratio_cell(r))
        };
        println!(
            "{:<W$} | {:>22} {:>6} | {:>22} {:6.2} | {}",
            r.label,
            ow,
            oc,
            range(&walls(&r.peer)),
            median(&cpus(&r.peer)),
            ratio
        );
    }
}

fn par(s: &[Sample]) -> f64 {
    median(&s.iter().map(|s| s.par).collect::<Vec<_>>())
}

fn print_two_threads(rows: &[&Row], one: &[&Row]) {
    println!(
        "\n## Two threads: ns per call per thread (slowest thread; wall median [min-max]); x1t = that median / the \
         one-thread median of the same call, by wall and by CPU time (1.00 = no slow-down; distinct contexts: throughput \
         = 2 / x1t; under load the wall x1t mostly measures the load, the CPU one still shows cache-line contention); \
         par = CPU time of both threads / wall time (median; 2.00: both ran in parallel all along; near 1: they \
         shared a core or were serialised by the load, and the row shows little contention)"
    );
    println!(
        "{:<W$} | {:>22} {:>5} {:>6} {:>5} {:>4} | {:>22} {:>5} {:>6} {:>5} {:>4} | {:>22} | {:>5}",
        "row",
        "libdogapi",
        "x1t",
        "cpu",
        "x1t",
        "par",
        "metrics-rs",
        "x1t",
        "cpu",
        "x1t",
        "par",
        "metrics/ours wall",
        "cpu"
    );
    for r in rows {
        // The one-thread row of the same call: the label without its ", 2 threads ..." suffix.
        let base_label = r.label.split(", 2 threads").next().unwrap_or(&r.label);
        let b = one.iter().copied().find(|o| o.label == base_label);
        let x = |m: Option<f64>, b: Option<f64>| match (m, b) {
            (Some(m), Some(b)) => format!("{:5.2}", m / b),
            _ => "    -".to_string(),
        };
        let (ours, ratio) = if r.ours.is_empty() {
            (format!("{:>22} {:>5} {:>6} {:>5} {:>4}", "-", "-", "-", "-", "-"), String::new())
        } else {
            (
                format!(
                    "{:>22} {} {:6.2} {} {:4.2}",
                    range(&walls(&r.ours)),
                    x(r.ours_med(), b.and_then(Row::ours_med)),
                    median(&cpus(&r.ours)),
                    x(Some(median(&cpus(&r.ours))), b.filter(|b| !b.ours.is_empty()).map(|b| median(&cpus(&b.ours)))),
                    par(&r.ours)
                ),
                ratio_cell(r),
            )
        };
        println!(
            "{:<W$} | {} | {:>22} {} {:6.2} {} {:4.2} | {}",
            r.label,
            ours,
            range(&walls(&r.peer)),
            x(Some(r.peer_med()), b.map(Row::peer_med)),
            median(&cpus(&r.peer)),
            x(Some(median(&cpus(&r.peer))), b.map(|b| median(&cpus(&b.peer)))),
            par(&r.peer),
            ratio
        );
    }
}

fn print_rounds(rows: &[Row]) {
    println!("\n## Every round, wall ns per call [per thread]: libdogapi / metrics-rs -> metrics/ours (calls per run)");
    for r in rows {
        let cells: Vec<String> = if r.ours.is_empty() {
            r.peer.iter().map(|p| format!("- / {:.2}", p.wall)).collect()
        } else {
            r.ours
                .iter()
                .zip(&r.peer)
                .map(|(o, p)| format!("{:.2} / {:.2} -> {:.2}", o.wall, p.wall, p.wall / o.wall))
                .collect()
        };
        println!("{:<W$} {} ({})", r.label, cells.join(" | "), r.iters);
    }
}

fn main() {
    let cfg = config();
    let start_load = load();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    println!("# libdogapi vs metrics-rs, same run");
    println!(
        "machine: {} cores, {cpu}; {} rounds per row; calls per run: {}; tags/labels a=1,b=2; roll-up {} s",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        cfg.rounds,
        if cfg.iters > 0 { cfg.iters.to_string() } else { format!("calibrated to ~{} ms per run", cfg.run_ms) },
        cfg.roll_up
    );
    println!("load at start: {start_load}");

    // Nothing listens on port 9 of loopback: a flush would fail at connect. The background
    // flusher is on but fires once an hour, so nothing is sent during the run.
    let ours = Ours::start(&Setup {
        api_host: "http://127.0.0.1:9",
        roll_up: cfg.roll_up,
        flush_in_thread: true,
        dogstatsd: None,
    });
    let s = &ours;
    // SAFETY: live handle, NUL-terminated strings. Each call must succeed before it is timed.
    for (what, st) in unsafe {
        [
            ("dog_stats_increment", dog_stats_increment(s.0, NAMES[0].as_ptr(), 1.0, TAGS.as_ptr())),
            ("dog_stats_gauge", dog_stats_gauge(s.0, NAMES[0].as_ptr(), 1.0, TAGS.as_ptr())),
            ("dog_stats_histogram", dog_stats_histogram(s.0, NAMES[0].as_ptr(), 1.0, TAGS.as_ptr())),
        ]
    } {
        assert_eq!(st, 0, "{what} returned {st}");
    }
    let registry = peer::install();
    let drain = || peer::drain(&registry);
    let name = |t: usize| -> *const c_char { NAMES[t].as_ptr() };
    // Pre-registered metrics-rs handles, one per context (index = NAMES index).
    let ch = [counter!("bench.a", "a" => "1", "b" => "2"), counter!("bench.b", "a" => "1", "b" => "2")];
    let gh = [gauge!("bench.a", "a" => "1", "b" => "2"), gauge!("bench.b", "a" => "1", "b" => "2")];
    let hh = [histogram!("bench.a", "a" => "1", "b" => "2"), histogram!("bench.b", "a" => "1", "b" => "2")];
    let v = |i: u64| (i & 1023) as f64;
    // Our pre-registered handles, one per context (index = NAMES index).
    // SAFETY: live instance, NUL-terminated strings; freed below, after the last row.
    let oh = unsafe {
        OurHandles {
            c: [0, 1].map(|i| dog_stats_counter_new(s.0, NAMES[i].as_ptr(), TAGS.as_ptr())),
            g: [0, 1].map(|i| dog_stats_gauge_new(s.0, NAMES[i].as_ptr(), TAGS.as_ptr())),
            h: [0, 1].map(|i| dog_stats_histogram_new(s.0, NAMES[i].as_ptr(), TAGS.as_ptr())),
        }
    };
    assert!(
        oh.c.iter().all(|p| !p.is_null()) && oh.g.iter().all(|p| !p.is_null()) && oh.h.iter().all(|p| !p.is_null())
    );
    let oh = &oh;

    let mut rows: Vec<Row> = Vec::new();
    // One thread, and two threads on the same context (ctx = 0) or distinct contexts (ctx = t).
    for (threads, distinct, suffix) in
        [(1, false, ""), (2, false, ", 2 threads same ctx"), (2, true, ", 2 threads distinct ctx")]
    {
        let ctx = move |t: usize| if distinct { t } else { 0 };
        // (a) named increment, 2 tags, existing context; metrics-rs: literal static key.
        // SAFETY (all `ours` bodies): live handle, NUL-terminated strings.
        let o = |t: usize, _: u64| unsafe {
            dog_stats_increment(s.0, name(ctx(t)), 1.0, TAGS.as_ptr());
        };
        let p = |t: usize, _: u64| {
            if ctx(t) == 0 {
                counter!("bench.a", "a" => "1", "b" => "2").increment(1)
            } else {
                counter!("bench.b", "a" => "1", "b" => "2").increment(1)
            }
        };
        rows.extend(measure(&cfg, &format!("(a) increment by name{suffix}"), threads, Some(&o), &p, &|| ()));
        // (b) gauge set by name.
        let o = |t: usize, i: u64| unsafe {
            dog_stats_gauge(s.0, name(ctx(t)), v(i), TAGS.as_ptr());
        };
        let p = |t: usize, i: u64| {
            if ctx(t) == 0 {
                gauge!("bench.a", "a" => "1", "b" => "2").set(v(i))
            } else {
                gauge!("bench.b", "a" => "1", "b" => "2").set(v(i))
            }
        };
        rows.extend(measure(&cfg, &format!("(b) gauge by name{suffix}"), threads, Some(&o), &p, &|| ()));
        // (c) histogram record by name.
        let o = |t: usize, i: u64| unsafe {
            dog_stats_histogram(s.0, name(ctx(t)), v(i), TAGS.as_ptr());
        };
        let p = |t: usize, i: u64| {
            if ctx(t) == 0 {
                histogram!("bench.a", "a" => "1", "b" => "2").record(v(i))
            } else {
                histogram!("bench.b", "a" => "1", "b" => "2").record(v(i))
            }
        };
        rows.extend(measure(&cfg, &format!("(c) histogram by name{suffix}"), threads, Some(&o), &p, &drain));
        // (d) pre-registered handles, both libraries.
        // SAFETY (the three `ours` bodies): live handles.
        let o = |t: usize, _: u64| unsafe {
            dog_stats_counter_add(oh.c[ctx(t)], 1.0);
        };
        let p = |t: usize, _: u64| ch[ctx(t)].increment(1);
        rows.extend(measure(&cfg, &format!("(d) counter handle add{suffix}"), threads, Some(&o), &p, &|| ()));
        let o = |t: usize, i: u64| unsafe {
            dog_stats_gauge_set(oh.g[ctx(t)], v(i));
        };
        let p = |t: usize, i: u64| gh[ctx(t)].set(v(i));
        rows.extend(measure(&cfg, &format!("(d) gauge handle set{suffix}"), threads, Some(&o), &p, &|| ()));
        let o = |t: usize, i: u64| unsafe {
            dog_stats_histogram_record(oh.h[ctx(t)], v(i));
        };
        let p = |t: usize, i: u64| hh[ctx(t)].record(v(i));
        rows.extend(measure(&cfg, &format!("(d) histogram handle record{suffix}"), threads, Some(&o), &p, &drain));
        // (a)-(c) again with libdogapi.so (dlopen), one thread: what a C program linked against the
        // shared library pays on top (symbol call, dynamic TLS).
        if let (1, Some(path)) = (threads, &cfg.so) {
            let so = so::SoLib::load(path, "http://127.0.0.1:9", cfg.roll_up);
            let so = &so;
            let (inc, gau, his) = (so.increment, so.gauge, so.histogram);
            // SAFETY (the three bodies): live handle of the loaded library, NUL-terminated strings.
            let o = |_: usize, _: u64| unsafe {
                inc(so.stats, NAMES[0].as_ptr(), 1.0, TAGS.as_ptr());
            };
            let p = |_: usize, _: u64| counter!("bench.a", "a" => "1", "b" => "2").increment(1);
            rows.extend(measure(&cfg, "(a) increment by name [libdogapi.so]", 1, Some(&o), &p, &|| ()));
            let o = |_: usize, i: u64| unsafe {
                gau(so.stats, NAMES[0].as_ptr(), v(i), TAGS.as_ptr());
            };
            let p = |_: usize, i: u64| gauge!("bench.a", "a" => "1", "b" => "2").set(v(i));
            rows.extend(measure(&cfg, "(b) gauge by name [libdogapi.so]", 1, Some(&o), &p, &|| ()));
            let o = |_: usize, i: u64| unsafe {
                his(so.stats, NAMES[0].as_ptr(), v(i), TAGS.as_ptr());
            };
            let p = |_: usize, i: u64| histogram!("bench.a", "a" => "1", "b" => "2").record(v(i));
            rows.extend(measure(&cfg, "(c) histogram by name [libdogapi.so]", 1, Some(&o), &p, &drain));
        }
    }

    let one: Vec<&Row> = rows.iter().filter(|r| r.threads == 1).collect();
    let two: Vec<&Row> = rows.iter().filter(|r| r.threads == 2).collect();
    // Our named call of the same kind, for the handle rows.
    let named = |l: &str| {
        let kind = ["counter", "gauge", "histogram"].iter().position(|k| l.contains(k))?;
        let n = ["(a) increment by name", "(b) gauge by name", "(c) histogram by name"][kind];
        one.iter()
            .find(|r| r.label == n && !r.ours.is_empty())
            .map(|r| (r.ours_med().unwrap_or(0.0), median(&cpus(&r.ours))))
    };
    print_one_thread(&one, &named);
    print_two_threads(&two, &one);
    print_rounds(&rows);

    // Every call must have been recorded (a failing call would be cheap and look fast).
    let mut recorded = 0u64;
    // SAFETY: live handle, valid out-pointer.
    let st = unsafe { dog_stats_telemetry_get(ours.0, Counter::DOG_STATS_POINTS_RECORDED as u32, &mut recorded) };
    let ours_calls: u64 =
        rows.iter().filter(|r| !r.ours.is_empty() && !r.label.contains(".so]")).map(|r| r.calls).sum();
    let mut peer_count = 0u64;
    registry.visit_counters(|_, c| peer_count += c.load(Ordering::Relaxed));
    let peer_calls: u64 =
        rows.iter().filter(|r| r.label.contains("increment") || r.label.contains("counter")).map(|r| r.calls).sum();
    let verdict = if st == 0 && recorded == ours_calls + 3 && peer_count == peer_calls { "ok" } else { "MISMATCH" };
    println!(
        "\ncheck ({verdict}): libdogapi points recorded {recorded} (expected {} = calls + 3 checks); metrics-rs counters \
         total {peer_count} (expected {peer_calls})",
        ours_calls + 3
    );
    // SAFETY: handles from the constructors above, freed once; no row runs any more.
    unsafe {
        oh.c.iter().for_each(|p| dog_stats_counter_free(*p));
        oh.g.iter().for_each(|p| dog_stats_gauge_free(*p));
        oh.h.iter().for_each(|p| dog_stats_histogram_free(*p));
    }
    drop(ours);

    // After the check (it adds counters) and after every recording row (it grows the registry
    // the peer's rows look keys up in).
    if cfg.flush && cfg.only.as_deref().is_none_or(|o| "(g) memory".contains(o)) {
        let (o, p, strings) = memory::per_context(cfg.contexts);
        println!(
            "\n## (g) memory per context, {} counter contexts with 2 tags (RSS growth / contexts, one shot; name + tag \
             bytes: {strings:.0} per context)",
            cfg.contexts
        );
        println!(
            "libdogapi {o:.0} B ({:.0} beyond the strings) | metrics-rs registry {p:.0} B ({:.0} beyond the strings)",
            o - strings,
            p - strings
        );
    }

    if cfg.flush && cfg.only.as_deref().is_none_or(|o| "(f) flush".contains(o)) {
        let server = flush::discard_server();
        let udp = flush::discard_udp();
        println!(
            "\n## (f) dog_stats_flush of {} counter contexts (2 tags), fresh instance per round, libdogapi only \
             (metrics-rs has no flush of its own: its exporters render on their own schedule)",
            cfg.contexts
        );
        let (mut refused, mut sent, mut agent) = (Vec::new(), Vec::new(), Vec::new());
        let (mut st_refused, mut st_sent, mut st_agent) = (String::new(), String::new(), String::new());
        for _ in 0..cfg.rounds {
            let (ms, st) = flush::round("http://127.0.0.1:9", None, cfg.contexts);
            refused.push(ms);
            st_refused = st;
            let (ms, st) = flush::round(&server, None, cfg.contexts);
            sent.push(ms);
            st_sent = st;
            let (ms, st) = flush::round("http://127.0.0.1:9", Some(&udp), cfg.contexts);
            agent.push(ms);
            st_agent = st;
        }
        println!(
            "{:<W$} | {} ms | {}",
            "port 9 (extract, JSON, split, gzip, enqueue, refused connect)",
            range(&refused),
            st_refused
        );
        println!(
            "{:<W$} | {} ms | {}",
            "local discard server (the same + HTTP POST of every payload)",
            range(&sent),
            st_sent
        );
        println!(
            "{:<W$} | {} ms | {}",
            "DogStatsD sink, UDP discard socket (extract, encode, every packet written)",
            range(&agent),
            st_agent
        );
        let f = |v: &[f64]| v.iter().map(|x| format!("{x:.1}")).collect::<Vec<_>>().join(" ");
        println!("every round, ms: port 9: {}; discard server: {}; DogStatsD: {}", f(&refused), f(&sent), f(&agent));
        println!(
            "UDP discard socket received {:.0} datagrams, {:.0} KB per round",
            flush::DATAGRAMS.load(Ordering::Relaxed) as f64 / cfg.rounds as f64,
            flush::DATAGRAM_BYTES.load(Ordering::Relaxed) as f64 / cfg.rounds as f64 / 1e3
        );
        println!(
            "discard server received {:.1} requests, {:.0} KB of (gzip) body per round",
            flush::REQUESTS.load(Ordering::Relaxed) as f64 / cfg.rounds as f64,
            flush::BODY_BYTES.load(Ordering::Relaxed) as f64 / cfg.rounds as f64 / 1e3
        );
    }
    println!("\nload at end: {}", load());
}
