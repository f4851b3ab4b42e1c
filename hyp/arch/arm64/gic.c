// SPDX-License-Identifier: MIT
/*
 * The physical GICv3 on the CPUs of guest zones, and their list
 * registers (arm64/gic.h; docs/interrupts.md).
 *
 * A guest zone's CPU runs with HCR_EL2.IMO/FMO set, so every physical
 * interrupt it takes comes to EL2 (hyp_gic_handle_irq()).  The
 * hypervisor acknowledges it and drops its priority (ICC_CTLR_EL1.
 * EOImode = 1 on these CPUs) and then:
 *   - the zone's own SPI, or the virtual timer PPI 27: injected with
 *     HW = 1 and pINTID = vINTID, left active in the physical GIC, so the
 *     guest's deactivation deactivates it.  The GIC cannot deliver it
 *     again before that, so it cannot be injected twice;
 *   - the kick SGI: deactivated; it only makes this CPU refill its list
 *     registers (virtual SGIs queued by another CPU of the zone);
 *   - the maintenance interrupt (underflow): refill, then deactivate;
 *   - anything else (another zone's interrupt): deactivated and counted.
 *
 * Injection goes through a per-CPU queue, a bitmap of INTIDs (Xen's
 * lr_pending): hw[] for hardware interrupts, this CPU's only, soft[] for
 * virtual SGIs, set by any CPU of the zone with a fully ordered fetch-or
 * and taken here with an exchange.  hyp_gic_flush() moves the queue into
 * free list registers; what does not fit stays queued and ICH_HCR_EL2.UIE
 * asks for the underflow maintenance interrupt, which refills them.  A
 * bitmap cannot hold an INTID twice, and a virtual SGI already pending
 * in a list register is not queued again (edge semantics), so nothing
 * is injected twice; nothing leaves the queue without an LR, so nothing
 * is lost.
 *
 * List registers cross every interface here decoded (struct vgic_lr,
 * vgic_filter.c's codec); only gic_lr_read()/gic_lr_write() see raw bits.
 */
#include <hvbridge/barrier.h>
#include <arm64/gic.h>
#include <arm64/hyp.h>
#include <arm64/mmio.h>
#include <arm64/sysreg.h>
#include <arm64/vcpu.h>
#include <hyp/printk.h>
#include <hyp/spinlock.h>
#include <hyp/zone.h>

#include "vgic_filter.h"

/* The physical CPU interface (at EL2: the physical registers). */
#define ICC_IAR1_EL1		S3_0_C12_C12_0
#define ICC_EOIR1_EL1		S3_0_C12_C12_1
#define ICC_DIR_EL1		S3_0_C12_C11_1
#define ICC_PMR_EL1		S3_0_C4_C6_0
#define ICC_BPR1_EL1		S3_0_C12_C12_3
#define ICC_CTLR_EL1		S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1		S3_0_C12_C12_7
#define ICC_SGI1R_EL1		S3_0_C12_C11_5
#define ICC_SRE_EL2		S3_4_C12_C9_5
#define ICC_CTLR_EOIMODE	(1ull << 1)
/* ICC_SRE_EL2: SRE, DFB, DIB, and Enable: EL1 may read ICC_SRE_EL1. */
#define ICC_SRE_EL2_VALUE	0xfull

/* The virtual CPU interface's controls. */
#define ICH_AP0R0_EL2		S3_4_C12_C8_0
#define ICH_AP0R1_EL2		S3_4_C12_C8_1
#define ICH_AP0R2_EL2		S3_4_C12_C8_2
#define ICH_AP0R3_EL2		S3_4_C12_C8_3
#define ICH_AP1R0_EL2		S3_4_C12_C9_0
#define ICH_AP1R1_EL2		S3_4_C12_C9_1
#define ICH_AP1R2_EL2		S3_4_C12_C9_2
#define ICH_AP1R3_EL2		S3_4_C12_C9_3
#define ICH_HCR_EL2		S3_4_C12_C11_0
#define ICH_VTR_EL2		S3_4_C12_C11_1
#define ICH_ELRSR_EL2		S3_4_C12_C11_5
#define ICH_VMCR_EL2		S3_4_C12_C11_7
#define ICH_HCR_EN		(1ull << 0)
#define ICH_HCR_UIE		(1ull << 1)

/* Distributor and redistributor registers the hypervisor itself uses. */
#define GICD_CTLR		0x0000u
#define GICD_CTLR_RWP		(1u << 31)
#define GICD_CTLR_ARE		(1u << 4)
#define GICD_CTLR_GRP1		(1u << 1)
#define GICD_IGROUPR		0x0080u
#define GICD_ICENABLER		0x0180u
#define GICD_ISPENDR		0x0200u
#define GICD_ICPENDR		0x0280u
#define GICD_ICACTIVER		0x0380u
#define GICD_IPRIORITYR		0x0400u
#define GICD_IROUTER		0x6000u
#define GICR_TYPER		0x0008u
#define GICR_WAKER		0x0014u
#define GICR_WAKER_SLEEP	(1u << 1)
#define GICR_WAKER_ASLEEP	(1u << 2)
#define GICR_SGI		0x10000u
#define GICR_IGROUPR0		(GICR_SGI + 0x0080u)
#define GICR_ISENABLER0		(GICR_SGI + 0x0100u)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180u)
#define GICR_ICPENDR0		(GICR_SGI + 0x0280u)
#define GICR_ICACTIVER0		(GICR_SGI + 0x0380u)
#define GICR_IPRIORITYR		(GICR_SGI + 0x0400u)

/* Priority of the hypervisor's own interrupts and of a zone's SPIs at
 * its start. */
#define GIC_PRIO_HYP		0x80u
#define GIC_PRIO_DEFAULT	0xa0u
#define GIC_SPURIOUS		1020u
/* A busy line cannot keep a CPU in EL2 for ever. */
#define GIC_IRQ_BUDGET		64u
#define GIC_WAIT_SPINS		1000000u

#define GIC_MAX_LRS		16u
#define GIC_QUEUE_WORDS		(1024u / 64u)

struct gic_cpu {
	/* Virtual SGIs for this CPU's vCPU: fetch-or by any CPU of the
	 * zone, exchanged with 0 by this CPU (both fully ordered). */
	__u64 soft[GIC_QUEUE_WORDS];
	/* Hardware interrupts acknowledged here, waiting for an LR: this
	 * CPU's only. */
	__u64 hw[GIC_QUEUE_WORDS];
	/* GICR_IPRIORITYR0-3 as the zone wrote them: the SGIs'. */
	__u8 sgi_prio[16];
	/* Flushes that left the queue non-empty (list registers full),
	 * and maintenance interrupts taken: this CPU's counts. */
	__u64 full, maint;
} __attribute__((aligned(64)));

static struct gic_cpu gic_cpus[HYP_MAX_CPUS];
static __u32 gic_nr_lrs;	/* from ICH_VTR_EL2, set by each CPU alike */
/* The hypervisor's read-modify-writes of GIC words that hold several
 * interrupts, on any CPU for any zone: one at a time (hyp_gic_rmw32()). */
static struct hyp_spinlock gic_rmw_lock = HYP_SPINLOCK_INIT;

static volatile void *gicd(__u32 off)
{
	return (volatile void *)(HYP_GICD_BASE + off);
}

__u64 hyp_gic_redist(__u32 cpu)
{
	/* QEMU virt: one 128 KiB frame per CPU, in CPU order (checked
	 * against GICR_TYPER in hyp_gic_vcpu_reset()). */
	return HYP_GICR_BASE + (__u64)cpu * VGIC_REDIST_STRIDE;
}

static volatile void *gicr(__u32 cpu, __u32 off)
{
	return (volatile void *)(hyp_gic_redist(cpu) + off);
}

/* ICH_LR<n>_EL2 by index: the register is in the instruction. */
#define LR_CASE(n, reg)							\
	case n:								\
		if (write)						\
			arm64_write_sysreg(reg, v);			\
		else							\
			v = arm64_read_sysreg(reg);			\
		break
static __u64 gic_lr_access(__u32 n, int write, __u64 v)
{
	switch (n) {
	LR_CASE(0, S3_4_C12_C12_0);
	LR_CASE(1, S3_4_C12_C12_1);
	LR_CASE(2, S3_4_C12_C12_2);
	LR_CASE(3, S3_4_C12_C12_3);
	LR_CASE(4, S3_4_C12_C12_4);
	LR_CASE(5, S3_4_C12_C12_5);
	LR_CASE(6, S3_4_C12_C12_6);
	LR_CASE(7, S3_4_C12_C12_7);
	LR_CASE(8, S3_4_C12_C13_0);
	LR_CASE(9, S3_4_C12_C13_1);
	LR_CASE(10, S3_4_C12_C13_2);
	LR_CASE(11, S3_4_C12_C13_3);
	LR_CASE(12, S3_4_C12_C13_4);
	LR_CASE(13, S3_4_C12_C13_5);
	LR_CASE(14, S3_4_C12_C13_6);
	LR_CASE(15, S3_4_C12_C13_7);
	}
	return v;
}

static void gic_lr_read(__u32 n, struct vgic_lr *lr)
{
	vgic_lr_decode(gic_lr_access(n, 0, 0), lr);
}

static void gic_lr_write(__u32 n, const struct vgic_lr *lr)
{
	gic_lr_access(n, 1, vgic_lr_encode(lr));
}

void hyp_gic_rmw32(volatile void *reg, __u32 mask, __u32 val)
{
	hyp_spin_lock(&gic_rmw_lock);
	mmio_write32(reg, (mmio_read32(reg) & ~mask) | (val & mask));
	hyp_spin_unlock(&gic_rmw_lock);
}

static void gic_deactivate(__u32 intid)
{
	arm64_write_sysreg(ICC_DIR_EL1, intid);
}

void hyp_gic_init(void)
{
	__u32 ctlr = mmio_read32(gicd(GICD_CTLR)), i;

	/* The root zone's Linux, when there is one, sets it up again. */
	if ((ctlr & (GICD_CTLR_ARE | GICD_CTLR_GRP1)) ==
	    (GICD_CTLR_ARE | GICD_CTLR_GRP1))
		return;
	mmio_write32(gicd(GICD_CTLR), GICD_CTLR_ARE);
	for (i = 0; i < GIC_WAIT_SPINS &&
	     mmio_read32(gicd(GICD_CTLR)) & GICD_CTLR_RWP; i++)
		;
	mmio_write32(gicd(GICD_CTLR), GICD_CTLR_ARE | GICD_CTLR_GRP1);
	hyp_printk("hvbridge-hyp: GICv3 distributor on (affinity routing, Group 1)\n");
}

/* This CPU's redistributor and physical CPU interface, as a guest
 * zone's CPU needs them. */
static void gic_cpu_init(__u32 cpu)
{
	__u32 i, own = 1u << HYP_GIC_SGI_KICK | 1u << VGIC_PPI_MAINT;
	__u64 typer;

	arm64_write_sysreg(ICC_SRE_EL2, ICC_SRE_EL2_VALUE);
	arm64_isb();
	typer = mmio_read64(gicr(cpu, GICR_TYPER));
	if ((typer >> 32 & 0xff) != cpu)
		hyp_printk("hvbridge-hyp: CPU %u: redistributor at 0x%lx says affinity 0x%lx\n",
			   cpu, hyp_gic_redist(cpu), typer >> 32);
	mmio_write32(gicr(cpu, GICR_WAKER),
		     mmio_read32(gicr(cpu, GICR_WAKER)) & ~GICR_WAKER_SLEEP);
	for (i = 0; i < GIC_WAIT_SPINS &&
	     mmio_read32(gicr(cpu, GICR_WAKER)) & GICR_WAKER_ASLEEP; i++)
		;
	/* Every SGI and PPI off, inactive, not pending, Group 1; then the
	 * hypervisor's two on.  The zone turns the timer's on itself. */
	mmio_write32(gicr(cpu, GICR_ICENABLER0), ~0u);
	mmio_write32(gicr(cpu, GICR_ICACTIVER0), ~0u);
	mmio_write32(gicr(cpu, GICR_ICPENDR0), ~0u);
	mmio_write32(gicr(cpu, GICR_IGROUPR0), ~0u);
	for (i = 0; i < 32; i++)
		mmio_write8(gicr(cpu, GICR_IPRIORITYR + i),
			    i == HYP_GIC_SGI_KICK || i == VGIC_PPI_MAINT ?
			    GIC_PRIO_HYP : GIC_PRIO_DEFAULT);
	mmio_write32(gicr(cpu, GICR_ISENABLER0), own);

	arm64_write_sysreg(ICC_PMR_EL1, 0xff);
	arm64_write_sysreg(ICC_BPR1_EL1, 0);
	arm64_write_sysreg(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	arm64_write_sysreg(ICC_IGRPEN1_EL1, 1);
	arm64_isb();
}

void hyp_gic_vcpu_reset(void)
{
	__u32 cpu = hyp_arm64_cpu_id(), i, w, prebits;
	struct gic_cpu *g = &gic_cpus[cpu];
	struct vgic_lr lr;
	__u64 bits;

	if (!gic_nr_lrs)
		gic_nr_lrs = (__u32)(arm64_read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
	gic_cpu_init(cpu);
	arm64_write_sysreg(ICH_HCR_EL2, 0);
	/* A hardware interrupt the zone had not deactivated: the GIC holds
	 * it active until someone does. */
	for (i = 0; i < gic_nr_lrs; i++) {
		gic_lr_read(i, &lr);
		if (lr.hw && lr.state != VGIC_LR_INVALID)
			gic_deactivate(lr.pirq);
		lr.virq = lr.pirq = 0;
		lr.priority = lr.group1 = lr.hw = lr.eoi_maint = 0;
		lr.state = VGIC_LR_INVALID;
		gic_lr_write(i, &lr);
	}
	for (w = 0; w < GIC_QUEUE_WORDS; w++) {
		for (bits = g->hw[w]; bits; bits &= bits - 1)
			gic_deactivate(w * 64 + (__u32)__builtin_ctzll(bits));
		g->hw[w] = 0;
		hvb_xchg_u64(&g->soft[w], 0);
	}
	for (i = 0; i < 16; i++)
		g->sgi_prio[i] = 0;
	/* Active priorities: 1, 2 or 4 registers (ICH_VTR_EL2.PREbits). */
	prebits = (__u32)(arm64_read_sysreg(ICH_VTR_EL2) >> 26 & 7) + 1;
	arm64_write_sysreg(ICH_AP0R0_EL2, 0);
	arm64_write_sysreg(ICH_AP1R0_EL2, 0);
	if (prebits >= 6) {
		arm64_write_sysreg(ICH_AP0R1_EL2, 0);
		arm64_write_sysreg(ICH_AP1R1_EL2, 0);
	}
	if (prebits >= 7) {
		arm64_write_sysreg(ICH_AP0R2_EL2, 0);
		arm64_write_sysreg(ICH_AP1R2_EL2, 0);
		arm64_write_sysreg(ICH_AP0R3_EL2, 0);
		arm64_write_sysreg(ICH_AP1R3_EL2, 0);
	}
	arm64_write_sysreg(ICH_VMCR_EL2, 0);
	arm64_write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
	arm64_isb();
}

/* The priority an injected interrupt gets: what the zone programmed. */
static __u8 gic_prio_of(__u32 cpu, __u32 intid)
{
	if (intid < 16)
		return gic_cpus[cpu].sgi_prio[intid];
	if (intid < VGIC_SPI_BASE)
		return mmio_read8(gicr(cpu, GICR_IPRIORITYR + intid));
	return mmio_read8(gicd(GICD_IPRIORITYR + intid));
}

/* Place @intid: vgic_lr_place() with the priority the zone gave it. */
static int gic_place(__u32 cpu, struct vgic_lr *lrs, __u64 *empty,
		     __u64 *dirty, __u32 intid, int hw)
{
	return vgic_lr_place(lrs, gic_nr_lrs, empty, dirty, intid, hw,
			     gic_prio_of(cpu, intid));
}

void hyp_gic_flush(void)
{
	__u32 cpu = hyp_arm64_cpu_id(), i, w, n;
	struct gic_cpu *g = &gic_cpus[cpu];
	struct vgic_lr lrs[GIC_MAX_LRS];
	__u64 empty, dirty = 0, bits, left, hcr;
	int full = 0;

	if (!gic_nr_lrs || gic_nr_lrs > GIC_MAX_LRS)
		return;
	empty = arm64_read_sysreg(ICH_ELRSR_EL2) &
		((1ull << gic_nr_lrs) - 1);
	for (i = 0; i < gic_nr_lrs; i++)
		gic_lr_read(i, &lrs[i]);
	for (w = 0; w < GIC_QUEUE_WORDS; w++) {
		for (bits = g->hw[w]; bits; bits &= bits - 1) {
			n = w * 64 + (__u32)__builtin_ctzll(bits);
			if (gic_place(cpu, lrs, &empty, &dirty, n, 1))
				g->hw[w] &= ~(1ull << (n % 64));
			else if (!empty)
				full = 1;
		}
		/* Pairs with the sender's fetch-or in hyp_gic_queue_soft()
		 * and its Barrier K in hyp_gic_kick(): we take every bit
		 * set before the SGI we took.  The look before the exchange
		 * is a single-copy atomic read of a word other CPUs write
		 * (it only saves the exchange of an empty word; a bit it
		 * misses was set after the kick, which sends another). */
		bits = hvb_read_once_u64(&g->soft[w]) ?
		       hvb_xchg_u64(&g->soft[w], 0) : 0;
		for (left = 0; bits; bits &= bits - 1) {
			n = w * 64 + (__u32)__builtin_ctzll(bits);
			if (!gic_place(cpu, lrs, &empty, &dirty, n, 0))
				left |= 1ull << (n % 64);
		}
		if (left) {
			hvb_fetch_or_u64(&g->soft[w], left);
			full = 1;	/* an SGI waits only for a free LR */
		}
	}
	for (i = 0; i < gic_nr_lrs; i++)
		if (dirty >> i & 1)
			gic_lr_write(i, &lrs[i]);
	/*
	 * Full list registers: the underflow maintenance interrupt when at
	 * most one is left in use refills them.  Only then: a hardware
	 * interrupt that waits because it is in a list register already
	 * (the zone cleared its active state and it came again) must not
	 * ask for it, or with that one list register in use the interrupt
	 * would be raised again at every return to the zone, for ever.  It
	 * is placed at the next exit after the guest deactivated it.
	 */
	hcr = arm64_read_sysreg(ICH_HCR_EL2);
	hcr = full ? hcr | ICH_HCR_UIE : hcr & ~ICH_HCR_UIE;
	/* Read by hyp_gic_counts() on another CPU: whole, never torn. */
	hvb_write_once_u64(&g->full, g->full + (__u64)full);
	arm64_write_sysreg(ICH_HCR_EL2, hcr);
	arm64_isb();
}

void hyp_gic_queue_soft(__u32 cpu, __u32 virq)
{
	if (cpu >= HYP_MAX_CPUS || virq >= 16)
		return;
	/* Fully ordered: pairs with the exchange in hyp_gic_flush() on
	 * @cpu, which sees the bit once it takes the kick SGI sent after
	 * this (the SGI write comes after the fetch-or in program order,
	 * and hyp_gic_kick()'s dsb orders it after the bit). */
	hvb_fetch_or_u64(&gic_cpus[cpu].soft[virq / 64],
			 1ull << (virq % 64));
}

void hyp_gic_kick(__u32 cpu)
{
	/* ICC_SGI1R_EL1: INTID [27:24], TargetList [15:0] (Aff0 < 16,
	 * Aff1-3 = 0 on QEMU virt).  Barrier K: the dsb completes the
	 * queued bit (hyp_gic_queue_soft()) before the SGI is sent; pairs
	 * with the exchange in hyp_gic_flush() that @cpu runs after it
	 * takes the SGI. */
	if (cpu >= 16)
		return;
	arm64_dsb_ish();
	arm64_write_sysreg(ICC_SGI1R_EL1,
			   (__u64)HYP_GIC_SGI_KICK << 24 | 1ull << cpu);
	arm64_isb();
}

void hyp_gic_spi_set_pending(__u32 intid)
{
	if (intid < VGIC_SPI_BASE || intid >= VGIC_NR_INTIDS)
		return;
	mmio_write32(gicd(GICD_ISPENDR + intid / 32 * 4), 1u << (intid % 32));
}

__u32 hyp_gic_spi_is_pending(__u32 intid)
{
	if (intid < VGIC_SPI_BASE || intid >= VGIC_NR_INTIDS)
		return 0;
	return mmio_read32(gicd(GICD_ISPENDR + intid / 32 * 4)) >>
	       (intid % 32) & 1;
}

void hyp_gic_counts(__u32 cpu, __u64 *full, __u64 *maint)
{
	/* Another CPU's counts: a little old at worst. */
	*full = cpu < HYP_MAX_CPUS ? hvb_read_once_u64(&gic_cpus[cpu].full) : 0;
	*maint = cpu < HYP_MAX_CPUS ?
		 hvb_read_once_u64(&gic_cpus[cpu].maint) : 0;
}

__u8 hyp_gic_sgi_prio(__u32 cpu, __u32 n)
{
	return cpu < HYP_MAX_CPUS && n < 16 ? gic_cpus[cpu].sgi_prio[n] : 0;
}

void hyp_gic_set_sgi_prio(__u32 cpu, __u32 n, __u8 prio)
{
	if (cpu < HYP_MAX_CPUS && n < 16)
		gic_cpus[cpu].sgi_prio[n] = prio;
}

void hyp_gic_handle_irq(struct hyp_trap_frame *tf)
{
	__u32 cpu = hyp_arm64_cpu_id(), intid, budget;
	struct hyp_zone *z = hyp_vcpu_current();
	int maint = 0;
	__u64 iar;

	(void)tf;
	for (budget = 0; budget < GIC_IRQ_BUDGET; budget++) {
		iar = arm64_read_sysreg(ICC_IAR1_EL1);
		intid = (__u32)iar & 0xffffff;
		if (intid >= GIC_SPURIOUS)
			break;
		/* Priority drop only (EOImode 1): deactivation below, or
		 * the guest's, for what is injected with HW = 1. */
		arm64_write_sysreg(ICC_EOIR1_EL1, iar);
		if (intid == VGIC_PPI_MAINT) {
			maint = 1;
			hvb_write_once_u64(&gic_cpus[cpu].maint,
					   gic_cpus[cpu].maint + 1);
		} else if (intid == HYP_GIC_SGI_KICK) {
			gic_deactivate(intid);
		} else if (z && (intid == VGIC_PPI_VTIMER ||
				 hyp_vgic_owns_spi(z, intid))) {
			gic_cpus[cpu].hw[intid / 64] |= 1ull << (intid % 64);
		} else {
			gic_deactivate(intid);
			hyp_vgic_count_foreign(z, intid);
		}
	}
	if (z)
		hyp_gic_flush();
	/* After the refill: a level interrupt whose condition is gone. */
	if (maint)
		gic_deactivate(VGIC_PPI_MAINT);
	arm64_isb();
}

void hyp_vgic_zone_reset(struct hyp_zone *z)
{
	__u32 n, first = (__u32)__builtin_ctzll(z->cfg->cpus);
	__u32 bit, word;

	hyp_vgic_zone_forget(z);
	for (n = VGIC_SPI_BASE; n < VGIC_NR_INTIDS; n++) {
		if (!hyp_vgic_owns_spi(z, n))
			continue;
		bit = 1u << (n % 32);
		word = n / 32 * 4;
		mmio_write32(gicd(GICD_ICENABLER + word), bit);
		mmio_write32(gicd(GICD_ICPENDR + word), bit);
		mmio_write32(gicd(GICD_ICACTIVER + word), bit);
		/* Two zones may start at once; the word is shared. */
		hyp_gic_rmw32(gicd(GICD_IGROUPR + word), bit, bit);
		mmio_write8(gicd(GICD_IPRIORITYR + n), GIC_PRIO_DEFAULT);
		mmio_write64(gicd(GICD_IROUTER + n * 8), first);
	}
}

void hyp_vgic_zone_release(struct hyp_zone *z)
{
	__u32 n, bit, word;

	for (n = VGIC_SPI_BASE; n < VGIC_NR_INTIDS; n++) {
		if (!hyp_vgic_owns_spi(z, n))
			continue;
		bit = 1u << (n % 32);
		word = n / 32 * 4;
		mmio_write32(gicd(GICD_ICENABLER + word), bit);
		mmio_write32(gicd(GICD_ICPENDR + word), bit);
		mmio_write32(gicd(GICD_ICACTIVER + word), bit);
	}
	hyp_vgic_zone_forget(z);
}
