// SPDX-License-Identifier: MIT
/*
 * PSCI: the hypervisor's own calls to the firmware (starting secondary
 * CPUs), and the PSCI a zone sees.  Every guest SMC traps (HCR_EL2.TSC)
 * and nothing is forwarded blindly: a zone must not turn off the machine
 * or start a CPU that is not its own.
 *
 * Offered to zones: PSCI_VERSION (the firmware's), PSCI_FEATURES,
 * CPU_ON, CPU_OFF and AFFINITY_INFO for the zone's own CPUs (a started
 * CPU enters the hypervisor first, then the zone: vcpu.c), SYSTEM_OFF
 * and SYSTEM_RESET for the root zone only (forwarded: the machine goes
 * with it), and NOT_SUPPORTED for everything else.
 */
#include <arm64/hyp.h>
#include <arm64/psci.h>
#include <arm64/vcpu.h>
#include <hyp/printk.h>
#include <hyp/zone.h>

extern char hyp_secondary_entry[];

__s64 hyp_psci_call(__u32 fn, __u64 a1, __u64 a2, __u64 a3)
{
	register __u64 x0 __asm__("x0") = fn;
	register __u64 x1 __asm__("x1") = a1;
	register __u64 x2 __asm__("x2") = a2;
	register __u64 x3 __asm__("x3") = a3;

	/* SMCCC 1.0: x4..x17 are not preserved across the call. */
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (__s64)x0;
}

int hyp_psci_cpu_on(__u32 cpu)
{
	/* Identity map: the entry's VA is its PA, as PSCI wants.  The
	 * context id arrives in x0 at the entry.  Everything CPU 0 wrote
	 * for the new CPU (zones, tables) is complete before it starts. */
	__asm__ volatile("dsb ish" ::: "memory");
	return (int)hyp_psci_call(PSCI_0_2_CPU_ON_64, cpu,
				  (__u64)hyp_secondary_entry, cpu);
}

/* CPUs are numbered by MPIDR Aff0 (QEMU virt, up to 8 CPUs); the
 * firmware knows which exist. */
__u64 hyp_arch_cpu_mask(void)
{
	static __u64 mask;
	__u32 cpu;

	if (mask)
		return mask;
	for (cpu = 0; cpu < HYP_MAX_CPUS; cpu++)
		if (hyp_psci_call(PSCI_0_2_AFFINITY_INFO_64, cpu, 0, 0) >= 0)
			mask |= 1ull << cpu;
	return mask;
}

static __s64 hyp_vcpu_psci_features(__u32 fn)
{
	switch (fn) {
	case PSCI_0_2_VERSION:
	case PSCI_1_0_FEATURES:
	case PSCI_0_2_CPU_ON_64:
	case PSCI_0_2_CPU_OFF:
	case PSCI_0_2_AFFINITY_INFO_64:
		return PSCI_SUCCESS;
	}
	return PSCI_NOT_SUPPORTED;
}

enum hyp_trap_result hyp_vcpu_smc(struct hyp_trap_frame *tf)
{
	struct hyp_zone *z = hyp_vcpu_current();
	__u32 fn = (__u32)tf->x[0];
	__s64 ret;

	if (!z)
		return HYP_TRAP_UNHANDLED;
	switch (fn) {
	case PSCI_0_2_VERSION:
		ret = hyp_psci_call(PSCI_0_2_VERSION, 0, 0, 0);
		break;
	case PSCI_1_0_FEATURES:
		ret = hyp_vcpu_psci_features((__u32)tf->x[1]);
		break;
	case PSCI_0_2_CPU_ON_64:
		ret = hyp_vcpu_cpu_on(z, tf->x[1], tf->x[2], tf->x[3]);
		break;
	case PSCI_0_2_AFFINITY_INFO_64:
		ret = tf->x[2] ? PSCI_INVALID_PARAMS :
		      hyp_vcpu_affinity_info(z, tf->x[1]);
		break;
	case PSCI_0_2_CPU_OFF:
		ret = hyp_vcpu_cpu_off(z);	/* returns on failure only */
		break;
	case PSCI_0_2_SYSTEM_OFF:
	case PSCI_0_2_SYSTEM_RESET:
		if (!(z->cfg->flags & HYP_ZONE_ROOT)) {
			ret = PSCI_DENIED;
			break;
		}
		hyp_printk("hvbridge-hyp: %s: %s\n", z->cfg->name,
			   fn == PSCI_0_2_SYSTEM_OFF ? "SYSTEM_OFF" :
			   "SYSTEM_RESET");
		ret = hyp_psci_call(fn, 0, 0, 0);	/* returns on failure */
		break;
	default:
		ret = PSCI_NOT_SUPPORTED;
		break;
	}
	tf->x[0] = (__u64)ret;
	/* A trapped SMC's ELR is the SMC itself, unlike HVC's. */
	tf->elr += 4;
	return HYP_TRAP_HANDLED;
}
