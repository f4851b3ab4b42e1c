#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: zone1 stopped and started five times under one daemon,
# with no hypervisor reboot (docs/zones.md, "Restarting a zone"):
# `make run-baremetal` (scripts/run-baremetal.sh) with RUN_ZONE_RUNS=5,
# so the root zone runs `hvbridge zone start 1` each time zone1 has
# stopped.  zone1's virtio workload (blk, console, rng) and torture
# cases must pass in every run, each start must succeed, and the daemon
# must have reset zone1's devices for each new generation (its "zone 1 stopped
# (generation N)" lines): without that it would keep the old run's
# rings and the next run's drivers would fail or be corrupted.
#
# zonerestart.sh WORK_DIR
# Environment: E2E_ARM64, E2E_KMOD, E2E_TIMEOUT (as system.sh).
set -u
work=$1
tmo=${E2E_TIMEOUT:-200}
runs=5
here=$(dirname "$0")
top=$(cd "$here/../.." && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
n=zonerestart
why=$work/$n.why
log=$work/$n.log.txt
rm -f "$why" "$log"

if [ ! -f "${E2E_ARM64:-}/Image" ] || [ ! -x "${E2E_ARM64:-}/busybox" ] ||
   [ ! -f "${E2E_KMOD:-}" ]; then
	echo "SKIP $n (no ${E2E_ARM64:-}/Image or no hvbridge.ko)"
	echo "e2e-zonerestart: 0 passed, 0 failed"
	exit 0
fi

RUN_ZONE_RUNS=$runs RUN_TIMEOUT=$tmo "$top/scripts/run-baremetal.sh" --no-build \
	--log "$log" > "$work/$n.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || echo "scripts/run-baremetal.sh exited $rc" >> "$why"
[ -f "$log" ] || : > "$log"

# count_end TEXT: lines of the serial log that end with TEXT (zone1's
# lines may follow characters of the root zone's on the shared port).
count_end() {
	awk -v l="$1" 'length($0) >= length(l) &&
		substr($0, length($0) - length(l) + 1) == l { c++ }
		END { print c + 0 }' "$log"
}
need() {	# need COUNT TEXT
	got=$(count_end "$2")
	[ "$got" -ge "$1" ] || echo "$got of $1: $2" >> "$why"
}

# zone1's exit code is its count of failed steps and cases, the virtio
# workload's included (tests/guest/main.c): 0 in every run.  Its PASS
# lines go through its console's rate limit (docs/console.md), which
# drops some when runs follow each other closely, so they are looked
# for once; the lines it sent through virtio-console come out of the
# daemon, whole, once per run.
need $runs "hvbridge-hyp: zone1: exit, code 0"
for s in virtio-blk/compare virtio-console/tx virtio-rng/differ; do
	need 1 "[zone1] PASS $s"
done
need $runs "hvbridge-guest: hello from zone1 over virtio-console"
need $runs "hvbridge-guest: virtio-console line 2 of 2"
need $runs "hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU 2"
i=2
while [ $i -le $runs ]; do
	need 1 "hvbridge-root: zone1 run $i of $runs: zone start 1 exited 0"
	i=$((i + 1))
done
need 1 "hvbridge-root: zone1 ran $runs times: stopped"
i=1
while [ $i -lt $runs ]; do
	grep -qE "^hvbridge: .*zone 1 stopped \(generation $i\): its 4 devices reset for its next run" "$log" ||
		echo "missing: the daemon's reset of zone 1 for generation $i" >> "$why"
	i=$((i + 1))
done
for l in "[zone1] FAIL " "Kernel panic" "Internal error" "Unable to handle" \
	 "hvbridge: error:" "has not released" "exit, code 1"; do
	! grep -qF -- "$l" "$log" || grep -F -- "$l" "$log" |
		sed 's/^/unexpected: /' >> "$why"
done

if [ -s "$why" ]; then
	echo "FAIL $n"
	sed 's/^/  /' "$why"
	echo "  --- scripts/run-baremetal.sh said ---"
	grep '^==' "$work/$n.out" | sed 's/^/  > /'
	echo "  (serial log: $log)"
	echo "e2e-zonerestart: 0 passed, 1 failed"
	exit 1
fi
echo "PASS $n: zone1 ran $runs times under one daemon, every run clean ($(tail -n 1 "$work/$n.out" | sed 's/^== make run-baremetal: //'))"
echo "e2e-zonerestart: 1 passed, 0 failed"
