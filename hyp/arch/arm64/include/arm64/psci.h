/* SPDX-License-Identifier: MIT */
/*
 * arm64/psci.h - PSCI (Arm DEN 0022) as the hypervisor uses it: calls to
 * the platform's firmware (QEMU virt: SMC conduit), and the subset it
 * offers to zones when their SMCs trap.
 */
#ifndef ARM64_PSCI_H
#define ARM64_PSCI_H

#include <arm64/traps.h>

#define PSCI_0_2_VERSION	0x84000000u
#define PSCI_0_2_CPU_OFF	0x84000002u
#define PSCI_0_2_CPU_ON_64	0xc4000003u
#define PSCI_0_2_AFFINITY_INFO_64 0xc4000004u
#define PSCI_0_2_SYSTEM_OFF	0x84000008u
#define PSCI_0_2_SYSTEM_RESET	0x84000009u
#define PSCI_1_0_FEATURES	0x8400000au

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_DENIED		(-3)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)
#define PSCI_INVALID_ADDRESS	(-9)

/* One SMC to the firmware; returns x0 (SMCCC). */
__s64 hyp_psci_call(__u32 fn, __u64 a1, __u64 a2, __u64 a3);

/* Start physical CPU @cpu (MPIDR Aff0) at head.S's secondary entry. */
int hyp_psci_cpu_on(__u32 cpu);

/* Lower-EL SMC trap (HCR_EL2.TSC): the zone's PSCI. */
enum hyp_trap_result hyp_vcpu_smc(struct hyp_trap_frame *tf);

#endif /* ARM64_PSCI_H */
