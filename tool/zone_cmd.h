/* SPDX-License-Identifier: MIT */
/*
 * zone_cmd.h - `hvbridge zone`, and opening /dev/hvbridge as a control
 * file (no daemon role) for it and for `hvbridge stat --transport kmod`.
 */
#ifndef HVB_TOOL_ZONE_CMD_H
#define HVB_TOOL_ZONE_CMD_H

#include <stddef.h>

/* `hvbridge zone list|start ID|stop ID ...`; argv[0] is "zone". */
int hvb_cmd_zone(int argc, char **argv);

/*
 * Open the module's device @path (NULL: /dev/hvbridge) read-only without
 * claiming the daemon role, so it works beside a running daemon.
 * Returns the fd, or -1 with "cannot open PATH: why" in @why.
 */
int hvb_kmod_ctl_open(const char *path, char *why, size_t len);

#endif /* HVB_TOOL_ZONE_CMD_H */
