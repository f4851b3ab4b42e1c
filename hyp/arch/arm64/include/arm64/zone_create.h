/* SPDX-License-Identifier: MIT */
/*
 * arm64/zone_create.h - guest zones created and removed at run time from
 * a zone descriptor (hvbridge/zone-desc.h; zone_create.c), for the root
 * zone's HVB_HC_ZONE_CREATE and HVB_HC_ZONE_DESTROY (hvc_bridge.c).
 */
#ifndef ARM64_ZONE_CREATE_H
#define ARM64_ZONE_CREATE_H

#include <hvbridge/types.h>

/*
 * The guest pool: RAM only guest zones created at run time get, never
 * the root zone's own (0x40000000-0x4fffffff) nor the hypervisor's.  The
 * root zone maps it (zones.c), shared, so hvbridge.ko can load images
 * and the daemon reach virtqueues; its DTB marks it no-map, so its Linux
 * never allocates from it.  At boot the hypervisor reads it from that
 * DTB, the /reserved-memory child "guest-pool" (tests/e2e/mkroot.sh;
 * hyp_zones_read_pool(), zones.c); these are the fallback when there is
 * no such DTB or node: QEMU virt's (-m 2G), 0x50000000-0x7fffffff, the
 * 768 MiB hvisor-tool's example zone configs use (tests/zones/), well
 * below the hypervisor (0xbfc00000).  zone1's static RAM (0x50000000, 2 MiB) lies in it: a
 * zone created there once zone1 is shut down gets the same daemon
 * windows.
 */
#define HYP_GUEST_POOL_BASE	0x50000000ull
#define HYP_GUEST_POOL_SIZE	0x30000000ull

/* The pool in use: set by CPU 0 before any zone exists (zones.c), read
 * only after. */
extern __u64 hyp_guest_pool_base, hyp_guest_pool_size;

struct hyp_zone;
struct hyp_trap_frame;

/*
 * HVB_HC_ZONE_CREATE from the root zone @root: the descriptor at root
 * PA @pa, @size bytes.  Returns an HVB_HC_* code; on HVB_HC_EZONE,
 * *@reason and *@index say why; on success *@zone is the new (stopped)
 * zone.  Called under the zone-control lock.
 */
__s64 hyp_arm64_zone_create(const struct hyp_zone *root, __u64 pa,
			    __u64 size, __u32 *reason, __u32 *index,
			    struct hyp_zone **zone);

/* Before @z's first CPU starts: its kernel and DTB cleaned and
 * invalidated to the point of coherency (nothing for a static zone). */
void hyp_arm64_zone_sync_images(const struct hyp_zone *z);

/* Free @z (every CPU off): its GIC state put back, its slot freed. */
void hyp_arm64_zone_remove(struct hyp_zone *z);

#endif /* ARM64_ZONE_CREATE_H */
