#!/bin/bash
# SPDX-License-Identifier: MIT
# mkguestfs.sh: everything zone1 needs to run Debian's arm64 Linux
# (docs/linux-zone.md), made from Debian packages only, into build/linux/
# unless told otherwise:
#
#   rootfs.ext4          the root filesystem (virtio-blk, /dev/vda): static
#                        busybox (scripts/fetch-arm64.sh), busybox init with
#                        scripts/guestfs/{inittab,rcS}, /usr/bin/guest-test,
#                        guest-io, guest-load and guest-hotplug,
#                        and the virtio/ext4 modules with modules.dep;
#                        made by e2fsprogs' `mke2fs -d`, no loop mount
#   initramfs.cpio.gz    busybox and the modules the root filesystem needs
#                        before it can be mounted (virtio_mmio, virtio_blk,
#                        ext4 and its dependencies) plus virtio_console
#                        (hvc0 exists when init starts); its /init
#                        (scripts/guestfs/init) mounts root= and
#                        switch_roots
#   zone1-Image.initrd   the kernel file of zone1_linux.json: Debian's
#                        Image, zero-padded to its image_size rounded up
#                        to 2 MiB, then the initramfs (hvisor-tool's zone
#                        JSON loads a kernel and a DTB, no initrd)
#   zone1_linux.dtb      configs/linux/zone1_linux.dts compiled by dtc,
#                        with /chosen linux,initrd-start/-end pointing
#                        after the Image in zone1's RAM
#   zone1_linux-test.dtb the same with hvbtest=root on the command line:
#                        the guest runs guest-test, then the root zone
#                        drives the rest through hvc0 (make run-linux)
#   zone1_linux.json, virtio_cfg_linux.json  copies of configs/linux/'s
#                        (the files the root zone gets)
#
# --bench FIO_ROOT: the linux-zone benchmark's guest (docs/linux-zone.md,
# "Benchmark"; tests/linux/bench.sh uses -o build/linux-bench): the
# three configs, in DIR/cfg/, get two more virtio-blk disks on the same
# image, the bench disks: window 0xa000800, INTID 76 (zone1's /dev/vdb)
# with "inline": false, the daemon's fast path off (the "before"), and
# window 0xa000a00, INTID 78 (/dev/vdc) with it on (the "after"); both
# "img" bench/bench.img, a file on the ext4 file system the root zone
# mounts at bench/ (mkinitramfs.sh --fio);
# the root filesystem gets FIO_ROOT's tree (scripts/fetch-arm64-fio.sh:
# fio, its loader and libraries) and the job,
# /usr/share/hvbridge/linux-zone.fio, and grows to hold them.
#
# Usage: mkguestfs.sh [-o DIR] [--size MIB] [--bootargs "..."] [--pl011 yes|no|auto] [--bench FIO_ROOT]
# Defaults: build/linux, 16 MiB, the DTS's bootargs, auto.
# --pl011 no: the guest gets no PL011 (the DTS's node, stdout-path,
# earlycon and inittab's ttyAMA0 shell go, and console=ttyAMA0 becomes
# console=hvc0, the one console left, whose writes wait for a daemon
# while none runs: docs/linux-zone.md): for a
# hypervisor that gives zones started from JSON no emulated PL011 (an
# access there is a data abort, fatal that early in the kernel).  auto
# is yes when hyp/arch/arm64/zone_create.c mentions pl011, else no.
# HVB_GUEST_KERNEL_DIR (default build/arm64) is where Image, busybox and
# lib/modules/<version> are (scripts/fetch-arm64.sh puts them there).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$TOP/build/linux
size_mib=16
bootargs=
pl011=auto
bench=
A=${HVB_GUEST_KERNEL_DIR:-$TOP/build/arm64}
CFG=$TOP/configs/linux
SRC=$TOP/scripts/guestfs
# zone1's RAM (IPA = PA) and where the kernel file goes: zone1_linux.json's
# kernel_load_paddr; scripts/check-linux-zone.sh checks they agree.
KERNEL_PADDR=0x50000000

die() { echo "mkguestfs: error: $*" >&2; exit 1; }
usage() {
	sed -n 's/^# Usage: /usage: /p' "$0" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift ;;
	--size) size_mib=$2; shift ;;
	--bootargs) bootargs=$2; shift ;;
	--pl011) pl011=$2; shift ;;
	--bench) bench=$2; shift ;;
	*) usage ;;
	esac
	shift
done

case $pl011 in
yes | no) ;;
auto)
	pl011=no
	grep -qi pl011 "$TOP/hyp/arch/arm64/zone_create.c" 2>/dev/null &&
		pl011=yes
	;;
*) usage ;;
esac

kver=$(cat "$A/kernel-version" 2>/dev/null) ||
	die "no $A/kernel-version (scripts/fetch-arm64.sh)"
mods=$A/lib/modules/$kver
[ -f "$A/Image" ] || die "no $A/Image (scripts/fetch-arm64.sh)"
[ -x "$A/busybox" ] || die "no $A/busybox (scripts/fetch-arm64.sh)"
[ -d "$mods/kernel" ] || die "no $mods/kernel (scripts/fetch-arm64.sh)"
for t in mke2fs dtc fdtput fdtget cpio gzip busybox; do
	command -v $t >/dev/null || die "'$t' not found (scripts/deps.sh)"
done

# The modules, in an order each one's dependencies come first (their
# "depends=" in .modinfo; docs/linux-zone.md has the table).  ext4 also
# needs the crc32c shash at mount time (metadata_csum): Debian builds it
# as crc32c_generic.ko, which nothing depends on, so it is loaded by name.
INITRD_MODS="crc16 mbcache jbd2 crc32c_generic ext4 virtio_mmio virtio_blk
	virtio_console"
ROOTFS_MODS="$INITRD_MODS virtio-rng failover net_failover virtio_net"

modpath() {
	local f
	f=$(cd "$mods" && find kernel -name "$1.ko" -print -quit)
	[ -n "$f" ] || die "$1.ko not in $mods"
	echo "$f"
}
depends() {
	strings -a "$mods/$1" | sed -n 's/^depends=//p' | head -n 1
}

mkdir -p "$out"

# --- the bench's configs: the bench disk added to all three ----------------
if [ -n "$bench" ]; then
	[ -x "$bench/usr/bin/fio" ] ||
		die "no $bench/usr/bin/fio (scripts/fetch-arm64-fio.sh)"
	command -v python3 >/dev/null || die "'python3' not found (scripts/deps.sh)"
	rm -rf "$out/cfg"
	mkdir -p "$out/cfg"
	# The node goes before the root node's closing "};", the DTS's last.
	awk '{ l[NR] = $0 } /^};/ { last = NR }
	     END { for (i = 1; i <= NR; i++) {
		if (i == last) {
			print ""
			print "\tvirtio_mmio@a000800 {\t\t\t/* virtio-blk, bench disk, inline off, INTID 76 */"
			print "\t\tcompatible = \"virtio,mmio\";"
			print "\t\treg = <0x0 0x0a000800 0x0 0x200>;"
			print "\t\tinterrupts = <0 44 1>;"
			print "\t\tdma-coherent;"
			print "\t};"
			print ""
			print "\tvirtio_mmio@a000a00 {\t\t\t/* virtio-blk, bench disk, inline on, INTID 78 */"
			print "\t\tcompatible = \"virtio,mmio\";"
			print "\t\treg = <0x0 0x0a000a00 0x0 0x200>;"
			print "\t\tinterrupts = <0 46 1>;"
			print "\t\tdma-coherent;"
			print "\t};"
		}
		print l[i] } }' "$CFG/zone1_linux.dts" > "$out/cfg/zone1_linux.dts"
	python3 - "$CFG" "$out/cfg" <<'PY' || die "cannot write the bench's JSON files"
import json, sys
src, dst = sys.argv[1], sys.argv[2]
with open(src + "/zone1_linux.json") as f:
    zone = json.load(f)
for r in zone["memory_regions"]:
    if r["type"] == "virtio" and int(r["virtual_start"], 16) == 0xa000000:
        r["size"] = "0xc00"
zone["interrupts"] = sorted(zone["interrupts"] + [76, 78])
with open(dst + "/zone1_linux.json", "w") as f:
    json.dump(zone, f, indent=4)
    f.write("\n")
with open(src + "/virtio_cfg_linux.json") as f:
    vcfg = json.load(f)
# The same file twice: the daemon's fast path off on the first disk,
# on on the second (docs/virtio-blk.md, "inline").
vcfg["zones"][0]["devices"] += [
    {"type": "blk", "addr": "0xa000800", "len": "0x200", "irq": 76,
     "img": "bench/bench.img", "inline": False, "status": "enable"},
    {"type": "blk", "addr": "0xa000a00", "len": "0x200", "irq": 78,
     "img": "bench/bench.img", "inline": True, "status": "enable"}]
with open(dst + "/virtio_cfg_linux.json", "w") as f:
    json.dump(vcfg, f, indent=4)
    f.write("\n")
PY
	CFG=$out/cfg
fi

# --- the initramfs -------------------------------------------------------
ird=$out/initramfs
rm -rf "$ird"
mkdir -p "$ird/bin" "$ird/lib/modules" "$ird/proc" "$ird/sys" "$ird/dev" \
	"$ird/newroot"
cp "$A/busybox" "$ird/bin/busybox"
cp "$SRC/init" "$ird/init"
: > "$ird/lib/modules/modules.list"
loaded=" "
for m in $INITRD_MODS; do
	p=$(modpath "$m")
	for d in $(depends "$p" | tr ',' ' '); do
		case $loaded in
		*" $d "*) ;;
		*) die "initramfs: $m needs $d loaded before it" ;;
		esac
	done
	cp "$mods/$p" "$ird/lib/modules/$m.ko"
	echo "$m" >> "$ird/lib/modules/modules.list"
	loaded="$loaded$(basename "$p" .ko | tr - _) "
done
(cd "$ird" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -9 > "$out/initramfs.cpio.gz"

# --- the root filesystem -------------------------------------------------
rfs=$out/rootfs
rm -rf "$rfs"
mkdir -p "$rfs"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,proc,sys,dev,run,tmp} \
	"$rfs"/{root,var/lib/guest-test,lib/modules/"$kver"}
cp "$A/busybox" "$rfs/bin/busybox"
# Applet links, made here so the image is complete without a first boot.
for app in $(qemu-aarch64 "$A/busybox" --list-full 2>/dev/null ||
	     busybox --list-full); do
	[ -e "$rfs/$app" ] || ln -s /bin/busybox "$rfs/$app"
done
[ -e "$rfs/sbin/init" ] || ln -sf /bin/busybox "$rfs/sbin/init"
if [ "$pl011" = yes ]; then
	cp "$SRC/inittab" "$rfs/etc/inittab"
else
	grep -v '^ttyAMA0:' "$SRC/inittab" > "$rfs/etc/inittab"
fi
cp "$SRC/rcS" "$rfs/etc/init.d/rcS"
cp "$SRC/guest-test" "$rfs/usr/bin/guest-test"
cp "$SRC/guest-io" "$rfs/usr/bin/guest-io"
cp "$SRC/guest-load" "$rfs/usr/bin/guest-load"
cp "$SRC/guest-hotplug" "$rfs/usr/bin/guest-hotplug"
if [ -n "$bench" ]; then
	cp -a "$bench/." "$rfs/"
	mkdir -p "$rfs/usr/share/hvbridge"
	cp "$SRC/linux-zone.fio" "$rfs/usr/share/hvbridge/"
	# Room for the tree, its ext4 metadata and the guest's own files.
	need=$(( $(du -sm "$rfs" | cut -f1) * 5 / 4 + 16 ))
	[ "$size_mib" -ge "$need" ] || size_mib=$need
fi
echo "root:x:0:0:root:/root:/bin/sh" > "$rfs/etc/passwd"
echo "root::0:0:99999:7:::" > "$rfs/etc/shadow"
echo "root:x:0:" > "$rfs/etc/group"
echo zone1 > "$rfs/etc/hostname"
printf '127.0.0.1\tlocalhost\n10.0.1.2\tzone1\n10.0.1.1\troot-zone\n' \
	> "$rfs/etc/hosts"
chmod 600 "$rfs/etc/shadow"
for m in $ROOTFS_MODS; do
	p=$(modpath "$m")
	mkdir -p "$rfs/lib/modules/$kver/$(dirname "$p")"
	cp "$mods/$p" "$rfs/lib/modules/$kver/$p"
done
cp "$mods/modules.order" "$mods/modules.builtin" "$rfs/lib/modules/$kver/"
# busybox depmod reads the .modinfo of any architecture's modules.
busybox depmod -b "$rfs" "$kver" ||
	die "busybox depmod failed"
[ -s "$rfs/lib/modules/$kver/modules.dep" ] || die "empty modules.dep"
rm -f "$out/rootfs.ext4"
mke2fs -q -t ext4 -L zone1-root -E root_owner=0:0 -d "$rfs" \
	"$out/rootfs.ext4" "${size_mib}M" >/dev/null ||
	die "mke2fs -d failed"

# --- the kernel file: Image, padding, initramfs --------------------------
# image_size (offset 16 of the arm64 Image header) covers the kernel's
# text and bss: the initramfs must start after it.
isize=$(od -An -tu8 -j16 -N8 "$A/Image" | tr -d ' ')
[ "$isize" -gt 0 ] || die "$A/Image: image_size is 0 (a pre-3.17 kernel?)"
off=$(( (isize + 0x1fffff) & ~0x1fffff ))
cp "$A/Image" "$out/zone1-Image.initrd.tmp"
truncate -s "$off" "$out/zone1-Image.initrd.tmp"
cat "$out/initramfs.cpio.gz" >> "$out/zone1-Image.initrd.tmp"
mv "$out/zone1-Image.initrd.tmp" "$out/zone1-Image.initrd"
istart=$((KERNEL_PADDR + off))
iend=$((istart + $(stat -c %s "$out/initramfs.cpio.gz")))

# --- the DTB -------------------------------------------------------------
dtc -q -I dts -O dtb -o "$out/zone1_linux.dtb.tmp" "$CFG/zone1_linux.dts"
fdtput -t x "$out/zone1_linux.dtb.tmp" /chosen linux,initrd-start \
	"$(printf '0x%x' $istart)"
fdtput -t x "$out/zone1_linux.dtb.tmp" /chosen linux,initrd-end \
	"$(printf '0x%x' $iend)"
if [ "$pl011" = no ]; then
	fdtput -d "$out/zone1_linux.dtb.tmp" /chosen stdout-path
	fdtput -r "$out/zone1_linux.dtb.tmp" /pl011@9000000
	[ -n "$bootargs" ] ||
		bootargs=$(fdtget -t s "$out/zone1_linux.dtb.tmp" /chosen bootargs |
			   sed 's/console=ttyAMA0/console=hvc0/; s/ *earlycon=[^ ]*//')
fi
[ -n "$bootargs" ] && fdtput -t s "$out/zone1_linux.dtb.tmp" /chosen \
	bootargs "$bootargs"
mv "$out/zone1_linux.dtb.tmp" "$out/zone1_linux.dtb"
# The same with hvbtest=root: rcS runs guest-test and the root zone
# drives the rest through hvc0, powering it off at the end (make
# run-linux boots it HVB_LINUX_CYCLES times).
cp "$out/zone1_linux.dtb" "$out/zone1_linux-test.dtb"
fdtput -t s "$out/zone1_linux-test.dtb" /chosen bootargs \
	"$(fdtget -t s "$out/zone1_linux.dtb" /chosen bootargs) hvbtest=root"
cp "$CFG/zone1_linux.json" "$CFG/virtio_cfg_linux.json" "$out/"

printf 'mkguestfs: %s: rootfs.ext4 (%s MiB), zone1-Image.initrd (%s bytes, initramfs at 0x%x-0x%x), zone1_linux.dtb (PL011: %s)\n' \
	"${out#"$TOP"/}" "$size_mib" "$(stat -c %s "$out/zone1-Image.initrd")" \
	"$istart" "$iend" "$pl011"
