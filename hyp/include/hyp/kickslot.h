/* SPDX-License-Identifier: MIT */
/*
 * hyp/kickslot.h - kick numbers, given out by the hypervisor.
 *
 * Every forwarded window whose QueueNotify-style writes are posted
 * (HYP_MMIO_NOTIFY) gets a kick slot per block, from the lowest free
 * one, when its zone is created, and gives it back when the zone is
 * removed.  The table lives here, in hypervisor memory; a copy goes to
 * the channel region (struct hvb_kick_slots) for the daemon, which
 * routes each slot to its device by (zone id, block base) and
 * acknowledges the route (struct hvb_kick_acks).  A QueueNotify is
 * posted only while the ack names the slot's current seq; otherwise it
 * is a synchronous write, which always works (docs/abi.md, "Kick
 * slots").  One rule, whatever the zone's config was written in.
 *
 * Writers of a table: one at a time (the zone-control lock, or boot).
 * Readers: the trap path of any CPU (hyp_kick_slot_find()); an entry
 * only changes while its zone has no CPU running, and zone ids are
 * unique among existing zones, so a running zone never finds an entry
 * in the middle of a change.
 */
#ifndef HYP_KICKSLOT_H
#define HYP_KICKSLOT_H

#include <hvbridge/channel.h>

struct hyp_producer;
struct hyp_zone_config;

struct hyp_kick_slot {
	__u64 base;		/* the block's IPA */
	__u32 zone_id;
	__u32 size;
	__u32 notify_off;
	__u32 used;		/* 1: assigned */
	__u32 seq;		/* as in the region: +2 per change, even */
	__u32 pad;
};

struct hyp_kick_table {
	struct hyp_kick_slot slot[HVB_KICK_DEVS];
	__u32 gen;		/* +1 per publication (slots_gen) */
	__u32 pad;
};

/* The hypervisor's own table. */
extern struct hyp_kick_table hyp_kick_table;

/*
 * Give (@zone_id, [@base, @base + @size)) the lowest free slot, its
 * register at @notify_off.  Returns the slot, or -1 when none is free
 * or the block cannot hold a 4-byte register at @notify_off.
 */
int hyp_kick_slot_alloc(struct hyp_kick_table *t, __u32 zone_id, __u64 base,
			__u32 size, __u32 notify_off);

/* Free every slot of zone @zone_id; returns how many. */
__u32 hyp_kick_slot_free_zone(struct hyp_kick_table *t, __u32 zone_id);

/* The slot of zone @zone_id's block at @base, or -1. */
int hyp_kick_slot_find(const struct hyp_kick_table *t, __u32 zone_id,
		       __u64 base);

/*
 * Slots for every posted window of @cfg: one per block of
 * notify_stride bytes (the whole window when 0).  Returns the number of
 * blocks left without a slot (the table was full): their QueueNotify
 * writes stay synchronous.
 */
__u32 hyp_kick_slots_alloc_zone(struct hyp_kick_table *t,
				const struct hyp_zone_config *cfg);

/*
 * Write @t into a region's table @shared (every entry ever used, each
 * through its seqlock), then slots_gen (release, Barrier T).
 */
void hyp_kick_table_publish(struct hyp_kick_table *t,
			    struct hvb_kick_slots *shared, __u32 *slots_gen);

/*
 * Post the QueueNotify write of queue @queue at zone @zone_id's block
 * @base as a kick, if that block has a slot the daemon acknowledged.
 * Returns 0 when posted, -1 when the caller must forward the write
 * synchronously.
 */
int hyp_kick_post(struct hyp_producer *p, const struct hyp_kick_table *t,
		  __u32 zone_id, __u64 base, __u32 queue);

#endif /* HYP_KICKSLOT_H */
