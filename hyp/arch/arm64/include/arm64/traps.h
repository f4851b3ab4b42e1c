/* SPDX-License-Identifier: MIT */
/*
 * arm64/traps.h - the EL2 trap frame and the exception-class dispatch.
 *
 * entry.S saves the interrupted context into a struct hyp_trap_frame on
 * the EL2 stack and restores it on return, so a handler changes the
 * guest's registers (Rt of an emulated load, a writeback base, ELR to
 * skip an instruction) by writing the frame.  The TF_* offsets are what
 * the assembly uses; traps.c checks each against the struct.
 */
#ifndef ARM64_TRAPS_H
#define ARM64_TRAPS_H

#define TF_X0		0
#define TF_X(n)		(8 * (n))
#define TF_SP_EL0	248
#define TF_SP_EL1	256
#define TF_SP_EL2	264
#define TF_ELR		272
#define TF_SPSR		280
#define TF_ESR		288
#define TF_FAR		296
#define TF_HPFAR	304
#define TF_SIZE		320	/* 16-byte multiple: SP stays aligned */

/* Vector kinds: entry.S passes (source * 4 + type). */
#define TRAP_SRC_CUR_SP0	0
#define TRAP_SRC_CUR_SPX	1
#define TRAP_SRC_LOW_A64	2
#define TRAP_SRC_LOW_A32	3
#define TRAP_TYPE_SYNC		0
#define TRAP_TYPE_IRQ		1
#define TRAP_TYPE_FIQ		2
#define TRAP_TYPE_SERROR	3

#ifndef __ASSEMBLER__
#include <hvbridge/types.h>

struct hyp_trap_frame {
	__u64 x[31];		/* x0..x30 of the interrupted context */
	__u64 sp_el0;		/* restored on return */
	__u64 sp_el1;		/* restored on return */
	__u64 sp_el2;	/* SP before the trap (EL2 traps); not restored */
	__u64 elr;		/* ELR_EL2: restored; skip an insn with += 4 */
	__u64 spsr;		/* SPSR_EL2: restored */
	__u64 esr;	/* ESR_EL2, FAR_EL2, HPFAR_EL2: read-only info */
	__u64 far;
	__u64 hpfar;
	__u64 pad;
};

/* What a lower-EL trap handler did with the trap. */
enum hyp_trap_result {
	HYP_TRAP_HANDLED,	/* frame updated; return to the guest */
	HYP_TRAP_UNHANDLED,	/* not ours: the caller reports and stops */
};

typedef enum hyp_trap_result (*hyp_trap_handler_t)(struct hyp_trap_frame *);

/* entry.S -> C, on the EL2 stack of the CPU that took the exception. */
void hyp_trap_dispatch(struct hyp_trap_frame *tf, __u64 kind);

/* Print every register of @tf and ESR decoded (crash report body). */
void hyp_trap_dump(const struct hyp_trap_frame *tf);

/* Register @n as the guest reads it: x31 (XZR as an Rt) reads 0. */
static inline __u64 hyp_trap_reg(const struct hyp_trap_frame *tf,
				 unsigned int n)
{
	return n < 31 ? tf->x[n] : 0;
}

/* Write register @n; a write to x31 (XZR) is discarded. */
static inline void hyp_trap_set_reg(struct hyp_trap_frame *tf,
				    unsigned int n, __u64 v)
{
	if (n < 31)
		tf->x[n] = v;
}
#endif /* !__ASSEMBLER__ */

#endif /* ARM64_TRAPS_H */
