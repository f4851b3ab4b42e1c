// SPDX-License-Identifier: MIT
/*
 * Description: print the data-abort decoder's reading of each 32-bit
 * little-endian word on stdin, one line per word, for sweep.py to
 * compare with binutils' disassembly of the same words:
 *   ok WRITE SIZE SX SF RT RT2 RN RM EXT SH OFF WB   (RT2/RM/EXT/WB: -
 *                                                     when none)
 *   unpredictable | refused
 */
#include <stdio.h>

#include <decode.h>

static const char *ext_name(__u8 e)
{
	switch (e) {
	case HYP_MMIO_EXT_UXTW: return "uxtw";
	case HYP_MMIO_EXT_LSL: return "lsl";
	case HYP_MMIO_EXT_SXTW: return "sxtw";
	case HYP_MMIO_EXT_SXTX: return "sxtx";
	}
	return "?";
}

int main(void)
{
	struct hyp_mmio_access a;
	__u32 w;

	while (fread(&w, sizeof(w), 1, stdin) == 1) {
		enum hyp_decode_result res = hyp_decode_insn(w, 0x1000, &a);
		char rt2[8] = "-", rm[8] = "-", wb[24] = "-";

		if (res == HYP_DECODE_UNPREDICTABLE) {
			puts("unpredictable");
			continue;
		}
		if (res != HYP_DECODE_OK) {
			puts("refused");
			continue;
		}
		if (a.is_pair)
			snprintf(rt2, sizeof(rt2), "%u", a.rt2);
		if (a.rm != HYP_MMIO_REG_NONE)
			snprintf(rm, sizeof(rm), "%u", a.rm);
		if (a.writeback)
			snprintf(wb, sizeof(wb), "%lld",
				 (long long)a.wb_offset);
		printf("ok %u %u %u %u %u %s %u %s %s %u %lld %s\n",
		       a.is_write, a.size, a.sign_extend, a.sf, a.rt, rt2,
		       a.rn, rm, a.rm == HYP_MMIO_REG_NONE ? "-" :
		       ext_name(a.extend), a.shift, (long long)a.offset, wb);
	}
	return 0;
}
