//! Host tags: `dog_tags_all`, `dog_tags_get`, `dog_tags_add`, `dog_tags_change`,
//! `dog_tags_detach` (dogapi `all_tags`, `host_tags`, `add_tags`, `change_tags`,
//! `detach_tags`).

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use std::ffi::c_char;

/// Lists every host tag (dogapi `all_tags`): `GET /api/v1/tags/hosts[?source=]`.
///
/// `source` (e.g. `"user"`, `"chef"`) filters by tag source; NULL or `""` for all sources.
/// On success `dog_response_result()` is the `tags` object (tag → array of host names) as JSON.
/// `*out_response` (when not NULL) receives the response whenever one arrived, also on failure;
/// free it with `dog_response_free()`. Statuses: `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`,
/// `DOG_ERR_INVALID_ARGUMENT` (nothing sent), and the transport / server statuses.
#[no_mangle]
pub unsafe extern "C" fn dog_tags_all(
    client: *mut DogHttp,
    source: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let s = unsafe { opt_str(source, "source")? };
        Ok(c.all_tags(s))
    })
}

/// Gets the tags of one host (dogapi `host_tags`):
/// `GET /api/v1/tags/hosts/{host}[?source=][&by_source=true]`.
///
/// `host` is a host name or numeric id (required, percent-encoded into the path). `source`:
/// NULL or `""` for all sources. `by_source` true asks for the tags grouped by source (sent as
/// `by_source=true`, dogapi's parameter, which today's spec no longer lists). Result: the
/// `tags` array (or, with `by_source`, the object source → tags) as JSON. Ownership and
/// statuses as for `dog_tags_all`.
#[no_mangle]
pub unsafe extern "C" fn dog_tags_get(
    client: *mut DogHttp,
    host: *const c_char,
    source: *const c_char,
    by_source: bool,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (h, s) = unsafe { (req_str(host, "host")?, opt_str(source, "source")?) };
        Ok(c.host_tags(h, s, by_source))
    })
}

/// Adds tags to a host (dogapi `add_tags`): `POST /api/v1/tags/hosts/{host}[?source=]` with
/// body `{"tags":[...]}`.
///
/// `tags` is a comma-separated list (`"role:db,env:prod"`, required; `""` sends an empty
/// list). `source`: NULL or `""` for the default (`user`), always sent as a query parameter.
/// Result: the host's `tags` array as JSON. Ownership and statuses as for `dog_tags_all`.
#[no_mangle]
pub unsafe extern "C" fn dog_tags_add(
    client: *mut DogHttp,
    host: *const c_char,
    tags: *const c_char,
    source: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (h, t, s) = unsafe { (req_str(host, "host")?, req_str(tags, "tags")?, opt_str(source, "source")?) };
        Ok(c.add_tags(h, t, s))
    })
}

/// Replaces the tags of a host within a source (dogapi `change_tags`):
/// `PUT /api/v1/tags/hosts/{host}[?source=]` with body `{"tags":[...]}`.
///
/// Arguments, result, ownership and statuses as for `dog_tags_add`.
#[no_mangle]
pub unsafe extern "C" fn dog_tags_change(
    client: *mut DogHttp,
    host: *const c_char,
    tags: *const c_char,
    source: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (h, t, s) = unsafe { (req_str(host, "host")?, req_str(tags, "tags")?, opt_str(source, "source")?) };
        Ok(c.change_tags(h, t, s))
    })
}

/// Removes every tag of a host within a source (dogapi `detach_tags`):
/// `DELETE /api/v1/tags/hosts/{host}[?source=]`.
///
/// `source`: NULL or `""` for the default (`user`). Result: the whole answer (the server
/// answers 204 with no body, so the result is NULL unless `json_responses` is on, then `{}`).
/// Ownership and statuses as for `dog_tags_all`.
#[no_mangle]
pub unsafe extern "C" fn dog_tags_detach(
    client: *mut DogHttp,
    host: *const c_char,
    source: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (h, s) = unsafe { (req_str(host, "host")?, opt_str(source, "source")?) };
        Ok(c.detach_tags(h, s))
    })
}
