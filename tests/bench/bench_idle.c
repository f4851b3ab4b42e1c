// SPDX-License-Identifier: MIT
/*
 * How the daemon idles (issue 14, item 3): one simulated vCPU sends reads
 * at a steady pace (BENCH_PACED_RATE a second), and the consumer's
 * serving thread polls, sleeps after every request, or idles adaptively
 * (tool/idle.h, the daemon's default).  Per policy: the requests' p50 and
 * p99, and the serving thread's CPU time over the wall time
 * (CLOCK_THREAD_CPUTIME_ID of that thread, so system calls and the work
 * of waking count, and nothing of the requester's).  Then no load at
 * all: the serving thread's CPU while no request comes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <hvbridge/barrier.h>

#include "bench.h"
#include "bench_chan.h"

static const __u64 bench_idle_budget[BENCH_IDLE_MODES] = {
	[BENCH_IDLE_POLL] = UINT64_MAX,
	[BENCH_IDLE_SLEEP] = 1,
	[BENCH_IDLE_ADAPTIVE] = HVB_SPIN_ADAPTIVE,
};

const char *const bench_idle_names[BENCH_IDLE_MODES] = {
	[BENCH_IDLE_POLL] = "polling",
	[BENCH_IDLE_SLEEP] = "always sleep",
	[BENCH_IDLE_ADAPTIVE] = "adaptive",
};

/* The serving thread's CPU time, ns. */
static int bench_thread_cpu_ns(pthread_t th, __u64 *ns)
{
	struct timespec ts;
	clockid_t id;

	if (pthread_getcpuclockid(th, &id) || clock_gettime(id, &ts)) {
		fprintf(stderr, "bench: cannot read the server's CPU clock\n");
		return -1;
	}
	*ns = (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
	return 0;
}

/* Requests every @period_ns from the previous one's start (never two at
 * once: a request that took longer than the period delays the next). */
static int bench_paced_run(struct bench_chan *ch, __u64 first, size_t n,
			   double period_ns, __u64 *ticks)
{
	__u64 t0 = bench_ticks(), t1;
	size_t i;

	for (i = 0; i < n; i++) {
		while (bench_ticks_ns(bench_ticks() - t0) < period_ns)
			hvb_cpu_relax();
		t0 = bench_ticks();
		if (bench_ours_req(ch, 0, first + i))
			return -1;
		t1 = bench_ticks();
		if (ticks)
			ticks[i] = t1 - t0;
	}
	return 0;
}

int bench_ours_paced(const struct bench_cfg *cfg, int mode,
		     struct bench_paced *out, __u64 *ticks)
{
	double period = 1e9 / BENCH_PACED_RATE, t0, t1;
	__u64 c0 = 0, c1 = 0, wakes;
	struct bench_chan ch;
	struct bench_lat l;
	int ret;

	if (bench_chan_open(&ch, bench_idle_budget[mode], 1))
		return -1;
	bench_pin(bench_cpu_req);
	/* Untimed: the adaptive policy learns the pace. */
	ret = bench_paced_run(&ch, 0, cfg->paced_warmup, period, NULL);
	wakes = hvb_read_once_u64(&ch.prod[0].stats->wakes);
	t0 = bench_now_s();
	if (!ret)
		ret = bench_thread_cpu_ns(ch.th, &c0);
	if (!ret)
		ret = bench_paced_run(&ch, cfg->paced_warmup, cfg->paced_iters,
				      period, ticks);
	t1 = bench_now_s();
	if (!ret)
		ret = bench_thread_cpu_ns(ch.th, &c1);
	wakes = hvb_read_once_u64(&ch.prod[0].stats->wakes) - wakes;
	ret |= bench_chan_close(&ch);
	if (ret)
		return -1;
	l = bench_lat_of(ticks, cfg->paced_iters);
	out->p50 = l.p50;
	out->p99 = l.p99;
	out->cpu_pct = 100.0 * (double)(c1 - c0) / ((t1 - t0) * 1e9);
	out->wake_pct = 100.0 * (double)wakes / (double)cfg->paced_iters;
	return 0;
}

int bench_ours_idle(const struct bench_cfg *cfg, int mode, double *cpu_pct)
{
	struct timespec nap = {
		.tv_sec = (time_t)cfg->idle_seconds,
		.tv_nsec = (long)((cfg->idle_seconds -
				   (double)(time_t)cfg->idle_seconds) * 1e9),
	};
	struct bench_chan ch;
	__u64 c0 = 0, c1 = 0;
	double t0, t1;
	int ret;

	if (bench_chan_open(&ch, bench_idle_budget[mode], 1))
		return -1;
	bench_pin(bench_cpu_req);
	/* Some paced requests first, then none: from the last one on,
	 * whatever the policy still spends counts. */
	ret = bench_paced_run(&ch, 0, cfg->paced_warmup,
			      1e9 / BENCH_PACED_RATE, NULL);
	t0 = bench_now_s();
	if (!ret)
		ret = bench_thread_cpu_ns(ch.th, &c0);
	nanosleep(&nap, NULL);
	t1 = bench_now_s();
	if (!ret)
		ret = bench_thread_cpu_ns(ch.th, &c1);
	ret |= bench_chan_close(&ch);
	if (ret)
		return -1;
	*cpu_pct = 100.0 * (double)(c1 - c0) / ((t1 - t0) * 1e9);
	return 0;
}
