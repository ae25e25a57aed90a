#!/usr/bin/env bash
# libmult: the one entry point for building and testing, from a clean clone.
#
#   bash tests/run.sh deps   install what is missing (Debian 12, apt-get)
#   bash tests/run.sh demo   deps, build the default preset, run the demo
#   bash tests/run.sh test   deps, then build and test every preset:
#                              default  gcc RelWithDebInfo, every test
#                              clang    clang, so -Werror holds there too
#                                       (not the docs, kernel, valgrind
#                                       labels: default runs those)
#                              release  gcc -O3, whose warnings differ
#                                       (unit label)
#                              asan     AddressSanitizer + UBSan, Debug
#                                       (the same labels left out)
#                              tsan     ThreadSanitizer (concurrency,
#                                       example, fault and fuzz labels;
#                                       no Criterion suites under TSan)
#
# Works unattended (CI=true, no stdin). Exits non-zero if anything failed.
# MULT_PRESETS="default clang" limits the presets `test` runs.
# SPDX-License-Identifier: ISC
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

PACKAGES=(cmake ninja-build gcc g++ clang libclang-rt-14-dev pkg-config
    liburcu-dev libcriterion-dev libbsd-dev uthash-dev libck-dev doxygen
    mandoc valgrind python3)

log() {
	printf '\n==> %s\n' "$*"
}

die() {
	printf 'run.sh: %s\n' "$*" >&2
	exit 1
}

# Install the packages that are missing: one apt-get update, one install.
deps() {
	local missing=() p status sudo=()

	if ! command -v dpkg-query >/dev/null 2>&1; then
		echo "run.sh: not a Debian system; install by hand: ${PACKAGES[*]}"
		return 0
	fi
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[[ $status == "install ok installed" ]] || missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		echo "deps: all ${#PACKAGES[@]} packages installed"
		return 0
	fi
	if ((EUID != 0)); then
		command -v sudo >/dev/null 2>&1 ||
		    die "missing ${missing[*]}, not root and no sudo"
		sudo=(sudo -n)
	fi
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -q </dev/null ||
	    die "apt-get update failed"
	"${sudo[@]}" apt-get install -y -q --no-install-recommends \
	    "${missing[@]}" </dev/null ||
	    die "apt-get install failed"
}

# configure + build one preset; returns 2 if the configure step failed, 1 if
# the build did (after building all it could: ninja -k 0).
build() {
	local preset=$1

	log "configure: $preset"
	cmake --preset "$preset" </dev/null || return 2
	log "build: $preset"
	cmake --build --preset "$preset" -- -k 0 </dev/null || return 1
}

demo() {
	local exe=build/default/examples/mult_demo
	deps || exit 1
	[[ -f examples/mult_demo.c ]] || die "examples/mult_demo.c is missing"
	log "configure: default"
	cmake --preset default </dev/null || die "configure failed"
	log "build: mult_demo"
	cmake --build --preset default --target mult_demo </dev/null ||
	    die "build failed"
	log "run: $exe"
	"$exe" </dev/null
}

RESULTS=()
FAILED=0

record() {
	local what=$1 rc=$2 secs=$3
	if ((rc == 0)); then
		RESULTS+=("$(printf 'PASS  %-28s %4ss' "$what" "$secs")")
	else
		RESULTS+=("$(printf 'FAIL  %-28s %4ss' "$what" "$secs")")
		FAILED=1
	fi
}

# build + ctest one preset, with extra ctest arguments. A failed build
# still runs the tests that could be built, for a fuller report.
run_preset() {
	local preset=$1 start rc
	shift
	start=$SECONDS
	build "$preset"
	rc=$?
	record "$preset: build" "$rc" $((SECONDS - start))
	((rc == 2)) && return
	start=$SECONDS
	log "test: $preset $*"
	ctest --preset "$preset" "$@" </dev/null
	rc=$?
	record "$preset: ctest $*" "$rc" $((SECONDS - start))
}

test_all() {
	local presets p total=$SECONDS
	deps || exit 1
	presets=${MULT_PRESETS:-default clang release asan tsan}
	for p in $presets; do
		case $p in
		# Under TSan, Criterion cannot start (CMakeLists.txt): no unit
		# or property suites are built. The standalone programs run;
		# the fault and fuzz ones race the main thread's writes against
		# liburcu's call_rcu worker, which runs their deferred frees.
		# The header, freestanding, install and docs checks prove
		# nothing new.
		tsan) run_preset tsan -L 'concurrency|example|fault|fuzz' ;;
		# The docs checks, the kernel boot and valgrind do not depend
		# on the compiler (or cannot run with sanitizers): default runs
		# them once.
		clang | asan) run_preset "$p" -LE 'docs|kernel|valgrind' ;;
		# -O3 is built to hold -Werror there; its unit tests run.
		release) run_preset release -L unit ;;
		*) run_preset "$p" ;;
		esac
	done
	log "summary ($((SECONDS - total))s)"
	printf '  %s\n' "${RESULTS[@]}"
	if ((FAILED)); then
		echo "FAILED: see the output above each FAIL line"
		exit 1
	fi
	echo "all passed"
}

case ${1:-} in
deps) deps ;;
demo) demo ;;
test) test_all ;;
*)
	echo "usage: bash tests/run.sh deps|demo|test" >&2
	exit 2
	;;
esac
