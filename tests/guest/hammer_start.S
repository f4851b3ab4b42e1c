/* SPDX-License-Identifier: MIT */
/*
 * The hammer image's entry, vectors, stage 1 and device accesses
 * (hammer.c); the GIC image (gic.c) runs on them too.  Entry as docs/run.md says: EL1h, MMU off, x0 = the
 * in-hypervisor test device window, x1 = the PL011, x2 = the channel's
 * test device window.  A second vCPU, when the zone has one, enters at
 * hammer_secondary through PSCI CPU_ON with x0 = its index (1).  Each
 * vCPU has its own stack, turns on its MMU with the one set of tables,
 * and keeps its index in TPIDR_EL1.
 *
 * An access that aborts is skipped by the vector (ELR + 4) after
 * hammer_sync() has counted and reported it, so a load that aborted
 * returns the 0 put in x0 first.
 */
#include <arm64/console.h>
#include <arm64/vcpu.h>
#include <hyp/console.h>
#include "guest.h"
#include "stage1.h"
#include "vec.h"

#define CPACR_FPEN	(3 << 20)

#define PSCI_CPU_OFF	0x84000002

	.section .text.head, "ax"
	.globl	_start
_start:
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	ldr	x9, =hammer_stack0_top
	mov	sp, x9
	/* .bss, with the MMU still off: do not rely on QEMU's zeros. */
	ldr	x9, =__bss_start
	ldr	x10, =__bss_end
1:	cmp	x9, x10
	b.hs	2f
	str	xzr, [x9], #8		/* RAM, not MMIO */
	b	1b
2:	mov	x0, #0
	bl	hammer_cpu_setup
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	bl	guest_main
	b	hammer_exit

/* PSCI CPU_ON's entry for the second vCPU: x0 = 1. */
	.globl	hammer_secondary
hammer_secondary:
	mov	x19, x0
	ldr	x9, =hammer_stack1_top
	mov	sp, x9
	bl	hammer_cpu_setup
	mov	x0, x19
	bl	hammer_secondary_main
	ldr	x0, =PSCI_CPU_OFF
	smc	#0
	b	.

	.text
/* This vCPU's index in x0 to TPIDR_EL1; vectors, FP, MMU and caches on
 * (before the MMU: no stack use). */
hammer_cpu_setup:
	msr	tpidr_el1, x0
	ldr	x9, =hammer_vectors
	msr	vbar_el1, x9
	mov	x9, #CPACR_FPEN
	msr	cpacr_el1, x9
	stage1_on hammer_l1
	ret

/* The byte in w0 to the zone's console window (printed per line). */
	.globl	hammer_putc
hammer_putc:
	mov	x1, #HYP_ARM64_CONSOLE_IPA
	mmio	strb w0, [x1, #HYP_CONSOLE_TX]
	ret

/* Leave with exit code x0; the hypervisor stops this vCPU. */
	.globl	hammer_exit
hammer_exit:
	hvc	#HYP_HVC_TEST_EXIT
	b	.

/* __s64 hammer_psci(__u64 fn, __u64 a1, __u64 a2, __u64 a3): trapped
 * by the hypervisor (HCR_EL2.TSC), which answers for the zone. */
	.globl	hammer_psci
hammer_psci:
	smc	#0
	ret

/* __u64 hammer_read64(__u64 addr) */
	.globl	hammer_read64
hammer_read64:
	mov	x1, x0
	mov	x0, #0
	mmio	ldr x0, [x1]
	ret

/* void hammer_write64(__u64 addr, __u64 val) */
	.globl	hammer_write64
hammer_write64:
	mmio	str x1, [x0]
	ret

/* __u64 hammer_now(void): the virtual counter (CNTVOFF_EL2 is 0). */
	.globl	hammer_now
hammer_now:
	isb
	mrs	x0, cntvct_el0
	ret

/* __u64 hammer_freq(void) */
	.globl	hammer_freq
hammer_freq:
	mrs	x0, cntfrq_el0
	ret

/* __u64 hammer_cpu(void): this vCPU's index */
	.globl	hammer_cpu
hammer_cpu:
	mrs	x0, tpidr_el1
	ret

/* void hammer_lock(__u32 *lock): the console's lock, so the vCPUs'
 * lines do not mix.  The acquire pairs with hammer_unlock's release. */
	.globl	hammer_lock
hammer_lock:
	mov	w2, #1
1:	ldaxr	w1, [x0]
	cbnz	w1, 1b
	stxr	w3, w2, [x0]
	cbnz	w3, 1b
	ret

	.globl	hammer_unlock
hammer_unlock:
	stlr	wzr, [x0]
	ret

/*
 * VBAR_EL1.  "Current EL with SPx" synchronous exceptions (the aborts the
 * hypervisor injects) go to hammer_sync() and skip the instruction; its
 * IRQs go to hammer_irq(), which an image with interrupts defines (the
 * GIC image, gic.c: the default reports and exits, as anything else
 * does).  The images never move SP, so the vectors save the
 * caller-saved registers, ELR_EL1 and SPSR_EL1 on the interrupted stack.
 */
	.balign	2048
hammer_vectors:
	.rept	4
	.balign	0x80
	b	hammer_vec_other
	.endr
	.balign	0x80
	b	hammer_vec_sync		/* 0x200 */
	.balign	0x80
	b	hammer_vec_irq		/* 0x280 */
	.rept	10
	.balign	0x80
	b	hammer_vec_other
	.endr

hammer_vec_sync:
	vec_save
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	bl	hammer_sync
	ldr	x0, [sp, #VEC_ELR]
	add	x0, x0, #4		/* A64: skip the access */
	str	x0, [sp, #VEC_ELR]
	vec_restore

hammer_vec_irq:
	vec_save
	bl	hammer_irq
	vec_restore

/* No interrupts expected: report and exit. */
	.weak	hammer_irq
hammer_irq:
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	bl	hammer_unexpected
	b	hammer_exit

hammer_vec_other:
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	bl	hammer_unexpected
	b	hammer_exit
	.ltorg

/*
 * Stage 1: an identity map in 2 MiB blocks: zone1's RAM Normal
 * write-back; the GIC windows (0x08000000: distributor and
 * redistributors; the GIC image's), the emulated PL011 (0x09000000;
 * the UART image's), the two test device windows (0x0b000000,
 * 0x0b100000) and the console window Device-nGnRE; nothing else.
 */

	.section .data.pgtable, "aw"
	.balign	4096
hammer_l1:
	.quad	hammer_l2_low + PTE_TABLE	/* 0x00000000-0x3fffffff */
	.quad	hammer_l2_high + PTE_TABLE	/* 0x40000000-0x7fffffff */
	.skip	510 * 8
hammer_l2_low:
	skip_to	hammer_l2_low, 0x08000000
	block	0x08000000, ATTR_DEVICE, PTE_PXN | PTE_UXN	/* GIC */
	skip_to	hammer_l2_low, 0x09000000
	block	0x09000000, ATTR_DEVICE, PTE_PXN | PTE_UXN	/* PL011 */
	skip_to	hammer_l2_low, 0x0b000000
	block	0x0b000000, ATTR_DEVICE, PTE_PXN | PTE_UXN
	block	0x0b200000, ATTR_DEVICE, PTE_PXN | PTE_UXN	/* console */
	.skip	4096 - (. - hammer_l2_low)
hammer_l2_high:
	block	0x40000000, ATTR_NORMAL, PTE_SH_INNER		/* our RAM */
	.skip	4096 - (. - hammer_l2_high)

	.bss
	.balign	16
	.skip	8192
hammer_stack0_top:
	.skip	8192
hammer_stack1_top:
