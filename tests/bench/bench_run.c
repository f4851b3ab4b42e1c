// SPDX-License-Identifier: MIT
/*
 * The two timing loops.  Every request-response method is driven by the
 * same code, so the figures differ only by what the methods do.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include <hvbridge/barrier.h>

#include "bench.h"

static void bench_idle(bench_prep_fn *prep, void *ctx, __u64 gap_ns)
{
	if (prep)
		prep(ctx);
	if (gap_ns)
		bench_spin_ns(gap_ns);
}

int bench_lat_run(bench_req_fn *req, bench_prep_fn *prep, void *ctx,
		  __u64 gap_ns, size_t warmup, __u64 *ticks, size_t n)
{
	__u64 i, t0, t1;

	bench_pin(bench_cpu_req);
	for (i = 0; i < warmup; i++) {
		bench_idle(prep, ctx, gap_ns);
		if (req(ctx, 0, i))
			return -1;
	}
	for (i = 0; i < n; i++) {
		bench_idle(prep, ctx, gap_ns);
		t0 = bench_ticks();
		if (req(ctx, 0, warmup + i))
			return -1;
		t1 = bench_ticks();
		ticks[i] = t1 - t0;
	}
	return 0;
}

/* Untimed requests of each throughput worker before the start. */
#define BENCH_TPUT_WARMUP	2000u

struct bench_worker {
	bench_req_fn *req;
	void *ctx;
	unsigned int idx;
	_Atomic int *ready;	/* workers: +1 when about to wait for go */
	_Atomic int *go;	/* main thread: start */
	_Atomic int *stop;	/* main thread: stop after this request */
	__u64 done;		/* requests completed by this worker */
	int err;
};

static void *bench_worker_main(void *arg)
{
	struct bench_worker *w = arg;
	__u64 i = 0;

	bench_pin(bench_cpu_req);
	/* Warm up: caches, branch predictors, the consumer's loop. */
	for (; i < BENCH_TPUT_WARMUP; i++)
		if (w->req(w->ctx, w->idx, i)) {
			w->err = -1;
			break;
		}
	atomic_fetch_add(w->ready, 1);
	/* Yield, not spin: the other workers share this CPU and may still
	 * be warming up, with a request in flight. */
	while (!atomic_load_explicit(w->go, memory_order_acquire))
		sched_yield();
	while (!w->err &&
	       !atomic_load_explicit(w->stop, memory_order_relaxed)) {
		if (w->req(w->ctx, w->idx, i++)) {
			w->err = -1;
			break;
		}
		w->done++;
	}
	return NULL;
}

int bench_tput_run(const struct bench_cfg *cfg, bench_req_fn *req, void *ctx,
		   unsigned int nprod, double *mops)
{
	struct bench_worker w[BENCH_MAX_PRODS];
	pthread_t th[BENCH_MAX_PRODS];
	_Atomic int ready = 0, go = 0, stop = 0;
	struct timespec nap = { 0, 1000000 };
	unsigned int i, started = 0;
	double t0, t1;
	__u64 done = 0;
	int err = 0;

	for (i = 0; i < nprod && i < BENCH_MAX_PRODS; i++) {
		w[i] = (struct bench_worker){ .req = req, .ctx = ctx,
			.idx = i, .ready = &ready, .go = &go, .stop = &stop };
		if (pthread_create(&th[i], NULL, bench_worker_main, &w[i])) {
			fprintf(stderr, "bench: pthread_create failed\n");
			err = -1;
			break;
		}
		started++;
	}
	/* Sleep rather than spin: the workers share this thread's CPU. */
	while (atomic_load(&ready) < (int)started)
		nanosleep(&nap, NULL);
	t0 = bench_now_s();
	atomic_store_explicit(&go, 1, memory_order_release);
	do
		nanosleep(&nap, NULL);
	while (bench_now_s() - t0 < cfg->tput_seconds);
	atomic_store_explicit(&stop, 1, memory_order_relaxed);
	t1 = bench_now_s();
	for (i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		done += w[i].done;
		err |= w[i].err;
	}
	*mops = (double)done / (t1 - t0) / 1e6;
	return err;
}
