// SPDX-License-Identifier: MIT
/*
 * Description: kick slots (docs/abi.md, "Kick slots").  The hypervisor's
 * table (hyp/core/kickslot.c) gives each posted window block the lowest
 * free slot (a one-device window when its zone is created, a block of a
 * virtio region when it is first claimed, from any CPU at once) and
 * frees a zone's slots; its copy in the region is routed
 * by the consumer to the device table's devices by (zone, base), and
 * acknowledged; a QueueNotify is posted only while that ack names the
 * slot's current use.  Entries are the root zone's memory: bad ones are
 * counted and route nothing, torn ones are read again.
 */
#include <string.h>

#include <criterion/criterion.h>

#include <hvbridge/testdev.h>
#include <hyp/kickslot.h>
#include <hyp/zone.h>

#include "device.h"
#include "harness.h"
#include "testdev.h"

TestSuite(kickslots, .timeout = UNIT_SUITE_TIMEOUT_S);

#define KS_CPUS		2u
#define KS_VIRTIO	0x0a000000ull

/* ---- the hypervisor's table ---- */

Test(kickslots, slots_are_the_lowest_free_and_freed_by_zone)
{
	struct hyp_kick_table t;
	__u32 seq;

	memset(&t, 0, sizeof(t));
	cr_expect_eq(hyp_kick_slot_alloc(&t, 1, 0x1000, 0x200, 0x50), 0);
	cr_expect_eq(hyp_kick_slot_alloc(&t, 1, 0x1200, 0x200, 0x50), 1);
	cr_expect_eq(hyp_kick_slot_alloc(&t, 2, 0x1000, 0x200, 0x50), 2);
	cr_expect_eq(hyp_kick_slot_find(&t, 1, 0x1200), 1);
	cr_expect_eq(hyp_kick_slot_find(&t, 2, 0x1000), 2,
		     "the same address in another zone is another slot");
	cr_expect_eq(hyp_kick_slot_find(&t, 1, 0x1100), -1);
	seq = t.slot[0].seq;
	cr_expect(seq && !(seq & 1), "a used slot's seq is even, not 0");
	cr_expect_eq(hyp_kick_slot_free_zone(&t, 1), 2u);
	cr_expect_eq(hyp_kick_slot_find(&t, 1, 0x1000), -1);
	cr_expect_eq(t.slot[0].seq, seq + 2, "freeing changes the seq");
	cr_expect_eq(hyp_kick_slot_find(&t, 2, 0x1000), 2, "zone 2 keeps its");
	/* Reused from the lowest, under a new seq: an ack of the old use
	 * never matches. */
	cr_expect_eq(hyp_kick_slot_alloc(&t, 3, 0x1000, 0x200, 0x50), 0);
	cr_expect_eq(t.slot[0].seq, seq + 4);
}

Test(kickslots, a_block_without_room_for_its_register_gets_none)
{
	struct hyp_kick_table t;

	memset(&t, 0, sizeof(t));
	cr_expect_eq(hyp_kick_slot_alloc(&t, 1, 0x1000, 0x50, 0x50), -1);
	cr_expect_eq(hyp_kick_slot_alloc(&t, 1, 0x1000, 0x53, 0x50), -1);
	cr_expect_eq(hyp_kick_slot_alloc(&t, 1, 0x1000, 2, 0), -1);
	cr_expect_eq(hyp_kick_slot_alloc(&t, 1, 0x1000, 0x54, 0x50), 0);
}

/* Counts hyp_kick_slot_claim()'s publications, and checks each is made
 * under the table's lock (a ticket lock is held while next != owner). */
struct ks_pub {
	__u32 calls;
	__u32 unlocked;
};

static void ks_count_publish(struct hyp_kick_table *t, void *ctx)
{
	struct ks_pub *pub = ctx;

	if (__atomic_load_n(&t->lock.next, __ATOMIC_RELAXED) ==
	    __atomic_load_n(&t->lock.owner, __ATOMIC_RELAXED))
		__atomic_add_fetch(&pub->unlocked, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&pub->calls, 1, __ATOMIC_RELAXED);
}

static int ks_claim(struct hyp_kick_table *t, __u32 zone, __u64 base,
		    struct ks_pub *pub)
{
	return hyp_kick_slot_claim(t, zone, base, 0x200, 0x50,
				   ks_count_publish, pub);
}

/*
 * A zone's windows that are one device each get their slot when it is
 * created; a virtio region of many blocks gets none then, and each block
 * its own at its first claim (its first answered QueueNotify), so a
 * large region takes only the slots its devices use.
 */
Test(kickslots, a_window_of_blocks_takes_slots_only_as_they_are_claimed)
{
	static const struct hyp_mmio_window mmio[] = {
		/* tests/zones/zone1.json's 64 KiB virtio region: 128
		 * blocks. */
		{ .base = 0x0a000000, .size = 0x10000, .name = "virtio",
		  .flags = HYP_MMIO_NOTIFY, .notify_off = 0x50,
		  .notify_stride = 0x200 },
		/* one device: a slot at creation */
		{ .base = 0x0c000000, .size = 0x200, .name = "blk",
		  .flags = HYP_MMIO_NOTIFY, .notify_off = 0x50 },
		/* not posted: a handler, or no HYP_MMIO_NOTIFY */
		{ .base = 0x0b000000, .size = 0x10000, .name = "plain" },
	};
	struct hyp_zone_config cfg = {
		.name = "z", .id = 7, .nr_mmio = 3, .mmio = mmio,
	};
	struct hyp_kick_table t;
	struct ks_pub pub = { 0 };
	__u32 i, used = 0;

	memset(&t, 0, sizeof(t));
	cr_expect_eq(hyp_kick_slots_alloc_zone(&t, &cfg), 0u);
	cr_expect_eq(hyp_kick_slot_find(&t, 7, 0x0c000000), 0);
	for (i = 0; i < HVB_KICK_DEVS; i++)
		used += t.slot[i].used;
	cr_expect_eq(used, 1u, "the 128 blocks took slots at creation");
	cr_expect_eq(hyp_kick_slot_find(&t, 7, 0x0b000000), -1);
	/* Two zones with the same region: each block claimed gets one. */
	cr_expect_eq(ks_claim(&t, 7, 0x0a003c00, &pub), 1);
	cr_expect_eq(pub.calls, 1u, "a new slot is published");
	cr_expect_eq(ks_claim(&t, 7, 0x0a003c00, &pub), 1);
	cr_expect_eq(pub.calls, 1u, "an existing slot is not published again");
	cfg.id = 8;
	cr_expect_eq(hyp_kick_slots_alloc_zone(&t, &cfg), 0u);
	cr_expect_eq(hyp_kick_slot_find(&t, 8, 0x0c000000), 2);
	cr_expect_eq(ks_claim(&t, 8, 0x0a003c00, &pub), 3,
		     "a later zone still finds slots: the first region took 1");
	cr_expect_eq(hyp_kick_slot_find(&t, 7, 0x0a003e00), -1,
		     "an unclaimed block has no slot");
	cr_expect_eq(pub.unlocked, 0u, "published outside the table's lock");
	cr_expect_eq(t.lock.next, t.lock.owner, "the lock is left held");
}

/* The table full at run time: a claim gets -1 (the block stays
 * synchronous), publishes nothing, and succeeds once a zone is gone. */
Test(kickslots, a_claim_on_a_full_table_fails_until_a_zone_frees_slots)
{
	struct hyp_kick_table t;
	struct ks_pub pub = { 0 };
	__u32 i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < HVB_KICK_DEVS; i++)
		cr_assert_eq(ks_claim(&t, 1 + i % 2, 0x0a000000 + 0x200 * i,
				      &pub), (int)i);
	cr_expect_eq(pub.calls, HVB_KICK_DEVS);
	cr_expect_eq(ks_claim(&t, 3, 0x0a000000, &pub), -1);
	cr_expect_eq(ks_claim(&t, 1, 0x0a000000 + 0x200 * HVB_KICK_DEVS, &pub),
		     -1);
	cr_expect_eq(pub.calls, HVB_KICK_DEVS, "a failed claim published");
	cr_expect_eq(ks_claim(&t, 1, 0x0a000000, &pub), 0, "its own still");
	cr_expect_eq(hyp_kick_slot_free_zone(&t, 2), HVB_KICK_DEVS / 2);
	cr_expect_eq(ks_claim(&t, 3, 0x0a000000, &pub), 1,
		     "the lowest slot zone 2 gave back");
	/* A block that cannot hold its register gets none. */
	cr_expect_eq(hyp_kick_slot_claim(&t, 3, 0x0b000000, 0x50, 0x50,
					 ks_count_publish, &pub), -1);
	cr_expect_eq(pub.unlocked, 0u);
}

/*
 * The CPUs of zones claim at once, each its blocks in its own order,
 * several CPUs the same blocks: every block ends with exactly one slot,
 * no slot holds two blocks, each new slot was published once, under the
 * lock.  (Without the lock the publication check fails at once; without
 * the second look under it, two CPUs give one block two slots within
 * the 1000 rounds in most runs on two cores.)
 */
#define KS_CLAIMERS	4u
#define KS_BLOCKS	(HVB_KICK_DEVS / 2)

struct ks_claimer {
	struct hyp_kick_table *t;
	struct ks_pub *pub;
	pthread_barrier_t *go;
	__u32 index;
	int got[KS_BLOCKS];	/* block b: its slot */
};

static void *ks_claimer_run(void *arg)
{
	struct ks_claimer *c = arg;
	__u32 i, b;

	/* Claimers 0, 1 are zone 1's CPUs, 2, 3 zone 2's; both CPUs of a
	 * zone in the same order, so they meet on every block, the two
	 * zones in opposite orders.  All start at once. */
	pthread_barrier_wait(c->go);
	for (i = 0; i < KS_BLOCKS; i++) {
		b = c->index / 2 ? KS_BLOCKS - 1 - i : i;
		c->got[b] = ks_claim(c->t, 1 + c->index / 2,
					0x0a000000 + 0x200ull * b, c->pub);
	}
	return NULL;
}

Test(kickslots, cpus_claiming_at_once_give_each_block_one_slot)
{
	static struct hyp_kick_table t;
	static struct ks_claimer c[KS_CLAIMERS];
	struct ks_pub pub = { 0 };
	pthread_t th[KS_CLAIMERS];
	pthread_barrier_t go;
	int owner[HVB_KICK_DEVS];
	__u32 round, i, b, z;

	cr_assert_eq(pthread_barrier_init(&go, NULL, KS_CLAIMERS), 0);
	for (round = 0; round < 1000; round++) {
		memset(&t, 0, sizeof(t));
		memset(&pub, 0, sizeof(pub));
		for (i = 0; i < KS_CLAIMERS; i++) {
			c[i] = (struct ks_claimer){ .t = &t, .pub = &pub,
						    .go = &go, .index = i };
			cr_assert_eq(pthread_create(&th[i], NULL,
						    ks_claimer_run, &c[i]), 0);
		}
		for (i = 0; i < KS_CLAIMERS; i++)
			pthread_join(th[i], NULL);
		for (i = 0; i < HVB_KICK_DEVS; i++)
			owner[i] = -1;
		for (z = 0; z < 2; z++)
			for (b = 0; b < KS_BLOCKS; b++) {
				int s = c[2 * z].got[b];

				cr_assert_geq(s, 0, "round %u: zone %u block %u",
					      round, z + 1, b);
				cr_assert_eq(c[2 * z + 1].got[b], s,
					     "round %u: zone %u block %u has two slots, %d and %d",
					     round, z + 1, b, s,
					     c[2 * z + 1].got[b]);
				cr_assert_eq(owner[s], -1,
					     "round %u: slot %d holds two blocks",
					     round, s);
				owner[s] = (int)(z * KS_BLOCKS + b);
				cr_assert_eq(hyp_kick_slot_find(&t, z + 1,
						0x0a000000 + 0x200ull * b), s);
			}
		cr_assert_eq(pub.calls, HVB_KICK_DEVS,
			     "round %u: %u publications", round, pub.calls);
		cr_assert_eq(pub.unlocked, 0u);
	}
	pthread_barrier_destroy(&go);
}

/* ---- the consumer and the device table ---- */

struct ks_env {
	void *mem;
	__u64 size;
	struct hyp_producer p;
	struct hvb_consumer c;
	struct hvb_devices tab;
	struct hyp_kick_table t;
	struct hvb_kick_slots *shared;
	struct hvb_kick_acks *acks;
	__u32 *slots_gen;
};

/* Routes and acks through the real device table; kicks counted by the
 * device they reach (a testdev's kick count register as well). */
/* A daemon: a test device in zones @a and @b (created in that order),
 * none with a kick slot of its own, attached to the region. */
static void ks_daemon(struct ks_env *e, __u32 a, __u32 b)
{
	struct hvb_device_args args = {
		.zone_id = a, .base = HVB_TESTDEV_DEFAULT_BASE, .kick_dev = -1,
	};
	const char *why = "";

	hvb_devices_init(&e->tab);
	cr_assert_eq(hvb_devices_create(&e->tab, HVB_TESTDEV_TYPE, &args,
					&why), 0, "%s", why);
	args.zone_id = b;
	cr_assert_eq(hvb_devices_create(&e->tab, HVB_TESTDEV_TYPE, &args,
					&why), 0, "%s", why);
	cr_assert_eq(hvb_consumer_attach(&e->c, e->mem, e->size,
					 &hvb_devices_consumer_ops, &e->tab),
		     0);
}

static void ks_env_new(struct ks_env *e)
{
	memset(e, 0, sizeof(*e));
	e->mem = unit_region_new(KS_CPUS, &e->size);
	unit_producer_attach(&e->p, e->mem, e->size, 0);
	e->shared = hvb_region_kick_slots(e->mem, KS_CPUS);
	e->acks = hvb_region_kick_acks(e->mem, KS_CPUS);
	e->slots_gen = &hvb_region_kicks(e->mem)->slots_gen;
	ks_daemon(e, 1, 2);
}

static void ks_env_free(struct ks_env *e)
{
	hvb_consumer_detach(&e->c);
	hvb_devices_fini(&e->tab);
	unit_region_free(e->mem, e->size);
}

static void ks_publish(struct ks_env *e)
{
	hyp_kick_table_publish(&e->t, e->shared, e->slots_gen);
}

/* KICK_COUNT(q) of zone @zone's test device, as the guest reads it. */
static __u64 ks_kick_count(struct ks_env *e, __u32 zone, __u32 q)
{
	struct hvb_device *d = hvb_devices_lookup(&e->tab, zone,
						  HVB_TESTDEV_DEFAULT_BASE, 8);
	__u64 v = 0;

	cr_assert(d);
	cr_assert_eq(d->ops->access(d, HVB_TESTDEV_KICK_COUNT(q), 8, false,
				    &v), HVB_STATUS_OK);
	return v;
}

static int ks_post(struct ks_env *e, __u32 zone, __u32 q)
{
	return hyp_kick_post(&e->p, &e->t, zone, HVB_TESTDEV_DEFAULT_BASE, q);
}

/* The hypervisor gives zone @zone's test device window a slot and
 * publishes it; the daemon routes it. */
static void ks_route_testdev(struct ks_env *e, __u32 zone)
{
	cr_assert_geq(hyp_kick_slot_alloc(&e->t, zone, HVB_TESTDEV_DEFAULT_BASE,
					  HVB_TESTDEV_SIZE,
					  HVB_TESTDEV_NOTIFY), 0);
	ks_publish(e);
	hvb_consumer_poll(&e->c);
}

Test(kickslots, a_slot_is_posted_only_once_the_daemon_routes_it)
{
	struct ks_env e;
	int s;

	ks_env_new(&e);
	s = hyp_kick_slot_alloc(&e.t, 1, HVB_TESTDEV_DEFAULT_BASE,
				HVB_TESTDEV_SIZE, HVB_TESTDEV_NOTIFY);
	cr_assert_eq(s, 0);
	/* Not in the region yet, then not acknowledged yet: synchronous. */
	cr_expect_eq(ks_post(&e, 1, 3), -1);
	ks_publish(&e);
	cr_expect_eq(ks_post(&e, 1, 3), -1, "published, not yet routed");
	hvb_consumer_poll(&e.c);
	cr_expect_eq(e.acks->ack[0], e.t.slot[0].seq, "acknowledged");
	cr_expect_eq(hvb_devices_by_kick(&e.tab, 0)->zone_id, 1u);
	cr_expect_eq(ks_post(&e, 1, 3), 0, "posted now");
	cr_expect_eq(ks_post(&e, 2, 3), -1, "zone 2 has no slot");
	hvb_consumer_poll(&e.c);
	cr_expect_eq(ks_kick_count(&e, 1, 3), 1u, "zone 1's device kicked");
	cr_expect_eq(ks_kick_count(&e, 2, 3), 0u);
	/* Freed: the old ack never matches, and the kick is unrouted. */
	hyp_kick_slot_free_zone(&e.t, 1);
	ks_publish(&e);
	cr_expect_eq(ks_post(&e, 1, 3), -1);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(e.acks->ack[0], 0u, "ack withdrawn");
	cr_expect_null(hvb_devices_by_kick(&e.tab, 0));
	ks_env_free(&e);
}

static void ks_publish_cb(struct hyp_kick_table *t, void *ctx)
{
	struct ks_env *e = ctx;

	cr_assert_eq(t, &e->t);
	ks_publish(e);
}

/* A block claimed while the daemon runs (its first answered QueueNotify)
 * is routed at the daemon's next poll; its QueueNotify writes are posted
 * from then on, and another zone's later claim leaves its route alone. */
Test(kickslots, a_block_claimed_at_run_time_is_routed_then_posted)
{
	struct ks_env e;
	__u32 seq;

	ks_env_new(&e);
	hvb_consumer_poll(&e.c);
	cr_assert_eq(hyp_kick_slot_claim(&e.t, 1, HVB_TESTDEV_DEFAULT_BASE,
					 HVB_TESTDEV_SIZE, HVB_TESTDEV_NOTIFY,
					 ks_publish_cb, &e), 0);
	cr_expect_eq(ks_post(&e, 1, 2), -1, "published, not yet routed");
	hvb_consumer_poll(&e.c);
	seq = e.t.slot[0].seq;
	cr_expect_eq(e.acks->ack[0], seq);
	cr_expect_eq(ks_post(&e, 1, 2), 0, "posted once routed");
	cr_expect_eq(hyp_kick_slot_claim(&e.t, 2, HVB_TESTDEV_DEFAULT_BASE,
					 HVB_TESTDEV_SIZE, HVB_TESTDEV_NOTIFY,
					 ks_publish_cb, &e), 1);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(e.acks->ack[0], seq, "zone 1's route changed");
	cr_expect_eq(e.acks->ack[1], e.t.slot[1].seq);
	cr_expect_eq(ks_post(&e, 2, 2), 0);
	cr_expect_eq(ks_post(&e, 1, 2), 0);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(ks_kick_count(&e, 1, 2), 2u, "one per poll");
	cr_expect_eq(ks_kick_count(&e, 2, 2), 1u);
	ks_env_free(&e);
}

Test(kickslots, a_reused_slot_is_not_posted_on_its_old_ack)
{
	struct ks_env e;

	ks_env_new(&e);
	ks_route_testdev(&e, 1);
	cr_assert_eq(ks_post(&e, 1, 0), 0);
	hvb_consumer_poll(&e.c);
	/* Zone 1 goes, zone 2 takes slot 0 before the daemon looks. */
	hyp_kick_slot_free_zone(&e.t, 1);
	cr_assert_eq(hyp_kick_slot_alloc(&e.t, 2, HVB_TESTDEV_DEFAULT_BASE,
					 HVB_TESTDEV_SIZE,
					 HVB_TESTDEV_NOTIFY), 0);
	ks_publish(&e);
	cr_expect_eq(ks_post(&e, 2, 0), -1,
		     "the ack is for zone 1's use of the slot");
	hvb_consumer_poll(&e.c);
	cr_expect_eq(ks_post(&e, 2, 0), 0);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(ks_kick_count(&e, 2, 0), 1u);
	cr_expect_eq(ks_kick_count(&e, 1, 0), 1u, "zone 1's one kick only");
	ks_env_free(&e);
}

/*
 * A zone stopped for good and its slot given to another zone before the
 * daemon looked (no daemon awake between the two): the old run's kick,
 * still in the bitmap, reaches the old run's device, which the zone
 * generation's drain serves before the table is routed again.
 */
Test(kickslots, a_stale_kick_never_reaches_the_next_zone_of_its_slot)
{
	struct ks_env e;

	ks_env_new(&e);
	ks_route_testdev(&e, 1);
	cr_assert_eq(ks_post(&e, 1, 5), 0);
	/* Zone 1 stopped (generation 1), then removed; zone 2 created. */
	hyp_channel_zone_gone(&e.p, 1, 1);
	hyp_kick_slot_free_zone(&e.t, 1);
	hyp_kick_slot_alloc(&e.t, 2, HVB_TESTDEV_DEFAULT_BASE,
			    HVB_TESTDEV_SIZE, HVB_TESTDEV_NOTIFY);
	ks_publish(&e);
	hvb_consumer_poll(&e.c);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(ks_kick_count(&e, 2, 5), 0u,
		     "zone 2's device got zone 1's kick");
	ks_env_free(&e);
}

/* The entry's register must be the device's: a window of another kind
 * of device at the block's base is left synchronous. */
Test(kickslots, a_slot_whose_register_is_not_the_devices_is_not_routed)
{
	struct ks_env e;

	ks_env_new(&e);
	/* A virtio-style block (QueueNotify at 0x50) over the test device:
	 * its write at 0x50 is SCRATCH, never a kick. */
	hyp_kick_slot_alloc(&e.t, 1, HVB_TESTDEV_DEFAULT_BASE,
			    HVB_VIRTIO_MMIO_STRIDE, HVB_VIRTIO_MMIO_NOTIFY);
	/* A block inside the device's window, not at its base. */
	hyp_kick_slot_alloc(&e.t, 1, HVB_TESTDEV_DEFAULT_BASE + 0x200,
			    HVB_VIRTIO_MMIO_STRIDE, HVB_VIRTIO_MMIO_NOTIFY);
	/* No device there at all. */
	hyp_kick_slot_alloc(&e.t, 3, KS_VIRTIO, HVB_VIRTIO_MMIO_STRIDE,
			    HVB_VIRTIO_MMIO_NOTIFY);
	/* The test device's own register offset, from a block that starts
	 * inside its window: 0x100 past NOTIFY, not NOTIFY. */
	hyp_kick_slot_alloc(&e.t, 2, HVB_TESTDEV_DEFAULT_BASE + 0x100,
			    HVB_TESTDEV_SIZE - 0x100, HVB_TESTDEV_NOTIFY);
	ks_publish(&e);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(e.acks->ack[0], 0u);
	cr_expect_eq(e.acks->ack[1], 0u);
	cr_expect_eq(e.acks->ack[2], 0u);
	cr_expect_eq(e.acks->ack[3], 0u, "a block inside a window");
	cr_expect_eq(ks_post(&e, 1, 0), -1);
	cr_expect_eq(hvb_region_daemon_stats(e.mem)->bad_kick_slots, 0u,
		     "no device is not a bad entry");
	ks_env_free(&e);
}

/* Hostile entries: each is counted once, routes nothing, crashes
 * nothing; a later good entry in the same slot is routed. */
Test(kickslots, bad_entries_are_counted_and_route_nothing)
{
	static const struct {
		__u32 flags, size, notify_off;
		__u64 base;
	} bad[] = {
		{ HVB_KICK_SLOT_USED | 0x80, HVB_TESTDEV_SIZE,
		  HVB_TESTDEV_NOTIFY, HVB_TESTDEV_DEFAULT_BASE },
		{ HVB_KICK_SLOT_USED, 0x100, HVB_TESTDEV_NOTIFY,
		  HVB_TESTDEV_DEFAULT_BASE },
		{ HVB_KICK_SLOT_USED, 0, 0, HVB_TESTDEV_DEFAULT_BASE },
		{ HVB_KICK_SLOT_USED, 0x1000, 0xffe, HVB_TESTDEV_DEFAULT_BASE },
		{ HVB_KICK_SLOT_USED, 0x1000, 0x50, ~0ull - 0x10 },
	};
	struct ks_env e;
	struct hvb_kick_slot *s;
	__u32 i, seq = 2;

	ks_env_new(&e);
	s = &e.shared->slot[9];
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++, seq += 2) {
		s->zone_id = 1;
		s->base = bad[i].base;
		s->size = bad[i].size;
		s->notify_off = bad[i].notify_off;
		s->flags = bad[i].flags;
		s->seq = seq;
		(*e.slots_gen)++;
		hvb_consumer_poll(&e.c);
		hvb_consumer_poll(&e.c);
		cr_expect_eq(hvb_region_daemon_stats(e.mem)->bad_kick_slots,
			     (__u64)i + 1, "entry %u counted once", i);
		cr_expect_eq(e.acks->ack[9], 0u, "entry %u", i);
		cr_expect_null(hvb_devices_by_kick(&e.tab, 9), "entry %u", i);
	}
	/* A torn entry (odd seq) is left for the next poll. */
	s->base = HVB_TESTDEV_DEFAULT_BASE;
	s->size = HVB_TESTDEV_SIZE;
	s->notify_off = HVB_TESTDEV_NOTIFY;
	s->flags = HVB_KICK_SLOT_USED;
	s->seq = seq + 1;
	(*e.slots_gen)++;
	hvb_consumer_poll(&e.c);
	cr_expect_eq(e.acks->ack[9], 0u, "odd seq: being rewritten");
	s->seq = seq + 2;
	hvb_consumer_poll(&e.c);
	cr_expect_eq(e.acks->ack[9], seq + 2,
		     "read again without a new slots_gen");
	cr_expect_eq(hvb_devices_by_kick(&e.tab, 9)->zone_id, 1u);
	cr_expect_eq(hvb_region_daemon_stats(e.mem)->bad_kick_slots,
		     (__u64)sizeof(bad) / sizeof(bad[0]));
	ks_env_free(&e);
}

/* A daemon attaching later routes the whole table on its first poll,
 * before it drains the kicks left in the bitmap. */
Test(kickslots, a_new_daemon_routes_before_it_drains)
{
	struct ks_env e;

	ks_env_new(&e);
	ks_route_testdev(&e, 2);
	cr_assert_eq(ks_post(&e, 2, 4), 0);
	/* The daemon dies with the kick in the bitmap; a new one comes,
	 * its devices in another order. */
	hvb_devices_fini(&e.tab);
	ks_daemon(&e, 2, 1);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(ks_kick_count(&e, 2, 4), 1u);
	cr_expect_eq(ks_kick_count(&e, 1, 4), 0u);
	ks_env_free(&e);
}
