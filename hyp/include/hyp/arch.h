/* SPDX-License-Identifier: MIT */
/*
 * hyp/arch.h - hooks the arch-neutral core calls; one implementation per
 * environment, chosen at link time (hyp/arch/arm64, hyp/arch/host).
 */
#ifndef HYP_ARCH_H
#define HYP_ARCH_H

#include <hvbridge/types.h>

struct hyp_producer;

/* A monotonic clock in nanoseconds (CNTVCT_EL0 at EL2, CLOCK_MONOTONIC on
 * the host). */
__u64 hyp_arch_now_ns(void);

/*
 * Signal a sleeping consumer; called by the producer that won the
 * SLEEPING -> RUNNING swap, after it incremented wake_gen.  EL2 sets the
 * wake SPI pending; the host simulation does FUTEX_WAKE on wake_gen.
 */
void hyp_arch_wake_consumer(struct hyp_producer *p);

/*
 * The bounded-wait hook, called every HYP_WAIT_CHECK_SPINS iterations of
 * a completion wait that started at @start_ns.  Returns non-zero to give
 * up (the timeout policy).  The host version also yields the thread, as
 * simulated vCPUs may outnumber host cores.
 */
int hyp_arch_wait_check(struct hyp_producer *p, __u64 start_ns);

#define HYP_WAIT_CHECK_SPINS	256u

#endif /* HYP_ARCH_H */
