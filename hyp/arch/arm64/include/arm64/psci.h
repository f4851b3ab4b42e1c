/* SPDX-License-Identifier: MIT */
/*
 * arm64/psci.h - PSCI (Arm DEN 0022) and the SMCCC architecture calls
 * (Arm DEN 0028) as the hypervisor uses them: calls to the platform's
 * firmware (QEMU virt: SMC conduit), and what it offers to zones when
 * their SMCs trap or they use the HVC conduit (docs/psci.md).  Function
 * ids and return codes as in Linux's include/uapi/linux/psci.h and
 * include/linux/arm-smccc.h.
 */
#ifndef ARM64_PSCI_H
#define ARM64_PSCI_H

#include <arm64/traps.h>

#define PSCI_0_2_VERSION	0x84000000u
#define PSCI_0_2_CPU_SUSPEND	0x84000001u
#define PSCI_0_2_CPU_SUSPEND_64	0xc4000001u
#define PSCI_0_2_CPU_OFF	0x84000002u
#define PSCI_0_2_CPU_ON		0x84000003u
#define PSCI_0_2_CPU_ON_64	0xc4000003u
#define PSCI_0_2_AFFINITY_INFO	0x84000004u
#define PSCI_0_2_AFFINITY_INFO_64 0xc4000004u
#define PSCI_0_2_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_0_2_SYSTEM_OFF	0x84000008u
#define PSCI_0_2_SYSTEM_RESET	0x84000009u
#define PSCI_1_0_FEATURES	0x8400000au

/* SMCCC 1.1 discovery and the Spectre workarounds it advertises. */
#define SMCCC_VERSION		0x80000000u
#define SMCCC_ARCH_FEATURES	0x80000001u
#define SMCCC_ARCH_WORKAROUND_1	0x80008000u
#define SMCCC_ARCH_WORKAROUND_2	0x80007fffu
#define SMCCC_ARCH_WORKAROUND_3	0x80003fffu
#define SMCCC_VERSION_1_1	0x10001

/* What a zone's PSCI_VERSION says: 1.1 (major << 16 | minor). */
#define PSCI_VERSION_ZONE	0x10001

/* MIGRATE_INFO_TYPE: no Trusted OS that needs migrating. */
#define PSCI_TOS_NOT_PRESENT_MP	2

/* CPU_SUSPEND power_state (original format): StateType bit 16, 1 =
 * powerdown; PowerLevel bits 25:24. */
#define PSCI_POWER_STATE_TYPE	(1u << 16)
#define PSCI_POWER_STATE_LEVEL	(3u << 24)

/* AFFINITY_INFO results. */
#define PSCI_AFF_ON		0
#define PSCI_AFF_OFF		1
#define PSCI_AFF_ON_PENDING	2

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_DENIED		(-3)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)
#define PSCI_INTERNAL_FAILURE	(-6)
#define PSCI_INVALID_ADDRESS	(-9)

/* One SMC to the firmware; returns x0 (SMCCC). */
__s64 hyp_psci_call(__u32 fn, __u64 a1, __u64 a2, __u64 a3);

/* Start physical CPU @cpu (MPIDR Aff0) at head.S's secondary entry. */
int hyp_psci_cpu_on(__u32 cpu);

/*
 * The same, retried while the firmware says ALREADY_ON for up to
 * HYP_PSCI_CPU_ON_RETRY_NS: a CPU whose vCPU powered off a moment ago
 * (its PSCI state reads OFF to zones at once) may still be on its way
 * into the firmware's CPU_OFF.
 */
#define HYP_PSCI_CPU_ON_RETRY_NS	50000000ull
int hyp_psci_cpu_on_settled(__u32 cpu);

/* Is @fn a PSCI or SMCCC architecture function id (either conduit)? */
int hyp_psci_is_psci_fn(__u64 fn);

/* A zone's PSCI or SMCCC call: x0 the function, result in x0.  Does not
 * move ELR (the conduits differ); may not return (CPU_OFF, SYSTEM_*). */
void hyp_psci_zone_call(struct hyp_trap_frame *tf);

/* Lower-EL SMC trap (HCR_EL2.TSC): the zone's PSCI. */
enum hyp_trap_result hyp_vcpu_smc(struct hyp_trap_frame *tf);

#endif /* ARM64_PSCI_H */
