// SPDX-License-Identifier: MIT
/*
 * Description: the data-abort decoder (hyp/arch/arm64/decode.c) against
 * the aarch64 assembler's own encodings, the ESR_EL2 syndrome layout and
 * the register-value rules (XZR, W-register zero extension, sign
 * extension).
 *
 * The instruction words come from cases.txt, assembled at build time by
 * gen_cases.py into cases.h, and from gen_random.py, which has binutils'
 * disassembler judge pseudo-random words (random.h); this file holds no
 * instruction hex.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <decode.h>

#include "decode_rows.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const form_names[DECODE_NR_FORMS] = {
	"unsigned offset", "unscaled", "pre-index", "post-index",
	"register offset", "pair offset", "pair pre-index", "pair post-index",
};

#include "cases.h"
#include "random.h"

/* A fault address per case, so a decoder that mixes cases up shows. */
static __u64 case_addr(int line)
{
	return 0x0a000000ull + (__u64)line * 0x40;
}

static const struct decode_case *find_case(const char *text)
{
	for (size_t i = 0; i < ARRAY_SIZE(decode_accept); i++)
		if (!strcmp(decode_accept[i].text, text))
			return &decode_accept[i];
	cr_assert_fail("no case \"%s\" in cases.txt", text);
	return NULL;
}

/* Where a case comes from: its line in cases.txt, or its index among the
 * random words. */
#define CASE_SRC(c) \
	((c)->form == DECODE_RANDOM ? "random word" : "cases.txt")

static int decode_ok(const struct decode_case *c, struct hyp_mmio_access *a)
{
	enum hyp_decode_result res;

	res = hyp_decode_insn(c->insn, case_addr(c->line), a);
	cr_expect_eq(res, HYP_DECODE_OK, "%s:%d \"%s\" (%#010x): %s",
		     CASE_SRC(c), c->line, c->text, c->insn,
		     hyp_decode_strerror(res));
	return res == HYP_DECODE_OK;
}

#define EXPECT_FIELD(c, name, got, want)				\
	cr_expect_eq((long long)(got), (long long)(want),		\
		     "%s:%d \"%s\" (%#010x): %s is %lld, want %lld",	\
		     CASE_SRC(c), (c)->line, (c)->text, (c)->insn, name, \
		     (long long)(got), (long long)(want))

/* Decode @c at its fault address and check every field of the result. */
static void check_case(const struct decode_case *c)
{
	struct hyp_mmio_access a;
	__u64 addr = case_addr(c->line), xn = 0x40001000ull;
	int pair = c->rt2 != HYP_MMIO_REG_NONE;

	if (!decode_ok(c, &a))
		return;
	EXPECT_FIELD(c, "addr", a.addr, addr);
	EXPECT_FIELD(c, "addr2", a.addr2, pair ? addr + c->size : 0);
	EXPECT_FIELD(c, "is_write", a.is_write, c->is_write);
	EXPECT_FIELD(c, "size", a.size, c->size);
	EXPECT_FIELD(c, "sign_extend", a.sign_extend, c->sign_extend);
	EXPECT_FIELD(c, "sf", a.sf, c->sf);
	EXPECT_FIELD(c, "rt", a.rt, c->rt);
	EXPECT_FIELD(c, "rt2", a.rt2, c->rt2);
	EXPECT_FIELD(c, "is_pair", a.is_pair, pair);
	EXPECT_FIELD(c, "rn", a.rn, c->rn);
	EXPECT_FIELD(c, "rm", a.rm, c->rm);
	EXPECT_FIELD(c, "extend", a.extend, c->extend);
	EXPECT_FIELD(c, "shift", a.shift, c->shift);
	EXPECT_FIELD(c, "offset", a.offset, c->offset);
	EXPECT_FIELD(c, "writeback", a.writeback, c->writeback);
	EXPECT_FIELD(c, "wb_offset", a.wb_offset, c->wb_offset);
	EXPECT_FIELD(c, "acqrel", a.acqrel, 0);
	/* The helpers agree with the fields. */
	if (c->rm == HYP_MMIO_REG_NONE)
		EXPECT_FIELD(c, "ea", hyp_mmio_ea(&a, xn, 0), xn + c->offset);
	if (c->writeback)
		EXPECT_FIELD(c, "new Xn", hyp_mmio_writeback(&a, xn),
			     xn + c->wb_offset);
}

/* Every case of cases.txt, each reported on its own when it fails. */
Test(decode, accepted, .timeout = 10)
{
	for (size_t i = 0; i < ARRAY_SIZE(decode_accept); i++)
		check_case(&decode_accept[i]);
}

Test(decode, rejected, .timeout = 10)
{
	struct hyp_mmio_access a;

	for (size_t i = 0; i < ARRAY_SIZE(decode_reject); i++) {
		const struct decode_reject *c = &decode_reject[i];
		enum hyp_decode_result res;

		res = hyp_decode_insn(c->insn, 0x0a000000, &a);
		cr_expect_eq(res, c->reason,
			     "cases.txt:%d \"%s\" (%#010x): %s, want %s",
			     c->line, c->text, c->insn,
			     hyp_decode_strerror(res),
			     hyp_decode_strerror(c->reason));
	}
}

/* 0..12: STRB STRH STR-W STR-X LDRB LDRH LDR-W LDR-X LDRSB-W LDRSB-X
 * LDRSH-W LDRSH-X LDRSW; pairs: STP-W STP-X LDP-W LDP-X LDPSW as 0..4. */
static int kind_of(const struct decode_case *c)
{
	int log2 = c->size == 1 ? 0 : c->size == 2 ? 1 : c->size == 4 ? 2 : 3;

	if (c->form >= DECODE_PAIR_OFF)
		return c->is_write ? (log2 == 3) :
		       c->sign_extend ? 4 : 2 + (log2 == 3);
	if (c->is_write)
		return log2;
	if (!c->sign_extend)
		return 4 + log2;
	return log2 == 2 ? 12 : 8 + 2 * log2 + c->sf;
}

/* The case list keeps the coverage the decoder was written against. */
Test(decode, case_list_coverage, .timeout = 10)
{
	unsigned int seen[DECODE_NR_FORMS] = { 0 };
	unsigned int wb_pos = 0, wb_neg = 0, wb_sp = 0, exts = 0, shifted = 0;
	__u64 rts = 0;
	int f;

	cr_expect_geq(ARRAY_SIZE(decode_accept), 80);
	cr_expect_geq(ARRAY_SIZE(decode_reject), 20);
	for (size_t i = 0; i < ARRAY_SIZE(decode_accept); i++) {
		const struct decode_case *c = &decode_accept[i];

		seen[c->form] |= 1u << kind_of(c);
		rts |= 1ull << c->rt;
		if (c->rt2 != HYP_MMIO_REG_NONE)
			rts |= 1ull << c->rt2;
		if (c->writeback) {
			wb_pos |= (c->wb_offset > 0) << c->form;
			wb_neg |= (c->wb_offset < 0) << c->form;
			wb_sp |= (c->rn == 31) << c->form;
		}
		if (c->rm != HYP_MMIO_REG_NONE) {
			exts |= 1u << c->extend;
			shifted |= (c->shift != 0) << c->extend;
		}
	}
	for (f = 0; f < DECODE_NR_FORMS; f++) {
		unsigned int all = f >= DECODE_PAIR_OFF ? 0x1f : 0x1fff;

		cr_expect_eq(seen[f], all, "%s: kinds seen %#x, want %#x",
			     form_names[f], seen[f], all);
	}
	cr_expect_eq(rts & 0x7fffffffull, 0x7fffffffull,
		     "Rt 0..30 not all used: %#llx", (unsigned long long)rts);
	cr_expect(rts >> 31 & 1, "no case with Rt = XZR");
	for (f = DECODE_PRE; f <= DECODE_PAIR_POST; f++) {
		if (f == DECODE_REG || f == DECODE_PAIR_OFF)
			continue;
		cr_expect(wb_pos >> f & 1, "%s: no positive writeback",
			  form_names[f]);
		cr_expect(wb_neg >> f & 1, "%s: no negative writeback",
			  form_names[f]);
		cr_expect(wb_sp >> f & 1, "%s: no writeback to SP",
			  form_names[f]);
	}
	cr_expect_eq(exts, 1u << HYP_MMIO_EXT_UXTW | 1u << HYP_MMIO_EXT_LSL |
		     1u << HYP_MMIO_EXT_SXTW | 1u << HYP_MMIO_EXT_SXTX,
		     "register offset extends seen: %#x", exts);
	cr_expect_eq(shifted, exts, "extends seen shifted: %#x", shifted);
}

/* The SIMD&FP twin (bit 26, V) of every accepted encoding is refused. */
Test(decode, simd_twins_refused, .timeout = 10)
{
	struct hyp_mmio_access a;

	for (size_t i = 0; i < ARRAY_SIZE(decode_accept); i++) {
		const struct decode_case *c = &decode_accept[i];
		enum hyp_decode_result res;

		res = hyp_decode_insn(c->insn | 1u << 26, 0, &a);
		cr_expect_eq(res, HYP_DECODE_UNSUPPORTED,
			     "cases.txt:%d \"%s\" with V=1: %s", c->line,
			     c->text, hyp_decode_strerror(res));
	}
}

/*
 * Whatever a guest's instruction word is, an accepted decode is one the
 * trap handler can carry out safely.  xorshift64: fixed seed, so a
 * failure reproduces.
 */
Test(decode, random_words_invariants, .timeout = 20)
{
	__u64 s = 0x9e3779b97f4a7c15ull;
	unsigned int ok = 0;

	for (int i = 0; i < 1 << 20; i++) {
		struct hyp_mmio_access a;
		__u32 w;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		/* Half the words forced into the load/store space. */
		w = (__u32)(s >> 16);
		if (i & 1)
			w = (w & ~0x0a000000u) | 0x08000000u;
		if (hyp_decode_insn(w, 0x1000, &a) != HYP_DECODE_OK)
			continue;
		ok++;
		cr_assert_eq(w & 0x0a000000u, 0x08000000u,
			     "%#010x: not a load/store", w);
		cr_assert(a.size == 1 || a.size == 2 || a.size == 4 ||
			  a.size == 8, "%#010x: size %u", w, a.size);
		cr_assert(a.rt <= 31 && a.rn <= 31, "%#010x: regs", w);
		cr_assert(a.sf || a.size <= 4, "%#010x: X access into W", w);
		cr_assert(!(a.sign_extend && a.is_write), "%#010x", w);
		cr_assert_eq(a.addr, 0x1000);
		if (a.is_pair) {
			cr_assert_eq(a.addr2, 0x1000 + a.size, "%#010x", w);
			cr_assert(a.is_write || a.rt != a.rt2, "%#010x", w);
		}
		if (a.writeback && a.rn != 31)
			cr_assert(a.rn != a.rt &&
				  (!a.is_pair || a.rn != a.rt2),
				  "%#010x: writeback onto Rt", w);
	}
	cr_expect_gt(ok, 1000, "only %u random words decoded", ok);
}

/*
 * random.h: words drawn at build time and read by binutils' disassembler
 * (gen_random.py); its reading, not ours, says what each must decode to.
 * "line" is the word's index there.
 */
Test(decode, random_words_against_objdump, .timeout = 20)
{
	struct hyp_mmio_access a;
	enum hyp_decode_result res;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(decode_random_ok); i++)
		check_case(&decode_random_ok[i]);
	for (i = 0; i < ARRAY_SIZE(decode_random_unpredictable); i++) {
		const struct decode_reject *c = &decode_random_unpredictable[i];

		res = hyp_decode_insn(c->insn, 0, &a);
		cr_expect_eq(res, HYP_DECODE_UNPREDICTABLE,
			     "word %d \"%s\" (%#010x): %s", c->line, c->text,
			     c->insn, hyp_decode_strerror(res));
	}
	for (i = 0; i < ARRAY_SIZE(decode_random_refused); i++) {
		const struct decode_reject *c = &decode_random_refused[i];

		res = hyp_decode_insn(c->insn, 0, &a);
		cr_expect_neq(res, HYP_DECODE_OK, "word %d \"%s\" (%#010x)",
			      c->line, c->text, c->insn);
	}
	/* Enough of each that the comparison means something. */
	cr_expect_geq(ARRAY_SIZE(decode_random_ok), 500);
	cr_expect_geq(ARRAY_SIZE(decode_random_refused), 500);
}

/* ESR_EL2 of a data abort from a lower EL, ISV set, built field by field
 * from the ISS layout of the Arm ARM. */
static __u64 dabt_esr(unsigned int sas, int sse, unsigned int srt, int sf,
		      int ar, int wnr)
{
	return (__u64)HYP_ESR_EC_DABT_LOW << 26 | 1u << 25 | 1u << 24 |
	       sas << 22 | (unsigned int)sse << 21 | srt << 16 |
	       (unsigned int)sf << 15 | (unsigned int)ar << 14 |
	       (unsigned int)wnr << 6 | 0x07;	/* DFSC: level 3 trans */
}

Test(decode, esr_every_field_combination, .timeout = 10)
{
	for (unsigned int sas = 0; sas < 4; sas++)
	for (int sse = 0; sse < 2; sse++)
	for (int sf = 0; sf < 2; sf++)
	for (int ar = 0; ar < 2; ar++)
	for (int wnr = 0; wnr < 2; wnr++)
	for (unsigned int srt = 0; srt < 32; srt++) {
		struct hyp_mmio_access a;
		__u64 esr = dabt_esr(sas, sse, srt, sf, ar, wnr);

		cr_assert_eq(hyp_decode_esr(esr, 0x0a000e50, &a),
			     HYP_DECODE_OK, "esr %#llx",
			     (unsigned long long)esr);
		cr_assert_eq(a.size, 1u << sas, "esr %#llx",
			     (unsigned long long)esr);
		cr_assert_eq(a.sign_extend, sse);
		cr_assert_eq(a.sf, sf);
		cr_assert_eq(a.acqrel, ar);
		cr_assert_eq(a.is_write, wnr);
		cr_assert_eq(a.rt, srt);
		cr_assert_eq(a.addr, 0x0a000e50);
		cr_assert_eq(a.rn, HYP_MMIO_REG_NONE);
		cr_assert_eq(a.rm, HYP_MMIO_REG_NONE);
		cr_assert_eq(a.rt2, HYP_MMIO_REG_NONE);
		cr_assert(!a.is_pair && !a.writeback);
	}
}

/* Syndromes worked out by hand from the Arm ARM, as a check on the
 * field positions that dabt_esr() and the decoder share. */
Test(decode, esr_known_values, .timeout = 10)
{
	static const struct {
		__u64 esr;
		__u32 size, sse, rt, sf, ar, wnr;
	} k[] = {
		{ 0x93810007, 4, 0, 1, 0, 0, 0 },	/* ldr w1 */
		{ 0x93c9c047, 8, 0, 9, 1, 1, 1 },	/* stlr x9 */
		{ 0x932f8006, 1, 1, 15, 1, 0, 0 },	/* ldrsb x15 */
		{ 0x977e0046, 2, 1, 30, 0, 0, 1 },	/* DABT_CUR, odd */
	};

	for (size_t i = 0; i < ARRAY_SIZE(k); i++) {
		struct hyp_mmio_access a;

		cr_assert_eq(hyp_decode_esr(k[i].esr, 0, &a), HYP_DECODE_OK,
			     "esr %#llx", (unsigned long long)k[i].esr);
		cr_expect_eq(a.size, k[i].size, "esr %#llx size %u",
			     (unsigned long long)k[i].esr, a.size);
		cr_expect_eq(a.sign_extend, k[i].sse);
		cr_expect_eq(a.rt, k[i].rt, "esr %#llx rt %u",
			     (unsigned long long)k[i].esr, a.rt);
		cr_expect_eq(a.sf, k[i].sf);
		cr_expect_eq(a.acqrel, k[i].ar);
		cr_expect_eq(a.is_write, k[i].wnr);
	}
}

Test(decode, esr_refused, .timeout = 10)
{
	struct hyp_mmio_access a;
	__u64 esr = dabt_esr(2, 0, 1, 0, 0, 0);

	cr_expect_eq(hyp_decode_esr(esr & ~(1ull << 24), 0, &a),
		     HYP_DECODE_NO_SYNDROME, "ISV=0");
	cr_expect_eq(hyp_decode_esr(esr | 1u << 8, 0, &a),
		     HYP_DECODE_UNSUPPORTED, "CM=1: cache maintenance");
	cr_expect_eq(hyp_decode_esr(esr | 1u << 7, 0, &a),
		     HYP_DECODE_UNSUPPORTED, "S1PTW=1: stage-1 walk");
	/* EC = 0x15, SVC64: not a data abort at all. */
	cr_expect_eq(hyp_decode_esr((esr & 0x3ffffffull) | 0x15ull << 26, 0,
				    &a), HYP_DECODE_UNSUPPORTED, "EC SVC");
}

/*
 * Every SAS/SSE/SF combination, through the syndrome decode and the
 * load-value rule, on a value negative in every width and on one
 * positive in every width.  The results are worked out by hand.
 */
Test(decode, esr_load_value_every_combination, .timeout = 10)
{
	static const __u64 neg = 0xdeadbeefcafef080ull;
	static const __u64 pos = 0x7eadbeef7afe7f7full;
	static const struct {
		unsigned int sas;
		int sse, sf;
		__u64 neg, pos;
	} k[] = {
		{ 0, 0, 0, 0x80, 0x7f },
		{ 0, 0, 1, 0x80, 0x7f },
		{ 0, 1, 0, 0xffffff80, 0x7f },
		{ 0, 1, 1, 0xffffffffffffff80, 0x7f },
		{ 1, 0, 0, 0xf080, 0x7f7f },
		{ 1, 0, 1, 0xf080, 0x7f7f },
		{ 1, 1, 0, 0xfffff080, 0x7f7f },
		{ 1, 1, 1, 0xfffffffffffff080, 0x7f7f },
		{ 2, 0, 0, 0xcafef080, 0x7afe7f7f },
		{ 2, 0, 1, 0xcafef080, 0x7afe7f7f },
		{ 2, 1, 0, 0xcafef080, 0x7afe7f7f },
		{ 2, 1, 1, 0xffffffffcafef080, 0x7afe7f7f },
		{ 3, 0, 0, 0xcafef080, 0x7afe7f7f },
		{ 3, 0, 1, 0xdeadbeefcafef080, 0x7eadbeef7afe7f7f },
		{ 3, 1, 0, 0xcafef080, 0x7afe7f7f },
		{ 3, 1, 1, 0xdeadbeefcafef080, 0x7eadbeef7afe7f7f },
	};

	for (size_t i = 0; i < ARRAY_SIZE(k); i++) {
		struct hyp_mmio_access a;
		__u64 v;

		cr_assert_eq(hyp_decode_esr(dabt_esr(k[i].sas, k[i].sse, 3,
						     k[i].sf, 0, 0), 0, &a),
			     HYP_DECODE_OK);
		v = hyp_mmio_load_value(neg, a.size, a.sign_extend, a.sf);
		cr_expect_eq(v, k[i].neg, "SAS %u SSE %d SF %d: %#llx",
			     k[i].sas, k[i].sse, k[i].sf,
			     (unsigned long long)v);
		v = hyp_mmio_load_value(pos, a.size, a.sign_extend, a.sf);
		cr_expect_eq(v, k[i].pos, "SAS %u SSE %d SF %d: %#llx",
			     k[i].sas, k[i].sse, k[i].sf,
			     (unsigned long long)v);
	}
}

/* Decode, then the value rules, as the trap handler will chain them. */
Test(decode, ldrsb_into_w_and_x, .timeout = 10)
{
	struct hyp_mmio_access a;

	cr_assert(decode_ok(find_case("ldrsb w8, [x9]"), &a));
	cr_expect_eq(hyp_mmio_load_value(0x80, a.size, a.sign_extend, a.sf),
		     0x00000000ffffff80ull);
	cr_assert(decode_ok(find_case("ldrsb x9, [x10, #3]"), &a));
	cr_expect_eq(hyp_mmio_load_value(0x80, a.size, a.sign_extend, a.sf),
		     0xffffffffffffff80ull);
	cr_assert(decode_ok(find_case("ldrsh w10, [x11, #6]"), &a));
	cr_expect_eq(hyp_mmio_load_value(0x12348000, a.size, a.sign_extend,
					 a.sf), 0x00000000ffff8000ull);
	cr_assert(decode_ok(find_case("ldrsw x12, [x13, #12]"), &a));
	cr_expect_eq(hyp_mmio_load_value(0x80000000, a.size, a.sign_extend,
					 a.sf), 0xffffffff80000000ull);
	cr_assert(decode_ok(find_case("ldrb w4, [x5, #4095]"), &a));
	cr_expect_eq(hyp_mmio_load_value(0xff80, a.size, a.sign_extend, a.sf),
		     0x80ull);
	cr_assert(decode_ok(find_case("ldr w6, [x7, #16380]"), &a));
	cr_expect_eq(hyp_mmio_load_value(~0ull, a.size, a.sign_extend, a.sf),
		     0xffffffffull);
}

/* The careless driver of design rule 4: emulate it completely. */
Test(decode, str_w9_post_index, .timeout = 10)
{
	const struct decode_case *c = find_case("str w9, [x0], #4");
	__u64 x[31] = { 0 };
	struct hyp_mmio_access a;

	x[0] = 0xffff800010000000ull;
	x[9] = 0xaaaaaaaa12345678ull;
	cr_assert(decode_ok(c, &a));
	cr_expect(a.is_write && a.size == 4 && a.rt == 9 && a.rn == 0);
	cr_expect_eq(hyp_mmio_ea(&a, x[0], 0), x[0], "post-index: at Xn");
	cr_expect_eq(hyp_mmio_store_value(a.rt, hyp_mmio_xreg_read(x, a.rt),
					  a.size), 0x12345678ull);
	cr_expect_eq(hyp_mmio_writeback(&a, x[0]), 0xffff800010000004ull);
}

Test(decode, pair_second_access_and_sp, .timeout = 10)
{
	struct hyp_mmio_access a;
	__u64 sp = 0x80000;

	cr_assert(decode_ok(find_case("ldp x29, x30, [sp], #16"), &a));
	cr_expect_eq(a.addr2, a.addr + 8);
	cr_expect_eq(a.rn, HYP_MMIO_REG_ZR_SP);
	cr_expect_eq(hyp_mmio_ea(&a, sp, 0), sp);
	cr_expect_eq(hyp_mmio_writeback(&a, sp), sp + 16);
	cr_assert(decode_ok(find_case("stp x29, x30, [sp, #-16]!"), &a));
	cr_expect_eq(hyp_mmio_ea(&a, sp, 0), sp - 16);
	cr_expect_eq(hyp_mmio_writeback(&a, sp), sp - 16);
	cr_assert(decode_ok(find_case("ldpsw x23, x24, [x25, #-4]!"), &a));
	cr_expect_eq(a.addr2, a.addr + 4);
}

/* Register offset: the index is extended, then scaled. */
Test(decode, register_offset_address, .timeout = 10)
{
	static const struct {
		const char *text;
		__u64 xm, ea;
	} k[] = {
		{ "ldr x0, [x1, w2, sxtw #3]", 0xdeadbeefffffffffull,
		  0x10000 - 8 },
		{ "strh w22, [x23, w24, uxtw #1]", 0xffffffff80000000ull,
		  0x100010000ull },
		{ "ldr x3, [x4, x5, lsl #3]", 2, 0x10010 },
		{ "ldrh w26, [x27, x28, sxtx #1]", (__u64)-3, 0x10000 - 6 },
		{ "ldrb w25, [x26, w27, sxtw]", 0x00000001ffffff00ull,
		  0x10000 - 0x100 },
		{ "ldr w27, [x28, x29, sxtx]", 0x100000000ull, 0x100010000ull },
	};
	struct hyp_mmio_access a;

	for (size_t i = 0; i < ARRAY_SIZE(k); i++) {
		cr_assert(decode_ok(find_case(k[i].text), &a));
		cr_expect_eq(hyp_mmio_ea(&a, 0x10000, k[i].xm), k[i].ea,
			     "%s: ea %#llx", k[i].text,
			     (unsigned long long)hyp_mmio_ea(&a, 0x10000,
							     k[i].xm));
	}
}

Test(decode, xzr_reads_zero_and_drops_writes, .timeout = 10)
{
	/* x[31] stands for whatever follows x30 in a trap frame. */
	__u64 x[32];
	struct hyp_mmio_access a;

	for (int i = 0; i < 32; i++)
		x[i] = 0x1111111111111111ull * (__u64)(i % 15 + 1);
	cr_expect_eq(hyp_mmio_xreg_read(x, 31), 0);
	cr_expect_eq(hyp_mmio_xreg_read(x, 30), x[30]);
	hyp_mmio_xreg_write(x, 31, 0x1234);
	cr_expect_eq(x[31], 0x1111111111111111ull * 2, "XZR write landed");
	hyp_mmio_xreg_write(x, 0, 0x1234);
	cr_expect_eq(x[0], 0x1234);

	cr_assert(decode_ok(find_case("str xzr, [x1]"), &a));
	cr_expect_eq(hyp_mmio_store_value(a.rt, ~0ull, a.size), 0);
	cr_assert(decode_ok(find_case("strb wzr, [x2, #4]"), &a));
	cr_expect_eq(hyp_mmio_store_value(a.rt, ~0ull, a.size), 0);
	cr_assert(decode_ok(find_case("ldr wzr, [x0]"), &a));
	cr_expect_eq(a.rt, 31);
}

Test(decode, store_value_takes_low_bytes, .timeout = 10)
{
	static const __u64 xt = 0x1122334455667788ull;

	cr_expect_eq(hyp_mmio_store_value(0, xt, 1), 0x88);
	cr_expect_eq(hyp_mmio_store_value(7, xt, 2), 0x7788);
	cr_expect_eq(hyp_mmio_store_value(30, xt, 4), 0x55667788);
	cr_expect_eq(hyp_mmio_store_value(30, xt, 8), xt);
	cr_expect_eq(hyp_mmio_store_value(31, xt, 8), 0);
}

Test(decode, strerror_names_every_result, .timeout = 10)
{
	for (int r = HYP_DECODE_OK; r <= HYP_DECODE_UNPREDICTABLE; r++)
		cr_expect_str_neq(hyp_decode_strerror(r),
				  "unknown decode result", "result %d", r);
}
