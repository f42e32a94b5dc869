#!/bin/sh
# SONAME, symlinks and no embedded RPATH. Usage: check-soname.sh <libdir> <version> <soversion>
set -eu
dir=$1; version=$2; so=$3
real="$dir/libdogapi.so.$version"
soname=$(readelf -d "$real" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
[ "$soname" = "libdogapi.so.$so" ] || { echo "FAIL: SONAME is '$soname', want libdogapi.so.$so"; exit 1; }
if readelf -d "$real" | grep -Eq '\((RPATH|RUNPATH)\)'; then echo "FAIL: $real has an RPATH/RUNPATH"; exit 1; fi
[ "$(readlink "$dir/libdogapi.so.$so")" = "libdogapi.so.$version" ] || { echo "FAIL: libdogapi.so.$so symlink"; exit 1; }
[ "$(readlink "$dir/libdogapi.so")" = "libdogapi.so.$so" ] || { echo "FAIL: libdogapi.so symlink"; exit 1; }
echo "OK: SONAME $soname; libdogapi.so -> libdogapi.so.$so -> libdogapi.so.$version"
