//! Search: `dog_search_query` (dogapi `search`).

use super::http::{api_call, DogHttp};
use super::req_str;
use super::response::DogResponse;
use super::status::dog_status_t;
use std::ffi::c_char;

/// Searches hosts and metrics (dogapi `search`): `GET /api/v1/search?q=`.
///
/// The facet is part of `query`: `"hosts:web"`, `"metrics:system.cpu"`, or un-faceted `"web"`
/// (required, not empty). Today's API lists this endpoint as deprecated (metric search moved
/// to `/api/v2/metrics`, host search to `/api/v1/hosts`) but still describes it.
/// On success `dog_response_result()` is the `results` object (facet → array of names) as
/// JSON. `*out_response` (when not NULL) receives the response whenever one arrived, also on
/// failure; free it with `dog_response_free()`. Statuses: `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`,
/// `DOG_ERR_INVALID_ARGUMENT` (nothing sent), and the transport / server statuses.
#[no_mangle]
pub unsafe extern "C" fn dog_search_query(
    client: *mut DogHttp,
    query: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let q = unsafe { req_str(query, "query")? };
        Ok(c.search(q))
    })
}
