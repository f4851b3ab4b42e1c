/* SPDX-License-Identifier: MIT */
/*
 * Entry of the EL2 image.  QEMU virt (virtualization=on, no EL3) starts
 * every CPU it powers at the ELF entry point in EL2, MMU and caches off;
 * in practice only CPU 0, the others wait for PSCI CPU_ON.  CPU 0 gets a
 * stack, clears BSS, installs the vectors and sane HCR_EL2/SCTLR_EL2
 * values, then runs C.  Any other CPU that does arrive parks in wfe
 * until secondary bring-up exists.
 */
#include <arm64/hyp.h>
#include <arm64/sysreg.h>

/* EL1 is AArch64; nothing trapped, no stage 2 until a zone is entered. */
#define HCR_EL2_BOOT	HCR_RW

	.section .text.head, "ax"
	.globl	_start
_start:
	msr	daifset, #0xf
	mov	x20, x0			/* what the loader passed, if any */
	mrs	x1, CurrentEL
	cmp	x1, #CURRENTEL_EL2
	b.ne	hyp_park		/* not EL2: nothing we can do */

	mrs	x19, mpidr_el1
	and	x19, x19, #MPIDR_AFF0_MASK
	cmp	x19, #HYP_MAX_CPUS
	b.hs	hyp_park

	/* This CPU's stack: the top of hyp_stacks[cpu]; SP_EL2 from now. */
	msr	spsel, #1
	adrp	x1, hyp_stacks
	add	x1, x1, :lo12:hyp_stacks
	add	x2, x19, #1
	mov	x3, #HYP_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	cbnz	x19, hyp_park

	/* BSS: the stacks live outside it, so nothing in use is cleared. */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:
	adrp	x1, hyp_vectors
	add	x1, x1, :lo12:hyp_vectors
	msr	vbar_el2, x1
	ldr	x1, =HCR_EL2_BOOT
	msr	hcr_el2, x1
	/* MMU and caches off, little-endian, until hyp_arm64_mmu_init(). */
	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	isb

	mov	x0, x19
	mov	x1, x20
	bl	hyp_main
	/* hyp_main() does not return; park if it ever does. */

	.globl	hyp_park
hyp_park:
	wfe
	b	hyp_park
	.ltorg

	.section .hyp_stacks, "aw", %nobits
	.balign	16
	.globl	hyp_stacks
hyp_stacks:
	.skip	HYP_MAX_CPUS * HYP_STACK_SIZE
