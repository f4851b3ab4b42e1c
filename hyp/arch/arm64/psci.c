// SPDX-License-Identifier: MIT
/*
 * PSCI: the hypervisor's own calls to the firmware (starting secondary
 * CPUs), and the PSCI a zone sees.  Every guest SMC traps (HCR_EL2.TSC)
 * and nothing is forwarded blindly: a zone must not turn off the machine
 * or start a CPU that is not its own.
 *
 * Offered to zones, over SMC or HVC #0 (docs/psci.md): PSCI 1.1's
 * VERSION, FEATURES, CPU_SUSPEND (standby only), CPU_ON, CPU_OFF and
 * AFFINITY_INFO for the zone's own CPUs (a started CPU enters the
 * hypervisor first, then the zone: vcpu.c), MIGRATE_INFO_TYPE,
 * SYSTEM_OFF and SYSTEM_RESET (forwarded for the root zone: the machine
 * goes with it; a guest zone stops or restarts itself: hvc_bridge.c),
 * SMCCC_VERSION and ARCH_FEATURES, and NOT_SUPPORTED for everything
 * else.
 */
#include <hyp/arch.h>
#include <arm64/hvc.h>
#include <arm64/hyp.h>
#include <arm64/psci.h>
#include <arm64/sysreg.h>
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

int hyp_psci_cpu_on_settled(__u32 cpu)
{
	__u64 t0 = hyp_arch_now_ns();
	int err;

	do
		err = hyp_psci_cpu_on(cpu);
	while (err == PSCI_ALREADY_ON &&
	       hyp_arch_now_ns() - t0 < HYP_PSCI_CPU_ON_RETRY_NS);
	return err;
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

/*
 * PSCI_FEATURES: what hyp_psci_zone_call() implements.  CPU_SUSPEND's
 * flags: bit 1 = 0, the original power_state format; bit 0 = 0,
 * platform-coordinated mode only.
 */
static __s64 psci_features(__u32 fn)
{
	switch (fn) {
	case PSCI_0_2_VERSION:
	case PSCI_1_0_FEATURES:
	case PSCI_0_2_CPU_SUSPEND:
	case PSCI_0_2_CPU_SUSPEND_64:
	case PSCI_0_2_CPU_OFF:
	case PSCI_0_2_CPU_ON:
	case PSCI_0_2_CPU_ON_64:
	case PSCI_0_2_AFFINITY_INFO:
	case PSCI_0_2_AFFINITY_INFO_64:
	case PSCI_0_2_MIGRATE_INFO_TYPE:
	case PSCI_0_2_SYSTEM_OFF:
	case PSCI_0_2_SYSTEM_RESET:
	case SMCCC_VERSION:
		return PSCI_SUCCESS;
	}
	return PSCI_NOT_SUPPORTED;
}

/*
 * SMCCC_ARCH_FEATURES: the discovery calls themselves (as Trusted
 * Firmware-A answers).  The Spectre workarounds (WORKAROUND_1/2/3) are
 * not forwarded to the firmware, so they are NOT_SUPPORTED: a zone must
 * not believe a mitigation runs that does not.
 */
static __s64 smccc_arch_features(__u32 fn)
{
	switch (fn) {
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
		return PSCI_SUCCESS;
	}
	return PSCI_NOT_SUPPORTED;
}

/*
 * CPU_SUSPEND: the one power state offered is standby at the core's
 * level (StateType 0, PowerLevel 0, any StateID), and its wake-up comes
 * at once: the call returns SUCCESS, which PSCI allows (a standby ends
 * on any wake-up event, spurious ones included), and the caller's idle
 * loop goes on.  A powerdown state or a higher level is not a state of
 * this platform: INVALID_PARAMETERS.
 */
static __s64 psci_cpu_suspend(__u64 power_state)
{
	if (power_state & (PSCI_POWER_STATE_TYPE | PSCI_POWER_STATE_LEVEL) ||
	    power_state >> 32)
		return PSCI_INVALID_PARAMS;
	return PSCI_SUCCESS;
}

int hyp_psci_is_psci_fn(__u64 fn)
{
	__u32 w0 = (__u32)fn;

	return (w0 & ~0x1fu) == 0x84000000u || (w0 & ~0x1fu) == 0xc4000000u ||
	       (w0 & ~0xffffu) == 0x80000000u;
}

void hyp_psci_zone_call(struct hyp_trap_frame *tf)
{
	struct hyp_zone *z = hyp_vcpu_current();
	__u32 fn = (__u32)tf->x[0];
	__u64 a1 = tf->x[1], a2 = tf->x[2], a3 = tf->x[3];
	__s64 ret;

	/* SMC32/HVC32 calls take 32-bit arguments (SMCCC: the upper
	 * halves are ignored). */
	if (!(fn & 0x40000000u)) {
		a1 = (__u32)a1;
		a2 = (__u32)a2;
		a3 = (__u32)a3;
	}
	switch (fn) {
	case PSCI_0_2_VERSION:
		ret = PSCI_VERSION_ZONE;
		break;
	case PSCI_1_0_FEATURES:
		ret = psci_features((__u32)a1);
		break;
	case SMCCC_VERSION:
		ret = SMCCC_VERSION_1_1;
		break;
	case SMCCC_ARCH_FEATURES:
		ret = smccc_arch_features((__u32)a1);
		break;
	case PSCI_0_2_CPU_SUSPEND:
	case PSCI_0_2_CPU_SUSPEND_64:
		ret = psci_cpu_suspend(a1);
		break;
	case PSCI_0_2_CPU_ON:
	case PSCI_0_2_CPU_ON_64:
		ret = hyp_vcpu_cpu_on(z, a1, a2, a3);
		break;
	case PSCI_0_2_AFFINITY_INFO:
	case PSCI_0_2_AFFINITY_INFO_64:
		/* Level 0 only (optional above it since PSCI 1.0). */
		ret = a2 ? PSCI_INVALID_PARAMS :
		      hyp_vcpu_affinity_info(z, a1);
		break;
	case PSCI_0_2_MIGRATE_INFO_TYPE:
		ret = PSCI_TOS_NOT_PRESENT_MP;
		break;
	case PSCI_0_2_CPU_OFF:
		/* Returns only if the firmware refused: this vCPU is
		 * off in the zone's eyes already, so it cannot go back. */
		hyp_vcpu_cpu_off(z);
		hyp_printk("hvbridge-hyp: %s: CPU_OFF refused, CPU %u halted\n",
			   z->cfg->name, hyp_arm64_cpu_id());
		arm64_halt();
	case PSCI_0_2_SYSTEM_OFF:
	case PSCI_0_2_SYSTEM_RESET:
		if (!(z->cfg->flags & HYP_ZONE_ROOT))
			hyp_hc_zone_power_off(z, fn == PSCI_0_2_SYSTEM_RESET);
		hyp_printk("hvbridge-hyp: %s: %s\n", z->cfg->name,
			   fn == PSCI_0_2_SYSTEM_OFF ? "SYSTEM_OFF" :
			   "SYSTEM_RESET");
		hyp_psci_call(fn, 0, 0, 0);	/* returns on failure */
		ret = PSCI_INTERNAL_FAILURE;
		break;
	default:
		ret = PSCI_NOT_SUPPORTED;
		break;
	}
	tf->x[0] = (__u64)ret;
}

enum hyp_trap_result hyp_vcpu_smc(struct hyp_trap_frame *tf)
{
	struct hyp_zone *z = hyp_vcpu_current();

	if (!z)
		return HYP_TRAP_UNHANDLED;
	/* An exit like any other: a zone asked to stop parks here. */
	hyp_hc_zone_exit_check(z);
	if (hyp_psci_is_psci_fn(tf->x[0]))
		hyp_psci_zone_call(tf);
	else
		tf->x[0] = (__u64)(__s64)PSCI_NOT_SUPPORTED;
	/* A trapped SMC's ELR is the SMC itself, unlike HVC's. */
	tf->elr += 4;
	return HYP_TRAP_HANDLED;
}
