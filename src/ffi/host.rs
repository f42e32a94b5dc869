//! Host muting: `dog_host_mute`, `dog_host_unmute` (today's API; dogapi 1.11.1 had none).

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use std::ffi::c_char;

/// Mutes a host: `POST /api/v1/host/{host}/mute` with body `{["end"][,"message"][,"override"]}`.
///
/// `host` is required (percent-encoded into the path). `end`: POSIX seconds when the mute
/// ends, 0 for never (negative is `DOG_ERR_INVALID_ARGUMENT`). `override_existing` true
/// replaces the settings of a host that is already muted (sent as `"override":true`; false
/// omits it). `message`: NULL or `""` for none. Not in dogapi 1.11.1 (its successor's
/// `Host.mute`). On success `dog_response_result()` is the whole answer
/// (`{"action":"Muted","hostname":...,"end":...}`). `*out_response` (when not NULL) receives the
/// response whenever one arrived, also on failure; free it with `dog_response_free()`.
/// Statuses: `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`, `DOG_ERR_INVALID_ARGUMENT` (nothing sent), and
/// the transport / server statuses.
#[no_mangle]
pub unsafe extern "C" fn dog_host_mute(
    client: *mut DogHttp,
    host: *const c_char,
    end: i64,
    override_existing: bool,
    message: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (h, m) = unsafe { (req_str(host, "host")?, opt_str(message, "message")?) };
        Ok(c.mute_host(h, end, override_existing, m))
    })
}

/// Unmutes a host: `POST /api/v1/host/{host}/unmute`, no body.
///
/// Result: the whole answer (`{"action":"Unmuted","hostname":...}`). Ownership and statuses as
/// for `dog_host_mute`.
#[no_mangle]
pub unsafe extern "C" fn dog_host_unmute(
    client: *mut DogHttp,
    host: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let h = unsafe { req_str(host, "host")? };
        Ok(c.unmute_host(h))
    })
}
