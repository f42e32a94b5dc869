//! Per-thread cells of one aggregator: the "points recorded" count without a shared
//! read-modify-write per call, and each thread's *slot*, the index of its running totals in
//! every counter handle of the aggregator (`super::tally`).
//!
//! A thread gets its cell the first time it records into the aggregator (`super::cache`
//! keeps it in thread-local storage); the registry keeps every cell. A cell has one writer,
//! its thread (plain load + store), and is summed at read-out. When a thread exits its
//! thread-local storage drops its reference: the next registration folds the cell's count
//! into `base` and hands its slot to the new thread, which then continues the running totals
//! the old thread left in each handle (nobody else writes them any more).

use crate::fork::{ForkLock, Side};
use parking_lot::Mutex;
use std::sync::atomic::{fence, AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Default)]
pub(crate) struct Points {
    base: AtomicU64,
    reg: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    cells: Vec<Arc<PointCell>>,
    /// Slots of threads that exited, handed out again first.
    free: Vec<u32>,
    /// The next slot never handed out.
    next: u32,
}

/// One thread's cell (128 bytes apart from any other, so two threads never share its line).
#[repr(align(128))]
pub struct PointCell {
    count: AtomicU64,
    slot: u32,
}

impl PointCell {
    /// Only the owning thread calls this.
    #[inline]
    pub fn bump(&self) {
        self.count.store(self.count.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
    }

    /// This thread's slot in the aggregator: unique among its living threads, small (slots of
    /// exited threads are reused first).
    #[inline]
    pub fn slot(&self) -> usize {
        self.slot as usize
    }
}

impl Points {
    pub(crate) fn total(&self) -> u64 {
        let reg = self.reg.lock();
        reg.cells.iter().fold(self.base.load(Ordering::Relaxed), |a, c| a.wrapping_add(c.count.load(Ordering::Relaxed)))
    }

    /// A new cell for the calling thread.
    pub(crate) fn register(&self) -> Arc<PointCell> {
        let mut reg = self.reg.lock();
        let Registry { cells, free, .. } = &mut *reg;
        cells.retain(|c| {
            // Only the registry holds it: its thread exited (the cache is gone), no more writes.
            if Arc::strong_count(c) == 1 {
                // Pairs with the Release of the exited thread's last reference drop: its writes
                // (count, and its running totals in handles) happen before the slot's next owner.
                fence(Ordering::Acquire);
                self.base.fetch_add(c.count.load(Ordering::Relaxed), Ordering::Relaxed);
                free.push(c.slot);
                false
            } else {
                true
            }
        });
        let slot = match reg.free.pop() {
            Some(s) => s,
            None => {
                reg.next += 1;
                reg.next - 1
            }
        };
        let c = Arc::new(PointCell { count: AtomicU64::new(0), slot });
        reg.cells.push(Arc::clone(&c));
        c
    }

    /// A point counted without a thread cell (thread-local storage already destroyed).
    pub(crate) fn count_shared(&self) {
        self.base.fetch_add(1, Ordering::Relaxed);
    }

    /// Zeroes every count (no recorder may run: the caller excludes them).
    pub(crate) fn reset_all(&self) {
        Self::reset(&self.base, &self.reg.lock());
    }

    fn reset(base: &AtomicU64, reg: &Registry) {
        base.store(0, Ordering::Relaxed);
        for c in &reg.cells {
            c.count.store(0, Ordering::Relaxed);
        }
    }

    /// Fork prepare: holds the registry until [`release_after_fork`](Self::release_after_fork).
    pub(crate) fn lock_for_fork(&self) {
        std::mem::forget(self.reg.lock());
    }

    /// # Safety
    /// After [`lock_for_fork`](Self::lock_for_fork) on this thread (or in the forked child).
    pub(crate) unsafe fn release_after_fork(&self, side: Side) {
        // SAFETY: forwarded.
        unsafe { self.reg.release_after_fork(side) }
    }

    /// [`reset_all`](Self::reset_all) while [`lock_for_fork`](Self::lock_for_fork) holds the
    /// registry, in the forked child.
    ///
    /// # Safety
    /// The registry lock is held by this thread, the only one.
    pub(crate) unsafe fn reset_locked(&self) {
        // SAFETY: the caller holds the lock.
        Self::reset(&self.base, unsafe { &*self.reg.data_ptr() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_of_exited_threads_are_reused_and_their_counts_kept() {
        let p = Points::default();
        let a = p.register();
        let b = p.register();
        assert_eq!((a.slot(), b.slot()), (0, 1));
        a.bump();
        a.bump();
        b.bump();
        drop(a);
        let c = p.register();
        assert_eq!(c.slot(), 0, "the exited thread's slot is handed out again");
        c.bump();
        assert_eq!(p.total(), 4);
        let d = p.register();
        assert_eq!(d.slot(), 2);
    }
}
