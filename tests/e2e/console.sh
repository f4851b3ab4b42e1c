#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: the console room (docs/console.md): zone1's UART image
# (tests/guest/uart.c), a hostile guest at its emulated PL011, on CPU 2
# next to the root zone's Linux (-smp 3), with input waiting on the
# physical UART from the start:
#   - the guest's own cases pass (uart-id, uart-regs, uart-input: it
#     never sees the root zone's input; uart-txirq: the TX interrupt
#     through its virtual GIC);
#   - every line it forged through DR shows with its "[zone1] " prefix,
#     none starts a line as "hvbridge-hyp: " (the raw log, not untangled:
#     untangle.awk would split them off);
#   - its flood is rate-limited: at most HYP_CONSOLE_BURST plus the rate
#     times the time from the guest's start to the flood's end of its
#     lines printed (the guest says that time), the hypervisor's "N lines
#     dropped" is there, and printed + dropped = sent;
#   - the root zone boots on both CPUs and powers off meanwhile, and
#     every hypervisor line in the raw log starts at column 0.
#
# console.sh IMAGE_DIR UART_BIN WORK_DIR
set -u
img=$1
ubin=$2
work=$3
tmo=${E2E_TIMEOUT:-20}
here=$(dirname "$0")
mkdir -p "$work"
pass=0
fail=0

# shellcheck source=tests/e2e/lib.sh
. "$here/lib.sh"

n=console-hostile
log_of=$n
kernel=${E2E_ARM64:-}/Image
if [ ! -f "$kernel" ] || [ ! -f "${E2E_ARM64:-}/busybox" ]; then
	echo "SKIP $n (no $kernel: run scripts/fetch-arm64.sh)"
elif case_start $n "$ubin"; then
	rootd=$work/root
	if ! "$here/mkroot.sh" "$rootd" "$E2E_ARM64/busybox" \
			> "$work/$n.mkroot" 2>&1; then
		{ echo "mkroot.sh failed:"; cat "$work/$n.mkroot"; } > "$work/$n.why"
	else
		printf 'root-secret-input\n' > "$work/$n.input"
		ld="-device loader,force-raw=on"
		tmo_saved=$tmo
		tmo=$((tmo * 3))	# a kernel boot under TCG
		E2E_INPUT=$work/$n.input boot $n "$img/hvbridge-hyp.elf" \
			"hvbridge-hyp: root: SYSTEM_OFF" \
			"-smp 3 -nic none $ld,addr=0x40200000,file=$kernel
			 $ld,addr=0x48000000,file=$rootd/root.dtb
			 $ld,addr=0x49000000,file=$rootd/initramfs.cpio.gz
			 $ld,addr=0x50000000,file=$ubin"
		tmo=$tmo_saved
		raw=$work/$n.raw
		tr -d '\r' < "$work/$n.log" > "$raw"
		cp "$raw" "$work/$n.raw.log.txt"
		log_of=$n.raw
		want $n "hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU 2" \
			"[zone1] PASS uart-input" "[zone1] PASS uart-id" \
			"[zone1] PASS uart-regs" "[zone1] PASS uart-txirq" \
			"[zone1] guest: uart: 4 passed, 0 failed" \
			"hvbridge-hyp: zone1: exit, code 0" \
			"root zone: init running, 2 CPU(s), aarch64" \
			"hvbridge-hyp: root: SYSTEM_OFF"
		never $n "Kernel panic" "FAIL " "unexpected exception" \
			"guest: exception" "***"
		for l in "forged by the guest" "forged after CR" \
			 "\\x1b[2Khvbridge-hyp: zone1: forged after erase" \
			 "forged after a newline"; do
			case $l in
			\\*) full="[zone1] $l" ;;
			*) full="[zone1] hvbridge-hyp: zone1: $l" ;;
			esac
			grep -qxF -- "$full" "$raw" ||
				echo "missing whole line: $full" >> "$work/$n.why"
		done
		! grep -n "^hvbridge-hyp: zone1: forged" "$raw" \
			>> "$work/$n.why" ||
			echo "a forged line started a line (above)" >> "$work/$n.why"
		grep -q "$(printf '\033')" "$raw" &&
			echo "an escape byte reached the log" >> "$work/$n.why"
		# Every hypervisor line starts at column 0 (a forged one sits
		# after its zone's prefix).
		columns $n
		flood=$(sed -n 's/^\[zone1\] guest: uart: flood: sent \([0-9]*\) lines, \([0-9]*\) ms after start$/\1 \2/p' "$raw")
		sent=${flood% *}
		ms=${flood#* }
		shown=$(grep -c "^\[zone1\] guest: uart: flood [0-9]*$" "$raw")
		dropped=$(sed -n 's/^hvbridge-hyp: zone1: console: \([0-9]*\) lines dropped$/\1/p' "$raw" |
			awk '{ s += $1 } END { print s + 0 }')
		# HYP_CONSOLE_BURST + HYP_CONSOLE_RATE x the whole seconds
		# (rounded up) since the guest's start: the bucket fills from
		# the zone's first line, which comes after that start.
		limit=$((1024 + 256 * (${ms:-0} / 1000 + 1)))
		echo "$n: flood: sent ${sent:-?} in ${ms:-?} ms, printed $shown, dropped $dropped, limit $limit"
		if [ -z "$flood" ]; then
			echo "no flood summary line from the guest" >> "$work/$n.why"
		elif [ "$sent" -le "$limit" ]; then
			echo "the guest sent too slowly to reach the limit ($sent lines in $ms ms): nothing was tested" \
				>> "$work/$n.why"
		elif [ "$dropped" -eq 0 ] ||
		     [ $((shown + dropped)) -ne "$sent" ] ||
		     [ "$shown" -gt "$limit" ]; then
			echo "flood not limited as documented: sent $sent, printed $shown, dropped $dropped, limit $limit" \
				>> "$work/$n.why"
		fi
	fi
	result $n
else
	result $n
fi

echo "e2e-console: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
