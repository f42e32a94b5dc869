//! Dashboards: dogapi's legacy timeboards (`dog_dash_get`, `dog_dash_get_all`,
//! `dog_dash_create`, `dog_dash_update`, `dog_dash_delete` on `/api/v1/dash`, deprecated) and
//! the modern `/api/v1/dashboard` API (`dog_dashboard_create`, `dog_dashboard_get`,
//! `dog_dashboard_get_all`, `dog_dashboard_update`, `dog_dashboard_delete`).

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use crate::http::dashboards::{parse_array, Dash, DashboardFilter};
use std::ffi::c_char;

/// Reads the legacy dashboard arguments.
///
/// # Safety
/// C strings from the caller.
unsafe fn dash_args<'a>(
    title: *const c_char,
    description: *const c_char,
    graphs_json: *const c_char,
    template_variables_json: *const c_char,
) -> Result<Dash<'a>, crate::error::Error> {
    // SAFETY: forwarded caller contract. Every string is converted (NULL / UTF-8 checks)
    // before any JSON is parsed, so the first problem reported is the argument's own.
    let (title, description, graphs, template_variables) = unsafe {
        (
            req_str(title, "title")?,
            req_str(description, "description")?,
            req_str(graphs_json, "graphs_json")?,
            opt_str(template_variables_json, "template_variables_json")?,
        )
    };
    Ok(Dash {
        title,
        description,
        graphs: parse_array("graphs_json", graphs)?,
        template_variables: template_variables.map(|t| parse_array("template_variables_json", t)).transpose()?,
    })
}

/// Fetches a legacy timeboard (dogapi `dashboard`): `GET /api/v1/dash/{dash_id}`.
///
/// Result: the `dash` object as JSON (the whole answer with `json_responses`). `/dash` is gone
/// from today's API description; use `dog_dashboard_get()`.
/// `*out_response` (when not NULL) receives the response whenever one arrived, also on failure;
/// free it with `dog_response_free()`. Statuses: `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`, and the
/// transport / server statuses (`DOG_ERR_API` for a 404 `{"errors":[...]}`).
#[deprecated(note = "use dog_dashboard_get instead: /api/v1/dash (timeboards) is gone from today's Datadog API")]
#[no_mangle]
pub extern "C" fn dog_dash_get(
    client: *mut DogHttp,
    dash_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.dash_get(dash_id)))
}

/// Lists legacy timeboards (dogapi `dashboards`): `GET /api/v1/dash`.
///
/// Result: the `dashes` array as JSON. Response ownership and statuses as `dog_dash_get()`.
#[deprecated(note = "use dog_dashboard_get_all instead: /api/v1/dash (timeboards) is gone from today's Datadog API")]
#[no_mangle]
pub extern "C" fn dog_dash_get_all(client: *mut DogHttp, out_response: *mut *mut DogResponse) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.dash_get_all()))
}

/// Creates a legacy timeboard (dogapi `create_dashboard`): `POST /api/v1/dash` with
/// `{"title","description","graphs","template_variables"}` (every key always present).
///
/// `title`, `description` and `graphs_json` (a JSON array of graph definitions) are required;
/// `template_variables_json` is a JSON array or NULL (sent as `[]`). Malformed JSON or a JSON
/// value that is not an array is `DOG_ERR_INVALID_ARGUMENT` and nothing is sent.
/// On success `dog_response_result()` and `dog_response_id()` are the new dashboard's id
/// (dogapi's `x["dash"]["id"]`). Response ownership as `dog_dash_get()`. Statuses: `DOG_OK`,
/// `DOG_ERR_NULL_ARGUMENT`, `DOG_ERR_INVALID_ARGUMENT`, and the transport / server statuses.
#[deprecated(note = "use dog_dashboard_create instead: /api/v1/dash (timeboards) is gone from today's Datadog API")]
#[no_mangle]
pub unsafe extern "C" fn dog_dash_create(
    client: *mut DogHttp,
    title: *const c_char,
    description: *const c_char,
    graphs_json: *const c_char,
    template_variables_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let d = unsafe { dash_args(title, description, graphs_json, template_variables_json)? };
        Ok(c.dash_create(&d))
    })
}

/// Replaces a legacy timeboard (dogapi `update_dashboard`): `PUT /api/v1/dash/{dash_id}` with
/// the same body and argument rules as `dog_dash_create()`. Result and id: the dashboard's id.
#[deprecated(note = "use dog_dashboard_update instead: /api/v1/dash (timeboards) is gone from today's Datadog API")]
#[no_mangle]
pub unsafe extern "C" fn dog_dash_update(
    client: *mut DogHttp,
    dash_id: i64,
    title: *const c_char,
    description: *const c_char,
    graphs_json: *const c_char,
    template_variables_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let d = unsafe { dash_args(title, description, graphs_json, template_variables_json)? };
        Ok(c.dash_update(dash_id, &d))
    })
}

/// Deletes a legacy timeboard (dogapi `delete_dashboard`): `DELETE /api/v1/dash/{dash_id}`.
/// Result: the answer as JSON (NULL for an empty answer unless `json_responses` is on).
#[deprecated(note = "use dog_dashboard_delete instead: /api/v1/dash (timeboards) is gone from today's Datadog API")]
#[no_mangle]
pub extern "C" fn dog_dash_delete(
    client: *mut DogHttp,
    dash_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.dash_delete(dash_id)))
}

/// Creates a dashboard (today's replacement for timeboards and screenboards):
/// `POST /api/v1/dashboard` with `dashboard_json`, a JSON object following the API's
/// `Dashboard` schema: `title` (string), `layout_type` (`"ordered"` — a timeboard — or
/// `"free"` — a screenboard) and `widgets` (array of `{"definition": {"type": ...}, ...}`) are
/// required; optional `description`, `template_variables` (objects with a `name`),
/// `notify_list`, `reflow_type` (`"auto"` / `"fixed"`), `tags`, ... The read-only fields
/// (`id`, `url`, `author_handle`, `author_name`, `created_at`, `modified_at`) are dropped, so a
/// dashboard read with `dog_dashboard_get()` can be sent back as is.
///
/// Malformed JSON, or a JSON value that breaks those rules, is `DOG_ERR_INVALID_ARGUMENT` and
/// nothing is sent. On success `dog_response_result()` is the created dashboard (JSON object)
/// and `dog_response_id()` its id (e.g. `"abc-def-ghi"`). `*out_response` (when not NULL)
/// receives the response whenever one arrived, also on failure; free it with
/// `dog_response_free()`. Statuses: `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`,
/// `DOG_ERR_INVALID_ARGUMENT`, and the transport / server statuses.
#[no_mangle]
pub unsafe extern "C" fn dog_dashboard_create(
    client: *mut DogHttp,
    dashboard_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let d = unsafe { req_str(dashboard_json, "dashboard_json")? };
        Ok(c.dashboard_create(d))
    })
}

/// Fetches a dashboard: `GET /api/v1/dashboard/{dashboard_id}` (the id is percent-encoded; an
/// empty id is `DOG_ERR_INVALID_ARGUMENT`). Result: the dashboard (JSON object); id: its id.
/// Response ownership and statuses as `dog_dashboard_create()`.
#[no_mangle]
pub unsafe extern "C" fn dog_dashboard_get(
    client: *mut DogHttp,
    dashboard_id: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let id = unsafe { req_str(dashboard_id, "dashboard_id")? };
        Ok(c.dashboard_get(id))
    })
}

/// Lists dashboards: `GET /api/v1/dashboard` with optional filters: `filter_shared` true adds
/// `filter[shared]=true` (only shared dashboards), `filter_deleted` true adds
/// `filter[deleted]=true` (only deleted ones; both true is `DOG_ERR_INVALID_ARGUMENT`),
/// `count` > 0 adds `count=` (0: the server's default, 100), `start` > 0 adds `start=` (the
/// offset; 0: from the beginning). Negative `count` / `start` are `DOG_ERR_INVALID_ARGUMENT`.
/// Result: the `dashboards` array (summaries) as JSON. Response ownership and statuses as
/// `dog_dashboard_create()`.
#[no_mangle]
pub extern "C" fn dog_dashboard_get_all(
    client: *mut DogHttp,
    filter_shared: bool,
    filter_deleted: bool,
    count: i64,
    start: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        Ok(c.dashboard_get_all(DashboardFilter { shared: filter_shared, deleted: filter_deleted, count, start }))
    })
}

/// Replaces a dashboard: `PUT /api/v1/dashboard/{dashboard_id}` with a whole dashboard JSON,
/// checked as for `dog_dashboard_create()`. Result: the updated dashboard; id: its id.
#[no_mangle]
pub unsafe extern "C" fn dog_dashboard_update(
    client: *mut DogHttp,
    dashboard_id: *const c_char,
    dashboard_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (id, d) = unsafe { (req_str(dashboard_id, "dashboard_id")?, req_str(dashboard_json, "dashboard_json")?) };
        Ok(c.dashboard_update(id, d))
    })
}

/// Deletes a dashboard: `DELETE /api/v1/dashboard/{dashboard_id}`. Result: the answer
/// (`{"deleted_dashboard_id": "..."}`). Response ownership and statuses as
/// `dog_dashboard_create()`.
#[no_mangle]
pub unsafe extern "C" fn dog_dashboard_delete(
    client: *mut DogHttp,
    dashboard_id: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let id = unsafe { req_str(dashboard_id, "dashboard_id")? };
        Ok(c.dashboard_delete(id))
    })
}
