// SPDX-License-Identifier: MIT
/*
 * `hvbridge zone`: list, start and stop the hypervisor's zones from the
 * root zone, through hvbridge.ko's control ioctls (docs/kmod.md).  It
 * opens /dev/hvbridge without the daemon role, so it runs beside the
 * daemon: from the root zone's shell, `hvbridge zone stop 1; hvbridge
 * zone start 1` reruns zone1 while the daemon keeps serving it.
 *
 * hvisor-tool's way too (zone_start.c): `zone start FILE.json` creates
 * a zone from its zone config, `zone shutdown --id N` (or hvisor-tool's
 * `-id N`) stops and removes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <hvbridge/hypercall.h>
#include <hvbridge/kmod-ioctl.h>

#include "daemon.h"
#include "transport.h"
#include "zone_cmd.h"
#include "zone_start.h"

int hvb_kmod_ctl_open(const char *path, char *why, size_t len)
{
	const char *hint;
	int fd, err;

	if (!path)
		path = hvb_kmod_device_path();
	/* Read-only: a control file maps nothing writable anyway. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = errno;
	switch (err) {
	case ENOENT:
		hint = "no such device: is hvbridge.ko loaded (insmod hvbridge.ko)?";
		break;
	case EACCES:
	case EPERM:
		hint = "permission denied: run it as root";
		break;
	default:
		hint = strerror(err);
		break;
	}
	snprintf(why, len, "cannot open %s: %s", path, hint);
	return -1;
}

enum hvb_zone_op {
	HVB_ZONE_LIST, HVB_ZONE_START, HVB_ZONE_STOP, HVB_ZONE_SHUTDOWN,
	HVB_ZONE_NR_OPS
};

static const char *const hvb_zone_op_names[] = {
	[HVB_ZONE_LIST] = "list",
	[HVB_ZONE_START] = "start",
	[HVB_ZONE_STOP] = "stop",
	[HVB_ZONE_SHUTDOWN] = "shutdown",
};

static void hvb_zone_usage(FILE *f, int op)
{
	if (op < 0 || op == HVB_ZONE_LIST)
		fprintf(f, "Usage: hvbridge zone list [--transport kmod] [--device PATH]\n");
	if (op < 0 || op == HVB_ZONE_START)
		fprintf(f, "Usage: hvbridge zone start ID|FILE.json [--transport kmod] [--device PATH]\n");
	if (op < 0 || op == HVB_ZONE_STOP)
		fprintf(f, "Usage: hvbridge zone stop ID [--transport kmod] [--device PATH]\n");
	if (op < 0 || op == HVB_ZONE_SHUTDOWN)
		fprintf(f, "Usage: hvbridge zone shutdown --id ID [--transport kmod] [--device PATH]\n");
	fprintf(f, "\n");
	if (op < 0)
		fprintf(f,
"The hypervisor's zones, from the root zone through hvbridge.ko.  It does\n"
"not take the daemon's place: it runs beside a running daemon.\n\n"
"  list               id, name, state, CPUs, interrupts and memory of each zone\n"
"  start ID           start a stopped zone at its entry again\n"
"  start FILE.json    create and start a zone from hvisor-tool's zone config\n"
"  stop ID            stop a running zone: its CPUs park at their next exit\n"
"  shutdown --id ID   stop a zone, even one that never exits, and remove it\n"
"                     (hvisor-tool's `-id ID` is taken too)\n"
"\n");
	else if (op == HVB_ZONE_LIST)
		fprintf(f,
"Print each zone: id, name, state (running, stopped, stopping), its\n"
"physical CPUs, the interrupts the daemon may inject and its RAM.\n\n");
	else if (op == HVB_ZONE_START)
		fprintf(f,
"Start stopped zone ID again at its entry (the built-in test guest is\n"
"copied again; a loaded image runs what its RAM holds).  Refused for\n"
"the root zone and for a zone that is not stopped.\n\n"
"With FILE.json, hvisor-tool's zone config (docs/zones.md): the kernel\n"
"and DTB it names (relative to the working directory, else to the\n"
"file's) are loaded into the zone's RAM and the zone started at\n"
"entry_point.  The hypervisor checks every field; a refusal names it.\n\n");
	else if (op == HVB_ZONE_SHUTDOWN)
		fprintf(f,
"Stop zone ID (its CPUs are made to exit, even from a loop that never\n"
"traps), mask and clear its interrupts, and remove it: its CPUs, memory\n"
"and interrupts are free for the next 'zone start FILE.json'.\n\n");
	else
		fprintf(f,
"Ask running zone ID to stop: each of its CPUs parks at its next exit\n"
"to the hypervisor ('hvbridge zone list' shows it stopped then).\n"
"Refused for the root zone and for a zone that is not running.\n\n");
	fprintf(f,
"  -t, --transport NAME   kmod, the only one with zones (default)\n"
"  -d, --device PATH      the module's device (default $" HVB_DEVICE_ENV " or\n"
"                         " HVB_DEVICE_PATH ")\n"
"  -h, --help             this text\n");
}

static const char *hvb_zone_state(__u32 state)
{
	switch (state) {
	case HVB_ZONE_STOPPED:
		return "stopped";
	case HVB_ZONE_RUNNING:
		return "running";
	case HVB_ZONE_STOPPING:
		return "stopping";
	}
	return "unknown";
}

/* "0-1,3" from a CPU bit mask; "-" for none. */
static void hvb_zone_cpus(__u64 mask, char *buf, size_t len)
{
	size_t at = 0;
	unsigned int b, e;

	buf[0] = '\0';
	for (b = 0; b < 64; b = e) {
		if (!(mask >> b & 1)) {
			e = b + 1;
			continue;
		}
		for (e = b; e < 64 && mask >> e & 1; e++)
			;
		at += (size_t)snprintf(buf + at, at < len ? len - at : 0,
				       e - b > 1 ? "%s%u-%u" : "%s%u",
				       at ? "," : "", b, e - 1);
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void hvb_zone_size(__u64 size, char *buf, size_t len)
{
	if (size && !(size & ((1ull << 20) - 1)))
		snprintf(buf, len, "%llu MiB", (unsigned long long)(size >> 20));
	else if (size && !(size & ((1ull << 10) - 1)))
		snprintf(buf, len, "%llu KiB", (unsigned long long)(size >> 10));
	else
		snprintf(buf, len, "%llu B", (unsigned long long)size);
}

/* The RAM of zone @z, summed over its windows. */
static void hvb_zone_mem(int fd, const struct hvb_zone_info *z, char *buf,
			 size_t len)
{
	struct hvb_ioc_zone_mem zm;
	__u64 total = 0;
	__u32 i;
	char sz[32];

	for (i = 0; i < z->nr_mem; i++) {
		memset(&zm, 0, sizeof(zm));	/* reserved fields zero */
		zm.zone_id = z->id;
		zm.index = i;
		if (ioctl(fd, HVB_IOC_ZONE_MEM, &zm))
			break;
		total += zm.size;
	}
	if (!i) {
		snprintf(buf, len, "-");
		return;
	}
	hvb_zone_size(total, sz, sizeof(sz));
	snprintf(buf, len, "%s in %u window%s", sz, i, i == 1 ? "" : "s");
}

static int hvb_zone_list(int fd, const char *path)
{
	struct hvb_zone_info zones[HVB_IOC_MAX_ZONES];
	struct hvb_ioc_zone_list zl;
	char cpus[64], irqs[32], mem[64], name[HVB_ZONE_NAME_LEN];
	__u32 i;

	memset(&zl, 0, sizeof(zl));
	zl.zones = (__u64)(uintptr_t)zones;
	zl.max = HVB_IOC_MAX_ZONES;
	if (ioctl(fd, HVB_IOC_ZONE_LIST, &zl)) {
		fprintf(stderr, "hvbridge: error: %s: HVB_IOC_ZONE_LIST failed: %s\n",
			path, strerror(errno));
		return HVB_EXIT_FAIL;
	}
	printf("%-4s %-16s %-9s %-10s %-10s %s\n", "ID", "NAME", "STATE",
	       "CPUS", "IRQS", "MEMORY");
	for (i = 0; i < zl.nr && i < HVB_IOC_MAX_ZONES; i++) {
		const struct hvb_zone_info *z = &zones[i];

		/* The hypervisor NUL-terminates it; do not rely on that. */
		memcpy(name, z->name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
		hvb_zone_cpus(z->cpus, cpus, sizeof(cpus));
		if (z->irq_count)
			snprintf(irqs, sizeof(irqs), "%u-%u", z->irq_base,
				 z->irq_base + z->irq_count - 1);
		else
			snprintf(irqs, sizeof(irqs), "-");
		hvb_zone_mem(fd, z, mem, sizeof(mem));
		printf("%-4u %-16s %-9s %-10s %-10s %s%s\n", z->id, name,
		       hvb_zone_state(z->state), cpus, irqs, mem,
		       z->flags & HVB_ZONE_ROOT ? " (root zone)" : "");
	}
	return HVB_EXIT_OK;
}

/*
 * The ioctl; a start the hypervisor refuses because the daemon has not
 * released the zone's devices from its previous run (EAGAIN: it waits
 * HVB_ZONE_RELEASE_SLICE_MS itself, and woke the daemon) is tried again
 * for HVB_ZONE_RELEASE_WAIT_MS, sleeping in between so the daemon can
 * run on this CPU too.
 */
static int hvb_zone_ioctl(int fd, int op, struct hvb_ioc_zone *zc)
{
	const struct timespec nap = { 0, 10 * 1000000L };
	struct timespec t0, now;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ret = ioctl(fd, op == HVB_ZONE_START ? HVB_IOC_ZONE_START :
			    HVB_IOC_ZONE_STOP, zc);
		if (!ret || errno != EAGAIN || op != HVB_ZONE_START)
			return ret;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 +
		    (now.tv_nsec - t0.tv_nsec) / 1000000 >=
		    HVB_ZONE_RELEASE_WAIT_MS)
			return ret;
		nanosleep(&nap, NULL);
	}
}

static int hvb_zone_ctl(int fd, const char *path, int op, __u32 id)
{
	struct hvb_ioc_zone zc;
	int err;

	memset(&zc, 0, sizeof(zc));	/* flags and reserved fields zero */
	zc.zone_id = id;
	if (!hvb_zone_ioctl(fd, op, &zc)) {
		if (op == HVB_ZONE_START)
			printf("zone %u: started\n", id);
		else
			printf("zone %u: stopping (its CPUs park at their next exit)\n",
			       id);
		return HVB_EXIT_OK;
	}
	err = errno;
	fprintf(stderr, "hvbridge: error: zone %s %u: ", hvb_zone_op_names[op],
		id);
	switch (err) {
	case ENOENT:
		fprintf(stderr, "no zone %u (see 'hvbridge zone list')\n", id);
		break;
	case EPERM:
		fprintf(stderr, "zone %u is the root zone: it cannot be started or stopped\n",
			id);
		break;
	case EAGAIN:
		if (op == HVB_ZONE_START) {
			fprintf(stderr, "the daemon has not released zone %u's devices from its previous run (is it stuck? restart it, or stop it, and try again)\n",
				id);
			break;
		}
		fprintf(stderr, "%s: %s\n", path, strerror(err));
		break;
	case EBUSY:
		if (op == HVB_ZONE_START)
			fprintf(stderr, "zone %u is already running (or still stopping)\n",
				id);
		else
			fprintf(stderr, "zone %u is not running\n", id);
		break;
	default:
		fprintf(stderr, "%s: %s\n", path, strerror(err));
		break;
	}
	return HVB_EXIT_FAIL;
}

int hvb_cmd_zone(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "transport", required_argument, NULL, 't' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = hvb_kmod_device_path();
	char cmd[16], why[256];
	const char *json = NULL;
	/* static: a hvb_zone_json holds two PATH_MAX paths. */
	static struct hvb_zone_json zj;
	char *kernel = NULL, *dtb = NULL, jwhy[1024];
	int op = -1, opt, fd, ret, has_id = 0;
	__u64 id = 0;
	unsigned int i;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		hvb_zone_usage(stdout, -1);
		return HVB_EXIT_OK;
	}
	for (i = 0; argc > 1 && i < HVB_ZONE_NR_OPS; i++)
		if (!strcmp(argv[1], hvb_zone_op_names[i]))
			op = (int)i;
	if (op < 0) {
		if (argc > 1)
			fprintf(stderr, "hvbridge zone: unknown command '%s'\n",
				argv[1]);
		else
			fprintf(stderr, "hvbridge zone: list, start, stop or shutdown?\n");
		fprintf(stderr, "Try 'hvbridge zone --help'.\n");
		return HVB_EXIT_USAGE;
	}
	snprintf(cmd, sizeof(cmd), "zone %s", hvb_zone_op_names[op]);
	argc--;
	argv++;
	/* hvisor-tool's one-dash long option. */
	for (i = 1; i < (unsigned int)argc; i++)
		if (!strcmp(argv[i], "-id"))
			argv[i] = "--id";
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":t:d:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (op != HVB_ZONE_SHUTDOWN) {
				fprintf(stderr, "hvbridge %s: --id is for 'zone shutdown'; give the ID alone\n"
						"Try 'hvbridge %s --help'.\n",
					cmd, cmd);
				return HVB_EXIT_USAGE;
			}
			if (!hvb_parse_u64(optarg, &id) || id > UINT32_MAX) {
				fprintf(stderr, "hvbridge %s: '%s' is not a zone ID\n"
						"Try 'hvbridge %s --help'.\n",
					cmd, optarg, cmd);
				return HVB_EXIT_USAGE;
			}
			has_id = 1;
			break;
		case 't':
			if (strcmp(optarg, "kmod")) {
				fprintf(stderr, "hvbridge %s: transport '%s' has no zones; only kmod does\n"
						"Try 'hvbridge %s --help'.\n",
					cmd, optarg, cmd);
				return HVB_EXIT_USAGE;
			}
			break;
		case 'd':
			path = optarg;
			break;
		case 'h':
			hvb_zone_usage(stdout, op);
			return HVB_EXIT_OK;
		default:
			return hvb_usage_error(cmd, opt, argv);
		}
	}
	if (op == HVB_ZONE_SHUTDOWN && !has_id && optind < argc) {
		/* `zone shutdown 1`, like `zone stop 1`. */
		if (!hvb_parse_u64(argv[optind], &id) || id > UINT32_MAX) {
			fprintf(stderr, "hvbridge %s: '%s' is not a zone ID\n"
					"Try 'hvbridge %s --help'.\n",
				cmd, argv[optind], cmd);
			return HVB_EXIT_USAGE;
		}
		has_id = 1;
		optind++;
	}
	if (op == HVB_ZONE_SHUTDOWN && !has_id) {
		fprintf(stderr, "hvbridge %s: which zone? (--id ID, an ID from 'hvbridge zone list')\n"
				"Try 'hvbridge %s --help'.\n", cmd, cmd);
		return HVB_EXIT_USAGE;
	}
	if (op == HVB_ZONE_START && optind < argc &&
	    !hvb_parse_u64(argv[optind], &id)) {
		json = argv[optind++];
	} else if (op == HVB_ZONE_START || op == HVB_ZONE_STOP) {
		if (optind >= argc) {
			fprintf(stderr, "hvbridge %s: which zone? (an ID from 'hvbridge zone list')\n"
					"Try 'hvbridge %s --help'.\n", cmd, cmd);
			return HVB_EXIT_USAGE;
		}
		if (!hvb_parse_u64(argv[optind], &id) || id > UINT32_MAX) {
			fprintf(stderr, "hvbridge %s: '%s' is not a zone ID\n"
					"Try 'hvbridge %s --help'.\n",
				cmd, argv[optind], cmd);
			return HVB_EXIT_USAGE;
		}
		optind++;
	}
	if (optind < argc)
		return hvb_usage_error(cmd, 0, argv);

	/* The file's mistakes first: they need no module. */
	if (json && hvb_zone_load(json, &zj, &kernel, &dtb, jwhy,
				  sizeof(jwhy))) {
		fprintf(stderr, "hvbridge: error: %s\n", jwhy);
		return HVB_EXIT_FAIL;
	}
	fd = hvb_kmod_ctl_open(path, why, sizeof(why));
	if (fd < 0) {
		fprintf(stderr, "hvbridge: error: %s\n", why);
		ret = HVB_EXIT_FAIL;
		goto out;
	}
	if (op == HVB_ZONE_LIST)
		ret = hvb_zone_list(fd, path);
	else if (json)
		ret = hvb_zone_start_json(fd, path, json, &zj, kernel, dtb);
	else if (op == HVB_ZONE_SHUTDOWN)
		ret = hvb_zone_shutdown(fd, path, (__u32)id);
	else
		ret = hvb_zone_ctl(fd, path, op, (__u32)id);
	close(fd);
out:
	free(kernel);
	free(dtb);
	return ret;
}
