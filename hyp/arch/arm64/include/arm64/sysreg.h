/* SPDX-License-Identifier: MIT */
/*
 * arm64/sysreg.h - system register accessors and the EL2 control bits the
 * hypervisor sets.  Bit positions are those of the Arm ARM (DDI 0487),
 * non-VHE EL2 (HCR_EL2.E2H == 0).  Usable from assembly.
 */
#ifndef ARM64_SYSREG_H
#define ARM64_SYSREG_H

#ifdef __ASSEMBLER__
#define ARM64_ULL(x)		x
#define ARM64_BIT(n)		(1 << (n))
#else
#define ARM64_ULL(x)		x##ull
#define ARM64_BIT(n)		(1u << (n))
#endif
#define ARM64_BITUL(n)		(ARM64_ULL(1) << (n))

/* CurrentEL: EL in bits [3:2]. */
#define CURRENTEL_EL2		(2 << 2)

/* HCR_EL2 */
#define HCR_VM			ARM64_BITUL(0)	/* stage-2 translation on */
/* set/way inval -> clean+inval */
#define HCR_SWIO		ARM64_BITUL(1)
#define HCR_FMO			ARM64_BITUL(3)
#define HCR_IMO			ARM64_BITUL(4)
#define HCR_AMO			ARM64_BITUL(5)
#define HCR_FB			ARM64_BITUL(9)	/* broadcast TLB/cache maint. */
/* barriers: inner shareable */
#define HCR_BSU_IS		(ARM64_ULL(1) << 10)
#define HCR_TWI			ARM64_BITUL(13)
#define HCR_TWE			ARM64_BITUL(14)
#define HCR_TSC			ARM64_BITUL(19)	/* trap SMC (PSCI) */
#define HCR_TACR		ARM64_BITUL(21)	/* trap ACTLR_EL1 */
#define HCR_TGE			ARM64_BITUL(27)
#define HCR_RW			ARM64_BITUL(31)	/* EL1 is AArch64 */
#define HCR_E2H			ARM64_BITUL(34)

/* SCTLR_EL2, non-VHE.  RES1: bits 4, 5, 11, 16, 18, 22, 23, 28, 29. */
#define SCTLR_EL2_RES1		ARM64_ULL(0x30c50830)
#define SCTLR_M			ARM64_BITUL(0)	/* stage-1 MMU */
#define SCTLR_A			ARM64_BITUL(1)	/* alignment check */
#define SCTLR_C			ARM64_BITUL(2)	/* data cacheable */
#define SCTLR_SA		ARM64_BITUL(3)	/* SP alignment check */
#define SCTLR_I			ARM64_BITUL(12)	/* instruction cacheable */
#define SCTLR_WXN		ARM64_BITUL(19)
#define SCTLR_EE		ARM64_BITUL(25)	/* big-endian data */

/* SPSR_ELx: DAIF masks and the mode field. */
#define SPSR_D			ARM64_BIT(9)
#define SPSR_A			ARM64_BIT(8)
#define SPSR_I			ARM64_BIT(7)
#define SPSR_F			ARM64_BIT(6)
#define SPSR_DAIF		(SPSR_D | SPSR_A | SPSR_I | SPSR_F)
#define SPSR_MODE_MASK		0xf
#define SPSR_MODE_EL0T		0x0
#define SPSR_MODE_EL1T		0x4
#define SPSR_MODE_EL1H		0x5

/* MPIDR_EL1: the affinity level 0 field numbers CPUs on QEMU virt. */
#define MPIDR_AFF0_MASK		0xff

#ifndef __ASSEMBLER__
#include <hvbridge/types.h>

/* One level of indirection: a register given as a macro (an S3_... name
 * the assembler may not know by its architectural name) is expanded. */
#define ARM64_STR(x)	#x

#define arm64_read_sysreg(reg) ({					\
	__u64 __v;							\
	__asm__ volatile("mrs %0, " ARM64_STR(reg) : "=r"(__v));	\
	__v;								\
})

#define arm64_write_sysreg(reg, v) do {					\
	__u64 __v = (__u64)(v);						\
	__asm__ volatile("msr " ARM64_STR(reg) ", %0"			\
			 : : "r"(__v) : "memory");			\
} while (0)

static inline void arm64_isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

static inline void arm64_dsb_sy(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

static inline void arm64_dsb_ish(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
}

/* Stop this CPU for good; nothing wakes it (interrupts are masked). */
static inline __attribute__((noreturn)) void arm64_halt(void)
{
	for (;;)
		__asm__ volatile("wfi");
}
#endif /* !__ASSEMBLER__ */

#endif /* ARM64_SYSREG_H */
