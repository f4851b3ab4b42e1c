# SPDX-License-Identifier: MIT
# lib.sh: what the e2e scripts share: booting QEMU with a watchdog,
# checking its serial log, starting the daemon on the channel region.
# Sourced; the caller sets img, work, tmo, here, pass, fail.

# The serial log as text: see untangle.awk (the root zone's Linux and the
# hypervisor share one UART).
HVB_UNTANGLE=$(cd "$here" && pwd)/untangle.awk

QEMU="qemu-system-aarch64 -M virt,virtualization=on,gic-version=3
	-cpu cortex-a57 -smp 2 -m 2G -display none -monitor none -nic none"

# RAM in a shared file, so the host sees the channel region (region.py).
ram=$work/ram.img
QEMU_SHARED_RAM="-object memory-backend-file,id=ram,size=2G,mem-path=$ram,share=on
	-machine memory-backend=ram"

# last_steps LOG: how far a run got, for a watchdog's message: the last
# line of each agent on the serial log (every zone, the root zone's
# init, the hypervisor) and the log's last three lines.
last_steps() {
	awk -f "$HVB_UNTANGLE" "$1" 2>/dev/null | awk '
		/^\[zone[0-9]+\]/ { z[substr($1, 2, length($1) - 2)] = $0 }
		/^hvbridge-root:/ { r = $0 }
		/^hvbridge-hyp:/ { h = $0 }
		{ l[NR % 3] = $0 }
		END {
			for (k in z)
				print "  last step of " k ": " z[k]
			print "  last step of the root zone: " (r ? r : "(none)")
			print "  last line of the hypervisor: " (h ? h : "(none)")
			print "  last lines of the log:"
			for (i = NR - 2; i <= NR; i++)
				if (i > 0)
					print "  > " l[i % 3]
		}'
}

# boot NAME ELF DONE_LINE [QEMU ARGS]: run QEMU until DONE_LINE shows, the
# CPU stops on a crash, or the watchdog fires; the log is $work/NAME.log.
# E2E_INPUT=FILE: the serial port's input comes from FILE.
boot() {
	log=$work/$1.log
	: > "$log"
	# shellcheck disable=SC2086
	# With E2E_INPUT, the UART also receives that file's bytes
	# (QEMU 7.2's file chardev has no input-path: stdio instead).
	if [ -n "${E2E_INPUT:-}" ]; then
		# shellcheck disable=SC2086
		timeout $((tmo + 5)) $QEMU ${4:-} -serial stdio -kernel "$2" \
			<"$E2E_INPUT" >"$log" 2>"$work/$1.qemu" &
	else
		# shellcheck disable=SC2086
		timeout $((tmo + 5)) $QEMU ${4:-} -serial "file:$log" \
			-kernel "$2" >"$work/$1.qemu" 2>&1 &
	fi
	qpid=$!
	t=0
	while ! grep -qF -e "$3" -e "hvbridge-hyp: CPU 0 stopped" "$log" \
			2>/dev/null; do
		if [ "$t" -ge $((tmo * 10)) ]; then
			{ echo "e2e: $1: watchdog: no \"$3\" after ${tmo}s"
			  last_steps "$log"; } >> "$work/$1.why"
			break
		fi
		if ! kill -0 "$qpid" 2>/dev/null; then
			grep -qF "$3" "$log" ||
				echo "e2e: $1: QEMU exited early" >> "$work/$1.why"
			break
		fi
		sleep 0.1
		t=$((t + 1))
	done
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	awk -f "$HVB_UNTANGLE" "$log" > "$log.txt"
}

# columns NAME: in boot NAME's raw serial log (not untangled), every
# hypervisor line ("hvbridge-hyp: ") and every zone console line
# ("[zoneN] ") starts at column 0: the hypervisor owns the UART and keeps
# the root zone's output off its lines (docs/console.md).  What follows a
# zone's prefix is the zone's own text, whatever it says.
columns() {
	tr -d '\r' < "$work/$1.log" |
		grep -an -e "hvbridge-hyp: " -e "\[zone[0-9]*\] " |
		grep -avE '^[0-9]+:(hvbridge-hyp: |\[zone[0-9]+\] )' |
		head -5 | sed 's/^/not at column 0: line /' >> "$work/$1.why"
}

# result NAME [LOG]: PASS if no reason to fail was recorded, else FAIL
# and the serial log of boot LOG (default NAME).
result() {
	lg=${2:-$1}
	if [ -s "$work/$1.why" ]; then
		echo "FAIL $1"
		sed 's/^/  /' "$work/$1.why"
		if [ -f "$work/$lg.log.txt" ]; then
			echo "  --- serial log of $lg ---"
			sed 's/^/  | /' "$work/$lg.log.txt"
			sed 's/^/  qemu: /' "$work/$lg.qemu"
		fi
		fail=$((fail + 1))
	else
		echo "PASS $1"
		pass=$((pass + 1))
	fi
}

# want NAME LINE...: each LINE must appear (fixed string) in the log of
# boot $log.
want() {
	n=$1
	shift
	for l in "$@"; do
		grep -qF -- "$l" "$work/$log_of.log.txt" ||
			echo "missing: $l" >> "$work/$n.why"
	done
}

# never NAME LINE...: no LINE may appear in the log.
never() {
	n=$1
	shift
	for l in "$@"; do
		! grep -qF -- "$l" "$work/$log_of.log.txt" ||
			echo "unexpected: $l" >> "$work/$n.why"
	done
}

case_start() {
	rm -f "$work/$1.why" "$work/$1.log.txt"
	if [ ! -f "$2" ]; then
		echo "no image $2" > "$work/$1.why"
		return 1
	fi
}

# The channel region as a file of its own: QEMU's RAM in two NUMA nodes,
# the second a 64 KiB shared file that is exactly the region (the last
# 64 KiB of RAM, PA 0xbfff0000).
QEMU_SPLIT_RAM="-m 2G -object memory-backend-ram,id=m0,size=2097088K
	-object memory-backend-file,id=m1,size=64K,mem-path=REGION,share=on
	-numa node,memdev=m0 -numa node,memdev=m1"

# pack_root ROOT: the root zone's initramfs from directory ROOT, as
# $work/initramfs.cpio.gz, and $work/root.dtb: mkroot.sh's
# ($work/root/root.dtb) with its initrd-end for that file at 0x49000000.
pack_root() {
	(cd "$1" && find . | cpio -o -H newc --quiet) |
		gzip -1 > "$work/initramfs.cpio.gz" || return 1
	cp "$work/root/root.dtb" "$work/root.dtb" || return 1
	fdtput -t x "$work/root.dtb" /chosen linux,initrd-end \
		"$(printf '0x%x' $((0x49000000 + $(stat -c %s "$work/initramfs.cpio.gz"))))"
}

# split_ram REGION: the QEMU arguments for it (REGION emptied first).
split_ram() {
	rm -f "$1"
	truncate -s 64K "$1"
	echo "$QEMU_SPLIT_RAM" | sed "s|REGION|$1|"
}

# start_daemon NAME REGION [OPTIONS]: in the background, wait for boot
# NAME's hypervisor to format the region (the daemon refuses anything
# else), then run `hvbridge daemon` ($hvb) on it; output in
# $work/NAME.daemon, pid in $dpid.  Empty $work/NAME.log first, so an
# old log cannot start it early.
start_daemon() {
	sd_name=$1
	sd_log=$work/$1.log
	sd_region=$2
	shift 2
	rm -rf "$work/$sd_name.state"
	(
		t=0
		while ! grep -qF "hvbridge-hyp: channel region at" \
				"$sd_log" 2>/dev/null; do
			[ $t -lt $((tmo * 50)) ] || exit 1
			sleep 0.02
			t=$((t + 1))
		done
		exec "$hvb" daemon --region "$sd_region" \
			--state-dir "$work/$sd_name.state" "$@"
	) > "$work/$sd_name.daemon" 2>&1 &
	dpid=$!
}

# start_daemon_host NAME [OPTIONS]: as start_daemon, but the daemon maps
# all of QEMU's RAM ($ram, QEMU_SHARED_RAM) with the host transport and
# finds the region in it at the hypervisor's PA (docs/transports.md).
start_daemon_host() {
	sd_name=$1
	sd_log=$work/$1.log
	shift
	rm -rf "$work/$sd_name.state"
	(
		t=0
		while ! grep -qF "hvbridge-hyp: channel region at" \
				"$sd_log" 2>/dev/null; do
			[ $t -lt $((tmo * 50)) ] || exit 1
			sleep 0.02
			t=$((t + 1))
		done
		exec "$hvb" daemon --transport host --mem "$ram" \
			--state-dir "$work/$sd_name.state" "$@"
	) > "$work/$sd_name.daemon" 2>&1 &
	dpid=$!
}
