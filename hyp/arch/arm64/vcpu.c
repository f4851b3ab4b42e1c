// SPDX-License-Identifier: MIT
/*
 * A zone's vCPU on this CPU: entering EL1 (at the zone's start, or where
 * the zone's PSCI CPU_ON asked), its PSCI power state, and exceptions
 * injected into it.  Stage-2 data aborts are in mmio_trap.c, PSCI calls
 * decoded in psci.c, hypercalls in hvc.c.
 */
#include <hvbridge/barrier.h>
#include <arm64/esr.h>
#include <arm64/gic.h>
#include <arm64/hyp.h>
#include <arm64/hvc.h>
#include <arm64/inject.h>
#include <arm64/kimage.h>
#include <arm64/psci.h>
#include <arm64/stage2.h>
#include <arm64/sysreg.h>
#include <arm64/vcpu.h>
#include <hyp/console.h>
#include <hyp/printk.h>
#include <hyp/zone.h>

/*
 * EL1 runs AArch64 under stage 2; SMC (PSCI) traps to us, and so do
 * accesses to ACTLR_EL1 (IMPLEMENTATION DEFINED core behaviour no zone
 * gets to change; refused as undefined, like any trap without a handler).
 * A guest zone's physical interrupts come to EL2 too (IMO, FMO): its EL1
 * sees only the GIC's virtual CPU interface (gic.c, docs/interrupts.md).
 */
#define HCR_EL2_ZONE	(HCR_RW | HCR_VM | HCR_TSC | HCR_TACR)
#define HCR_EL2_GUEST	(HCR_EL2_ZONE | HCR_IMO | HCR_FMO)
/* SCTLR_EL1 RES1 (ARMv8.0): bits 11, 20, 22, 23, 28, 29; MMU off. */
#define SCTLR_EL1_RES1	0x30d00800ull
/*
 * The root zone: ICC_SRE_EL2 with SRE, DFB, DIB and Enable, so its EL1
 * uses the physical GICv3 CPU interface's system registers itself
 * (HCR_EL2.IMO/FMO clear); ICH_HCR_EL2 = 0: no virtual CPU interface.
 */
#define ICC_SRE_EL2		S3_4_C12_C9_5
#define ICH_HCR_EL2		S3_4_C12_C11_0
#define ICC_SRE_EL2_BOOT	0xfull
/*
 * CNTHCTL_EL2 (E2H = 0): EL1PCTEN, the physical counter readable at
 * EL1; EL1PCEN, the EL1 physical timer usable.  The root zone gets both;
 * a guest zone the counter only: its timer is the virtual one, whose
 * PPI 27 the hypervisor injects, and CNTVOFF_EL2 = 0 makes its count
 * the physical one.
 */
#define CNTHCTL_EL1PCTEN	(1ull << 0)
#define CNTHCTL_EL1PCEN		(1ull << 1)

extern __u8 hyp_stacks[];

static struct hyp_zone *hyp_vcpu_zone[HYP_MAX_CPUS];
/* The first entry's frame: not on the stack hyp_arm64_enter_lower()
 * resets. */
static struct hyp_trap_frame hyp_vcpu_boot_frame[HYP_MAX_CPUS];

/*
 * PSCI power state of the vCPU on each physical CPU.  state moves
 * OFF -> STARTING (compare-and-swap by the CPU_ON caller, so one caller
 * wins) -> ON_PENDING (release, after entry/context) -> ON (the started
 * CPU, release) -> OFF (CPU_OFF).  entry/context: written by the winner
 * of the swap, read by the started CPU after its acquire of ON_PENDING.
 */
#define HYP_VCPU_OFF		0u
#define HYP_VCPU_STARTING	1u
#define HYP_VCPU_ON_PENDING	2u
#define HYP_VCPU_ON		3u

struct hyp_vcpu_power {
	__u64 entry;
	__u64 context;
	__u32 state;
	__u32 pad;
};

static struct hyp_vcpu_power hyp_vcpu_power[HYP_MAX_CPUS];

static const struct hyp_mem_region *zone_ram_at(const struct hyp_zone *z,
						__u64 ipa, __u64 size)
{
	const struct hyp_zone_config *cfg = z->cfg;
	__u32 i;

	for (i = 0; i < cfg->nr_mem; i++) {
		const struct hyp_mem_region *r = &cfg->mem[i];

		if (!(r->flags & HYP_MEM_IO) && ipa >= r->ipa_start &&
		    ipa - r->ipa_start < r->size &&
		    size <= r->size - (ipa - r->ipa_start))
			return r;
	}
	return 0;
}

/* Clean [@pa, @pa + @size) to the point of coherency: a vCPU that
 * starts with its MMU and caches off reads memory, not our cache. */
static void zone_clean_to_poc(__u64 pa, __u64 size)
{
	__u64 line = 4ull << ((arm64_read_sysreg(ctr_el0) >> 16) & 0xf);
	__u64 a;

	for (a = pa & ~(line - 1); a < pa + size; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	/* Complete the cleans before the vCPU can run (its entry is after
	 * our eret on this or another CPU: the dsb covers both). */
	__asm__ volatile("dsb ish" ::: "memory");
}

/* New code in RAM: no stale instructions fetched from it. */
static void zone_icache_sync(void)
{
	__asm__ volatile("ic iallu\n\tdsb ish\n\tisb" ::: "memory");
}

/*
 * Copy the guest image to its entry IPA.  The guest starts with its MMU
 * and caches off, so the copy is cleaned to the point of coherency, and
 * the I-cache is invalidated so it fetches the new code.
 */
static int zone_load_image(const struct hyp_zone *z)
{
	const struct hyp_zone_config *cfg = z->cfg;
	const struct hyp_mem_region *r;
	const __u64 *src = cfg->image;
	volatile __u64 *dst;
	__u64 size = (__u64)cfg->image_end - (__u64)cfg->image;
	__u64 i, words = (size + 7) / 8;

	if (!size)
		return 0;
	r = zone_ram_at(z, cfg->entry, words * 8);
	if (!r)
		return -1;
	dst = (volatile __u64 *)(r->phys_start + (cfg->entry - r->ipa_start));
	/* volatile: no compiler-made memcpy call in a freestanding image. */
	for (i = 0; i < words; i++)
		dst[i] = src[i];
	zone_clean_to_poc((__u64)dst, words * 8);
	zone_icache_sync();
	return 0;
}

static const void *zone_kimage_map(void *priv, __u64 phys, __u64 size)
{
	(void)priv;
	(void)size;
	return (const void *)phys;	/* RAM is identity mapped at EL2 */
}

/*
 * A Linux zone (HYP_ZONE_BOOT_LINUX): check its Image and DTB where the
 * config says (arm64/kimage.h) and fill @k.  What the root zone or
 * QEMU's loader wrote there may still sit in a data cache, and the
 * kernel starts with its own off: both are cleaned to the point of
 * coherency (booting.rst asks the loader for exactly that).
 */
static int zone_linux_check(const struct hyp_zone *z, struct hyp_kimage *k)
{
	const struct hyp_zone_config *cfg = z->cfg;
	int err;

	err = hyp_kimage_check(cfg->mem, cfg->nr_mem, cfg->kernel_ipa,
			       cfg->dtb_ipa, zone_kimage_map, 0, k);
	if (err) {
		hyp_printk("hvbridge-hyp: %s: Linux boot refused: %s (kernel IPA 0x%lx, DTB IPA 0x%lx)\n",
			   cfg->name, hyp_kimage_strerror(err),
			   cfg->kernel_ipa, cfg->dtb_ipa);
		return -1;
	}
	hyp_printk("hvbridge-hyp: %s: Linux boot: Image at IPA 0x%lx (text_offset 0x%lx, image_size 0x%lx, flags 0x%lx), DTB at IPA 0x%lx (%lu bytes)\n",
		   cfg->name, k->entry, k->text_offset, k->image_size,
		   k->flags, k->dtb_ipa, k->dtb_size);
	zone_clean_to_poc(k->kernel_phys, k->image_size);
	zone_clean_to_poc(k->dtb_phys, k->dtb_size);
	zone_icache_sync();
	return 0;
}

/*
 * Enter EL1 of zone @z on this CPU for the first time, at @entry with
 * x0..x3 = @arg and SP_EL1 = @sp, MMU off, every exception masked: the
 * state the arm64 boot protocol and PSCI CPU_ON promise.
 */
static __attribute__((noreturn)) void hyp_vcpu_enter(struct hyp_zone *z,
						      __u64 entry,
						      const __u64 *arg,
						      __u64 sp)
{
	__u32 cpu = hyp_arm64_cpu_id();
	struct hyp_trap_frame *tf = &hyp_vcpu_boot_frame[cpu];
	const struct hyp_zone_config *cfg = z->cfg;

	hyp_arm64_stage2_load(z);
	arm64_write_sysreg(sctlr_el1, SCTLR_EL1_RES1);
	arm64_write_sysreg(vpidr_el2, arm64_read_sysreg(midr_el1));
	arm64_write_sysreg(vmpidr_el2, arm64_read_sysreg(mpidr_el1));
	arm64_write_sysreg(cntvoff_el2, 0);
	if (cfg->flags & HYP_ZONE_ROOT) {
		arm64_write_sysreg(cnthctl_el2,
				   CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN);
		arm64_write_sysreg(ICC_SRE_EL2, ICC_SRE_EL2_BOOT);
		arm64_isb();
		arm64_write_sysreg(ICH_HCR_EL2, 0);
		arm64_write_sysreg(hcr_el2, HCR_EL2_ZONE);
	} else {
		arm64_write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN);
		/* The virtual timer off: a restarted zone does not find the
		 * last run's deadline armed. */
		arm64_write_sysreg(cntv_ctl_el0, 0);
		/* Nothing of the last run of this CPU survives: list
		 * registers, active priorities, VMCR, queued interrupts. */
		hyp_gic_vcpu_reset();
		arm64_write_sysreg(hcr_el2, HCR_EL2_GUEST);
	}
	arm64_isb();

	tf->x[0] = arg[0];
	tf->x[1] = arg[1];
	tf->x[2] = arg[2];
	tf->x[3] = arg[3];
	tf->sp_el1 = sp;
	tf->elr = entry;
	tf->spsr = SPSR_DAIF | SPSR_MODE_EL1H;
	hyp_vcpu_zone[cpu] = z;
	/* Pairs with the acquire in hyp_vcpu_cpu_on()/affinity_info(). */
	hvb_store_release_u32(&hyp_vcpu_power[cpu].state, HYP_VCPU_ON);

	hyp_printk("hvbridge-hyp: %s: stage 2 on: VMID %u, VTTBR_EL2 0x%lx, VTCR_EL2 0x%lx, %u table pages\n",
		   cfg->name, z->vmid, arm64_read_sysreg(vttbr_el2),
		   arm64_read_sysreg(vtcr_el2), hyp_arm64_stage2_pages(z));
	hyp_printk("hvbridge-hyp: %s: entering EL1 at IPA 0x%lx on CPU %u\n",
		   cfg->name, entry, cpu);
	hyp_arm64_enter_lower(tf, (__u64)hyp_stacks +
			      (cpu + 1) * (__u64)HYP_STACK_SIZE);
}

/*
 * A zone that cannot start: its run state says it ended (the root zone
 * may start it again once fixed) and this CPU powers off, or halts if it
 * is CPU 0 (which started everything) or the zone is the root zone.
 */
static __attribute__((noreturn)) void zone_start_failed(struct hyp_zone *z)
{
	__u32 cpu = hyp_arm64_cpu_id();

	hyp_printk("hvbridge-hyp: %s: not started, CPU %u %s\n",
		   z->cfg->name, cpu,
		   cpu && !(z->cfg->flags & HYP_ZONE_ROOT) ? "off" : "halted");
	if (!(z->cfg->flags & HYP_ZONE_ROOT)) {
		hyp_hc_zone_exited(z);
		if (cpu)
			hyp_psci_call(PSCI_0_2_CPU_OFF, 0, 0, 0);
	}
	arm64_halt();
}

void hyp_arm64_zone_start(struct hyp_zone *z)
{
	const struct hyp_zone_config *cfg = z->cfg;
	struct hyp_kimage k = { 0 };	/* set by zone_linux_check() */
	__u64 linux_args[4] = { 0, 0, 0, 0 };

	if (cfg->boot == HYP_ZONE_BOOT_LINUX) {
		if (zone_linux_check(z, &k))
			zone_start_failed(z);
	} else if (zone_load_image(z)) {
		hyp_printk("hvbridge-hyp: %s: image does not fit its RAM\n",
			   cfg->name);
		zone_start_failed(z);
	}
	if (!(cfg->flags & HYP_ZONE_ROOT))
		hyp_vgic_zone_reset(z);
	if (cfg->console)
		hyp_console_reset(cfg->console);
	if (cfg->boot != HYP_ZONE_BOOT_LINUX)
		hyp_vcpu_enter(z, cfg->entry, cfg->entry_arg, cfg->stack);
	/* booting.rst: x0 = the DTB, x1..x3 = 0; SP is the kernel's. */
	linux_args[0] = k.dtb_ipa;
	hyp_vcpu_enter(z, k.entry, linux_args, 0);
}

void hyp_arm64_vcpu_start_pending(struct hyp_zone *z)
{
	__u32 cpu = hyp_arm64_cpu_id();
	struct hyp_vcpu_power *pw = &hyp_vcpu_power[cpu];
	__u64 arg[4] = { 0, 0, 0, 0 };

	/* Pairs with the release in hyp_vcpu_cpu_on(): entry and context
	 * are those the caller wrote. */
	if (hvb_load_acquire_u32(&pw->state) != HYP_VCPU_ON_PENDING)
		return;
	arg[0] = pw->context;
	hyp_vcpu_enter(z, pw->entry, arg, 0);
}

/*
 * A CPU_ON entry point is guest input: it must be a word-aligned IPA in
 * the zone's own executable RAM (the new CPU starts with its stage 1
 * off), or PSCI
 * says INVALID_ADDRESS before anything is started.
 */
static int hyp_vcpu_entry_ok(const struct hyp_zone_config *cfg, __u64 entry)
{
	__u32 i;

	if (entry & 3)
		return 0;
	for (i = 0; i < cfg->nr_mem; i++) {
		const struct hyp_mem_region *m = &cfg->mem[i];

		if (!(m->flags & HYP_MEM_EXEC) ||
		    m->flags & (HYP_MEM_IO | HYP_MEM_CHANNEL))
			continue;
		/* No sum that can wrap: entry - start < size. */
		if (entry >= m->ipa_start && entry - m->ipa_start < m->size)
			return 1;
	}
	return 0;
}

/* PSCI CPU_ON from a vCPU of @z: start physical CPU @mpidr in the zone. */
__s64 hyp_vcpu_cpu_on(struct hyp_zone *z, __u64 mpidr, __u64 entry,
		      __u64 context)
{
	__u64 cpu = mpidr;
	struct hyp_vcpu_power *pw;
	__u32 seen;
	int err;

	/* MPIDR_EL1 == VMPIDR_EL2: Aff0 numbers the CPUs, the higher
	 * affinity fields are 0, so the value is the CPU index. */
	if (cpu >= HYP_MAX_CPUS || !(z->cfg->cpus & 1ull << cpu))
		return PSCI_INVALID_PARAMS;
	if (!hyp_vcpu_entry_ok(z->cfg, entry))
		return PSCI_INVALID_ADDRESS;
	pw = &hyp_vcpu_power[cpu];
	seen = hvb_cmpxchg_u32(&pw->state, HYP_VCPU_OFF,
			       HYP_VCPU_STARTING);
	if (seen != HYP_VCPU_OFF)
		return seen == HYP_VCPU_ON ? PSCI_ALREADY_ON : PSCI_ON_PENDING;
	pw->entry = entry;
	pw->context = context;
	/* Barrier: entry and context before the state the new CPU reads
	 * with acquire (hyp_arm64_vcpu_start_pending()). */
	hvb_store_release_u32(&pw->state, HYP_VCPU_ON_PENDING);
	hyp_printk("hvbridge-hyp: %s: PSCI CPU_ON CPU %lu at IPA 0x%lx\n",
		   z->cfg->name, cpu, entry);
	err = hyp_psci_cpu_on_settled((__u32)cpu);
	if (err) {
		hvb_store_release_u32(&pw->state, HYP_VCPU_OFF);
		hyp_printk("hvbridge-hyp: %s: firmware CPU_ON CPU %lu: %d\n",
			   z->cfg->name, cpu, err);
		return PSCI_INTERNAL_FAILURE;
	}
	return PSCI_SUCCESS;
}

/* PSCI AFFINITY_INFO, level 0, for a CPU of @z. */
__s64 hyp_vcpu_affinity_info(struct hyp_zone *z, __u64 mpidr)
{
	if (mpidr >= HYP_MAX_CPUS || !(z->cfg->cpus & 1ull << mpidr))
		return PSCI_INVALID_PARAMS;
	switch (hvb_load_acquire_u32(&hyp_vcpu_power[mpidr].state)) {
	case HYP_VCPU_ON:
		return PSCI_AFF_ON;
	case HYP_VCPU_OFF:
		return PSCI_AFF_OFF;
	}
	return PSCI_AFF_ON_PENDING;
}

void hyp_vcpu_leave(struct hyp_zone *z)
{
	__u32 cpu = hyp_arm64_cpu_id();

	hyp_printk("hvbridge-hyp: %s: PSCI CPU_OFF CPU %u\n", z->cfg->name,
		   cpu);
	/* A hardware interrupt still in a list register is deactivated. */
	if (!(z->cfg->flags & HYP_ZONE_ROOT))
		hyp_gic_vcpu_reset();
	hyp_vcpu_zone[cpu] = 0;
	/* Pairs with the acquire in hyp_vcpu_affinity_info() and with the
	 * compare-and-swap of hyp_vcpu_cpu_on(): OFF once we are done. */
	hvb_store_release_u32(&hyp_vcpu_power[cpu].state, HYP_VCPU_OFF);
}

/* PSCI CPU_OFF: this vCPU stops and its CPU powers down until the zone
 * starts it again. */
__s64 hyp_vcpu_cpu_off(struct hyp_zone *z)
{
	hyp_vcpu_leave(z);
	return hyp_psci_call(PSCI_0_2_CPU_OFF, 0, 0, 0);
}

struct hyp_zone *hyp_vcpu_current(void)
{
	__u32 cpu = hyp_arm64_cpu_id();

	return cpu < HYP_MAX_CPUS ? hyp_vcpu_zone[cpu] : 0;
}

void hyp_vcpu_inject_sync(struct hyp_trap_frame *tf, __u64 esr, __u64 far)
{
	/* IL: a 32-bit instruction, or (every syndrome injected from
	 * AArch32, hyp_inject_a32_esr()) a class with IL set. */
	arm64_write_sysreg(esr_el1, esr | ESR_IL);
	arm64_write_sysreg(far_el1, far);
	arm64_write_sysreg(elr_el1, tf->elr);
	/* From AArch32 EL0, this is its CPSR (T, IT state and all): the
	 * kernel's eret goes back to the same AArch32 state. */
	arm64_write_sysreg(spsr_el1, tf->spsr);
	tf->elr = arm64_read_sysreg(vbar_el1) + hyp_inject_vector(tf->spsr);
	tf->spsr = SPSR_DAIF | SPSR_MODE_EL1H;
}

enum hyp_trap_result hyp_vcpu_aarch32(struct hyp_trap_frame *tf)
{
	struct hyp_zone *z = hyp_vcpu_current();
	__u64 esr = hyp_inject_a32_esr(tf->esr);

	if (!z || !(tf->spsr & SPSR_M_AARCH32))
		return HYP_TRAP_UNHANDLED;	/* not a zone's: a bug */
	hyp_printk("hvbridge-hyp: %s: AArch32 EL0 trap, EC 0x%02x %s at 0x%lx: nothing is emulated for AArch32, %s injected\n",
		   z->cfg->name, esr_ec(tf->esr), esr_ec_name(esr_ec(tf->esr)),
		   tf->elr, esr_ec(esr) == ESR_EC_UNKNOWN ?
		   "undefined instruction" : "external abort");
	/* No instruction is skipped: the kernel sees the fault at the
	 * faulting instruction, as it would without a hypervisor. */
	hyp_vcpu_inject_sync(tf, esr,
			     hyp_inject_a32_has_far(tf->esr) ? tf->far : 0);
	return HYP_TRAP_HANDLED;
}

enum hyp_trap_result hyp_vcpu_undef(struct hyp_trap_frame *tf)
{
	struct hyp_zone *z = hyp_vcpu_current();
	unsigned int ec = esr_ec(tf->esr);

	if (!z)
		return HYP_TRAP_UNHANDLED;
	hyp_printk("hvbridge-hyp: %s: EC 0x%02x %s at ELR 0x%lx: undefined instruction injected\n",
		   z->cfg->name, ec, esr_ec_name(ec), tf->elr);
	/* EC 0, "unknown reason": what an UNDEFINED instruction reports. */
	hyp_vcpu_inject_sync(tf, 0, 0);
	return HYP_TRAP_HANDLED;
}
