#!/bin/bash
# Description: hvbridge.ko in the root zone under QEMU: first
# tests/kmod/hc_test.c's module makes hostile hypercalls and checks each
# documented result (busybox insmod may run it twice: init_module after
# finit_module); then insmod of hvbridge.ko attaches
# its region (the hypervisor says so), /dev/hvbridge is there with mode
# 0600, tests/kmod/kmod_check.c passes against it, rmmod is refused while
# the device is open and detaches the region when it is not, and a second
# insmod/rmmod works too, and a detach right after zone1 ran does not
# wait out the grace (no CPU is in an access).  Between them, the root zone's commands beside
# a running daemon (tests/kmod/cli.sh checks them on the build machine):
# `hvbridge zone list` shows zone1, `hvbridge zone start 1` reruns it
# while the daemon serves it, `hvbridge stat` (no flag: the module's region) prints the
# served counters, the zone errors, and a second daemon refused.  SKIP without Debian's kernel
# (scripts/fetch-arm64.sh).
#
# KMOD_QEMU_CHECKS=1 (part kmod-qemu-checks) stops after kmod_check and
# checks only hc_test's and kmod_check's results: their named checks in
# about half the time, for `make mutate`'s rows (tests/mutate).
#
# The initramfs is this script's own: busybox, the module at
# /lib/modules/hvbridge.ko, /bin/kmod_check, the static arm64 hvbridge
# (make -C tool arm64) with configs/zone1-root.json, and an /init running
# the steps above; the DTB is tests/e2e/mkroot.sh's with initrd-end moved to
# this initramfs's end.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
here=$TOP/tests/e2e
img=$TOP/build/host/arm64/hyp
work=$TOP/build/kmod-test/qemu
checks_only=${KMOD_QEMU_CHECKS:-}
[ -z "$checks_only" ] || work=$TOP/build/kmod-test/qemu-checks
arm64=$TOP/build/arm64
tmo=${E2E_TIMEOUT:-20}
pass=0
fail=0
mkdir -p "$work"
. "$here/lib.sh"

n=kmod-qemu${checks_only:+-checks}
log_of=$n
rm -f "$work/$n.why" "$work/$n.log.txt"
if [ ! -f "$arm64/Image" ] || [ ! -f "$arm64/busybox" ]; then
	echo "SKIP $n (no $arm64/Image: run scripts/fetch-arm64.sh)"
	echo "$n: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

prep() {
	make -s --no-print-directory -C "$TOP/hyp" image &&
	make -s --no-print-directory -C "$TOP/kmod" &&
	make -s --no-print-directory -C "$TOP/tool" arm64 &&
	mkdir -p "$work/hctest" &&
	cp -p "$TOP/tests/kmod/hc_test.c" "$work/hctest/" &&
	printf '%s\n' 'obj-m := hvb_hc_test.o' 'hvb_hc_test-y := hc_test.o' \
		'ccflags-y := -I$(HVB_TOP)/common/include -Werror' \
		> "$work/hctest/Kbuild" &&
	make -s -C "$("$TOP/scripts/kbuild-prep.sh")" M="$work/hctest" \
		ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- HVB_TOP="$TOP" \
		modules &&
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror \
		-I"$TOP/common/include" -o "$work/kmod_check" \
		"$TOP/tests/kmod/kmod_check.c" &&
	"$here/mkroot.sh" "$work/root" "$arm64/busybox" || return 1
	root=$work/initramfs
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" \
		"$root/dev" "$root/etc/hvbridge"
	cp "$arm64/busybox" "$root/bin/busybox"
	cp "$TOP/build/host/arm64/tool/hvbridge" "$root/bin/hvbridge"
	cp "$TOP/configs/zone1-root.json" "$root/etc/hvbridge/zone1.json"
	cp "$work/kmod_check" "$root/bin/kmod_check"
	cp "$TOP/build/kmod/hvbridge.ko" "$work/hctest/hvb_hc_test.ko" \
		"$root/lib/modules/"
	cat > "$root/init" <<'INIT'
#!/bin/busybox sh
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t devtmpfs dev /dev
$bb mount -t sysfs sys /sys
say() { echo "kmod-qemu: $*"; }
$bb insmod /lib/modules/hvb_hc_test.ko 2>/dev/null
say "hc_test ran"
$bb insmod /lib/modules/hvbridge.ko && say "insmod ok"
say "dev $($bb stat -c '%A uid %u' /dev/hvbridge)"
/bin/kmod_check; say "kmod_check exit $?"
if [ -e /checks-only ]; then say done; $bb poweroff -f; fi
say "irq: $($bb grep hvbridge /proc/interrupts)"
# The root zone's shell, scripted: a daemon serves zone1 while other
# root processes look at the region and drive the zones.
zone1_state() { hvbridge zone list | $bb awk '$1 == 1 { print $3 }'; }
hvbridge daemon -c /etc/hvbridge/zone1.json &
dpid=$!
i=0
until hvbridge stat --transport kmod | $bb grep -q "^consumer sleeping" ||
	[ $i -ge 100 ]; do $bb sleep 0.1; i=$((i + 1)); done
hvbridge zone list | $bb sed 's/^/kmod-qemu: zone list: /'
hvbridge daemon -c /etc/hvbridge/zone1.json 2>&1 |
	$bb sed 's/^/kmod-qemu: second daemon: /'
hvbridge zone start 0; say "zone start 0: exit $?"
hvbridge zone start 9; say "zone start 9: exit $?"
hvbridge zone stop 1; say "zone stop 1 (stopped): exit $?"
# Quiet while zone1 runs: its trace shares the serial line.
hvbridge zone start 1; st=$?
i=0
until [ "$(zone1_state)" = stopped ] || [ $i -ge 150 ]; do
	$bb sleep 0.1; i=$((i + 1)); done
say "zone start 1: exit $st"
say "zone1 $(zone1_state) again"
# A daemon that cannot release zone1's devices (SIGSTOP): zone1 started
# and stopped at once (a new generation), then the start is refused with
# the reason; once the daemon runs again it releases them and zone1
# starts (docs/zones.md, "Restarting a zone").
$bb kill -STOP $dpid
hvbridge zone start 1 > /dev/null; hvbridge zone stop 1 > /dev/null
i=0
until [ "$(zone1_state)" = stopped ] || [ $i -ge 150 ]; do
	$bb sleep 0.1; i=$((i + 1)); done
hvbridge zone start 1; say "zone start 1, daemon stopped: exit $?"
$bb kill -CONT $dpid
hvbridge zone start 1; st=$?
i=0
until [ "$(zone1_state)" = stopped ] || [ $i -ge 150 ]; do
	$bb sleep 0.1; i=$((i + 1)); done
say "zone start 1, daemon continued: exit $st"
# No flag: the root zone's default is the module's region (issue 13).
hvbridge stat > /stat.txt; say "stat exit $?"
$bb sed 's/^/kmod-qemu: stat: /' /stat.txt
hvbridge stat --transport kmod --json > /stat.json; say "stat json exit $?"
say "stat json nonzero served: $($bb grep -cE '"served":[[:space:]]*[1-9]' /stat.json)"
# The first "since" is the region's (null where none is recorded); the
# devices' comes later.
say "stat json since: $($bb sed -n '/"since":/{s/^[[:space:]]*"since":[[:space:]]*//;s/[",]//g;p;q;}' /stat.json)"
$bb kill $dpid; wait $dpid; say "daemon exit $?"
exec 3<>/dev/hvbridge
if $bb rmmod hvbridge; then say "rmmod while open: unloaded"
else say "rmmod while open refused"; fi
exec 3>&-
$bb rmmod hvbridge && say "rmmod ok"
[ -e /dev/hvbridge ] || say "/dev/hvbridge gone"
$bb insmod /lib/modules/hvbridge.ko && $bb rmmod hvbridge &&
	say "insmod/rmmod again ok"
# 50 load/unload cycles: each attaches a fresh region, then detaches it
# before freeing (the hypervisor logs both).
i=0
while [ $i -lt 50 ] && $bb insmod /lib/modules/hvbridge.ko &&
      [ -c /dev/hvbridge ] && $bb rmmod hvbridge && [ ! -e /dev/hvbridge ]; do
	i=$((i + 1))
done
say "insmod/rmmod cycles: $i of 50"
# A detach right after zone1's accesses: with timeout_ms=3000 the grace
# is 6.1 s, and zone1's CPU (and the root zone's others, through the
# trapped UART) accessed the channel a moment ago; but none is in an
# access now, so the detach does not wait (docs/hypercalls.md, DETACH).
# Timed in centiseconds from /proc/uptime.
cs() { $bb awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }
$bb insmod /lib/modules/hvbridge.ko timeout_ms=3000
hvbridge daemon -c /etc/hvbridge/zone1.json &
dpid=$!
i=0
until hvbridge stat --transport kmod | $bb grep -q "^consumer sleeping" ||
	[ $i -ge 100 ]; do $bb sleep 0.1; i=$((i + 1)); done
hvbridge zone start 1; st=$?
i=0
until [ "$(zone1_state)" = stopped ] || [ $i -ge 150 ]; do
	$bb sleep 0.1; i=$((i + 1)); done
say "zone start 1 before a detach: exit $st, zone1 $(zone1_state)"
$bb kill $dpid; wait $dpid
t0=$(cs)
$bb rmmod hvbridge && say "rmmod after zone1 ran took $(( ($(cs) - t0) * 10 )) ms"
# The channel timeout (timeout_ms, HVB_HC_CHANNEL_TIMEOUT): above the
# maximum the load fails; 3000 is attached with it; the next load without
# it has the default again (the hypervisor's attach lines say which).
$bb insmod /lib/modules/hvbridge.ko timeout_ms=10001 2>/dev/null ||
	say "timeout_ms=10001 refused"
$bb insmod /lib/modules/hvbridge.ko timeout_ms=3000 &&
	$bb rmmod hvbridge && say "timeout_ms=3000 loaded"
$bb insmod /lib/modules/hvbridge.ko && $bb rmmod hvbridge &&
	say "default timeout loaded"
say done
$bb poweroff -f
INIT
	chmod +x "$root/init"
	[ -z "$checks_only" ] || : > "$root/checks-only"
	pack_root "$root"
}

if ! prep > "$work/prep.log" 2>&1; then
	{ echo "preparing failed:"; cat "$work/prep.log"; } > "$work/$n.why"
else
	# A kernel boot under TCG, then ~120 KB of console output, each
	# character two trapped UART accesses (docs/console.md): the run
	# after /init takes about twice as long as with the UART mapped.
	tmo=$((tmo * 5))
	ld="-device loader,force-raw=on"
	boot "$n" "$img/hvbridge-hyp.elf" "hvbridge-hyp: root: SYSTEM_OFF" \
		"-smp 3 $ld,addr=0x40200000,file=$arm64/Image
		 $ld,addr=0x48000000,file=$work/root.dtb
		 $ld,addr=0x49000000,file=$work/initramfs.cpio.gz"
	want "$n" "hc-test: PASS version-cpus" "hc-test: PASS mem-root-high" \
		"kmod-qemu: hc_test ran" \
		"kmod-qemu: insmod ok" \
		"kmod-qemu: kmod_check exit 0" \
		"kmod-qemu: done" \
		"hvbridge-hyp: root: SYSTEM_OFF"
	columns "$n"
	grep -qE "hc-test: [1-9][0-9]* passed, 0 failed" "$work/$n.log.txt" ||
		echo "no \"hc-test: N passed, 0 failed\"" >> "$work/$n.why"
	never "$n" "kmod-check: FAIL" "hc-test: FAIL" "Kernel panic" "Internal error" \
		"Unable to handle" "hvbridge-hyp: root: MMIO" \
		"hypervisor refused" "probe of bfff0000.hvbridge failed" \
		"rmmod while open: unloaded" "leaking"
	# Each failed check by name: `make mutate` reports which rule
	# caught a mutation from these lines.
	grep -oE '(kmod-check|hc-test): FAIL [^ :]+' "$work/$n.log.txt" |
		sort -u | sed 's/^/failed check: /' >> "$work/$n.why"
fi
if [ -z "$checks_only" ] && [ -f "$work/$n.log.txt" ]; then
	want "$n" \
		"3 CPU slots attached by root, timeout 500 ms" \
		"3 CPU slots attached by root, timeout 1234 ms" \
		"3 CPU slots attached by root, timeout 3000 ms" \
		"hvbridge: timeout_ms=10001: at most 10000" \
		"kmod-qemu: timeout_ms=10001 refused" \
		"kmod-qemu: timeout_ms=3000 loaded" \
		"kmod-qemu: default timeout loaded" \
		"hc-test: PASS timeout-attached" \
		"hvbridge bfff0000.hvbridge: region at 0x" \
		"kmod-qemu: dev crw------- uid 0" \
		"kmod-check: PASS second-claim-busy" \
		"kmod-check: PASS info-timeout" \
		"kmod-check: PASS ctl-mmap-region-ro" \
		"kmod-check: PASS ctl-mmap-region-rw-refused" \
		"kmod-check: PASS mapped-still-claimed" \
		"kmod-check: PASS claim-after-release" \
		"kmod-check: PASS claim-after-kill" \
		"kmod-qemu: kmod_check exit 0" \
		"kmod-check: PASS wake-irq-read" \
		"kmod-check: PASS zone-start-unreleased-refused" \
		"kmod-check: PASS zone-unreleased-stays-stopped" \
		"hvbridge-hyp: channel: wake SPI 120 set pending" \
		"hvbridge-hyp: zone1: started by the root zone on CPU 2" \
		"hvbridge-hyp: zone1: stop requested by the root zone" \
		"hvbridge-hyp: zone1: stopped by the root zone, CPU 2 parked" \
		"kmod-qemu: zone start 0: exit 1" \
		"kmod-qemu: zone start 9: exit 1" \
		"hvbridge: error: zone start 0: zone 0 is the root zone: it cannot be started or stopped" \
		"hvbridge: error: zone start 9: no zone 9 (see 'hvbridge zone list')" \
		"hvbridge: error: zone stop 1: zone 1 is not running" \
		"kmod-qemu: zone stop 1 (stopped): exit 1" \
		"kmod-qemu: zone start 1: exit 0" \
		"kmod-qemu: zone1 stopped again" \
		"hvbridge-hyp: zone1: not started: the daemon has not released its devices from the previous run (generation" \
		"hvbridge: error: zone start 1: the daemon has not released zone 1's devices from its previous run" \
		"kmod-qemu: zone start 1, daemon stopped: exit 1" \
		"kmod-qemu: zone start 1, daemon continued: exit 0" \
		"kmod-qemu: second daemon: hvbridge: error: cannot open /dev/hvbridge: busy: another daemon has it open (one daemon at a time)" \
		"[zone1] guest: channel: the daemon answered" \
		"kmod-qemu: stat exit 0" \
		"kmod-qemu: stat json exit 0" \
		"kmod-check: PASS rdonly-open-mmap-region" \
		"kmod-qemu: daemon exit 0" \
		"kmod-qemu: rmmod while open refused" \
		"kmod-qemu: rmmod ok" \
		"detached by root, back to PA 0xbfff0000" \
		"hvbridge bfff0000.hvbridge: region detached and freed" \
		"kmod-qemu: /dev/hvbridge gone" \
		"kmod-qemu: insmod/rmmod again ok" \
		"kmod-qemu: insmod/rmmod cycles: 50 of 50" \
		"kmod-check: PASS open-by-nonroot-refused" \
		"kmod-qemu: zone start 1 before a detach: exit 0, zone1 stopped" \
		"kmod-qemu: done"
	# A detach puts the default timeout back: the last attach, a load
	# without timeout_ms after one with it, has 500 ms.
	last=$(grep -oE "CPU slots attached by root, timeout [0-9]+ ms" \
		"$work/$n.log.txt" | tail -n 1)
	[ "$last" = "CPU slots attached by root, timeout 500 ms" ] ||
		echo "the last attach has '${last:-no line}', not the default 500 ms after a detach" \
			>> "$work/$n.why"
	# No CPU was in an access at that detach: it returned at once,
	# not 6.1 s after zone1's last access (the grace of timeout 3000).
	took=$(sed -n 's/^kmod-qemu: rmmod after zone1 ran took \([0-9]*\) ms.*/\1/p' \
		"$work/$n.log.txt")
	if [ -z "$took" ]; then
		echo "no 'rmmod after zone1 ran took N ms'" >> "$work/$n.why"
	elif [ "$took" -ge 2000 ]; then
		echo "rmmod after zone1 ran took $took ms: the detach waited for CPUs in no access ($(sed -n '1,/rmmod after zone1 ran took/p' "$work/$n.log.txt" |
				grep -o 'detach waited [0-9]* ms' | tail -n 1))" \
			>> "$work/$n.why"
	fi
	# The root zone's commands: zone1 listed with its CPU, interrupts
	# and RAM; the daemon's counters read beside it, requests served.
	grep -qE "^kmod-qemu: zone list: 1 +zone1 +stopped +2 +72-79 +2 MiB in 1 window" \
		"$work/$n.log.txt" ||
		echo "no zone1 line in 'hvbridge zone list'" >> "$work/$n.why"
	grep -qE "^kmod-qemu: stat: daemon +served [1-9]" "$work/$n.log.txt" ||
		echo "'hvbridge stat' showed nothing served" \
			>> "$work/$n.why"
	# The region's counters say since when: the module's format time,
	# a real date (the root zone's clock is set from QEMU's RTC).
	grep -qF "kmod-qemu: stat: channel timeout 500 ms: a live daemon's bound" \
		"$work/$n.log.txt" ||
		echo "'hvbridge stat' did not say the channel timeout" \
			>> "$work/$n.why"
	grep -qE "^kmod-qemu: stat: region counters since 20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9:]{8}Z$" \
		"$work/$n.log.txt" ||
		echo "'hvbridge stat' did not say since when its region counters count" \
			>> "$work/$n.why"
	grep -qE "^kmod-qemu: stat json since: 20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9:]{8}Z$" \
		"$work/$n.log.txt" ||
		echo "'hvbridge stat --transport kmod --json' has no region since" \
			>> "$work/$n.why"
	grep -qE "^kmod-qemu: stat json nonzero served: [1-9]" \
		"$work/$n.log.txt" ||
		echo "'hvbridge stat --transport kmod --json' served nothing" \
			>> "$work/$n.why"
	grep -qE "^kmod-qemu: stat: latency +[1-9][0-9]* round trips" \
		"$work/$n.log.txt" ||
		echo "'hvbridge stat' showed no latency" \
			>> "$work/$n.why"
	# zone1's guest ran to its end twice, cleanly: at boot and after the
	# restart.  Counted on the hypervisor's exit lines: the guest's own
	# summary line can be mangled by the root kernel's boot messages on
	# the shared serial port (seen once); a non-zero exit code fails.
	runs=$(grep -cF "hvbridge-hyp: zone1: exit, code 0" "$work/$n.log.txt")
	[ "$runs" -ge 2 ] ||
		echo "zone1's guest finished $runs time(s), not 2" >> "$work/$n.why"
	grep -qE "hvbridge-hyp: zone1: exit, code [1-9]" "$work/$n.log.txt" &&
		echo "zone1's guest exited with failures" >> "$work/$n.why"
	grep -qF "checks, 0x0000000000000000 failed" "$work/$n.log.txt" ||
		echo "no clean guest summary at all" >> "$work/$n.why"
fi
result "$n"
echo "$n: $pass passed, $fail failed"
[ "$fail" = 0 ]
