//! Library-wide diagnostics sink.
//!
//! The core logs through [`emit`]; the FFI layer installs a sink that forwards to the C
//! callback. Without a sink (the default) logging costs one relaxed atomic load.
//!
//! Deadlock freedom (DESIGN §6: the callback may be replaced at any time from any thread,
//! including from inside itself, and may call into the library):
//! - the sink lives in an `Arc`; the lock around the slot is held only to clone or swap that
//!   `Arc` (a read lock to clone, so logging threads do not contend), never while the sink
//!   runs and never while anything else is locked, so no thread waits on it for longer than a
//!   pointer copy and no thread ever takes it twice;
//! - a thread-local flag marks "inside the sink": a message logged on that thread while its
//!   sink runs (by a library call the callback makes) is dropped instead of delivered, so a
//!   callback that calls a logging function cannot recurse without end.
//!
//! Replacing the sink does not wait for calls of the old one already under way on other
//! threads (waiting could deadlock against a callback that waits for the replacing thread):
//! the old sink is dropped when the last of them returns.

use parking_lot::RwLock;
use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

/// Severity, most severe first. The numeric values are the C `DOG_LOG_*` constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

impl Level {
    pub fn from_int(v: i32) -> Option<Level> {
        match v {
            1 => Some(Level::Error),
            2 => Some(Level::Warn),
            3 => Some(Level::Info),
            4 => Some(Level::Debug),
            _ => None,
        }
    }
}

type Sink = Box<dyn Fn(Level, &str) + Send + Sync>;

/// 0 = no sink; otherwise the most verbose level delivered.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);
/// Held only to clone or replace the `Arc` (see the module comment).
static SINK: RwLock<Option<Arc<Sink>>> = RwLock::new(None);

thread_local! {
    /// True while this thread runs the sink.
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

/// Installs (or with `None` removes) the sink; messages above `max_level` are dropped early.
/// Never blocks on a running sink; callable from inside the sink.
pub fn set_sink(sink: Option<Sink>, max_level: Level) {
    let level = if sink.is_some() { max_level as u8 } else { 0 };
    let new = sink.map(Arc::new);
    let old = {
        let mut slot = SINK.write();
        MAX_LEVEL.store(level, Ordering::Release);
        std::mem::replace(&mut *slot, new)
    };
    drop(old); // outside the lock: dropping a sink runs no user code, but keep the rule simple
}

/// True when a message at `level` would reach the sink: check before formatting.
#[inline]
pub fn enabled(level: Level) -> bool {
    (level as u8) <= MAX_LEVEL.load(Ordering::Relaxed)
}

/// Delivers one message to the sink, if one is installed and wants this level. A message
/// logged on a thread that is already running the sink is dropped (no recursion).
pub fn emit(level: Level, message: &str) {
    if !enabled(level) {
        return;
    }
    // try_with: a thread being torn down has no thread-locals left; it logs nothing.
    if IN_SINK.try_with(|f| f.get()).unwrap_or(true) {
        return;
    }
    let Some(sink) = SINK.read().clone() else { return };
    // A replacement between `enabled` and the clone may have lowered the level.
    if !enabled(level) {
        return;
    }
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = IN_SINK.try_with(|f| f.set(false));
        }
    }
    IN_SINK.with(|f| f.set(true));
    let _reset = Reset;
    sink(level, message);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    // One test touches the global sink (tests run in parallel threads of one process).
    #[test]
    fn sink_may_replace_itself_and_nested_messages_are_dropped() {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        set_sink(
            Some(Box::new(|_, _| {
                CALLS.fetch_add(1, Ordering::SeqCst);
                emit(Level::Error, "nested"); // dropped: this thread runs the sink
                set_sink(
                    Some(Box::new(|_, _| {
                        CALLS.fetch_add(100, Ordering::SeqCst);
                    })),
                    Level::Error,
                );
            })),
            Level::Error,
        );
        emit(Level::Error, "first");
        assert_eq!(CALLS.load(Ordering::SeqCst), 1);
        emit(Level::Error, "second");
        assert_eq!(CALLS.load(Ordering::SeqCst), 101);
        emit(Level::Info, "filtered");
        assert_eq!(CALLS.load(Ordering::SeqCst), 101);
        set_sink(None, Level::Error);
        emit(Level::Error, "gone");
        assert_eq!(CALLS.load(Ordering::SeqCst), 101);
    }
}
