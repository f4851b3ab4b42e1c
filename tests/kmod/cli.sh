#!/bin/bash
# Description: the root-zone commands on the build machine, where there
# is no /dev/hvbridge: `hvbridge zone` and `hvbridge stat --transport
# kmod` refuse bad command lines with exit 2 and a pointer to --help,
# fail with exit 1 and the documented reason for a missing device or one
# that is not hvbridge.ko's, and print --help with exit 0.  Where the
# module's device exists (faked with HVBRIDGE_DEVICE=/dev/null), `stat`
# and `daemon -c FILE` use the kmod transport with no other flag, and
# `daemon --stop` looks for the pid file named after the device and
# signals nobody without a live daemon; no output ever holds "(null)".  (Inside the root zone they are checked by
# tests/kmod/qemu.sh.)
# Usage: cli.sh HVBRIDGE
set -u
bin=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0
nodev=/nonexistent/hvbridge

# case NAME STATUS WANT ARGS...: exit STATUS and WANT in stdout+stderr.
case_() {
	local name=$1 st=$2 want=$3 out rc
	shift 3
	out=$("$bin" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$st" ] && [[ $out == *"$want"* ]] &&
		[[ $out != *"(null)"* ]]; then
		pass=$((pass + 1))
	else
		echo "FAIL kmod-cli $name: hvbridge $*: exit $rc (want $st)," \
			"want \"$want\" in:"
		printf '  %s\n' "${out//$'\n'/$'\n  '}"
		fail=$((fail + 1))
	fi
}

missing="hvbridge: error: cannot open $nodev: no such device: is hvbridge.ko loaded (insmod hvbridge.ko)?"

case_ zone-none 2 "list, start, stop or shutdown?" zone
case_ zone-unknown 2 "unknown command 'frob'" zone frob
case_ zone-start-no-id 2 "which zone?" zone start
case_ zone-start-bad-id 1 "x: No such file or directory" zone start x
case_ zone-start-huge-id 2 "is not a zone ID" zone start 0x100000000
case_ zone-start-file 1 "zone1_linux.json: No such file or directory" \
	zone start zone1_linux.json
case_ zone-start-hvisor 1 \
	"hvisor-tool-zone1_linux.json: kernel_filepath: ./Image: No such file" \
	zone start "$top/tests/zones/hvisor-tool-zone1_linux.json"
case_ zone-shutdown-no-id 2 "which zone? (--id ID" zone shutdown
case_ zone-shutdown-bad-id 2 "'x' is not a zone ID" zone shutdown -id x
case_ zone-stop-id 2 "--id is for 'zone shutdown'" zone stop --id 1
case_ zone-shutdown-extra 2 "unexpected argument '2'" \
	zone shutdown --id 1 2
case_ zone-stop-extra 2 "unexpected argument '2'" zone stop 1 2
case_ zone-list-extra 2 "unexpected argument '1'" zone list 1
case_ zone-list-bogus 2 "unknown option '--bogus'" zone list --bogus
case_ zone-list-sim 2 "transport 'sim' has no zones" zone list -t sim
case_ zone-device-value 2 "needs a value" zone list --device
case_ zone-usage-help 2 "Try 'hvbridge zone start --help'" zone start
case_ stat-kmod-region 2 "the kmod transport takes --device" \
	stat --transport kmod --region x
case_ stat-sim-device 2 "--device is for the kmod transport" \
	stat --device x --region y
case_ stat-host-region 2 "the host transport finds the region in --mem FILE" \
	stat --transport host --region x
case_ stat-host-no-mem 2 "--mem is required for the host transport" \
	stat --transport host
case_ stat-sim-mem 2 "--mem, --ram-base and --region-phys are for the host" \
	stat --region x --mem y
case_ stat-unknown-transport 2 "transport 'vsock'" stat --transport vsock
case_ stat-no-region 2 "--region is required" stat

case_ zone-list-missing 1 "$missing" zone list --device $nodev
case_ zone-start-missing 1 "$missing" zone start 1 --device $nodev
case_ zone-stop-missing 1 "$missing" zone stop --transport kmod 1 -d $nodev
case_ stat-kmod-missing 1 "$missing" stat --transport kmod --device $nodev
case_ stat-kmod-json-missing 1 "$missing" stat -t kmod -d $nodev --json
case_ stat-kmod-not-ours 1 \
	"/dev/null: HVB_IOC_INFO failed: Inappropriate ioctl for device (not hvbridge.ko's device?)" \
	stat -t kmod -d /dev/null
case_ zone-list-not-ours 1 "/dev/null: HVB_IOC_ZONE_LIST failed" \
	zone list -d /dev/null
case_ zone-start-not-ours 1 "zone start 1: /dev/null:" \
	zone start 1 -d /dev/null
case_ zone-shutdown-missing 1 "$missing" zone shutdown -id 1 -d $nodev
case_ zone-shutdown-not-ours 1 "zone shutdown 1: /dev/null:" \
	zone shutdown --id 1 -d /dev/null
# A good config with its images: the file is read, then the device.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$top/tests/zones/zone1.json" "$tmp/"
echo kernel > "$tmp/zone-hello.bin"
echo dtb > "$tmp/zone-hello.dtb"
case_ zone-start-json-missing 1 "$missing" zone start "$tmp/zone1.json" \
	-d $nodev
case_ zone-start-json-not-ours 1 \
	"zone1.json: HVB_IOC_ZONE_CREATE on /dev/null failed: Inappropriate ioctl" \
	zone start "$tmp/zone1.json" -d /dev/null
# The default device: this machine has none (unless it is a root zone).
if [ ! -e /dev/hvbridge ]; then
	case_ zone-list-default 1 \
		"cannot open /dev/hvbridge: no such device: is hvbridge.ko loaded" \
		zone list
	case_ stat-kmod-default 1 \
		"cannot open /dev/hvbridge: no such device: is hvbridge.ko loaded" \
		stat --transport kmod
fi

# The root zone's default: kmod wherever the module's device exists.
notours="/dev/null: HVB_IOC_INFO failed: Inappropriate ioctl for device"
HVBRIDGE_DEVICE=/dev/null case_ stat-default-kmod 1 "$notours" stat
HVBRIDGE_DEVICE=/dev/null case_ stat-default-kmod-json 1 "$notours" \
	stat --json
HVBRIDGE_DEVICE=/dev/null case_ stat-region-wins 1 "cannot open $nodev" \
	stat --region $nodev
HVBRIDGE_DEVICE=/dev/null case_ daemon-default-kmod 1 "$notours" \
	daemon -c "$top/configs/hvisor-virtio_cfg.json"
HVBRIDGE_DEVICE=/dev/null case_ daemon-default-kmod-nocfg 1 "$notours" \
	daemon
HVBRIDGE_DEVICE=/dev/null case_ daemon-check-kmod 0 "transport: kmod" \
	daemon --check -c "$top/configs/hvisor-virtio_cfg.json"
HVBRIDGE_DEVICE=/dev/null case_ zone-default-device 1 "/dev/null:" \
	zone list
HVBRIDGE_DEVICE=$nodev case_ daemon-default-sim 2 "--region is required" \
	daemon
HVBRIDGE_DEVICE=$nodev case_ daemon-cfg-default-sim 2 "no region" \
	daemon -c "$top/configs/hvisor-virtio_cfg.json"
HVBRIDGE_DEVICE=$nodev case_ stat-default-sim 2 "--region is required" \
	stat
# `daemon --stop` finds the kmod daemon's pid file by the device's
# major:minor (/dev/null: 1:3); with none there, it signals nobody.
run=$(mktemp -d /tmp/hvb-kmodcli-XXXXXX)
HVBRIDGE_DEVICE=/dev/null case_ stop-default-kmod 1 \
	"no daemon serves /dev/null (no pid file $run/kmod-1-3.pid" \
	daemon --stop --state-dir "$run"
case_ stop-kmod-device 1 "no pid file $run/kmod-1-3.pid" \
	daemon --stop --transport kmod --region /dev/null --state-dir "$run"
echo 999999999 >"$run/kmod-1-3.pid"
case_ stop-kmod-stale 1 "is stale (it names pid 999999999" \
	daemon --stop --transport kmod --region /dev/null --state-dir "$run"
rm -rf "$run"

case_ zone-help 0 "Usage: hvbridge zone stop ID" zone --help
case_ zone-list-help 0 "Usage: hvbridge zone list" zone list --help
case_ zone-start-help 0 "a zone that is not stopped" zone start -h
case_ zone-stop-help 0 "parks at its next exit" zone stop --help
case_ stat-help 0 "hvbridge stat --transport kmod [--device PATH]" \
	stat --help
case_ zone-shutdown-help 0 "even from a loop that never" zone shutdown -h
case_ main-help 0 "list, start, stop or shut down the hypervisor's zones" \
	--help

echo "kmod-cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
