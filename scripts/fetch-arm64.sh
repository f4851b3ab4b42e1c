#!/bin/bash
# fetch-arm64.sh: fetch Debian's arm64 kernel, its headers and a static
# busybox into build/, for the root zone and for cross-building hvbridge.ko.
#
# The packages are downloaded (apt-get download) into build/arm64-debs/ and
# unpacked (dpkg -x) into build/arm64/; they are never installed: installing
# an :arm64 package on the build machine would replace its native compiler.
# APT runs on a private state in build/apt-arm64/ (own lists, cache and an
# empty dpkg status) against the machine's own sources.list, so the
# machine's APT and dpkg databases are never touched.
#
# Result:
#   build/arm64/Image            the kernel, an uncompressed arm64 Image
#   build/arm64/busybox          static aarch64 busybox
#   build/arm64/kernel-version   e.g. 6.1.0-56-arm64 (the modules' uname -r)
#   build/arm64/usr/src/linux-headers-<ver>-arm64 and ...-<abi>-common
#   build/arm64/{boot,lib,usr,bin}  the unpacked packages, as dpkg -x left them
#   build/arm64/.fetched         what was unpacked; written last
#
# Usage: fetch-arm64.sh [--refresh]
#   With build/arm64 complete and matching .fetched it does nothing (a few
#   milliseconds, no output, no network).  --refresh updates the private
#   package lists and re-fetches if Debian has moved on.
# Verbose output is appended to $DEPS_LOG (default build/deps.log).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
APTDIR=$BUILD/apt-arm64
DEBS=$BUILD/arm64-debs
OUT=$BUILD/arm64
STAMP=$OUT/.fetched
LOG=${DEPS_LOG:-$BUILD/deps.log}
META=linux-image-arm64
# Top-level directories the packages unpack into; they belong to this
# script and are emptied before a re-unpack so no stale version lingers.
UNPACK_DIRS="boot lib usr bin"

refresh=0
case "${1:-}" in
"") ;;
--refresh) refresh=1 ;;
*) echo "usage: $0 [--refresh]" >&2; exit 2 ;;
esac

say() { echo "fetch-arm64: $*"; }
log() { echo "fetch-arm64: $*" >>"$LOG"; }
die() {
	echo "fetch-arm64: error: $*" >&2
	echo "fetch-arm64: error: $*" >>"$LOG"
	echo "fetch-arm64: (details in ${LOG#"$TOP"/})" >&2
	exit 1
}

# The arm64 Image header carries "ARM\x64" at offset 0x38 (Linux
# Documentation/arch/arm64/booting.rst); QEMU's -kernel relies on it.
is_arm64_image() {
	[ -f "$1" ] &&
	[ "$(od -An -tx1 -j56 -N4 "$1" | tr -d ' \n')" = 41524d64 ]
}

is_static_aarch64() {
	local f
	[ -f "$1" ] && [ -x "$1" ] || return 1
	f=$(file -b "$1")
	case $f in
	*ELF\ 64-bit\ LSB*ARM\ aarch64*) ;;
	*) return 1 ;;
	esac
	case $f in
	*statically\ linked* | *static-pie\ linked*) return 0 ;;
	esac
	return 1
}

# Fast check: does build/arm64 hold exactly what .fetched records?  Reads
# only local files, so a run with everything in place costs milliseconds.
is_complete() {
	local kver abi
	[ -f "$STAMP" ] || return 1
	kver=$(sed -n 's/^kernel-version //p' "$STAMP")
	[ -n "$kver" ] || return 1
	abi=${kver%-arm64}
	[ "$(cat "$OUT/kernel-version" 2>/dev/null)" = "$kver" ] &&
	is_arm64_image "$OUT/Image" &&
	[ -x "$OUT/busybox" ] &&
	[ -f "$OUT/usr/src/linux-headers-$kver/Makefile" ] &&
	[ -f "$OUT/usr/src/linux-headers-$abi-common/Makefile" ] &&
	[ -d "$OUT/lib/modules/$kver" ]
}

if [ "$refresh" = 0 ] && is_complete; then
	exit 0
fi

for tool in apt-get apt-cache dpkg-deb file gzip od flock; do
	command -v "$tool" >/dev/null ||
		die "'$tool' not found (scripts/deps.sh installs what is needed)"
done

mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$DEBS" \
	"$OUT"
: >>"$LOG"

# One fetch at a time: make test and make run may start together.
exec 9>"$APTDIR/lock.fetch"
flock -w 900 9 || die "timed out waiting for another fetch-arm64.sh"
if [ "$refresh" = 0 ] && is_complete; then
	exit 0
fi
log "start $(date -u +%FT%TZ)"

# shellcheck source=scripts/apt-arm64.sh
. "$TOP/scripts/apt-arm64.sh"
apt_arm64_opts "$APTDIR"

apt_update() {
	say "updating the arm64 package lists (build/apt-arm64)"
	apt-get "${APT_OPTS[@]}" update >>"$LOG" 2>&1 ||
		die "apt-get update for arm64 failed"
}

has_lists() {
	compgen -G "$APTDIR/lists/*_binary-arm64_Packages*" >/dev/null
}

# candidate PKG: the version APT would pick for PKG, or nothing.
candidate() {
	apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>>"$LOG" |
		sed -n 's/^Version: //p' | head -n1
}

# Resolve the kernel the metapackage currently points at, and the
# versions of all four packages; sets KVER, ABI and the VER_* variables.
resolve() {
	local dep
	dep=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$META" \
		2>>"$LOG" | sed -n 's/^Depends: //p' | tr ',' '\n' |
		sed -n 's/^ *\(linux-image-[0-9][^ ]*-arm64\).*/\1/p' |
		head -n1)
	[ -n "$dep" ] || return 1
	KVER=${dep#linux-image-}
	ABI=${KVER%-arm64}
	PKGS=("linux-image-$KVER" "linux-headers-$KVER"
	      "linux-headers-$ABI-common" busybox-static)
	VERS=()
	local p v
	for p in "${PKGS[@]}"; do
		v=$(candidate "$p")
		[ -n "$v" ] || return 1
		VERS+=("$v")
	done
}

if [ "$refresh" = 1 ] || ! has_lists; then
	apt_update
	resolve || die "cannot resolve $META and its headers for arm64"
elif ! resolve; then
	apt_update
	resolve || die "cannot resolve $META and its headers for arm64"
fi
log "kernel $KVER: ${PKGS[*]} = ${VERS[*]}"

# What the stamp will say; if build/arm64 already holds it, we are done.
want=$(
	echo "kernel-version $KVER"
	for i in "${!PKGS[@]}"; do echo "package ${PKGS[$i]} ${VERS[$i]}"; done
)
if is_complete && [ "$(cat "$STAMP")" = "$want" ]; then
	log "up to date"
	exit 0
fi

# deb_of PKG VER: the .deb for PKG at VER in build/arm64-debs, if there.
deb_of() {
	local f
	for f in "$DEBS/$1"_*.deb; do
		[ -f "$f" ] || continue
		if [ "$(dpkg-deb -f "$f" Package 2>/dev/null)" = "$1" ] &&
		   [ "$(dpkg-deb -f "$f" Version 2>/dev/null)" = "$2" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

download() {
	local missing=() i
	for i in "${!PKGS[@]}"; do
		deb_of "${PKGS[$i]}" "${VERS[$i]}" >/dev/null ||
			missing+=("${PKGS[$i]}=${VERS[$i]}")
	done
	[ "${#missing[@]}" -gt 0 ] || return 0
	say "downloading ${missing[*]}"
	(cd "$DEBS" && apt-get "${APT_OPTS[@]}" download "${missing[@]}") \
		>>"$LOG" 2>&1
}

if ! download; then
	# Stale lists point at files the mirror has dropped: refresh once.
	apt_update
	resolve || die "cannot resolve $META and its headers for arm64"
	download || die "apt-get download failed"
fi

# Unpack from scratch; the stamp goes first and comes back last, so an
# interrupted run is redone next time.
say "unpacking kernel $KVER and busybox into build/arm64"
rm -f "$STAMP"
for d in $UNPACK_DIRS; do rm -rf "${OUT:?}/$d"; done
rm -f "$OUT/Image" "$OUT/busybox" "$OUT/kernel-version"
for i in "${!PKGS[@]}"; do
	deb=$(deb_of "${PKGS[$i]}" "${VERS[$i]}") ||
		die "${PKGS[$i]} ${VERS[$i]} missing from build/arm64-debs"
	log "dpkg -x ${deb#"$TOP"/}"
	dpkg-deb -x "$deb" "$OUT" 2>>"$LOG" || die "cannot unpack $deb"
done

# Debian's arm64 vmlinuz is the Image itself (an EFI-stub PE) in current
# packages, but has been gzip-compressed before; QEMU wants it plain.
vmlinuz=$OUT/boot/vmlinuz-$KVER
[ -f "$vmlinuz" ] || die "no boot/vmlinuz-$KVER in linux-image-$KVER"
kind=$(file -b "$vmlinuz")
log "vmlinuz-$KVER: $kind"
case $kind in
gzip\ compressed*)
	gzip -dc "$vmlinuz" >"$OUT/Image.tmp" ||
		die "cannot decompress $vmlinuz"
	;;
*)
	cp "$vmlinuz" "$OUT/Image.tmp"
	;;
esac
is_arm64_image "$OUT/Image.tmp" ||
	die "vmlinuz-$KVER has no arm64 Image magic at 0x38 ($kind)"
mv "$OUT/Image.tmp" "$OUT/Image"

cp "$OUT/bin/busybox" "$OUT/busybox.tmp" ||
	die "busybox-static has no bin/busybox"
is_static_aarch64 "$OUT/busybox.tmp" ||
	die "busybox is not a static aarch64 ELF: $(file -b "$OUT/busybox.tmp")"
mv "$OUT/busybox.tmp" "$OUT/busybox"

for h in "linux-headers-$KVER" "linux-headers-$ABI-common"; do
	[ -f "$OUT/usr/src/$h/Makefile" ] || die "no usr/src/$h/Makefile"
done

# The headers are built with the native linux-kbuild-6.1; say so when its
# version differs from the headers' (usually harmless within 6.1.y).
kbuild=$(dpkg-query -W -f='${Version}' linux-kbuild-6.1 2>/dev/null || true)
[ "$kbuild" = "${VERS[1]}" ] ||
	log "note: native linux-kbuild-6.1 is '${kbuild:-absent}'," \
	    "arm64 headers are ${VERS[1]}"

echo "$KVER" >"$OUT/kernel-version"
echo "$want" >"$STAMP"

# Keep only the .debs just unpacked: older kernels are 60 MB each.
keep=()
for i in "${!PKGS[@]}"; do keep+=("$(deb_of "${PKGS[$i]}" "${VERS[$i]}")"); done
for f in "$DEBS"/*.deb; do
	[ -f "$f" ] || continue
	case " ${keep[*]} " in
	*" $f "*) ;;
	*) log "removing old ${f#"$TOP"/}"; rm -f "$f" ;;
	esac
done
say "ok: kernel $KVER, busybox ${VERS[3]}"
log "done $(date -u +%FT%TZ)"
