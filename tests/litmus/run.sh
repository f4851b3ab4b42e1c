#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Description: the litmus models of every barrier pair of the channel
# (docs/memory-ordering.md), checked with herd7: aarch64/*.litmus under
# the Arm model (aarch64.cat), as the compilers emit the code, and
# c11/*.litmus under RC11 (rc11.cat), as the C source says it.  A test
# NAME.litmus must forbid its bad outcome ("exists" never holds); each has
# at least one broken twin, NAME.broken-WHAT.litmus, with one barrier
# removed or weakened, whose bad outcome the model must allow, so a test
# that forbids everything proves nothing.  Every model exists in both
# languages.  Then bind.py binds the AArch64 models to the real aarch64
# builds (its own PASS/FAIL lines).
#
# herd7: $HERD7, else ../shared/tools/herd7 beside the project root.  If
# it is missing the models are skipped, and that is a failure when CI=true
# or HVB_REQUIRE_HERD7=1.
#
# Prints PASS/FAIL per check and ends with "litmus: N passed, N failed";
# exits non-zero on any failure.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$TOP/tests/litmus
HERD7_SET=${HERD7:+yes}
HERD7=${HERD7:-$(cd "$TOP/.." && pwd)/shared/tools/herd7}
# Longest one model may take, seconds (the slowest takes about 5 s here).
LIMIT=${LITMUS_LIMIT:-120}
pass=0
fail=0

ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# verdict ARCH FILE: "forbidden", "allowed", or "error: ..."
verdict() {
	local model out obs
	case $1 in
	aarch64) model=aarch64.cat ;;
	c11) model=rc11.cat ;;
	esac
	out=$(timeout -k 5 "$LIMIT" "$HERD7" -model "$model" "$2" 2>&1)
	obs=$(printf '%s\n' "$out" | awk '$1 == "Observation" { print $3 }')
	case $obs in
	Never) echo forbidden ;;
	Sometimes|Always) echo allowed ;;
	*) echo "error: $(printf '%s\n' "$out" | grep -m1 -iE 'error|warning' ||
		echo "no verdict within ${LIMIT}s")" ;;
	esac
}

have_herd7=0
if [ -x "$HERD7" ] && "$HERD7" -version >/dev/null 2>&1; then
	have_herd7=1
fi

if [ $have_herd7 -eq 0 ]; then
	if [ -n "${HERD7_SET:-}" ]; then
		echo "litmus: herd7 not found at $HERD7 (from \$HERD7)."
	else
		echo "litmus: herd7 not found: \$HERD7 is not set and $HERD7 does not run."
	fi
	echo "litmus: it is herd7 of herdtools7 7.57 with its model library, which"
	echo "litmus: Debian 12 does not package: build herdtools7 from its public"
	echo "litmus: source (e.g. 'opam install herdtools7') and set HERD7 to the"
	echo "litmus: herd7 binary, or put it at ../shared/tools/herd7 beside the tree."
	if [ "${CI:-}" = true ] || [ "${HVB_REQUIRE_HERD7:-0}" = 1 ]; then
		ko "litmus models" "herd7 is required here (CI=true or HVB_REQUIRE_HERD7=1)"
	else
		echo "SKIP litmus models: no herd7 (the bindings below still run)"
	fi
else
	for arch in aarch64 c11; do
		for f in "$DIR/$arch"/*.litmus; do
			name=$(basename "$f" .litmus)
			base=${name%%.broken-*}
			v=$(verdict "$arch" "$f")
			if [ "$name" = "$base" ]; then
				want=forbidden
				ls "$DIR/$arch/$base".broken-*.litmus >/dev/null 2>&1 ||
					ko "$arch/$name" "no broken twin ($base.broken-*.litmus)"
				other=c11
				[ "$arch" = c11 ] && other=aarch64
				[ -f "$DIR/$other/$name.litmus" ] ||
					ko "$arch/$name" "no $other/$name.litmus: every model exists in both languages"
			else
				want=allowed
				[ -f "$DIR/$arch/$base.litmus" ] ||
					ko "$arch/$name" "a twin of nothing: no $base.litmus"
			fi
			if [ "$v" = "$want" ]; then
				ok "$arch/$name: bad outcome $v"
			else
				ko "$arch/$name" "bad outcome $v, want $want"
			fi
		done
	done
fi

# The bindings: their own PASS/FAIL lines and "bind: N passed, N failed".
bind_log=$(mktemp)
python3 "$DIR/bind.py" "$@" | tee "$bind_log"
read -r bp bf < <(sed -n 's/^bind: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' \
	"$bind_log")
rm -f "$bind_log"
if [ -z "${bp:-}" ]; then
	ko "bind.py" "no summary line (it crashed?)"
else
	pass=$((pass + bp))
	fail=$((fail + bf))
fi

echo "litmus: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
