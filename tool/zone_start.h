/* SPDX-License-Identifier: MIT */
/*
 * zone_start.h - zones from hvisor-tool's zone JSON through hvbridge.ko:
 * `hvbridge zone start FILE.json`, `hvbridge zone shutdown --id N`.
 */
#ifndef HVB_TOOL_ZONE_START_H
#define HVB_TOOL_ZONE_START_H

#include <stddef.h>

#include <hvbridge/types.h>

#include "zone_json.h"

/*
 * Read @file and the images it names into @zj (sizes filled), *@kernel
 * and *@dtb (malloc()ed; *@dtb NULL if none).  0, or -1 with "FILE:
 * FIELD: why" in @why.
 */
int hvb_zone_load(const char *file, struct hvb_zone_json *zj,
		  char **kernel, char **dtb, char *why, size_t len);

/* Create and start the zone @file described (hvb_zone_load()'s @zj,
 * @kernel, @dtb) through @fd (device @dev); prints the outcome, a
 * refusal as the sentence naming the JSON field; an HVB_EXIT_* code. */
int hvb_zone_start_json(int fd, const char *dev, const char *file,
			const struct hvb_zone_json *zj, const char *kernel,
			const char *dtb);

/* Stop zone @id and remove it (HVB_IOC_ZONE_DESTROY); prints the
 * outcome; an HVB_EXIT_* code. */
int hvb_zone_shutdown(int fd, const char *dev, __u32 id);

#endif /* HVB_TOOL_ZONE_START_H */
