/* SPDX-License-Identifier: MIT */
/*
 * daemon.h - the commands of the hvbridge binary and what they share.
 * main.c picks the command; each lives in its own file.
 */
#ifndef HVB_TOOL_DAEMON_H
#define HVB_TOOL_DAEMON_H

#include <stdbool.h>
#include <hvbridge/types.h>

/* Exit codes of every command. */
#define HVB_EXIT_OK	0
#define HVB_EXIT_FAIL	1	/* the command ran and failed */
#define HVB_EXIT_USAGE	2	/* bad command line */
#define HVB_EXIT_TIMEOUT 3	/* daemon --stop: it did not stop in time */

/* `hvbridge daemon ...` (daemon.c), `hvbridge stat ...` (stat.c) and
 * `hvbridge config-check ...` (config_cmd.c); argv[0] is the command. */
int hvb_cmd_daemon(int argc, char **argv);
int hvb_cmd_stat(int argc, char **argv);
int hvb_cmd_config_check(int argc, char **argv);

/* A whole decimal, 0x-hex or 0-octal unsigned number, nothing else. */
bool hvb_parse_u64(const char *s, __u64 *out);

/*
 * Report a getopt_long() failure of command @cmd (@opt is '?' or ':';
 * opterr must be 0 and the optstring start with ':'), or with @opt 0 the
 * stray argument argv[optind]; point at --help.  Returns HVB_EXIT_USAGE.
 */
int hvb_usage_error(const char *cmd, int opt, char **argv);

#endif /* HVB_TOOL_DAEMON_H */
