//! The C ABI: one file per C type or API resource. This layer converts C arguments (NULL
//! checks, UTF-8, finite numbers), runs every call inside the panic boundary, maps errors to
//! `dog_status_t` and hands out owned objects. The logic lives in the Rust core.
//!
//! Clippy's `missing_safety_doc` is off here: each exported `unsafe fn` states its contract for
//! C callers (valid handles, NUL-terminated UTF-8 strings, who owns what) in its doc comment,
//! which cbindgen copies into `dogapi.h`; a Rust `# Safety` heading there would only add noise.

#![allow(clippy::missing_safety_doc)]

pub mod alert;
pub mod comment;
pub mod dashboard;
pub mod downtime;
pub mod event;
pub mod host;
pub mod http;
pub mod last_error;
pub mod log;
pub mod metric;
pub mod monitor;
pub mod renamed;
pub mod request;
pub mod response;
pub mod screenboard;
pub mod search;
pub mod service_check;
pub mod snapshot;
pub mod stats;
pub mod stats_distribution;
pub mod stats_event;
pub mod stats_handle;
pub mod stats_options;
pub mod stats_telemetry;
pub mod status;
pub mod tags;
pub mod user;
pub mod version;

use crate::error::{Error, ErrorKind};
use status::{dog_status_t, status_of, DOG_ERR_INTERNAL, DOG_OK};
use std::any::Any;
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn panic_message(p: &(dyn Any + Send)) -> String {
    let detail = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("internal error (caught panic): {detail}")
}

/// Runs a fallible call inside the panic boundary; a failure sets `dog_error_last()`.
pub(crate) fn status_call(f: impl FnOnce() -> Result<(), Error>) -> dog_status_t {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => DOG_OK,
        Ok(Err(e)) => {
            last_error::set(&e.message);
            status_of(e.kind)
        }
        Err(p) => {
            last_error::set(&panic_message(p.as_ref()));
            DOG_ERR_INTERNAL
        }
    }
}

/// Runs a call that answers with a flag inside the panic boundary; a panic gives `false`.
#[inline(always)]
pub(crate) fn flag_call(f: impl FnOnce() -> bool) -> bool {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(false)
}

/// Runs a constructor inside the panic boundary; failure gives NULL and sets the last error.
pub(crate) fn ptr_call<T>(f: impl FnOnce() -> Result<*mut T, Error>) -> *mut T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => {
            last_error::set(&e.message);
            std::ptr::null_mut()
        }
        Err(p) => {
            last_error::set(&panic_message(p.as_ref()));
            std::ptr::null_mut()
        }
    }
}

/// Runs an infallible call (getter, free) inside the panic boundary; `default` on panic.
pub(crate) fn value_call<T>(default: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(p) => {
            last_error::set(&panic_message(p.as_ref()));
            default
        }
    }
}

pub(crate) fn null_arg(name: &str) -> Error {
    Error::new(ErrorKind::NullArgument, format!("{name} is NULL"))
}

/// A required C string argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn req_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Error> {
    opt_str(p, name)?.ok_or_else(|| null_arg(name))
}

/// An optional C string argument: NULL is `None`.
///
/// # Safety
/// As [`req_str`].
pub(crate) unsafe fn opt_str<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller promises a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    std::str::from_utf8(bytes).map(Some).map_err(|_| Error::invalid(format!("{name} is not valid UTF-8")))
}

/// A finite number argument.
pub(crate) fn finite(x: f64, name: &str) -> Result<f64, Error> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Error::invalid(format!("{name} must be a finite number, got {x}")))
    }
}

/// A handle argument.
///
/// # Safety
/// `p` is NULL or a live handle of type `T` from this library.
pub(crate) unsafe fn handle<'a, T>(p: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: the caller promises a live handle.
    unsafe { p.as_ref() }.ok_or_else(|| null_arg(name))
}
