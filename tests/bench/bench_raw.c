// SPDX-License-Identifier: MIT
/*
 * The raw floors the channel is held against: two threads handing a
 * number back and forth with nothing else, (1) through two cache lines,
 * spinning, (2) through two eventfds and (3) through two futex words,
 * both sides blocking.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <hvbridge/barrier.h>

#include "bench.h"

#define BENCH_STOP	UINT64_MAX

/*
 * One line per writer, 128-byte aligned like the channel's lines.
 * ping: written by the pinger, read by the ponger; pong: the reverse.
 */
struct bench_pp {
	_Alignas(128) __u64 ping;
	_Alignas(128) __u64 pong;
	_Alignas(128) int efd_req;	/* eventfd: pinger -> ponger */
	int efd_resp;			/* eventfd: ponger -> pinger */
	__u32 fut_req;			/* futex word of the pinger */
	__u32 fut_resp;			/* futex word of the ponger */
	_Atomic int stop;		/* pinger: ponger, return */
};

static struct bench_pp bench_pp;

static int bench_pp_start(void *(*fn)(void *), pthread_t *th)
{
	int err = pthread_create(th, NULL, fn, &bench_pp);

	if (err)
		fprintf(stderr, "bench: pthread_create: error %d\n", err);
	return err ? -1 : 0;
}

/* --- cache-line ping-pong: release store, acquire spin, nothing else */

static void *bench_pp_ponger(void *arg)
{
	struct bench_pp *pp = arg;
	__u64 want = 1, got;

	bench_pin(bench_cpu_srv);
	for (;;) {
		/* Pairs with the pinger's release store of ping. */
		while ((got = hvb_load_acquire_u64(&pp->ping)) != want &&
		       got != BENCH_STOP)
			hvb_cpu_relax();
		if (got == BENCH_STOP)
			return NULL;
		/* Pairs with the pinger's acquire spin on pong. */
		hvb_store_release_u64(&pp->pong, want++);
	}
}

static int bench_pp_req(void *ctx, unsigned int idx, __u64 i)
{
	struct bench_pp *pp = ctx;

	(void)idx;
	hvb_store_release_u64(&pp->ping, i + 1);
	while (hvb_load_acquire_u64(&pp->pong) != i + 1)
		hvb_cpu_relax();
	return 0;
}

int bench_pingpong_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n)
{
	pthread_t th;
	int ret;

	bench_pp.ping = 0;
	bench_pp.pong = 0;
	if (bench_pp_start(bench_pp_ponger, &th))
		return -1;
	ret = bench_lat_run(bench_pp_req, NULL, &bench_pp, 0, cfg->warmup,
			    ticks, n);
	hvb_store_release_u64(&bench_pp.ping, BENCH_STOP);
	pthread_join(th, NULL);
	return ret;
}

/* --- eventfd ping-pong: each side blocks in read() */

static void *bench_efd_ponger(void *arg)
{
	struct bench_pp *pp = arg;
	__u64 v;

	bench_pin(bench_cpu_srv);
	for (;;) {
		if (read(pp->efd_req, &v, sizeof(v)) != sizeof(v))
			return NULL;
		if (atomic_load_explicit(&pp->stop, memory_order_acquire))
			return NULL;
		if (write(pp->efd_resp, &v, sizeof(v)) != sizeof(v))
			return NULL;
	}
}

static int bench_efd_req(void *ctx, unsigned int idx, __u64 i)
{
	struct bench_pp *pp = ctx;
	__u64 v = i + 1;

	(void)idx;
	if (write(pp->efd_req, &v, sizeof(v)) != sizeof(v) ||
	    read(pp->efd_resp, &v, sizeof(v)) != sizeof(v) || v != i + 1) {
		fprintf(stderr, "bench: eventfd ping-pong failed at %llu\n",
			(unsigned long long)i);
		return -1;
	}
	return 0;
}

int bench_eventfd_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n)
{
	pthread_t th;
	__u64 v = 1;
	int ret;

	bench_pp.efd_req = eventfd(0, EFD_CLOEXEC);
	bench_pp.efd_resp = eventfd(0, EFD_CLOEXEC);
	atomic_store(&bench_pp.stop, 0);
	if (bench_pp.efd_req < 0 || bench_pp.efd_resp < 0) {
		perror("bench: eventfd");
		return -1;
	}
	if (bench_pp_start(bench_efd_ponger, &th))
		return -1;
	/* The same idle gap as before a wake request of the channel, so
	 * the ponger is asleep in read() when the request lands. */
	ret = bench_lat_run(bench_efd_req, NULL, &bench_pp,
			    cfg->wake_delay_ns, cfg->wake_warmup, ticks, n);
	atomic_store_explicit(&bench_pp.stop, 1, memory_order_release);
	if (write(bench_pp.efd_req, &v, sizeof(v)) != sizeof(v))
		ret = -1;
	pthread_join(th, NULL);
	close(bench_pp.efd_req);
	close(bench_pp.efd_resp);
	return ret;
}

/* --- futex ping-pong: each side blocks in FUTEX_WAIT on its word */

/* Shared (not private) futexes, as the channel's wake path uses.  EAGAIN
 * (the word already changed) and EINTR are fine: callers re-check. */
static void bench_futex_wait(__u32 *word, __u32 val)
{
	syscall(SYS_futex, word, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void bench_futex_wake(__u32 *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void *bench_futex_ponger(void *arg)
{
	struct bench_pp *pp = arg;
	__u32 seen = 0, v;

	bench_pin(bench_cpu_srv);
	for (;;) {
		/* Pairs with the pinger's release store of fut_req. */
		while ((v = hvb_load_acquire_u32(&pp->fut_req)) == seen)
			bench_futex_wait(&pp->fut_req, seen);
		seen = v;
		if (atomic_load_explicit(&pp->stop, memory_order_acquire))
			return NULL;
		/* Pairs with the pinger's acquire load of fut_resp. */
		hvb_store_release_u32(&pp->fut_resp, seen);
		bench_futex_wake(&pp->fut_resp);
	}
}

static int bench_futex_req(void *ctx, unsigned int idx, __u64 i)
{
	struct bench_pp *pp = ctx;
	__u32 seq = (__u32)i + 1, v;

	(void)idx;
	/* Pairs with the ponger's acquire load of fut_req. */
	hvb_store_release_u32(&pp->fut_req, seq);
	bench_futex_wake(&pp->fut_req);
	while ((v = hvb_load_acquire_u32(&pp->fut_resp)) != seq)
		bench_futex_wait(&pp->fut_resp, v);
	return 0;
}

int bench_futex_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n)
{
	pthread_t th;
	int ret;

	bench_pp.fut_req = 0;
	bench_pp.fut_resp = 0;
	atomic_store(&bench_pp.stop, 0);
	if (bench_pp_start(bench_futex_ponger, &th))
		return -1;
	ret = bench_lat_run(bench_futex_req, NULL, &bench_pp,
			    cfg->wake_delay_ns, cfg->wake_warmup, ticks, n);
	atomic_store_explicit(&bench_pp.stop, 1, memory_order_release);
	hvb_store_release_u32(&bench_pp.fut_req, UINT32_MAX);
	bench_futex_wake(&bench_pp.fut_req);
	pthread_join(th, NULL);
	return ret;
}
