/* SPDX-License-Identifier: MIT */
/*
 * guestmem.h - a guest zone's memory as the daemon sees it: a few regions
 * of guest-physical (IPA) space, each mapped into the daemon by the
 * transport (struct hvb_transport_ops.map_phys).
 *
 * This is the ONLY way daemon code may reach guest memory.  Every address
 * a guest hands us (ring addresses, descriptor buffers, indirect tables)
 * goes through hvb_guestmem_translate(), which answers a host pointer only
 * when the whole range [ipa, ipa + len) lies inside one region, computed
 * without overflow.  A range that straddles two regions is refused even if
 * they happen to be adjacent: their host mappings need not be.
 *
 * A zone's map also names the transport that reaches the zone (it mapped
 * the memory and raises the zone's interrupts), and is registered by zone
 * id, so a virtio device created by the config finds the memory of the
 * zone it serves (hvb_guestmem_find()).
 *
 * Threading: regions are added and zones registered while the daemon sets
 * up, before any device serves them; afterwards maps are read-only and
 * any thread may translate through them without locking.
 */
#ifndef HVB_TOOL_GUESTMEM_H
#define HVB_TOOL_GUESTMEM_H

#include <stdbool.h>
#include <stddef.h>

#include <hvbridge/types.h>

struct hvb_transport;

/* Regions of one zone (hvisor-tool configs use one or two). */
#define HVB_GUESTMEM_MAX_REGIONS	16u

struct hvb_guestmem_region {
	__u64 ipa;		/* guest-physical base, in the zone */
	__u64 size;		/* > 0; ipa + size - 1 does not wrap */
	__u8 *host;		/* where [ipa, ipa + size) is mapped here */
};

struct hvb_guestmem {
	__u32 zone_id;
	/* Raises the zone's interrupts; set by hvb_guestmem_map() or by
	 * the caller.  NULL: the zone's devices cannot interrupt. */
	struct hvb_transport *transport;
	unsigned int nr;
	struct hvb_guestmem_region regions[HVB_GUESTMEM_MAX_REGIONS];
};

/* An empty map for zone @zone_id. */
void hvb_guestmem_init(struct hvb_guestmem *gm, __u32 zone_id);

/*
 * Add region [@ipa, @ipa + @size) backed by @host.  Returns 0, or -EINVAL
 * (empty, wraps, NULL host), -EEXIST (overlaps a region), -ENOSPC; *why
 * then says which.  The caller keeps @host mapped while @gm is in use.
 */
int hvb_guestmem_add(struct hvb_guestmem *gm, __u64 ipa, __u64 size,
		     void *host, const char **why);

/*
 * Map root-zone physical range [@phys, @phys + @size) through transport
 * @t (hvisor's zone0_ipa) and add it as [@ipa, @ipa + @size) of this zone
 * (hvisor's zonex_ipa).  Errors as hvb_guestmem_add(), plus -ENOTSUP when
 * the transport cannot map memory and -EFAULT when it refused the range.
 * The mapping lives until the transport is closed.
 */
int hvb_guestmem_map(struct hvb_guestmem *gm, struct hvb_transport *t,
		     __u64 ipa, __u64 phys, __u64 size, const char **why);

/*
 * Host pointer for guest range [@ipa, @ipa + @len), or NULL when it is
 * not wholly inside one region (or @ipa + @len wraps).  @len 0 asks only
 * that @ipa itself lie inside a region.
 */
void *hvb_guestmem_translate(const struct hvb_guestmem *gm, __u64 ipa,
			     __u64 len);

/* Is [@ipa, @ipa + @len) wholly inside one region? */
static inline bool hvb_guestmem_is_valid(const struct hvb_guestmem *gm,
					 __u64 ipa, __u64 len)
{
	return hvb_guestmem_translate(gm, ipa, len) != NULL;
}

/* Zones one daemon serves at most. */
#define HVB_GUESTMEM_MAX_ZONES		16u

/*
 * Make @gm the memory map of zone gm->zone_id for devices created from
 * now on.  @gm must stay valid until unregistered.  Returns 0, -EEXIST
 * (the zone has one) or -ENOSPC.
 */
int hvb_guestmem_register(struct hvb_guestmem *gm);
/* Forget @gm (after its zone's devices are destroyed). */
void hvb_guestmem_unregister(struct hvb_guestmem *gm);
/* The registered map of zone @zone_id, or NULL. */
const struct hvb_guestmem *hvb_guestmem_find(__u32 zone_id);

#endif /* HVB_TOOL_GUESTMEM_H */
