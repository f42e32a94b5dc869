//! Service checks: `dog_service_check_post` (dogapi `service_check`).

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use crate::http::service_checks::ServiceCheck;
use std::ffi::c_char;
use std::os::raw::c_int;

/// Service check status OK.
pub const DOG_CHECK_OK: c_int = 0;
/// Service check status WARNING.
pub const DOG_CHECK_WARNING: c_int = 1;
/// Service check status CRITICAL.
pub const DOG_CHECK_CRITICAL: c_int = 2;
/// Service check status UNKNOWN.
pub const DOG_CHECK_UNKNOWN: c_int = 3;

/// Posts a service check run (dogapi `service_check`): `POST /api/v1/check_run` with a
/// one-element array `[{"check","host_name","status","timestamp","message","tags":[...]}]`.
/// `check` and `host` are required; `status` must be `DOG_CHECK_OK`..`DOG_CHECK_UNKNOWN`
/// (checked before anything is sent: `DOG_ERR_INVALID_ARGUMENT`); `timestamp` 0 means now;
/// `message` and `tags` (comma-separated) optional. The check name and the tags follow the
/// naming rules of `dog_metric_post` (normalised, or `DOG_ERR_INVALID_ARGUMENT`); the client's
/// global tags (`DD_ENV`, `DD_SERVICE`, `DD_VERSION`, `DD_TAGS`, `dog_http_set_global_tags()`)
/// follow them, each once. Result: the answer.
#[no_mangle]
pub unsafe extern "C" fn dog_service_check_post(
    client: *mut DogHttp,
    check: *const c_char,
    host: *const c_char,
    status: c_int,
    timestamp: i64,
    message: *const c_char,
    tags: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let sc = unsafe {
            ServiceCheck {
                check: req_str(check, "check")?,
                host: req_str(host, "host")?,
                status,
                timestamp: (timestamp != 0).then_some(timestamp),
                message: opt_str(message, "message")?,
                tags: opt_str(tags, "tags")?,
            }
        };
        Ok(c.service_check(&sc))
    })
}
