// SPDX-License-Identifier: MIT
/*
 * Kick slots (hyp/kickslot.h): which kick number each posted window
 * block has, its copy in the channel region, and the posting decision.
 */
#include <hvbridge/barrier.h>
#include <hyp/channel.h>
#include <hyp/kickslot.h>
#include <hyp/zone.h>

struct hyp_kick_table hyp_kick_table;

/* Out of line: a slow path, and one copy whose release (Barrier U) the
 * binding check finds; clang, inlining it into the loop of
 * hyp_kick_slots_alloc_zone(), credits the stlr to the caller. */
__attribute__((noinline))
int hyp_kick_slot_alloc(struct hyp_kick_table *t, __u32 zone_id, __u64 base,
			__u32 size, __u32 notify_off)
{
	struct hyp_kick_slot *s;
	__u32 i;

	if (size < 4 || notify_off > size - 4)
		return -1;
	/* Single-copy atomic stores: CPUs scan the table meanwhile
	 * (hyp_kick_slot_find()), and skip this entry until @used is 1. */
	for (i = 0; i < HVB_KICK_DEVS; i++) {
		s = &t->slot[i];
		if (s->used)
			continue;
		hvb_write_once_u32(&s->zone_id, zone_id);
		hvb_write_once_u64(&s->base, base);
		hvb_write_once_u32(&s->size, size);
		hvb_write_once_u32(&s->notify_off, notify_off);
		hvb_write_once_u32(&s->seq, s->seq + 2);
		/* Barrier U: the fields before @used; pairs with the acquire
		 * of @used in hyp_kick_slot_find() (U'), which another CPU of
		 * the zone may run now, as blocks are claimed at run time. */
		hvb_store_release_u32(&s->used, 1);
		return (int)i;
	}
	return -1;
}

int hyp_kick_slot_claim(struct hyp_kick_table *t, __u32 zone_id, __u64 base,
			__u32 size, __u32 notify_off,
			void (*publish)(struct hyp_kick_table *t, void *ctx),
			void *ctx)
{
	int slot = hyp_kick_slot_find(t, zone_id, base);

	/* Every QueueNotify the daemon has not routed (yet) comes here:
	 * no lock while the block has its slot. */
	if (slot >= 0)
		return slot;
	hyp_kick_table_lock(t);
	slot = hyp_kick_slot_find(t, zone_id, base);
	if (slot < 0) {
		slot = hyp_kick_slot_alloc(t, zone_id, base, size, notify_off);
		if (slot >= 0)
			publish(t, ctx);
	}
	hyp_kick_table_unlock(t);
	return slot;
}

__u32 hyp_kick_slot_free_zone(struct hyp_kick_table *t, __u32 zone_id)
{
	__u32 i, n = 0;

	for (i = 0; i < HVB_KICK_DEVS; i++) {
		struct hyp_kick_slot *s = &t->slot[i];

		if (!s->used || s->zone_id != zone_id)
			continue;
		/* The daemon's ack of this use never matches again. */
		hvb_write_once_u32(&s->used, 0);
		hvb_write_once_u32(&s->seq, s->seq + 2);
		n++;
	}
	return n;
}

int hyp_kick_slot_find(const struct hyp_kick_table *t, __u32 zone_id,
		       __u64 base)
{
	__u32 i;

	for (i = 0; i < HVB_KICK_DEVS; i++) {
		const struct hyp_kick_slot *s = &t->slot[i];

		/* Barrier U': acquire, pairs with the release of @used in
		 * hyp_kick_slot_alloc() (U): a match, and the seq that
		 * hyp_kick_post() reads after it, are the new entry's. */
		if (hvb_load_acquire_u32(&s->used) &&
		    hvb_read_once_u32(&s->zone_id) == zone_id &&
		    hvb_read_once_u64(&s->base) == base)
			return (int)i;
	}
	return -1;
}

__u32 hyp_kick_slots_alloc_zone(struct hyp_kick_table *t,
				const struct hyp_zone_config *cfg)
{
	__u32 i, left = 0;

	for (i = 0; i < cfg->nr_mmio; i++) {
		const struct hyp_mmio_window *w = &cfg->mmio[i];

		/* Blocks of a strided window are claimed one by one. */
		if (w->handler || !(w->flags & HYP_MMIO_NOTIFY) ||
		    w->notify_stride)
			continue;
		if (w->size > 0xffffffffull ||
		    hyp_kick_slot_alloc(t, cfg->id, w->base, (__u32)w->size,
					w->notify_off) < 0)
			left++;
	}
	return left;
}

void hyp_kick_table_publish(struct hyp_kick_table *t,
			    struct hvb_kick_slots *shared, __u32 *slots_gen)
{
	__u32 i;

	for (i = 0; i < HVB_KICK_DEVS; i++) {
		const struct hyp_kick_slot *s = &t->slot[i];
		struct hvb_kick_slot *d = &shared->slot[i];

		if (!s->seq)
			continue;	/* never used: stays 0 */
		/* Odd while the fields change; Barrier T (first half): the
		 * odd seq before the fields, pairs with the daemon's rmb
		 * and second load of seq (T'), which then sees a change. */
		hvb_write_once_u32(&d->seq, s->seq - 1);
		hvb_wmb();
		hvb_write_once_u32(&d->zone_id, s->zone_id);
		hvb_write_once_u64(&d->base, s->base);
		hvb_write_once_u32(&d->size, s->size);
		hvb_write_once_u32(&d->notify_off, s->notify_off);
		hvb_write_once_u32(&d->flags, s->used ? HVB_KICK_SLOT_USED : 0);
		/* Barrier T: the fields before the even seq; pairs with the
		 * daemon's acquire load of seq (T'). */
		hvb_store_release_u32(&d->seq, s->seq);
	}
	/* Barrier T: every entry before the new generation; pairs with the
	 * daemon's acquire of slots_gen, after which it reads them. */
	hvb_store_release_u32(slots_gen, ++t->gen);
}

int hyp_kick_post(struct hyp_producer *p, const struct hyp_kick_table *t,
		  __u32 zone_id, __u64 base, __u32 queue)
{
	int slot = hyp_kick_slot_find(t, zone_id, base);

	if (slot < 0 || !p->kacks)
		return -1;
	/* The daemon routes this use of the slot (its ack carries no data
	 * we read: relaxed).  Any other value, a stale or a forged one,
	 * only makes the write synchronous. */
	if (hvb_read_once_u32(&p->kacks->ack[slot]) !=
	    hvb_read_once_u32(&t->slot[slot].seq))
		return -1;
	return hyp_channel_kick(p, (__u32)slot, queue);
}
