// SPDX-License-Identifier: MIT
/*
 * bench-channel-diag only: the producer core's clock, swapped at run time
 * (linked with -Wl,--wrap=hyp_arch_cycles, which redirects the core's
 * calls, not arch.o's own), to measure what the per-request clock reads
 * of hyp_channel_sync() cost.
 */
#include <time.h>

#include <hyp/arch.h>

#include "bench_diag.h"

__u64 __real_hyp_arch_cycles(void);
__u64 __wrap_hyp_arch_cycles(void);

int bench_diag_clock = BENCH_CLOCK_REAL;
__u64 bench_diag_clock_calls;

static __u64 bench_diag_cycles0;

void bench_diag_clock_init(void)
{
	bench_diag_cycles0 = __real_hyp_arch_cycles();
}

__u64 __wrap_hyp_arch_cycles(void)
{
	struct timespec ts;

	/* Proof that the swap took: link-time optimisation can bind the
	 * core's calls before --wrap sees them. */
	bench_diag_clock_calls++;
	switch (bench_diag_clock) {
	case BENCH_CLOCK_NONE:
		/* No accounting at all: every round trip lands in bucket 0. */
		return bench_diag_cycles0;
	case BENCH_CLOCK_GETTIME:
		/* What the core read before it had a cycle counter. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
	default:
		return __real_hyp_arch_cycles();
	}
}
