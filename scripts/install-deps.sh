#!/bin/sh
# Installs the system packages the packaging tests need (scripts/test-packaging.sh):
# cmake, pkg-config, Go (cgo example), Ruby + the ffi gem (Ruby example), Doxygen (API reference),
# valgrind (memcheck test variant), binutils (nm/readelf checks), g++ (C++ layer, header matrix),
# clang + its libFuzzer/sanitizer runtime (fuzz/ harnesses, CTest label fuzz).
# Rust, gcc, Python 3 and Node are expected to be present already.
#
# Idempotent: installs only what is missing, runs `apt-get update` only when something is.
# Works as root without a TTY (DEBIAN_FRONTEND=noninteractive); uses sudo when not root.
set -eu

# command-to-check:debian-package pairs
wanted="cmake:cmake pkg-config:pkg-config go:golang-go ruby:ruby doxygen:doxygen valgrind:valgrind readelf:binutils g++:g++ make:make git:git clang:clang"

missing=""
for pair in $wanted; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
# The ffi gem: Debian ships it as ruby-ffi (prebuilt; no compiler or network needed).
if ! command -v ruby >/dev/null 2>&1 || ! ruby -e 'require "ffi"' >/dev/null 2>&1; then
    missing="$missing ruby-ffi"
fi

# libFuzzer and the sanitizer runtimes come in a separate package from clang itself.
if ! command -v clang >/dev/null 2>&1 || ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
        clang -x c -fsanitize=fuzzer,address - -o /dev/null >/dev/null 2>&1; then
    missing="$missing libclang-rt-dev"
fi

if [ -z "$missing" ]; then
    echo "install-deps: everything present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "install-deps: need root (or sudo) to install:$missing" >&2; exit 1
    fi
else
    SUDO=""
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: no apt-get; please install:$missing" >&2
    exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
