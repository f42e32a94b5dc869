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
# static, as the README shows it: the archive plus Libs.private
# shellcheck disable=SC2046
$CC -std=c11 -Wall -Wextra -Werror -pedantic "$here/consumer/consumer.c" -o "$out/consumer_static" \
    $($PKG_CONFIG --cflags dogapi) "$prefix/$libdir/libdogapi.a" $($PKG_CONFIG --libs-only-l --static dogapi | sed 's/-ldogapi//')
set +x
if readelf -d "$out/consumer_static" | grep -q 'NEEDED.*libdogapi'; then echo "FAIL: consumer_static needs libdogapi.so"; exit 1; fi
