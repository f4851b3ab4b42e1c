// SPDX-License-Identifier: MIT
/*
 * Description: the hot slot.  The daemon looks at one slot on every poll
 * and says which in wake.hot_cpu; that slot's producer then sets no
 * pending bit.  These tests pin the parts a single thread can show: the
 * hint is only given to a vCPU in a burst, such a request is served and
 * keeps the daemon from sleeping although no bit announces it, and
 * attach/detach withdraw the hint, and a hot slot, busy or idle, does
 * not keep the daemon from the rest of its poll.  The race of
 * moving the hint away
 * (Barrier H) is exercised by tests/stress, where dropping the daemon's
 * recheck of the old hot slot loses a request within seconds.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <criterion/criterion.h>

#include <hvbridge/barrier.h>
#include <hvbridge/testdev.h>

#include "harness.h"
#include "transport.h"

#define HOT_CPUS	2u
#define HOT_ADDR	0x0b000100ull

struct hot_env {
	void *mem;
	__u64 size;
	struct hyp_producer p[HOT_CPUS];
	struct hvb_consumer c;
	struct unit_dev dev;
};

static void hot_setup(struct hot_env *e)
{
	unsigned int i;

	memset(e, 0, sizeof(*e));
	e->mem = unit_region_new(HOT_CPUS, &e->size);
	for (i = 0; i < HOT_CPUS; i++)
		unit_producer_attach(&e->p[i], e->mem, e->size, i);
	unit_consumer_attach(&e->c, e->mem, e->size, &e->dev);
}

static __u32 hot_cpu(struct hot_env *e)
{
	return hvb_load_acquire_u32(&hvb_region_wake(e->mem)->hot_cpu);
}

static __u64 hot_pending_bits(struct hot_env *e)
{
	return hvb_load_acquire_u64(&hvb_region_pending(e->mem)->cpu_bits[0]);
}

static void hot_roundtrip(struct hot_env *e, __u32 cpu)
{
	__u64 v = 0;

	cr_assert_eq(unit_roundtrip(&e->c, &e->p[cpu], HOT_ADDR, 8, 0, &v),
		     HVB_STATUS_OK);
	cr_assert_eq(v, unit_dev_value(HOT_ADDR, 8));
}

Test(hot, a_fresh_region_and_a_new_daemon_give_no_hot_slot)
{
	struct hot_env e;

	hot_setup(&e);
	cr_expect_eq(hot_cpu(&e), HVB_HOT_NONE);
	unit_region_free(e.mem, e.size);
}

Test(hot, vcpus_taking_turns_get_no_hot_slot_a_burst_does)
{
	struct hot_env e;

	hot_setup(&e);
	hot_roundtrip(&e, 0);
	hot_roundtrip(&e, 1);
	hot_roundtrip(&e, 0);
	cr_expect_eq(hot_cpu(&e), HVB_HOT_NONE,
		     "alternating vCPUs moved the hint");
	hot_roundtrip(&e, 0);
	cr_expect_eq(hot_cpu(&e), 0u, "two in a row from CPU 0");
	hot_roundtrip(&e, 1);
	hot_roundtrip(&e, 1);
	cr_expect_eq(hot_cpu(&e), 1u, "two in a row from CPU 1");
	unit_region_free(e.mem, e.size);
}

Test(hot, the_hot_producer_sets_no_bit_and_is_still_served)
{
	struct hot_env e;
	struct unit_call call;

	hot_setup(&e);
	hot_roundtrip(&e, 1);
	hot_roundtrip(&e, 1);
	cr_assert_eq(hot_cpu(&e), 1u);
	unit_call_start(&call, &e.p[1], HOT_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	cr_expect_eq(hot_pending_bits(&e), 0ull,
		     "the hot producer still paid for a pending bit");
	cr_assert(unit_serve_until_done(&e.c, &call, UNIT_WAIT_MS),
		  "a request in the hot slot was never found");
	cr_expect_eq(call.status, HVB_STATUS_OK);
	cr_expect_eq(call.value, unit_dev_value(HOT_ADDR, 8));
	/* The other producer is not hot: it still announces with its bit. */
	unit_call_start(&call, &e.p[0], HOT_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	cr_expect_eq(hot_pending_bits(&e), 1ull);
	cr_assert(unit_serve_until_done(&e.c, &call, UNIT_WAIT_MS));
	unit_region_free(e.mem, e.size);
}

static int hot_wait_must_not_run(struct hvb_transport *t, __u32 *word,
				 __u32 token)
{
	(void)t;
	(void)word;
	(void)token;
	cr_assert_fail("the daemon slept with a request in its hot slot");
	return -EIO;
}

Test(hot, a_request_in_the_hot_slot_keeps_the_daemon_awake)
{
	static const struct hvb_transport_ops ops = {
		.name = "no-sleep",
		.wait = hot_wait_must_not_run,
	};
	struct hvb_transport t = { .ops = &ops };
	struct hot_env e;
	struct unit_call call;

	hot_setup(&e);
	hot_roundtrip(&e, 0);
	hot_roundtrip(&e, 0);
	cr_assert_eq(hot_cpu(&e), 0u);
	unit_call_start(&call, &e.p[0], HOT_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	cr_assert_eq(hot_pending_bits(&e), 0ull);
	cr_expect(hvb_consumer_has_work(&e.c));
	cr_expect_eq(hvb_consumer_sleep(&e.c, &t), 0,
		     "the last look for work missed the hot slot");
	cr_assert(unit_serve_until_done(&e.c, &call, UNIT_WAIT_MS));
	unit_region_free(e.mem, e.size);
}

Test(hot, detach_and_a_new_attach_withdraw_the_hint)
{
	struct hot_env e;
	struct hvb_consumer next;
	struct unit_dev dev;

	hot_setup(&e);
	hot_roundtrip(&e, 1);
	hot_roundtrip(&e, 1);
	cr_assert_eq(hot_cpu(&e), 1u);
	hvb_consumer_detach(&e.c);
	cr_expect_eq(hot_cpu(&e), HVB_HOT_NONE, "detach left a hot slot");

	/* A daemon that died with a hot slot: the next one withdraws it. */
	unit_consumer_attach(&e.c, e.mem, e.size, &e.dev);
	hot_roundtrip(&e, 0);
	hot_roundtrip(&e, 0);
	cr_assert_eq(hot_cpu(&e), 0u);
	memset(&next, 0, sizeof(next));
	memset(&dev, 0, sizeof(dev));
	unit_consumer_attach(&next, e.mem, e.size, &dev);
	cr_expect_eq(hot_cpu(&e), HVB_HOT_NONE,
		     "a new daemon kept its predecessor's hot slot");
	unit_region_free(e.mem, e.size);
}

/* A vCPU in a burst that does not end: requests back to back on its own
 * thread until told to stop. */
struct hot_flow {
	struct hyp_producer *p;
	atomic_int stop;
	atomic_ulong done;
	atomic_ulong bad;
	pthread_t thread;
};

static void *hot_flow_main(void *arg)
{
	struct hot_flow *f = arg;
	hyp_status_t st;
	__u64 v;

	while (!atomic_load(&f->stop)) {
		v = 0;
		st = hyp_channel_sync(f->p, HVB_TESTDEV_DEFAULT_ZONE, HOT_ADDR,
				      8, 0, &v);
		if (st != HVB_STATUS_OK || v != unit_dev_value(HOT_ADDR, 8))
			atomic_fetch_add(&f->bad, 1);
		atomic_fetch_add(&f->done, 1);
	}
	return NULL;
}

/*
 * The serving loop reads the zone generations only in its full poll,
 * which a turn that serves the hot slot skips unless it is the periodic
 * one (hvb_consumer_turn()).  Skipped on most turns is not skipped for
 * good: a zone stop the hypervisor publishes (with no pending bit, no
 * kick) is acknowledged while the hot vCPU goes on without a pause.
 */
Test(hot, a_busy_hot_slot_does_not_keep_the_daemon_from_a_zone_stop)
{
	struct hot_env e;
	struct unit_daemon d;
	struct hot_flow f = { 0 };
	/* Not the zone of CPU 0's requests: only the poll is under test. */
	const __u32 zone = HVB_TESTDEV_DEFAULT_ZONE + 1, gen = 7;

	hot_setup(&e);
	unit_daemon_start(&d, &e.c, NULL);
	f.p = &e.p[0];
	cr_assert_eq(pthread_create(&f.thread, NULL, hot_flow_main, &f), 0);
	cr_assert(unit_wait_u32(&hvb_region_wake(e.mem)->hot_cpu, 0,
				UNIT_WAIT_MS), "CPU 0's burst never got hot");
	/* Well into the burst: the loop serves the hot slot turn after
	 * turn. */
	while (atomic_load(&f.done) < 1000 && !atomic_load(&f.bad))
		sched_yield();
	cr_expect(hyp_channel_zone_released(&e.p[1], zone, gen,
					    UNIT_WAIT_MS * 1000000ull),
		  "the daemon never acknowledged the zone's generation "
		  "while CPU 0 kept its hot slot busy");
	cr_expect_eq(hot_cpu(&e), 0u, "the hint moved: not the busy case");
	atomic_store(&f.stop, 1);
	cr_assert_eq(pthread_join(f.thread, NULL), 0);
	cr_expect_eq(atomic_load(&f.bad), 0ul, "a request failed");
	cr_assert(unit_daemon_stop(&d, &e.p[1], UNIT_WAIT_MS));
	unit_region_free(e.mem, e.size);
}

/* The same with the hot slot idle: nothing served, nothing announced,
 * and the periodic poll still comes. */
Test(hot, an_idle_hot_slot_does_not_keep_the_daemon_from_a_zone_stop)
{
	struct hot_env e;
	struct unit_daemon d;
	const __u32 zone = HVB_TESTDEV_DEFAULT_ZONE + 1, gen = 7;

	hot_setup(&e);
	hot_roundtrip(&e, 0);
	hot_roundtrip(&e, 0);
	cr_assert_eq(hot_cpu(&e), 0u);
	unit_daemon_start(&d, &e.c, NULL);
	cr_expect(hyp_channel_zone_released(&e.p[1], zone, gen,
					    UNIT_WAIT_MS * 1000000ull),
		  "the daemon never acknowledged the zone's generation "
		  "while CPU 0's slot was hot and idle");
	cr_expect_eq(hot_cpu(&e), 0u, "the hint moved: not the case tested");
	cr_assert(unit_daemon_stop(&d, &e.p[1], UNIT_WAIT_MS));
	unit_region_free(e.mem, e.size);
}
