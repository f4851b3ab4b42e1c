// SPDX-License-Identifier: MIT
/*
 * ESR_EL2 in words, for crash reports and trap logs.
 */
#include <arm64/esr.h>
#include <hyp/printk.h>

static const char *const esr_ec_names[ESR_EC_MAX + 1] = {
	[ESR_EC_UNKNOWN]	= "UNKNOWN",
	[ESR_EC_WFX]		= "WFx",
	[ESR_EC_CP15_32]	= "CP15_32",
	[ESR_EC_CP15_64]	= "CP15_64",
	[ESR_EC_CP14_MR]	= "CP14_MR",
	[ESR_EC_CP14_LS]	= "CP14_LS",
	[ESR_EC_FP_ASIMD]	= "FP_ASIMD",
	[ESR_EC_CP14_64]	= "CP14_64",
	[ESR_EC_ILL]		= "ILLEGAL_STATE",
	[ESR_EC_SVC32]		= "SVC32",
	[ESR_EC_HVC32]		= "HVC32",
	[ESR_EC_SMC32]		= "SMC32",
	[ESR_EC_SVC64]		= "SVC64",
	[ESR_EC_HVC64]		= "HVC64",
	[ESR_EC_SMC64]		= "SMC64",
	[ESR_EC_SYS64]		= "SYS64",
	[ESR_EC_IABT_LOW]	= "IABT_LOW",
	[ESR_EC_IABT_CUR]	= "IABT_CUR",
	[ESR_EC_PC_ALIGN]	= "PC_ALIGN",
	[ESR_EC_DABT_LOW]	= "DABT_LOW",
	[ESR_EC_DABT_CUR]	= "DABT_CUR",
	[ESR_EC_SP_ALIGN]	= "SP_ALIGN",
	[ESR_EC_FP_EXC32]	= "FP_EXC32",
	[ESR_EC_FP_EXC64]	= "FP_EXC64",
	[ESR_EC_SERROR]		= "SERROR",
	[ESR_EC_BREAKPT_LOW]	= "BREAKPT_LOW",
	[ESR_EC_BREAKPT_CUR]	= "BREAKPT_CUR",
	[ESR_EC_SOFTSTP_LOW]	= "SOFTSTP_LOW",
	[ESR_EC_SOFTSTP_CUR]	= "SOFTSTP_CUR",
	[ESR_EC_WATCHPT_LOW]	= "WATCHPT_LOW",
	[ESR_EC_WATCHPT_CUR]	= "WATCHPT_CUR",
	[ESR_EC_BKPT32]		= "BKPT32",
	[ESR_EC_BRK64]		= "BRK64",
};

const char *esr_ec_name(unsigned int ec)
{
	if (ec > ESR_EC_MAX || !esr_ec_names[ec])
		return "EC_??";
	return esr_ec_names[ec];
}

const char *esr_fsc_name(unsigned int fsc)
{
	switch (fsc & 0x3c) {
	case 0x00:
		return "address size fault";
	case 0x04:
		return "translation fault";
	case 0x08:
		return "access flag fault";
	case 0x0c:
		return "permission fault";
	}
	switch (fsc) {
	case 0x10:
		return "synchronous external abort";
	case 0x21:
		return "alignment fault";
	case 0x30:
		return "TLB conflict abort";
	}
	return "other fault";
}

static int esr_fsc_has_level(unsigned int fsc)
{
	return fsc < 0x10;
}

static int esr_is_abort(unsigned int ec)
{
	return ec == ESR_EC_DABT_LOW || ec == ESR_EC_DABT_CUR ||
	       ec == ESR_EC_IABT_LOW || ec == ESR_EC_IABT_CUR;
}

void esr_print(__u64 esr)
{
	unsigned int ec = esr_ec(esr), fsc = esr_dabt_dfsc(esr);

	hyp_printk(" ESR_EL2 0x%08lx: EC 0x%02x %s, IL %u, ISS 0x%07x\n",
		   esr, ec, esr_ec_name(ec), esr_il(esr), esr_iss(esr));
	if (!esr_is_abort(ec))
		return;
	if (ec == ESR_EC_DABT_LOW || ec == ESR_EC_DABT_CUR)
		hyp_printk(" data abort: ISV %u SAS %u SSE %u SRT %u SF %u AR %u WnR %u S1PTW %u DFSC 0x%02x\n",
			   esr_dabt_isv(esr), esr_dabt_sas(esr),
			   esr_dabt_sse(esr), esr_dabt_srt(esr),
			   esr_dabt_sf(esr), esr_dabt_ar(esr),
			   esr_dabt_wnr(esr), esr_dabt_s1ptw(esr), fsc);
	if (esr_fsc_has_level(fsc))
		hyp_printk(" fault: %s, level %u\n", esr_fsc_name(fsc),
			   fsc & 3);
	else
		hyp_printk(" fault: %s\n", esr_fsc_name(fsc));
}
