// SPDX-License-Identifier: MIT
/*
 * Description: an instruction decoded for a trap without syndrome is
 * emulated only if it addresses the virtual address that faulted
 * (hyp_decode_trapped_insn(), the check hyp_vcpu_dabt() relies on).  The
 * code or its registers may have changed since the fault: the same
 * instruction with a base that now points elsewhere is refused, the
 * post-index form is checked at its base (not base + offset), the index
 * and SP forms use the right registers, and a pair whose second half
 * faulted (the first half was not MMIO) is refused.  The words are the
 * aarch64 assembler's encodings of the text beside each.
 */
#include <criterion/criterion.h>

#include <decode.h>

TestSuite(far);

#define IPA	0x0b000040ull

struct far_case {
	const char *text;
	__u32 insn;
	__u64 far_ok;		/* the VA the instruction addresses */
};

Test(far, an_instruction_is_emulated_only_at_the_address_that_faulted)
{
	static const struct far_case cases[] = {
		{ "ldr x1, [x0, #8]", 0xf9400401, 0x1008 },
		{ "str w9, [x0], #4", 0xb8004409, 0x1000 },	/* base */
		{ "ldr w1, [x2, x3, lsl #2]", 0xb8637841, 0x200c },
		{ "ldr x1, [sp, #16]", 0xf9400be1, 0x8010 },
		{ "ldp x1, x2, [x0]", 0xa9400801, 0x1000 },
	};
	__u64 x[31] = { 0 };
	struct hyp_mmio_access acc;
	unsigned int i;

	x[0] = 0x1000;
	x[2] = 0x2000;
	x[3] = 3;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct far_case *c = &cases[i];

		cr_expect_eq(hyp_decode_trapped_insn(c->insn, IPA, c->far_ok, x,
						     0x8000, &acc),
			     HYP_DECODE_OK, "%s at its own address",
			     c->text);
		cr_expect_eq(acc.addr, IPA, "%s", c->text);
		/* Off by one access, either way: as if Xn had moved. */
		cr_expect_eq(hyp_decode_trapped_insn(c->insn, IPA,
						     c->far_ok + acc.size, x,
						     0x8000, &acc),
			     HYP_DECODE_FAR_MISMATCH, "%s, FAR one access on",
			     c->text);
		cr_expect_eq(hyp_decode_trapped_insn(c->insn, IPA,
						     c->far_ok - 8, x, 0x8000,
						     &acc),
			     HYP_DECODE_FAR_MISMATCH, "%s, FAR 8 bytes before",
			     c->text);
	}
	cr_expect_str_eq(hyp_decode_strerror(HYP_DECODE_FAR_MISMATCH),
			 "instruction does not match FAR");
}

/* The code changed under the fault: a different instruction at ELR. */
Test(far, a_changed_instruction_at_the_pc_is_refused)
{
	__u64 x[31] = { 0 };
	struct hyp_mmio_access acc;

	x[0] = 0x1000;
	x[5] = 0x5000;
	/* ldr x1, [x0, #8] faulted at 0x1008; ELR now holds
	 * ldr x1, [x0] (0xf9400001), or ldr x1, [x5, #8] (0xf94004a1). */
	cr_expect_eq(hyp_decode_trapped_insn(0xf9400001, IPA, 0x1008, x, 0,
					     &acc), HYP_DECODE_FAR_MISMATCH);
	cr_expect_eq(hyp_decode_trapped_insn(0xf94004a1, IPA, 0x1008, x, 0,
					     &acc), HYP_DECODE_FAR_MISMATCH);
	/* A word that decodes to nothing stays refused for that reason. */
	cr_expect_neq(hyp_decode_trapped_insn(0, IPA, 0x1008, x, 0, &acc),
		      HYP_DECODE_OK);
}
