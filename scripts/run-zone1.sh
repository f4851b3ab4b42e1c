#!/bin/bash
# Description: boot the EL2 hypervisor under QEMU with a zone1 image, and
# the hvbridge daemon on this machine serving zone1's test device through
# the channel; show the serial console; exit with the guest's exit code.
#
# Usage: run-zone1.sh IMAGE.bin
#   IMAGE.bin  a flat binary, loaded at PA 0x50000000 = zone1's IPA
#              0x40000000, entered at its first byte (docs/run.md)
# Environment: O (build dir, default build/host), RUN_TIMEOUT (seconds
# before the run is called hung, default 60), RUN_QUIET=1 (print only the
# guest's summary line, and the whole log on failure), RUN_CONFIG (a
# daemon config, e.g. configs/zone1-virtio-host.json; default: the test
# device only), RUN_DIR (the daemon's working directory, where relative
# paths in the config such as a blk image resolve; default a temporary
# directory, in which a missing zone1-virtio-blk.img is made, 1 MiB).
#
# Exit: the guest's exit code (the hypervisor's "zone1: exit, code N");
# 124 if it did not finish in time, 125 if the hypervisor stopped or
# QEMU died, 2 on a usage error.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$TOP/build/host}
HYP=$O/arm64/hyp/hvbridge-hyp.elf
HVB=$O/tool/hvbridge
ZONE1_PA=0x50000000
ZONE1_MAX=$((2 * 1024 * 1024))
tmo=${RUN_TIMEOUT:-60}
quiet=${RUN_QUIET:-0}

img=${1:-}
if [ -z "$img" ] || [ ! -f "$img" ]; then
	echo "usage: $0 IMAGE.bin (a flat zone1 image; see docs/run.md)" >&2
	exit 2
fi
size=$(stat -c %s "$img")
if [ "$size" -eq 0 ] || [ "$size" -gt $ZONE1_MAX ]; then
	echo "run-zone1: $img: $size bytes; zone1 has 2 MiB" >&2
	exit 2
fi
# The hypervisor runs its built-in guest when the first word is zero.
if [ "$(od -An -tx8 -N8 "$img" | tr -d ' ')" = 0000000000000000 ]; then
	echo "run-zone1: $img: the first 8 bytes are zero; the entry must be there" >&2
	exit 2
fi
for f in "$HYP" "$HVB"; do
	[ -x "$f" ] || [ -f "$f" ] ||
		{ echo "run-zone1: no $f (run make)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/hvbridge-run.XXXXXX)
qpid="" dpid=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	for p in $dpid $qpid; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
log=$work/serial.log
ram=$work/ram.img
: > "$log"
truncate -s 2G "$ram"

# All of QEMU's RAM is a file the daemon maps too (its host transport,
# docs/transports.md): it finds the channel region at PA 0xbfff0000.
qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 \
	-cpu cortex-a57 -smp 2 -display none -monitor none -nic none -m 2G \
	-object memory-backend-file,id=mem,size=2G,mem-path="$ram",share=on \
	-machine memory-backend=mem \
	-device loader,file="$img",addr=$ZONE1_PA,force-raw=on \
	-kernel "$HYP" -serial file:"$log" > "$work/qemu.out" 2>&1 &
qpid=$!

# Print the serial lines that are complete and not shown yet.
shown=0
show_new() {
	[ "$quiet" != 1 ] || return 0
	lines=$(wc -l < "$log")
	if [ "$lines" -gt "$shown" ]; then
		sed -n "$((shown + 1)),${lines}p" "$log" | tr -d '\r'
		shown=$lines
	fi
}

# The daemon attaches once the hypervisor has formatted the region (it
# refuses anything else).  It polls: the wake SPI cannot reach a process
# outside QEMU.
t=0
while ! grep -qF "hvbridge-hyp: channel region at" "$log"; do
	if [ $t -ge $((tmo * 50)) ] || ! kill -0 $qpid 2>/dev/null; then
		break
	fi
	sleep 0.02
	t=$((t + 1))
done
show_new
rundir=${RUN_DIR:-$work}
[ -n "${RUN_CONFIG:-}" ] && [ ! -e "$rundir/zone1-virtio-blk.img" ] &&
	truncate -s 1M "$rundir/zone1-virtio-blk.img"
(cd "$rundir" && exec "$HVB" daemon ${RUN_CONFIG:+-c "$RUN_CONFIG"} \
	--transport host --mem "$ram") > "$work/daemon.out" 2>&1 &
dpid=$!

rc=124
t=0
while [ $t -lt $((tmo * 10)) ]; do
	if grep -qF "hvbridge-hyp: all zones exited" "$log"; then
		rc=$(sed -n 's/.*hvbridge-hyp: zone1: exit, code \([0-9]*\).*/\1/p' \
			"$log" | head -n 1)
		rc=${rc:-125}
		break
	fi
	if grep -qE "hvbridge-hyp: CPU [0-9]+ stopped" "$log"; then
		rc=125
		break
	fi
	# QEMU gone: one more look, for a last line printed as it exited.
	if ! kill -0 $qpid 2>/dev/null; then
		grep -qF "hvbridge-hyp: all zones exited" "$log" && continue
		rc=125
		break
	fi
	show_new
	sleep 0.1
	t=$((t + 1))
done
sleep 0.1	# the lines after the one waited for
show_new
kill $qpid $dpid 2>/dev/null || true
wait $qpid $dpid 2>/dev/null || true
qpid="" dpid=""
# The daemon's own report (what it served) when it stopped.
if [ "$quiet" != 1 ] || [ "$rc" != 0 ]; then
	cat "$work/daemon.out"
fi

case $rc in
124) echo "run-zone1: no \"all zones exited\" after ${tmo}s" >&2 ;;
125) echo "run-zone1: the hypervisor stopped or QEMU exited" >&2 ;;
esac
if [ "$quiet" = 1 ]; then
	if [ "$rc" = 0 ]; then
		tr -d '\r' < "$log" | grep -E "guest: [0-9]+ passed, [0-9]+ failed" ||
			true
	else
		tr -d '\r' < "$log"
	fi
fi
if [ "$rc" != 0 ]; then
	echo "--- qemu ---" >&2
	cat "$work/qemu.out" >&2
fi
exit "$rc"
