#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the system benchmark: zone1's MMIO round trips per second
# through the root zone's daemon (Debian's kernel, hvbridge.ko, the
# static arm64 daemon on the kmod transport), in one QEMU run: first the
# daemon polling (--poll), then, after it is killed and started again,
# sleeping after every empty poll (--spin-budget 1: each request wakes
# it through the wake SPI and the module).  zone1 runs the hammer image
# (tests/guest/hammer.c), whose progress line each second gives the
# rates; seconds with an aborted access or a daemon change are left out.
# A second QEMU run (mkinitramfs.sh's run mode: the daemon serves
# configs/zone1-virtio-root.json) has zone1 run the blk benchmark image
# (tests/guest/blkbench.c), whose "blkbench:" line gives virtio-blk's
# read and write throughput through the daemon.
#
# sysbench.sh IMAGE_DIR WORK_DIR JSON
# Environment: as tests/e2e/fault.sh (E2E_ARM64, E2E_HVBRIDGE_ARM64,
# E2E_KMOD, E2E_HAMMER_BIN, E2E_TIMEOUT), and E2E_BLKBENCH_BIN (by
# default hvbridge-guest-blkbench.bin beside the hammer image).
set -u
img=$1
work=$2
json=$3
tmo=${E2E_TIMEOUT:-60}
here=$(dirname "$0")
top=$(cd "$here/../.." && pwd)
mkdir -p "$work"

. "$here/lib.sh"
. "$here/rootlib.sh"

arm64=${E2E_ARM64:-}
hvb64=${E2E_HVBRIDGE_ARM64:-}
ko=${E2E_KMOD:-}
hbin=${E2E_HAMMER_BIN:-}
bbin=${E2E_BLKBENCH_BIN:-$(dirname "$hbin")/hvbridge-guest-blkbench.bin}

if [ ! -f "$arm64/Image" ] || [ -z "$ko" ] || [ ! -f "$ko" ]; then
	echo "e2e-sysbench: SKIP (no $arm64/Image or no hvbridge.ko)"
	exit 0
fi

# One copy of the module for the whole run: kbuild rewrites it in place
# when anything rebuilds it meanwhile.
cp "$ko" "$work/hvbridge.ko" && ko=$work/hvbridge.ko

n=sysbench
if root_boot $n nodaemon "$img/hvbridge-hyp.elf" "$hvb64" &&
   root_wait $n "^hvbridge-root: ready for commands" &&
   root_cmd $n "start --poll" &&
   root_wait $n "^\[zone1\] guest: hammer: 4 s:" &&
   root_cmd $n kill &&
   # The test device's SCRATCH lives in the daemon and a new daemon
   # starts with it zeroed: a read-back left in the region across the
   # switch would read 0.  Let it time out (500 ms, a counted abort)
   # before the next daemon attaches, as e2e-fault's restart does.
   sleep 1 &&
   root_cmd $n "start --spin-budget 1" &&
   root_wait $n "^\[zone1\] guest: hammer: done:"; then
	echo off >&7
	root_wait $n "hvbridge-hyp: root: SYSTEM_OFF"
fi
root_end $n

# Per phase, the accesses of each whole second between two progress
# lines with no abort in between; a phase's first line (its second may
# hold the daemon's start) and its last (the kill) bound no sample.
rates=$(awk '
/^hvbridge-root: done: start/ { phase = ++starts; prev = ""; next }
/^kill$/ || /^hvbridge-root: done: kill/ { phase = 0; next }
/^\[zone1\] guest: hammer: [0-9]+ s: / {
	if (phase != 1 && phase != 2)
		next
	# [zone1] guest|hammer|S s|N accesses|W wrong|A aborted
	split($0, f, /[:,] */)
	n = f[4] + 0; a = f[6] + 0
	if (prev != "" && a == preva)
		s[phase] = s[phase] " " (n - prevn)
	prev = 1; prevn = n; preva = a
}
END { printf "%s|%s\n", s[1], s[2] }' "$work/$n.log.txt")
poll=${rates%%|*}
sleep_=${rates#*|}
wrong=$(sed -En 's/.*guest: hammer: done: .* ([0-9]+) wrong.*/\1/p' \
	"$work/$n.log.txt")
echo "  polling:  round trips in each second: ${poll:-none}"
echo "  sleeping: round trips in each second: ${sleep_:-none}"
grep -h "hvbridge: stopped after\|guest: hammer: done" "$work/$n.log.txt" |
	sed 's/^/  /'
fail=
if [ -s "$work/$n.why" ] || [ -z "$poll" ] || [ -z "$sleep_" ] ||
   [ "$wrong" != 0 ]; then
	echo "FAIL $n (wrong values: ${wrong:-?})"
	fail=$n
fi

# virtio-blk: zone1's benchmark image against the run mode's daemon;
# the root zone waits for "done" once zone1 has exited, then powers off.
b=sysbench-blk
hbin=$bbin
qpid=
if [ ! -f "$hbin" ]; then
	echo "no blk benchmark image $hbin" > "$work/$b.why"
elif root_boot $b run "$img/hvbridge-hyp.elf" "$hvb64" &&
     root_wait $b "hvbridge-hyp: zone1: exit, code"; then
	echo done >&7
	root_wait $b "hvbridge-hyp: root: SYSTEM_OFF"
fi
[ -f "$work/$b.log" ] && root_end $b
line=$(grep -m1 -E '^\[zone1\] blkbench: read_bytes=' "$work/$b.log.txt" \
	2>/dev/null)
blk=$(echo "$line" | sed -En 's/.*read_bytes=([0-9]+) read_ns=([0-9]+) '\
'write_bytes=([0-9]+) write_ns=([0-9]+).*/\1 \2 \3 \4/p')
grep -h "blkbench\|virtio-blk/\|zone1: exit" "$work/$b.log.txt" 2>/dev/null |
	sed 's/^/  /'
if [ -s "$work/$b.why" ] || [ -z "$blk" ] ||
   ! grep -q "hvbridge-hyp: zone1: exit, code 0$" "$work/$b.log.txt"; then
	echo "FAIL $b (no blkbench line, a failed step or zone1's exit not 0)"
	fail="$fail $b"
fi

if [ -n "$fail" ]; then
	for f in $fail; do
		sed 's/^/  /' "$work/$f.why" 2>/dev/null
		echo "  --- serial log of $f ---"
		sed 's/^/  | /' "$work/$f.log.txt" 2>/dev/null
	done
	nf=$(echo $fail | wc -w)
	echo "e2e-sysbench: $((2 - nf)) passed, $nf failed"
	exit 1
fi

mkdir -p "$(dirname "$json")"
if ! python3 - "$json" "$poll" "$sleep_" "$blk" <<'PY'
import json, sys, time

path = sys.argv[1]
poll = [int(x) for x in sys.argv[2].split()]
slp = [int(x) for x in sys.argv[3].split()]
rb, rns, wb, wns = (int(x) for x in sys.argv[4].split())
p = sum(poll) / len(poll)
s = sum(slp) / len(slp)
out = {
    "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "where": "QEMU TCG, hvbridge-hyp.elf, root zone (Debian kernel, "
             "hvbridge.ko, daemon on the kmod transport), zone1 hammer "
             "image on two vCPUs; virtio-blk: a second run, zone1's "
             "blkbench image, the daemon on zone1-virtio-root.json",
    "round_trips_per_s_polling": round(p, 1),
    "round_trips_per_s_sleeping": round(s, 1),
    # > 1: how many more round trips a polling daemon serves
    "ratio": round(p / s, 3) if s else None,
    "ratio_is": "polling round trips/s / sleeping round trips/s",
    "sleeping_is": "--spin-budget 1: the daemon sleeps after every "
                   "empty poll, so each request wakes it",
    "samples_polling": poll,
    "samples_sleeping": slp,
    # zone1's virtio-blk through the daemon (tests/guest/blkbench.c):
    # sequential 64 KiB requests, one in flight; only the requests are
    # timed (zone1's generic timer), MB = 10^6 bytes
    "blk_read_mb_per_s": round(rb / rns * 1e3, 2) if rns else None,
    "blk_write_mb_per_s": round(wb / wns * 1e3, 2) if wns else None,
    "blk_read_bytes": rb,
    "blk_read_ns": rns,
    "blk_write_bytes": wb,
    "blk_write_ns": wns,
}
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("  polling %.0f round trips/s, sleeping %.0f round trips/s, "
      "ratio %.2f" % (p, s, p / s if s else 0))
print("  virtio-blk from zone1: read %s MB/s, write %s MB/s"
      % (out["blk_read_mb_per_s"], out["blk_write_mb_per_s"]))
PY
then
	echo "e2e-sysbench: cannot write $json"
	exit 1
fi
echo "  written to $json"
echo "PASS $n"
echo "PASS $b"
echo "e2e-sysbench: 2 passed, 0 failed"
