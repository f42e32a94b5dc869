//! Library-wide diagnostics sink.
//!
//! The core logs through [`emit`]; the FFI layer installs a sink that forwards to the C
//! callback. Without a sink (the default) logging costs one relaxed atomic load.

use parking_lot::RwLock;
use std::sync::atomic::{AtomicU8, Ordering};

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
static SINK: RwLock<Option<Sink>> = RwLock::new(None);

/// Installs (or with `None` removes) the sink; messages above `max_level` are dropped early.
pub fn set_sink(sink: Option<Sink>, max_level: Level) {
    let mut guard = SINK.write();
    let level = if sink.is_some() { max_level as u8 } else { 0 };
    *guard = sink;
    MAX_LEVEL.store(level, Ordering::Release);
}

/// True when a message at `level` would reach the sink: check before formatting.
#[inline]
pub fn enabled(level: Level) -> bool {
    (level as u8) <= MAX_LEVEL.load(Ordering::Relaxed)
}

/// Delivers one message to the sink, if one is installed and wants this level.
pub fn emit(level: Level, message: &str) {
    if !enabled(level) {
        return;
    }
    if let Some(sink) = SINK.read().as_ref() {
        sink(level, message);
    }
}
