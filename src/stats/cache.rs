//! The per-thread context cache in front of the shard map.
//!
//! Keyed by the *raw* arguments of a call — aggregator id, kind, and the name, tags and host
//! bytes exactly as the caller passed them (NULL and "" kept apart) — and holding the context
//! by `Arc`. On a hit a call does no UTF-8 validation (the bytes equal bytes that were
//! validated when the entry was filled), no tag split/sort, no shard lock and no shared
//! counter: one hash of the raw bytes, one compare, and the update of the context's slot.
//!
//! - 256 sets × 2 ways; a fill puts the new entry in way 0 and moves the old way 0 to way 1.
//!   Key bytes live in a per-thread arena allocated with the table, so a fill never allocates
//!   (keys over `KEY_CAP` bytes are not cached).
//! - Entries are keyed by the aggregator's unique id (never reused), so entries of a freed
//!   instance are never hit again; their `Arc`s keep the memory valid until evicted or until
//!   the thread exits.
//! - fork(): the child inherits the forking thread's cache; it is discarded on first use
//!   because the fork generation changed, so the child never feeds the parent's contexts.
//! - A retired context (see `aggregator`) refuses the point; the caller evicts the entry and
//!   records through the map.
//! - Also holds the thread's "points recorded" cell of each aggregator it used.

use super::aggregator::{Aggregator, Context};
use super::clock::coarse_nanos;
use super::key::{hasher, Kind};
use super::points::PointCell;
use crate::fork;
use std::cell::UnsafeCell;
use std::hash::Hasher as _;
use std::sync::Arc;

const SETS: usize = 256;
const WAYS: usize = 2;
const NONE: u32 = u32::MAX;
/// Key bytes stored per entry, in one per-thread arena allocated with the table (so filling
/// an entry never allocates: a new spelling of an existing context stays allocation-free).
/// Longer keys (name + tags + host) are not cached and take the map path every time.
const KEY_CAP: usize = 256;

/// The raw key of one call, with its hash.
pub struct RawKey<'a> {
    kind: Kind,
    name: &'a [u8],
    tags: Option<&'a [u8]>,
    host: Option<&'a [u8]>,
    hash: u64,
}

impl<'a> RawKey<'a> {
    #[inline]
    pub fn new(kind: Kind, name: &'a [u8], tags: Option<&'a [u8]>, host: Option<&'a [u8]>) -> RawKey<'a> {
        // Lossy on purpose (entries compare the full key): one word of kind + lengths, then
        // the bytes. The set index uses the top bits.
        let tl = tags.map_or(NONE, |t| t.len() as u32) as u64;
        let hl = host.map_or(NONE, |t| t.len() as u32) as u64;
        let mut h = hasher();
        h.write_u64((kind as u64) ^ ((name.len() as u64) << 8) ^ (tl << 24) ^ (hl << 44));
        h.write(name);
        if let Some(t) = tags {
            h.write(t);
        }
        if let Some(t) = host {
            h.write(t);
        }
        RawKey { kind, name, tags, host, hash: h.finish() }
    }

    #[inline]
    fn lens(&self) -> (u32, u32, u32) {
        (self.name.len() as u32, self.tags.map_or(NONE, |t| t.len() as u32), self.host.map_or(NONE, |t| t.len() as u32))
    }

    /// Total key bytes, if they fit an entry's `KEY_CAP` bytes.
    #[inline]
    fn fits(&self) -> Option<usize> {
        let n = self.name.len() + self.tags.map_or(0, <[u8]>::len) + self.host.map_or(0, <[u8]>::len);
        (n <= KEY_CAP).then_some(n)
    }
}

/// Equality of two short byte strings of the same length, 8 bytes at a time. (libc's
/// `memcmp` was 45 % of a call in perf: its masked AVX-512 load is slow on this CPU for
/// short inputs; keys are a few dozen bytes.)
#[inline]
fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    let word = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        // The last 8 bytes (overlapping the previous word when n is not a multiple of 8).
        return word(a, n - 8) == word(b, n - 8);
    }
    if n >= 4 {
        let w = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().expect("4 bytes"));
        return w(a, 0) == w(b, 0) && w(a, n - 4) == w(b, n - 4);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

#[inline]
fn set(hash: u64) -> usize {
    (hash >> (64 - SETS.trailing_zeros())) as usize * WAYS
}

#[derive(Default)]
struct Entry {
    hash: u64,
    /// 0: empty (aggregator ids start at 1).
    agg: u64,
    kind: u8,
    name_len: u32,
    tags_len: u32,
    host_len: u32,
    ctx: Option<Arc<Context>>,
    cell: Option<Arc<PointCell>>,
}

impl Entry {
    /// `key`: this entry's `KEY_CAP` bytes of the key arena (name, tags, host concatenated).
    #[inline]
    fn matches(&self, key: &[u8], agg: u64, k: &RawKey<'_>) -> bool {
        if self.hash != k.hash
            || self.agg != agg
            || self.kind != k.kind as u8
            || (self.name_len, self.tags_len, self.host_len) != k.lens()
        {
            return false;
        }
        let n = k.name.len();
        let t = k.tags.map_or(0, <[u8]>::len);
        let h = k.host.map_or(0, <[u8]>::len);
        eq(&key[..n], k.name)
            && eq(&key[n..n + t], k.tags.unwrap_or(&[]))
            && eq(&key[n + t..n + t + h], k.host.unwrap_or(&[]))
    }

    fn clear(&mut self) {
        self.agg = 0;
        self.ctx = None;
        self.cell = None;
    }
}

/// The last (timestamp, roll-up) → bucket computed on this thread: the coarse clock moves
/// every few milliseconds, so this saves a division on nearly every call.
pub struct BucketMemo {
    ts: u64,
    roll: u64,
    bucket: i64,
    /// The bucket of "now" ([`now`](Self::now)) and its bounds in coarse-clock nanoseconds.
    now_lo: i64,
    now_hi: i64,
    now_roll: u64,
    now_bucket: i64,
    /// This thread's histogram stripe (see `aggregator::Stripes`); `usize::MAX`: unassigned.
    pub stripe: usize,
}

impl BucketMemo {
    const EMPTY: BucketMemo = BucketMemo {
        ts: u64::MAX,
        roll: u64::MAX,
        bucket: 0,
        now_lo: i64::MAX,
        now_hi: i64::MIN,
        now_roll: u64::MAX,
        now_bucket: 0,
        stripe: usize::MAX,
    };

    /// The bucket of the explicit timestamp `ts` (seconds).
    #[inline]
    pub fn get(&mut self, ts: f64, roll: f64, compute: impl FnOnce() -> i64) -> i64 {
        if self.ts == ts.to_bits() && self.roll == roll.to_bits() {
            return self.bucket;
        }
        let b = compute();
        (self.ts, self.roll, self.bucket) = (ts.to_bits(), roll.to_bits(), b);
        b
    }

    /// The bucket of now (the coarse clock): while the clock stays within the bounds of the
    /// bucket last computed, two integer compares. `bucket_of` maps seconds to a bucket.
    #[inline]
    pub fn now(&mut self, roll: f64, bucket_of: impl FnOnce(f64) -> i64) -> i64 {
        let ns = coarse_nanos();
        if ns >= self.now_lo && ns < self.now_hi && self.now_roll == roll.to_bits() {
            return self.now_bucket;
        }
        self.now_slow(ns, roll, bucket_of)
    }

    #[cold]
    fn now_slow(&mut self, ns: i64, roll: f64, bucket_of: impl FnOnce(f64) -> i64) -> i64 {
        let b = bucket_of(ns as f64 * 1e-9);
        // The bucket's bounds, widened to contain `ns` where rounding disagrees by a few ns.
        let lo = ((b as f64 * roll * 1e9) as i64).min(ns);
        let hi = (((b as f64 + 1.0) * roll * 1e9) as i64).max(ns.saturating_add(1));
        (self.now_lo, self.now_hi, self.now_roll, self.now_bucket) = (lo, hi, roll.to_bits(), b);
        b
    }
}

struct Tls {
    /// Fork generation the entries belong to.
    gen: u64,
    memo: BucketMemo,
    entries: Vec<Entry>,
    /// `KEY_CAP` bytes per entry (zeroed allocation of 128 KiB: untouched pages stay unmapped).
    keys: Vec<u8>,
    /// This thread's points cell per aggregator id.
    cells: Vec<(u64, Arc<PointCell>)>,
}

thread_local! {
    // UnsafeCell: every access below is a short, non-reentrant borrow (nothing called while
    // borrowed touches this cache: `Context::record` and dropping an `Arc<Context>` do not).
    static TLS: UnsafeCell<Tls> = const { UnsafeCell::new(Tls { gen: 0, memo: BucketMemo::EMPTY, entries: Vec::new(), keys: Vec::new(), cells: Vec::new() }) };
}

impl Tls {
    /// This thread's points cell of `agg`, registered at first use.
    #[inline]
    fn cell(&mut self, agg: &Aggregator) -> &Arc<PointCell> {
        let id = agg.id();
        match self.cells.iter().position(|(a, _)| *a == id) {
            Some(i) => &self.cells[i].1,
            None => self.new_cell(agg),
        }
    }

    #[cold]
    fn new_cell(&mut self, agg: &Aggregator) -> &Arc<PointCell> {
        if self.cells.len() >= 16 {
            // Aggregators freed and no longer referenced by any entry or handle.
            self.cells.retain(|(_, c)| Arc::strong_count(c) > 1);
        }
        self.cells.push((agg.id(), agg.points.register()));
        &self.cells.last().expect("just pushed").1
    }
}

/// Calls `f` with this thread's points cell of `agg` and bucket memo, without a key lookup
/// (pre-registered handles, `handle.rs`: they hold their context themselves). `None`: the
/// thread-local storage is already destroyed (a call from a thread-exit destructor).
#[inline]
pub fn with_cell<R>(agg: &Aggregator, f: impl FnOnce(&PointCell, &mut BucketMemo) -> R) -> Option<R> {
    // Only the pointer comes out of `try_with`: with the work inside its closure, the
    // closure was not inlined (callgrind: 91 instructions per counter handle add in it).
    let t = TLS.try_with(UnsafeCell::get).ok()?;
    // SAFETY: see the thread_local; no other borrow of this thread's Tls is live (`f`
    // records into a context and touches no cache).
    let t = unsafe { &mut *t };
    let cell: *const PointCell = &**t.cell(agg);
    // SAFETY: `cell` is kept alive by `t.cells`, which `f` cannot reach.
    Some(f(unsafe { &*cell }, &mut t.memo))
}

/// On a hit, calls `f` with the cached context and this thread's points cell; `f` returns its
/// result and whether to evict the entry (retired context). `None`: a miss.
#[inline]
pub fn with_hit<R>(
    agg: u64,
    key: &RawKey<'_>,
    f: impl FnOnce(&Context, &PointCell, &mut BucketMemo) -> (R, bool),
) -> Option<R> {
    TLS.try_with(|t| {
        // SAFETY: see the thread_local; no other borrow of this thread's Tls is live.
        let t = unsafe { &mut *t.get() };
        if t.gen != fork::generation() || t.entries.is_empty() {
            return None;
        }
        let base = set(key.hash);
        for i in base..base + WAYS {
            let e = &t.entries[i];
            if e.matches(&t.keys[i * KEY_CAP..(i + 1) * KEY_CAP], agg, key) {
                let (r, evict) = match (e.ctx.as_deref(), e.cell.as_deref()) {
                    (Some(c), Some(p)) => f(c, p, &mut t.memo),
                    _ => return None,
                };
                if evict {
                    t.entries[i].clear();
                }
                return Some(r);
            }
        }
        None
    })
    .ok()
    .flatten()
}

/// Counts one point recorded through the map and caches `ctx` under `key`.
pub fn fill(agg: &Aggregator, key: RawKey<'_>, ctx: Arc<Context>) {
    let done = TLS.try_with(|t| {
        // SAFETY: see the thread_local.
        let t = unsafe { &mut *t.get() };
        let gen = fork::generation();
        if t.gen != gen || t.entries.is_empty() {
            // First use on this thread, or a fork child: drop everything the parent cached.
            t.entries.clear();
            t.entries.resize_with(SETS * WAYS, Entry::default);
            if t.keys.is_empty() {
                t.keys = vec![0u8; SETS * WAYS * KEY_CAP];
            }
            t.gen = gen;
        }
        let id = agg.id();
        let cell = Arc::clone(t.cell(agg));
        cell.bump();
        let Some(len) = key.fits() else { return };
        let base = set(key.hash);
        let i = match (base..base + WAYS)
            .find(|&i| t.entries[i].matches(&t.keys[i * KEY_CAP..(i + 1) * KEY_CAP], id, &key))
        {
            Some(i) => i,
            None => {
                if t.entries[base].agg != 0 {
                    // Way 0 moves to way 1 (evicting it); the new key goes to way 0.
                    t.entries.swap(base, base + 1);
                    t.keys.copy_within(base * KEY_CAP..(base + 1) * KEY_CAP, (base + 1) * KEY_CAP);
                }
                base
            }
        };
        let k = &mut t.keys[i * KEY_CAP..i * KEY_CAP + len];
        let (n, tl, hl) = key.lens();
        let (nl, tb) = (key.name.len(), key.tags.map_or(0, <[u8]>::len));
        k[..nl].copy_from_slice(key.name);
        k[nl..nl + tb].copy_from_slice(key.tags.unwrap_or(&[]));
        k[nl + tb..].copy_from_slice(key.host.unwrap_or(&[]));
        let e = &mut t.entries[i];
        e.hash = key.hash;
        e.agg = id;
        e.kind = key.kind as u8;
        e.name_len = n;
        e.tags_len = tl;
        e.host_len = hl;
        e.cell = Some(cell);
        // The previous context (if any) is dropped last, outside any other borrow.
        let old = e.ctx.replace(ctx);
        drop(old);
    });
    if done.is_err() {
        // Thread-local storage already destroyed (a call from a thread-exit destructor).
        agg.points.count_shared();
    }
}
