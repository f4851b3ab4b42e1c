// SPDX-License-Identifier: MIT
/*
 * The daemon's run files (runfile.h): their names, and the pid file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runfile.h"

int hvb_runfile_path(char *buf, size_t len, const char *dir,
		     const char *region, const char *suffix, char *err,
		     size_t err_len)
{
	struct stat st;
	int n;

	if (stat(region, &st)) {
		int e = errno;

		snprintf(err, err_len, "%s: %s", region, strerror(e));
		return -e;
	}
	if (S_ISCHR(st.st_mode))
		n = snprintf(buf, len, "%s/kmod-%u-%u.%s", dir,
			     major(st.st_rdev), minor(st.st_rdev), suffix);
	else
		n = snprintf(buf, len, "%s/file-%llx-%llx.%s", dir,
			     (unsigned long long)st.st_dev,
			     (unsigned long long)st.st_ino, suffix);
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, err_len, "%s: state directory path too long",
			 dir);
		return -ENAMETOOLONG;
	}
	return 0;
}

int hvb_runfile_mkdir(const char *path, char *err, size_t err_len)
{
	char dir[512], *slash;
	int e;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) && errno != EEXIST) {
		e = errno;
		snprintf(err, err_len, "%s: %s", dir, strerror(e));
		return -e;
	}
	return 0;
}

/* A write lock on the whole file, as F_SETLK and F_GETLK take it. */
static void hvb_pidfile_lock_all(struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->l_type = F_WRLCK;
	fl->l_whence = SEEK_SET;
	fl->l_start = 0;
	fl->l_len = 0;
}

pid_t hvb_pidfile_holder(int fd)
{
	struct flock fl;

	hvb_pidfile_lock_all(&fl);
	if (fcntl(fd, F_GETLK, &fl))
		return -1;
	if (fl.l_type == F_UNLCK)
		return 0;
	/* 0: a holder in a pid namespace we cannot see. */
	return fl.l_pid > 0 ? fl.l_pid : -1;
}

int hvb_pidfile_create(struct hvb_pidfile *pf, const char *path, char *err,
		       size_t err_len)
{
	char line[32];
	struct flock fl;
	int fd, e, n;

	pf->fd = -1;
	snprintf(pf->path, sizeof(pf->path), "%s", path);
	e = hvb_runfile_mkdir(path, err, err_len);
	if (e)
		return e;
	/* 0644: `--stop` and `stat` need only read it. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		e = errno;
		snprintf(err, err_len, "%s: %s", path, strerror(e));
		return -e;
	}
	/* A POSIX lock, not flock(): F_GETLK names its holder.  It dies
	 * with this process, and with any close() of the file by it: the
	 * daemon opens the file this once. */
	hvb_pidfile_lock_all(&fl);
	if (fcntl(fd, F_SETLK, &fl)) {
		e = errno == EAGAIN || errno == EACCES ? EBUSY : errno;
		snprintf(err, err_len, "%s: %s", path, e == EBUSY ?
			 "another process holds it" : strerror(e));
		close(fd);
		return -e;
	}
	n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, line, (size_t)n, 0) != n) {
		e = errno ? errno : EIO;
		snprintf(err, err_len, "%s: %s", path, strerror(e));
		unlink(path);
		close(fd);
		return -e;
	}
	pf->fd = fd;
	return 0;
}

void hvb_pidfile_finish(struct hvb_pidfile *pf, int status)
{
	char line[48];
	int n;

	if (pf->fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%ld stopped %d\n", (long)getpid(),
		     status);
	/* Best effort: `--stop` reads it through its own descriptor after
	 * the unlink; without it, it reports an unclean exit. */
	if (ftruncate(pf->fd, 0) == 0) {
		ssize_t w = pwrite(pf->fd, line, (size_t)n, 0);

		(void)w;
	}
	unlink(pf->path);
	close(pf->fd);
	pf->fd = -1;
}
