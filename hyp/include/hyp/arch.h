/* SPDX-License-Identifier: MIT */
/*
 * hyp/arch.h - hooks the arch-neutral core calls; one implementation per
 * environment, chosen at link time (hyp/arch/arm64, hyp/arch/host).
 */
#ifndef HYP_ARCH_H
#define HYP_ARCH_H

#include <hvbridge/types.h>

struct hyp_producer;

/* A monotonic clock in nanoseconds (the generic timer at EL2,
 * CLOCK_MONOTONIC on the host).  Not for the request hot path. */
__u64 hyp_arch_now_ns(void);

/*
 * A cheap monotonic counter for the request hot path (the generic timer's
 * count at EL2, the TSC on x86 hosts), and the conversion of a difference
 * of two readings to nanoseconds.  Reading CLOCK_MONOTONIC twice per
 * request cost more than the rest of the producer's work.
 */
__u64 hyp_arch_cycles(void);
__u64 hyp_arch_cycles_to_ns(__u64 cycles);

/*
 * Signal a sleeping consumer; called by the producer that won the
 * SLEEPING -> RUNNING swap, after it incremented wake_gen.  EL2 sets the
 * wake SPI pending; the host simulation does FUTEX_WAKE on wake_gen.
 */
void hyp_arch_wake_consumer(struct hyp_producer *p);

/*
 * The wait hook, called every HYP_WAIT_CHECK_SPINS iterations of a
 * completion wait that started at hyp_arch_cycles() == @start_cycles
 * (0 when the request read no clock yet: one not sampled for the
 * latency histogram, at its first check), and of
 * hyp_channel_zone_released(), which ignores the result.
 * Returns non-zero to abandon the wait for a reason of the environment,
 * the access then given back to the guest to replay (EL2: the vCPU's
 * zone is stopping, or the producers switched regions).  The timeout
 * and the hold are the core's (hyp_channel_wait_check()).  The host
 * version yields the thread, as simulated vCPUs may outnumber host
 * cores, and never abandons.
 */
int hyp_arch_wait_check(struct hyp_producer *p, __u64 start_cycles);

#define HYP_WAIT_CHECK_SPINS	256u

/*
 * The kick slot table (hyp/kickslot.h) changed: copy it into every
 * channel region the daemon may read (Barrier T).  Called with
 * hyp_kick_table.lock held, by zone creation and removal and by a
 * block's claim on the trap path; only where zones are made.
 */
void hyp_arch_kick_table_changed(void);

#endif /* HYP_ARCH_H */
