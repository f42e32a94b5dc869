//! Generates `include/dogapi.h` from `src/ffi` with cbindgen (the header is committed; a test
//! fails when the committed copy is stale) and sets the shared library's SONAME.

use std::env;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets the version");
    let patch = env::var("CARGO_PKG_VERSION_PATCH").expect("cargo sets the version");

    let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml is readable");
    let version = format!(
        "#define DOGAPI_VERSION_MAJOR {major}\n#define DOGAPI_VERSION_MINOR {minor}\n#define DOGAPI_VERSION_PATCH {patch}\n\
         #define DOGAPI_VERSION_STRING \"{major}.{minor}.{patch}\"\n\
         /** MAJOR * 10000 + MINOR * 100 + PATCH */\n\
         #define DOGAPI_VERSION_NUMBER ((DOGAPI_VERSION_MAJOR * 10000) + (DOGAPI_VERSION_MINOR * 100) + DOGAPI_VERSION_PATCH)\n"
    );
    config.after_includes = Some(format!("{version}{}", config.after_includes.unwrap_or_default()));

    let out = dir.join("include/dogapi.h");
    match cbindgen::Builder::new().with_config(config).with_src(dir.join("src/lib.rs")).generate() {
        // write_to_file rewrites only when the content changed.
        Ok(bindings) => {
            bindings.write_to_file(&out);
        }
        Err(e) => panic!("cbindgen failed to generate include/dogapi.h: {e}"),
    }

    // Shared library SONAME libdogapi.so.<major>, as C libraries do.
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libdogapi.so.{major}");
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=include/dogapi.h");
}
