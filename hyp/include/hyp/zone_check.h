/* SPDX-License-Identifier: MIT */
/*
 * hyp/zone_check.h - the rules a zone descriptor (hvbridge/zone-desc.h)
 * must pass before the hypervisor builds a zone from it.  Pure: what the
 * machine and the other zones hold comes in a struct hyp_zone_env, so the
 * host tests (tests/zonecheck) drive it as the hypervisor does.
 */
#ifndef HYP_ZONE_CHECK_H
#define HYP_ZONE_CHECK_H

#include <hvbridge/types.h>
#include <hvbridge/zone-desc.h>

struct hyp_zone_range {
	__u64 base;
	__u64 size;
};

struct hyp_zone_env {
	__u64 cpus_present;	/* CPUs the hypervisor runs */
	__u64 cpus_root;	/* the root zone's */
	__u64 cpus_busy;	/* other guest zones' */
	struct hyp_zone_range pool;	/* RAM for guest zones (physical) */
	struct hyp_zone_range ram;	/* all of the machine's RAM */
	struct hyp_zone_range gicd;	/* this machine's GIC (physical) */
	struct hyp_zone_range gicr;
	/* Physical ranges of the hypervisor: its image, the channel
	 * region, the GIC, the UART. */
	const struct hyp_zone_range *hyp;
	__u32 nr_hyp;
	/* Physical RAM and io ranges of the other guest zones. */
	__u32 nr_busy;
	const struct hyp_zone_range *busy;
	/* IPA windows every guest zone gets from the hypervisor (GIC,
	 * console): no region of the zone may cover them. */
	const struct hyp_zone_range *fixed;
	__u32 nr_fixed;
	__u32 nr_ids;
	const __u32 *ids;	/* zone ids in use (root included) */
	const __u32 *irqs_busy;	/* HVB_ZONE_DESC_IRQ_WORDS: other zones' */
	const __u32 *irqs_hyp;	/* the hypervisor's own (the wake SPI) */
};

/*
 * Check @d against @env: HVB_ZONE_OK, or the first rule it breaks
 * (HVB_ZONE_E*) with *@index the memory region, CPU or INTID concerned
 * (0 when the rule is about the whole descriptor).
 */
__u32 hyp_zone_desc_check(const struct hvb_zone_desc *d,
			  const struct hyp_zone_env *env, __u32 *index);

/* The RAM region of @d holding [@phys, @phys + @size), or NULL. */
const struct hvb_zone_desc_mem *
hyp_zone_desc_ram_at(const struct hvb_zone_desc *d, __u64 phys, __u64 size);

#endif /* HYP_ZONE_CHECK_H */
