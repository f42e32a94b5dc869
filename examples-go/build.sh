#!/bin/sh
# Builds the Go example: build.sh OUTPUT [DOGAPI_H]
# Adds -tags dogapi_stats when dogapi.h has the stats API. cgo finds the header and the library
# through CGO_CFLAGS / CGO_LDFLAGS, e.g.
#   CGO_CFLAGS="$(pkg-config --cflags dogapi)" CGO_LDFLAGS="$(pkg-config --libs dogapi)" ./build.sh dogapi-example /usr/local/include/dogapi.h
set -eu
out=$1
header=${2:-}
tags=""
if [ -n "$header" ] && grep -q DOG_STATS_TIMED "$header"; then
    tags=dogapi_stats
fi
cd "$(dirname "$0")"
rm -f "$out"
exec go build -tags "$tags" -o "$out" .
