//! The committed include/dogapi.h must be what cbindgen generates from src/ffi: build.rs
//! regenerates it on every build, so a stale committed copy shows up as a diff here.

use std::process::Command;

#[test]
fn committed_header_matches_the_generated_one() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("git")
        .args(["diff", "--exit-code", "--stat", "--", "include/dogapi.h"])
        .current_dir(root)
        .output()
        .expect("git is needed to compare the generated header with the committed one");
    assert!(
        out.status.success(),
        "include/dogapi.h differs from the committed copy: regenerate (cargo build) and commit it\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let tracked = Command::new("git")
        .args(["ls-files", "--error-unmatch", "include/dogapi.h"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(tracked.status.success(), "include/dogapi.h must be committed");
}

#[test]
fn header_only_defines_prefixed_names() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/dogapi.h")).unwrap();
    let stray: Vec<&str> = header
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("#define "))
        .map(|rest| rest.split(|c: char| c == ' ' || c == '(').next().unwrap_or(""))
        .filter(|name| !name.starts_with("DOG_") && !name.starts_with("DOGAPI_"))
        .collect();
    assert!(
        stray.is_empty(),
        "macros without the DOG_/DOGAPI_ prefix leak into users' programs: {stray:?} (make the Rust const pub(crate))"
    );
}
