#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the root zone as users run it: Debian's arm64 kernel with
# the initramfs of scripts/mkinitramfs.sh (hvbridge.ko, the static arm64
# daemon on the kmod transport) serving zone1 through the channel; and
# the kmod transport's refusals on the build machine.
#
# root.sh IMAGE_DIR WORK_DIR
# Environment: E2E_ARM64 (build/arm64: Image, busybox), E2E_HVBRIDGE (the
# host daemon), E2E_HVBRIDGE_ARM64 (the static arm64 one), E2E_GUEST_BIN
# (zone1's torture image, started from E2E_ZONE_JSON, default
# tests/zones/zone1-torture.json; without it zone1 runs only the
# hypervisor's built-in guest), E2E_KMOD (hvbridge.ko; empty: none was
# built), E2E_TIMEOUT.
set -u
img=$1
work=$2
tmo=${E2E_TIMEOUT:-20}
here=$(dirname "$0")
top=$(cd "$here/../.." && pwd)
mkdir -p "$work"
pass=0
fail=0

. "$here/lib.sh"

hvb=${E2E_HVBRIDGE:-}
hvb64=${E2E_HVBRIDGE_ARM64:-}
arm64=${E2E_ARM64:-}
gbin=${E2E_GUEST_BIN:-}
ko=${E2E_KMOD:-}

# 1. The kmod transport on a machine without hvbridge.ko: each way of
# failing to open the device exits 1 with its reason, before serving.
n=kmod-host-errors
rm -f "$work/$n.why"
if [ ! -x "$hvb" ]; then
	echo "no $hvb (make tool)" > "$work/$n.why"
else
	: > "$work/$n.notdev"
	chmod 000 "$work/$n.notdev"
	cat > "$work/$n.json" <<-EOF
	{
		"version": 1,
		"transport": { "type": "kmod", "region": "$work/$n.none" },
		"zones": [ { "id": 1, "devices": [
			{ "type": "testdev", "base": "0x0b000000" } ] } ]
	}
	EOF
	rm -f "$work/$n.none"
	# as:args:message
	while IFS=: read -r as args msg; do
		case $as in
		root) run= ;;
		nobody)
			# Root reads any file: it becomes nobody; anyone
			# else cannot read a mode 000 file as it is.
			run=
			[ "$(id -u)" != 0 ] ||
				run="setpriv --reuid=65534 --regid=65534 --clear-groups"
			;;
		esac
		# shellcheck disable=SC2086
		timeout 5 $run "$hvb" daemon $args > "$work/$n.out" 2>&1
		rc=$?
		[ $rc -eq 1 ] || echo "$args: exit $rc, not 1" >> "$work/$n.why"
		grep -qF -- "$msg" "$work/$n.out" ||
			{ echo "$args: no \"$msg\" in:"; cat "$work/$n.out"; } \
				>> "$work/$n.why"
		! grep -qF "serving" "$work/$n.out" ||
			echo "$args: served anyway" >> "$work/$n.why"
	done <<-EOF
	root:--transport kmod --region $work/$n.none:cannot open $work/$n.none: no such device: is hvbridge.ko loaded (insmod hvbridge.ko)?
	root:-c $work/$n.json:cannot open $work/$n.none: no such device: is hvbridge.ko loaded
	root:--transport kmod --region /dev/null:/dev/null: HVB_IOC_INFO failed: Inappropriate ioctl for device (not hvbridge.ko's device?)
	nobody:--transport kmod --region $work/$n.notdev:cannot open $work/$n.notdev: permission denied: the daemon must run as root
	EOF
fi
result $n

# 2. The arm64 daemon is one static aarch64 program (the initramfs has no
# C library) and, where qemu-aarch64 (user mode) is installed, runs: it
# reads the root zone's config and knows the kmod transport.
n=arm64-daemon
rm -f "$work/$n.why"
if [ ! -x "$hvb64" ]; then
	echo "no $hvb64 (make -C tool arm64)" > "$work/$n.why"
else
	kind=$(file -b "$hvb64")
	case $kind in
	*ELF\ 64-bit\ LSB*ARM\ aarch64*statically\ linked*) ;;
	*) echo "not a static aarch64 ELF: $kind" >> "$work/$n.why" ;;
	esac
	if command -v qemu-aarch64 >/dev/null; then
		timeout 20 qemu-aarch64 "$hvb64" config-check \
			-c "$top/configs/zone1-root.json" > "$work/$n.out" 2>&1 ||
			echo "config-check failed" >> "$work/$n.why"
		for l in "transport: kmod, region /dev/hvbridge" \
			 "ipa 0x40000000-0x401fffff <- phys 0x50000000 (2 MiB)" \
			 "1    0xb000000          0x10000  0    testdev"; do
			grep -qF -- "$l" "$work/$n.out" ||
				echo "config-check: missing: $l" >> "$work/$n.why"
		done
		[ ! -s "$work/$n.why" ] ||
			cat "$work/$n.out" >> "$work/$n.why"
	else
		echo "  (qemu-aarch64 not installed: the program was not run)"
	fi
fi
result $n

# boot_root_start NAME ELF QEMU_ARGS: as lib.sh's boot, with the serial
# port's input a FIFO ($work/NAME.in, written through fd 7), so the test
# can type on the root zone's console; the log is $work/NAME.log.
boot_root_start() {
	log=$work/$1.log
	: > "$log"
	rm -f "$work/$1.in"
	mkfifo "$work/$1.in"
	# Read-write: opening never blocks, and QEMU never sees EOF.
	exec 7<> "$work/$1.in"
	# shellcheck disable=SC2086
	timeout $((tmo + 5)) $QEMU -smp 3 $3 -kernel "$2" -serial stdio \
		< "$work/$1.in" > "$log" 2> "$work/$1.qemu" &
	qpid=$!
}

# wait_line NAME PATTERN: until a line matches PATTERN (grep -E) in the log, QEMU exits or the
# watchdog ($tmo s from the boot) fires; 1 and a reason if not.
wait_line() {
	while ! grep -qE -e "$2" "$work/$1.log" 2>/dev/null; do
		if [ "$(date +%s)" -ge $((t0 + tmo)) ]; then
			{ echo "e2e: $1: watchdog: no \"$2\" after ${tmo}s"
			  last_steps "$work/$1.log"; } >> "$work/$1.why"
			return 1
		fi
		if ! kill -0 "$qpid" 2>/dev/null; then
			# It may have printed the line just before it exited
			# (SYSTEM_OFF does exactly that): look once more.
			! grep -qE -e "$2" "$work/$1.log" 2>/dev/null ||
				return 0
			{ echo "e2e: $1: QEMU exited before \"$2\""
			  last_steps "$work/$1.log"; } >> "$work/$1.why"
			return 1
		fi
		sleep 0.1
	done
}

boot_root_end() {
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	exec 7>&-
	rm -f "$work/$1.in"
	awk -f "$HVB_UNTANGLE" "$work/$1.log" > "$work/$1.log.txt"
}

# 3. The root zone boots with the initramfs, loads hvbridge.ko (/dev/
# hvbridge appears, root only), starts the daemon on the kmod transport
# (a second one is refused as busy), which attaches and serves zone1's
# test-device accesses through the channel, sleeping in poll() and
# woken by the wake SPI through the module.  zone1 on CPU 2: the static
# zone1's built-in guest, which ran at the hypervisor's boot before any
# daemon, runs once more under it (`hvbridge zone start 1`); then the
# root zone shuts it down and starts zone1 as users start zones, from
# hvisor-tool's zone config: `hvbridge zone start zone1-torture.json`
# (tests/zones/), whose kernel is the torture image.  Once zone1 is done
# the test types "stop": the daemon stops with its summary, restarts
# (it attaches again, epoch 2) and stops again, the zone is shut down,
# the module unloads and the root zone powers off through the
# hypervisor.  Without hvbridge.ko (kmod/ not built) only the boot, the
# message that it is missing and the power-off are checked, and the
# case says SKIP for the rest.
n=root-daemon
log_of=$n
rm -f "$work/$n.why" "$work/$n.log.txt"
if [ ! -f "$arm64/Image" ] || [ ! -x "$arm64/busybox" ]; then
	echo "SKIP $n (no $arm64/Image: run scripts/fetch-arm64.sh)"
elif [ ! -x "$hvb64" ] || [ ! -f "$img/hvbridge-hyp.elf" ]; then
	echo "missing $hvb64 or $img/hvbridge-hyp.elf (make)" > "$work/$n.why"
	result $n
else
	rootd=$work/root
	zjson=${E2E_ZONE_JSON:-$top/tests/zones/zone1-torture.json}
	zcfg=
	[ ! -f "$gbin" ] || zcfg="--zone $zjson --zone-file $gbin"
	# shellcheck disable=SC2086
	if ! "$top/scripts/mkinitramfs.sh" -o "$rootd" --dtb --mode test \
			--busybox "$arm64/busybox" --daemon "$hvb64" \
			${ko:+--kmod "$ko"} $zcfg > "$work/$n.mkinitramfs" 2>&1; then
		{ echo "mkinitramfs.sh failed:"; cat "$work/$n.mkinitramfs"; } \
			> "$work/$n.why"
	else
		ld="-device loader,force-raw=on"
		# Nothing at zone1's RAM: the hypervisor starts the static
		# zone1 with its built-in guest; the root zone starts the
		# torture image itself (hvbridge zone start).
		args="$ld,addr=0x40200000,file=$arm64/Image
		      $ld,addr=0x48000000,file=$rootd/root.dtb
		      $ld,addr=0x49000000,file=$rootd/initramfs.cpio.gz"
		if [ -f "$gbin" ]; then
			zone1_sum='^\[zone1\] guest: [0-9]+ passed, [0-9]+ failed'
		else
			zone1_sum='^\[zone1\] guest: 0x0*28 checks, '
		fi
		# A zone start that failed: no summary will come.
		zone1_sum="$zone1_sum|^hvbridge-root: zone start .* exited [1-9]"
		tmo_saved=$tmo
		tmo=$((tmo * 6))	# a kernel boot under TCG, on a machine maybe busy
		t0=$(date +%s)
		boot_root_start $n "$img/hvbridge-hyp.elf" "$args"
		# zone1's summary line, then the root zone's prompt for it.
		if wait_line $n "$zone1_sum" &&
		   wait_line $n "hvbridge-root: waiting for 'stop'"; then
			echo stop >&7
			wait_line $n "hvbridge-hyp: root: SYSTEM_OFF"
		fi
		boot_root_end $n
		tmo=$tmo_saved
		want $n "hvbridge-hyp: root: entering EL1 at IPA 0x40200000 on CPU 0" \
			"hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU 2" \
			"hvbridge-root: init, 2 CPUs, aarch64, kernel " \
			"hvbridge-root: powering off" \
			"hvbridge-hyp: root: SYSTEM_OFF"
		never $n "Kernel panic" "Internal error" "Unable to handle" \
			"***" "hvbridge-root: no 'stop'" "hvbridge-hyp: root: MMIO"
		if [ -z "$ko" ]; then
			want $n "hvbridge-root: no hvbridge.ko in this initramfs"
			echo "SKIP $n: the daemon part (no hvbridge.ko: kmod/ not built)"
		else
			want $n "hvbridge-root: hvbridge.ko loaded" \
				"hvbridge-root: /dev/hvbridge: crw------- root" \
				"hvbridge: serving /dev/hvbridge (kmod, " \
				"1 device from /etc/hvbridge/zone1.json, sleeps when idle" \
				"hvbridge-root: daemon serving (pid " \
				"hvbridge: error: cannot open /dev/hvbridge: busy: another daemon has it open (one daemon at a time)" \
				"hvbridge-root: a second daemon exited with status 1" \
				"hvbridge: stopped after " \
				"hvbridge-root: daemon exited, status 0" \
				"hvbridge-root: daemon stopped" \
				"epoch 2): 1 device from /etc/hvbridge/zone1.json" \
				"hvbridge-root: hvbridge.ko unloaded"
			never $n "FAIL "
			# The first daemon served zone1, slept in poll() and
			# was woken by the wake SPI through the module.
			sum=$(grep -m1 -F "hvbridge: stopped after" \
				"$work/$n.log.txt")
			case $sum in
			*" served 0 requests"* | *" 0 wake-ups"*)
				echo "the daemon served nothing or was never woken: $sum" \
					>> "$work/$n.why" ;;
			esac
			# zone1 tries the channel until the daemon answers: its
			# first accesses time out (one may still be waiting when
			# the daemon starts), none once the daemon has answered.
			sed -En '/^\[zone1\] (PASS chan\/|guest: channel: the daemon answered)/,$p' \
				"$work/$n.log.txt" | grep -F "daemon timeout" |
				sed 's/^/after the daemon answered: /' \
				>> "$work/$n.why"
			# The static zone1's built-in guest, run again under
			# the daemon: both channel reads answered, the posted
			# kick delivered, every check passed.
			want $n "hvbridge-root: zone start 1 (the static zone1, under the daemon) exited 0" \
				"[zone1] guest: channel: the daemon answered" \
				"[zone1] guest: channel: posted kick delivered" \
				"[zone1] guest: 0x0000000000000028 checks, 0x0000000000000000 failed"
			! grep -qE "hvbridge-hyp: zone1: exit, code [1-9]" \
				"$work/$n.log.txt" ||
				echo "zone1 exited with failures" >> "$work/$n.why"
			if [ -f "$gbin" ]; then
				# The torture image in a zone the root zone
				# created from its config, as users start zones:
				# the CLI's and the hypervisor's word for it, and
				# the image entered by the boot protocol.
				want $n "hvbridge-root: the static zone1 shut down: exit 0" \
					"hvbridge-hyp: zone1: zone removed (id 1)" \
					"hvbridge-hyp: zone zone1 created (id 1) by the root zone: CPUs 0x4, entry IPA 0x40000000" \
					"zone 1 (zone1): started on CPU 2 at 0x40000000" \
					"hvbridge-root: zone start ${zjson##*/} exited 0" \
					"[zone1] guest: entered by the boot protocol (x2 = 0): no in-hypervisor window, the channel's at 0xb000000" \
					"hvbridge-root: zone1 from ${zjson##*/}: stopped" \
					"hvbridge-root: zone1 of ${zjson##*/} shut down: exit 0"
				# A refusal names the field (docs/zones.md).
				grep -F "hvbridge: error: ${zjson##*/}" \
					"$work/$n.log.txt" |
					sed 's/^/zone start said: /' >> "$work/$n.why"
				# Every case the image announced ran and passed:
				# a zone1 that ran none would say "0 passed".
				cases=$(sed -En 's/^\[zone1\] guest: torture image, .*, ([0-9]+) cases$/\1/p' \
					"$work/$n.log.txt" | head -n 1)
				if [ "${cases:-0}" -gt 0 ]; then
					want $n "[zone1] guest: $cases passed, 0 failed"
				else
					echo "no zone1 torture header with its case count" \
						>> "$work/$n.why"
				fi
				# ... and ran in the created zone, not before it;
				# its exit is the third of zone1's (boot, again,
				# this one), clean as the others.
				awk '/^hvbridge-hyp: zone zone1 created \(id 1\) by the root zone/ { c = NR }
				     /^\[zone1\] guest: torture image, / { t = NR }
				     END { exit !(c && t > c) }' "$work/$n.log.txt" ||
					echo "zone1's torture image did not run in the zone created from ${zjson##*/}" \
						>> "$work/$n.why"
				ex=$(grep -cF "hvbridge-hyp: zone1: exit, code 0" \
					"$work/$n.log.txt")
				[ "$ex" -ge 3 ] ||
					echo "zone1 exited cleanly $ex times, not 3 (boot, zone start 1, ${zjson##*/})" \
						>> "$work/$n.why"
				# Its only test device is the daemon's, through the
				# channel: every chan/ case answered by the root
				# zone's daemon, which reset the zone's device when
				# it stopped (the daemon knew the created zone).
				want $n "[zone1] guest: chan: the daemon answered after "
				awk '/^hvbridge-hyp: zone zone1 created \(id 1\) by the root zone/ { c = NR }
				     c && /^hvbridge: .*zone 1 stopped \(generation [0-9]+\): its 1 device reset/ { d = NR }
				     END { exit !d }' "$work/$n.log.txt" ||
					echo "the daemon did not see zone1 of ${zjson##*/} stop (no device reset after it was created)" \
						>> "$work/$n.why"
				! grep -qF "window not served" \
					"$work/$n.log.txt" ||
					echo "zone1: the channel window was not served" \
						>> "$work/$n.why"
			fi
		fi
	fi
	result $n
fi

echo "e2e-root: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
