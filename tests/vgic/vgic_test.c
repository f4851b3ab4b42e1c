// SPDX-License-Identifier: MIT
/*
 * Description: the virtual GIC's filter (hyp/arch/arm64/vgic_filter.c)
 * on the host: a zone owning SPIs 72-79 on two CPUs (Aff0 2 and 3) may
 * see and change exactly those in every per-interrupt GICD register, the
 * virtual timer PPI in its own redistributor frames and nothing else;
 * IROUTER is forced onto its CPUs; SGIs reach only its CPUs; unknown
 * registers and bad widths are RAZ/WI; list registers round-trip, and
 * more interrupts than list registers reach them each exactly once.
 */
#include <criterion/criterion.h>

#include "vgic_filter.h"

static __u32 spis[VGIC_IRQ_WORDS];
static struct vgic_owner own;

#define ZONE_CPUS	((1ull << 2) | (1ull << 3))

static void setup(void)
{
	__u32 n;

	for (n = 0; n < VGIC_IRQ_WORDS; n++)
		spis[n] = 0;
	for (n = 72; n < 80; n++)
		spis[n / 32] |= 1u << (n % 32);
	own.spis = spis;
	own.nr_vcpus = 2;
	own.ppis = 1u << VGIC_PPI_VTIMER;
}

TestSuite(vgic, .init = setup);

static struct vgic_plan dist(__u32 off, __u32 size)
{
	struct vgic_plan p;

	vgic_dist_plan(&own, off, size, &p);
	return p;
}

static struct vgic_plan redist(__u32 off, __u32 size)
{
	struct vgic_plan p;

	vgic_redist_plan(&own, off, size, &p);
	return p;
}

/* Every 1-bit-per-IRQ set/clear register: word 2 (INTIDs 64-95) holds
 * the zone's 72-79, every other word nothing. */
Test(vgic, dist_setclr_masked)
{
	static const __u32 base[] = { 0x100, 0x180, 0x200, 0x280, 0x300,
				      0x380 };
	__u32 i, w;

	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		for (w = 0; w < 32; w++) {
			struct vgic_plan p = dist(base[i] + 4 * w, 4);

			if (w == 2) {
				cr_expect_eq(p.action, VGIC_PHYS_SETCLR);
				cr_expect_eq(p.mask, 0xff00ull, "0x%x: mask 0x%llx",
					     base[i], (unsigned long long)p.mask);
				cr_expect_eq(p.reg, base[i] + 8);
			} else {
				cr_expect_eq(p.action, VGIC_RAZ_WI,
					     "0x%x word %u", base[i], w);
			}
		}
	}
}

Test(vgic, dist_group_reads_one)
{
	struct vgic_plan p = dist(0x88, 4);

	cr_expect_eq(p.action, VGIC_CONST);
	cr_expect_eq(p.rao, 0xff00ull);
	cr_expect_eq(dist(0x84, 4).action, VGIC_RAZ_WI);
}

/* IPRIORITYR: byte lanes of owned SPIs only, words and bytes. */
Test(vgic, dist_priority)
{
	struct vgic_plan p = dist(0x400 + 72, 4);

	cr_expect_eq(p.action, VGIC_PHYS_RMW);
	cr_expect_eq(p.mask, 0xffffffffull);
	cr_expect_eq(p.bits_per_irq, 8);
	p = dist(0x400 + 70, 1);	/* 70: not the zone's */
	cr_expect_eq(p.action, VGIC_RAZ_WI);
	p = dist(0x400 + 79, 1);
	cr_expect_eq(p.action, VGIC_PHYS_RMW);
	cr_expect_eq(p.reg, 0x400 + 76);
	cr_expect_eq(p.shift, 24);
	cr_expect_eq(p.mask, 0xff000000ull);
	p = dist(0x400 + 68, 4);	/* 68-71: none */
	cr_expect_eq(p.action, VGIC_RAZ_WI);
	p = dist(0x400 + 33, 1);	/* the root zone's UART */
	cr_expect_eq(p.action, VGIC_RAZ_WI);
}

/* ICFGR: two bits per interrupt, word 4 holds 64-79. */
Test(vgic, dist_config)
{
	struct vgic_plan p = dist(0xc00 + 4 * 4, 4);

	cr_expect_eq(p.action, VGIC_PHYS_RMW);
	cr_expect_eq(p.mask, 0xffff0000ull);
	cr_expect_eq(dist(0xc00 + 4 * 2, 4).action, VGIC_RAZ_WI);
}

Test(vgic, dist_irouter)
{
	struct vgic_plan p = dist(0x6000 + 8 * 75, 8);

	cr_expect_eq(p.action, VGIC_ROUTE);
	cr_expect_eq(p.intid, 75);
	p = dist(0x6000 + 8 * 75 + 4, 4);	/* the upper half */
	cr_expect_eq(p.action, VGIC_ROUTE);
	cr_expect_eq(p.shift, 32);
	cr_expect_eq(dist(0x6000 + 8 * 33, 8).action, VGIC_RAZ_WI);
	cr_expect_eq(dist(0x6000 + 8 * 80, 8).action, VGIC_RAZ_WI);
	cr_expect_eq(dist(0x6000 + 8 * 5, 8).action, VGIC_RAZ_WI);
}

Test(vgic, route_forced)
{
	cr_expect_eq(vgic_route_fix(3, ZONE_CPUS), 3);
	cr_expect_eq(vgic_route_fix(2, ZONE_CPUS), 2);
	cr_expect_eq(vgic_route_fix(0, ZONE_CPUS), 2);	/* the root's CPU */
	cr_expect_eq(vgic_route_fix(1ull << 31, ZONE_CPUS), 2);	/* IRM */
	cr_expect_eq(vgic_route_fix(0x103, ZONE_CPUS), 2);	/* Aff1 */
	cr_expect_eq(vgic_route_fix(1ull << 32 | 3, ZONE_CPUS), 2);
	cr_expect_eq(vgic_route_fix(200, ZONE_CPUS), 2);
}

/* Unknown, reserved and wrongly sized accesses: RAZ/WI, never a fault. */
Test(vgic, dist_unknown_raz)
{
	static const __u32 off[] = { 0x0c, 0x10, 0x40, 0x48, 0x800, 0x848,
				     0xd00, 0xe00, 0xf00, 0xf10, 0x5000,
				     0x7fe0, 0xfff0 - 0x40, 0xc000 };

	for (__u32 i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		cr_expect_eq(dist(off[i], 4).action, VGIC_RAZ_WI, "0x%x",
			     off[i]);
	cr_expect_eq(dist(0x108, 1).action, VGIC_RAZ_WI);	/* width */
	cr_expect_eq(dist(0x108, 2).action, VGIC_RAZ_WI);
	cr_expect_eq(dist(0x108, 8).action, VGIC_RAZ_WI);
	cr_expect_eq(dist(0x10a, 4).action, VGIC_RAZ_WI);	/* alignment */
	cr_expect_eq(dist(0x6000 + 8 * 75 + 2, 4).action, VGIC_RAZ_WI);
	cr_expect_eq(dist(0x0, 4).action, VGIC_EMUL);
	cr_expect_eq(dist(0x0, 4).emul, VGIC_EMUL_DCTLR);
	cr_expect_eq(dist(0xffe8, 4).action, VGIC_PHYS_RO);
}

/* The redistributor frames: only the zone's two, PPI 27 only. */
Test(vgic, redist_frames)
{
	struct vgic_plan p;

	p = redist(0x8, 8);
	cr_expect_eq(p.action, VGIC_EMUL);
	cr_expect_eq(p.emul, VGIC_EMUL_RTYPER);
	cr_expect_eq(p.frame, 0);
	p = redist(VGIC_REDIST_STRIDE + 0x8, 4);
	cr_expect_eq(p.frame, 1);
	cr_expect_eq(redist(2 * VGIC_REDIST_STRIDE + 0x8, 8).action,
		     VGIC_RAZ_WI);
	cr_expect_eq(redist(2 * VGIC_REDIST_STRIDE + VGIC_REDIST_SGI +
			    0x100, 4).action, VGIC_RAZ_WI);
	p = redist(VGIC_REDIST_SGI + 0x180, 4);	/* ICENABLER0 */
	cr_expect_eq(p.action, VGIC_PHYS_SETCLR);
	cr_expect_eq(p.mask, 1ull << VGIC_PPI_VTIMER);
	cr_expect_eq(p.rao, 0xffffull);		/* SGIs always on */
	p = redist(VGIC_REDIST_SGI + 0x200, 4);	/* ISPENDR0 */
	cr_expect_eq(p.mask, 1ull << VGIC_PPI_VTIMER);
	cr_expect_eq(p.rao, 0);
	p = redist(VGIC_REDIST_SGI + 0x80, 4);
	cr_expect_eq(p.action, VGIC_CONST);
	cr_expect_eq(p.rao, 0xffffull | 1ull << VGIC_PPI_VTIMER);
	p = redist(VGIC_REDIST_SGI + 0x400 + 24, 4);	/* PPIs 24-27 */
	cr_expect_eq(p.action, VGIC_PHYS_RMW);
	cr_expect_eq(p.mask, 0xff000000ull);		/* 27 only: not 25 */
	p = redist(VGIC_REDIST_SGI + 0x400 + 4, 4);	/* SGIs 4-7 */
	cr_expect_eq(p.action, VGIC_EMUL);
	cr_expect_eq(p.emul, VGIC_EMUL_SGIPRIO);
	cr_expect_eq(p.intid, 4);
	cr_expect_eq(redist(VGIC_REDIST_SGI + 0xc00, 4).rao, 0xaaaaaaaaull);
	p = redist(VGIC_REDIST_SGI + 0xc04, 4);		/* PPI config */
	cr_expect_eq(p.mask, 3ull << 22);
	cr_expect_eq(redist(0x0, 4).action, VGIC_RAZ_WI);	/* CTLR */
	cr_expect_eq(redist(0x70, 8).action, VGIC_RAZ_WI);	/* PROPBASER */
	cr_expect_eq(redist(0x14, 4).emul, VGIC_EMUL_WAKER);
}

Test(vgic, sgi_targets_own_cpus)
{
	__u32 intid, dropped;
	__u64 t;

	/* INTID 2, IRM: every CPU but the sender, the zone's only. */
	t = vgic_sgi_targets(2ull << 24 | 1ull << 40, ZONE_CPUS, 2, &intid,
			     &dropped);
	cr_expect_eq(t, 1ull << 3);
	cr_expect_eq(intid, 2);
	cr_expect_eq(dropped, 0);
	/* A target list naming the root zone's CPUs 0, 1 and our 3. */
	t = vgic_sgi_targets(5ull << 24 | 0xb, ZONE_CPUS, 2, &intid,
			     &dropped);
	cr_expect_eq(t, 1ull << 3);
	cr_expect_eq(intid, 5);
	cr_expect_eq(dropped, 2);
	/* Self. */
	t = vgic_sgi_targets(1ull << 24 | 1ull << 2, ZONE_CPUS, 2, &intid,
			     &dropped);
	cr_expect_eq(t, 1ull << 2);
	/* Aff1 != 0 names no CPU of ours. */
	t = vgic_sgi_targets(1ull << 16 | 0xc, ZONE_CPUS, 2, &intid,
			     &dropped);
	cr_expect_eq(t, 0);
	cr_expect_eq(dropped, 2);
	/* RS = 1: Aff0 16-31. */
	t = vgic_sgi_targets(1ull << 44 | 0xc, ZONE_CPUS, 2, &intid,
			     &dropped);
	cr_expect_eq(t, 0);
	cr_expect_eq(dropped, 2);
}

Test(vgic, lr_codec)
{
	struct vgic_lr a = { .virq = 75, .pirq = 75, .priority = 0xa0,
			     .group1 = 1, .hw = 1,
			     .state = VGIC_LR_PENDING }, b;
	__u64 raw = vgic_lr_encode(&a);

	cr_expect_eq(raw, 75ull | 75ull << 32 | 0xa0ull << 48 | 1ull << 60 |
			  1ull << 61 | 1ull << 62);
	vgic_lr_decode(raw, &b);
	cr_expect_eq(b.virq, 75);
	cr_expect_eq(b.pirq, 75);
	cr_expect_eq(b.priority, 0xa0);
	cr_expect_eq(b.hw, 1);
	cr_expect_eq(b.group1, 1);
	cr_expect_eq(b.state, VGIC_LR_PENDING);
	/* A virtual SGI, active and pending, maintenance on EOI. */
	a = (struct vgic_lr){ .virq = 3, .group1 = 1, .eoi_maint = 1,
			      .state = VGIC_LR_PENDING_ACTIVE };
	raw = vgic_lr_encode(&a);
	cr_expect_eq(raw, 3ull | 1ull << 41 | 1ull << 60 | 3ull << 62);
	vgic_lr_decode(raw, &b);
	cr_expect_eq(b.hw, 0);
	cr_expect_eq(b.pirq, 0);
	cr_expect_eq(b.eoi_maint, 1);
	cr_expect_eq(b.state, VGIC_LR_PENDING_ACTIVE);
}

/*
 * The list registers as a guest would drain them: a queue of 8 hardware
 * SPIs and 8 virtual SGIs placed into 4 list registers, then the guest
 * takes (acknowledges and ends) what is pending, and the queue is placed
 * again; each interrupt must reach a list register exactly once.
 */
#define NR_LR	4u

static void guest_takes_all(struct vgic_lr *lrs, __u64 *empty,
			    __u32 *taken)
{
	for (__u32 i = 0; i < NR_LR; i++) {
		if (*empty >> i & 1)
			continue;
		cr_assert(lrs[i].state == VGIC_LR_PENDING,
			  "LR %u state %d", i, lrs[i].state);
		taken[lrs[i].virq]++;
		lrs[i].state = VGIC_LR_INVALID;
		*empty |= 1ull << i;
	}
}

Test(vgic, lr_queue_more_than_lrs)
{
	struct vgic_lr lrs[NR_LR] = { { 0 } };
	__u32 taken[1024] = { 0 }, queued[1024] = { 0 }, n, rounds = 0;
	__u64 empty = (1ull << NR_LR) - 1, dirty = 0;
	int left;

	for (n = 72; n < 80; n++)
		queued[n] = 1;		/* hardware */
	for (n = 0; n < 8; n++)
		queued[n] = 2;		/* virtual SGI */
	do {
		left = 0;
		for (n = 0; n < 1024; n++) {
			if (!queued[n])
				continue;
			if (vgic_lr_place(lrs, NR_LR, &empty, &dirty, n,
					  queued[n] == 1, 0xa0))
				queued[n] = 0;
			else
				left = 1;
		}
		/* Full: at most NR_LR placed per round. */
		cr_assert_eq(empty, 0ull, "round %u left an LR empty", rounds);
		for (n = 0; n < NR_LR; n++)
			cr_assert_eq(lrs[n].hw, lrs[n].virq >= 32);
		guest_takes_all(lrs, &empty, taken);
		rounds++;
	} while (left && rounds < 10);
	cr_expect_eq(rounds, 4u);
	for (n = 0; n < 1024; n++)
		cr_expect_eq(taken[n], (n < 8 || (n >= 72 && n < 80)) ? 1u : 0u,
			     "INTID %u taken %u times", n, taken[n]);
}

Test(vgic, lr_sgi_coalesces_and_rearms)
{
	struct vgic_lr lrs[NR_LR] = { { 0 } };
	__u64 empty = (1ull << NR_LR) - 1, dirty = 0;

	cr_assert(vgic_lr_place(lrs, NR_LR, &empty, &dirty, 3, 0, 0));
	cr_assert_eq(empty, 0xeull);
	/* Sent again while pending: still one. */
	cr_assert(vgic_lr_place(lrs, NR_LR, &empty, &dirty, 3, 0, 0));
	cr_expect_eq(empty, 0xeull);
	cr_expect_eq(lrs[0].state, VGIC_LR_PENDING);
	/* The guest is handling it: sent again, pending and active. */
	lrs[0].state = VGIC_LR_ACTIVE;
	dirty = 0;
	cr_assert(vgic_lr_place(lrs, NR_LR, &empty, &dirty, 3, 0, 0));
	cr_expect_eq(lrs[0].state, VGIC_LR_PENDING_ACTIVE);
	cr_expect_eq(dirty, 1ull);
	cr_expect_eq(empty, 0xeull);
}

Test(vgic, lr_hw_never_twice)
{
	struct vgic_lr lrs[NR_LR] = { { 0 } };
	__u64 empty = (1ull << NR_LR) - 1, dirty = 0;

	cr_assert(vgic_lr_place(lrs, NR_LR, &empty, &dirty, 27, 1, 0x80));
	cr_expect_eq(lrs[0].pirq, 27u);
	cr_expect_eq(lrs[0].priority, 0x80);
	lrs[0].state = VGIC_LR_ACTIVE;
	/* In a list register already: stays queued, nothing changes, and
	 * the free ones are still free (gic.c asks for the underflow
	 * maintenance interrupt only when none is). */
	dirty = 0;
	cr_expect_not(vgic_lr_place(lrs, NR_LR, &empty, &dirty, 27, 1, 0x80));
	cr_expect_eq(dirty, 0ull);
	cr_expect_eq(lrs[0].state, VGIC_LR_ACTIVE);
	cr_expect_eq(empty, 0xeull);
	/* Stale bits of @empty above @nr are not list registers: full. */
	empty = ~0ull << NR_LR;
	cr_expect_not(vgic_lr_place(lrs, NR_LR, &empty, &dirty, 75, 1, 0));
	cr_expect_eq(empty, 0ull);
}
