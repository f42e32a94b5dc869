//! The thread-local detail of the last failure: `dog_error_last()`.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

thread_local! {
    static LAST: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error (interior NULs become spaces).
pub(crate) fn set(message: &str) {
    let c = CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST.with(|l| *l.borrow_mut() = c);
}

/// The detail of the last failure on the calling thread: what failed and why, never containing
/// an API or application key. `""` when nothing has failed yet on this thread. The string is
/// owned by the library and stays valid until the next failing call on this thread; copy it
/// to keep it. Only meaningful right after a call returned a failure.
#[no_mangle]
pub extern "C" fn dog_error_last() -> *const c_char {
    LAST.try_with(|l| l.borrow().as_ptr()).unwrap_or(c"".as_ptr())
}
