#!/bin/bash
# SPDX-License-Identifier: MIT
# run-linux.sh: `make run-linux` (docs/linux-zone.md).  The EL2
# hypervisor under QEMU (-smp 4); the root zone's Linux (CPUs 0-1) loads
# hvbridge.ko, starts the daemon on configs/linux/virtio_cfg_linux.json
# (virtio-blk on rootfs.ext4, virtio-console on a pty, virtio-rng,
# virtio-net on tap0 = 10.0.1.1/24), shuts the static zone1 down and
# starts zone1 from configs/linux/zone1_linux.json: Debian's arm64 Linux
# on CPUs 2-3 (scripts/mkguestfs.sh's kernel file, initramfs and DTB).
# The root zone boots it HVB_LINUX_CYCLES (5) times under one daemon
# (hvbridge-linux test: each boot reads back the one before's data,
# answers through `hvbridge console 1`, powers off when told so; boot 1
# also ping and HVB_LINUX_TCP_MIB (4) MiB of TCP both ways), then kills
# the daemon under zone1's disk I/O, 5 times restarting it at once and
# once leaving it dead for 30 s (hvbridge-linux death, unless
# HVB_LINUX_DEATH=0), then powers off.  The serial log is checked case
# by case ("== case NAME: OK"); exit 0 only if every case passed.
# RUN_TIMEOUT (1800) s bound the whole run.
#
# Usage: run-linux.sh [--shell] [--no-build] [--log FILE]
#   --shell     mode linux: zone1 started once (no test), the root zone's
#               shell on this terminal (hvbridge console 1: hvc0)
#   --no-build  use what is built
#   --log FILE  keep the serial log (CR removed) in FILE
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
O=${O:-$TOP/build/host}
ARM64=${ARM64:-$TOP/build/arm64}
work=$TOP/build/run-linux
L=$TOP/build/linux
tmo=${RUN_TIMEOUT:-1800}
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
hvb64=$O/arm64/tool/hvbridge
if [ "$build" = 1 ]; then
	if [ ! -f "$ARM64/Image" ] || [ ! -x "$ARM64/busybox" ]; then
		"$TOP/scripts/fetch-arm64.sh" || exit 1
	fi
	make --no-print-directory -s -C "$TOP/hyp" image || exit 1
	make --no-print-directory -s -C "$TOP/tool" arm64 || exit 1
	MAKEFLAGS='' make --no-print-directory -s -C "$TOP/kmod" || exit 1
	"$TOP/scripts/mkguestfs.sh" -o "$L" > /dev/null || exit 1
fi
ko=
for k in "$O/arm64/kmod/hvbridge.ko" "$TOP/build/kmod/hvbridge.ko" \
	 "$TOP/kmod/hvbridge.ko"; do
	[ -f "$k" ] && { ko=$k; break; }
done
for f in "$hyp" "$hvb64" "$ARM64/Image" "${ko:-hvbridge.ko}" \
	 "$L/zone1-Image.initrd" "$L/rootfs.ext4"; do
	if [ ! -f "$f" ]; then
		echo "run-linux: missing $f (make run-linux builds it)" >&2
		exit 1
	fi
done

mode=linux-test
[ "$shell" = 1 ] && mode=linux
mkdir -p "$work"
"$TOP/scripts/mkinitramfs.sh" -o "$work/root" --dtb --mode $mode \
	--linux "$L" --busybox "$ARM64/busybox" --daemon "$hvb64" \
	--kmod "$ko" > /dev/null || exit 1

# Where each part goes: hyp/arch/arm64/README.md.  Nothing at zone1's
# RAM: the hypervisor's static zone1 is its built-in guest, which the
# root zone shuts down before it starts zone1 from the JSON.
ld=loader,force-raw=on
qemu=(qemu-system-aarch64 -M "virt,virtualization=on,gic-version=3"
	-cpu cortex-a57 -smp 4 -m 1G -display none -monitor none -nic none
	-kernel "$hyp"
	-device "$ld,addr=0x40200000,file=$ARM64/Image"
	-device "$ld,addr=0x48000000,file=$work/root/root.dtb"
	-device "$ld,addr=0x49000000,file=$work/root/initramfs.cpio.gz")

if [ "$shell" = 1 ]; then
	echo "== the root zone's shell follows; zone1's Linux boots beside it"
	echo "== (hvbridge-linux console: its hvc0, Ctrl-] leaves; Ctrl-A X quits QEMU)"
	exec "${qemu[@]}" -serial mon:stdio
fi

log=$work/serial.log
: > "$log"
echo "== QEMU virt, -smp 4: the root zone's Linux (CPUs 0-1) serves zone1's"
echo "== Debian Linux (CPUs 2-3) from virtio_cfg_linux.json, zone1_linux.json"
t0=$(date +%s)
timeout -k 5 "$tmo" "${qemu[@]}" -serial file:"$log" \
	> "$work/qemu.out" 2>&1 < /dev/null &
qpid=$!
trap 'kill $qpid 2>/dev/null' EXIT
# The progress: the hypervisor's zone lines, the root zone's steps, the
# guest's lines (its PL011: "[zone1] ...") and its hvc0 (printed by the
# root zone at the end as "hvc0: ..."); not the static zone1's MMIO
# trace (its built-in guest runs until the root zone shuts it down).
tail -n +1 -f --pid=$qpid "$log" 2>/dev/null | tr -d '\r' |
	grep --line-buffered -E 'hvbridge-root:|\[zone1[^]]*\]|hvbridge-hyp: (zone1|root)|^hvc0[:>]|guest|error' |
	grep --line-buffered -v ': MMIO ' &
tpid=$!
# Polled: a wait on the pid alone has returned while QEMU ran on.
while kill -0 $qpid 2>/dev/null; do
	sleep 1
done
wait $qpid
rc=$?
wait $tpid 2>/dev/null
t=$(( $(date +%s) - t0 ))
tr -d '\r' < "$log" > "$log.txt"
[ -n "$keep" ] && cp "$log.txt" "$keep"

cycles=${HVB_LINUX_CYCLES:-5}
mib=${HVB_LINUX_TCP_MIB:-4}
death=${HVB_LINUX_DEATH:-1}
miss=
cmiss=	# what the current case missed
want() {	# want TEXT [FILE]: the serial log (or FILE) must hold TEXT
	grep -qF -- "$1" "${2:-$log.txt}" || cmiss="$cmiss
  no '$1'"
}
unwanted() {	# unwanted TEXT FILE: FILE must not hold TEXT
	! grep -qF -- "$1" "$2" || cmiss="$cmiss
  '$1', unexpected"
}
verdict() {	# verdict CASE: print the case's result
	if [ -n "$cmiss" ]; then
		echo "== case $1: FAILED:$cmiss"
		miss="$miss
  case $1 failed"
	else
		echo "== case $1: OK"
	fi
	cmiss=
}
# Case cycles: every boot under one daemon read back the boot before's
# data, answered on hvc0 and powered itself off; boot 1 the network.
n=1
while [ $n -le "$cycles" ]; do
	if [ $n = 1 ]; then
		want "guest-test: boot 1: 1 passed, 0 failed"
	else
		want "guest-test: PASS data of boot $((n - 1)) read back"
		want "guest-test: boot $n: 2 passed, 0 failed"
	fi
	want "hvbridge-root: zone1 boot $n: hvc0 answered through hvbridge console 1"
	want "hvbridge-root: zone1 boot $n: powered itself off"
	n=$((n + 1))
done
want "guest: ping 10.0.1.1 (the root zone's tap0): ok"
want "hvbridge-root: ping 10.0.1.2 (zone1's eth0) from the root zone: ok"
want "hvbridge-root: tcp root->zone1: $mib MiB in"
want "hvbridge-root: tcp zone1->root: $mib MiB"
want "hvbridge-root: zone1: $cycles of $cycles boots under one daemon"
want "hvbridge-root: hvbridge-linux test exited, status 0"
verdict cycles
# Cases daemon-restarts and daemon-death (docs/linux-zone.md, "A daemon
# that dies").  Every QueueNotify of zone1 is a posted kick, so while no
# daemon runs zone1 makes no synchronous access (no interrupt comes to
# make it read InterruptStatus) and its I/O simply waits; a new daemon
# resumes the devices and their in-flight requests from its state files
# (docs/daemon.md, "Restarts").
# daemon-restarts: 5 SIGKILLs each followed at once by a new daemon:
# after each, a guest-io round completes with its sha256 matching, and
# from the first kill to the last restart's end zone1 logs no abort, no
# I/O error, no failed round and no hung task.
# daemon-death: the daemon stays dead 30 s: zone1's I/O stalls with no
# abort and no error, and runs on, its rounds checked, once a new daemon
# serves; hvc0 answers again.  The root zone stays up.  (What its kernel
# reports about the stall is not asserted: docs/linux-zone.md.)
# rounds_after START END: a "guest-io: round N (...): ok" line between
# the first line holding START and the first later one holding END.
rounds_after() {
	awk -v s="$1" -v e="$2" 'index($0, s) { on = 1; next }
		on && index($0, e) { exit }
		on && /guest-io: round [0-9]+ \(.*\): ok$/ { n++ }
		END { print n + 0 }' "$log.txt"
}
window_clean() {	# window_clean FILE: no sign of trouble in zone1
	for bad in "daemon timeout: data abort injected" \
		   "Internal error:" "FAILED" "I/O error" "EXT4-fs error" \
		   "blocked for more than"; do
		unwanted "$bad" "$1"
	done
}
if [ "$death" = 1 ]; then
	n=${HVB_LINUX_RESTARTS:-5}
	want "guest-io: round 3 "
	i=1
	while [ $i -le "$n" ]; do
		want "hvbridge-root: restart $i: daemon killed (SIGKILL"
		want "hvbridge-root: restart $i: a new daemon serves"
		next="hvbridge-root: restart $((i + 1)): daemon killed"
		[ $i -lt "$n" ] || next="hvbridge-root: restarts: $n done"
		[ "$(rounds_after "hvbridge-root: restart $i: a new daemon serves" "$next")" -gt 0 ] ||
			cmiss="$cmiss
  no guest-io round completed after restart $i"
		i=$((i + 1))
	done
	sed -n '/hvbridge-root: restart 1: daemon killed/,/hvbridge-root: restarts: [0-9]* done/p' \
		"$log.txt" > "$work/restarts.txt"
	window_clean "$work/restarts.txt"
	want "hvbridge-root: restarts: $n done, zone1 is running"
	verdict daemon-restarts
	sed -n '/hvbridge-root: death: daemon killed/,/hvbridge-root: death: zone1 shut down/p' \
		"$log.txt" > "$work/death.txt"
	sed -n '/hvbridge-root: death: daemon killed/,/hvbridge-root: death: a new daemon serves/p' \
		"$log.txt" > "$work/death-gone.txt"
	want "hvbridge-root: death: daemon killed (SIGKILL"
	want "hvbridge-root: death: 30 s without a daemon: zone1 is running"
	for bad in "daemon timeout: data abort injected" "Internal error:" \
		   "FAILED" "I/O error" "EXT4-fs error"; do
		unwanted "$bad" "$work/death.txt"
	done
	want "hvbridge-root: death: a new daemon serves"
	[ "$(rounds_after "hvbridge-root: death: a new daemon serves" "hvbridge-root: death: zone1 shut down")" -gt 0 ] ||
		cmiss="$cmiss
  no guest-io round completed once the new daemon served"
	want "hvbridge-root: death: zone1's hvc0 answers again"
	want "hvbridge-root: death: zone1 shut down"
	verdict daemon-death
fi
want "hvbridge-hyp: root: SYSTEM_OFF"
verdict end
if [ $rc -ne 0 ]; then
	miss="$miss
  QEMU exited $rc (124: the ${tmo} s watchdog)"
fi
if [ -n "$miss" ]; then
	echo "== make run-linux: FAILED after ${t}s:$miss"
	echo "== the serial log: $log.txt"
	exit 1
fi
echo "== make run-linux: OK in ${t}s: zone1's Linux booted $cycles times from" \
     "zone1_linux.json under one daemon, its data persisted on virtio-blk," \
     "hvc0 answered through hvbridge console 1, ping and $mib MiB of TCP" \
     "both ways;$([ "$death" = 1 ] && echo " its disk I/O ran on, checked," \
     "through 5 daemon kills and restarts and a 30 s daemon death;")" \
     "the root zone powered off"
