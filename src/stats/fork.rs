//! fork(): the child keeps working with its own flusher and never re-sends the parent's points.
//!
//! `pthread_atfork` handlers (installed when the first instance is created):
//! - prepare (parent, before fork): take every instance's locks, so no other thread is inside
//!   the aggregator, the queue or the configuration while the address space is copied;
//! - parent (after fork): release them;
//! - child: drop what the parent recorded or queued (the parent sends it), forget the parent's
//!   flush thread (it does not exist in the child) and HTTP client (its connections belong to
//!   the parent; closing a TLS session from the child would corrupt the parent's stream), reset
//!   the telemetry, release the locks and bump the fork generation. The child's first call then
//!   starts its own flush thread (see `Stats::adapt_to_fork`).

use super::Stats;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once, Weak};

static GENERATION: AtomicU64 = AtomicU64::new(0);
static INSTANCES: Mutex<Vec<Weak<Stats>>> = Mutex::new(Vec::new());
/// Strong references held from prepare until the parent/child handler.
static HELD: Mutex<Vec<Arc<Stats>>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();
/// What a fork child inherits from the parent and must neither use nor drop (the flusher
/// thread does not exist in the child; dropping the HTTP client could write to connections the
/// parent still uses). Kept here, reachable, instead of leaked with `mem::forget`, so leak
/// checkers in the child see no lost memory.
static FORK_LEFTOVERS: Mutex<Vec<Box<dyn std::any::Any + Send>>> = Mutex::new(Vec::new());

/// Parks an inherited object for the life of the child process.
fn keep_from_parent(obj: Box<dyn std::any::Any + Send>) {
    match FORK_LEFTOVERS.try_lock() {
        Some(mut list) => list.push(obj),
        None => std::mem::forget(obj),
    }
}

/// Incremented in every forked child.
#[inline]
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Relaxed)
}

pub(super) fn register(s: &Arc<Stats>) {
    INSTALL.call_once(|| {
        // SAFETY: the handlers are plain extern "C" functions valid for the process lifetime.
        unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) };
    });
    let mut v = INSTANCES.lock();
    v.retain(|w| w.strong_count() > 0);
    v.push(Arc::downgrade(s));
}

pub(super) fn unregister(s: &Stats) {
    let mut v = INSTANCES.lock();
    v.retain(|w| w.strong_count() > 0 && !std::ptr::eq(w.as_ptr(), s));
}

impl Stats {
    fn lock_for_fork(&self) {
        // Same order as the rest of the code: flusher, client, cfg, then queue and shards.
        std::mem::forget(self.flusher.lock());
        std::mem::forget(self.client.lock());
        std::mem::forget(self.cfg.write());
        std::mem::forget(self.queue.lock());
        self.agg.lock_all();
    }

    /// # Safety
    /// After `lock_for_fork` on this thread (or in the child, which copied that state).
    unsafe fn unlock_after_fork(&self) {
        // SAFETY: every lock below was taken by lock_for_fork with its guard forgotten.
        unsafe {
            self.agg.unlock_all();
            self.queue.force_unlock();
            self.cfg.force_unlock_write();
            self.client.force_unlock();
            self.flusher.force_unlock();
        }
    }

    /// # Safety
    /// In the child, with the locks of `lock_for_fork` held.
    unsafe fn reset_in_child(&self) {
        // SAFETY: we hold every lock (copied from the parent's prepare), and the child has
        // only this thread.
        unsafe {
            self.agg.clear_locked();
            let q = &mut *self.queue.data_ptr();
            q.clear();
            if let Some(f) = (*self.flusher.data_ptr()).take() {
                keep_from_parent(Box::new(f));
            }
            if let Some(c) = (*self.client.data_ptr()).take() {
                keep_from_parent(Box::new(c));
            }
        }
        self.counters.reset();
    }
}

extern "C" fn prepare() {
    let _ = std::panic::catch_unwind(|| {
        let list = INSTANCES.lock();
        let strong: Vec<Arc<Stats>> = list.iter().filter_map(Weak::upgrade).collect();
        std::mem::forget(list);
        for s in &strong {
            s.lock_for_fork();
        }
        *HELD.lock() = strong;
    });
}

extern "C" fn parent() {
    let _ = std::panic::catch_unwind(|| {
        let held = std::mem::take(&mut *HELD.lock());
        for s in held.iter().rev() {
            // SAFETY: prepare locked them on this thread.
            unsafe { s.unlock_after_fork() };
        }
        // SAFETY: prepare left INSTANCES locked with its guard forgotten.
        unsafe { INSTANCES.force_unlock() };
        drop(held);
    });
}

extern "C" fn child() {
    let _ = std::panic::catch_unwind(|| {
        GENERATION.fetch_add(1, Ordering::Relaxed);
        let held = std::mem::take(&mut *HELD.lock());
        for s in held.iter().rev() {
            // SAFETY: the child inherited the locks prepare took.
            unsafe {
                s.reset_in_child();
                s.unlock_after_fork();
            }
        }
        // SAFETY: as in `parent`.
        unsafe { INSTANCES.force_unlock() };
        drop(held);
    });
}
