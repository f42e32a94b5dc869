#!/bin/sh
# The whole test suite, on a fresh Debian machine as root (installs what it needs):
#  1. scripts/install-deps.sh: cmake, Go, Ruby + ffi, Doxygen, valgrind, pkg-config (if missing)
#  2. cargo test --workspace: unit tests, and integration tests that drive the exported C
#     functions against the local intake (every request body validated against Datadog's v1
#     OpenAPI description, ../shared/datadog/v1-openapi.yaml)
#  3. the dogapi method table is complete and up to date (scripts/method-table.py --check)
#  4. scripts/test-packaging.sh: CMake build, CTest (C tests plain / ASan+UBSan / valgrind, the
#     generated NULL + invalid-UTF-8 sweep over every exported function, C++ layer, header
#     matrix, symbol and SONAME checks, C/C++/Go/Ruby/Node/Python examples against the intake,
#     install + find_package / pkg-config consumers, shared and static), Doxygen reference
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
t0=$(date +%s)

sh scripts/install-deps.sh
echo "=== cargo test --workspace"
cargo test --workspace --locked
echo "=== method table"
python3 scripts/method-table.py --check
echo "=== packaging, C tests and examples"
DOGAPI_SKIP_DEPS=1 sh scripts/test-packaging.sh "$root/build"
echo "=== whole suite passed in $(( $(date +%s) - t0 ))s"
