# SPDX-License-Identifier: MIT
# rootlib.sh: what tests/e2e/fault.sh and sysbench.sh share: the root
# zone booted with an initramfs of scripts/mkinitramfs.sh's console
# modes (nodaemon, fault) next to zone1's hammer image, commands typed on
# its console, and waits with watchdogs.  Sourced after lib.sh; the
# caller sets work, tmo, top, arm64, ko, hbin.

# The serial log must grow at least this often (zone1 prints an abort
# every 500 ms or a progress line every second): a hung vCPU or a hung
# root zone fails the case with its log, not just the overall watchdog.
stall=15

# root_boot NAME MODE HYP_ELF DAEMON: an initramfs of MODE, then QEMU
# (hypervisor, root zone on CPUs 0-1, zone1's hammer image on CPUs 2
# and 3: -smp 4, hyp/arch/arm64/zones.c) in the background, its
# console's input the FIFO on fd 7.  $kmod_args, when set: hvbridge.ko's
# parameters (mkinitramfs.sh --kmod-args).
root_boot() {
	log=$work/$1.log
	rm -f "$work/$1.why" "$work/$1.log.txt"
	: > "$log"
	if ! "$top/scripts/mkinitramfs.sh" -o "$work/$1.root" --dtb \
			--mode "$2" --busybox "$arm64/busybox" --daemon "$4" \
			--kmod "$ko" ${kmod_args:+--kmod-args "$kmod_args"} \
			> "$work/$1.mkinitramfs" 2>&1; then
		{ echo "mkinitramfs.sh failed:"; cat "$work/$1.mkinitramfs"; } \
			> "$work/$1.why"
		return 1
	fi
	ld="-device loader,force-raw=on"
	rm -f "$work/$1.in"
	mkfifo "$work/$1.in"
	# Read-write: opening never blocks, and QEMU never sees EOF.
	exec 7<> "$work/$1.in"
	t0=$(date +%s)
	# shellcheck disable=SC2086
	timeout $((tmo + 5)) $QEMU -smp 4 -kernel "$3" -serial stdio \
		$ld,addr=0x40200000,file=$arm64/Image \
		$ld,addr=0x48000000,file=$work/$1.root/root.dtb \
		$ld,addr=0x49000000,file=$work/$1.root/initramfs.cpio.gz \
		$ld,addr=0x50000000,file=$hbin \
		< "$work/$1.in" > "$log" 2> "$work/$1.qemu" &
	qpid=$!
}

# root_wait NAME PATTERN [COUNT]: until COUNT (1) lines match PATTERN
# (grep -E) in the log; 1 and a reason if QEMU exits first, the log
# stops growing for $stall s, or the case's $tmo s run out.
root_wait() {
	seen=0
	size=-1
	while [ "$(awk -f "$HVB_UNTANGLE" "$work/$1.log" | grep -cE -e "$2")" -lt \
		"${3:-1}" ]; do
		now=$(date +%s)
		if [ "$now" -ge $((t0 + tmo)) ]; then
			{ echo "watchdog: no \"$2\" (x${3:-1}) after ${tmo}s"
			  last_steps "$work/$1.log"; } >> "$work/$1.why"
			return 1
		fi
		s=$(stat -c %s "$work/$1.log")
		if [ "$s" != "$size" ]; then
			size=$s
			seen=$now
		elif [ "$now" -ge $((seen + stall)) ]; then
			{ echo "watchdog: the serial log stopped for" \
				"${stall}s waiting for \"$2\""
			  last_steps "$work/$1.log"; } >> "$work/$1.why"
			return 1
		fi
		if ! kill -0 "$qpid" 2>/dev/null; then
			# It may have printed the line just before it exited
			# (SYSTEM_OFF does exactly that): look once more.
			[ "$(awk -f "$HVB_UNTANGLE" "$work/$1.log" |
			     grep -cE -e "$2")" -lt "${3:-1}" ] || return 0
			{ echo "QEMU exited before \"$2\""
			  last_steps "$work/$1.log"; } >> "$work/$1.why"
			return 1
		fi
		sleep 0.1
	done
}

# root_cmd NAME CMD: one command to the root zone's console loop
# (mkinitramfs.sh's nodaemon and fault modes), then wait for its answer.
root_cmd() {
	echo "$2" >&7
	root_wait "$1" "^hvbridge-root: done: ${2%% *}\$" \
		$(($(grep -c "^hvbridge-root: done: ${2%% *}" "$work/$1.log") + 1))
}

root_end() {
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	exec 7>&-
	rm -f "$work/$1.in"
	awk -f "$HVB_UNTANGLE" "$work/$1.log" > "$work/$1.log.txt"
}

