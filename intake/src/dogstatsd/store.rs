//! What the DogStatsD listeners received, aggregated like the Agent does for one flush:
//! counters summed (each value divided by its sample rate), gauges last value, histogram /
//! distribution / timing values collected (with their sample-rate-weighted count), set members
//! collected; events, service checks and parse errors kept in order. Totals never expire
//! (tests assert exact end-to-end sums), until [`Store::clear`].
//!
//! A context is the metric name plus its tags, sorted: `name` or `name|#a:1,b:2`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::parse::{self, Event, Kind, Message, ServiceCheck};

/// Values of one histogram, distribution or timing context.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Values {
    pub values: Vec<f64>,
    /// Sum over values of 1 / sample rate (the Agent's count for sampled values).
    pub weighted_count: f64,
}

/// Everything received (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct Totals {
    pub packets: u64,
    pub bytes: u64,
    pub lines: u64,
    pub counters: BTreeMap<String, f64>,
    pub gauges: BTreeMap<String, f64>,
    pub histograms: BTreeMap<String, Values>,
    pub distributions: BTreeMap<String, Values>,
    pub timings: BTreeMap<String, Values>,
    pub sets: BTreeMap<String, BTreeSet<String>>,
    pub events: Vec<Event>,
    pub service_checks: Vec<ServiceCheck>,
    /// `"<error>: <line>"` per rejected line.
    pub parse_errors: Vec<String>,
    /// Container ids seen in `c:` fields.
    pub containers: BTreeSet<String>,
    /// Metric lines carrying a `T` timestamp.
    pub timestamped: u64,
    /// Largest packet received (bytes, without a stream frame's length prefix).
    pub max_packet: usize,
}

/// `name` or `name|#sorted,tags`.
pub fn context(name: &str, tags: &[&str]) -> String {
    let mut t: Vec<&str> = tags.to_vec();
    t.sort_unstable();
    if t.is_empty() {
        name.to_string()
    } else {
        format!("{name}|#{}", t.join(","))
    }
}

impl Totals {
    /// Sum of a counter context (0 when absent).
    pub fn counter(&self, name: &str, tags: &[&str]) -> f64 {
        self.counters
            .get(&context(name, tags))
            .copied()
            .unwrap_or(0.0)
    }
    pub fn gauge(&self, name: &str, tags: &[&str]) -> Option<f64> {
        self.gauges.get(&context(name, tags)).copied()
    }
    /// Values of a histogram (`Kind::Histogram`), distribution or timing context.
    pub fn values(&self, kind: Kind, name: &str, tags: &[&str]) -> Option<&Values> {
        let map = match kind {
            Kind::Histogram => &self.histograms,
            Kind::Distribution => &self.distributions,
            Kind::Timing => &self.timings,
            _ => return None,
        };
        map.get(&context(name, tags))
    }

    fn add_packet(&mut self, pkt: &[u8]) {
        self.packets += 1;
        self.bytes += pkt.len() as u64;
        self.max_packet = self.max_packet.max(pkt.len());
        for line in parse::split_packet(pkt) {
            self.lines += 1;
            match parse::parse_message(line) {
                Ok(Message::Metric(m)) => {
                    let tags: Vec<&str> = m.tags.iter().map(String::as_str).collect();
                    let ctx = context(&m.name, &tags);
                    if let Some(c) = &m.container {
                        self.containers.insert(c.clone());
                    }
                    if m.timestamp.is_some() {
                        self.timestamped += 1;
                    }
                    let rate = if m.sample_rate > 0.0 && m.sample_rate <= 1.0 {
                        m.sample_rate
                    } else {
                        1.0
                    };
                    match m.kind {
                        Kind::Count => {
                            *self.counters.entry(ctx).or_default() +=
                                m.values.iter().map(|v| v / rate).sum::<f64>()
                        }
                        Kind::Gauge => {
                            if let Some(v) = m.values.last() {
                                self.gauges.insert(ctx, *v);
                            }
                        }
                        Kind::Set => {
                            self.sets
                                .entry(ctx)
                                .or_default()
                                .insert(m.set_value.unwrap_or_default());
                        }
                        k => {
                            let map = match k {
                                Kind::Histogram => &mut self.histograms,
                                Kind::Distribution => &mut self.distributions,
                                _ => &mut self.timings,
                            };
                            let e = map.entry(ctx).or_default();
                            e.weighted_count += m.values.len() as f64 / rate;
                            e.values.extend_from_slice(&m.values);
                        }
                    }
                }
                Ok(Message::Event(e)) => self.events.push(e),
                Ok(Message::ServiceCheck(sc)) => self.service_checks.push(sc),
                Err(e) => self
                    .parse_errors
                    .push(format!("{e}: {}", String::from_utf8_lossy(line))),
            }
        }
    }

    /// The JSON served by `GET …/_intake/dogstatsd`.
    pub fn to_json(&self) -> Value {
        let vals = |m: &BTreeMap<String, Values>| {
            let mut o = Map::new();
            for (k, v) in m {
                o.insert(
                    k.clone(),
                    json!({"count": v.values.len(), "weighted_count": v.weighted_count,
                           "sum": v.values.iter().sum::<f64>(), "values": v.values}),
                );
            }
            Value::Object(o)
        };
        json!({
            "packets": self.packets, "bytes": self.bytes, "lines": self.lines, "max_packet": self.max_packet,
            "counters": self.counters, "gauges": self.gauges,
            "histograms": vals(&self.histograms), "distributions": vals(&self.distributions),
            "timings": vals(&self.timings), "sets": self.sets,
            "events": self.events.iter().map(|e| json!({
                "title": e.title, "text": e.text, "timestamp": e.timestamp, "hostname": e.hostname,
                "aggregation_key": e.aggregation_key, "priority": e.priority, "source_type": e.source_type,
                "alert_type": e.alert_type, "tags": e.tags})).collect::<Vec<_>>(),
            "service_checks": self.service_checks.iter().map(|s| json!({
                "name": s.name, "status": s.status, "timestamp": s.timestamp, "hostname": s.hostname,
                "message": s.message, "tags": s.tags})).collect::<Vec<_>>(),
            "parse_errors": self.parse_errors, "containers": self.containers, "timestamped": self.timestamped,
        })
    }
}

/// Shared store of the listeners (thread-safe).
#[derive(Default)]
pub struct Store {
    totals: Mutex<Totals>,
    cv: Condvar,
    listeners: Mutex<Vec<String>>,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, Totals> {
        self.totals.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Parse and aggregate one packet (datagram or stream frame).
    pub fn add_packet(&self, pkt: &[u8]) {
        self.lock().add_packet(pkt);
        self.cv.notify_all();
    }

    pub fn totals(&self) -> Totals {
        self.lock().clone()
    }

    pub fn clear(&self) {
        *self.lock() = Totals::default();
    }

    /// Wait until `pred(totals)` holds or `timeout` passes; returns the last totals.
    pub fn wait_until(&self, timeout: Duration, pred: impl Fn(&Totals) -> bool) -> Totals {
        let deadline = Instant::now() + timeout;
        let mut g = self.lock();
        while !pred(&g) {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            g = self
                .cv
                .wait_timeout(g, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        g.clone()
    }

    pub(crate) fn register(&self, url: String) {
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(url);
    }

    pub(crate) fn unregister(&self, url: &str) {
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|u| u != url);
    }

    /// URLs of the running listeners (`udp://…`, `unixgram://…`, `unixstream://…`).
    pub fn listeners(&self) -> Vec<String> {
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Totals as JSON plus the listener URLs.
    pub fn to_json(&self) -> Value {
        let mut v = self.totals().to_json();
        v["listeners"] = json!(self.listeners());
        v
    }
}
