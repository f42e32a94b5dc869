//! Sets the shared library's SONAME (`libdogapi.so.<major>`, as C libraries do).
//!
//! The header `include/dogapi.h` is not written here: a build never modifies the source tree.
//! It is regenerated on request (`scripts/gen-header.sh`, or the CMake target `header`), and
//! `tests/header_is_current.rs` fails when the committed copy differs from what cbindgen writes.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libdogapi.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
