// SPDX-License-Identifier: MIT
/*
 * Description: the zone-incarnation handshake at the channel level
 * (docs/abi.md, "Zone restarts").  The hypervisor's start gate,
 * hyp_channel_zone_released(), lets a zone start only when no daemon is
 * attached or the attached one acknowledged the zone's generation; a
 * daemon that never polls makes it refuse.  The consumer resets the
 * zone (its zone_reset op) before it acknowledges, once per generation,
 * and a sleeping daemon is woken by the generation alone.
 */
#include <stdatomic.h>
#include <string.h>

#include <criterion/criterion.h>

#include <hvbridge/barrier.h>

#include "harness.h"

TestSuite(zonegen, .timeout = UNIT_SUITE_TIMEOUT_S);

#define ZG_CPUS		2u
#define ZG_ZONE		1u
#define ZG_SLICE_NS	(20ull * 1000 * 1000)

/* The zone_reset op: records the call and what the ack word said then. */
static atomic_uint zg_resets;
static atomic_uint zg_reset_gen;
static atomic_uint zg_ack_at_reset;
static __u32 *zg_ack_word;

static __u32 zg_sync(void *ctx, const struct hvb_request *req, __u64 *value)
{
	(void)ctx;
	(void)req;
	*value = 0;
	return HVB_STATUS_OK;
}

static void zg_kick(void *ctx, __u32 dev, __u32 queue)
{
	(void)ctx;
	(void)dev;
	(void)queue;
}

static void zg_zone_reset(void *ctx, __u32 zone, __u32 gen)
{
	(void)ctx;
	cr_assert_eq(zone, ZG_ZONE, "reset of zone %u", zone);
	atomic_store(&zg_ack_at_reset, hvb_load_acquire_u32(zg_ack_word));
	atomic_store(&zg_reset_gen, gen);
	atomic_fetch_add(&zg_resets, 1);
}

static const struct hvb_consumer_ops zg_ops = {
	.sync = zg_sync,
	.kick = zg_kick,
	.zone_reset = zg_zone_reset,
};

static void *zg_region(__u64 *size, struct hyp_producer *p)
{
	void *mem = unit_region_new(ZG_CPUS, size);

	unit_producer_attach(p, mem, *size, 0);
	zg_ack_word = &hvb_region_daemon_stats(mem)->zone_ack[ZG_ZONE];
	atomic_store(&zg_resets, 0);
	return mem;
}

Test(zonegen, no_daemon_lets_the_zone_start)
{
	struct hyp_producer p;
	__u64 size;
	void *mem = zg_region(&size, &p);

	hyp_channel_zone_gone(&p, ZG_ZONE, 1);
	cr_assert_eq(hvb_region_kicks(mem)->zone_gen[ZG_ZONE], 1u);
	cr_assert_eq(hyp_channel_zone_released(&p, ZG_ZONE, 1, ZG_SLICE_NS),
		     1, "no daemon attached, yet the start was refused");
	unit_region_free(mem, size);
}

Test(zonegen, daemon_that_never_acks_refuses_the_start)
{
	struct hyp_producer p;
	struct hvb_consumer c;
	__u64 size;
	void *mem = zg_region(&size, &p);

	memset(&c, 0, sizeof(c));
	cr_assert_eq(hvb_consumer_attach(&c, mem, size, &zg_ops, NULL), 0);
	/* Attached and acknowledged generation 0 ... */
	hvb_consumer_poll(&c);
	cr_assert_eq(hyp_channel_zone_released(&p, ZG_ZONE, 0, 0), 1);
	/* ... then the zone stops for good and the daemon never polls. */
	hyp_channel_zone_gone(&p, ZG_ZONE, 1);
	cr_assert_eq(hyp_channel_zone_released(&p, ZG_ZONE, 1, ZG_SLICE_NS),
		     0, "started a zone the attached daemon never released");
	cr_assert_eq(atomic_load(&zg_resets), 0u);
	/* A daemon that detached (its devices stopped) stands in no way. */
	hvb_consumer_detach(&c);
	cr_assert_eq(hyp_channel_zone_released(&p, ZG_ZONE, 1, ZG_SLICE_NS),
		     1);
	unit_region_free(mem, size);
}

Test(zonegen, reset_comes_before_the_ack_once_per_generation)
{
	struct hyp_producer p;
	struct hvb_consumer c;
	__u64 size;
	void *mem = zg_region(&size, &p);
	__u32 gen;

	memset(&c, 0, sizeof(c));
	cr_assert_eq(hvb_consumer_attach(&c, mem, size, &zg_ops, NULL), 0);
	hvb_consumer_poll(&c);
	cr_assert_eq(atomic_load(&zg_resets), 0u,
		     "attach resets nothing: the devices are set up for it");
	for (gen = 1; gen <= 5; gen++) {
		hyp_channel_zone_gone(&p, ZG_ZONE, gen);
		cr_assert(hvb_consumer_has_work(&c),
			  "a new generation is work (the last look before sleep)");
		hvb_consumer_poll(&c);
		cr_assert_eq(atomic_load(&zg_resets), gen);
		cr_assert_eq(atomic_load(&zg_reset_gen), gen);
		cr_assert_neq(atomic_load(&zg_ack_at_reset), gen,
			      "acknowledged before the reset");
		cr_assert_eq(*zg_ack_word, gen);
		cr_assert_eq(hyp_channel_zone_released(&p, ZG_ZONE, gen, 0), 1);
		/* Published again at start: no second reset. */
		hvb_consumer_poll(&c);
		cr_assert_eq(atomic_load(&zg_resets), gen);
		cr_assert(!hvb_consumer_has_work(&c));
	}
	hvb_consumer_detach(&c);
	unit_region_free(mem, size);
}

Test(zonegen, a_generation_wakes_a_sleeping_daemon)
{
	struct hvb_transport t;
	struct unit_daemon d;
	struct hyp_producer p;
	struct hvb_consumer c;
	__u64 size;
	void *mem = zg_region(&size, &p);

	memset(&c, 0, sizeof(c));
	memset(&t, 0, sizeof(t));
	t.fd = -1;
	t.ops = &hvb_transport_sim;
	t.region = mem;
	t.size = size;
	cr_assert_eq(hvb_consumer_attach(&c, mem, size, &zg_ops, NULL), 0);
	c.spin_budget = 1;
	unit_daemon_start(&d, &c, &t);
	/* Let it go to sleep: consumer_state SLEEPING. */
	cr_assert(unit_wait_u32(&hvb_region_wake(mem)->consumer_state,
				HVB_CONSUMER_SLEEPING, UNIT_WAIT_MS),
		  "the daemon never slept");
	hyp_channel_zone_gone(&p, ZG_ZONE, 7);
	cr_assert_eq(hyp_channel_zone_released(&p, ZG_ZONE, 7,
					       UNIT_WAIT_MS * 1000000ull), 1,
		     "the sleeping daemon was not woken by the generation");
	cr_assert_eq(atomic_load(&zg_reset_gen), 7u);
	cr_assert(unit_daemon_stop(&d, &p, UNIT_WAIT_MS));
	hvb_consumer_detach(&c);
	unit_region_free(mem, size);
}
