// SPDX-License-Identifier: MIT
/*
 * The daemon's console links (console_link.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "console_link.h"
#include "device.h"
#include "log.h"
#include "runfile.h"
#include "virtio/virtio.h"

bool hvb_console_link_path(char *buf, size_t len, const char *dir,
			   __u32 zone, __u64 base)
{
	int n = snprintf(buf, len, "%s/zone%u-%llx.console", dir, zone,
			 (unsigned long long)base);

	return n > 0 && (size_t)n < len;
}

/* The attach path of table entry @d, or NULL: it has none. */
static const char *hvb_console_target(struct hvb_device *d)
{
	struct hvb_virtio_dev *vd = hvb_virtio_from_device(d);

	if (!vd || !vd->live || !vd->ops->attach_path)
		return NULL;
	return vd->ops->attach_path(vd);
}

void hvb_console_links_make(struct hvb_devices *devs, const char *dir)
{
	char link[512], tmp[520], err[640];
	unsigned int i;

	for (i = 0; i < devs->nr; i++) {
		struct hvb_device *d = devs->devs[i];
		const char *target = hvb_console_target(d);

		if (!target || !*target)
			continue;
		if (!hvb_console_link_path(link, sizeof(link), dir, d->zone_id,
					   d->base) ||
		    snprintf(tmp, sizeof(tmp), "%s.new", link) >=
		    (int)sizeof(tmp)) {
			hvb_warn("%s: no console link: %s: path too long",
				 d->name, dir);
			continue;
		}
		if (hvb_runfile_mkdir(link, err, sizeof(err))) {
			hvb_warn("%s: no console link: %s", d->name, err);
			continue;
		}
		/* A new link beside, then rename(): `hvbridge console`
		 * never sees the name missing while a stale link (a
		 * killed daemon's) is replaced. */
		unlink(tmp);
		if (symlink(target, tmp) || rename(tmp, link)) {
			hvb_warn("%s: no console link %s: %s", d->name, link,
				 strerror(errno));
			unlink(tmp);
			continue;
		}
		hvb_info("%s: zone %u's console: %s -> %s (hvbridge console %u)",
			 d->name, d->zone_id, link, target, d->zone_id);
	}
}

void hvb_console_links_remove(struct hvb_devices *devs, const char *dir)
{
	char link[512], now[512];
	unsigned int i;
	ssize_t n;

	for (i = 0; i < devs->nr; i++) {
		struct hvb_device *d = devs->devs[i];
		const char *target = hvb_console_target(d);

		if (!target || !*target ||
		    !hvb_console_link_path(link, sizeof(link), dir, d->zone_id,
					   d->base))
			continue;
		n = readlink(link, now, sizeof(now) - 1);
		if (n < 0)
			continue;
		now[n] = '\0';
		if (!strcmp(now, target))
			unlink(link);
	}
}
