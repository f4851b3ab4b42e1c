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

#include <hvbridge/channel.h>
#include <hvbridge/hypercall.h>

#include "console_cmd.h"
#include "daemon.h"
#include "transport.h"
#include "version.h"
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
	{ "zone", hvb_cmd_zone,
	  "list, start, stop or shut down the hypervisor's zones" },
	{ "console", hvb_cmd_console,
	  "attach to a zone's virtio-console" },
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
	fprintf(f, "\nOptions:\n  -h, --help     this text\n"
		   "  -V, --version  the version and the ABI versions it speaks\n");
}

/* The ABIs are what must match across the parts: the daemon refuses a
 * region whose channel ABI major differs (hvb_region_check()). */
static void hvb_main_version(void)
{
	printf("hvbridge %s\n"
	       "channel ABI %u.%u, hypercall ABI %u.%u\n",
	       HVB_VERSION, HVB_ABI_MAJOR, HVB_ABI_MINOR, HVB_HC_ABI_MAJOR,
	       HVB_HC_ABI_MINOR);
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

/* Does @arg of `hvbridge stat` name where the region is (--transport,
 * --region, --device, an unambiguous prefix of one, or -t/-r/-d, maybe
 * after -j or -h in one cluster)? */
static bool hvb_stat_arg_names_region(const char *arg)
{
	static const char *const longs[] = { "transport", "region", "device" };
	size_t len;
	unsigned int i;

	if (arg[0] != '-' || !arg[1])
		return false;
	if (arg[1] != '-') {
		arg += 1 + strspn(arg + 1, "jhL");
		return *arg == 't' || *arg == 'r' || *arg == 'd';
	}
	arg += 2;
	len = strcspn(arg, "=");
	for (i = 0; len && i < sizeof(longs) / sizeof(longs[0]); i++)
		if (!strncmp(arg, longs[i], len))
			return true;
	return false;
}

/*
 * `hvbridge stat` with nothing saying where the region is: where the
 * module's device exists (the root zone) that is the module's region, as
 * it is for the daemon (hvb_transport_default()).  stat.c's own default
 * is a region file, so the command line gets "--transport kmod --device
 * PATH" put in front of what the user wrote.  Returns @argv itself, or a
 * new vector (never freed: the process ends with the command), or NULL
 * when out of memory.
 */
static char **hvb_stat_defaults(int *argc, char **argv)
{
	char **args;
	int i;

	for (i = 1; i < *argc && strcmp(argv[i], "--"); i++)
		if (hvb_stat_arg_names_region(argv[i]))
			return argv;
	if (strcmp(hvb_transport_default(NULL), "kmod"))
		return argv;
	args = calloc((size_t)*argc + 5, sizeof(*args));
	if (!args)
		return NULL;
	args[0] = argv[0];
	args[1] = (char *)"--transport";
	args[2] = (char *)"kmod";
	args[3] = (char *)"--device";
	args[4] = (char *)hvb_kmod_device_path();
	for (i = 1; i < *argc; i++)
		args[i + 4] = argv[i];
	*argc += 4;
	return args;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i;
	int opt;

	/* '+': stop at the command; its options are its own. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		if (opt == 'h') {
			hvb_main_usage(stdout);
			return HVB_EXIT_OK;
		}
		if (opt == 'V') {
			hvb_main_version();
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
		if (hvb_commands[i].run == hvb_cmd_stat)
			argv = hvb_stat_defaults(&argc, argv);
		if (!argv) {
			fprintf(stderr, "hvbridge: error: out of memory\n");
			return HVB_EXIT_FAIL;
		}
		/* Restart getopt for the command's own argv (glibc: 0
		 * re-initialises its state, including "+" handling). */
		optind = 0;
		return hvb_commands[i].run(argc, argv);
	}
	fprintf(stderr, "hvbridge: unknown command '%s'\n", argv[optind]);
	hvb_main_usage(stderr);
	return HVB_EXIT_USAGE;
}
