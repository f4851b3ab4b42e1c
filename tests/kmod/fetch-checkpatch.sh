#!/bin/bash
# Description: fetch the kernel's scripts/checkpatch.pl (and the files it
# reads: spelling.txt, const_structs.checkpatch) from Debian's
# linux-source-6.1 package into build/checkpatch/, once.  Debian's arm64
# linux-headers do not ship it.  The package is apt-get downloaded (not
# installed) and only those three members are taken out of its tarball.
# Prints the path of checkpatch.pl.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$TOP/build/checkpatch
pkg=linux-source-6.1
if [ -x "$out/scripts/checkpatch.pl" ]; then
	echo "$out/scripts/checkpatch.pl"
	exit 0
fi
tmp=$out/tmp
rm -rf "$tmp"
mkdir -p "$tmp"
(cd "$tmp" && apt-get download -q "$pkg" >&2) || {
	echo "fetch-checkpatch: apt-get download $pkg failed (run apt-get update?)" >&2
	exit 1
}
dpkg -x "$tmp"/"$pkg"_*.deb "$tmp/pkg"
tarball=$(find "$tmp/pkg/usr/src" -name "$pkg.tar.*" | head -n 1)
[ -n "$tarball" ] || { echo "fetch-checkpatch: no tarball in $pkg" >&2; exit 1; }
tar -xf "$tarball" -C "$tmp" --wildcards \
	"$pkg/scripts/checkpatch.pl" "$pkg/scripts/spelling.txt" \
	"$pkg/scripts/const_structs.checkpatch"
mkdir -p "$out/scripts"
for f in checkpatch.pl spelling.txt const_structs.checkpatch; do
	mv "$tmp/$pkg/scripts/$f" "$out/scripts/$f"
done
dpkg-deb -f "$tmp"/"$pkg"_*.deb Version > "$out/version"
rm -rf "$tmp"
chmod +x "$out/scripts/checkpatch.pl"
echo "$out/scripts/checkpatch.pl"
