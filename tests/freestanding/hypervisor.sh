#!/bin/sh
# Build examples/hypervisor.c as a program with no C library at all (the
# core, the freestanding backend and its mem* functions, -ffreestanding
# -nostdlib -static, its own _start), check that it needs nothing from
# outside, and run it: exit 0 only if the program says every check passed.
#
# The CMake build does the same through cmake/freestanding (ctest
# example_hypervisor); this script is the recipe without CMake.
#
# usage: hypervisor.sh SOURCE_DIR BUILD_DIR
# Exit 77 (skipped) off x86_64 Linux or without gcc: the program's _start
# and system calls are x86_64 Linux ones.
# SPDX-License-Identifier: ISC
set -eu

src=${1:?usage: hypervisor.sh SOURCE_DIR BUILD_DIR}
out=${2:?usage: hypervisor.sh SOURCE_DIR BUILD_DIR}
CC=${MULT_FREESTANDING_CC:-gcc}

if [ "$(uname -s)" != Linux ] || ! command -v "$CC" >/dev/null 2>&1; then
	echo "SKIP: needs Linux and $CC"
	exit 77
fi
case $("$CC" -dumpmachine) in
x86_64-*) ;;
*)
	echo "SKIP: hypervisor.c is for x86_64; $CC targets $("$CC" -dumpmachine)"
	exit 77
	;;
esac

rm -rf "$out"
mkdir -p "$out"

# No sanitizer or profiling flags from the environment: there is no runtime.
CFLAGS="-std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-stack-protector
    -fno-asynchronous-unwind-tables -Wall -Wextra -Werror -Wvla -Wshadow
    -Wstrict-prototypes -I$src/include -I$src/src/core"

objs=
for c in "$src"/src/core/*.c "$src"/src/freestanding/freestanding.c \
    "$src"/examples/hypervisor.c; do
	o=$out/$(basename "$c" .c).o
	# shellcheck disable=SC2086
	"$CC" $CFLAGS -c "$c" -o "$o"
	objs="$objs $o"
done
# The compiler must not turn mem.c's loops into calls to themselves.
# shellcheck disable=SC2086
"$CC" $CFLAGS -fno-builtin -fno-tree-loop-distribute-patterns \
    -c "$src/src/freestanding/mem.c" -o "$out/mem.o"
objs="$objs $out/mem.o"

# shellcheck disable=SC2086
"$CC" -nostdlib -static -no-pie -o "$out/hypervisor" $objs -lgcc

# Statically linked against nothing: no interpreter, no libc in the image.
if command -v readelf >/dev/null 2>&1; then
	if readelf -l "$out/hypervisor" | grep -q INTERP; then
		echo "FAIL: the hypervisor has a program interpreter"
		exit 1
	fi
fi
if command -v nm >/dev/null 2>&1; then
	if nm "$out/hypervisor" | grep -Eq ' (malloc|free|calloc|__libc_start_main)$'; then
		echo "FAIL: the hypervisor links a C library function"
		exit 1
	fi
fi

rc=0
"$out/hypervisor" >"$out/output.txt" || rc=$?
cat "$out/output.txt"
if [ "$rc" -ne 0 ]; then
	echo "FAIL: hypervisor exited $rc"
	exit 1
fi
grep -q '^hypervisor: ok$' "$out/output.txt" || {
	echo "FAIL: no success line"
	exit 1
}
