/* SPDX-License-Identifier: MIT */
/*
 * arm64/zones.h - the static zone configs of QEMU virt (zones.c).
 */
#ifndef ARM64_ZONES_H
#define ARM64_ZONES_H

#include <hyp/zone.h>

extern const struct hyp_zone_config hyp_zone1_config;

#endif /* ARM64_ZONES_H */
