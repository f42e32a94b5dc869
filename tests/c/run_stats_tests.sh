#!/bin/sh
# Builds and runs the stats C tests against a fresh intake each (the lead wires these into CTest).
#   tests/c/run_stats_tests.sh            # debug library (cargo build; cargo build -p dogapi-intake)
#   SAN=1 tests/c/run_stats_tests.sh      # also under ASan/UBSan
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=${CARGO_TARGET_DIR:-$ROOT/target}/debug
ln -sf libdogapi.so "$T/libdogapi.so.0"
CFLAGS="-std=c11 -Wall -Wextra -Werror -pedantic -g -I$ROOT/include -I$ROOT/tests/c"
[ "${SAN:-0}" = 1 ] && CFLAGS="$CFLAGS -fsanitize=address,undefined -fno-omit-frame-pointer"
OUT=$(mktemp -d)
rc=0
for t in test_stats test_stats_fork; do
    cc $CFLAGS "$ROOT/tests/c/$t.c" -o "$OUT/$t" -L"$T" -ldogapi -lpthread -lm -Wl,-rpath,"$T"
    "$T/dog-intake" run --quiet -- "$OUT/$t" || rc=1
done
rm -rf "$OUT"
exit $rc
