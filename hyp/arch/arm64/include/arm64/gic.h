/* SPDX-License-Identifier: MIT */
/*
 * arm64/gic.h - the physical GICv3 as the hypervisor drives it on the
 * CPUs of guest zones, and their list registers (gic.c); the trapped
 * distributor, redistributors and SGI register of guest zones
 * (vgic.c, vgic_filter.c).  docs/interrupts.md has the design.
 *
 * Split as in Xen: hyp_gic_* is the physical side and the list
 * registers, hyp_vgic_* the emulation a zone sees.
 */
#ifndef ARM64_GIC_H
#define ARM64_GIC_H

#include <arm64/traps.h>

/* QEMU virt's GICv3 (physical addresses; guest zones see the same IPAs,
 * trapped and filtered). */
#define HYP_GICD_BASE		0x08000000ul
#define HYP_GICR_BASE		0x080a0000ul
/* A guest zone's redistributor window: room for this many frames;
 * frames past its CPUs read as zero. */
#define HYP_VGIC_REDIST_FRAMES	4u

/* The SGI the hypervisor sends a guest zone's CPU to make it refill its
 * list registers (a virtual SGI from another CPU of its zone). */
#define HYP_GIC_SGI_KICK	15u

struct hyp_zone;

/* CPU 0 at boot: the distributor on (affinity routing, Group 1), if
 * nobody has yet. */
void hyp_gic_init(void);

/* A guest zone's CPU, at each (re)start and at CPU_OFF: its physical
 * CPU interface and redistributor (the hypervisor's SGI and the
 * maintenance interrupt on, every other PPI off), and a clean virtual
 * CPU interface: list registers, active priorities, VMCR, the software
 * queue; a hardware interrupt still in flight is deactivated. */
void hyp_gic_vcpu_reset(void);

/* An IRQ taken at EL2 from a guest zone's CPU (HCR_EL2.IMO). */
void hyp_gic_handle_irq(struct hyp_trap_frame *tf);

/* Queue virtual interrupt @virq (HW = 0) for the vCPU on physical CPU
 * @cpu; from any CPU.  Then hyp_gic_flush() on that CPU, or
 * hyp_gic_kick(@cpu) from another. */
void hyp_gic_queue_soft(__u32 cpu, __u32 virq);
/* Move what this CPU has queued into free list registers. */
void hyp_gic_flush(void);
/* Make @cpu refill its list registers: the kick SGI. */
void hyp_gic_kick(__u32 cpu);

/* The bits @mask of the 32-bit GIC register @reg (a distributor or
 * redistributor word holding several interrupts) set to @val's, under
 * the one lock every such read-modify-write of the hypervisor takes.
 * The root zone writes its own interrupts' bits directly: that it can
 * race with is a known limit (docs/interrupts.md). */
void hyp_gic_rmw32(volatile void *reg, __u32 mask, __u32 val);

/* SPI @intid pending in the physical distributor (GICD_ISPENDR); and
 * is it (1) or not (0)?  The channel's wake SPI and INJECT_IRQ. */
void hyp_gic_spi_set_pending(__u32 intid);
__u32 hyp_gic_spi_is_pending(__u32 intid);

/* Priority of virtual SGI @n on the vCPU of physical CPU @cpu (the
 * zone's GICR_IPRIORITYR0-3). */
__u8 hyp_gic_sgi_prio(__u32 cpu, __u32 n);
void hyp_gic_set_sgi_prio(__u32 cpu, __u32 n, __u8 prio);

/* How often @cpu found its list registers full, and took the underflow
 * maintenance interrupt, since boot. */
void hyp_gic_counts(__u32 cpu, __u64 *full, __u64 *maint);

/* The physical redistributor frame of @cpu. */
__u64 hyp_gic_redist(__u32 cpu);

/* Guest zones: the zone's SPIs (re)set at its start: disabled, not
 * pending, inactive, Group 1, priority 0xa0, routed to its first CPU. */
void hyp_vgic_zone_reset(struct hyp_zone *z);

/* Put @z's SPI @intid back as the zone set it: routed to one of its
 * CPUs, enabled if it enabled it (the root zone's distributor set-up
 * may have changed both). */
void hyp_vgic_spi_restore(const struct hyp_zone *z, __u32 intid);
/* A zone going away (its CPUs off): its SPIs disabled, not pending,
 * inactive in the distributor, and its enables forgotten. */
void hyp_vgic_zone_release(struct hyp_zone *z);
/* Forget the zone's enables (its start). */
void hyp_vgic_zone_forget(const struct hyp_zone *z);

/* Does @z own SPI @intid (its config's interrupts)? */
int hyp_vgic_owns_spi(const struct hyp_zone *z, __u32 intid);

/* The zone's trapped GICD and GICR windows (hyp/mmio.h handlers; the
 * zone is the calling CPU's). */
enum hyp_mmio_result hyp_vgic_dist_access(void *priv, __u64 offset,
					  __u32 size, int is_write,
					  __u64 *value);
enum hyp_mmio_result hyp_vgic_redist_access(void *priv, __u64 offset,
					    __u32 size, int is_write,
					    __u64 *value);

/* EC 0x18 (MSR/MRS trap): ICC_SGI1R_EL1 and friends; anything else is
 * an undefined instruction for the guest. */
enum hyp_trap_result hyp_vgic_sysreg(struct hyp_trap_frame *tf);

/* Count an interrupt a zone's CPU took that is not the zone's, and an
 * SGI target outside the zone; hyp_vgic_report() prints the counts. */
void hyp_vgic_count_foreign(const struct hyp_zone *z, __u32 intid);
void hyp_vgic_report(const struct hyp_zone *z);

#endif /* ARM64_GIC_H */
