#!/bin/sh
# Builds the Go example: build.sh OUTPUT
# cgo finds the header and the library through CGO_CFLAGS / CGO_LDFLAGS, e.g.
#   CGO_CFLAGS="$(pkg-config --cflags dogapi)" CGO_LDFLAGS="$(pkg-config --libs dogapi)" ./build.sh dogapi-example
set -eu
out=$1
cd "$(dirname "$0")"
rm -f "$out"
exec go build -o "$out" .
