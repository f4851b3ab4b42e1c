/* SPDX-License-Identifier: MIT */
/*
 * Entry of the EL2 image.  QEMU virt (virtualization=on, no EL3) starts
 * CPU 0 at the ELF entry point in EL2, MMU and caches off; the other
 * CPUs wait for PSCI CPU_ON, which the hypervisor sends them at
 * hyp_secondary_entry, in EL2 too.  Each CPU gets its stack, the vectors
 * and sane HCR_EL2/SCTLR_EL2 values; CPU 0 also clears BSS first.  A CPU
 * that arrives at _start other than CPU 0 parks in wfe.
 */
#include <arm64/hyp.h>
#include <arm64/sysreg.h>

/* EL1 is AArch64; nothing trapped, no stage 2 until a zone is entered. */
#define HCR_EL2_BOOT	HCR_RW

/* x19 = this CPU's index (MPIDR Aff0), SP = top of its stack; parks a
 * CPU that is not at EL2 or has no stack. */
.macro	cpu_stack
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #CURRENTEL_EL2
	b.ne	hyp_park		/* not EL2: nothing we can do */
	mrs	x19, mpidr_el1
	and	x19, x19, #MPIDR_AFF0_MASK
	cmp	x19, #HYP_MAX_CPUS
	b.hs	hyp_park
	msr	spsel, #1
	adrp	x1, hyp_stacks
	add	x1, x1, :lo12:hyp_stacks
	add	x2, x19, #1
	mov	x3, #HYP_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
.endm

/* Vectors, HCR_EL2, and SCTLR_EL2 with MMU and caches off until
 * hyp_arm64_mmu_enable(). */
.macro	cpu_regs
	adrp	x1, hyp_vectors
	add	x1, x1, :lo12:hyp_vectors
	msr	vbar_el2, x1
	ldr	x1, =HCR_EL2_BOOT
	msr	hcr_el2, x1
	ldr	x1, =SCTLR_EL2_RES1
	msr	sctlr_el2, x1
	isb
.endm

	.section .text.head, "ax"
	.globl	_start
_start:
	mov	x20, x0			/* what the loader passed, if any */
	cpu_stack
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
	cpu_regs
	mov	x0, x19
	mov	x1, x20
	bl	hyp_main
	b	hyp_park		/* hyp_main() does not return */

	/* PSCI CPU_ON target; x0 = context id (unused: MPIDR is the id). */
	.globl	hyp_secondary_entry
hyp_secondary_entry:
	cpu_stack
	cpu_regs
	mov	x0, x19
	bl	hyp_secondary_main
	b	hyp_park

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
