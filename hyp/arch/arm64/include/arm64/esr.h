/* SPDX-License-Identifier: MIT */
/*
 * arm64/esr.h - ESR_ELx: exception class, and the ISS of data aborts.
 *
 *   ESR: EC [31:26], IL [25], ISS [24:0]
 *   data abort ISS: ISV [24], SAS [23:22], SSE [21], SRT [20:16],
 *                   SF [15], AR [14], VNCR [13], FnV [10], EA [9],
 *                   CM [8], S1PTW [7], WnR [6], DFSC [5:0]
 *   SAS..AR are valid only when ISV = 1.
 */
#ifndef ARM64_ESR_H
#define ARM64_ESR_H

#include <hvbridge/types.h>

#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_WFX		0x01
#define ESR_EC_CP15_32		0x03
#define ESR_EC_CP15_64		0x04
#define ESR_EC_CP14_MR		0x05
#define ESR_EC_CP14_LS		0x06
#define ESR_EC_FP_ASIMD		0x07
#define ESR_EC_CP14_64		0x0c
#define ESR_EC_ILL		0x0e
#define ESR_EC_SVC32		0x11
#define ESR_EC_HVC32		0x12
#define ESR_EC_SMC32		0x13
#define ESR_EC_SVC64		0x15
#define ESR_EC_HVC64		0x16
#define ESR_EC_SMC64		0x17
#define ESR_EC_SYS64		0x18
#define ESR_EC_IABT_LOW		0x20
#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_PC_ALIGN		0x22
#define ESR_EC_DABT_LOW		0x24
#define ESR_EC_DABT_CUR		0x25
#define ESR_EC_SP_ALIGN		0x26
#define ESR_EC_FP_EXC32		0x28
#define ESR_EC_FP_EXC64		0x2c
#define ESR_EC_SERROR		0x2f
#define ESR_EC_BREAKPT_LOW	0x30
#define ESR_EC_BREAKPT_CUR	0x31
#define ESR_EC_SOFTSTP_LOW	0x32
#define ESR_EC_SOFTSTP_CUR	0x33
#define ESR_EC_WATCHPT_LOW	0x34
#define ESR_EC_WATCHPT_CUR	0x35
#define ESR_EC_BKPT32		0x38
#define ESR_EC_BRK64		0x3c
#define ESR_EC_MAX		0x3f

static inline unsigned int esr_ec(__u64 esr)
{
	return (esr >> 26) & 0x3f;
}

static inline unsigned int esr_il(__u64 esr)
{
	return (esr >> 25) & 1;
}

static inline __u32 esr_iss(__u64 esr)
{
	return esr & 0x1ffffff;
}

/* Data abort ISS fields. */
static inline unsigned int esr_dabt_isv(__u64 esr)
{
	return (esr >> 24) & 1;
}

/* Access size: 1 << SAS bytes. */
static inline unsigned int esr_dabt_sas(__u64 esr)
{
	return (esr >> 22) & 3;
}

static inline unsigned int esr_dabt_sse(__u64 esr)
{
	return (esr >> 21) & 1;
}

static inline unsigned int esr_dabt_srt(__u64 esr)
{
	return (esr >> 16) & 0x1f;
}

static inline unsigned int esr_dabt_sf(__u64 esr)
{
	return (esr >> 15) & 1;
}

static inline unsigned int esr_dabt_ar(__u64 esr)
{
	return (esr >> 14) & 1;
}

static inline unsigned int esr_dabt_s1ptw(__u64 esr)
{
	return (esr >> 7) & 1;
}

static inline unsigned int esr_dabt_wnr(__u64 esr)
{
	return (esr >> 6) & 1;
}

static inline unsigned int esr_dabt_dfsc(__u64 esr)
{
	return esr & 0x3f;
}

/* The EC's short name ("DABT_LOW"), or "EC_??" for an unlisted one. */
const char *esr_ec_name(unsigned int ec);
/* DFSC/IFSC as words ("translation fault, level 1"); the level is
 * printed by the caller from the low two bits where the name says so. */
const char *esr_fsc_name(unsigned int fsc);
/* Print ESR decoded: EC name, IL, ISS, and the ISS fields of an abort. */
void esr_print(__u64 esr);

#endif /* ARM64_ESR_H */
