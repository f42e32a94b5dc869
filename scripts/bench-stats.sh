#!/usr/bin/env bash
# libdogapi's stats recording vs metrics-rs in the same run (bench/harness, rows explained in
# bench/STATS.md): interleaved rounds, per-library median/min/max, same-round ratios, load at
# start and end. Builds in release first (the dogapi-bench binary and libdogapi.so, which the
# "[libdogapi.so]" rows load with dlopen).
#   scripts/bench-stats.sh [harness options: --rounds N --run-ms MS --iters N --contexts N
#                           --no-flush --roll-up S --only SUBSTRING]
# Example: scripts/bench-stats.sh --rounds 12 --only '(a)'   (row (a) only, 12 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$PWD/$target ;; esac
nice cargo build --release --locked -p dogapi -p dogapi-bench >&2
exec "$target/release/dogapi-bench" --so "$target/release/libdogapi.so" "$@"
