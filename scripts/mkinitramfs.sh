#!/bin/bash
# SPDX-License-Identifier: MIT
# mkinitramfs.sh: the root zone's initramfs (docs/root-zone.md), and with
# --dtb its device tree, in build/root/ unless told otherwise.
#
# The initramfs holds:
#   /bin/busybox            static aarch64 busybox (scripts/fetch-arm64.sh);
#                           /init installs its applets as links at boot
#   /usr/sbin/hvbridge      the static arm64 daemon (make -C tool arm64)
#   /lib/modules/hvbridge.ko  when it was built (kmod/); without it the
#                           root zone boots and says so
#   /etc/hvbridge/zone1.json  the --config file (default
#                           configs/zone1-root.json: zone1's test device
#                           through /dev/hvbridge; make run-shell gives
#                           configs/zone1-virtio-root.json)
#   /etc/hvbridge/zone1-virtio.json  configs/zone1-virtio-root.json:
#                           zone1's virtio workload (mode run)
#   /etc/hvbridge/kmod-args  --kmod-args: hvbridge.ko's parameters
#                           (e.g. timeout_ms=5000), when given
#   /etc/hvbridge/zones/    with --zone JSON: that zone config
#                           (hvisor-tool's format, docs/zones.md) and
#                           each --zone-file FILE (the kernel and DTB it
#                           names, by their base names), for `hvbridge
#                           zone start`; mode test starts it
#   /usr/sbin/hvbridge-ctl  load/unload the module, start/stop/restart the
#                           daemon, status; every step prints a line
#                           starting "hvbridge-root: " (the tests grep them)
#   /init                   mounts proc, sys, dev (devtmpfs), /dev/pts
#                           (devpts: pty consoles) and /run,
#                           loads the module, starts the daemon, then per
#                           "hvbridge_mode=" on the kernel command line:
#                             shell (default)  a shell on the console
#                             test   checks a second daemon is refused,
#                                    runs the static zone1 (its built-in
#                                    guest) again under the daemon
#                                    (hvbridge zone start 1); with
#                                    --zone, shuts it down and starts
#                                    zone1 from that config instead, as
#                                    users do (hvbridge zone start
#                                    FILE.json), until it stops;
#                                    waits for a line "stop" on the
#                                    console (the test harness sends it
#                                    when zone1 is done), restarts the
#                                    daemon, stops it, shuts the zone
#                                    down, unloads the module, powers off
#                             nodaemon  loads the module, starts no
#                                    daemon, then runs console commands
#                             fault  loads the module, starts the daemon,
#                                    then runs console commands: one a
#                                    line, each answered by "hvbridge-root:
#                                    done: CMD": status, kill (SIGKILL the
#                                    daemon), start [DAEMON OPTIONS], off
#                                    (stop, unload, power off)
#                             run    `make run-baremetal` (scripts/run-baremetal.sh): makes
#                                    the 1 MiB blk image (shell too)
#                                    /var/lib/hvbridge/zone1-blk.img,
#                                    serves zone1's virtio workload with
#                                    zone1-virtio.json, waits for a line
#                                    "done" on the console (sent when
#                                    zone1 has exited), prints a summary
#                                    block (hvbridge stat, the daemon's
#                                    counters), stops the daemon, unloads
#                                    the module, powers off; with
#                                    --zone-runs N (> 1) it first starts
#                                    zone1 again (hvbridge zone start 1)
#                                    each time it has stopped, until it
#                                    ran N times under the one daemon
#                             linux  zone1 runs Debian's Linux (needs
#                                    --linux): hvbridge-linux start,
#                                    wait-up, then a shell (make
#                                    run-shell, docs/linux-zone.md)
#                             linux-run  `make run`: zone1's Linux
#                                    booted once and measured
#                                    (hvbridge-linux run), then power off
#                             linux-test  `make run-linux`: zone1's
#                                    Linux booted $HVB_LINUX_CYCLES
#                                    times under one daemon
#                                    (hvbridge-linux test), the
#                                    daemon-death case (hvbridge-linux
#                                    death), then power off
#                             linux-load  the e2e-linux-load part:
#                                    zone1's Linux and the root zone
#                                    under load (hvbridge-linux load),
#                                    then power off
#                             linux-bench  the linux-zone benchmark
#                                    (needs --fio): the same fio job in
#                                    the root zone on the bench disk's
#                                    image file and in zone1 on that
#                                    disk (hvbridge-linux bench), then
#                                    power off
#   with --linux DIR (build/linux, scripts/mkguestfs.sh):
#   /var/lib/hvbridge/zone1-linux/  zone1_linux.json, virtio_cfg_linux.json,
#                           the kernel file, the DTBs and rootfs.ext4
#   /lib/modules/tun.ko     Debian's, for the daemon's tap0
#   /usr/sbin/hvbridge-linux  hvisor-tool's workflow: the daemon on
#                           virtio_cfg_linux.json, tap0 10.0.1.1/24, the
#                           static zone1 shut down, zone start
#                           zone1_linux.json (scripts/hvbridge-linux)
#   with --fio DIR (build/arm64-fio/root, scripts/fetch-arm64-fio.sh):
#   /usr/bin/fio, its loader and libraries  Debian's arm64 fio, as DIR has them
#   /usr/share/hvbridge/linux-zone.fio  the benchmark's job
#                           (scripts/guestfs/linux-zone.fio)
#   /usr/share/hvbridge/bench.ext4  an empty ext4 file system, made by
#                           e2fsprogs' mke2fs with room for a
#                           $HVB_BENCH_MIB (64) MiB bench.img: the
#                           benchmark mounts it through a loop device,
#                           because the daemon's fast path needs a file
#                           system that answers RWF_NOWAIT, and the
#                           initramfs's tmpfs does not
#   /lib/modules/bench/{loop,crc16,mbcache,jbd2,crc32c_generic,ext4}.ko
#                           Debian's, for that mount
#
# With --dtb it also writes root.dtb: tests/e2e/mkroot.sh's root-zone DTB
# (QEMU virt's, cut to the root zone, with the hvbridge,channel node),
# with this initramfs's size and the command line in /chosen.  Both are
# loaded by QEMU (addresses in hyp/arch/arm64/README.md): the DTB at
# 0x48000000, the initramfs at 0x49000000.
#
# Usage: mkinitramfs.sh [-o DIR] [--dtb] [--linux DIR]
#                       [--mode shell|test|nodaemon|fault|run|linux|linux-test|linux-run|linux-load|linux-bench]
#                       [--busybox F] [--daemon F] [--kmod F] [--config F]
#                       [--kmod-args 'PARAM=V ...'] [--zone-runs N]
#                       [--zone JSON [--zone-file F]...] [--fio DIR]
# Defaults: build/root, build/arm64/busybox, build/host/arm64/tool/hvbridge,
# the first of $HVB_KMOD, build/host/arm64/kmod/hvbridge.ko,
# build/kmod/hvbridge.ko, kmod/hvbridge.ko that exists, configs/zone1-root.json.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$TOP/build/root
busybox=$TOP/build/arm64/busybox
daemon=$TOP/build/host/arm64/tool/hvbridge
config=$TOP/configs/zone1-root.json
vconfig=$TOP/configs/zone1-virtio-root.json
kmod=
kmod_args=
zone_runs=1
zone=
zone_files=()
dtb=0
mode=shell
linux=
fio=
INITRD_ADDR=0x49000000

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }
usage() {
	sed -n 's/^# Usage: /usage: /p; /^# Usage:/,/^# Defaults/{/^#  /p}' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	-o) out=$2; shift ;;
	--dtb) dtb=1 ;;
	--mode) mode=$2; shift ;;
	--busybox) busybox=$2; shift ;;
	--daemon) daemon=$2; shift ;;
	--kmod) kmod=$2; shift ;;
	--kmod-args) kmod_args=$2; shift ;;
	--config) config=$2; shift ;;
	--linux) linux=$2; shift ;;
	--zone-runs) zone_runs=$2; shift ;;
	--zone) zone=$2; shift ;;
	--zone-file) zone_files+=("$2"); shift ;;
	--fio) fio=$2; shift ;;
	*) usage ;;
	esac
	shift
done
case $mode in
shell | test | nodaemon | fault | run) ;;
linux | linux-test | linux-run | linux-load)
	[ -n "$linux" ] || die "--mode $mode needs --linux DIR" ;;
linux-bench)
	if [ -z "$linux" ] || [ -z "$fio" ]; then
		die "--mode $mode needs --linux DIR and --fio DIR"
	fi ;;
*) die "--mode is shell, test, nodaemon, fault, run, linux, linux-test, linux-run, linux-load or linux-bench, not '$mode'" ;;
esac
if [ -z "$kmod" ]; then
	for k in "${HVB_KMOD:-}" "$TOP/build/host/arm64/kmod/hvbridge.ko" \
		 "$TOP/build/kmod/hvbridge.ko" "$TOP/kmod/hvbridge.ko"; do
		if [ -n "$k" ] && [ -f "$k" ]; then
			kmod=$k
			break
		fi
	done
fi

[ -x "$busybox" ] || die "no $busybox (scripts/fetch-arm64.sh)"
[ -x "$daemon" ] || die "no $daemon (make -C tool arm64)"
[ -f "$config" ] || die "no $config"
[ -f "$vconfig" ] || die "no $vconfig"
case $(file -b "$daemon") in
*ARM\ aarch64*statically\ linked*) ;;
*) die "$daemon is not a static aarch64 program: $(file -b "$daemon")" ;;
esac
for tool in cpio gzip; do
	command -v $tool >/dev/null || die "'$tool' not found (scripts/deps.sh)"
done

mkdir -p "$out"
root=$out/initramfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
	"$root/lib/modules" "$root/etc/hvbridge" "$root/proc" "$root/sys" \
	"$root/dev" "$root/run" "$root/tmp" "$root/root"
# Names for ls and stat; root's home for the shell.
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
cp "$busybox" "$root/bin/busybox"
cp "$daemon" "$root/usr/sbin/hvbridge"
cp "$config" "$root/etc/hvbridge/zone1.json"
cp "$vconfig" "$root/etc/hvbridge/zone1-virtio.json"
case $zone_runs in
'' | *[!0-9]*) die "--zone-runs takes a number, not '$zone_runs'" ;;
esac
echo "$zone_runs" > "$root/etc/hvbridge/zone-runs"
if [ -n "$zone" ]; then
	[ -f "$zone" ] || die "no $zone (--zone)"
	mkdir -p "$root/etc/hvbridge/zones"
	cp "$zone" "$root/etc/hvbridge/zones/"
	for f in ${zone_files[@]+"${zone_files[@]}"}; do
		[ -f "$f" ] || die "no $f (--zone-file)"
		cp "$f" "$root/etc/hvbridge/zones/"
	done
elif [ ${#zone_files[@]} -gt 0 ]; then
	die "--zone-file without --zone"
fi
if [ -n "$kmod" ]; then
	cp "$kmod" "$root/lib/modules/hvbridge.ko"
fi
if [ -n "$linux" ]; then
	z=$root/var/lib/hvbridge/zone1-linux
	mkdir -p "$z"
	for f in zone1_linux.json virtio_cfg_linux.json zone1-Image.initrd \
		 zone1_linux.dtb zone1_linux-test.dtb rootfs.ext4; do
		[ -f "$linux/$f" ] || die "no $linux/$f (scripts/mkguestfs.sh)"
		cp "$linux/$f" "$z/$f"
	done
	# make run-shell: zone1's kernel errors only on the serial port it
	# shares with the root zone's shell (hvbridge-linux start's DTB).
	if [ "$mode" = linux ]; then
		command -v fdtput >/dev/null ||
			die "'fdtput' not found (scripts/deps.sh)"
		fdtput -t s "$z/zone1_linux.dtb" /chosen bootargs \
			"$(fdtget -t s "$z/zone1_linux.dtb" /chosen bootargs) loglevel=3"
	fi
	# The tap of the daemon's virtio-net: Debian builds tun as a module.
	arm64=$(dirname "$busybox")
	tun=$(find "$arm64/lib/modules/$(cat "$arm64/kernel-version")" \
		-name tun.ko -print -quit 2>/dev/null)
	[ -n "$tun" ] || die "no tun.ko under $arm64/lib/modules (scripts/fetch-arm64.sh)"
	cp "$tun" "$root/lib/modules/tun.ko"
	cp "$TOP/scripts/hvbridge-linux" "$root/usr/sbin/hvbridge-linux"
	chmod +x "$root/usr/sbin/hvbridge-linux"
	# make run-linux's knobs (scripts/run-linux.sh), as the build
	# machine's environment gives them: defaults the root zone keeps
	# unless its own environment says otherwise.
	for v in HVB_LINUX_CYCLES HVB_LINUX_DEATH HVB_LINUX_TCP_MIB \
		 HVB_LINUX_DEATH_WATCH HVB_LINUX_RESTARTS HVB_LINUX_GAP \
		 HVB_RUN_BLK_MIB HVB_LOAD_SECS \
		 HVB_LOAD_ROOT_NICE HVB_LOAD_ROOT_JOBS HVB_BENCH_SECS \
		 HVB_BENCH_RAMP HVB_BENCH_MIB HVB_BENCH_ROUNDS; do
		eval "x=\${$v:-}"
		case $x in
		'') ;;
		*[!0-9]*) die "$v takes a number, not '$x'" ;;
		*) echo ": \${$v:=$x}" ;;
		esac
	done > "$root/etc/hvbridge/linux-test.env"
fi

if [ -n "$fio" ]; then
	[ -x "$fio/usr/bin/fio" ] ||
		die "no $fio/usr/bin/fio (scripts/fetch-arm64-fio.sh)"
	cp -a "$fio/." "$root/"
	mkdir -p "$root/usr/share/hvbridge"
	cp "$TOP/scripts/guestfs/linux-zone.fio" "$root/usr/share/hvbridge/"
	# The bench image's file system (scripts/hvbridge-linux bench):
	# ext4 answers RWF_NOWAIT, so the daemon's fast path can serve it.
	# Room for the image, the journal and the metadata; every table
	# written here (no lazy init), so that no kernel thread zeroes
	# them in the root zone while fio runs.
	command -v mke2fs >/dev/null || die "'mke2fs' not found (scripts/deps.sh)"
	bmib=${HVB_BENCH_MIB:-64}
	case $bmib in
	'' | *[!0-9]*) die "HVB_BENCH_MIB takes a number, not '$bmib'" ;;
	esac
	rm -f "$root/usr/share/hvbridge/bench.ext4"
	mke2fs -q -F -t ext4 -b 4096 -L hvb-bench -m 0 \
		-E lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0 \
		"$root/usr/share/hvbridge/bench.ext4" "$((bmib + bmib / 4 + 16))M" ||
		die "mke2fs of the bench's ext4 image failed"
	arm64=$(dirname "$busybox")
	kmods=$arm64/lib/modules/$(cat "$arm64/kernel-version")
	mkdir -p "$root/lib/modules/bench"
	for m in loop crc16 mbcache jbd2 crc32c_generic ext4; do
		k=$(find "$kmods" -name "$m.ko" -print -quit 2>/dev/null)
		[ -n "$k" ] || die "no $m.ko under $kmods (scripts/fetch-arm64.sh)"
		cp "$k" "$root/lib/modules/bench/$m.ko"
	done
fi

cat > "$root/usr/sbin/hvbridge-ctl" <<'CTL'
#!/bin/sh
# hvbridge-ctl: the root zone's module and daemon (docs/root-zone.md).
#   load | unload          insmod / rmmod hvbridge.ko
#   start | stop | restart the daemon: hvbridge daemon -c CONFIG (kmod
#                          transport), output to the console and to
#                          /run/hvbridge.log
#   status                 module, device, zones (hvbridge zone list)
#                          and daemon, a line each
# CONFIG is $HVB_CONFIG, default /etc/hvbridge/zone1.json; more daemon
# options in $HVB_DAEMON_ARGS, the module's parameters (timeout_ms=,
# nr_cpus=) in $HVB_KMOD_ARGS, default /etc/hvbridge/kmod-args.
KO=/lib/modules/hvbridge.ko
CONFIG=${HVB_CONFIG:-/etc/hvbridge/zone1.json}
LOG=/run/hvbridge.log
PIDF=/run/hvbridge.pid

say() { echo "hvbridge-root: $*"; }

running() {
	[ -f $PIDF ] && kill -0 "$(cat $PIDF)" 2>/dev/null
}

load() {
	if grep -q '^hvbridge ' /proc/modules; then
		say "hvbridge.ko already loaded"
	elif [ ! -f $KO ]; then
		say "no hvbridge.ko in this initramfs"
		return 1
	elif ! insmod $KO ${HVB_KMOD_ARGS:-$(cat /etc/hvbridge/kmod-args 2>/dev/null)}; then
		say "insmod hvbridge.ko failed"
		return 1
	else
		say "hvbridge.ko loaded"
	fi
	# devtmpfs makes the node when the misc device registers.
	t=0
	while [ ! -c /dev/hvbridge ] && [ $t -lt 20 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	if [ ! -c /dev/hvbridge ]; then
		say "no /dev/hvbridge after loading the module"
		return 1
	fi
	say "/dev/hvbridge: $(stat -c '%A %U' /dev/hvbridge)"
}

unload() {
	if running; then
		say "the daemon runs: stop it first"
		return 1
	fi
	if ! grep -q '^hvbridge ' /proc/modules; then
		say "hvbridge.ko not loaded"
		return 0
	fi
	if rmmod hvbridge; then
		say "hvbridge.ko unloaded"
	else
		say "rmmod hvbridge failed"
		return 1
	fi
}

start() {
	if running; then
		say "the daemon already runs (pid $(cat $PIDF))"
		return 0
	fi
	rm -f $PIDF
	: >> $LOG
	# This daemon's line, not an earlier one's (a restart, or a start
	# after a daemon was killed).
	served=$(grep -c "hvbridge: serving" $LOG)
	# A shell waits for the daemon to report its exit status; the
	# daemon's own pid is in $PIDF, for the signals.
	(
		# No --transport: kmod is the default where /dev/hvbridge
		# exists (docs/daemon.md); the boot exercises that rule.
		# shellcheck disable=SC2086
		hvbridge daemon -c "$CONFIG" $HVB_DAEMON_ARGS &
		echo $! > $PIDF
		wait $!
		say "daemon exited, status $?"
	) 2>&1 | tee -a $LOG &
	# Up when it serves, failed when it exits first; 10 s at most.
	t=0
	while [ $t -lt 100 ]; do
		if [ "$(grep -c "hvbridge: serving" $LOG)" -gt "$served" ]; then
			say "daemon serving (pid $(cat $PIDF))"
			return 0
		fi
		if [ -f $PIDF ] && ! running; then
			break
		fi
		sleep 0.1
		t=$((t + 1))
	done
	say "daemon failed to start"
	return 1
}

stop() {
	if ! running; then
		say "the daemon does not run"
		return 0
	fi
	pid=$(cat $PIDF)
	exits=$(grep -c "daemon exited, status" $LOG)
	kill -TERM "$pid"
	t=0
	while kill -0 "$pid" 2>/dev/null && [ $t -lt 50 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "daemon did not stop on SIGTERM"
		return 1
	fi
	# Let the wrapper print the exit status before we go on.
	t=0
	while [ "$(grep -c "daemon exited, status" $LOG)" -le "$exits" ] &&
	      [ $t -lt 20 ]; do
		sleep 0.1
		t=$((t + 1))
	done
	rm -f $PIDF
	say "daemon stopped"
}

status() {
	if grep -q '^hvbridge ' /proc/modules; then
		say "module: loaded"
	else
		say "module: not loaded"
	fi
	if [ -c /dev/hvbridge ]; then
		say "device: /dev/hvbridge"
		# The zones, beside the daemon (no daemon role needed).
		hvbridge zone list 2>&1 | while IFS= read -r l; do
			say "zone: $l"
		done
	else
		say "device: none"
	fi
	if running; then
		say "daemon: running (pid $(cat $PIDF))"
	else
		say "daemon: not running"
	fi
}

case ${1:-} in
load) load ;;
unload) unload ;;
start) start ;;
stop) stop ;;
restart) stop && start ;;
status) status ;;
*) echo "usage: hvbridge-ctl load|unload|start|stop|restart|status" >&2
   exit 2 ;;
esac
CTL

# The module's parameters (docs/root-zone.md): timeout_ms= for a
# root zone whose daemon may stall longer than the default 500 ms.
if [ -n "$kmod_args" ]; then
	printf '%s\n' "$kmod_args" > "$root/etc/hvbridge/kmod-args"
fi

cat > "$root/init" <<'INIT'
#!/bin/busybox sh
# The root zone's /init (scripts/mkinitramfs.sh, docs/root-zone.md).
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# A pty console (virtio-console's default, and hvisor-tool's) needs
# /dev/pts: the daemon opens /dev/ptmx and hands out /dev/pts/N.
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs run /run
exec </dev/console >/dev/console 2>&1
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

mode=shell
for a in $(cat /proc/cmdline); do
	case $a in
	hvbridge_mode=*) mode=${a#hvbridge_mode=} ;;
	esac
done
say() { echo "hvbridge-root: $*"; }
# make run: the root zone and zone1 share one serial port, and their
# characters mix when both write at once.  Until zone1 has exited (the
# harness then types "done"), the root zone writes to /run/root.log;
# the run mode prints it then.  O_APPEND: the daemon's tee writes too.
[ "$mode" = run ] && exec >> /run/root.log 2>&1
say "init, $(grep -c ^processor /proc/cpuinfo) CPUs, $(uname -m)," \
    "kernel $(uname -r), mode $mode"
if grep -q "^devpts /dev/pts devpts " /proc/mounts; then
	say "/dev/pts mounted (pty consoles work)"
else
	say "no devpts on /dev/pts: pty consoles will fail"
fi

# The test sleeps after every empty poll, so each of zone1's requests
# after a pause goes through the wake SPI and the module: the wake path
# is exercised whatever the timing, not only when zone1 is slow.
[ "$mode" = test ] && export HVB_DAEMON_ARGS="--spin-budget 1"
# zone1's virtio disk (configs/zone1-virtio-root.json; make run-shell
# ships that config as zone1.json): 1 MiB of zeros in the initramfs's
# RAM, gone at power-off.
case $mode in
run | shell)
	mkdir -p /var/lib/hvbridge
	dd if=/dev/zero of=/var/lib/hvbridge/zone1-blk.img bs=1024 \
		count=1024 2>/dev/null &&
		say "blk image /var/lib/hvbridge/zone1-blk.img (1 MiB)"
	;;
esac
[ "$mode" = run ] && export HVB_CONFIG=/etc/hvbridge/zone1-virtio.json
case $mode in
linux)
	# zone1's Linux, hvisor-tool's way (docs/linux-zone.md).
	# make run-shell: the prompt comes last, once zone1 is at its
	# shell (its boot prints on the same serial port).
	t0=$(date +%s)
	hvbridge-linux start
	if hvbridge-linux wait-up 300; then
		say "zone1's Linux is up ($(($(date +%s) - t0)) s); its shell" \
		    "on hvc0: hvbridge console 1 (Ctrl-] leaves)"
	else
		say "zone1's Linux did not reach its shell within 300 s:" \
		    "hvbridge-linux status, hvbridge console 1"
	fi
	say "a shell: hvbridge-linux status|stop, hvbridge zone list," \
	    "hvbridge stat; poweroff -f ends the root zone"
	setsid cttyhack sh -l
	poweroff -f
	;;
linux-test | linux-run | linux-load | linux-bench)
	. /etc/hvbridge/linux-test.env
	# hvc0's lines on the console as they come.
	if [ "$mode" = linux-run ]; then
		# make run: zone1's Linux booted once and measured.
		HVB_LINUX_RELAY=1 hvbridge-linux run
		say "hvbridge-linux run exited, status $?"
	elif [ "$mode" = linux-load ]; then
		# e2e-linux-load: zone1's disk under load on both sides.
		hvbridge-linux load
		say "hvbridge-linux load exited, status $?"
	elif [ "$mode" = linux-bench ]; then
		# make bench: the same fio job in both zones.
		hvbridge-linux bench
		say "hvbridge-linux bench exited, status $?"
	else
		# make run-linux: zone1's Linux booted HVB_LINUX_CYCLES
		# times under one daemon, then the daemon-death case.
		HVB_LINUX_RELAY=1 hvbridge-linux test
		say "hvbridge-linux test exited, status $?"
		if [ "${HVB_LINUX_DEATH:-1}" = 1 ]; then
			HVB_LINUX_RELAY=1 hvbridge-linux death
			say "hvbridge-linux death exited, status $?"
		fi
	fi
	hvbridge-linux stop
	hvbridge-ctl unload
	say "powering off"
	poweroff -f
	;;
esac
if [ "$mode" = nodaemon ]; then
	hvbridge-ctl load
	say "no daemon started (mode nodaemon)"
else
	hvbridge-ctl load && hvbridge-ctl start
fi

case $mode in
nodaemon | fault)
	# The fault tests (tests/e2e/fault.sh) drive the root zone from the
	# console: one command a line, each answered once it is done.
	say "ready for commands: status, kill, start [OPTIONS], off"
	while :; do
		if ! read -r -t 120 cmd args; then
			say "no command within 120 s"
			cmd=off
		fi
		case $cmd in
		status) hvbridge-ctl status ;;
		kill)
			# The daemon dies without cleaning up: whatever it
			# had taken from the region stays there.
			if [ -f /run/hvbridge.pid ]; then
				pid=$(cat /run/hvbridge.pid)
				kill -KILL "$pid"
				while kill -0 "$pid" 2>/dev/null; do
					sleep 0.1
				done
				say "daemon killed (SIGKILL, pid $pid)"
			else
				say "no daemon to kill"
			fi
			;;
		start) HVB_DAEMON_ARGS="$args" hvbridge-ctl start ;;
		off) break ;;
		"") continue ;;
		*) say "unknown command '$cmd'" ;;
		esac
		say "done: $cmd"
	done
	hvbridge-ctl stop
	hvbridge-ctl unload
	say "powering off"
	poweroff -f
	;;
run)
	say "zone1's virtio workload is served; waiting for 'done'"
	cmd=
	while [ "$cmd" != done ]; do
		if ! read -r -t 120 cmd; then
			say "no 'done' within 120 s"
			break
		fi
	done
	# --zone-runs: zone1 again, under the same daemon, each time it
	# stopped (docs/zones.md, "Restarting a zone"); its output goes to
	# the serial port meanwhile, ours still to /run/root.log.
	runs=$(cat /etc/hvbridge/zone-runs 2>/dev/null || echo 1)
	run=1
	while [ "$run" -lt "$runs" ]; do
		i=0
		until [ "$(hvbridge zone list |
			  awk '$1 == 1 { print $3 }')" = stopped ] ||
		      [ $i -ge 600 ]; do sleep 0.2; i=$((i + 1)); done
		run=$((run + 1))
		hvbridge zone start 1
		say "zone1 run $run of $runs: zone start 1 exited $?"
	done
	if [ "$runs" -gt 1 ]; then
		i=0
		until [ "$(hvbridge zone list |
			  awk '$1 == 1 { print $3 }')" = stopped ] ||
		      [ $i -ge 600 ]; do sleep 0.2; i=$((i + 1)); done
		say "zone1 ran $run times: $(hvbridge zone list |
			awk '$1 == 1 { print $3 }')"
	fi
	# zone1 is done: the console is the root zone's again.  What it
	# said meanwhile first: its steps, the daemon's lines and the lines
	# zone1 sent through virtio-console (the daemon's stdout).
	exec > /dev/console 2>&1
	cat /run/root.log
	say "---- summary ----"
	# hvbridge stat reads the region beside the running daemon; older
	# daemons know only a region file, not the module's device.
	if hvbridge stat --help 2>&1 | grep -q -e "--transport"; then
		# No flag: the module's region is stat's default here.
		hvbridge stat
		say "hvbridge stat exited, status $?"
	else
		say "hvbridge stat: no --transport kmod in this daemon"
	fi
	# The daemon prints its counters when it stops, through its tee
	# into /run/root.log: the lines after those printed above.
	n=$(wc -l < /run/root.log)
	hvbridge-ctl stop >> /run/root.log 2>&1
	tail -n +$((n + 1)) /run/root.log
	say "blk image: sector 16 holds" \
	    "'$(dd if=/var/lib/hvbridge/zone1-blk.img bs=512 skip=16 \
		count=1 2>/dev/null | head -n 1)'"
	say "---- end of summary ----"
	hvbridge-ctl unload
	say "powering off"
	poweroff -f
	;;
test)
	# One daemon at a time: a second one is refused, with the reason.
	if hvbridge-ctl status | grep -q "daemon: running"; then
		hvbridge daemon -c /etc/hvbridge/zone1.json --transport kmod
		say "a second daemon exited with status $?"
	fi
	zone1_state() { hvbridge zone list | awk '$1 == 1 { print $3 }'; }
	# Until zone1's guest has exited, or there is no zone1 (60 s at
	# most); then its state.
	zone1_wait() {
		i=0
		while [ $i -lt 300 ]; do
			case $(zone1_state) in
			running | stopping) ;;
			*) break ;;
			esac
			sleep 0.2
			i=$((i + 1))
		done
		say "zone1 $1: $(zone1_state)"
	}
	zcfg=$(ls /etc/hvbridge/zones/*.json 2>/dev/null | head -n 1)
	if [ -c /dev/hvbridge ]; then
		# The static zone1's built-in guest ran at the hypervisor's
		# boot, before any daemon: once more, now that one serves it.
		zone1_wait "ran at boot"
		# Quiet while zone1 runs: its lines share the serial port.
		hvbridge zone start 1
		st=$?
		zone1_wait "ran again"
		say "zone start 1 (the static zone1, under the daemon) exited $st"
	fi
	if [ -c /dev/hvbridge ] && [ -n "$zcfg" ]; then
		# zone1 as users start it: the static one removed, then
		# hvisor-tool's way, from its zone config, with the files it
		# names beside it (docs/zones.md).
		hvbridge zone shutdown --id 1
		say "the static zone1 shut down: exit $?"
		(cd /etc/hvbridge/zones && hvbridge zone start "${zcfg##*/}")
		st=$?
		zone1_wait "from ${zcfg##*/}"
		say "zone start ${zcfg##*/} exited $st"
	fi
	say "waiting for 'stop' on the console"
	cmd=
	while [ "$cmd" != stop ]; do
		if ! read -r -t 120 cmd; then
			say "no 'stop' within 120 s"
			break
		fi
	done
	# A restarted daemon attaches again (the next consumer epoch).
	hvbridge-ctl restart
	hvbridge-ctl stop
	if [ -n "$zcfg" ] && [ -c /dev/hvbridge ] && [ -n "$(zone1_state)" ]; then
		hvbridge zone shutdown --id 1
		say "zone1 of ${zcfg##*/} shut down: exit $?"
	fi
	hvbridge-ctl unload
	say "powering off"
	poweroff -f
	;;
*)
	say "a shell: hvbridge-ctl status|start|stop|restart|load|unload," \
	    "hvbridge --help; poweroff -f ends the root zone"
	setsid cttyhack sh -l
	poweroff -f
	;;
esac
INIT
chmod +x "$root/init" "$root/usr/sbin/hvbridge-ctl"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -9 > "$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
size=$(stat -c %s "$out/initramfs.cpio.gz")
echo "mkinitramfs: $out/initramfs.cpio.gz ($size bytes, mode $mode," \
     "${kmod:+hvbridge.ko from $kmod}${kmod:-no hvbridge.ko})"

[ "$dtb" = 1 ] || exit 0
command -v fdtput >/dev/null || die "'fdtput' not found (scripts/deps.sh)"
"$TOP/tests/e2e/mkroot.sh" "$out/mkroot" "$busybox" ||
	die "tests/e2e/mkroot.sh failed"
cp "$out/mkroot/root.dtb" "$out/root.dtb.tmp"
# The wake interrupt, SPI 120 edge rising, in decimal: mkroot.sh writes
# it with "fdtput -t x", which reads 120 as hex (SPI 0x120, INTID 320,
# past the GIC's 224 SPIs, so its trigger cannot be set and hvbridge.ko's
# probe fails).
fdtput -t u "$out/root.dtb.tmp" /hvbridge@bfff0000 interrupts 0 120 1
# make run: no kernel messages below warnings while zone1 prints (one
# serial port for both); make run and run-shell with zone1's Linux
# (linux-run, linux): errors only, so the shell's prompt comes last.
quiet=
case $mode in
run | linux-test | linux-load | linux-bench) quiet=" quiet" ;;
linux | linux-run) quiet=" loglevel=3" ;;
esac
fdtput -t s "$out/root.dtb.tmp" /chosen bootargs \
	"console=ttyAMA0 rdinit=/init panic=-1$quiet hvbridge_mode=$mode"
fdtput -t x "$out/root.dtb.tmp" /chosen linux,initrd-start $INITRD_ADDR
fdtput -t x "$out/root.dtb.tmp" /chosen linux,initrd-end \
	"$(printf '0x%x' $((INITRD_ADDR + size)))"
mv "$out/root.dtb.tmp" "$out/root.dtb"
echo "mkinitramfs: $out/root.dtb (initrd 0x49000000 + $size)"
