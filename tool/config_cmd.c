// SPDX-License-Identifier: MIT
/*
 * `hvbridge config-check`: read a config as the daemon would, say what is
 * wrong with it, or print the zones and device table it resolves to.
 * It never touches a region, so it runs anywhere (a build machine, CI).
 */
#include <getopt.h>
#include <stdio.h>

#include "config.h"
#include "daemon.h"
#include "log.h"

static void hvb_config_check_usage(FILE *f)
{
	char types[256];

	hvb_config_type_list(types, sizeof(types));
	fprintf(f,
"Usage: hvbridge config-check -c CONFIG [--format F] [--syntax-only]\n"
"                             [--skip-unsupported] [--open]\n"
"\n"
"Check CONFIG (docs/config.md) as `hvbridge daemon -c CONFIG` would and\n"
"print the zones and the device table it resolves to: every device's\n"
"zone, window, interrupt, kick number, type and backend options.\n"
"\n"
"By default it also checks what it can before anything runs: unknown or\n"
"misspelled fields (naming the closest known one), a hvisor-tool zone\n"
"config given for a virtio config, MAC addresses, and on this machine:\n"
"the files the devices open (blk images: readable, and writable unless\n"
"read-only), /dev/pts for a pty console, the zones' memory against the\n"
"machine's RAM.  Warnings (members hvisor-tool ignores too) go to\n"
"stderr and do not fail the check.\n"
"\n"
"  -c, --config FILE     the config to check\n"
"  -f, --format F        auto (default), native or hvisor (hvisor-tool's\n"
"                        virtio_cfg.json)\n"
"      --syntax-only     skip the checks of this machine (files, /dev/pts,\n"
"                        RAM): for a config meant for another machine\n"
"      --skip-unsupported  an hvisor-tool device type with no counterpart\n"
"                        here (gpu, scmi) is skipped with a warning, as\n"
"                        the daemon's --skip-unsupported does\n"
"      --open            also create the devices, as the daemon does, so\n"
"                        their backends are opened (image files, taps),\n"
"                        then close them again (guest memory is not\n"
"                        mapped: that needs the transport)\n"
"  -h, --help            this text\n"
"\n"
"Device types in this hvbridge: %s\n"
"\n"
"Exit status: 0 if the config is good (warnings or not), 1 if not (the\n"
"message names the file, the field as a JSON path, and why), 2 on bad\n"
"usage.\n", types);
}

int hvb_cmd_config_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "open", no_argument, NULL, 'o' },
		{ "syntax-only", no_argument, NULL, 's' },
		{ "skip-unsupported", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum hvb_config_format format = HVB_CONFIG_AUTO;
	struct hvb_config cfg = { 0 };
	const char *file = NULL;
	struct hvb_devices devs;
	bool open = false, host = true;
	unsigned int flags = 0;
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 'f':
			ret = hvb_config_parse_format(optarg);
			if (ret < 0) {
				fprintf(stderr, "hvbridge config-check: bad value '%s' for --format (auto, native or hvisor)\n"
						"Try 'hvbridge config-check --help'.\n",
					optarg);
				return HVB_EXIT_USAGE;
			}
			format = (enum hvb_config_format)ret;
			break;
		case 'o':
			open = true;
			break;
		case 's':
			host = false;
			break;
		case 'u':
			flags |= HVB_CONFIG_SKIP_UNSUPPORTED;
			break;
		case 'h':
			hvb_config_check_usage(stdout);
			return HVB_EXIT_OK;
		default:
			return hvb_usage_error("config-check", opt, argv);
		}
	}
	if (optind < argc)
		return hvb_usage_error("config-check", 0, argv);
	if (!file) {
		fprintf(stderr, "hvbridge config-check: -c CONFIG is required\n"
				"Try 'hvbridge config-check --help'.\n");
		return HVB_EXIT_USAGE;
	}

	ret = HVB_EXIT_OK;
	if (hvb_config_load_flags(&cfg, file, format, flags) ||
	    hvb_config_check_options(&cfg) ||
	    (host && hvb_config_check_host(&cfg))) {
		hvb_err("%s", cfg.error);
		ret = HVB_EXIT_FAIL;
	} else if (open) {
		/* No transport: the zones get empty memory maps, so the
		 * devices open their backends but map no guest memory. */
		hvb_devices_init(&devs);
		if (hvb_config_map_zones(&cfg, NULL) ||
		    hvb_config_create_devices(&cfg, &devs)) {
			hvb_err("%s", cfg.error);
			ret = HVB_EXIT_FAIL;
		}
		hvb_devices_fini(&devs);
		hvb_config_unmap_zones(&cfg);
	}
	hvb_config_log_warnings(&cfg);
	if (ret == HVB_EXIT_OK)
		hvb_config_print(&cfg, stdout);
	hvb_config_free(&cfg);
	return ret;
}
