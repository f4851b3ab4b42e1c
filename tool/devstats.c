// SPDX-License-Identifier: MIT
/*
 * The per-device counters file (devstats.h): the daemon's side (attach,
 * detach) and stat's (map read-only, checked).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "devstats.h"
#include "runfile.h"

static __u64 hvb_devstats_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static void hvb_devstats_ident(struct hvb_devstats_dev *r,
			       const struct hvb_device *d)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", d->name);
	snprintf(r->type, sizeof(r->type), "%s", d->type ? d->type : "");
	r->zone = d->zone_id;
	r->kick_dev = d->kick_dev < 0 ? 0xffffffffu : (__u32)d->kick_dev;
	r->base = d->base;
}

/* Did the last daemon of this region leave counters for these devices? */
static bool hvb_devstats_can_keep(const struct hvb_devstats *s,
				  const struct hvb_devices *tab, __u32 epoch)
{
	struct hvb_devstats_dev want;
	unsigned int i;

	if (s->magic != HVB_DEVSTATS_MAGIC ||
	    s->version != HVB_DEVSTATS_VERSION || s->size != sizeof(*s) ||
	    s->dev_size != sizeof(s->dev[0]) || s->nr_devs != tab->nr ||
	    s->epoch + 1 != epoch)
		return false;
	for (i = 0; i < tab->nr; i++) {
		hvb_devstats_ident(&want, tab->devs[i]);
		if (memcmp(want.name, s->dev[i].name, sizeof(want.name)) ||
		    memcmp(want.type, s->dev[i].type, sizeof(want.type)) ||
		    want.zone != s->dev[i].zone ||
		    want.kick_dev != s->dev[i].kick_dev ||
		    want.base != s->dev[i].base)
			return false;
	}
	return true;
}

/* A fresh file at @path, put in place by rename(): a reader that has the
 * old one mapped keeps its pages. */
static struct hvb_devstats *hvb_devstats_create(const char *path,
						const struct hvb_devices *tab,
						char *err, size_t err_len)
{
	struct hvb_devstats *s;
	char tmp[600];
	unsigned int i;
	int fd, e;

	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	e = hvb_runfile_mkdir(path, err, err_len);
	if (e) {
		errno = -e;
		return NULL;
	}
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0) {
		e = errno;
		snprintf(err, err_len, "%s: %s", tmp, strerror(e));
		errno = e;
		return NULL;
	}
	if (ftruncate(fd, sizeof(*s))) {
		e = errno;
		goto fail;
	}
	s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s == MAP_FAILED) {
		e = errno;
		goto fail;
	}
	close(fd);
	/* A new file is all zero: magic stays 0 until attach sets it. */
	s->version = HVB_DEVSTATS_VERSION;
	s->size = sizeof(*s);
	s->dev_size = sizeof(s->dev[0]);
	s->nr_devs = tab->nr;
	s->since_ns = hvb_devstats_now_ns();
	for (i = 0; i < tab->nr; i++)
		hvb_devstats_ident(&s->dev[i], tab->devs[i]);
	if (rename(tmp, path)) {
		e = errno;
		snprintf(err, err_len, "%s: %s", path, strerror(e));
		munmap(s, sizeof(*s));
		unlink(tmp);
		errno = e;
		return NULL;
	}
	return s;
fail:
	snprintf(err, err_len, "%s: %s", tmp, strerror(e));
	close(fd);
	unlink(tmp);
	errno = e;
	return NULL;
}

/* Is the region stats file @name (in @dir) was kept for gone?  Only
 * for a "file-DEV-INO.stats" whose header names a region path. */
static bool hvb_devstats_is_orphan(int dirfd, const char *name)
{
	unsigned long long dev, ino;
	struct hvb_devstats hdr;
	struct stat st;
	int fd, n = 0;
	ssize_t got;

	if (sscanf(name, "file-%llx-%llx.stats%n", &dev, &ino, &n) != 2 ||
	    name[n])
		return false;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size != (off_t)sizeof(struct hvb_devstats)) {
		close(fd);
		return false;
	}
	got = pread(fd, &hdr, offsetof(struct hvb_devstats, dev), 0);
	close(fd);
	if (got != (ssize_t)offsetof(struct hvb_devstats, dev) ||
	    hdr.magic != HVB_DEVSTATS_MAGIC ||
	    hdr.version != HVB_DEVSTATS_VERSION || !hdr.region[0] ||
	    memchr(hdr.region, '\0', sizeof(hdr.region)) == NULL)
		return false;
	if (stat(hdr.region, &st))
		return errno == ENOENT;
	return (unsigned long long)st.st_dev != dev ||
	       (unsigned long long)st.st_ino != ino;
}

unsigned int hvb_devstats_prune(const char *dir)
{
	unsigned int removed = 0;
	struct dirent *e;
	char pid[300];
	DIR *d = opendir(dir);
	int fd, n;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!hvb_devstats_is_orphan(dirfd(d), e->d_name))
			continue;
		n = (int)strlen(e->d_name) - (int)strlen("stats");
		snprintf(pid, sizeof(pid), "%.*spid", n, e->d_name);
		fd = openat(dirfd(d), pid, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			bool held = hvb_pidfile_holder(fd) != 0;

			close(fd);
			if (held)
				continue;	/* its daemon lives */
			if (!unlinkat(dirfd(d), pid, 0))
				removed++;
		}
		if (!unlinkat(dirfd(d), e->d_name, 0))
			removed++;
	}
	closedir(d);
	return removed;
}

int hvb_devstats_attach(struct hvb_devices *tab, const char *path,
			const char *region, __u32 epoch, char *err,
			size_t err_len)
{
	struct hvb_devstats *s = NULL;
	struct stat st;
	unsigned int i;
	char *abs;
	int fd;

	if (tab->nr > HVB_DEVSTATS_MAX) {
		snprintf(err, err_len, "%s: %u devices, more than the file holds",
			 path, tab->nr);
		return -ENOSPC;
	}
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
		    st.st_size == (off_t)sizeof(*s)) {
			s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, 0);
			if (s == MAP_FAILED)
				s = NULL;
		}
		close(fd);
		if (s && !hvb_devstats_can_keep(s, tab, epoch)) {
			munmap(s, sizeof(*s));
			s = NULL;
		}
	}
	if (!s) {
		s = hvb_devstats_create(path, tab, err, err_len);
		if (!s)
			return -errno;
	}
	s->pid = (__u32)getpid();
	s->epoch = epoch;
	/* Absolute, so that a daemon started elsewhere finds it. */
	memset(s->region, 0, sizeof(s->region));
	abs = realpath(region, NULL);
	if (abs && strlen(abs) < sizeof(s->region))
		memcpy(s->region, abs, strlen(abs));
	free(abs);
	s->started_ns = hvb_devstats_now_ns();
	/* Barrier DS-A: pairs with hvb_devstats_map()'s acquire load of
	 * magic: a reader that sees it sees the header and identities. */
	__atomic_store_n(&s->magic, HVB_DEVSTATS_MAGIC, __ATOMIC_RELEASE);
	for (i = 0; i < tab->nr; i++)
		tab->devs[i]->stats = &s->dev[i];
	tab->stats = s;
	return 0;
}

void hvb_devstats_detach(struct hvb_devices *tab)
{
	unsigned int i;

	if (!tab->stats)
		return;
	for (i = 0; i < tab->nr; i++)
		tab->devs[i]->stats = NULL;
	munmap(tab->stats, sizeof(*tab->stats));
	tab->stats = NULL;
}

const struct hvb_devstats *hvb_devstats_map(const char *path, int *errp,
					    char *err, size_t err_len)
{
	struct hvb_devstats *s;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		*errp = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size != (off_t)sizeof(*s)) {
		close(fd);
		*errp = -EPROTO;
		snprintf(err, err_len, "%s: not a stats file of version %u (%zu bytes)",
			 path, HVB_DEVSTATS_VERSION, sizeof(*s));
		return NULL;
	}
	s = mmap(NULL, sizeof(*s), PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (s == MAP_FAILED) {
		*errp = -errno;
		snprintf(err, err_len, "%s: mmap: %s", path, strerror(errno));
		return NULL;
	}
	/* Barrier DS-A: pairs with the daemon's release store of magic. */
	if (__atomic_load_n(&s->magic, __ATOMIC_ACQUIRE) != HVB_DEVSTATS_MAGIC ||
	    s->version != HVB_DEVSTATS_VERSION || s->size != sizeof(*s) ||
	    s->dev_size != sizeof(s->dev[0])) {
		munmap(s, sizeof(*s));
		*errp = -EPROTO;
		snprintf(err, err_len, "%s: bad header (not a stats file of version %u, or not written yet)",
			 path, HVB_DEVSTATS_VERSION);
		return NULL;
	}
	*errp = 0;
	return s;
}

void hvb_devstats_unmap(const struct hvb_devstats *s)
{
	if (s)
		munmap((void *)s, sizeof(*s));
}
