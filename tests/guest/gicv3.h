/* SPDX-License-Identifier: MIT */
/*
 * tests/guest/gicv3.h - what the test images that take interrupts (gic.c,
 * uart.c, virtio_dev.c, virq.c) need of a zone's virtual GICv3
 * (docs/interrupts.md): where QEMU virt puts the distributor and the
 * redistributors, the register offsets they use, and the CPU interface's
 * system registers by encoding (the assemblers need no GIC extension).
 * At EL1 with HCR_EL2.IMO set the ICC_* encodings reach the virtual
 * interface (ICV_*).
 */
#ifndef GUEST_GICV3_H
#define GUEST_GICV3_H

#include <hvbridge/types.h>

#define GICD		0x08000000ull
#define GICR		0x080a0000ull	/* the zone's first CPU's frame */
#define GICR_STRIDE	0x20000ull
#define GICR_SGI	0x10000ull	/* SGI and PPI frame */

/* Per-interrupt registers, in the distributor and (INTIDs 0-31) in a
 * redistributor's SGI frame; IROUTER only in the distributor. */
#define GICD_ISENABLER	0x100u
#define GICD_ICENABLER	0x180u
#define GICD_IPRIORITYR	0x400u
#define GICD_IROUTER	0x6000u

#define GIC_PPI_VTIMER	27u	/* the virtual timer */
#define GIC_SPURIOUS	1020u	/* IAR >= this: no interrupt */

#define GSTR_(x)	#x
#define GSTR(x)		GSTR_(x)
#define sysreg_read(r) ({						\
	__u64 __v;							\
	__asm__ volatile("mrs %0, " GSTR(r) : "=r"(__v));		\
	__v;								\
})
#define sysreg_write(r, v) \
	__asm__ volatile("msr " GSTR(r) ", %0" : : "r"((__u64)(v)) : "memory")

#define ICC_IAR1	S3_0_C12_C12_0
#define ICC_EOIR1	S3_0_C12_C12_1
#define ICC_PMR		S3_0_C4_C6_0
#define ICC_IGRPEN1	S3_0_C12_C12_7
#define ICC_SGI1R	S3_0_C12_C11_5
#define ICC_SRE		S3_0_C12_C12_5
#define ICC_AP1R0	S3_0_C12_C9_0

#endif /* GUEST_GICV3_H */
