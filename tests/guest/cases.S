/* SPDX-License-Identifier: MIT */
/*
 * The MMIO torture cases.  Each is an assembly function, so the
 * instruction a case names is exactly the one that traps: x0 = the test
 * device window's base (<hvbridge/testdev.h>); returns x0 = 0 when every
 * check held.  A case may clobber any register but SP (the SP cases put
 * it back before they check anything); CASE saves what the C caller
 * needs.  Every device access goes through `mmio`, which records its
 * address for check-mmio.sh; the cases named wb_* use writeback forms on
 * purpose (the hypervisor must decode them from the instruction) and are
 * excluded by name (writeback.allow).
 *
 * Window layout used: SCRATCH 0x40-0x7ff for data, PATTERN 0x8020
 * (every part positive) and 0x8028 (its byte, halfword and word all
 * negative), ID 0xf000, ERROR 0xf008.
 */
#include "guest.h"

#define PAT_POS		0x8020
#define PAT_NEG		0x8028
#define ID_REG		0xf000
#define ERROR_REG	0xf008
#define ID_VALUE	0x0001544256485648
#define EC_DABT_CUR	0x25
#define DFSC_EXT_ABORT	0x10	/* what the hypervisor injects */

.macro	CASE name, flags
	.pushsection .rodata.gcase_names, "a"
.Lgname_\name:
	.asciz	"\name"
	.popsection
	.pushsection .gcase_table, "a"
	.balign	8
	.quad	.Lgname_\name, gcase_\name, \flags
	.popsection
	.text
	.balign	4
	.type	gcase_\name, %function
gcase_\name:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
.endm

.macro	ENDCASE name
	mov	x0, #0
	b	gcase_return
	.size	gcase_\name, . - gcase_\name
	.ltorg
.endm

/* @got == @want (registers), else fail the case with both. */
.macro	check got, want
	cmp	\got, \want
	b.eq	.Lck\@
	stp	\got, \want, [sp, #-16]!
	adr	x0, .
	b	gcase_fail
.Lck\@:
.endm

/* @got == the constant @val; x17 is the scratch (never @got). */
.macro	checki got, val
	ldr	x17, =\val
	check	\got, x17
.endm

/* Around an access that must abort: x19 = &guest_abort, x20 = count. */
.macro	abort_arm
	ldr	x19, =guest_abort
	ldr	x20, [x19, #GA_COUNT]
.endm

/* The access at @label took exactly one data abort, injected by the
 * hypervisor (external abort, not a fault of our own stage 1), with
 * FAR = @far and WnR = @wnr; the vector resumed after it. */
.macro	abort_check label, far, wnr
	ldr	x21, [x19, #GA_COUNT]
	sub	x21, x21, x20
	checki	x21, 1
	ldr	x21, [x19, #GA_FAR]
	check	x21, \far
	ldr	x21, [x19, #GA_ELR]
	adr	x22, \label
	check	x21, x22
	ldr	x21, [x19, #GA_ESR]
	lsr	x22, x21, #26
	checki	x22, EC_DABT_CUR
	and	x22, x21, #0x3f
	checki	x22, DFSC_EXT_ABORT
	ubfx	x22, x21, #6, #1
	checki	x22, \wnr
.endm

/* @reg = @base + @off, any 16-bit @off (@reg != @base). */
.macro	addoff reg, base, off
	mov	\reg, #\off
	add	\reg, \base, \reg
.endm

/* x0 = hvb_testdev_pattern(@off); clobbers x0-x18. */
.macro	pattern off
	mov	x0, #\off
	bl	guest_pattern
.endm

	.text
/* [sp] = got, [sp + 8] = want, x0 = the check's PC. */
gcase_fail:
	ldp	x1, x2, [sp], #16
	ldr	x3, =guest_fail
	str	x0, [x3, #GF_AT]
	str	x1, [x3, #GF_GOT]
	str	x2, [x3, #GF_WANT]
	mov	x0, #1
gcase_return:
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

/* For the harness: one 8-byte load from x0; 0 if it aborted. */
	.globl	guest_mmio_read64
guest_mmio_read64:
	mov	x1, x0
	mov	x0, #0
	mmio	ldr x0, [x1]
	ret
	.ltorg

/* --- every access size, load and store ----------------------------- */

/* A store of each size changes exactly its own bytes of a word of ones. */
.macro	size_case name, st, ld, reg, off, val, word
CASE	\name, GC_WINDOW
	mov	x28, x0
	mov	x1, #-1
	mmio	str x1, [x28, #0x40]
	ldr	x2, =\val
	mmio	\st \reg\()2, [x28, #\off]
	mov	x3, #-1
	mmio	\ld \reg\()3, [x28, #\off]
	check	x3, x2
	mmio	ldr x4, [x28, #0x40]
	checki	x4, \word
ENDCASE	\name
.endm
	size_case size_8, strb, ldrb, w, 0x41, 0xa5, 0xffffffffffffa5ff
	size_case size_16, strh, ldrh, w, 0x42, 0x1234, 0xffffffff1234ffff
	size_case size_32, str, ldr, w, 0x44, 0x89abcdef, 0x89abcdefffffffff
	size_case size_64, str, ldr, x, 0x40, 0x0123456789abcdef, \
		0x0123456789abcdef

/* Loads of each size from PATTERN: the low bytes of the function. */
.macro	pattern_case name, ld, reg, mask
CASE	\name, GC_WINDOW
	mov	x28, x0
	pattern	PAT_NEG
	mov	x27, x0
	ldr	x1, =\mask
	and	x27, x27, x1
	add	x26, x28, #(PAT_NEG & ~0xfff)
	mov	x3, #-1
	mmio	\ld \reg\()3, [x26, #(PAT_NEG & 0xfff)]
	check	x3, x27
ENDCASE	\name
.endm
	pattern_case pattern_8, ldrb, w, 0xff
	pattern_case pattern_16, ldrh, w, 0xffff
	pattern_case pattern_32, ldr, w, 0xffffffff
	pattern_case pattern_64, ldr, x, 0xffffffffffffffff

/* --- sign-extending loads into W and X ------------------------------ */

/* @ext is what the CPU itself does to the value (sxtb w / sxtb x ...);
 * @bit: the sign bit, which must be set at PAT_NEG (else the case would
 * not test sign extension at all). */
.macro	sext_case name, ld, reg, ext, extreg, bit
CASE	\name, GC_WINDOW
	mov	x28, x0
	pattern	PAT_NEG
	mov	x27, x0
	ubfx	x1, x27, #\bit, #1
	checki	x1, 1
	\ext	\extreg\()27, w27
	add	x26, x28, #(PAT_NEG & ~0xfff)
	mov	x3, #-1
	mmio	\ld \reg\()3, [x26, #(PAT_NEG & 0xfff)]
	check	x3, x27
ENDCASE	\name
.endm
	sext_case ldrsb_w, ldrsb, w, sxtb, w, 7
	sext_case ldrsb_x, ldrsb, x, sxtb, x, 7
	sext_case ldrsh_w, ldrsh, w, sxth, w, 15
	sext_case ldrsh_x, ldrsh, x, sxth, x, 15
	sext_case ldrsw_x, ldrsw, x, sxtw, x, 31

/* Positive values stay positive (upper bits zero) in every form. */
CASE	sext_positive, GC_WINDOW
	mov	x28, x0
	pattern	PAT_POS
	mov	x27, x0
	add	x26, x28, #(PAT_POS & ~0xfff)
	and	x1, x27, #0xff
	mmio	ldrsb x3, [x26, #(PAT_POS & 0xfff)]
	check	x3, x1
	mmio	ldrsb w3, [x26, #(PAT_POS & 0xfff)]
	check	x3, x1
	and	x1, x27, #0xffff
	mmio	ldrsh x3, [x26, #(PAT_POS & 0xfff)]
	check	x3, x1
	and	x1, x27, #0xffffffff
	mmio	ldrsw x3, [x26, #(PAT_POS & 0xfff)]
	check	x3, x1
ENDCASE	sext_positive

/* --- stores of XZR/WZR ---------------------------------------------- */

.macro	zr_case name, st, reg, off, word
CASE	\name, GC_WINDOW
	mov	x28, x0
	mov	x1, #-1
	mmio	str x1, [x28, #0x48]
	mmio	\st \reg, [x28, #\off]
	mmio	ldr x4, [x28, #0x48]
	checki	x4, \word
ENDCASE	\name
.endm
	zr_case str_xzr, str, xzr, 0x48, 0
	zr_case str_wzr, str, wzr, 0x4c, 0x00000000ffffffff
	zr_case strh_wzr, strh, wzr, 0x4a, 0xffffffff0000ffff
	zr_case strb_wzr, strb, wzr, 0x49, 0xffffffffffff00ff

/* --- every register x0..x30 as Rt ----------------------------------- */

/* Rt = x@n; @base, @val, @exp: three other registers. */
.macro	rt_cases n, base, val, exp
CASE	ldr_x\n, GC_WINDOW
	mov	\base, x0
	ldr	\val, =(0x5aa5000000000000 + 0x0100010001 * (\n + 1))
	mmio	str \val, [\base, #(0x400 + 8 * \n)]
	mov	x\n, #-1
	mmio	ldr x\n, [\base, #(0x400 + 8 * \n)]
	check	x\n, \val
ENDCASE	ldr_x\n

/* A W load zero-extends into X. */
CASE	ldr_w\n, GC_WINDOW
	mov	\base, x0
	ldr	\val, =(0xa55a000080000000 + 0x0100010001 * (\n + 1))
	mmio	str \val, [\base, #(0x400 + 8 * \n)]
	mov	\exp, #0xffffffff
	and	\exp, \val, \exp
	mov	x\n, #-1
	mmio	ldr w\n, [\base, #(0x400 + 8 * \n)]
	check	x\n, \exp
ENDCASE	ldr_w\n

CASE	str_x\n, GC_WINDOW
	mov	\base, x0
	ldr	x\n, =(0x3cc3000000000000 + 0x0100010001 * (\n + 1))
	mmio	str x\n, [\base, #(0x400 + 8 * \n)]
	mov	\val, #0
	mmio	ldr \val, [\base, #(0x400 + 8 * \n)]
	check	\val, x\n
ENDCASE	str_x\n
.endm

.macro	rt_sweep n
	.if	\n == 28
	rt_cases \n, x27, x26, x25
	.elseif	\n == 27
	rt_cases \n, x28, x26, x25
	.elseif	\n == 26
	rt_cases \n, x28, x27, x25
	.else
	rt_cases \n, x28, x27, x26
	.endif
.endm

	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	rt_sweep \n
	.endr

/* --- unscaled, negative immediate; the ID register ------------------ */

CASE	unscaled_neg, GC_WINDOW
	mov	x28, x0
	add	x26, x28, #0x90
	ldr	x5, =0x1122334455667788
	mmio	stur x5, [x26, #-16]
	mmio	ldur x6, [x26, #-16]
	check	x6, x5
	mmio	ldurh w6, [x26, #-14]
	checki	x6, 0x5566
ENDCASE	unscaled_neg

CASE	id_reg, GC_WINDOW
	add	x1, x0, #ID_REG
	mmio	ldr x5, [x1]
	checki	x5, ID_VALUE
ENDCASE	id_reg

/* --- writeback forms (decoded from the instruction, ISV=0) ---------- */

/* The exact store of hvisor's bug: post-index, base x0. */
CASE	wb_str_w9_x0_post4, GC_WINDOW
	mov	x28, x0
	add	x0, x28, #0x100
	add	x10, x28, #0x104
	mov	w9, #0xabcd
	movk	w9, #0x8765, lsl #16
	mmio	str w9, [x0], #4
	check	x0, x10
	mmio	ldr w4, [x28, #0x100]
	check	x4, x9
ENDCASE	wb_str_w9_x0_post4

/* Load @ld @reg at x1 = base + @start by @insn; expect the value and x1 =
 * base + @end.  The word at 0x108 holds 0x0123456789abcdef first. */
.macro	wb_load name, start, end, insn:vararg
CASE	\name, GC_WINDOW
	mov	x28, x0
	ldr	x6, =0x0123456789abcdef
	mmio	str x6, [x28, #0x108]
	add	x1, x28, #\start
	add	x10, x28, #\end
	mov	x5, #-1
	mmio	\insn
	check	x1, x10
.endm
	wb_load	wb_ldr_x_post_pos, 0x108, 0x110, ldr x5, [x1], #8
	check	x5, x6
ENDCASE	wb_ldr_x_post_pos
	wb_load	wb_ldr_x_post_neg, 0x108, 0x100, ldr x5, [x1], #-8
	check	x5, x6
ENDCASE	wb_ldr_x_post_neg
	wb_load	wb_ldr_x_pre_neg, 0x110, 0x108, ldr x5, [x1, #-8]!
	check	x5, x6
ENDCASE	wb_ldr_x_pre_neg
	wb_load	wb_ldrb_pre_pos, 0x107, 0x108, ldrb w5, [x1, #1]!
	checki	x5, 0xef
ENDCASE	wb_ldrb_pre_pos
	wb_load	wb_ldrh_post_neg, 0x10e, 0x10c, ldrh w5, [x1], #-2
	checki	x5, 0x0123
ENDCASE	wb_ldrh_post_neg

/* Store by @insn at x1 = base + @start, expect x1 = base + @end and the
 * 8-byte word at 0x120 (ones before) to read @word. */
.macro	wb_store name, start, end, word, insn:vararg
CASE	\name, GC_WINDOW
	mov	x28, x0
	mov	x6, #-1
	mmio	str x6, [x28, #0x120]
	add	x1, x28, #\start
	add	x10, x28, #\end
	ldr	x5, =0x0011223344556677
	mmio	\insn
	check	x1, x10
	mmio	ldr x7, [x28, #0x120]
	checki	x7, \word
ENDCASE	\name
.endm
	wb_store wb_str_x_pre_pos, 0x110, 0x120, 0x0011223344556677, \
		str x5, [x1, #16]!
	wb_store wb_str_w_pre_neg, 0x128, 0x124, 0x44556677ffffffff, \
		str w5, [x1, #-4]!
	wb_store wb_strb_post_neg, 0x121, 0x120, 0xffffffffffff77ff, \
		strb w5, [x1], #-1
	wb_store wb_strh_post_pos, 0x126, 0x128, 0x6677ffffffffffff, \
		strh w5, [x1], #2

/* Sign-extending loads with writeback, from PATTERN's negative word. */
CASE	wb_ldrsh_pre_neg, GC_WINDOW
	mov	x28, x0
	pattern	PAT_NEG
	sxth	x27, w0
	addoff	x1, x28, (PAT_NEG + 2)
	addoff	x10, x28, PAT_NEG
	mmio	ldrsh x5, [x1, #-2]!
	check	x1, x10
	check	x5, x27
ENDCASE	wb_ldrsh_pre_neg

CASE	wb_ldrsw_post_pos, GC_WINDOW
	mov	x28, x0
	pattern	PAT_NEG
	sxtw	x27, w0
	addoff	x1, x28, PAT_NEG
	addoff	x10, x28, (PAT_NEG + 4)
	mmio	ldrsw x5, [x1], #4
	check	x1, x10
	check	x5, x27
ENDCASE	wb_ldrsw_post_pos

/* SP as the base: SP points into the window for the access only. */
CASE	wb_sp_pre_neg, GC_WINDOW
	mov	x28, x0
	mov	x27, sp
	ldr	x5, =0x5555666677778888
	add	x9, x28, #0x300
	mov	sp, x9
	mmio	str x5, [sp, #-16]!
	mov	x10, sp
	mov	sp, x27
	add	x11, x28, #0x2f0
	check	x10, x11
	mmio	ldr x6, [x28, #0x2f0]
	check	x6, x5
ENDCASE	wb_sp_pre_neg

CASE	wb_sp_post_pos, GC_WINDOW
	mov	x28, x0
	mov	x27, sp
	ldr	x5, =0x9999aaaabbbbcccc
	mmio	str x5, [x28, #0x2f0]
	add	x9, x28, #0x2f0
	mov	sp, x9
	mov	x6, #0
	mmio	ldr x6, [sp], #16
	mov	x10, sp
	mov	sp, x27
	add	x11, x28, #0x300
	check	x10, x11
	check	x6, x5
ENDCASE	wb_sp_post_pos

/* SP as the base without writeback: a syndrome, Rn = 31 is SP. */
CASE	sp_base, GC_WINDOW
	mov	x28, x0
	mov	x27, sp
	ldr	x5, =0x0f0e0d0c0b0a0908
	add	x9, x28, #0x2e0
	mov	sp, x9
	mmio	str x5, [sp, #8]
	mov	x6, #0
	mmio	ldr x6, [sp, #8]
	mov	x10, sp
	mov	sp, x27
	check	x10, x9
	check	x6, x5
ENDCASE	sp_base

/* --- pairs ---------------------------------------------------------- */

CASE	stp_ldp_x, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0x1111222233334444
	ldr	x6, =0x5555666677778888
	add	x1, x28, #0x200
	mmio	stp x5, x6, [x1, #16]
	mov	x7, #0
	mov	x8, #0
	mmio	ldp x7, x8, [x1, #16]
	check	x7, x5
	check	x8, x6
	mmio	ldr x9, [x28, #0x218]	/* in order, each at its place */
	check	x9, x6
ENDCASE	stp_ldp_x

CASE	stp_ldp_w, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0xdeadbeef
	ldr	x6, =0x0badf00d
	add	x1, x28, #0x230
	mmio	stp w5, w6, [x1, #8]
	mov	x7, #-1
	mov	x8, #-1
	mmio	ldp w7, w8, [x1, #8]
	check	x7, x5
	check	x8, x6
	mmio	ldr x9, [x28, #0x238]
	checki	x9, 0x0badf00ddeadbeef
ENDCASE	stp_ldp_w

CASE	ldpsw, GC_WINDOW
	mov	x28, x0
	pattern	PAT_NEG
	sxtw	x27, w0
	pattern	(PAT_NEG + 4)
	sxtw	x26, w0
	addoff	x1, x28, PAT_NEG
	mmio	ldpsw x5, x6, [x1]
	check	x5, x27
	check	x6, x26
ENDCASE	ldpsw

CASE	wb_stp_x_pre_neg, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0x0102030405060708
	ldr	x6, =0x1112131415161718
	add	x1, x28, #0x260
	add	x10, x28, #0x250
	mmio	stp x5, x6, [x1, #-16]!
	check	x1, x10
	mmio	ldr x7, [x28, #0x250]
	check	x7, x5
	mmio	ldr x7, [x28, #0x258]
	check	x7, x6
ENDCASE	wb_stp_x_pre_neg

CASE	wb_ldp_x_post_pos, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0x2122232425262728
	ldr	x6, =0x3132333435363738
	mmio	str x5, [x28, #0x270]
	mmio	str x6, [x28, #0x278]
	add	x1, x28, #0x270
	add	x10, x28, #0x280
	mmio	ldp x7, x8, [x1], #16
	check	x1, x10
	check	x7, x5
	check	x8, x6
ENDCASE	wb_ldp_x_post_pos

CASE	wb_stp_w_post_neg, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0x41424344
	ldr	x6, =0x51525354
	add	x1, x28, #0x288
	add	x10, x28, #0x280
	mmio	stp w5, w6, [x1], #-8
	check	x1, x10
	mmio	ldr x7, [x28, #0x288]
	checki	x7, 0x5152535441424344
ENDCASE	wb_stp_w_post_neg

CASE	wb_ldp_w_pre_pos, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0x8182838471727374
	mmio	str x5, [x28, #0x298]
	add	x1, x28, #0x290
	add	x10, x28, #0x298
	mov	x7, #-1
	mov	x8, #-1
	mmio	ldp w7, w8, [x1, #8]!
	check	x1, x10
	checki	x7, 0x71727374
	checki	x8, 0x81828384
ENDCASE	wb_ldp_w_pre_pos

/* --- register offset, extended and shifted -------------------------- */

CASE	roff_x_lsl3, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0x6162636465666768
	mmio	str x5, [x28, #0x628]
	add	x1, x28, #0x600
	mov	x2, #5
	mmio	ldr x6, [x1, x2, lsl #3]
	check	x6, x5
ENDCASE	roff_x_lsl3

/* UXTW ignores Xm's upper half. */
CASE	roff_w_uxtw2, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0x76543210
	mmio	str w5, [x28, #0x60c]
	add	x1, x28, #0x600
	ldr	x2, =0xffffffff00000003
	mov	x6, #-1
	mmio	ldr w6, [x1, w2, uxtw #2]
	check	x6, x5
ENDCASE	roff_w_uxtw2

/* SXTW of a negative index: below the base. */
CASE	roff_w_sxtw_neg, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0x13572468
	add	x1, x28, #0x600
	mov	w2, #-3
	mmio	str w5, [x1, w2, sxtw #2]
	mmio	ldr w6, [x28, #0x5f4]
	check	x6, x5
ENDCASE	roff_w_sxtw_neg

CASE	roff_x_sxtx_neg, GC_WINDOW
	mov	x28, x0
	ldr	x5, =0x2468ace013579bdf
	add	x1, x28, #0x600
	mov	x2, #-16
	mmio	str x5, [x1, x2, sxtx]
	mmio	ldr x6, [x28, #0x5f0]
	check	x6, x5
ENDCASE	roff_x_sxtx_neg

CASE	roff_h_lsl1, GC_WINDOW
	mov	x28, x0
	add	x1, x28, #0x640
	mov	x2, #3
	mov	w5, #0xbeef
	mmio	strh w5, [x1, x2, lsl #1]
	mov	x6, #-1
	mmio	ldrh w6, [x1, x2, lsl #1]
	check	x6, x5
ENDCASE	roff_h_lsl1

CASE	roff_b, GC_WINDOW
	mov	x28, x0
	add	x1, x28, #0x650
	mov	x2, #7
	mov	w5, #0x9c
	mmio	strb w5, [x1, x2]
	mov	x6, #-1
	mmio	ldrsb x6, [x1, x2]
	checki	x6, 0xffffffffffffff9c
ENDCASE	roff_b

CASE	roff_ldrsw_lsl2, GC_WINDOW
	mov	x28, x0
	pattern	PAT_NEG
	sxtw	x27, w0
	add	x1, x28, #0x8000
	mov	x2, #((PAT_NEG - 0x8000) / 4)
	mmio	ldrsw x5, [x1, x2, lsl #2]
	check	x5, x27
ENDCASE	roff_ldrsw_lsl2

/* --- what the hypervisor must refuse: a data abort in the guest ----- */

/* The device fails the access (its ERROR register): load, then store;
 * the load's register keeps its value. */
CASE	abort_error_load, GC_WINDOW | GC_ABORT
	addoff	x28, x0, ERROR_REG
	mov	x5, #0x77
	abort_arm
1:	mmio	ldr x5, [x28]
	abort_check 1b, x28, 0
	checki	x5, 0x77
ENDCASE	abort_error_load

CASE	abort_error_store, GC_WINDOW | GC_ABORT
	addoff	x28, x0, ERROR_REG
	abort_arm
1:	mmio	str x5, [x28]
	abort_check 1b, x28, 1
ENDCASE	abort_error_store

/* An exclusive: no syndrome, and the decoder does not emulate it. */
CASE	abort_ldxr, GC_WINDOW | GC_ABORT
	add	x28, x0, #0x40
	mov	x5, #0x77
	abort_arm
1:	mmio	ldxr x5, [x28]
	abort_check 1b, x28, 0
	checki	x5, 0x77
ENDCASE	abort_ldxr

/* A SIMD&FP load: no syndrome, not a general register. */
CASE	abort_simd, GC_WINDOW | GC_ABORT
	add	x28, x0, #0x40
	abort_arm
1:	mmio	ldr d0, [x28]
	abort_check 1b, x28, 0
ENDCASE	abort_simd

/* Addresses outside every window and every region of the zone. */
.macro	iso_case name, addr, st
CASE	\name, GC_ONCE | GC_ABORT
	ldr	x28, =\addr
	mov	x5, #0x77
	abort_arm
	.ifb	\st
1:	ldr	x5, [x28]
	abort_check 1b, x28, 0
	checki	x5, 0x77
	.else
1:	str	x5, [x28]
	abort_check 1b, x28, 1
	.endif
ENDCASE	\name
.endm
	iso_case iso_unassigned, 0x0c000000		/* no device */
	iso_case iso_beyond_ram, 0x40200000		/* past our 2 MiB */
	iso_case iso_root_ram, 0x48000000		/* root zone RAM */
	iso_case iso_root_ram_store, 0x48000000, st
	iso_case iso_hyp_carveout, 0xbfc00000	/* the hypervisor */
	iso_case iso_channel_region, 0xbfff0000	/* the channel */

/* --- AArch32 at EL0 ------------------------------------------------- */

/*
 * Nothing is emulated for AArch32 code: its data abort on a test device
 * window reaches our EL1 at VBAR_EL1 + 0x600 (the AArch32 EL0 vector, not
 * the AArch64 one) as an external abort on that access, with ELR at the
 * instruction (none skipped, whatever its length), FAR its address, IL
 * set and SPSR the state it ran in (A32 or T32, usr mode).
 */
#define EC_DABT_LOW	0x24
/* PATTERN reads at any size: from A64 code the hypervisor would emulate
 * this load, and step ELR by 4 whatever the instruction's length. */
#define A32_PAT_VA	(GUEST_EL0_DEV_ALIAS + PAT_POS)
#define SPSR_USR_A32	0x10
#define SPSR_USR_T32	0x30	/* T */

.macro	a32_case name, code, spsr
CASE	\name, GC_ONCE
	ldr	x19, =guest_a32
	ldr	x9, [x19, #GA32_COUNT]
	str	x9, [x19, #GA32_BEFORE]
	mrs	x9, daif
	str	x9, [x19, #GA32_DAIF]
	mov	x9, sp
	str	x9, [x19, #GA32_SP]
	adr	x9, .La32_back_\name
	str	x9, [x19, #GA32_RESUME]
	ldr	x0, =A32_PAT_VA				/* r0 */
	mov	x1, #0x55				/* r1 */
	ldr	x9, =\code - GUEST_RAM_BASE + GUEST_EL0_RAM_ALIAS
	msr	elr_el1, x9
	mov	x9, #\spsr
	msr	spsr_el1, x9
	eret
.La32_back_\name:
	/* Only SP is ours again: reload everything else. */
	ldr	x19, =guest_a32
	ldr	x9, [x19, #GA32_DAIF]
	msr	daif, x9
	ldr	x20, [x19, #GA32_BEFORE]
	ldr	x21, [x19, #GA32_COUNT]
	sub	x21, x21, x20
	checki	x21, 1
	ldr	x21, [x19, #GA32_ELR]
	ldr	x22, =\code - GUEST_RAM_BASE + GUEST_EL0_RAM_ALIAS
	check	x21, x22
	ldr	x21, [x19, #GA32_FAR]
	checki	x21, A32_PAT_VA
	ldr	x21, [x19, #GA32_SPSR]
	checki	x21, \spsr
	ldr	x21, [x19, #GA32_ESR]
	lsr	x22, x21, #26
	checki	x22, EC_DABT_LOW
	ubfx	x22, x21, #25, #1			/* IL */
	checki	x22, 1
	ubfx	x22, x21, #24, #1			/* ISV */
	checki	x22, 0
	ubfx	x22, x21, #6, #1			/* WnR */
	checki	x22, 0
	and	x22, x21, #0x3f
	checki	x22, DFSC_EXT_ABORT
ENDCASE	\name
.endm

/* The EL0 code, run through GUEST_EL0_RAM_ALIAS; hand-encoded, as the
 * aarch64 assembler knows no A32 or T32. */
	.text
	.balign	4
a32_ldr_code:
	.word	0xe5901000	/* A32: ldr r1, [r0] */
	.word	0xeafffffe	/* A32: b . (never reached) */
t32_ldr_code:
	.hword	0x6801		/* T32, 16 bits: ldr r1, [r0] */
	.hword	0xe7fe		/* T32: b . (never reached) */

	a32_case a32_el0_ldr_a32, a32_ldr_code, SPSR_USR_A32
	a32_case a32_el0_ldr_t32, t32_ldr_code, SPSR_USR_T32
