//! The peer: metrics-rs (`metrics` 0.24 facade) with a recorder built the way its exporters
//! build theirs: a `metrics_util::registry::Registry<Key, AtomicStorage>` (sharded
//! `RwLock<HashMap>`, counters and gauges `Arc<AtomicU64>`, histograms a lock-free
//! `AtomicBucket<f64>`), `register_*` = `get_or_create_*` handing out a clone of the stored
//! `Arc`. metrics-exporter-prometheus does exactly this with `GenerationalAtomicStorage` (the
//! same atomics plus a generation counter for idle-timeout); we leave the generation out, as
//! we have no idle-timeout either.

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use metrics_util::registry::{AtomicStorage, Registry};
use std::sync::Arc;

pub struct PeerRecorder(Arc<Registry<Key, AtomicStorage>>);

impl Recorder for PeerRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        self.0.get_or_create_counter(key, |c| Counter::from_arc(c.clone()))
    }

    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        self.0.get_or_create_gauge(key, |g| Gauge::from_arc(g.clone()))
    }

    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        self.0.get_or_create_histogram(key, |h| Histogram::from_arc(h.clone()))
    }
}

/// Installs the recorder process-wide (as an exporter's `install()` does) and returns its
/// registry, kept to drain histograms between runs.
pub fn install() -> Arc<Registry<Key, AtomicStorage>> {
    let registry = Arc::new(Registry::atomic());
    metrics::set_global_recorder(PeerRecorder(registry.clone())).expect("a recorder was already installed");
    registry
}

/// Empties every histogram bucket, as an exporter's render/flush does (outside the timed
/// loops: an `AtomicBucket` keeps every value until drained).
pub fn drain(registry: &Registry<Key, AtomicStorage>) {
    registry.visit_histograms(|_, h| h.clear());
}
