//! `dogapi-gen-header [--check] [ROOT]`: writes `ROOT/include/dogapi.h` (ROOT: this repository)
//! from `src/ffi` with cbindgen, only when its content changes. `--check` writes nothing and
//! exits 1 when the committed header is stale. Run it as `scripts/gen-header.sh`.

use std::path::PathBuf;
use std::process::ExitCode;

use dogapi_gen_header::{default_root, first_difference, generate, HEADER};

fn main() -> ExitCode {
    let mut check = false;
    let mut root = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => check = true,
            "-h" | "--help" => {
                println!("usage: dogapi-gen-header [--check] [ROOT]   (writes ROOT/{HEADER})");
                return ExitCode::SUCCESS;
            }
            _ if root.is_none() && !arg.starts_with('-') => root = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("dogapi-gen-header: unexpected argument {arg:?} (usage: [--check] [ROOT])");
                return ExitCode::from(2);
            }
        }
    }
    let root = root.unwrap_or_else(default_root);
    let generated = match generate(&root) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("dogapi-gen-header: {e}");
            return ExitCode::FAILURE;
        }
    };
    let path = root.join(HEADER);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    match first_difference(&committed, &generated) {
        None => {
            println!("{HEADER} is up to date");
            ExitCode::SUCCESS
        }
        Some((line, have, want)) if check => {
            eprintln!("{HEADER} is stale (line {line}: {have:?}, cbindgen writes {want:?}): run scripts/gen-header.sh");
            ExitCode::FAILURE
        }
        Some(_) => match std::fs::write(&path, generated) {
            Ok(()) => {
                println!("{HEADER} regenerated");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("dogapi-gen-header: cannot write {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
    }
}
