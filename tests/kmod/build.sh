#!/bin/bash
# Description: hvbridge.ko builds warning-free for Debian's arm64 kernel
# (W=1: extra warnings and kernel-doc) and passes checkpatch.pl --strict.
# Each check prints PASS or FAIL (with its log); the last line counts.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
log=$TOP/build/kmod-test
mkdir -p "$log"
pass=0
fail=0

result() {	# NAME WHAT STATUS LOG
	if [ "$3" = 0 ]; then
		echo "PASS $1: $2"
		pass=$((pass + 1))
	else
		cat "$4"
		echo "FAIL $1: $2"
		fail=$((fail + 1))
	fi
}

# 1. The module: a fresh build, no warning, the .ko there.
rm -rf "$TOP/build/kmod"
st=1
if make -C "$TOP/kmod" W=1 >"$log/build.log" 2>&1 &&
   [ -f "$TOP/build/kmod/hvbridge.ko" ] &&
   ! grep -qi 'warning' "$log/build.log"; then
	st=0
fi
result kmod-build "hvbridge.ko cross-builds with -Werror and W=1" $st \
	"$log/build.log"

# 2. Kernel style, as upstream checks it.
st=1
if cp=$("$TOP/tests/kmod/fetch-checkpatch.sh" 2>"$log/checkpatch.log"); then
	"$cp" --strict --no-tree --show-types -f "$TOP/kmod/hvbridge.c" \
		>>"$log/checkpatch.log" 2>&1 &&
		grep -q '^total: 0 errors, 0 warnings, 0 checks' \
			"$log/checkpatch.log" && st=0
fi
result kmod-checkpatch "kmod/hvbridge.c is checkpatch.pl --strict clean" $st \
	"$log/checkpatch.log"

echo "kmod: $pass passed, $fail failed"
[ "$fail" = 0 ]
