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

use parking_lot::{Mutex, RwLock};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once, Weak};

/// Which side of fork() an after-fork handler runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Parent,
    Child,
}

/// Releases a lock that a `pthread_atfork` prepare handler took exclusively (guard forgotten).
///
/// In the parent it is an ordinary unlock: threads that queued on the lock during the fork are
/// woken. In the child it must not be: parking_lot's wait queues still describe the parent's
/// waiting threads, which do not exist in the child, and an ordinary unlock may hand the lock
/// to one of them (parking_lot's fair hand-off), leaving it locked for ever — a fork child of
/// a client used from 3 threads hung this way in `tests/http_fork.rs`. The child instead resets
/// the lock word to "unlocked, nobody waiting", without touching those queues.
pub trait ForkLock {
    /// # Safety
    /// The lock is held exclusively with its guard forgotten: by this thread's prepare handler
    /// (parent), or inherited from it (child, which has only this thread).
    unsafe fn release_after_fork(&self, side: Side);
}

impl<T: ?Sized> ForkLock for Mutex<T> {
    unsafe fn release_after_fork(&self, side: Side) {
        match side {
            // SAFETY: held with the guard forgotten (caller's contract).
            Side::Parent => unsafe { self.force_unlock() },
            Side::Child => {
                let fresh = Mutex::new(());
                // SAFETY: the raw lock is one atomic word (interior mutability) and no other
                // thread exists to touch it; the fresh word is "unlocked, no waiters".
                unsafe {
                    let raw = self.raw() as *const parking_lot::RawMutex as *mut parking_lot::RawMutex;
                    std::ptr::copy_nonoverlapping(fresh.raw(), raw, 1);
                }
            }
        }
    }
}

impl<T: ?Sized> ForkLock for RwLock<T> {
    unsafe fn release_after_fork(&self, side: Side) {
        match side {
            // SAFETY: write-locked with the guard forgotten (caller's contract).
            Side::Parent => unsafe { self.force_unlock_write() },
            Side::Child => {
                let fresh = RwLock::new(());
                // SAFETY: as for Mutex.
                unsafe {
                    let raw = self.raw() as *const parking_lot::RawRwLock as *mut parking_lot::RawRwLock;
                    std::ptr::copy_nonoverlapping(fresh.raw(), raw, 1);
                }
            }
        }
    }
}

/// An object whose locks are held across fork().
pub trait ForkGuarded: Send + Sync {
    /// Takes every lock of the object, guards forgotten.
    fn lock_for_fork(&self);
    /// Releases what `lock_for_fork` took (with [`ForkLock::release_after_fork`]).
    ///
    /// # Safety
    /// Only after `lock_for_fork` (in the parent on the same thread, or in the child).
    unsafe fn unlock_after_fork(&self, side: Side);
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
fn release(side: Side) -> Vec<Arc<dyn ForkGuarded>> {
    // SAFETY: prepare left these three locked with their guards forgotten.
    let held = unsafe {
        LEFTOVERS.release_after_fork(side);
        let held = std::mem::take(&mut *HELD.data_ptr());
        HELD.release_after_fork(side);
        held
    };
    for o in held.iter().rev() {
        // SAFETY: prepare locked each of them.
        unsafe { o.unlock_after_fork(side) };
    }
    // SAFETY: as above.
    unsafe { OBJECTS.release_after_fork(side) };
    held
}

extern "C" fn parent() {
    let _ = std::panic::catch_unwind(|| drop(release(Side::Parent)));
}

extern "C" fn child() {
    let _ = std::panic::catch_unwind(|| {
        GENERATION.fetch_add(1, Ordering::Relaxed);
        // An object a parent thread was dropping during the fork may be held only here now:
        // dropping it in the child would close the parent's connections. Park it.
        for o in release(Side::Child) {
            keep_from_parent(Box::new(o));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Forks while another thread is parked on `m` (held by this thread, guard forgotten) and
    /// returns whether the child could take `m` after releasing it with `release`.
    fn child_can_lock_after(release: fn(&Mutex<u32>)) -> bool {
        let m: &'static Mutex<u32> = Box::leak(Box::new(Mutex::new(0)));
        std::mem::forget(m.lock());
        let waiter = std::thread::spawn(move || *m.lock() += 1);
        // Let the waiter park, and parking_lot's fairness timer (~0.5 ms) expire.
        std::thread::sleep(Duration::from_millis(50));
        // SAFETY: the child only touches `m` and leaves with _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            release(m);
            let ok = m.try_lock_for(Duration::from_millis(200)).is_some();
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        let mut status = 0;
        // SAFETY: our child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        // SAFETY: held by this thread with the guard forgotten.
        unsafe { m.release_after_fork(Side::Parent) };
        waiter.join().unwrap();
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
    }

    #[test]
    fn a_child_can_take_a_lock_a_parent_thread_was_waiting_for() {
        // SAFETY: held with the guard forgotten, inherited by the one-thread child.
        assert!(child_can_lock_after(|m| unsafe { m.release_after_fork(Side::Child) }));
    }
}
