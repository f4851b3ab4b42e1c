#!/bin/sh
# SPDX-License-Identifier: MIT
# Description: `make run-baremetal`'s boot, checked
# (scripts/run-baremetal.sh --no-build): the root zone's Linux with
# hvbridge.ko and the daemon on the kmod transport
# (configs/zone1-virtio-root.json) serving zone1's virtio workload and
# torture cases.  The serial log must hold every workload step's PASS, a
# summary counting every step and case as passed, the two console lines
# zone1 sent through virtio-console (the daemon's stdout, the root
# zone's console), the root zone's summary block with a daemon that
# served requests, and a clean power-off; run-baremetal.sh must exit 0.
# A miss prints the serial log.
#
# system.sh WORK_DIR
# Environment: E2E_ARM64 (build/arm64: Image, busybox), E2E_KMOD
# (hvbridge.ko; empty: none was built), E2E_TIMEOUT.
set -u
work=$1
tmo=${E2E_TIMEOUT:-40}
here=$(dirname "$0")
top=$(cd "$here/../.." && pwd)
mkdir -p "$work"
work=$(cd "$work" && pwd)
n=system
why=$work/$n.why
log=$work/$n.log.txt
rm -f "$why" "$log"

if [ ! -f "${E2E_ARM64:-}/Image" ] || [ ! -x "${E2E_ARM64:-}/busybox" ] ||
   [ ! -f "${E2E_KMOD:-}" ]; then
	echo "SKIP $n (no ${E2E_ARM64:-}/Image or no hvbridge.ko:" \
	     "scripts/fetch-arm64.sh, kmod/)"
	echo "e2e-system: 0 passed, 0 failed"
	exit 0
fi

RUN_TIMEOUT=$tmo "$top/scripts/run-baremetal.sh" --no-build --log "$log" \
	> "$work/$n.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || echo "scripts/run-baremetal.sh exited $rc" >> "$why"
if [ ! -f "$log" ]; then
	echo "no serial log" >> "$why"
	: > "$log"
fi

# want LINE...: each LINE exactly, as a whole line, in the serial log.
want() {
	for l in "$@"; do
		grep -qxF -- "$l" "$log" || echo "missing: $l" >> "$why"
	done
}

# want_in LINE...: each LINE in the serial log, maybe with text before
# it.  The root zone and zone1 share the serial port, and characters of
# both mix when both write at once; the root zone keeps quiet until
# zone1 has exited (mkinitramfs.sh's run mode), but the kernel may
# still warn, so zone1's lines are found at a line's end.
want_in() {
	for l in "$@"; do
		awk -v l="$l" 'length($0) >= length(l) &&
			substr($0, length($0) - length(l) + 1) == l { f = 1 }
			END { exit !f }' "$log" || echo "missing: $l" >> "$why"
	done
}

steps="virtio-blk/probe virtio-blk/init virtio-blk/write
	virtio-blk/interrupt virtio-blk/read virtio-blk/compare
	virtio-blk/flush
	virtio-console/probe virtio-console/init virtio-console/tx
	virtio-rng/probe virtio-rng/init virtio-rng/read virtio-rng/differ"
for s in $steps; do
	want_in "[zone1] PASS $s"
done
cases=$(sed -n 's/.*\[zone1\] guest: torture image, EL1 MMU and caches on, \([0-9]*\) cases$/\1/p' \
	"$log")
if [ -z "$cases" ]; then
	echo "missing: the torture image's header line" >> "$why"
else
	total=$((cases + $(echo "$steps" | wc -w)))
	want_in "[zone1] guest: $total passed, 0 failed"
	got=$(grep -oF '[zone1] PASS ' "$log" | wc -l)
	[ "$got" -eq "$total" ] || echo "$got PASS lines, want $total" >> "$why"
fi
! grep -qF '[zone1] FAIL ' "$log" || grep -F '[zone1] FAIL ' "$log" |
	sed 's/^/unexpected: /' >> "$why"
want_in "hvbridge-hyp: zone1: entering EL1 at IPA 0x40000000 on CPU 2" \
	"hvbridge-hyp: zone1: exit, code 0"
# The root zone's lines, printed once zone1 has exited: its steps, the
# daemon's lines with what zone1 sent through virtio-console (the
# daemon's stdout), the summary block.
want "hvbridge-root: hvbridge.ko loaded" \
	"hvbridge-root: blk image /var/lib/hvbridge/zone1-blk.img (1 MiB)" \
	"hvbridge-guest: hello from zone1 over virtio-console" \
	"hvbridge-guest: virtio-console line 2 of 2" \
	"hvbridge-root: ---- summary ----" \
	"hvbridge-root: blk image: sector 16 holds 'hvbridge-guest sector 16'" \
	"hvbridge-root: ---- end of summary ----" \
	"hvbridge-root: daemon exited, status 0" \
	"hvbridge-root: hvbridge.ko unloaded" \
	"hvbridge-root: powering off" \
	"hvbridge-hyp: root: SYSTEM_OFF"
grep -qE '\[zone1\] guest: virtio: the daemon answered after [0-9]+ ms' \
	"$log" || echo "missing: zone1's line on waiting for the daemon" >> "$why"
grep -qE '^hvbridge: serving /dev/hvbridge \(kmod, .*\): 4 devices from /etc/hvbridge/zone1-virtio.json' \
	"$log" || echo "missing: the daemon serving zone1-virtio.json" >> "$why"
# The daemon's virtio interrupts (INJECT_IRQ) reached zone1 through its
# virtual GIC: at least one per device (docs/interrupts.md).
grep -qE '^\[zone1\] guest: virtio: GIC interrupts taken: blk [1-9][0-9]*, console [1-9][0-9]*, rng [1-9]' \
	"$log" || echo "missing: virtio interrupts through zone1's GIC ($(grep -o 'GIC interrupts taken: .*' "$log"))" >> "$why"
# The daemon's counters, inside the summary block: it served zone1, and
# its only errors are the torture image's two ERROR-register cases.
stop=$(sed -n '/^hvbridge-root: ---- summary/,/^hvbridge-root: ---- end/p' \
	"$log" | grep -m1 '^hvbridge: stopped after ')
served=$(echo "$stop" | sed -n 's/.* served \([0-9]*\) requests.*/\1/p')
if [ -z "$stop" ]; then
	echo "missing: the daemon's counters in the summary block" >> "$why"
elif [ "${served:-0}" -eq 0 ]; then
	echo "the daemon served nothing: $stop" >> "$why"
else
	case $stop in
	*" (2 errors: 0 malformed, 0 no device), "*) ;;
	*) echo "errors other than the 2 ERROR-register cases: $stop" \
		>> "$why" ;;
	esac
fi
# hvbridge stat on the module's region, when the daemon has it: its
# counters and latency percentiles in the summary block.
if ! grep -qxF "hvbridge-root: hvbridge stat: no --transport kmod in this daemon" \
		"$log"; then
	want "hvbridge-root: hvbridge stat exited, status 0"
	grep -qE '^latency +[1-9][0-9]* round trips, .* p50 .* p99 ' "$log" ||
		echo "missing: hvbridge stat's latency line" >> "$why"
fi
for l in "Kernel panic" "Internal error" "Unable to handle" "***" \
	 "hvbridge-root: no 'done'" "hvbridge: error:"; do
	! grep -qF -- "$l" "$log" || echo "unexpected: $l" >> "$why"
done

if [ -s "$why" ]; then
	echo "FAIL $n"
	sed 's/^/  /' "$why"
	echo "  --- scripts/run-baremetal.sh said ---"
	grep '^==' "$work/$n.out" | sed 's/^/  > /'
	echo "  --- serial log ---"
	sed 's/^/  | /' "$log"
	echo "e2e-system: 0 passed, 1 failed"
	exit 1
fi
echo "PASS $n ($(tail -n 1 "$work/$n.out" | sed 's/^== make run-baremetal: //'))"
echo "e2e-system: 1 passed, 0 failed"
