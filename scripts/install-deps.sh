#!/bin/sh
# What the whole test suite (scripts/test.sh) needs besides Rust and a C compiler:
# cmake, pkg-config, Go (cgo example), Ruby + the ffi gem (Ruby example), Doxygen (API reference),
# valgrind (memcheck variants), binutils (nm/readelf checks), g++ (C++ layer, header matrix),
# make, git, Node + npm (Node example), Python 3 (Python example, ABI sweep generator), and the
# rustfmt and clippy components of the Rust toolchain, clang + its libFuzzer/sanitizer runtime
# (fuzz/ harnesses, CTest label fuzz), and the Python package datadogpy (PyPI `datadog`), the
# reference client of the DogStatsD wire-conformance test (tests/dogstatsd_conformance.rs).
#
#   scripts/install-deps.sh --check   say what is missing and how to install it (exit 1), or
#                                     "everything present"; changes nothing
#   scripts/install-deps.sh           install what is missing: Debian packages with apt-get
#                                     (`apt-get update` first, only when something is missing;
#                                     as root, or with sudo), rustfmt/clippy with rustup
#
# scripts/test.sh runs the --check form unless DOGAPI_INSTALL_DEPS=1 (what CI sets, .ci/run).
# Idempotent; works as root without a TTY (DEBIAN_FRONTEND=noninteractive).
set -eu

check=0
case ${1:-} in
    --check) check=1 ;;
    "") ;;
    *) echo "usage: scripts/install-deps.sh [--check]" >&2; exit 2 ;;
esac

# Rust installed by rustup may not be on PATH in a non-login shell
if ! command -v cargo >/dev/null 2>&1 && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
    PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"; export PATH
fi

# command-to-check:debian-package pairs
wanted="cmake:cmake pkg-config:pkg-config go:golang-go ruby:ruby doxygen:doxygen valgrind:valgrind readelf:binutils nm:binutils g++:g++ make:make git:git node:nodejs npm:npm python3:python3 clang:clang"

missing=""
for pair in $wanted; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    if ! command -v "$cmd" >/dev/null 2>&1; then
        case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
    fi
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

# datadogpy, installed with pip (which itself may be a Debian package).
pymissing=""
if ! python3 -c 'import datadog' >/dev/null 2>&1; then
    pymissing="datadog"
    python3 -m pip --version >/dev/null 2>&1 || missing="$missing python3-pip"
fi

# Not installable by this script: the Rust toolchain and a C compiler.
fatal=""
command -v cargo >/dev/null 2>&1 || fatal="$fatal cargo (Rust >= 1.80: https://rustup.rs)"
command -v cc >/dev/null 2>&1 || fatal="$fatal cc (apt-get install gcc)"
components=""
if command -v cargo >/dev/null 2>&1; then
    cargo fmt --version >/dev/null 2>&1 || components="$components rustfmt"
    cargo clippy --version >/dev/null 2>&1 || components="$components clippy"
fi

if [ -n "$fatal" ]; then
    echo "install-deps: missing, install by hand:$fatal" >&2
    exit 1
fi
if [ -z "$missing" ] && [ -z "$components" ] && [ -z "$pymissing" ]; then
    echo "install-deps: everything present"
    exit 0
fi

if [ "$check" = 1 ]; then
    {
        echo "scripts/test.sh needs what is missing here:"
        [ -z "$missing" ] || echo "  Debian packages:$missing   (apt-get install$missing)"
        [ -z "$components" ] || echo "  Rust components:$components   (rustup component add$components)"
        [ -z "$pymissing" ] || echo "  Python package: $pymissing   (python3 -m pip install $pymissing)"
        echo "Install them with: scripts/install-deps.sh (apt-get, as root or with sudo; rustup),"
        echo "or let the suite do it: DOGAPI_INSTALL_DEPS=1 scripts/test.sh"
    } >&2
    exit 1
fi

if [ -n "$components" ]; then
    if ! command -v rustup >/dev/null 2>&1; then
        echo "install-deps: no rustup; install the Rust components$components by hand" >&2
        exit 1
    fi
    echo "install-deps: rustup component add$components"
    # shellcheck disable=SC2086
    rustup component add $components
fi

install_python() {
    [ -n "$pymissing" ] || return 0
    echo "install-deps: pip install $pymissing"
    # PEP 668 systems refuse a plain user install; the override affects this one package only.
    python3 -m pip install --quiet $pymissing 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages $pymissing
}

if [ -z "$missing" ]; then
    install_python
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
install_python
