//! Per-thread running totals of counter handles ("tallies"), merged at flush.
//!
//! A counter handle (`super::handle`) gives each thread its own [`Tally`], found by the
//! thread's slot in the aggregator (`super::points`): adding is plain loads and stores on a
//! cache line no other thread writes, where a shared slot costs an atomic read-modify-write
//! and, with two threads on one counter, a cache line bouncing between cores.
//!
//! A tally keeps the thread's *cumulative* sum and count of adds and, when the thread first
//! adds in a new bucket, marks the crossing: the bucket before, and the sum and count at the
//! crossing. The flusher ([`Tallies::take`]) keeps, per tally, what it has taken so far, and
//! at each flush with cut `c` takes:
//! - the part before the last crossing (`start - taken`) into the bucket before it;
//! - if the tally's bucket is closed (`< c`), the rest (`sum - taken`) into that bucket.
//!
//! What is taken is always a difference of cumulative values the thread really reached, so
//! over any sequence of flushes every add is taken exactly once: **nothing is lost or counted
//! twice.** Attribution is exact per bucket except at the edges: an add that read the clock
//! just before a flush's cut and landed after the flush read the tally goes out with the next
//! flush (into the oldest bucket not yet sent, not into one already sent); and when a thread
//! crossed two buckets between flushes, the first one's part goes with the second.
//!
//! The flusher reads a tally's crossing fields under a sequence number (the crossing is the
//! only multi-word write, rare), the running sum and count without one (each is a single word
//! whose every value is a state the thread really passed through).

use parking_lot::Mutex;
use std::sync::atomic::{fence, AtomicI64, AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Weak};

/// Thread slots a counter handle keeps a tally for; threads of higher slots (more than this
/// many threads recording into one aggregator at once) record into the shared context slot.
pub(crate) const SLOTS: usize = 256;
/// A tally's bucket before its first add.
const NONE: i64 = i64::MIN;

/// One thread's running totals of one counter handle. Written only by the thread owning the
/// slot; one cache line, never shared with another tally.
#[repr(C, align(64))]
pub struct Tally {
    /// Odd while a crossing is being written.
    seq: AtomicU64,
    bucket: AtomicI64,
    prev: AtomicI64,
    start_sum: AtomicU64,
    start_n: AtomicU64,
    /// f64 bits: the sum of every add.
    sum: AtomicU64,
    /// Adds (so that a bucket whose adds sum to 0 still reports its point, as the named call).
    n: AtomicU64,
}

/// What the flusher read of a tally.
#[derive(Debug, Clone, Copy)]
struct Snapshot {
    seq: u64,
    bucket: i64,
    prev: i64,
    start: (f64, u64),
    now: (f64, u64),
}

impl Tally {
    fn new() -> Tally {
        Tally {
            seq: AtomicU64::new(0),
            bucket: AtomicI64::new(NONE),
            prev: AtomicI64::new(NONE),
            start_sum: AtomicU64::new(0f64.to_bits()),
            start_n: AtomicU64::new(0),
            sum: AtomicU64::new(0f64.to_bits()),
            n: AtomicU64::new(0),
        }
    }

    /// Adds `v` in `bucket`. Only the owning thread calls this.
    #[inline]
    pub fn add(&self, bucket: i64, v: f64) {
        if self.bucket.load(Ordering::Relaxed) != bucket {
            self.cross(bucket);
        }
        let s = f64::from_bits(self.sum.load(Ordering::Relaxed)) + v;
        self.n.store(self.n.load(Ordering::Relaxed) + 1, Ordering::Release);
        self.sum.store(s.to_bits(), Ordering::Release);
    }

    #[cold]
    fn cross(&self, bucket: i64) {
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq + 1, Ordering::Relaxed);
        fence(Ordering::Release);
        self.prev.store(self.bucket.load(Ordering::Relaxed), Ordering::Relaxed);
        self.start_sum.store(self.sum.load(Ordering::Relaxed), Ordering::Relaxed);
        self.start_n.store(self.n.load(Ordering::Relaxed), Ordering::Relaxed);
        self.bucket.store(bucket, Ordering::Relaxed);
        self.seq.store(seq + 2, Ordering::Release);
    }

    /// A consistent read, waiting out a crossing being written. `frozen`: the owner cannot
    /// be writing (a fork child, where the owners of other slots do not exist and one may
    /// have been stopped mid-crossing): no wait, the fields as they are.
    fn snapshot(&self, frozen: bool) -> Snapshot {
        loop {
            let s1 = self.seq.load(Ordering::Acquire);
            if s1 & 1 == 1 && !frozen {
                std::hint::spin_loop();
                continue;
            }
            let bucket = self.bucket.load(Ordering::Relaxed);
            let prev = self.prev.load(Ordering::Relaxed);
            let start = (f64::from_bits(self.start_sum.load(Ordering::Relaxed)), self.start_n.load(Ordering::Relaxed));
            // Read after the crossing fields: at least the values of the crossing `s1`.
            let now = (f64::from_bits(self.sum.load(Ordering::Acquire)), self.n.load(Ordering::Acquire));
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) == s1 {
                return Snapshot { seq: s1, bucket, prev, start, now };
            }
        }
    }
}

/// What the flusher took from one tally so far.
#[derive(Clone, Copy)]
struct Taken {
    /// The crossing `sum` was taken in (`u64::MAX`: before any).
    seq: u64,
    sum: f64,
    n: u64,
}

const NOTHING: Taken = Taken { seq: u64::MAX, sum: 0.0, n: 0 };

/// The tallies of one counter handle, one per thread slot, allocated by each thread's first
/// add, freed with the handle.
pub struct Tallies {
    slots: Box<[AtomicPtr<Tally>]>,
    /// Per slot; the flusher's side, behind the registry's lock in practice (see [`Registry`]).
    taken: Mutex<Vec<Taken>>,
}

impl Default for Tallies {
    fn default() -> Self {
        Tallies {
            slots: (0..SLOTS).map(|_| AtomicPtr::new(std::ptr::null_mut())).collect(),
            taken: Mutex::new(Vec::new()),
        }
    }
}

impl Tallies {
    /// The tally of thread slot `slot`, allocated on its first use; `None` beyond [`SLOTS`].
    #[inline]
    pub fn get(&self, slot: usize) -> Option<&Tally> {
        let p = self.slots.get(slot)?.load(Ordering::Acquire);
        if p.is_null() {
            return self.make(slot);
        }
        // SAFETY: non-null slots point to tallies owned by `self` until it is dropped.
        Some(unsafe { &*p })
    }

    #[cold]
    fn make(&self, slot: usize) -> Option<&Tally> {
        // Only the slot's owner allocates it, so no other thread races this store.
        let p = Box::into_raw(Box::new(Tally::new()));
        self.slots[slot].store(p, Ordering::Release);
        // SAFETY: just allocated, owned by `self`.
        Some(unsafe { &*p })
    }

    /// Takes what every tally holds for buckets `< cut` (see the module documentation) and
    /// hands each amount to `emit(bucket, sum, adds)`; a bucket older than `floor` (already
    /// sent) is replaced by `floor`.
    pub fn take(&self, cut: i64, floor: i64, mut emit: impl FnMut(i64, f64, u64)) {
        self.each(false, |s, t| {
            let mut out = |bucket: i64, to: (f64, u64), t: &mut Taken| {
                let (sum, n) = (to.0 - t.sum, to.1.wrapping_sub(t.n));
                if n != 0 || sum != 0.0 {
                    emit(bucket.max(floor), sum, n);
                }
                (t.sum, t.n) = to;
            };
            if t.seq != s.seq {
                // Crossed since the last take: what came before the crossing.
                if s.prev != NONE {
                    out(s.prev, s.start, t);
                } else {
                    (t.sum, t.n) = s.start;
                }
                t.seq = s.seq;
            }
            if s.bucket < cut && s.bucket != NONE {
                out(s.bucket, s.now, t);
            }
        });
    }

    /// Forgets everything the tallies hold now (in a fork child, the only thread: the parent
    /// sends it).
    pub fn discard(&self) {
        self.each(true, |s, t| *t = Taken { seq: s.seq, sum: s.now.0, n: s.now.1 });
    }

    /// Calls `f` with a snapshot of every allocated tally and what was taken from it.
    fn each(&self, frozen: bool, mut f: impl FnMut(&Snapshot, &mut Taken)) {
        let mut taken = self.taken.lock();
        for (i, p) in self.slots.iter().enumerate() {
            let p = p.load(Ordering::Acquire);
            if p.is_null() {
                continue;
            }
            if taken.len() <= i {
                taken.resize(i + 1, NOTHING);
            }
            // SAFETY: owned by `self`.
            let s = unsafe { &*p }.snapshot(frozen);
            f(&s, &mut taken[i]);
        }
    }
}

impl Drop for Tallies {
    fn drop(&mut self) {
        for p in self.slots.iter() {
            let p = p.load(Ordering::Relaxed);
            if !p.is_null() {
                // SAFETY: allocated by `make`, owned by `self`, no other reference left.
                drop(unsafe { Box::from_raw(p) });
            }
        }
    }
}

/// What the registry asks of a counter handle.
pub trait Harvest: Send + Sync {
    /// Moves what the handle's tallies hold for buckets `< cut` into its context (buckets
    /// older than `floor` go into `floor`).
    fn harvest(&self, cut: i64, floor: i64);
    /// Forgets what the tallies hold (fork child).
    fn discard(&self);
}

/// The counter handles of one instance, harvested before every flush. Every harvest happens
/// under this lock (so a handle is never harvested twice at once, and fork prepare, holding
/// it, knows no harvest is under way).
#[derive(Default)]
pub struct Registry {
    inner: Mutex<Reg>,
}

struct Reg {
    handles: Vec<Weak<dyn Harvest>>,
    /// The last cut harvested (buckets below it were sent).
    floor: i64,
}

impl Default for Reg {
    fn default() -> Self {
        Reg { handles: Vec::new(), floor: NONE + 1 }
    }
}

impl Registry {
    pub fn add(&self, h: Weak<dyn Harvest>) {
        let mut r = self.inner.lock();
        r.handles.retain(|w| w.strong_count() > 0);
        r.handles.push(h);
    }

    /// Before a flush that closes the buckets `< cut`; `now_cut` is the cut of the current
    /// time (a flush stamped in the future must not push later adds into the future).
    pub fn harvest(&self, cut: i64, now_cut: i64) {
        let mut r = self.inner.lock();
        let floor = r.floor;
        r.handles.retain(|w| match w.upgrade() {
            Some(h) => {
                h.harvest(cut, floor);
                true
            }
            None => false,
        });
        r.floor = r.floor.max(cut.min(now_cut));
    }

    /// A (re)start: bucket numbers may change with the roll-up interval.
    pub fn reset_floor(&self) {
        self.inner.lock().floor = NONE + 1;
    }

    /// A handle going away: its last harvest, everything (under the lock, as every harvest).
    pub fn last_harvest(&self, h: &Arc<dyn Harvest>) {
        let r = self.inner.lock();
        h.harvest(i64::MAX, r.floor);
    }

    /// Fork prepare: holds the lock until [`release_after_fork`](Self::release_after_fork).
    pub fn lock_for_fork(&self) {
        std::mem::forget(self.inner.lock());
    }

    /// # Safety
    /// After [`lock_for_fork`](Self::lock_for_fork) on this thread (or in the forked child).
    pub unsafe fn release_after_fork(&self, side: crate::fork::Side) {
        use crate::fork::ForkLock;
        // SAFETY: forwarded.
        unsafe { self.inner.release_after_fork(side) }
    }

    /// In the forked child while the lock is held: every handle forgets what its tallies hold.
    ///
    /// # Safety
    /// The lock is held by this thread, the only one.
    pub unsafe fn discard_locked(&self) {
        // SAFETY: the caller holds the lock.
        let r = unsafe { &*self.inner.data_ptr() };
        for h in r.handles.iter().filter_map(Weak::upgrade) {
            h.discard();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(t: &Tallies, cut: i64, floor: i64) -> Vec<(i64, f64, u64)> {
        let mut v = Vec::new();
        t.take(cut, floor, |b, s, n| v.push((b, s, n)));
        v
    }

    #[test]
    fn each_bucket_is_taken_once_when_closed() {
        let t = Tallies::default();
        let a = t.get(0).unwrap();
        a.add(10, 1.0);
        a.add(10, 2.0);
        assert_eq!(take(&t, 10, 0), vec![], "bucket 10 is open");
        a.add(11, 4.0);
        // Flush closing 10 while the thread is in 11: 10's part only.
        assert_eq!(take(&t, 11, 0), vec![(10, 3.0, 2)]);
        a.add(11, 8.0);
        assert_eq!(take(&t, 12, 11), vec![(11, 12.0, 2)]);
        assert_eq!(take(&t, 13, 12), vec![], "nothing new");
        a.add(14, 0.0);
        assert_eq!(take(&t, 15, 13), vec![(14, 0.0, 1)], "an add of 0 still reports its point");
    }

    #[test]
    fn late_adds_go_out_with_the_next_flush_into_a_bucket_not_yet_sent() {
        let t = Tallies::default();
        let a = t.get(3).unwrap();
        a.add(10, 1.0);
        assert_eq!(take(&t, 11, 0), vec![(10, 1.0, 1)]);
        // An add that read the clock before the cut lands after the flush read the tally.
        a.add(10, 5.0);
        a.add(11, 2.0);
        assert_eq!(take(&t, 12, 11), vec![(11, 5.0, 1), (11, 2.0, 1)]);
    }

    #[test]
    fn two_crossings_between_flushes_lose_nothing() {
        let t = Tallies::default();
        let a = t.get(1).unwrap();
        a.add(10, 1.0);
        a.add(11, 2.0);
        a.add(12, 4.0);
        a.add(13, 8.0);
        // Only the last crossing is marked: 10's and 11's parts go out with 12's.
        let got = take(&t, 13, 0);
        assert_eq!(got, vec![(12, 7.0, 3)]);
        let got = take(&t, 14, 13);
        assert_eq!(got, vec![(13, 8.0, 1)]);
    }

    #[test]
    fn discard_forgets_what_is_held() {
        let t = Tallies::default();
        let a = t.get(0).unwrap();
        a.add(10, 1.0);
        t.discard();
        a.add(10, 2.0);
        assert_eq!(take(&t, 11, 0), vec![(10, 2.0, 1)]);
    }

    #[test]
    fn discard_does_not_wait_for_a_crossing_whose_thread_is_gone() {
        let t = Tallies::default();
        let a = t.get(2).unwrap();
        a.add(10, 1.0);
        // As a fork child finds a tally whose owner was stopped mid-crossing.
        a.seq.fetch_add(1, Ordering::Relaxed);
        t.discard();
        a.seq.fetch_add(1, Ordering::Relaxed);
        a.add(11, 4.0);
        assert_eq!(take(&t, 12, 0), vec![(11, 4.0, 1)]);
    }

    #[test]
    fn slots_beyond_the_table_have_no_tally() {
        let t = Tallies::default();
        assert!(t.get(SLOTS).is_none());
        assert!(t.get(SLOTS - 1).is_some());
    }

    #[test]
    fn a_thread_racing_flushes_loses_nothing() {
        let t = Arc::new(Tallies::default());
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let adder = {
            let (t, stop) = (Arc::clone(&t), Arc::clone(&stop));
            std::thread::spawn(move || {
                let a = t.get(7).unwrap();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) || n < 200_000 {
                    a.add(10 + (n / 1000) as i64, 1.0);
                    n += 1;
                }
                n
            })
        };
        let (mut sum, mut adds, mut cut) = (0.0, 0u64, 10);
        for _ in 0..300 {
            t.take(cut, 0, |_, s, n| {
                sum += s;
                adds += n;
            });
            cut += 1;
            std::thread::yield_now();
        }
        stop.store(true, Ordering::Relaxed);
        let n = adder.join().unwrap();
        t.take(i64::MAX, 0, |_, s, k| {
            sum += s;
            adds += k;
        });
        assert_eq!((sum, adds), (n as f64, n));
    }
}
