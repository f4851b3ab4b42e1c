// SPDX-License-Identifier: MIT
/*
 * The daemon's console links (console_link.h).
 */
#include <errno.h>
#include <fcntl.h>
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

/* A write lock on the whole file, as F_SETLK and F_GETLK take it. */
static void hvb_console_lock_all(struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = F_WRLCK;
	fl->l_whence = SEEK_SET;
}

/*
 * Create and lock @link's owner file @owner, naming @target in it.
 * Returns its fd, or -1 (warned).  A POSIX lock, not flock(): F_GETLK
 * tests it without taking it, so a reader never keeps the next daemon
 * from its lock.  It lives until this process exits or closes any fd of
 * the file: the daemon opens it this once.
 */
static int hvb_console_owner_take(const struct hvb_device *d,
				  const char *owner, const char *target)
{
	size_t n = strlen(target);
	struct flock fl;
	char line[512];
	int fd;

	if (n + 1 >= sizeof(line)) {
		hvb_warn("%s: no console link: %s: path too long", d->name,
			 target);
		return -1;
	}
	memcpy(line, target, n);
	line[n++] = '\n';
	fd = open(owner, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		hvb_warn("%s: no console link: %s: %s", d->name, owner,
			 strerror(errno));
		return -1;
	}
	hvb_console_lock_all(&fl);
	if (fcntl(fd, F_SETLK, &fl)) {
		hvb_warn("%s: no console link: %s: %s", d->name, owner,
			 errno == EAGAIN || errno == EACCES ?
			 "another live daemon links this console" :
			 strerror(errno));
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) || pwrite(fd, line, n, 0) != (ssize_t)n) {
		hvb_warn("%s: no console link: %s: %s", d->name, owner,
			 strerror(errno ? errno : EIO));
		close(fd);
		return -1;
	}
	return fd;
}

void hvb_console_links_make(struct hvb_console_links *l,
			    struct hvb_devices *devs, const char *dir)
{
	char link[512], tmp[520], owner[520], err[640];
	unsigned int i;

	for (i = 0; i < HVB_MAX_DEVICES; i++)
		l->owner_fd[i] = -1;
	for (i = 0; i < devs->nr; i++) {
		struct hvb_device *d = devs->devs[i];
		const char *target = hvb_console_target(d);

		if (!target || !*target)
			continue;
		if (!hvb_console_link_path(link, sizeof(link), dir, d->zone_id,
					   d->base) ||
		    snprintf(tmp, sizeof(tmp), "%s.new", link) >=
		    (int)sizeof(tmp) ||
		    snprintf(owner, sizeof(owner), "%s.owner", link) >=
		    (int)sizeof(owner)) {
			hvb_warn("%s: no console link: %s: path too long",
				 d->name, dir);
			continue;
		}
		if (hvb_runfile_mkdir(link, err, sizeof(err))) {
			hvb_warn("%s: no console link: %s", d->name, err);
			continue;
		}
		/* The owner first: a link never stands for a live daemon
		 * whose owner file names another target. */
		l->owner_fd[i] = hvb_console_owner_take(d, owner, target);
		if (l->owner_fd[i] < 0)
			continue;
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

void hvb_console_links_remove(struct hvb_console_links *l,
			      struct hvb_devices *devs, const char *dir)
{
	char link[512], now[512];
	unsigned int i;
	ssize_t n;

	for (i = 0; i < devs->nr; i++) {
		struct hvb_device *d = devs->devs[i];
		const char *target = hvb_console_target(d);

		if (l->owner_fd[i] < 0)
			continue;
		if (target && *target &&
		    hvb_console_link_path(link, sizeof(link), dir, d->zone_id,
					  d->base)) {
			n = readlink(link, now, sizeof(now) - 1);
			if (n >= 0) {
				now[n] = '\0';
				if (!strcmp(now, target))
					unlink(link);
			}
		}
		/* The owner file stays: a next daemon may have it open
		 * already, waiting for this lock. */
		close(l->owner_fd[i]);
		l->owner_fd[i] = -1;
	}
}

long hvb_console_owner(const char *link, char *target, size_t len)
{
	char owner[520];
	struct flock fl;
	ssize_t n;
	long pid;
	int fd, e;

	if (snprintf(owner, sizeof(owner), "%s.owner", link) >=
	    (int)sizeof(owner)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(owner, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	hvb_console_lock_all(&fl);
	if (fcntl(fd, F_GETLK, &fl)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (fl.l_type == F_UNLCK) {
		close(fd);
		return 0;
	}
	/* l_pid 0: a holder in a pid namespace we cannot see; still live. */
	pid = fl.l_pid > 0 ? (long)fl.l_pid : 1;
	n = pread(fd, target, len - 1, 0);
	e = errno;
	close(fd);
	if (n <= 0 || target[n - 1] != '\n') {
		/* Being written: its daemon has not linked it yet. */
		errno = n < 0 ? e : EAGAIN;
		return -1;
	}
	target[n - 1] = '\0';
	return pid;
}
