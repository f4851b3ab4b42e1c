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
# RUN_TIMEOUT (1800; 900 with --run) s bound the whole run.
#
# Usage: run-linux.sh [--run|--shell|--load TAG|--bench] [--no-build] [--log FILE]
#   --run       `make run`, mode linux-run: zone1 booted once and
#               measured (hvbridge-linux run), a summary of the figures
#               (boot time, blk MB/s and sha256, ping and TCP both ways,
#               virtio-rng bytes, hvbridge stat's requests, errors and
#               latency percentiles), zone1 and the root zone powered
#               off; on a miss the first cause and the log's tail
#   --shell     `make run-shell`, mode linux: zone1 started once (no
#               test), the root zone's shell on this terminal once zone1
#               is up (hvbridge console 1: its hvc0)
#   --load TAG  the e2e-linux-load part, mode linux-load: zone1 booted
#               once runs guest-load (checksummed random O_DIRECT 4 KiB
#               I/O on its virtio-blk disk, a worker per CPU) for
#               HVB_LOAD_SECS (30) s while the root zone runs a
#               checksummed copy loop on each of its CPUs (hvbridge-linux
#               load); then zone1's log, the root zone's log and the
#               disk's queues are checked (docs/linux-zone.md, "Under
#               load").  TAG names the build (its work directory
#               build/run-linux/load-TAG); HVB_HYP_ELF, HVB_DAEMON_ARM64
#               and HVB_KMOD choose another build's hypervisor, daemon
#               and module (tests/build/o3.mk's -O3 build)
#   --bench     the linux-zone benchmark, mode linux-bench: the same fio
#               job in the root zone on the bench disks' image file (on
#               ext4) and in zone1 on each disk, /dev/vdb (the daemon's
#               fast path off) and /dev/vdc (on) (hvbridge-linux bench);
#               zone1's files from build/linux-bench (mkguestfs.sh
#               --bench), fio from build/arm64-fio/root
#               (fetch-arm64-fio.sh).  Only runs it and keeps the log:
#               tests/linux/bench.sh reads the figures and the verdict
# HVB_KMOD_ARGS: hvbridge.ko's parameters in the root zone (e.g.
# timeout_ms=5000; docs/kmod.md); none by default.
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
run=0
load=
bench=0
build=1
keep=
while [ $# -gt 0 ]; do
	case $1 in
	--run) run=1; tmo=${RUN_TIMEOUT:-900}; work=$work/run ;;
	--shell) shell=1 ;;
	--load) load=$2; work=$work/load-$2; tmo=${RUN_TIMEOUT:-900}; shift ;;
	--bench) bench=1; work=$work/bench; tmo=${RUN_TIMEOUT:-900}
		 L=$TOP/build/linux-bench ;;
	--no-build) build=0 ;;
	--log) keep=$2; shift ;;
	*) sed -n 's/^# Usage: /usage: /p' "$0" >&2; exit 2 ;;
	esac
	shift
done

hyp=${HVB_HYP_ELF:-$O/arm64/hyp/hvbridge-hyp.elf}
hvb64=${HVB_DAEMON_ARM64:-$O/arm64/tool/hvbridge}
if [ "$build" = 1 ]; then
	if [ ! -f "$ARM64/Image" ] || [ ! -x "$ARM64/busybox" ]; then
		"$TOP/scripts/fetch-arm64.sh" || exit 1
	fi
	make --no-print-directory -s -C "$TOP/hyp" image || exit 1
	make --no-print-directory -s -C "$TOP/tool" arm64 || exit 1
	MAKEFLAGS='' make --no-print-directory -s -C "$TOP/kmod" || exit 1
	if [ "$bench" = 1 ]; then
		"$TOP/scripts/fetch-arm64-fio.sh" || exit 1
		"$TOP/scripts/mkguestfs.sh" -o "$L" \
			--bench "$TOP/build/arm64-fio/root" > /dev/null || exit 1
	else
		"$TOP/scripts/mkguestfs.sh" -o "$L" > /dev/null || exit 1
	fi
fi
ko=
for k in "${HVB_KMOD:-}" "$O/arm64/kmod/hvbridge.ko" "$TOP/build/kmod/hvbridge.ko" \
	 "$TOP/kmod/hvbridge.ko"; do
	[ -f "$k" ] && { ko=$k; break; }
done
if [ -n "${HVB_KMOD:-}" ] && [ "$ko" != "$HVB_KMOD" ]; then
	echo "run-linux: missing $HVB_KMOD (HVB_KMOD)" >&2
	exit 1
fi
for f in "$hyp" "$hvb64" "$ARM64/Image" "${ko:-hvbridge.ko}" \
	 "$L/zone1-Image.initrd" "$L/rootfs.ext4"; do
	if [ ! -f "$f" ]; then
		echo "run-linux: missing $f (make run-linux builds it)" >&2
		exit 1
	fi
done

mode=linux-test
[ "$shell" = 1 ] && mode=linux
[ "$run" = 1 ] && mode=linux-run
[ -n "$load" ] && mode=linux-load
fio=()
if [ "$bench" = 1 ]; then
	mode=linux-bench
	fio=(--fio "$TOP/build/arm64-fio/root")
fi
mkdir -p "$work"
"$TOP/scripts/mkinitramfs.sh" -o "$work/root" --dtb --mode $mode \
	--linux "$L" --busybox "$ARM64/busybox" --daemon "$hvb64" \
	--kmod "$ko" ${HVB_KMOD_ARGS:+--kmod-args "$HVB_KMOD_ARGS"} \
	"${fio[@]}" > /dev/null || exit 1

# Where each part goes: hyp/arch/arm64/README.md.  Nothing at zone1's
# RAM: the hypervisor's static zone1 is its built-in guest, which the
# root zone shuts down before it starts zone1 from the JSON.
ld=loader,force-raw=on
qemu=(qemu-system-aarch64 -M "virt,virtualization=on,gic-version=3"
	-cpu cortex-a57 -smp 4 -m 2G -display none -monitor none -nic none
	-kernel "$hyp"
	-device "$ld,addr=0x40200000,file=$ARM64/Image"
	-device "$ld,addr=0x48000000,file=$work/root/root.dtb"
	-device "$ld,addr=0x49000000,file=$work/root/initramfs.cpio.gz")

if [ "$shell" = 1 ]; then
	echo "== the root zone's shell follows once zone1's Linux is at its own"
	echo "== (1-2 min under TCG); zone1's console: hvbridge console 1 (Ctrl-]"
	echo "== leaves); poweroff -f ends the root zone; Ctrl-A X quits QEMU"
	exec "${qemu[@]}" -serial mon:stdio
fi

log=$work/serial.log
: > "$log"
echo "== QEMU virt, -smp 4: the root zone's Linux (CPUs 0-1) serves zone1's"
echo "== Debian Linux (CPUs 2-3) from virtio_cfg_linux.json, zone1_linux.json"
# The progress: make run shows the root zone's steps; make run-linux
# also the hypervisor's zone lines, the guest's lines (its PL011:
# "[zone1] ...") and its hvc0 (relayed by the root zone as "hvc0: ..."),
# not the static zone1's MMIO trace (its built-in guest runs until the
# root zone shuts it down).
show='hvbridge-root:|\[zone1[^]]*\]|hvbridge-hyp: (zone1|root)|^hvc0[:>]|guest|error'
[ "$run" = 1 ] &&
	show='hvbridge-root: |hvbridge-hyp: (zone1-linux: (started|SYSTEM_OFF)|root: SYSTEM_OFF)'
[ "$bench" = 1 ] &&
	show='hvbridge-root: (bench:|zone1 started|daemon serving|hvbridge-linux)|hvbridge-hyp: (zone1-linux: (started|SYSTEM_OFF|.*daemon timeout)|root: SYSTEM_OFF)|^hvc0> (.*fio-rc|fio: )'
[ -n "$load" ] &&
	show='hvbridge-root: (load:|zone1 started|daemon serving|hvbridge-linux)|guest-load: |hvbridge-hyp: (zone1-linux: (started|SYSTEM_OFF|.*daemon timeout)|root: SYSTEM_OFF)|blocked for more than|I/O error'
t0=$(date +%s)
timeout -k 5 "$tmo" "${qemu[@]}" -serial file:"$log" \
	> "$work/qemu.out" 2>&1 < /dev/null &
qpid=$!
trap 'kill $qpid 2>/dev/null' EXIT
# A root zone line cut by a hypervisor line shows again whole
# (docs/root-zone.md): once the hypervisor's line is filtered out, the
# two are neighbours, and one is enough.
# (sed -u: tr's block buffer held the last lines back until QEMU ended.)
tail -n +1 -f --pid=$qpid "$log" 2>/dev/null | sed -u 's/\r//g' |
	grep --line-buffered -E "$show" |
	grep --line-buffered -v -e ': MMIO ' -e 'bench: [a-z0-9-]* json [0-9]' |
	awk '$0 != prev { print; fflush() } { prev = $0 }' &
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

# make run's summary from the serial log: the root zone's "run: "
# lines (scripts/hvbridge-linux run), hvbridge stat's block, the
# daemon's counters and the power-offs.  Every step is checked in the
# order it happened; the first miss is named with the log's tail.
run_summary() {
	L=$log.txt
	# sha256 sums cut to their first 16 digits: enough to compare.
	short_sums() { sed 's/\([0-9a-f]\{16\}\)[0-9a-f]\{48\}/\1.../g'; }
	first=
	miss() { [ -n "$first" ] || first=$1; }
	# at TEXT: the first line holding TEXT, from TEXT on (the root
	# zone's lines may follow zone1's characters on the shared port).
	at() { grep -o -m1 -- "$1.*" "$L" | head -n 1; }
	step() {	# step TEXT WHAT: v is TEXT's line after TEXT, no FAIL
		l=$(at "$1")
		if [ -z "$l" ]; then
			miss "$2 (no '$1' line)"
		elif echo "$l" | grep -q FAIL; then
			miss "$l"
		fi
		v=${l#"$1"}
	}
	R='hvbridge-root:'
	# A known problem under heavy load (docs/linux-zone.md), first: it
	# explains what fails after it.  zone1's Linux only: the static
	# zone1's built-in guest times out on purpose before any daemon.
	if awk '/hvbridge-root: daemon serving/ { z = 1 } z' "$L" |
	   grep -q "daemon timeout: data abort injected"; then
		miss "a daemon timeout: zone1 took a data abort after the channel's 500 ms"
	fi
	[ -n "$(at "$R daemon serving")" ] ||
		miss "the daemon did not start in the root zone"
	[ -n "$(at "$R zone1 started from")" ] ||
		miss "hvbridge zone start zone1_linux.json failed"
	step "$R run: boot: " "zone1 did not reach its shell"
	boot=$v
	step "$R run: blk: " "no blk check"
	blk=$v
	step "$R run: ping 10.0.1.1 (the root zone's tap0) from zone1: " \
		"no ping from zone1"
	ping1=$v
	step "$R ping 10.0.1.2 (zone1's eth0) from the root zone: " \
		"no ping from the root zone"
	ping2=$v
	step "$R tcp root->zone1: " "no TCP root->zone1"
	tcp1=$v
	step "$R tcp zone1->root: " "no TCP zone1->root"
	tcp2=$v
	step "$R run: rng: " "no virtio-rng check"
	rng=$v
	sed -n "/$R run: ---- hvbridge stat ----/,/$R run: ---- end of hvbridge stat/p" \
		"$L" > "$work/stat.txt"
	# The "all" row: sync_req kicks wakes err_resp timeouts served
	# srv_err torn (tool/stat.c).
	# shellcheck disable=SC2046
	set -- $(awk '$1 == "all" { print $5, $6, $7, $8, $9; exit }' \
		"$work/stat.txt")
	if [ $# != 5 ]; then
		miss "no hvbridge stat counters in the root zone"
		chan="no counters"
	else
		chan="$3 requests served; errors $(($1 + $2 + $4 + $5))"
		chan="$chan (err_resp $1, timeouts $2, srv_err $4, torn $5)"
		[ $(($1 + $2 + $4 + $5)) = 0 ] ||
			miss "channel errors in hvbridge stat: $chan"
		[ "$3" -gt 0 ] || miss "hvbridge stat: no request served"
	fi
	# In ms: "mean N ns; ...: p50 < N ns p90 < N ns p99 < N ns" (or
	# ">=" for the last, open bucket).
	lat=$(awk '/^latency  [0-9]+ round trips, mean/ {
		s = $2 " sampled round trips, mean " sprintf("%.2f ms", $6 / 1e6)
		for (i = 7; i <= NF; i++)
			if ($i ~ /^p[0-9]+$/)
				s = s ", " $i " " $(i + 1) " " \
				    sprintf("%.2f ms", $(i + 2) / 1e6)
		print s " (histogram bucket bounds)"
	}' "$work/stat.txt")
	[ -n "$lat" ] || miss "no latency line in hvbridge stat"
	step "$R run: zone1 powered itself off" "zone1 did not power off"
	down=${l:+zone1 powered itself off$v}
	stop=$(grep -o -m1 'hvbridge: stopped after .*' "$L")
	if [ -z "$stop" ]; then
		miss "no counters from the daemon (hvbridge: stopped after ...)"
	elif ! echo "$stop" | grep -qF "(0 errors: 0 malformed, 0 no device)"; then
		miss "daemon errors: $stop"
	fi
	if [ -n "$(at "$R hvbridge.ko unloaded")" ]; then
		down="$down; hvbridge.ko unloaded"
	else
		miss "hvbridge.ko was not unloaded"
	fi
	if [ -n "$(at "hvbridge-hyp: root: SYSTEM_OFF")" ]; then
		down="$down; the root zone: SYSTEM_OFF"
	else
		miss "the root zone did not power off"
	fi
	[ "$rc" = 0 ] || miss "QEMU exited $rc (124: the ${tmo} s watchdog)"

	echo "== make run: zone1's Debian Linux, served by the root zone's daemon (QEMU TCG: times and rates only indicative)"
	printf '  %-9s %s\n' \
		boot "$boot" \
		blk "$blk" \
		ping "zone1->root: $ping1" "" "root->zone1: $ping2" \
		tcp "root->zone1: $tcp1" "" "zone1->root: $tcp2" \
		rng "$rng" \
		channel "$chan" \
		latency "$lat" \
		shutdown "${down#; }" \
		daemon "${stop#hvbridge: }" | short_sums
	if [ -n "$first" ]; then
		echo "== make run: FAILED after ${t}s: $first" | short_sums
		echo "== the serial log's last 40 lines (all of it: $L):"
		tail -n 40 "$L"
		return 1
	fi
	echo "== make run: OK in ${t}s: zone1 and the root zone powered off"
}
if [ "$run" = 1 ]; then
	run_summary
	exit
fi
# The bench's figures and verdict are tests/linux/bench-report.py's.
if [ "$bench" = 1 ]; then
	echo "== bench: QEMU exited $rc after ${t}s; the serial log: $log.txt"
	exit $rc
fi

# The e2e-linux-load part's verdict (--load): each zone's console log
# checked on its own, zone1's (its PL011 lines, "[zone1-linux] ...")
# and the root zone's (the rest); every miss listed, then the last step
# reached.
load_check() {
	L=$log.txt
	z1=$work/zone1.txt
	root=$work/root.txt
	grep '^\[zone1-linux\]' "$L" > "$z1"
	grep -v '^\[zone1-linux\]' "$L" > "$root"
	lmiss=
	need() {	# need TEXT FILE
		grep -qF -- "$1" "$2" || lmiss="$lmiss
  no '$1' in $(basename "$2")"
	}
	never() {	# never TEXT FILE
		l=$(grep -m1 -F -- "$1" "$2") && lmiss="$lmiss
  $(basename "$2"): $l"
	}
	R='hvbridge-root:'
	# The root zone's steps, in order.
	for x in "$R daemon serving" "$R zone1 started from" \
		 "$R load: zone1 up" "$R load: root zone load started" \
		 "$R load: guest-load started in zone1" \
		 "$R load: zone1: guest-load: done: ok" \
		 "$R load: root zone CPU 0: " "$R load: root zone CPU 1: " \
		 "$R load: blk queues at rest" \
		 "$R load: zone1 powered itself off" \
		 "$R hvbridge-linux load exited, status 0" \
		 "$R hvbridge.ko unloaded" "hvbridge-hyp: root: SYSTEM_OFF"; do
		need "$x" "$root"
	done
	never "FAILED" "$root"
	# The timeout HVB_KMOD_ARGS asked for is the one the region has.
	case ${HVB_KMOD_ARGS:-} in
	*timeout_ms=*)
		ms=${HVB_KMOD_ARGS##*timeout_ms=}
		need "CPU slots attached by root, timeout ${ms%% *} ms" "$root" ;;
	esac
	# The daemon's own count of errors when it stopped, and the
	# channel's (hvbridge stat's "all" row: err_resp timeouts served
	# srv_err torn, tool/stat.c).
	stop=$(grep -o -m1 'hvbridge: stopped after .*' "$root")
	case $stop in
	*"(0 errors: 0 malformed, 0 no device)"*) ;;
	*) lmiss="$lmiss
  the daemon: '${stop:-no "hvbridge: stopped after" line}'" ;;
	esac
	# shellcheck disable=SC2046
	set -- $(sed -n "s/^$R stat: //p" "$root" |
		awk '$1 == "all" { print $5, $6, $8, $9; exit }')
	if [ $# != 4 ]; then
		lmiss="$lmiss
  no hvbridge stat 'all' row"
	elif [ $(($1 + $2 + $3 + $4)) != 0 ]; then
		lmiss="$lmiss
  channel errors (err_resp $1, timeouts $2, srv_err $3, torn $4)"
	fi
	# The hypervisor's lines are on the root zone's side of the log:
	# any abort it injected into zone1's Linux (a daemon timeout
	# first of all) is the likeliest cause of what else failed.
	l=$(grep -m1 'hvbridge-hyp: zone1-linux: .*data abort injected' "$root") &&
		lmiss="
  $l$lmiss"
	# zone1's log: both workers' totals, the idle queue, the verdict,
	# and no sign of trouble anywhere in it.
	for x in "guest-load: 2 workers" "guest-load: cpu 0: " \
		 "guest-load: cpu 1: " \
		 "guest-load: vda: nothing in flight after the load" \
		 "guest-load: done: ok"; do
		need "$x" "$z1"
	done
	for x in "FAILED" "I/O error" "blocked for more than" \
		 "EXT4-fs error" "Internal error:" "Call trace:" \
		 "rcu_sched detected stalls" "soft lockup"; do
		never "$x" "$z1"
	done
	[ "$rc" = 0 ] || lmiss="$lmiss
  QEMU exited $rc (124: the ${tmo} s watchdog)"
	if [ -n "$lmiss" ]; then
		echo "== load-$load: FAILED after ${t}s:$lmiss"
		echo "== load-$load: the last step reached: $(grep -E \
			"$R (load:|zone1 started|daemon serving|hvbridge-linux)|guest-load: " \
			"$L" | tail -n 1)"
		echo "== load-$load: zone1's log: $z1; the root zone's: $root"
		return 1
	fi
	echo "== load-$load: OK in ${t}s: zone1's $(grep -o -m1 'guest-load: done: .*' "$z1");" \
	     "the root zone's copies: $(sed -n "s/^$R load: root zone CPU \([0-9]\): \([0-9]*\) copies.*/\2 on CPU \1/p" "$root" |
		paste -sd, - | sed 's/,/, /g'), all matching; the blk queues at rest"
}
if [ -n "$load" ]; then
	load_check
	exit
fi

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
# data, took its CPUs offline and online again, answered on hvc0 and
# powered itself off; boot 1 the network.
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
# Every boot took each of zone1's two CPUs offline (PSCI CPU_OFF) and
# online again (CPU_ON) twice, read the disk meanwhile and ran on it
# (guest-hotplug; its lines on the PL011 are counted, hvc0's copies not;
# the death case's boot, from the same test DTB, runs it too).
hp_boots=$cycles
[ "$death" = 1 ] && hp_boots=$((cycles + 1))
hp=$(grep -c "^\[zone1-linux\] guest-hotplug: 2 rounds: 4 passed, 0 failed" "$log.txt")
[ "$hp" = "$hp_boots" ] || cmiss="$cmiss
  guest-hotplug passed in $hp boots of $hp_boots"
unwanted "guest-hotplug: FAIL" "$log.txt"
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
# serves; hvc0 answers again.  The root zone stays up.  Its kernel may
# report the stalled I/O (a hung task), and no RCU stall unless the
# hypervisor held an access (below; docs/linux-zone.md).
# A daemon killed just after it raised an interrupt leaves zone1 to read
# InterruptStatus or write InterruptACK, synchronously, while no daemon
# runs: hvbridge.ko marks the region ABSENT when the killed daemon's file
# is released, and the hypervisor holds such an access (up to 60 s)
# instead of aborting it after 500 ms; the next daemon serves it
# (docs/abi.md, "No daemon: the hold").  An abort in either case, the
# "abort branch" that Linux's virtio_mmio cannot survive, is a failure.
# rounds_after START END: a "guest-io: round N (...): ok" line between
# the first line holding START and the first later one holding END.
rounds_after() {
	awk -v s="$1" -v e="$2" 'index($0, s) { on = 1; next }
		on && index($0, e) { exit }
		on && /guest-io: round [0-9]+ \(.*\): ok$/ { n++ }
		END { print n + 0 }' "$log.txt"
}
window_clean() {	# window_clean FILE: no sign of trouble in zone1
	# "detected stall": Linux's RCU stall reports (rcu_sched detected
	# stalls, self-detected stall).  A restart is quick, so no vCPU
	# is held near the 21 s they take; the death case's 30 s may be.
	for bad in "daemon timeout: data abort injected" \
		   "Internal error:" "FAILED" "I/O error" "EXT4-fs error" \
		   "blocked for more than" "detected stall"; do
		unwanted "$bad" "$1"
	done
}
# held CASE FILE: zone1 took no daemon timeout's abort in FILE; if it
# did, the case fails, naming the register (synchronous, or a posted
# QueueNotify the hypervisor sent synchronously).
held() {
	ab=$(grep -m1 "zone1-linux: MMIO at IPA 0x[0-9a-f]* .*: daemon timeout: data abort injected" "$2")
	[ -n "$ab" ] || return 0
	ipa=$(echo "$ab" | sed -n 's/.*MMIO at IPA \(0x[0-9a-f]*\).*/\1/p')
	what="a synchronous register"
	# The posted register of each 0x200 virtio-mmio block.
	[ $((ipa % 0x200)) -ne $((0x50)) ] || what="a posted QueueNotify"
	cmiss="$cmiss
  zone1 took a daemon timeout's abort on $what ($ipa): the abort branch,
  which the hold (docs/abi.md, \"No daemon: the hold\") must prevent"
}
if [ "$death" = 1 ]; then
	n=${HVB_LINUX_RESTARTS:-5}
	want "guest-io: round 3 "
	sed -n '/hvbridge-root: restart 1: daemon killed/,/hvbridge-root: restarts: [0-9]* done/p' \
		"$log.txt" > "$work/restarts.txt"
	held daemon-restarts "$work/restarts.txt"
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
	window_clean "$work/restarts.txt"
	want "hvbridge-root: restarts: $n done, zone1 is running"
	verdict daemon-restarts
	sed -n '/hvbridge-root: death: daemon killed/,/hvbridge-root: death: zone1 shut down/p' \
		"$log.txt" > "$work/death.txt"
	want "hvbridge-root: death: daemon killed (SIGKILL"
	want "hvbridge-root: death: zone1 shut down"
	held daemon-death "$work/death.txt"
	want "hvbridge-root: death: ${HVB_LINUX_DEATH_WATCH:-30} s without a daemon: zone1 is running"
	for bad in "daemon timeout: data abort injected" \
		   "Internal error:" "FAILED" "I/O error" \
		   "EXT4-fs error"; do
		unwanted "$bad" "$work/death.txt"
	done
	want "hvbridge-root: death: a new daemon serves"
	[ "$(rounds_after "hvbridge-root: death: a new daemon serves" "hvbridge-root: death: zone1 shut down")" -gt 0 ] ||
		cmiss="$cmiss
  no guest-io round completed once the new daemon served"
	want "hvbridge-root: death: zone1's hvc0 answers again"
	# The accesses the hypervisor held, over the restarts and the death
	# (a death between two interrupts leaves nothing to hold).  A held
	# vCPU waits at EL2 (up to 60 s) and its kernel may report an RCU
	# stall.  With nothing held, zone1's kernel log never waits for
	# the absent daemon: it prints on the PL011 only.  With hvc0 a
	# kernel console, the hung-task report of its dd (blocked longer
	# than guest-io's 10 s timeout) came out as its first line, and
	# the rest only after the next daemon; meanwhile that CPU spun with
	# interrupts off, and the RCU stall report it led to stalled the
	# CPU that printed it (docs/linux-zone.md, "A daemon that dies").
	held_line=$(grep -o -m1 "death: stat: held [0-9]*, given back [0-9]*" "$log.txt")
	held_n=$(echo "$held_line" | sed -n 's/.*held \([0-9]*\),.*/\1/p')
	[ -n "$held_n" ] || cmiss="$cmiss
  no 'death: stat: held N' line: the kernel-log checks below cannot run"
	if [ "$held_n" = 0 ]; then
		sed -n '/hvbridge-root: death: daemon killed/,/hvbridge-root: death: [0-9]* s without a daemon/p' \
			"$log.txt" > "$work/dead.txt"
		grep -qF '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.' \
			"$work/dead.txt" || cmiss="$cmiss
  no whole hung-task report from zone1 while no daemon ran: its kernel
  log waited for the daemon"
		for bad in "detected stall" "timer wakeup didn't happen"; do
			unwanted "$bad" "$work/death.txt"
		done
	fi
	verdict daemon-death
	[ -z "$held_line" ] || echo "== daemon restarts and death: ${held_line#death: stat: }"
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
     "zone1_linux.json under one daemon, its data persisted on virtio-blk, its CPUs went offline and online again," \
     "hvc0 answered through hvbridge console 1, ping and $mib MiB of TCP" \
     "both ways;$(if [ "$death" = 1 ]; then
     echo " its disk I/O ran on, checked, through ${HVB_LINUX_RESTARTS:-5} daemon kills and" \
     "restarts and a ${HVB_LINUX_DEATH_WATCH:-30} s daemon death;"; fi)" \
     "the root zone powered off"
