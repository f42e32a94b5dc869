#!/usr/bin/env bash
# DogStatsD sink benchmark (bench/dogstatsd_bench.c, results in bench/DOGSTATSD.md): recording
# cost HTTP sink vs DogStatsD sink, flush throughput to a local UDP / Unix datagram / Unix
# stream listener (a child process of the bench), packed histogram values.
#   [RUNS=1] scripts/bench-dogstatsd.sh [all|a|b|c]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
target=${CARGO_TARGET_DIR:-$PWD/target}
nice cargo build --release --locked -p dogapi >/dev/null
ln -sf libdogapi.so "$target/release/libdogapi.so.0"
cc -O2 -g -std=c11 -Wall -Wextra -Iinclude bench/dogstatsd_bench.c -L"$target/release" -ldogapi -lpthread \
   -Wl,-rpath,"$target/release" -o "$target/release/dogstatsd_bench"
for i in $(seq "${RUNS:-1}"); do
    echo "== run $i: $(date -u +%H:%M:%S) UTC; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); uptime:$(uptime | sed 's/.*load/ load/')"
    "$target/release/dogstatsd_bench" "$what"
done
