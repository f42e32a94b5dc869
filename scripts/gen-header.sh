#!/bin/sh
# Regenerates include/dogapi.h from src/ffi with cbindgen (tools/gen-header). Run it after
# changing anything exported (a function, its doc comment, a type, a constant) and commit the
# header with the change; `cargo test --test header_is_current` fails while it is stale.
#   scripts/gen-header.sh            write include/dogapi.h (only if its content changes)
#   scripts/gen-header.sh --check    exit 1 if the committed header is stale, write nothing
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exec cargo run --quiet --locked --manifest-path "$root/Cargo.toml" -p dogapi-gen-header -- "$@" "$root"
