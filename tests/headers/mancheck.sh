#!/bin/sh
# The manual: every page lints clean with mandoc, and every public function
# (declared with MULT_API in include/mult/*.h) has its own page,
# docs/man/<function>.3 (one mdoc page per function, as in ck and mandoc).
#
# usage: mancheck.sh SOURCE_DIR
# Exit 77 (skipped) when mandoc is not installed.
# SPDX-License-Identifier: ISC
set -eu

src=${1:?usage: mancheck.sh SOURCE_DIR}
cd "$src"

if ! command -v mandoc >/dev/null 2>&1; then
	echo "SKIP: mandoc not found"
	exit 77
fi

fail=0

set -- docs/man/*.3
if [ -f "$1" ]; then
	# -W warning: warnings and worse; any output is a failure.
	out=$(mandoc -Tlint -W warning "$@" 2>&1 || true)
	if [ -n "$out" ]; then
		echo "FAIL: mandoc -Tlint -W warning:"
		printf '%s\n' "$out"
		fail=1
	fi
	npages=$#
else
	npages=0
fi

# Public functions: lines that start "MULT_API <type> <name>(" (the name is
# on that line; the #define of MULT_API itself does not start so).
funcs=$(grep -h '^[[:space:]]*MULT_API[[:space:]]' include/mult/*.h |
    grep -o '^[^(;]*(' |
    sed 's/[[:space:]]*($//; s/.*[^A-Za-z0-9_]//' | sort -u)
if [ -z "$funcs" ]; then
	echo "FAIL: no MULT_API function found in include/mult/*.h"
	exit 1
fi

missing=
nfuncs=0
for f in $funcs; do
	nfuncs=$((nfuncs + 1))
	[ -f "docs/man/$f.3" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
	echo "FAIL: public functions without docs/man/<function>.3:"
	for f in $missing; do
		echo "  $f"
	done
	fail=1
fi

[ "$fail" -eq 0 ] &&
    echo "ok: $npages pages lint clean; all $nfuncs public functions have a page"
exit "$fail"
