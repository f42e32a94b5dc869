#!/bin/sh
# The Doxygen reference builds and documents the C API and the C++ layer.
# Usage: check-docs.sh <scripts/build-docs.sh> <out dir>
set -eu
rm -rf "$2"
sh "$1" "$2"
html="$2/html"
[ -f "$html/index.html" ] || { echo "FAIL: no $html/index.html"; exit 1; }
grep -rlq 'dog_http_new' "$html" || { echo "FAIL: dog_http_new not documented"; exit 1; }
grep -rlq 'dogapi::http' "$html" || { echo "FAIL: dogapi::http not documented"; exit 1; }
echo "OK: $html/index.html"
