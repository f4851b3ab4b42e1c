// SPDX-License-Identifier: MIT
/*
 * What a guest zone sees of the GIC (arm64/gic.h; docs/interrupts.md):
 * its trapped distributor and redistributor windows, carried out on the
 * physical GIC as vgic_filter.c's plans say, and its trapped
 * ICC_SGI1R_EL1.  The guest's own CPU interface is the hardware's
 * virtual one (ICV_*), fed by gic.c's list registers.
 *
 * Nothing a zone writes here reaches an interrupt or a CPU that is not
 * its own, and no access stops a CPU: unknown registers read as zero and
 * ignore writes.
 */
#include <hvbridge/barrier.h>
#include <arm64/esr.h>
#include <arm64/gic.h>
#include <arm64/hyp.h>
#include <arm64/mmio.h>
#include <arm64/vcpu.h>
#include <hyp/mmio.h>
#include <hyp/printk.h>
#include <hyp/spinlock.h>
#include <hyp/zone.h>

#include "vgic_filter.h"

#define GICD_TYPER_LPIS		(1u << 17)
#define GICD_TYPER_MBIS		(1u << 16)
#define GICD_TYPER_CPUS_SHIFT	5
#define GICD_CTLR_DS		(1u << 6)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_GRP1		(1u << 1)
#define GICR_TYPER_LAST		(1ull << 4)
/* PLPIS, VLPIS, DirectLPI: no LPIs for a guest zone. */
#define GICR_TYPER_LPIS		((1ull << 0) | (1ull << 1) | (1ull << 3))
#define GICR_TYPER_PROC_SHIFT	8
#define GICR_WAKER_SLEEP	(1u << 1)
#define GICR_WAKER_ASLEEP	(1u << 2)

#define GICD_ISENABLER		0x0100u
#define GICD_ICENABLER		0x0180u
#define GICD_IROUTER		0x6000u

/* Per zone (by index): written by its CPUs, under vgic_lock. */
struct vgic_zone {
	__u32 dctlr;		/* GICD_CTLR's writable bits: EnableGrp1 */
	__u32 waker[HYP_VGIC_REDIST_FRAMES];	/* ProcessorSleep */
	/* The zone's own enables of its SPIs, as it last wrote them
	 * (GICD_ISENABLER sets, GICD_ICENABLER clears; bit n = INTID n).
	 * Read and written with the physical enables they stand for, all
	 * under vgic_lock, so a restore (INJECT_IRQ on a root zone CPU)
	 * cannot undo a disable the zone makes at the same time. */
	__u32 enabled[VGIC_IRQ_WORDS];
	__u64 sgi_dropped;	/* SGI targets outside the zone */
	__u64 foreign;		/* others' interrupts taken on its CPUs */
	__u32 logged;		/* first drop of each kind printed */
};

#define VGIC_LOGGED_SGI		1u
#define VGIC_LOGGED_FOREIGN	2u

static struct vgic_zone vgic_zones[HYP_MAX_ZONES];
/* The vgic_zone state, and the physical enables of zones' SPIs with
 * it.  Read-modify-writes of shared GIC words: hyp_gic_rmw32(). */
static struct hyp_spinlock vgic_lock = HYP_SPINLOCK_INIT;

int hyp_vgic_owns_spi(const struct hyp_zone *z, __u32 intid)
{
	const struct hyp_zone_irqs *irqs = z->cfg->irqs;

	return irqs && intid >= VGIC_SPI_BASE && intid < VGIC_NR_INTIDS &&
	       (irqs->bits[intid / 32] >> (intid % 32)) & 1;
}

/* CPUs in a set (-mgeneral-regs-only: no popcount instruction, and no
 * libgcc helper in a freestanding image). */
static __u32 vgic_nr_cpus(__u64 cpus)
{
	__u32 n = 0;

	for (; cpus; cpus &= cpus - 1)
		n++;
	return n;
}

static void vgic_owner(const struct hyp_zone *z, struct vgic_owner *o)
{
	o->spis = z->cfg->irqs ? z->cfg->irqs->bits : 0;
	o->nr_vcpus = vgic_nr_cpus(z->cfg->cpus);
	if (o->nr_vcpus > HYP_VGIC_REDIST_FRAMES)
		o->nr_vcpus = HYP_VGIC_REDIST_FRAMES;
	o->ppis = 1u << VGIC_PPI_VTIMER;
}

/* The physical CPU of the zone's vCPU @idx (its @idx-th CPU). */
static __u32 vgic_vcpu_cpu(const struct hyp_zone *z, __u32 idx)
{
	__u64 cpus = z->cfg->cpus;

	while (idx-- && cpus)
		cpus &= cpus - 1;
	return cpus ? (__u32)__builtin_ctzll(cpus) : 0;
}

static volatile void *vgic_gicd(__u32 off)
{
	return (volatile void *)(HYP_GICD_BASE + off);
}

/* SPI @intid of @z routed to one of its CPUs (a route the zone chose
 * among them stays). */
static void vgic_spi_route(const struct hyp_zone *z, __u32 intid)
{
	volatile void *a = vgic_gicd(GICD_IROUTER + intid * 8);
	__u64 cur = mmio_read64(a), want = vgic_route_fix(cur, z->cfg->cpus);

	if (cur != want)
		mmio_write64(a, want);
}

/*
 * Keep SPI @intid of @z as the zone set it: the root zone's Linux, when
 * it initialises the distributor (which may be after the zone started),
 * disables every SPI and routes them all to its boot CPU.  Put the
 * route back, and the enable if the zone had enabled it.
 */
void hyp_vgic_spi_restore(const struct hyp_zone *z, __u32 intid)
{
	__u32 bit = 1u << (intid % 32), word = intid / 32;

	if (!hyp_vgic_owns_spi(z, intid))
		return;
	hyp_spin_lock(&vgic_lock);
	vgic_spi_route(z, intid);
	if (vgic_zones[z->index].enabled[word] & bit &&
	    !(mmio_read32(vgic_gicd(GICD_ISENABLER + word * 4)) & bit))
		mmio_write32(vgic_gicd(GICD_ISENABLER + word * 4), bit);
	hyp_spin_unlock(&vgic_lock);
}

/* The zone's write of @bits (its own SPIs from @intid) to
 * GICD_I[SC]ENABLER at @reg: remembered and carried out together. */
static void vgic_write_enable(const struct hyp_zone *z, __u32 reg,
			      __u32 intid, __u32 bits)
{
	struct vgic_zone *vz = &vgic_zones[z->index];
	__u32 word = (reg & 0x7f) / 4, set = reg < GICD_ICENABLER, b;

	hyp_spin_lock(&vgic_lock);
	vz->enabled[word] = set ? vz->enabled[word] | bits :
				  vz->enabled[word] & ~bits;
	/* An enable routes the SPI to the zone before it can fire. */
	for (b = set ? bits : 0; b; b &= b - 1)
		vgic_spi_route(z, intid + (__u32)__builtin_ctz(b));
	if (bits)
		mmio_write32(vgic_gicd(reg), bits);
	hyp_spin_unlock(&vgic_lock);
}

void hyp_vgic_zone_forget(const struct hyp_zone *z)
{
	__u32 w;

	hyp_spin_lock(&vgic_lock);
	for (w = 0; w < VGIC_IRQ_WORDS; w++)
		vgic_zones[z->index].enabled[w] = 0;
	hyp_spin_unlock(&vgic_lock);
}

static __u64 vgic_read_word(volatile void *a, __u32 width)
{
	return width == 8 ? mmio_read64(a) : mmio_read32(a);
}

static __u64 vgic_emul_read(const struct hyp_zone *z,
			    const struct vgic_plan *p)
{
	struct vgic_zone *vz = &vgic_zones[z->index];
	__u32 cpu, nr = vgic_nr_cpus(z->cfg->cpus), i;
	__u64 v;

	switch (p->emul) {
	case VGIC_EMUL_DCTLR:
		return GICD_CTLR_DS | GICD_CTLR_ARE |
		       (hvb_read_once_u32(&vz->dctlr) & GICD_CTLR_GRP1);
	case VGIC_EMUL_DTYPER:
		v = mmio_read32((volatile void *)(HYP_GICD_BASE + 4));
		v &= ~(__u64)(GICD_TYPER_LPIS | GICD_TYPER_MBIS |
			      7u << GICD_TYPER_CPUS_SHIFT);
		return v | (__u64)((nr - 1) & 7) << GICD_TYPER_CPUS_SHIFT;
	case VGIC_EMUL_RTYPER:
		cpu = vgic_vcpu_cpu(z, p->frame);
		v = mmio_read64((volatile void *)(hyp_gic_redist(cpu) + 8));
		v &= ~(GICR_TYPER_LPIS | GICR_TYPER_LAST |
		       0xffffull << GICR_TYPER_PROC_SHIFT);
		v |= (__u64)p->frame << GICR_TYPER_PROC_SHIFT;
		if (p->frame + 1 == nr || p->frame + 1 == HYP_VGIC_REDIST_FRAMES)
			v |= GICR_TYPER_LAST;
		return v;
	case VGIC_EMUL_WAKER:
		v = hvb_read_once_u32(&vz->waker[p->frame]) & GICR_WAKER_SLEEP;
		return v ? v | GICR_WAKER_ASLEEP : 0;
	case VGIC_EMUL_SGIPRIO:
		cpu = vgic_vcpu_cpu(z, p->frame);
		for (v = 0, i = 0; i < 4; i++)
			v |= (__u64)hyp_gic_sgi_prio(cpu, p->intid + i) <<
			     (i * 8);
		return v;
	case VGIC_EMUL_NONE:
		break;
	}
	return 0;
}

static void vgic_emul_write(const struct hyp_zone *z,
			    const struct vgic_plan *p, __u64 val)
{
	struct vgic_zone *vz = &vgic_zones[z->index];
	__u32 cpu, i;

	switch (p->emul) {
	case VGIC_EMUL_DCTLR:
		/* Kept for the guest to read back; the zone's interrupts
		 * are enabled one by one in the physical distributor. */
		hvb_write_once_u32(&vz->dctlr, (__u32)val & GICD_CTLR_GRP1);
		return;
	case VGIC_EMUL_WAKER:
		hvb_write_once_u32(&vz->waker[p->frame],
				   (__u32)val & GICR_WAKER_SLEEP);
		return;
	case VGIC_EMUL_SGIPRIO:
		cpu = vgic_vcpu_cpu(z, p->frame);
		for (i = 0; i < 4; i++)
			if (p->mask >> (i * 8) & 0xff)
				hyp_gic_set_sgi_prio(cpu, p->intid + i,
						     (__u8)(val >> (i * 8)));
		return;
	default:
		return;		/* TYPERs: read-only */
	}
}

/* Carry out @p on the physical register at @base + p->reg. */
static void vgic_do(const struct hyp_zone *z, const struct vgic_plan *p,
		    __u64 base, __u32 width, int is_write, __u64 *value)
{
	volatile void *a = (volatile void *)(base + p->reg);
	__u64 v = 0, want;
	__u32 i;

	switch (p->action) {
	case VGIC_RAZ_WI:
		break;
	case VGIC_CONST:
		v = p->rao;
		break;
	case VGIC_PHYS_RO:
		v = is_write ? 0 : vgic_read_word(a, width) & p->mask;
		break;
	case VGIC_PHYS_SETCLR:
		if (is_write) {
			want = (*value << p->shift) & p->mask;
			if (base == HYP_GICD_BASE && p->reg < 0x200)
				vgic_write_enable(z, p->reg, p->intid,
						  (__u32)want);
			else if (want)
				mmio_write32(a, (__u32)want);
		} else {
			v = (mmio_read32(a) & p->mask) | p->rao;
		}
		break;
	case VGIC_PHYS_RMW:
		if (!is_write) {
			v = mmio_read32(a) & p->mask;
			break;
		}
		want = *value << p->shift;
		if (p->bits_per_irq == 8) {
			/* Priorities: byte by byte, so the root zone's
			 * bytes of the same word are never rewritten. */
			for (i = 0; i < 4; i++)
				if (p->mask >> (i * 8) & 0xff)
					mmio_write8((volatile __u8 *)a + i,
						    (__u8)(want >> (i * 8)));
		} else {
			hyp_gic_rmw32(a, (__u32)p->mask, (__u32)want);
		}
		break;
	case VGIC_ROUTE:
		if (!is_write) {
			v = mmio_read64(a) & p->mask;
			break;
		}
		/* The upper half (Aff3) is 0 on QEMU virt: only a write of
		 * the lower half or the whole register routes. */
		if (!p->shift)
			mmio_write64(a, vgic_route_fix(*value, z->cfg->cpus));
		break;
	case VGIC_EMUL:
		if (is_write)
			vgic_emul_write(z, p, *value << p->shift);
		else
			v = vgic_emul_read(z, p) & p->mask;
		break;
	}
	if (!is_write)
		*value = v >> p->shift;
}

/* A trapped access of the zone's distributor (@is_redist 0) or its
 * redistributor frames: planned by the filter, then carried out. */
static enum hyp_mmio_result vgic_access(int is_redist, __u64 offset,
					__u32 size, int is_write,
					__u64 *value)
{
	struct hyp_zone *z = hyp_vcpu_current();
	__u64 limit = is_redist ?
		      (__u64)HYP_VGIC_REDIST_FRAMES * VGIC_REDIST_STRIDE :
		      VGIC_DIST_SIZE;
	struct vgic_owner o;
	struct vgic_plan p;

	if (!z || offset >= limit)
		return HYP_MMIO_ERROR;
	vgic_owner(z, &o);
	if (is_redist) {
		vgic_redist_plan(&o, (__u32)offset, size, &p);
		vgic_do(z, &p, hyp_gic_redist(vgic_vcpu_cpu(z, p.frame)),
			p.emul == VGIC_EMUL_RTYPER ? 8 : 4, is_write, value);
	} else {
		vgic_dist_plan(&o, (__u32)offset, size, &p);
		/* Only IROUTER is a 64-bit word in the distributor. */
		vgic_do(z, &p, HYP_GICD_BASE, p.action == VGIC_ROUTE ? 8 : 4,
			is_write, value);
	}
	return HYP_MMIO_OK;
}

enum hyp_mmio_result hyp_vgic_dist_access(void *priv, __u64 offset,
					  __u32 size, int is_write,
					  __u64 *value)
{
	(void)priv;
	return vgic_access(0, offset, size, is_write, value);
}

enum hyp_mmio_result hyp_vgic_redist_access(void *priv, __u64 offset,
					    __u32 size, int is_write,
					    __u64 *value)
{
	(void)priv;
	return vgic_access(1, offset, size, is_write, value);
}

void hyp_vgic_count_foreign(const struct hyp_zone *z, __u32 intid)
{
	struct vgic_zone *vz;

	if (!z)
		return;
	vz = &vgic_zones[z->index];
	hyp_spin_lock(&vgic_lock);
	vz->foreign++;
	if (!(vz->logged & VGIC_LOGGED_FOREIGN)) {
		vz->logged |= VGIC_LOGGED_FOREIGN;
		hyp_printk("hvbridge-hyp: %s: interrupt %u is not the zone's: deactivated, dropped (counted from here on)\n",
			   z->cfg->name, intid);
	}
	hyp_spin_unlock(&vgic_lock);
}

void hyp_vgic_report(const struct hyp_zone *z)
{
	struct vgic_zone *vz = &vgic_zones[z->index];
	__u64 full = 0, maint = 0, f, m, cpus;

	for (cpus = z->cfg->cpus; cpus; cpus &= cpus - 1) {
		hyp_gic_counts((__u32)__builtin_ctzll(cpus), &f, &m);
		full += f;
		maint += m;
	}
	hyp_spin_lock(&vgic_lock);
	hyp_printk("hvbridge-hyp: %s: vgic: %lu SGI targets outside the zone dropped, %lu foreign interrupts dropped; list registers full %lu times, %lu maintenance interrupts\n",
		   z->cfg->name, vz->sgi_dropped, vz->foreign, full, maint);
	hyp_spin_unlock(&vgic_lock);
}

/*
 * ESR_EL2.ISS of a trapped MSR/MRS (EC 0x18): Op0 [21:20], Op2 [19:17],
 * Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1: read).
 */
#define SYS_ISS(op0, op1, crn, crm, op2)				\
	((__u32)(op0) << 20 | (__u32)(op2) << 17 | (__u32)(op1) << 14 |	\
	 (__u32)(crn) << 10 | (__u32)(crm) << 1)
#define SYS_ISS_MASK		SYS_ISS(3, 7, 15, 15, 7)
#define SYS_ICC_SGI1R		SYS_ISS(3, 0, 12, 11, 5)
#define SYS_ICC_ASGI1R		SYS_ISS(3, 0, 12, 11, 6)
#define SYS_ICC_SGI0R		SYS_ISS(3, 0, 12, 11, 7)

static void vgic_sgi(struct hyp_zone *z, __u64 sgi1r)
{
	struct vgic_zone *vz = &vgic_zones[z->index];
	__u32 self = hyp_arm64_cpu_id(), intid, dropped, cpu;
	__u64 t = vgic_sgi_targets(sgi1r, z->cfg->cpus, self, &intid,
				   &dropped);

	if (dropped) {
		hyp_spin_lock(&vgic_lock);
		vz->sgi_dropped += dropped;
		if (!(vz->logged & VGIC_LOGGED_SGI)) {
			vz->logged |= VGIC_LOGGED_SGI;
			hyp_printk("hvbridge-hyp: %s: SGI %u to a CPU outside the zone dropped (ICC_SGI1R_EL1 0x%lx; counted from here on)\n",
				   z->cfg->name, intid, sgi1r);
		}
		hyp_spin_unlock(&vgic_lock);
	}
	for (; t; t &= t - 1) {
		cpu = (__u32)__builtin_ctzll(t);
		hyp_gic_queue_soft(cpu, intid);
		if (cpu != self)
			hyp_gic_kick(cpu);
	}
	hyp_gic_flush();
}

enum hyp_trap_result hyp_vgic_sysreg(struct hyp_trap_frame *tf)
{
	struct hyp_zone *z = hyp_vcpu_current();
	__u32 iss = (__u32)tf->esr & 0x1ffffff, rt = (iss >> 5) & 31;
	__u64 val = rt == 31 ? 0 : tf->x[rt];

	if (!z || iss & 1)		/* no zone, or a read */
		return hyp_vcpu_undef(tf);
	switch (iss & SYS_ISS_MASK) {
	case SYS_ICC_SGI1R:
		vgic_sgi(z, val);
		break;
	case SYS_ICC_ASGI1R:
	case SYS_ICC_SGI0R:
		/* Group 0 and the other Security state: a zone has
		 * neither; the write does nothing. */
		break;
	default:
		return hyp_vcpu_undef(tf);
	}
	tf->elr += 4;
	return HYP_TRAP_HANDLED;
}
