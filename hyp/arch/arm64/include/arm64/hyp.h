/* SPDX-License-Identifier: MIT */
/*
 * arm64/hyp.h - what the pieces of the aarch64 EL2 image call in each
 * other.  Layout constants shared with head.S and hyp.lds.
 */
#ifndef ARM64_HYP_H
#define ARM64_HYP_H

#define HYP_MAX_CPUS		8
#define HYP_STACK_SIZE		0x4000

/* RAM of QEMU virt starts here; the image size and the run command
 * (-m 2G) fix how much of it the hypervisor maps: 0x40000000-0xbfffffff,
 * the image (hyp.lds) and the channel region (chan.h) at its top. */
#define HYP_RAM_BASE		0x40000000ul
#define HYP_RAM_SIZE		0x80000000ul

#ifndef __ASSEMBLER__
#include <hvbridge/types.h>

/* head.S -> C, on CPU 0 with a stack, BSS clear, VBAR_EL2 set. */
void hyp_main(__u64 cpu, __u64 boot_x0) __attribute__((noreturn));

void hyp_arm64_console_init(void);
/* CPU 0: build the EL2 map, turn the MMU on, check the map. */
void hyp_arm64_mmu_init(void);
/* Any CPU, after hyp_arm64_mmu_init(): turn its MMU on. */
void hyp_arm64_mmu_enable(void);
/* head.S -> C on a CPU started by PSCI CPU_ON. */
void hyp_secondary_main(__u64 cpu) __attribute__((noreturn));
/* The self-tests the image was built with (selftest.c): before the zones
 * are created, and after (none, a crash, bad zone configs). */
void hyp_arm64_selftest(void);
void hyp_arm64_selftest_zones(void);

extern char hyp_vectors[];
extern char __hyp_start[], __hyp_end[];
extern char __text_end[], __rodata_end[];	/* hyp.lds */

static inline __u32 hyp_arm64_cpu_id(void)
{
	__u64 mpidr;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
	return (__u32)(mpidr & 0xff);
}
#endif

#endif /* ARM64_HYP_H */
