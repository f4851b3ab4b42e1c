#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: MMIO exits per second under QEMU, through the channel to
# the real daemon against the same access served inside the hypervisor,
# measured side by side in one run (design.md, "Measures that matter").
#
# bench.sh IMAGE_DIR WORK_DIR HVBRIDGE [JSON [BENCH_CHANNEL]]
# Boots hvbridge-hyp-bench.elf (zone1 alone, untraced) with QEMU's RAM in
# a shared file and `hvbridge daemon --transport host` (which polls) on
# it; the guest times N reads of the test device's ID register per
# window with CNTVCT.  Prints the two rates and writes them to JSON
# (default build/bench/exits.json): channel_exits_per_s,
# inhyp_exits_per_s and ratio, the channel's time per exit over the
# in-hypervisor handler's.  Reports, does not judge: a slow machine
# fails nothing, but a run that produces no numbers does.
#
# Where an exit through the channel spends its time over the
# in-hypervisor one, from the same run: the hypervisor's own count of
# each request's publication-to-completion time (the region's latency
# counters, read with `hvbridge stat --transport host` from the RAM file
# QEMU left), and the host's raw cache-line ping-pong (BENCH_CHANNEL
# --pingpong, right after QEMU), the least any hand-off between the
# vCPU's thread and the daemon's can cost.  So the floor of the ratio is
# (in-hypervisor + ping-pong) / in-hypervisor: what a channel that did
# nothing but hand the request over and back would reach here.
set -u
img=$1
work=$2
hvb=$3
here=$(dirname "$0")
json=${4:-$here/../../build/bench/exits.json}
pingpong_bin=${5:-}
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
# The hypervisor's latency counters, from the RAM QEMU left behind.
"$hvb" stat --transport host --mem "$ram" --json > "$work/$n.stat.json" \
	2> "$work/$n.stat.err" || cat "$work/$n.stat.err"
rm -f "$ram"
pingpong=
if [ -n "$pingpong_bin" ] && [ -x "$pingpong_bin" ]; then
	pingpong=$("$pingpong_bin" --pingpong)
fi

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
mkdir -p "$(dirname "$json")"
if ! python3 - "$json" "$iters" "$hyp" "$chan" "$freq" "$aborts" \
	"$work/$n.stat.json" "$pingpong" <<'PY'
import json, re, sys, time

path = sys.argv[1]
n, hyp, chan, freq, aborts = (int(a) for a in sys.argv[2:7])
stat_path, pingpong = sys.argv[7], sys.argv[8]
if n <= 0 or hyp <= 0 or chan <= 0 or freq <= 0:
    sys.exit("e2e-bench: no usable tick counts")
hyp_ns = hyp / freq * 1e9 / n
chan_ns = chan / freq * 1e9 / n
print("e2e-bench: %d MMIO reads per window under QEMU (TCG)" % n)
print("  in-hypervisor handler: %9.0f exits/s  %7.2f us/exit"
      % (1e9 / hyp_ns, hyp_ns / 1e3))
print("  through the channel:   %9.0f exits/s  %7.2f us/exit  (%d aborted)"
      % (1e9 / chan_ns, chan_ns / 1e3, aborts))
print("  channel / in-hypervisor time per exit: %.2fx" % (chan_ns / hyp_ns))
out = {
    "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "where": "QEMU TCG, hvbridge-hyp-bench.elf, daemon on the host transport",
    "iterations": n,
    "channel_exits_per_s": round(1e9 / chan_ns, 1),
    "inhyp_exits_per_s": round(1e9 / hyp_ns, 1),
    # > 1: how many times longer an exit through the channel takes
    "ratio": round(chan_ns / hyp_ns, 3),
    "ratio_is": "channel time per exit / in-hypervisor time per exit",
    "channel_aborted": aborts,
    "inhyp_ns_per_exit": round(hyp_ns, 1),
    "channel_ns_per_exit": round(chan_ns, 1),
}
# The hypervisor's own count: from before it writes a request to after
# it saw the completion, summed over every request of the run.
wait_ns = None
try:
    with open(stat_path) as f:
        lat = json.load(f)["latency"]
    if lat["round_trips"] > 0:
        wait_ns = lat["total_ns"] / lat["round_trips"]
except (OSError, ValueError, KeyError, TypeError) as e:
    print("  (no latency counters from hvbridge stat: %s)" % e)
m = re.search(r"p50 ([0-9.]+) ns", pingpong)
pp_ns = float(m.group(1)) if m else None
extra = chan_ns - hyp_ns
print("  where the channel's extra %.0f ns per exit goes:" % extra)
if pp_ns is not None:
    out["host_pingpong_p50_ns"] = pp_ns
    out["floor_ratio"] = round((hyp_ns + pp_ns) / hyp_ns, 3)
    out["floor_ratio_is"] = ("(in-hypervisor time per exit + the host's "
                             "cache-line ping-pong p50) / in-hypervisor")
if wait_ns is not None:
    out["channel_wait_ns"] = round(wait_ns, 1)
    print("    publication to completion (the hypervisor's count): %6.0f ns"
          % wait_ns)
    if pp_ns is not None:
        print("      the hand-off and back (host ping-pong p50):       %6.0f ns"
              % pp_ns)
        print("      the daemon's work and the emulated polling:       %6.0f ns"
              % (wait_ns - pp_ns))
    print("    the rest: the hypervisor's emulated channel code:   %6.0f ns"
          % (extra - wait_ns))
if pp_ns is not None:
    print("  floor: (in-hypervisor + ping-pong) / in-hypervisor = %.2fx;"
          " target 1.3x" % out["floor_ratio"])
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
PY
then
	echo "e2e-bench: cannot write $json"
	exit 1
fi
grep "stopped after" "$work/$n.daemon" | sed 's/^/  daemon: /'
echo "  written to $json"
