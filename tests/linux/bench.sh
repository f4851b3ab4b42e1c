#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: the linux-zone benchmark, e2e-linux-bench in `make bench`
# (docs/linux-zone.md, "Benchmark"; issues 10 and 14): in one QEMU run
# the same fio job (4 KiB random reads at queue depth 1 and 32, 1 MiB
# sequential reads and writes) runs in the root zone on an image file
# on ext4, then in zone1 on two virtio-blk disks the daemon serves from
# that file, its fast path off on the first ("before") and on on the
# second ("after"), in rounds that take turns at going first
# (scripts/run-linux.sh --bench);
# tests/linux/bench-report.py turns the serial log into JSON_OUT with
# each side's figures, the ratios and the daemon's counters.  It
# fails only when the run went wrong (fio missing, a job failing, a
# step missing, the watchdog), never on the figures.  As
# e2e-linux-load, the root zone loads hvbridge.ko with timeout_ms=5000
# (docs/kmod.md): fio at queue depth 32 keeps zone1's vCPUs busy, and
# on a loaded 2-core host the emulator can keep the daemon from a host
# CPU past the default 500 ms; that would abort zone1, not slow it.
#
# bench.sh WORK_DIR JSON_OUT
# BENCH_TIMEOUT (1800) s: the watchdog of the whole run, builds included.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: bench.sh WORK_DIR JSON_OUT}
json=${2:?usage: bench.sh WORK_DIR JSON_OUT}
tmo=${BENCH_TIMEOUT:-1800}
mkdir -p "$work"
out=$work/bench.out
log=$work/serial.log
name=e2e-linux-bench/linux-zone
rm -f "$log" "$top/build/run-linux/bench/serial.log"
# The build machine is shared: its load around the run goes with the
# figures (bench-report.py puts it in the JSON and the table).
HVB_BENCH_LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
timeout -k 10 "$tmo" env RUN_TIMEOUT=$((tmo - 60)) \
	HVB_KMOD_ARGS="${HVB_KMOD_ARGS:-timeout_ms=5000}" \
	"$top/scripts/run-linux.sh" --bench --log "$log" > "$out" 2>&1
rc=$?
HVB_BENCH_LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
export HVB_BENCH_LOAD_START HVB_BENCH_LOAD_END
s=$top/build/run-linux/bench/serial.log
if [ ! -f "$log" ] && [ -f "$s" ]; then
	# The watchdog ended run-linux.sh before it kept the log.
	tr -d '\r' < "$s" > "$log"
fi
if [ "$rc" = 0 ] && [ -f "$log" ] &&
   "$top/tests/linux/bench-report.py" "$log" "$json"; then
	echo "PASS $name"
	echo "e2e-linux-bench: 1 passed, 0 failed"
	exit 0
fi
echo "== e2e-linux-bench: the progress ($out):"
cat "$out"
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "== e2e-linux-bench: stopped by a watchdog (QEMU's" \
	     "$((tmo - 60)) s, or the whole part's ${tmo} s)"
fi
if [ -f "$log" ]; then
	# The report names what went wrong, when there is a log to read.
	[ "$rc" = 0 ] || "$top/tests/linux/bench-report.py" "$log" "$json"
	echo "== e2e-linux-bench: the last step reached: $(grep -E \
		'hvbridge-root: (bench:|zone1 started|daemon serving|hvbridge-linux)' \
		"$log" | grep -v 'bench: [a-z0-9-]* json [0-9]' | tail -n 1)"
	echo "== e2e-linux-bench: the serial log's last 60 lines ($log):"
	grep -v 'bench: [a-z0-9-]* json [0-9]' "$log" | tail -n 60
else
	echo "== e2e-linux-bench: no serial log: QEMU did not start"
fi
echo "FAIL $name"
echo "e2e-linux-bench: 0 passed, 1 failed"
exit 1
