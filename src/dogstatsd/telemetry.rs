//! Client telemetry counters and the lines the official clients emit from them
//! (datadog-go `statsd/telemetry.go`: `datadog.dogstatsd.client.*` counts every 10 s, tagged
//! `client:<lang>`, `client_version:`, `client_transport:`). Counters are plain atomics,
//! readable from Rust at any time ([`Counters::snapshot`]); the lead exposes them to C.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::encode::MetricKind;

/// Cumulative counters of one DogStatsD client.
#[derive(Debug, Default)]
pub struct Counters {
    pub metrics_gauge: AtomicU64,
    pub metrics_count: AtomicU64,
    pub metrics_histogram: AtomicU64,
    pub metrics_distribution: AtomicU64,
    pub metrics_set: AtomicU64,
    pub metrics_timing: AtomicU64,
    pub events: AtomicU64,
    pub service_checks: AtomicU64,
    pub packets_sent: AtomicU64,
    pub bytes_sent: AtomicU64,
    /// Dropped because the sender's queue was full.
    pub packets_dropped_queue: AtomicU64,
    pub bytes_dropped_queue: AtomicU64,
    /// Dropped by the writer: socket buffer full (EAGAIN), Agent absent, write error.
    pub packets_dropped_writer: AtomicU64,
    pub bytes_dropped_writer: AtomicU64,
    /// Lines dropped before packing because one line exceeds the maximum packet size
    /// (libdogapi addition; datadog-go returns an error to the caller instead).
    pub lines_dropped_oversize: AtomicU64,
    pub bytes_dropped_oversize: AtomicU64,
    /// Writer drops caused by an absent Agent (subset of `packets_dropped_writer`).
    pub packets_dropped_no_agent: AtomicU64,
    /// Writer drops caused by a full socket buffer (subset of `packets_dropped_writer`).
    pub packets_dropped_would_block: AtomicU64,
    /// Successful (re)connections to the Agent.
    pub connects: AtomicU64,
    /// Values not sent because they are NaN or infinite (the Agent would accept `NaN` and
    /// Datadog would reject the series).
    pub values_dropped_invalid: AtomicU64,
}

/// A copy of [`Counters`] at one instant (totals derived as datadog-go derives them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub metrics: u64,
    pub metrics_gauge: u64,
    pub metrics_count: u64,
    pub metrics_histogram: u64,
    pub metrics_distribution: u64,
    pub metrics_set: u64,
    pub metrics_timing: u64,
    pub events: u64,
    pub service_checks: u64,
    pub packets_sent: u64,
    pub bytes_sent: u64,
    pub packets_dropped: u64,
    pub bytes_dropped: u64,
    pub packets_dropped_queue: u64,
    pub bytes_dropped_queue: u64,
    pub packets_dropped_writer: u64,
    pub bytes_dropped_writer: u64,
    pub lines_dropped_oversize: u64,
    pub bytes_dropped_oversize: u64,
    pub packets_dropped_no_agent: u64,
    pub packets_dropped_would_block: u64,
    pub connects: u64,
    pub values_dropped_invalid: u64,
}

impl Counters {
    /// Count `n` metric values of `kind` submitted.
    pub fn add_metrics(&self, kind: MetricKind, n: u64) {
        let c = match kind {
            MetricKind::Gauge => &self.metrics_gauge,
            MetricKind::Count => &self.metrics_count,
            MetricKind::Histogram => &self.metrics_histogram,
            MetricKind::Distribution => &self.metrics_distribution,
            MetricKind::Set => &self.metrics_set,
            MetricKind::Timing => &self.metrics_timing,
        };
        c.fetch_add(n, Relaxed);
    }

    pub fn snapshot(&self) -> Snapshot {
        let g = |a: &AtomicU64| a.load(Relaxed);
        let mut s = Snapshot {
            metrics: 0,
            metrics_gauge: g(&self.metrics_gauge),
            metrics_count: g(&self.metrics_count),
            metrics_histogram: g(&self.metrics_histogram),
            metrics_distribution: g(&self.metrics_distribution),
            metrics_set: g(&self.metrics_set),
            metrics_timing: g(&self.metrics_timing),
            events: g(&self.events),
            service_checks: g(&self.service_checks),
            packets_sent: g(&self.packets_sent),
            bytes_sent: g(&self.bytes_sent),
            packets_dropped: 0,
            bytes_dropped: 0,
            packets_dropped_queue: g(&self.packets_dropped_queue),
            bytes_dropped_queue: g(&self.bytes_dropped_queue),
            packets_dropped_writer: g(&self.packets_dropped_writer),
            bytes_dropped_writer: g(&self.bytes_dropped_writer),
            lines_dropped_oversize: g(&self.lines_dropped_oversize),
            bytes_dropped_oversize: g(&self.bytes_dropped_oversize),
            packets_dropped_no_agent: g(&self.packets_dropped_no_agent),
            packets_dropped_would_block: g(&self.packets_dropped_would_block),
            connects: g(&self.connects),
            values_dropped_invalid: g(&self.values_dropped_invalid),
        };
        s.metrics = s.metrics_gauge
            + s.metrics_count
            + s.metrics_histogram
            + s.metrics_distribution
            + s.metrics_set
            + s.metrics_timing;
        s.packets_dropped = s.packets_dropped_queue + s.packets_dropped_writer;
        s.bytes_dropped = s.bytes_dropped_queue + s.bytes_dropped_writer;
        s
    }
}

/// The telemetry tags: `client:libdogapi`, `client_version:<crate version>`,
/// `client_transport:<udp|uds|uds-stream>`, after the client's global tags.
pub fn base_tags(global: &str, transport: &str) -> String {
    let own = format!("client:libdogapi,client_version:{},client_transport:{transport}", env!("CARGO_PKG_VERSION"));
    if global.is_empty() {
        own
    } else {
        format!("{global},{own}")
    }
}

/// The telemetry lines for the interval `prev → now` (counts of the difference), in
/// datadog-go's order and names, each `name:value|c|#tags`. `tags` from [`base_tags`].
pub fn lines(prev: &Snapshot, now: &Snapshot, tags: &str) -> Vec<String> {
    let d = |a: u64, b: u64| a.wrapping_sub(b);
    let mut out = Vec::with_capacity(24);
    let mut count = |name: &str, v: u64, extra: &str| {
        out.push(format!("datadog.dogstatsd.client.{name}:{v}|c|#{tags}{extra}"));
    };
    count("metrics", d(now.metrics, prev.metrics), "");
    for (t, a, b) in [
        ("gauge", now.metrics_gauge, prev.metrics_gauge),
        ("count", now.metrics_count, prev.metrics_count),
        ("histogram", now.metrics_histogram, prev.metrics_histogram),
        ("distribution", now.metrics_distribution, prev.metrics_distribution),
        ("set", now.metrics_set, prev.metrics_set),
        ("timing", now.metrics_timing, prev.metrics_timing),
    ] {
        count("metrics_by_type", d(a, b), &format!(",metrics_type:{t}"));
    }
    count("events", d(now.events, prev.events), "");
    count("service_checks", d(now.service_checks, prev.service_checks), "");
    count("metric_dropped_on_receive", 0, "");
    count("packets_sent", d(now.packets_sent, prev.packets_sent), "");
    count("packets_dropped", d(now.packets_dropped, prev.packets_dropped), "");
    count("packets_dropped_queue", d(now.packets_dropped_queue, prev.packets_dropped_queue), "");
    count("packets_dropped_writer", d(now.packets_dropped_writer, prev.packets_dropped_writer), "");
    count("bytes_dropped", d(now.bytes_dropped, prev.bytes_dropped), "");
    count("bytes_sent", d(now.bytes_sent, prev.bytes_sent), "");
    count("bytes_dropped_queue", d(now.bytes_dropped_queue, prev.bytes_dropped_queue), "");
    count("bytes_dropped_writer", d(now.bytes_dropped_writer, prev.bytes_dropped_writer), "");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_totals_and_lines() {
        let c = Counters::default();
        c.add_metrics(MetricKind::Count, 3);
        c.add_metrics(MetricKind::Distribution, 5);
        c.packets_dropped_queue.fetch_add(2, Relaxed);
        c.bytes_dropped_queue.fetch_add(20, Relaxed);
        c.packets_dropped_writer.fetch_add(1, Relaxed);
        c.bytes_dropped_writer.fetch_add(7, Relaxed);
        let s = c.snapshot();
        assert_eq!((s.metrics, s.packets_dropped, s.bytes_dropped), (8, 3, 27));
        let tags = base_tags("env:prod", "uds");
        assert!(tags.starts_with("env:prod,client:libdogapi,client_version:"), "{tags}");
        assert!(tags.ends_with(",client_transport:uds"));
        let l = lines(&Snapshot::default(), &s, &tags);
        assert_eq!(l[0], format!("datadog.dogstatsd.client.metrics:8|c|#{tags}"));
        assert!(l.contains(&format!("datadog.dogstatsd.client.metrics_by_type:5|c|#{tags},metrics_type:distribution")));
        assert!(l.contains(&format!("datadog.dogstatsd.client.packets_dropped:3|c|#{tags}")));
        assert!(l.contains(&format!("datadog.dogstatsd.client.bytes_dropped_writer:7|c|#{tags}")));
        for name in [
            "events",
            "service_checks",
            "packets_sent",
            "bytes_sent",
            "packets_dropped_queue",
            "packets_dropped_writer",
            "bytes_dropped",
            "bytes_dropped_queue",
        ] {
            assert!(l.iter().any(|x| x.starts_with(&format!("datadog.dogstatsd.client.{name}:"))), "{name}");
        }
        // The next interval counts only what happened since.
        c.add_metrics(MetricKind::Gauge, 1);
        let l2 = lines(&s, &c.snapshot(), &tags);
        assert_eq!(l2[0], format!("datadog.dogstatsd.client.metrics:1|c|#{tags}"));
    }
}
