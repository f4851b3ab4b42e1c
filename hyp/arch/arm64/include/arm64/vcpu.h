/* SPDX-License-Identifier: MIT */
/*
 * arm64/vcpu.h - running a zone's vCPU on this CPU, and the traps it
 * takes to EL2.
 */
#ifndef ARM64_VCPU_H
#define ARM64_VCPU_H

/*
 * HVC immediates of the test guest (test-only: real hypercall numbers
 * will live in common/ with the ABI):
 *   EXIT  "I am done", x0 = exit code; the CPU stops
 *   PUTC  x0 = one byte for the console; printed a whole line at a time
 */
#define HYP_HVC_TEST_EXIT	0xe2e
#define HYP_HVC_TEST_PUTC	0xe2c

#ifndef __ASSEMBLER__
#include <arm64/traps.h>

struct hyp_zone;

/* Start @z's first vCPU on this CPU at EL1; does not return. */
void hyp_arm64_zone_start(struct hyp_zone *z) __attribute__((noreturn));

/* On a CPU the zone started with PSCI CPU_ON: enter its vCPU at the
 * requested entry (does not return); returns if nothing is pending. */
void hyp_arm64_vcpu_start_pending(struct hyp_zone *z);

/* The zone's PSCI power calls (psci.c decodes, these act). */
__s64 hyp_vcpu_cpu_on(struct hyp_zone *z, __u64 mpidr, __u64 entry,
		      __u64 context);
__s64 hyp_vcpu_affinity_info(struct hyp_zone *z, __u64 mpidr);
__s64 hyp_vcpu_cpu_off(struct hyp_zone *z);
/* The zone's half of CPU_OFF alone: this vCPU is OFF (AFFINITY_INFO,
 * CPU_ON may start it again), its GIC state cleared; the physical CPU
 * still runs, in the hypervisor, until it calls the firmware. */
void hyp_vcpu_leave(struct hyp_zone *z);

/* How many zones run a test guest whose exit is awaited (CPU 0, before
 * other CPUs start). */
void hyp_vcpu_set_running(__u32 nr_zones);

/* The zone running on this CPU, or NULL. */
struct hyp_zone *hyp_vcpu_current(void);

/*
 * Deliver a synchronous exception to the guest's EL1 as the hardware
 * would: @esr (IL is added) and @far in ESR/FAR_EL1, ELR/SPSR_EL1 from
 * the trap, then its VBAR_EL1 vector (hyp_inject_vector(): by the EL and
 * execution state trapped from) with every exception masked.  EL1 is
 * always AArch64 (HCR_EL2.RW); EL0 may be AArch32.
 */
void hyp_vcpu_inject_sync(struct hyp_trap_frame *tf, __u64 esr, __u64 far);

/*
 * A synchronous trap from AArch32 EL0 (traps.c): nothing is emulated for
 * AArch32 code, so it is reflected to the zone's EL1 at VBAR_EL1 + 0x600,
 * a stage-2 abort as an external abort, anything else as an undefined
 * instruction (arm64/inject.h).
 */
enum hyp_trap_result hyp_vcpu_aarch32(struct hyp_trap_frame *tf);

/* A lower-EL trap no handler takes: an UNDEFINED instruction for the
 * guest (traps.c's default). */
enum hyp_trap_result hyp_vcpu_undef(struct hyp_trap_frame *tf);

/* Lower-EL trap handlers for hyp_trap_handlers[] (traps.c). */
enum hyp_trap_result hyp_vcpu_dabt(struct hyp_trap_frame *tf);
enum hyp_trap_result hyp_vcpu_hvc(struct hyp_trap_frame *tf);

/* entry.S: copy @tf to the top of this CPU's EL2 stack (@stack_top) and
 * return from exception through it.  @tf must not be on that stack. */
void hyp_arm64_enter_lower(const struct hyp_trap_frame *tf,
			   __u64 stack_top) __attribute__((noreturn));

/* The guest carried in the image (guest.S). */
extern const char hyp_guest_start[], hyp_guest_end[];
#endif

#endif /* ARM64_VCPU_H */
