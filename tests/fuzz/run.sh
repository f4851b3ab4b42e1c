#!/bin/bash
# Description: run each fuzz target: first its replay build over the
# committed corpus (seeds and kept crashes), then libFuzzer for SECONDS
# on that corpus.  Any crash, leak, sanitizer report, invariant failure
# or timeout fails the target.  Prints PASS/FAIL per target with
# libFuzzer's executions and edges, and the summary line
# "fuzz: N passed, N failed".
# With FUZZ_COVERAGE=1 (make fuzz) it then replays each target's corpus
# and what the fuzzer kept through <t>-cov and prints a table of the
# line coverage of the files in $FUZZ_COVER_<t> (llvm-profdata and
# llvm-cov, Debian's llvm).
# Usage: run.sh SECONDS OUTDIR TARGET...
set -u
secs=$1 out=$2
shift 2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0
declare -A runs edges

for t in "$@"; do
	corpus=$TOP/tests/fuzz/corpus/$t
	work=$out/work/$t
	log=$out/$t.log
	ran=
	mkdir -p "$work" "$out/crashes"
	if ! "$out/$t-replay" "$corpus" >"$log" 2>&1; then
		echo "FAIL $t: the corpus replay failed (see $log)"
		fail=$((fail + 1))
		continue
	fi
	# New inputs go to $work (first directory); the committed corpus is
	# only read.  -timeout turns a hang on one input into a failure.
	if nice -n 19 "$out/$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/crashes/$t-" \
		"$work" "$corpus" >>"$log" 2>&1; then
		# libFuzzer's own count and time for this run, not SECONDS;
		# without its "Done N runs in S second(s)" it did not run.
		ran=$(sed -En 's/^Done ([0-9]+) runs in ([0-9]+) s.*/\1 \2/p' \
			"$log" | tail -n 1)
	fi
	if [ -n "$ran" ]; then
		# Edges: the "cov:" of libFuzzer's last status line.
		e=$(sed -En 's/.* cov: ([0-9]+) .*/\1/p' "$log" | tail -n 1)
		runs[$t]=${ran% *} edges[$t]=${e:-?}
		echo "PASS $t (${ran% *} inputs in ${ran#* } s, ${e:-?} edges)"
		pass=$((pass + 1))
	else
		echo "FAIL $t: see $log; the input is in $out/crashes/"
		fail=$((fail + 1))
	fi
done

if [ "${FUZZ_COVERAGE:-0}" = 1 ]; then
	printf '%-16s %10s %6s %7s  %s\n' target execs edges lines "of"
	for t in "$@"; do
		cov=$out/$t-cov
		var=FUZZ_COVER_$t
		files=()
		for f in ${!var:-}; do files+=("$TOP/$f"); done
		if [ ! -x "$cov" ] || [ "${#files[@]}" -eq 0 ]; then
			continue
		fi
		rm -f "$out/cov-$t".*.profraw
		LLVM_PROFILE_FILE="$out/cov-$t.%p.profraw" \
			"$cov" "$TOP/tests/fuzz/corpus/$t" "$out/work/$t" \
			>"$out/$t.cov.log" 2>&1
		llvm-profdata merge -sparse -o "$out/$t.profdata" \
			"$out/cov-$t".*.profraw 2>>"$out/$t.cov.log"
		# TOTAL row: ... Lines Missed Cover ...: fields 8-10.
		line=$(llvm-cov report "$cov" -instr-profile="$out/$t.profdata" \
			"${files[@]}" 2>>"$out/$t.cov.log" | awk '
			$1 == "TOTAL" { printf "%s %d/%d", $10, $8 - $9, $8 }')
		printf '%-16s %10s %6s %7s  %s\n' "$t" "${runs[$t]:--}" \
			"${edges[$t]:--}" "${line%% *}" \
			"${line#* } lines of ${!var}"
	done
fi

echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
