#!/bin/sh
# The shared library exports only dog_* functions (and at least dog_version); the static
# archive defines them too. Usage: check-symbols.sh <libdogapi.so.X.Y.Z> <libdogapi.a>
set -eu
so=$1; a=$2
syms=$(nm -D --defined-only "$so" | awk 'NF >= 3 { print $3 }')
count=$(printf '%s\n' "$syms" | grep -c . || true)
bad=$(printf '%s\n' "$syms" | grep -v '^dog_' | grep . || true)
if [ -n "$bad" ]; then
    echo "FAIL: $so exports symbols without the dog_ prefix:"; printf '  %s\n' $bad; exit 1
fi
printf '%s\n' "$syms" | grep -qx dog_version || { echo "FAIL: dog_version not exported"; exit 1; }
# every exported function is also in the static archive
missing=""
archive=$(nm -g --defined-only "$a" 2>/dev/null | awk 'NF >= 3 && $3 ~ /^dog_/ { print $3 }' | sort -u)
for s in $syms; do
    printf '%s\n' "$archive" | grep -qx "$s" || missing="$missing $s"
done
[ -z "$missing" ] || { echo "FAIL: missing from $a:$missing"; exit 1; }
echo "OK: $count exported symbols, all dog_*, all in the static archive"
