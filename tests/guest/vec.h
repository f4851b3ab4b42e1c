/* SPDX-License-Identifier: MIT */
/*
 * tests/guest/vec.h - the test images' exception entry and return
 * (hammer_start.S, and start.S's IRQ vector): vec_save pushes the
 * caller-saved registers x0-x18 and x30, then ELR_EL1 and SPSR_EL1 at
 * [sp, #VEC_ELR] and [sp, #VEC_ELR + 8], on the interrupted stack, so a
 * C handler can be called; vec_restore takes them back and returns.
 * Assembly only.
 */
#ifndef GUEST_VEC_H
#define GUEST_VEC_H

#define VEC_FRAME	176
#define VEC_ELR		160

.macro	vec_save
	sub	sp, sp, #VEC_FRAME
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #VEC_ELR]
.endm

.macro	vec_restore
	ldp	x0, x1, [sp, #VEC_ELR]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #VEC_FRAME
	eret
.endm

#endif /* GUEST_VEC_H */
