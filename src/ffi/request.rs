//! The escape hatch: `dog_http_request` (dogapi's public `http_request`).

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use std::ffi::c_char;

/// Sends any request through the client (keys, host, backoff, response rules as for every
/// call). `method`: GET, POST, PUT, PATCH or DELETE. `path`: below `/api/<api_version>/`
/// (`"events"`), or absolute when it starts with `/api/` (`"/api/v2/downtime"`). `query`: an
/// already URL-encoded query string without `?` (`"start=1&end=2"`), or NULL. `body_json`:
/// JSON text sent as is with `Content-Type: application/json` (checked to be JSON first), or
/// NULL for no body. Result: the whole answer.
#[no_mangle]
pub unsafe extern "C" fn dog_http_request(
    client: *mut DogHttp,
    method: *const c_char,
    path: *const c_char,
    query: *const c_char,
    body_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (m, p, q, b) = unsafe {
            (
                req_str(method, "method")?,
                req_str(path, "path")?,
                opt_str(query, "query")?,
                opt_str(body_json, "body_json")?,
            )
        };
        Ok(c.http_request(m, p, q, b))
    })
}
