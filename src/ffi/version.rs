//! `dog_version`.

use std::ffi::c_char;

/// The library's version, `"MAJOR.MINOR.PATCH"` (compare with `DOGAPI_VERSION_STRING` from the
/// header you compiled against). Static; never NULL.
#[no_mangle]
pub extern "C" fn dog_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
