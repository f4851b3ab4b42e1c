#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the zone1 torture image (tests/guest) under the EL2
# hypervisor with the real daemon serving the channel (its host
# transport on QEMU's RAM file), alone and next to the root zone's
# Linux; and the build's writeback check with its by-name exclusions.
#
# guest.sh IMAGE_DIR GUEST_ELF GUEST_BIN WORK_DIR
# The expected PASS lines come from the image's own case table (each
# case's name and flags, read from the ELF), not from its output: a case
# that never runs or never prints is a miss, and a miss prints the log.
set -u
img=$1
gelf=$2
gbin=$3
work=$4
tmo=${E2E_TIMEOUT:-20}
here=$(dirname "$0")
check=$here/../../hyp/arch/arm64/check-mmio.sh
allow=$here/../guest/writeback.allow
mkdir -p "$work"
pass=0
fail=0

# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"

# guest_expect ELF: one "PASS window/name" line per case and window, from
# .gcase_table (name, function, flags: 1 = each window, 2 = once).
guest_expect() {
	aarch64-linux-gnu-objcopy -O binary -j .gcase_table "$1" \
		"$work/gcase.bin" || return 1
	aarch64-linux-gnu-nm "$1" | awk '$3 ~ /^gcase_/ {
		a = $1; sub(/^0+/, "", a); print a, substr($3, 7) }' \
		> "$work/gcase.syms"
	od -An -v -tx8 "$work/gcase.bin" | tr -s ' ' '\n' | sed '/^$/d' |
		sed 's/^0*//' | awk -v syms="$work/gcase.syms" '
		BEGIN { while ((getline l < syms) > 0) {
				split(l, f, " "); name[f[1]] = f[2] } }
		{ v[NR % 3] = $0 }
		NR % 3 == 0 {
			fn = v[2]; flags = v[0] + 0
			if (!(fn in name)) { print "BAD " fn; next }
			if (flags % 2) {
				print "PASS hyp/" name[fn]
				print "PASS chan/" name[fn]
			} else {
				print "PASS zone/" name[fn]
			}
		}'
}

# 1. Every case against both windows, through the hypervisor's decode
# and, for "chan", the channel and the daemon; aborts for what must not
# be emulated; the guest's summary and exit code.
n=guest-torture
log_of=$n
hvb=${E2E_HVBRIDGE:-}
rm -f "$work/$n.why" "$work/$n.log.txt"
if [ ! -x "$hvb" ] || [ ! -f "$gbin" ] || [ ! -f "$img/hvbridge-hyp.elf" ]; then
	echo "missing $hvb, $gbin or $img/hvbridge-hyp.elf (make)" > "$work/$n.why"
elif ! guest_expect "$gelf" > "$work/$n.expect" ||
     grep -q '^BAD' "$work/$n.expect" || [ ! -s "$work/$n.expect" ]; then
	{ echo "cannot read the case table of $gelf:"
	  cat "$work/$n.expect"; } > "$work/$n.why"
else
	rm -f "$ram"
	truncate -s 2G "$ram"
	: > "$work/$n.log"
	start_daemon_host $n
	boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: all zones exited" \
		"$QEMU_SHARED_RAM -device loader,file=$gbin,addr=0x50000000,force-raw=on"
	kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	total=$(wc -l < "$work/$n.expect")
	while IFS= read -r l; do
		grep -qxF -- "[zone1] $l" "$work/$n.log.txt" ||
			echo "missing: $l" >> "$work/$n.why"
	done < "$work/$n.expect"
	want $n "hvbridge-hyp: zone1: image loaded at PA 0x50000000, entry IPA 0x40000000" \
		"[zone1] guest: torture image, EL1 MMU and caches on, $total cases" \
		"[zone1] guest: $total passed, 0 failed" \
		"hvbridge-hyp: zone1: exit, code 0" \
		"hvbridge-hyp: zone1: MMIO at IPA 0xb000040 " \
		": unsupported instruction: data abort injected" \
		"hvbridge-hyp: zone1: MMIO at IPA 0xbfc00000 " \
		"[zone1] guest: data abort: EC 0x25 ISS 0x10 FAR 0x48000000 ELR 0x"
	never $n "FAIL " "unexpected exception" "zone2" "***"
	grep -qF "testdev at zone 1 0xb000000" "$work/$n.daemon" ||
		echo "daemon: missing: testdev at zone 1 0xb000000" >> "$work/$n.why"
	if [ -s "$work/$n.why" ]; then
		{ echo "--- daemon ---"; cat "$work/$n.daemon"; } >> "$work/$n.why"
	fi
fi
result $n

# 2. The same next to the root zone's Linux (-smp 3: zone1 on CPU 2),
# with the daemon: the image path of the root-zone config, and Linux
# still boots and powers off while zone1 runs.
n=guest-torture-root
log_of=$n
kernel=${E2E_ARM64:-}/Image
if [ ! -f "$kernel" ] || [ ! -f "${E2E_ARM64:-}/busybox" ]; then
	echo "SKIP $n (no $kernel: run scripts/fetch-arm64.sh)"
elif [ -s "$work/guest-torture.why" ]; then
	echo "SKIP $n (guest-torture failed)"
else
	rm -f "$work/$n.why" "$work/$n.log.txt"
	rootd=$work/root
	if ! "$here/mkroot.sh" "$rootd" "$E2E_ARM64/busybox" \
			> "$work/$n.mkroot" 2>&1; then
		{ echo "mkroot.sh failed:"; cat "$work/$n.mkroot"; } > "$work/$n.why"
	else
		rm -f "$ram"
		truncate -s 2G "$ram"
		: > "$work/$n.log"
		start_daemon_host $n
		ld="-device loader,force-raw=on"
		tmo_saved=$tmo
		tmo=$((tmo * 6))	# a kernel boot under TCG, on a machine maybe busy
		boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: root: SYSTEM_OFF" \
			"-smp 3 $QEMU_SHARED_RAM $ld,addr=0x40200000,file=$kernel
			 $ld,addr=0x48000000,file=$rootd/root.dtb
			 $ld,addr=0x49000000,file=$rootd/initramfs.cpio.gz
			 $ld,addr=0x50000000,file=$gbin"
		tmo=$tmo_saved
		kill "$dpid" 2>/dev/null
		wait "$dpid" 2>/dev/null
		want $n "hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU 2" \
			"[zone1] guest: $total passed, 0 failed" \
			"hvbridge-hyp: zone1: exit, code 0" \
			"root zone: init running, 2 CPU(s), aarch64" \
			"hvbridge-hyp: root: SYSTEM_OFF"
		never $n "FAIL " "unexpected exception" "Kernel panic" "***"
	fi
	result $n
fi

rm -f "$ram"

# 3. The writeback check's exclusions are by exact name: the torture
# image passes with writeback.allow, fails without it; in a sample with
# a writeback site in an excluded and in another function, the other
# one still fails; a name that is not in the ELF fails.
n=mmio-writeback-allow
rm -f "$work/$n.why"
allow_args=$(sed -n 's/^\([^#].*\)/-a \1/p' "$allow")
# shellcheck disable=SC2086
"$check" $allow_args "$gelf" > "$work/$n.out" 2>&1 ||
	{ echo "the torture image failed with writeback.allow:"
	  cat "$work/$n.out"; } >> "$work/$n.why"
if "$check" "$gelf" > "$work/$n.out" 2>&1; then
	echo "the torture image passed without its exclusions" >> "$work/$n.why"
elif ! grep -q "writeback MMIO access in gcase_wb_str_w9_x0_post4: .*str	w9, \[x0\], #4" \
		"$work/$n.out"; then
	{ echo "no report of str w9, [x0], #4:"; cat "$work/$n.out"; } \
		>> "$work/$n.why"
fi
printf '%s\n' '	.text' '	.globl _start' '_start:' \
	'	.type gcase_wb_ok, %function' 'gcase_wb_ok:' \
	'1:	str w0, [x1], #4' '	ret' \
	'	.type other_accessor, %function' 'other_accessor:' \
	'2:	ldr x0, [x1, #8]!' '	ret' \
	'	.pushsection .hyp_mmio_sites, "a"' '	.balign 8' \
	'	.quad 1b' '	.quad 2b' '	.popsection' > "$work/$n.S"
if ! aarch64-linux-gnu-as -o "$work/$n.o" "$work/$n.S" ||
   ! aarch64-linux-gnu-ld -o "$work/$n.elf" "$work/$n.o"; then
	echo "cannot build the sample" >> "$work/$n.why"
else
	if "$check" -a gcase_wb_ok "$work/$n.elf" > "$work/$n.out" 2>&1; then
		echo "an unexcluded writeback accessor passed" >> "$work/$n.why"
	elif ! grep -q "in other_accessor:" "$work/$n.out" ||
	     grep -q "in gcase_wb_ok:" "$work/$n.out"; then
		{ echo "wrong report:"; cat "$work/$n.out"; } >> "$work/$n.why"
	fi
	"$check" -a gcase_wb_ok -a other_accessor "$work/$n.elf" \
		> "$work/$n.out" 2>&1 ||
		{ echo "both excluded, still failed:"; cat "$work/$n.out"; } \
			>> "$work/$n.why"
	if "$check" -a gcase_wb_ok -a other_accessor -a no_such_case \
			"$work/$n.elf" > "$work/$n.out" 2>&1; then
		echo "a stale exclusion passed" >> "$work/$n.why"
	fi
fi
result $n

echo "e2e-guest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
