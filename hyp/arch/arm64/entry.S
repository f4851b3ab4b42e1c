/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors: 16 entries of 0x80 bytes, VBAR_EL2 aligned to
 * 2 KiB.  Each entry opens a struct hyp_trap_frame on the EL2 stack,
 * saves x0/x1, puts its kind (source * 4 + type, arm64/traps.h) in x0 and
 * branches to the common path, which saves the rest, calls
 * hyp_trap_dispatch(frame, kind), and restores everything a handler may
 * have changed (x0..x30, SP_EL0, SP_EL1, ELR_EL2, SPSR_EL2) before eret.
 *
 * The stores here are to the hypervisor's own stack, not to a device:
 * design rule 3 concerns MMIO accessors only.
 */
#include <arm64/traps.h>

.macro	hyp_vector src, type
	.balign	0x80
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #TF_X(0)]
	mov	x0, #(\src * 4 + \type)
	b	hyp_trap_entry
.endm

	.section .text.vectors, "ax"
	.balign	2048
	.globl	hyp_vectors
hyp_vectors:
	hyp_vector TRAP_SRC_CUR_SP0, TRAP_TYPE_SYNC
	hyp_vector TRAP_SRC_CUR_SP0, TRAP_TYPE_IRQ
	hyp_vector TRAP_SRC_CUR_SP0, TRAP_TYPE_FIQ
	hyp_vector TRAP_SRC_CUR_SP0, TRAP_TYPE_SERROR
	hyp_vector TRAP_SRC_CUR_SPX, TRAP_TYPE_SYNC
	hyp_vector TRAP_SRC_CUR_SPX, TRAP_TYPE_IRQ
	hyp_vector TRAP_SRC_CUR_SPX, TRAP_TYPE_FIQ
	hyp_vector TRAP_SRC_CUR_SPX, TRAP_TYPE_SERROR
	hyp_vector TRAP_SRC_LOW_A64, TRAP_TYPE_SYNC
	hyp_vector TRAP_SRC_LOW_A64, TRAP_TYPE_IRQ
	hyp_vector TRAP_SRC_LOW_A64, TRAP_TYPE_FIQ
	hyp_vector TRAP_SRC_LOW_A64, TRAP_TYPE_SERROR
	hyp_vector TRAP_SRC_LOW_A32, TRAP_TYPE_SYNC
	hyp_vector TRAP_SRC_LOW_A32, TRAP_TYPE_IRQ
	hyp_vector TRAP_SRC_LOW_A32, TRAP_TYPE_FIQ
	hyp_vector TRAP_SRC_LOW_A32, TRAP_TYPE_SERROR

	.text
hyp_trap_entry:
	stp	x2, x3, [sp, #TF_X(2)]
	stp	x4, x5, [sp, #TF_X(4)]
	stp	x6, x7, [sp, #TF_X(6)]
	stp	x8, x9, [sp, #TF_X(8)]
	stp	x10, x11, [sp, #TF_X(10)]
	stp	x12, x13, [sp, #TF_X(12)]
	stp	x14, x15, [sp, #TF_X(14)]
	stp	x16, x17, [sp, #TF_X(16)]
	stp	x18, x19, [sp, #TF_X(18)]
	stp	x20, x21, [sp, #TF_X(20)]
	stp	x22, x23, [sp, #TF_X(22)]
	stp	x24, x25, [sp, #TF_X(24)]
	stp	x26, x27, [sp, #TF_X(26)]
	stp	x28, x29, [sp, #TF_X(28)]
	mrs	x1, sp_el0
	stp	x30, x1, [sp, #TF_X(30)]	/* x30, then sp_el0 */
	mrs	x1, sp_el1
	add	x2, sp, #TF_SIZE		/* SP before this frame */
	stp	x1, x2, [sp, #TF_SP_EL1]
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [sp, #TF_ELR]
	mrs	x1, esr_el2
	mrs	x2, far_el2
	stp	x1, x2, [sp, #TF_ESR]
	mrs	x1, hpfar_el2
	str	x1, [sp, #TF_HPFAR]

	mov	x1, x0
	mov	x0, sp
	bl	hyp_trap_dispatch

	/* sp points at a complete frame: restore it and return. */
hyp_trap_exit:
	ldp	x1, x2, [sp, #TF_ELR]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x30, x1, [sp, #TF_X(30)]
	msr	sp_el0, x1
	ldr	x1, [sp, #TF_SP_EL1]
	msr	sp_el1, x1
	ldp	x2, x3, [sp, #TF_X(2)]
	ldp	x4, x5, [sp, #TF_X(4)]
	ldp	x6, x7, [sp, #TF_X(6)]
	ldp	x8, x9, [sp, #TF_X(8)]
	ldp	x10, x11, [sp, #TF_X(10)]
	ldp	x12, x13, [sp, #TF_X(12)]
	ldp	x14, x15, [sp, #TF_X(14)]
	ldp	x16, x17, [sp, #TF_X(16)]
	ldp	x18, x19, [sp, #TF_X(18)]
	ldp	x20, x21, [sp, #TF_X(20)]
	ldp	x22, x23, [sp, #TF_X(22)]
	ldp	x24, x25, [sp, #TF_X(24)]
	ldp	x26, x27, [sp, #TF_X(26)]
	ldp	x28, x29, [sp, #TF_X(28)]
	ldp	x0, x1, [sp, #TF_X(0)]
	add	sp, sp, #TF_SIZE
	eret

/*
 * hyp_arm64_enter_lower(frame, stack_top): enter a lower EL for the first
 * time.  The frame is copied to the top of the EL2 stack, where the next
 * trap's frame will go too, so the abandoned C frames below cost nothing.
 */
	.globl	hyp_arm64_enter_lower
hyp_arm64_enter_lower:
	sub	x2, x1, #TF_SIZE
	mov	x3, x2
1:	ldp	x4, x5, [x0], #16
	stp	x4, x5, [x3], #16
	cmp	x3, x1
	b.lo	1b
	mov	sp, x2
	b	hyp_trap_exit
