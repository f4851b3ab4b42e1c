// SPDX-License-Identifier: MIT
/*
 * Exception dispatch at EL2.
 *
 * Synchronous exceptions from a lower EL (a zone's vCPU) go through
 * hyp_trap_handlers[], indexed by ESR exception class, as in Jailhouse.
 * Anything else, and in particular any exception taken at EL2 itself, is
 * a hypervisor bug: the CPU prints a crash report and stops in wfi.
 */
#include <stddef.h>

#include <arm64/esr.h>
#include <arm64/gic.h>
#include <arm64/hvc.h>
#include <arm64/hyp.h>
#include <arm64/inject.h>
#include <arm64/psci.h>
#include <arm64/sysreg.h>
#include <arm64/traps.h>
#include <arm64/vcpu.h>
#include <hyp/printk.h>

/* entry.S uses TF_*; the struct must agree with it exactly. */
_Static_assert(offsetof(struct hyp_trap_frame, x[0]) == TF_X0, "x0");
_Static_assert(offsetof(struct hyp_trap_frame, x[30]) == TF_X(30), "x30");
_Static_assert(offsetof(struct hyp_trap_frame, sp_el0) == TF_SP_EL0,
	       "sp_el0");
_Static_assert(offsetof(struct hyp_trap_frame, sp_el1) == TF_SP_EL1,
	       "sp_el1");
_Static_assert(offsetof(struct hyp_trap_frame, sp_el2) == TF_SP_EL2,
	       "sp_el2");
_Static_assert(offsetof(struct hyp_trap_frame, elr) == TF_ELR, "elr");
_Static_assert(offsetof(struct hyp_trap_frame, spsr) == TF_SPSR, "spsr");
_Static_assert(offsetof(struct hyp_trap_frame, esr) == TF_ESR, "esr");
_Static_assert(offsetof(struct hyp_trap_frame, far) == TF_FAR, "far");
_Static_assert(offsetof(struct hyp_trap_frame, hpfar) == TF_HPFAR, "hpfar");
_Static_assert(sizeof(struct hyp_trap_frame) == TF_SIZE, "frame size");
_Static_assert(TF_SIZE % 16 == 0, "SP must stay 16-byte aligned");

static const char *const hyp_trap_src_names[] = {
	[TRAP_SRC_CUR_SP0] = "EL2t",
	[TRAP_SRC_CUR_SPX] = "EL2h",
	[TRAP_SRC_LOW_A64] = "lower EL AArch64",
	[TRAP_SRC_LOW_A32] = "lower EL AArch32",
};

static const char *const hyp_trap_type_names[] = {
	[TRAP_TYPE_SYNC] = "Synchronous",
	[TRAP_TYPE_IRQ] = "IRQ",
	[TRAP_TYPE_FIQ] = "FIQ",
	[TRAP_TYPE_SERROR] = "SError",
};

/* Lower-EL synchronous handlers, by EC; an empty slot makes the guest
 * see an undefined instruction. */
static const hyp_trap_handler_t hyp_trap_handlers[ESR_EC_MAX + 1] = {
	[ESR_EC_DABT_LOW] = hyp_vcpu_dabt,
	[ESR_EC_HVC64] = hyp_vcpu_hvc,
	[ESR_EC_SMC64] = hyp_vcpu_smc,
	[ESR_EC_SYS64] = hyp_vgic_sysreg,	/* ICC_SGI1R_EL1 */
};

void hyp_trap_dump(const struct hyp_trap_frame *tf)
{
	unsigned int i;

	esr_print(tf->esr);
	hyp_printk(" FAR_EL2 0x%016lx HPFAR_EL2 0x%016lx\n", tf->far,
		   tf->hpfar);
	hyp_printk(" ELR_EL2 0x%016lx SPSR_EL2 0x%08lx\n", tf->elr, tf->spsr);
	for (i = 0; i < 31; i++)
		hyp_printk(" x%u%s 0x%016lx%s", i, i < 10 ? " " : "", tf->x[i],
			   i % 3 == 2 || i == 30 ? "\n" : "");
	hyp_printk(" SP_EL0 0x%016lx SP_EL1 0x%016lx SP_EL2 0x%016lx\n",
		   tf->sp_el0, tf->sp_el1, tf->sp_el2);
}

static __attribute__((noreturn)) void hyp_trap_crash(
		const struct hyp_trap_frame *tf, __u64 kind, const char *why)
{
	/* One report per CPU: a fault inside the report must not recurse
	 * through the same path until the stack is gone. */
	static __u8 in_crash[HYP_MAX_CPUS];
	__u32 cpu = hyp_arm64_cpu_id();

	if (cpu < HYP_MAX_CPUS) {
		if (in_crash[cpu])
			arm64_halt();
		in_crash[cpu] = 1;
	}
	hyp_printk_lock();	/* one report, not interleaved with others */
	hyp_printk("\nhvbridge-hyp: *** %s: %s exception from %s on CPU %u ***\n",
		   why, hyp_trap_type_names[kind & 3],
		   hyp_trap_src_names[kind >> 2], cpu);
	hyp_trap_dump(tf);
	hyp_printk("hvbridge-hyp: CPU %u stopped\n", cpu);
	hyp_printk_unlock();
	arm64_halt();
}

void hyp_trap_dispatch(struct hyp_trap_frame *tf, __u64 kind)
{
	unsigned int ec = esr_ec(tf->esr);
	hyp_trap_handler_t handler;

	/* A guest zone's physical interrupt (HCR_EL2.IMO): gic.c. */
	if (kind == (TRAP_SRC_LOW_A64 << 2 | TRAP_TYPE_IRQ)) {
		hyp_gic_handle_irq(tf);
		/* An exit like any other: a zone that is stopping (its own
		 * SYSTEM_OFF, or the kick ZONE_STOP sends to a guest that
		 * never traps) parks here. */
		hyp_hc_zone_exit_check(hyp_vcpu_current());
		return;
	}
	if (kind >> 2 != TRAP_SRC_LOW_A64)
		hyp_trap_crash(tf, kind, (kind >> 2) <= TRAP_SRC_CUR_SPX ?
			       "EL2 crash" : "unexpected trap");
	if ((kind & 3) != TRAP_TYPE_SYNC)
		hyp_trap_crash(tf, kind, "unexpected trap");
	/*
	 * The vector follows EL1's execution state (AArch64 in every zone),
	 * so a trap from AArch32 EL0 comes here too; only SPSR.M[4] tells.
	 * Its instructions are 2 or 4 bytes and its syndromes are not A64's:
	 * nothing is emulated for it, the trap goes to the zone's kernel.
	 */
	if (tf->spsr & SPSR_M_AARCH32) {
		if (hyp_vcpu_aarch32(tf) != HYP_TRAP_HANDLED)
			hyp_trap_crash(tf, kind, "unhandled trap");
		return;
	}
	/* Nothing a guest does stops the hypervisor: a trap it has no
	 * handler for is an undefined instruction for the guest. */
	handler = hyp_trap_handlers[ec] ? hyp_trap_handlers[ec] :
					  hyp_vcpu_undef;
	if (handler(tf) != HYP_TRAP_HANDLED)
		hyp_trap_crash(tf, kind, "unhandled trap");
}
