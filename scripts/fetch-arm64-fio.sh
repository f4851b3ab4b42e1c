#!/bin/bash
# SPDX-License-Identifier: MIT
# fetch-arm64-fio.sh: Debian's arm64 fio and exactly the files it needs at
# run time, in build/arm64-fio/root/, for the linux-zone benchmark
# (tests/linux/bench.sh, docs/linux-zone.md "Benchmark"): its binary, the
# dynamic loader and every shared library the loader maps for it.
#
# Debian builds fio with every engine linked in (rbd, glusterfs, nbd,
# rdma, pmem, ...), so its DT_NEEDED closure is about 60 libraries, and
# the packages that hold them also hold much else (docs, configs,
# plugins).  Only the closure is shipped: the ELF dynamic sections are
# walked with the cross readelf, as the loader would walk them (NEEDED,
# then RPATH/RUNPATH with $ORIGIN, then Debian's multiarch directories),
# and each file found is copied with its soname link.
#
# The packages are downloaded (apt-get download) into build/arm64-fio/debs
# and unpacked (dpkg-deb -x), one directory per package, into
# build/arm64-fio/x; nothing is installed.  Which packages: fio first,
# then, round by round, the Depends and Pre-Depends of each package that
# provided a library the closure needs, until every soname is found (a
# library's package depends on the packages of its own NEEDED libraries:
# Debian's shlibs); fio's other dependencies (python3 and what it
# needs) are downloaded in the first round but never unpacked further.
# APT runs on scripts/fetch-arm64.sh's private state in build/apt-arm64/
# (its lists, an empty dpkg status), under its lock.
#
# Result:
#   build/arm64-fio/root/        usr/bin/fio, lib/ld-linux-aarch64.so.1 and
#                                the libraries under lib/ and usr/lib/
#   build/arm64-fio/manifest.txt each shipped file: path, bytes, package,
#                                version (the packages' licences apply)
#   build/arm64-fio/.fetched     fio's version and every package used;
#                                written last
#
# Usage: fetch-arm64-fio.sh [--refresh]
#   With the tree complete it does nothing (milliseconds, no network).
#   --refresh updates the package lists and fetches again if fio moved.
# Verbose output is appended to $DEPS_LOG (default build/deps.log).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
APTDIR=$BUILD/apt-arm64
F=$BUILD/arm64-fio
DEBS=$F/debs
X=$F/x
OUT=$F/root
STAMP=$F/.fetched
LOG=${DEPS_LOG:-$BUILD/deps.log}
CROSS=aarch64-linux-gnu-
# Where Debian's arm64 loader looks after RPATH/RUNPATH (no ld.so.cache
# is shipped: these are its built-in system directories).
LIBDIRS="lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib"

refresh=0
case "${1:-}" in
"") ;;
--refresh) refresh=1 ;;
*) echo "usage: $0 [--refresh]" >&2; exit 2 ;;
esac

say() { echo "fetch-arm64-fio: $*"; }
log() { echo "fetch-arm64-fio: $*" >>"$LOG"; }
die() {
	echo "fetch-arm64-fio: error: $*" >&2
	echo "fetch-arm64-fio: error: $*" >>"$LOG"
	echo "fetch-arm64-fio: (details in ${LOG#"$TOP"/})" >&2
	exit 1
}

is_complete() {
	[ -f "$STAMP" ] && [ -f "$F/manifest.txt" ] &&
	[ -x "$OUT/usr/bin/fio" ] && [ -e "$OUT/lib/ld-linux-aarch64.so.1" ]
}

if [ "$refresh" = 0 ] && is_complete; then
	exit 0
fi

for tool in apt-get apt-cache dpkg-deb flock "${CROSS}readelf"; do
	command -v "$tool" >/dev/null ||
		die "'$tool' not found (scripts/deps.sh installs what is needed)"
done
# The private APT state and its lists are fetch-arm64.sh's.
"$TOP/scripts/fetch-arm64.sh" || die "scripts/fetch-arm64.sh failed"

mkdir -p "$DEBS" "$X"
: >>"$LOG"
exec 9>"$APTDIR/lock.fetch"
flock -w 900 9 || die "timed out waiting for another arm64 fetch"
if [ "$refresh" = 0 ] && is_complete; then
	exit 0
fi
log "start $(date -u +%FT%TZ)"

# shellcheck source=scripts/apt-arm64.sh
. "$TOP/scripts/apt-arm64.sh"
apt_arm64_opts "$APTDIR"

if [ "$refresh" = 1 ]; then
	say "updating the arm64 package lists (build/apt-arm64)"
	apt-get "${APT_OPTS[@]}" update >>"$LOG" 2>&1 ||
		die "apt-get update for arm64 failed"
fi

# candidate PKG: "VERSION SIZE" of the version APT would pick, or nothing
# (a virtual package, or none for arm64).
candidate() {
	apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>>"$LOG" |
		awk '/^Version: / { v = $2 } /^Size: / { s = $2 }
		     END { if (v != "") print v, s }'
}

# deb_of PKG: the .deb of PKG at its candidate version, if downloaded.
declare -A VER
deb_of() {
	local f
	for f in "$DEBS/$1"_*.deb; do
		[ -f "$f" ] || continue
		if [ "$(dpkg-deb -f "$f" Package)" = "$1" ] &&
		   [ "$(dpkg-deb -f "$f" Version)" = "${VER[$1]}" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

# fetch PKG...: download those not in build/arm64-fio/debs yet (one
# apt-get call, its size said first), unpack each into x/PKG.
declare -A UNPACKED
round=0
fetch() {
	local p c missing=() bytes=0 deb
	for p in "$@"; do
		[ -n "${VER[$p]:-}" ] || continue
		if ! deb_of "$p" >/dev/null; then
			missing+=("$p=${VER[$p]}")
			bytes=$((bytes + ${SIZE[$p]:-0}))
		fi
	done
	round=$((round + 1))
	if [ "${#missing[@]}" -gt 0 ]; then
		say "round $round: downloading ${#missing[@]} packages," \
		    "$(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'):" \
		    "${missing[*]%%=*}"
		(cd "$DEBS" && apt-get "${APT_OPTS[@]}" download "${missing[@]}") \
			>>"$LOG" 2>&1 ||
			die "apt-get download failed (--refresh updates the lists)"
	fi
	for p in "$@"; do
		[ -n "${VER[$p]:-}" ] || continue
		[ -z "${UNPACKED[$p]:-}" ] || continue
		deb=$(deb_of "$p") || die "$p ${VER[$p]} missing from ${DEBS#"$TOP"/}"
		rm -rf "${X:?}/$p"
		dpkg-deb -x "$deb" "$X/$p" 2>>"$LOG" || die "cannot unpack $deb"
		UNPACKED[$p]=1
	done
}

# want PKG...: resolve each name's candidate; names with none are
# skipped (virtual packages: the closure check below is what counts).
declare -A SIZE
want() {
	local p c
	for p in "$@"; do
		[ -z "${VER[$p]+x}" ] || continue
		c=$(candidate "$p")
		if [ -z "$c" ]; then
			log "no arm64 candidate for $p (virtual?): skipped"
			VER[$p]=
			continue
		fi
		VER[$p]=${c% *}
		SIZE[$p]=${c#* }
	done
}

# deps PKG: the package names in its Depends and Pre-Depends (the first
# of each alternative, without versions or architecture qualifiers).
deps() {
	dpkg-deb -f "$(deb_of "$1")" Pre-Depends Depends |
		sed 's/^[A-Za-z-]*: //' | tr ',' '\n' |
		sed 's/|.*//; s/(.*)//; s/:[a-z0-9]*//; s/[[:space:]]//g' |
		sed '/^$/d' | sort -u
}

# The loader's walk, over every unpacked package.  FOUND[rel] = pkg for
# each file shipped, REAL[rel] the regular file it is or links to (in
# x/); MISSING lists "soname (needed by rel)"; PROVIDERS the packages
# that provided something.  Paths are normalised without following the
# build machine's own links (its /lib is a link to usr/lib; the arm64
# tree's lib/ is a directory).
declare -A FOUND REAL PROVIDERS DYN
MISSING=()
norm() { realpath -m -s --relative-to=/ "/$1"; }
# locate REL: the package whose tree holds REL (a file or a link).
locate() {
	local p
	for p in "${!UNPACKED[@]}"; do
		if [ -e "$X/$p/$1" ] || [ -L "$X/$p/$1" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}
# add PKG REL: ship REL, and what its link points at, as the same path
# (a link's target may be in another package, as the loader would see).
add() {
	local p=$1 rel=$2 t
	[ -z "${FOUND[$rel]:-}" ] || return 0
	FOUND[$rel]=$p
	PROVIDERS[$p]=1
	REAL[$rel]=$X/$p/$rel
	[ -L "$X/$p/$rel" ] || return 0
	t=$(readlink "$X/$p/$rel")
	case $t in
	/*) t=$(norm "$t") ;;
	*) t=$(norm "$(dirname "$rel")/$t") ;;
	esac
	if ! p=$(locate "$t"); then
		MISSING+=("/$t (the target of /$rel)")
		REAL[$rel]=
		return 0
	fi
	add "$p" "$t"
	REAL[$rel]=${REAL[$t]}
}
# dyn FILE: its dynamic section (readelf -dW), read once.
dyn() {
	[ -n "${DYN[$1]+x}" ] || DYN[$1]=$("${CROSS}readelf" -dW "$1")
}
walk() {
	local queue=("usr/bin/fio") rel p real interp needed dirs d s hit o
	FOUND=()
	REAL=()
	PROVIDERS=()
	MISSING=()
	add fio usr/bin/fio
	interp=$("${CROSS}readelf" -lW "$X/fio/usr/bin/fio" |
		sed -n 's/.*Requesting program interpreter: \/\(.*\)\]/\1/p')
	[ -n "$interp" ] || die "fio has no program interpreter"
	if p=$(locate "$interp"); then
		add "$p" "$interp"
	else
		MISSING+=("/$interp (fio's loader)")
	fi
	while [ "${#queue[@]}" -gt 0 ]; do
		rel=${queue[0]}
		queue=("${queue[@]:1}")
		real=${REAL[$rel]}
		[ -n "$real" ] || continue
		dyn "$real"
		needed=$(echo "${DYN[$real]}" |
			sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
		# RUNPATH, else RPATH; $ORIGIN is the object's directory.
		dirs=$(echo "${DYN[$real]}" |
			sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
		[ -n "$dirs" ] || dirs=$(echo "${DYN[$real]}" |
			sed -n 's/.*(RPATH).*\[\(.*\)\]/\1/p')
		o=/$(dirname "$rel")
		dirs=$(for d in $(echo "$dirs" | tr ':' ' ' |
			sed "s|\\\$ORIGIN|$o|g; s|\\\${ORIGIN}|$o|g"); do
			norm "$d"; done)
		for s in $needed; do
			hit=
			for d in $dirs $LIBDIRS; do
				if [ -n "${FOUND[$d/$s]:-}" ]; then
					hit=1
					break
				fi
				if p=$(locate "$d/$s"); then
					add "$p" "$d/$s"
					queue+=("$d/$s")
					hit=1
					break
				fi
			done
			[ -n "$hit" ] || MISSING+=("$s (needed by /$rel)")
		done
	done
}

# Round by round: fio, then what the providers depend on.
want fio
[ -n "${VER[fio]}" ] || die "no arm64 fio in the package lists (--refresh?)"
fetch fio
declare -A EXPANDED
while :; do
	walk
	[ "${#MISSING[@]}" -gt 0 ] || break
	next=()
	for p in "${!PROVIDERS[@]}"; do
		[ -z "${EXPANDED[$p]:-}" ] || continue
		EXPANDED[$p]=1
		for d in $(deps "$p"); do
			[ -n "${VER[$d]+x}" ] || next+=("$d")
		done
	done
	if [ "${#next[@]}" = 0 ]; then
		die "not in any package fio's libraries depend on: ${MISSING[*]}"
	fi
	mapfile -t next < <(printf '%s\n' "${next[@]}" | sort -u)
	want "${next[@]}"
	fetch "${next[@]}"
	[ $round -lt 20 ] || die "no closure after 20 rounds: ${MISSING[*]}"
done

say "shipping fio ${VER[fio]}: ${#FOUND[@]} files from" \
    "${#PROVIDERS[@]} packages into ${OUT#"$TOP"/}"
rm -f "$STAMP"
rm -rf "${OUT:?}" "$F/manifest.txt.tmp"
mkdir -p "$OUT"
for rel in $(printf '%s\n' "${!FOUND[@]}" | sort); do
	p=${FOUND[$rel]}
	mkdir -p "$OUT/$(dirname "$rel")"
	cp -P "$X/$p/$rel" "$OUT/$rel"
	if [ -L "$OUT/$rel" ]; then
		b="-> $(readlink "$OUT/$rel")"
	else
		b=$(stat -c %s "$OUT/$rel")
	fi
	echo "/$rel $b $p ${VER[$p]}" >>"$F/manifest.txt.tmp"
done
mv "$F/manifest.txt.tmp" "$F/manifest.txt"

# The closure loads: fio runs under qemu-user with this tree as its root
# (its loader and libraries are found there or nowhere: the build
# machine has no arm64 libraries in the loader's directories).
# qemu-user is a named dependency (scripts/deps.sh), so its absence is a
# broken set-up, said as one, never a check quietly left out.
command -v qemu-aarch64 >/dev/null ||
	die "no qemu-aarch64 to check the closure with (scripts/deps.sh installs qemu-user)"
v=$(env -i QEMU_LD_PREFIX="$OUT" qemu-aarch64 "$OUT/usr/bin/fio" \
	--version 2>>"$LOG") ||
	die "fio does not start from ${OUT#"$TOP"/} under qemu-aarch64"
log "qemu-aarch64: $v"

{
	echo "fio ${VER[fio]}"
	for p in $(printf '%s\n' "${!PROVIDERS[@]}" | sort); do
		echo "package $p ${VER[$p]}"
	done
} >"$STAMP"
say "ok: fio ${VER[fio]}, $(du -sh "$OUT" | cut -f1) in" \
    "${OUT#"$TOP"/} (manifest: ${F#"$TOP"/}/manifest.txt)"
log "done $(date -u +%FT%TZ)"
