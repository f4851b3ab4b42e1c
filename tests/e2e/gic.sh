#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the virtual GIC (docs/interrupts.md) as a guest zone sees
# it, with zone1's GIC image (tests/guest/gic.c) under the EL2
# hypervisor:
#   gic-alone    zone1 on CPU 1 (-smp 2): its GIC's identity and frames,
#                writes to what is not its own contained, SGIs to
#                itself, more interrupts pending than list registers
#                (none lost, none doubled; the hypervisor must have found
#                the list registers full and refilled them on the
#                underflow maintenance interrupt), its SPI made
#                inactive and pending again while in a list register
#                (the vCPU must run on), the virtual timer at 1 kHz for
#                200 ms
#   gic-pair     the same on CPUs 1-2 (-smp 3), and 100 SGIs each way
#                between the zone's two CPUs
#   gic-hostile  zone1 alone on CPU 2 next to the root zone's Linux
#                (-smp 3): SGI 2 (Linux's IPI_CPU_STOP) at every other
#                CPU and at CPUs 0-1 for up to 50 s, every SPI disabled
#                and the root's UART interrupt routed to itself; the root
#                zone must boot on both its CPUs and power off while
#                that goes on
#
# gic.sh IMAGE_DIR GIC_BIN WORK_DIR
set -u
img=$1
gbin=$2
work=$3
tmo=${E2E_TIMEOUT:-20}
here=$(dirname "$0")
mkdir -p "$work"
pass=0
fail=0

# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"

# vgic_counts NAME: the hypervisor's "list registers full N times, M
# maintenance interrupts" for zone1 must both be above 0.
vgic_counts() {
	l=$(grep -m1 "^hvbridge-hyp: zone1: vgic: " "$work/$1.log.txt")
	full=$(echo "$l" | sed -En 's/.*list registers full ([0-9]+) times.*/\1/p')
	maint=$(echo "$l" | sed -En 's/.* ([0-9]+) maintenance interrupts.*/\1/p')
	if [ -z "$full" ] || [ "$full" -eq 0 ] || [ -z "$maint" ] ||
	   [ "$maint" -eq 0 ]; then
		echo "the list registers were never full and refilled: $l" \
			>> "$work/$1.why"
	fi
}

gic_case() {
	n=$1
	smp=$2
	shift 2
	log_of=$n
	case_start $n "$gbin" || { result $n; return; }
	boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: all zones exited" \
		"-smp $smp -nic none -device loader,file=$gbin,addr=0x50000000,force-raw=on"
	want $n "[zone1] PASS gicd-id" "[zone1] PASS gicr-frames" \
		"[zone1] PASS contained" "[zone1] PASS sgi-self" \
		"[zone1] PASS burst" "[zone1] PASS active-again" \
		"[zone1] PASS vtimer-1khz" \
		"hvbridge-hyp: zone1: SGI 4 to a CPU outside the zone dropped" \
		"hvbridge-hyp: zone1: exit, code 0" "$@"
	never $n "FAIL " "unexpected exception" "guest: exception" "***"
	vgic_counts $n
	result $n
}

gic_case gic-alone 2 "[zone1] guest: gic: 7 passed, 0 failed"
gic_case gic-pair 3 "[zone1] PASS sgi-pair" \
	"[zone1] guest: gic: 8 passed, 0 failed" \
	"hvbridge-hyp: zone1: entering EL1 at IPA 0x40000048 on CPU 2"

n=gic-hostile
log_of=$n
kernel=${E2E_ARM64:-}/Image
if [ ! -f "$kernel" ] || [ ! -f "${E2E_ARM64:-}/busybox" ]; then
	echo "SKIP $n (no $kernel: run scripts/fetch-arm64.sh)"
elif case_start $n "$gbin"; then
	rootd=$work/root
	if ! "$here/mkroot.sh" "$rootd" "$E2E_ARM64/busybox" \
			> "$work/$n.mkroot" 2>&1; then
		{ echo "mkroot.sh failed:"; cat "$work/$n.mkroot"; } > "$work/$n.why"
	else
		ld="-device loader,force-raw=on"
		tmo_saved=$tmo
		tmo=$((tmo * 3))	# a kernel boot under TCG
		boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: root: SYSTEM_OFF" \
			"-smp 3 -nic none $ld,addr=0x40200000,file=$kernel
			 $ld,addr=0x48000000,file=$rootd/root.dtb
			 $ld,addr=0x49000000,file=$rootd/initramfs.cpio.gz
			 $ld,addr=0x50000000,file=$gbin"
		tmo=$tmo_saved
		want $n "hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU 2" \
			"[zone1] guest: gic: hostile: SGIs at the root zone's CPUs" \
			"hvbridge-hyp: zone1: SGI 2 to a CPU outside the zone dropped" \
			"root zone: init running, 2 CPU(s), aarch64" \
			"hvbridge-hyp: root: SYSTEM_OFF"
		never $n "Kernel panic" "FAIL " "unexpected exception" \
			"guest: exception" "***"
		# The attack was still on when the root zone finished.
		grep -qF "[zone1] guest: gic: hostile: " "$work/$n.log.txt" &&
		! grep -q "SGIs sent" "$work/$n.log.txt" ||
			echo "zone1's attack ended before the root zone powered off" \
				>> "$work/$n.why"
	fi
	result $n
else
	result $n
fi

echo "e2e-gic: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
