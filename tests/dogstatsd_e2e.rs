//! End to end: libdogapi's DogStatsD client → the intake's DogStatsD listeners, over UDP, Unix
//! datagram and Unix stream sockets. Exact totals from 8 threads; faults (listener absent,
//! slow, restarted): every packet is either received or counted as dropped, by cause.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dogapi::dogstatsd::encode::{join_tags, AlertType, Event, ServiceCheck};
use dogapi::dogstatsd::{config, DogStatsd, MetricKind, Options};
use dogapi_intake::dogstatsd::{Kind, ListenKind, Listener, Store, Totals};

const WAIT: Duration = Duration::from_secs(20);

fn sock_path(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("dogapi-dsd-{tag}-{}-{n}.sock", std::process::id()))
}

fn listen(kind: ListenKind, store: &Arc<Store>) -> Listener {
    let path = sock_path(kind.name());
    Listener::start(kind, 0, (kind != ListenKind::Udp).then_some(path.as_path()), store.clone()).expect("listener")
}

fn client(url: &str, tweak: impl FnOnce(&mut Options)) -> DogStatsd {
    let mut o = Options::new(config::parse_url(url).expect("url"));
    o.telemetry = false;
    tweak(&mut o);
    DogStatsd::start(o).expect("client")
}

fn wait(store: &Store, what: &str, pred: impl Fn(&Totals) -> bool) -> Totals {
    let t = store.wait_until(WAIT, &pred);
    assert!(
        pred(&t),
        "{what}: not reached; packets={} lines={} errors={:?}",
        t.packets,
        t.lines,
        &t.parse_errors[..t.parse_errors.len().min(5)]
    );
    t
}

fn eight_threads_exact(kind: ListenKind) {
    let store = Arc::new(Store::default());
    let l = listen(kind, &store);
    let c = Arc::new(client(l.url(), |_| {}));
    const N: u32 = 1500;
    let tags = join_tags(["env:test", "kind:e2e"]);
    std::thread::scope(|s| {
        for t in 0..8u32 {
            let (c, tags) = (c.clone(), tags.clone());
            s.spawn(move || {
                let vals: Vec<f64> = (0..N).map(|i| f64::from(t * N + i)).collect();
                for i in 0..N {
                    c.metric("e2e.count", MetricKind::Count, 1.0, 1.0, &tags, None);
                    if i % 100 == 0 {
                        c.metric("e2e.gauge", MetricKind::Gauge, 42.0, 1.0, &tags, None);
                    }
                }
                for chunk in vals.chunks(250) {
                    c.values("e2e.hist", MetricKind::Histogram, chunk, 1.0, &tags);
                    c.values("e2e.dist", MetricKind::Distribution, chunk, 1.0, &tags);
                    c.values("e2e.timing", MetricKind::Timing, chunk, 1.0, &tags);
                }
                c.metric("e2e.sampled", MetricKind::Count, 1.0, 0.5, &tags, None);
                c.set("e2e.set", &format!("member{t}"), &tags);
                let title = format!("thread {t}");
                c.event(&Event {
                    title: &title,
                    text: "line1\nline2",
                    alert_type: Some(AlertType::Warning),
                    tags: &tags,
                    ..Default::default()
                });
                c.service_check(&ServiceCheck {
                    name: "e2e.check",
                    status: 1,
                    tags: &tags,
                    message: "m:sg",
                    ..Default::default()
                });
            });
        }
    });
    assert!(c.flush(WAIT), "flush");
    let total = f64::from(8 * N);
    let t = wait(&store, "all values", |t| {
        t.counter("e2e.count", &["env:test", "kind:e2e"]) == total
            && t.values(Kind::Timing, "e2e.timing", &["env:test", "kind:e2e"])
                .is_some_and(|v| v.values.len() == (8 * N) as usize)
            && t.service_checks.len() == 8
    });
    let tg = ["env:test", "kind:e2e"];
    let want_sum: f64 = (0..8 * N).map(f64::from).sum();
    for k in [Kind::Histogram, Kind::Distribution, Kind::Timing] {
        let name = match k {
            Kind::Histogram => "e2e.hist",
            Kind::Distribution => "e2e.dist",
            _ => "e2e.timing",
        };
        let v = t.values(k, name, &tg).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(v.values.len() as u32, 8 * N, "{name}");
        assert_eq!(v.values.iter().sum::<f64>(), want_sum, "{name}");
    }
    assert_eq!(t.gauge("e2e.gauge", &tg), Some(42.0));
    assert_eq!(t.counter("e2e.sampled", &tg), 16.0, "sample rate 0.5 applied by the Agent");
    assert_eq!(t.sets["e2e.set|#env:test,kind:e2e"].len(), 8);
    assert_eq!(t.events.len(), 8);
    assert!(t.events.iter().all(|e| e.text == "line1\nline2" && e.alert_type == "warning"));
    assert!(t.service_checks.iter().all(|s| s.status == 1 && s.message == "m\\:sg"));
    assert!(t.parse_errors.is_empty(), "{:?}", t.parse_errors);
    let max = if kind == ListenKind::Udp { 1432 } else { 8192 };
    assert!(t.max_packet <= max, "packet of {} B", t.max_packet);
    let s = c.counters();
    assert_eq!((s.packets_dropped, s.lines_dropped_oversize), (0, 0), "{s:?}");
    assert_eq!(s.packets_sent, t.packets, "every packet sent was received");
    assert_eq!(s.bytes_sent, t.bytes);
    assert_eq!(s.metrics_count, u64::from(8 * N + 8));
    assert_eq!(s.metrics_histogram, u64::from(8 * N));
    assert_eq!((s.events, s.service_checks), (8, 8));
    assert!(c.close(WAIT));
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

/// Counter lines `c:1|c` are 6 bytes with their newline: a 60-byte packet holds exactly 10.
fn ten_per_packet(url: &str, tweak: impl FnOnce(&mut Options)) -> DogStatsd {
    client(url, |o| {
        o.max_packet = Some(60);
        tweak(o);
    })
}

fn send_lines(c: &DogStatsd, n: u32) {
    for _ in 0..n {
        c.metric("c", MetricKind::Count, 1.0, 1.0, "", None);
    }
    assert!(c.flush(WAIT));
}

#[test]
fn listener_absent_every_packet_counted() {
    for url in [
        format!("unixgram://{}", sock_path("absent").display()),
        format!("unixstream://{}", sock_path("absent").display()),
    ] {
        let c = ten_per_packet(&url, |_| {});
        send_lines(&c, 500);
        let s = c.counters();
        assert_eq!(s.packets_sent, 0, "{url}");
        assert_eq!(s.packets_dropped_writer + s.packets_dropped_queue, 50, "{url}: {s:?}");
        assert_eq!(s.packets_dropped_no_agent, s.packets_dropped_writer, "{url}");
        assert_eq!(s.bytes_dropped, 3000, "{url}");
    }
}

#[test]
fn listener_restarted_nothing_else_lost() {
    for kind in [ListenKind::UnixDatagram, ListenKind::UnixStream] {
        let store = Arc::new(Store::default());
        let path = sock_path("restart");
        let l = Listener::start(kind, 0, Some(&path), store.clone()).unwrap();
        let url = l.url().to_string();
        let c = ten_per_packet(&url, |_| {});
        send_lines(&c, 300);
        wait(&store, "first batch", |t| t.counter("c", &[]) == 300.0);
        l.stop();
        send_lines(&c, 200);
        let mid = c.counters();
        assert_eq!(mid.packets_dropped, 20, "{kind:?}: {mid:?}");
        assert_eq!(mid.packets_dropped_no_agent, 20, "{kind:?}");
        // The Agent comes back on the same path (a new socket file).
        let _l2 = Listener::start(kind, 0, Some(&path), store.clone()).unwrap();
        send_lines(&c, 400);
        let t = wait(&store, "third batch", |t| t.counter("c", &[]) == 700.0);
        let s = c.counters();
        assert_eq!(s.packets_dropped, 20, "{kind:?}: only the packets sent while it was down");
        assert_eq!(s.packets_sent, t.packets, "{kind:?}");
        assert_eq!(s.packets_sent, 70, "{kind:?}");
        assert!(s.connects >= 2, "{kind:?}: reconnected ({s:?})");
        assert!(c.close(WAIT));
    }
}

#[test]
fn listener_slow_drops_counted_by_cause() {
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixDatagram, &store);
    l.set_delay(Duration::from_millis(2));
    let c = ten_per_packet(l.url(), |o| o.queue_packets = 8);
    const LINES: u32 = 20_000;
    send_lines(&c, LINES);
    let s = c.counters();
    assert_eq!(s.packets_sent + s.packets_dropped, u64::from(LINES / 10), "{s:?}");
    assert!(s.packets_dropped > 0, "a 2 ms-per-packet listener cannot keep up: {s:?}");
    assert_eq!(s.bytes_dropped, s.packets_dropped * 60);
    assert_eq!(s.packets_dropped_writer, s.packets_dropped_would_block, "writer drops are EAGAIN here");
    l.set_delay(Duration::ZERO);
    let sent = s.packets_sent;
    let t = wait(&store, "every sent packet", |t| t.packets == sent);
    assert_eq!(t.counter("c", &[]), (sent * 10) as f64, "received exactly what was sent");
    assert!(c.close(WAIT));
}

#[test]
fn udp_listener_absent_sender_keeps_going() {
    // Reserve a port, then free it: nobody listens there.
    let port = std::net::UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = ten_per_packet(&format!("udp://127.0.0.1:{port}"), |_| {});
    send_lines(&c, 300);
    let s = c.counters();
    // UDP cannot see every loss (the first datagram leaves before the ICMP answer comes
    // back), but every packet is accounted for, and refusals are counted as no-agent drops.
    assert_eq!(s.packets_sent + s.packets_dropped, 30, "{s:?}");
    assert_eq!(s.packets_dropped_no_agent, s.packets_dropped_writer);
    assert!(c.close(WAIT));
}

#[test]
fn buffered_values_flushed_without_explicit_flush() {
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixDatagram, &store);
    let c = client(l.url(), |_| {});
    c.values("lone.dist", MetricKind::Distribution, &[1.0, 2.0, 3.0], 1.0, "");
    // No flush call: the sender closes the partial packet every flush interval (100 ms).
    let t = wait(&store, "periodic flush", |t| t.values(Kind::Distribution, "lone.dist", &[]).is_some());
    assert_eq!(t.values(Kind::Distribution, "lone.dist", &[]).unwrap().values, vec![1.0, 2.0, 3.0]);
    drop(c);
}

#[test]
fn telemetry_reaches_the_agent() {
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixStream, &store);
    let c = client(l.url(), |o| {
        o.telemetry = true;
        o.telemetry_interval = Duration::from_millis(50);
        o.global_tags = "env:t".into();
    });
    c.metric("x", MetricKind::Gauge, 1.0, 1.0, "", None);
    let t = wait(&store, "telemetry", |t| t.counter("datadog.dogstatsd.client.metrics", &tele_tags()) >= 1.0);
    assert!(t.counters.keys().any(|k| k.starts_with("datadog.dogstatsd.client.packets_sent|#")));
    assert!(t.counters.keys().any(|k| k.starts_with("datadog.dogstatsd.client.bytes_dropped_writer|#")));
    drop(c);
}

fn tele_tags() -> Vec<&'static str> {
    let v: &'static str = Box::leak(format!("client_version:{}", env!("CARGO_PKG_VERSION")).into_boxed_str());
    vec!["env:t", "client:libdogapi", v, "client_transport:uds-stream"]
}

#[test]
fn non_finite_values_dropped_and_counted() {
    let store = Arc::new(Store::default());
    let l = listen(ListenKind::UnixDatagram, &store);
    let c = client(l.url(), |_| {});
    c.metric("nf.gauge", MetricKind::Gauge, f64::NAN, 1.0, "", None);
    c.values("nf.dist", MetricKind::Distribution, &[1.0, f64::INFINITY, 2.0, f64::NEG_INFINITY], 1.0, "");
    c.metric("nf.count", MetricKind::Count, 1.0, 1.0, "", None);
    assert!(c.flush(WAIT));
    let t = wait(&store, "finite values", |t| t.counter("nf.count", &[]) == 1.0);
    assert_eq!(t.values(Kind::Distribution, "nf.dist", &[]).unwrap().values, vec![1.0, 2.0]);
    assert_eq!(t.gauge("nf.gauge", &[]), None);
    assert_eq!(c.counters().values_dropped_invalid, 3);
}

/// Not a timed test: prints what one sender thread sustains (run with
/// `cargo test --release --test dogstatsd_e2e -- --ignored --nocapture throughput`).
#[test]
#[ignore]
fn throughput() {
    use std::os::unix::net::UnixDatagram;
    use std::time::Instant;
    for (label, max) in [("uds 8192 B", 8192usize), ("udp-size 1432 B", 1432)] {
        let path = sock_path("bench");
        let rx = UnixDatagram::bind(&path).unwrap();
        rx.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let reader = std::thread::spawn(move || {
            let (mut n, mut bytes, mut buf) = (0u64, 0u64, vec![0u8; 65536]);
            while let Ok(k) = rx.recv(&mut buf) {
                n += 1;
                bytes += k as u64;
            }
            (n, bytes)
        });
        let c = client(&format!("unixgram://{}", path.display()), |o| {
            o.max_packet = Some(max);
            o.queue_packets = 1 << 16;
        });
        let vals: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.5 + 0.25).collect();
        const ROUNDS: usize = 5000;
        let t0 = Instant::now();
        for _ in 0..ROUNDS {
            c.values("bench.hist", MetricKind::Histogram, &vals, 1.0, "env:bench,service:x");
        }
        let t_enc = t0.elapsed();
        assert!(c.flush(Duration::from_secs(60)));
        let t_all = t0.elapsed();
        let s = c.counters();
        drop(c);
        let (pk, by) = reader.join().unwrap();
        let n = (ROUNDS * vals.len()) as f64;
        eprintln!(
            "{label}: {n} values; encode+pack {:.1} M values/s; end to end {:.1} M values/s, {:.0} packets/s, {:.2} B/value; sent {} packets, dropped {} (queue {}), received {pk} packets {by} B",
            n / t_enc.as_secs_f64() / 1e6,
            n / t_all.as_secs_f64() / 1e6,
            s.packets_sent as f64 / t_all.as_secs_f64(),
            s.bytes_sent as f64 / n,
            s.packets_sent,
            s.packets_dropped,
            s.packets_dropped_queue,
        );
        let _ = std::fs::remove_file(&path);
    }
}
