#!/bin/sh
# Install the build tree into a scratch prefix, then build and run a
# consumer against it three ways: find_package(mult) with mult::mult and
# mult::mult_static, and pkg-config (shared, and --static).
#
# usage: check.sh BUILD_DIR CONSUMER_DIR CMAKE CC [CFLAGS]
# SPDX-License-Identifier: ISC
set -eu

build=${1:?usage: check.sh BUILD_DIR CONSUMER_DIR CMAKE CC [CFLAGS]}
consumer=${2:?}
cmake=${3:?}
cc=${4:?}
cflags=${5:-}

work=$build/install-check
prefix=$work/prefix
rm -rf "$work"
mkdir -p "$work"

step() {
	echo "== $*"
}

step "install into $prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log"

for f in include/mult.h include/mult/common.h include/mult/sys/seam.h; do
	[ -f "$prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
pc=$(find "$prefix" -name mult.pc -path '*/pkgconfig/*')
cfg=$(find "$prefix" -name multConfig.cmake)
[ -n "$pc" ] || { echo "FAIL: mult.pc not installed"; exit 1; }
[ -n "$cfg" ] || { echo "FAIL: multConfig.cmake not installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
for f in libmult.so libmult.so.0 libmult.a; do
	[ -e "$libdir/$f" ] || { echo "FAIL: $libdir/$f not installed"; exit 1; }
done

step "mult.pc names the real, absolute directories"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
got=$(pkg-config --variable=libdir mult)
[ "$got" = "$libdir" ] || { echo "FAIL: mult.pc libdir=$got, want $libdir"; exit 1; }
got=$(pkg-config --variable=includedir mult)
[ "$got" = "$prefix/include" ] ||
    { echo "FAIL: mult.pc includedir=$got, want $prefix/include"; exit 1; }

step "find_package(mult): mult::mult and mult::mult_static"
gen=
command -v ninja >/dev/null 2>&1 && gen="-G Ninja"
# shellcheck disable=SC2086
"$cmake" -S "$consumer" -B "$work/cmake" $gen \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS="$cflags" >"$work/configure.log" ||
    { cat "$work/configure.log"; exit 1; }
"$cmake" --build "$work/cmake" >"$work/build.log" ||
    { cat "$work/build.log"; exit 1; }
"$work/cmake/consumer_shared"
"$work/cmake/consumer_static"

step "pkg-config: shared"
# shellcheck disable=SC2046,SC2086
"$cc" $cflags -std=c11 -pedantic -Wall -Wextra -Werror \
    $(pkg-config --cflags mult) "$consumer/consumer.c" -o "$work/pc_shared" \
    $(pkg-config --libs mult) -Wl,-rpath,"$libdir"
"$work/pc_shared"

step "pkg-config --static"
libs=$(pkg-config --static --libs mult |
    sed 's/-lmult\( \|$\)/-Wl,-Bstatic -lmult -Wl,-Bdynamic /')
# shellcheck disable=SC2046,SC2086
"$cc" $cflags -std=c11 -pedantic -Wall -Wextra -Werror \
    $(pkg-config --cflags mult) "$consumer/consumer.c" -o "$work/pc_static" \
    $libs
if command -v ldd >/dev/null 2>&1 && ldd "$work/pc_static" | grep -q libmult; then
	echo "FAIL: pc_static links libmult.so"
	exit 1
fi
"$work/pc_static"

echo "ok: installed package works with find_package and pkg-config"
