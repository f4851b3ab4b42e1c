/* SPDX-License-Identifier: MIT */
/*
 * The row types of tests/decode's generated tables: cases.h (from
 * cases.txt, by gen_cases.py) and random.h (gen_random.py: words that
 * binutils' objdump disassembled at build time).  Shared by
 * decode_test.c and tests/fuzz/fuzz_decode.c.
 */
#ifndef HVB_TESTS_DECODE_ROWS_H
#define HVB_TESTS_DECODE_ROWS_H

#include <decode.h>

enum decode_form {
	DECODE_UIMM, DECODE_UNSCALED, DECODE_PRE, DECODE_POST, DECODE_REG,
	DECODE_PAIR_OFF, DECODE_PAIR_PRE, DECODE_PAIR_POST, DECODE_NR_FORMS,
	DECODE_RANDOM = DECODE_NR_FORMS	/* random.h: form not recorded */
};

struct decode_case {
	int line;			/* in cases.txt */
	const char *text;
	__u32 insn;
	enum decode_form form;
	__u32 is_write, size, sign_extend, sf;
	__u32 rt, rt2, rn, rm, extend, shift;
	__s64 offset;
	int writeback;
	__s64 wb_offset;
};

struct decode_reject {
	int line;
	const char *text;
	__u32 insn;
	enum hyp_decode_result reason;
};

#endif
