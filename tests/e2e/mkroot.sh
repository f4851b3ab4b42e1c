#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: make the root zone's DTB and a test initramfs.
#
# mkroot.sh WORK BUSYBOX
#   WORK/root.dtb          QEMU virt's own DTB (dumpdtb, same machine
#                          options as the run) cut down to what the root
#                          zone owns: RAM 0x40000000-0x4fffffff and
#                          0x80000000-0xbfbfffff, CPUs 0
#                          and 1 (CPU 2 runs zone1), no PCIe (not mapped); an
#                          hvbridge node (below); the guest pool
#                          0x50000000-0x7fffffff (zone1's RAM in it) as
#                          no-map reserved memory: RAM for guest zones,
#                          never the root zone's; the hypervisor reads
#                          the pool from this node (compatible
#                          "hvbridge,guest-pool", hyp/fdt.h); the
#                          initramfs and the
#                          command line in /chosen
#   WORK/initramfs.cpio.gz busybox and an /init that reads the hvbridge
#                          node and the channel region, then powers the
#                          machine off (PSCI SYSTEM_OFF via the hypervisor)
# Addresses must match hyp/arch/arm64/zones.c (ROOT_*), chan.h
# (HYP_CHANNEL_*) and zone1's RAM.
#
# The hvbridge node (a proposal for hvbridge.ko's binding):
#   hvbridge@bfff0000 {
#       compatible = "hvbridge,channel";
#       reg = <0 0xbfff0000 0 0x10000>,     the channel region
#             <0 0x50000000 0 0x200000>;    zone1's RAM (virtqueues)
#       reg-names = "region", "zone1";
#       interrupts = <0 120 1>;             wake: SPI 120, edge rising
#   };
set -eu
work=$1
busybox=$2
DTB_ADDR=0x48000000
INITRD_ADDR=0x49000000

mkdir -p "$work"
qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,dumpdtb="$work/virt.dtb" \
	-cpu cortex-a57 -smp 3 -m 2G -display none -nic none >/dev/null 2>&1

root=$work/initramfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc"
cp "$busybox" "$root/bin/busybox"
mkdir -p "$root/dev" "$root/sys"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t devtmpfs dev /dev
$bb mount -t sysfs sys /sys
echo "root zone: init running, $($bb grep -c ^processor /proc/cpuinfo) CPU(s), $($bb uname -m)"
echo "root zone: hvbridge node: $($bb cat /proc/device-tree/hvbridge@bfff0000/compatible)"
echo "root zone: channel region magic $($bb devmem 0xbfff0000 32)"
echo "root zone: zone1 RAM readable: $($bb devmem 0x50000000 32)"
$bb poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$work/initramfs.cpio.gz"
size=$(stat -c %s "$work/initramfs.cpio.gz")

dtb=$work/root.dtb
cp "$work/virt.dtb" "$dtb"
# Two banks: the guest pool and the hypervisor's top are not its own.
fdtput -t x "$dtb" /memory@40000000 reg 0 0x40000000 0 0x10000000 \
	0 0x80000000 0 0x3fc00000
fdtput -r "$dtb" /cpus/cpu-map
fdtput -r "$dtb" /cpus/cpu@2
fdtput -r "$dtb" /pcie@10000000
pool=/reserved-memory/guest-pool@50000000
fdtput -c "$dtb" /reserved-memory
fdtput -t u "$dtb" /reserved-memory '#address-cells' 2
fdtput -t u "$dtb" /reserved-memory '#size-cells' 2
fdtput "$dtb" /reserved-memory ranges
fdtput -c "$dtb" $pool
fdtput -t s "$dtb" $pool compatible "hvbridge,guest-pool"
fdtput -t x "$dtb" $pool reg 0 0x50000000 0 0x30000000
fdtput "$dtb" $pool no-map
node=/hvbridge@bfff0000
fdtput -c "$dtb" $node
fdtput -t s "$dtb" $node compatible "hvbridge,channel"
fdtput -t x "$dtb" $node reg 0 0xbfff0000 0 0x10000 0 0x50000000 0 0x200000
fdtput -t s "$dtb" $node reg-names region zone1
# Decimal cells (-t u): "-t x" would read 120 as 0x120.
fdtput -t u "$dtb" $node interrupts 0 120 1
fdtput -t s "$dtb" /chosen bootargs "console=ttyAMA0 rdinit=/init panic=-1"
fdtput -t x "$dtb" /chosen linux,initrd-start $INITRD_ADDR
fdtput -t x "$dtb" /chosen linux,initrd-end \
	"$(printf '0x%x' $((INITRD_ADDR + size)))"
