#!/bin/sh
# The shared library exports the public API and nothing else: every
# function declared with MULT_API in include/mult/*.h, except those of
# backends not in this library (mult/freestanding.h), and no other symbol
# (no mult__ internals, no mult_sys_* seam functions).
#
# usage: symbols.sh LIBMULT_SO INCLUDE_DIR
# SPDX-License-Identifier: ISC
set -eu

lib=${1:?usage: symbols.sh LIBMULT_SO INCLUDE_DIR}
inc=${2:?usage: symbols.sh LIBMULT_SO INCLUDE_DIR}
NM=${NM:-nm}

if ! command -v "$NM" >/dev/null 2>&1; then
	echo "SKIP: $NM not found"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for h in "$inc"/mult/*.h; do
	case $(basename "$h") in
	freestanding.h) continue ;;
	esac
	grep -h '^[[:space:]]*MULT_API[[:space:]]' "$h" || true
done | grep -o '^[^(;]*(' | sed 's/[[:space:]]*($//; s/.*[^A-Za-z0-9_]//' |
    sort -u >"$tmp/api"

# Defined dynamic symbols of the library, less the linker's own.
"$NM" -D --defined-only "$lib" | awk '{ print $NF }' |
    grep -v -e '^_init$' -e '^_fini$' -e '^_edata$' -e '^_end$' \
        -e '^__bss_start$' | sort -u >"$tmp/exported"

fail=0
comm -13 "$tmp/api" "$tmp/exported" >"$tmp/extra"
comm -23 "$tmp/api" "$tmp/exported" >"$tmp/missing"
if [ -s "$tmp/extra" ]; then
	echo "FAIL: exported but not public API:"
	sed 's/^/  /' "$tmp/extra"
	fail=1
fi
if [ -s "$tmp/missing" ]; then
	echo "FAIL: public API not exported:"
	sed 's/^/  /' "$tmp/missing"
	fail=1
fi
[ "$fail" -eq 0 ] &&
    echo "ok: $(wc -l <"$tmp/api") public functions exported, nothing else"
exit "$fail"
