//! Events: `dog_event_post`, `dog_event_with_response`, `dog_event_get`, `dog_event_list`.

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use crate::http::events::{parse_object, Event};
use std::ffi::c_char;

/// Posts an event (dogapi `event`): `POST /api/v1/events`.
///
/// `title` and `text` are required (text ≤ 4000 characters). Optional, NULL / 0 to omit:
/// `date_happened` (POSIX seconds; the server uses "now"), `handle`, `priority` (`"normal"` or
/// `"low"`), `related_event_id`, `tags` (comma-separated, sent as an array), `host` (not
/// defaulted, as in dogapi), `device_name`, `aggregation_key` (≤ 100 characters),
/// `source_type_name`, and `extra_json`: a JSON object merged into the body last, for fields
/// such as `{"alert_type":"error"}` (alert_type one of error, warning, info, success,
/// user_update, recommendation, snapshot). The client's global tags (`DD_ENV`, `DD_SERVICE`,
/// `DD_VERSION`, `DD_TAGS`, `dog_http_set_global_tags()`) follow the event's own, each once.
///
/// On success `dog_response_result()` is the event id and `dog_response_id()` the same id.
/// `*out_response` (when not NULL) receives the response whenever one arrived, also on failure;
/// free it with `dog_response_free()`. Statuses: `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`,
/// `DOG_ERR_INVALID_ARGUMENT` (nothing sent), and the transport / server statuses.
#[no_mangle]
pub unsafe extern "C" fn dog_event_post(
    client: *mut DogHttp,
    title: *const c_char,
    text: *const c_char,
    date_happened: i64,
    handle: *const c_char,
    priority: *const c_char,
    related_event_id: i64,
    tags: *const c_char,
    host: *const c_char,
    device_name: *const c_char,
    aggregation_key: *const c_char,
    source_type_name: *const c_char,
    extra_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let ev = unsafe {
            Event {
                title: req_str(title, "title")?,
                text: req_str(text, "text")?,
                date_happened: (date_happened != 0).then_some(date_happened),
                handle: opt_str(handle, "handle")?,
                priority: opt_str(priority, "priority")?,
                related_event_id: (related_event_id != 0).then_some(related_event_id),
                tags: opt_str(tags, "tags")?,
                host: opt_str(host, "host")?,
                device_name: opt_str(device_name, "device_name")?,
                aggregation_key: opt_str(aggregation_key, "aggregation_key")?,
                source_type_name: opt_str(source_type_name, "source_type_name")?,
                extra: opt_str(extra_json, "extra_json")?.map(|t| parse_object("extra_json", t)).transpose()?,
            }
        };
        Ok(c.event(&ev))
    })
}

/// dogapi's `event_with_response`: exactly `dog_event_post` (dogapi returns the same id from
/// both; here the response object always carries the whole answer). A second name for one
/// call, outside the naming rule: removed one minor version after it was deprecated.
#[no_mangle]
#[deprecated(note = "use dog_event_post instead: it is the same call")]
pub unsafe extern "C" fn dog_event_with_response(
    client: *mut DogHttp,
    title: *const c_char,
    text: *const c_char,
    date_happened: i64,
    handle: *const c_char,
    priority: *const c_char,
    related_event_id: i64,
    tags: *const c_char,
    host: *const c_char,
    device_name: *const c_char,
    aggregation_key: *const c_char,
    source_type_name: *const c_char,
    extra_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    // SAFETY: same contract as dog_event_post.
    unsafe {
        dog_event_post(
            client,
            title,
            text,
            date_happened,
            handle,
            priority,
            related_event_id,
            tags,
            host,
            device_name,
            aggregation_key,
            source_type_name,
            extra_json,
            out_response,
        )
    }
}

/// Fetches one event (dogapi `get_event`): `GET /api/v1/events/{event_id}`. Result: the
/// `event` object as JSON.
#[no_mangle]
pub extern "C" fn dog_event_get(
    client: *mut DogHttp,
    event_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.get_event(event_id)))
}

/// Lists events between two POSIX times (dogapi `stream`):
/// `GET /api/v1/events?start=&end=[&priority=][&sources=][&tags=]`. `priority` (`"normal"` /
/// `"low"`), `sources` and `tags` (comma-separated) are optional (NULL). `end` before `start`
/// is `DOG_ERR_INVALID_ARGUMENT`. Result: the `events` array as JSON.
#[no_mangle]
pub unsafe extern "C" fn dog_event_list(
    client: *mut DogHttp,
    start: i64,
    end: i64,
    priority: *const c_char,
    sources: *const c_char,
    tags: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (p, s, t) =
            unsafe { (opt_str(priority, "priority")?, opt_str(sources, "sources")?, opt_str(tags, "tags")?) };
        Ok(c.stream(start, end, p, s, t))
    })
}
