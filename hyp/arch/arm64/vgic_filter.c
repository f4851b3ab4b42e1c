// SPDX-License-Identifier: MIT
/*
 * The pure half of the virtual GICv3 (vgic_filter.h): register tables of
 * the distributor and a redistributor frame as a zone sees them, the
 * ownership masks, IROUTER forcing, the SGI target filter and the list
 * register codec.  Freestanding and host-buildable: no hardware, no
 * globals, no library calls.
 *
 * Policy, as Jailhouse's restrict_bitmask_access() has it: every
 * per-interrupt register is masked to the zone's own SPIs (and, in its
 * redistributor frames, to the virtual timer PPI); set/clear registers
 * are forwarded masked, field registers changed bit by bit; groups read
 * as Group 1 and cannot be changed; the SGIs are always enabled (an
 * IMPLEMENTATION DEFINED choice the architecture allows); everything
 * else, and every register not in a table, reads as zero and ignores
 * writes.
 */
#include "vgic_filter.h"

/* vgic_reg.widths: the access sizes a register accepts. */
#define W1	0x1u
#define W4	0x4u
#define W8	0x8u

struct vgic_reg {
	__u32 offset;
	__u32 len;		/* bytes the row covers */
	__u8 bits_per_irq;	/* 0: not a per-interrupt register */
	__u8 widths;		/* W1 | W4 | W8 */
	__u8 action;		/* enum vgic_action */
	__u8 emul;		/* enum vgic_emul */
};

#define REG(off, l, bpi, w, act, em)					\
	{ .offset = (off), .len = (l), .bits_per_irq = (bpi),		\
	  .widths = (w), .action = (act), .emul = (em) }

/* 1024 interrupts: the per-interrupt ranges of the distributor. */
#define IRQ_LEN(bpi)	(1024u * (bpi) / 8)

static const struct vgic_reg vgic_dist_regs[] = {
	REG(0x0000, 4, 0, W4, VGIC_EMUL, VGIC_EMUL_DCTLR),	/* CTLR */
	REG(0x0004, 4, 0, W4, VGIC_EMUL, VGIC_EMUL_DTYPER),	/* TYPER */
	REG(0x0008, 4, 0, W4, VGIC_PHYS_RO, 0),			/* IIDR */
	REG(0x0080, IRQ_LEN(1), 1, W4, VGIC_CONST, 0),		/* IGROUPR */
	REG(0x0100, IRQ_LEN(1), 1, W4, VGIC_PHYS_SETCLR, 0),	/* ISENABLER */
	REG(0x0180, IRQ_LEN(1), 1, W4, VGIC_PHYS_SETCLR, 0),	/* ICENABLER */
	REG(0x0200, IRQ_LEN(1), 1, W4, VGIC_PHYS_SETCLR, 0),	/* ISPENDR */
	REG(0x0280, IRQ_LEN(1), 1, W4, VGIC_PHYS_SETCLR, 0),	/* ICPENDR */
	REG(0x0300, IRQ_LEN(1), 1, W4, VGIC_PHYS_SETCLR, 0),	/* ISACTIVER */
	REG(0x0380, IRQ_LEN(1), 1, W4, VGIC_PHYS_SETCLR, 0),	/* ICACTIVER */
	REG(0x0400, IRQ_LEN(8), 8, W1 | W4, VGIC_PHYS_RMW, 0),	/* IPRIORITYR */
	REG(0x0c00, IRQ_LEN(2), 2, W4, VGIC_PHYS_RMW, 0),	/* ICFGR */
	REG(0x6000, 1024 * 8, 0, W4 | W8, VGIC_ROUTE, 0),	/* IROUTER */
	REG(0xffd0, 0x30, 0, W4, VGIC_PHYS_RO, 0),		/* ID regs */
};

/* One redistributor frame: RD_base, then SGI_base at 0x10000. */
#define SGI(off)	(VGIC_REDIST_SGI + (off))
static const struct vgic_reg vgic_redist_regs[] = {
	REG(0x0004, 4, 0, W4, VGIC_PHYS_RO, 0),			/* IIDR */
	REG(0x0008, 8, 0, W4 | W8, VGIC_EMUL, VGIC_EMUL_RTYPER), /* TYPER */
	REG(0x0014, 4, 0, W4, VGIC_EMUL, VGIC_EMUL_WAKER),	/* WAKER */
	REG(0xffd0, 0x30, 0, W4, VGIC_PHYS_RO, 0),		/* ID regs */
	REG(SGI(0x0080), 4, 1, W4, VGIC_CONST, 0),		/* IGROUPR0 */
	REG(SGI(0x0100), 4, 1, W4, VGIC_PHYS_SETCLR, 0),	/* ISENABLER0 */
	REG(SGI(0x0180), 4, 1, W4, VGIC_PHYS_SETCLR, 0),	/* ICENABLER0 */
	REG(SGI(0x0200), 4, 1, W4, VGIC_PHYS_SETCLR, 0),	/* ISPENDR0 */
	REG(SGI(0x0280), 4, 1, W4, VGIC_PHYS_SETCLR, 0),	/* ICPENDR0 */
	REG(SGI(0x0300), 4, 1, W4, VGIC_PHYS_SETCLR, 0),	/* ISACTIVER0 */
	REG(SGI(0x0380), 4, 1, W4, VGIC_PHYS_SETCLR, 0),	/* ICACTIVER0 */
	REG(SGI(0x0400), 32, 8, W1 | W4, VGIC_PHYS_RMW, 0),	/* IPRIORITYR */
	REG(SGI(0x0c00), 8, 2, W4, VGIC_PHYS_RMW, 0),		/* ICFGR0-1 */
};

static const struct vgic_reg *vgic_find(const struct vgic_reg *t, __u32 n,
					__u32 offset)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (offset >= t[i].offset && offset - t[i].offset < t[i].len)
			return &t[i];
	return 0;
}

/* The bits of @nirqs interrupts from @first (bits_per_irq @bpi each)
 * that @own (bit n = INTID n) marks, packed as the register holds them. */
static __u64 vgic_irq_mask(const __u32 *own, __u32 first, __u32 nirqs,
			   __u32 bpi)
{
	__u64 field = (1ull << bpi) - 1, m = 0;
	__u32 i, n;

	for (i = 0; i < nirqs; i++) {
		n = first + i;
		if (n < VGIC_NR_INTIDS && (own[n / 32] >> (n % 32)) & 1)
			m |= field << (i * bpi);
	}
	return m;
}

static void vgic_plan_raz(struct vgic_plan *p)
{
	p->action = VGIC_RAZ_WI;
	p->emul = VGIC_EMUL_NONE;
	p->reg = p->frame = p->shift = p->intid = p->bits_per_irq = 0;
	p->mask = p->rao = 0;
}

/*
 * The common part: find @offset's row, check the width and alignment
 * (one gate, like KVM's check_region), and fill the word, shift and
 * first INTID.  Returns the row, or NULL after making the plan RAZ/WI.
 */
static const struct vgic_reg *vgic_plan_row(const struct vgic_reg *t,
					     __u32 n, __u32 offset,
					     __u32 size, struct vgic_plan *p)
{
	const struct vgic_reg *r = vgic_find(t, n, offset);
	__u32 word;

	vgic_plan_raz(p);
	if (!r || size > 8 || !(r->widths & size) || offset % size ||
	    offset - r->offset + size > r->len)
		return 0;
	word = r->widths & W8 ? 8 : 4;
	p->reg = offset & ~(word - 1);
	p->shift = (offset & (word - 1)) * 8;
	p->bits_per_irq = r->bits_per_irq;
	if (r->bits_per_irq)
		p->intid = (p->reg - r->offset) * 8 / r->bits_per_irq;
	p->emul = (enum vgic_emul)r->emul;
	return r;
}

/* Bits of the accessed bytes within the word, at their place. */
static __u64 vgic_bytes(__u32 size, __u32 shift)
{
	return (size == 8 ? ~0ull : (1ull << (size * 8)) - 1) << shift;
}

void vgic_dist_plan(const struct vgic_owner *o, __u32 offset, __u32 size,
		    struct vgic_plan *p)
{
	const struct vgic_reg *r = vgic_plan_row(vgic_dist_regs,
		sizeof(vgic_dist_regs) / sizeof(vgic_dist_regs[0]), offset,
		size, p);
	__u32 bpi;
	__u64 own;

	if (!r)
		return;
	bpi = r->bits_per_irq;
	switch (r->action) {
	case VGIC_ROUTE:
		/* GICD_IROUTER<n> at 0x6000 + 8n; n < 32 is reserved. */
		p->intid = (p->reg - r->offset) / 8;
		if (vgic_owns_spi(o, p->intid)) {
			p->action = VGIC_ROUTE;
			p->mask = vgic_bytes(size, p->shift);
		}
		return;
	case VGIC_EMUL:
	case VGIC_PHYS_RO:
		p->action = (enum vgic_action)r->action;
		p->mask = vgic_bytes(size, p->shift);
		return;
	}
	/* Per-interrupt: the zone's SPIs only (INTIDs 0-31 are in the
	 * redistributors: RAZ/WI here, as with GICD_CTLR.ARE set). */
	if (p->intid < VGIC_SPI_BASE)
		return;
	own = o->spis ? vgic_irq_mask(o->spis, p->intid, 32 / bpi, bpi) : 0;
	own &= vgic_bytes(size, p->shift);
	if (!own)
		return;
	p->action = (enum vgic_action)r->action;
	if (p->action == VGIC_CONST)
		p->rao = own;		/* IGROUPR: Group 1 */
	else
		p->mask = own;
}

void vgic_redist_plan(const struct vgic_owner *o, __u32 offset, __u32 size,
		      struct vgic_plan *p)
{
	__u32 frame = offset / VGIC_REDIST_STRIDE, bpi, own_ppis;
	const struct vgic_reg *r;
	__u64 own, bytes;

	if (frame >= o->nr_vcpus) {
		vgic_plan_raz(p);
		return;
	}
	r = vgic_plan_row(vgic_redist_regs,
		sizeof(vgic_redist_regs) / sizeof(vgic_redist_regs[0]),
		offset % VGIC_REDIST_STRIDE, size, p);
	if (!r)
		return;
	p->frame = frame;
	bytes = vgic_bytes(size, p->shift);
	bpi = r->bits_per_irq;
	if (!bpi) {
		p->action = (enum vgic_action)r->action;
		p->mask = bytes;
		return;
	}
	/* A frame's interrupts are INTIDs 0-31: one bitmap word, PPIs
	 * only (the SGIs are virtual). */
	own_ppis = o->ppis & ~0xffffu;
	own = vgic_irq_mask(&own_ppis, p->intid, 32 / bpi, bpi) & bytes;
	if (r->offset == SGI(0x0400) && p->intid < 16) {
		/* The SGIs' priorities: kept per vCPU. */
		p->action = VGIC_EMUL;
		p->emul = VGIC_EMUL_SGIPRIO;
		p->mask = bytes;
		return;
	}
	switch (r->offset) {
	case SGI(0x0080):		/* IGROUPR0: all Group 1 */
		p->action = VGIC_CONST;
		p->rao = (0xffffull | own) & bytes;
		return;
	case SGI(0x0100):		/* ISENABLER0, ICENABLER0: SGIs */
	case SGI(0x0180):		/* always enabled */
		p->action = VGIC_PHYS_SETCLR;
		p->mask = own;
		p->rao = 0xffffull & bytes;
		return;
	case SGI(0x0c00):		/* ICFGR0: SGIs are edge */
		if (p->intid < 16) {
			p->action = VGIC_CONST;
			p->rao = 0xaaaaaaaaull & bytes;
			return;
		}
		break;
	}
	if (!own)
		return;
	p->action = (enum vgic_action)r->action;
	p->mask = own;
}

__u64 vgic_route_fix(__u64 want, __u64 cpus)
{
	/* Aff3 [39:32], IRM [31], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]. */
	__u64 aff0 = want & 0xff;
	int others = (want & (0xffull << 32 | 1ull << 31 | 0xffff00ull)) != 0;

	if (!cpus)
		return 0;
	if (others || aff0 >= 64 || !(cpus >> aff0 & 1))
		return (__u64)__builtin_ctzll(cpus);
	return aff0;
}

__u64 vgic_sgi_targets(__u64 sgi1r, __u64 cpus, __u32 self,
		       __u32 *intid, __u32 *dropped)
{
	/* TargetList [15:0], Aff1 [23:16], INTID [27:24], Aff2 [39:32],
	 * IRM [40], RS [47:44], Aff3 [55:48]. */
	__u64 list = sgi1r & 0xffff, rs = (sgi1r >> 44) & 0xf, t = 0;
	int high = (sgi1r & (0xffull << 16 | 0xffull << 32 |
			     0xffull << 48)) != 0;
	__u32 i, drop = 0;

	*intid = (__u32)(sgi1r >> 24) & 0xf;
	if (sgi1r >> 40 & 1) {
		/* IRM: every CPU but the sender: the zone's only. */
		*dropped = 0;
		return self < 64 ? cpus & ~(1ull << self) : cpus;
	}
	for (i = 0; i < 16; i++) {
		__u32 aff0 = (__u32)rs * 16 + i;

		if (!(list >> i & 1))
			continue;
		if (!high && aff0 < 64 && cpus >> aff0 & 1)
			t |= 1ull << aff0;
		else
			drop++;
	}
	*dropped = drop;
	return t;
}

/*
 * ICH_LR<n>_EL2: vINTID [31:0], pINTID [44:32] (HW = 1), EOI [41]
 * (HW = 0), Priority [55:48], Group [60], HW [61], State [63:62].
 */
#define LR_PINTID_SHIFT		32
#define LR_PINTID_MASK		0x1fffull
#define LR_EOI			(1ull << 41)
#define LR_PRIO_SHIFT		48
#define LR_GROUP		(1ull << 60)
#define LR_HW			(1ull << 61)
#define LR_STATE_SHIFT		62

__u64 vgic_lr_encode(const struct vgic_lr *lr)
{
	__u64 v = lr->virq;

	if (lr->hw)
		v |= LR_HW | ((__u64)lr->pirq & LR_PINTID_MASK) <<
			     LR_PINTID_SHIFT;
	else if (lr->eoi_maint)
		v |= LR_EOI;
	v |= (__u64)lr->priority << LR_PRIO_SHIFT;
	if (lr->group1)
		v |= LR_GROUP;
	v |= (__u64)(lr->state & 3) << LR_STATE_SHIFT;
	return v;
}

void vgic_lr_decode(__u64 raw, struct vgic_lr *lr)
{
	lr->virq = (__u32)raw;
	lr->hw = (raw & LR_HW) != 0;
	lr->pirq = lr->hw ? (__u32)((raw >> LR_PINTID_SHIFT) &
				    LR_PINTID_MASK) : 0;
	lr->eoi_maint = !lr->hw && (raw & LR_EOI);
	lr->priority = (__u8)(raw >> LR_PRIO_SHIFT);
	lr->group1 = (raw & LR_GROUP) != 0;
	lr->state = (enum vgic_lr_state)(raw >> LR_STATE_SHIFT & 3);
}

int vgic_lr_place(struct vgic_lr *lrs, __u32 nr, __u64 *empty,
		  __u64 *dirty, __u32 intid, int hw, __u8 priority)
{
	__u32 i;

	for (i = 0; i < nr; i++) {
		if (*empty >> i & 1 || lrs[i].virq != intid)
			continue;
		/* Already there.  A hardware interrupt is not delivered
		 * again before the guest deactivates it: keep it queued. */
		if (hw || lrs[i].hw)
			return 0;
		/* A virtual SGI pending already is one SGI (edge); one
		 * being handled becomes pending again. */
		if (lrs[i].state == VGIC_LR_ACTIVE) {
			lrs[i].state = VGIC_LR_PENDING_ACTIVE;
			*dirty |= 1ull << i;
		}
		return 1;
	}
	*empty &= nr >= 64 ? ~0ull : (1ull << nr) - 1;
	if (!*empty)
		return 0;
	i = (__u32)__builtin_ctzll(*empty);
	lrs[i].virq = intid;
	lrs[i].pirq = hw ? intid : 0;
	lrs[i].priority = priority;
	lrs[i].group1 = 1;
	lrs[i].hw = (__u8)(hw != 0);
	lrs[i].eoi_maint = 0;
	lrs[i].state = VGIC_LR_PENDING;
	*empty &= ~(1ull << i);
	*dirty |= 1ull << i;
	return 1;
}
