/* SPDX-License-Identifier: MIT */
/*
 * vgic_filter.h - the pure half of the virtual GICv3: what a guest zone
 * may see and touch of the distributor (GICD) and its redistributors
 * (GICR), the list register codec and the ICC_SGI1R_EL1 decoder.
 *
 * Nothing here touches hardware: each function maps an access (offset,
 * size, direction) and the zone's ownership to a plan, and vgic_mmio.c
 * carries the plan out on the physical GIC.  It builds for the host too,
 * so tests/vgic drives it as tests/decode drives decode.c.  The register
 * table follows KVM's vgic_v3_dist_registers[] in spirit: one row per
 * register, its width, the bits it has per interrupt and what a zone
 * gets of it.  Offsets are those of the GICv3 architecture (IHI 0069).
 */
#ifndef ARM64_VGIC_FILTER_H
#define ARM64_VGIC_FILTER_H

#include <hvbridge/types.h>

#define VGIC_NR_INTIDS		1020u	/* 0..1019: SGI, PPI, SPI */
#define VGIC_IRQ_WORDS		32u	/* bitmap words for 1024 INTIDs */
#define VGIC_SPI_BASE		32u
#define VGIC_PPI_VTIMER		27u	/* EL1 virtual timer */
#define VGIC_PPI_MAINT		25u	/* GICv3 maintenance interrupt */

#define VGIC_DIST_SIZE		0x10000u
#define VGIC_REDIST_STRIDE	0x20000u	/* RD_base + SGI_base */
#define VGIC_REDIST_SGI		0x10000u	/* SGI_base within a frame */

/* What a zone owns, as the filter sees it. */
struct vgic_owner {
	const __u32 *spis;	/* VGIC_IRQ_WORDS words, bit n = INTID n;
				 * only SPIs (32..1019) count */
	__u32 nr_vcpus;		/* redistributor frames the zone sees */
	__u32 ppis;		/* PPIs forwarded to the physical
				 * redistributor: 1 << VGIC_PPI_VTIMER */
};

static inline int vgic_owns_spi(const struct vgic_owner *o, __u32 intid)
{
	return intid >= VGIC_SPI_BASE && intid < VGIC_NR_INTIDS && o->spis &&
	       (o->spis[intid / 32] >> (intid % 32)) & 1;
}

enum vgic_action {
	VGIC_RAZ_WI,		/* reads 0, writes ignored */
	VGIC_CONST,		/* reads @rao, writes ignored */
	VGIC_PHYS_SETCLR,	/* a set/clear register: reads
				 * (phys & mask) | rao; a write puts
				 * (value & mask) to the physical one */
	VGIC_PHYS_RMW,		/* a field register: reads phys & mask; a
				 * write changes only the bits in mask */
	VGIC_PHYS_RO,		/* an ID register: reads the physical
				 * one, writes ignored */
	VGIC_ROUTE,		/* GICD_IROUTER<intid> of an owned SPI */
	VGIC_EMUL,		/* a register the vGIC keeps: @emul */
};

/* vgic_plan.emul */
enum vgic_emul {
	VGIC_EMUL_NONE,
	VGIC_EMUL_DCTLR,	/* GICD_CTLR */
	VGIC_EMUL_DTYPER,	/* GICD_TYPER */
	VGIC_EMUL_RTYPER,	/* GICR_TYPER (64-bit; @shift for a half) */
	VGIC_EMUL_WAKER,	/* GICR_WAKER */
	VGIC_EMUL_SGIPRIO,	/* GICR_IPRIORITYR0-3: the SGIs' */
};

/*
 * The plan for one access.  The physical register is the 32-bit word
 * (64-bit for IROUTER and GICR_TYPER) at @reg of the distributor, or of
 * redistributor frame @frame (a vCPU index: the zone's @frame-th CPU);
 * the access's bytes sit at bit @shift of it, and @mask (already
 * shifted) holds the bits the zone may see or change.
 */
struct vgic_plan {
	enum vgic_action action;
	enum vgic_emul emul;
	__u32 reg;
	__u32 frame;
	__u32 shift;
	__u32 intid;		/* VGIC_ROUTE: the SPI; else first INTID */
	__u32 bits_per_irq;	/* 0, or the row's bits per interrupt */
	__u64 mask;
	__u64 rao;		/* bits that read as one */
};

/* The plan for a zone's access of @size bytes at @offset of its
 * distributor window; never fails (unknown: VGIC_RAZ_WI). */
void vgic_dist_plan(const struct vgic_owner *o, __u32 offset, __u32 size,
		    struct vgic_plan *p);

/* The same for its redistributor window (frames of VGIC_REDIST_STRIDE,
 * one per vCPU; a frame past the last vCPU is VGIC_RAZ_WI). */
void vgic_redist_plan(const struct vgic_owner *o, __u32 offset, __u32 size,
		      struct vgic_plan *p);

/*
 * GICD_IROUTER as a zone may set it: Aff0 of one of its CPUs (@cpus,
 * bit n = the CPU with Aff0 n; higher affinity levels are 0 on QEMU
 * virt), else (1-of-N, another zone's CPU, any higher affinity) its
 * lowest CPU.
 */
__u64 vgic_route_fix(__u64 want, __u64 cpus);

/*
 * ICC_SGI1R_EL1 written by a CPU of a zone: which of the zone's CPUs
 * (@cpus, bit n = Aff0 n) @self included, get SGI *@intid.  Returns that
 * set; *@dropped is how many targets were not the zone's (a target list
 * bit of another CPU, or any target at a non-zero higher affinity).
 */
__u64 vgic_sgi_targets(__u64 sgi1r, __u64 cpus, __u32 self,
		       __u32 *intid, __u32 *dropped);

/* ICH_LR<n>_EL2, decoded.  The only form call sites use. */
enum vgic_lr_state {
	VGIC_LR_INVALID = 0,
	VGIC_LR_PENDING = 1,
	VGIC_LR_ACTIVE = 2,
	VGIC_LR_PENDING_ACTIVE = 3,
};

struct vgic_lr {
	__u32 virq;		/* vINTID */
	__u32 pirq;		/* pINTID when @hw; else 0 */
	__u8 priority;
	__u8 group1;		/* 1: Group 1 */
	__u8 hw;		/* 1: the guest's deactivation deactivates
				 * pINTID */
	__u8 eoi_maint;		/* !hw: maintenance interrupt on EOI */
	enum vgic_lr_state state;
};

__u64 vgic_lr_encode(const struct vgic_lr *lr);
void vgic_lr_decode(__u64 raw, struct vgic_lr *lr);

/*
 * Put interrupt @intid (a hardware one, vINTID = pINTID, if @hw) into
 * the @nr list registers @lrs, decoded; @empty has a bit for each free
 * one (ICH_ELRSR_EL2), @dirty gets a bit for each one changed.  A
 * virtual SGI pending in a list register already stays one (edge); one
 * active there becomes active and pending; a hardware interrupt already
 * there is not placed again.  Returns 1 when @intid needs nothing more,
 * 0 when it must stay queued: with *@empty then 0, for want of a free
 * list register; with *@empty not 0, because it is in one already as
 * hardware (only the first needs the underflow maintenance interrupt).
 */
int vgic_lr_place(struct vgic_lr *lrs, __u32 nr, __u64 *empty,
		  __u64 *dirty, __u32 intid, int hw, __u8 priority);

#endif /* ARM64_VGIC_FILTER_H */
