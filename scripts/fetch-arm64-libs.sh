#!/bin/bash
# fetch-arm64-libs.sh: the arm64 static libraries the hvbridge daemon links,
# in build/arm64-sysroot/, for its static cross build (tool/arm64.mk).
#
#   liburing  liburing-dev:arm64 (.deb), which ships liburing.a
#   cJSON     Debian's libcjson-dev ships only the shared library, so
#             libcjson.a is compiled here, with the cross compiler, from
#             Debian's own cjson source package (the same version as the
#             arm64 binary package, Debian's patches applied)
#   glibc     not fetched: the cross toolchain's /usr/aarch64-linux-gnu
#
# Licences, for the static link: liburing is MIT (its man pages and tests
# are dual LGPL-2.1+/MIT; neither is linked), cJSON is MIT; glibc is
# LGPL-2.1+, whose static linking asks that a user can relink: this
# repository and this script are everything needed to do so.
#
# As scripts/fetch-arm64.sh: the packages are downloaded (apt-get download,
# apt-get source --download-only) and unpacked (dpkg-deb -x, dpkg-source
# -x) into build/; nothing is installed.  APT runs on a private state in
# build/apt-arm64-libs/ (own lists, cache, empty dpkg status, and a copy of
# the machine's sources with deb-src added), so the machine's APT and dpkg
# databases are never touched.
#
# Result:
#   build/arm64-sysroot/usr/include/{liburing.h,liburing/,cjson/cJSON.h}
#   build/arm64-sysroot/usr/lib/aarch64-linux-gnu/{liburing.a,libcjson.a}
#   build/arm64-sysroot/.fetched   what was unpacked and built; written last
#
# Usage: fetch-arm64-libs.sh [--refresh]
#   With the sysroot complete it does nothing (milliseconds, no network).
# Verbose output is appended to $DEPS_LOG (default build/deps.log).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
APTDIR=$BUILD/apt-arm64-libs
DEBS=$BUILD/arm64-libs-debs
OUT=$BUILD/arm64-sysroot
LIBDIR=$OUT/usr/lib/aarch64-linux-gnu
STAMP=$OUT/.fetched
LOG=${DEPS_LOG:-$BUILD/deps.log}
CROSS=aarch64-linux-gnu-

refresh=0
case "${1:-}" in
"") ;;
--refresh) refresh=1 ;;
*) echo "usage: $0 [--refresh]" >&2; exit 2 ;;
esac

say() { echo "fetch-arm64-libs: $*"; }
log() { echo "fetch-arm64-libs: $*" >>"$LOG"; }
die() {
	echo "fetch-arm64-libs: error: $*" >&2
	echo "fetch-arm64-libs: error: $*" >>"$LOG"
	echo "fetch-arm64-libs: (details in ${LOG#"$TOP"/})" >&2
	exit 1
}

# An archive member is aarch64 code: the first object's ELF machine.
is_aarch64_ar() {
	[ -f "$1" ] &&
	"${CROSS}objdump" -a "$1" 2>/dev/null | grep -q 'elf64-littleaarch64'
}

is_complete() {
	[ -f "$STAMP" ] &&
	[ -f "$OUT/usr/include/liburing.h" ] &&
	[ -f "$OUT/usr/include/cjson/cJSON.h" ] &&
	is_aarch64_ar "$LIBDIR/liburing.a" &&
	is_aarch64_ar "$LIBDIR/libcjson.a"
}

if [ "$refresh" = 0 ] && is_complete; then
	exit 0
fi

for tool in apt-get apt-cache dpkg-deb dpkg-source flock "${CROSS}gcc" \
	    "${CROSS}ar" "${CROSS}objdump"; do
	command -v "$tool" >/dev/null ||
		die "'$tool' not found (scripts/deps.sh installs what is needed)"
done

mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" \
	"$APTDIR/sources.list.d" "$DEBS" "$OUT"
: >>"$LOG"

exec 9>"$APTDIR/lock.fetch"
flock -w 900 9 || die "timed out waiting for another fetch-arm64-libs.sh"
if [ "$refresh" = 0 ] && is_complete; then
	exit 0
fi
log "start $(date -u +%FT%TZ)"

# The machine's sources, each also as deb-src (the source package of
# cjson); deb822 files get "deb-src" added to their Types, one-line ones
# a deb-src twin.  Rewritten each run: they follow the machine's.
rm -f "$APTDIR/sources.list.d/"*
: >"$APTDIR/sources.list"
if [ -f /etc/apt/sources.list ]; then
	sed -n 's/^[[:space:]]*deb[[:space:]]\(.*\)/deb \1\ndeb-src \1/p' \
		/etc/apt/sources.list >"$APTDIR/sources.list"
fi
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	case $f in
	*.sources)
		sed 's/^Types:.*/Types: deb deb-src/' "$f" \
			>"$APTDIR/sources.list.d/${f##*/}"
		;;
	*.list)
		sed -n 's/^[[:space:]]*deb[[:space:]]\(.*\)/deb \1\ndeb-src \1/p' \
			"$f" >"$APTDIR/sources.list.d/${f##*/}"
		;;
	esac
done

# shellcheck source=scripts/apt-arm64.sh
. "$TOP/scripts/apt-arm64.sh"
apt_arm64_opts "$APTDIR"
APT_OPTS+=(
	-o "Dir::Etc::SourceList=$APTDIR/sources.list"
	-o "Dir::Etc::SourceParts=$APTDIR/sources.list.d"
)

apt_update() {
	say "updating the arm64 package and source lists (build/apt-arm64-libs)"
	apt-get "${APT_OPTS[@]}" update >>"$LOG" 2>&1 ||
		die "apt-get update for arm64 failed"
}

candidate() {
	apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>>"$LOG" |
		sed -n 's/^Version: //p' | head -n1
}

resolve() {
	VER_URING=$(candidate liburing-dev)
	VER_CJSON=$(candidate libcjson-dev)
	[ -n "$VER_URING" ] && [ -n "$VER_CJSON" ]
}

if [ "$refresh" = 1 ] ||
   ! compgen -G "$APTDIR/lists/*_Sources*" >/dev/null || ! resolve; then
	apt_update
	resolve || die "cannot resolve liburing-dev and libcjson-dev for arm64"
fi
want="liburing-dev $VER_URING
cjson $VER_CJSON"
log "want: $(echo "$want" | tr '\n' ' ')"
if [ "$refresh" = 1 ] && is_complete && [ "$(cat "$STAMP")" = "$want" ]; then
	log "up to date"
	exit 0
fi

# deb_of PKG VER: the .deb for PKG at VER in $DEBS, if there.
deb_of() {
	local f
	for f in "$DEBS/$1"_*.deb; do
		[ -f "$f" ] || continue
		if [ "$(dpkg-deb -f "$f" Package)" = "$1" ] &&
		   [ "$(dpkg-deb -f "$f" Version)" = "$2" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

# The .dsc of cjson at VER (epoch dropped from the file name), if there.
dsc_of() {
	local f=$DEBS/cjson_${1#*:}.dsc
	[ -f "$f" ] && echo "$f"
}

download() {
	if ! deb_of liburing-dev "$VER_URING" >/dev/null; then
		say "downloading liburing-dev $VER_URING (arm64)"
		(cd "$DEBS" &&
		 apt-get "${APT_OPTS[@]}" download "liburing-dev=$VER_URING") \
			>>"$LOG" 2>&1 || return 1
	fi
	if ! dsc_of "$VER_CJSON" >/dev/null; then
		say "downloading the cjson $VER_CJSON source package"
		(cd "$DEBS" &&
		 apt-get "${APT_OPTS[@]}" source --download-only \
			"cjson=$VER_CJSON") >>"$LOG" 2>&1 || return 1
	fi
}

if ! download; then
	apt_update
	resolve || die "cannot resolve liburing-dev and libcjson-dev for arm64"
	download || die "downloading the arm64 libraries failed"
fi

say "unpacking liburing and building libcjson.a into build/arm64-sysroot"
rm -f "$STAMP"
rm -rf "${OUT:?}/usr" "$OUT/src"
mkdir -p "$LIBDIR" "$OUT/usr/include/cjson" "$OUT/src"

deb=$(deb_of liburing-dev "$VER_URING") || die "liburing-dev missing"
log "dpkg -x ${deb#"$TOP"/}"
dpkg-deb -x "$deb" "$OUT/src/liburing" 2>>"$LOG" || die "cannot unpack $deb"
cp -a "$OUT/src/liburing/usr/include/." "$OUT/usr/include/"
cp "$OUT/src/liburing/usr/lib/aarch64-linux-gnu/liburing.a" "$LIBDIR/" ||
	die "liburing-dev has no liburing.a"

dsc=$(dsc_of "$VER_CJSON") || die "cjson source missing"
log "dpkg-source -x ${dsc#"$TOP"/}"
# --no-check: the private state has no keyring for .dsc signatures; APT
# checked the files against the signed Sources index when it fetched them.
dpkg-source --no-check -x "$dsc" "$OUT/src/cjson" >>"$LOG" 2>&1 ||
	die "cannot unpack $dsc"
# cJSON is one file; built as upstream's CMake does for a static library,
# without its optional cJSON_Utils (the daemon does not use it).
"${CROSS}gcc" -std=c89 -O2 -fno-common -c "$OUT/src/cjson/cJSON.c" \
	-o "$OUT/src/cJSON.o" 2>>"$LOG" || die "cannot compile cJSON.c"
rm -f "$LIBDIR/libcjson.a"
"${CROSS}ar" rcs "$LIBDIR/libcjson.a" "$OUT/src/cJSON.o" ||
	die "cannot archive libcjson.a"
cp "$OUT/src/cjson/cJSON.h" "$OUT/usr/include/cjson/"
for f in liburing.a libcjson.a; do
	is_aarch64_ar "$LIBDIR/$f" || die "$f is not aarch64 code"
done
echo "$want" >"$STAMP"
say "ok: liburing $VER_URING, cjson $VER_CJSON"
log "done $(date -u +%FT%TZ)"
