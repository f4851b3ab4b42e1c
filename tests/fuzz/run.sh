#!/bin/bash
# Description: run each fuzz target: first its replay build over the
# committed corpus (seeds and kept crashes), then libFuzzer for SECONDS
# on that corpus.  Any crash, leak, sanitizer report, invariant failure
# or timeout fails the target.  Prints PASS/FAIL per target and the
# summary line "fuzz: N passed, N failed".
# Usage: run.sh SECONDS OUTDIR TARGET...
set -u
secs=$1 out=$2
shift 2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0

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
	if "$out/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
		"$work" "$corpus" >>"$log" 2>&1; then
		# libFuzzer's own count and time for this run, not SECONDS;
		# without its "Done N runs in S second(s)" it did not run.
		ran=$(sed -En 's/^Done ([0-9]+) runs in ([0-9]+) s.*/\1 \2/p' \
			"$log" | tail -n 1)
	fi
	if [ -n "$ran" ]; then
		echo "PASS $t (${ran% *} inputs in ${ran#* } s)"
		pass=$((pass + 1))
	else
		echo "FAIL $t: see $log; the input is in $out/crashes/"
		fail=$((fail + 1))
	fi
done

echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
