#!/bin/bash
# deps.sh: make this Debian 12 (amd64) machine able to build, run and test
# hvbridge.  Called by `make test` and `make run` (the top Makefile's deps
# target), as root and without stdin in CI.
#
# 1. Installs the native packages below that are missing (dpkg-query first;
#    `apt-get update` only when something must be installed).  Only native
#    packages: an :arm64 package would replace the native compiler.
# 2. Runs scripts/fetch-arm64.sh for the arm64 kernel, headers and busybox,
#    which are downloaded and unpacked into build/, never installed.
#
# With everything in place it prints one line and takes milliseconds.
# Verbose output goes to build/deps.log.
#
# Usage: deps.sh [--dry-run]
#   --dry-run  report what is missing and the command that would install it;
#              install nothing, skip the arm64 fetch; exit 1 if anything is
#              missing.
# HVB_DEPS_PACKAGES="a b" replaces the package list (to test this script).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DEPS_LOG=$TOP/build/deps.log

# The native packages, every one named: they are installed with
# --no-install-recommends, so nothing may arrive through a Recommends
# (a new machine once lacked libc6-dev-arm64-cross, which
# gcc-aarch64-linux-gnu only recommends).  scripts/check-fresh.sh proves
# the list on a brand-new Debian 12 root.
#   compilers: build-essential gcc clang lld llvm (llvm-profdata and
#     llvm-cov: make fuzz's line coverage) libclang-rt-14-dev
#     (sanitizers, libFuzzer, the profile runtime of
#     -fprofile-instr-generate), gcc-aarch64-linux-gnu with its C library
#     headers libc6-dev-arm64-cross and binutils-aarch64-linux-gnu (objdump:
#     the decoder's second opinion, tests/decode);
#   QEMU (qemu-system-arm; the tests start it with -nic none, so its
#     NIC option ROMs, ipxe-qemu, are not needed) and qemu-user (runs the
#     static arm64 daemon on this machine: tests/e2e/root.sh);
#   device trees: device-tree-compiler (dtc, fdtput), libfdt-dev;
#   libraries: liburing-dev libcriterion-dev libcjson-dev pkg-config;
#   the root zone's initramfs and images: cpio busybox-static xz-utils
#     file; e2fsprogs (zone1's Linux root filesystem, an ext4 image made
#     without a loop mount by `mke2fs -d`: scripts/mkguestfs.sh; of
#     priority required, so a minbase root has it, but named so no
#     image-making machine goes without); the kernel module: linux-kbuild-6.1, perl (checkpatch.pl);
#   tests: fio (blk benchmark), iproute2 (network namespaces for
#     virtio-net), python3 (decoder cases, region tool), systemd
#     (install-test's systemd-analyze verify of the unit; a debootstrap
#     root or a container has no systemd);
#   docs: graphviz (dot draws docs/system.svg, the picture of the whole
#     system in the README, from docs/system.dot; docs-check proves the
#     committed picture is the one the source draws) and fonts-dejavu-core
#     (the font system.dot names: dot measures its text with it, so the
#     picture comes out the same byte for byte on every machine).
PACKAGES="build-essential gcc clang lld llvm libclang-rt-14-dev
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
	qemu-system-arm qemu-user device-tree-compiler libfdt-dev
	liburing-dev libcriterion-dev libcjson-dev pkg-config
	cpio busybox-static xz-utils file e2fsprogs linux-kbuild-6.1 perl
	fio iproute2 python3 systemd graphviz fonts-dejavu-core"
PACKAGES=${HVB_DEPS_PACKAGES:-$PACKAGES}

dry_run=0
case "${1:-}" in
"") ;;
--dry-run | -n) dry_run=1 ;;
*) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac

# A user who cannot write build/ (someone else's checkout) still gets told
# what is missing; the log then goes to /tmp.
mkdir -p "$TOP/build" 2>/dev/null || true
if ! { echo "deps: $(date -u +%FT%TZ)" >"$DEPS_LOG"; } 2>/dev/null; then
	DEPS_LOG=${TMPDIR:-/tmp}/hvbridge-deps.$(id -u).log
	echo "deps: $(date -u +%FT%TZ)" >"$DEPS_LOG"
fi

for p in $PACKAGES; do
	case $p in
	*:*)
		echo "deps: refusing '$p': only native packages are installed" \
		     "(arm64 ones are fetched by scripts/fetch-arm64.sh)" >&2
		exit 2
		;;
	esac
done

# A package counts as present when dpkg has it fully installed for the
# native architecture (or arch all); half-installed or foreign-only is not.
native=$(dpkg --print-architecture)
# shellcheck disable=SC2086 # word splitting of the list is intended
present=$(dpkg-query -W -f='${Package} ${Architecture} ${db:Status-Abbrev}\n' \
		$PACKAGES 2>>"$DEPS_LOG" |
	awk -v n="$native" '($2 == n || $2 == "all") && $3 == "ii" { print $1 }' ||
	true)
missing=()
for p in $PACKAGES; do
	grep -qxF "$p" <<<"$present" || missing+=("$p")
done

install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"

if [ "$dry_run" = 1 ]; then
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "deps: ok (dry run: nothing missing)"
		exit 0
	fi
	echo "deps: missing: ${missing[*]}"
	echo "deps: would run: $install_cmd"
	exit 1
fi

if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing: ${missing[*]}" >&2
		echo "deps: as root, run: $install_cmd" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Wait for, rather than fail on, another apt/dpkg run on the machine.
	apt_opts=(-q -y -o DPkg::Lock::Timeout=600)
	if ! { apt-get "${apt_opts[@]}" update &&
	       apt-get "${apt_opts[@]}" install --no-install-recommends \
			"${missing[@]}"; } </dev/null >>"$DEPS_LOG" 2>&1; then
		echo "deps: apt-get failed; the end of $DEPS_LOG:" >&2
		tail -n 20 "$DEPS_LOG" >&2
		exit 1
	fi
fi

if ! "$TOP/scripts/fetch-arm64.sh" </dev/null; then
	echo "deps: fetching the arm64 kernel and busybox failed;" \
	     "the end of $DEPS_LOG:" >&2
	tail -n 20 "$DEPS_LOG" >&2
	exit 1
fi
echo "deps: ok"
