//! Screenboards (deprecated, `/api/v1/screen`): `dog_screenboard_create`,
//! `dog_screenboard_get`, `dog_screenboard_get_all`, `dog_screenboard_update`,
//! `dog_screenboard_delete`, `dog_screenboard_share`.

use super::http::{api_call, DogHttp};
use super::req_str;
use super::response::DogResponse;
use super::status::dog_status_t;
use std::ffi::c_char;

/// Creates a screenboard (dogapi `create_screenboard`): `POST /api/v1/screen` with
/// `description_json` as the body, a JSON object such as
/// `{"board_title":"b","widgets":[...]}`. Malformed JSON or a value that is not an object is
/// `DOG_ERR_INVALID_ARGUMENT` and nothing is sent.
///
/// Result: the answer as JSON (dogapi returns it raw); `dog_response_id()`: the board's `id`.
/// `/screen` is gone from today's API description: use `dog_dashboard_create()` with
/// `"layout_type":"free"`. `*out_response` (when not NULL) receives the response whenever one
/// arrived, also on failure; free it with `dog_response_free()`. Statuses: `DOG_OK`,
/// `DOG_ERR_NULL_ARGUMENT`, `DOG_ERR_INVALID_ARGUMENT`, and the transport / server statuses.
#[deprecated(
    note = "use dog_dashboard_create with \"layout_type\":\"free\" instead: /api/v1/screen is gone from today's Datadog API"
)]
#[no_mangle]
pub unsafe extern "C" fn dog_screenboard_create(
    client: *mut DogHttp,
    description_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let d = unsafe { req_str(description_json, "description_json")? };
        Ok(c.screenboard_create(d))
    })
}

/// Fetches a screenboard (dogapi `get_screenboard`): `GET /api/v1/screen/{board_id}`.
/// Result: the answer (the board) as JSON; id: its `id`. Ownership and statuses as
/// `dog_screenboard_create()`.
#[deprecated(note = "use dog_dashboard_get instead: /api/v1/screen is gone from today's Datadog API")]
#[no_mangle]
pub extern "C" fn dog_screenboard_get(
    client: *mut DogHttp,
    board_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.screenboard_get(board_id)))
}

/// Lists screenboards (dogapi `get_all_screenboards`): `GET /api/v1/screen`.
/// Result: the `screenboards` array as JSON. Ownership and statuses as
/// `dog_screenboard_create()`.
#[deprecated(note = "use dog_dashboard_get_all instead: /api/v1/screen is gone from today's Datadog API")]
#[no_mangle]
pub extern "C" fn dog_screenboard_get_all(client: *mut DogHttp, out_response: *mut *mut DogResponse) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.screenboard_get_all()))
}

/// Replaces a screenboard (dogapi `update_screenboard`): `PUT /api/v1/screen/{board_id}` with
/// `description_json` (a JSON object, checked as for `dog_screenboard_create()`).
/// Result: the answer as JSON; id: the board's `id`.
#[deprecated(note = "use dog_dashboard_update instead: /api/v1/screen is gone from today's Datadog API")]
#[no_mangle]
pub unsafe extern "C" fn dog_screenboard_update(
    client: *mut DogHttp,
    board_id: i64,
    description_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let d = unsafe { req_str(description_json, "description_json")? };
        Ok(c.screenboard_update(board_id, d))
    })
}

/// Deletes a screenboard (dogapi `delete_screenboard`): `DELETE /api/v1/screen/{board_id}`.
/// Result: the answer as JSON (`{"id": ...}`).
#[deprecated(note = "use dog_dashboard_delete instead: /api/v1/screen is gone from today's Datadog API")]
#[no_mangle]
pub extern "C" fn dog_screenboard_delete(
    client: *mut DogHttp,
    board_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.screenboard_delete(board_id)))
}

/// Shares a screenboard publicly (dogapi `share_screenboard`): `GET
/// /api/v1/screen/share/{board_id}` — dogapi 1.11.1 uses GET (its successor POST).
/// Result: the answer as JSON (`{"board_id": ..., "public_url": ...}`).
#[deprecated(
    note = "use a dashboard with \"layout_type\":\"free\" (dog_dashboard_create) and share it through /api/v1/dashboard/public: /api/v1/screen/share is gone from today's Datadog API"
)]
#[no_mangle]
pub extern "C" fn dog_screenboard_share(
    client: *mut DogHttp,
    board_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.screenboard_share(board_id)))
}
