#!/usr/bin/env bash
# Builds libdogapi (release), compiles the C quickstart against it and runs it.
#  - DD_API_KEY unset (or DATADOG_HOST set): against a local intake that this script starts
#    (dog-intake: a fake Datadog on 127.0.0.1 that validates every request against Datadog's
#    v1 OpenAPI description vendored in intake/spec/ and prints what it received).
#  - DD_API_KEY set and DATADOG_HOST unset: against real Datadog (site from DD_SITE).
# scripts/demo.sh --agent: the fleet path instead: examples-c/stats_agent.c sends its metrics,
# an event and a service check over DogStatsD (no API key) to the Datadog Agent named by
# DD_DOGSTATSD_URL / DD_AGENT_HOST, or, when neither is set, to a local DogStatsD listener of
# the intake (Unix datagram socket) that parses every line with the Agent's grammar and prints
# the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
case $mode in ""|--agent) ;; *) echo "usage: scripts/demo.sh [--agent]" >&2; exit 2 ;; esac

cargo build --release --locked -p dogapi -p dogapi-intake
out=${CARGO_TARGET_DIR:-target}/release
case $out in /*) ;; *) out="$PWD/$out" ;; esac
# cargo names the library libdogapi.so; its SONAME (what programs look for at run time) is
# libdogapi.so.0, which cargo does not create.
ln -sf libdogapi.so "$out/libdogapi.so.0"
cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -Iinclude examples-c/quickstart.c \
   -L"$out" -ldogapi -Wl,-rpath,"$out" -o "$out/quickstart"

if [ "$mode" = --agent ]; then
    cc -std=c99 -O2 -Wall -Wextra -Werror -pedantic -Iinclude examples-c/stats_agent.c \
       -L"$out" -ldogapi -Wl,-rpath,"$out" -o "$out/stats_agent"
    if [ -n "${DD_DOGSTATSD_URL:-}${DD_AGENT_HOST:-}" ]; then
        echo "Sending to the Datadog Agent at ${DD_DOGSTATSD_URL:-$DD_AGENT_HOST:${DD_DOGSTATSD_PORT:-8125}}"
        exec "$out/stats_agent"
    fi
    echo "Running the Agent example against a local DogStatsD listener (set DD_AGENT_HOST for a real Agent)"
    exec "$out/dog-intake" run --strict --dogstatsd unixgram --spec intake/spec/v1-openapi.yaml -- "$out/stats_agent"
fi
if [ -n "${DD_API_KEY:-}" ] && [ -z "${DATADOG_HOST:-}" ]; then
    echo "DD_API_KEY is set: sending to Datadog (site ${DD_SITE:-datadoghq.com})"
    exec "$out/quickstart"
fi
echo "Running the quickstart against a local intake (set DD_API_KEY to talk to Datadog)"
exec "$out/dog-intake" run --strict --spec intake/spec/v1-openapi.yaml -- "$out/quickstart"
