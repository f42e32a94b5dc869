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

use crate::fork::{ForkLock, Side};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once, Weak};

/// What an instance does around fork() (implemented by `Stats` in `lifecycle.rs`).
pub trait Forkable: Send + Sync {
    /// Prepare (parent, before fork): take every lock of the instance.
    fn prepare(&self);
    /// # Safety
    /// Parent after `prepare` on this thread: release them.
    unsafe fn parent(&self);
    /// # Safety
    /// Child after `prepare`: drop what was inherited, then release the locks.
    unsafe fn child(&self);
}

static GENERATION: AtomicU64 = AtomicU64::new(0);
static INSTANCES: Mutex<Vec<Weak<dyn Forkable>>> = Mutex::new(Vec::new());
/// Strong references held from prepare until the parent/child handler.
static HELD: Mutex<Vec<Arc<dyn Forkable>>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();
/// What a fork child inherits from the parent and must neither use nor drop (the flusher
/// thread does not exist in the child; dropping the HTTP client could write to connections the
/// parent still uses). Kept here, reachable, instead of leaked with `mem::forget`, so leak
/// checkers in the child see no lost memory.
static FORK_LEFTOVERS: Mutex<Vec<Box<dyn std::any::Any + Send>>> = Mutex::new(Vec::new());

/// Parks an inherited object for the life of the child process.
pub fn keep_from_parent(obj: Box<dyn std::any::Any + Send>) {
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

pub fn register(s: Weak<dyn Forkable>) {
    INSTALL.call_once(|| {
        // SAFETY: the handlers are plain extern "C" functions valid for the process lifetime.
        unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) };
    });
    let mut v = INSTANCES.lock();
    v.retain(|w| w.strong_count() > 0);
    v.push(s);
}

/// Forgets the instance at `addr` (its `Drop`).
pub fn unregister(addr: *const ()) {
    let mut v = INSTANCES.lock();
    v.retain(|w| w.strong_count() > 0 && w.as_ptr() as *const () != addr);
}

extern "C" fn prepare() {
    let _ = std::panic::catch_unwind(|| {
        let list = INSTANCES.lock();
        let strong: Vec<Arc<dyn Forkable>> = list.iter().filter_map(Weak::upgrade).collect();
        std::mem::forget(list);
        for s in &strong {
            s.prepare();
        }
        *HELD.lock() = strong;
    });
}

extern "C" fn parent() {
    let _ = std::panic::catch_unwind(|| {
        let held = std::mem::take(&mut *HELD.lock());
        for s in held.iter().rev() {
            // SAFETY: prepare locked them on this thread.
            unsafe { s.parent() };
        }
        // SAFETY: prepare left INSTANCES locked with its guard forgotten.
        unsafe { INSTANCES.release_after_fork(Side::Parent) };
        drop(held);
    });
}

extern "C" fn child() {
    let _ = std::panic::catch_unwind(|| {
        GENERATION.fetch_add(1, Ordering::Relaxed);
        let held = std::mem::take(&mut *HELD.lock());
        for s in held.iter().rev() {
            // SAFETY: the child inherited the locks prepare took.
            unsafe { s.child() };
        }
        // SAFETY: as in `parent`.
        unsafe { INSTANCES.release_after_fork(Side::Child) };
        drop(held);
    });
}
