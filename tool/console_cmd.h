/* SPDX-License-Identifier: MIT */
/*
 * console_cmd.h - `hvbridge console ZONE`: a zone's virtio-console from
 * the root zone (console_cmd.c).
 */
#ifndef HVB_TOOL_CONSOLE_CMD_H
#define HVB_TOOL_CONSOLE_CMD_H

/* argv[0] is "console". */
int hvb_cmd_console(int argc, char **argv);

#endif /* HVB_TOOL_CONSOLE_CMD_H */
