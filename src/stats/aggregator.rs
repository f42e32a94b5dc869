//! The context map and the per-bucket values.
//!
//! Contexts live in `SHARDS` cache-line-padded shards, each a `RwLock<HashTable<Arc<Context>>>`
//! probed with a precomputed hash and an in-place equality (no key is built). A context is
//! also reachable without the shard lock, from the per-thread cache of [`super::cache`], which
//! holds an `Arc` to it: the shard lock only protects the *map*, never the values.
//!
//! # Values (counters and gauges)
//! A context keeps two bucket slots, so the usual "current bucket + previous, not yet flushed"
//! needs no allocation; more buckets at once (late or future timestamps) go to a small
//! overflow list under the context's mutex. A slot is two words, `bucket` and `bits` (the f64
//! value). `bits` holds [`SEALED`], a NaN that arithmetic on finite inputs never produces,
//! whenever the slot does not accept points:
//!
//! | state   | bucket    | bits        |
//! |---------|-----------|-------------|
//! | free    | `FREE`    | `SEALED`    |
//! | live b  | b         | the value   |
//! | retired | `RETIRED` | `SEALED`    |
//!
//! A recorder (no lock) loads `bucket == b`, loads `bits` (not `SEALED`), re-checks `bucket`
//! and CASes `bits` from the value it read to the new value. The flusher takes a bucket with
//! one `swap(SEALED)` under the context's mutex, then marks the slot free. So every CAS either
//! happens before the swap (its point is in the value taken) or fails (it then sees `SEALED`
//! or another bucket and goes to the locked slow path, which records the point into a fresh
//! slot or the overflow list, flushed next time): **no point is lost or counted twice.**
//! Claiming a free slot, retiring a context and extracting all happen under the context's
//! mutex, so a slot is never claimed twice and a live slot is only ever sealed by the flusher.
//!
//! The one imprecision left: a recorder that read the value `x` of bucket b and then stalls
//! until (1) the flusher took b and freed the slot and (2) another thread claimed the slot for
//! a newer bucket b' whose first value has exactly the bits `x`, has its CAS succeed on b'. Its
//! point is then counted once, in bucket b' instead of b (for a gauge: its value replaces the
//! one of b', as if the call had happened at that moment). Nothing is lost either way.
//!
//! # Histograms
//! A histogram context holds [`STRIPES`] stripes (`Box<Stripes>`, allocated with the context;
//! counters and gauges pay only the empty pointer), each a mutex over its own two bucket
//! slots + overflow list of `HistAgg`s (min/max/sum/count/reservoir), on its own cache lines.
//! A recorder locks only its thread's stripe (a per-thread index, assigned round-robin; on a
//! failed `try_lock` the thread moves on to the next free stripe and keeps it), so threads
//! recording into the same histogram neither share a lock nor bounce its data between cores.
//! The flusher locks *all* stripes at once (in index order; recorders hold one at a time, so
//! no deadlock), takes every bucket older than the cut from each, and merges a bucket's parts
//! after the shard lock is released ([`HistAgg::merge`]: min/max/sum/count exactly, the
//! reservoirs into one uniform sample of all the points). The stripes live in [`super::stripes`].
//!
//! # Distributions
//! Striped like histograms, but a bucket keeps every value ([`DistAgg`], up to
//! `max_distribution_values` per context and bucket; beyond it values are dropped and
//! counted); the merge concatenates the stripes' values and applies the cap to the bucket.
//!
//! # Retirement
//! Flushing takes each shard's *write* lock briefly, moves out every bucket older than the cut
//! and renders it; a context that had nothing to flush and holds nothing is *retired* under
//! its mutex (its slots go to the retired state, or every stripe of its histogram is flagged,
//! while the flusher still holds every stripe's lock from finding them empty) and removed from
//! the map, so idle contexts do not accumulate (memory is bounded by the live-context cap). A
//! retired context refuses every point (`record` returns `false`: the caller drops its cache
//! entry and records through the map, which creates a new context); per-thread caches may
//! still hold it (by `Arc`) until they evict it. Because a retired context never accepts a
//! point again and retiring happens under the same mutex as claiming, there is no window in
//! which a point can go into a context that no later flush sees.

use super::distribution::DistAgg;
use super::histogram::HistAgg;
use super::key::{context_hash, Kind, SortedTags};
use super::points::Points;
use super::stripes::{BucketAgg, Stripes, FREE, STRIPE};
use crate::fork::{ForkLock, Side};
use hashbrown::HashTable;
use parking_lot::{Mutex, RwLock};
use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

pub(crate) const SHARDS: usize = 64;
/// A slot of a retired context.
const RETIRED: i64 = i64::MIN + 1;
/// The lowest bucket a point may use (callers clamp, so a bucket never equals a sentinel).
pub(crate) const MIN_BUCKET: i64 = i64::MIN + 2;
/// `bits` of a slot that takes no points: a signalling NaN with a payload. Values are finite
/// (checked at the API) and arithmetic only ever produces quiet NaNs, so a value never has
/// these bits.
const SEALED: u64 = 0x7ff4_5ea1_ed00_0001;

struct Slot {
    bucket: AtomicI64,
    bits: AtomicU64,
}

impl Slot {
    const fn new() -> Slot {
        Slot { bucket: AtomicI64::new(FREE), bits: AtomicU64::new(SEALED) }
    }
}

/// What the context's mutex protects. (A scalar context is retired when its slots hold
/// `RETIRED`, a histogram when `Hist::retired` is set in every stripe; both change only under
/// this mutex, and for a histogram also under every stripe's lock.)
struct Locked {
    /// Scalar buckets beyond the two slots (rare: late or future timestamps). Boxed on purpose:
    /// 8 bytes in every context instead of an inline `Vec`'s 24 (layout note below).
    #[allow(clippy::box_collection)]
    overflow: Option<Box<Vec<(i64, f64)>>>,
}

/// One context: name + sorted tags + host (+ kind). Shared by the map and per-thread caches.
///
/// Layout (`repr(C)`, 104 bytes; 120 with the `Arc` counts, a 128-byte malloc chunk): what a
/// recording call touches — `kind`, the slots, the mutex, the histogram stripes pointer — is
/// one contiguous 64-byte range at the start. Two contexts' chunks are at least 128 bytes apart, so their hot ranges never
/// share a cache line (no false sharing between threads on distinct contexts) without
/// aligning the allocation (a 64-byte-aligned `Arc` costed ~140 more bytes per context).
#[repr(C)]
pub struct Context {
    kind: Kind,
    slots: [Slot; 2],
    lock: Mutex<Locked>,
    /// Histogram and distribution contexts only (set at creation, never changed): its
    /// stripes, each with its own lock. Counters and gauges pay only this pointer.
    hist: Option<Box<Stripes>>,
    hash: u64,
    /// name, then the sorted comma-joined tags, then the host, in one allocation; valid UTF-8.
    strings: Box<[u8]>,
    name_len: u32,
    tags_len: u32,
    /// `u32::MAX`: no host (the default host).
    host_len: u32,
    /// Pre-registered handles holding this context (`handle.rs`): while non-zero the flusher
    /// never retires it, so a handle's context stays the live one across idle intervals.
    pins: AtomicU32,
}

impl Context {
    /// `dist_cap`: the values a distribution keeps per bucket (`max_distribution_values`).
    fn new(hash: u64, kind: Kind, name: &str, tags: &str, host: Option<&str>, dist_cap: usize) -> Context {
        let h = host.unwrap_or("");
        let mut s = Vec::with_capacity(name.len() + tags.len() + h.len());
        s.extend_from_slice(name.as_bytes());
        s.extend_from_slice(tags.as_bytes());
        s.extend_from_slice(h.as_bytes());
        let len = |x: usize| u32::try_from(x).expect("metric strings under 4 GiB");
        Context {
            kind,
            slots: [Slot::new(), Slot::new()],
            lock: Mutex::new(Locked { overflow: None }),
            hist: match kind {
                Kind::Histogram => Some(Stripes::new(None)),
                Kind::Distribution => Some(Stripes::new(Some(dist_cap))),
                Kind::Counter | Kind::Gauge => None,
            },
            hash,
            strings: s.into_boxed_slice(),
            name_len: len(name.len()),
            tags_len: len(tags.len()),
            host_len: if host.is_some() { len(h.len()) } else { u32::MAX },
            pins: AtomicU32::new(0),
        }
    }

    #[inline]
    fn str_at(&self, from: usize, len: usize) -> &str {
        // SAFETY: `strings` is the concatenation of three `&str`s, split at their boundaries.
        unsafe { std::str::from_utf8_unchecked(&self.strings[from..from + len]) }
    }

    #[inline]
    pub fn name(&self) -> &str {
        self.str_at(0, self.name_len as usize)
    }

    /// Sorted, comma-joined; `""` for none.
    #[inline]
    pub fn tags(&self) -> &str {
        self.str_at(self.name_len as usize, self.tags_len as usize)
    }

    #[inline]
    pub fn host(&self) -> Option<&str> {
        (self.host_len != u32::MAX)
            .then(|| self.str_at((self.name_len + self.tags_len) as usize, self.host_len as usize))
    }

    #[inline]
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// A handle starts holding this context: it is not retired while held. Called under no
    /// lock; a context already retired stays retired (the handle sees `record` refuse).
    pub(crate) fn pin(&self) {
        self.pins.fetch_add(1, Ordering::AcqRel);
    }

    /// A handle lets go of this context; the next flush may retire it when idle.
    pub(crate) fn unpin(&self) {
        self.pins.fetch_sub(1, Ordering::AcqRel);
    }

    fn pinned(&self) -> bool {
        self.pins.load(Ordering::Acquire) > 0
    }

    #[inline]
    fn is(&self, hash: u64, kind: Kind, name: &str, tags: &SortedTags<'_>, host: Option<&str>) -> bool {
        self.hash == hash
            && self.kind == kind
            && self.name() == name
            && self.host() == host
            && tags.matches(self.tags())
    }

    /// Adds one point to `bucket`. `weight` scales counters and histogram counts. `false`: the
    /// context is retired and took nothing (record through the map instead).
    #[inline]
    pub fn record(&self, bucket: i64, value: f64, weight: f64) -> bool {
        match self.kind {
            Kind::Histogram | Kind::Distribution => STRIPE.with(|c| {
                let mut i = c.get();
                let r = self.hist.as_deref().expect("histogram context").record(bucket, value, weight, &mut i);
                c.set(i);
                r
            }),
            _ => self.record_hinted(bucket, value, weight, &mut { usize::MAX }),
        }
    }

    /// [`record`](Self::record) with the caller's per-thread stripe index (see
    /// [`Stripes::record`]; only histograms and distributions use it): the hot path keeps it
    /// in the per-thread cache it has already loaded, saving a second thread-local lookup
    /// (`__tls_get_addr` in a shared library).
    #[inline]
    pub fn record_hinted(&self, bucket: i64, value: f64, weight: f64, stripe: &mut usize) -> bool {
        match self.kind {
            Kind::Histogram | Kind::Distribution => {
                self.hist.as_deref().expect("histogram context").record(bucket, value, weight, stripe)
            }
            kind => {
                let v = if kind == Kind::Counter { value * weight } else { value };
                for s in &self.slots {
                    if s.bucket.load(Ordering::Relaxed) == bucket {
                        if try_apply(kind, s, bucket, v) {
                            return true;
                        }
                        break;
                    }
                }
                self.record_slow(bucket, v)
            }
        }
    }

    #[cold]
    fn record_slow(&self, bucket: i64, v: f64) -> bool {
        let mut l = self.lock.lock();
        if self.slots[0].bucket.load(Ordering::Relaxed) == RETIRED {
            return false;
        }
        for s in &self.slots {
            // Under the mutex a live slot cannot be sealed (only the flusher seals, under the
            // mutex too), so the CAS loop succeeds.
            if s.bucket.load(Ordering::Relaxed) == bucket && try_apply(self.kind, s, bucket, v) {
                return true;
            }
        }
        for s in &self.slots {
            if s.bucket.load(Ordering::Relaxed) == FREE {
                // bits is SEALED until published: recorders seeing the bucket first wait on
                // the mutex (slow path) and then find the slot live.
                s.bucket.store(bucket, Ordering::Relaxed);
                s.bits.store(v.to_bits(), Ordering::Release);
                return true;
            }
        }
        let ov = l.overflow.get_or_insert_with(Default::default);
        match ov.iter_mut().find(|(b, _)| *b == bucket) {
            Some((_, x)) => {
                if self.kind == Kind::Gauge {
                    *x = v
                } else {
                    *x += v
                }
            }
            None => ov.push((bucket, v)),
        }
        true
    }
}

/// The lock-free update of a live slot; `false` if the slot no longer holds `bucket` or is
/// sealed (the caller takes the locked path). See the module documentation.
#[inline]
fn try_apply(kind: Kind, slot: &Slot, bucket: i64, v: f64) -> bool {
    let mut cur = slot.bits.load(Ordering::Acquire);
    loop {
        // Re-checked after every read of `bits` (Acquire pairs with the Release of a claim):
        // a value read from a newer life of the slot comes with its newer bucket.
        if cur == SEALED || slot.bucket.load(Ordering::Relaxed) != bucket {
            return false;
        }
        let new = match kind {
            Kind::Gauge => v.to_bits(),
            _ => (f64::from_bits(cur) + v).to_bits(),
        };
        match slot.bits.compare_exchange_weak(cur, new, Ordering::Relaxed, Ordering::Acquire) {
            Ok(_) => return true,
            Err(x) => cur = x,
        }
    }
}

#[repr(align(128))]
struct Shard {
    map: RwLock<HashTable<Arc<Context>>>,
}

/// The live-context cap was reached; nothing was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextLimit;

/// The aggregated value of one context in one closed bucket.
#[derive(Debug)]
pub enum Aggregate {
    /// Sum of the bucket's increments (each scaled by 1 / sample_rate).
    Counter(f64),
    /// The last value of the bucket.
    Gauge(f64),
    /// min / max / weighted sum and count, and an unbiased sample of at most 1000 values
    /// (`samples`, of `seen` values offered); [`HistAgg::stats`] gives dogapi's 8 statistics.
    Histogram(HistAgg),
    /// Every value of the bucket (up to `max_distribution_values`; `dropped` counts the rest),
    /// each stored once whatever its sample rate ([`DistAgg::sample_rate`]: the effective rate).
    Distribution(DistAgg),
}

/// One context's aggregated data for one closed bucket, as handed to a sink.
pub struct Closed {
    /// Name, sorted comma-joined tags, host (`None`: the default host) and kind.
    pub ctx: Arc<Context>,
    /// Start of the bucket, POSIX seconds (bucket index × roll-up interval).
    pub ts: f64,
    pub value: Aggregate,
}

/// One histogram or distribution bucket moved out of the map, merged and rendered after the
/// shard lock is released: `agg` from one stripe, `more` from the others that held the bucket.
struct HistOut {
    ctx: Arc<Context>,
    bucket: i64,
    agg: BucketAgg,
    more: Vec<BucketAgg>,
}

/// Adds one stripe's bucket to the outputs of `ctx`, which start at `hists[first]`.
fn push_part(hists: &mut Vec<HistOut>, first: usize, ctx: &Arc<Context>, bucket: i64, agg: BucketAgg) {
    match hists[first..].iter_mut().find(|h| h.bucket == bucket) {
        Some(h) => h.more.push(agg),
        None => hists.push(HistOut { ctx: Arc::clone(ctx), bucket, agg, more: Vec::new() }),
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub struct Aggregator {
    /// Unique for the process lifetime (never reused, unlike an address): per-thread cache
    /// entries are keyed by it. Renewed when the global tags change (every entry then misses).
    id: AtomicU64,
    shards: Box<[Shard]>,
    live: AtomicUsize,
    max_contexts: AtomicUsize,
    /// Values a new distribution context keeps per bucket; also the cap of a merged bucket.
    max_distribution_values: AtomicUsize,
    dropped_context_limit: AtomicU64,
    pub(crate) points: Points,
    /// Added to every context when it is created (`crate::global_tags`); set at start.
    pub(crate) global: crate::global_tags::Slot,
}

/// Totals of one extraction.
#[derive(Debug, Default, Clone, Copy)]
pub struct Extracted {
    pub contexts_removed: u64,
}

impl Aggregator {
    pub fn new(max_contexts: usize) -> Aggregator {
        let shards = (0..SHARDS).map(|_| Shard { map: RwLock::new(HashTable::new()) }).collect();
        Aggregator {
            id: AtomicU64::new(NEXT_ID.fetch_add(1, Ordering::Relaxed)),
            shards,
            live: AtomicUsize::new(0),
            max_contexts: AtomicUsize::new(max_contexts),
            max_distribution_values: AtomicUsize::new(super::distribution::DEFAULT_MAX_VALUES),
            dropped_context_limit: AtomicU64::new(0),
            points: Points::default(),
            global: Default::default(),
        }
    }

    #[inline]
    pub fn id(&self) -> u64 {
        self.id.load(Ordering::Relaxed)
    }

    /// A new [`id`](Self::id): no per-thread cache entry of this aggregator is hit again.
    pub fn renew_id(&self) {
        self.id.store(NEXT_ID.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
    }

    pub fn set_max_contexts(&self, n: usize) {
        self.max_contexts.store(n, Ordering::Relaxed);
    }

    /// Applies to distribution contexts created from now on (and to every bucket merged).
    pub fn set_max_distribution_values(&self, n: usize) {
        self.max_distribution_values.store(n, Ordering::Relaxed);
    }

    pub fn live_contexts(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    pub fn points(&self) -> u64 {
        self.points.total()
    }

    pub fn dropped_context_limit(&self) -> u64 {
        self.dropped_context_limit.load(Ordering::Relaxed)
    }

    /// Adds one point through the map (no cache lookup) and returns its context, which the
    /// caller may cache (see `record.rs`). `weight` scales counters and histogram counts
    /// (1 / sample_rate).
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        kind: Kind,
        name: &str,
        tags: Option<&str>,
        host: Option<&str>,
        bucket: i64,
        value: f64,
        weight: f64,
    ) -> Result<Arc<Context>, ContextLimit> {
        // A global tag the call repeats is left out of the identity (with DD_ENV=prod, `x{}` and
        // `x{env:prod}` are one series), and the global tags join the tags a new context stores.
        let sorted = SortedTags::parse(tags).without(self.global.get());
        let hash = context_hash(kind, name, &sorted, host);
        let shard = &self.shards[(hash >> 58) as usize % SHARDS];
        let ctx = {
            let map = shard.map.read();
            match map.find(hash, |c| c.is(hash, kind, name, &sorted, host)) {
                Some(ctx) => {
                    // Under the read lock the flusher (write lock) cannot retire it.
                    let ok = ctx.record(bucket, value, weight);
                    debug_assert!(ok);
                    Arc::clone(ctx)
                }
                None => {
                    drop(map);
                    self.record_new(shard, hash, kind, name, &sorted, host, bucket, value, weight)?
                }
            }
        };
        Ok(ctx)
    }

    #[cold]
    #[allow(clippy::too_many_arguments)]
    fn record_new(
        &self,
        shard: &Shard,
        hash: u64,
        kind: Kind,
        name: &str,
        sorted: &SortedTags<'_>,
        host: Option<&str>,
        bucket: i64,
        value: f64,
        weight: f64,
    ) -> Result<Arc<Context>, ContextLimit> {
        let mut map = shard.map.write();
        // Another thread may have created it between the two locks.
        if let Some(ctx) = map.find(hash, |c| c.is(hash, kind, name, sorted, host)) {
            ctx.record(bucket, value, weight);
            return Ok(Arc::clone(ctx));
        }
        let max = self.max_contexts.load(Ordering::Relaxed);
        if self.live.fetch_add(1, Ordering::Relaxed) >= max {
            self.live.fetch_sub(1, Ordering::Relaxed);
            self.dropped_context_limit.fetch_add(1, Ordering::Relaxed);
            return Err(ContextLimit);
        }
        let dist_cap = self.max_distribution_values.load(Ordering::Relaxed);
        let ctx = Arc::new(Context::new(hash, kind, name, &sorted.joined(), host, dist_cap));
        ctx.record(bucket, value, weight);
        map.insert_unique(hash, Arc::clone(&ctx), |c| c.hash);
        Ok(ctx)
    }

    /// Moves out every bucket `< cut` into `out` (bucket start = index × `roll_up`): counters
    /// and gauges first, then histograms. Contexts with nothing left and nothing flushed now
    /// are retired and removed.
    pub fn extract(&self, cut: i64, roll_up: f64, out: &mut Vec<Closed>) -> Extracted {
        let mut totals = Extracted::default();
        let mut hists: Vec<HistOut> = Vec::new();
        for shard in self.shards.iter() {
            let mut map = shard.map.write();
            let mut removed = 0u64;
            map.retain(|ctx| {
                let mut flushed = false;
                let mut holds = false;
                let mut l = ctx.lock.lock();
                let l = &mut *l;
                match ctx.hist.as_deref() {
                    None => {
                        let val = |v: f64| {
                            if ctx.kind == Kind::Counter {
                                Aggregate::Counter(v)
                            } else {
                                Aggregate::Gauge(v)
                            }
                        };
                        for slot in &ctx.slots {
                            let b = slot.bucket.load(Ordering::Relaxed);
                            if b == FREE || b == RETIRED {
                                continue;
                            }
                            if b < cut {
                                // The atomic take: CASes before it are in `v`, later ones fail.
                                let v = f64::from_bits(slot.bits.swap(SEALED, Ordering::AcqRel));
                                slot.bucket.store(FREE, Ordering::Relaxed);
                                out.push(Closed { ctx: Arc::clone(ctx), ts: b as f64 * roll_up, value: val(v) });
                                flushed = true;
                            } else {
                                holds = true;
                            }
                        }
                        if let Some(ov) = l.overflow.as_mut() {
                            ov.retain(|(b, v)| {
                                if *b < cut {
                                    out.push(Closed { ctx: Arc::clone(ctx), ts: *b as f64 * roll_up, value: val(*v) });
                                    flushed = true;
                                    false
                                } else {
                                    holds = true;
                                    true
                                }
                            });
                            if ov.is_empty() {
                                l.overflow = None;
                            }
                        }
                    }
                    Some(st) => {
                        // Every stripe at once: the take is one atomic step for recorders, and
                        // a context found empty here is retired before any stripe accepts
                        // another point (nothing lost, nothing counted twice).
                        let mut stripes = st.lock_all();
                        let first = hists.len();
                        for h in stripes.iter_mut() {
                            for (b, agg) in h.slots.iter_mut() {
                                if *b == FREE {
                                    continue;
                                }
                                if *b < cut {
                                    let taken = agg.take();
                                    push_part(&mut hists, first, ctx, *b, taken);
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
                                    push_part(&mut hists, first, ctx, b, agg);
                                    flushed = true;
                                } else {
                                    holds = true;
                                    i += 1;
                                }
                            }
                            if h.overflow.is_empty() && h.overflow.capacity() > 0 {
                                h.overflow = Vec::new();
                            }
                        }
                        if !(flushed || holds || ctx.pinned()) {
                            for h in stripes.iter_mut() {
                                h.retired = true;
                            }
                        }
                    }
                }
                // A pinned context is read under its mutex, which `extract` holds: a handle that
                // pins it after this point finds it retired and resolves it again.
                let keep = flushed || holds || ctx.pinned();
                if !keep {
                    retire(ctx, l);
                    removed += 1;
                }
                keep
            });
            if removed > 0 {
                self.live.fetch_sub(removed as usize, Ordering::Relaxed);
                totals.contexts_removed += removed;
            }
        }
        let dist_cap = self.max_distribution_values.load(Ordering::Relaxed);
        for h in hists {
            let ts = h.bucket as f64 * roll_up;
            let mut parts = Vec::with_capacity(1 + h.more.len());
            parts.push(h.agg);
            parts.extend(h.more);
            let value = match parts[0] {
                BucketAgg::Hist(_) => {
                    let agg = HistAgg::merge(parts.into_iter().filter_map(BucketAgg::into_hist).collect());
                    if !(agg.seen > 0 && agg.count > 0.0) {
                        continue;
                    }
                    Aggregate::Histogram(agg)
                }
                BucketAgg::Dist(_) => {
                    let agg = DistAgg::merge(parts.into_iter().filter_map(BucketAgg::into_dist).collect(), dist_cap);
                    if agg.count == 0 {
                        continue;
                    }
                    Aggregate::Distribution(agg)
                }
            };
            out.push(Closed { ctx: h.ctx, ts, value });
        }
        totals
    }

    /// Empties every context. Callers exclude recorders (values recorded meanwhile are
    /// discarded with the rest). Cached references to the old contexts see them retired.
    pub fn clear(&self) {
        for shard in self.shards.iter() {
            let mut map = shard.map.write();
            for ctx in map.iter() {
                retire(ctx, &mut ctx.lock.lock());
            }
            map.clear();
        }
        self.points.reset_all();
        self.live.store(0, Ordering::Relaxed);
        self.dropped_context_limit.store(0, Ordering::Relaxed);
    }

    /// Write-locks every shard and the point registry (fork prepare); released with
    /// [`unlock_all`](Self::unlock_all).
    pub fn lock_all(&self) {
        for shard in self.shards.iter() {
            std::mem::forget(shard.map.write());
        }
        self.points.lock_for_fork();
    }

    /// # Safety
    /// Only after [`lock_all`](Self::lock_all) on this thread (or in the forked child).
    pub unsafe fn unlock_all(&self, side: Side) {
        // SAFETY: lock_all left these locks held with their guards forgotten.
        unsafe { self.points.release_after_fork(side) };
        for shard in self.shards.iter() {
            // SAFETY: as above.
            unsafe { shard.map.release_after_fork(side) };
        }
    }

    /// Like [`clear`](Self::clear) while [`lock_all`](Self::lock_all) is held, in the forked
    /// child. Context mutexes are not taken: another parent thread may have held one at the
    /// fork, and it does not exist here. The contexts are only dropped from the map; the
    /// child's per-thread cache (the forking thread's) is discarded on its next use, because
    /// the fork generation changed.
    ///
    /// # Safety
    /// Every shard's write lock and the point registry are held by this thread (forgotten
    /// guards), and this is the only thread.
    pub unsafe fn clear_locked(&self) {
        for shard in self.shards.iter() {
            // SAFETY: the caller holds the write lock, so nobody else has access.
            let map = unsafe { &mut *shard.map.data_ptr() };
            map.clear();
        }
        // SAFETY: the caller holds the registry lock.
        unsafe { self.points.reset_locked() };
        self.live.store(0, Ordering::Relaxed);
        self.dropped_context_limit.store(0, Ordering::Relaxed);
    }

    /// Approximate heap bytes held by the context map (tables + contexts, strings excluded).
    pub fn approx_bytes(&self) -> usize {
        self.shards
            .iter()
            .map(|s| {
                let m = s.map.read();
                m.capacity() * (std::mem::size_of::<Arc<Context>>() + 1)
                    + m.len() * (std::mem::size_of::<Context>() + 16)
            })
            .sum()
    }
}

/// Under the context's mutex: it refuses every point from now on.
fn retire(ctx: &Context, _l: &mut Locked) {
    if let Some(st) = ctx.hist.as_deref() {
        for mut h in st.lock_all() {
            h.retired = true;
        }
    }
    for s in &ctx.slots {
        s.bits.store(SEALED, Ordering::Relaxed);
        s.bucket.store(RETIRED, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::stripes::STRIPES;

    #[test]
    fn context_layout_keeps_the_hot_range_in_64_bytes_and_the_chunk_at_128() {
        // See the comment on `Context`: kind + slots + mutex first, and an Arc allocation of at
        // most 120 bytes (one 128-byte glibc chunk).
        assert!(std::mem::size_of::<Context>() + 16 <= 120, "{}", std::mem::size_of::<Context>());
        let c = Context::new(1, Kind::Counter, "n", "", None, 1);
        let base = &c as *const Context as usize;
        let end = &c.hist as *const _ as usize + std::mem::size_of_val(&c.hist);
        assert!(end > &c.lock as *const _ as usize);
        assert!(end - base <= 64, "hot range is {} bytes", end - base);
    }

    /// The closed buckets as series-like JSON (`h.min`, ... for histograms), without a sink.
    fn flush(a: &Aggregator, cut: i64) -> Vec<serde_json::Value> {
        let num =
            |v: f64| if v == v.trunc() && v.abs() < 1e15 { serde_json::json!(v as i64) } else { serde_json::json!(v) };
        let mut closed = Vec::new();
        a.extract(cut, 10.0, &mut closed);
        let mut out = Vec::new();
        for c in closed {
            let tags: Vec<&str> = c.ctx.tags().split(',').filter(|t| !t.is_empty()).collect();
            let mut one = |suffix: &str, v: f64| {
                out.push(serde_json::json!({"metric": format!("{}{suffix}", c.ctx.name()), "points": [[num(c.ts), num(v)]], "tags": tags}))
            };
            match c.value {
                Aggregate::Counter(v) | Aggregate::Gauge(v) => one("", v),
                Aggregate::Histogram(mut h) => {
                    for (suffix, v, _) in h.stats() {
                        one(suffix, v);
                    }
                }
                Aggregate::Distribution(d) => {
                    for v in d.values {
                        one("", v);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn counters_sum_gauges_keep_last_and_contexts_are_reused() {
        let a = Aggregator::new(100);
        a.record(Kind::Counter, "c", Some("b,a"), None, 10, 1.0, 1.0).unwrap();
        a.record(Kind::Counter, "c", Some("a,b"), None, 10, 2.0, 1.0).unwrap();
        a.record(Kind::Gauge, "g", None, None, 10, 5.0, 1.0).unwrap();
        a.record(Kind::Gauge, "g", Some(""), None, 10, 7.0, 1.0).unwrap();
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
            a.record(Kind::Counter, "c", None, None, b, 1.0, 1.0).unwrap();
        }
        let s = flush(&a, 12);
        let mut pts: Vec<(i64, i64)> =
            s.iter().map(|x| (x["points"][0][0].as_i64().unwrap(), x["points"][0][1].as_i64().unwrap())).collect();
        pts.sort();
        assert_eq!(pts, [(100, 2), (110, 1)]);
        let s = flush(&a, 100);
        let mut pts: Vec<(i64, i64)> =
            s.iter().map(|x| (x["points"][0][0].as_i64().unwrap(), x["points"][0][1].as_i64().unwrap())).collect();
        pts.sort();
        assert_eq!(pts, [(120, 1), (130, 2)]);
    }

    #[test]
    fn histogram_stripes_are_merged_exactly() {
        // This thread records into each stripe in turn (forced), unevenly, over two buckets;
        // the flush shows one series set per bucket with exact min/max/count/avg.
        let a = Aggregator::new(100);
        let mut want = [(f64::INFINITY, f64::NEG_INFINITY, 0.0, 0.0); 2];
        let mut i = 0u64;
        for (stripe, n) in [(0usize, 3_000u64), (1, 700), (2, 1), (3, 1_500), (0, 10)] {
            STRIPE.with(|c| c.set(stripe));
            for _ in 0..n {
                let b = (i % 2) as i64;
                let v = ((i * 31) % 1_001) as f64;
                let w = if i % 3 == 0 { 2.0 } else { 1.0 };
                a.record(Kind::Histogram, "h", Some("t:1"), None, 10 + b, v, w).unwrap();
                let x = &mut want[b as usize];
                *x = (x.0.min(v), x.1.max(v), x.2 + v * w, x.3 + w);
                i += 1;
            }
        }
        STRIPE.with(|c| c.set(usize::MAX));
        let ctx_stripes_used = {
            let map =
                a.shards.iter().flat_map(|s| s.map.read().iter().cloned().collect::<Vec<_>>()).collect::<Vec<_>>();
            assert_eq!(map.len(), 1);
            map[0].hist.as_ref().unwrap().0.iter().filter(|s| s.0.lock().slots.iter().any(|(b, _)| *b != FREE)).count()
        };
        assert_eq!(ctx_stripes_used, 4);
        let s = flush(&a, i64::MAX);
        for (b, (min, max, sum, count)) in want.iter().enumerate() {
            let ts = ((10 + b) * 10) as i64;
            let get = |suffix: &str| {
                let v: Vec<f64> = s
                    .iter()
                    .filter(|x| x["metric"] == format!("h.{suffix}") && x["points"][0][0] == ts)
                    .map(|x| x["points"][0][1].as_f64().unwrap())
                    .collect();
                assert_eq!(v.len(), 1, "h.{suffix} at {ts}: {v:?}");
                v[0]
            };
            assert_eq!(get("min"), *min);
            assert_eq!(get("max"), *max);
            assert_eq!(get("count"), *count);
            assert_eq!(get("avg"), sum / count);
            assert!(get("99percentile") <= *max && get("75percentile") >= *min);
        }
        assert_eq!(s.len(), 16);
        // Idle now: retired under every stripe's lock, so every stripe refuses points.
        assert!(flush(&a, i64::MAX).is_empty());
        assert_eq!(a.live_contexts(), 0);
    }

    #[test]
    fn retired_histogram_refuses_points_in_every_stripe() {
        let a = Aggregator::new(100);
        a.record(Kind::Histogram, "h", None, None, 1, 1.0, 1.0).unwrap();
        let ctx = a.shards.iter().find_map(|s| s.map.read().iter().next().cloned()).unwrap();
        assert_eq!(flush(&a, i64::MAX).len(), 8);
        assert!(flush(&a, i64::MAX).is_empty());
        for stripe in 0..STRIPES {
            STRIPE.with(|c| c.set(stripe));
            assert!(!ctx.record(1, 1.0, 1.0), "stripe {stripe} took a point after retirement");
        }
        STRIPE.with(|c| c.set(usize::MAX));
    }

    /// Every closed distribution bucket: (name, ts, values sorted, count, dropped).
    fn dists(a: &Aggregator, cut: i64) -> Vec<(String, f64, Vec<f64>, u64, u64)> {
        let mut closed = Vec::new();
        a.extract(cut, 10.0, &mut closed);
        let mut out: Vec<_> = closed
            .into_iter()
            .filter_map(|c| match c.value {
                Aggregate::Distribution(mut d) => {
                    d.values.sort_by(f64::total_cmp);
                    Some((c.ctx.name().to_string(), c.ts, d.values, d.count, d.dropped))
                }
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        out
    }

    #[test]
    fn distributions_keep_every_value_across_stripes_and_buckets() {
        let a = Aggregator::new(100);
        let mut want: [Vec<f64>; 2] = Default::default();
        let mut i = 0u64;
        for (stripe, n) in [(0usize, 300u64), (1, 70), (2, 1), (3, 150), (0, 10)] {
            STRIPE.with(|c| c.set(stripe));
            for _ in 0..n {
                let b = (i % 2) as usize;
                a.record(Kind::Distribution, "d", Some("t:1"), None, 10 + b as i64, i as f64, 1.0).unwrap();
                want[b].push(i as f64);
                i += 1;
            }
        }
        STRIPE.with(|c| c.set(usize::MAX));
        // The same name as a histogram is another context.
        a.record(Kind::Histogram, "d", Some("t:1"), None, 10, 1.0, 1.0).unwrap();
        assert_eq!(a.live_contexts(), 2);
        let got = dists(&a, i64::MAX);
        assert_eq!(got.len(), 2);
        for (b, w) in want.iter().enumerate() {
            assert_eq!(got[b].1, ((10 + b) * 10) as f64);
            assert_eq!(&got[b].2, w);
            assert_eq!((got[b].3, got[b].4), (w.len() as u64, 0));
        }
        assert!(dists(&a, i64::MAX).is_empty());
        assert_eq!(a.live_contexts(), 0, "idle distribution contexts are retired");
    }

    #[test]
    fn the_distribution_cap_applies_per_bucket_across_stripes() {
        let a = Aggregator::new(100);
        a.set_max_distribution_values(5);
        for stripe in 0..STRIPES {
            STRIPE.with(|c| c.set(stripe));
            for v in 0..4 {
                a.record(Kind::Distribution, "d", None, None, 1, v as f64, 1.0).unwrap();
            }
        }
        a.record(Kind::Distribution, "d", None, None, 2, 9.0, 1.0).unwrap();
        STRIPE.with(|c| c.set(usize::MAX));
        let got = dists(&a, i64::MAX);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].2.len(), got[0].3, got[0].4), (5, 16, 11));
        assert_eq!((got[1].2.clone(), got[1].3, got[1].4), (vec![9.0], 1, 0));
    }

    #[test]
    fn threads_lose_nothing() {
        let a = std::sync::Arc::new(Aggregator::new(1000));
        a.set_max_distribution_values(40_000);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let a = a.clone();
                std::thread::spawn(move || {
                    for i in 0..20_000 {
                        a.record(Kind::Counter, "shared", Some("x:y"), None, 1, 1.0, 1.0).unwrap();
                        a.record(Kind::Counter, &format!("own.{t}"), None, None, 1 + (i % 3), 1.0, 1.0).unwrap();
                        a.record(Kind::Histogram, "h", None, None, 1, i as f64, 1.0).unwrap();
                        a.record(Kind::Distribution, "d", None, None, 1 + (i % 2), (t * 20_000 + i) as f64, 1.0)
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let s = flush(&a, i64::MAX);
        let sum =
            |m: &str| s.iter().filter(|x| x["metric"] == m).map(|x| x["points"][0][1].as_f64().unwrap()).sum::<f64>();
        assert_eq!(sum("shared"), 80_000.0);
        for t in 0..4 {
            assert_eq!(sum(&format!("own.{t}")), 20_000.0);
        }
        assert_eq!(sum("h.count"), 80_000.0);
        let mut d: Vec<i64> =
            s.iter().filter(|x| x["metric"] == "d").map(|x| x["points"][0][1].as_i64().unwrap()).collect();
        d.sort();
        assert_eq!(d, (0..80_000).collect::<Vec<i64>>(), "every distribution value exactly once");
    }
}
