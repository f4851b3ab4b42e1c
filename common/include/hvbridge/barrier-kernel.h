/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/barrier-kernel.h - ordering primitives for the kernel module,
 * mapped onto the kernel's own (Documentation/memory-barriers.txt).
 * Include <hvbridge/barrier.h>, not this file.
 */
#ifndef HVBRIDGE_BARRIER_KERNEL_H
#define HVBRIDGE_BARRIER_KERNEL_H

#include <linux/compiler.h>
#include <linux/atomic.h>
#include <asm/barrier.h>
#include <asm/processor.h>
#include <hvbridge/types.h>

static inline __u64 hvb_load_acquire_u64(const __u64 *p)
{
	return smp_load_acquire(p);
}

static inline __u32 hvb_load_acquire_u32(const __u32 *p)
{
	return smp_load_acquire(p);
}

static inline void hvb_store_release_u64(__u64 *p, __u64 v)
{
	smp_store_release(p, v);
}

static inline void hvb_store_release_u32(__u32 *p, __u32 v)
{
	smp_store_release(p, v);
}

static inline __u16 hvb_load_acquire_u16(const __u16 *p)
{
	return smp_load_acquire(p);
}

static inline void hvb_store_release_u16(__u16 *p, __u16 v)
{
	smp_store_release(p, v);
}

static inline __u16 hvb_read_once_u16(const __u16 *p)
{
	return READ_ONCE(*p);
}

static inline void hvb_write_once_u16(__u16 *p, __u16 v)
{
	WRITE_ONCE(*p, v);
}

static inline __u64 hvb_read_once_u64(const __u64 *p)
{
	return READ_ONCE(*p);
}

static inline __u32 hvb_read_once_u32(const __u32 *p)
{
	return READ_ONCE(*p);
}

static inline void hvb_write_once_u64(__u64 *p, __u64 v)
{
	WRITE_ONCE(*p, v);
}

static inline void hvb_write_once_u32(__u32 *p, __u32 v)
{
	WRITE_ONCE(*p, v);
}

static inline void hvb_mb(void)
{
	smp_mb();
}

static inline void hvb_rmb(void)
{
	smp_rmb();
}

static inline void hvb_wmb(void)
{
	smp_wmb();
}

static inline __u64 hvb_xchg_u64(__u64 *p, __u64 v)
{
	return xchg(p, v);
}

static inline __u32 hvb_xchg_u32(__u32 *p, __u32 v)
{
	return xchg(p, v);
}

static inline __u64 hvb_fetch_or_u64(__u64 *p, __u64 v)
{
	__u64 old = READ_ONCE(*p), seen;

	while ((seen = cmpxchg(p, old, old | v)) != old)
		old = seen;
	return old;
}

static inline __u32 hvb_fetch_add_u32(__u32 *p, __u32 v)
{
	__u32 old = READ_ONCE(*p), seen;

	while ((seen = cmpxchg(p, old, old + v)) != old)
		old = seen;
	return old;
}

static inline __u32 hvb_cmpxchg_u32(__u32 *p, __u32 old, __u32 v)
{
	return cmpxchg(p, old, v);
}

static inline void hvb_cpu_relax(void)
{
	cpu_relax();
}

#endif /* HVBRIDGE_BARRIER_KERNEL_H */
