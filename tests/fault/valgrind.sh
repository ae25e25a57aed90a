#!/bin/sh
# libmult: valgrind memcheck over every unit test binary.
#
#   sh tests/fault/valgrind.sh BUILD/tests/unit [more directories or files]
#
# Criterion runs each test in a child process (it re-executes the binary),
# so valgrind follows children (--trace-children=yes) and reports in them
# (--child-silent-after-fork=no); any error or definite leak in any process
# fails that test, which fails the binary. One job at a time: valgrind is
# slow enough. Exits 77 (skip) when valgrind is missing or there is nothing
# to run. Prints the time each binary took and the total.
# SPDX-License-Identifier: ISC

if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind.sh: valgrind not found: skipped"
	exit 77
fi
[ $# -gt 0 ] || { echo "usage: valgrind.sh DIR|BINARY..." >&2; exit 2; }

bins=""
for arg in "$@"; do
	if [ -d "$arg" ]; then
		for f in "$arg"/*; do
			[ -f "$f" ] && [ -x "$f" ] && bins="$bins $f"
		done
	elif [ -x "$arg" ]; then
		bins="$bins $arg"
	fi
done
[ -n "$bins" ] || { echo "valgrind.sh: no test binaries in $*: skipped"; exit 77; }

log=$(mktemp -d "${TMPDIR:-/tmp}/mult-valgrind.XXXXXX") || exit 1
fail=0
start=$(date +%s)
for b in $bins; do
	t0=$(date +%s)
	name=$(basename "$b")
	# Criterion options: one worker, no timeouts (valgrind is ~30x slower).
	args=""
	if "$b" --help 2>&1 | grep -q -- "--jobs"; then
		args="--jobs 1"
	fi
	if valgrind --quiet --trace-children=yes --child-silent-after-fork=no \
	    --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	    --show-leak-kinds=definite --track-origins=yes \
	    --log-file="$log/$name.%p.log" "$b" $args >"$log/$name.out" 2>&1; then
		status=ok
	else
		status=FAILED
		fail=1
	fi
	t1=$(date +%s)
	printf '%-40s %-6s %4ss\n' "$name" "$status" $((t1 - t0))
	if [ "$status" = FAILED ]; then
		tail -n 30 "$log/$name.out"
		for l in "$log/$name".*.log; do
			[ -s "$l" ] && { echo "--- $l"; head -n 60 "$l"; }
		done
	fi
done
end=$(date +%s)
echo "valgrind.sh: total $((end - start))s; logs in $log"
[ $fail -eq 0 ] && rm -rf "$log"
exit $fail
