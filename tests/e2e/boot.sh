#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: boot the EL2 images under QEMU and check their serial logs.
#
# boot.sh IMAGE_DIR WORK_DIR
# Each case boots one image with a watchdog (E2E_TIMEOUT seconds), waits
# for its last expected line, then checks that every expected line is in
# the log and no forbidden one is.  A miss prints the whole log.
set -u
img=$1
work=$2
tmo=${E2E_TIMEOUT:-20}
here=$(dirname "$0")
mkdir -p "$work"
pass=0
fail=0

. "$here/lib.sh"

# 1. A clean boot: EL2, MMU on, vectors installed, PSCI; two zones, each
# under its own stage 2 and VMID, run on CPU 0 and on CPU 1 (started by
# PSCI CPU_ON) at the same time, and both exit.
n=boot
log_of=boot
if case_start $n "$img/hvbridge-hyp.elf"; then
	rm -f "$ram"
	truncate -s 2G "$ram"
	boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: all zones exited" \
		"$QEMU_SHARED_RAM"
	want $n "hvbridge-hyp: EL2 reached on CPU 0, CurrentEL 2" \
		"hvbridge-hyp: DTB at 0x40000000" \
		"hvbridge-hyp: MMU on: SCTLR_EL2 0x30cd183d" \
		"hvbridge-hyp: vectors installed, VBAR_EL2 0x" \
		"hvbridge-hyp: PSCI 1." \
		"hvbridge-hyp: 2 of 2 zones created" \
		"hvbridge-hyp: CPU 1 online, MMU on" \
		"hvbridge-hyp: zone1: stage 2 on: VMID 1, VTTBR_EL2 0x1" \
		"hvbridge-hyp: zone2: stage 2 on: VMID 2, VTTBR_EL2 0x2" \
		"hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU 1" \
		"hvbridge-hyp: zone2: entering EL1 at IPA 0x40000000 on CPU 0" \
		"[zone1] guest: hello from EL1" \
		"[zone2] guest: hello from EL1" \
		"hvbridge-hyp: zone1: exit, code " \
		"hvbridge-hyp: zone2: exit, code " \
		"hvbridge-hyp: all zones exited"
	never $n "***" "FAILED" "stopped" "unexpected exception" \
		"CPU_ON failed"
fi
result $n

# 2. The guests check MMIO emulation in that same boot: syndrome (ISV=1)
# accesses, the ISV=0 writeback and pair forms decoded from the
# instruction, SP as a base, sign extension; aborts injected (not a stop)
# for an access outside every window, a device error and RAM beyond the
# zone's own; the emulated UART; PSCI over SMC; an unknown HVC.  Each
# guest counts its failed checks; the hypervisor's trace shows the decode.
n=zone-mmio
rm -f "$work/$n.why"
if [ -f "$work/boot.log.txt" ]; then
	want $n "hvbridge-hyp: zone1: MMIO write IPA 0xb100010 size 4 x3 = 0x12345678 [ISV 1 SAS 2 SSE 0 SRT 3 SF 0 AR 0 WnR 1]" \
		"hvbridge-hyp: zone1: MMIO write IPA 0xb100018 size 8 x31 = 0x0 [ISV 1 SAS 3 SSE 0 SRT 31 SF 1 AR 0 WnR 1]" \
		"hvbridge-hyp: zone1: MMIO read IPA 0xb10f000 size 8 x4 <- 0x1544256485648 [ISV 1 SAS 3 SSE 0 SRT 4 SF 1 AR 0 WnR 0]" \
		"hvbridge-hyp: zone1: MMIO read IPA 0xb100020 size 1 x4 <- 0xffffff80 [ISV 1 SAS 0 SSE 1 SRT 4 SF 0 AR 0 WnR 0]" \
		"hvbridge-hyp: zone1: MMIO write IPA 0xb100100 size 4 x9 = 0xabcd [ISV 0 insn 0xb8004409 writeback]" \
		"hvbridge-hyp: zone1: MMIO read IPA 0xb1001f0 size 8 x10 <- 0x1111222233334444, x11 <- 0x5555666677778888 [ISV 0 insn 0xa8c12d8a writeback]" \
		"hvbridge-hyp: zone1: MMIO at IPA 0xc000000 " \
		"hvbridge-hyp: zone1: MMIO at IPA 0xb10f008 " \
		"hvbridge-hyp: zone1: MMIO at IPA 0x40200000 " \
		": outside every window: data abort injected" \
		": device error: data abort injected" \
		"hvbridge-hyp: zone1: EC 0x18 SYS64 at ELR 0x" \
		": undefined instruction injected" \
		"[zone1] guest: 0x0000000000000026 checks, 0x0000000000000000 failed" \
		"[zone2] guest: 0x0000000000000026 checks, 0x0000000000000000 failed" \
		"hvbridge-hyp: zone1: exit, code 0" \
		"hvbridge-hyp: zone2: exit, code 0"
	# The UART is emulated now (docs/console.md): its PeriphID0 read
	# traps and is served as a PL011's.
	want $n "hvbridge-hyp: zone1: MMIO read IPA 0x9000fe0 size 4 x4 <- 0x11 [ISV 1"
	never $n "guest: FAIL"
else
	echo "no boot log" > "$work/$n.why"
fi
result $n boot

# 2b. The write-only console window (hyp/console.h) in that same boot:
# each zone's lines come out whole and prefixed with the zone; control
# bytes and a backslash escaped, '\r' dropped; a line too long is cut at
# 120 characters with a trailing '\' and goes on in the next; a read, a
# 2- and an 8-byte write and a write past TX each abort in the guest.
n=zone-console
rm -f "$work/$n.why"
xs=$(printf '%99s' '' | tr ' ' x)	# the first 120 characters: 21 + 99
if [ -f "$work/boot.log.txt" ]; then
	for z in zone1 zone2; do
		for l in "[$z] guest: console: hello through the MMIO window" \
			"[$z] guest: console: esc \\x1b[1m bell \\x07 bs \\\\ cr del \\x7f end" \
			"[$z] guest: console: long $xs\\" \
			"[$z] xxxxxxxxxxx" \
			"[$z] guest: console: 4 misuses aborted"; do
			grep -qxF -- "$l" "$work/boot.log.txt" ||
				printf "missing line: %s\n" "$l" >> "$work/$n.why"
		done
		for off in 0xb200000 0xb200004; do
			grep -qF "hvbridge-hyp: $z: MMIO at IPA $off ELR" \
				"$work/boot.log.txt" ||
				echo "no abort for $z at $off" >> "$work/$n.why"
		done
		[ "$(grep -c "hvbridge-hyp: $z: MMIO at IPA 0xb20000.*device error" \
			"$work/boot.log.txt")" -eq 4 ] ||
			echo "$z: not 4 console aborts" >> "$work/$n.why"
	done
else
	echo "no boot log" > "$work/$n.why"
fi
result $n boot

# 3. No daemon: each zone's access to the channel window waits for the
# timeout and aborts; the region (read from QEMU's RAM file) holds both
# requests, invalidated, and each producer counted one timeout.
n=channel-timeout
rm -f "$work/$n.why"
if [ -f "$work/boot.log.txt" ]; then
	want $n "hvbridge-hyp: channel region at PA 0xbfff0000, 0x10000 bytes, 8 CPU slots" \
		"hvbridge-hyp: zone1: MMIO at IPA 0xb00f000 " \
		"hvbridge-hyp: zone2: MMIO at IPA 0xb00f000 " \
		": daemon timeout: data abort injected" \
		"[zone1] guest: channel: the access aborted" \
		"[zone2] guest: channel: the access aborted"
	# cpu:zone:requests:timeouts:errors
	"$here/region.py" check "$ram" "1:1:2:2:0 0:2:2:2:0" \
		>> "$work/$n.why" 2>&1
fi
result $n boot

# 4. A stand-in daemon on the host serves the region through QEMU's RAM
# file: zone1's read of the test device ID completes with the value the
# daemon wrote; zone2 (no device for it) gets NO_DEVICE and an abort.
# The daemon announces it sleeps before each answer: a later request
# wakes it, through the handshake in the region and the wake SPI in the
# GIC distributor.
n=channel-daemon
log_of=$n
if case_start $n "$img/hvbridge-hyp.elf"; then
	rm -f "$ram"
	truncate -s 2G "$ram"
	"$here/region.py" serve "$ram" $((tmo + 2)) > "$work/$n.serve" 2>&1 &
	spid=$!
	t=0
	while ! grep -q "region: serving" "$work/$n.serve" && [ $t -lt 100 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: all zones exited" \
		"$QEMU_SHARED_RAM"
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	want $n "hvbridge-hyp: zone1: MMIO read IPA 0xb00f000 size 8 x4 <- 0x1544256485648 [ISV 1 SAS 3 SSE 0 SRT 4 SF 1 AR 0 WnR 0]" \
		"window testdev" \
		"[zone1] guest: channel: the daemon answered" \
		"hvbridge-hyp: zone2: MMIO at IPA 0xb00f000 " \
		": no device: data abort injected" \
		"[zone2] guest: channel: the access aborted" \
		"[zone1] guest: 0x0000000000000026 checks, 0x0000000000000000 failed" \
		"[zone2] guest: 0x0000000000000026 checks, 0x0000000000000000 failed" \
		"hvbridge-hyp: channel: wake SPI 120 set pending (GICD_ISPENDR4 0x1000000)"
	never $n "guest: FAIL" "daemon timeout"
	# At least one wake: a second request finds the daemon asleep.
	# zone1 then tries the mailbox write of the kick test: the stand-in
	# has no scratch (NO_DEVICE), so it stops there.
	"$here/region.py" check "$ram" "1:1:3:0:1:0xb007818:1 0:2:2:0:2" 1 \
		>> "$work/$n.why" 2>&1
fi
result $n
rm -f "$ram"

# 5. The real daemon serves the hypervisor: QEMU's RAM is a shared file,
# and `hvbridge daemon --transport host --mem FILE` maps all of it, finds
# the region the hypervisor formatted at PA 0xbfff0000 and serves it with
# its test device (zone 1, HVB_TESTDEV_DEFAULT_BASE), polling.  It
# attaches once the hypervisor has formatted the region, so zone1's first
# read may have timed out; at least one read must complete with the ID
# through the daemon, and zone2, which has no device there, gets aborts.
# zone1 then posts a kick (QueueNotify write, the vCPU does not wait)
# after a mailbox write, and reads back through the channel that the
# daemon drained it and saw the mailbox.
n=channel-hvbridge
log_of=$n
hvb=${E2E_HVBRIDGE:-}
if [ ! -x "$hvb" ]; then
	echo "SKIP $n (no $hvb: make tool)"
else
	rm -f "$work/$n.why" "$work/$n.log.txt" "$ram"
	truncate -s 2G "$ram"
	: > "$work/$n.log"
	start_daemon_host $n
	boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: all zones exited" \
		"$QEMU_SHARED_RAM"
	kill "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	want $n "hvbridge-hyp: channel region at PA 0xbfff0000" \
		"[zone1] guest: channel: the daemon answered" \
		"hvbridge-hyp: zone2: MMIO at IPA 0xb00f000 " \
		"[zone2] guest: channel: the access aborted" \
		"[zone1] guest: channel: posted kick delivered" \
		"[zone1] guest: 0x0000000000000028 checks, 0x0000000000000000 failed" \
		"[zone2] guest: 0x0000000000000026 checks, 0x0000000000000000 failed"
	never $n "guest: FAIL"
	for l in "serving $ram (host, 8 CPUs" \
		"testdev at zone 1 0xb000000, polling" \
		"zone 2 accessed 0xb00f000 (8 bytes) where no device is" \
		"1 kicks (0 unclaimed)" \
		"hvbridge: stopped after"; do
		grep -qF -- "$l" "$work/$n.daemon" ||
			echo "daemon: missing: $l" >> "$work/$n.why"
	done
	if [ -s "$work/$n.why" ]; then
		{ echo "--- daemon ---"; cat "$work/$n.daemon"; } >> "$work/$n.why"
	fi
fi
[ -x "$hvb" ] && result $n

# 5b. The host transport refuses a RAM file whose region is not where
# it was told to look, with the address and the reason: QEMU's RAM of
# case 5 still holds the formatted region at PA 0xbfff0000, so the only
# thing wrong is --region-phys (then --ram-base), and the daemon exits 1
# without serving.
n=channel-host-mismatch
log_of=channel-hvbridge
if [ -x "$hvb" ] && [ -f "$ram" ]; then
	rm -f "$work/$n.why"
	for bad in "--region-phys 0xbffe0000:no channel region at PA 0xbffe0000 (file offset 0x7ffe0000): bad magic" \
		"--ram-base 0x40010000:no channel region at PA 0xbfff0000 (file offset 0x7ffe0000): bad magic" \
		"--region-phys 0xc0000000:region PA 0xc0000000 is not inside the RAM"; do
		opt=${bad%%:*}
		msg=${bad#*:}
		# shellcheck disable=SC2086
		timeout 5 "$hvb" daemon --transport host --mem "$ram" $opt \
			--state-dir "$work/$n.state" > "$work/$n.out" 2>&1
		rc=$?
		[ $rc -eq 1 ] ||
			echo "$opt: exit $rc, not 1" >> "$work/$n.why"
		grep -qF -- "$msg" "$work/$n.out" ||
			{ echo "$opt: no \"$msg\" in:"; cat "$work/$n.out"; } \
				>> "$work/$n.why"
		! grep -qF "serving" "$work/$n.out" ||
			echo "$opt: served anyway" >> "$work/$n.why"
	done
	result $n
fi

# 5c. The host transport from a config, and the zones' memory through it:
# "type": "host" with "memory" the RAM file serves a zone whose memory is
# zone1's RAM (PA 0x50000000, an offset into the file); a zone memory
# range that overlaps the channel region, or leaves the file, is refused
# by map_phys with the range's JSON path, before anything is served.
# While the good one serves, a second daemon on the same file is refused.
n=channel-host-config
if [ -x "$hvb" ] && [ -f "$ram" ]; then
	rm -f "$work/$n.why"
	for c in "0x50000000:2 devices from $work/$n.json, polling" \
		"0xbfe00000:zones[0].memory[0]: cannot map it: memory region overlaps the channel region" \
		"0xbff00000:zones[0].memory[0]: cannot map it: memory region lies outside QEMU's RAM file"; do
		phys=${c%%:*}
		msg=${c#*:}
		cat > "$work/$n.json" <<-EOF
		{
			"version": 1,
			"transport": { "type": "host", "memory": "$ram" },
			"zones": [ {
				"id": 1,
				"memory": [ { "phys": "$phys", "ipa": "0x40000000", "size": "0x200000" } ],
				"devices": [
					{ "type": "testdev", "base": "0x0b000000" },
					{ "type": "virtio-rng", "base": "0x0a003e00", "size": "0x200", "irq": 79 }
				]
			} ]
		}
		EOF
		timeout -s INT 1 "$hvb" daemon -c "$work/$n.json" \
			--state-dir "$work/$n.state" > "$work/$n.out" 2>&1 &
		cpid=$!
		if [ "$phys" = 0x50000000 ]; then
			# One daemon per RAM file: a second is refused.
			sleep 0.3
			timeout -s INT 2 "$hvb" daemon --transport host \
				--mem "$ram" --state-dir "$work/$n.state2" \
				> "$work/$n.second" 2>&1
			grep -qF "another daemon already serves $ram" \
				"$work/$n.second" ||
				{ echo "a second daemon was not refused:"
				  cat "$work/$n.second"; } >> "$work/$n.why"
		fi
		wait $cpid
		rc=$?
		case $phys in
		0x50000000) want_rc=124 ;;	# served until the SIGINT
		*) want_rc=1 ;;
		esac
		[ $rc -eq $want_rc ] ||
			echo "$phys: exit $rc, not $want_rc" >> "$work/$n.why"
		grep -qF -- "$msg" "$work/$n.out" ||
			{ echo "$phys: no \"$msg\" in:"; cat "$work/$n.out"; } \
				>> "$work/$n.why"
	done
	result $n
fi
rm -f "$ram"

# 6. The root zone: Debian's arm64 kernel (build/arm64/Image, from
# scripts/fetch-arm64.sh) boots at EL1 on CPU 0 under stage 2, starts
# CPU 1 with PSCI CPU_ON through the hypervisor, with a DTB
# cut to what the zone owns, runs a busybox /init that finds the hvbridge
# node and reads the channel region (the hypervisor's magic) and zone1's
# RAM through its stage 2, and powers the machine off through the
# hypervisor's PSCI, while zone1's guest runs on CPU 2 (-smp 3).
n=root-linux
log_of=$n
kernel=${E2E_ARM64:-}/Image
if [ ! -f "$kernel" ] || [ ! -f "${E2E_ARM64:-}/busybox" ]; then
	echo "SKIP $n (no $kernel: run scripts/fetch-arm64.sh)"
else
	rm -f "$work/$n.why" "$work/$n.log.txt"
	rootd=$work/root
	if ! "$here/mkroot.sh" "$rootd" "$E2E_ARM64/busybox" \
			> "$work/$n.mkroot" 2>&1; then
		{ echo "mkroot.sh failed:"; cat "$work/$n.mkroot"; } > "$work/$n.why"
	else
		tmo_saved=$tmo
		tmo=$((tmo * 6))	# a kernel boot under TCG, on a machine maybe busy
		ld="-device loader,force-raw=on"
		boot $n "$img/hvbridge-hyp.elf" "hvbridge-hyp: root: SYSTEM_OFF" \
			"-smp 3 $ld,addr=0x40200000,file=$kernel
			 $ld,addr=0x48000000,file=$rootd/root.dtb
			 $ld,addr=0x49000000,file=$rootd/initramfs.cpio.gz"
		tmo=$tmo_saved
		want $n "hvbridge-hyp: zone root created (id 0)" \
			"hvbridge-hyp: zone zone1 created (id 1)" \
			"hvbridge-hyp: root: entering EL1 at IPA 0x40200000 on CPU 0" \
			"hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU 2" \
			"hvbridge-hyp: root: PSCI CPU_ON CPU 1 at IPA 0x" \
			"hvbridge-hyp: CPU 1 online, MMU on" \
			"smp: Brought up 1 node, 2 CPUs" \
			"Booting Linux on physical CPU 0x0000000000" \
			"node   0: [mem 0x0000000040000000-0x000000004fffffff]" \
			"node   0: [mem 0x0000000080000000-0x00000000bfbfffff]" \
			"NUMA: Faking a node at [mem 0x0000000040000000-0x00000000bfbfffff]" \
			"psci: PSCIv1.1 detected in firmware." \
			"CPU: All CPU(s) started at EL1" \
			"Run /init as init process" \
			"root zone: init running, 2 CPU(s), aarch64" \
			"root zone: hvbridge node: hvbridge,channel" \
			"root zone: channel region magic 0x52425648" \
			"root zone: zone1 RAM readable: 0x" \
			"[zone1] guest: 0x0000000000000026 checks, 0x0000000000000000 failed" \
			"hvbridge-hyp: root: SYSTEM_OFF"
		never $n "***" "Kernel panic" "Internal error" \
			"Unable to handle" "hvbridge-hyp: root: MMIO" "guest: FAIL"
	fi
	result $n
fi

# 7. Zone configs that each break one rule are refused, each for its own
# reason; the good zones still run.  -smp 3: a free CPU, so the CPU rule
# does not refuse the others first.
n=zone-config
log_of=$n
if case_start $n "$img/hvbridge-hyp-zonetest.elf"; then
	boot $n "$img/hvbridge-hyp-zonetest.elf" "hvbridge-hyp: all zones exited" \
		"-smp 3"
	want $n "hvbridge-hyp: bad-unaligned: region 0 is empty, wraps or is not page aligned" \
		"hvbridge-hyp: bad-wraps: region 0 is empty, wraps or is not page aligned" \
		"hvbridge-hyp: bad-hyp-image: region 0 overlaps the hypervisor" \
		"hvbridge-hyp: bad-channel-not-root: region 0: only the root zone maps the channel region" \
		"hvbridge-hyp: bad-ipa-overlap: regions 0 and 1 overlap" \
		"hvbridge-hyp: bad-ram-clash: region 0 overlaps another zone's RAM" \
		"hvbridge-hyp: bad-no-cpu: CPU set 0x0 is empty" \
		"hvbridge-hyp: bad-cpu-absent: CPU set 0x80 is empty or names a CPU the hypervisor does not run (0x7)" \
		"hvbridge-hyp: bad-cpu-shared: shares CPUs 0x2 with zone1" \
		"hvbridge-hyp: bad-window-over-ram: window w overlaps region 0" \
		"hvbridge-hyp: bad-irq-not-spi: interrupt 27 is not a shared peripheral interrupt (32-1019)" \
		"hvbridge-hyp: bad-irq-taken: interrupt 72 belongs to zone1" \
		"hvbridge-hyp: bad-boot-kind: unknown boot kind 7" \
		"hvbridge-hyp: bad-linux-image: a Linux boot runs the Image in its RAM, not a built-in image" \
		"hvbridge-hyp: selftest: 14 of 14 bad zone configs refused" \
		"[zone1] guest: 0x0000000000000026 checks, 0x0000000000000000 failed" \
		"[zone2] guest: 0x0000000000000026 checks, 0x0000000000000000 failed"
	never $n "FAILED" "***"
fi
result $n

# 8. An EL2 data abort at a known unmapped address gives the crash report.
n=crash
log_of=crash
if case_start $n "$img/hvbridge-hyp-crashtest.elf"; then
	boot $n "$img/hvbridge-hyp-crashtest.elf" "hvbridge-hyp: CPU 0 stopped"
	want $n "hvbridge-hyp: MMU on:" \
		"hvbridge-hyp: selftest: reading unmapped 0xdead0000 at EL2" \
		"*** EL2 crash: Synchronous exception from EL2h on CPU 0 ***" \
		": EC 0x25 DABT_CUR, IL 1, ISS 0x" \
		" data abort: ISV " \
		"WnR 0 S1PTW 0 DFSC 0x05" \
		" fault: translation fault, level 1" \
		" FAR_EL2 0x00000000dead0000" \
		" ELR_EL2 0x" " x30 0x" " SP_EL2 0x" \
		"hvbridge-hyp: CPU 0 stopped"
	never $n "selftest: FAILED" "CPU 0 idle"
fi
result $n

# 9. The build's MMIO check: a writeback accessor fails it, a plain one
# passes.  Without this, a check that never fires would look green.
n=mmio-writeback-check
rm -f "$work/$n.why"
for form in plain writeback; do
	insn='str w0, [x1]'
	[ $form = plain ] || insn='str w0, [x1], #4'
	printf '\t.text\n\t.globl _start\n_start:\n1:\t%s\n\tret\n\t.pushsection .hyp_mmio_sites, "a"\n\t.balign 8\n\t.quad 1b\n\t.popsection\n' \
		"$insn" > "$work/$n-$form.S"
	if ! aarch64-linux-gnu-as -o "$work/$n-$form.o" "$work/$n-$form.S" ||
	   ! aarch64-linux-gnu-ld -o "$work/$n-$form.elf" "$work/$n-$form.o"; then
		echo "cannot build the $form sample" >> "$work/$n.why"
		continue
	fi
	if "$here/../../hyp/arch/arm64/check-mmio.sh" "$work/$n-$form.elf" \
			> "$work/$n-$form.out" 2>&1; then
		[ $form = plain ] ||
			echo "check-mmio accepted '$insn'" >> "$work/$n.why"
	else
		[ $form = writeback ] ||
			{ echo "check-mmio rejected '$insn':"; cat "$work/$n-$form.out"; } >> "$work/$n.why"
	fi
done
result $n

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
