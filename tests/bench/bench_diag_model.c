// SPDX-License-Identifier: MIT
/*
 * A model of the channel's round trip: the raw cache-line ping-pong of
 * bench_raw.c plus, on demand, each ingredient that hyp_channel_sync()
 * and hvb_consumer_poll() add to it, with the same barriers.  Measured
 * side by side with the real channel, it says what each ingredient costs
 * on this machine.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <hvbridge/barrier.h>
#include <hvbridge/region.h>

#include "bench_diag.h"

#define BENCH_M_STOP	UINT64_MAX

struct bench_model {
	_Alignas(128) __u64 req_seq;	/* pinger; release-stored last */
	__u64 req_addr;			/* pinger */
	_Alignas(128) __u64 resp_seq;	/* ponger; release-stored last */
	__u64 resp_value;		/* ponger */
	__u32 resp_status;		/* ponger */
	_Alignas(128) __u64 pending;	/* pinger: fetch-or; ponger: xchg */
	_Alignas(128) __u32 wake_state;	/* nobody writes it here */
	_Alignas(128) __u64 pstats[4];	/* pinger's counters */
	_Alignas(128) __u64 cstats[4];	/* ponger's counters */
	unsigned int features;
};

static struct bench_model bench_model;

static inline void bench_m_stat(__u64 *ctr, __u64 n)
{
	hvb_write_once_u64(ctr, hvb_read_once_u64(ctr) + n);
}

/* The producer's clock: the cycle counter, as hyp_arch_cycles(). */
static inline __u64 bench_m_now(void)
{
	return bench_ticks();
}

/* The server's wait for request @want; returns the seq it found. */
static __u64 bench_m_wait_req(struct bench_model *m, __u64 want, int again)
{
	__u64 seq;

	if (!(m->features & BENCH_M_PENDING)) {
		/* Pairs with the pinger's release of req_seq. */
		while ((seq = hvb_load_acquire_u64(&m->req_seq)) != want &&
		       seq != BENCH_M_STOP)
			hvb_cpu_relax();
		return seq;
	}
	/* As hvb_consumer_poll(): a plain look, then the exchange. */
	while (!again && !hvb_read_once_u64(&m->pending))
		hvb_cpu_relax();
	/* Late clear: the exchange comes after the response. */
	if (m->features & BENCH_M_LATECLR)
		return hvb_load_acquire_u64(&m->req_seq);
	/* Overlaps the request line's transfer with the exchange's. */
	if (m->features & BENCH_M_PREFETCH)
		__builtin_prefetch(&m->req_seq);
	hvb_xchg_u64(&m->pending, 0);
	return hvb_load_acquire_u64(&m->req_seq);
}

static void *bench_m_ponger(void *arg)
{
	struct bench_model *m = arg;
	__u64 want = 1, seq, addr, last = 0;
	int again = 0;

	bench_pin(bench_cpu_srv);
	for (;;) {
		seq = bench_m_wait_req(m, want, again);
		if (seq == BENCH_M_STOP)
			return NULL;
		/* Served already (a bit left over from a late clear): the
		 * real consumer's fetch compares with resp.seq; the
		 * alternative is a private copy, as only we write it. */
		if (m->features & BENCH_M_DUPREAD) {
			if (hvb_read_once_u64(&m->resp_seq) == seq)
				goto clear;
		} else if (seq == last) {
			goto clear;
		}
		addr = hvb_read_once_u64(&m->req_addr);
		if (m->features & BENCH_M_CHECK) {
			/* Seqlock re-check and the stale check. */
			hvb_rmb();
			if (hvb_read_once_u64(&m->req_seq) != seq ||
			    hvb_load_acquire_u64(&m->req_seq) != seq)
				return NULL;	/* never happens */
		}
		hvb_write_once_u64(&m->resp_value, bench_expect(addr));
		hvb_write_once_u32(&m->resp_status, 0);
		/* Pairs with the pinger's acquire spin on resp_seq. */
		hvb_store_release_u64(&m->resp_seq, seq);
		last = seq;
		if (m->features & BENCH_M_STATS) {
			bench_m_stat(&m->cstats[0], 1);
			bench_m_stat(&m->cstats[1], 1);
		}
clear:
		if (m->features & BENCH_M_LATECLR) {
			/* Fully ordered: a bit set before this exchange
			 * belongs to a request published before it, which
			 * the load below then finds; a bit set after it
			 * stays for the next look. */
			hvb_xchg_u64(&m->pending, 0);
			again = hvb_load_acquire_u64(&m->req_seq) != seq;
		}
		want = seq + 1;
	}
}

static int bench_m_req(void *ctx, unsigned int idx, __u64 i)
{
	struct bench_model *m = ctx;
	__u64 seq = i + 1, addr = bench_addr(i), start = 0, ns;
	unsigned int f = m->features, spins = 0;

	(void)idx;
	if (f & BENCH_M_CLOCK)
		start = bench_m_now();
	hvb_write_once_u64(&m->req_addr, addr);
	/* Pairs with the ponger's acquire load of req_seq. */
	hvb_store_release_u64(&m->req_seq, seq);
	if (f & BENCH_M_PENDING)
		hvb_fetch_or_u64(&m->pending, 1);
	if (f & BENCH_M_PSTATS)
		bench_m_stat(&m->pstats[0], 1);
	if (f & BENCH_M_W2) {
		hvb_mb();
		if (hvb_read_once_u32(&m->wake_state) ==
		    HVB_CONSUMER_SLEEPING)
			return -1;
	}
	/* Pairs with the ponger's release of resp_seq. */
	while (hvb_load_acquire_u64(&m->resp_seq) != seq) {
		hvb_cpu_relax();
		if (++spins % BENCH_YIELD_SPINS == 0)
			sched_yield();
	}
	if (hvb_read_once_u64(&m->resp_value) != bench_expect(addr))
		return -1;
	if (f & BENCH_M_CLOCK) {
		ns = bench_m_now() - start;
		if (f & BENCH_M_PSTATS) {
			bench_m_stat(&m->pstats[1], ns);
			bench_m_stat(&m->pstats[2 + (hvb_lat_bucket(ns) & 1)],
				     1);
		}
	}
	return 0;
}

int bench_model_lat(unsigned int features, const struct bench_cfg *cfg,
		    __u64 *ticks, size_t n)
{
	struct bench_model *m = &bench_model;
	pthread_t th;
	int ret;

	*m = (struct bench_model){ .features = features };
	if (pthread_create(&th, NULL, bench_m_ponger, m))
		return -1;
	ret = bench_lat_run(bench_m_req, NULL, m, 0, cfg->warmup, ticks, n);
	if (ret)
		fprintf(stderr, "bench: model %#x: wrong value\n", features);
	hvb_store_release_u64(&m->req_seq, BENCH_M_STOP);
	hvb_fetch_or_u64(&m->pending, 1);
	pthread_join(th, NULL);
	return ret;
}
