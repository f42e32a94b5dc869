#!/bin/sh
# Build a consumer with nothing but `cc $(pkg-config --cflags --libs dogapi)`.
# Usage: build-pkg-config-consumer.sh <prefix> <libdir> <out dir> <version>   (env PKG_CONFIG, CC)
set -eu
prefix=$1; libdir=$2; out=$3; version=$4
PKG_CONFIG=${PKG_CONFIG:-pkg-config}; CC=${CC:-cc}
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
here=$(cd "$(dirname "$0")" && pwd)
got=$($PKG_CONFIG --modversion dogapi)
[ "$got" = "$version" ] || { echo "FAIL: pkg-config --modversion gave '$got', want $version"; exit 1; }
$PKG_CONFIG --libs --static dogapi | grep -q -- '-lpthread' || { echo "FAIL: Libs.private missing from --static"; exit 1; }
mkdir -p "$out"
set -x
# shellcheck disable=SC2046
$CC -std=c11 -Wall -Wextra -Werror -pedantic "$here/consumer/consumer.c" -o "$out/consumer" $($PKG_CONFIG --cflags --libs dogapi)
