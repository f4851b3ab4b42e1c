// SPDX-License-Identifier: MIT
/*
 * The anchor: hvisor-tool's published request protocol, written here from
 * its description, so the channel is measured against the design it
 * replaces under the same conditions (threads, pinning, timing loop,
 * yield policy, value check).
 *
 *  - one 32-entry request ring shared by every CPU, its head and tail
 *    indices side by side, filled under a producer spinlock;
 *  - each request records its CPU; the daemon serves requests in order;
 *  - completion by bare counters: cfg_values[cpu] and cfg_flags[cpu],
 *    eight u64 per 64-byte line; the daemon writes the value, then
 *    increments the flag; the producer noted the flag before submitting
 *    and waits until it changes;
 *  - a full barrier before and after every publication, on both sides.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hvbridge/barrier.h>

#include "bench.h"

#define BH_MAX_REQ	32u
#define BH_MAX_CPUS	8u	/* one line of flags, one of values */

/* Written by a producer under the lock, read by the daemon. */
struct bh_req {
	__u64 src_cpu;
	__u64 address;
	__u64 size;
	__u64 value;
	__u32 src_zone;
	__u8 is_write;
	__u8 need_interrupt;
	__u16 padding;
};

struct bh_bridge {
	__u32 req_front;		/* daemon: next entry to serve */
	__u32 req_rear;			/* producers, locked: next one */
	struct bh_req req_list[BH_MAX_REQ];
	_Alignas(64) __u64 cfg_flags[BH_MAX_CPUS];	/* daemon: +1 */
	__u64 cfg_values[BH_MAX_CPUS];			/* daemon */
};

_Static_assert(sizeof(struct bh_req) == 40, "hvisor request size");
_Static_assert(__builtin_offsetof(struct bh_bridge, cfg_values) -
	       __builtin_offsetof(struct bh_bridge, cfg_flags) == 64,
	       "eight flags share a line");

struct bh {
	struct bh_bridge *br;		/* the shared page */
	_Alignas(128) _Atomic int lock;	/* hypervisor-private */
	_Alignas(128) volatile int stop;	/* main: daemon, return */
	pthread_t th;
};

/* The waits of a producer yield as the host arch hook does. */
static inline void bh_relax(unsigned int *spins)
{
	hvb_cpu_relax();
	if (++*spins % BENCH_YIELD_SPINS == 0)
		sched_yield();
}

static void bh_lock(struct bh *b)
{
	unsigned int spins = 0;

	while (atomic_exchange_explicit(&b->lock, 1, memory_order_acquire))
		while (atomic_load_explicit(&b->lock, memory_order_relaxed))
			bh_relax(&spins);
}

static void bh_unlock(struct bh *b)
{
	atomic_store_explicit(&b->lock, 0, memory_order_release);
}

static void *bh_daemon(void *arg)
{
	struct bh *b = arg;
	struct bh_bridge *br = b->br;
	__u32 front = 0, cpu;
	struct bh_req *r;
	__u64 addr;

	bench_pin(bench_cpu_srv);
	/* Pairs with the release store that stops it. */
	while (!__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE)) {
		/* Pairs with the producer's release of req_rear. */
		if (hvb_load_acquire_u32(&br->req_rear) == front) {
			hvb_cpu_relax();
			continue;
		}
		r = &br->req_list[front];
		cpu = (__u32)hvb_read_once_u64(&r->src_cpu);
		addr = hvb_read_once_u64(&r->address);
		/* The producers never send anything else. */
		if (cpu >= BH_MAX_CPUS || hvb_read_once_u64(&r->size) != 4 ||
		    r->is_write)
			abort();
		hvb_write_once_u64(&br->cfg_values[cpu], bench_expect(addr));
		/* Publish the completion: full barriers around the flag;
		 * pairs with the producer's acquire spin on cfg_flags. */
		hvb_mb();
		hvb_write_once_u64(&br->cfg_flags[cpu],
				   hvb_read_once_u64(&br->cfg_flags[cpu]) + 1);
		hvb_mb();
		/* Publish the free entry; pairs with the producer's acquire
		 * load of req_front when it checks for room. */
		front = (front + 1) % BH_MAX_REQ;
		hvb_mb();
		hvb_write_once_u32(&br->req_front, front);
		hvb_mb();
	}
	return NULL;
}

static int bh_req(void *ctx, unsigned int cpu, __u64 i)
{
	struct bh *b = ctx;
	struct bh_bridge *br = b->br;
	__u64 addr = bench_addr(i), old, value;
	unsigned int spins = 0;
	struct bh_req *r;
	__u32 rear;

	old = hvb_load_acquire_u64(&br->cfg_flags[cpu]);
	bh_lock(b);
	rear = hvb_read_once_u32(&br->req_rear);
	while ((rear + 1) % BH_MAX_REQ ==
	       hvb_load_acquire_u32(&br->req_front))
		bh_relax(&spins);
	r = &br->req_list[rear];
	hvb_write_once_u64(&r->src_cpu, cpu);
	hvb_write_once_u64(&r->address, addr);
	hvb_write_once_u64(&r->size, 4);
	hvb_write_once_u64(&r->value, 0);
	hvb_write_once_u32(&r->src_zone, 1);
	r->is_write = 0;
	r->need_interrupt = 0;
	/* Publish the request: full barriers around the tail; pairs with
	 * the daemon's acquire load of req_rear. */
	hvb_mb();
	hvb_write_once_u32(&br->req_rear, (rear + 1) % BH_MAX_REQ);
	hvb_mb();
	bh_unlock(b);
	/* Pairs with the daemon's barriers around its flag increment. */
	while (hvb_load_acquire_u64(&br->cfg_flags[cpu]) == old)
		bh_relax(&spins);
	value = hvb_read_once_u64(&br->cfg_values[cpu]);
	if (value != bench_expect(addr)) {
		fprintf(stderr, "bench: hvisor-style read %#llx: value %#llx, "
			"expected %#llx\n", (unsigned long long)addr,
			(unsigned long long)value,
			(unsigned long long)bench_expect(addr));
		return -1;
	}
	return 0;
}

static struct bh *bh_open(void)
{
	struct bh *b = aligned_alloc(128, sizeof(*b));

	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->br = aligned_alloc(4096, sizeof(*b->br));
	if (!b->br) {
		free(b);
		return NULL;
	}
	memset(b->br, 0, sizeof(*b->br));
	if (pthread_create(&b->th, NULL, bh_daemon, b)) {
		free(b->br);
		free(b);
		return NULL;
	}
	return b;
}

static void bh_close(struct bh *b)
{
	__atomic_store_n(&b->stop, 1, __ATOMIC_RELEASE);
	pthread_join(b->th, NULL);
	free(b->br);
	free(b);
}

int bench_hvisor_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n)
{
	struct bh *b = bh_open();
	int ret;

	if (!b) {
		fprintf(stderr, "bench: hvisor-style setup failed\n");
		return -1;
	}
	ret = bench_lat_run(bh_req, NULL, b, 0, cfg->warmup, ticks, n);
	bh_close(b);
	return ret;
}

int bench_hvisor_tput(const struct bench_cfg *cfg, unsigned int nprod,
		      double *mops)
{
	struct bh *b = bh_open();
	int ret;

	if (!b) {
		fprintf(stderr, "bench: hvisor-style setup failed\n");
		return -1;
	}
	ret = bench_tput_run(cfg, bh_req, b, nprod, mops);
	bh_close(b);
	return ret;
}
