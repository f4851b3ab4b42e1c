/* SPDX-License-Identifier: MIT */
/*
 * arm64/pgtable.h - VMSAv8-64 descriptors, 4 KiB granule, for the EL2
 * stage-1 map (mmu.c) and the zones' stage-2 maps (stage2.c).
 */
#ifndef ARM64_PGTABLE_H
#define ARM64_PGTABLE_H

#include <hvbridge/types.h>

#define PT_ENTRIES		512
#define PT_L1_SHIFT		30		/* 1 GiB per level-1 entry */
#define PT_L2_SHIFT		21		/* 2 MiB per level-2 entry */
#define PT_L3_SHIFT		12
#define PT_ADDR_MASK		0x0000fffffffff000ull

/* Descriptor type, bits [1:0]. */
#define PT_BLOCK		0x1ull		/* level 1 and 2 */
#define PT_TABLE		0x3ull		/* level 0..2: next table */
#define PT_PAGE			0x3ull		/* level 3 */

/* Stage 1 attributes. */
#define PT_ATTRIDX(i)		((__u64)(i) << 2)	/* into MAIR_EL2 */
#define PT_AP_EL2_RW		(1ull << 6)	/* AP[1] is RES1 at EL2 */
#define PT_AP_EL2_RO		(3ull << 6)	/* AP[2]: read-only */
#define PT_SH_INNER		(3ull << 8)
#define PT_AF			(1ull << 10)	/* else an access flag fault */
#define PT_XN			(1ull << 54)

/* MAIR_EL2 slots used by the EL2 map. */
#define MAIR_IDX_NORMAL		0		/* Normal, Inner/Outer WB RWA */
#define MAIR_IDX_DEVICE		1		/* Device-nGnRE */
#define MAIR_ATTR_NORMAL_WB	0xffull
#define MAIR_ATTR_DEVICE_NGNRE	0x04ull

/* Stage 2 attributes (no MAIR: the memory type is in the descriptor). */
#define S2_MEMATTR_NORMAL_WB	(0xfull << 2)
#define S2_MEMATTR_DEVICE_NGNRE	(0x1ull << 2)
#define S2_AP_R			(1ull << 6)
#define S2_AP_W			(1ull << 7)
#define S2_XN			(1ull << 54)

/* TCR_EL2 (non-VHE) and VTCR_EL2 share the low field layout. */
#define TCR_T0SZ(bits)		((__u64)(64 - (bits)))
#define TCR_IRGN0_WBWA		(1ull << 8)
#define TCR_ORGN0_WBWA		(1ull << 10)
#define TCR_SH0_INNER		(3ull << 12)
#define TCR_TG0_4K		(0ull << 14)
#define TCR_PS_SHIFT		16		/* TCR_EL2.PS, VTCR_EL2.PS */
#define TCR_PS_40BIT		2ull
#define TCR_EL2_RES1		((1ull << 31) | (1ull << 23))
#define VTCR_EL2_RES1		(1ull << 31)
#define VTCR_SL0_L1		(1ull << 6)	/* 4 KiB granule: start at L1 */

#endif /* ARM64_PGTABLE_H */
