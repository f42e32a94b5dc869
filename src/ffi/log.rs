//! The log callback: `dog_set_log_callback`.

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
/// thread logs (also the stats flusher thread), so it must be thread-safe and must not call
/// back into libdogapi.
#[allow(non_camel_case_types)]
pub type dog_log_fn = Option<unsafe extern "C" fn(level: c_int, message: *const c_char, userdata: *mut c_void)>;

struct UserData(*mut c_void);
// SAFETY: the caller of dog_set_log_callback promises the callback and its userdata may be used
// from any thread (documented on the function).
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

/// Installs `callback` for messages at `max_level` (`DOG_LOG_ERROR`..`DOG_LOG_DEBUG`) and more
/// severe; `callback` NULL removes it. Messages never contain an API key. `userdata` is passed
/// back unchanged and must stay valid until the callback is replaced or removed. Process-wide.
/// Returns `DOG_ERR_INVALID_ARGUMENT` for a level outside 1..4 (nothing changes).
#[no_mangle]
pub extern "C" fn dog_set_log_callback(callback: dog_log_fn, max_level: c_int, userdata: *mut c_void) -> dog_status_t {
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
