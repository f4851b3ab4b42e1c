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
 *
 * For the virtio devices it also stands in for the root zone's physical
 * memory (a file, hvb_transport_sim_set_phys()) and for the interrupt
 * controller (a page of counters, hvb_transport_sim_set_irq()), both
 * shared with the test that plays the guest.
 */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hvbridge/channel.h>

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
	__u64 end = hvb_transport_wait_end(t);
	struct timespec limit;
	bool beat;
	long ret;

	for (;;) {
		/* After the consumer's Barrier W0 load of @token: a stop
		 * requested before that load is seen here, one after it
		 * changed the word. */
		/* Acquire: pairs with the release store of whoever stops us. */
		if (t->stop && __atomic_load_n(t->stop, __ATOMIC_ACQUIRE))
			return -EINTR;
		if (!hvb_transport_wait_next(end, &limit, &beat))
			return 0;	/* t->wait_ns is over */
		/* The futex compares the word with @token each time, so a
		 * wake between two waits is never lost. */
		ret = syscall(SYS_futex, wake_word, FUTEX_WAIT, token, &limit,
			      NULL, 0);
		if (ret == 0)
			return 0;
		if (errno == EAGAIN)	/* wake_gen moved on: a missed wake */
			return 0;
		if (errno != ETIMEDOUT)
			return -errno;
		if (beat && t->heartbeat)	/* still alive, asleep */
			hvb_write_once_u64(t->heartbeat,
					   hvb_read_once_u64(t->heartbeat) + 1);
	}
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

/* What the setters map; t->priv. */
struct sim_priv {
	__u8 *phys;			/* the physical-memory file */
	__u64 phys_base, phys_size;
	struct hvb_sim_irq_page *irqs;	/* the interrupt page */
};

static struct sim_priv *sim_priv(struct hvb_transport *t)
{
	if (!t->priv)
		t->priv = calloc(1, sizeof(struct sim_priv));
	return t->priv;
}

/* Map all of file @path shared; its size in *size. */
static void *sim_map_file(struct hvb_transport *t, const char *path,
			  __u64 min, __u64 *size)
{
	struct stat st;
	void *mem;
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (fstat(fd, &st)) {
		err = errno;
		close(fd);
		errno = err;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < min ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		snprintf(t->error, sizeof(t->error),
			 "%s: not a file of at least %llu bytes", path,
			 (unsigned long long)min);
		errno = EINVAL;
		return NULL;
	}
	mem = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	err = errno;
	close(fd);	/* the mapping keeps the file */
	errno = err;
	if (mem == MAP_FAILED)
		goto fail;
	*size = (__u64)st.st_size;
	return mem;
fail:
	snprintf(t->error, sizeof(t->error), "cannot map %s: %s", path,
		 strerror(errno));
	return NULL;
}

int hvb_transport_sim_set_phys(struct hvb_transport *t, const char *path,
			       __u64 phys_base)
{
	struct sim_priv *p = sim_priv(t);
	__u64 size;
	void *mem;

	if (!p)
		return -ENOMEM;
	if (p->phys) {
		snprintf(t->error, sizeof(t->error),
			 "physical memory is already set");
		return -EEXIST;
	}
	mem = sim_map_file(t, path, 1, &size);
	if (!mem)
		return -errno;
	if (phys_base > UINT64_MAX - (size - 1)) {
		munmap(mem, (size_t)size);
		snprintf(t->error, sizeof(t->error),
			 "%s: physical range wraps", path);
		return -EINVAL;
	}
	p->phys = mem;
	p->phys_base = phys_base;
	p->phys_size = size;
	return 0;
}

int hvb_transport_sim_set_irq(struct hvb_transport *t, const char *path)
{
	struct sim_priv *p = sim_priv(t);
	__u64 size;
	void *mem;

	if (!p)
		return -ENOMEM;
	if (p->irqs) {
		snprintf(t->error, sizeof(t->error),
			 "the interrupt page is already set");
		return -EEXIST;
	}
	mem = sim_map_file(t, path, sizeof(struct hvb_sim_irq_page), &size);
	if (!mem)
		return -errno;
	if (size != sizeof(struct hvb_sim_irq_page)) {
		munmap(mem, (size_t)size);
		snprintf(t->error, sizeof(t->error),
			 "%s: an interrupt page is %zu bytes", path,
			 sizeof(struct hvb_sim_irq_page));
		return -EINVAL;
	}
	p->irqs = mem;
	return 0;
}

static void *sim_map_phys(struct hvb_transport *t, __u64 phys, __u64 size,
			  const char **why)
{
	struct sim_priv *p = t->priv;
	__u64 off;

	if (!p || !p->phys) {
		*why = "the simulation has no physical memory file";
		return NULL;
	}
	off = phys - p->phys_base;
	if (phys < p->phys_base || off >= p->phys_size || size == 0 ||
	    size > p->phys_size - off) {
		*why = "memory region lies outside the physical memory file";
		return NULL;
	}
	return p->phys + off;
}

/* Any thread: an atomic add and a system call. */
static int sim_raise_irq(struct hvb_transport *t, __u32 zone, __u32 irq)
{
	struct sim_priv *p = t->priv;
	__u32 *word;

	(void)zone;
	if (!p || !p->irqs)
		return -ENOTSUP;
	if (irq >= HVB_SIM_IRQS)
		return -EINVAL;
	word = &p->irqs->count[irq];
	/* Barrier I: the add is seq_cst, so the used ring the device wrote
	 * before calling us (release-published) is visible to a guest that
	 * sees the new count with an acquire load (test driver, Barrier I'). */
	hvb_fetch_add_u32(word, 1);
	syscall(SYS_futex, word, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
	return 0;
}

static void sim_free_priv(struct hvb_transport *t)
{
	struct sim_priv *p = t->priv;

	if (!p)
		return;
	if (p->phys)
		munmap(p->phys, (size_t)p->phys_size);
	if (p->irqs)
		munmap(p->irqs, sizeof(*p->irqs));
	free(p);
	t->priv = NULL;
}

static void sim_close(struct hvb_transport *t)
{
	sim_free_priv(t);
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
	.owner = HVB_OWNER_SIM,
	.open = sim_open,
	.can_sleep = sim_can_sleep,
	.wait = sim_wait,
	.close = sim_close,
	.interrupt = sim_interrupt,
	.map_phys = sim_map_phys,
	.raise_irq = sim_raise_irq,
	.hyp_clock_ns = hvb_transport_monotonic_ns,
};
