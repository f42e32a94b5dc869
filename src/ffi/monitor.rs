//! Monitors: `dog_monitor_create`, `dog_monitor_update`, `dog_monitor_get`,
//! `dog_monitor_get_all`, `dog_monitor_delete`, the deprecated `dog_monitor_mute_all`,
//! `dog_monitor_unmute_all`, `dog_monitor_mute`, `dog_monitor_unmute`, and their replacement
//! `dog_monitor_mute_downtime` (a v2 downtime for one monitor).

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use crate::http::monitors::{parse_options, Monitor};
use std::ffi::c_char;

/// Creates a monitor (dogapi `monitor`): `POST /api/v1/monitor` with body
/// `{"type","query"[,"name"][,"message"][,"options"]}`.
///
/// `monitor_type` is lower-cased and must be one of today's monitor types (dogapi's `"service check"`,
/// `"metric alert"`, `"query alert"`, and the newer ones such as `"composite"`, `"log alert"`,
/// ...); anything else is `DOG_ERR_INVALID_ARGUMENT`. `query` is required and not empty.
/// Optional (NULL or `""` to omit, as dogapi omits falsy values): `name`, `message`, and
/// `options_json`, a JSON object (`{"notify_no_data":true,"no_data_timeframe":20}`); malformed
/// JSON or a non-object is `DOG_ERR_INVALID_ARGUMENT` and nothing is sent.
/// On success `dog_response_result()` is the monitor id (dogapi's formatter `x["id"]`) and
/// `dog_response_id()` the same id. `*out_response` (when not NULL) receives the response
/// whenever one arrived, also on failure; free it with `dog_response_free()`. Statuses:
/// `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`, `DOG_ERR_INVALID_ARGUMENT` (nothing sent), and the
/// transport / server statuses.
#[no_mangle]
pub unsafe extern "C" fn dog_monitor_create(
    client: *mut DogHttp,
    monitor_type: *const c_char,
    query: *const c_char,
    name: *const c_char,
    message: *const c_char,
    options_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let m = unsafe {
            Monitor {
                mtype: Some(req_str(monitor_type, "monitor_type")?),
                query: Some(req_str(query, "query")?),
                name: opt_str(name, "name")?,
                message: opt_str(message, "message")?,
                options: opt_str(options_json, "options_json")?
                    .filter(|s| !s.is_empty())
                    .map(parse_options)
                    .transpose()?,
            }
        };
        Ok(c.monitor(&m))
    })
}

/// Edits a monitor (dogapi `update_monitor`): `PUT /api/v1/monitor/{monitor_id}` with body
/// `{["query"][,"name"][,"message"][,"options"]}` (never `type`, as in dogapi).
///
/// `monitor_id` > 0. `query`, `name`, `message`, `options_json` (JSON object) are each sent
/// when not NULL / `""` (dogapi always required `query`; here it may be NULL to change only
/// the other fields), but at least one must be given. Result and id: the monitor id.
/// Ownership and statuses as for `dog_monitor_create`.
#[no_mangle]
pub unsafe extern "C" fn dog_monitor_update(
    client: *mut DogHttp,
    monitor_id: i64,
    query: *const c_char,
    name: *const c_char,
    message: *const c_char,
    options_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let m = unsafe {
            Monitor {
                mtype: None,
                query: opt_str(query, "query")?,
                name: opt_str(name, "name")?,
                message: opt_str(message, "message")?,
                options: opt_str(options_json, "options_json")?
                    .filter(|s| !s.is_empty())
                    .map(parse_options)
                    .transpose()?,
            }
        };
        Ok(c.update_monitor(monitor_id, &m))
    })
}

/// Fetches a monitor (dogapi `get_monitor`):
/// `GET /api/v1/monitor/{monitor_id}[?group_states=]`.
///
/// `monitor_id` > 0. `group_states`: comma-separated (`"alert,warn"`, `"all"`), NULL for none.
/// Result: the whole monitor object as JSON. Ownership and statuses as for
/// `dog_monitor_create`.
#[no_mangle]
pub unsafe extern "C" fn dog_monitor_get(
    client: *mut DogHttp,
    monitor_id: i64,
    group_states: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let g = unsafe { opt_str(group_states, "group_states")? };
        Ok(c.get_monitor(monitor_id, g))
    })
}

/// Lists monitors (dogapi `get_all_monitors`): `GET /api/v1/monitor[?group_states=][&tags=]`.
///
/// `group_states` and `tags` are comma-separated lists (NULL for none; `tags` filters by
/// scope, e.g. `"host:web1"`). Result: the array of monitors as JSON. Ownership and statuses as
/// for `dog_monitor_create`.
#[no_mangle]
pub unsafe extern "C" fn dog_monitor_get_all(
    client: *mut DogHttp,
    group_states: *const c_char,
    tags: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (g, t) = unsafe { (opt_str(group_states, "group_states")?, opt_str(tags, "tags")?) };
        Ok(c.get_all_monitors(g, t))
    })
}

/// Deletes a monitor (dogapi `delete_monitor`): `DELETE /api/v1/monitor/{monitor_id}`.
///
/// `monitor_id` > 0. Result: the whole answer (`{"deleted_monitor_id":123}`). Ownership and
/// statuses as for `dog_monitor_create`.
#[no_mangle]
pub extern "C" fn dog_monitor_delete(
    client: *mut DogHttp,
    monitor_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.delete_monitor(monitor_id)))
}

/// Mutes every monitor (dogapi `mute_monitors`): `POST /api/v1/monitor/mute_all`, no body.
///
/// Gone from today's API: use `dog_downtime_v2_create` with scope `"*"` and monitor tags
/// `"*"`. Result: the whole answer (a downtime object). Ownership and statuses as for
/// `dog_monitor_create`.
#[deprecated(
    note = "use dog_downtime_v2_create instead (scope \"*\", monitor_tags \"*\"): POST /api/v1/monitor/mute_all is gone from Datadog's API"
)]
#[no_mangle]
pub extern "C" fn dog_monitor_mute_all(client: *mut DogHttp, out_response: *mut *mut DogResponse) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.mute_monitors()))
}

/// Unmutes every monitor (dogapi `unmute_monitors`): `POST /api/v1/monitor/unmute_all`, no
/// body.
///
/// Gone from today's API: cancel the downtime with `dog_downtime_v2_cancel`. Result: the whole
/// answer (usually empty). Ownership and statuses as for `dog_monitor_create`.
#[deprecated(note = "use dog_downtime_v2_cancel instead: POST /api/v1/monitor/unmute_all is gone from Datadog's API")]
#[no_mangle]
pub extern "C" fn dog_monitor_unmute_all(client: *mut DogHttp, out_response: *mut *mut DogResponse) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.unmute_monitors()))
}

/// Mutes one monitor (dogapi `mute_monitor`): `POST /api/v1/monitor/{monitor_id}/mute` with
/// body `{["scope"][,"end"]}` (always a JSON object, `{}` when both are absent).
///
/// `monitor_id` > 0. `scope` (a group such as `"host:web1"`): NULL or `""` mutes every group.
/// `end`: POSIX seconds when the mute ends, 0 for never. Deprecated upstream (no longer in
/// today's API description): use `dog_monitor_mute_downtime`. Result: the whole answer (the
/// monitor). Ownership and statuses as for `dog_monitor_create`.
#[deprecated(
    note = "use dog_monitor_mute_downtime instead: monitor muting is deprecated upstream in favour of downtimes (POST /api/v2/downtime)"
)]
#[no_mangle]
pub unsafe extern "C" fn dog_monitor_mute(
    client: *mut DogHttp,
    monitor_id: i64,
    scope: *const c_char,
    end: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let s = unsafe { opt_str(scope, "scope")? };
        Ok(c.mute_monitor(monitor_id, s, end))
    })
}

/// Unmutes one monitor (dogapi `unmute_monitor`): `POST /api/v1/monitor/{monitor_id}/unmute`
/// with body `{["scope"]}`.
///
/// `monitor_id` > 0; `scope` NULL or `""` for every group. Deprecated upstream: cancel the
/// downtime from `dog_monitor_mute_downtime` with `dog_downtime_v2_cancel`. Result: the whole
/// answer. Ownership and statuses as for `dog_monitor_create`.
#[deprecated(
    note = "use dog_downtime_v2_cancel instead (on the downtime from dog_monitor_mute_downtime): monitor muting is deprecated upstream"
)]
#[no_mangle]
pub unsafe extern "C" fn dog_monitor_unmute(
    client: *mut DogHttp,
    monitor_id: i64,
    scope: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let s = unsafe { opt_str(scope, "scope")? };
        Ok(c.unmute_monitor(monitor_id, s))
    })
}

/// Mutes one monitor the way today's API does it (replacement of `dog_monitor_mute`): a v2
/// downtime for that monitor, `POST /api/v2/downtime` with body
/// `{"data":{"type":"downtime","attributes":{"scope","monitor_identifier":{"monitor_id"}[,"message"][,"schedule":{"end"}]}}}`.
///
/// `monitor_id` > 0. `scope` is in Datadog query syntax (`"host:web1"`); NULL or `""` is `"*"`
/// (every group). `end`: POSIX seconds (sent as ISO-8601 UTC), 0 for never. `message`: NULL or
/// `""` for none. On success `dog_response_result()` is the downtime (`data`) and
/// `dog_response_id()` its id: pass it to `dog_downtime_v2_cancel` to unmute. Ownership and
/// statuses as for `dog_monitor_create`.
#[no_mangle]
pub unsafe extern "C" fn dog_monitor_mute_downtime(
    client: *mut DogHttp,
    monitor_id: i64,
    scope: *const c_char,
    end: i64,
    message: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (s, m) = unsafe { (opt_str(scope, "scope")?, opt_str(message, "message")?) };
        Ok(c.mute_monitor_v2(monitor_id, s, end, m))
    })
}
