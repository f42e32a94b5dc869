//! The log callback: `dog_log_set_callback`.

use super::status::dog_status_t;
use crate::error::Error;
use crate::log::{set_sink, Level};
use std::ffi::{c_char, c_void, CString};
use std::os::raw::c_int;

/// Failures (with `swallow` on: every failed call), backoff, dropped metrics.
pub const DOG_LOG_ERROR: c_int = 1;
/// Retries and recoverable trouble.
pub const DOG_LOG_WARN: c_int = 2;
/// One line per request: method, path, status, duration.
pub const DOG_LOG_INFO: c_int = 3;
/// Everything, including failures with `swallow` off.
pub const DOG_LOG_DEBUG: c_int = 4;

/// Receives one log line. `message` is valid only during the call. Called from whichever
/// thread logs (also the stats flusher thread), so it must be thread-safe. It may call into
/// libdogapi, `dog_set_log_callback()` included: those calls work, and a line they would log
/// on the same thread is not delivered (no recursion). Nothing in the library waits for it,
/// so it cannot deadlock the library (it may still block its own thread).
#[allow(non_camel_case_types)]
pub type dog_log_fn = Option<unsafe extern "C" fn(level: c_int, message: *const c_char, userdata: *mut c_void)>;

struct UserData(*mut c_void);
// SAFETY: the caller of dog_log_set_callback promises the callback and its userdata may be used
// from any thread (documented on the function).
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// Installs `callback` for messages at `max_level` (`DOG_LOG_ERROR`..`DOG_LOG_DEBUG`) and more
/// severe; `callback` NULL removes it. Messages never contain an API key. Process-wide.
/// Returns `DOG_ERR_INVALID_ARGUMENT` for a level outside 1..4 (nothing changes).
///
/// Callable at any time from any thread, also from inside the callback itself: it never waits
/// for a running callback, so it cannot deadlock. Every line logged after it returns goes to
/// the new callback; a call of the old one already under way on another thread finishes with
/// the old `userdata`. So `userdata` must stay valid until every call of the callback that
/// received it has returned, not only until the replacement (keep it static, or replace the
/// callback when no other thread uses the library).
#[no_mangle]
pub extern "C" fn dog_log_set_callback(callback: dog_log_fn, max_level: c_int, userdata: *mut c_void) -> dog_status_t {
    super::status_call(|| {
        let level = Level::from_int(max_level)
            .ok_or_else(|| Error::invalid(format!("log level must be 1..4, got {max_level}")))?;
        match callback {
            None => set_sink(None, level),
            Some(cb) => {
                let ud = UserData(userdata);
                set_sink(
                    Some(Box::new(move |lvl: Level, msg: &str| {
                        let c = CString::new(msg.replace('\0', " ")).unwrap_or_default();
                        let ud = &ud;
                        // SAFETY: the callback was supplied by the C caller for this purpose.
                        unsafe { cb(lvl as c_int, c.as_ptr(), ud.0) };
                    })),
                    level,
                )
            }
        }
        Ok(())
    })
}
