#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: `make run-baremetal` - the whole system with a bare-metal
# zone1 (docs/run.md; `make run` boots zone1's Linux: scripts/run-linux.sh).
# qemu-system-aarch64 (-smp 3) boots the EL2 hypervisor; the root zone
# (CPUs 0-1) boots Debian's arm64 Linux with scripts/mkinitramfs.sh's
# initramfs in mode "run": it loads hvbridge.ko and starts the static
# arm64 daemon on the kmod transport with configs/zone1-virtio-root.json;
# zone1 (CPU 2) runs the virtio image (tests/guest: virtio-blk, -console,
# -rng, then the MMIO torture cases), every device served by that daemon
# through the channel.  Once zone1 has exited, this script types "done"
# on the root zone's console: the root zone prints its summary (hvbridge
# stat, the daemon's counters), stops the daemon, unloads the module and
# powers off.
#
# Prints a filtered progress; exits 0 only if zone1 reported 0 failures,
# the daemon served requests with no errors but the two the torture image
# asks for (chan/abort_error_load and chan/abort_error_store read and
# write the test device's ERROR register: "2 errors: 0 malformed, 0 no
# device"), and the root zone powered off; otherwise 1 and the whole
# serial log.  RUN_TIMEOUT (60) s bound the boot.  RUN_ZONE_RUNS (1): the
# root zone starts zone1 again after each run until it ran that often
# under the one daemon (tests/e2e/zonerestart.sh).
#
# Usage: run.sh [--shell] [--no-build] [--log FILE]
#   --shell     the same system, the root zone's shell on this terminal
#               (make run-baremetal-shell; no timeout; Ctrl-A X quits QEMU)
#   --no-build  the prerequisites are built (tests/e2e/system.sh)
#   --log FILE  keep the serial log (CR removed) in FILE
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-$TOP/build/host}
ARM64=$TOP/build/arm64
work=$TOP/build/run
tmo=${RUN_TIMEOUT:-60}
shell=0
build=1
keep=

while [ $# -gt 0 ]; do
	case $1 in
	--shell) shell=1 ;;
	--no-build) build=0 ;;
	--log) keep=$2; shift ;;
	*) sed -n 's/^# Usage: /usage: /p' "$0" >&2; exit 2 ;;
	esac
	shift
done

hyp=$O/arm64/hyp/hvbridge-hyp.elf
gbin=$O/arm64/guest/hvbridge-guest-virtio.bin
hvb64=$O/arm64/tool/hvbridge

# The prerequisites the top `make all` does not build: Debian's kernel
# and busybox, the hypervisor image, the arm64 daemon, the module.
if [ "$build" = 1 ]; then
	if [ ! -f "$ARM64/Image" ] || [ ! -x "$ARM64/busybox" ]; then
		"$TOP/scripts/fetch-arm64.sh"
	fi
	make --no-print-directory -s -C "$TOP/hyp" image
	make --no-print-directory -s -C "$TOP/tool" arm64
	make --no-print-directory -s -C "$TOP/tests" "$gbin"
	# kbuild: none of this make's command line (docs/kmod.md).
	MAKEFLAGS='' make --no-print-directory -s -C "$TOP/kmod"
fi
ko=
for k in "$O/arm64/kmod/hvbridge.ko" "$TOP/build/kmod/hvbridge.ko" \
	 "$TOP/kmod/hvbridge.ko"; do
	if [ -f "$k" ]; then
		ko=$k
		break
	fi
done
for f in "$hyp" "$gbin" "$hvb64" "$ARM64/Image" "${ko:-hvbridge.ko}"; do
	if [ ! -f "$f" ]; then
		echo "run-baremetal: missing $f (make run-baremetal builds it)" >&2
		exit 1
	fi
done

mkdir -p "$work"
if [ "$shell" = 1 ]; then
	# The shell's daemon serves the same devices: the virtio config
	# as the root zone's default one.
	"$TOP/scripts/mkinitramfs.sh" -o "$work/root" --dtb --mode shell \
		--busybox "$ARM64/busybox" --daemon "$hvb64" --kmod "$ko" \
		--config "$TOP/configs/zone1-virtio-root.json" > /dev/null
else
	"$TOP/scripts/mkinitramfs.sh" -o "$work/root" --dtb --mode run \
		--busybox "$ARM64/busybox" --daemon "$hvb64" --kmod "$ko" \
		--zone-runs "${RUN_ZONE_RUNS:-1}" > /dev/null
fi

# Where each part goes: hyp/arch/arm64/README.md.
ld=loader,force-raw=on
qemu=(qemu-system-aarch64 -M "virt,virtualization=on,gic-version=3"
	-cpu cortex-a57 -smp 3 -m 2G -display none -monitor none -nic none
	-kernel "$hyp"
	-device "$ld,addr=0x40200000,file=$ARM64/Image"
	-device "$ld,addr=0x48000000,file=$work/root/root.dtb"
	-device "$ld,addr=0x49000000,file=$work/root/initramfs.cpio.gz"
	-device "$ld,addr=0x50000000,file=$gbin")

if [ "$shell" = 1 ]; then
	echo "== the root zone's shell follows (hvbridge-ctl status," \
	     "poweroff -f ends it; Ctrl-A X quits QEMU)"
	exec "${qemu[@]}" -serial mon:stdio
fi

log=$work/serial.log
in=$work/console.in
rm -f "$in"
: > "$log"
mkfifo "$in"
qpid=
fpid=
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
	[ -z "$fpid" ] || kill "$fpid" 2>/dev/null || true
	wait 2>/dev/null || true
	exec 7>&- || true
	rm -f "$in"
}
trap cleanup EXIT
# Read-write: opening never blocks, and QEMU never sees EOF.
exec 7<> "$in"

echo "== QEMU virt, -smp 3: the EL2 hypervisor; the root zone's Linux"
echo "== (CPUs 0-1) runs hvbridge.ko and the daemon; zone1 (CPU 2) runs"
echo "== its virtio workload and the torture cases through the channel"
t0=$(date +%s)
timeout $((tmo + 5)) "${qemu[@]}" -serial stdio < "$in" > "$log" \
	2> "$work/qemu.err" &
qpid=$!

# The progress: the boot, the root zone's steps, the daemon, zone1's
# workload and summary, the console lines zone1 sent through the
# daemon, and the summary block whole.
tail -n +1 -s 0.2 -f --pid=$qpid "$log" 2>/dev/null | sed -u 's/\r//g' | awk '
/^hvbridge-root: ---- summary/ { sum = 1 }
sum { print; fflush() }
/^hvbridge-root: ---- end of summary/ { sum = 0; next }
sum { next }
/^hvbridge-hyp: (EL2 reached|root: entering|zone1: (image|entering|exit)|root: SYSTEM_OFF)/ ||
/^hvbridge-root: / || /^hvbridge: / || /^hvbridge-guest: / ||
/^\[zone1\] (FAIL |PASS virtio-|  check)/ ||
(/^\[zone1\] guest: / && !/guest: data abort/) { print; fflush() }
' &
fpid=$!

# wait_for PATTERN: until a line matches (grep -E); 1 if QEMU exits or
# the time runs out first.
why=
wait_for() {
	while ! awk -f "$TOP/tests/e2e/untangle.awk" "$log" | grep -qE -e "$1"; do
		if ! kill -0 "$qpid" 2>/dev/null; then
			# It may have printed the line just before it exited
			# (SYSTEM_OFF does exactly that): look once more.
			! awk -f "$TOP/tests/e2e/untangle.awk" "$log" |
				grep -qE -e "$1" || return 0
			why="QEMU exited before \"$1\""
			return 1
		fi
		if [ "$(date +%s)" -ge $((t0 + tmo)) ]; then
			why="no \"$1\" within ${tmo}s"
			return 1
		fi
		sleep 0.2
	done
}

# The root zone and zone1 share the serial port, and characters of both
# mix when both write at once: in mode run the root zone keeps quiet
# until zone1 has exited and it reads "done" (the console's tty keeps
# the line for its read).  What the script waits for is not anchored
# at a line's start all the same.
if wait_for "hvbridge-hyp: zone1: exit, code"; then
	echo "done" >&7
	wait_for "hvbridge-hyp: root: SYSTEM_OFF" || true
fi
kill "$qpid" 2>/dev/null || true
wait "$qpid" 2>/dev/null || true
qpid=
# tail sees QEMU gone within its 0.2 s poll and ends the filter after
# the log's last lines.
wait "$fpid" 2>/dev/null || true
fpid=
awk -f "$TOP/tests/e2e/untangle.awk" "$log" > "$log.txt"
[ -z "$keep" ] || cp "$log.txt" "$keep"

# The verdict, from the serial log.
bad=()
[ -z "$why" ] || bad+=("$why")
sumline=$(grep -m1 -oE '\[zone1\] guest: [0-9]+ passed, [0-9]+ failed$' \
	"$log.txt" || true)
case $sumline in
*" passed, 0 failed") ;;
"") bad+=("no summary line from zone1") ;;
*) bad+=("zone1: ${sumline#\[zone1\] guest: }") ;;
esac
grep -qE "hvbridge-hyp: zone1: exit, code 0$" "$log.txt" ||
	bad+=("zone1 did not exit with code 0")
stop=$(grep -m1 "^hvbridge: stopped after" "$log.txt" || true)
served=$(echo "$stop" | sed -n 's/.* served \([0-9]*\) requests.*/\1/p')
if [ -z "$stop" ]; then
	bad+=("no counters from the daemon (hvbridge: stopped after ...)")
elif [ "${served:-0}" -eq 0 ]; then
	bad+=("the daemon served no request")
elif ! echo "$stop" | grep -qF "($((2 * ${RUN_ZONE_RUNS:-1})) errors: 0 malformed, 0 no device)"; then
	bad+=("daemon errors other than the 2 ERROR-register cases per run: $stop")
fi
grep -qxF "hvbridge-root: hvbridge.ko unloaded" "$log.txt" ||
	bad+=("hvbridge.ko was not unloaded")
grep -qxF "hvbridge-hyp: root: SYSTEM_OFF" "$log.txt" ||
	bad+=("the root zone did not power off")

secs=$(($(date +%s) - t0))
if [ ${#bad[@]} -ne 0 ]; then
	echo "== make run-baremetal: FAILED after ${secs}s:"
	printf '==   %s\n' "${bad[@]}"
	echo "== the whole serial log ($log.txt):"
	cat "$log.txt"
	sed 's/^/qemu: /' "$work/qemu.err"
	exit 1
fi
n=$(grep -oF '[zone1] PASS ' "$log.txt" | wc -l)
echo "== make run-baremetal: OK in ${secs}s: zone1 passed all $n steps and cases;" \
     "the daemon served $served requests ($((2 * ${RUN_ZONE_RUNS:-1}))" \
     "errors: the ERROR-register cases); the root zone powered off"
