#!/usr/bin/env bash
# Builds libdogapi (release), compiles the C quickstart against it and runs it.
#  - DD_API_KEY unset (or DATADOG_HOST set): against a local intake that this script starts
#    (dog-intake: a fake Datadog on 127.0.0.1 that validates every request against Datadog's
#    v1 OpenAPI spec and prints what it received).
#  - DD_API_KEY set and DATADOG_HOST unset: against real Datadog (site from DD_SITE).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked -p dogapi -p dogapi-intake
ln -sf libdogapi.so target/release/libdogapi.so.0
cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -Iinclude examples-c/quickstart.c \
   -Ltarget/release -ldogapi -Wl,-rpath,"$PWD/target/release" -o target/release/quickstart

if [ -n "${DD_API_KEY:-}" ] && [ -z "${DATADOG_HOST:-}" ]; then
    echo "DD_API_KEY is set: sending to Datadog (site ${DD_SITE:-datadoghq.com})"
    exec target/release/quickstart
fi
echo "Running the quickstart against a local intake (set DD_API_KEY to talk to Datadog)"
exec target/release/dog-intake run --strict -- target/release/quickstart
