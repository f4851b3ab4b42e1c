#!/bin/bash
# Description: build everything with {gcc, clang} x {-O0, -O2} into
# build/matrix/, and compile each common/ header alone for user space and
# for the freestanding hypervisor.  Prints PASS/FAIL per case and the
# summary line "build: N passed, N failed".
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0
log=$TOP/build/matrix/log
mkdir -p "$TOP/build/matrix"
: >"$log"

result() {
	if [ "$1" -eq 0 ]; then
		echo "PASS $2"; pass=$((pass + 1))
	else
		echo "FAIL $2 (see build/matrix/log)"; fail=$((fail + 1))
	fi
}

for cc in gcc clang; do
	for opt in -O0 -O2; do
		out=$TOP/build/matrix/$cc$opt
		rc=0
		for dir in tool hyp tests; do
			make -s -j2 -C "$TOP/$dir" O="$out" CC=$cc OPT=$opt \
				all >>"$log" 2>&1 || rc=1
		done
		result $rc "build $cc $opt"
	done
done

# Self-standing headers: each compiles as the first and only include.
hdrdir=$TOP/common/include/hvbridge
for h in "$hdrdir"/*.h; do
	name=hvbridge/$(basename "$h")
	case $name in
	*/barrier-*.h) continue ;;	# included through barrier.h only
	esac
	rc=0
	for cc in gcc clang; do
		printf '#include <%s>\n' "$name" |
			$cc -std=gnu11 -Wall -Wextra -Werror -fsyntax-only \
			-I"$TOP/common/include" -x c - >>"$log" 2>&1 || rc=1
	done
	printf '#include <%s>\n' "$name" |
		aarch64-linux-gnu-gcc -std=gnu11 -Wall -Wextra -Werror \
		-ffreestanding -DHVB_ENV_HYP -fsyntax-only \
		-I"$TOP/common/include" -x c - >>"$log" 2>&1 || rc=1
	result $rc "header $name"
done

# Every primitive emitted and assembled: user space (both compilers,
# host) and the hypervisor (aarch64, both compilers).
use=$TOP/tests/build/barrier_use.c
for env in "gcc user" "clang user" "aarch64-linux-gnu-gcc hyp" \
	   "clang --target=aarch64-linux-gnu hyp"; do
	set -- $env
	kind=${*: -1}
	cc=${*:1:$#-1}
	flags=""
	[ "$kind" = hyp ] && flags="-ffreestanding -DHVB_ENV_HYP"
	# shellcheck disable=SC2086
	$cc -std=gnu11 -Wall -Wextra -Werror -O2 $flags -I"$TOP/common/include" \
		-c "$use" -o "$TOP/build/matrix/barrier_use.o" >>"$log" 2>&1
	result $? "barrier primitives assemble: $cc ($kind)"
done

echo "build: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
