// SPDX-License-Identifier: MIT
/*
 * A zone's memory map (guestmem.h): the one place guest addresses become
 * host pointers.  Regions are few, so a linear scan; every comparison is
 * written so that no sum can wrap (a guest picks ipa and len freely).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "guestmem.h"
#include "transport.h"

static struct hvb_guestmem *hvb_guestmem_zones[HVB_GUESTMEM_MAX_ZONES];

static int hvb_guestmem_refuse(const char **why, const char *msg, int err)
{
	if (why)
		*why = msg;
	return err;
}

void hvb_guestmem_init(struct hvb_guestmem *gm, __u32 zone_id)
{
	memset(gm, 0, sizeof(*gm));
	gm->zone_id = zone_id;
}

/* Last byte of a region or range of @size > 0 at @base, if it fits. */
static bool hvb_range_last(__u64 base, __u64 size, __u64 *last)
{
	if (size == 0 || base > UINT64_MAX - (size - 1))
		return false;
	*last = base + (size - 1);
	return true;
}

int hvb_guestmem_add(struct hvb_guestmem *gm, __u64 ipa, __u64 size,
		     void *host, const char **why)
{
	__u64 last;
	unsigned int i;

	if (!host || !hvb_range_last(ipa, size, &last))
		return hvb_guestmem_refuse(why,
				"memory region is empty, wraps or is unmapped",
				-EINVAL);
	if ((uintptr_t)host > UINTPTR_MAX - (size - 1))
		return hvb_guestmem_refuse(why,
				"memory region does not fit the address space",
				-EINVAL);
	for (i = 0; i < gm->nr; i++) {
		const struct hvb_guestmem_region *r = &gm->regions[i];

		if (ipa <= r->ipa + (r->size - 1) && r->ipa <= last)
			return hvb_guestmem_refuse(why,
				"memory region overlaps another of the zone",
				-EEXIST);
	}
	if (gm->nr == HVB_GUESTMEM_MAX_REGIONS)
		return hvb_guestmem_refuse(why, "too many memory regions",
					   -ENOSPC);
	gm->regions[gm->nr].ipa = ipa;
	gm->regions[gm->nr].size = size;
	gm->regions[gm->nr].host = host;
	gm->nr++;
	return 0;
}

int hvb_guestmem_map(struct hvb_guestmem *gm, struct hvb_transport *t,
		     __u64 ipa, __u64 phys, __u64 size, const char **why)
{
	__u64 last;
	void *host;

	if (!t->ops->map_phys)
		return hvb_guestmem_refuse(why,
				"the transport cannot map guest memory",
				-ENOTSUP);
	if (!hvb_range_last(ipa, size, &last) ||
	    !hvb_range_last(phys, size, &last))
		return hvb_guestmem_refuse(why,
				"memory region is empty or wraps", -EINVAL);
	host = t->ops->map_phys(t, phys, size, why);
	if (!host)
		return -EFAULT;
	if (!gm->transport)
		gm->transport = t;
	return hvb_guestmem_add(gm, ipa, size, host, why);
}

void *hvb_guestmem_translate(const struct hvb_guestmem *gm, __u64 ipa,
			     __u64 len)
{
	unsigned int i;

	for (i = 0; i < gm->nr; i++) {
		const struct hvb_guestmem_region *r = &gm->regions[i];
		__u64 off;

		if (ipa < r->ipa)
			continue;
		off = ipa - r->ipa;
		if (off >= r->size)
			continue;
		/* off < size, so size - off is the room left: no sum. */
		if (len > r->size - off)
			return NULL;
		return r->host + off;
	}
	return NULL;
}

int hvb_guestmem_register(struct hvb_guestmem *gm)
{
	unsigned int i, free_slot = HVB_GUESTMEM_MAX_ZONES;

	for (i = 0; i < HVB_GUESTMEM_MAX_ZONES; i++) {
		if (!hvb_guestmem_zones[i]) {
			if (free_slot == HVB_GUESTMEM_MAX_ZONES)
				free_slot = i;
		} else if (hvb_guestmem_zones[i]->zone_id == gm->zone_id) {
			return -EEXIST;
		}
	}
	if (free_slot == HVB_GUESTMEM_MAX_ZONES)
		return -ENOSPC;
	hvb_guestmem_zones[free_slot] = gm;
	return 0;
}

void hvb_guestmem_unregister(struct hvb_guestmem *gm)
{
	unsigned int i;

	for (i = 0; i < HVB_GUESTMEM_MAX_ZONES; i++)
		if (hvb_guestmem_zones[i] == gm)
			hvb_guestmem_zones[i] = NULL;
}

const struct hvb_guestmem *hvb_guestmem_find(__u32 zone_id)
{
	unsigned int i;

	for (i = 0; i < HVB_GUESTMEM_MAX_ZONES; i++)
		if (hvb_guestmem_zones[i] &&
		    hvb_guestmem_zones[i]->zone_id == zone_id)
			return hvb_guestmem_zones[i];
	return NULL;
}
