#!/bin/bash
# Description: hvisor-tool's own example files, unchanged, boot Debian's
# Linux in zone1 under QEMU: in the root zone, with hvbridge.ko loaded,
# `hvbridge daemon -c virtio_cfg.json` serves configs/hvisor-virtio_cfg.json
# (hvisor-tool's virtio_cfg.json: virtio-blk on rootfs2.ext4 at
# 0xa003c00, a pty console at 0xa003800, net disabled), the static
# zone1 is shut down, and `hvbridge zone start zone1_linux.json` starts
# tests/zones/hvisor-tool-zone1_linux.json (768 MiB at 0x50000000, CPUs
# 2-3, kernel at 0x50400000, DTB at 0x50000000).  Its ./Image is
# scripts/mkguestfs.sh's kernel file (Debian's Image with its
# initramfs), ./linux2.dtb that zone's DTB moved to hvisor's layout
# (the RAM, the two enabled virtio windows and their SPIs, the initramfs
# 4 MiB higher), rootfs2.ext4 a copy of its root filesystem.  zone1's
# Linux must mount its root from the daemon's virtio-blk with both CPUs
# and the 768 MiB, get its hvc0 from the daemon's console, and then be
# shut down.  SKIP without Debian's kernel (scripts/fetch-arm64.sh);
# build/linux is made first if it is not there (scripts/mkguestfs.sh).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
here=$TOP/tests/e2e
img=$TOP/build/host/arm64/hyp
work=$TOP/build/kmod-test/hvisor-linux
arm64=$TOP/build/arm64
guest=${HVB_GUEST_DIR:-$TOP/build/linux}
tmo=${E2E_TIMEOUT:-20}
pass=0
fail=0
mkdir -p "$work"
. "$here/lib.sh"

n=hvisor-linux
log_of=$n
rm -f "$work/$n.why" "$work/$n.log.txt"
if [ ! -f "$arm64/Image" ] || [ ! -f "$arm64/busybox" ]; then
	echo "SKIP $n (no $arm64/Image: run scripts/fetch-arm64.sh)"
	echo "hvisor-linux: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

# linux2.dtb: mkguestfs.sh's zone1_linux.dtb for hvisor-tool's layout.
# SPI n is INTID n + 32: console 76 -> 44, blk 78 -> 46.
linux2_dtb() {
	d=$1
	cp "$guest/zone1_linux.dtb" "$d"
	fdtput -t x "$d" /memory@50000000 reg 0 0x50000000 0 0x30000000 || return 1
	for v in a000000 a000200 a000400 a000600; do
		fdtput -r "$d" "/virtio_mmio@$v" || return 1
	done
	for v in a003800:44 a003c00:46; do
		node=/virtio_mmio@${v%:*}
		fdtput -c "$d" "$node" &&
		fdtput -t s "$d" "$node" compatible "virtio,mmio" &&
		fdtput -t x "$d" "$node" reg 0 "0x${v%:*}" 0 0x200 &&
		fdtput -t u "$d" "$node" interrupts 0 "${v#*:}" 1 &&
		fdtput "$d" "$node" dma-coherent || return 1
	done
	# The kernel file goes to 0x50400000, not 0x50000000.
	for p in linux,initrd-start linux,initrd-end; do
		a=$(fdtget -t x "$d" /chosen "$p") || return 1
		fdtput -t x "$d" /chosen "$p" \
			"$(printf '%x' $((0x$a + 0x400000)))" || return 1
	done
}

prep() {
	if [ ! -f "$guest/zone1-Image.initrd" ] ||
	   [ ! -f "$guest/zone1_linux.dtb" ] || [ ! -f "$guest/rootfs.ext4" ]; then
		"$TOP/scripts/mkguestfs.sh" -o "$guest" || return 1
	fi
	make -s --no-print-directory -C "$TOP/hyp" image &&
	make -s --no-print-directory -C "$TOP/kmod" &&
	make -s --no-print-directory -C "$TOP/tool" arm64 &&
	"$here/mkroot.sh" "$work/root" "$arm64/busybox" || return 1
	root=$work/initramfs
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" \
		"$root/dev" "$root/hvisor"
	cp "$arm64/busybox" "$root/bin/busybox"
	cp "$TOP/build/host/arm64/tool/hvbridge" "$root/bin/hvbridge"
	cp "$TOP/build/kmod/hvbridge.ko" "$root/lib/modules/"
	# hvisor-tool's two files as they are, and what they name.
	cp "$TOP/tests/zones/hvisor-tool-zone1_linux.json" \
		"$root/hvisor/zone1_linux.json"
	cp "$TOP/configs/hvisor-virtio_cfg.json" "$root/hvisor/virtio_cfg.json"
	cp "$guest/zone1-Image.initrd" "$root/hvisor/Image"
	cp "$guest/rootfs.ext4" "$root/hvisor/rootfs2.ext4"
	linux2_dtb "$root/hvisor/linux2.dtb" || return 1
	cat > "$root/init" <<'INIT'
#!/bin/busybox sh
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t devtmpfs dev /dev
$bb mount -t sysfs sys /sys
$bb mkdir -p /dev/pts /run
$bb mount -t devpts devpts /dev/pts
say() { echo "hvisor-linux: $*"; }
zstate() { hvbridge zone list | $bb awk -v id="$1" '$1 == id { print $3 }'; }
$bb insmod /lib/modules/hvbridge.ko && say "insmod ok"
cd /hvisor
# hvisor-tool's order: the daemon first, then the zone.
hvbridge daemon -c virtio_cfg.json > /daemon.log 2>&1 &
dpid=$!
i=0
until [ "$(zstate 1)" = stopped ] || [ $i -ge 150 ]; do
	$bb sleep 0.1; i=$((i + 1)); done
hvbridge zone shutdown -id 1; say "shutdown static zone1: exit $?"
# zone1's hvc0, the daemon's pty console, read from the start, once the
# daemon has made it.
i=0
until $bb grep -q "console on pty" /daemon.log || [ $i -ge 100 ]; do
	$bb sleep 0.1; i=$((i + 1)); done
hvbridge console 1 --read-only > /hvc0.log 2>&1 &
cpid=$!
hvbridge zone start zone1_linux.json; say "zone start: exit $?"
hvbridge zone list | $bb sed 's/^/hvisor-linux: list: /'
# zone1's rcS says "guest: hello from zone1 on hvc0" on its hvc0 once
# its root filesystem (the daemon's virtio-blk) is up.
i=0
until $bb grep -q "guest: hello from zone1 on hvc0" /hvc0.log || [ $i -ge 400 ]; do
	$bb sleep 1; i=$((i + 1))
	[ "$(zstate 1)" = running ] || break
done
say "zone1 after its boot: $(zstate 1), $i s"
$bb sed 's/^/hvisor-linux: hvc0: /' /hvc0.log
hvbridge stat | $bb sed 's/^/hvisor-linux: stat: /'
$bb kill $cpid
hvbridge zone shutdown -id 1; say "shutdown zone1: exit $?"
$bb kill -0 $dpid && say "daemon alive"
$bb kill $dpid; wait $dpid; say "daemon exit $?"
$bb sed 's/^/hvisor-linux: daemon: /' /daemon.log
say done
$bb poweroff -f
INIT
	chmod +x "$root/init"
	pack_root "$root"
}

if ! prep > "$work/prep.log" 2>&1; then
	{ echo "preparing failed:"; cat "$work/prep.log"; } > "$work/$n.why"
else
	tmo=$((tmo * 30))	# two Linux boots under TCG (33 s here, alone)
	ld="-device loader,force-raw=on"
	boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: root: SYSTEM_OFF" \
		"-smp 4 $ld,addr=0x40200000,file=$arm64/Image
		 $ld,addr=0x48000000,file=$work/root.dtb
		 $ld,addr=0x49000000,file=$work/initramfs.cpio.gz"
	want $n "hvisor-linux: insmod ok" \
		"hvisor-linux: shutdown static zone1: exit 0" \
		"hvbridge-hyp: zone linux2 created (id 1) by the root zone: CPUs 0xc, entry IPA 0x50400000" \
		"hvisor-linux: zone start: exit 0" \
		"[linux2] guest-initramfs: mounted /dev/vda (ext4, rw)" \
		"[linux2] guest: hvc0: present" \
		"hvisor-linux: daemon: hvbridge: serving /dev/hvbridge (kmod, 4 CPUs, epoch 1): 2 devices from virtio_cfg.json" \
		"hvisor-linux: hvc0: guest: hello from zone1 on hvc0" \
		"hvisor-linux: shutdown zone1: exit 0" \
		"hvisor-linux: daemon alive" \
		"hvisor-linux: daemon exit 0" \
		"hvisor-linux: done" \
		"hvbridge-hyp: root: SYSTEM_OFF"
	# Both CPUs and the 768 MiB (less the kernel's own reservations).
	grep -qE "^\[linux2\] guest: rootfs up: .* on 2 CPUs, 7[0-9][0-9](\.[0-9]+)? MiB" \
		"$work/$n.log.txt" ||
		echo "no 'rootfs up' line of zone1 with 2 CPUs and 700-799 MiB" >> "$work/$n.why"
	grep -qE "^hvisor-linux: list: 1 +linux2 +running +2-3 +[0-9-]+ +768 MiB in 1 window" \
		"$work/$n.log.txt" ||
		echo "no 768 MiB linux2 line on CPUs 2-3 in 'hvbridge zone list'" >> "$work/$n.why"
	never $n "Kernel panic" "Internal error" "Unable to handle" \
		"I/O error" "hung_task" "hvisor-linux: daemon: hvbridge: error"
fi
result $n
echo "hvisor-linux: $pass passed, $fail failed"
[ "$fail" = 0 ]
