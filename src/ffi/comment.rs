//! Comments (deprecated, `/api/v1/comments`): `dog_comment_post`, `dog_comment_update`,
//! `dog_comment_delete`. Today a comment is an event posted with `related_event_id`.

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use std::ffi::c_char;

/// Posts a comment (dogapi `comment`): `POST /api/v1/comments` with
/// `{"handle","message"[,"related_event_id"]}`.
///
/// `message` is required and not empty; `handle` NULL leaves it out (the server uses the key's
/// user); `related_event_id` 0 leaves it out (a new thread), otherwise the comment replies to
/// that event. On success `dog_response_result()` and `dog_response_id()` are the comment id
/// (dogapi's `x["comment"]["id"]`). `/comments` is gone from today's API: post an event with
/// `related_event_id` through `dog_event_post()`. `*out_response` (when not NULL) receives the
/// response whenever one arrived, also on failure; free it with `dog_response_free()`.
/// Statuses: `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`, `DOG_ERR_INVALID_ARGUMENT` (nothing sent), and
/// the transport / server statuses.
#[deprecated(
    note = "use dog_event_post with related_event_id instead: /api/v1/comments is gone from today's Datadog API"
)]
#[no_mangle]
pub unsafe extern "C" fn dog_comment_post(
    client: *mut DogHttp,
    handle: *const c_char,
    message: *const c_char,
    related_event_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (h, m) = unsafe { (opt_str(handle, "handle")?, req_str(message, "message")?) };
        Ok(c.comment(h, m, (related_event_id != 0).then_some(related_event_id)))
    })
}

/// Edits a comment (dogapi `update_comment`): `PUT /api/v1/comments/{comment_id}` with
/// `{"handle","message"}` (`handle` NULL leaves it out). Result and id: the comment id.
/// Ownership and statuses as `dog_comment_post()`.
#[deprecated(
    note = "use dog_event_post with related_event_id instead (events cannot be edited): /api/v1/comments is gone from today's Datadog API"
)]
#[no_mangle]
pub unsafe extern "C" fn dog_comment_update(
    client: *mut DogHttp,
    comment_id: i64,
    handle: *const c_char,
    message: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (h, m) = unsafe { (opt_str(handle, "handle")?, req_str(message, "message")?) };
        Ok(c.update_comment(comment_id, h, m))
    })
}

/// Deletes a comment (dogapi `delete_comment`): `DELETE /api/v1/comments/{comment_id}`.
/// Result: the answer as JSON (NULL for an empty answer unless `json_responses` is on).
#[deprecated(
    note = "events posted with dog_event_post cannot be deleted through the API: DELETE /api/v1/comments is gone from today's Datadog API"
)]
#[no_mangle]
pub extern "C" fn dog_comment_delete(
    client: *mut DogHttp,
    comment_id: i64,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| Ok(c.delete_comment(comment_id)))
}
