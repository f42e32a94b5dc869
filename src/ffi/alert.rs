//! Alerts (deprecated, `/api/v1/alert`): `dog_alert_create`, `dog_alert_update`,
//! `dog_alert_get`, `dog_alert_get_all`, `dog_alert_delete`, `dog_alert_mute_all`,
//! `dog_alert_unmute_all`. Monitors replaced alerts.

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use crate::http::alerts::Alert;
use std::ffi::c_char;

/// The arguments shared by `dog_alert_create` and `dog_alert_update`.
///
/// # Safety
/// C strings from the caller.
unsafe fn alert_args<'a>(
    query: *const c_char,
    name: *const c_char,
    message: *const c_char,
    silenced: bool,
    notify_no_data: bool,
    timeout_h: i64,
    silenced_timeout_ts: i64,
) -> Result<Alert<'a>, crate::error::Error> {
    // SAFETY: forwarded caller contract.
    unsafe {
        Ok(Alert {
            query: req_str(query, "query")?,
            name: opt_str(name, "name")?,
            message: opt_str(message, "message")?,
            silenced,
            notify_no_data,
            timeout_h,
            silenced_timeout_ts,
        })
    }
}

/// Creates an alert (dogapi `alert`): `POST /api/v1/alert` with `{"query","silenced"}` always
/// and `name`, `message` (when not NULL and not empty), `notify_no_data` (when true) and
/// `timeout_h` (hours, when > 0).
///
/// `query` is required and not empty; a negative `timeout_h` is `DOG_ERR_INVALID_ARGUMENT`
/// (nothing sent). On success `dog_response_result()` and `dog_response_id()` are the alert id
/// (dogapi's `x["id"]`). `/alert` is gone from today's API: use `dog_monitor_create()` (type
/// `"metric alert"`). `*out_response` (when not NULL) receives the response whenever one
/// arrived, also on failure; free it with `dog_response_free()`. Statuses: `DOG_OK`,
/// `DOG_ERR_NULL_ARGUMENT`, `DOG_ERR_INVALID_ARGUMENT`, and the transport / server statuses.
#[deprecated(
    note = "use dog_monitor_create instead: /api/v1/alert is gone from today's Datadog API (monitors replaced alerts)"
)]
#[no_mangle]
pub unsafe extern "C" fn dog_alert_create(
    client: *mut DogHttp,
    query: *const c_char,
    name: *const c_char,
    message: *const c_char,
    silenced: bool,
    notify_no_data: bool,
    timeout_h: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let a = unsafe { alert_args(query, name, message, silenced, notify_no_data, timeout_h, 0)? };
        Ok(c.alert_create(&a))
    })
}

/// Updates an alert (dogapi `update_alert`): `PUT /api/v1/alert/{alert_id}` with the body
/// rules of `dog_alert_create()`, plus `silenced_timeout_ts` (POSIX seconds, when > 0) — which
/// dogapi 1.11.1 drops by a bug and libdogapi sends. Result and id: the alert id.
#[deprecated(
    note = "use dog_monitor_update instead: /api/v1/alert is gone from today's Datadog API (monitors replaced alerts)"
)]
#[no_mangle]
pub unsafe extern "C" fn dog_alert_update(
    client: *mut DogHttp,
    alert_id: i64,
    query: *const c_char,
    name: *const c_char,
    message: *const c_char,
    silenced: bool,
    notify_no_data: bool,
    timeout_h: i64,
    silenced_timeout_ts: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let a = unsafe { alert_args(query, name, message, silenced, notify_no_data, timeout_h, silenced_timeout_ts)? };
        Ok(c.alert_update(alert_id, &a))
    })
}

/// Fetches an alert (dogapi `get_alert`): `GET /api/v1/alert/{alert_id}`. Result: the answer
/// as JSON. Ownership and statuses as `dog_alert_create()`.
#[deprecated(
    note = "use dog_monitor_get instead: /api/v1/alert is gone from today's Datadog API (monitors replaced alerts)"
)]
#[no_mangle]
pub extern "C" fn dog_alert_get(
    client: *mut DogHttp,
    alert_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.alert_get(alert_id)))
}

/// Lists alerts (dogapi `get_all_alerts`): `GET /api/v1/alert`. Result: the `alerts` array as
/// JSON. Ownership and statuses as `dog_alert_create()`.
#[deprecated(
    note = "use dog_monitor_get_all instead: /api/v1/alert is gone from today's Datadog API (monitors replaced alerts)"
)]
#[no_mangle]
pub extern "C" fn dog_alert_get_all(client: *mut DogHttp, out_response: *mut *mut DogResponse) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.alert_get_all()))
}

/// Deletes an alert (dogapi `delete_alert`): `DELETE /api/v1/alert/{alert_id}`. Result: the
/// answer as JSON (NULL for an empty answer unless `json_responses` is on).
#[deprecated(
    note = "use dog_monitor_delete instead: /api/v1/alert is gone from today's Datadog API (monitors replaced alerts)"
)]
#[no_mangle]
pub extern "C" fn dog_alert_delete(
    client: *mut DogHttp,
    alert_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.alert_delete(alert_id)))
}

/// Mutes every alert (dogapi `mute_alerts`): `POST /api/v1/mute_alerts` with no body.
/// Result: the answer as JSON. Today: a downtime over every monitor, `dog_downtime_v2_create()`.
#[deprecated(
    note = "use dog_downtime_v2_create instead (scope \"*\", monitor_tags \"*\"): /api/v1/mute_alerts is gone from today's Datadog API"
)]
#[no_mangle]
pub extern "C" fn dog_alert_mute_all(client: *mut DogHttp, out_response: *mut *mut DogResponse) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.alert_mute_all()))
}

/// Unmutes every alert (dogapi `unmute_alerts`): `POST /api/v1/unmute_alerts` with no body.
/// Result: the answer as JSON. Today: cancel that downtime, `dog_downtime_v2_cancel()`.
#[deprecated(
    note = "use dog_downtime_v2_cancel instead (cancel the muting downtime): /api/v1/unmute_alerts is gone from today's Datadog API"
)]
#[no_mangle]
pub extern "C" fn dog_alert_unmute_all(client: *mut DogHttp, out_response: *mut *mut DogResponse) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.alert_unmute_all()))
}
