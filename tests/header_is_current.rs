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
    let tracked = Command::new("git").args(["ls-files", "--error-unmatch", "include/dogapi.h"]).current_dir(root).output().unwrap();
    assert!(tracked.status.success(), "include/dogapi.h must be committed");
}
