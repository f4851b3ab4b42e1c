/* SPDX-License-Identifier: MIT */
/*
 * bench_diag.h - bench-channel-diag: where the channel's round trip goes.
 * Not part of `make bench`; run it by hand when the ratio target is
 * missed (tests/bench/bench.mk says how).
 */
#ifndef HVB_BENCH_DIAG_H
#define HVB_BENCH_DIAG_H

#include "bench.h"

/* What hyp_arch_cycles() returns to the producer core. */
enum {
	BENCH_CLOCK_REAL,	/* the host hook: the TSC */
	BENCH_CLOCK_GETTIME,	/* clock_gettime(CLOCK_MONOTONIC) */
	BENCH_CLOCK_NONE,	/* a constant: no clock read at all */
};

extern int bench_diag_clock;
extern __u64 bench_diag_clock_calls;	/* calls through the swap */
void bench_diag_clock_init(void);

/*
 * The ingredients of the channel's round trip, added one at a time to the
 * raw cache-line ping-pong (bench_diag_model.c).
 */
#define BENCH_M_CLOCK	(1u << 0)	/* 2 cycle counter reads a request */
#define BENCH_M_PENDING	(1u << 1)	/* fetch-or a pending bit; the
					 * server polls it, then exchanges */
#define BENCH_M_W2	(1u << 2)	/* full fence + wake-state read */
#define BENCH_M_CHECK	(1u << 3)	/* the server's seqlock re-check
					 * and stale check (request line) */
#define BENCH_M_STATS	(1u << 4)	/* the server's counters */
#define BENCH_M_PSTATS	(1u << 8)	/* the requester's counters */
#define BENCH_M_DUPREAD	(1u << 7)	/* the server reads resp_seq
					 * before it writes it, as
					 * hvb_consumer_fetch and _complete
					 * do; else it keeps it privately */
#define BENCH_M_PREFETCH (1u << 5)	/* a candidate fix: the server
					 * prefetches the request line of a
					 * bit it saw before it exchanges */
#define BENCH_M_LATECLR	(1u << 6)	/* a candidate fix: the server
					 * serves on a plain look at the
					 * bit and exchanges it after the
					 * response, then re-checks the
					 * request line */
#define BENCH_M_ALL	(BENCH_M_CLOCK | BENCH_M_PENDING | BENCH_M_W2 | \
			 BENCH_M_CHECK | BENCH_M_STATS | BENCH_M_PSTATS | \
			 BENCH_M_DUPREAD)

int bench_model_lat(unsigned int features, const struct bench_cfg *cfg,
		    __u64 *ticks, size_t n);

#endif /* HVB_BENCH_DIAG_H */
