//! The committed include/dogapi.h must be what cbindgen generates from src/ffi (the same
//! generator `scripts/gen-header.sh` runs), byte for byte; no git needed.

use std::path::Path;

#[test]
fn committed_header_matches_the_generated_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = dogapi_gen_header::generate(root).expect("cbindgen generates the header");
    let committed = std::fs::read_to_string(root.join(dogapi_gen_header::HEADER))
        .expect("include/dogapi.h is part of the repository");
    if let Some((line, have, want)) = dogapi_gen_header::first_difference(&committed, &generated) {
        panic!(
            "include/dogapi.h is stale: run scripts/gen-header.sh and commit the header\n\
             first difference, line {line}:\n  committed: {have}\n  generated: {want}"
        );
    }
}

#[test]
fn header_carries_the_crate_version() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/dogapi.h")).unwrap();
    let want = format!("#define DOGAPI_VERSION_STRING \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(header.contains(&want), "include/dogapi.h lacks {want}");
}

#[test]
fn header_only_defines_prefixed_names() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/dogapi.h")).unwrap();
    let stray: Vec<&str> = header
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("#define "))
        .map(|rest| rest.split([' ', '(']).next().unwrap_or(""))
        .filter(|name| !name.starts_with("DOG_") && !name.starts_with("DOGAPI_"))
        .collect();
    assert!(
        stray.is_empty(),
        "macros without the DOG_/DOGAPI_ prefix leak into users' programs: {stray:?} (make the Rust const pub(crate))"
    );
}
