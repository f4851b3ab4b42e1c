// SPDX-License-Identifier: MIT
/*
 * Description: the real completion wait (hyp/core/channel_wait.c),
 * compiled here from its own source (included below, not copied) for
 * the teeth test of tests/stress/teeth.c, with everything around its
 * loop that a compiler cannot see through made transparent.
 *
 * Why: with the acquire made a plain load, the product builds still
 * reload resp.seq on every turn, because the loop body holds an opaque
 * call (hyp_channel_wait_check(): the host's hook calls sched_yield()
 * and reads the TSC, and the hold reads the region) and a volatile asm (hvb_cpu_relax(): pause, yield), which
 * gcc 12 and clang 14 do not move a load across (docs/memory-ordering.md,
 * "The teeth").  Neither is a rule: a bounded-wait hook the compiler can
 * see, and a relax that is empty (hvb_cpu_relax() on any host but x86
 * and aarch64), are allowed.  With both made so here, nothing but the
 * acquire load keeps the loop waiting, and the test shows that it does.
 *
 * Three objects are built from this file (tests/stress/stress.mk); only
 * that file's rules set these names, and no product file knows them:
 *   teeth_wait_ctl.o    the real loop as it is (the control)
 *   teeth_wait_mut.o    TEETH_PLAIN_LOAD: its acquire of resp.seq made a
 *                       plain C load, the bug of design.md's rule 1
 *   teeth_wait_relax.o  TEETH_PLAIN_LOAD and TEETH_KEEP_RELAX: only the
 *                       clock stubbed; run.sh only disassembles it, to
 *                       say whether hvb_cpu_relax() alone still holds
 *                       the load in
 * The renames below reach only the code of channel_wait.c: its headers
 * are included first, so their include guards keep the definitions.  If
 * channel_wait.c stops using one of these names, its rename stops
 * applying and the teeth test fails (the mutated loop then waits).
 */
#include <hvbridge/barrier.h>
#include <hyp/arch.h>
#include <hyp/channel.h>

#include "teeth.h"

/*
 * The clock the timeout reads (hyp_arch_cycles() on the host: the TSC),
 * stopped: a constant the compiler sees, so the timeout never elapses
 * and reading it is no reason to reload anything.
 */
static inline __attribute__((const)) __u64 teeth_cycles(void)
{
	return TEETH_CYCLES;
}

/*
 * The wait's policy check (hyp_channel_wait_check() in hyp/core/channel.c:
 * the host's bounded-wait hook, which calls sched_yield() and reads the
 * TSC, then the hold for an absent daemon), in view of the compiler and
 * on that clock: the timeout test alone (cycles are nanoseconds here).
 * No hold: the harness's daemon is never absent.
 */
static inline int teeth_wait_check(struct hyp_producer *p, struct hyp_wait *w)
{
	return p->timeout_ns && teeth_cycles() - w->start > p->timeout_ns ?
	       HYP_WAIT_TIMEOUT : HYP_WAIT_DONE;
}

#define hyp_channel_wait_check(p, w) teeth_wait_check(p, w)

#ifndef TEETH_KEEP_RELAX
/* The relax of a host with no spin-wait hint: empty. */
#define hvb_cpu_relax() ((void)0)
#endif

#ifdef TEETH_PLAIN_LOAD
/* The mutation: Barrier C''s acquire load of resp.seq made plain. */
#define hvb_load_acquire_u64(p) (*(p))
#endif

#include "../../hyp/core/channel_wait.c"
