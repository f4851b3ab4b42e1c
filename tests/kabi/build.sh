#!/bin/bash
# Description: cross-build tests/kabi as an arm64 module out of tree in
# build/kabi; PASS if it builds warning-free, else FAIL with the log.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$TOP/build/kabi
rm -rf "$out"; mkdir -p "$out"
cp "$TOP/tests/kabi/Kbuild" "$TOP/tests/kabi/kabi_check.c" "$out/"
if kdir=$("$TOP/scripts/kbuild-prep.sh" 2>"$out/log") &&
   make -C "$kdir" M="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	HVB_TOP="$TOP" modules >>"$out/log" 2>&1 &&
   [ -f "$out/hvb_kabi_check.ko" ] && ! grep -q 'warning:' "$out/log"; then
	echo "PASS kabi: ABI headers build in the arm64 kernel environment"
	echo "kabi: 1 passed, 0 failed"
else
	cat "$out/log"
	echo "FAIL kabi: ABI headers in the arm64 kernel environment"
	echo "kabi: 0 passed, 1 failed"
	exit 1
fi
