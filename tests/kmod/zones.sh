#!/bin/bash
# Description: zones at run time, hvisor-tool's way, in the root zone
# under QEMU: with hvbridge.ko loaded and a daemon serving zone1, the
# static zone1 is shut down (`hvbridge zone shutdown -id 1`, hvisor-tool's
# spelling) and removed; a zone config with RAM in the root zone's own
# memory and one with a root-zone CPU are refused, each with the sentence
# naming its JSON field; hvisor-tool's own example as it is (768 MiB at
# 0x50000000, the whole guest pool, CPUs 2-3; zone-hello as its ./Image)
# is created, runs on both CPUs (the test device read aborts: it has no
# such window), is listed and shut down, and with CPU 4, which QEMU
# -smp 4 lacks, it is refused, the CPU named; a two-CPU zone starts its
# second CPU and both stop at shutdown, 3 times; then tests/zones/zone1.json is started (its
# kernel tests/zones/hello.S: x0 must point at the DTB the module loaded,
# a read through its virtio-type window must reach the daemon's test
# device; its QueueNotify writes to the daemon's virtio-rng in the other
# window give that block a kick slot at the first one and are posted
# after, in every run; it then spins without a trap), listed as running,
# and shut down (`zone
# shutdown --id 1`: the hypervisor's kick makes it exit), 20 times, with
# neither a hypervisor reboot nor a daemon restart; then it is stopped
# and restarted by id (`zone stop 1`, `zone start 1`) and shut down.
# Then zone1 and zone2 (tests/zones/zone1.json moved to CPU 3, RAM
# 0x50200000, SPIs 64-71) run at once, both served by one daemon.  A
# config whose zone_id is in use is refused too, and
# tests/kmod/zone_create_check.c checks that a create whose image copy
# faults leaves no zone behind.  SKIP without Debian's
# kernel (scripts/fetch-arm64.sh).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
here=$TOP/tests/e2e
img=$TOP/build/host/arm64/hyp
work=$TOP/build/kmod-test/zones
arm64=$TOP/build/arm64
tmo=${E2E_TIMEOUT:-20}
pass=0
fail=0
mkdir -p "$work"
. "$here/lib.sh"

n=zones-qemu
log_of=$n
rm -f "$work/$n.why" "$work/$n.log.txt"
if [ ! -f "$arm64/Image" ] || [ ! -f "$arm64/busybox" ]; then
	echo "SKIP $n (no $arm64/Image: run scripts/fetch-arm64.sh)"
	echo "zones-qemu: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

prep() {
	make -s --no-print-directory -C "$TOP/hyp" image &&
	make -s --no-print-directory -C "$TOP/kmod" &&
	make -s --no-print-directory -C "$TOP/tool" arm64 &&
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror \
		-I"$TOP/common/include" -o "$work/zone_create_check" \
		"$TOP/tests/kmod/zone_create_check.c" &&
	"$here/mkroot.sh" "$work/root" "$arm64/busybox" || return 1
	root=$work/initramfs
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" \
		"$root/dev" "$root/etc/hvbridge" "$root/etc/zones"
	cp "$arm64/busybox" "$root/bin/busybox"
	cp "$TOP/build/host/arm64/tool/hvbridge" "$root/bin/hvbridge"
	# configs/zone1-root.json's test device, and a virtio-rng in the
	# zone JSON's other virtio window (hello.S's QueueNotify writes).
	cat > "$root/etc/hvbridge/zone1.json" <<'JSON'
{
	"version": 1,
	"transport": { "type": "kmod", "region": "/dev/hvbridge" },
	"daemon": { "log_level": "info" },
	"zones": [
		{ "id": 1,
		  "memory": [ { "phys": "0x50000000", "ipa": "0x40000000", "size": "0x200000" } ],
		  "devices": [ { "type": "testdev", "base": "0x0b000000" },
			       { "type": "virtio-rng", "base": "0x0a000400",
				 "size": "0x200", "irq": 74 } ] }
	]
}
JSON
	cp "$TOP/build/kmod/hvbridge.ko" "$root/lib/modules/"
	cp "$work/zone_create_check" "$root/bin/"
	# The zone's kernel and DTB, and the configs.
	aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40000000 \
		-Wl,--build-id=none -o "$work/hello.elf" \
		"$TOP/tests/zones/hello.S" &&
	aarch64-linux-gnu-objcopy -O binary -j .text "$work/hello.elf" \
		"$root/etc/zones/zone-hello.bin" &&
	dtc -q -O dtb -o "$root/etc/zones/zone-hello.dtb" \
		"$TOP/tests/zones/zone-hello.dts" || return 1
	cp "$TOP/tests/zones/zone1.json" "$TOP/tests/zones/zone1-root-ram.json" \
		"$root/etc/zones/"
	sed 's/"cpus": \[2\]/"cpus": [1]/' "$TOP/tests/zones/zone1.json" \
		> "$root/etc/zones/zone1-root-cpu.json"
	sed 's/"cpus": \[2\]/"cpus": [2, 3]/' "$TOP/tests/zones/zone1.json" \
		> "$root/etc/zones/zone1-smp.json"
	# The UART's interrupt (INTID 33) is the root zone's console.
	sed 's/72, 73, 74, 75, 76, 77, 78, 79/33/' "$TOP/tests/zones/zone1.json" \
		> "$root/etc/zones/zone1-uart-irq.json"
	# zone2 beside zone1: its own CPU, RAM, SPIs and images; the same
	# window IPAs, in its own address space.
	sed -e 's/"zone_id": 1/"zone_id": 2/' -e 's/"zone1"/"zone2"/' \
		-e 's/"cpus": \[2\]/"cpus": [3]/' \
		-e 's/"0x50000000"/"0x50200000"/g' \
		-e 's/"0x50100000"/"0x50300000"/' \
		-e 's/72, 73, 74, 75, 76, 77, 78, 79/64, 65, 66, 67, 68, 69, 70, 71/' \
		"$TOP/tests/zones/zone1.json" > "$root/etc/zones/zone2.json"
	# One daemon for both zones: each its RAM and its test device.
	cat > "$root/etc/hvbridge/two.json" <<'JSON'
{
	"version": 1,
	"transport": { "type": "kmod", "region": "/dev/hvbridge" },
	"zones": [
		{ "id": 1,
		  "memory": [ { "phys": "0x50000000", "ipa": "0x40000000", "size": "0x200000" } ],
		  "devices": [ { "type": "testdev", "base": "0x0b000000" },
			       { "type": "virtio-rng", "base": "0x0a000400",
				 "size": "0x200", "irq": 74 } ] },
		{ "id": 2,
		  "memory": [ { "phys": "0x50200000", "ipa": "0x40000000", "size": "0x200000" } ],
		  "devices": [ { "type": "testdev", "base": "0x0b000000" },
			       { "type": "virtio-rng", "base": "0x0a000400",
				 "size": "0x200", "irq": 66 } ] }
	]
}
JSON
	# hvisor-tool's own example, as it is, with stand-ins for its images.
	cp "$TOP/tests/zones/hvisor-tool-zone1_linux.json" "$root/etc/zones/"
	cp "$root/etc/zones/zone-hello.bin" "$root/etc/zones/Image"
	cp "$root/etc/zones/zone-hello.dtb" "$root/etc/zones/linux2.dtb"
	cat > "$root/init" <<'INIT'
#!/bin/busybox sh
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t devtmpfs dev /dev
$bb mount -t sysfs sys /sys
say() { echo "zones-qemu: $*"; }
zstate() { hvbridge zone list | $bb awk -v id="$1" '$1 == id { print $3 }'; }
# hello.S's words at zone1's RAM + 0x1ff0 (PA 0x50001ff0): 0x600d0d7b
# once it found its DTB; + 0x1ff4: the low word of the daemon's test
# device ID it read through the channel (0x56485648), or 0xdeadab07 if
# the read aborted.
MARK=0x50001ff0
CHAN=0x50001ff4
SMP=0x50001ff8	# the second CPU's mark, 0x5ec0d0c9
NOTE=0x50001ffc	# 0x4071f1ed after its QueueNotify writes
$bb insmod /lib/modules/hvbridge.ko && say "insmod ok"
hvbridge daemon -c /etc/hvbridge/zone1.json > /daemon.log 2>&1 &
dpid=$!
i=0
until [ "$(zstate 1)" = stopped ] || [ $i -ge 150 ]; do
	$bb sleep 0.1; i=$((i + 1)); done
hvbridge zone list | $bb sed 's/^/zones-qemu: list at boot: /'
hvbridge zone start /etc/zones/zone1.json; say "id in use: exit $?"
/bin/zone_create_check; say "zone_create_check exit $?"
hvbridge zone shutdown -id 1; say "shutdown static zone1: exit $?"
hvbridge zone list | $bb sed 's/^/zones-qemu: list after: /'
hvbridge zone shutdown -id 7; say "shutdown zone 7: exit $?"
cd /etc/zones
hvbridge zone start zone1-root-ram.json; say "root RAM config: exit $?"
hvbridge zone start zone1-root-cpu.json; say "root CPU config: exit $?"
hvbridge zone start zone1-uart-irq.json; say "UART interrupt config: exit $?"
# hvisor-tool's example: zone-hello at its kernel_load_paddr leaves its
# marks at 0x50400000 + 0x1ff0 (DTB found), + 0x1ff4 (the test device
# read: 0xdeadab07, the abort) and + 0x1ff8 (CPU 3 up).
HVM=0x50401ff0; HVC=0x50401ff4; HVS=0x50401ff8
for a in $HVM $HVC $HVS; do $bb devmem $a 32 0; done
hvbridge zone start hvisor-tool-zone1_linux.json > /start.out 2>&1
say "hvisor-tool's: exit $?"
$bb sed 's/^/zones-qemu: hvisor-tool start: /' /start.out
t=0
until [ "$($bb devmem $HVS 32)" = 0x5EC0D0C9 ] || [ $t -ge 100 ]; do
	$bb sleep 0.1; t=$((t + 1)); done
say "hvisor-tool's marks: $($bb devmem $HVM 32) $($bb devmem $HVC 32) $($bb devmem $HVS 32)"
hvbridge zone list | $bb sed 's/^/zones-qemu: list hvisor-tool: /'
hvbridge zone shutdown --id 1; say "hvisor-tool's shutdown: exit $?"
$bb sed 's/"cpus": \[2, 3\]/"cpus": [2, 4]/' hvisor-tool-zone1_linux.json \
	> /hvisor-cpu4.json
hvbridge zone start /hvisor-cpu4.json; say "hvisor-tool's on CPU 4: exit $?"
# Two CPUs: the zone starts its second itself (PSCI CPU_ON); both spin
# without trapping, and shutdown must stop both.
i=0; smp=0
while [ $i -lt 3 ]; do
	$bb devmem $SMP 32 0
	hvbridge zone start zone1-smp.json > /start.out 2>&1 ||
		{ $bb sed 's/^/zones-qemu: start failed: /' /start.out; break; }
	t=0
	until [ "$($bb devmem $SMP 32)" = 0x5EC0D0C9 ] || [ $t -ge 50 ]; do
		$bb sleep 0.1; t=$((t + 1)); done
	[ "$($bb devmem $SMP 32)" = 0x5EC0D0C9 ] && smp=$((smp + 1))
	[ $i = 0 ] && hvbridge zone list | $bb sed 's/^/zones-qemu: list smp: /'
	hvbridge zone shutdown --id 1 > /stop.out 2>&1 ||
		{ $bb sed 's/^/zones-qemu: shutdown failed: /' /stop.out; break; }
	i=$((i + 1))
done
say "two-CPU cycles: $i of 3, second CPU up $smp"
# CPU 2's channel counters (zone1's CPU): synchronous requests, kicks.
cpu2() { hvbridge stat --transport kmod | $bb awk -v c=$1 '$1 == "2" { print $c }'; }
s0=$(cpu2 2); k0=$(cpu2 3)
i=0; ran=0; listed=0; served=0; notified=0
while [ $i -lt 20 ]; do
	$bb devmem $MARK 32 0
	$bb devmem $CHAN 32 0
	$bb devmem $NOTE 32 0
	hvbridge zone start zone1.json > /start.out 2>&1 ||
		{ $bb sed 's/^/zones-qemu: start failed: /' /start.out; break; }
	[ $i = 0 ] && $bb sed 's/^/zones-qemu: start: /' /start.out
	t=0
	until [ "$($bb devmem $MARK 32)" = 0x600D0D7B ] || [ $t -ge 50 ]; do
		$bb sleep 0.1; t=$((t + 1)); done
	[ "$($bb devmem $MARK 32)" = 0x600D0D7B ] && ran=$((ran + 1))
	t=0
	until [ "$($bb devmem $CHAN 32)" != 0x00000000 ] || [ $t -ge 50 ]; do
		$bb sleep 0.1; t=$((t + 1)); done
	[ "$($bb devmem $CHAN 32)" = 0x56485648 ] && served=$((served + 1))
	[ $i = 0 ] && say "channel word: $($bb devmem $CHAN 32)"
	t=0
	until [ "$($bb devmem $NOTE 32)" = 0x4071F1ED ] || [ $t -ge 50 ]; do
		$bb sleep 0.1; t=$((t + 1)); done
	[ "$($bb devmem $NOTE 32)" = 0x4071F1ED ] && notified=$((notified + 1))
	[ "$(zstate 1)" = running ] && listed=$((listed + 1))
	[ $i = 0 ] && hvbridge zone list | $bb sed 's/^/zones-qemu: list run: /'
	hvbridge zone shutdown --id 1 > /stop.out 2>&1 ||
		{ $bb sed 's/^/zones-qemu: shutdown failed: /' /stop.out; break; }
	i=$((i + 1))
done
say "start/shutdown cycles: $i of 20, ran $ran, served $served, listed running $listed, notified $notified"
# Each run's rng block got a kick slot at its first QueueNotify and the
# daemon routed it (a log line per run: the slot is freed at shutdown);
# the writes after that were posted kicks.
say "rng routes: $($bb grep -c 'kick slot [0-9]*: .*(zone 1, 0xa000400): QueueNotify posted' /daemon.log)"
# Of CPU 2's requests in the 20 runs, one a run is the test device's
# ID; the rest are QueueNotify writes sent before the route.
s1=$(cpu2 2); k1=$(cpu2 3)
say "rng counters: synchronous $((s1 - s0 - 20)) posted $((k1 - k0))"
# A zone from JSON stops and restarts by id like a static one (its
# images stay in its RAM); the stop needs the kick too.
$bb devmem $MARK 32 0
hvbridge zone start zone1.json > /dev/null
t=0
until [ "$($bb devmem $MARK 32)" = 0x600D0D7B ] || [ $t -ge 50 ]; do
	$bb sleep 0.1; t=$((t + 1)); done
hvbridge zone stop 1; say "stop 1: exit $?"
t=0
until [ "$(zstate 1)" = stopped ] || [ $t -ge 50 ]; do
	$bb sleep 0.1; t=$((t + 1)); done
say "after stop: $(zstate 1)"
$bb devmem $MARK 32 0
hvbridge zone start 1; say "start 1: exit $?"
t=0
until [ "$($bb devmem $MARK 32)" = 0x600D0D7B ] || [ $t -ge 50 ]; do
	$bb sleep 0.1; t=$((t + 1)); done
say "restarted by id: mark $($bb devmem $MARK 32)"
hvbridge zone shutdown --id 1; say "final shutdown: exit $?"
# A stop right behind the start: whether it meets the CPU before it
# enters (it parks there) or in the zone (the kick), the zone stops.
hvbridge zone start zone1.json > /dev/null && hvbridge zone stop 1
t=0
until [ "$(zstate 1)" = stopped ] || [ $t -ge 50 ]; do
	$bb sleep 0.1; t=$((t + 1)); done
say "stop behind start: $(zstate 1)"
hvbridge zone shutdown --id 1; say "shutdown after it: exit $?"
hvbridge zone list | $bb sed 's/^/zones-qemu: list at end: /'
$bb kill -0 $dpid && say "daemon alive after the cycles"
$bb kill $dpid; wait $dpid; say "daemon exit $?"
# Two zones at once (-smp 4: zone1 on CPU 2, zone2 on CPU 3), each
# with its own RAM, SPIs and test device window, one daemon serving both.
$bb rm -f /run/hvbridge/kmod-*.pid
hvbridge daemon -c /etc/hvbridge/two.json > /daemon2.log 2>&1 &
d2=$!
t=0
until $bb ls /run/hvbridge/kmod-*.pid > /dev/null 2>&1 || [ $t -ge 100 ]; do
	$bb sleep 0.1; t=$((t + 1)); done
for a in 0x50001ff0 0x50001ff4 0x50201ff0 0x50201ff4; do $bb devmem $a 32 0; done
hvbridge zone start zone1.json > /dev/null; say "two zones: zone1 start exit $?"
hvbridge zone start zone2.json > /dev/null; say "two zones: zone2 start exit $?"
for z in 1 2; do
	base=$(( 0x50000000 + (z - 1) * 0x200000 ))
	mark=$(printf 0x%x $((base + 0x1ff0))); chan=$(printf 0x%x $((base + 0x1ff4)))
	t=0
	until [ "$($bb devmem $chan 32)" != 0x00000000 ] || [ $t -ge 100 ]; do
		$bb sleep 0.1; t=$((t + 1)); done
	say "two zones: zone$z mark $($bb devmem $mark 32) channel $($bb devmem $chan 32)"
done
hvbridge zone list | $bb sed 's/^/zones-qemu: list two: /'
hvbridge zone shutdown --id 1; say "two zones: zone1 shutdown exit $?"
hvbridge zone shutdown --id 2; say "two zones: zone2 shutdown exit $?"
$bb kill $d2; wait $d2; say "two zones: daemon exit $?"
$bb sed 's/^/zones-qemu: daemon2: /' /daemon2.log | $bb grep -i error
$bb sed 's/^/zones-qemu: daemon: /' /daemon.log | $bb grep -i error
say done
$bb poweroff -f
INIT
	chmod +x "$root/init"
	pack_root "$root"
}

if ! prep > "$work/prep.log" 2>&1; then
	{ echo "preparing failed:"; cat "$work/prep.log"; } > "$work/$n.why"
else
	tmo=$((tmo * 6))	# a kernel boot and 20 zone runs under TCG
	ld="-device loader,force-raw=on"
	boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: root: SYSTEM_OFF" \
		"-smp 4 $ld,addr=0x40200000,file=$arm64/Image
		 $ld,addr=0x48000000,file=$work/root.dtb
		 $ld,addr=0x49000000,file=$work/initramfs.cpio.gz"
	want $n "zones-qemu: insmod ok" \
		"zone1.json: refused: zone_id 1: a zone with this id exists already" \
		"zones-qemu: id in use: exit 1" \
		"zone-create: PASS bad-kernel-pointer-no-zone-left" \
		"zone-create: PASS destroy-spinning" \
		"zones-qemu: zone_create_check exit 0" \
		"zones-qemu: shutdown static zone1: exit 0" \
		"hvbridge-hyp: zone1: zone removed (id 1)" \
		"zones-qemu: shutdown zone 7: exit 1" \
		"hvbridge: error: zone shutdown 7: no zone 7" \
		"zone1-root-ram.json: refused: memory_regions[0].physical_start (ram 0x40000000-0x401fffff): RAM outside the pool reserved for guest zones" \
		"zones-qemu: root RAM config: exit 1" \
		"zone1-root-cpu.json: refused: cpus: CPU 1 belongs to the root zone" \
		"zones-qemu: root CPU config: exit 1" \
		"zone1-uart-irq.json: refused: interrupts: 33 is the hypervisor's own" \
		"zones-qemu: UART interrupt config: exit 1" \
		"zones-qemu: hvisor-tool's: exit 0" \
		"zones-qemu: hvisor-tool start: zone 1 (linux2): started on CPU 2 at 0x50400000" \
		"hvbridge-hyp: zone linux2 created (id 1) by the root zone" \
		"[linux2] zone-hello: up, x0 points at a DTB" \
		"hvbridge-hyp: linux2: PSCI CPU_ON CPU 3 at IPA 0x504000" \
		"zones-qemu: hvisor-tool's marks: 0x600D0D7B 0xDEADAB07 0x5EC0D0C9" \
		"zones-qemu: hvisor-tool's shutdown: exit 0" \
		"hvbridge-hyp: linux2: stopped by the root zone, CPU 2 parked" \
		"hvbridge-hyp: linux2: stopped by the root zone, CPU 3 parked" \
		"hvisor-cpu4.json: refused: cpus: CPU 4 does not exist on this machine" \
		"zones-qemu: hvisor-tool's on CPU 4: exit 1" \
		"zones-qemu: two-CPU cycles: 3 of 3, second CPU up 3" \
		"hvbridge-hyp: zone1: stopped by the root zone, CPU 3 parked" \
		"zones-qemu: start: zone 1 (zone1): started on CPU 2 at 0x40000000" \
		"hvbridge-hyp: zone zone1 created (id 1) by the root zone" \
		"[zone1] zone-hello: up, x0 points at a DTB" \
		"zones-qemu: start/shutdown cycles: 20 of 20, ran 20, served 20, listed running 20, notified 20" \
		"zones-qemu: stop 1: exit 0" \
		"zones-qemu: after stop: stopped" \
		"zones-qemu: start 1: exit 0" \
		"zones-qemu: restarted by id: mark 0x600D0D7B" \
		"zones-qemu: final shutdown: exit 0" \
		"zones-qemu: stop behind start: stopped" \
		"zones-qemu: shutdown after it: exit 0" \
		"zones-qemu: daemon alive after the cycles" \
		"zones-qemu: daemon exit 0" \
		"zones-qemu: two zones: zone1 start exit 0" \
		"zones-qemu: two zones: zone2 start exit 0" \
		"[zone2] zone-hello: up, x0 points at a DTB" \
		"zones-qemu: two zones: zone1 mark 0x600D0D7B channel 0x56485648" \
		"zones-qemu: two zones: zone2 mark 0x600D0D7B channel 0x56485648" \
		"zones-qemu: two zones: zone1 shutdown exit 0" \
		"zones-qemu: two zones: zone2 shutdown exit 0" \
		"zones-qemu: two zones: daemon exit 0" \
		"zones-qemu: done" \
		"hvbridge-hyp: root: SYSTEM_OFF"
	never $n "Kernel panic" "Internal error" "Unable to handle" \
		"zone-create: FAIL" \
		"x0 does not point at a DTB" "CPU_OFF refused" \
		"zones-qemu: start failed" "zones-qemu: shutdown failed" \
		"zones-qemu: list after: 1 " "no kick slot left"
	# A route per run (20 and the two-CPU runs), and at least one
	# posted kick per run besides the synchronous first writes.
	awk '$1 == "zones-qemu:" && $2 == "rng" && $3 == "routes:" {
		r = $4 } END { exit !(r >= 20) }' "$work/$n.log.txt" ||
		echo "fewer than 20 kick slot routes of zone1's rng block" >> "$work/$n.why"
	awk '$1 == "zones-qemu:" && $3 == "counters:" {
		w = $5; k = $7 } END { exit !(w >= 20 && k >= 20) }' \
		"$work/$n.log.txt" ||
		echo "zone1's rng block: fewer than 20 synchronous QueueNotify writes or 20 posted kicks" >> "$work/$n.why"
	grep -qE "^zones-qemu: list hvisor-tool: 1 +linux2 +running +2-3 +[0-9-]+ +768 MiB in 1 window" \
		"$work/$n.log.txt" ||
		echo "no 768 MiB linux2 line on CPUs 2-3 in 'hvbridge zone list'" >> "$work/$n.why"
	# The root zone: its two banks of RAM and the pool.
	grep -qE "^zones-qemu: list hvisor-tool: 0 +root +running +0-1 +- +2044 MiB in 3 windows" \
		"$work/$n.log.txt" ||
		echo "no root line with 2044 MiB in 3 windows in 'hvbridge zone list'" >> "$work/$n.why"
	grep -qE "^zones-qemu: list smp: 1 +zone1 +running +2-3 +72-79 +2 MiB in 1 window" \
		"$work/$n.log.txt" ||
		echo "no two-CPU zone1 line in 'hvbridge zone list'" >> "$work/$n.why"
	for z in "1 +zone1 +running +2 +72-79" "2 +zone2 +running +3 +64-71"; do
		grep -qE "^zones-qemu: list two: $z +2 MiB in 1 window" \
			"$work/$n.log.txt" ||
			echo "no '$z' line in 'hvbridge zone list' with two zones" \
				>> "$work/$n.why"
	done
	grep -qE "^zones-qemu: list run: 1 +zone1 +running +2 +72-79 +2 MiB in 1 window" \
		"$work/$n.log.txt" ||
		echo "no running zone1 line in 'hvbridge zone list'" >> "$work/$n.why"
	# Each run is counted by hello.S's mark in its RAM ("ran 20":
	# written after it found its DTB), not on the serial log: the root
	# kernel's messages share the UART and split the guest's lines
	# even mid-word (seen).
fi
result $n
echo "zones-qemu: $pass passed, $fail failed"
[ "$fail" = 0 ]
