#!/bin/sh
# End-to-end packaging test: everything the CMake build owns.
#
#   scripts/test-packaging.sh [BUILD_DIR]        (default: build-packaging)
#
#  1. checks the system tools are present (scripts/install-deps.sh --check: cmake, go, ruby+ffi,
#     doxygen, valgrind, pkg-config, ...); DOGAPI_INSTALL_DEPS=1 installs them instead (apt-get)
#  2. configures with the tests on and every one of them required (DOGAPI_BUILD_TESTS=ON,
#     DOGAPI_REQUIRE_ALL_TESTS=ON), builds (cargo release build of libdogapi + the dog-intake
#     test server + the C/C++ test programs)
#  3. runs ctest: C tests (+ASan/UBSan, valgrind), C++ layer, header matrix, nm/readelf checks,
#     examples (C, C++, Go, Ruby, Node, Python) against the intake, install + consumer projects
#     (find_package / add_subdirectory / FetchContent / pkg-config, shared and static), docs
#  4. `cmake --install` into BUILD_DIR/prefix and builds the Doxygen reference (BUILD_DIR/docs)
#
# Environment: CTEST_PARALLEL_LEVEL (default: number of CPUs), DOGAPI_INSTALL_DEPS=1 (install
# missing tools), DOGAPI_SKIP_DEPS=1 (neither check nor install: scripts/test.sh did), DOGAPI_CMAKE_ARGS (extra configure arguments), CTEST_ARGS (extra ctest
# arguments, e.g. "-LE valgrind").
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build-packaging"}
case $build in /*) ;; *) build="$(pwd)/$build" ;; esac

t0=$(date +%s)
step() { echo; echo "=== [$(( $(date +%s) - t0 ))s] $*"; }

if [ "${DOGAPI_SKIP_DEPS:-0}" = 1 ]; then
    :
elif [ "${DOGAPI_INSTALL_DEPS:-0}" = 1 ]; then
    step "install-deps"
    sh "$root/scripts/install-deps.sh"
else
    step "check deps"
    sh "$root/scripts/install-deps.sh" --check
fi
# Rust installed by rustup may not be on PATH in a non-login shell
if ! command -v cargo >/dev/null 2>&1 && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
    PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"; export PATH
fi

jobs=${CTEST_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}

step "configure ($build)"
# shellcheck disable=SC2086
cmake -S "$root" -B "$build" -DDOGAPI_BUILD_TESTS=ON -DDOGAPI_REQUIRE_ALL_TESTS=ON ${DOGAPI_CMAKE_ARGS:-}

step "build"
cmake --build "$build" --parallel "$jobs"

step "ctest"
ctest_rc=0
# shellcheck disable=SC2086
ctest --test-dir "$build" --output-on-failure --parallel "$jobs" ${CTEST_ARGS:-} || ctest_rc=$?

step "install"
rm -rf "$build/prefix"
cmake --install "$build" --prefix "$build/prefix"

step "docs"
cmake --build "$build" --target docs

if [ "$ctest_rc" -ne 0 ]; then
    step "FAILED: ctest exited $ctest_rc (install and docs above still ran); rerun failures with: ctest --test-dir $build --rerun-failed --output-on-failure"
    exit 1
fi
step "done: all packaging tests passed in $(( $(date +%s) - t0 ))s (prefix: $build/prefix, docs: $build/docs/html/index.html)"
