//! Generates libdogapi's C header, `include/dogapi.h`, from `src/ffi` with cbindgen and the
//! settings in `cbindgen.toml`, plus the `DOGAPI_VERSION_*` macros from `Cargo.toml`.
//!
//! One function for the two users: the `dogapi-gen-header` program (`scripts/gen-header.sh`,
//! CMake target `header`) writes the header, and `tests/header_is_current.rs` compares the
//! committed header with what this returns.

use std::fs;
use std::path::{Path, PathBuf};

/// The committed header, relative to the repository root.
pub const HEADER: &str = "include/dogapi.h";

/// The repository this tool belongs to (its source directory is `<root>/tools/gen-header`).
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `[package] version = "x.y.z"` of `<root>/Cargo.toml` as (major, minor, patch).
pub fn package_version(root: &Path) -> Result<(u32, u32, u32), String> {
    let path = root.join("Cargo.toml");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut in_package = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if let Some(rest) = line.strip_prefix("version").filter(|_| in_package) {
            let value = rest.trim_start().strip_prefix('=').map(|v| v.trim().trim_matches('"'));
            let parts: Vec<u32> = value.unwrap_or("").split('.').map_while(|p| p.parse().ok()).collect();
            if let [major, minor, patch] = parts[..] {
                return Ok((major, minor, patch));
            }
            return Err(format!("{}: [package] version is not x.y.z: {line}", path.display()));
        }
    }
    Err(format!("{}: no [package] version", path.display()))
}

/// The header cbindgen writes for the crate at `root`, as text.
pub fn generate(root: &Path) -> Result<String, String> {
    let (major, minor, patch) = package_version(root)?;
    let mut config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).map_err(|e| format!("cbindgen.toml: {e}"))?;
    let version = format!(
        "#define DOGAPI_VERSION_MAJOR {major}\n#define DOGAPI_VERSION_MINOR {minor}\n#define DOGAPI_VERSION_PATCH {patch}\n\
         #define DOGAPI_VERSION_STRING \"{major}.{minor}.{patch}\"\n\
         /** MAJOR * 10000 + MINOR * 100 + PATCH */\n\
         #define DOGAPI_VERSION_NUMBER ((DOGAPI_VERSION_MAJOR * 10000) + (DOGAPI_VERSION_MINOR * 100) + DOGAPI_VERSION_PATCH)\n"
    );
    config.after_includes = Some(format!("{version}{}", config.after_includes.unwrap_or_default()));
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/lib.rs"))
        .generate()
        .map_err(|e| format!("cbindgen: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).map_err(|e| format!("cbindgen wrote invalid UTF-8: {e}"))
}

/// The first line where `committed` and `generated` differ (1-based) with both versions of it,
/// for a readable failure message; `None` when they are equal.
pub fn first_difference(committed: &str, generated: &str) -> Option<(usize, String, String)> {
    if committed == generated {
        return None;
    }
    let (mut a, mut b) = (committed.lines(), generated.lines());
    let mut n = 0;
    loop {
        n += 1;
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (None, None) => return Some((n, "(line endings differ)".into(), String::new())),
            (x, y) => return Some((n, x.unwrap_or("(end of file)").into(), y.unwrap_or("(end of file)").into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(first_difference("a\nb\n", "a\nc\n"), Some((2, "b".into(), "c".into())));
        assert_eq!(first_difference("a\n", "a\nb\n"), Some((2, "(end of file)".into(), "b".into())));
    }

    #[test]
    fn reads_the_package_version_only() {
        let dir = std::env::temp_dir().join(format!("dogapi-gen-header-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let toml = "[workspace]\nversion = \"9.9.9\"\n[package]\nname = \"x\"\nversion = \"1.22.333\"\n";
        fs::write(dir.join("Cargo.toml"), toml).unwrap();
        assert_eq!(package_version(&dir), Ok((1, 22, 333)));
        fs::write(dir.join("Cargo.toml"), "[package]\nversion = \"1.2\"\n").unwrap();
        assert!(package_version(&dir).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
