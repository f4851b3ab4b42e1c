// SPDX-License-Identifier: MIT
/*
 * The simulation transport: the region is a file (normally in /dev/shm)
 * that hvbridge-sim creates and formats, and whose producers are the
 * hypervisor core running as host threads of another process.
 *
 * One daemon per region: open() takes an exclusive flock on the file and
 * keeps it until close(), so a second daemon is refused instead of racing
 * the first one for the response lines (the consumer relies on being
 * their only writer).  The lock dies with the process, so a killed daemon
 * never blocks its successor.
 *
 * Sleeping is a futex on the region's wake_gen word.  The futex is shared
 * (no FUTEX_PRIVATE_FLAG): the waker is another process mapping the same
 * file, and a private futex would be keyed on our address space only.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <hvbridge/barrier.h>

#include "transport.h"

static int sim_fail(struct hvb_transport *t, int err, const char *fmt,
		    const char *path)
{
	snprintf(t->error, sizeof(t->error), fmt, path, strerror(-err));
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	return err;
}

static int sim_open(struct hvb_transport *t, const char *path)
{
	struct stat st;
	void *mem;

	t->region = NULL;
	t->size = 0;
	t->error[0] = '\0';
	t->fd = open(path, O_RDWR | O_CLOEXEC);
	if (t->fd < 0)
		return sim_fail(t, -errno, "cannot open %s: %s", path);
	if (flock(t->fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK)
			return sim_fail(t, -errno, "cannot lock %s: %s", path);
		snprintf(t->error, sizeof(t->error),
			 "another daemon already serves %s", path);
		close(t->fd);
		t->fd = -1;
		return -EBUSY;
	}
	if (fstat(t->fd, &st))
		return sim_fail(t, -errno, "cannot stat %s: %s", path);
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX)
		return sim_fail(t, -EINVAL, "%s is not a region file: %s",
				path);
	mem = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED, t->fd, 0);
	if (mem == MAP_FAILED)
		return sim_fail(t, -errno, "cannot map %s: %s", path);
	t->region = mem;
	t->size = (__u64)st.st_size;
	return 0;
}

static bool sim_can_sleep(struct hvb_transport *t)
{
	(void)t;
	return true;
}

static int sim_wait(struct hvb_transport *t, __u32 *wake_word, __u32 token)
{
	long ret;

	/* After the consumer's Barrier W0 load of @token: a stop requested
	 * before that load is seen here, one after it changed the word. */
	if (t->stop && *t->stop)
		return -EINTR;
	ret = syscall(SYS_futex, wake_word, FUTEX_WAIT, token, NULL, NULL, 0);
	if (ret == 0)
		return 0;
	if (errno == EAGAIN)	/* wake_gen moved on: a wake-up we missed */
		return 0;
	return -errno;
}

/* Async-signal-safe: an atomic add and a system call. */
static void sim_interrupt(struct hvb_transport *t, __u32 *wake_word)
{
	(void)t;
	/* A wait that has read the old wake_gen but not slept yet now finds
	 * the word changed (EAGAIN); one already asleep is woken. */
	hvb_fetch_add_u32(wake_word, 1);
	syscall(SYS_futex, wake_word, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

static void sim_close(struct hvb_transport *t)
{
	if (t->region)
		munmap(t->region, (size_t)t->size);
	t->region = NULL;
	t->size = 0;
	/* Closing the last descriptor drops the flock. */
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

const struct hvb_transport_ops hvb_transport_sim = {
	.name = "sim",
	.open = sim_open,
	.can_sleep = sim_can_sleep,
	.wait = sim_wait,
	.close = sim_close,
	.interrupt = sim_interrupt,
};
