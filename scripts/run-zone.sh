#!/bin/bash
# SPDX-License-Identifier: MIT
# run-zone.sh CONFIG [VIRTIO]: `make run-zone CONFIG=zone.json
# [VIRTIO=virtio_cfg.json]` (docs/run.md).  Boots the hypervisor and the
# root zone's Linux under QEMU (-smp 4: the root zone on CPUs 0-1, CPUs
# 2-3 free for guest zones), loads hvbridge.ko, starts the daemon with
# VIRTIO if given (its transport must be kmod), starts the zone from
# CONFIG, hvisor-tool's zone JSON, with the kernel and DTB files it
# names (kernel_filepath, dtb_filepath: relative to CONFIG's directory)
# taken from this machine, and shows the whole serial console: the
# hypervisor, the root zone and the zone's console lines ("[NAME] ...").
# When the zone has stopped (it powered itself off with PSCI SYSTEM_OFF)
# the root zone powers off.  Exit 0 if the zone powered itself off
# cleanly, 1 if not (refused, or never did), 124 if nothing ended in
# RUN_ZONE_TIMEOUT seconds (default 300).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cfg=${1:-}
virtio=${2:-}
tmo=${RUN_ZONE_TIMEOUT:-300}
work=$TOP/build/run-zone
arm64=$TOP/build/arm64
die() { echo "run-zone: error: $*" >&2; exit 1; }

# Without CONFIG: the bare-metal example, configs/examples/hello-off.*,
# built into build/examples.
if [ -z "$cfg" ]; then
	ex=$TOP/build/examples
	mkdir -p "$ex"
	aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40000000 \
		-Wl,--build-id=none -o "$ex/hello-off.elf" \
		"$TOP/configs/examples/hello-off.S" &&
	aarch64-linux-gnu-objcopy -O binary -j .text "$ex/hello-off.elf" \
		"$ex/hello-off.bin" &&
	dtc -q -O dtb -o "$ex/hello-off.dtb" \
		"$TOP/configs/examples/hello-off.dts" &&
	cp "$TOP/configs/examples/hello-off.json" "$ex/" ||
		die "building the example zone failed"
	cfg=$ex/hello-off.json
fi
[ -r "$cfg" ] || die "$cfg: cannot read it"
[ -z "$virtio" ] || [ -r "$virtio" ] || die "$virtio: cannot read it"
[ -f "$arm64/Image" ] && [ -f "$arm64/busybox" ] ||
	die "no Debian arm64 kernel in $arm64 (scripts/fetch-arm64.sh)"
# The files the zone config names, and its name, from the JSON itself.
read -r name kernel dtb < <(python3 - "$cfg" <<'PY'
import json, os, sys
c = json.load(open(sys.argv[1]))
d = os.path.dirname(os.path.abspath(sys.argv[1]))
f = lambda k: os.path.join(d, c[k]) if c.get(k) else "-"
print(c.get("name", "zone"), f("kernel_filepath"), f("dtb_filepath"))
PY
) || die "$cfg: not a JSON zone config"
for f in "$kernel" "$dtb"; do
	[ "$f" = - ] || [ -r "$f" ] || die "$cfg names $f, which cannot be read"
done

make -s --no-print-directory -C "$TOP/hyp" image &&
make -s --no-print-directory -C "$TOP/kmod" &&
make -s --no-print-directory -C "$TOP/tool" arm64 &&
"$TOP/tests/e2e/mkroot.sh" "$work/root" "$arm64/busybox" > "$work.mkroot" 2>&1 ||
	die "building the root zone failed (see $work.mkroot)"
root=$work/initramfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" \
	"$root/dev" "$root/run" "$root/etc/hvbridge" "$root/etc/zone"
cp "$arm64/busybox" "$root/bin/busybox"
cp "$TOP/build/host/arm64/tool/hvbridge" "$root/bin/hvbridge"
cp "$TOP/build/kmod/hvbridge.ko" "$root/lib/modules/"
# The JSON names its files relative to itself or absolutely: the copy
# names them by their base names, beside it.
python3 - "$cfg" "$root/etc/zone/zone.json" <<'PY' || die "$cfg: cannot rewrite it"
import json, os, sys
c = json.load(open(sys.argv[1]))
for k in ("kernel_filepath", "dtb_filepath"):
    if c.get(k):
        c[k] = os.path.basename(c[k])
json.dump(c, open(sys.argv[2], "w"), indent=4)
PY
# The JSON names its files relative to itself: keep their base names.
for f in "$kernel" "$dtb"; do
	[ "$f" = - ] || cp "$f" "$root/etc/zone/"
done
[ -z "$virtio" ] || cp "$virtio" "$root/etc/hvbridge/virtio.json"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t devtmpfs dev /dev
$bb mount -t sysfs sys /sys
$bb mount -t tmpfs run /run
say() { echo "run-zone: $*"; }
$bb insmod /lib/modules/hvbridge.ko || say "insmod failed"
if [ -f /etc/hvbridge/virtio.json ]; then
	hvbridge daemon -c /etc/hvbridge/virtio.json &
	dpid=$!
	t=0
	until $bb ls /run/hvbridge/*.pid > /dev/null 2>&1 || [ $t -ge 100 ]; do
		$bb sleep 0.1; t=$((t + 1)); done
fi
cd /etc/zone
if hvbridge zone start zone.json; then
	id=$(hvbridge zone list | $bb awk -v n="$ZONE_NAME" '$2 == n { print $1 }')
	say "zone $id started; waiting for it to power itself off"
	until [ "$(hvbridge zone list | $bb awk -v i="$id" '$1 == i { print $3 }')" = stopped ]; do
		$bb sleep 0.2; done
	say "zone $id stopped"
	hvbridge zone shutdown --id "$id"
else
	say "zone start refused"
fi
if [ -n "${dpid:-}" ]; then
	$bb kill "$dpid"; wait "$dpid"; say "daemon exit $?"
fi
$bb poweroff -f
INIT
sed -i "s/\$ZONE_NAME/$name/" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$work/initramfs.cpio.gz"
cp "$work/root/root.dtb" "$work/root.dtb"
size=$(stat -c %s "$work/initramfs.cpio.gz")
fdtput -t x "$work/root.dtb" /chosen linux,initrd-end \
	"$(printf '0x%x' $((0x49000000 + size)))"

log=$work/serial.log
ld="-device loader,force-raw=on"
echo "run-zone: $cfg${virtio:+ with $virtio}; the serial console follows (log: $log)"
timeout "$tmo" qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 \
	-cpu cortex-a57 -smp 4 -m 2G -nographic -nic none \
	-kernel "$TOP/build/host/arm64/hyp/hvbridge-hyp.elf" \
	$ld,addr=0x40200000,file="$arm64/Image" \
	$ld,addr=0x48000000,file="$work/root.dtb" \
	$ld,addr=0x49000000,file="$work/initramfs.cpio.gz" < /dev/null |
	tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" = 124 ]; then
	echo "run-zone: nothing ended in $tmo s"; exit 124
fi
if grep -qF "hvbridge-hyp: $name: SYSTEM_OFF from CPU" "$log" &&
   grep -qE "^run-zone: zone [0-9]+ stopped" "$log"; then
	echo "run-zone: OK: $name powered itself off"
	exit 0
fi
echo "run-zone: FAIL: $name did not power itself off (see $log)"
exit 1
