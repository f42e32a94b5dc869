#!/bin/sh
# `cmake --install` into a fresh prefix, then check the layout.
# Usage: install-and-check.sh <cmake> <build dir> <prefix> <version> <soversion> <libdir>
set -eu
cmake=$1; build=$2; prefix=$3; version=$4; so=$5; libdir=$6
rm -rf "$prefix"
"$cmake" --install "$build" --prefix "$prefix"
lib="$prefix/$libdir"
fail=0
for f in "$lib/libdogapi.so.$version" "$lib/libdogapi.a" "$prefix/include/dogapi.h" "$prefix/include/dogapi.hpp" \
         "$lib/cmake/dogapi/dogapiConfig.cmake" "$lib/cmake/dogapi/dogapiConfigVersion.cmake" \
         "$lib/cmake/dogapi/dogapiNativeStaticLibs.cmake" "$lib/pkgconfig/dogapi.pc"; do
    [ -f "$f" ] || { echo "FAIL: missing $f"; fail=1; }
done
[ -L "$lib/libdogapi.so.$so" ] && [ -L "$lib/libdogapi.so" ] || { echo "FAIL: symlinks not installed as symlinks"; fail=1; }
[ -x "$lib/libdogapi.so.$version" ] || { echo "FAIL: shared library not executable"; fail=1; }
grep -q 'SameMajorVersion\|same major' "$lib/cmake/dogapi/dogapiConfigVersion.cmake" || true
sh "$(dirname "$0")/check-soname.sh" "$lib" "$version" "$so" || fail=1
cmp -s "$build/lib/libdogapi.a" "$lib/libdogapi.a" || { echo "FAIL: installed .a differs"; fail=1; }
[ $fail -eq 0 ] && echo "OK: installed layout in $prefix"
exit $fail
