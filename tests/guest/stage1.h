/* SPDX-License-Identifier: MIT */
/*
 * tests/guest/stage1.h - the test images' stage 1 (start.S, and
 * hammer_start.S): an identity map in 2 MiB blocks from one level-1 and
 * level-2 tables, and the sequence that turns the MMU and caches on with
 * it.  Assembly only.
 */
#ifndef GUEST_STAGE1_H
#define GUEST_STAGE1_H

/* Stage-1 block descriptors (4 KiB granule, level 2: 2 MiB). */
#define PTE_TABLE	0x3
#define PTE_BLOCK	0x1
#define PTE_ATTR(i)	((i) << 2)	/* MAIR_EL1 index */
#define PTE_SH_INNER	(3 << 8)
#define PTE_AF		(1 << 10)
#define PTE_AP_EL0_RW	(1 << 6)	/* AP 01: read-write at EL1 and EL0 */
#define PTE_AP_RO	(3 << 6)	/* AP 11: read-only at EL1 and EL0 */
#define PTE_PXN		(1 << 53)
#define PTE_UXN		(1 << 54)
#define ATTR_NORMAL	0		/* MAIR attr0: Normal WB RW-allocate */
#define ATTR_DEVICE	1		/* MAIR attr1: Device-nGnRE */
#define MAIR_VALUE	0x04ff
/* T0SZ 25 (39-bit VA, walk from level 1), inner/outer WB WA, inner
 * shareable, 4 KiB granule, no TTBR1 walks (EPD1), 40-bit PA. */
#define TCR_VALUE	(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | \
			 (2 << 32))
#define SCTLR_MCI	((1 << 0) | (1 << 2) | (1 << 12))	/* M, C, I */

#define L2_INDEX(a)	(((a) >> 21) & 511)

/* One 2 MiB block entry of a level-2 table. */
.macro	block addr, attr, extra
	.quad	\addr | PTE_ATTR(\attr) | PTE_AF | PTE_BLOCK | (\extra)
.endm

/* One 2 MiB block entry mapping @va's slot to @pa (an alias); the table
 * must have been padded to @va's entry. */
.macro	alias va, pa, attr, extra
	.quad	\pa | PTE_ATTR(\attr) | PTE_AF | PTE_BLOCK | (\extra)
.endm

/* Pad table @table up to the entry of @addr (fails if already past). */
.macro	skip_to table, addr
	.skip	8 * L2_INDEX(\addr) - (. - \table)
.endm

/* MMU and caches on with level-1 table @l1; clobbers x9, x10.  No stack
 * use: it may run before the stack is mapped cacheable. */
.macro	stage1_on l1
	ldr	x9, =MAIR_VALUE
	msr	mair_el1, x9
	ldr	x9, =TCR_VALUE
	msr	tcr_el1, x9
	ldr	x9, =\l1
	msr	ttbr0_el1, x9
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x9, sctlr_el1
	mov	x10, #SCTLR_MCI
	orr	x9, x9, x10
	msr	sctlr_el1, x9
	isb
	ic	iallu
	dsb	nsh
	isb
.endm

#endif /* GUEST_STAGE1_H */
