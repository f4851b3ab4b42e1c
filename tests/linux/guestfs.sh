#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: zone1's Linux userland without the hypervisor: Debian's
# arm64 kernel with build/linux's initramfs and root filesystem
# (scripts/mkguestfs.sh) in plain QEMU virt, whose own virtio-mmio
# devices stand in for the daemon's (blk on a copy of rootfs.ext4,
# virtio-console to a file, virtio-rng, virtio-net on user networking
# posing as the root zone's tap at 10.0.1.1).  Booted twice with
# hvbtest=1: the initramfs must load its modules and switch_root, rcS
# must see hvc0, 16 bytes from /dev/hwrng, eth0 and an answer from
# 10.0.1.1; guest-test must write and sync on boot 1, read boot 1's data
# back by sha256 on boot 2, and power off (PSCI SYSTEM_OFF ends QEMU);
# e2fsck must then find the image clean.  A miss prints the serial log.
#
# guestfs.sh WORK_DIR
# Environment: LINUX_DIR (build/linux), ARM64_DIR (build/arm64),
# GUESTFS_TIMEOUT (seconds per boot, default 120: the watchdog),
# GUESTFS_TEETH=1: the test's own teeth: between the boots the data
# file is replaced behind the guest's back (debugfs), and boot 2 must
# report it (guest-test: FAIL data of boot 1) instead of a read-back.
set -u
work=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
L=${LINUX_DIR:-$top/build/linux}
A=${ARM64_DIR:-$top/build/arm64}
tmo=${GUESTFS_TIMEOUT:-120}
mkdir -p "$work"
pass=0
fail=0

if [ ! -f "$L/rootfs.ext4" ] || [ ! -f "$L/initramfs.cpio.gz" ] ||
   [ ! -f "$A/Image" ]; then
	echo "SKIP guestfs (no $L/rootfs.ext4 or $A/Image: make guestfs)"
	echo "linux-guestfs: 0 passed, 0 failed"
	exit 0
fi
cp "$L/rootfs.ext4" "$work/disk.img"

boot() {	# boot N: one boot, serial log in $work/serial-N.log
	rm -f "$work/serial-$1.log" "$work/hvc0-$1.log"
	timeout -k 5 "$tmo" qemu-system-aarch64 -M virt -cpu cortex-a57 \
		-smp 2 -m 256M -display none -no-reboot -monitor none \
		-kernel "$A/Image" -initrd "$L/initramfs.cpio.gz" \
		-append "console=hvc0 console=ttyAMA0 root=/dev/vda rw panic=-1 hvbtest=1" \
		-drive if=none,file="$work/disk.img",format=raw,id=d0 \
		-device virtio-blk-device,drive=d0 \
		-device virtio-rng-device \
		-device virtio-serial-device \
		-chardev file,id=c0,path="$work/hvc0-$1.log" \
		-device virtconsole,chardev=c0 \
		-netdev user,id=n0,net=10.0.1.0/24,host=10.0.1.1,restrict=on \
		-device virtio-net-device,netdev=n0 \
		-serial file:"$work/serial-$1.log" > "$work/qemu-$1.out" 2>&1
}

check() {	# check NAME FILE PATTERN: PASS/FAIL on a fixed string
	if grep -qF -- "$3" "$2"; then
		echo "PASS $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1: no '$3' in $2"
		fail=$((fail + 1))
		bad=1
	fi
}

for n in 1 2; do
	bad=0
	boot $n
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "PASS boot$n/powered-off"
		pass=$((pass + 1))
	else
		echo "FAIL boot$n/powered-off: QEMU exited $rc (124: the ${tmo} s watchdog)"
		fail=$((fail + 1))
		bad=1
	fi
	s=$work/serial-$n.log
	touch "$s" "$work/hvc0-$n.log"
	check boot$n/initramfs "$s" "guest-initramfs: mounted /dev/vda (ext4, rw)"
	check boot$n/rootfs "$s" "guest: rootfs up:"
	check boot$n/hvc0 "$work/hvc0-$n.log" "guest: hello from zone1 on hvc0"
	check boot$n/hwrng "$s" "guest: hwrng: virtio_rng.0, read 16 bytes"
	check boot$n/eth0 "$s" "guest: eth0: "
	check boot$n/ping "$s" "guest: ping 10.0.1.1 (the root zone's tap0): ok"
	if [ $n = 2 ] && [ "${GUESTFS_TEETH:-0}" = 1 ]; then
		check boot2/corruption-caught "$s" "guest-test: FAIL data of boot 1"
		check boot2/guest-test-fails "$s" "guest-test: boot 2: 1 passed, 1 failed"
	else
		[ $n = 2 ] && check boot2/read-back "$s" "guest-test: PASS data of boot 1 read back"
		check boot$n/guest-test "$s" "guest-test: boot $n: $n passed, 0 failed"
	fi
	check boot$n/poweroff "$s" "guest-test: powering off"
	if [ $bad = 1 ]; then
		echo "---- serial log of boot $n ----"
		cat "$s"
		echo "---- end ----"
	fi
	if [ $n = 1 ] && [ "${GUESTFS_TEETH:-0}" = 1 ]; then
		# Same size, other bytes: only the checksum can tell.
		head -c 65536 /dev/zero > "$work/other"
		debugfs -w -R "rm /var/lib/guest-test/data" "$work/disk.img" \
			> /dev/null 2>&1
		debugfs -w -R "write $work/other /var/lib/guest-test/data" \
			"$work/disk.img" > /dev/null 2>&1
	fi
done

if e2fsck -fn "$work/disk.img" > "$work/e2fsck.out" 2>&1; then
	echo "PASS e2fsck-clean"
	pass=$((pass + 1))
else
	echo "FAIL e2fsck-clean: $(tail -n 3 "$work/e2fsck.out")"
	fail=$((fail + 1))
fi
if [ "${GUESTFS_TEETH:-0}" = 1 ]; then
	echo "linux-guestfs-teeth: $pass passed, $fail failed"
else
	echo "linux-guestfs: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
