#!/bin/bash
# Description: `make run-host` - the QEMU system without the root zone
# (what `make run` was before the root zone ran the daemon).  The EL2
# hypervisor boots under qemu-system-aarch64; zone1 runs the MMIO torture
# image (tests/guest) with its own MMU on; the hvbridge daemon, on this
# machine, serves zone1's test device through the channel region (a file
# QEMU shares with it).  Prints the boot, each failing case, and the
# guest's summary; exits 0 only if every case passed.
# (`make run` is the whole system, the daemon in the root zone; `make
# run-sim` is the host simulation; `make run-zone1 ZONE1=...` runs your
# own image: docs/run.md.)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$TOP/build/host}
img=$O/arm64/guest/hvbridge-guest.bin
log=$(mktemp /tmp/hvbridge-run-host.XXXXXX)
trap 'rm -f "$log"' EXIT

echo "== QEMU virt: the EL2 hypervisor; zone1 runs the torture image;"
echo "== the daemon on this machine serves its test device through the channel"
rc=0
# It takes about a second; a hang is called one after 30.
RUN_TIMEOUT=${RUN_TIMEOUT:-30} "$TOP/scripts/run-zone1.sh" "$img" \
	> "$log" 2>&1 || rc=$?
# The hypervisor's boot, what the daemon and the guest said of note.
grep -E "^hvbridge-hyp: (EL2 reached|MMU on|channel region|zone1: (image|entering|exit))|^\[zone1\] (guest: torture|guest: [0-9]+ passed|FAIL|  check)|^hvbridge: " \
	"$log" || true
if [ "$rc" -ne 0 ]; then
	echo "== make run-host: FAILED (exit $rc); the whole log:"
	cat "$log"
	exit "$rc"
fi
n=$(grep -c "^\[zone1\] PASS " "$log" || true)
echo "== make run-host: $n cases passed (every PASS line: scripts/run-zone1.sh $img)"
