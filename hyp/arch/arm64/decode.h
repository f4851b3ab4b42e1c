/* SPDX-License-Identifier: MIT */
/*
 * decode.h - turn a trapped data abort into a neutral MMIO access.
 *
 * Two ways in, one description out (struct hyp_mmio_access):
 *  - hyp_decode_esr(): the syndrome is valid (ESR_EL2.ISV=1), so the
 *    hardware already told us size, direction and register;
 *  - hyp_decode_insn(): ISV=0, the trap handler fetched the guest's
 *    instruction word and we decode the A64 load/store forms a driver may
 *    plausibly use on a device window, writeback and pairs included.
 * Everything else is refused with a reason, and the trap handler injects a
 * data abort into the guest: the decoder never guesses.
 *
 * Pure functions with no state: safe at EL2 with no libc, and unit-tested
 * on the host (tests/decode/).
 */
#ifndef HYP_ARCH_ARM64_DECODE_H
#define HYP_ARCH_ARM64_DECODE_H

#include <hvbridge/types.h>

/* Register number that names no register (rn of a syndrome decode, rm of
 * an immediate form, rt2 of a single access). */
#define HYP_MMIO_REG_NONE	32u
/* As Rt or Rm: XZR.  As Rn: SP (of the guest's current EL). */
#define HYP_MMIO_REG_ZR_SP	31u

/* Index extension of the register-offset form: the A64 "option" field. */
#define HYP_MMIO_EXT_UXTW	2u
#define HYP_MMIO_EXT_LSL	3u	/* UXTX */
#define HYP_MMIO_EXT_SXTW	6u
#define HYP_MMIO_EXT_SXTX	7u

/*
 * One trapped access, as the MMIO dispatch and the trap handler need it.
 * A pair (LDP/STP) is two accesses of @size bytes, at @addr then @addr2,
 * to or from @rt then @rt2, in that order.
 */
struct hyp_mmio_access {
	__u64 addr;		/* IPA of the first access: the caller's */
	__u64 addr2;		/* IPA of the second access of a pair */
	__s64 offset;		/* first access = Xn + offset (immediate
				 * forms; 0 with a register offset) */
	__s64 wb_offset;	/* Xn += wb_offset after the access, if
				 * writeback */
	__u32 size;		/* bytes per access: 1, 2, 4 or 8 */
	__u32 rt;		/* transfer register; 31 is XZR */
	__u32 rt2;		/* pair: second transfer register */
	__u32 rn;		/* base register, 31 is SP; NONE from ESR */
	__u32 rm;		/* index register (31 is XZR) or NONE */
	__u8 extend;		/* HYP_MMIO_EXT_* of the index */
	__u8 shift;		/* the extended index is shifted left by it */
	__u8 is_write;		/* store */
	__u8 sign_extend;	/* load: sign-extend the data to the register */
	__u8 sf;		/* the register is X (64-bit), else W */
	__u8 is_pair;		/* two accesses */
	__u8 writeback;		/* update Xn/SP by wb_offset */
	__u8 acqrel;		/* acquire/release semantics (ESR.AR) */
};

enum hyp_decode_result {
	HYP_DECODE_OK = 0,
	HYP_DECODE_NO_SYNDROME,	/* ISV=0: decode the instruction instead */
	HYP_DECODE_UNSUPPORTED,	/* a valid instruction we do not emulate */
	HYP_DECODE_UNALLOCATED,	/* no instruction has this encoding */
	HYP_DECODE_UNPREDICTABLE, /* the architecture leaves it undefined */
	HYP_DECODE_FAR_MISMATCH, /* the instruction addresses another VA
				  * than the one that faulted */
};

/* Exception classes of a data abort in ESR_ELx.EC. */
#define HYP_ESR_EC_DABT_LOW	0x24u
#define HYP_ESR_EC_DABT_CUR	0x25u

/*
 * Decode the syndrome of a data abort (@esr is ESR_EL2) that faulted at
 * IPA @addr.  HYP_DECODE_NO_SYNDROME when ISV is clear; a cache
 * maintenance or stage-1 walk fault is no MMIO access (UNSUPPORTED).
 */
enum hyp_decode_result hyp_decode_esr(__u64 esr, __u64 addr,
				      struct hyp_mmio_access *acc);

/*
 * Decode the A64 instruction @insn whose first access faulted at IPA
 * @addr.  Accepted: LDR/STR (B, H, W, X) and LDRS{B,H,W} with unsigned
 * immediate, unscaled immediate (LDUR/STUR), pre- and post-index, and
 * register offset; LDP/STP (W, X) and LDPSW with signed offset, pre- and
 * post-index.  @acc is only meaningful on HYP_DECODE_OK.
 */
enum hyp_decode_result hyp_decode_insn(__u32 insn, __u64 addr,
				       struct hyp_mmio_access *acc);

/*
 * hyp_decode_insn() for the instruction @insn fetched at the trapped PC,
 * whose access faulted at virtual address @far (FAR_EL2) and IPA @addr,
 * with the guest's registers @x (x0..x30) and @sp (the SP of the EL it
 * trapped from) as they are now.  The instruction is accepted only if
 * its first access is at @far: the code (another vCPU's store, a remap)
 * or the registers may have changed since the fault, and an instruction
 * that addresses something else must not be emulated at @addr.  Nor may
 * a pair whose first half did not fault (@far is its second half).
 * HYP_DECODE_FAR_MISMATCH then.
 */
enum hyp_decode_result hyp_decode_trapped_insn(__u32 insn, __u64 addr,
					       __u64 far, const __u64 *x,
					       __u64 sp,
					       struct hyp_mmio_access *acc);

/* A short name for @res, for the trap handler's log line. */
const char *hyp_decode_strerror(enum hyp_decode_result res);

/*
 * The guest virtual address of the first access given the base (Xn or
 * SP) and index (Xm; 0 for XZR) values: lets the trap handler check that
 * FAR_EL2 is where the instruction says.  Instruction decodes only.
 */
__u64 hyp_mmio_ea(const struct hyp_mmio_access *acc, __u64 xn, __u64 xm);

/* The new value of Xn/SP after an access with writeback. */
static inline __u64 hyp_mmio_writeback(const struct hyp_mmio_access *acc,
				       __u64 xn)
{
	return xn + (__u64)acc->wb_offset;
}

/*
 * The data a store of @size bytes from register @rt holding @xt writes:
 * XZR reads as 0, and a W/H/B store takes the low bytes.
 */
__u64 hyp_mmio_store_value(__u32 rt, __u64 xt, __u32 size);

/*
 * The register value for @data loaded with @size bytes: sign-extended to
 * 64 bits if @sign_extend, then cut to 32 bits (zero-extended) unless @sf,
 * the W-register rule.  A load into XZR is discarded by
 * hyp_mmio_xreg_write().
 */
__u64 hyp_mmio_load_value(__u64 data, __u32 size, __u8 sign_extend,
			  __u8 sf);

/*
 * Read and write transfer register @r in @x[0..30] (the trap frame's
 * x0..x30): 31 is XZR, which reads 0 and ignores writes.  Never for Rn,
 * where 31 is SP.
 */
static inline __u64 hyp_mmio_xreg_read(const __u64 *x, __u32 r)
{
	return r < HYP_MMIO_REG_ZR_SP ? x[r] : 0;
}

static inline void hyp_mmio_xreg_write(__u64 *x, __u32 r, __u64 v)
{
	if (r < HYP_MMIO_REG_ZR_SP)
		x[r] = v;
}

#endif /* HYP_ARCH_ARM64_DECODE_H */
