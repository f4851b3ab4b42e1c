#!/bin/bash
# SPDX-License-Identifier: MIT
# Description: `make run-shell` driven through a FIFO, as a user at the
# terminal would (scripts/run-linux.sh --shell --no-build): the root
# zone's prompt must come last, after the line saying zone1's Linux is
# up and how to reach its console, with nothing printed after it for
# QUIET_S (3) s; zone1 must be running (hvbridge zone list); `hvbridge
# console 1 --until` must get zone1's shell to answer; `poweroff -f`
# must end QEMU.  Not part of make test (a Linux boot: 1-2 min here);
# `make -C tests e2e-run-shell`.  A miss prints what the terminal saw.
#
# run-shell.sh WORK_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: run-shell.sh WORK_DIR}
quiet=${QUIET_S:-3}
mkdir -p "$work"
out=$work/terminal.out
in=$work/terminal.in
rm -f "$in"
mkfifo "$in"
: > "$out"
# Read-write: opening never blocks, and QEMU never sees EOF.
exec 7<> "$in"
timeout -k 5 "${RUN_TIMEOUT:-600}" "$top/scripts/run-linux.sh" --shell \
	--no-build < "$in" > "$out" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; exec 7>&-; rm -f "$in"' EXIT
fail=
t0=$(date +%s)

# until TEXT SECONDS: the terminal shows TEXT (grep -E).
until_out() {
	while ! tr -d '\r' < "$out" | grep -qE -- "$1"; do
		kill -0 $qpid 2>/dev/null || return 1
		[ $(($(date +%s) - t0)) -ge "$2" ] && return 1
		sleep 1
	done
}

# The prompt, last: the "a shell" line, then busybox sh's "# " prompt
# ending the output, which stays the same for $quiet s.
if ! until_out "hvbridge-root: a shell: " 600; then
	fail="no 'hvbridge-root: a shell:' line"
else
	sleep "$quiet"
	s1=$(wc -c < "$out")
	sleep "$quiet"
	# busybox sh asks the terminal for its cursor (ESC [6n) after
	# the prompt.
	last=$(tr -d '\r' < "$out" | tail -n 1 | sed 's/\x1b\[6n$//')
	if [ "$(wc -c < "$out")" != "$s1" ]; then
		fail="the terminal kept printing after the prompt"
	elif ! echo "$last" | grep -qE '# $'; then
		fail="the last line is not the shell's prompt: '$last'"
	elif ! tr -d '\r' < "$out" |
	     grep -qF "hvbridge console 1 (Ctrl-] leaves)"; then
		fail="no line saying how to reach zone1's console"
	fi
fi
if [ -z "$fail" ]; then
	# shellcheck disable=SC2016 # expanded by the root zone's shell
	echo 'hvbridge zone list | awk "\$1 == 1 { print \"zone1-state=\" \$3 }"' >&7
	# shellcheck disable=SC2016
	echo 'echo "echo hvc0-\$((6*7))" | hvbridge console 1 --until hvc0-42 --timeout 60 > /tmp/c.out; echo "console-rc=$? $(grep -c hvc0-42 /tmp/c.out)"' >&7
	until_out "console-rc=[0-9]+ [0-9]+" 900
	tr -d '\r' < "$out" | grep -qx "zone1-state=running" ||
		fail="zone1 is not running (hvbridge zone list)"
	tr -d '\r' < "$out" | grep -qE "^console-rc=0 [1-9]" ||
		fail="hvbridge console 1 --until: no answer from zone1's shell"
fi
echo 'poweroff -f' >&7
# QEMU ends with the root zone's SYSTEM_OFF.
n=0
while kill -0 $qpid 2>/dev/null && [ $n -lt 120 ]; do
	sleep 1
	n=$((n + 1))
done
if kill -0 $qpid 2>/dev/null; then
	[ -n "$fail" ] || fail="QEMU still runs 120 s after poweroff -f"
elif ! tr -d '\r' < "$out" | grep -qF "hvbridge-hyp: root: SYSTEM_OFF"; then
	[ -n "$fail" ] || fail="no SYSTEM_OFF of the root zone after poweroff -f"
fi
if [ -n "$fail" ]; then
	echo "FAIL run-shell: $fail; the terminal ($out):"
	tr -d '\r' < "$out" | tail -n 60 | sed 's/^/  | /'
	exit 1
fi
echo "PASS run-shell: the prompt last after $(tr -d '\r' < "$out" |
	grep -o "zone1's Linux is up ([0-9]* s)" | head -n 1), zone1's shell" \
     "answered through hvbridge console 1, poweroff -f ended QEMU"
