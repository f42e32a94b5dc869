//! Nothing lost at exit: the default instance (`dog_stats_default()`) flushes everything, the
//! current bucket included, when the process exits normally.
//!
//! [`default_instance`] makes the instance; each of its starts arms the flush ([`arm`]: the
//! first one registers one `atexit` handler for the life of the process). At exit the handler does what `dog_stats_stop()` does, bounded by
//! the shutdown timeout, unless the `flush_at_exit` option is off or the instance is not
//! running. The work runs on a fresh thread ("dogapi-exit") while the exiting thread waits for
//! it until the deadline and then gives up, so the exit is never held longer than that:
//! - whatever the exiting thread holds or has already torn down cannot stall or break the
//!   flush (glibc runs the exiting thread's thread-local destructors before the `atexit`
//!   handlers; `exit()` may come from any thread, even from a log callback inside the library);
//! - a hung intake or a stuck flush thread costs at most the shutdown timeout (plus
//!   [`GRACE`]); the helper thread then dies with the process.
//!
//! After fork() the handler is inherited: a child that exits normally flushes its own points
//! only (the fork hooks already dropped what the parent recorded or queued, and parked the
//! parent's flush thread and HTTP client; the child gets a flusher of its own on its first use).

use super::lifecycle::{Stats, RUNNING};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Once, OnceLock};
use std::time::{Duration, Instant};

/// The instance flushed at exit (the default one; it lives as long as the process).
static AT_EXIT: OnceLock<Arc<Stats>> = OnceLock::new();
static REGISTER: Once = Once::new();

/// How long after the shutdown timeout the exiting thread still waits for the helper's last
/// accounting (dropping and counting what is unsent) before it lets the exit go on.
const GRACE: Duration = Duration::from_millis(100);

/// The process-wide default instance (`dog_stats_default()`), not started: once started it
/// flushes at exit.
pub fn default_instance() -> Arc<Stats> {
    Stats::with_start_hook(Some(arm))
}

/// Registers `stats` (the default instance) for the flush at exit; run after each of its
/// starts, the first one registers the handler. Another instance is ignored.
fn arm(stats: &Arc<Stats>) {
    let armed = AT_EXIT.get_or_init(|| Arc::clone(stats));
    if !Arc::ptr_eq(armed, stats) {
        return;
    }
    REGISTER.call_once(|| {
        // SAFETY: a plain extern "C" function valid for the life of the process.
        unsafe { libc::atexit(at_exit) };
    });
}

extern "C" fn at_exit() {
    let _ = std::panic::catch_unwind(|| {
        if let Some(s) = AT_EXIT.get() {
            flush_bounded(s);
        }
    });
}

/// Stops `s` within its shutdown timeout on a helper thread; returns by the deadline (+ grace)
/// whatever the helper does.
fn flush_bounded(s: &Arc<Stats>) {
    let timeout = {
        let cfg = s.cfg.read();
        if !cfg.flush_at_exit || cfg.disabled {
            return;
        }
        cfg.shutdown()
    };
    if s.state.load(Ordering::Acquire) != RUNNING {
        return;
    }
    let deadline = Instant::now() + timeout;
    let (tx, rx) = crossbeam_channel::bounded::<()>(1);
    let helper = Arc::clone(s);
    let spawned = std::thread::Builder::new().name("dogapi-exit".into()).spawn(move || {
        let _ = helper.stop(Some(timeout));
        let _ = tx.send(());
    });
    match spawned {
        // Detached: if it is still running at the deadline, the exit goes on without it.
        Ok(_) => {
            let _ = rx.recv_deadline(deadline + GRACE);
        }
        // No thread to be had: flush from here, bounded by the same deadline.
        Err(_) => {
            let _ = s.stop(Some(timeout));
        }
    }
}
