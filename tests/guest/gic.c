// SPDX-License-Identifier: MIT
/*
 * The GIC image: zone1's interrupt cases against the hypervisor's
 * virtual GICv3 (docs/interrupts.md), one "PASS name" or "FAIL name: why"
 * line each, then "guest: gic: N passed, N failed"; the exit code is the
 * failure count.  tests/e2e/gic.sh runs it:
 *
 *   alone (-smp 2, zone1 on CPU 1), and on two CPUs (-smp 3, CPUs 1-2):
 *     gicd-id, gicr-frames   what the zone sees of its GIC
 *     contained              writes to interrupts and redistributor
 *                            bits not its own read back as zero; unknown
 *                            registers and widths are RAZ/WI, no abort
 *     sgi-self               virtual SGIs to itself, each taken once
 *     burst                  its 8 SPIs (72-79) and 8 SGIs pending at
 *                            once: more than the list registers; each
 *                            taken exactly once, the active priorities
 *                            back to 0 after
 *     active-again           its SPI made inactive and pending again
 *                            while in a list register: no maintenance
 *                            interrupt storm, the vCPU runs on
 *     vtimer-1khz            the virtual timer every 1 ms for 200 ms
 *     sgi-pair               (two CPUs) 100 SGIs each way between them
 *
 *   next to the root zone (-smp 3, zone1 alone on CPU 2): "hostile":
 *   for HOSTILE_S seconds (longer than the root zone takes to boot and
 *   power off, which ends the run) it sends SGI 2 (Linux's
 *   IPI_CPU_STOP) with IRM and at CPUs 0-1, disables every SPI and
 *   routes the root zone's UART interrupt to itself; the root zone must
 *   boot and power off anyway.
 */
#include <arm64/mmio.h>
#include "gicv3.h"
#include "guest.h"

#define OWN_SPI		72u
#define NR_OWN_SPI	8u
#define VTIMER		27u
#define VTIMER_MS	200u
#define PAIR_ROUNDS	100u
#define HOSTILE_S	50u
#define SPIN_MS		2000u

#define PSCI_CPU_ON_64	0xc4000003ull

/* hammer_start.S: entry, vectors, stage 1, second vCPU */
void hammer_putc(int c);
void hammer_exit(__u64 code) __attribute__((noreturn));
__s64 hammer_psci(__u64 fn, __u64 a1, __u64 a2, __u64 a3);
void hammer_secondary(void);
__u64 hammer_now(void);
__u64 hammer_freq(void);
__u64 hammer_cpu(void);

/* Per vCPU, written by its IRQ handler. */
struct gict_vcpu {
	__u32 count[1024];	/* taken, by INTID */
	__u32 other;		/* taken while no case expects it */
} __attribute__((aligned(64)));

static struct gict_vcpu gict_vcpus[2];
static __u64 gict_period, gict_cval, gict_ticks, gict_early;
static volatile __u32 gict_second_up;
static __u64 gict_aborts, gict_passed, gict_failed;
static __u32 gict_self_aff0;

static void puts_(const char *s)
{
	while (*s)
		hammer_putc(*s++);
}

static void putdec(__u64 v)
{
	char b[21];
	int i = 20;

	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_(&b[i]);
}

static void puthex(__u64 v)
{
	int s = 60;

	puts_("0x");
	while (s > 0 && !(v >> s))
		s -= 4;
	for (; s >= 0; s -= 4)
		hammer_putc("0123456789abcdef"[(v >> s) & 0xf]);
}

static void result(const char *name, const char *why, __u64 got,
		   __u64 want)
{
	puts_(why ? "FAIL " : "PASS ");
	puts_(name);
	if (why) {
		puts_(": ");
		puts_(why);
		puts_(" (got ");
		putdec(got);
		puts_(", want ");
		putdec(want);
		puts_(")");
		gict_failed++;
	} else {
		gict_passed++;
	}
	hammer_putc('\n');
}

void hammer_sync(__u64 esr, __u64 far, __u64 elr)
{
	gict_aborts++;
	puts_("guest: exception: ESR ");
	puthex(esr);
	puts_(" FAR ");
	puthex(far);
	puts_(" ELR ");
	puthex(elr);
	hammer_putc('\n');
}

void hammer_unexpected(__u64 esr, __u64 far, __u64 elr)
{
	puts_("guest: unexpected exception: ESR ");
	puthex(esr);
	puts_(" FAR ");
	puthex(far);
	puts_(" ELR ");
	puthex(elr);
	puts_("\nguest: gic: 0 passed, 1 failed\n");
	hammer_exit(255);
}

static __u32 rd32(__u64 a)
{
	return mmio_read32((volatile void *)a);
}

static void wr32(__u64 a, __u32 v)
{
	mmio_write32((volatile void *)a, v);
}

static __u64 ms_ticks(__u64 ms)
{
	return hammer_freq() / 1000 * ms;
}

static void irq_on(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static void irq_off(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

void hammer_irq(void)
{
	struct gict_vcpu *v = &gict_vcpus[hammer_cpu() & 1];
	__u64 iar = sysreg_read(ICC_IAR1);
	__u32 n = (__u32)iar & 0xffffff;

	if (n >= 1020)
		return;
	if (n == VTIMER) {
		/* A tick before its deadline was never due: an interrupt
		 * delivered twice. */
		if (hammer_now() < gict_cval)
			gict_early++;
		/* The next tick one period after the last: absolute, so a
		 * late tick does not move the ones after it. */
		gict_cval += gict_period;
		sysreg_write(cntv_cval_el0, gict_cval);
		gict_ticks++;
	}
	__atomic_store_n(&v->count[n], v->count[n] + 1, __ATOMIC_RELEASE);
	sysreg_write(ICC_EOIR1, iar);	/* EOImode 0: drop and deactivate */
	__asm__ volatile("isb" ::: "memory");
}

/* This vCPU's GIC CPU interface: system registers, all priorities. */
static void cpu_if_on(void)
{
	sysreg_write(ICC_PMR, 0xf0);
	sysreg_write(ICC_IGRPEN1, 1);
	__asm__ volatile("isb" ::: "memory");
}

static __u32 frames(void)
{
	__u32 n;

	for (n = 0; n < 8; n++) {
		__u64 t = rd32(GICR + n * GICR_STRIDE + 8);

		if (t & (1u << 4))
			return n + 1;
		if (!rd32(GICR + n * GICR_STRIDE + 0xc))
			return 0;	/* no Last: a bad redistributor */
	}
	return 0;
}

static void case_ids(void)
{
	__u32 pidr2 = rd32(GICD + 0xffe8), ctlr = rd32(GICD);
	__u32 rpidr2 = rd32(GICR + 0xffe8), sre = (__u32)sysreg_read(ICC_SRE);

	result("gicd-id", (pidr2 >> 4 & 0xf) != 3 ? "GICD_PIDR2.ArchRev" :
	       !(ctlr & 0x10) ? "GICD_CTLR.ARE" : !(sre & 1) ?
	       "ICC_SRE_EL1.SRE" : (rpidr2 >> 4 & 0xf) != 3 ?
	       "GICR_PIDR2.ArchRev" : 0, pidr2, 0x30);
}

static void case_frames(__u32 nr)
{
	__u64 aff = rd32(GICR + 0xc);

	if (!nr)
		result("gicr-frames", "no frame marked Last", 0, 1);
	else if (aff != gict_self_aff0)
		result("gicr-frames", "frame 0 is not this CPU", aff,
		       gict_self_aff0);
	else if (rd32(GICR + nr * GICR_STRIDE + 8) ||
		 rd32(GICR + nr * GICR_STRIDE + GICR_SGI + 0x100))
		result("gicr-frames", "a frame past the last is not zero", 1,
		       0);
	else
		result("gicr-frames", 0, 0, 0);
}

static void case_contained(void)
{
	__u64 before = gict_aborts;
	__u32 w, v, bad = 0;

	/* Another zone's and the root zone's interrupts: invisible. */
	wr32(GICD + 0x100 + 4, 1u << (33 - 32));	/* UART: enable */
	/* The channel's wake: SPI 120, INTID 152 (word 4, bit 24). */
	wr32(GICD + 0x100 + 16, 1u << (152 - 128));
	wr32(GICD + 0x400 + 32, 0x10101010);		/* priorities */
	mmio_write64((volatile void *)(GICD + 0x6000 + 33 * 8), 1);
	bad += rd32(GICD + 0x100 + 4) != 0;
	bad += rd32(GICD + 0x100 + 16) != 0;
	bad += rd32(GICD + 0x400 + 32) != 0;
	bad += mmio_read64((volatile void *)(GICD + 0x6000 + 33 * 8)) != 0;
	/* Its own: enable, read back, route elsewhere (forced back). */
	wr32(GICD + 0x100 + 8, 0xff00);
	v = rd32(GICD + 0x100 + 8);
	bad += v != 0xff00;
	wr32(GICD + 0x180 + 8, ~0u);
	bad += rd32(GICD + 0x100 + 8) != 0;
	mmio_write64((volatile void *)(GICD + 0x6000 + 72 * 8), 0);
	bad += mmio_read64((volatile void *)(GICD + 0x6000 + 72 * 8)) !=
	       gict_self_aff0;
	mmio_write64((volatile void *)(GICD + 0x6000 + 72 * 8), 1u << 31);
	bad += mmio_read64((volatile void *)(GICD + 0x6000 + 72 * 8)) !=
	       gict_self_aff0;
	bad += rd32(GICD + 0x80 + 8) != 0xff00;		/* Group 1 */
	/* Its redistributor: disabling the hypervisor's own interrupts
	 * (SGI 15, PPI 25) does nothing; SGIs read as enabled. */
	wr32(GICR + GICR_SGI + 0x180, ~0u);
	bad += rd32(GICR + GICR_SGI + 0x100) != 0xffff;
	/* Unknown registers, reserved ones, bad widths: RAZ/WI. */
	for (w = 0; w < 4; w++)
		bad += rd32(GICD + 0x5000 + w * 4) != 0;
	wr32(GICD + 0xc000, ~0u);
	wr32(GICD + 0xf00, 0x0f0000);			/* GICD_SGIR */
	bad += mmio_read8((volatile void *)(GICD + 0x108)) != 0;
	wr32(GICR + 0x70, ~0u);				/* PROPBASER */
	bad += rd32(GICR + 0x70) != 0;
	result("contained", bad ? "a read-back showed a foreign bit" :
	       gict_aborts != before ? "an access aborted" : 0,
	       bad ? bad : gict_aborts - before, 0);
}

static __u32 seen(__u32 n)
{
	return __atomic_load_n(&gict_vcpus[hammer_cpu() & 1].count[n],
			       __ATOMIC_ACQUIRE);
}

/* Wait until @pred holds or @ms pass; 0 on timeout. */
#define WAIT_FOR(pred, ms) ({						\
	__u64 __end = hammer_now() + ms_ticks(ms);			\
	while (!(pred) && hammer_now() < __end)				\
		;							\
	(pred);								\
})

static void sgi_self(__u32 intid)
{
	__u64 v = (__u64)intid << 24;

	/* Aff0 in the target list, RS = Aff0 / 16. */
	v |= 1ull << (gict_self_aff0 % 16) |
	     (__u64)(gict_self_aff0 / 16) << 44;
	sysreg_write(ICC_SGI1R, v);
	__asm__ volatile("isb" ::: "memory");
}

static void case_sgi_self(void)
{
	__u32 before = seen(3), before4 = seen(4);

	irq_on();
	sgi_self(3);
	if (!WAIT_FOR(seen(3) == before + 1, SPIN_MS)) {
		result("sgi-self", "SGI 3 not taken", seen(3) - before, 1);
		return;
	}
	/* IRM (every CPU but us), and CPU 0 (the other zone's or the
	 * root zone's, never ours): neither may reach us. */
	sysreg_write(ICC_SGI1R, 4ull << 24 | 1ull << 40);
	sysreg_write(ICC_SGI1R, 4ull << 24 | 0x1);
	WAIT_FOR(0, 20);
	result("sgi-self", seen(3) != before + 1 ? "SGI 3 taken twice" :
	       seen(4) != before4 ? "SGI 4 reached us" : 0,
	       seen(3) != before + 1 ? seen(3) - before : seen(4) - before4,
	       seen(3) != before + 1 ? 1 : 0);
}

/*
 * More interrupts pending at once than there are list registers: the
 * zone's 8 SPIs pended through its distributor with IRQs masked, plus
 * 8 SGIs to itself; then unmasked.  Each must be taken exactly once.
 */
static void case_burst(void)
{
	__u32 round, n, before[32], bad = 0, missing = 0;

	for (n = 0; n < NR_OWN_SPI; n++) {
		mmio_write8((volatile void *)(GICD + 0x400 + OWN_SPI + n),
			    (__u8)(0x80 + n * 8));
		mmio_write64((volatile void *)(GICD + 0x6000 +
					       (OWN_SPI + n) * 8),
			     gict_self_aff0);
	}
	wr32(GICD + 0x100 + 8, 0xff00);		/* enable 72-79 */
	for (round = 0; round < 3; round++) {
		for (n = 0; n < 8; n++) {
			before[n] = seen(OWN_SPI + n);
			before[8 + n] = seen(n);
		}
		irq_off();
		wr32(GICD + 0x200 + 8, 0xff00);	/* pend 72-79 */
		for (n = 0; n < 8; n++)
			sgi_self(n);
		/* Let the hypervisor take them all (and run out of list
		 * registers) before we take any. */
		WAIT_FOR(0, 20);
		irq_on();
		for (n = 0; n < 8; n++) {
			if (!WAIT_FOR(seen(OWN_SPI + n) != before[n],
				      SPIN_MS))
				missing++;
			if (!WAIT_FOR(seen(n) != before[8 + n], SPIN_MS))
				missing++;
		}
		WAIT_FOR(0, 20);
		for (n = 0; n < 8; n++) {
			bad += seen(OWN_SPI + n) - before[n] > 1;
			bad += seen(n) - before[8 + n] > 1;
		}
	}
	wr32(GICD + 0x180 + 8, 0xff00);
	result("burst", missing ? "an interrupt was lost" :
	       bad ? "an interrupt was taken twice" :
	       sysreg_read(ICC_AP1R0) ? "active priorities left" : 0,
	       missing ? missing : bad, 0);
}

/*
 * Its own SPI, taken into a list register, made inactive and pending
 * again by the zone (ICACTIVER, ISPENDR) with IRQs masked: the GIC
 * delivers it a second time while the first is still in a list
 * register.  The hypervisor must keep it queued without asking for the
 * underflow maintenance interrupt, which with one list register in use
 * would fire at every return to the zone: this vCPU would never run
 * again.  It runs on, and takes the interrupt.
 */
static void case_active_again(void)
{
	__u32 bit = 1u << (OWN_SPI % 32), before = seen(OWN_SPI), stuck;
	__u64 t0;

	wr32(GICD + 0x100 + 8, bit);			/* enable 72 */
	irq_off();
	wr32(GICD + 0x200 + 8, bit);			/* pend: into an LR */
	WAIT_FOR(0, 20);
	wr32(GICD + 0x380 + 8, bit);			/* inactive */
	wr32(GICD + 0x200 + 8, bit);			/* and again */
	/* 20 ms of our own time must take about 20 ms. */
	t0 = hammer_now();
	WAIT_FOR(0, 20);
	stuck = hammer_now() - t0 > ms_ticks(SPIN_MS);
	irq_on();
	WAIT_FOR(seen(OWN_SPI) != before, SPIN_MS);
	irq_off();
	wr32(GICD + 0x180 + 8, bit);
	result("active-again", stuck ? "the vCPU hardly ran" :
	       seen(OWN_SPI) == before ? "the SPI was not taken" : 0,
	       seen(OWN_SPI) - before, 1);
}

static void case_vtimer(void)
{
	__u64 t0, end, ticks, early;
	int done;

	gict_period = ms_ticks(1);
	gict_ticks = gict_early = 0;
	/* Enable PPI 27 in our redistributor frame. */
	wr32(GICR + GICR_SGI + 0x100, 1u << VTIMER);
	irq_on();
	t0 = hammer_now();
	gict_cval = t0 + gict_period;
	sysreg_write(cntv_cval_el0, gict_cval);
	sysreg_write(cntv_ctl_el0, 1);		/* enabled, not masked */
	end = t0 + VTIMER_MS * gict_period;
	while (hammer_now() < end)
		;
	/* Every deadline up to the end handled (the vCPU may have been
	 * descheduled on the host and be catching up): the last one set
	 * is past the end. */
	done = WAIT_FOR(__atomic_load_n(&gict_cval, __ATOMIC_RELAXED) > end,
			SPIN_MS);
	irq_off();
	ticks = __atomic_load_n(&gict_ticks, __ATOMIC_RELAXED);
	early = gict_early;
	sysreg_write(cntv_ctl_el0, 0);
	wr32(GICR + GICR_SGI + 0x180, 1u << VTIMER);
	puts_("guest: gic: vtimer: ");
	putdec(ticks);
	puts_(" ticks in ");
	putdec(VTIMER_MS);
	puts_(" ms (");
	putdec(early);
	puts_(" before their deadline)\n");
	/* Each tick sets the next deadline one period on: none missing
	 * (else the deadlines stop moving and the wait above times out),
	 * none before its deadline (an interrupt taken twice), so one per
	 * millisecond. */
	result("vtimer-1khz", !done ? "ticks lost: the timer stopped" :
	       early ? "a tick came before its deadline" :
	       ticks < VTIMER_MS ? "fewer ticks than milliseconds" : 0,
	       early ? early : ticks, early ? 0 : VTIMER_MS);
}

/* The second vCPU: answers each SGI 5 with an SGI 6 to vCPU 0. */
void hammer_secondary_main(__u64 idx)
{
	__u32 done = 0;

	(void)idx;
	cpu_if_on();
	irq_on();
	__atomic_store_n(&gict_second_up, 1, __ATOMIC_RELEASE);
	while (done < PAIR_ROUNDS) {
		if (__atomic_load_n(&gict_vcpus[1].count[5],
				    __ATOMIC_ACQUIRE) > done) {
			done++;
			sysreg_write(ICC_SGI1R, 6ull << 24 |
				     1ull << gict_self_aff0);
			__asm__ volatile("isb" ::: "memory");
		}
	}
	WAIT_FOR(0, 20);
}

static void case_pair(__u32 nr)
{
	__u64 aff1 = rd32(GICR + GICR_STRIDE + 0xc);
	__u32 i, want6 = seen(6);
	__s64 r;

	if (nr < 2)
		return;
	r = hammer_psci(PSCI_CPU_ON_64, aff1, (__u64)hammer_secondary, 1);
	if (r || !WAIT_FOR(__atomic_load_n(&gict_second_up,
					   __ATOMIC_ACQUIRE), SPIN_MS)) {
		result("sgi-pair", "the second vCPU did not start",
		       (__u64)r, 0);
		return;
	}
	irq_on();
	for (i = 0; i < PAIR_ROUNDS; i++) {
		sysreg_write(ICC_SGI1R, 5ull << 24 | 1ull << aff1);
		__asm__ volatile("isb" ::: "memory");
		if (!WAIT_FOR(seen(6) == want6 + i + 1, SPIN_MS))
			break;
	}
	WAIT_FOR(0, 20);
	result("sgi-pair", i < PAIR_ROUNDS ? "an SGI did not come back" :
	       seen(6) != want6 + PAIR_ROUNDS ? "an SGI came back twice" :
	       gict_vcpus[1].count[5] != PAIR_ROUNDS ?
	       "the second vCPU took SGI 5 a wrong number of times" : 0,
	       seen(6) - want6, PAIR_ROUNDS);
}

/* Next to the root zone: everything a hostile zone could try. */
static void case_hostile(void)
{
	__u64 end = hammer_now() + ms_ticks(HOSTILE_S * 1000), sent = 0;
	__u32 w;

	puts_("guest: gic: hostile: SGIs at the root zone's CPUs for ");
	putdec(HOSTILE_S);
	puts_(" s\n");
	while (hammer_now() < end) {
		/* Linux's IPI_CPU_STOP to everyone else, and to 0-1. */
		sysreg_write(ICC_SGI1R, 2ull << 24 | 1ull << 40);
		sysreg_write(ICC_SGI1R, 2ull << 24 | 0x3);
		sysreg_write(ICC_SGI1R, 0ull << 24 | 0x3);
		sent += 3;
		for (w = 1; w < 32; w++)
			wr32(GICD + 0x180 + w * 4, ~0u);
		wr32(GICD, 0);
		mmio_write64((volatile void *)(GICD + 0x6000 + 33 * 8),
			     gict_self_aff0);
		WAIT_FOR(0, 1);
	}
	puts_("guest: gic: hostile: ");
	putdec(sent);
	puts_(" SGIs sent\n");
	result("hostile", gict_aborts ? "an access aborted" : 0, gict_aborts,
	       0);
}

__u64 guest_main(__u64 hyp_win)
{
	__u32 nr;

	(void)hyp_win;
	gict_self_aff0 = (__u32)(sysreg_read(mpidr_el1) & 0xff);
	cpu_if_on();
	nr = frames();
	puts_("guest: gic image on CPU ");
	putdec(gict_self_aff0);
	puts_(", ");
	putdec(nr);
	puts_(" redistributor frame(s)\n");
	case_ids();
	case_frames(nr);
	if (nr == 1 && gict_self_aff0 == 2) {
		/* zone1 alone on CPU 2: next to the root zone. */
		case_hostile();
	} else {
		case_contained();
		case_sgi_self();
		case_burst();
		case_active_again();
		case_vtimer();
		case_pair(nr);
	}
	irq_off();
	puts_("guest: gic: ");
	putdec(gict_passed);
	puts_(" passed, ");
	putdec(gict_failed);
	puts_(" failed\n");
	return gict_failed;
}
