//! The context map and the per-bucket values.
//!
//! Contexts live in `SHARDS` cache-line-padded shards, each a `RwLock<HashTable<Box<Context>>>`
//! probed with a precomputed hash and an in-place equality (no key is built). Recording takes
//! the shard's *read* lock only; an existing context is updated with atomics (counter: CAS add
//! of f64 bits; gauge: store) or under its own small mutex (histogram). A context keeps two
//! bucket slots, so the usual "current bucket + previous, not yet flushed" needs no allocation;
//! more buckets at once (late or future timestamps) go to a small overflow list.
//!
//! Flushing takes each shard's *write* lock briefly, moves out every bucket older than the cut
//! and renders it; contexts that had nothing to flush and hold nothing are removed, so idle
//! contexts do not accumulate (memory is bounded by the live-context cap).

use super::histogram::HistAgg;
use super::key::{context_hash, Kind, SortedTags};
use super::payload::{Rendered, SeriesStyle};
use hashbrown::HashTable;
use parking_lot::{Mutex, RwLock};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};

pub const SHARDS: usize = 64;
/// A free bucket slot.
const FREE: i64 = i64::MIN;

struct Slot {
    bucket: AtomicI64,
    bits: AtomicU64,
}

impl Slot {
    const fn new() -> Slot {
        Slot { bucket: AtomicI64::new(FREE), bits: AtomicU64::new(0) }
    }
}

struct Scalar {
    slots: [Slot; 2],
    /// Buckets beyond the two slots; also serialises claiming a slot.
    overflow: Mutex<Vec<(i64, f64)>>,
}

struct Hist {
    slots: [(i64, HistAgg); 2],
    overflow: Vec<(i64, HistAgg)>,
}

enum Store {
    Scalar(Scalar),
    Hist(Box<Mutex<Hist>>),
}

/// One context: name + sorted tags + host (+ kind).
#[repr(align(64))]
pub struct Context {
    hash: u64,
    kind: Kind,
    name: Box<str>,
    /// Sorted, comma-joined; `""` for none.
    tags: Box<str>,
    host: Option<Box<str>>,
    store: Store,
}

impl Context {
    #[inline]
    fn is(&self, hash: u64, kind: Kind, name: &str, tags: &SortedTags<'_>, host: Option<&str>) -> bool {
        self.hash == hash && self.kind == kind && &*self.name == name && self.host.as_deref() == host && tags.matches(&self.tags)
    }
}

#[inline]
fn apply(kind: Kind, slot: &Slot, v: f64) {
    match kind {
        Kind::Gauge => slot.bits.store(v.to_bits(), Ordering::Relaxed),
        _ => {
            let mut cur = slot.bits.load(Ordering::Relaxed);
            loop {
                let new = (f64::from_bits(cur) + v).to_bits();
                match slot.bits.compare_exchange_weak(cur, new, Ordering::Relaxed, Ordering::Relaxed) {
                    Ok(_) => return,
                    Err(x) => cur = x,
                }
            }
        }
    }
}

impl Scalar {
    fn new() -> Scalar {
        Scalar { slots: [Slot::new(), Slot::new()], overflow: Mutex::new(Vec::new()) }
    }

    #[inline]
    fn record(&self, kind: Kind, bucket: i64, v: f64) {
        for s in &self.slots {
            if s.bucket.load(Ordering::Acquire) == bucket {
                apply(kind, s, v);
                return;
            }
        }
        self.record_slow(kind, bucket, v);
    }

    #[cold]
    fn record_slow(&self, kind: Kind, bucket: i64, v: f64) {
        let mut ov = self.overflow.lock();
        for s in &self.slots {
            if s.bucket.load(Ordering::Acquire) == bucket {
                apply(kind, s, v);
                return;
            }
        }
        for s in &self.slots {
            if s.bucket.load(Ordering::Relaxed) == FREE {
                // Free slots hold 0; only this thread (holding `overflow`) can claim one, and
                // nobody updates it before the bucket is published.
                s.bits.store(v.to_bits(), Ordering::Relaxed);
                s.bucket.store(bucket, Ordering::Release);
                return;
            }
        }
        match ov.iter_mut().find(|(b, _)| *b == bucket) {
            Some((_, x)) => {
                if kind == Kind::Gauge {
                    *x = v
                } else {
                    *x += v
                }
            }
            None => ov.push((bucket, v)),
        }
    }
}

impl Hist {
    fn record(&mut self, bucket: i64, v: f64, weight: f64) {
        for (b, agg) in self.slots.iter_mut() {
            if *b == bucket {
                agg.add(v, weight);
                return;
            }
        }
        for (b, agg) in self.slots.iter_mut() {
            if *b == FREE {
                *b = bucket;
                agg.add(v, weight);
                return;
            }
        }
        match self.overflow.iter_mut().find(|(b, _)| *b == bucket) {
            Some((_, agg)) => agg.add(v, weight),
            None => {
                let mut agg = HistAgg::default();
                agg.add(v, weight);
                self.overflow.push((bucket, agg));
            }
        }
    }
}

#[repr(align(128))]
struct Shard {
    map: RwLock<HashTable<Box<Context>>>,
    /// Points recorded into this shard's contexts (kept here, not in one global counter, so
    /// threads on different contexts do not share a cache line).
    points: AtomicU64,
}

/// Outcome of a recording call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Ok,
    /// The live-context cap was reached; nothing was recorded.
    ContextLimit,
}

/// One histogram bucket moved out of the map, rendered after the shard lock is released.
struct HistOut {
    name: Box<str>,
    tags: Box<str>,
    host: Option<Box<str>>,
    bucket: i64,
    agg: HistAgg,
}

pub struct Aggregator {
    shards: Box<[Shard]>,
    live: AtomicUsize,
    max_contexts: AtomicUsize,
    dropped_context_limit: AtomicU64,
}

/// Totals of one extraction.
#[derive(Debug, Default, Clone, Copy)]
pub struct Extracted {
    pub contexts_removed: u64,
}

impl Aggregator {
    pub fn new(max_contexts: usize) -> Aggregator {
        let shards = (0..SHARDS).map(|_| Shard { map: RwLock::new(HashTable::new()), points: AtomicU64::new(0) }).collect();
        Aggregator { shards, live: AtomicUsize::new(0), max_contexts: AtomicUsize::new(max_contexts), dropped_context_limit: AtomicU64::new(0) }
    }

    pub fn set_max_contexts(&self, n: usize) {
        self.max_contexts.store(n, Ordering::Relaxed);
    }

    pub fn live_contexts(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    pub fn points(&self) -> u64 {
        self.shards.iter().map(|s| s.points.load(Ordering::Relaxed)).sum()
    }

    pub fn dropped_context_limit(&self) -> u64 {
        self.dropped_context_limit.load(Ordering::Relaxed)
    }

    /// Adds one point. `weight` scales counters and histogram counts (1 / sample_rate).
    #[inline]
    pub fn record(&self, kind: Kind, name: &str, tags: Option<&str>, host: Option<&str>, bucket: i64, value: f64, weight: f64) -> Recorded {
        let sorted = SortedTags::parse(tags);
        let hash = context_hash(kind, name, &sorted, host);
        let shard = &self.shards[(hash >> 58) as usize % SHARDS];
        {
            let map = shard.map.read();
            if let Some(ctx) = map.find(hash, |c| c.is(hash, kind, name, &sorted, host)) {
                Self::update(ctx, bucket, value, weight);
                shard.points.fetch_add(1, Ordering::Relaxed);
                return Recorded::Ok;
            }
        }
        self.record_new(shard, hash, kind, name, &sorted, host, bucket, value, weight)
    }

    #[inline]
    fn update(ctx: &Context, bucket: i64, value: f64, weight: f64) {
        match &ctx.store {
            Store::Scalar(s) => s.record(ctx.kind, bucket, if ctx.kind == Kind::Counter { value * weight } else { value }),
            Store::Hist(h) => h.lock().record(bucket, value, weight),
        }
    }

    #[cold]
    #[allow(clippy::too_many_arguments)]
    fn record_new(&self, shard: &Shard, hash: u64, kind: Kind, name: &str, sorted: &SortedTags<'_>, host: Option<&str>, bucket: i64, value: f64, weight: f64) -> Recorded {
        let mut map = shard.map.write();
        // Another thread may have created it between the two locks.
        if let Some(ctx) = map.find(hash, |c| c.is(hash, kind, name, sorted, host)) {
            Self::update(ctx, bucket, value, weight);
            shard.points.fetch_add(1, Ordering::Relaxed);
            return Recorded::Ok;
        }
        let max = self.max_contexts.load(Ordering::Relaxed);
        if self.live.fetch_add(1, Ordering::Relaxed) >= max {
            self.live.fetch_sub(1, Ordering::Relaxed);
            self.dropped_context_limit.fetch_add(1, Ordering::Relaxed);
            return Recorded::ContextLimit;
        }
        let store = match kind {
            Kind::Histogram => Store::Hist(Box::new(Mutex::new(Hist { slots: [(FREE, HistAgg::default()), (FREE, HistAgg::default())], overflow: Vec::new() }))),
            _ => Store::Scalar(Scalar::new()),
        };
        let ctx = Box::new(Context { hash, kind, name: name.into(), tags: sorted.joined().into_boxed_str(), host: host.map(Into::into), store });
        Self::update(&ctx, bucket, value, weight);
        map.insert_unique(hash, ctx, |c| c.hash);
        shard.points.fetch_add(1, Ordering::Relaxed);
        Recorded::Ok
    }

    /// Moves out every bucket `< cut` and renders it into `out` (bucket start = index ×
    /// `roll_up`). Contexts with nothing left and nothing flushed now are removed.
    pub fn extract(&self, cut: i64, roll_up: f64, style: &SeriesStyle<'_>, out: &mut Rendered) -> Extracted {
        let mut totals = Extracted::default();
        let mut hists: Vec<HistOut> = Vec::new();
        for shard in self.shards.iter() {
            let mut map = shard.map.write();
            let mut removed = 0u64;
            map.retain(|ctx| {
                let mut flushed = false;
                let mut holds = false;
                match &ctx.store {
                    Store::Scalar(s) => {
                        let count = ctx.kind == Kind::Counter;
                        for slot in &s.slots {
                            let b = slot.bucket.load(Ordering::Relaxed);
                            if b == FREE {
                                continue;
                            }
                            if b < cut {
                                let v = f64::from_bits(slot.bits.swap(0, Ordering::Relaxed));
                                slot.bucket.store(FREE, Ordering::Relaxed);
                                out.push(style, &ctx.name, "", b as f64 * roll_up, v, count, &ctx.tags, ctx.host.as_deref());
                                flushed = true;
                            } else {
                                holds = true;
                            }
                        }
                        let mut ov = s.overflow.lock();
                        ov.retain(|(b, v)| {
                            if *b < cut {
                                out.push(style, &ctx.name, "", *b as f64 * roll_up, *v, count, &ctx.tags, ctx.host.as_deref());
                                flushed = true;
                                false
                            } else {
                                holds = true;
                                true
                            }
                        });
                        if ov.is_empty() && ov.capacity() > 0 {
                            ov.shrink_to_fit();
                        }
                    }
                    Store::Hist(h) => {
                        let mut h = h.lock();
                        let h = &mut *h;
                        for (b, agg) in h.slots.iter_mut() {
                            if *b == FREE {
                                continue;
                            }
                            if *b < cut {
                                let taken = std::mem::take(agg);
                                hists.push(HistOut { name: ctx.name.clone(), tags: ctx.tags.clone(), host: ctx.host.clone(), bucket: *b, agg: taken });
                                *b = FREE;
                                flushed = true;
                            } else {
                                holds = true;
                            }
                        }
                        let mut i = 0;
                        while i < h.overflow.len() {
                            if h.overflow[i].0 < cut {
                                let (b, agg) = h.overflow.swap_remove(i);
                                hists.push(HistOut { name: ctx.name.clone(), tags: ctx.tags.clone(), host: ctx.host.clone(), bucket: b, agg });
                                flushed = true;
                            } else {
                                holds = true;
                                i += 1;
                            }
                        }
                    }
                }
                let keep = flushed || holds;
                if !keep {
                    removed += 1;
                }
                keep
            });
            if removed > 0 {
                self.live.fetch_sub(removed as usize, Ordering::Relaxed);
                totals.contexts_removed += removed;
            }
        }
        for mut h in hists {
            let ts = h.bucket as f64 * roll_up;
            for (suffix, v, count) in h.agg.stats() {
                out.push(style, &h.name, suffix, ts, v, count, &h.tags, h.host.as_deref());
            }
        }
        totals
    }

    /// Empties every context (after fork(): the parent sends what was recorded before).
    /// Callers must hold every shard's write lock or otherwise exclude recorders.
    pub fn clear(&self) {
        for shard in self.shards.iter() {
            // SAFETY of the protocol: see `fork.rs`; here we simply take the lock.
            let mut map = shard.map.write();
            map.clear();
            shard.points.store(0, Ordering::Relaxed);
        }
        self.live.store(0, Ordering::Relaxed);
        self.dropped_context_limit.store(0, Ordering::Relaxed);
    }

    /// Write-locks every shard (fork prepare); released with [`unlock_all`](Self::unlock_all).
    pub fn lock_all(&self) {
        for shard in self.shards.iter() {
            std::mem::forget(shard.map.write());
        }
    }

    /// # Safety
    /// Only after [`lock_all`](Self::lock_all) on this thread (or in the forked child).
    pub unsafe fn unlock_all(&self) {
        for shard in self.shards.iter() {
            // SAFETY: lock_all left every write lock held with its guard forgotten.
            unsafe { shard.map.force_unlock_write() };
        }
    }

    /// Like [`clear`](Self::clear) while [`lock_all`](Self::lock_all) is held.
    ///
    /// # Safety
    /// Every shard's write lock is held by this thread (forgotten guards), so no recorder or
    /// flusher is inside any context.
    pub unsafe fn clear_locked(&self) {
        for shard in self.shards.iter() {
            // SAFETY: the caller holds the write lock, so nobody else has access.
            let map = unsafe { &mut *shard.map.data_ptr() };
            map.clear();
            shard.points.store(0, Ordering::Relaxed);
        }
        self.live.store(0, Ordering::Relaxed);
        self.dropped_context_limit.store(0, Ordering::Relaxed);
    }

    /// Approximate heap bytes held by the context map (tables + contexts, strings excluded).
    pub fn approx_bytes(&self) -> usize {
        self.shards
            .iter()
            .map(|s| {
                let m = s.map.read();
                m.capacity() * (std::mem::size_of::<Box<Context>>() + 1) + m.len() * std::mem::size_of::<Context>()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style() -> SeriesStyle<'static> {
        SeriesStyle { default_host: "h", device: None, interval: 10 }
    }

    fn flush(a: &Aggregator, cut: i64) -> Vec<serde_json::Value> {
        let mut r = Rendered::default();
        a.extract(cut, 10.0, &style(), &mut r);
        let p = super::super::payload::split(&r, Default::default());
        let mut out = Vec::new();
        for p in p {
            let mut s = String::new();
            use std::io::Read;
            flate2::read::GzDecoder::new(&p.gzipped[..]).read_to_string(&mut s).unwrap();
            let v: serde_json::Value = serde_json::from_str(&s).unwrap();
            out.extend(v["series"].as_array().unwrap().iter().cloned());
        }
        out
    }

    #[test]
    fn counters_sum_gauges_keep_last_and_contexts_are_reused() {
        let a = Aggregator::new(100);
        a.record(Kind::Counter, "c", Some("b,a"), None, 10, 1.0, 1.0);
        a.record(Kind::Counter, "c", Some("a,b"), None, 10, 2.0, 1.0);
        a.record(Kind::Gauge, "g", None, None, 10, 5.0, 1.0);
        a.record(Kind::Gauge, "g", Some(""), None, 10, 7.0, 1.0);
        assert_eq!(a.live_contexts(), 2);
        let s = flush(&a, 11);
        assert_eq!(s.len(), 2);
        let c = s.iter().find(|x| x["metric"] == "c").unwrap();
        assert_eq!(c["points"][0][1], 3);
        assert_eq!(c["tags"], serde_json::json!(["a", "b"]));
        let g = s.iter().find(|x| x["metric"] == "g").unwrap();
        assert_eq!(g["points"][0][1], 7);
        // Flushed contexts stay for one more cycle, then go.
        assert_eq!(a.live_contexts(), 2);
        assert!(flush(&a, 12).is_empty());
        assert_eq!(a.live_contexts(), 0);
    }

    #[test]
    fn many_buckets_use_overflow_and_flush_in_order_of_cut() {
        let a = Aggregator::new(100);
        for b in [10, 11, 12, 13, 10, 13] {
            a.record(Kind::Counter, "c", None, None, b, 1.0, 1.0);
        }
        let s = flush(&a, 12);
        let mut pts: Vec<(i64, i64)> = s.iter().map(|x| (x["points"][0][0].as_i64().unwrap(), x["points"][0][1].as_i64().unwrap())).collect();
        pts.sort();
        assert_eq!(pts, [(100, 2), (110, 1)]);
        let s = flush(&a, 100);
        let mut pts: Vec<(i64, i64)> = s.iter().map(|x| (x["points"][0][0].as_i64().unwrap(), x["points"][0][1].as_i64().unwrap())).collect();
        pts.sort();
        assert_eq!(pts, [(120, 1), (130, 2)]);
    }

    #[test]
    fn context_limit_drops_and_counts() {
        let a = Aggregator::new(2);
        assert_eq!(a.record(Kind::Counter, "a", None, None, 1, 1.0, 1.0), Recorded::Ok);
        assert_eq!(a.record(Kind::Counter, "b", None, None, 1, 1.0, 1.0), Recorded::Ok);
        assert_eq!(a.record(Kind::Counter, "c", None, None, 1, 1.0, 1.0), Recorded::ContextLimit);
        assert_eq!(a.record(Kind::Counter, "a", None, None, 1, 1.0, 1.0), Recorded::Ok);
        assert_eq!(a.dropped_context_limit(), 1);
        assert_eq!(a.points(), 3);
    }

    #[test]
    fn threads_lose_nothing() {
        let a = std::sync::Arc::new(Aggregator::new(1000));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let a = a.clone();
                std::thread::spawn(move || {
                    for i in 0..20_000 {
                        a.record(Kind::Counter, "shared", Some("x:y"), None, 1, 1.0, 1.0);
                        a.record(Kind::Counter, &format!("own.{t}"), None, None, 1 + (i % 3), 1.0, 1.0);
                        a.record(Kind::Histogram, "h", None, None, 1, i as f64, 1.0);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let s = flush(&a, i64::MAX);
        let sum = |m: &str| s.iter().filter(|x| x["metric"] == m).map(|x| x["points"][0][1].as_f64().unwrap()).sum::<f64>();
        assert_eq!(sum("shared"), 80_000.0);
        for t in 0..4 {
            assert_eq!(sum(&format!("own.{t}")), 20_000.0);
        }
        assert_eq!(sum("h.count"), 80_000.0);
    }
}
