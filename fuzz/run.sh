#!/bin/sh
# Builds the libFuzzer harnesses in fuzz/ with clang (-fsanitize=fuzzer,address,undefined)
# against the shared library and runs each for a bounded number of inputs.
#
#   fuzz/run.sh INCLUDE_DIR LIB_DIR OUT_DIR [RUNS [HARNESS]]   (RUNS default 20000; HARNESS
#                                                               e.g. fuzz_response: only that one)
#
# Exits 77 (CTest: skipped) with a message when clang or its libFuzzer runtime is missing
# (Debian: apt-get install clang libclang-rt-dev, or scripts/install-deps.sh).
# Corpora grow in OUT_DIR/corpus-<harness>; crashes are written to OUT_DIR as crash-*.
set -eu
inc=$1; lib=$2; out=$3; runs=${4:-20000}; only=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
CLANG=${CLANG:-clang}
mkdir -p "$out"
if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "SKIP: clang not found (apt-get install clang libclang-rt-dev)"; exit 77
fi
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > "$out/probe.c"
if ! "$CLANG" -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" >/dev/null 2>&1; then
    echo "SKIP: $CLANG cannot link -fsanitize=fuzzer (install libclang-rt-dev)"; exit 77
fi
# The library is uninstrumented Rust (release); ASan/UBSan instrument the harness and see
# every malloc/free of the library. Leak checks off: the harnesses keep one client alive.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export RUST_BACKTRACE=0
status=0
for src in "$here"/fuzz_*.c; do
    name=$(basename "$src" .c)
    if [ -n "$only" ] && [ "$only" != "$name" ]; then continue; fi
    "$CLANG" -g -O1 -Wno-deprecated-declarations -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$inc" -I"$here" "$src" -L"$lib" -ldogapi -Wl,-rpath,"$lib" -lpthread -o "$out/$name"
    mkdir -p "$out/corpus-$name"
    echo "== $name: $runs inputs"
    # -timeout: one input taking > 10 s is a hang; a panic message on stderr fails the run
    if ! "$out/$name" -runs="$runs" -timeout=10 -max_len=4096 -artifact_prefix="$out/" \
            "$out/corpus-$name" "$here/corpus/$name" 2>"$out/$name.log"; then
        tail -40 "$out/$name.log"; status=1
    elif grep -q "panicked at" "$out/$name.log"; then
        grep -B2 -A5 "panicked at" "$out/$name.log" | head -40; echo "FAIL: $name: a panic was printed"; status=1
    else
        tail -2 "$out/$name.log"
    fi
done
exit $status
