#!/bin/sh
# Builds the HTML API reference with Doxygen from the header comments.
#   scripts/build-docs.sh [OUT_DIR]      (default build/docs; open OUT_DIR/html/index.html)
# Needs doxygen (scripts/install-deps.sh installs it).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build/docs}
case $out in /*) ;; *) out="$(pwd)/$out" ;; esac
version=$(sed -n '/^\[package\]/,/^\[/ s/^version *= *"\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)
mkdir -p "$out"
cd "$root"
{ cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = \"$out\""; echo "PROJECT_NUMBER = $version"; } | doxygen -
echo "API reference: $out/html/index.html"
