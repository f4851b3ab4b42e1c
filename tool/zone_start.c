// SPDX-License-Identifier: MIT
/*
 * `hvbridge zone start FILE.json` and `hvbridge zone shutdown --id N`:
 * a guest zone from hvisor-tool's zone config, created and removed at
 * run time through hvbridge.ko (HVB_IOC_ZONE_CREATE / _DESTROY).  The
 * CLI reads the JSON and the two images; the module copies them into
 * the zone's RAM once the hypervisor has accepted the zone (docs/kmod.md
 * says why the module, not the CLI, writes there).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hvbridge/kmod-ioctl.h>

#include "daemon.h"
#include "zone_json.h"
#include "zone_start.h"

/* The whole of @path, malloc()ed, NUL-terminated; NULL with @why set. */
static char *hvb_zone_slurp(const char *path, size_t max, size_t *size,
			    char *why, size_t len)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	size_t at = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s: not a regular file", path);
		goto fail;
	}
	if ((unsigned long long)st.st_size > max) {
		snprintf(why, len, "%s: %lld bytes, more than the %zu hvbridge takes",
			 path, (long long)st.st_size, max);
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		snprintf(why, len, "%s: out of memory", path);
		goto fail;
	}
	while (at < (size_t)st.st_size) {
		n = read(fd, buf + at, (size_t)st.st_size - at);
		if (n <= 0) {
			snprintf(why, len, "%s: %s", path,
				 n ? strerror(errno) : "shorter than it was");
			goto fail;
		}
		at += (size_t)n;
	}
	buf[at] = '\0';
	*size = at;
	close(fd);
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/*
 * An image path of the JSON: as hvisor-tool does, relative to the
 * working directory; failing that, relative to the JSON file's
 * directory (so a config and its images can travel together).
 */
static char *hvb_zone_image(const char *json, const char *field,
			    const char *path, size_t *size, char *why,
			    size_t len)
{
	char alt[PATH_MAX + 1];
	const char *slash = strrchr(json, '/');
	size_t off;
	char *buf;

	if (path[0] != '/' && access(path, F_OK) && slash &&
	    (size_t)snprintf(alt, sizeof(alt), "%.*s/%s",
			     (int)(slash - json), json, path) < sizeof(alt) &&
	    !access(alt, F_OK))
		path = alt;
	/* "FIELD: " and then slurp's "PATH: why" after it. */
	off = (size_t)snprintf(why, len, "%s: ", field);
	if (off >= len)
		off = 0;
	buf = hvb_zone_slurp(path, HVB_IOC_ZONE_IMAGE_MAX, size, why + off,
			     len - off);
	return buf;
}

int hvb_zone_load(const char *file, struct hvb_zone_json *zj,
		  char **kernel, char **dtb, char *why, size_t len)
{
	char inner[512];
	size_t size;
	char *text;

	*kernel = *dtb = NULL;
	text = hvb_zone_slurp(file, 1 << 20, &size, why, len);
	if (!text)
		return -1;
	if (hvb_zone_json_parse(text, zj, inner, sizeof(inner))) {
		snprintf(why, len, "%s: %s", file, inner);
		free(text);
		return -1;
	}
	free(text);
	*kernel = hvb_zone_image(file, "kernel_filepath", zj->kernel_path,
				 &size, inner, sizeof(inner));
	if (!*kernel)
		goto fail;
	if (!size) {
		snprintf(inner, sizeof(inner), "kernel_filepath: %.400s is empty",
			 zj->kernel_path);
		goto fail;
	}
	zj->desc.kernel_size = size;
	if (zj->dtb_path[0]) {
		*dtb = hvb_zone_image(file, "dtb_filepath", zj->dtb_path,
				      &size, inner, sizeof(inner));
		if (!*dtb)
			goto fail;
		zj->desc.dtb_size = size;
	}
	return 0;
fail:
	snprintf(why, len, "%s: %s", file, inner);
	free(*kernel);
	free(*dtb);
	*kernel = *dtb = NULL;
	return -1;
}

int hvb_zone_start_json(int fd, const char *dev, const char *file,
			const struct hvb_zone_json *zj, const char *kernel,
			const char *dtb)
{
	struct hvb_ioc_zone_create zc;
	char why[1024];

	memset(&zc, 0, sizeof(zc));	/* flags and reserved fields zero */
	zc.desc = (__u64)(uintptr_t)&zj->desc;
	zc.kernel = (__u64)(uintptr_t)kernel;
	zc.dtb = (__u64)(uintptr_t)dtb;
	if (!ioctl(fd, HVB_IOC_ZONE_CREATE, &zc)) {
		printf("zone %u (%s): started on CPU %u at 0x%llx\n",
		       zj->desc.id, zj->desc.name,
		       (unsigned int)__builtin_ctzll(zj->desc.cpus),
		       (unsigned long long)zj->desc.entry);
		return HVB_EXIT_OK;
	}
	if (errno == EINVAL && zc.reason) {
		hvb_zone_reason(zc.reason, zc.index, &zj->desc, why,
				sizeof(why));
		fprintf(stderr, "hvbridge: error: %s: refused: %s\n", file, why);
	} else {
		fprintf(stderr, "hvbridge: error: %s: HVB_IOC_ZONE_CREATE on %s failed: %s\n",
			file, dev, strerror(errno));
	}
	return HVB_EXIT_FAIL;
}

int hvb_zone_shutdown(int fd, const char *dev, __u32 id)
{
	struct hvb_ioc_zone zc;
	int err;

	memset(&zc, 0, sizeof(zc));
	zc.zone_id = id;
	if (!ioctl(fd, HVB_IOC_ZONE_DESTROY, &zc)) {
		printf("zone %u: shut down\n", id);
		return HVB_EXIT_OK;
	}
	err = errno;
	fprintf(stderr, "hvbridge: error: zone shutdown %u: ", id);
	switch (err) {
	case ENOENT:
		fprintf(stderr, "no zone %u (see 'hvbridge zone list')\n", id);
		break;
	case EPERM:
		fprintf(stderr, "zone %u is the root zone: it cannot be shut down\n",
			id);
		break;
	case ETIMEDOUT:
		fprintf(stderr, "zone %u's CPUs did not stop; it stays, stopping\n",
			id);
		break;
	default:
		fprintf(stderr, "%s: %s\n", dev, strerror(err));
		break;
	}
	return HVB_EXIT_FAIL;
}
