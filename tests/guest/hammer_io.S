/* SPDX-License-Identifier: MIT */
/*
 * The hammer image's device accesses (hammer.c): one 8-byte load or
 * store each, recorded with `mmio` for check-mmio.sh, and the counter.
 * An access that aborts is skipped by the vector (start.S), so a load
 * that aborted returns the 0 put in x0 first.
 */
#include "guest.h"

	.text
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

/* __u64 hammer_freq(void): its frequency in Hz. */
	.globl	hammer_freq
hammer_freq:
	mrs	x0, cntfrq_el0
	ret
