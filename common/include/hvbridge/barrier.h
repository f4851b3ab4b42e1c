/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/barrier.h - the memory-ordering primitives of the channel.
 *
 * One set of names, three native implementations:
 *
 *   HVB_ENV_HYP  EL2 hypervisor, aarch64 inline assembly (ldar/stlr/dmb,
 *                ldxr/stlxr loops; no LSE needed, so Cortex-A57 works)
 *   __KERNEL__   root-zone kernel module (smp_load_acquire and friends)
 *   otherwise    Linux user space, C11 <stdatomic.h>
 *
 * The hypervisor core built for the host (simulation, tests, benchmarks)
 * takes the user-space implementation.
 *
 * Rules every caller follows (see docs/memory-ordering.md):
 *  - a loop that waits for another agent reads with hvb_load_acquire_*;
 *  - data is written before the word that announces it, and that word is
 *    written with hvb_store_release_*;
 *  - every call site names the barrier it pairs with ("Barrier A: ...").
 *
 * hvb_cpu_relax() deliberately has no "memory" clobber: correctness must
 * come from the acquire load, never from a compiler barrier hidden in a
 * relax hint.  tests/stress proves that a plain load in an empty spin
 * hangs at -O2 (with this volatile-asm hint in the loop gcc 12 and clang
 * 14 happen to reload, which no rule guarantees).
 *
 * The read-modify-write operations (hvb_xchg_*, hvb_fetch_or_u64,
 * hvb_fetch_add_u32, hvb_cmpxchg_u32) are atomic, acquire and release in
 * every environment, and a full barrier only in the hypervisor's and the
 * kernel's (like the Linux kernel's xchg()/cmpxchg()).  In user space
 * they are C11 seq_cst operations, which on arm64 without LSE (the
 * Cortex-A57 the project runs on) compile to ldaxr/stlxr with no dmb: a
 * store before one is not ordered against a load after it.  Code that
 * needs that (a store, then a look at another agent's word) calls
 * hvb_mb() itself; tests/litmus models every such place.
 */
#ifndef HVBRIDGE_BARRIER_H
#define HVBRIDGE_BARRIER_H

#include <hvbridge/types.h>

#if defined(HVB_ENV_HYP)
#include <hvbridge/barrier-hyp.h>
#elif defined(__KERNEL__)
#include <hvbridge/barrier-kernel.h>
#else
#include <hvbridge/barrier-user.h>
#endif

#endif /* HVBRIDGE_BARRIER_H */
