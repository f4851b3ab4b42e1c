// SPDX-License-Identifier: MIT
/*
 * The channel itself: the real producer (hyp/core, host arch hooks) on
 * the requesting threads, the real consumer (tool/consumer.c) on a server
 * thread, over a region formatted the way every agent formats it.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hyp/arch.h>
#include <hyp/channel.h>

#include "bench.h"
#include "bench_chan.h"

/* A producer gives up after this, so a broken consumer is reported as a
 * failed request rather than a hang; long, because a busy machine must
 * not fail a benchmark (the watchdog still ends a hang at 60 s). */
__u64 bench_ours_timeout_ns = 20000000000ull;

/* --- the simulation-like futex transport: sleeps on wake_gen */

static bool bench_tr_can_sleep(struct hvb_transport *t)
{
	(void)t;
	return true;
}

static int bench_tr_wait(struct hvb_transport *t, __u32 *wake_word,
			 __u32 token)
{
	/* A bound, so that stopping never depends on a wake-up; far above
	 * any gap of the benchmark, so it never ends a measured sleep.  Or
	 * the timed sleep the consumer's adaptive idling asked for. */
	struct timespec limit = { 0, 100000000 };

	if (t->wait_ns && t->wait_ns < 100000000)
		limit.tv_nsec = (long)t->wait_ns;
	/* Shared futex: hyp_arch_wake_consumer() wakes a shared one. */
	if (syscall(SYS_futex, wake_word, FUTEX_WAIT, token, &limit,
		    NULL, 0) == 0)
		return 0;
	if (errno == EAGAIN || errno == ETIMEDOUT)
		return 0;
	return -errno;
}

/* The producers stamp wake_sent_ns with hyp_arch_now_ns(), the host's
 * CLOCK_MONOTONIC (hyp/arch/host). */
static __u64 bench_tr_clock_ns(struct hvb_transport *t)
{
	(void)t;
	return hyp_arch_now_ns();
}

const struct hvb_transport_ops bench_tr_ops = {
	.name = "bench-futex",
	.can_sleep = bench_tr_can_sleep,
	.wait = bench_tr_wait,
	.hyp_clock_ns = bench_tr_clock_ns,
};

/* --- the device behind the consumer: a read returns bench_expect() */

static __u32 bench_serve(void *ctx, const struct hvb_request *req,
			 __u64 *value)
{
	(void)ctx;
	*value = bench_expect(req->addr);
	return HVB_STATUS_OK;
}

static void bench_kick(void *ctx, __u32 dev, __u32 queue)
{
	(void)ctx;
	(void)dev;
	(void)queue;
}

static const struct hvb_consumer_ops bench_ops = {
	.sync = bench_serve,
	.kick = bench_kick,
};

static void *bench_consumer_main(void *arg)
{
	struct bench_chan *ch = arg;

	bench_pin(bench_cpu_srv);
	ch->cons_err = hvb_consumer_run(&ch->cons, ch->sleeps ? &ch->tr : NULL,
					&ch->stop);
	return NULL;
}

int bench_chan_open(struct bench_chan *ch, __u64 spin_budget,
			   int sleeps)
{
	unsigned int i;
	int err;

	*ch = (struct bench_chan){ .sleeps = sleeps };
	ch->size = hvb_region_size(BENCH_MAX_PRODS);
	/* Shared mapping, as the simulation's: fresh zeroed pages. */
	ch->region = mmap(NULL, ch->size, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ch->region == MAP_FAILED) {
		perror("bench: mmap");
		return -1;
	}
	err = hvb_region_format(ch->region, ch->size, BENCH_MAX_PRODS);
	for (i = 0; !err && i < BENCH_MAX_PRODS; i++)
		err = hyp_channel_attach(&ch->prod[i], ch->region, ch->size,
					 i, bench_ours_timeout_ns);
	ch->cons.spin_budget = spin_budget;
	if (!err)
		err = hvb_consumer_attach(&ch->cons, ch->region, ch->size,
					  &bench_ops, NULL);
	if (err) {
		fprintf(stderr, "bench: region: %s\n",
			hvb_region_strerror(err));
		munmap(ch->region, ch->size);
		return -1;
	}
	ch->tr.ops = &bench_tr_ops;
	ch->tr.region = ch->region;
	ch->tr.size = ch->size;
	ch->tr.fd = -1;
	if (pthread_create(&ch->th, NULL, bench_consumer_main, ch)) {
		fprintf(stderr, "bench: pthread_create failed\n");
		munmap(ch->region, ch->size);
		return -1;
	}
	return 0;
}

int bench_chan_close(struct bench_chan *ch)
{
	struct hvb_wake *wake = hvb_region_wake(ch->region);

	/* Pairs with the consumer's acquire load of its flag. */
	__atomic_store_n(&ch->stop, 1, __ATOMIC_RELEASE);
	/* Like a producer's wake: a sleeping consumer sees stop at once. */
	hvb_fetch_add_u32(&wake->wake_gen, 1);
	syscall(SYS_futex, &wake->wake_gen, FUTEX_WAKE, 1, NULL, NULL, 0);
	pthread_join(ch->th, NULL);
	hvb_consumer_detach(&ch->cons);
	munmap(ch->region, ch->size);
	if (ch->cons_err)
		fprintf(stderr, "bench: consumer: error %d\n", ch->cons_err);
	return ch->cons_err ? -1 : 0;
}

int bench_ours_req(void *ctx, unsigned int idx, __u64 i)
{
	struct bench_chan *ch = ctx;
	__u64 addr = bench_addr(i), value = 0;
	hyp_status_t st;

	st = hyp_channel_sync(&ch->prod[idx], 1, addr, 4, 0, &value);
	if (st != HVB_STATUS_OK || value != bench_expect(addr)) {
		fprintf(stderr, "bench: channel read %#llx: status %u, value "
			"%#llx, expected %#llx\n", (unsigned long long)addr,
			st, (unsigned long long)value,
			(unsigned long long)bench_expect(addr));
		return -1;
	}
	return 0;
}

int bench_ours_sync_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n)
{
	struct bench_chan ch;
	int ret;

	if (bench_chan_open(&ch, UINT64_MAX, 0))
		return -1;
	ret = bench_lat_run(bench_ours_req, NULL, &ch, 0, cfg->warmup,
			    ticks, n);
	return bench_chan_close(&ch) | ret;
}

/* Untimed, before each wake request: the consumer announced SLEEPING
 * (it then only enters the futex wait, within the gap that follows). */
static void bench_ours_wait_asleep(void *ctx)
{
	struct bench_chan *ch = ctx;
	struct hvb_wake *wake = hvb_region_wake(ch->region);

	/* Pairs with the consumer's store of SLEEPING (Barrier W0/W1). */
	while (hvb_load_acquire_u32(&wake->consumer_state) !=
	       HVB_CONSUMER_SLEEPING)
		hvb_cpu_relax();
}

static int bench_ours_wake_req(void *ctx, unsigned int idx, __u64 i)
{
	struct bench_chan *ch = ctx;
	__u64 before = hvb_read_once_u64(&ch->prod[idx].stats->wakes);
	int ret = bench_ours_req(ctx, idx, i);

	/* Only we write our stats: did this request have to wake it? */
	ch->wakes++;
	if (hvb_read_once_u64(&ch->prod[idx].stats->wakes) == before)
		ch->missed++;
	return ret;
}

int bench_ours_wake_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n)
{
	struct bench_chan ch;
	int ret;

	if (bench_chan_open(&ch, 1, 1))
		return -1;
	ret = bench_lat_run(bench_ours_wake_req, bench_ours_wait_asleep, &ch,
			    cfg->wake_delay_ns, cfg->wake_warmup, ticks, n);
	if (ch.missed)
		fprintf(stderr, "bench: warning: %llu of %llu wake requests "
			"found the consumer awake\n",
			(unsigned long long)ch.missed,
			(unsigned long long)ch.wakes);
	return bench_chan_close(&ch) | ret;
}

int bench_ours_tput(const struct bench_cfg *cfg, unsigned int nprod,
		    double *mops)
{
	struct bench_chan ch;
	int ret;

	if (bench_chan_open(&ch, UINT64_MAX, 0))
		return -1;
	ret = bench_tput_run(cfg, bench_ours_req, &ch, nprod, mops);
	return bench_chan_close(&ch) | ret;
}
