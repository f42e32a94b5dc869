#!/usr/bin/env bash
# Builds libdogapi (release), compiles the C quickstart against it and runs it.
#  - DD_API_KEY unset (or DATADOG_HOST set): against a local intake that this script starts
#    (dog-intake: a fake Datadog on 127.0.0.1 that validates every request against Datadog's
#    v1 OpenAPI description vendored in intake/spec/ and prints what it received).
#  - DD_API_KEY set and DATADOG_HOST unset: against real Datadog (site from DD_SITE).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked -p dogapi -p dogapi-intake
out=${CARGO_TARGET_DIR:-target}/release
case $out in /*) ;; *) out="$PWD/$out" ;; esac
# cargo names the library libdogapi.so; its SONAME (what programs look for at run time) is
# libdogapi.so.0, which cargo does not create.
ln -sf libdogapi.so "$out/libdogapi.so.0"
cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -Iinclude examples-c/quickstart.c \
   -L"$out" -ldogapi -Wl,-rpath,"$out" -o "$out/quickstart"

if [ -n "${DD_API_KEY:-}" ] && [ -z "${DATADOG_HOST:-}" ]; then
    echo "DD_API_KEY is set: sending to Datadog (site ${DD_SITE:-datadoghq.com})"
    exec "$out/quickstart"
fi
echo "Running the quickstart against a local intake (set DD_API_KEY to talk to Datadog)"
exec "$out/dog-intake" run --strict --spec intake/spec/v1-openapi.yaml -- "$out/quickstart"
