/* SPDX-License-Identifier: MIT */
/*
 * arm64/zones.h - the static zone configs of QEMU virt (zones.c).
 */
#ifndef ARM64_ZONES_H
#define ARM64_ZONES_H

#include <hyp/zone.h>

/*
 * The zones to create, @nr of them: the root zone and zone1 if QEMU
 * loaded a Linux Image for the root zone, else the two test zones.
 */
const struct hyp_zone_config *const *hyp_zone_configs(unsigned int *nr);

#endif /* ARM64_ZONES_H */
