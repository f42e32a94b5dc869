#!/bin/sh
# Shared consumers need libdogapi.so.<major>; static ones must not need libdogapi at all.
# Usage: check-linkage.sh <consumer build dir> <soversion>
set -eu
dir=$1; so=$2
for exe in consumer_c_shared consumer_cpp_shared; do
    readelf -d "$dir/$exe" | grep -q "NEEDED.*\[libdogapi.so.$so\]" || { echo "FAIL: $exe does not need libdogapi.so.$so"; exit 1; }
done
for exe in consumer_c_static consumer_cpp_static; do
    if readelf -d "$dir/$exe" | grep -q 'NEEDED.*libdogapi'; then echo "FAIL: $exe links libdogapi dynamically"; exit 1; fi
done
echo "OK: shared consumers need libdogapi.so.$so, static ones are self-contained"
