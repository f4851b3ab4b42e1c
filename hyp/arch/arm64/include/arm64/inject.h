/* SPDX-License-Identifier: MIT */
/*
 * arm64/inject.h - what an exception the hypervisor delivers to a zone's
 * EL1 looks like: which VBAR_EL1 vector it takes and, for a trap from
 * AArch32, which syndrome.  Pure functions of the trap's registers, so
 * the host tests check them (tests/decode/inject_test.c).
 *
 * Every zone's EL1 is AArch64 (HCR_EL2.RW is set for every zone, and a
 * zone's CPUs always enter EL1h), but its EL0 may run AArch32 code if the
 * CPU can.  The hypervisor emulates nothing for AArch32 code: a trap from
 * it is reflected to the zone's kernel, as the abort or undefined
 * instruction the kernel would have seen with nothing emulated there.
 */
#ifndef ARM64_INJECT_H
#define ARM64_INJECT_H

#include <hvbridge/types.h>
#include <arm64/esr.h>
#include <arm64/sysreg.h>

/* SPSR_ELx.M[4]: the interrupted state was AArch32. */
#define SPSR_M_AARCH32		ARM64_BITUL(4)

/* Offsets in VBAR_EL1 of the synchronous vectors (Arm ARM D1.10.2). */
#define VEC_CUR_SP0		0x000u
#define VEC_CUR_SPX		0x200u
#define VEC_LOW_A64		0x400u
#define VEC_LOW_A32		0x600u

#define ESR_IL			ARM64_BITUL(25)	/* 32-bit instruction */
#define ESR_DABT_WNR		ARM64_BITUL(6)
#define ESR_FSC_SYNC_EXT_ABORT	0x10u

/* The VBAR_EL1 offset of a synchronous exception taken from the state in
 * @spsr (SPSR_EL2 of the trap) into AArch64 EL1. */
static inline __u64 hyp_inject_vector(__u64 spsr)
{
	if (spsr & SPSR_M_AARCH32)	/* AArch32 runs at EL0 only */
		return VEC_LOW_A32;
	switch (spsr & SPSR_MODE_MASK) {
	case SPSR_MODE_EL0T:
		return VEC_LOW_A64;
	case SPSR_MODE_EL1T:
		return VEC_CUR_SP0;
	}
	return VEC_CUR_SPX;
}

/*
 * ESR_EL1 for trap @esr (ESR_EL2) from AArch32 EL0, reflected to EL1: a
 * stage-2 data or instruction abort becomes a synchronous external abort
 * on that access (write-not-read kept), anything else an undefined
 * instruction.  IL is 1 in each of these, whatever the length of the
 * trapped instruction: the Arm ARM sets it for instruction aborts, data
 * aborts without a valid ISS and exceptions of unknown reason, which is
 * what these syndromes are.
 */
static inline __u64 hyp_inject_a32_esr(__u64 esr)
{
	switch (esr_ec(esr)) {
	case ESR_EC_DABT_LOW:
		return (__u64)ESR_EC_DABT_LOW << 26 | ESR_IL |
		       (esr & ESR_DABT_WNR) | ESR_FSC_SYNC_EXT_ABORT;
	case ESR_EC_IABT_LOW:
		return (__u64)ESR_EC_IABT_LOW << 26 | ESR_IL |
		       ESR_FSC_SYNC_EXT_ABORT;
	}
	return (__u64)ESR_EC_UNKNOWN << 26 | ESR_IL;
}

/* Whether the trap @esr reported has a fault address (FAR_EL2). */
static inline int hyp_inject_a32_has_far(__u64 esr)
{
	return esr_ec(esr) == ESR_EC_DABT_LOW || esr_ec(esr) == ESR_EC_IABT_LOW;
}

#endif /* ARM64_INJECT_H */
