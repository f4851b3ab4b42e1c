#!/bin/sh
# SPDX-License-Identifier: MIT
# check-mmio.sh [-a FUNCTION]... ELF: fail if any MMIO accessor of an
# image (the EL2 hypervisor, the guest torture image) uses a writeback
# addressing form (design rule 3: such an access carries no syndrome,
# ISV=0).  The accessors record the address of their load/store in
# .hyp_mmio_sites (arm64/mmio.h, tests/guest/cases.S); this disassembles
# exactly those.  -a FUNCTION excludes the sites inside that function,
# by its exact symbol name, from the writeback test: the torture image's
# deliberate writeback cases.  Every excluded name must exist in the ELF,
# so a renamed case cannot leave a stale exclusion behind.
set -eu
allow=
while getopts a: opt; do
	case $opt in
	a) allow="$allow $OPTARG" ;;
	*) echo "usage: $0 [-a FUNCTION]... ELF" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
elf=$1
OBJCOPY=${CROSS_OBJCOPY:-aarch64-linux-gnu-objcopy}
OBJDUMP=${CROSS_OBJDUMP:-aarch64-linux-gnu-objdump}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$OBJCOPY" -O binary -j .hyp_mmio_sites "$elf" "$tmp/sites.bin"
# The host that builds is little-endian, like the image.
od -An -v -tx8 "$tmp/sites.bin" | tr -s ' ' '\n' | sed '/^$/d' |
	sed 's/^0*//' | sort -u > "$tmp/sites"
if [ ! -s "$tmp/sites" ]; then
	echo "check-mmio: $elf: no MMIO accessor sites recorded" >&2
	exit 1
fi
"$OBJDUMP" -d --no-show-raw-insn "$elf" |
	awk -v sites="$tmp/sites" -v allow="$allow" '
	BEGIN {
		while ((getline a < sites) > 0)
			want[a] = 1
		n = split(allow, names, " ")
		for (i = 1; i <= n; i++)
			allowed[names[i]] = 1
	}
	/^[0-9a-f]+ <.*>:$/ {
		fn = $2
		sub(/^</, "", fn)
		sub(/>:$/, "", fn)
		present[fn] = 1
		next
	}
	/^ *[0-9a-f]+:\t/ {
		addr = $1; sub(":", "", addr); sub(/^0+/, "", addr)
		if (!(addr in want))
			next
		seen[addr] = 1
		if ($0 ~ /\]!|\], *#|\], *x/ && !(fn in allowed)) {
			print "check-mmio: writeback MMIO access in " fn ": " $0
			bad = 1
		}
	}
	END {
		for (a in want)
			if (!(a in seen)) {
				print "check-mmio: site " a " not found"
				bad = 1
			}
		for (f in allowed)
			if (!(f in present)) {
				print "check-mmio: excluded function " f " not found"
				bad = 1
			}
		exit bad
	}' >&2 || { echo "check-mmio: $elf: FAILED" >&2; exit 1; }
