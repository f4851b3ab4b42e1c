/* SPDX-License-Identifier: MIT */
/*
 * arm64/mmio.h - device register accessors.
 *
 * Each is one load or store in inline assembly with a plain [Xn] address:
 * no writeback, so an access that traps (a zone's emulated device, or a
 * hypervisor running nested) carries a full syndrome (ISV=1), and the
 * compiler can neither merge, split nor reorder it against other volatile
 * asm.  Design rule 3.  Each access also records its address in the
 * .hyp_mmio_sites section, so the build (arm64.mk, check-mmio) can
 * disassemble exactly those instructions and fail on a writeback form.
 */
#ifndef ARM64_MMIO_H
#define ARM64_MMIO_H

#include <hvbridge/types.h>

#define ARM64_MMIO_SITE							\
	".pushsection .hyp_mmio_sites, \"a\"\n"				\
	"	.balign 8\n"						\
	"	.quad 1b\n"						\
	".popsection\n"

/*
 * mmio_read<bits>() and mmio_write<bits>(): one pair per width, the
 * same code but for the instruction and the register's name (%w0 or
 * %x0); the load goes through a 32-bit register for 8 bits.
 */
#define ARM64_MMIO_ACCESSORS(bits, type, reg_type, ld, st, r)		\
static inline type mmio_read##bits(const volatile void *addr)		\
{									\
	reg_type v;							\
									\
	__asm__ volatile("1:	" ld " %" r "0, [%1]\n" ARM64_MMIO_SITE	\
			 : "=r"(v) : "r"(addr) : "memory");		\
	return (type)v;							\
}									\
									\
static inline void mmio_write##bits(volatile void *addr, type v)	\
{									\
	__asm__ volatile("1:	" st " %" r "0, [%1]\n" ARM64_MMIO_SITE	\
			 : : "rZ"(v), "r"(addr) : "memory");		\
}

ARM64_MMIO_ACCESSORS(8, __u8, __u32, "ldrb", "strb", "w")
ARM64_MMIO_ACCESSORS(16, __u16, __u32, "ldrh", "strh", "w")
ARM64_MMIO_ACCESSORS(32, __u32, __u32, "ldr", "str", "w")
ARM64_MMIO_ACCESSORS(64, __u64, __u64, "ldr", "str", "x")

#endif /* ARM64_MMIO_H */
