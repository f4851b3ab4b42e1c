/* SPDX-License-Identifier: MIT */
/*
 * The PSCI image's entries (tests/guest/psci.c).  It carries an arm64
 * Image header, so the hypervisor boots it the Linux way
 * (booting.rst): x0 = its DTB, x1..x3 = 0, MMU and D-cache off, DAIF
 * masked, EL1h.  Each entry first writes what it found (x0..x3, SCTLR_EL1,
 * DAIF, CurrentEL, SPSel) to its own record, before any other
 * instruction can change them; then it takes a stack, sets VBAR_EL1 and
 * calls C.  The MMU stays off on every vCPU: memory is Device-nGnRnE,
 * so the vCPUs see each other's stores without cache maintenance, and
 * psci.c is built with -mstrict-align.
 *
 *   _start             the zone's boot (and its restart after
 *                      SYSTEM_RESET): .bss cleared, psci_main()
 *   psci_secondary     PSCI CPU_ON's entry for the second vCPU:
 *                      psci_secondary_main()
 *   psci_boot_again    CPU_ON's entry for the first vCPU after its
 *                      CPU_OFF: psci_again_main()
 *   psci_spin          CPU_ON's entry for a vCPU that loops forever
 *   psci_resetter      CPU_ON's entry for the second vCPU that calls
 *                      SYSTEM_RESET: psci_resetter_main()
 */
#include <arm64/vcpu.h>
#include "psci.h"

/* Write x0..x3 and the entry state to \rec (x9, x10, x11 clobbered). */
.macro	record rec
	adrp	x9, \rec
	add	x9, x9, :lo12:\rec
	stp	x0, x1, [x9, #PR_X0]
	stp	x2, x3, [x9, #(PR_X0 + 16)]
	mrs	x10, sctlr_el1
	mrs	x11, daif
	stp	x10, x11, [x9, #PR_SCTLR]
	mrs	x10, CurrentEL
	mrs	x11, spsel
	stp	x10, x11, [x9, #PR_EL]
.endm

.macro	setup stack
	ldr	x9, =\stack
	mov	sp, x9
	ldr	x9, =psci_vectors
	msr	vbar_el1, x9
	isb
.endm

	.section .text.head, "ax"
	.globl	_start
_start:
	b	psci_boot		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	__image_size		/* image_size (guest.lds) */
	.quad	0xa			/* LE, 4 KiB pages, base anywhere */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

psci_boot:
	record	psci_boot_regs
	setup	psci_stack0_top
	ldr	x9, =__bss_start
	ldr	x10, =__bss_end
1:	cmp	x9, x10
	b.hs	2f
	str	xzr, [x9], #8		/* RAM, not MMIO */
	b	1b
2:	adrp	x0, psci_boot_regs
	add	x0, x0, :lo12:psci_boot_regs
	bl	psci_main
	b	psci_exit

	.globl	psci_secondary
psci_secondary:
	record	psci_sec_regs
	setup	psci_stack1_top
	adrp	x0, psci_sec_regs
	add	x0, x0, :lo12:psci_sec_regs
	bl	psci_secondary_main
	b	psci_exit

	.globl	psci_boot_again
psci_boot_again:
	record	psci_again_regs
	setup	psci_stack0_top
	adrp	x0, psci_again_regs
	add	x0, x0, :lo12:psci_again_regs
	bl	psci_again_main
	b	psci_exit

/* CPU_ON's entry for a vCPU that never exits: DAIF masked, no trap,
 * no end.  Only the hypervisor can stop it (its kick SGI, taken at EL2
 * whatever PSTATE says). */
	.globl	psci_spin
psci_spin:
	b	psci_spin

	.globl	psci_resetter
psci_resetter:
	setup	psci_stack1_top
	bl	psci_resetter_main
	b	psci_exit

	.text
/* __s64 psci_smc(fn, a1, a2, a3) / psci_hvc(...): the two conduits. */
	.globl	psci_smc
psci_smc:
	smc	#0
	ret

	.globl	psci_hvc
psci_hvc:
	hvc	#0
	ret

/* The byte in w0 to the hypervisor's console (whole lines per CPU). */
	.globl	psci_putc
psci_putc:
	hvc	#HYP_HVC_TEST_PUTC
	ret

	.globl	psci_exit
psci_exit:
	hvc	#HYP_HVC_TEST_EXIT
	b	.

/* __u64 psci_now(void): the virtual count. */
	.globl	psci_now
psci_now:
	isb
	mrs	x0, cntvct_el0
	ret

	.globl	psci_freq
psci_freq:
	mrs	x0, cntfrq_el0
	ret

/* Every exception is unexpected here: report and leave. */
	.balign	2048
psci_vectors:
	.rept	16
	.balign	0x80
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	mrs	x2, far_el1
	b	psci_unexpected
	.endr
	.ltorg

	/* Not .bss: each entry writes its record before clearing it. */
	.data
	.balign	16
	.globl	psci_boot_regs, psci_sec_regs, psci_again_regs
psci_boot_regs:
	.skip	PR_SIZE
psci_sec_regs:
	.skip	PR_SIZE
psci_again_regs:
	.skip	PR_SIZE

	.bss
	.balign	16
	.skip	8192
psci_stack0_top:
	.skip	8192
psci_stack1_top:
