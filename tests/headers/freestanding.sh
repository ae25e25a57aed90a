#!/bin/sh
# Build the core as a kernel would and prove it needs nothing but the seam.
#
# 1. No file of src/core includes a system header (#include <...>): the core
#    sees only src/core and include/ (mult/common.h picks the types).
# 2. Every src/core/*.c compiles with kernel-like flags: freestanding, no
#    builtins, no red zone, kernel code model, no SSE/MMX/x87 (so no floating
#    point), no VLAs, stack frames of at most 1 KiB, -Werror.
# 3. The objects, linked with ld -r, leave undefined only the functions
#    declared in include/mult/sys/seam.h and memcpy, memmove, memset,
#    memcmp; and define no global symbol outside the mult_ namespace.
#
# usage: freestanding.sh SOURCE_DIR [WORK_DIR]
# Exit 77 (skipped) where the kernel flags do not apply (not x86_64 gcc).
# SPDX-License-Identifier: ISC
set -eu

src=${1:?usage: freestanding.sh SOURCE_DIR [WORK_DIR]}
work=${2:-}
CC=${MULT_FREESTANDING_CC:-gcc}
LD=${MULT_FREESTANDING_LD:-ld}
NM=${MULT_FREESTANDING_NM:-nm}

cd "$src"
fail=0

# 1. No system headers.
if grep -n '#[[:space:]]*include[[:space:]]*<' src/core/*.c src/core/*.h \
    2>/dev/null; then
	echo "FAIL: src/core includes a system header (above); use shim.h"
	fail=1
fi

if ! command -v "$CC" >/dev/null 2>&1 || ! command -v "$LD" >/dev/null 2>&1 ||
    ! command -v "$NM" >/dev/null 2>&1; then
	echo "SKIP: $CC, $LD or $NM not found"
	exit 77
fi
case $("$CC" -dumpmachine) in
x86_64-*) ;;
*)
	echo "SKIP: the kernel flags are for x86_64; $CC targets $("$CC" -dumpmachine)"
	[ "$fail" -eq 0 ] && exit 77
	exit 1
	;;
esac

set -- src/core/*.c
if [ ! -f "$1" ]; then
	echo "FAIL: no src/core/*.c"
	exit 1
fi

if [ -n "$work" ]; then
	rm -rf "$work"
	mkdir -p "$work"
	tmp=$work
else
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT INT TERM
fi

cinc=$("$CC" -print-file-name=include)
CFLAGS="-std=gnu11 -O2 -ffreestanding -nostdlib -fno-builtin -mno-red-zone
    -mcmodel=kernel -mno-sse -mno-mmx -mno-80387 -fno-pic -fno-common
    -Wall -Wextra -Werror -Wvla -Wframe-larger-than=1024
    -nostdinc -isystem $cinc -Iinclude -Isrc/core"

# 2. Compile.
objs=
for c in "$@"; do
	o=$tmp/$(basename "$c" .c).o
	# shellcheck disable=SC2086
	if ! "$CC" $CFLAGS -c "$c" -o "$o"; then
		echo "FAIL: $c does not compile freestanding"
		fail=1
		continue
	fi
	objs="$objs $o"
done
[ "$fail" -eq 0 ] || exit 1

# 3. Link and look at what is left undefined.
# shellcheck disable=SC2086
"$LD" -r -o "$tmp/core.o" $objs

# The seam: every function declared in seam.h (comments stripped by cpp).
# shellcheck disable=SC2086
"$CC" $CFLAGS -E -P include/mult/sys/seam.h |
    grep -o 'mult_sys_[a-z0-9_]*[[:space:]]*(' | sed 's/[[:space:]]*($//' |
    sort -u >"$tmp/seam"
if [ ! -s "$tmp/seam" ]; then
	echo "FAIL: found no function in include/mult/sys/seam.h"
	exit 1
fi
printf '%s\n' memcpy memmove memset memcmp >>"$tmp/seam"
sort -u -o "$tmp/allowed" "$tmp/seam"

"$NM" -u "$tmp/core.o" | awk '{ print $NF }' | sort -u >"$tmp/undef"
comm -23 "$tmp/undef" "$tmp/allowed" >"$tmp/unexpected"
if [ -s "$tmp/unexpected" ]; then
	echo "FAIL: the core needs symbols outside the seam:"
	sed 's/^/  /' "$tmp/unexpected"
	while read -r s; do
		for o in $objs; do
			if "$NM" -u "$o" | awk '{ print $NF }' | grep -qx "$s"; then
				echo "  $s <- $(basename "$o" .o).c"
			fi
		done
	done <"$tmp/unexpected"
	fail=1
fi

# Global symbols the core defines must all be in the mult_ namespace.
"$NM" -g --defined-only "$tmp/core.o" | awk '{ print $NF }' |
    grep -v '^mult_' >"$tmp/foreign" || true
if [ -s "$tmp/foreign" ]; then
	echo "FAIL: the core defines global symbols outside mult_*:"
	sed 's/^/  /' "$tmp/foreign"
	fail=1
fi

if [ "$fail" -eq 0 ]; then
	echo "ok: $# core files build freestanding; undefined:" \
	    "$(tr '\n' ' ' <"$tmp/undef")"
fi
exit "$fail"
