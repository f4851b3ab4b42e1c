/* SPDX-License-Identifier: MIT */
/*
 * The torture image's entry, vectors and stage 1.  docs/run.md is the
 * contract: loaded at IPA 0x40000000 (zone1's RAM, PA 0x50000000), entry
 * at the first byte, EL1h, MMU off, x0 = the in-hypervisor test device
 * window, x1 = the PL011, x2 = the channel's test device window, x3 = 0;
 * or, started from a zone config, by the arm64 boot protocol (x2 = 0:
 * no in-hypervisor window, main.c).
 *
 * It turns its own MMU and caches on before any test: the hypervisor's
 * ISV=0 path must fetch the faulting instruction through the guest's
 * translation, and Device attributes are what a real driver maps its
 * registers with.
 */
#include <arm64/console.h>
#include <arm64/vcpu.h>
#include "guest.h"
#include "stage1.h"
#include "vec.h"

#define CPACR_FPEN	(3 << 20)

	.section .text.head, "ax"
	.globl	_start
_start:
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	ldr	x9, =guest_stack_top
	mov	sp, x9
	ldr	x9, =guest_vectors
	msr	vbar_el1, x9
	/* FP/SIMD usable at EL1: one case aborts a SIMD load. */
	mov	x9, #CPACR_FPEN
	msr	cpacr_el1, x9
	isb
	/* .bss: RAM at start is QEMU's zeros, but do not rely on it. */
	ldr	x9, =__bss_start
	ldr	x10, =__bss_end
1:	cmp	x9, x10
	b.hs	2f
	str	xzr, [x9], #8		/* RAM, not MMIO */
	b	1b
2:
	stage1_on guest_l1
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	mov	x3, x22
	bl	guest_main
	b	guest_exit

	.text
/* Print the byte in w0: the zone's console window, a 1-byte write to
 * TX (the hypervisor prints whole lines, "[zone1] ..."). */
	.globl	guest_putc
guest_putc:
	mov	x1, #HYP_ARM64_CONSOLE_IPA
	mmio	strb w0, [x1, #HYP_CONSOLE_TX]
	ret

/* Leave with exit code x0; the hypervisor stops this CPU. */
	.globl	guest_exit
guest_exit:
	hvc	#HYP_HVC_TEST_EXIT
	b	.

/*
 * VBAR_EL1.  Expected: "current EL with SPx, synchronous" (the aborts the
 * hypervisor injects, and the guest's own faults), "current EL with
 * SPx, IRQ" (guest_irq(): only the interrupt image, virq.c, unmasks
 * them; the default reports and exits as anything else does) and "lower
 * EL using AArch32, synchronous" (what the a32_* cases' EL0 code takes);
 * anything else reports and exits.
 */
	.balign	2048
guest_vectors:
	.rept	4
	.balign	0x80
	b	guest_vec_other
	.endr
	.balign	0x80
	b	guest_vec_sync		/* 0x200 */
	.balign	0x80
	b	guest_vec_irq		/* 0x280 */
	.rept	6
	.balign	0x80
	b	guest_vec_other
	.endr
	.balign	0x80
	b	guest_vec_a32		/* 0x600 */
	.rept	3
	.balign	0x80
	b	guest_vec_other
	.endr

/*
 * From AArch32 EL0, synchronous: one of the a32_* cases (cases.S) ran
 * EL0 code that trapped.  Count and record it in guest_a32, then resume
 * that case at EL1 where it asked, on its own stack.
 */
guest_vec_a32:
	ldr	x0, =guest_a32
	ldr	x1, [x0, #GA32_RESUME]
	cbz	x1, guest_vec_other	/* no case expects one */
	ldr	x1, [x0, #GA32_COUNT]
	add	x1, x1, #1
	str	x1, [x0, #GA32_COUNT]
	mrs	x1, esr_el1
	str	x1, [x0, #GA32_ESR]
	mrs	x1, far_el1
	str	x1, [x0, #GA32_FAR]
	mrs	x1, elr_el1
	str	x1, [x0, #GA32_ELR]
	mrs	x1, spsr_el1
	str	x1, [x0, #GA32_SPSR]
	ldr	x1, [x0, #GA32_SP]
	mov	sp, x1
	ldr	x1, [x0, #GA32_RESUME]
	str	xzr, [x0, #GA32_RESUME]
	br	x1

/*
 * A synchronous exception: on a stack of its own (a case may have put SP
 * into a device window), every register saved, guest_sync() records and
 * prints it, and the guest resumes after the instruction that took it.
 * TPIDR_EL1 and TPIDRRO_EL0 hold x0 and the interrupted SP meanwhile.
 */
guest_vec_sync:
	msr	tpidr_el1, x0
	mov	x0, sp
	msr	tpidrro_el0, x0
	ldr	x0, =guest_exc_stack_top
	mov	sp, x0
	stp	x1, x2, [sp, #-16]!
	stp	x3, x4, [sp, #-16]!
	stp	x5, x6, [sp, #-16]!
	stp	x7, x8, [sp, #-16]!
	stp	x9, x10, [sp, #-16]!
	stp	x11, x12, [sp, #-16]!
	stp	x13, x14, [sp, #-16]!
	stp	x15, x16, [sp, #-16]!
	stp	x17, x18, [sp, #-16]!
	stp	x19, x20, [sp, #-16]!
	stp	x21, x22, [sp, #-16]!
	stp	x23, x24, [sp, #-16]!
	stp	x25, x26, [sp, #-16]!
	stp	x27, x28, [sp, #-16]!
	stp	x29, x30, [sp, #-16]!
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	bl	guest_sync
	mrs	x0, elr_el1
	add	x0, x0, #4		/* A64: skip the instruction */
	msr	elr_el1, x0
	ldp	x29, x30, [sp], #16
	ldp	x27, x28, [sp], #16
	ldp	x25, x26, [sp], #16
	ldp	x23, x24, [sp], #16
	ldp	x21, x22, [sp], #16
	ldp	x19, x20, [sp], #16
	ldp	x17, x18, [sp], #16
	ldp	x15, x16, [sp], #16
	ldp	x13, x14, [sp], #16
	ldp	x11, x12, [sp], #16
	ldp	x9, x10, [sp], #16
	ldp	x7, x8, [sp], #16
	ldp	x5, x6, [sp], #16
	ldp	x3, x4, [sp], #16
	ldp	x1, x2, [sp], #16
	mrs	x0, tpidrro_el0
	mov	sp, x0
	mrs	x0, tpidr_el1
	eret

/* An IRQ: on the interrupted stack (the interrupt image never moves
 * SP), caller-saved registers kept (vec.h). */
guest_vec_irq:
	vec_save
	bl	guest_irq
	vec_restore

	.weak	guest_irq
guest_irq:
	b	guest_vec_other

guest_vec_other:
	ldr	x0, =guest_exc_stack_top
	mov	sp, x0
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	bl	guest_unexpected
	b	guest_exit
	.ltorg

/*
 * Stage 1: an identity map in 2 MiB blocks.  Zone1's RAM is Normal
 * write-back; its GIC windows (the virtio image), the PL011, the virtio-mmio windows (the virtio image),
 * the two test device windows, the console window and an address in no
 * window are Device-nGnRE; the probes of
 * other memory (beyond zone1's RAM, the root zone's RAM, the
 * hypervisor's carve-out and the channel region) are mapped Normal too,
 * so that only stage 2 stops them.
 */

	.section .data.pgtable, "aw"
	.balign	4096
guest_l1:
	.quad	guest_l2_low + PTE_TABLE	/* 0x00000000-0x3fffffff */
	.quad	guest_l2_high + PTE_TABLE	/* 0x40000000-0x7fffffff */
	.quad	guest_l2_top + PTE_TABLE	/* 0x80000000-0xbfffffff */
	.skip	509 * 8

guest_l2_low:
	skip_to	guest_l2_low, 0x08000000
	block	0x08000000, ATTR_DEVICE, PTE_PXN | PTE_UXN	/* GIC */
	skip_to	guest_l2_low, 0x09000000
	block	0x09000000, ATTR_DEVICE, PTE_PXN | PTE_UXN	/* PL011 */
	skip_to	guest_l2_low, 0x0a000000
	block	0x0a000000, ATTR_DEVICE, PTE_PXN | PTE_UXN	/* virtio-mmio */
	skip_to	guest_l2_low, 0x0b000000
	/* both test device windows, 0x0b000000 and 0x0b100000 */
	block	0x0b000000, ATTR_DEVICE, PTE_PXN | PTE_UXN
	block	0x0b200000, ATTR_DEVICE, PTE_PXN | PTE_UXN	/* console */
	skip_to	guest_l2_low, 0x0c000000
	block	0x0c000000, ATTR_DEVICE, PTE_PXN | PTE_UXN	/* nothing */
	skip_to	guest_l2_low, GUEST_EL0_DEV_ALIAS
	/* the test device windows again, for AArch32 EL0 (guest.h) */
	alias	GUEST_EL0_DEV_ALIAS, 0x0b000000, ATTR_DEVICE, \
		PTE_AP_EL0_RW | PTE_PXN | PTE_UXN
	.skip	4096 - (. - guest_l2_low)

guest_l2_high:
	block	0x40000000, ATTR_NORMAL, PTE_SH_INNER		/* our RAM */
	block	0x40200000, ATTR_NORMAL, PTE_SH_INNER | PTE_PXN	/* beyond */
	skip_to	guest_l2_high, 0x48000000
	block	0x48000000, ATTR_NORMAL, PTE_SH_INNER | PTE_PXN	/* root */
	skip_to	guest_l2_high, GUEST_EL0_RAM_ALIAS
	/* our RAM again: read-only, executable at EL0 only (guest.h) */
	alias	GUEST_EL0_RAM_ALIAS, GUEST_RAM_BASE, ATTR_NORMAL, \
		PTE_SH_INNER | PTE_AP_RO | PTE_PXN
	.skip	4096 - (. - guest_l2_high)

/* The top of QEMU's 2 GiB: the hypervisor's carve-out and the channel
 * region (hyp/arch/arm64/README.md). */
guest_l2_top:
	skip_to	guest_l2_top, 0xbfc00000
	block	0xbfc00000, ATTR_NORMAL, PTE_SH_INNER | PTE_PXN	/* hyp */
	block	0xbfe00000, ATTR_NORMAL, PTE_SH_INNER | PTE_PXN	/* chan */

	.bss
	.balign	8
	.globl	guest_a32
guest_a32:
	.skip	GA32_SIZE
	.balign	16
	.skip	16384
	.globl	guest_stack_top
guest_stack_top:
	.skip	4096
guest_exc_stack_top:
