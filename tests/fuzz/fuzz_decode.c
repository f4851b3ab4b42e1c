// SPDX-License-Identifier: MIT
/*
 * Description: fuzz the hypervisor's data-abort decoder
 * (hyp/arch/arm64/decode.c, built for the host): the instruction decode
 * of any 32-bit word, the check against the faulting address with any
 * register values, the ESR_EL2 syndrome decode of any 64-bit word, and
 * the register-value rules.
 *
 * Input (zero past its end): 0..3 the instruction word, 4..11 ESR_EL2,
 * 12..19 the fault IPA, 20..27 FAR, 28.. x0..x30 and SP (8 bytes each).
 * Checks:
 *  - an accepted instruction is one the trap handler can carry out (a
 *    load/store; size 1/2/4/8; registers in range; no writeback onto a
 *    transfer register; a load pair into two registers);
 *  - where the word is one of tests/decode's random.h (3000 words that
 *    binutils' objdump disassembled at build time), the decode is what
 *    objdump's reading says, field by field (tests/decode/sweep.py
 *    does the same over a large range in one batch);
 *  - hyp_decode_trapped_insn() accepts exactly the decodes whose
 *    address, from these registers, is FAR;
 *  - the syndrome decode takes each field from its ISS bits;
 *  - load and store values follow the W/X, sign and XZR rules, computed
 *    here another way.
 */
#include <string.h>

#include <decode.h>

#include "fuzz.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The row types of random.h. */
#include "decode_rows.h"

#include "random.h"

static void fz_check_insn(__u32 w, __u64 addr,
			  const struct hyp_mmio_access *a)
{
	FUZZ_CHECK((w & 0x0a000000u) == 0x08000000u);	/* load/store */
	FUZZ_CHECK(a->size == 1 || a->size == 2 || a->size == 4 ||
		   a->size == 8);
	FUZZ_CHECK(a->rt <= 31 && a->rn <= 31);
	FUZZ_CHECK(a->rm <= 31 || a->rm == HYP_MMIO_REG_NONE);
	FUZZ_CHECK(a->sf || a->size <= 4);
	FUZZ_CHECK(!(a->sign_extend && a->is_write));
	FUZZ_CHECK(a->addr == addr && !a->acqrel);
	FUZZ_CHECK(a->shift <= 4);
	if (a->is_pair) {
		FUZZ_CHECK(a->rt2 <= 31 && a->addr2 == addr + a->size);
		FUZZ_CHECK(a->is_write || a->rt != a->rt2);
		FUZZ_CHECK(a->rm == HYP_MMIO_REG_NONE);
	} else {
		FUZZ_CHECK(a->rt2 == HYP_MMIO_REG_NONE);
	}
	if (a->writeback) {
		FUZZ_CHECK(a->rm == HYP_MMIO_REG_NONE);
		if (a->rn != 31)
			FUZZ_CHECK(a->rn != a->rt &&
				   (!a->is_pair || a->rn != a->rt2));
	} else {
		FUZZ_CHECK(a->wb_offset == 0);
	}
}

/* What objdump said of @w, if it is one of random.h's words. */
static void fz_check_objdump(__u32 w, enum hyp_decode_result res,
			     const struct hyp_mmio_access *a)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(decode_random_ok); i++) {
		const struct decode_case *c = &decode_random_ok[i];

		if (c->insn != w)
			continue;
		FUZZ_CHECK(res == HYP_DECODE_OK);
		FUZZ_CHECK(a->is_write == c->is_write && a->size == c->size &&
			   a->sign_extend == c->sign_extend && a->sf == c->sf);
		FUZZ_CHECK(a->rt == c->rt && a->rt2 == c->rt2 &&
			   a->rn == c->rn && a->rm == c->rm);
		FUZZ_CHECK(a->extend == c->extend && a->shift == c->shift);
		FUZZ_CHECK(a->offset == c->offset &&
			   a->writeback == c->writeback &&
			   a->wb_offset == c->wb_offset);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(decode_random_unpredictable); i++)
		if (decode_random_unpredictable[i].insn == w) {
			FUZZ_CHECK(res == HYP_DECODE_UNPREDICTABLE);
			return;
		}
	for (i = 0; i < ARRAY_SIZE(decode_random_refused); i++)
		if (decode_random_refused[i].insn == w) {
			FUZZ_CHECK(res != HYP_DECODE_OK);
			return;
		}
}

/* The effective address as the Arm ARM's pseudocode computes it. */
static __u64 fz_ea(const struct hyp_mmio_access *a, const __u64 *x,
		   __u64 sp)
{
	__u64 base = a->rn == 31 ? sp : x[a->rn], idx;

	if (a->rm == HYP_MMIO_REG_NONE)
		return base + (__u64)a->offset;
	idx = a->rm == 31 ? 0 : x[a->rm];
	switch (a->extend) {
	case HYP_MMIO_EXT_UXTW:
		idx &= 0xffffffffull;
		break;
	case HYP_MMIO_EXT_SXTW:
		idx = (__u64)(__s64)(__s32)(__u32)idx;
		break;
	default:
		break;
	}
	return base + (idx << a->shift);
}

static void fz_check_esr(__u64 esr, __u64 addr)
{
	struct hyp_mmio_access a;
	enum hyp_decode_result res = hyp_decode_esr(esr, addr, &a);
	__u32 ec = (__u32)(esr >> 26) & 0x3f;

	if (ec != HYP_ESR_EC_DABT_LOW && ec != HYP_ESR_EC_DABT_CUR) {
		FUZZ_CHECK(res == HYP_DECODE_UNSUPPORTED);
		return;
	}
	if (!(esr >> 24 & 1)) {
		FUZZ_CHECK(res == HYP_DECODE_NO_SYNDROME);
		return;
	}
	if (esr & (1u << 8 | 1u << 7)) {	/* CM, S1PTW */
		FUZZ_CHECK(res == HYP_DECODE_UNSUPPORTED);
		return;
	}
	FUZZ_CHECK(res == HYP_DECODE_OK);
	FUZZ_CHECK(a.addr == addr && a.size == 1u << (esr >> 22 & 3));
	FUZZ_CHECK(a.sign_extend == (esr >> 21 & 1) &&
		   a.rt == (esr >> 16 & 31) && a.sf == (esr >> 15 & 1) &&
		   a.acqrel == (esr >> 14 & 1) && a.is_write == (esr >> 6 & 1));
	FUZZ_CHECK(a.rn == HYP_MMIO_REG_NONE && a.rm == HYP_MMIO_REG_NONE &&
		   !a.is_pair && !a.writeback);
}

static void fz_check_values(__u64 v, __u32 size, __u32 rt, __u8 sx, __u8 sf)
{
	__u64 want, st = hyp_mmio_store_value(rt, v, size);
	unsigned int bits = size * 8;

	if (rt == 31)
		FUZZ_CHECK(st == 0);
	else
		FUZZ_CHECK(st == (bits == 64 ? v : v % (1ull << bits)));
	/* Sign extension as arithmetic: subtract 2^bits when negative. */
	want = bits == 64 ? v : v % (1ull << bits);
	if (sx && bits < 64 && (want >> (bits - 1)))
		want -= 1ull << bits;
	if (!sf)
		want &= 0xffffffffull;
	FUZZ_CHECK(hyp_mmio_load_value(v, size, sx, sf) == want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	__u32 w = (__u32)fuzz_le(data, size, 4);
	__u64 esr = fuzz_le(data + 4, size > 4 ? size - 4 : 0, 8);
	__u64 addr = fuzz_le(data + 12, size > 12 ? size - 12 : 0, 8);
	__u64 far = fuzz_le(data + 20, size > 20 ? size - 20 : 0, 8);
	struct hyp_mmio_access a, t;
	enum hyp_decode_result res, tres;
	__u64 x[31], sp, regs[32];
	unsigned int i;

	for (i = 0; i < 32; i++) {
		size_t at = 28 + 8 * i;

		regs[i] = fuzz_le(data + (at < size ? at : size),
				  at < size ? size - at : 0, 8);
	}
	memcpy(x, regs, sizeof(x));
	sp = regs[31];

	res = hyp_decode_insn(w, addr, &a);
	FUZZ_CHECK(res <= HYP_DECODE_FAR_MISMATCH &&
		   res != HYP_DECODE_NO_SYNDROME &&
		   res != HYP_DECODE_FAR_MISMATCH);
	FUZZ_CHECK(hyp_decode_strerror(res) != NULL);
	if (res == HYP_DECODE_OK)
		fz_check_insn(w, addr, &a);
	fz_check_objdump(w, res, &a);

	tres = hyp_decode_trapped_insn(w, addr, far, x, sp, &t);
	if (res != HYP_DECODE_OK) {
		FUZZ_CHECK(tres == res);
	} else {
		FUZZ_CHECK(tres == (fz_ea(&a, x, sp) == far ? HYP_DECODE_OK :
				    HYP_DECODE_FAR_MISMATCH));
		FUZZ_CHECK(hyp_mmio_ea(&a, a.rn == 31 ? sp : x[a.rn],
				       a.rm < 31 ? x[a.rm] : 0) ==
			   fz_ea(&a, x, sp));
		if (a.writeback)
			FUZZ_CHECK(hyp_mmio_writeback(&a, 5) ==
				   5 + (__u64)a.wb_offset);
		fz_check_values(x[a.rt % 31], a.size, a.rt, a.sign_extend,
				a.sf);
	}
	/* The trap frame accessors: XZR reads 0 and takes no write. */
	FUZZ_CHECK(hyp_mmio_xreg_read(x, 31) == 0);
	hyp_mmio_xreg_write(x, w & 31, far);
	FUZZ_CHECK((w & 31) == 31 ? !memcmp(x, regs, sizeof(x)) :
		   x[w & 31] == far);

	fz_check_esr(esr, addr);
	return 0;
}
