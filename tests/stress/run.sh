#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Description: release-build stress of the request channel.  Builds tool/
# and hyp/ with the real Makefiles for every compiler and optimisation
# level (gcc, clang x -O2, -O3, -O3 -flto) into build/stress/<config>, and
# runs hvbridge-sim from each against the real daemon (a separate
# process):
#   sim         a few vCPUs x many requests
#   sim 16x     16 vCPUs on the few cores there are
#   sleep/wake  pauses make the daemon sleep and be woken hundreds of times
#   wake race   requests land at random points of the daemon's decision
#               to sleep; one vCPU, so no other vCPU's request can hide a
#               lost wake-up (it becomes a producer timeout, a failure)
# Then a ThreadSanitizer build (--inproc, so TSan sees both sides) that
# must report no race, and the teeth, two of them:
#   teeth-real  the real completion wait (hyp/core/channel_wait.c, built
#               by tests/stress/teeth_wait.c with a stopped clock and a
#               transparent loop body) with its acquire of resp.seq made
#               a plain load must not wait for a response published
#               after it began (teeth.c: the watchdog names the step, or
#               the wait gives up on the stopped clock), while the same
#               loop unmutated, same stubs, same harness, must; gcc and
#               clang at -O2 and -O3
#   teeth       the stripped-down loop of broken_wait.c linked into the
#               whole simulation must hang, and its watchdog say how
#
#   run.sh quick   part of `make test`: 2 vCPUs x 100,000 requests,
#                  >= 500 sleep/wake cycles per config (about a minute)
#   run.sh full    `make stress`: 4 vCPUs x 1,000,000 requests,
#                  >= 5,000 sleep/wake cycles per config (about 2 minutes)
#   run.sh teeth   `make stress-teeth`: teeth-real alone (seconds)
#
# Prints PASS/FAIL per case and ends with "stress: N passed, N failed";
# exits non-zero on any failure.  Logs: build/stress/logs/.
# STRESS_CFLAGS is added to every build's EXTRA_CFLAGS.
set -u

MODE=${1:-quick}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/stress
LOGS=$OUT/logs
JOBS=$(nproc 2>/dev/null || echo 2)
STRESS_CFLAGS=${STRESS_CFLAGS:-}

# The builds here choose their own CC/OPT/O; nothing from a calling make
# (command-line variables travel in MAKEFLAGS) may leak into them.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES EXTRA_CFLAGS EXTRA_LDFLAGS

case $MODE in
quick)
	CPUS=2 REQS=100000 MANY_REQS=10000
	SW_CPUS=2 SW_REQS=4000 SW_MIN=500 WR_REQS=40000
	TSAN_REQS=20000 TSAN_SW_REQS=2000 TSAN_SW_MIN=200
	;;
full)
	CPUS=4 REQS=1000000 MANY_REQS=100000
	SW_CPUS=2 SW_REQS=40000 SW_MIN=5000 WR_REQS=400000
	TSAN_REQS=200000 TSAN_SW_REQS=10000 TSAN_SW_MIN=1000
	;;
teeth)
	;;
*)
	echo "usage: $0 quick|full|teeth" >&2
	exit 2
	;;
esac
# Sleep/wake: a pause after every 4 requests, long enough for a daemon
# with a 64-poll spin budget to go to sleep; every next request wakes it.
SW_ARGS=(--burst 4 --pause-us 200 --spin-budget 64)
# Wake race: after every request a random 0..5 us busy pause, about the
# time the daemon takes to spend its 64-poll budget.  Measured here, a
# daemon without its last look for work after announcing SLEEPING
# (barrier W1) loses a wake-up about once in 5,000 requests this way.
WR_ARGS=(--cpus 1 --burst 1 --jitter-ns 5000 --spin-budget 64
	 --timeout-ms 2000)
CONFIGS=("gcc|-O2" "gcc|-O3" "gcc|-O3 -flto"
	 "clang|-O2" "clang|-O3" "clang|-O3 -flto")
# Longest a single case may take before it counts as hung, seconds; the
# simulation's own watchdog (10 s without progress) normally fires first.
CASE_LIMIT=600

passed=0
failed=0
mkdir -p "$LOGS"

pass() {
	echo "PASS $1"
	passed=$((passed + 1))
}

# fail NAME WHY [LOG]
fail() {
	echo "FAIL $1: $2"
	if [ -n "${3:-}" ] && [ -s "$3" ]; then
		tail -n 20 "$3" | sed 's/^/    /'
	fi
	failed=$((failed + 1))
}

# config name: gcc|-O3 -flto -> gcc-O3-flto
cfg_name() {
	local cc=${1%%|*} opt=${1#*|}

	echo "$cc${opt// /}"
}

# build DIR CC OPT CFLAGS LDFLAGS: tool/, then hyp/'s host part, as the
# top Makefile orders them.
build() {
	local dir=$1 cc=$2 opt=$3 cflags="$4 $STRESS_CFLAGS" ldflags=$5
	local log=$LOGS/build-${1##*/}.log

	make -j"$JOBS" --no-print-directory -C "$TOP/tool" O="$dir" \
		CC="$cc" OPT="$opt" EXTRA_CFLAGS="$cflags" \
		EXTRA_LDFLAGS="$ldflags" >"$log" 2>&1 &&
	make -j"$JOBS" --no-print-directory -C "$TOP/hyp" host O="$dir" \
		CC="$cc" OPT="$opt" EXTRA_CFLAGS="$cflags" \
		EXTRA_LDFLAGS="$ldflags" >>"$log" 2>&1
}

# sim_case NAME LOG SIM-ARGS...: run one simulation, bounded
sim_case() {
	local name=$1 log=$2 rc

	shift 2
	timeout -k 5 "$CASE_LIMIT" "$@" >"$log" 2>&1
	rc=$?
	if grep -q 'WARNING: ThreadSanitizer' "$log"; then
		fail "$name" "ThreadSanitizer reported (exit code $rc)" "$log"
		return
	fi
	case $rc in
	0)
		if grep -q '^hvbridge-sim: PASS' "$log"; then
			pass "$name ($(grep -o 'elapsed=.*' "$log"))"
		else
			fail "$name" "exit code 0 but no PASS line" "$log"
		fi
		;;
	124|137) fail "$name" "killed after ${CASE_LIMIT}s" "$log" ;;
	3) fail "$name" "watchdog: the run hung" "$log" ;;
	66) fail "$name" "ThreadSanitizer reported" "$log" ;;
	*) fail "$name" "exit code $rc" "$log" ;;
	esac
}

# loop_loads FILE SYMBOL: does every backward jump in SYMBOL (x86-64)
# enclose a memory operand?  Prints "reload", "hoisted" (a loop without
# any) or "noloop".
loop_loads() {
	local line i j t load verdict=noloop
	local -a addr insn

	while IFS= read -r line; do
		[[ $line =~ ^[[:space:]]*([0-9a-f]+):[[:space:]]+(.*)$ ]] ||
			continue
		addr+=($((16#${BASH_REMATCH[1]})))
		insn+=("${BASH_REMATCH[2]}")
	done < <(objdump -d --no-show-raw-insn --disassemble="$2" "$1" \
		 2>/dev/null)
	for i in "${!insn[@]}"; do
		[[ ${insn[i]} =~ ^j[a-z]*[[:space:]]+([0-9a-f]+)[[:space:]] ]] ||
			continue
		t=$((16#${BASH_REMATCH[1]}))
		[ "$t" -le "${addr[i]}" ] || continue
		load=0
		for j in "${!insn[@]}"; do
			if [ "${addr[j]}" -lt "$t" ] ||
			   [ "${addr[j]}" -gt "${addr[i]}" ]; then
				continue
			fi
			case ${insn[j]} in
			nop*|lea*) ;;		# address syntax, no access
			*"("*) load=1 ;;
			esac
		done
		if [ $load -eq 0 ]; then
			echo hoisted
			return
		fi
		verdict=reload
	done
	echo $verdict
}

# tsan_case NAME LOGNAME SIM-ARGS...: TSan stops the process at its first
# report, past the simulation's cleanup, so the region lives in the build
# directory and this removes it.
tsan_case() {
	local name=$1 log=$LOGS/$2.log region=$OUT/clang-tsan/region

	shift 2
	rm -f "$region"
	sim_case "$name" "$log" "$OUT/clang-tsan/hyp/hvbridge-sim" --inproc \
		--region "$region" "$@"
	rm -f "$region"
}

# The teeth of one compiler: a build whose completion spin is the plain
# load of broken_wait.c must hang, and the watchdog must say so.
teeth() {
	local cc=$1 dir=$OUT/$1-O2 name="teeth $1-O2"
	local bin=$dir/tests/stress/hvbridge-sim-broken
	local log=$LOGS/teeth-$1.log rc v

	if ! make --no-print-directory -C "$TOP/tests" O="$dir" CC="$cc" \
		OPT=-O2 EXTRA_CFLAGS="$STRESS_CFLAGS" "$bin" >"$log" 2>&1; then
		fail "$name" "build of hvbridge-sim-broken failed" "$log"
		return
	fi
	if [ "$(uname -m)" = x86_64 ]; then
		# Control first: the real wait reloads resp.seq in its loop,
		# so a "hoisted" verdict below is not the checker's mistake.
		v=$(loop_loads "$dir/hyp/core/channel_wait.o" \
			hyp_channel_wait_resp)
		if [ "$v" = reload ]; then
			pass "objdump $cc-O2: real completion wait loads resp.seq in its loop"
		else
			fail "objdump $cc-O2" "real completion wait: loop verdict '$v', want 'reload'"
		fi
		v=$(loop_loads "$bin" hyp_channel_wait_resp)
		if [ "$v" = hoisted ]; then
			pass "objdump $cc-O2: broken wait spins with no load"
		else
			fail "objdump $cc-O2" "broken wait: loop verdict '$v', want 'hoisted' (the compiler kept the load)"
		fi
	fi
	timeout -k 5 60 "$bin" --cpus 2 --requests 100000 --watchdog-s 3 \
		--daemon "$dir/tool/hvbridge" >>"$log" 2>&1
	rc=$?
	# The hoisted spin's signature in the watchdog report: a vCPU whose
	# response is in its slot (resp.seq == req.seq) but which still waits.
	# Any other hang (say, a daemon that stopped answering) is not this.
	if [ $rc -eq 3 ] && grep -q 'WATCHDOG: no progress for 3s' "$log"; then
		if grep -Eq 'req\.seq=([1-9][0-9]*) resp\.seq=\1 ' "$log"; then
			pass "$name: broken wait hangs with its response in the slot, watchdog fires"
		else
			fail "$name" "the watchdog fired, but no vCPU had its response: a different hang" "$log"
		fi
	elif [ $rc -eq 0 ]; then
		fail "$name" "the broken build completed: the stress test lost its teeth" "$log"
	else
		fail "$name" "exit code $rc, want 3 with a WATCHDOG message" "$log"
	fi
}

# The teeth on the real loop, one compiler and level: hvbridge-teeth
# (the real wait, its acquire of resp.seq made a plain load) must not
# wait for a response published after the wait began; the control
# (the same loop unmutated, the same stubs and harness) must.
teeth_real() {
	local cc=$1 opt=$2 dir=$OUT/$1$2 cfg="$1$2" v
	local sd=$dir/tests/stress
	local name="teeth-real $cfg" log=$LOGS/teeth-real-$1$2.log rc

	if ! make --no-print-directory -C "$TOP/tests" O="$dir" CC="$cc" \
		OPT="$opt" EXTRA_CFLAGS="$STRESS_CFLAGS" "$sd/hvbridge-teeth" \
		"$sd/hvbridge-teeth-control" "$sd/teeth_wait_relax.o" \
		>"$log" 2>&1; then
		fail "$name" "build of hvbridge-teeth failed" "$log"
		return
	fi
	if [ "$(uname -m)" = x86_64 ]; then
		v=$(loop_loads "$sd/teeth_wait_ctl.o" hyp_channel_wait_resp)
		if [ "$v" = reload ]; then
			pass "$name objdump: the control loop loads resp.seq every turn"
		else
			fail "$name objdump" "control: loop verdict '$v', want 'reload'"
		fi
		v=$(loop_loads "$sd/teeth_wait_mut.o" hyp_channel_wait_resp)
		case $v in
		hoisted) pass "$name objdump: the mutated loop spins with no load" ;;
		noloop) pass "$name objdump: the mutated wait has no loop left, hence no load" ;;
		*) fail "$name objdump" "mutated: loop verdict '$v', want 'hoisted' or 'noloop' (the compiler kept the load)" ;;
		esac
		# Not a check: what hvb_cpu_relax() alone does (the clock
		# stubbed, the relax kept), for docs/memory-ordering.md.
		v=$(loop_loads "$sd/teeth_wait_relax.o" hyp_channel_wait_resp)
		echo "INFO $name: with hvb_cpu_relax() kept, the mutated loop's verdict is '$v'"
	fi
	# The control's watchdog is generous: it fires only on a failure,
	# and a loaded machine may starve a nice'd waiter for seconds.
	timeout -k 5 120 "$sd/hvbridge-teeth-control" --watchdog-s 20 \
		>>"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^teeth: PASS' "$log"; then
		pass "$name: control: the unmutated real loop returns with every response"
	else
		fail "$name" "control: exit code $rc, want 0: the unmutated real loop failed" "$log"
		return
	fi
	timeout -k 5 120 "$sd/hvbridge-teeth" --watchdog-s 3 >>"$log" 2>&1
	rc=$?
	if [ $rc -eq 3 ] &&
	   grep -Eq 'WATCHDOG: .* in step 2 .*seq ([0-9]+)\): resp\.seq=\1 is in the slot' "$log"; then
		pass "$name: mutated real loop hangs with its response in the slot, the watchdog names step 2"
	elif [ $rc -eq 4 ] && grep -q 'GAVE UP: in step 2 ' "$log"; then
		pass "$name: mutated real loop gives up at once on a stopped clock (its loop made finite), step 2"
	elif [ $rc -eq 0 ]; then
		fail "$name" "the mutated real loop waited for every response: the teeth test lost its teeth" "$log"
	else
		fail "$name" "exit code $rc, want 3 (WATCHDOG, step 2) or 4 (GAVE UP, step 2)" "$log"
	fi
}

# The teeth's hooks (TEETH_PLAIN_LOAD, ...) live in tests/stress alone:
# a product file that knew one could be built with the mutation.
teeth_hooks_private() {
	local where

	where=$(grep -rlw -e 'TEETH_[A-Z_]*' "$TOP/common" "$TOP/hyp" \
		"$TOP/tool" "$TOP/kmod" 2>/dev/null)
	if [ -z "$where" ]; then
		pass "teeth-real: no product source names a TEETH_ hook"
	else
		fail "teeth-real" "product sources name a TEETH_ hook: ${where//$'\n'/ }"
	fi
}

if [ "$MODE" = teeth ]; then
	echo "stress (teeth): the real completion wait, mutated and not, gcc and clang at -O2 and -O3"
	teeth_hooks_private
	for cfg in "gcc|-O2" "gcc|-O3" "clang|-O2" "clang|-O3"; do
		teeth_real "${cfg%%|*}" "${cfg#*|}"
	done
	echo "stress: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi

echo "stress ($MODE): ${CPUS} vCPUs x ${REQS} requests, sleep/wake >= ${SW_MIN} cycles, wake race x ${WR_REQS}, ${#CONFIGS[@]} builds + TSan + teeth-real + teeth"

seed=1
for cfg in "${CONFIGS[@]}"; do
	cc=${cfg%%|*}
	opt=${cfg#*|}
	name=$(cfg_name "$cfg")
	dir=$OUT/$name
	if ! build "$dir" "$cc" "$opt" "" ""; then
		fail "build $name" "make failed" "$LOGS/build-$name.log"
		continue
	fi
	sim=$dir/hyp/hvbridge-sim
	sim_case "sim $name ${CPUS}x$REQS" "$LOGS/sim-$name.log" \
		"$sim" --cpus "$CPUS" --requests "$REQS" --seed $seed
	# 16 vCPUs on a few cores: every kick queue in use, and waiting
	# vCPUs must yield (hyp_arch_wait_check) for the daemon to run.
	sim_case "sim $name 16x$MANY_REQS" "$LOGS/sim16-$name.log" \
		"$sim" --cpus 16 --requests "$MANY_REQS" --seed $((seed + 300))
	sim_case "sleep/wake $name" "$LOGS/sleepwake-$name.log" \
		"$sim" --cpus "$SW_CPUS" --requests "$SW_REQS" "${SW_ARGS[@]}" \
		--min-sleeps "$SW_MIN" --seed $((seed + 100))
	sim_case "wake race $name" "$LOGS/wakerace-$name.log" \
		"$sim" --requests "$WR_REQS" "${WR_ARGS[@]}" \
		--min-sleeps "$SW_MIN" --seed $((seed + 200))
	seed=$((seed + 1))
done

# ThreadSanitizer: clang (gcc 12 warns, -Wtsan, that its TSan does not
# support atomic_thread_fence, which -Werror makes fatal).  Any report is
# a failure: TSan exits 66 at the first one, and its banner in the log
# counts too.
dir=$OUT/clang-tsan
if ! build "$dir" clang -O1 "-fsanitize=thread" "-fsanitize=thread"; then
	fail "build clang-tsan" "make failed" "$LOGS/build-clang-tsan.log"
else
	export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
	tsan_case "tsan --inproc 2x$TSAN_REQS" tsan \
		--cpus 2 --requests "$TSAN_REQS"
	tsan_case "tsan --inproc sleep/wake" tsan-sleepwake \
		--cpus 2 --requests "$TSAN_SW_REQS" "${SW_ARGS[@]}" \
		--min-sleeps "$TSAN_SW_MIN"
	tsan_case "tsan --inproc wake race" tsan-wakerace \
		--requests "$TSAN_SW_REQS" "${WR_ARGS[@]}"
	unset TSAN_OPTIONS
fi

teeth_hooks_private
for cfg in "gcc|-O2" "gcc|-O3" "clang|-O2" "clang|-O3"; do
	teeth_real "${cfg%%|*}" "${cfg#*|}"
done

for cc in gcc clang; do
	if [ -x "$OUT/$cc-O2/hyp/hvbridge-sim" ]; then
		teeth "$cc"
	else
		fail "teeth $cc-O2" "no $cc-O2 build to add the broken wait to"
	fi
done

echo "stress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
