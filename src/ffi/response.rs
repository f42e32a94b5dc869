//! `dog_response_t`: one API answer, owned by the caller.

use super::{handle, opt_str, value_call};
use crate::error::Error;
use crate::http::{Outcome, Response};
use std::ffi::{c_char, CString};
use std::os::raw::c_int;

/// The opaque object behind `dog_response_t`: the core response plus its C strings.
pub struct DogResponse {
    inner: Response,
    body: CString,
    result: Option<CString>,
    id: Option<CString>,
    headers: Vec<(String, CString)>,
}

fn cstring(s: impl Into<Vec<u8>>) -> CString {
    let mut v: Vec<u8> = s.into();
    v.retain(|&b| b != 0);
    CString::new(v).expect("NULs were removed")
}

impl DogResponse {
    pub(crate) fn new(inner: Response) -> DogResponse {
        DogResponse {
            body: cstring(inner.body.clone()),
            result: inner.result.as_ref().map(|v| cstring(v.to_string())),
            id: inner.id.as_deref().map(cstring),
            headers: inner.headers.iter().map(|(k, v)| (k.clone(), cstring(v.as_str()))).collect(),
            inner,
        }
    }
}

/// Hands the response (if one arrived) to `*out_response` (when `out_response` is not NULL;
/// `*out_response` becomes NULL when no response arrived) and returns the call's error.
///
/// # Safety
/// `out_response` is NULL or writable.
pub(crate) unsafe fn deliver(outcome: Outcome, out_response: *mut *mut DogResponse) -> Result<(), Error> {
    if !out_response.is_null() {
        let p = outcome.response.map(|r| Box::into_raw(Box::new(DogResponse::new(r)))).unwrap_or(std::ptr::null_mut());
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { *out_response = p };
    }
    match outcome.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn with<T: Copy>(r: *const DogResponse, default: T, f: impl FnOnce(&DogResponse) -> T) -> T {
    value_call(default, || {
        // SAFETY: NULL or a live response (caller's contract).
        match unsafe { handle(r, "response") } {
            Ok(r) => f(r),
            Err(_) => default,
        }
    })
}

/// The HTTP status code (e.g. 202); 0 for NULL.
#[no_mangle]
pub extern "C" fn dog_response_status(response: *const DogResponse) -> c_int {
    with(response, 0, |r| r.inner.status as c_int)
}

/// The raw body as received (NUL-terminated; any NUL bytes inside were dropped). Owned by the
/// response. NULL for NULL.
#[no_mangle]
pub extern "C" fn dog_response_body(response: *const DogResponse) -> *const c_char {
    with(response, std::ptr::null(), |r| r.body.as_ptr())
}

/// Length in bytes of `dog_response_body()` (without the terminating NUL); 0 for NULL.
#[no_mangle]
pub extern "C" fn dog_response_body_len(response: *const DogResponse) -> usize {
    with(response, 0, |r| r.body.as_bytes().len())
}

/// dogapi's return value as JSON text: the part of the answer dogapi's formatter picks (for
/// `dog_event_post` the event id, e.g. `"7"`; for `dog_event_get` the event object), or the
/// whole answer when `json_responses` is on. NULL when the call failed, the answer was empty
/// (and `json_responses` is off), or `response` is NULL. Owned by the response.
#[no_mangle]
pub extern "C" fn dog_response_result(response: *const DogResponse) -> *const c_char {
    with(response, std::ptr::null(), |r| r.result.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()))
}

/// The id of what the call created (event, monitor, dashboard, ...) as text (`"1234"`,
/// `"abc-def-ghi"`), or NULL when the call creates nothing or failed. Owned by the response.
#[no_mangle]
pub extern "C" fn dog_response_id(response: *const DogResponse) -> *const c_char {
    with(response, std::ptr::null(), |r| r.id.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()))
}

/// The created id as an integer, or 0 when there is none or it is not an integer.
#[no_mangle]
pub extern "C" fn dog_response_id_int(response: *const DogResponse) -> i64 {
    with(response, 0, |r| r.inner.id.as_deref().and_then(|s| s.parse().ok()).unwrap_or(0))
}

/// The value of a response header (case-insensitive name, e.g. `"Retry-After"`), or NULL when
/// absent or an argument is NULL / not UTF-8. Owned by the response.
#[no_mangle]
pub unsafe extern "C" fn dog_response_header(response: *const DogResponse, name: *const c_char) -> *const c_char {
    with(response, std::ptr::null(), |r| {
        // SAFETY: C string from the caller.
        match unsafe { opt_str(name, "name") } {
            Ok(Some(n)) => {
                r.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map_or(std::ptr::null(), |(_, v)| v.as_ptr())
            }
            _ => std::ptr::null(),
        }
    })
}

/// Frees a response and every string it handed out. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn dog_response_free(response: *mut DogResponse) {
    value_call((), || {
        if !response.is_null() {
            // SAFETY: a response from this library, freed once (caller's contract).
            drop(unsafe { Box::from_raw(response) });
        }
    })
}
