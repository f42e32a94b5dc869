//! Graph snapshots: `dog_snapshot_create`, `dog_snapshot_create_from_def`,
//! `dog_snapshot_status` (dogapi `graph_snapshot`, `graph_snapshot_from_def`,
//! `snapshot_status`).

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use std::ffi::c_char;

/// Takes a graph snapshot (dogapi `graph_snapshot`):
/// `GET /api/v1/graph/snapshot?metric_query=&start=&end=[&event_query=]`.
///
/// `metric_query` is required and not empty; `start` / `end` are POSIX seconds (`end` before
/// `start` is `DOG_ERR_INVALID_ARGUMENT`, nothing sent); `event_query` (event bands) is
/// optional (NULL or empty: left out). Result: the whole answer as JSON (dogapi returns it
/// raw), including `snapshot_url`; poll that URL with `dog_snapshot_status()` until it gives
/// 200. `*out_response` (when not NULL) receives the response whenever one arrived, also on
/// failure; free it with `dog_response_free()`. Statuses: `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`,
/// `DOG_ERR_INVALID_ARGUMENT`, and the transport / server statuses.
#[no_mangle]
pub unsafe extern "C" fn dog_snapshot_create(
    client: *mut DogHttp,
    metric_query: *const c_char,
    start: i64,
    end: i64,
    event_query: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (q, e) = unsafe { (req_str(metric_query, "metric_query")?, opt_str(event_query, "event_query")?) };
        Ok(c.graph_snapshot(q, start, end, e))
    })
}

/// Takes a snapshot of a graph definition (dogapi `graph_snapshot_from_def`):
/// `GET /api/v1/graph/snapshot?graph_def=&start=&end=`. `graph_def_json` is a JSON object
/// (e.g. `{"requests":[{"q":"avg:system.load.1{*}"}],"viz":"timeseries"}`), sent on one line;
/// malformed JSON or a value that is not an object is `DOG_ERR_INVALID_ARGUMENT` (nothing
/// sent), as is `end` before `start`. Result: the whole answer as JSON. Ownership and statuses
/// as `dog_snapshot_create()`.
#[no_mangle]
pub unsafe extern "C" fn dog_snapshot_create_from_def(
    client: *mut DogHttp,
    graph_def_json: *const c_char,
    start: i64,
    end: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let g = unsafe { req_str(graph_def_json, "graph_def_json")? };
        Ok(c.graph_snapshot_from_def(g, start, end))
    })
}

/// Asks whether a snapshot image is ready (dogapi `snapshot_status`):
/// `GET /api/v1/graph/snapshot_status/{piece}`, where `piece` is what follows the first
/// `/snapshot/view/` in the path of `snapshot_url`, cut at `.png` (dogapi's rewriting:
/// `https://p.datadoghq.com/snapshot/view/dd-snapshots-prod/org_1/2015-01-01/abc.png` asks
/// `.../graph/snapshot_status/dd-snapshots-prod/org_1/2015-01-01/abc`). A URL without
/// `/snapshot/view/` in its path (such as today's `https://app.datadoghq.com/s/...` links) is
/// `DOG_ERR_INVALID_ARGUMENT` and nothing is sent. This endpoint is not in today's published API
/// description.
///
/// Result: the `status_code` as a JSON integer (`200` once the image is ready; dogapi's
/// `int(x["status_code"])`). Ownership and statuses as `dog_snapshot_create()`.
#[no_mangle]
pub unsafe extern "C" fn dog_snapshot_status(
    client: *mut DogHttp,
    snapshot_url: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let u = unsafe { req_str(snapshot_url, "snapshot_url")? };
        Ok(c.snapshot_status(u))
    })
}
