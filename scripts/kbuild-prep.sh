#!/bin/bash
# Description: make Debian's arm64 linux-headers (unpacked, not installed,
# by scripts/fetch-arm64.sh) usable for cross-building modules with the
# native linux-kbuild-6.1.  Prints the kernel build directory to use as
# KDIR.  Idempotent; leaves Debian's unpacked files untouched:
#  - the headers' relative `scripts`/`tools` links point at
#    ../../lib/linux-kbuild-6.1, so build/arm64/usr/lib/linux-kbuild-6.1
#    becomes a link to the native package's directory;
#  - the arm64 Makefile includes the common headers by an absolute
#    /usr/src path, so KDIR is a copy whose Makefile names ours.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
A=$TOP/build/arm64
kv=$(cat "$A/kernel-version")
[ -d /usr/lib/linux-kbuild-6.1/scripts ] || {
	echo "kbuild-prep: linux-kbuild-6.1 is not installed" >&2; exit 1; }
mkdir -p "$A/usr/lib"
ln -sfn /usr/lib/linux-kbuild-6.1 "$A/usr/lib/linux-kbuild-6.1"
kdir=$A/kbuild-$kv
if [ ! -f "$kdir/.prepared" ]; then
	rm -rf "$kdir"
	cp -a "$A/usr/src/linux-headers-$kv" "$kdir"
	printf 'include %s/Makefile\n' \
		"$A/usr/src/linux-headers-${kv%-arm64}-common" >"$kdir/Makefile"
	ln -sfn /usr/lib/linux-kbuild-6.1/scripts "$kdir/scripts"
	ln -sfn /usr/lib/linux-kbuild-6.1/tools "$kdir/tools"
	touch "$kdir/.prepared"
fi
echo "$kdir"
