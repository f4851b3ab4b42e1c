/* SPDX-License-Identifier: MIT */
/*
 * arm64/stage2.h - a zone's stage-2 map on this CPU.  Building the map
 * goes through the hyp_arch_zone_* hooks of hyp/zone.h.
 */
#ifndef ARM64_STAGE2_H
#define ARM64_STAGE2_H

#include <hvbridge/types.h>

struct hyp_zone;

/* Make @z's map the current stage 2 (VTCR_EL2, VTTBR_EL2 with its VMID)
 * and invalidate that VMID's TLB entries.  HCR_EL2.VM is the caller's. */
void hyp_arm64_stage2_load(const struct hyp_zone *z);

/* Table pages the map of @z uses (for the boot log). */
__u32 hyp_arm64_stage2_pages(const struct hyp_zone *z);

#endif /* ARM64_STAGE2_H */
