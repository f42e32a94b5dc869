//! fork() hygiene for objects that hold locks and connections (the HTTP client).
//!
//! `pthread_atfork` handlers, installed when the first object registers:
//! - prepare (parent, before fork): every registered object takes its own locks, so no other
//!   thread is inside one of them while the address space is copied;
//! - parent and child (after fork): the locks are released; in the child the fork generation
//!   is bumped first.
//!
//! A registered object compares [`generation`] with the one it last saw before using anything
//! that belongs to the parent process (pooled connections): a change means "I am in a forked
//! child; start over". What it inherited is parked with [`keep_from_parent`]: never used, and
//! never dropped either (dropping a TLS connection may write a close_notify into a socket the
//! parent still uses).

use parking_lot::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once, Weak};

/// An object whose locks are held across fork().
pub trait ForkGuarded: Send + Sync {
    /// Takes every lock of the object, guards forgotten.
    fn lock_for_fork(&self);
    /// Releases what `lock_for_fork` took.
    ///
    /// # Safety
    /// Only after `lock_for_fork` (in the parent on the same thread, or in the child).
    unsafe fn unlock_after_fork(&self);
}

static GENERATION: AtomicU64 = AtomicU64::new(0);
static OBJECTS: Mutex<Vec<Weak<dyn ForkGuarded>>> = Mutex::new(Vec::new());
/// Strong references held from prepare until the parent/child handler.
static HELD: Mutex<Vec<Arc<dyn ForkGuarded>>> = Mutex::new(Vec::new());
static LEFTOVERS: Mutex<Vec<Box<dyn std::any::Any + Send>>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// Incremented in every forked child (of a process where something registered).
#[inline]
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Relaxed)
}

/// Registers an object; it is forgotten once dropped.
pub fn register(obj: Weak<dyn ForkGuarded>) {
    INSTALL.call_once(|| {
        // SAFETY: plain extern "C" handlers valid for the life of the process.
        unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) };
    });
    let mut v = OBJECTS.lock();
    v.retain(|w| w.strong_count() > 0);
    v.push(obj);
}

/// Parks something inherited from the parent process for the life of this one: reachable
/// (leak checkers see no lost memory), never used, never dropped.
pub fn keep_from_parent(obj: Box<dyn std::any::Any + Send>) {
    LEFTOVERS.lock().push(obj);
}

extern "C" fn prepare() {
    let _ = std::panic::catch_unwind(|| {
        let list = OBJECTS.lock();
        let strong: Vec<Arc<dyn ForkGuarded>> = list.iter().filter_map(Weak::upgrade).collect();
        std::mem::forget(list);
        let mut held = HELD.lock();
        for o in &strong {
            o.lock_for_fork();
        }
        *held = strong;
        std::mem::forget(held);
        std::mem::forget(LEFTOVERS.lock());
    });
}

/// Releases what prepare took; returns the strong references it held.
fn release() -> Vec<Arc<dyn ForkGuarded>> {
    // SAFETY: prepare left these three locked with their guards forgotten.
    let held = unsafe {
        LEFTOVERS.force_unlock();
        let held = std::mem::take(&mut *HELD.data_ptr());
        HELD.force_unlock();
        held
    };
    for o in held.iter().rev() {
        // SAFETY: prepare locked each of them.
        unsafe { o.unlock_after_fork() };
    }
    // SAFETY: as above.
    unsafe { OBJECTS.force_unlock() };
    held
}

extern "C" fn parent() {
    let _ = std::panic::catch_unwind(|| drop(release()));
}

extern "C" fn child() {
    let _ = std::panic::catch_unwind(|| {
        GENERATION.fetch_add(1, Ordering::Relaxed);
        // An object a parent thread was dropping during the fork may be held only here now:
        // dropping it in the child would close the parent's connections. Park it.
        for o in release() {
            keep_from_parent(Box::new(o));
        }
    });
}
