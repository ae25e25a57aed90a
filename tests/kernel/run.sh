#!/bin/sh
# Build mult.ko against Debian's kernel headers, boot that kernel under QEMU
# (TCG) with a busybox initramfs that loads the module, and read the
# self-test's verdict from the serial console.
#
# usage: run.sh [--build DIR] [--timeout SECONDS]
#        run.sh [--build DIR] --expect-fail inject=fail|silent|panic
#
# Normal mode passes only if the line "libmult-selftest: PASS n=<N>" is on
# the console, no FAIL line is, and QEMU exited by itself (the guest powered
# off) before the timeout: a panic with panic=-1 -no-reboot also exits 0,
# so the exit status alone proves nothing.
#
# --expect-fail tests this harness: the module is loaded with the given
# fault injected, and the run succeeds only if the normal-mode verdict is a
# failure, for the reason that injection must produce (a FAIL line; no
# verdict at all; a kernel panic).
#
# Everything is cached under the build directory (default ./kernel-work):
# the kernel image (taken from the Debian package with dpkg-deb, never
# installed), the module build, the initramfs. Missing Debian packages
# (linux-headers-amd64, qemu-system-x86, busybox-static, cpio) are installed
# with apt-get when running as root; otherwise the test is skipped (77).
# Concurrent runs share one build: preparation is serialised with flock.
#
# SPDX-License-Identifier: ISC
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$PWD/kernel-work
timeout=120
expect_fail=
inject=

while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--expect-fail) expect_fail=1; shift ;;
	inject=*) inject=${1#inject=}; shift ;;
	*) echo "usage: run.sh [--build DIR] [--timeout S] [--expect-fail inject=MODE]" >&2
	   exit 2 ;;
	esac
done
if [ -n "$expect_fail" ]; then
	case $inject in
	fail|silent|panic) ;;
	*) echo "run.sh: --expect-fail needs inject=fail|silent|panic" >&2; exit 2 ;;
	esac
fi

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(uname -s)" = Linux ] || skip "not Linux"
case $(uname -m) in x86_64) ;; *) skip "the guest kernel is Debian's amd64" ;; esac

mkdir -p "$build"
build=$(cd "$build" && pwd)
# Anywhere but among the sources (a build tree such as build/ is fine).
case "$build/" in "$src/src/"*|"$src/include/"*|"$src/tests/"*)
	echo "run.sh: the build directory must not be among the sources" >&2
	exit 2 ;;
esac

# ---- preparation, once for all concurrent runs -----------------------------

headers_dir() {
	# The newest Debian amd64 headers; never `uname -r` (the host runs
	# another kernel).
	for d in /usr/src/linux-headers-*-amd64; do
		[ -d "$d" ] && echo "$d"
	done | sort -V | tail -n 1
}

have_tools() {
	[ -n "$(headers_dir)" ] && command -v qemu-system-x86_64 >/dev/null &&
	    [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx insmod &&
	    command -v cpio >/dev/null && command -v make >/dev/null &&
	    command -v gcc >/dev/null
}

install_tools() {
	pkgs="linux-headers-amd64 qemu-system-x86 busybox-static cpio make gcc"
	[ "$(id -u)" -eq 0 ] || skip "missing packages and not root: $pkgs"
	command -v apt-get >/dev/null || skip "missing packages and no apt-get"
	echo "run.sh: installing $pkgs"
	export DEBIAN_FRONTEND=noninteractive
	# Update the package lists only if the install can't find something.
	# shellcheck disable=SC2086 # a list of package names
	if ! apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends $pkgs >"$build/apt.log" 2>&1; then
		apt-get update -q -o DPkg::Lock::Timeout=300 >>"$build/apt.log" 2>&1
		# shellcheck disable=SC2086
		apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends $pkgs >>"$build/apt.log" 2>&1 || {
			cat "$build/apt.log"
			echo "run.sh: apt-get install failed" >&2
			exit 1
		}
	fi
}

prepare() {
	have_tools || install_tools
	have_tools || { echo "run.sh: tools still missing after install" >&2; exit 1; }

	kdir=$(headers_dir)
	kver=${kdir#/usr/src/linux-headers-}
	echo "run.sh: kernel $kver"

	# The kernel image, from the package of the headers' exact version.
	vmlinuz=$build/cache/vmlinuz-$kver
	if [ ! -s "$vmlinuz" ]; then
		mkdir -p "$build/cache"
		ver=$(dpkg-query -W -f='${Version}' "linux-headers-$kver")
		(cd "$build/cache" && rm -f linux-image-*.deb &&
		    apt-get download -q "linux-image-$kver=$ver" >/dev/null 2>&1) || {
			echo "run.sh: apt-get download linux-image-$kver=$ver failed" >&2
			exit 1
		}
		dpkg-deb --fsys-tarfile "$build/cache/linux-image-${kver}"_*.deb |
		    tar -xO "./boot/vmlinuz-$kver" >"$vmlinuz.tmp"
		mv "$vmlinuz.tmp" "$vmlinuz"
		rm -f "$build/cache"/linux-image-*.deb
	fi

	# The module: Kbuild, unless no source changed since the last build
	# (even a no-op Kbuild run costs seconds).
	srcsum=$( (echo "$kdir"; cat "$src"/src/core/*.[ch] "$src"/src/linux/* \
	    "$src"/include/mult.h "$src"/include/mult/*.h \
	    "$src"/include/mult/sys/*.h) | cksum)
	if [ ! -s "$build/module/mult.ko" ] ||
	    [ "$(cat "$build/module.stamp" 2>/dev/null)" != "$srcsum" ]; then
		rm -f "$build/module.stamp"
		if ! make -s -C "$src/src/linux" KDIR="$kdir" \
		    BUILD="$build/module" >"$build/module.log" 2>&1; then
			cat "$build/module.log"
			echo "run.sh: the module does not build" >&2
			exit 1
		fi
		if grep -E 'warning|error' "$build/module.log"; then
			echo "run.sh: (the module build printed the warnings above)"
		fi
		echo "$srcsum" >"$build/module.stamp"
	fi

	# The initramfs, rebuilt only when the module or this script changed.
	stamp=$(cat "$build/module/mult.ko" "$0" | cksum)
	if [ ! -s "$build/initramfs.cpio" ] ||
	    [ "$(cat "$build/initramfs.stamp" 2>/dev/null)" != "$stamp" ]; then
		make_initramfs
		echo "$stamp" >"$build/initramfs.stamp"
	fi
	echo "$kver" >"$build/kver"
}

make_initramfs() {
	root=$build/initramfs
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"
	cp /bin/busybox "$root/bin/busybox"
	for a in sh mount insmod dmesg sed poweroff cat echo; do
		ln -s busybox "$root/bin/$a"
	done
	cp "$build/module/mult.ko" "$root/mult.ko"
	# /dev/console for the kernel to open before /init runs (needs root);
	# /init also reopens it from devtmpfs in case the node is missing.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
	cat >"$root/init" <<'EOF'
#!/bin/sh
# KEY=val words of the kernel command line arrive as environment variables.
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec 0</dev/console 1>/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
if [ -n "$inject" ]; then
	insmod /mult.ko inject="$inject"
else
	insmod /mult.ko
fi
# A newline first: the firmware leaves the console mid-line.
echo
dmesg | sed -n 's/.*\(libmult-selftest: \)/\1/p'
poweroff -f
EOF
	chmod 755 "$root/init"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) \
	    >"$build/initramfs.cpio.tmp"
	mv "$build/initramfs.cpio.tmp" "$build/initramfs.cpio"
}

# flock serialises the preparation of concurrent runs (ctest -j).
if command -v flock >/dev/null 2>&1; then
	exec 9>"$build/lock"
	flock 9
	prepare
	flock -u 9
	exec 9>&-
else
	prepare
fi
kver=$(cat "$build/kver")

# ---- the boot ---------------------------------------------------------------

log=$build/console-${inject:-normal}.log
raw=$log.raw
append="console=ttyS0 panic=-1 quiet"
[ -n "$inject" ] && append="$append inject=$inject"

start=$(date +%s)
rc=0
# TCG always: KVM is not usable on these machines even where /dev/kvm exists.
timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -m 512 -smp 2 \
    -nographic -no-reboot -monitor none -serial stdio -display none \
    -kernel "$build/cache/vmlinuz-$kver" -initrd "$build/initramfs.cpio" \
    -append "$append" </dev/null >"$raw" 2>&1 || rc=$?
elapsed=$(($(date +%s) - start))
tr -d '\r' <"$raw" >"$log"

# ---- the verdict ------------------------------------------------------------

verdict=pass
why=
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	verdict=fail why="timeout: QEMU still running after ${timeout}s"
elif [ "$rc" -ne 0 ]; then
	verdict=fail why="QEMU exited $rc"
elif grep -q 'Kernel panic' "$log"; then
	verdict=fail why="kernel panic"
elif grep -q 'libmult-selftest: FAIL' "$log"; then
	verdict=fail why="self-test: $(grep -o 'libmult-selftest: FAIL.*' "$log" | head -n 1)"
elif ! grep -q '^libmult-selftest: PASS n=[0-9][0-9]*$' "$log"; then
	verdict=fail why="no verdict line"
fi

echo "run.sh: kernel $kver, inject=${inject:-none}, QEMU exit $rc after ${elapsed}s"
grep -E 'libmult-selftest:|Kernel panic' "$log" | sed 's/^/  console: /' || true

if [ -z "$expect_fail" ]; then
	if [ "$verdict" = pass ]; then
		echo "PASS: $(grep -o 'libmult-selftest: PASS.*' "$log")"
		exit 0
	fi
	echo "FAIL: $why (console log: $log)"
	tail -n 40 "$log"
	exit 1
fi

# Harness self-test: the harness must call it a failure, for the right reason.
case $inject in
fail) want="self-test: libmult-selftest: FAIL reason=injected" ;;
silent) want="no verdict line" ;;
panic) want="kernel panic" ;;
esac
if [ "$verdict" = fail ] && [ "$why" = "$want" ]; then
	echo "PASS: the harness reports inject=$inject as a failure ($why)"
	exit 0
fi
echo "FAIL: inject=$inject: harness verdict '$verdict' ($why), expected failure '$want'"
tail -n 40 "$log"
exit 1
