// SPDX-License-Identifier: MIT
/*
 * hvbridge: the root-zone daemon of the hypervisor request channel and
 * its inspection tool.  This file only picks the command.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "zone_cmd.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} hvb_commands[] = {
	{ "daemon", hvb_cmd_daemon, "serve a channel region's requests" },
	{ "stat", hvb_cmd_stat, "print a region's counters and latency" },
	{ "config-check", hvb_cmd_config_check,
	  "check a config; print its zones and devices" },
	{ "zone", hvb_cmd_zone, "list, start or stop the hypervisor's zones" },
};

#define HVB_NR_COMMANDS (sizeof(hvb_commands) / sizeof(hvb_commands[0]))

static void hvb_main_usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "Usage: hvbridge COMMAND [OPTIONS]\n"
		   "       hvbridge COMMAND --help\n\nCommands:\n");
	for (i = 0; i < HVB_NR_COMMANDS; i++)
		fprintf(f, "  %-13s %s\n", hvb_commands[i].name,
			hvb_commands[i].what);
	fprintf(f, "\nOptions:\n  -h, --help  this text\n");
}

bool hvb_parse_u64(const char *s, __u64 *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts "-1" (as ULLONG_MAX) and leading blanks. */
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ' || *s == '\t')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int hvb_usage_error(const char *cmd, int opt, char **argv)
{
	const char *sep = *cmd ? " " : "";

	/* A missing value: the option is the last argument getopt read.
	 * An unknown short option names itself in optopt (it may sit in
	 * a cluster like -xq); an unknown long one has optopt 0. */
	if (opt == ':')
		fprintf(stderr, "hvbridge%s%s: option '%s' needs a value\n",
			sep, cmd, argv[optind - 1]);
	else if (opt == '?' && optopt)
		fprintf(stderr, "hvbridge%s%s: unknown option '-%c'\n", sep,
			cmd, optopt);
	else if (opt == '?')
		fprintf(stderr, "hvbridge%s%s: unknown option '%s'\n", sep,
			cmd, argv[optind - 1]);
	else
		fprintf(stderr, "hvbridge%s%s: unexpected argument '%s'\n",
			sep, cmd, argv[optind]);
	fprintf(stderr, "Try 'hvbridge%s%s --help'.\n", sep, cmd);
	return HVB_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i;
	int opt;

	/* '+': stop at the command; its options are its own. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (opt == 'h') {
			hvb_main_usage(stdout);
			return HVB_EXIT_OK;
		}
		return hvb_usage_error("", opt, argv);
	}
	if (optind >= argc) {
		fprintf(stderr, "hvbridge: no command given\n");
		hvb_main_usage(stderr);
		return HVB_EXIT_USAGE;
	}
	for (i = 0; i < HVB_NR_COMMANDS; i++) {
		if (strcmp(argv[optind], hvb_commands[i].name))
			continue;
		argc -= optind;
		argv += optind;
		/* Restart getopt for the command's own argv (glibc: 0
		 * re-initialises its state, including "+" handling). */
		optind = 0;
		return hvb_commands[i].run(argc, argv);
	}
	fprintf(stderr, "hvbridge: unknown command '%s'\n", argv[optind]);
	hvb_main_usage(stderr);
	return HVB_EXIT_USAGE;
}
