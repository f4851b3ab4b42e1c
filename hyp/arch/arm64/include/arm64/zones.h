/* SPDX-License-Identifier: MIT */
/*
 * arm64/zones.h - the static zone configs of QEMU virt (zones.c).
 */
#ifndef ARM64_ZONES_H
#define ARM64_ZONES_H

#include <hyp/zone.h>

extern const struct hyp_zone_config *const hyp_zone_configs[];
extern const unsigned int hyp_nr_zone_configs;

#endif /* ARM64_ZONES_H */
