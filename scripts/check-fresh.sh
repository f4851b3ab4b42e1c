#!/bin/bash
# check-fresh.sh: prove that `make test` does all of its own set-up on a
# brand-new Debian 12 system (`make check-fresh`; .ci/run calls it).
#
# 1. A minimal Debian 12 root (`debootstrap --variant=minbase bookworm`
#    plus make, git and ca-certificates, nothing else) is made once and
#    kept as a tarball in $HVB_FRESH_CACHE (default
#    /var/cache/hvbridge-fresh), so later runs only unpack it.
# 2. Each run unpacks it anew into build/fresh/root-test (root-run for
#    --target run), gives it this machine's APT sources and Acquire
#    settings (the same archive a new machine here would use) and its
#    resolv.conf, clones the *committed* tree (HEAD) into /work/hvbridge
#    and lays ../shared beside it read-only, as CI does.
# 3. It runs `make test` there, as root, with no stdin, with /proc, /sys,
#    /dev (plus a private /dev/shm and /run) mounted.  Everything the
#    tests need is installed by `make test` itself, from scratch.
#
# The mounts live in a private mount namespace (unshare -m): they vanish
# with it on every exit path, Ctrl-C and SIGKILL included, and are never
# seen by the rest of the machine.  Processes left inside the root are
# killed, then the root is removed (HVB_FRESH_KEEP=1 keeps it).
# Downloaded .deb files are kept in the cache (archives/) so a second run
# does not download them again; they are still installed from scratch.
#
# Output: make test's own lines and summaries, then one
# `check-fresh: PASS|FAIL ...` line.  Exit status: make test's.
#
# Usage: check-fresh.sh [--rebuild-base] [--target TARGET]
#   --target run: `make run` instead of `make test` (it too must do all
#   of its own set-up); `make check-fresh-run`.  --target run-baremetal:
#   `make run-baremetal` (what `make run` was before zone1 ran Linux).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${HVB_FRESH_CACHE:-/var/cache/hvbridge-fresh}
SUITE=bookworm
BASE_PACKAGES=make,git,ca-certificates
BASE_TAR=$CACHE/$SUITE-minbase.tar
WORK=$TOP/build/fresh

say() { echo "check-fresh: $*"; }
die() { echo "check-fresh: error: $*" >&2; exit 1; }

rebuild=0
target=test
while [ $# -gt 0 ]; do
	case $1 in
	--rebuild-base) rebuild=1 ;;
	--target)
		[ $# -ge 2 ] || { echo "usage: $0 --target TARGET" >&2; exit 2; }
		target=$2
		shift
		;;
	*)
		echo "usage: $0 [--rebuild-base] [--target TARGET]" >&2
		exit 2
		;;
	esac
	shift
done
case $target in
test | run | run-baremetal) ;;
*) echo "check-fresh: --target is test, run or run-baremetal, not '$target'" >&2; exit 2 ;;
esac
ROOT=$WORK/root-$target

[ "$(id -u)" = 0 ] ||
	die "needs root (debootstrap, chroot and mounts); run it as root"

# The host tools this script itself uses: debootstrap is the only one a
# plain Debian 12 lacks.
for t in unshare chroot findmnt tar git; do
	command -v "$t" >/dev/null || die "'$t' not found"
done
if ! command -v debootstrap >/dev/null; then
	say "installing debootstrap"
	{ apt-get -q -y -o DPkg::Lock::Timeout=600 update &&
	  apt-get -q -y -o DPkg::Lock::Timeout=600 install \
		--no-install-recommends debootstrap; } </dev/null \
		>"$CACHE.apt.log" 2>&1 ||
		{ tail -n 20 "$CACHE.apt.log" >&2; die "cannot install debootstrap"; }
fi

# The Debian mirror this machine's APT uses (first deb822 or one-line
# source for the main archive), so the fresh root sees the same archive.
mirror() {
	local m
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n 's/^URIs: *\([^ ]*\).*/\1/p' | grep -v security | head -n1)
	[ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list | awk '{print $2}' |
		grep -v security | head -n1)
	echo "${m:-http://deb.debian.org/debian}"
}

mkdir -p "$CACHE/archives/partial" "$WORK"

# --- the base system, made once --------------------------------------
if [ "$rebuild" = 1 ] || [ ! -s "$BASE_TAR" ]; then
	m=$(mirror)
	say "making the base system: debootstrap --variant=minbase" \
	    "--include=$BASE_PACKAGES $SUITE ($m); log in $CACHE/debootstrap.log"
	tmp=$CACHE/base.tmp
	rm -rf --one-file-system "$tmp"
	t0=$(date +%s)
	debootstrap --variant=minbase --include="$BASE_PACKAGES" \
		"$SUITE" "$tmp" "$m" </dev/null >"$CACHE/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed"; }
	# What debootstrap fetched is not part of a new system.
	rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*_*
	tar -C "$tmp" -cf "$BASE_TAR.tmp" .
	mv "$BASE_TAR.tmp" "$BASE_TAR"
	rm -rf --one-file-system "$tmp"
	say "base system made in $(($(date +%s) - t0)) s ($(du -h "$BASE_TAR" |
		cut -f1)), cached as $BASE_TAR"
fi

# --- a new root for this run ------------------------------------------
# A root left by an earlier run that was SIGKILLed: its mounts died with
# its namespace, but check before deleting anything beneath it.
remove_root() {
	[ -d "$ROOT" ] || return 0
	if findmnt -rn -o TARGET | grep -q "^$ROOT\(/\|$\)"; then
		die "something is still mounted under $ROOT; not removing it"
	fi
	rm -rf --one-file-system "$ROOT"
}

# Kill what still runs inside the root (a QEMU a test left, say).
kill_inside() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case $r in
		"$ROOT" | "$ROOT"/*) kill -9 "${p#/proc/}" 2>/dev/null || true ;;
		esac
	done
}

cleanup() {
	kill_inside
	[ -z "${child:-}" ] || wait "$child" 2>/dev/null || true
	if [ "${HVB_FRESH_KEEP:-0}" = 1 ]; then
		say "kept $ROOT (HVB_FRESH_KEEP=1)"
	else
		remove_root
	fi
}

remove_root
mkdir -p "$ROOT"
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM HUP

tar -C "$ROOT" -xf "$BASE_TAR"

# The machine's APT sources and Acquire settings; nothing else of its
# configuration is carried over.
rm -f "$ROOT"/etc/apt/sources.list "$ROOT"/etc/apt/sources.list.d/*
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	 /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && cp "$f" "$ROOT$f"
done
for f in /etc/apt/apt.conf.d/*; do
	[ -f "$f" ] && grep -q '^Acquire::' "$f" &&
		cp "$f" "$ROOT/etc/apt/apt.conf.d/"
done
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
# Package scripts must not start services in the root.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"

# The committed tree, as a clone; ../shared beside it without write bits.
if [ -n "$(git -C "$TOP" status --porcelain --untracked-files=no)" ]; then
	say "note: uncommitted changes in $TOP are not tested (HEAD is cloned)"
fi
mkdir -p "$ROOT/work"
git clone -q "$TOP" "$ROOT/work/hvbridge"
say "testing $(git -C "$ROOT/work/hvbridge" log -1 --format='%h %s')"
if [ -d "$TOP/../shared" ]; then
	cp -a "$TOP/../shared" "$ROOT/work/shared"
	chmod -R a-w "$ROOT/work/shared"
else
	say "note: no ../shared beside $TOP; the clone gets none"
fi

# --- make $target inside it ----------------------------------------------
# In a private mount namespace; the shell inside mounts, chroots and runs.
t0=$(date +%s)
set +e
# In a subshell whose own stderr is /dev/null: when cleanup kills the
# root's processes, the shell that reaps them reports "Killed" with the
# whole command; the command's stderr (fd 3) is still this script's.
( unshare --mount --propagation private \
	env ROOT="$ROOT" CACHE="$CACHE" CI_FLAG="${CI:-}" TARGET="$target" \
	REQUIRE_HERD7="${HVB_REQUIRE_HERD7:-}" \
	/bin/bash -c '
set -e
mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
# Fresh and private: the root must not see or leave files in the
# machine'"'"'s shared memory or /run.
mount -t tmpfs -o mode=1777 shm "$ROOT/dev/shm"
mount -t tmpfs -o mode=755 run "$ROOT/run"
mount --bind "$CACHE/archives" "$ROOT/var/cache/apt/archives"
exec chroot "$ROOT" /usr/bin/env -i \
	HOME=/root LANG=C.UTF-8 TERM=dumb CI="$CI_FLAG" \
	HVB_REQUIRE_HERD7="$REQUIRE_HERD7" \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/bash -c "cd /work/hvbridge && make $TARGET"
' </dev/null 2>&3
  # Not the last command, so this shell stays to reap it.
  exit $? ) 3>&2 2>/dev/null &
child=$!
# wait, not a foreground child: a trapped signal interrupts wait at once.
wait "$child"
rc=$?
set -e
dt=$(($(date +%s) - t0))
if [ "$rc" = 0 ]; then
	say "PASS: make $target on a new Debian 12 root took ${dt} s"
else
	say "FAIL: make $target on a new Debian 12 root exited $rc after ${dt} s"
fi
exit "$rc"
