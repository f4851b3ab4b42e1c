// SPDX-License-Identifier: MIT
/*
 * Clock, pinning, percentiles and the hang watchdog of the benchmark.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

const unsigned int bench_prods[BENCH_NR_PRODS] = { 1, 2, 4 };

static double bench_ns_per_tick = 1.0;

static int bench_cmp_u64(const void *a, const void *b);

double bench_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_clock_init(void)
{
	double t0, t1;
	__u64 k0, k1;

	/* 20 ms against CLOCK_MONOTONIC: under 0.1% error, plenty for
	 * ratios of figures all converted with the same factor. */
	t0 = bench_now_s();
	k0 = bench_ticks();
	do
		t1 = bench_now_s();
	while (t1 - t0 < 0.02);
	k1 = bench_ticks();
	bench_ns_per_tick = (t1 - t0) * 1e9 / (double)(k1 - k0);
}

__u64 bench_clock_step(void)
{
	__u64 a, b, d[101];
	int i;

	/* The median, not the minimum: some virtual TSCs mostly move in
	 * large steps but now and then by one. */
	for (i = 0; i < 101; i++) {
		a = bench_ticks();
		while ((b = bench_ticks()) == a)
			;
		d[i] = b - a;
	}
	qsort(d, 101, sizeof(d[0]), bench_cmp_u64);
	return d[50];
}

double bench_ticks_ns(__u64 ticks)
{
	return (double)ticks * bench_ns_per_tick;
}

void bench_spin_ns(__u64 ns)
{
	__u64 start = bench_ticks();
	double limit = (double)ns;

	while (bench_ticks_ns(bench_ticks() - start) < limit)
		;
}

void bench_pin(int cpu)
{
	static int warned;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) &&
	    !__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "bench: cannot pin to CPU %d; figures are "
			"of unpinned threads\n", cpu);
}

static int bench_cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return (x > y) - (x < y);
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted @v. */
static double bench_rank(const __u64 *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n);

	return bench_ticks_ns(v[i < n ? i : n - 1]);
}

struct bench_lat bench_lat_of(__u64 *ticks, size_t n)
{
	struct bench_lat l;
	__u64 sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += ticks[i];
	l.mean = bench_ticks_ns(sum) / (double)n;
	qsort(ticks, n, sizeof(*ticks), bench_cmp_u64);
	l.p50 = bench_rank(ticks, n, 0.50);
	l.p99 = bench_rank(ticks, n, 0.99);
	l.p999 = bench_rank(ticks, n, 0.999);
	return l;
}

double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *volatile bench_section = "";

static void bench_on_alarm(int sig)
{
	static const char pre[] = "bench: watchdog: hung in ";
	const char *s = bench_section;

	(void)sig;
	/* Async-signal-safe: write(2) only. */
	if (write(2, pre, sizeof(pre) - 1) < 0 ||
	    write(2, s, strlen(s)) < 0 || write(2, "\n", 1) < 0)
		_exit(1);
	_exit(1);
}

void bench_watchdog(const char *section, unsigned int seconds)
{
	static int installed;

	if (!installed) {
		signal(SIGALRM, bench_on_alarm);
		installed = 1;
	}
	bench_section = section;
	alarm(seconds);
}
