#!/bin/bash
# Description: hvbridge.ko in the root zone under QEMU: first
# tests/kmod/hc_test.c's module makes hostile hypercalls and checks each
# documented result (busybox insmod may run it twice: init_module after
# finit_module); then insmod of hvbridge.ko attaches
# its region (the hypervisor says so), /dev/hvbridge is there with mode
# 0600, tests/kmod/kmod_check.c passes against it, rmmod is refused while
# the device is open and detaches the region when it is not, and a second
# insmod/rmmod works too.  SKIP without Debian's kernel
# (scripts/fetch-arm64.sh).
#
# The initramfs is this script's own: busybox, the module at
# /lib/modules/hvbridge.ko, /bin/kmod_check and an /init running the
# steps above; the DTB is tests/e2e/mkroot.sh's with initrd-end moved to
# this initramfs's end.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
here=$TOP/tests/e2e
img=$TOP/build/host/arm64/hyp
work=$TOP/build/kmod-test/qemu
arm64=$TOP/build/arm64
tmo=${E2E_TIMEOUT:-20}
pass=0
fail=0
mkdir -p "$work"
. "$here/lib.sh"

n=kmod-qemu
log_of=$n
rm -f "$work/$n.why" "$work/$n.log.txt"
if [ ! -f "$arm64/Image" ] || [ ! -f "$arm64/busybox" ]; then
	echo "SKIP $n (no $arm64/Image: run scripts/fetch-arm64.sh)"
	echo "kmod-qemu: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

prep() {
	make -s --no-print-directory -C "$TOP/hyp" image &&
	make -s --no-print-directory -C "$TOP/kmod" &&
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
		"$root/dev"
	cp "$arm64/busybox" "$root/bin/busybox"
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
say "irq: $($bb grep hvbridge /proc/interrupts)"
exec 3<>/dev/hvbridge
if $bb rmmod hvbridge; then say "rmmod while open: unloaded"
else say "rmmod while open refused"; fi
exec 3>&-
$bb rmmod hvbridge && say "rmmod ok"
[ -e /dev/hvbridge ] || say "/dev/hvbridge gone"
$bb insmod /lib/modules/hvbridge.ko && $bb rmmod hvbridge &&
	say "insmod/rmmod again ok"
say done
$bb poweroff -f
INIT
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet) |
		gzip -1 > "$work/initramfs.cpio.gz" || return 1
	cp "$work/root/root.dtb" "$work/root.dtb"
	size=$(stat -c %s "$work/initramfs.cpio.gz")
	fdtput -t x "$work/root.dtb" /chosen linux,initrd-end \
		"$(printf '0x%x' $((0x49000000 + size)))"
}

if ! prep > "$work/prep.log" 2>&1; then
	{ echo "preparing failed:"; cat "$work/prep.log"; } > "$work/$n.why"
else
	tmo=$((tmo * 3))	# a kernel boot under TCG
	ld="-device loader,force-raw=on"
	boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: root: SYSTEM_OFF" \
		"-smp 3 $ld,addr=0x40200000,file=$arm64/Image
		 $ld,addr=0x48000000,file=$work/root.dtb
		 $ld,addr=0x49000000,file=$work/initramfs.cpio.gz"
	want $n "hc-test: PASS version-cpus" \
		"kmod-qemu: hc_test ran" \
		"kmod-qemu: insmod ok" \
		"3 CPU slots attached by root" \
		"hvbridge 7fff0000.hvbridge: region at 0x" \
		"kmod-qemu: dev crw------- uid 0" \
		"kmod-check: PASS second-claim-busy" \
		"kmod-check: PASS ctl-mmap-region-ro" \
		"kmod-check: PASS ctl-mmap-region-rw-refused" \
		"kmod-check: PASS mapped-still-claimed" \
		"kmod-check: PASS claim-after-release" \
		"kmod-check: PASS claim-after-kill" \
		"kmod-qemu: kmod_check exit 0" \
		"kmod-check: PASS wake-irq-read" \
		"hvbridge-hyp: channel: wake SPI 120 set pending" \
		"hvbridge-hyp: zone1: started by the root zone on CPU 2" \
		"hvbridge-hyp: zone1: stop requested by the root zone" \
		"hvbridge-hyp: zone1: stopped by the root zone, CPU 2 parked" \
		"kmod-qemu: rmmod while open refused" \
		"kmod-qemu: rmmod ok" \
		"detached by root, back to PA 0x7fff0000" \
		"hvbridge 7fff0000.hvbridge: region detached and freed" \
		"kmod-qemu: /dev/hvbridge gone" \
		"kmod-qemu: insmod/rmmod again ok" \
		"kmod-qemu: done" \
		"hvbridge-hyp: root: SYSTEM_OFF"
	grep -qE "hc-test: [0-9]+ passed, 0 failed" "$work/$n.log.txt" ||
		echo "no \"hc-test: N passed, 0 failed\"" >> "$work/$n.why"
	never $n "kmod-check: FAIL" "hc-test: FAIL" "Kernel panic" "Internal error" \
		"Unable to handle" "hvbridge-hyp: root: MMIO" \
		"hypervisor refused" "probe of 7fff0000.hvbridge failed" \
		"rmmod while open: unloaded" "leaking"
	# zone1's guest ran to its end twice: at boot and after the restart.
	runs=$(grep -cF "[zone1] guest: 0x0000000000000026 checks, 0x0000000000000000 failed" \
		"$work/$n.log.txt")
	[ "$runs" -ge 2 ] ||
		echo "zone1's guest finished $runs time(s), not 2" >> "$work/$n.why"
fi
result $n
echo "kmod-qemu: $pass passed, $fail failed"
[ "$fail" = 0 ]
