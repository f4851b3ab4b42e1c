// SPDX-License-Identifier: MIT
/*
 * `hvbridge daemon --stop`: stop the daemon that serves a region, the
 * way systemd's ExecStop or `kill -TERM` would, and wait until it has
 * drained its in-flight requests and exited.
 *
 * Whom to signal.  The daemon's pid file (runfile.h) is write-locked by
 * the daemon for as long as it lives; the pid signalled is the lock's
 * holder as the kernel reports it (F_GETLK), never a number read from
 * the file: a stale file (its daemon died, its pid maybe reused) holds
 * no lock, so nothing is signalled.  The holder must also be a process
 * named "hvbridge"; anything else is refused, not signalled.
 *
 * When it is done.  The daemon drops the lock as its last act (after
 * its devices drained, the region was detached and the summary logged),
 * first recording "PID stopped STATUS" in the file and unlinking it.  We
 * wait for the lock to go, then for the process to be gone (so its
 * region lock is free for the next daemon), then read the record through
 * our own descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "daemon_stop.h"
#include "runfile.h"

#define HVB_STOP_STEP_MS	10u

static __u64 hvb_stop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000u + (__u64)ts.tv_nsec / 1000000u;
}

static void hvb_stop_sleep(void)
{
	const struct timespec step = { 0, HVB_STOP_STEP_MS * 1000000L };

	nanosleep(&step, NULL);
}

/* Process @pid's name (/proc/PID/comm) into @buf; false if it is gone. */
static bool hvb_stop_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* Has @pid exited (gone, or a zombie that holds nothing any more)? */
static bool hvb_stop_has_exited(pid_t pid)
{
	char path[64], line[256], *rp;
	FILE *f;
	bool zombie = false;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (fgets(line, sizeof(line), f)) {
		/* "pid (comm) S ...": the state follows the last ')'. */
		rp = strrchr(line, ')');
		zombie = rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
	}
	fclose(f);
	return zombie;
}

int hvb_daemon_stop_run(const char *dir, const char *region,
			unsigned int timeout_s)
{
	char path[512], why[640], comm[32], rec[64];
	__u64 deadline;
	pid_t pid;
	ssize_t n;
	struct stat st;
	long rec_pid;
	int fd, rec_status, err;

	comm[0] = '\0';
	err = hvb_runfile_path(path, sizeof(path), dir, region, "pid", why,
			       sizeof(why));
	if (err) {
		fprintf(stderr, "hvbridge: error: cannot stop the daemon of %s: %s\n",
			region, why);
		return HVB_EXIT_FAIL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			fprintf(stderr, "hvbridge: error: no daemon serves %s (no pid file %s; a daemon started with another --state-dir keeps it there)\n",
				region, path);
		else
			fprintf(stderr, "hvbridge: error: %s: %s\n", path,
				strerror(errno));
		return HVB_EXIT_FAIL;
	}
	pid = hvb_pidfile_holder(fd);
	if (pid == 0) {
		n = pread(fd, rec, sizeof(rec) - 1, 0);
		rec[n > 0 ? n : 0] = '\0';
		fprintf(stderr, "hvbridge: error: no daemon serves %s: %s is stale (it names pid %ld, which does not hold it); nothing signalled\n",
			region, path, strtol(rec, NULL, 10));
		close(fd);
		return HVB_EXIT_FAIL;
	}
	if (pid < 0) {
		fprintf(stderr, "hvbridge: error: %s is held by a process this system cannot name (another pid namespace?); nothing signalled\n",
			path);
		close(fd);
		return HVB_EXIT_FAIL;
	}
	if (!hvb_stop_comm(pid, comm, sizeof(comm)) ||
	    strcmp(comm, "hvbridge")) {
		fprintf(stderr, "hvbridge: error: %s is held by pid %ld (%s), not an hvbridge daemon; not signalled\n",
			path, (long)pid, *comm ? comm : "gone");
		close(fd);
		return HVB_EXIT_FAIL;
	}
	if (kill(pid, SIGTERM)) {
		fprintf(stderr, "hvbridge: error: cannot signal daemon pid %ld: %s\n",
			(long)pid, strerror(errno));
		close(fd);
		return HVB_EXIT_FAIL;
	}
	deadline = hvb_stop_now_ms() + (__u64)timeout_s * 1000u;
	/* The lock goes once the daemon has drained and detached. */
	while (hvb_pidfile_holder(fd) == pid) {
		if (hvb_stop_now_ms() >= deadline)
			goto timeout;
		hvb_stop_sleep();
	}
	/* Then the process itself, and with it its lock on the region. */
	while (!hvb_stop_has_exited(pid)) {
		if (hvb_stop_now_ms() >= deadline)
			goto timeout;
		hvb_stop_sleep();
	}
	n = pread(fd, rec, sizeof(rec) - 1, 0);
	rec[n > 0 ? n : 0] = '\0';
	if (fstat(fd, &st) == 0 && st.st_nlink == 0 &&
	    sscanf(rec, "%ld stopped %d", &rec_pid, &rec_status) == 2 &&
	    rec_pid == pid) {
		close(fd);
		if (rec_status != 0) {
			fprintf(stderr, "hvbridge: error: daemon pid %ld of %s stopped with exit status %d (see its log)\n",
				(long)pid, region, rec_status);
			return HVB_EXIT_FAIL;
		}
		printf("stopped daemon pid %ld of %s: in-flight requests drained, exited 0\n",
		       (long)pid, region);
		return HVB_EXIT_OK;
	}
	close(fd);
	fprintf(stderr, "hvbridge: error: daemon pid %ld of %s exited without finishing its stop (killed?); nothing is lost: the next daemon runs what was in flight\n",
		(long)pid, region);
	return HVB_EXIT_FAIL;

timeout:
	close(fd);
	fprintf(stderr, "hvbridge: error: daemon pid %ld of %s was sent SIGTERM but did not stop within %u s (still draining?); wait, or `kill -KILL %ld` (a killed daemon loses nothing: the next one runs what was in flight)\n",
		(long)pid, region, timeout_s, (long)pid);
	return HVB_EXIT_TIMEOUT;
}
