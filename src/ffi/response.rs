//! `dog_response_t`: one API answer, owned by the caller.

use super::{handle, opt_str, value_call};
use crate::error::Error;
use crate::http::{Outcome, Response, ResultView};
use std::ffi::{c_char, CString};
use std::os::raw::c_int;

/// The opaque object behind `dog_response_t`: the core response's status and id plus its C
/// strings. The body is held once: it moves into its C string, and a result that is the
/// whole answer points at that same string.
pub struct DogResponse {
    status: u16,
    id_text: Option<String>,
    body: CString,
    /// `None` with `whole_body`: the result is the body.
    result: Option<CString>,
    whole_body: bool,
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
        let Response { status, headers, body, result, id } = inner;
        let (result, whole_body) = match result {
            Some(ResultView::WholeBody) => (None, true),
            Some(ResultView::Text(t)) => (Some(cstring(t)), false),
            None => (None, false),
        };
        DogResponse {
            status,
            // In place: the body's buffer has room for the NUL when its length was announced.
            body: cstring(body),
            result,
            whole_body,
            id: id.as_deref().map(cstring),
            id_text: id,
            headers: headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), cstring(String::from_utf8_lossy(v.as_bytes()).into_owned())))
                .collect(),
        }
    }

    fn result_ptr(&self) -> *const c_char {
        match (&self.result, self.whole_body) {
            (Some(c), _) => c.as_ptr(),
            (None, true) => self.body.as_ptr(),
            (None, false) => std::ptr::null(),
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
    with(response, 0, |r| r.status as c_int)
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
    with(response, std::ptr::null(), DogResponse::result_ptr)
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
    with(response, 0, |r| r.id_text.as_deref().and_then(|s| s.parse().ok()).unwrap_or(0))
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
