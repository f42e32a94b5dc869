#!/bin/sh
# Configure and build the consumer project from scratch.
# Usage: build-consumer.sh <cmake> <consumer source> <build dir> [-D...]
set -eu
cmake=$1; src=$2; build=$3; shift 3
rm -rf "$build"
"$cmake" -S "$src" -B "$build" "$@"
"$cmake" --build "$build"
