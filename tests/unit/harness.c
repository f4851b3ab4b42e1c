// SPDX-License-Identifier: MIT
/*
 * The unit-test harness (harness.h): regions, the recording device model,
 * vCPU threads and bounded waits.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <criterion/criterion.h>
#include <hvbridge/testdev.h>

#include "harness.h"

__u64 unit_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

void unit_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static __u64 unit_deadline(unsigned int ms)
{
	return unit_now_ns() + (__u64)ms * 1000000ull;
}

void *unit_region_new(__u32 nr_cpus, __u64 *size)
{
	__u64 sz = hvb_region_size(nr_cpus);
	void *mem = mmap(NULL, sz, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int err;

	cr_assert(mem != MAP_FAILED, "mmap of %llu bytes: %s",
		  (unsigned long long)sz, strerror(errno));
	err = hvb_region_format(mem, sz, nr_cpus);
	cr_assert(err == HVB_REGION_OK, "format for %u CPUs: %s", nr_cpus,
		  hvb_region_strerror(err));
	*size = sz;
	return mem;
}

void unit_region_free(void *mem, __u64 size)
{
	munmap(mem, size);
}

struct hvb_cpu_stats *unit_cpu_stats(void *mem, __u32 cpu)
{
	const struct hvb_region_header *h = mem;

	return hvb_region_cpu_stats(mem, h->nr_cpus, cpu);
}

void unit_producer_attach(struct hyp_producer *p, void *mem, __u64 size,
			  __u32 cpu)
{
	int err;

	memset(p, 0, sizeof(*p));
	err = hyp_channel_attach(p, mem, size, cpu, UNIT_PRODUCER_TIMEOUT_NS);
	cr_assert(err == HVB_REGION_OK, "producer attach of CPU %u: %s", cpu,
		  hvb_region_strerror(err));
}

/* Distinct per address and size, so a value served for the wrong request
 * or truncated wrongly never passes for the right one. */
__u64 unit_dev_value(__u64 addr, __u32 size)
{
	return hvb_testdev_truncate(hvb_testdev_pattern(addr ^
					((__u64)size << 56)), size);
}

static __u32 unit_dev_sync(void *ctx, const struct hvb_request *req,
			   __u64 *value)
{
	struct unit_dev *d = ctx;

	d->last = *req;
	atomic_fetch_add(&d->sync_calls, 1);
	if (req->addr >= d->nodev_lo && req->addr < d->nodev_hi)
		return HVB_STATUS_NO_DEVICE;
	if (!(req->flags & HVB_REQ_WRITE))
		*value = unit_dev_value(req->addr, req->size);
	return d->status;
}

static void unit_dev_kick(void *ctx, __u32 dev, __u32 queue)
{
	struct unit_dev *d = ctx;

	atomic_fetch_add(&d->kick_calls, 1);
	if (dev < HVB_KICK_DEVS && queue < HVB_KICK_QUEUES)
		atomic_fetch_add(&d->kicks[dev][queue], 1);
	if (d->on_kick)
		d->on_kick(d, dev, queue);
}

const struct hvb_consumer_ops unit_dev_ops = {
	.sync = unit_dev_sync,
	.kick = unit_dev_kick,
};

void unit_consumer_attach(struct hvb_consumer *c, void *mem, __u64 size,
			  struct unit_dev *d)
{
	int err;

	memset(c, 0, sizeof(*c));
	err = hvb_consumer_attach(c, mem, size, &unit_dev_ops, d);
	cr_assert(err == 0, "consumer attach: %s", hvb_region_strerror(err));
	hvb_consumer_poll(c);
	cr_assert(!c->scan_all, "the first poll did the attach scan");
}

static void *unit_call_thread(void *arg)
{
	struct unit_call *call = arg;

	call->status = hyp_channel_sync(call->p, call->zone_id, call->addr,
					call->size, call->flags,
					&call->value);
	atomic_store_explicit(&call->done, 1, memory_order_release);
	return NULL;
}

void unit_call_start(struct unit_call *call, struct hyp_producer *p,
		     __u64 addr, __u32 size, __u32 flags, __u64 value)
{
	unit_call_start_zone(call, p, HVB_TESTDEV_DEFAULT_ZONE, addr, size,
			     flags, value);
}

void unit_call_start_zone(struct unit_call *call, struct hyp_producer *p,
			  __u32 zone_id, __u64 addr, __u32 size, __u32 flags,
			  __u64 value)
{
	int err;

	memset(call, 0, sizeof(*call));
	call->p = p;
	call->zone_id = zone_id;
	call->addr = addr;
	call->size = size;
	call->flags = flags;
	call->value = value;
	call->status = ~0u;
	/* hyp_channel_sync() takes this seq; read before the thread runs. */
	call->seq = p->next_seq;
	err = pthread_create(&call->thread, NULL, unit_call_thread, call);
	cr_assert(err == 0, "pthread_create: %s", strerror(err));
}

bool unit_call_is_done(struct unit_call *call)
{
	return atomic_load_explicit(&call->done, memory_order_acquire);
}

bool unit_call_wait(struct unit_call *call, unsigned int ms)
{
	__u64 end = unit_deadline(ms);

	if (call->joined)
		return true;
	while (!unit_call_is_done(call)) {
		if (unit_now_ns() > end)
			return false;
		sched_yield();
	}
	pthread_join(call->thread, NULL);
	call->joined = true;
	return true;
}

bool unit_call_wait_published(struct unit_call *call, unsigned int ms)
{
	const struct hyp_producer *p = call->p;
	const __u64 *bits = &p->pending->cpu_bits[p->cpu / 64];
	__u64 end = unit_deadline(ms);

	/* Announced: its pending bit, or no bit because its slot is hot. */
	while (hvb_load_acquire_u64(&p->slot->req.seq) != call->seq ||
	       (!(hvb_load_acquire_u64(bits) & (1ull << (p->cpu % 64))) &&
		hvb_load_acquire_u32(&p->wake->hot_cpu) != p->cpu)) {
		if (unit_now_ns() > end)
			return false;
		sched_yield();
	}
	return true;
}

bool unit_serve_until_done(struct hvb_consumer *c, struct unit_call *call,
			   unsigned int ms)
{
	__u64 end = unit_deadline(ms);

	while (!unit_call_is_done(call)) {
		if (unit_now_ns() > end)
			return false;
		if (!hvb_consumer_poll(c))
			sched_yield();
	}
	return unit_call_wait(call, ms);
}

hyp_status_t unit_roundtrip(struct hvb_consumer *c, struct hyp_producer *p,
			    __u64 addr, __u32 size, __u32 flags,
			    __u64 *value)
{
	return unit_roundtrip_zone(c, p, HVB_TESTDEV_DEFAULT_ZONE, addr, size,
				   flags, value);
}

hyp_status_t unit_roundtrip_zone(struct hvb_consumer *c,
				 struct hyp_producer *p, __u32 zone_id,
				 __u64 addr, __u32 size, __u32 flags,
				 __u64 *value)
{
	struct unit_call call;

	unit_call_start_zone(&call, p, zone_id, addr, size, flags, *value);
	cr_assert(unit_serve_until_done(c, &call, UNIT_WAIT_MS),
		  "request %#llx/%u not completed within %u ms",
		  (unsigned long long)addr, size, UNIT_WAIT_MS);
	*value = call.value;
	return call.status;
}

static void *unit_daemon_thread(void *arg)
{
	struct unit_daemon *d = arg;

	d->err = hvb_consumer_run(d->c, d->t, &d->stop);
	return NULL;
}

void unit_daemon_start(struct unit_daemon *d, struct hvb_consumer *c,
		       struct hvb_transport *t)
{
	int err;

	memset(d, 0, sizeof(*d));
	d->c = c;
	d->t = t;
	err = pthread_create(&d->thread, NULL, unit_daemon_thread, d);
	cr_assert(err == 0, "pthread_create: %s", strerror(err));
}

bool unit_daemon_stop(struct unit_daemon *d, struct hyp_producer *waker,
		      unsigned int ms)
{
	__u64 end = unit_deadline(ms);

	/* Pairs with the consumer's acquire load of its flag. */
	__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
	/* A kick through the handshake wakes a sleeping daemon; repeated in
	 * case the daemon went to sleep between our store and its check. */
	while (pthread_tryjoin_np(d->thread, NULL) == EBUSY) {
		if (unit_now_ns() > end)
			return false;
		if (waker)
			hyp_channel_kick(waker, 0, 0);
		unit_sleep_ms(1);
	}
	return true;
}

bool unit_daemon_join(struct unit_daemon *d, unsigned int ms)
{
	__u64 end = unit_deadline(ms);

	while (pthread_tryjoin_np(d->thread, NULL) == EBUSY) {
		if (unit_now_ns() > end)
			return false;
		unit_sleep_ms(1);
	}
	return true;
}

bool unit_wait_u32(const __u32 *word, __u32 want, unsigned int ms)
{
	__u64 end = unit_deadline(ms);

	while (hvb_load_acquire_u32(word) != want) {
		if (unit_now_ns() > end)
			return false;
		sched_yield();
	}
	return true;
}

bool unit_wait_flag(atomic_int *flag, unsigned int ms)
{
	__u64 end = unit_deadline(ms);

	while (!atomic_load_explicit(flag, memory_order_acquire)) {
		if (unit_now_ns() > end)
			return false;
		sched_yield();
	}
	return true;
}
