/* SPDX-License-Identifier: MIT */
/*
 * hyp/kickslot.h - kick numbers, given out by the hypervisor.
 *
 * Every forwarded window whose QueueNotify-style writes are posted
 * (HYP_MMIO_NOTIFY) gets a kick slot per block, from the lowest free
 * one, and gives it back when its zone is removed.  A window that is one
 * device (notify_stride 0: the static configs' named windows) gets its
 * slot when the zone is created; a window of many blocks (notify_stride:
 * a zone JSON's virtio region, most of whose blocks may hold no device)
 * gives a block its slot at run time, when a device first answered a
 * QueueNotify there (hyp_zone_kick_claim(), hyp/zone.h).  The table
 * lives here, in hypervisor memory; a copy goes to
 * the channel region (struct hvb_kick_slots) for the daemon, which
 * routes each slot to its device by (zone id, block base) and
 * acknowledges the route (struct hvb_kick_acks).  A QueueNotify is
 * posted only while the ack names the slot's current seq; otherwise it
 * is a synchronous write, which always works (docs/abi.md, "Kick
 * slots").  One rule, whatever the zone's config was written in.
 *
 * Writers of a table: one at a time, under its @lock (or alone, at
 * boot and in single-threaded tests): zone creation and removal, and
 * the trap path of any CPU claiming a block.  The copies into the
 * channel regions (hyp_kick_table_publish()) are made under @lock too,
 * so a publication never reads an entry half rewritten.  Lock order:
 * @lock, then the arch's channel lock.
 * Readers without the lock: the trap path of any CPU
 * (hyp_kick_slot_find()).  An entry is freed only while its zone has no
 * CPU running, and zone ids are unique among existing zones, so the one
 * change a running zone can meet is a free entry becoming one of its own
 * blocks: the fields are written before @used with release (Barrier U),
 * and the lookup loads @used with acquire (U'), so a lookup that matches
 * reads the new entry whole, its seq included.
 */
#ifndef HYP_KICKSLOT_H
#define HYP_KICKSLOT_H

#include <hvbridge/channel.h>
#include <hyp/spinlock.h>

struct hyp_producer;
struct hyp_zone_config;

struct hyp_kick_slot {
	__u64 base;		/* the block's IPA */
	__u32 zone_id;
	__u32 size;
	__u32 notify_off;
	__u32 used;		/* 1: assigned; written last (Barrier U) */
	__u32 seq;		/* as in the region: +2 per change, even */
	__u32 pad;
};

struct hyp_kick_table {
	struct hyp_kick_slot slot[HVB_KICK_DEVS];
	__u32 gen;		/* +1 per publication (slots_gen) */
	__u32 pad;
	struct hyp_spinlock lock;	/* the writers' (all zero: free) */
};

/* The hypervisor's own table. */
extern struct hyp_kick_table hyp_kick_table;

/*
 * Give (@zone_id, [@base, @base + @size)) the lowest free slot, its
 * register at @notify_off.  Returns the slot, or -1 when none is free
 * or the block cannot hold a 4-byte register at @notify_off.  The
 * caller holds @t->lock (or is the table's only user).
 */
int hyp_kick_slot_alloc(struct hyp_kick_table *t, __u32 zone_id, __u64 base,
			__u32 size, __u32 notify_off);

/*
 * Zone @zone_id's block [@base, @base + @size), register at
 * @notify_off, is in use: its slot, given now if it had none.  From any
 * CPU, while the zone runs.  Lock-free when the block has its slot;
 * otherwise under @t->lock it looks again (another CPU of the zone may
 * have claimed it meanwhile), takes the lowest free slot and calls
 * @publish(@t, @ctx) before it drops the lock (hyp/kickslot.h: no other
 * writer between the change and its copy).  Returns the slot, or -1
 * when none is free (the block's QueueNotify writes stay synchronous)
 * or the block cannot hold its register.
 */
int hyp_kick_slot_claim(struct hyp_kick_table *t, __u32 zone_id, __u64 base,
			__u32 size, __u32 notify_off,
			void (*publish)(struct hyp_kick_table *t, void *ctx),
			void *ctx);

/* Free every slot of zone @zone_id, whose CPUs are all off; returns how
 * many.  The caller holds @t->lock. */
__u32 hyp_kick_slot_free_zone(struct hyp_kick_table *t, __u32 zone_id);

/* The slot of zone @zone_id's block at @base, or -1.  Lock-free. */
int hyp_kick_slot_find(const struct hyp_kick_table *t, __u32 zone_id,
		       __u64 base);

/*
 * Slots for the posted windows of @cfg that are one device each
 * (notify_stride 0); a window of blocks (notify_stride) gets none here,
 * its blocks are claimed at run time.  Returns the number of windows
 * left without a slot (the table was full): their QueueNotify writes
 * stay synchronous.  The caller holds @t->lock.
 */
__u32 hyp_kick_slots_alloc_zone(struct hyp_kick_table *t,
				const struct hyp_zone_config *cfg);

/*
 * Write @t into a region's table @shared (every entry ever used, each
 * through its seqlock), then slots_gen (release, Barrier T).  The
 * caller holds @t->lock.
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

static inline void hyp_kick_table_lock(struct hyp_kick_table *t)
{
	hyp_spin_lock(&t->lock);
}

static inline void hyp_kick_table_unlock(struct hyp_kick_table *t)
{
	hyp_spin_unlock(&t->lock);
}

#endif /* HYP_KICKSLOT_H */
