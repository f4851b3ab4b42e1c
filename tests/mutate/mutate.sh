#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Description: the mutation gate.  Weakens each ordering primitive use,
# and removes or inverts each safety check, of tests/mutate/mutations.txt,
# one at a time, in a scratch copy of the tree (build/mutate/tree), and
# runs that mutation's catchers until one fails.  Every mutation must be
# caught; the table of which check caught which goes to
# build/mutate/report.md (docs/memory-ordering.md has the ordering rows,
# docs/testing.md the safety-check rows).
#
# Bounded for a 2-core machine: the catcher "bind" builds only
# $MUTATE_BUILDS (default hyp-gcc-O2,daemon-gcc-O2), incrementally, and
# every catcher run is limited to $MUTATE_LIMIT seconds (default 600).
# MUTATE_ONLY=id,id runs just those mutations.  MUTATE_WRAP="flock
# /work/qemu.lock" (for example) prefixes each make:PART catcher run, so
# a shared machine runs one QEMU at a time without holding a lock
# across builds.
#
# Prints CAUGHT/MISSED per mutation and ends with
# "mutate: N passed, N failed" (passed = caught); exits non-zero if any
# mutation was missed, or the unmutated copy already fails a catcher.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
TABLE=${MUTATE_TABLE:-$TOP/tests/mutate/mutations.txt}
OUT=$TOP/build/mutate
TREE=$OUT/tree
LOGS=$OUT/logs
BUILDS=${MUTATE_BUILDS:-hyp-gcc-O2,daemon-gcc-O2}
LIMIT=${MUTATE_LIMIT:-600}
ONLY=${MUTATE_ONLY:-}

unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
mkdir -p "$LOGS"

# The scratch copy: the files git tracks or would track (committed or
# not), so never build/ or .git; build/arm64-sysroot is shared (read
# only).  A file whose contents did not change keeps its mtime, so the
# scratch builds stay incremental from one run to the next; one that
# did gets a fresh one, so it is rebuilt.
git -C "$TOP" ls-files -z -co --exclude-standard | python3 -c '
import os, shutil, sys, filecmp
top, tree = sys.argv[1], sys.argv[2]
for f in sys.stdin.read().split("\0"):
    src, dst = os.path.join(top, f), os.path.join(tree, f)
    if not f or not os.path.isfile(src):
        continue
    if os.path.isfile(dst) and filecmp.cmp(src, dst, shallow=False):
        continue
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    # A fresh mtime: the scratch copy may hold a mutated file (a run
    # stopped mid-row) whose builds are newer than the source.
    shutil.copy(src, dst)
' "$TOP" "$TREE" || { echo "mutate: cannot copy the tree to $TREE"; exit 1; }
"$TOP/scripts/fetch-arm64-libs.sh" >"$LOGS/fetch.log" 2>&1 ||
	{ echo "mutate: scripts/fetch-arm64-libs.sh failed (see $LOGS/fetch.log)"; exit 1; }
mkdir -p "$TREE/build"
ln -sfn "$TOP/build/arm64-sysroot" "$TREE/build/arm64-sysroot"
# The QEMU parts' kernel and busybox (scripts/fetch-arm64.sh), if there.
[ ! -d "$TOP/build/arm64" ] || ln -sfn "$TOP/build/arm64" "$TREE/build/arm64"

# catch CATCHER LOG: 0 if the check passes on the scratch tree, 3 if
# the tree does not even build (a mutation that only breaks the build
# proves nothing about the checks), 4 if a named test ran none, else 1.
# make:PART=PATTERN runs only the Criterion tests PATTERN matches
# (CRITERION_TEST_PATTERN, "suite/test", globs allowed): the test that
# names the mutated rule, and no other, must catch it.
catch() {
	local pattern=

	case $1 in
	bind)
		timeout -k 5 "$LIMIT" python3 "$TREE/tests/litmus/bind.py" \
			--only "$BUILDS" >"$2" 2>&1 && return 0
		! grep -q '^FAIL bind build ' "$2" || return 3
		return 1
		;;
	make:*=*)
		pattern=${1#*=}
		;&
	make:*)
		local part=${1#make:}

		part=${part%%=*}
		timeout -k 5 "$LIMIT" make --no-print-directory -C "$TREE" all \
			>"$2" 2>&1 || return 3
		(
			[ -z "$pattern" ] || export CRITERION_TEST_PATTERN="$pattern"
			# shellcheck disable=SC2086 # a command and its words
			exec ${MUTATE_WRAP:-} timeout -k 5 "$LIMIT" make \
				--no-print-directory -C "$TREE/tests" "$part"
		) >>"$2" 2>&1 || return 1
		# A part that skips (a QEMU part without its kernel) would
		# pass whatever the code.
		! grep -q '^SKIP ' "$2" || return 4
		# A pattern that matches no test would pass whatever the code.
		if [ -n "$pattern" ] &&
		   ! grep -Eq 'Synthesis: Tested: [1-9]' "$2"; then
			return 4
		fi
		;;
	*)
		echo "unknown catcher '$1'" >"$2"
		return 2
		;;
	esac
}

# mutate FILE N FIND REPLACE: replace the N-th occurrence in place
mutate() {
	python3 - "$@" <<'PY'
import sys
path, n, find, repl = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
find = find.replace("{TAB}", "\t")
repl = repl.replace("{TAB}", "\t")
s = open(path).read()
i = -1
for _ in range(n):
    i = s.find(find, i + 1)
    if i < 0:
        sys.exit(1)
open(path, "w").write(s[:i] + repl + s[i + len(find):])
PY
}

# The table, parsed once: one row a line, its fields split at " | "
# (so a "find" may hold "||"), here at an ASCII unit separator.
US=$'\x1f'
mapfile -t rows < <(grep -v '^[[:space:]]*\(#\|$\)' "$TABLE" |
	sed "s/ | /$US/g")

# Baseline: every catcher in use (by the rows run) must pass on the
# unmutated copy.
declare -A used=()
for row in "${rows[@]}"; do
	IFS=$US read -r id _ _ _ _ catchers _ <<<"$row"
	id=${id//[[:space:]]/}
	if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$id,"* ]]; then
		continue
	fi
	for c in ${catchers:-bind}; do used[$c]=1; done
done
for c in "${!used[@]}"; do
	if ! catch "$c" "$LOGS/baseline-${c//[:\/=*]/_}.log"; then
		echo "FAIL baseline: '$c' fails, or runs no test, without any mutation (see $LOGS/baseline-${c//[:\/=*]/_}.log)"
		echo "mutate: 0 passed, 1 failed"
		exit 1
	fi
done

caught=0
missed=0
report=$OUT/report.md
{
	echo "| mutation | file | rule | caught by |"
	echo "|---|---|---|---|"
} >"$report"
for row in "${rows[@]}"; do
	IFS=$US read -r id file n find repl catchers rule <<<"$row"
	id=${id//[[:space:]]/}
	rule=${rule:-}
	rule=${rule%"${rule##*[![:space:]]}"}
	file=${file//[[:space:]]/}
	n=${n//[[:space:]]/}
	if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$id,"* ]]; then
		continue
	fi
	catchers=${catchers:-bind}
	if ! mutate "$TREE/$file" "$n" "$find" "$repl"; then
		echo "MISSED $id: occurrence $n of '$find' is not in $file (update the table)"
		missed=$((missed + 1))
		echo "| \`$id\` | \`$file\` | $rule | **stale: not found** |" >>"$report"
		cp "$TOP/$file" "$TREE/$file"
		continue
	fi
	by=""
	nobuild=""
	for c in $catchers; do
		log=$LOGS/$id-${c//[:\/=*]/_}.log
		catch "$c" "$log"
		case $? in
		0) continue ;;
		3|4) nobuild=$c ;;
		*) by=$c
		   why=$(grep -m1 -E '^FAIL|^\[FAIL\]' "$log" | cut -c1-160) ;;
		esac
		break
	done
	# A fresh mtime, so the next build leaves this mutation behind.
	cp "$TOP/$file" "$TREE/$file"
	if [ -n "$nobuild" ]; then
		echo "MISSED $id: the mutated tree does not build, or runs no test, for $nobuild (see $log; fix the table)"
		missed=$((missed + 1))
		echo "| \`$id\` | \`$file\` | $rule | **does not build** |" >>"$report"
	elif [ -n "$by" ]; then
		caught=$((caught + 1))
		# For bind: every model whose binding failed, e.g. "hot, publish".
		models=$(sed -n 's/^FAIL bind \([^ ]*\) [^ ]*: .*/`\1`/p' "$log" |
			sort -u | paste -sd, - | sed 's/,/, /g')
		# For a QEMU part: the checks that failed, by name
		# ("failed check: hc-test: FAIL irq-above", tests/kmod/qemu.sh).
		[ -n "$models" ] || models=$(sed -n \
			's/^  failed check: \([a-z-]*\): FAIL \(.*\)/`\1 \2`/p' \
			"$log" | sort -u | paste -sd, - | sed 's/,/, /g')
		[ -z "$models" ] || [ "${by#make:}" = "$by" ] ||
			why="$why (checks: $models)"
		echo "CAUGHT $id by $by: ${why:-(see $log)}"
		echo "| \`$id\` | \`$file\` | $rule | \`$by\`${models:+: $models} |" >>"$report"
	else
		echo "MISSED $id: $catchers all passed with it"
		missed=$((missed + 1))
		echo "| \`$id\` | \`$file\` | $rule | **missed** |" >>"$report"
	fi
done
# Leave the scratch builds as the unmutated tree.
echo "mutate: report in ${report#"$TOP"/}"
echo "mutate: $caught passed, $missed failed"
[ "$missed" -eq 0 ]
