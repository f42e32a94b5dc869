#!/bin/sh
# The whole test suite (what CI runs, .ci/run):
#  1. the tools it needs are present (scripts/install-deps.sh --check says what is missing and
#     how to install it); with DOGAPI_INSTALL_DEPS=1 it installs them instead (apt-get, rustup)
#  2. cargo fmt --all --check, cargo clippy --workspace --all-targets -D warnings
#  3. cargo test --workspace: unit tests, the committed header is what cbindgen writes, and
#     integration tests that drive the exported C functions against the local intake (every
#     request body validated against Datadog's v1 OpenAPI description, vendored in intake/spec/)
#  4. the dogapi method table is complete and up to date (scripts/method-table.py --check)
#  5. scripts/test-packaging.sh: CMake build with -DDOGAPI_BUILD_TESTS=ON, CTest (C tests at -O2
#     and under ASan/UBSan at -O0, valgrind, the generated NULL + invalid-UTF-8 sweep over every
#     exported function, C++ layer, header matrix, symbol and SONAME checks, C/C++/Go/Ruby/Node/
#     Python examples against the intake, install + find_package / pkg-config consumers, shared
#     and static), Doxygen reference
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
t0=$(date +%s)

if [ "${DOGAPI_INSTALL_DEPS:-0}" = 1 ]; then
    sh scripts/install-deps.sh
else
    sh scripts/install-deps.sh --check
fi
# Rust installed by rustup may not be on PATH in a non-login shell
if ! command -v cargo >/dev/null 2>&1 && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
    PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"; export PATH
fi
echo "=== cargo fmt --check"
cargo fmt --all --check
echo "=== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "=== cargo test --workspace"
cargo test --workspace --locked
echo "=== method table"
python3 scripts/method-table.py --check
echo "=== packaging, C tests and examples"
DOGAPI_SKIP_DEPS=1 sh scripts/test-packaging.sh "$root/build"
echo "=== whole suite passed in $(( $(date +%s) - t0 ))s"
