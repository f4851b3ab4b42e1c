#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the PSCI a zone gets and the arm64 boot protocol
# (docs/psci.md, docs/zones.md), with zone1's PSCI image
# (tests/guest/psci.c), booted the Linux way (it has an Image header)
# with tests/e2e/zone1.dts's DTB:
#   psci-pair  zone1 alone on CPUs 1-2 (-smp 3): the boot protocol's
#              entry state (x0 = the DTB, x1..x3 = 0, MMU and D-cache
#              off, DAIF masked, EL1h); every PSCI and SMCCC discovery
#              call over SMC and HVC; CPU_ON refused for CPUs that are
#              not the zone's and for bad entries, with nothing started;
#              CPU_ON of the second CPU at a custom entry and context id,
#              CPU_OFF, CPU_ON again (AFFINITY_INFO following); the
#              first CPU off and started again by the second at another
#              entry (not a zone restart); SYSTEM_RESET restarting the
#              zone the Linux way, from the first CPU, then from the
#              second while the first spins with interrupts masked;
#              SYSTEM_OFF stopping it, its second CPU included while that
#              spins
#   psci-no-dtb  the PSCI image without its DTB: the hypervisor refuses
#              to boot it and powers its CPU off
#   psci-root  psci-pair's checks on CPUs 2-3 next to the root zone's Linux on
#              CPUs 0-1 (-smp 4): CPU_ON of the root zone's CPUs is
#              refused, zone1's SYSTEM_OFF stops zone1 only, and the
#              root zone boots on both its CPUs and later powers the
#              machine off itself
#
# psci.sh IMAGE_DIR PSCI_BIN WORK_DIR
set -u
img=$1
pbin=$2
work=$3
tmo=${E2E_TIMEOUT:-20}
here=$(dirname "$0")
mkdir -p "$work"
pass=0
fail=0

# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"

ld="-device loader,force-raw=on"
dtb=$work/zone1.dtb
dtc -q -I dts -O dtb -o "$dtb" "$here/zone1.dts" || exit 1
# zone1's RAM at PA 0x50000000; its DTB at IPA 0x401f0000.
zone1="$ld,addr=0x50000000,file=$pbin $ld,addr=0x501f0000,file=$dtb"

# psci_want NAME FIRST SECOND PASSED: what both cases must show, zone1
# on CPUs FIRST and SECOND, PASSED checks before the reset.
psci_want() {
	n=$1
	b=$2
	s=$3
	want $n "hvbridge-hyp: zone1: Linux boot: Image at IPA 0x40000000 (text_offset 0x0, image_size 0x" \
		"DTB at IPA 0x401f0000 (" \
		"hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU $b" \
		"[zone1] psci: hello from CPU $b, entry 1" \
		"[zone1] PASS boot-x0-is-dtb" \
		"[zone1] PASS entry-daif-masked" \
		"[zone1] PASS on-cpu0-not-ours" \
		"[zone1] PASS other-x0-is-context" \
		"[zone1] PASS again-x0-is-context" \
		"[zone1] PASS again-not-a-zone-restart" \
		"hvbridge-hyp: zone1: PSCI CPU_OFF CPU $s" \
		"hvbridge-hyp: zone1: PSCI CPU_OFF CPU $b" \
		"[zone1] psci: $4 passed, 0 failed" \
		"hvbridge-hyp: zone1: SYSTEM_RESET from CPU $b: the zone stops, not the machine" \
		"hvbridge-hyp: zone1: reset: restarting on CPU $b" \
		"[zone1] psci: hello from CPU $b, entry 2" \
		"[zone1] psci: after reset: 11 passed, 0 failed" \
		"hvbridge-hyp: zone1: SYSTEM_RESET from CPU $s: the zone stops, not the machine" \
		"hvbridge-hyp: zone1: stopped by its SYSTEM_RESET, CPU $b parked" \
		"[zone1] psci: hello from CPU $b, entry 3" \
		"[zone1] psci: after second reset: 14 passed, 0 failed" \
		"hvbridge-hyp: zone1: SYSTEM_OFF from CPU $b: the zone stops, not the machine" \
		"hvbridge-hyp: zone1: stopped by its SYSTEM_OFF, CPU $s parked"
	never $n "FAIL" "unexpected exception" "***" \
		"hvbridge-hyp: zone1: PSCI CPU_ON CPU 0" \
		"hvbridge-hyp: zone1: PSCI CPU_ON CPU 7" \
		"hvbridge-hyp: zone1: Linux boot refused"
	# Exactly three zone boots (start, its reset, the second CPU's
	# reset), each at the image.
	c=$(grep -c "hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU $b" \
		"$work/$log_of.log.txt")
	[ "$c" -eq 3 ] ||
		echo "zone1 entered at its image $c times, not 3 (boot, 2 resets)" \
			>> "$work/$n.why"
}

n=psci-pair
log_of=$n
if case_start $n "$pbin"; then
	# Done when the second CPU, spinning, has been stopped too.
	boot $n "$img/hvbridge-hyp.elf" \
		"hvbridge-hyp: zone1: stopped by its SYSTEM_OFF, CPU 2 parked" \
		"-smp 3 $zone1"
	psci_want $n 1 2 71
fi
result $n

# A Linux image without its DTB: refused, the zone not started, its CPU
# off, and nothing else happens.
n=psci-no-dtb
log_of=$n
if case_start $n "$pbin"; then
	boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: zone1: not started" \
		"-smp 3 $ld,addr=0x50000000,file=$pbin"
	want $n "hvbridge-hyp: zone1: Linux boot refused: no DTB (FDT magic) at the DTB address (kernel IPA 0x40000000, DTB IPA 0x401f0000)" \
		"hvbridge-hyp: zone1: not started, CPU 1 off"
	never $n "entering EL1" "[zone1]" "***"
fi
result $n

n=psci-root
log_of=$n
kernel=${E2E_ARM64:-}/Image
if [ ! -f "$kernel" ] || [ ! -f "${E2E_ARM64:-}/busybox" ]; then
	echo "SKIP $n (no $kernel: run scripts/fetch-arm64.sh)"
elif case_start $n "$pbin"; then
	rootd=$work/root
	if ! "$here/mkroot.sh" "$rootd" "$E2E_ARM64/busybox" \
			> "$work/$n.mkroot" 2>&1; then
		{ echo "mkroot.sh failed:"; cat "$work/$n.mkroot"; } > "$work/$n.why"
	else
		tmo_saved=$tmo
		tmo=$((tmo * 3))	# a kernel boot under TCG
		boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: root: SYSTEM_OFF" \
			"-smp 4 $ld,addr=0x40200000,file=$kernel
			 $ld,addr=0x48000000,file=$rootd/root.dtb
			 $ld,addr=0x49000000,file=$rootd/initramfs.cpio.gz
			 $zone1"
		tmo=$tmo_saved
		psci_want $n 2 3 72
		want $n "[zone1] PASS on-cpu1-not-ours" \
			"hvbridge-hyp: root: Linux boot: Image at IPA 0x40200000" \
			"root zone: init running, 2 CPU(s), aarch64" \
			"hvbridge-hyp: root: SYSTEM_OFF"
		never $n "Kernel panic"
		# zone1 stopped itself first; the root zone went on and
		# powered the machine off later.
		z=$(grep -n -m1 "hvbridge-hyp: zone1: SYSTEM_OFF from CPU" \
			"$work/$n.log.txt" | cut -d: -f1)
		r=$(grep -n -m1 "hvbridge-hyp: root: SYSTEM_OFF" \
			"$work/$n.log.txt" | cut -d: -f1)
		[ -n "$z" ] && [ -n "$r" ] && [ "$z" -lt "$r" ] ||
			echo "zone1's SYSTEM_OFF (line ${z:-none}) is not before the root zone's (line ${r:-none})" \
				>> "$work/$n.why"
	fi
	result $n
else
	result $n
fi

echo "e2e-psci: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
