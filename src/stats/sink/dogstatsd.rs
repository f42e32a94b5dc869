//! `DogStatsdSink`: closed buckets to the Datadog Agent over DogStatsD (DESIGN §5), through the
//! DogStatsD client of `crate::dogstatsd` (its packer, sender thread, transports, origin
//! detection and client telemetry).
//!
//! # What is sent for each closed bucket (one context, one bucket)
//! - counter: one line `name:<bucket sum>|c` (the sum is already scaled by 1 / sample_rate, so
//!   no `@rate` is written: the Agent adds it as it is);
//! - gauge: one line `name:<last value>|g`;
//! - histogram: the bucket's unbiased sample (at most 1000 values), packed
//!   `name:v1:v2:…|h|@rate`, each value weighted so that the weights add up to the points
//!   recorded (`count`, scaled by 1 / sample_rate): the Agent's `.count` and `.sum` estimate
//!   the real totals, and its `.avg`, `.median`, percentiles and `.max` are computed from an
//!   unbiased sample, combined with every other process of the host. (Sending dogapi's 8
//!   per-process statistics as gauges instead would give the Agent numbers it cannot combine.)
//!   The Agent truncates a value's weight to the integer `int64(1 / rate)` (datadog-agent
//!   `pkg/metrics/histogram.go`), so a single `rate = samples / count` would lose up to half
//!   the count: the sample is sent as at most two runs, `rate = 1/k` and `1/(k+1)`, with the
//!   values of the heavier run chosen at random ([`weighted_runs`]). When every point was kept,
//!   `k` is 1, no rate is written and the Agent receives exactly the recorded values.
//! - a distribution's values (another branch adds `Aggregate::Distribution`) go out the same
//!   way with `|d`: see [`DogStatsdSink::push`].
//!
//! The Agent stamps what it receives with its own clock (the sink sends right after a bucket
//! closes); `|T` timestamps are not used, because they turn the Agent's aggregation off.
//!
//! # Host, device, tags, origin
//! DogStatsD has no host field: the Agent uses its own host name unless a line carries a
//! `host:` tag, which it turns into the point's host. So a point recorded with an explicit host
//! (dogapi's per-point `host`) and every point when the `host` option is set get a `host:<h>`
//! tag; the machine's host name and the EC2 instance id are not sent (the Agent knows the
//! host it runs on, and inside a container the process's host name is the container's).
//! dogapi's `device` becomes a `device:<d>` tag (the Agent turns it into the device). The
//! container id (`|c:`) and `DD_ENTITY_ID` (`dd.internal.entity_id:` tag) come from
//! `crate::dogstatsd::origin`.
//!
//! # Threads and fork
//! The client is created on first use and shared; `submit` only encodes into the packer and
//! hands full packets to the sender thread (never waits for the socket). A forked child never
//! uses the parent's client (its sender thread does not exist there): `fork_child` parks it
//! (`crate::fork::keep_from_parent`) and the child creates its own on its first flush.

use super::events;
use super::{Aggregate, Closed, Counter, SendMode, Sink, Snapshot, Telemetry};
use crate::dogstatsd::encode::{self, MetricKind};
use crate::dogstatsd::origin::{self, Origin};
use crate::dogstatsd::{self as dsd, Destination, DogStatsd};
use crate::error::{Error, ErrorKind};
use crate::fork::{ForkLock, Side};
use crate::stats::histogram::below;
use crate::stats::options::StatsOptions;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};
use Counter::*;

/// What the sink needs from the options, fixed at start.
struct Settings {
    destination: Destination,
    max_packet: Option<usize>,
    telemetry: bool,
    origin: Origin,
    /// `host:<h>` for points without their own host (`None`: the Agent's host).
    default_host_tag: Option<String>,
    /// The `host` option (events' and service checks' `h:`; `None`: the Agent's host).
    default_host: Option<String>,
    /// `device:<d>` for every point.
    device_tag: Option<String>,
    /// How long `dog_stats_flush()` may wait for the sender.
    manual_timeout: Duration,
}

pub struct DogStatsdSink {
    settings: Settings,
    tel: Arc<Telemetry>,
    /// Created on first use; a forked child parks the parent's and creates its own.
    client: Mutex<Option<Arc<DogStatsd>>>,
    /// The client's counters already added to `tel`.
    folded: Mutex<dsd::Snapshot>,
}

impl DogStatsdSink {
    /// Nothing is opened here (the socket is opened by the sender on the first packet), so an
    /// absent Agent is not an error at start; its packets are dropped and counted.
    pub fn new(opts: &StatsOptions, destination: Destination, tel: Arc<Telemetry>) -> DogStatsdSink {
        let origin = origin::detect(opts.origin_detection, |k| std::env::var(k).ok());
        let host = opts.host.as_deref().filter(|h| !h.is_empty() && !opts.use_ec2_instance_ids);
        DogStatsdSink {
            settings: Settings {
                destination,
                max_packet: (opts.dogstatsd_max_packet_bytes > 0).then_some(opts.dogstatsd_max_packet_bytes),
                telemetry: opts.dogstatsd_telemetry,
                origin,
                default_host_tag: host.map(|h| encode::normalize_tag(&format!("host:{h}"))),
                default_host: host.map(str::to_string),
                device_tag: opts.device.as_deref().map(|d| encode::normalize_tag(&format!("device:{d}"))),
                manual_timeout: opts.request(),
            },
            tel,
            client: Mutex::new(None),
            folded: Mutex::new(dsd::Snapshot::default()),
        }
    }

    fn client(&self) -> Result<Arc<DogStatsd>, Error> {
        let mut c = self.client.lock();
        if let Some(c) = c.as_ref() {
            return Ok(Arc::clone(c));
        }
        let s = &self.settings;
        let mut o = dsd::Options::new(s.destination.clone());
        o.max_packet = s.max_packet;
        o.telemetry = s.telemetry;
        o.container_id = s.origin.container_id.clone();
        let built =
            Arc::new(DogStatsd::start(o).map_err(|e| {
                Error::new(ErrorKind::Internal, format!("stats: cannot start the DogStatsD sender: {e}"))
            })?);
        *c = Some(Arc::clone(&built));
        Ok(built)
    }

    /// The tags of one context on the wire: its own, then host, device and entity id.
    fn tags(&self, ctx_tags: &str, host: Option<&str>) -> String {
        let s = &self.settings;
        let host_tag = match host.filter(|h| !h.is_empty()) {
            Some(h) => Some(encode::normalize_tag(&format!("host:{h}"))),
            None => s.default_host_tag.clone(),
        };
        let extra = [host_tag.as_deref(), s.device_tag.as_deref(), s.origin.entity_tag.as_deref()];
        encode::join_tags(ctx_tags.split(',').chain(extra.into_iter().flatten()))
    }

    /// One closed bucket into the client's packer. Returns false when its value was not finite
    /// (nothing sent).
    fn push(&self, c: &DogStatsd, closed: Closed) -> bool {
        let ctx = &closed.ctx;
        let tags = self.tags(ctx.tags(), ctx.host());
        match closed.value {
            Aggregate::Counter(v) | Aggregate::Gauge(v) if !v.is_finite() => false,
            Aggregate::Counter(v) => {
                c.metric(ctx.name(), MetricKind::Count, v, 1.0, &tags, None);
                true
            }
            Aggregate::Gauge(v) => {
                c.metric(ctx.name(), MetricKind::Gauge, v, 1.0, &tags, None);
                true
            }
            Aggregate::Histogram(h) => {
                for (rate, values) in weighted_runs(h.samples, h.count) {
                    c.values(ctx.name(), MetricKind::Histogram, &values, rate, &tags);
                }
                true
            }
            Aggregate::Distribution(d) => {
                // Every value kept, packed (`|d`); weighted like a histogram's sample so the
                // Agent's total is the number of values offered (sampled or dropped at the cap
                // included). Without sampling or drops: rate 1, every value exactly once.
                for (rate, values) in weighted_runs(d.values, d.weight) {
                    c.values(ctx.name(), MetricKind::Distribution, &values, rate, &tags);
                }
                true
            }
        }
    }

    /// Hands one encoded event or service check to the client (`push`), refusing a line that
    /// cannot fit in a packet (the client would drop it) and reporting a packet the full sender
    /// queue dropped meanwhile (counted, as for metrics).
    fn post(
        &self,
        what: &str,
        encode: impl Fn(&mut Vec<u8>, &str),
        push: impl FnOnce(&DogStatsd),
    ) -> Result<(), Error> {
        let c = self.client()?;
        let mut line = Vec::new();
        encode(&mut line, self.settings.origin.container_id.as_str());
        let max = c.max_packet();
        if line.len() + 1 > max {
            return Err(Error::invalid(format!(
                "stats: the {what} is {} bytes as a DogStatsD line (with its newline), over the {max}-byte packet size; nothing sent",
                line.len() + 1
            )));
        }
        let before = c.counters().packets_dropped_queue;
        push(&c);
        let dropped = c.counters().packets_dropped_queue - before;
        self.fold();
        if dropped > 0 {
            return Err(Error::new(
                ErrorKind::QueueFull,
                format!("stats: DogStatsD sender queue full; {dropped} packet(s) dropped"),
            ));
        }
        Ok(())
    }

    /// The wire tags of an event or service check: its own, then the entity id.
    fn notice_tags(&self, own: &[String]) -> String {
        let extra = self.settings.origin.entity_tag.as_deref();
        encode::join_tags(own.iter().map(String::as_str).chain(extra))
    }

    /// No host given: the `host` option, else none (the Agent's own host name), as for series.
    fn notice_host<'a>(&'a self, host: Option<&'a str>) -> &'a str {
        host.or(self.settings.default_host.as_deref()).unwrap_or("")
    }

    /// Adds what the client counted since the last fold to the instance's telemetry.
    fn fold(&self) {
        let Some(c) = self.client.lock().clone() else { return };
        let mut f = self.folded.lock();
        let now = c.counters();
        let d = |a: u64, b: u64| a.saturating_sub(b);
        self.tel.add(DOG_STATS_DOGSTATSD_PACKETS_SENT, d(now.packets_sent, f.packets_sent));
        self.tel.add(DOG_STATS_DOGSTATSD_BYTES_SENT, d(now.bytes_sent, f.bytes_sent));
        self.tel.add(DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE, d(now.packets_dropped_queue, f.packets_dropped_queue));
        self.tel
            .add(DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER, d(now.packets_dropped_writer, f.packets_dropped_writer));
        self.tel
            .add(DOG_STATS_DOGSTATSD_LINES_DROPPED_OVERSIZE, d(now.lines_dropped_oversize, f.lines_dropped_oversize));
        *f = now;
    }
}

/// The rate whose weight the Agent reads as exactly `k` (`int64(1 / rate)`, truncated).
fn rate_of_weight(k: u64) -> f64 {
    if k <= 1 {
        return 1.0;
    }
    let mut r = 1.0 / k as f64;
    while ((1.0 / r) as u64) < k {
        r = f64::from_bits(r.to_bits() - 1); // the next smaller rate: a slightly larger weight
    }
    r
}

/// A histogram's sample as `(rate, values)` runs whose Agent weights (`int64(1 / rate)` per
/// value) add up to `count` rounded (at least one per value): `k = total / n` for every
/// value, plus one for `total mod n` values chosen uniformly at random (independent of their
/// values, so sums and percentiles stay unbiased). At most two runs; none for an empty sample.
pub(crate) fn weighted_runs(mut samples: Vec<f64>, count: f64) -> Vec<(f64, Vec<f64>)> {
    let n = samples.len() as u64;
    if n == 0 {
        return Vec::new();
    }
    let total = if count.is_finite() { (count.round() as u64).max(n) } else { n };
    let (k, heavier) = (total / n, (total % n) as usize);
    if heavier == 0 {
        return vec![(rate_of_weight(k), samples)];
    }
    // Partial Fisher-Yates: the first `heavier` slots become a uniform random subset.
    for i in 0..heavier {
        let j = i + below(n - i as u64) as usize;
        samples.swap(i, j);
    }
    let rest = samples.split_off(heavier);
    vec![(rate_of_weight(k + 1), samples), (rate_of_weight(k), rest)]
}

impl Sink for DogStatsdSink {
    fn submit(&self, closed: Vec<Closed>) -> Result<(), Error> {
        let c = self.client()?;
        let before = c.counters();
        let (mut lines, mut invalid) = (0u64, 0u64);
        for cl in closed {
            if self.push(&c, cl) {
                lines += 1;
            } else {
                invalid += 1;
            }
        }
        self.tel.add(DOG_STATS_DROPPED_SERIES_INVALID, invalid);
        if lines > 0 {
            self.tel.add(DOG_STATS_FLUSHES, 1);
            self.tel.add(DOG_STATS_SERIES_FLUSHED, lines);
        }
        let after = c.counters();
        self.fold();
        let dropped = after.packets_dropped_queue - before.packets_dropped_queue;
        if dropped > 0 {
            return Err(Error::new(
                ErrorKind::QueueFull,
                format!("stats: DogStatsD sender queue full; {dropped} packet(s) dropped"),
            ));
        }
        Ok(())
    }

    /// Background: nothing to wait for (the sender writes partial packets every 100 ms).
    /// Manual and shutdown: writes what is buffered and waits for the sender (bounded by the
    /// request timeout / the deadline); `Err` when the writer dropped packets meanwhile.
    fn send(&self, mode: SendMode) -> Result<(), Error> {
        let timeout = match mode {
            SendMode::Background => {
                self.fold();
                return Ok(());
            }
            SendMode::Manual => self.settings.manual_timeout,
            SendMode::Shutdown(deadline) => deadline.saturating_duration_since(Instant::now()),
        };
        let Some(c) = self.client.lock().clone() else { return Ok(()) };
        let before = c.counters();
        let done = c.flush(timeout);
        let after = c.counters();
        self.fold();
        if !done {
            return Err(Error::new(ErrorKind::Timeout, "stats: the DogStatsD sender did not finish in time"));
        }
        let dropped = after.packets_dropped_writer - before.packets_dropped_writer;
        if dropped > 0 {
            return Err(Error::new(
                ErrorKind::Connection,
                format!("stats: {dropped} DogStatsD packet(s) dropped (no Agent at {})", self.settings.destination),
            ));
        }
        Ok(())
    }

    fn next_due(&self) -> Option<Instant> {
        None
    }

    /// One `_e{…}` line into the client's packer (sent within 100 ms, or by the next flush);
    /// never waits for the socket.
    fn event(&self, e: &events::Event<'_>) -> Result<(), Error> {
        let tags = self.notice_tags(&e.tags);
        let ev = encode::Event {
            title: e.title,
            text: e.text,
            timestamp: e.date_happened,
            hostname: self.notice_host(e.host),
            aggregation_key: e.aggregation_key.unwrap_or(""),
            priority: e.priority,
            source_type_name: e.source_type_name.unwrap_or(""),
            alert_type: e.alert_type,
            tags: &tags,
        };
        self.post("event", |b, cid| encode::push_event(b, &ev, cid), |c| c.event(&ev))
    }

    /// One `_sc|…` line, as [`event`](Sink::event).
    fn service_check(&self, sc: &events::ServiceCheck<'_>) -> Result<(), Error> {
        let tags = self.notice_tags(&sc.tags);
        let check = encode::ServiceCheck {
            name: &sc.name,
            status: sc.status,
            timestamp: sc.timestamp,
            hostname: self.notice_host(sc.host),
            tags: &tags,
            message: sc.message.unwrap_or(""),
        };
        self.post("service check", |b, cid| encode::push_service_check(b, &check, cid), |c| c.service_check(&check))
    }

    /// Holds no series: what was submitted is in the client's packets, sent by its thread.
    fn abandon(&self) -> u64 {
        0
    }

    fn read_out(&self, snap: &mut Snapshot) {
        self.fold();
        for id in [
            DOG_STATS_DOGSTATSD_PACKETS_SENT,
            DOG_STATS_DOGSTATSD_BYTES_SENT,
            DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE,
            DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER,
            DOG_STATS_DOGSTATSD_LINES_DROPPED_OVERSIZE,
        ] {
            snap.set(id, self.tel.get(id));
        }
    }

    fn fork_prepare(&self) {
        std::mem::forget(self.client.lock());
        std::mem::forget(self.folded.lock());
    }

    unsafe fn fork_parent(&self) {
        // SAFETY: fork_prepare took both locks on this thread and forgot the guards.
        unsafe {
            self.folded.release_after_fork(Side::Parent);
            self.client.release_after_fork(Side::Parent);
        }
    }

    unsafe fn fork_child(&self) {
        // SAFETY: the only thread; fork_prepare's locks are held (copied from the parent).
        unsafe {
            if let Some(c) = (*self.client.data_ptr()).take() {
                // Its sender thread does not exist here: never used, never dropped (a drop
                // would wait for that thread).
                crate::fork::keep_from_parent(Box::new(c));
            }
            *self.folded.data_ptr() = dsd::Snapshot::default();
            self.folded.release_after_fork(Side::Child);
            self.client.release_after_fork(Side::Child);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the Agent counts: `int64(1 / rate)` per value (datadog-agent histogram.go).
    fn agent_count(runs: &[(f64, Vec<f64>)]) -> u64 {
        runs.iter().map(|(r, v)| (1.0 / r) as u64 * v.len() as u64).sum()
    }

    #[test]
    fn the_agents_integer_weights_add_up_to_the_points() {
        for k in 1..200_000u64 {
            assert_eq!((1.0 / rate_of_weight(k)) as u64, k, "{k}");
        }
        let vals = |n: usize| (0..n).map(|i| i as f64).collect::<Vec<f64>>();
        // Every point kept: one run at rate 1 (no `@` on the wire).
        assert_eq!(weighted_runs(vals(10), 10.0), vec![(1.0, vals(10))]);
        assert_eq!(weighted_runs(vals(1000), 8000.0), vec![(0.125, vals(1000))]);
        // Sampled recording (weight 1 / 0.5) with every value kept.
        assert_eq!(weighted_runs(vals(300), 600.0)[0].0, 0.5);
        assert!(weighted_runs(Vec::new(), 5.0).is_empty());
        for (n, count) in [(1000, 2999.0), (1000, 1001.0), (1000, 1999.4), (7, 100.0), (1000, 123_456_789.0), (3, 3.3)]
        {
            let runs = weighted_runs(vals(n), count);
            assert!(runs.len() <= 2);
            assert_eq!(agent_count(&runs), count.round() as u64, "{n} {count}");
            let mut all: Vec<f64> = runs.iter().flat_map(|(_, v)| v.iter().copied()).collect();
            all.sort_by(f64::total_cmp);
            assert_eq!(all, vals(n), "every value once");
        }
        // A single rate `samples / count` would have made the Agent count 2000, not 2999.
        assert_eq!((1.0 / (1000.0 / 2999.0)) as u64 * 1000, 2000);
    }

    #[test]
    fn host_device_and_entity_become_tags() {
        let mut o = StatsOptions::default();
        o.set_device(Some("sda1")).unwrap();
        let d = Destination::Udp { host: "127.0.0.1".into(), port: 9 };
        let mut s = DogStatsdSink::new(&o, d.clone(), Arc::new(Telemetry::default()));
        s.settings.origin.entity_tag = Some("dd.internal.entity_id:abc".into());
        assert_eq!(s.tags("a:1,b:2", None), "a:1,b:2,device:sda1,dd.internal.entity_id:abc");
        assert_eq!(s.tags("", Some("web 1")), "host:web_1,device:sda1,dd.internal.entity_id:abc");
        o.set_host(Some("myhost")).unwrap();
        o.set_device(None).unwrap();
        let s = DogStatsdSink::new(&o, d, Arc::new(Telemetry::default()));
        assert_eq!(s.tags("x:y", None), "x:y,host:myhost");
        assert_eq!(s.tags("x:y", Some("other")), "x:y,host:other");
    }
}
