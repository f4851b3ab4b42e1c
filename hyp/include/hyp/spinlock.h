/* SPDX-License-Identifier: MIT */
/*
 * hyp/spinlock.h - a ticket lock for hypervisor-private data shared by
 * physical CPUs (the console, zone bookkeeping).  Fair, so a CPU cannot
 * be starved by another that takes the lock in a loop.  Built on the
 * channel's ordering primitives; the exclusives they use need Normal
 * cacheable memory, i.e. the EL2 MMU on.
 */
#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H

#include <hvbridge/barrier.h>

/*
 * 8-byte aligned: its machine mode is then the same with and without
 * -mstrict-align (the arch objects have it, hyp/core's do not), which
 * the LTO build checks for a type that both embed (hyp_kick_table).
 */
struct hyp_spinlock {
	__u32 next;	/* next ticket: every locker, by fetch_add */
	__u32 owner;	/* ticket now served: written by the holder only */
} __attribute__((aligned(8)));

#define HYP_SPINLOCK_INIT	{ 0, 0 }

static inline void hyp_spin_lock(struct hyp_spinlock *l)
{
	__u32 ticket = hvb_fetch_add_u32(&l->next, 1);

	/* Barrier L': the acquire orders the critical section after the
	 * wait; pairs with Barrier L, the previous holder's release. */
	while (hvb_load_acquire_u32(&l->owner) != ticket)
		hvb_cpu_relax();
}

static inline void hyp_spin_unlock(struct hyp_spinlock *l)
{
	/* Barrier L: publishes the critical section with the next ticket;
	 * pairs with Barrier L' in hyp_spin_lock().  Only the holder writes
	 * owner, so the plain read is its own last value. */
	hvb_store_release_u32(&l->owner, hvb_read_once_u32(&l->owner) + 1);
}

#endif /* HYP_SPINLOCK_H */
