// SPDX-License-Identifier: MIT
/*
 * Description: the hot slot.  The daemon looks at one slot on every poll
 * and says which in wake.hot_cpu; that slot's producer then sets no
 * pending bit.  These tests pin the parts a single thread can show: the
 * hint is only given to a vCPU in a burst, such a request is served and
 * keeps the daemon from sleeping although no bit announces it, and
 * attach/detach withdraw the hint.  The race of moving the hint away
 * (Barrier H) is exercised by tests/stress, where dropping the daemon's
 * recheck of the old hot slot loses a request within seconds.
 */
#include <errno.h>
#include <criterion/criterion.h>

#include <hvbridge/barrier.h>

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
