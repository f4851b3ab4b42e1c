#!/bin/sh
# SPDX-License-Identifier: MIT
# check-mmio.sh ELF: fail if any MMIO accessor of the EL2 image uses a
# writeback addressing form (design rule 3: such an access carries no
# syndrome, ISV=0).  The accessors of arm64/mmio.h record the address of
# their load/store in .hyp_mmio_sites; this disassembles exactly those.
set -eu
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
	awk -v sites="$tmp/sites" '
	BEGIN { while ((getline a < sites) > 0) want[a] = 1 }
	/^ *[0-9a-f]+:\t/ {
		addr = $1; sub(":", "", addr); sub(/^0+/, "", addr)
		if (!(addr in want))
			next
		seen[addr] = 1
		if ($0 ~ /\]!|\], *#|\], *x/) {
			print "check-mmio: writeback MMIO access: " $0
			bad = 1
		}
	}
	END {
		for (a in want)
			if (!(a in seen)) {
				print "check-mmio: site " a " not found"
				bad = 1
			}
		exit bad
	}' >&2 || { echo "check-mmio: $elf: FAILED" >&2; exit 1; }
