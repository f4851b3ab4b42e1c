// SPDX-License-Identifier: MIT
/*
 * Description: where an exception the hypervisor injects lands in the
 * zone's VBAR_EL1 table, and what syndrome a trap from AArch32 EL0 is
 * reflected with (hyp/arch/arm64/include/arm64/inject.h).  A trap from
 * AArch32 EL0 takes the "lower EL, AArch32" vector (0x600), never the
 * AArch64 one; its syndrome keeps the access direction and has IL set as
 * the Arm ARM requires for an external abort or an unknown reason, even
 * when the trapped instruction was a 16-bit T32 one (ESR_EL2.IL = 0).
 */
#include <criterion/criterion.h>

#include <arm64/inject.h>

TestSuite(inject);

/* SPSR_EL2.M[4:0] of the states a zone traps from. */
#define M_EL0T		0x00u
#define M_EL1T		0x04u
#define M_EL1H		0x05u
#define M_A32_USR	0x10u
#define CPSR_T		(1u << 5)	/* T32 */

Test(inject, every_state_takes_its_own_vector)
{
	cr_expect_eq(hyp_inject_vector(M_EL1H | SPSR_DAIF), VEC_CUR_SPX);
	cr_expect_eq(hyp_inject_vector(M_EL1T), VEC_CUR_SP0);
	cr_expect_eq(hyp_inject_vector(M_EL0T), VEC_LOW_A64);
	/* usr mode's M[3:0] is 0, as EL0t's: only M[4] tells them apart. */
	cr_expect_eq(hyp_inject_vector(M_A32_USR), VEC_LOW_A32);
	cr_expect_eq(hyp_inject_vector(M_A32_USR | CPSR_T | 0xf0000000u),
		     VEC_LOW_A32, "T32, flags set");
}

/* ESR_EL2 of a stage-2 data abort: EC, IL, ISV=1 with SRT etc., WnR. */
static __u64 dabt(unsigned int il, unsigned int wnr)
{
	return (__u64)ESR_EC_DABT_LOW << 26 | (__u64)il << 25 | 1u << 24 |
	       2u << 22 | 3u << 16 | (__u64)wnr << 6 | 0x07u;
}

Test(inject, a_data_abort_from_aarch32_becomes_an_external_abort)
{
	__u64 esr;

	/* ldr r3, [r0] in T32 (16-bit, IL = 0) */
	esr = hyp_inject_a32_esr(dabt(0, 0));
	cr_expect_eq(esr_ec(esr), ESR_EC_DABT_LOW);
	cr_expect_eq(esr_il(esr), 1u, "IL set for an abort without ISS");
	cr_expect_eq(esr_dabt_isv(esr), 0u, "no syndrome for EL1 to trust");
	cr_expect_eq(esr & 0x3f, ESR_FSC_SYNC_EXT_ABORT);
	cr_expect_eq(esr_dabt_wnr(esr), 0u);
	/* str r3, [r0] in A32 (IL = 1) */
	esr = hyp_inject_a32_esr(dabt(1, 1));
	cr_expect_eq(esr_il(esr), 1u);
	cr_expect_eq(esr_dabt_wnr(esr), 1u, "a write stays a write");
	cr_expect_eq(esr, (__u64)ESR_EC_DABT_LOW << 26 | ESR_IL |
			  ESR_DABT_WNR | ESR_FSC_SYNC_EXT_ABORT);
	cr_expect(hyp_inject_a32_has_far(dabt(0, 0)));
}

Test(inject, an_instruction_abort_from_aarch32_stays_one)
{
	__u64 esr = hyp_inject_a32_esr((__u64)ESR_EC_IABT_LOW << 26 | 0x07);

	cr_expect_eq(esr, (__u64)ESR_EC_IABT_LOW << 26 | ESR_IL |
			  ESR_FSC_SYNC_EXT_ABORT);
	cr_expect(hyp_inject_a32_has_far((__u64)ESR_EC_IABT_LOW << 26));
}

Test(inject, any_other_aarch32_trap_is_an_undefined_instruction)
{
	static const unsigned int ecs[] = {
		ESR_EC_WFX, ESR_EC_CP15_32, ESR_EC_CP15_64, ESR_EC_CP14_MR,
		ESR_EC_SVC32, ESR_EC_HVC32, ESR_EC_SMC32, ESR_EC_BKPT32,
	};
	unsigned int i;

	for (i = 0; i < sizeof(ecs) / sizeof(ecs[0]); i++) {
		__u64 esr = hyp_inject_a32_esr((__u64)ecs[i] << 26 | 0x1234);

		cr_expect_eq(esr, ESR_IL, "EC 0x%02x -> %#llx", ecs[i],
			     (unsigned long long)esr);
		cr_expect(!hyp_inject_a32_has_far((__u64)ecs[i] << 26));
	}
}
