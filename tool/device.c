// SPDX-License-Identifier: MIT
/*
 * The device table: which model serves a (zone, address) window and which
 * one a kick index belongs to, plus the registry of device types.
 *
 * Lookup is a binary search over windows sorted by (zone, base).  Windows
 * of a zone never overlap, so the only candidate for an address is the
 * last window starting at or below it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "devstats.h"
#include "log.h"

static struct hvb_device_type *hvb_device_types;

void hvb_device_type_register(struct hvb_device_type *type)
{
	/* Runs from constructors, before main(): single-threaded. */
	type->next = hvb_device_types;
	hvb_device_types = type;
}

const struct hvb_device_type *hvb_device_type_find(const char *name)
{
	const struct hvb_device_type *type;

	for (type = hvb_device_types; type; type = type->next)
		if (!strcmp(type->name, name))
			return type;
	return NULL;
}

void hvb_device_type_foreach(void (*fn)(const struct hvb_device_type *,
					void *), void *arg)
{
	const struct hvb_device_type *type;

	for (type = hvb_device_types; type; type = type->next)
		fn(type, arg);
}

void hvb_devices_init(struct hvb_devices *tab)
{
	memset(tab, 0, sizeof(*tab));
}

void hvb_devices_fini(struct hvb_devices *tab)
{
	unsigned int i;

	for (i = 0; i < tab->nr; i++) {
		struct hvb_device *d = tab->devs[i];

		if (d->ops->destroy)
			d->ops->destroy(d);
		free(d);
	}
	hvb_devices_init(tab);
}

/* (zone, base) order of the table. */
static bool hvb_device_before(__u32 zone, __u64 addr,
			      const struct hvb_device *d)
{
	return zone < d->zone_id || (zone == d->zone_id && addr < d->base);
}

/* Index of the first device that sorts after (zone, addr). */
static unsigned int hvb_devices_upper(const struct hvb_devices *tab,
				      __u32 zone, __u64 addr)
{
	unsigned int lo = 0, hi = tab->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (hvb_device_before(zone, addr, tab->devs[mid]))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Last byte of a window; hvb_devices_add() made sure it does not wrap. */
static __u64 hvb_device_last(const struct hvb_device *d)
{
	return d->base + (d->size - 1);
}

static int hvb_devices_refuse(const char **why, const char *msg, int err)
{
	if (why)
		*why = msg;
	return err;
}

int hvb_devices_add(struct hvb_devices *tab, struct hvb_device *d,
		    const char **why)
{
	const struct hvb_device *prev, *next;
	unsigned int pos;

	if (!d->ops || !d->ops->access)
		return hvb_devices_refuse(why, "device has no access op",
					  -EINVAL);
	if (d->size == 0 || d->base > UINT64_MAX - (d->size - 1))
		return hvb_devices_refuse(why, "window is empty or wraps",
					  -EINVAL);
	if (d->kick_dev < -1 || d->kick_dev >= (int)HVB_KICK_DEVS)
		return hvb_devices_refuse(why, "kick device index out of range",
					  -EINVAL);
	if (d->kick_dev >= 0 && tab->by_kick[d->kick_dev])
		return hvb_devices_refuse(why, "kick device index in use",
					  -EEXIST);
	if (tab->nr == HVB_MAX_DEVICES)
		return hvb_devices_refuse(why, "too many devices", -ENOSPC);

	pos = hvb_devices_upper(tab, d->zone_id, d->base);
	prev = pos ? tab->devs[pos - 1] : NULL;
	next = pos < tab->nr ? tab->devs[pos] : NULL;
	if (prev && prev->zone_id == d->zone_id &&
	    hvb_device_last(prev) >= d->base)
		return hvb_devices_refuse(why, "window overlaps another device",
					  -EEXIST);
	if (next && next->zone_id == d->zone_id &&
	    next->base <= hvb_device_last(d))
		return hvb_devices_refuse(why, "window overlaps another device",
					  -EEXIST);

	memmove(&tab->devs[pos + 1], &tab->devs[pos],
		(tab->nr - pos) * sizeof(tab->devs[0]));
	tab->devs[pos] = d;
	tab->nr++;
	if (d->kick_dev >= 0)
		tab->by_kick[d->kick_dev] = d;
	return 0;
}

int hvb_devices_create(struct hvb_devices *tab, const char *type_name,
		       const struct hvb_device_args *args, const char **why)
{
	const struct hvb_device_type *type = hvb_device_type_find(type_name);
	struct hvb_device *d;
	int err;

	if (!type)
		return hvb_devices_refuse(why, "unknown device type", -ENOENT);
	if (type->size && args->size && args->size != type->size)
		return hvb_devices_refuse(why, "wrong window size for the type",
					  -EINVAL);
	if (!type->size && !args->size)
		return hvb_devices_refuse(why, "the type needs a window size",
					  -EINVAL);
	d = calloc(1, sizeof(*d));
	if (!d)
		return hvb_devices_refuse(why, "out of memory", -ENOMEM);
	snprintf(d->name, sizeof(d->name), "%s",
		 args->name ? args->name : type->name);
	d->type = type->name;
	d->zone_id = args->zone_id;
	d->base = args->base;
	d->size = args->size ? args->size : type->size;
	d->kick_dev = args->kick_dev;
	d->irq = args->irq;
	err = type->init(d);
	if (err) {
		free(d);
		return hvb_devices_refuse(why, "device init failed", err);
	}
	if (type->configure) {
		const char *cwhy = "device configure failed";

		err = type->configure(d, args, &cwhy);
		if (err)
			hvb_devices_refuse(why, cwhy, err);
	}
	if (!err)
		err = hvb_devices_add(tab, d, why);
	if (err) {
		if (d->ops->destroy)
			d->ops->destroy(d);
		free(d);
	}
	return err;
}

struct hvb_device *hvb_devices_lookup(const struct hvb_devices *tab,
				      __u32 zone, __u64 addr, __u64 size)
{
	unsigned int pos = hvb_devices_upper(tab, zone, addr);
	struct hvb_device *d;
	__u64 off;

	if (!pos || !size)
		return NULL;
	d = tab->devs[pos - 1];
	if (d->zone_id != zone)
		return NULL;
	/* d->base <= addr here; the whole access must fit, without
	 * computing addr + size (it may wrap). */
	off = addr - d->base;
	if (off >= d->size || size > d->size - off)
		return NULL;
	return d;
}

struct hvb_device *hvb_devices_by_kick(const struct hvb_devices *tab,
				       __u32 kick_dev)
{
	return kick_dev < HVB_KICK_DEVS ? tab->by_kick[kick_dev] : NULL;
}

static void hvb_device_set_kick(struct hvb_device *d, int slot)
{
	__atomic_store_n(&d->kick_dev, slot, __ATOMIC_RELAXED);
}

bool hvb_devices_kick_route(struct hvb_devices *tab, __u32 slot,
			    const struct hvb_kick_slot *e)
{
	struct hvb_device *d, *old;

	if (slot >= HVB_KICK_DEVS)
		return false;
	old = tab->by_kick[slot];
	if (old) {
		tab->by_kick[slot] = NULL;
		hvb_device_set_kick(old, -1);
	}
	if (!e)
		return false;
	/* Exactly the device whose window starts at the block: a block
	 * inside a larger window is not that device's register file. */
	d = hvb_devices_lookup(tab, e->zone_id, e->base, 1);
	if (!d || d->base != e->base || !d->ops->kick ||
	    d->ops->notify_off != e->notify_off || d->size < 4 ||
	    e->notify_off > d->size - 4) {
		hvb_debug("kick slot %u: zone %u 0x%llx: no device here takes kicks at 0x%x; its writes stay synchronous",
			  slot, e->zone_id, (unsigned long long)e->base,
			  e->notify_off);
		return false;
	}
	if (d->kick_dev >= 0 && d->kick_dev < (int)HVB_KICK_DEVS &&
	    tab->by_kick[d->kick_dev] == d)
		tab->by_kick[d->kick_dev] = NULL;
	tab->by_kick[slot] = d;
	hvb_device_set_kick(d, (int)slot);
	hvb_info("kick slot %u: %s (zone %u, 0x%llx): QueueNotify posted",
		 slot, d->name, d->zone_id, (unsigned long long)d->base);
	return true;
}

static bool hvb_devices_consumer_route(void *ctx, __u32 slot,
				       const struct hvb_kick_slot *e)
{
	return hvb_devices_kick_route(ctx, slot, e);
}

static void hvb_devices_kick_slot_bad(void *ctx, __u32 slot,
				      const struct hvb_kick_slot *e)
{
	(void)ctx;
	hvb_log_once(HVB_LOG_WARN,
		     "kick slot %u: a bad entry in the region's table (flags 0x%x, base 0x%llx, size 0x%x, register 0x%x); its kicks reach no device (said once)",
		     slot, e->flags, (unsigned long long)e->base, e->size,
		     e->notify_off);
}

static __u64 hvb_low_bytes(__u64 v, __u32 size)
{
	return size >= 8 ? v : v & ((1ull << (size * 8)) - 1);
}

static __u32 hvb_devices_sync(void *ctx, const struct hvb_request *req,
			      __u64 *value)
{
	struct hvb_devices *tab = ctx;
	bool is_write = req->flags & HVB_REQ_WRITE;
	struct hvb_device *d;
	__u64 v;
	__u32 status;

	d = hvb_devices_lookup(tab, req->zone_id, req->addr, req->size);
	if (!d) {
		hvb_log_once(HVB_LOG_WARN,
			     "zone %u accessed 0x%llx (%u bytes) where no device is; answering NO_DEVICE (said once)",
			     req->zone_id, (unsigned long long)req->addr,
			     req->size);
		return HVB_STATUS_NO_DEVICE;
	}
	/* Devices see only the bytes the access carries, and return no
	 * more than that: stale high bytes never reach the guest. */
	v = is_write ? hvb_low_bytes(req->value, req->size) : 0;
	status = d->ops->access(d, req->addr - d->base, req->size, is_write,
				&v);
	if (d->stats)
		hvb_devstats_inc_own(status != HVB_STATUS_OK ?
				     &d->stats->mmio_errors : is_write ?
				     &d->stats->mmio_writes :
				     &d->stats->mmio_reads);
	if (status != HVB_STATUS_OK)
		return HVB_STATUS_IO_ERROR;
	if (!is_write)
		*value = hvb_low_bytes(v, req->size);
	return HVB_STATUS_OK;
}

static void hvb_devices_kick(void *ctx, __u32 dev, __u32 queue)
{
	struct hvb_devices *tab = ctx;
	struct hvb_device *d = hvb_devices_by_kick(tab, dev);

	if (!d || !d->ops->kick || queue >= HVB_KICK_QUEUES) {
		tab->unknown_kicks++;
		hvb_log_once(HVB_LOG_WARN,
			     "kick of slot %u queue %u that no device takes; ignored (said once)",
			     dev, queue);
		return;
	}
	if (d->stats)
		hvb_devstats_inc_own(&d->stats->kicks);
	d->ops->kick(d, queue);
}

static void hvb_devices_zone_reset(void *ctx, __u32 zone, __u32 gen)
{
	struct hvb_devices *tab = ctx;
	unsigned int i, n = 0;

	for (i = 0; i < tab->nr; i++) {
		struct hvb_device *d = tab->devs[i];

		if (d->zone_id != zone)
			continue;
		if (d->ops->zone_reset)
			d->ops->zone_reset(d, gen);
		n++;
	}
	if (n)
		hvb_info("zone %u stopped (generation %u): its %u device%s reset for its next run",
			 zone, gen, n, n == 1 ? "" : "s");
}

const struct hvb_consumer_ops hvb_devices_consumer_ops = {
	.sync = hvb_devices_sync,
	.kick = hvb_devices_kick,
	.zone_reset = hvb_devices_zone_reset,
	.kick_route = hvb_devices_consumer_route,
	.kick_slot_bad = hvb_devices_kick_slot_bad,
};
