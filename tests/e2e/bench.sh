#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: MMIO exits per second under QEMU, through the channel to
# the real daemon against the same access served inside the hypervisor,
# measured side by side in one run (design.md, "Measures that matter").
#
# bench.sh IMAGE_DIR WORK_DIR HVBRIDGE
# Boots hvbridge-hyp-bench.elf (zone1 alone, untraced) with the channel
# region as a file of its own and `hvbridge daemon --poll` on it; the
# guest times N reads of the test device's ID register per window with
# CNTVCT.  Reports, does not judge: a slow machine fails nothing, but a
# run that produces no numbers does.
set -u
img=$1
work=$2
hvb=$3
tmo=${E2E_TIMEOUT:-60}
here=$(dirname "$0")
mkdir -p "$work"
pass=0
fail=0

. "$here/lib.sh"

n=bench
if [ ! -x "$hvb" ]; then
	echo "e2e-bench: SKIP (no $hvb: make tool)"
	exit 0
fi
rm -f "$work/$n.why"
ram_args=$(split_ram "$work/bench-region.bin")
: > "$work/$n.log"
start_daemon $n "$work/bench-region.bin" --poll
boot $n "$img/hvbridge-hyp-bench.elf" "hvbridge-hyp: all zones exited" \
	"$ram_args"
kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null

line=$(grep -o "guest: bench n .*" "$work/$n.log.txt" | head -1)
set -- $line
# guest: bench n N hyp T channel T freq F aborts A
if [ $# -ne 12 ]; then
	echo "no bench line in the log" >> "$work/$n.why"
	result $n
	cat "$work/$n.daemon"
	exit 1
fi
iters=$(($4)); hyp=$(($6)); chan=$(($8)); freq=$((${10})); aborts=$((${12}))
awk -v n="$iters" -v h="$hyp" -v c="$chan" -v f="$freq" -v a="$aborts" '
BEGIN {
	hs = h / f; cs = c / f
	printf "e2e-bench: %d MMIO reads per window under QEMU (TCG)\n", n
	printf "  in-hypervisor handler: %9.0f exits/s  %7.2f us/exit\n", \
		n / hs, hs * 1e6 / n
	printf "  through the channel:   %9.0f exits/s  %7.2f us/exit" \
		"  (%d aborted)\n", n / cs, cs * 1e6 / n, a
	printf "  channel / in-hypervisor time per exit: %.2fx\n", c / h
}'
grep "stopped after" "$work/$n.daemon" | sed 's/^/  daemon: /'
