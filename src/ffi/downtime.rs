//! Downtimes: dogapi's v1 calls `dog_downtime_schedule`, `dog_downtime_update`,
//! `dog_downtime_get`, `dog_downtime_get_all`, `dog_downtime_cancel` (deprecated in today's
//! spec), and their replacements on `/api/v2/downtime`: `dog_downtime_v2_create`,
//! `dog_downtime_v2_get`, `dog_downtime_v2_update`, `dog_downtime_v2_cancel`,
//! `dog_downtime_v2_list`.

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use crate::http::downtimes::{monitor_identifier, DowntimeV2};
use std::ffi::c_char;

/// Schedules a downtime (dogapi `schedule_downtime`): `POST /api/v1/downtime` with body
/// `{"scope":[...][,"start"][,"end"][,"message"]}`.
///
/// `scope` is required: one or more comma-separated `key:value` scopes (`"env:staging"`,
/// `"host:a,env:prod"` = both must match), sent as the array today's spec wants (dogapi sent
/// the string). `start` / `end`: POSIX seconds, 0 to omit (start now / never end); negative,
/// or `end` not after `start`, is `DOG_ERR_INVALID_ARGUMENT`. `message`: NULL or `""` to omit.
/// On success `dog_response_result()` is the downtime id (dogapi's formatter `x["id"]`) and
/// `dog_response_id()` the same id. `*out_response` (when not NULL) receives the response
/// whenever one arrived, also on failure; free it with `dog_response_free()`. Statuses:
/// `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`, `DOG_ERR_INVALID_ARGUMENT` (nothing sent), and the
/// transport / server statuses.
#[deprecated(note = "use dog_downtime_v2_create instead: the v1 downtime API is deprecated in Datadog's API spec")]
#[no_mangle]
pub unsafe extern "C" fn dog_downtime_schedule(
    client: *mut DogHttp,
    scope: *const c_char,
    start: i64,
    end: i64,
    message: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (s, m) = unsafe { (req_str(scope, "scope")?, opt_str(message, "message")?) };
        Ok(c.schedule_downtime(s, start, end, m))
    })
}

/// Edits a downtime (dogapi `update_downtime`): `PUT /api/v1/downtime/{downtime_id}` with only
/// the given fields (`{}` when none).
///
/// `downtime_id` > 0. `scope` (comma-separated, sent as an array), `start`, `end`, `message`:
/// NULL / 0 / `""` to leave unchanged. Result and id: the downtime id. Ownership and statuses
/// as for `dog_downtime_schedule`.
#[deprecated(note = "use dog_downtime_v2_update instead: the v1 downtime API is deprecated in Datadog's API spec")]
#[no_mangle]
pub unsafe extern "C" fn dog_downtime_update(
    client: *mut DogHttp,
    downtime_id: i64,
    scope: *const c_char,
    start: i64,
    end: i64,
    message: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (s, m) = unsafe { (opt_str(scope, "scope")?, opt_str(message, "message")?) };
        Ok(c.update_downtime(downtime_id, s, start, end, m))
    })
}

/// Fetches a downtime (dogapi `get_downtime`): `GET /api/v1/downtime/{downtime_id}`.
///
/// `downtime_id` > 0. Result: the whole downtime object as JSON. Ownership and statuses as for
/// `dog_downtime_schedule`.
#[deprecated(note = "use dog_downtime_v2_get instead: the v1 downtime API is deprecated in Datadog's API spec")]
#[no_mangle]
pub extern "C" fn dog_downtime_get(
    client: *mut DogHttp,
    downtime_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.get_downtime(downtime_id)))
}

/// Lists downtimes (dogapi `get_all_downtimes`): `GET /api/v1/downtime[?current_only=true]`.
///
/// `current_only` true lists only the active ones (sent as `true`, the boolean today's spec
/// wants; dogapi sent Python's `True`). Result: the array of downtimes as JSON. Ownership and
/// statuses as for `dog_downtime_schedule`.
#[deprecated(note = "use dog_downtime_v2_list instead: the v1 downtime API is deprecated in Datadog's API spec")]
#[no_mangle]
pub extern "C" fn dog_downtime_get_all(
    client: *mut DogHttp,
    current_only: bool,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.get_all_downtimes(current_only)))
}

/// Cancels a downtime (dogapi `cancel_downtime`): `DELETE /api/v1/downtime/{downtime_id}`.
///
/// `downtime_id` > 0. Result: the whole answer (204, no body: NULL, or `{}` with
/// `json_responses`). Ownership and statuses as for `dog_downtime_schedule`.
#[deprecated(note = "use dog_downtime_v2_cancel instead: the v1 downtime API is deprecated in Datadog's API spec")]
#[no_mangle]
pub extern "C" fn dog_downtime_cancel(
    client: *mut DogHttp,
    downtime_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.cancel_downtime(downtime_id)))
}

/// Schedules a downtime through today's API (replacement of `dog_downtime_schedule`,
/// `dog_monitor_mute_all`): `POST /api/v2/downtime` with the JSON:API body
/// `{"data":{"type":"downtime","attributes":{"scope","monitor_identifier"[,"message"][,"schedule":{"start","end"}]}}}`.
///
/// `scope` is required, in Datadog query syntax (`"env:prod AND host:web1"`, `"*"` for
/// everything). Which monitors: `monitor_id` > 0 for one monitor, or `monitor_tags`
/// (comma-separated, all must match; `"*"` = every monitor); both 0 / NULL means every monitor
/// (`["*"]`); both given is `DOG_ERR_INVALID_ARGUMENT`. `start` / `end`: POSIX seconds, sent as
/// ISO-8601 UTC (`2024-01-02T03:04:05Z`), 0 to omit (start now / never end). `message`: NULL or
/// `""` to omit. On success `dog_response_result()` is the downtime (`data`) as JSON and
/// `dog_response_id()` its id (a UUID). Ownership and statuses as for `dog_downtime_schedule`.
#[no_mangle]
pub unsafe extern "C" fn dog_downtime_v2_create(
    client: *mut DogHttp,
    scope: *const c_char,
    monitor_id: i64,
    monitor_tags: *const c_char,
    start: i64,
    end: i64,
    message: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (s, t, m) =
            unsafe { (req_str(scope, "scope")?, opt_str(monitor_tags, "monitor_tags")?, opt_str(message, "message")?) };
        let d = DowntimeV2 { scope: Some(s), monitor: monitor_identifier(monitor_id, t)?, start, end, message: m };
        Ok(c.create_downtime_v2(&d))
    })
}

/// Edits a downtime through today's API (replacement of `dog_downtime_update`):
/// `PATCH /api/v2/downtime/{downtime_id}` with `{"data":{"id","type":"downtime","attributes":{...}}}`
/// holding only the given fields.
///
/// `downtime_id` is the v2 id (required). `scope`, `monitor_id` / `monitor_tags`, `start`,
/// `end`, `message` as for `dog_downtime_v2_create`, each NULL / 0 to leave unchanged; at least
/// one must be given. Result: the downtime (`data`); id: its id. Ownership and statuses as for
/// `dog_downtime_schedule`.
#[no_mangle]
pub unsafe extern "C" fn dog_downtime_v2_update(
    client: *mut DogHttp,
    downtime_id: *const c_char,
    scope: *const c_char,
    monitor_id: i64,
    monitor_tags: *const c_char,
    start: i64,
    end: i64,
    message: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (id, s, t, m) = unsafe {
            (
                req_str(downtime_id, "downtime_id")?,
                opt_str(scope, "scope")?,
                opt_str(monitor_tags, "monitor_tags")?,
                opt_str(message, "message")?,
            )
        };
        let d = DowntimeV2 { scope: s, monitor: monitor_identifier(monitor_id, t)?, start, end, message: m };
        Ok(c.update_downtime_v2(id, &d))
    })
}

/// Fetches a downtime through today's API (replacement of `dog_downtime_get`):
/// `GET /api/v2/downtime/{downtime_id}`.
///
/// Result: the downtime (`data`) as JSON; id: its id. Ownership and statuses as for
/// `dog_downtime_schedule`.
#[no_mangle]
pub unsafe extern "C" fn dog_downtime_v2_get(
    client: *mut DogHttp,
    downtime_id: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let id = unsafe { req_str(downtime_id, "downtime_id")? };
        Ok(c.get_downtime_v2(id))
    })
}

/// Cancels a downtime through today's API (replacement of `dog_downtime_cancel`,
/// `dog_monitor_unmute`, `dog_monitor_unmute_all`): `DELETE /api/v2/downtime/{downtime_id}`.
///
/// Result: the whole answer (204, no body: NULL, or `{}` with `json_responses`). Ownership and
/// statuses as for `dog_downtime_schedule`.
#[no_mangle]
pub unsafe extern "C" fn dog_downtime_v2_cancel(
    client: *mut DogHttp,
    downtime_id: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let id = unsafe { req_str(downtime_id, "downtime_id")? };
        Ok(c.cancel_downtime_v2(id))
    })
}

/// Lists downtimes through today's API (replacement of `dog_downtime_get_all`):
/// `GET /api/v2/downtime[?current_only=true][&page[offset]=][&page[limit]=]`.
///
/// `current_only` true lists only the active ones. `page_offset` / `page_limit`: 0 for the
/// server's defaults; negative is `DOG_ERR_INVALID_ARGUMENT`. Result: the `data` array as JSON.
/// Ownership and statuses as for `dog_downtime_schedule`.
#[no_mangle]
pub extern "C" fn dog_downtime_v2_list(
    client: *mut DogHttp,
    current_only: bool,
    page_offset: i64,
    page_limit: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.list_downtimes_v2(current_only, page_offset, page_limit)))
}
