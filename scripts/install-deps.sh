#!/bin/sh
# Installs the system packages the packaging tests need (scripts/test-packaging.sh):
# cmake, pkg-config, Go (cgo example), Ruby + the ffi gem (Ruby example), Doxygen (API reference),
# valgrind (memcheck test variant), binutils (nm/readelf checks), g++ (C++ layer, header matrix).
# Rust, gcc, Python 3 and Node are expected to be present already.
# Python package: datadogpy (PyPI `datadog`), the reference client of the DogStatsD
# wire-conformance test (tests/dogstatsd_conformance.rs skips without it).
#
# Idempotent: installs only what is missing, runs `apt-get update` only when something is.
# Works as root without a TTY (DEBIAN_FRONTEND=noninteractive); uses sudo when not root.
set -eu

# command-to-check:debian-package pairs
wanted="cmake:cmake pkg-config:pkg-config go:golang-go ruby:ruby doxygen:doxygen valgrind:valgrind readelf:binutils g++:g++ make:make git:git"

missing=""
for pair in $wanted; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
# The ffi gem: Debian ships it as ruby-ffi (prebuilt; no compiler or network needed).
if ! command -v ruby >/dev/null 2>&1 || ! ruby -e 'require "ffi"' >/dev/null 2>&1; then
    missing="$missing ruby-ffi"
fi

# datadogpy for the DogStatsD wire-conformance test (user-level pip; PEP 668 systems need the
# explicit override, which only affects this one package).
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import datadog' >/dev/null 2>&1; then
    echo "install-deps: pip install datadog"
    python3 -m pip install --quiet datadog 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages datadog \
        || echo "install-deps: could not pip install datadog (conformance test will skip)" >&2
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
