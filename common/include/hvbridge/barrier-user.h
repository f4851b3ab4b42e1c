/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/barrier-user.h - ordering primitives for Linux user space (C11).
 *
 * The shared structs use plain __u32/__u64 (they are also compiled by the
 * kernel and the hypervisor), so each access casts to the _Atomic type of
 * the same size and alignment, as liburing's barrier.h does.
 * Include <hvbridge/barrier.h>, not this file.
 */
#ifndef HVBRIDGE_BARRIER_USER_H
#define HVBRIDGE_BARRIER_USER_H

#include <stdatomic.h>
#include <hvbridge/types.h>

#define HVB_ATOMIC16(p) ((_Atomic __u16 *)(p))
#define HVB_ATOMIC32(p) ((_Atomic __u32 *)(p))
#define HVB_ATOMIC64(p) ((_Atomic __u64 *)(p))

_Static_assert(sizeof(_Atomic __u64) == sizeof(__u64), "lock-free u64 atomics");
_Static_assert(sizeof(_Atomic __u32) == sizeof(__u32), "lock-free u32 atomics");
_Static_assert(sizeof(_Atomic __u16) == sizeof(__u16), "lock-free u16 atomics");

/* 16-bit forms: the virtqueue ring indices (virtio split rings). */
static inline __u16 hvb_load_acquire_u16(const __u16 *p)
{
	return atomic_load_explicit(HVB_ATOMIC16(p), memory_order_acquire);
}

static inline void hvb_store_release_u16(__u16 *p, __u16 v)
{
	atomic_store_explicit(HVB_ATOMIC16(p), v, memory_order_release);
}

static inline __u16 hvb_read_once_u16(const __u16 *p)
{
	return atomic_load_explicit(HVB_ATOMIC16(p), memory_order_relaxed);
}

static inline void hvb_write_once_u16(__u16 *p, __u16 v)
{
	atomic_store_explicit(HVB_ATOMIC16(p), v, memory_order_relaxed);
}

static inline __u64 hvb_load_acquire_u64(const __u64 *p)
{
	return atomic_load_explicit(HVB_ATOMIC64(p), memory_order_acquire);
}

static inline __u32 hvb_load_acquire_u32(const __u32 *p)
{
	return atomic_load_explicit(HVB_ATOMIC32(p), memory_order_acquire);
}

static inline void hvb_store_release_u64(__u64 *p, __u64 v)
{
	atomic_store_explicit(HVB_ATOMIC64(p), v, memory_order_release);
}

static inline void hvb_store_release_u32(__u32 *p, __u32 v)
{
	atomic_store_explicit(HVB_ATOMIC32(p), v, memory_order_release);
}

/* Single-copy-atomic access with no ordering (the kernel's READ_ONCE). */
static inline __u64 hvb_read_once_u64(const __u64 *p)
{
	return atomic_load_explicit(HVB_ATOMIC64(p), memory_order_relaxed);
}

static inline __u32 hvb_read_once_u32(const __u32 *p)
{
	return atomic_load_explicit(HVB_ATOMIC32(p), memory_order_relaxed);
}

static inline void hvb_write_once_u64(__u64 *p, __u64 v)
{
	atomic_store_explicit(HVB_ATOMIC64(p), v, memory_order_relaxed);
}

static inline void hvb_write_once_u32(__u32 *p, __u32 v)
{
	atomic_store_explicit(HVB_ATOMIC32(p), v, memory_order_relaxed);
}

/* Full barrier: orders earlier loads and stores against later ones,
 * including store->load (the Dekker pattern of the wake handshake). */
static inline void hvb_mb(void)
{
	atomic_thread_fence(memory_order_seq_cst);
}

/* Orders earlier loads against later loads (seqlock reader). */
static inline void hvb_rmb(void)
{
	atomic_thread_fence(memory_order_acquire);
}

/* Orders earlier stores against later stores (seqlock writer). */
static inline void hvb_wmb(void)
{
	atomic_thread_fence(memory_order_release);
}

/*
 * Read-modify-writes: seq_cst, so acquire and release, but no full
 * barrier: without LSE they become ldaxr/stlxr (gcc and clang call
 * libgcc's __aarch64_*_acq_rel helpers), which order no earlier store
 * against a later load.  Follow one with hvb_mb() where that matters.
 */
static inline __u64 hvb_xchg_u64(__u64 *p, __u64 v)
{
	return atomic_exchange_explicit(HVB_ATOMIC64(p), v, memory_order_seq_cst);
}

static inline __u32 hvb_xchg_u32(__u32 *p, __u32 v)
{
	return atomic_exchange_explicit(HVB_ATOMIC32(p), v, memory_order_seq_cst);
}

static inline __u64 hvb_fetch_or_u64(__u64 *p, __u64 v)
{
	return atomic_fetch_or_explicit(HVB_ATOMIC64(p), v, memory_order_seq_cst);
}

static inline __u32 hvb_fetch_add_u32(__u32 *p, __u32 v)
{
	return atomic_fetch_add_explicit(HVB_ATOMIC32(p), v, memory_order_seq_cst);
}

/* Returns the value found; the store happened iff it equals @old. */
static inline __u32 hvb_cmpxchg_u32(__u32 *p, __u32 old, __u32 v)
{
	atomic_compare_exchange_strong_explicit(HVB_ATOMIC32(p), &old, v,
						memory_order_seq_cst,
						memory_order_seq_cst);
	return old;
}

/* A spin-wait hint; no compiler barrier on purpose (see barrier.h). */
static inline void hvb_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("pause");
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

#endif /* HVBRIDGE_BARRIER_USER_H */
