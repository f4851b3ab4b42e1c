#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: zone1's virtio workload (tests/guest, the virtio image)
# under the EL2 hypervisor, served by the real daemon on its host
# transport with configs/zone1-virtio-host.json: virtio-blk on an image
# file, virtio-console on the daemon's stdout, virtio-rng; then the MMIO
# torture cases in the same boot.  Alone, and next to the root zone's
# Linux (when scripts/fetch-arm64.sh has fetched it).
#
# virtio.sh IMAGE_DIR GUEST_BIN CONFIG WORK_DIR
# With E2E_VIRQ_BIN, E2E_HVBRIDGE_ARM64 and E2E_KMOD also the devices'
# interrupts through the root zone's daemon (case 3, zone1-virtio-irq).
# Every workload step must print its PASS line; the sectors written must
# be in the image file, the console lines on the daemon's stdout, and the
# guest's summary must count every step and case as passed.  A miss
# prints the serial log and the daemon's log.
set -u
img=$1
gbin=$2
cfg=$3
work=$4
tmo=${E2E_TIMEOUT:-20}
here=$(dirname "$0")
hvb=${E2E_HVBRIDGE:-}
mkdir -p "$work"
# The daemon runs in $work (the blk image is relative to it): every path
# it gets is absolute.
work=$(cd "$work" && pwd)
case $hvb in
/*|"") ;;
*) hvb=$(pwd)/$hvb ;;
esac
pass=0
fail=0

# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"

# The workload's steps, in the order the image runs them
# (tests/guest/virtio_dev.c).
steps="virtio-blk/probe virtio-blk/init virtio-blk/write
	virtio-blk/interrupt virtio-blk/read virtio-blk/compare
	virtio-blk/flush
	virtio-console/probe virtio-console/init virtio-console/tx
	virtio-rng/probe virtio-rng/init virtio-rng/read virtio-rng/differ"
nsteps=$(echo "$steps" | wc -w)
con_lines="hvbridge-guest: hello from zone1 over virtio-console
hvbridge-guest: virtio-console line 2 of 2"

# start_daemon_virtio NAME: as lib.sh's start_daemon_host, with the
# config, in $work (the blk image is relative to it); the daemon's
# stdout, the console's backend, goes through a FIFO to NAME.console
# (cat's pid in $cpid), its log to NAME.daemon.
start_daemon_virtio() {
	sd_log=$work/$1.log
	fifo=$work/$1.fifo
	rm -f "$fifo"
	rm -rf "$work/$1.state"
	mkfifo "$fifo"
	cat "$fifo" > "$work/$1.console" &
	cpid=$!
	cfg_abs=$(cd "$(dirname "$cfg")" && pwd)/$(basename "$cfg")
	(
		cd "$work" || exit 1
		t=0
		while ! grep -qF "hvbridge-hyp: channel region at" \
				"$sd_log" 2>/dev/null; do
			[ $t -lt $((tmo * 50)) ] || exit 1
			sleep 0.02
			t=$((t + 1))
		done
		exec "$hvb" daemon -c "$cfg_abs" --transport host --mem "$ram" \
			--state-dir "$work/$1.state"
	) > "$fifo" 2> "$work/$1.daemon" &
	dpid=$!
}

n=zone1-virtio
log_of=$n
rm -f "$work/$n.why" "$work/$n.log.txt" "$work/$n.console"
if [ ! -x "$hvb" ] || [ ! -f "$gbin" ] || [ ! -f "$img/hvbridge-hyp.elf" ]; then
	echo "missing $hvb, $gbin or $img/hvbridge-hyp.elf (make)" > "$work/$n.why"
elif ! truncate -s 1M "$work/zone1-virtio-blk.img" ||
     ! (cd "$work" && "$hvb" config-check -c "$(cd "$(dirname "$cfg")" &&
		pwd)/$(basename "$cfg")") > "$work/$n.cfg" 2>&1; then
	{ echo "config-check refused $cfg:"; cat "$work/$n.cfg"; } \
		> "$work/$n.why"
else
	rm -f "$ram" "$work/zone1-virtio-blk.img"
	truncate -s 2G "$ram"
	truncate -s 1M "$work/zone1-virtio-blk.img"
	: > "$work/$n.log"
	start_daemon_virtio "$n"
	boot "$n" "$img/hvbridge-hyp.elf" "hvbridge-hyp: all zones exited" \
		"$QEMU_SHARED_RAM -device loader,file=$gbin,addr=0x50000000,force-raw=on"
	kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	# The daemon gone, cat sees EOF; if the daemon never opened the
	# FIFO, cat still waits for a writer: stop it.
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	for s in $steps; do
		grep -qxF -- "[zone1] PASS $s" "$work/$n.log.txt" ||
			echo "missing: [zone1] PASS $s" >> "$work/$n.why"
	done
	# The torture cases: counted here (tests/e2e/guest.sh checks each
	# one by name); the summary must count them and every step.
	cases=$(sed -n 's/.*guest: torture image, EL1 MMU and caches on, \([0-9]*\) cases.*/\1/p' \
		"$work/$n.log.txt" | head -n 1)
	if [ -z "$cases" ]; then
		echo "missing: the torture image's header line" >> "$work/$n.why"
	else
		total=$((cases + nsteps))
		want "$n" "[zone1] guest: $total passed, 0 failed" \
			"hvbridge-hyp: zone1: exit, code 0"
		got=$(grep -c '^\[zone1\] PASS ' "$work/$n.log.txt")
		[ "$got" -eq "$total" ] ||
			echo "$got PASS lines, want $total" >> "$work/$n.why"
	fi
	want "$n" "[zone1] guest: virtio workload: blk, console, rng at 0xa000000" \
		"[zone1] guest: virtio-blk: 8 sectors at 16, checksum 0x"
	never "$n" "FAIL " "unexpected exception" "zone2" "***"
	# What the guest wrote went where the backends write.
	echo "$con_lines" | while IFS= read -r l; do
		grep -qxF -- "$l" "$work/$n.console" ||
			echo "console backend (daemon stdout): missing: $l"
	done >> "$work/$n.why"
	for s in 16 23; do
		dd if="$work/zone1-virtio-blk.img" bs=512 skip=$s count=1 \
			2>/dev/null | head -n 1 |
			grep -qxF "hvbridge-guest sector $s" ||
			echo "blk image: sector $s does not hold what the guest wrote" \
				>> "$work/$n.why"
	done
	if [ -s "$work/$n.why" ]; then
		{ echo "--- daemon log ---"; cat "$work/$n.daemon"
		  echo "--- console backend ---"; cat "$work/$n.console"; } \
			>> "$work/$n.why"
	fi
fi
result "$n"

# 2. The same image next to the root zone's Linux (-smp 3: zone1 on CPU
# 2), still served by the daemon on this machine: the windows and kicks
# of the root-zone zone set, which the kmod transport's daemon will use.
n=zone1-virtio-root
log_of=$n
kernel=${E2E_ARM64:-}/Image
if [ ! -f "$kernel" ] || [ ! -f "${E2E_ARM64:-}/busybox" ]; then
	echo "SKIP $n (no $kernel: run scripts/fetch-arm64.sh)"
elif [ -s "$work/zone1-virtio.why" ]; then
	echo "SKIP $n (zone1-virtio failed)"
else
	rm -f "$work/$n.why" "$work/$n.log.txt" "$work/$n.console"
	rootd=$work/root
	if ! "$here/mkroot.sh" "$rootd" "$E2E_ARM64/busybox" \
			> "$work/$n.mkroot" 2>&1; then
		{ echo "mkroot.sh failed:"; cat "$work/$n.mkroot"; } \
			> "$work/$n.why"
	else
		rm -f "$ram" "$work/zone1-virtio-blk.img"
		truncate -s 2G "$ram"
		truncate -s 1M "$work/zone1-virtio-blk.img"
		: > "$work/$n.log"
		start_daemon_virtio "$n"
		ld="-device loader,force-raw=on"
		tmo_saved=$tmo
		tmo=$((tmo * 6))	# a kernel boot under TCG, on a machine maybe busy
		boot "$n" "$img/hvbridge-hyp.elf" "hvbridge-hyp: root: SYSTEM_OFF" \
			"-smp 3 $QEMU_SHARED_RAM $ld,addr=0x40200000,file=$kernel
			 $ld,addr=0x48000000,file=$rootd/root.dtb
			 $ld,addr=0x49000000,file=$rootd/initramfs.cpio.gz
			 $ld,addr=0x50000000,file=$gbin"
		tmo=$tmo_saved
		kill "$dpid" 2>/dev/null
		wait "$dpid" 2>/dev/null
		kill "$cpid" 2>/dev/null
		wait "$cpid" 2>/dev/null
		for s in $steps; do
			grep -qxF -- "[zone1] PASS $s" "$work/$n.log.txt" ||
				echo "missing: [zone1] PASS $s" >> "$work/$n.why"
		done
		want "$n" "hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU 2" \
			"[zone1] guest: $total passed, 0 failed" \
			"hvbridge-hyp: zone1: exit, code 0" \
			"root zone: init running, 2 CPU(s), aarch64" \
			"hvbridge-hyp: root: SYSTEM_OFF"
		never "$n" "FAIL " "unexpected exception" "Kernel panic" "***"
		echo "$con_lines" | while IFS= read -r l; do
			grep -qxF -- "$l" "$work/$n.console" ||
				echo "console backend (daemon stdout): missing: $l"
		done >> "$work/$n.why"
		if [ -s "$work/$n.why" ]; then
			{ echo "--- daemon log ---"; cat "$work/$n.daemon"; } \
				>> "$work/$n.why"
		fi
	fi
	result "$n"
fi

rm -f "$ram" "$work"/*.fifo

# 3. The devices' interrupts: zone1's virtio interrupt image
# (tests/guest/virq.c) served by the root zone's daemon on the kmod
# transport (scripts/mkinitramfs.sh's run mode: configs/
# zone1-virtio-root.json, where each device has an INTID), -smp 4 as
# tests/e2e/rootlib.sh boots it.  zone1 sleeps in WFI after each request
# until its device's interrupt comes (2 s bound by the virtual timer);
# every step must pass, each device's interrupts must carry the INTID
# the config gives it, the daemon must have raised every one, and the
# console lines must reach the daemon's stdout.
n=zone1-virtio-irq
log_of=$n
vbin=${E2E_VIRQ_BIN:-}
hvb64=${E2E_HVBRIDGE_ARM64:-}
ko=${E2E_KMOD:-}
arm64=${E2E_ARM64:-}
top=$(cd "$here/../.." && pwd)
vcfg=$top/configs/zone1-virtio-root.json
if [ ! -f "$arm64/Image" ] || [ ! -x "$arm64/busybox" ] ||
   [ -z "$ko" ] || [ ! -f "$ko" ] || [ ! -x "$hvb64" ]; then
	echo "SKIP $n (no $arm64/Image, busybox, hvbridge.ko or arm64 daemon:" \
	     "scripts/fetch-arm64.sh, kmod/, make -C tool arm64)"
elif case_start "$n" "$vbin"; then
	# shellcheck source=tests/e2e/rootlib.sh
	. "$here/rootlib.sh"
	# One copy of the module: kbuild may rewrite it meanwhile.
	cp "$ko" "$work/hvbridge.ko" && ko=$work/hvbridge.ko
	hbin=$vbin
	tmo_saved=$tmo
	tmo=$((tmo * 6))	# a kernel boot under TCG, on a machine maybe busy
	if root_boot "$n" run "$img/hvbridge-hyp.elf" "$hvb64" &&
	   root_wait "$n" "hvbridge-hyp: zone1: exit, code"; then
		# zone1 is done: the root zone prints what it kept back
		# (the daemon's lines, the console's) and powers off.
		echo "done" >&7
		root_wait "$n" "hvbridge-hyp: root: SYSTEM_OFF"
	fi
	tmo=$tmo_saved
	[ -f "$work/$n.log" ] && root_end "$n"
	vsteps="virtio-blk/probe virtio-blk/init virtio-blk/write-irq
		virtio-blk/read-irq virtio-blk/batch-irq
		virtio-console/probe virtio-console/init virtio-console/tx-irq
		virtio-rng/probe virtio-rng/init virtio-rng/read-irq
		virtio-rng/batch-irq irq/quiet"
	for s in $vsteps; do
		grep -qxF -- "[zone1] PASS $s" "$work/$n.log.txt" ||
			echo "missing: [zone1] PASS $s" >> "$work/$n.why"
	done
	want "$n" "[zone1] guest: virq: $(echo "$vsteps" | wc -w) passed, 0 failed" \
		"[zone1] guest: virq: 0 waits timed out" \
		"hvbridge-hyp: zone1: exit, code 0" \
		"hvbridge-guest: virq: console line 1 of 2" \
		"hvbridge-guest: virq: console line 2 of 2" \
		"hvbridge-root: powering off" "hvbridge-hyp: root: SYSTEM_OFF"
	# Each device's interrupts came with the INTID its config gives it:
	# the guest counts them by the INTID it acknowledged.
	python3 - "$vcfg" <<-'PY' > "$work/$n.intids" ||
	import json, sys
	for z in json.load(open(sys.argv[1]))["zones"]:
	    for d in z["devices"]:
	        if z["id"] == 1 and d.get("irq"):
	            print(d["type"], d["irq"])
	PY
		echo "cannot read the INTIDs of $vcfg" >> "$work/$n.why"
	[ "$(wc -l < "$work/$n.intids")" -eq 3 ] ||
		echo "$vcfg gives $(wc -l < "$work/$n.intids") devices an INTID, want 3" \
			>> "$work/$n.why"
	while read -r dev irq; do
		grep -qE "^\[zone1\] guest: virq: $dev INTID $irq: [1-9][0-9]* requests, [1-9][0-9]* completions, [1-9][0-9]* interrupts" \
			"$work/$n.log.txt" ||
			echo "missing: $dev's interrupts with INTID $irq ($(grep -o "virq: $dev INTID.*" "$work/$n.log.txt"))" \
				>> "$work/$n.why"
	done < "$work/$n.intids"
	never "$n" "FAIL " "unexpected exception" "Kernel panic" \
		"cannot raise interrupt" "***"
	result "$n"
else
	result "$n"
fi

echo "e2e-virtio: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
