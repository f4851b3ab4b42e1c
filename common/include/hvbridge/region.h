/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/region.h - layout, formatting and attach checks of the channel
 * region, shared by every agent so all of them agree byte for byte.
 *
 * Only the creator calls hvb_region_format(); every agent that attaches
 * (daemon, hypervisor, module, stat tool) calls hvb_region_attach_header()
 * first and refuses the region, with hvb_region_strerror()'s message, on
 * error.  It then works from its private copy of the header: nothing in
 * the region's header is read twice.
 */
#ifndef HVBRIDGE_REGION_H
#define HVBRIDGE_REGION_H

#include <hvbridge/channel.h>

enum {
	HVB_REGION_OK = 0,
	HVB_REGION_ETOO_SMALL = -1,
	HVB_REGION_EMAGIC = -2,
	HVB_REGION_EMAJOR = -3,
	HVB_REGION_ESIZE = -4,
	HVB_REGION_ECPUS = -5,
	HVB_REGION_ELAYOUT = -6,
	HVB_REGION_ERESERVED = -7,
};

static inline const char *hvb_region_strerror(int err)
{
	switch (err) {
	case HVB_REGION_OK:
		return "ok";
	case HVB_REGION_ETOO_SMALL:
		return "region smaller than its header";
	case HVB_REGION_EMAGIC:
		return "bad magic: not an hvbridge region";
	case HVB_REGION_EMAJOR:
		return "ABI major version mismatch";
	case HVB_REGION_ESIZE:
		return "region size in header does not match the mapping";
	case HVB_REGION_ECPUS:
		return "CPU count out of range";
	case HVB_REGION_ELAYOUT:
		return "offsets or sizes differ from the ABI layout";
	case HVB_REGION_ERESERVED:
		return "reserved header fields are not zero";
	}
	return "unknown region error";
}

static inline __u64 hvb_region_stats_off(__u32 nr_cpus)
{
	return HVB_SLOTS_OFF + (__u64)nr_cpus * sizeof(struct hvb_cpu_slot);
}

/* The kick slot table follows the per-CPU counters, the acks it. */
static inline __u64 hvb_region_kick_slots_off(__u32 nr_cpus)
{
	return hvb_region_stats_off(nr_cpus) +
	       (__u64)nr_cpus * sizeof(struct hvb_cpu_stats);
}

static inline __u64 hvb_region_kick_acks_off(__u32 nr_cpus)
{
	return hvb_region_kick_slots_off(nr_cpus) +
	       sizeof(struct hvb_kick_slots);
}

/* Bytes a region for @nr_cpus CPUs needs (a multiple of 4 KiB). */
static inline __u64 hvb_region_size(__u32 nr_cpus)
{
	__u64 end = hvb_region_kick_acks_off(nr_cpus) +
		    sizeof(struct hvb_kick_acks);

	return (end + HVB_REGION_ALIGN - 1) & ~(__u64)(HVB_REGION_ALIGN - 1);
}

/*
 * Lay out a zeroed header for @nr_cpus.  @mem must be @size bytes, already
 * zero (fresh pages), and not yet visible to any other agent; publishing
 * it (mapping it, handing it to the hypervisor) orders these stores.
 */
static inline int hvb_region_format(void *mem, __u64 size, __u32 nr_cpus)
{
	struct hvb_region_header *h = (struct hvb_region_header *)mem;

	if (nr_cpus == 0 || nr_cpus > HVB_MAX_CPUS)
		return HVB_REGION_ECPUS;
	if (size < hvb_region_size(nr_cpus) || size % HVB_REGION_ALIGN)
		return HVB_REGION_ESIZE;
	h->abi_major = HVB_ABI_MAJOR;
	h->abi_minor = HVB_ABI_MINOR;
	h->region_size = size;
	h->header_size = sizeof(*h);
	h->nr_cpus = nr_cpus;
	h->wake_off = HVB_WAKE_OFF;
	h->pending_off = HVB_PENDING_OFF;
	h->kick_off = HVB_KICK_OFF;
	h->daemon_stats_off = HVB_DAEMON_STATS_OFF;
	h->slots_off = HVB_SLOTS_OFF;
	h->slot_size = sizeof(struct hvb_cpu_slot);
	h->stats_off = (__u32)hvb_region_stats_off(nr_cpus);
	h->stats_size = sizeof(struct hvb_cpu_stats);
	h->kick_devs = HVB_KICK_DEVS;
	h->kick_queues = HVB_KICK_QUEUES;
	h->kick_slots_off = (__u32)hvb_region_kick_slots_off(nr_cpus);
	h->kick_acks_off = (__u32)hvb_region_kick_acks_off(nr_cpus);
	((struct hvb_wake *)((char *)mem + HVB_WAKE_OFF))->hot_cpu =
		HVB_HOT_NONE;
	/* The magic last: a half-formatted region never looks valid. */
	h->magic = HVB_MAGIC;
	return HVB_REGION_OK;
}

/*
 * Copy the header out of the region into @out, each field read once.
 * The region stays writable by other agents (the root zone owns its
 * memory, a buggy creator may scribble on it), so an agent checks and
 * then uses only this private copy: a header read twice could pass the
 * check the first time and steer an accessor the second.
 */
static inline void hvb_region_header_copy(struct hvb_region_header *out,
					  const void *mem)
{
	const volatile struct hvb_region_header *h =
		(const volatile struct hvb_region_header *)mem;
	unsigned int i;

	out->magic = h->magic;
	out->abi_major = h->abi_major;
	out->abi_minor = h->abi_minor;
	out->region_size = h->region_size;
	out->header_size = h->header_size;
	out->nr_cpus = h->nr_cpus;
	out->wake_off = h->wake_off;
	out->pending_off = h->pending_off;
	out->kick_off = h->kick_off;
	out->daemon_stats_off = h->daemon_stats_off;
	out->slots_off = h->slots_off;
	out->slot_size = h->slot_size;
	out->stats_off = h->stats_off;
	out->stats_size = h->stats_size;
	out->kick_devs = h->kick_devs;
	out->kick_queues = h->kick_queues;
	out->kick_slots_off = h->kick_slots_off;
	out->kick_acks_off = h->kick_acks_off;
	for (i = 0; i < sizeof(out->reserved) / sizeof(out->reserved[0]); i++)
		out->reserved[i] = h->reserved[i];
}

/*
 * Check a private copy @h of the header (hvb_region_header_copy()) of a
 * region of @size mapped bytes.  Everything the accessors below rely on
 * is checked here, so a corrupt or hostile header cannot steer an agent
 * outside the mapping.
 */
static inline int hvb_region_check_header(const struct hvb_region_header *h,
					  __u64 size)
{
	unsigned int i;

	if (size < sizeof(*h))
		return HVB_REGION_ETOO_SMALL;
	if (h->magic != HVB_MAGIC)
		return HVB_REGION_EMAGIC;
	if (h->abi_major != HVB_ABI_MAJOR)
		return HVB_REGION_EMAJOR;
	if (h->nr_cpus == 0 || h->nr_cpus > HVB_MAX_CPUS)
		return HVB_REGION_ECPUS;
	if (h->region_size != size || size % HVB_REGION_ALIGN ||
	    size < hvb_region_size(h->nr_cpus))
		return HVB_REGION_ESIZE;
	if (h->header_size != sizeof(*h) || h->wake_off != HVB_WAKE_OFF ||
	    h->pending_off != HVB_PENDING_OFF || h->kick_off != HVB_KICK_OFF ||
	    h->daemon_stats_off != HVB_DAEMON_STATS_OFF ||
	    h->slots_off != HVB_SLOTS_OFF ||
	    h->slot_size != sizeof(struct hvb_cpu_slot) ||
	    h->stats_off != hvb_region_stats_off(h->nr_cpus) ||
	    h->stats_size != sizeof(struct hvb_cpu_stats) ||
	    h->kick_devs != HVB_KICK_DEVS || h->kick_queues != HVB_KICK_QUEUES ||
	    h->kick_slots_off != hvb_region_kick_slots_off(h->nr_cpus) ||
	    h->kick_acks_off != hvb_region_kick_acks_off(h->nr_cpus))
		return HVB_REGION_ELAYOUT;
	for (i = 0; i < sizeof(h->reserved) / sizeof(h->reserved[0]); i++)
		if (h->reserved[i])
			return HVB_REGION_ERESERVED;
	return HVB_REGION_OK;
}

/*
 * The attach check: copy the header of the region at @mem (@size mapped
 * bytes) into @out and check the copy.  On HVB_REGION_OK, *out is what
 * the agent uses from then on (nr_cpus above all); it never reads layout
 * fields from the region again.
 */
static inline int hvb_region_attach_header(const void *mem, __u64 size,
					   struct hvb_region_header *out)
{
	if (size < sizeof(*out))
		return HVB_REGION_ETOO_SMALL;
	hvb_region_header_copy(out, mem);
	return hvb_region_check_header(out, size);
}

/* hvb_region_attach_header() for an agent that needs no copy. */
static inline int hvb_region_check(const void *mem, __u64 size)
{
	struct hvb_region_header h;

	return hvb_region_attach_header(mem, size, &h);
}

/* Accessors; valid only after the attach check returned HVB_REGION_OK.
 * Every offset is the ABI's constant, never one read from the region. */
static inline struct hvb_wake *hvb_region_wake(void *mem)
{
	return (struct hvb_wake *)((char *)mem + HVB_WAKE_OFF);
}

static inline struct hvb_pending *hvb_region_pending(void *mem)
{
	return (struct hvb_pending *)((char *)mem + HVB_PENDING_OFF);
}

static inline struct hvb_kicks *hvb_region_kicks(void *mem)
{
	return (struct hvb_kicks *)((char *)mem + HVB_KICK_OFF);
}

static inline struct hvb_daemon_stats *hvb_region_daemon_stats(void *mem)
{
	return (struct hvb_daemon_stats *)((char *)mem + HVB_DAEMON_STATS_OFF);
}

static inline struct hvb_cpu_slot *hvb_region_slot(void *mem, __u32 cpu)
{
	return (struct hvb_cpu_slot *)((char *)mem + HVB_SLOTS_OFF) + cpu;
}

/* @nr_cpus from the agent's private copy of the header, never from the
 * region: the offset follows from it and the ABI layout alone. */
static inline struct hvb_cpu_stats *hvb_region_cpu_stats(void *mem,
							 __u32 nr_cpus,
							 __u32 cpu)
{
	return (struct hvb_cpu_stats *)((char *)mem +
					hvb_region_stats_off(nr_cpus)) + cpu;
}

static inline struct hvb_kick_slots *hvb_region_kick_slots(void *mem,
							   __u32 nr_cpus)
{
	return (struct hvb_kick_slots *)((char *)mem +
					 hvb_region_kick_slots_off(nr_cpus));
}

static inline struct hvb_kick_acks *hvb_region_kick_acks(void *mem,
							 __u32 nr_cpus)
{
	return (struct hvb_kick_acks *)((char *)mem +
					hvb_region_kick_acks_off(nr_cpus));
}

/* Kick bit index of (device, queue); the caller checks the ranges. */
static inline __u32 hvb_kick_bit(__u32 dev, __u32 queue)
{
	return dev * HVB_KICK_QUEUES + queue;
}

/* Histogram bucket of a round trip of @ns nanoseconds. */
static inline __u32 hvb_lat_bucket(__u64 ns)
{
	__u32 b = ns ? 63u - (__u32)__builtin_clzll(ns) : 0;

	return b < HVB_LAT_BUCKETS ? b : HVB_LAT_BUCKETS - 1;
}

#endif /* HVBRIDGE_REGION_H */
