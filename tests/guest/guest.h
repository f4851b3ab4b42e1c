/* SPDX-License-Identifier: MIT */
/*
 * tests/guest/guest.h - what the torture image's C harness (main.c) and
 * its assembly (start.S, cases.S) share: the case table's flags, and the
 * layout of the record the exception vector fills.
 */
#ifndef GUEST_H
#define GUEST_H

/* Where the image runs: zone1's RAM as the guest sees it (docs/run.md). */
#define GUEST_RAM_BASE		0x40000000
#define GUEST_RAM_SIZE		0x00200000

/* guest_case.flags */
#define GC_WINDOW	0x1	/* once per test device window, x0 = base */
#define GC_ONCE		0x2	/* once; its own addresses (x0: a window) */
#define GC_ABORT	0x4	/* takes exactly one data abort, on purpose */

/* struct guest_abort: written by the vector (start.S), read by cases. */
#define GA_COUNT	0
#define GA_ESR		8
#define GA_FAR		16
#define GA_ELR		24

/*
 * guest_a32 (start.S): the a32_* cases (cases.S) fill SP, RESUME, BEFORE
 * and DAIF, then run AArch32 code at EL0; the vector for AArch32 EL0
 * (VBAR_EL1 + 0x600) counts the exception, records its registers and
 * resumes the case at RESUME with that SP.
 */
#define GA32_COUNT	0
#define GA32_ESR	8
#define GA32_FAR	16
#define GA32_ELR	24
#define GA32_SPSR	32
#define GA32_SP		40
#define GA32_RESUME	48
#define GA32_BEFORE	56
#define GA32_DAIF	64
#define GA32_SIZE	72

/* Aliases in the torture image's stage 1 (start.S) for AArch32 EL0:
 * our RAM read-only and executable at EL0 only, and the in-hypervisor
 * test device window (and the channel's) read-write at EL0. */
#define GUEST_EL0_RAM_ALIAS	0x60000000
#define GUEST_EL0_DEV_ALIAS	0x0d000000

/* struct guest_fail: written by gcase_fail (cases.S) on a miss. */
#define GF_AT		0
#define GF_GOT		8
#define GF_WANT		16

#ifdef __ASSEMBLER__
/* One device access, its address recorded in .hyp_mmio_sites for
 * check-mmio.sh (design rule 3). */
.macro	mmio insn:vararg
9999:	\insn
	.pushsection .hyp_mmio_sites, "a"
	.balign	8
	.quad	9999b
	.popsection
.endm
#else
#include <hvbridge/types.h>

struct guest_case {
	const char *name;
	__u64 (*run)(__u64 base);	/* 0: every check held */
	__u64 flags;			/* GC_* */
};

/* The last synchronous exception: count, ESR_EL1, FAR_EL1, ELR_EL1. */
struct guest_abort {
	__u64 count;
	__u64 esr;
	__u64 far;
	__u64 elr;
};

/* The first check of a case that missed: its PC, what it saw, wanted. */
struct guest_fail {
	__u64 at;
	__u64 got;
	__u64 want;
};

extern struct guest_abort guest_abort;
extern struct guest_fail guest_fail;
extern const struct guest_case __gcase_start[], __gcase_end[];

/* main.c: console output, and the workload run before the cases. */
void guest_puts(const char *s);
void guest_puthex(__u64 v);
void guest_putdec(__u64 v);
void guest_workload(void);

/* start.S */
void guest_putc(int c);
void guest_exit(__u64 code) __attribute__((noreturn));
/* Called by start.S's IRQ vector; the default (weak, start.S) reports
 * an unexpected exception and exits.  The interrupt image's is virq.c's. */
void guest_irq(void);
/* cases.S: one 8-byte load, 0 if it aborted (a recorded MMIO site). */
__u64 guest_mmio_read64(__u64 addr);

/* The generic timer's virtual count (isb: not read early). */
static inline __u64 guest_ticks(void)
{
	__u64 v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

/* Its frequency, ticks per second. */
static inline __u64 guest_ticks_freq(void)
{
	__u64 f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

static inline __u64 guest_ticks_per_ms(void)
{
	__u64 f = guest_ticks_freq() / 1000;

	return f ? f : 1;
}
#endif

#endif /* GUEST_H */
