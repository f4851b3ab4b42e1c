#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: MMIO exits per second under QEMU, through the channel to
# the real daemon against the same access served inside the hypervisor,
# measured side by side in one run (design.md, "Measures that matter").
#
# bench.sh IMAGE_DIR WORK_DIR HVBRIDGE [JSON]
# Boots hvbridge-hyp-bench.elf (zone1 alone, untraced) with QEMU's RAM in
# a shared file and `hvbridge daemon --transport host` (which polls) on
# it; the guest times N reads of the test device's ID register per
# window with CNTVCT.  Prints the two rates and writes them to JSON
# (default build/bench/exits.json): channel_exits_per_s,
# inhyp_exits_per_s and ratio, the channel's time per exit over the
# in-hypervisor handler's.  Reports, does not judge: a slow machine
# fails nothing, but a run that produces no numbers does.
set -u
img=$1
work=$2
hvb=$3
here=$(dirname "$0")
json=${4:-$here/../../build/bench/exits.json}
tmo=${E2E_TIMEOUT:-60}
mkdir -p "$work"
pass=0
fail=0

. "$here/lib.sh"

n=bench
if [ ! -x "$hvb" ]; then
	echo "e2e-bench: SKIP (no $hvb: make tool)"
	exit 0
fi
rm -f "$work/$n.why" "$ram"
truncate -s 2G "$ram"
: > "$work/$n.log"
start_daemon_host $n
boot $n "$img/hvbridge-hyp-bench.elf" "hvbridge-hyp: all zones exited" \
	"$QEMU_SHARED_RAM"
kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null
rm -f "$ram"

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
mkdir -p "$(dirname "$json")"
if ! python3 - "$json" "$iters" "$hyp" "$chan" "$freq" "$aborts" <<'PY'
import json, sys, time

path = sys.argv[1]
n, hyp, chan, freq, aborts = (int(a) for a in sys.argv[2:])
if n <= 0 or hyp <= 0 or chan <= 0 or freq <= 0:
    sys.exit("e2e-bench: no usable tick counts")
out = {
    "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "where": "QEMU TCG, hvbridge-hyp-bench.elf, daemon on the host transport",
    "iterations": n,
    "channel_exits_per_s": round(n * freq / chan, 1),
    "inhyp_exits_per_s": round(n * freq / hyp, 1),
    # > 1: how many times longer an exit through the channel takes
    "ratio": round(chan / hyp, 3),
    "ratio_is": "channel time per exit / in-hypervisor time per exit",
    "channel_aborted": aborts,
}
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
PY
then
	echo "e2e-bench: cannot write $json"
	exit 1
fi
echo "  written to $json"
