#!/bin/bash
# Description: `make install` and `make install-dkms` into a DESTDIR, as a
# packager runs them: the binary lands in PREFIX/sbin and answers
# --version with tool/version.h's version and the channel ABI; the
# systemd unit runs that binary, restarts it on failure keeping the
# daemon's state directory (/run/hvbridge) from one run to the next, and
# passes systemd-analyze verify; the DKMS tree carries
# the same version, everything the module's build needs, and builds with
# the very command its dkms.conf gives DKMS (against Debian's arm64
# headers, standing for the user's kernel; SKIP without them).
# Usage: install.sh TOP
set -u
top=$1
pass=0
fail=0
tmp=$(mktemp -d /tmp/hvb-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

check() {	# check NAME COND-STATUS [detail]
	if [ "$2" = 0 ]; then
		pass=$((pass + 1))
	else
		echo "FAIL install $1${3:+: $3}"
		fail=$((fail + 1))
	fi
}

version=$(sed -n 's/^#define HVB_VERSION[[:space:]]*"\(.*\)"/\1/p' \
	"$top/tool/version.h")
root=$tmp/root
make -s -C "$top" install DESTDIR="$root" PREFIX=/usr >"$tmp/log" 2>&1
check make-install $? "$(cat "$tmp/log")"
bin=$root/usr/sbin/hvbridge
[ -x "$bin" ]; check binary $? "$bin"
out=$("$bin" --version 2>&1)
# The ABI versions as the headers define them, not copies of them.
abi() {
	sed -n "s/^#define $2[[:space:]]*\([0-9]*\)u.*/\1/p" \
		"$top/common/include/hvbridge/$1"
}
chan_abi=$(abi channel.h HVB_ABI_MAJOR).$(abi channel.h HVB_ABI_MINOR)
hc_abi=$(abi hypercall.h HVB_HC_ABI_MAJOR).$(abi hypercall.h HVB_HC_ABI_MINOR)
[[ $out == "hvbridge $version"$'\n'"channel ABI $chan_abi, hypercall ABI $hc_abi" ]]
check version $? "$out"
"$bin" --help | grep -q -- "--version"; check help-version $?
"$bin" daemon --help | grep -q -- "--skip-unsupported"
check help-daemon $?
"$bin" config-check --help | grep -q -- "--syntax-only"
check help-config-check $?
for d in daemon.md config.md install.md from-hvisor-tool.md; do
	[ -f "$root/usr/share/doc/hvbridge/$d" ]; check doc-$d $?
done

unit=$root/usr/lib/systemd/system/hvbridge.service
grep -qx "ExecStart=/usr/sbin/hvbridge daemon -c /etc/hvbridge/hvbridge.json \$HVBRIDGE_ARGS" "$unit"
check unit-execstart $? "$(grep ExecStart= "$unit")"
grep -qx "Restart=on-failure" "$unit"; check unit-restart $?
# The virtio state files live in the runtime directory; a restart that
# removed it would reset every device (docs/daemon.md, "Restarts").
state_dir=$(sed -n 's/^#define HVB_VSTATE_DIR[[:space:]]*"\(.*\)"$/\1/p' \
	"$top/tool/virtio/vstate.h")
[ "$state_dir" = "/run/$(sed -n 's/^RuntimeDirectory=//p' "$unit")" ]
check unit-state-dir $? "$state_dir vs $(grep RuntimeDirectory= "$unit")"
grep -qx "RuntimeDirectoryPreserve=yes" "$unit"; check unit-state-kept $?
if ! grep -q @ "$unit"; then check unit-filled 0; else
	check unit-filled 1 "$(grep @ "$unit")"; fi
# systemd-analyze comes with systemd (scripts/deps.sh): a machine
# without it must not pass without the check.
if command -v systemd-analyze >/dev/null; then
	# verify wants the ExecStart binary where the unit says it is.
	sed "s|/usr/sbin/hvbridge|$bin|" "$unit" > "$tmp/hvbridge.service"
	out=$(systemd-analyze verify "$tmp/hvbridge.service" 2>&1 |
		grep -v -e "modprobe" -e "Failed to prepare filename")
	[ -z "$out" ]; check unit-verify $? "$out"
else
	check unit-verify 1 "no systemd-analyze (package systemd, scripts/deps.sh)"
fi

make -s -C "$top" uninstall DESTDIR="$root" PREFIX=/usr >"$tmp/log" 2>&1
[ ! -e "$bin" ] && [ ! -e "$unit" ]; check uninstall $?

make -s -C "$top" install-dkms DESTDIR="$root" >"$tmp/log" 2>&1
check make-install-dkms $? "$(cat "$tmp/log")"
src=$root/usr/src/hvbridge-$version
grep -qx "PACKAGE_VERSION=\"$version\"" "$src/dkms.conf"
check dkms-version $? "$(grep PACKAGE_VERSION "$src/dkms.conf")"
[ -f "$src/hvbridge.c" ] && [ -f "$src/Kbuild" ] &&
	[ -f "$src/common/include/hvbridge/kmod-ioctl.h" ]
check dkms-tree $?
kdir=$("$top/scripts/kbuild-prep.sh" 2>/dev/null)
if [ -n "$kdir" ] && [ -d "$kdir" ]; then
	# dkms.conf's MAKE[0], with DKMS's variables for this tree.
	mk=$(sed -n 's/^MAKE\[0\]="\(.*\)"$/\1/p' "$src/dkms.conf")
	mk=${mk//'${kernel_source_dir}'/$kdir}
	mk=${mk//'${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build'/$src}
	(eval "$mk ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -s") \
		>"$tmp/log" 2>&1 && [ -f "$src/hvbridge.ko" ]
	check dkms-build $? "$(tail -5 "$tmp/log")"
else
	echo "SKIP install dkms-build: no arm64 headers (scripts/fetch-arm64.sh)"
fi

echo "install: $pass passed, $fail failed"
[ "$fail" = 0 ]
