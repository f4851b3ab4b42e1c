#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: the e2e-linux-load part of make test (docs/linux-zone.md,
# "Under load"): zone1's Linux runs guest-load, checksummed random 4 KiB
# O_DIRECT I/O on its virtio-blk disk from both its CPUs, while the root
# zone runs a checksummed copy loop on both of its, once with the
# release build as shipped (-O2: the hypervisor, the daemon and
# hvbridge.ko) and once with all three at -O3 (tests/build/o3.mk).  Each
# run is one QEMU boot (scripts/run-linux.sh --load TAG), whose verdict
# is read from each zone's console log: no I/O error, no checksum
# mismatch, no hung task, no request left incomplete or interrupt left
# unacknowledged.  A run that fails, or that its watchdog (LOAD_TIMEOUT
# s) ends, prints the misses, the last step reached and the tail of
# each zone's log.  The root zone loads hvbridge.ko with timeout_ms=5000
# (docs/kmod.md): four busy vCPUs on a 2-core host can keep its daemon
# from the host CPU for more than the default 500 ms, which is the
# emulator, not the channel; the run wants the hypervisor's attach line
# with that timeout.
#
# load.sh WORK_DIR O3_HYP O3_DAEMON O3_KMOD
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: load.sh WORK_DIR O3_HYP O3_DAEMON O3_KMOD}
o3_hyp=${2:?}
o3_daemon=${3:?}
o3_kmod=${4:?}
tmo=${LOAD_TIMEOUT:-600}
mkdir -p "$work"
pass=0
fail=0

# one TAG [VAR=VALUE...]: a run of run-linux.sh --load TAG, the
# variables choosing its build; the first run builds the shipped one
# and the guest's filesystem, the second uses them.
one() {
	tag=$1
	shift
	out=$work/$tag.out
	log=$work/$tag.log
	build=--no-build
	[ "$tag" = O2 ] && build=
	rm -f "$log" "$top/build/run-linux/load-$tag/serial.log"
	# shellcheck disable=SC2086 # $build: one word or none
	if env "$@" HVB_KMOD_ARGS=timeout_ms=5000 RUN_TIMEOUT=$((tmo - 60)) \
		timeout -k 10 "$tmo" \
		"$top/scripts/run-linux.sh" --load "$tag" $build --log "$log" \
		> "$out" 2>&1; then
		grep "^== load-$tag: OK" "$out"
		echo "PASS e2e-linux-load/$tag"
		pass=$((pass + 1))
		return
	fi
	echo "== e2e-linux-load/$tag: the progress ($out):"
	cat "$out"
	s=$top/build/run-linux/load-$tag/serial.log
	if [ ! -f "$log" ] && [ -f "$s" ]; then
		# The watchdog ended run-linux.sh before it kept the log.
		tr -d '\r' < "$s" > "$log"
		echo "== e2e-linux-load/$tag: stopped by the ${tmo} s" \
		     "watchdog; the last step reached: $(grep -E \
		     'hvbridge-root: (load:|zone1 started|daemon serving|hvbridge-linux)|guest-load: ' \
		     "$log" | tail -n 1)"
	fi
	if [ -f "$log" ]; then
		echo "== e2e-linux-load/$tag: zone1's log, last 60 lines:"
		grep '^\[zone1-linux\]' "$log" | tail -n 60
		echo "== e2e-linux-load/$tag: the root zone's log, last 60 lines:"
		grep -v '^\[zone1-linux\]' "$log" | tail -n 60
	else
		echo "(no serial log: QEMU did not start)"
	fi
	echo "FAIL e2e-linux-load/$tag"
	fail=$((fail + 1))
}

one O2
one O3 HVB_HYP_ELF="$o3_hyp" HVB_DAEMON_ARM64="$o3_daemon" \
	HVB_KMOD="$o3_kmod"
echo "e2e-linux-load: $pass passed, $fail failed"
[ "$fail" = 0 ]
