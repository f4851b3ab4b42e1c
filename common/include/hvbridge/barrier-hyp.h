/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/barrier-hyp.h - ordering primitives for the EL2 hypervisor.
 *
 * Native aarch64: ldar/stlr for acquire/release, dmb ish for the fences,
 * exclusive-pair loops for read-modify-write (ARMv8.0, no LSE needed; the
 * region is Normal Inner-Shareable Write-Back memory on every side, which
 * the exclusive monitors require).  The "Q" constraint gives a bare
 * [Xn] address, which is all ldar/stlr/ldxr accept.
 * Include <hvbridge/barrier.h>, not this file.
 */
#ifndef HVBRIDGE_BARRIER_HYP_H
#define HVBRIDGE_BARRIER_HYP_H

#include <hvbridge/types.h>

#if !defined(__aarch64__)
#error "HVB_ENV_HYP is aarch64 only; the host build of the core uses barrier-user.h"
#endif

static inline __u64 hvb_load_acquire_u64(const __u64 *p)
{
	__u64 v;

	__asm__ volatile("ldar %0, %1" : "=r"(v) : "Q"(*p) : "memory");
	return v;
}

static inline __u32 hvb_load_acquire_u32(const __u32 *p)
{
	__u32 v;

	__asm__ volatile("ldar %w0, %1" : "=r"(v) : "Q"(*p) : "memory");
	return v;
}

static inline void hvb_store_release_u64(__u64 *p, __u64 v)
{
	__asm__ volatile("stlr %1, %0" : "=Q"(*p) : "r"(v) : "memory");
}

static inline void hvb_store_release_u32(__u32 *p, __u32 v)
{
	__asm__ volatile("stlr %w1, %0" : "=Q"(*p) : "r"(v) : "memory");
}

static inline __u16 hvb_load_acquire_u16(const __u16 *p)
{
	__u16 v;

	__asm__ volatile("ldarh %w0, %1" : "=r"(v) : "Q"(*p) : "memory");
	return v;
}

static inline void hvb_store_release_u16(__u16 *p, __u16 v)
{
	__asm__ volatile("stlrh %w1, %0" : "=Q"(*p) : "r"(v) : "memory");
}

static inline __u16 hvb_read_once_u16(const __u16 *p)
{
	return *(const volatile __u16 *)p;
}

static inline void hvb_write_once_u16(__u16 *p, __u16 v)
{
	*(volatile __u16 *)p = v;
}

static inline __u64 hvb_read_once_u64(const __u64 *p)
{
	return *(const volatile __u64 *)p;
}

static inline __u32 hvb_read_once_u32(const __u32 *p)
{
	return *(const volatile __u32 *)p;
}

static inline void hvb_write_once_u64(__u64 *p, __u64 v)
{
	*(volatile __u64 *)p = v;
}

static inline void hvb_write_once_u32(__u32 *p, __u32 v)
{
	*(volatile __u32 *)p = v;
}

static inline void hvb_mb(void)
{
	__asm__ volatile("dmb ish" ::: "memory");
}

static inline void hvb_rmb(void)
{
	__asm__ volatile("dmb ishld" ::: "memory");
}

static inline void hvb_wmb(void)
{
	__asm__ volatile("dmb ishst" ::: "memory");
}

/* Fully ordered as in Linux arm64 (ll/sc): stlxr, then dmb ish. */
static inline __u64 hvb_xchg_u64(__u64 *p, __u64 v)
{
	__u64 old;
	__u32 fail;

	__asm__ volatile("1:	ldxr	%0, %2\n"
			 "	stlxr	%w1, %3, %2\n"
			 "	cbnz	%w1, 1b\n"
			 "	dmb	ish"
			 : "=&r"(old), "=&r"(fail), "+Q"(*p)
			 : "r"(v)
			 : "memory");
	return old;
}

static inline __u32 hvb_xchg_u32(__u32 *p, __u32 v)
{
	__u32 old, fail;

	__asm__ volatile("1:	ldxr	%w0, %2\n"
			 "	stlxr	%w1, %w3, %2\n"
			 "	cbnz	%w1, 1b\n"
			 "	dmb	ish"
			 : "=&r"(old), "=&r"(fail), "+Q"(*p)
			 : "r"(v)
			 : "memory");
	return old;
}

static inline __u64 hvb_fetch_or_u64(__u64 *p, __u64 v)
{
	__u64 old, tmp;
	__u32 fail;

	__asm__ volatile("1:	ldxr	%0, %3\n"
			 "	orr	%1, %0, %4\n"
			 "	stlxr	%w2, %1, %3\n"
			 "	cbnz	%w2, 1b\n"
			 "	dmb	ish"
			 : "=&r"(old), "=&r"(tmp), "=&r"(fail), "+Q"(*p)
			 : "r"(v)
			 : "memory");
	return old;
}

static inline __u32 hvb_fetch_add_u32(__u32 *p, __u32 v)
{
	__u32 old, tmp, fail;

	__asm__ volatile("1:	ldxr	%w0, %3\n"
			 "	add	%w1, %w0, %w4\n"
			 "	stlxr	%w2, %w1, %3\n"
			 "	cbnz	%w2, 1b\n"
			 "	dmb	ish"
			 : "=&r"(old), "=&r"(tmp), "=&r"(fail), "+Q"(*p)
			 : "r"(v)
			 : "memory");
	return old;
}

/* Returns the value found; on a mismatch nothing is stored. */
static inline __u32 hvb_cmpxchg_u32(__u32 *p, __u32 old, __u32 v)
{
	__u32 seen, fail;

	__asm__ volatile("1:	ldxr	%w0, %2\n"
			 "	cmp	%w0, %w3\n"
			 "	b.ne	2f\n"
			 "	stlxr	%w1, %w4, %2\n"
			 "	cbnz	%w1, 1b\n"
			 "	dmb	ish\n"
			 "2:"
			 : "=&r"(seen), "=&r"(fail), "+Q"(*p)
			 : "r"(old), "r"(v)
			 : "cc", "memory");
	return seen;
}

/* No "memory" clobber on purpose: see barrier.h. */
static inline void hvb_cpu_relax(void)
{
	__asm__ volatile("yield");
}

#endif /* HVBRIDGE_BARRIER_HYP_H */
