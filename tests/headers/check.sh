#!/bin/sh
# Compile every public header alone, as the only include of a translation
# unit, with -pedantic -Werror (libgit2's headertest, liburcu's C++ check).
#
# usage: check.sh COMPILER INCLUDE_DIR c|c++
# SPDX-License-Identifier: ISC
set -eu

cc=${1:?usage: check.sh COMPILER INCLUDE_DIR c|c++}
inc=${2:?usage: check.sh COMPILER INCLUDE_DIR c|c++}
lang=${3:-c}

case $lang in
c)
	std=-std=c11
	ext=c
	extra="-Wstrict-prototypes -Wmissing-prototypes -Wvla -Wshadow"
	;;
c++)
	std=-std=c++11
	ext=cpp
	# Not -Wshadow: g++ warns that mult_instance_info() hides struct
	# mult_instance_info, the legal struct stat / stat() pattern of C.
	extra=""
	;;
*)
	echo "check.sh: unknown language '$lang'" >&2
	exit 2
	;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

fail=0
n=0
for h in "$inc"/mult.h "$inc"/mult/*.h "$inc"/mult/sys/*.h; do
	[ -f "$h" ] || continue
	rel=${h#"$inc"/}
	n=$((n + 1))
	# As a consumer includes it, then as the library is built (export
	# attribute on), then as the static library (MULT_STATIC).
	for defs in "" "-DMULT_BUILDING" "-DMULT_STATIC"; do
		src="$tmp/t.$ext"
		printf '#include "%s"\n#include "%s"\nint mult_header_check_%s;\n' \
		    "$rel" "$rel" "$n" >"$src"
		# shellcheck disable=SC2086
		if ! "$cc" $std -pedantic -Wall -Wextra -Werror $extra $defs \
		    -I"$inc" -fsyntax-only "$src" 2>"$tmp/err"; then
			echo "FAIL $lang $rel $defs"
			cat "$tmp/err"
			fail=1
		fi
	done
done

if [ "$n" -eq 0 ]; then
	echo "check.sh: no headers under $inc" >&2
	exit 1
fi
[ "$fail" -eq 0 ] && echo "ok: $n headers compile alone as $lang ($cc)"
exit "$fail"
