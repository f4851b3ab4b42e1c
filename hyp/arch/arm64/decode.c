// SPDX-License-Identifier: MIT
/*
 * Data-abort decode: syndrome (ISV=1) and A64 instruction (ISV=0) into a
 * struct hyp_mmio_access.  Encodings follow the Arm ARM "Loads and
 * Stores" tables; the tests in tests/decode/ check them against the
 * assembler's own encodings.
 *
 * Freestanding on purpose: no libc, no struct copies or clears that a
 * compiler could turn into memset/memcpy calls (decode.mk checks the
 * object has no undefined symbol).
 */
#include "decode.h"

/* ESR_ELx: EC and the data-abort ISS fields. */
#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define ESR_ISV		(1u << 24)
#define ESR_SAS(esr)	(((esr) >> 22) & 3)
#define ESR_SSE		(1u << 21)
#define ESR_SRT(esr)	(((esr) >> 16) & 0x1f)
#define ESR_SF		(1u << 15)
#define ESR_AR		(1u << 14)
#define ESR_CM		(1u << 8)
#define ESR_S1PTW	(1u << 7)
#define ESR_WNR		(1u << 6)

/* Bits hi..lo of @insn. */
static inline __u32 bits(__u32 insn, unsigned int hi, unsigned int lo)
{
	return (insn >> lo) & ((2u << (hi - lo)) - 1);
}

/* The @width-bit two's complement field @v as a signed value. */
static inline __s64 sext(__u64 v, unsigned int width)
{
	__u64 m = 1ull << (width - 1);

	v &= (m << 1) - 1;
	return (__s64)((v ^ m) - m);
}

/* Field by field, so no compiler turns it into a memset call. */
static void acc_clear(struct hyp_mmio_access *acc, __u64 addr)
{
	acc->addr = addr;
	acc->addr2 = 0;
	acc->offset = 0;
	acc->wb_offset = 0;
	acc->size = 0;
	acc->rt = HYP_MMIO_REG_NONE;
	acc->rt2 = HYP_MMIO_REG_NONE;
	acc->rn = HYP_MMIO_REG_NONE;
	acc->rm = HYP_MMIO_REG_NONE;
	acc->extend = 0;
	acc->shift = 0;
	acc->is_write = 0;
	acc->sign_extend = 0;
	acc->sf = 0;
	acc->is_pair = 0;
	acc->writeback = 0;
	acc->acqrel = 0;
}

enum hyp_decode_result hyp_decode_esr(__u64 esr, __u64 addr,
				      struct hyp_mmio_access *acc)
{
	acc_clear(acc, addr);
	if (ESR_EC(esr) != HYP_ESR_EC_DABT_LOW &&
	    ESR_EC(esr) != HYP_ESR_EC_DABT_CUR)
		return HYP_DECODE_UNSUPPORTED;
	if (!(esr & ESR_ISV))
		return HYP_DECODE_NO_SYNDROME;
	/* A DC/IC by VA or a fault on the guest's own page-table walk
	 * reports WnR but moves no data a device could see. */
	if (esr & (ESR_CM | ESR_S1PTW))
		return HYP_DECODE_UNSUPPORTED;
	acc->size = 1u << ESR_SAS(esr);
	acc->sign_extend = !!(esr & ESR_SSE);
	acc->rt = ESR_SRT(esr);
	acc->sf = !!(esr & ESR_SF);
	acc->acqrel = !!(esr & ESR_AR);
	acc->is_write = !!(esr & ESR_WNR);
	return HYP_DECODE_OK;
}

/*
 * The size/opc pair of a single-register load/store (V=0): direction,
 * size, sign extension and register width.  @prfm_ok: the form has a
 * prefetch in the size=3, opc=2 slot (unsigned, unscaled and register
 * offset do; pre/post-index do not).
 */
static enum hyp_decode_result ldst_kind(__u32 insn, int prfm_ok,
					struct hyp_mmio_access *acc)
{
	__u32 size = bits(insn, 31, 30), opc = bits(insn, 23, 22);

	acc->size = 1u << size;
	acc->rt = bits(insn, 4, 0);
	acc->rn = bits(insn, 9, 5);
	switch (opc) {
	case 0:				/* STR{B,H}, STR W/X */
		acc->is_write = 1;
		acc->sf = size == 3;
		return HYP_DECODE_OK;
	case 1:				/* LDR{B,H}, LDR W/X: zero-extend */
		acc->sf = size == 3;
		return HYP_DECODE_OK;
	case 2:				/* LDRSB/LDRSH/LDRSW into X */
		if (size == 3)
			return prfm_ok ? HYP_DECODE_UNSUPPORTED :
					 HYP_DECODE_UNALLOCATED;
		acc->sign_extend = 1;
		acc->sf = 1;
		return HYP_DECODE_OK;
	default:			/* LDRSB/LDRSH into W */
		if (size >= 2)
			return HYP_DECODE_UNALLOCATED;
		acc->sign_extend = 1;
		return HYP_DECODE_OK;
	}
}

/* LDR/STR (immediate, unsigned offset): imm12 scaled by the size. */
static enum hyp_decode_result decode_uimm(__u32 insn,
					  struct hyp_mmio_access *acc)
{
	enum hyp_decode_result res = ldst_kind(insn, 1, acc);

	acc->offset = (__s64)bits(insn, 21, 10) * acc->size;
	return res;
}

/* imm9 forms: unscaled (LDUR/STUR), post-index, unprivileged, pre-index. */
static enum hyp_decode_result decode_imm9(__u32 insn,
					  struct hyp_mmio_access *acc)
{
	__u32 op2 = bits(insn, 11, 10);
	__s64 imm = sext(bits(insn, 20, 12), 9);
	enum hyp_decode_result res;

	/* LDTR/STTR: the unprivileged permission check needs stage 1 of
	 * the guest's EL0, which we would have to redo: not worth it. */
	if (op2 == 2)
		return HYP_DECODE_UNSUPPORTED;
	res = ldst_kind(insn, op2 == 0, acc);
	if (res != HYP_DECODE_OK)
		return res;
	if (op2 == 0) {
		acc->offset = imm;
		return HYP_DECODE_OK;
	}
	/* Writeback onto the transfer register: CONSTRAINED UNPREDICTABLE
	 * for loads and stores alike (Rn=31 is SP, so no clash). */
	if (acc->rn == acc->rt && acc->rn != HYP_MMIO_REG_ZR_SP)
		return HYP_DECODE_UNPREDICTABLE;
	acc->offset = op2 == 3 ? imm : 0;	/* pre: Xn+imm, post: Xn */
	acc->wb_offset = imm;
	acc->writeback = 1;
	return HYP_DECODE_OK;
}

/* LDR/STR (register): Xn + (extend(Xm) << (S ? size : 0)). */
static enum hyp_decode_result decode_reg(__u32 insn,
					 struct hyp_mmio_access *acc)
{
	__u32 option = bits(insn, 15, 13);
	enum hyp_decode_result res = ldst_kind(insn, 1, acc);

	if (res != HYP_DECODE_OK)
		return res;
	if (!(option & 2))		/* UXTB/UXTH/SXTB/SXTH: no such form */
		return HYP_DECODE_UNALLOCATED;
	acc->rm = bits(insn, 20, 16);
	acc->extend = (__u8)option;
	acc->shift = bits(insn, 12, 12) ? (__u8)bits(insn, 31, 30) : 0;
	return HYP_DECODE_OK;
}

/* LDP/STP/LDPSW (signed offset, pre-index, post-index). */
static enum hyp_decode_result decode_pair(__u32 insn,
					  struct hyp_mmio_access *acc)
{
	__u32 opc = bits(insn, 31, 30), type = bits(insn, 24, 23);
	__u32 load = bits(insn, 22, 22);
	__s64 imm;

	if (bits(insn, 26, 26))		/* SIMD&FP registers */
		return HYP_DECODE_UNSUPPORTED;
	if (opc == 3)
		return HYP_DECODE_UNALLOCATED;
	if (opc == 1 && !load)		/* STGP writes MTE tags too */
		return HYP_DECODE_UNSUPPORTED;
	if (type == 0)			/* LDNP/STNP: not asked for */
		return HYP_DECODE_UNSUPPORTED;
	acc->size = opc == 2 ? 8 : 4;
	acc->sf = opc != 0;
	acc->sign_extend = opc == 1;
	acc->is_write = !load;
	acc->rt = bits(insn, 4, 0);
	acc->rn = bits(insn, 9, 5);
	acc->rt2 = bits(insn, 14, 10);
	acc->is_pair = 1;
	acc->addr2 = acc->addr + acc->size;
	imm = sext(bits(insn, 21, 15), 7) * (__s64)acc->size;
	if (load && acc->rt == acc->rt2)
		return HYP_DECODE_UNPREDICTABLE;
	acc->offset = type == 1 ? 0 : imm;	/* post-index: at Xn */
	if (type == 2)
		return HYP_DECODE_OK;
	if ((acc->rn == acc->rt || acc->rn == acc->rt2) &&
	    acc->rn != HYP_MMIO_REG_ZR_SP)
		return HYP_DECODE_UNPREDICTABLE;
	acc->wb_offset = imm;
	acc->writeback = 1;
	return HYP_DECODE_OK;
}

enum hyp_decode_result hyp_decode_insn(__u32 insn, __u64 addr,
				       struct hyp_mmio_access *acc)
{
	acc_clear(acc, addr);
	/* Pair: op0=xx10, bit 25 clear (bits 29..27 = 101). */
	if ((insn & 0x3a000000u) == 0x28000000u)
		return decode_pair(insn, acc);
	/* Load/store register: bits 29..27 = 111; bit 26 is V (SIMD&FP). */
	if ((insn & 0x38000000u) != 0x38000000u)
		return HYP_DECODE_UNSUPPORTED;
	if (bits(insn, 26, 26))
		return HYP_DECODE_UNSUPPORTED;
	if (bits(insn, 25, 24) == 1)
		return decode_uimm(insn, acc);
	if (bits(insn, 25, 24) != 0)
		return HYP_DECODE_UNSUPPORTED;
	if (!bits(insn, 21, 21))
		return decode_imm9(insn, acc);
	/* Bit 21 set: register offset has bits 11..10 = 10; 00 is the LSE
	 * atomics, x1 the pointer-authenticated LDRAA/LDRAB. */
	if (bits(insn, 11, 10) == 2)
		return decode_reg(insn, acc);
	return HYP_DECODE_UNSUPPORTED;
}

const char *hyp_decode_strerror(enum hyp_decode_result res)
{
	switch (res) {
	case HYP_DECODE_OK:
		return "ok";
	case HYP_DECODE_NO_SYNDROME:
		return "no syndrome (ISV=0)";
	case HYP_DECODE_UNSUPPORTED:
		return "unsupported instruction";
	case HYP_DECODE_UNALLOCATED:
		return "unallocated encoding";
	case HYP_DECODE_UNPREDICTABLE:
		return "unpredictable encoding";
	case HYP_DECODE_FAR_MISMATCH:
		return "instruction does not match FAR";
	}
	return "unknown decode result";
}

__u64 hyp_mmio_ea(const struct hyp_mmio_access *acc, __u64 xn, __u64 xm)
{
	__u64 idx;

	if (acc->rm == HYP_MMIO_REG_NONE)
		return xn + (__u64)acc->offset;
	switch (acc->extend) {
	case HYP_MMIO_EXT_UXTW:
		idx = (__u32)xm;
		break;
	case HYP_MMIO_EXT_SXTW:
		idx = (__u64)sext(xm, 32);
		break;
	default:			/* LSL (UXTX), SXTX: all 64 bits */
		idx = xm;
		break;
	}
	return xn + (idx << acc->shift);
}

/* All ones in the low @size bytes. */
static inline __u64 size_mask(__u32 size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

__u64 hyp_mmio_store_value(__u32 rt, __u64 xt, __u32 size)
{
	if (rt >= HYP_MMIO_REG_ZR_SP)
		return 0;
	return xt & size_mask(size);
}

__u64 hyp_mmio_load_value(__u64 data, __u32 size, __u8 sign_extend,
			  __u8 sf)
{
	__u64 v = data & size_mask(size);

	if (sign_extend && size < 8)
		v = (__u64)sext(v, size * 8);
	return sf ? v : (__u32)v;
}

enum hyp_decode_result hyp_decode_trapped_insn(__u32 insn, __u64 addr,
					       __u64 far, const __u64 *x,
					       __u64 sp,
					       struct hyp_mmio_access *acc)
{
	enum hyp_decode_result res = hyp_decode_insn(insn, addr, acc);
	__u64 xn, xm;

	if (res != HYP_DECODE_OK)
		return res;
	xn = acc->rn == HYP_MMIO_REG_ZR_SP ? sp : x[acc->rn];
	xm = acc->rm == HYP_MMIO_REG_NONE ? 0 : hyp_mmio_xreg_read(x, acc->rm);
	return hyp_mmio_ea(acc, xn, xm) == far ? HYP_DECODE_OK :
						 HYP_DECODE_FAR_MISMATCH;
}
