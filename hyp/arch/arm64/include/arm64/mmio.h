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

static inline __u32 mmio_read32(const volatile void *addr)
{
	__u32 v;

	__asm__ volatile("1:	ldr %w0, [%1]\n" ARM64_MMIO_SITE
			 : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(volatile void *addr, __u32 v)
{
	__asm__ volatile("1:	str %w0, [%1]\n" ARM64_MMIO_SITE
			 : : "rZ"(v), "r"(addr) : "memory");
}

static inline __u64 mmio_read64(const volatile void *addr)
{
	__u64 v;

	__asm__ volatile("1:	ldr %0, [%1]\n" ARM64_MMIO_SITE
			 : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write64(volatile void *addr, __u64 v)
{
	__asm__ volatile("1:	str %x0, [%1]\n" ARM64_MMIO_SITE
			 : : "rZ"(v), "r"(addr) : "memory");
}

static inline __u8 mmio_read8(const volatile void *addr)
{
	__u32 v;

	__asm__ volatile("1:	ldrb %w0, [%1]\n" ARM64_MMIO_SITE
			 : "=r"(v) : "r"(addr) : "memory");
	return (__u8)v;
}

static inline void mmio_write8(volatile void *addr, __u8 v)
{
	__asm__ volatile("1:	strb %w0, [%1]\n" ARM64_MMIO_SITE
			 : : "rZ"(v), "r"(addr) : "memory");
}

#endif /* ARM64_MMIO_H */
