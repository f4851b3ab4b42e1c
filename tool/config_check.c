// SPDX-License-Identifier: MIT
/*
 * What `hvbridge config-check` checks beyond reading the file
 * (docs/config.md, "What config-check checks"), without creating any
 * device:
 *   - the backend options' values: a MAC address's syntax, a tap name's
 *     length (hvb_config_check_options());
 *   - this machine (hvb_config_check_host()): the files the options name
 *     exist and may be opened as the device will open them, a pty console
 *     has /dev/pts mounted, a tap has /dev/net/tun, and no zone's memory
 *     is larger than the machine's RAM.
 * The daemon meets the same problems when it creates the devices; here
 * they are found before anything runs, each naming its field.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <dirent.h>

#include <cjson/cJSON.h>

#include "config_opts.h"
#include "config_parse.h"

/* statfs() f_type of a devpts file system (linux/magic.h). */
#define HVB_DEVPTS_MAGIC	0x1cd1

/* Where the machine's RAM is told: the device tree's memory nodes. */
#define HVB_DT_ROOT		"/proc/device-tree"

struct hvb_check_type {
	const char *type;
	int (*options)(struct hvb_config *cfg, const struct hvb_config_dev *d);
	int (*host)(struct hvb_config *cfg, const struct hvb_config_dev *d);
};

/* Fail at "@d's path.options.@key" (hvisor: the member the option came
 * from, which has the same name). */
static int hvb_check_fail(struct hvb_config *cfg,
			  const struct hvb_config_dev *d, const char *key,
			  const char *why, const char *what)
{
	char p[HVB_CONFIG_PATH_MAX];

	hvb_config_pathf(p, "%s.%s%s", d->path, d->hvisor_type ? "" :
			 "options.", key);
	return hvb_config_fail(cfg, p, "%s%s", what ? what : "", why);
}

/* A config_opts.h message "options.KEY: why" as "PATH.options.KEY: why"
 * (hvisor: "PATH.KEY", the member the option came from). */
static int hvb_check_opt_fail(struct hvb_config *cfg,
			      const struct hvb_config_dev *d, const char *why)
{
	const char *colon = strstr(why, ": "), *key = why;
	char p[HVB_CONFIG_PATH_MAX];

	if (!colon || strncmp(why, "options.", 8))
		return hvb_config_fail(cfg, d->path, "%s", why);
	if (d->hvisor_type)
		key += 8;
	hvb_config_pathf(p, "%s.%.*s", d->path, (int)(colon - key), key);
	return hvb_config_fail(cfg, p, "%s", colon + 2);
}

static int hvb_check_net_options(struct hvb_config *cfg,
				 const struct hvb_config_dev *d)
{
	const char *why = NULL, *tap;
	__u8 mac[6];
	int err;

	err = hvb_opt_bytes(d->opts, "mac", mac, sizeof(mac), &why);
	if (err && err != -ENOENT)
		return hvb_check_opt_fail(cfg, d, why);
	if (!err && (mac[0] & 1))
		return hvb_check_fail(cfg, d, "mac",
				      "is a multicast address (the first byte is odd); a NIC needs a unicast one",
				      NULL);
	err = hvb_opt_string(d->opts, "tap", &tap, &why);
	if (err && err != -ENOENT)
		return hvb_check_opt_fail(cfg, d, why);
	if (!err && strlen(tap) >= IFNAMSIZ)
		return hvb_check_fail(cfg, d, "tap",
				      "is longer than an interface name may be (15 characters)",
				      NULL);
	return 0;
}

/* @path names something that access(@mode) allows; else the reason. */
static const char *hvb_check_access(const char *path, int mode)
{
	struct stat st;

	if (stat(path, &st))
		return errno == ENOENT ? "no such file" : strerror(errno);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return "not a regular file or a block device";
	if (access(path, mode))
		return mode & W_OK ? "cannot be opened for writing (give \"readonly\": true if that is meant)" :
				     "cannot be read";
	return NULL;
}

static int hvb_check_blk_host(struct hvb_config *cfg,
			      const struct hvb_config_dev *d)
{
	const char *img = NULL, *why = NULL;
	char what[PATH_MAX + 8];
	bool ro = false;

	if (hvb_opt_string(d->opts, "img", &img, &why))
		return 0;	/* the parse names a missing one */
	hvb_opt_bool(d->opts, "readonly", &ro, &why);
	why = hvb_check_access(img, ro ? R_OK : R_OK | W_OK);
	if (!why)
		return 0;
	snprintf(what, sizeof(what), "%s: ", img);
	return hvb_check_fail(cfg, d, "img", why, what);
}

static int hvb_check_console_host(struct hvb_config *cfg,
				  const struct hvb_config_dev *d)
{
	const char *mode = "pty", *path = NULL, *why = NULL, *slash;
	char dir[PATH_MAX];
	struct statfs fs;
	struct stat st;

	hvb_opt_string(d->opts, "mode", &mode, &why);
	hvb_opt_string(d->opts, "path", &path, &why);
	if (!strcmp(mode, "pty")) {
		if (statfs("/dev/pts", &fs) || fs.f_type != HVB_DEVPTS_MAGIC)
			return hvb_config_fail(cfg, d->path, "a pty console, but /dev/pts is not mounted here (mount -t devpts devpts /dev/pts), or give \"options\": {\"mode\": \"stdio\"} or \"unix\"");
	}
	if (!path || !strcmp(mode, "stdio"))
		return 0;
	/* The link or socket is made there: its directory must exist. */
	slash = strrchr(path, '/');
	if (!slash)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + 1), path);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return hvb_check_fail(cfg, d, "path",
				      "'s directory does not exist", NULL);
	return 0;
}

/* A tap is made through /dev/net/tun, which needs the tun module and
 * the right to open it (root, or CAP_NET_ADMIN with its mode). */
static int hvb_check_net_host(struct hvb_config *cfg,
			      const struct hvb_config_dev *d)
{
	if (!access("/dev/net/tun", R_OK | W_OK))
		return 0;
	return hvb_check_fail(cfg, d, "tap", errno == ENOENT ?
			      "/dev/net/tun does not exist (modprobe tun)" :
			      "/dev/net/tun cannot be opened read-write here (run as root)",
			      NULL);
}

static const struct hvb_check_type hvb_check_types[] = {
	{ "virtio-net", hvb_check_net_options, hvb_check_net_host },
	{ "virtio-blk", NULL, hvb_check_blk_host },
	{ "virtio-console", NULL, hvb_check_console_host },
};

#define HVB_CHECK_NR_TYPES \
	(sizeof(hvb_check_types) / sizeof(hvb_check_types[0]))

static int hvb_check_each(struct hvb_config *cfg, bool host)
{
	const struct hvb_check_type *t;
	unsigned int i, k;
	int err;

	for (i = 0; i < cfg->nr_devs; i++) {
		for (k = 0; k < HVB_CHECK_NR_TYPES; k++) {
			t = &hvb_check_types[k];
			if (strcmp(t->type, cfg->devs[i].type))
				continue;
			err = host ? (t->host ? t->host(cfg, &cfg->devs[i]) : 0) :
				     (t->options ?
				      t->options(cfg, &cfg->devs[i]) : 0);
			if (err)
				return err;
		}
	}
	return 0;
}

int hvb_config_check_options(struct hvb_config *cfg)
{
	return hvb_check_each(cfg, false);
}

/* A big-endian cell run of @cells 32-bit words at @p. */
static __u64 hvb_check_cells(const unsigned char *p, unsigned int cells)
{
	__u64 v = 0;
	unsigned int i;

	for (i = 0; i < cells * 4; i++)
		v = (v << 8) | p[i];
	return v;
}

static unsigned int hvb_check_dt_u32(const char *path, unsigned int dflt)
{
	unsigned char b[4];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return dflt;
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	return n == sizeof(b) ? (unsigned int)hvb_check_cells(b, 1) : dflt;
}

/* The RAM of the memory nodes (memory, memory@ADDR) of the device tree:
 * all of the machine's, reserved parts included; 0 without one. */
static __u64 hvb_check_dt_ram(void)
{
	unsigned int ac, sc;
	unsigned char reg[256];
	char path[PATH_MAX];
	struct dirent *e;
	__u64 total = 0;
	size_t n, off;
	DIR *dir;
	FILE *f;

	ac = hvb_check_dt_u32(HVB_DT_ROOT "/#address-cells", 2);
	sc = hvb_check_dt_u32(HVB_DT_ROOT "/#size-cells", 1);
	if (!ac || ac > 2 || !sc || sc > 2)
		return 0;
	dir = opendir(HVB_DT_ROOT);
	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		if (strcmp(e->d_name, "memory") &&
		    strncmp(e->d_name, "memory@", 7))
			continue;
		snprintf(path, sizeof(path), HVB_DT_ROOT "/%s/reg", e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(reg, 1, sizeof(reg), f);
		fclose(f);
		for (off = 0; off + (ac + sc) * 4 <= n; off += (ac + sc) * 4)
			total += hvb_check_cells(reg + off + ac * 4, sc);
	}
	closedir(dir);
	return total;
}

/*
 * This machine's RAM: the device tree's memory nodes when there is a
 * device tree, else what Linux has (sysconf).
 */
static __u64 hvb_check_ram(const char **source)
{
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	__u64 dt = hvb_check_dt_ram();

	if (dt) {
		*source = "the device tree's memory nodes";
		return dt;
	}
	*source = "the RAM Linux has";
	return pages > 0 && page > 0 ? (__u64)pages * (__u64)page : 0;
}

static void hvb_check_size(char *buf, size_t len, __u64 size)
{
	if (size >= (1ull << 30))
		snprintf(buf, len, "%.1f GiB", (double)size / (1ull << 30));
	else
		snprintf(buf, len, "%llu MiB", (unsigned long long)(size >> 20));
}

static int hvb_check_memory(struct hvb_config *cfg)
{
	const char *source = NULL, *size_key;
	char p[HVB_CONFIG_PATH_MAX], a[32], b[32];
	__u64 ram = hvb_check_ram(&source), total = 0;
	unsigned int z, i;

	if (!ram)
		return 0;
	size_key = "size";	/* both formats call a region's bytes so */
	hvb_check_size(b, sizeof(b), ram);
	for (z = 0; z < cfg->nr_zones; z++) {
		for (i = 0; i < cfg->zones[z].nr_mem; i++) {
			const struct hvb_config_mem *m = &cfg->zones[z].mem[i];

			total += m->size;
			hvb_config_pathf(p, "%s.%s", m->path, size_key);
			hvb_check_size(a, sizeof(a), m->size);
			if (m->size > ram)
				return hvb_config_fail(cfg, p, "0x%llx (%s) is more than this machine's RAM (%s, from %s)",
						       (unsigned long long)m->size,
						       a, b, source);
			if (total > ram) {
				hvb_check_size(a, sizeof(a), total);
				return hvb_config_fail(cfg, p, "the zones' memory comes to %s with this region, more than this machine's RAM (%s, from %s)",
						       a, b, source);
			}
		}
	}
	return 0;
}

int hvb_config_check_host(struct hvb_config *cfg)
{
	if (hvb_check_memory(cfg))
		return -1;
	return hvb_check_each(cfg, true);
}
