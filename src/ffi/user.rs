//! Users: the deprecated `dog_user_invite` (dogapi `invite`) and its replacement
//! `dog_user_create` (`/api/v2/users`).

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{opt_str, req_str};
use std::ffi::c_char;

/// Invites users (dogapi `invite`): `POST /api/v1/invite_users` with body `{"emails":[...]}`.
///
/// `emails`: one address or several, comma-separated (`"a@x.com,b@y.com"`); empty, or an entry
/// without `@`, is `DOG_ERR_INVALID_ARGUMENT`. Gone from today's API: use `dog_user_create`
/// (`POST /api/v2/users`, which sends the invitation e-mail). On success
/// `dog_response_result()` is the `emails` array (dogapi's formatter). `*out_response` (when
/// not NULL) receives the response whenever one arrived, also on failure; free it with
/// `dog_response_free()`. Statuses: `DOG_OK`, `DOG_ERR_NULL_ARGUMENT`,
/// `DOG_ERR_INVALID_ARGUMENT` (nothing sent), and the transport / server statuses.
#[deprecated(
    note = "use dog_user_create instead: POST /api/v1/invite_users is deprecated; users are created through /api/v2/users"
)]
#[no_mangle]
pub unsafe extern "C" fn dog_user_invite(
    client: *mut DogHttp,
    emails: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let e = unsafe { req_str(emails, "emails")? };
        Ok(c.invite(e))
    })
}

/// Creates (and invites) a user through today's API (replacement of `dog_user_invite`):
/// `POST /api/v2/users` with `{"data":{"type":"users","attributes":{"email"[,"name"][,"title"]}}}`.
///
/// `email`: one address (required). `name`, `title`: NULL or `""` to omit. On success
/// `dog_response_result()` is the user (`data`) as JSON and `dog_response_id()` its id.
/// Ownership and statuses as for `dog_user_invite`.
#[no_mangle]
pub unsafe extern "C" fn dog_user_create(
    client: *mut DogHttp,
    email: *const c_char,
    name: *const c_char,
    title: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let (e, n, t) = unsafe { (req_str(email, "email")?, opt_str(name, "name")?, opt_str(title, "title")?) };
        Ok(c.create_user(e, n, t))
    })
}
