// SPDX-License-Identifier: MIT
/*
 * The kmod transport: the daemon in the root zone's Linux, on
 * /dev/hvbridge (hvbridge.ko, <hvbridge/kmod-ioctl.h>, docs/kmod.md).
 *
 *   region     mmap() at offset 0, HVB_IOC_INFO's region_size bytes; the
 *              consumer checks its header on attach (hvb_region_check)
 *   map_phys   mmap() at offset = the physical address; the module
 *              refuses anything outside a zone window the hypervisor
 *              reports, so this file checks nothing of its own
 *   wait       poll() on the file, then read() of the wake counter
 *   interrupt  write() of 1, which bumps the counter as a wake would
 *   raise_irq  HVB_IOC_INJECT_IRQ, which makes the hypercall; the
 *              hypervisor checks the interrupt is the zone's
 *
 * One daemon at a time: open() claims the module's daemon role
 * (HVB_IOC_CLAIM) before anything else, so a second daemon fails with
 * EBUSY, and the reason says so.  Other root openers (`hvbridge stat`,
 * `hvbridge zone`) do not claim and do not stand in its way; the role
 * goes with the file, so a daemon that dies frees it for the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hvbridge/channel.h>
#include <hvbridge/kmod-ioctl.h>

#include "transport.h"

/* Zone windows mapped by map_phys(), unmapped by close(): at most 16
 * regions in each of 16 zones (docs/config.md). */
#define KMOD_MAX_MAPS	256u

struct kmod_map {
	void *addr;
	__u64 size;
};

struct kmod_priv {
	struct kmod_map maps[KMOD_MAX_MAPS];
	unsigned int nr_maps;
	char why[160];		/* map_phys()'s reason, kept for *why */
};

static int kmod_fail(struct hvb_transport *t, int err)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	return err;
}

/* What open() of the device failing with @err means here. */
static void kmod_open_error(struct hvb_transport *t, const char *path,
			    int err)
{
	const char *hint;

	switch (err) {
	case ENOENT:
		hint = "no such device: is hvbridge.ko loaded (insmod hvbridge.ko)?";
		break;
	case ENODEV:
	case ENXIO:
		hint = "the module has no channel (is the hvbridge,channel node in the device tree?)";
		break;
	case EBUSY:
		hint = "busy: another daemon has it open (one daemon at a time)";
		break;
	case EACCES:
	case EPERM:
		hint = "permission denied: the daemon must run as root";
		break;
	default:
		hint = strerror(err);
		break;
	}
	snprintf(t->error, sizeof(t->error), "cannot open %s: %s", path, hint);
}

static int kmod_open(struct hvb_transport *t, const char *where)
{
	const char *path = where && *where ? where : hvb_kmod_device_path();
	struct hvb_ioc_claim claim;
	struct hvb_ioc_info info;
	void *mem;
	int err;

	t->region = NULL;
	t->size = 0;
	t->error[0] = '\0';
	/* Non-blocking: wait() reads only after poll() said the counter
	 * moved, and a read that would block then is a spurious wake. */
	t->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (t->fd < 0) {
		err = errno;
		kmod_open_error(t, path, err);
		return -err;
	}
	memset(&info, 0, sizeof(info));
	if (ioctl(t->fd, HVB_IOC_INFO, &info)) {
		err = errno;
		snprintf(t->error, sizeof(t->error),
			 "%s: HVB_IOC_INFO failed: %s%s", path, strerror(err),
			 err == ENOTTY ? " (not hvbridge.ko's device?)" : "");
		return kmod_fail(t, -err);
	}
	/* Before anything of the daemon's: a second daemon stops here. */
	memset(&claim, 0, sizeof(claim));	/* reserved fields zero */
	if (ioctl(t->fd, HVB_IOC_CLAIM, &claim)) {
		err = errno;
		if (err == ENOTTY)
			snprintf(t->error, sizeof(t->error),
				 "%s: HVB_IOC_CLAIM failed: %s (an older hvbridge.ko?)",
				 path, strerror(err));
		else
			kmod_open_error(t, path, err);
		return kmod_fail(t, -err);
	}
	if (!info.region_size || info.region_size > SIZE_MAX) {
		snprintf(t->error, sizeof(t->error),
			 "%s: the module reports a region of 0x%llx bytes",
			 path, (unsigned long long)info.region_size);
		return kmod_fail(t, -EINVAL);
	}
	mem = mmap(NULL, (size_t)info.region_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED, t->fd, (off_t)HVB_MMAP_REGION);
	if (mem == MAP_FAILED) {
		err = errno;
		snprintf(t->error, sizeof(t->error),
			 "cannot map the region of %s (0x%llx bytes at PA 0x%llx): %s",
			 path, (unsigned long long)info.region_size,
			 (unsigned long long)info.region_phys, strerror(err));
		return kmod_fail(t, -err);
	}
	t->region = mem;
	t->size = info.region_size;
	return 0;
}

static bool kmod_can_sleep(struct hvb_transport *t)
{
	(void)t;
	return true;
}

/*
 * Why no wake-up is lost (docs/abi.md "No lost wake-up").  The consumer
 * took @token with Barrier W0, stored SLEEPING, and after Barrier W1 found
 * no work.  A producer that publishes after that look pairs its Barrier W2
 * with our W1: it sees SLEEPING, increments wake_gen and then raises the
 * wake SPI, whose handler in the module increments its wake counter.
 * That SPI comes after this file's previous read (which was before our
 * W0), so the counter differs from what that read returned and poll()
 * reports it at once, however early the interrupt came: the counter
 * remembers a wake that came before the wait, as the futex word does for
 * the sim transport.  The wake_gen check below only saves the system
 * call when the producer's increment is already visible.
 */
static int kmod_wait(struct hvb_transport *t, __u32 *wake_word, __u32 token)
{
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	__u64 end = hvb_transport_wait_end(t), count;
	struct timespec limit;
	bool beat;
	ssize_t n;

	/* After Barrier W0: a stop requested before the token was read is
	 * seen here; one after it wrote the counter (kmod_interrupt). */
	/* Acquire: pairs with the release store of whoever stops us. */
	if (t->stop && __atomic_load_n(t->stop, __ATOMIC_ACQUIRE))
		return -EINTR;
	/* Pairs with the producer's increment of wake_gen (it follows its
	 * swap of SLEEPING -> RUNNING, after Barrier W2). */
	if (hvb_load_acquire_u32(wake_word) != token)
		return 0;
	/* The counter keeps a wake that comes between two polls. */
	for (;;) {
		int ready;

		if (!hvb_transport_wait_next(end, &limit, &beat))
			return 0;	/* t->wait_ns is over */
		/* ppoll(), not poll(): a timed sleep of t->wait_ns is tens
		 * of microseconds, below poll()'s millisecond. */
		ready = ppoll(&pfd, 1, &limit, NULL);
		if (ready < 0)
			return -errno;
		if (ready)
			break;
		if (beat && t->heartbeat)	/* still alive, asleep */
			hvb_write_once_u64(t->heartbeat,
					   hvb_read_once_u64(t->heartbeat) + 1);
		/* Acquire: as above. */
		if (t->stop && __atomic_load_n(t->stop, __ATOMIC_ACQUIRE))
			return -EINTR;
	}
	if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
		return -EIO;
	/* Take the value, so the next poll() waits for a newer wake. */
	n = read(t->fd, &count, sizeof(count));
	if (n < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

/*
 * Async-signal-safe: one write().  The module bumps the counter, so a
 * poll() in progress returns and one about to start returns at once.
 */
static void kmod_interrupt(struct hvb_transport *t, __u32 *wake_word)
{
	const __u64 one = 1;
	ssize_t n;

	(void)wake_word;
	if (t->fd < 0)
		return;
	n = write(t->fd, &one, sizeof(one));
	(void)n;	/* nothing a signal handler could do about it */
}

static struct kmod_priv *kmod_priv(struct hvb_transport *t)
{
	if (!t->priv)
		t->priv = calloc(1, sizeof(struct kmod_priv));
	return t->priv;
}

static void *kmod_map_phys(struct hvb_transport *t, __u64 phys, __u64 size,
			   const char **why)
{
	struct kmod_priv *p = kmod_priv(t);
	void *mem;
	int err;

	if (!p) {
		*why = "out of memory";
		return NULL;
	}
	if (p->nr_maps == KMOD_MAX_MAPS) {
		*why = "too many memory regions";
		return NULL;
	}
	if (!size || size > SIZE_MAX || phys > (__u64)INT64_MAX) {
		*why = "size or physical address out of range";
		return NULL;
	}
	mem = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   t->fd, (off_t)phys);
	if (mem == MAP_FAILED) {
		err = errno;
		snprintf(p->why, sizeof(p->why),
			 "hvbridge.ko refused to map it: %s%s", strerror(err),
			 err == EINVAL ? " (not inside a memory window the hypervisor reports for a zone)" : "");
		*why = p->why;
		return NULL;
	}
	p->maps[p->nr_maps].addr = mem;
	p->maps[p->nr_maps].size = size;
	p->nr_maps++;
	return mem;
}

/* Any thread: one ioctl on the shared file. */
static int kmod_raise_irq(struct hvb_transport *t, __u32 zone, __u32 irq)
{
	struct hvb_ioc_irq req;

	/* The reserved fields and flags must be zero. */
	memset(&req, 0, sizeof(req));
	req.zone_id = zone;
	req.irq = irq;
	if (ioctl(t->fd, HVB_IOC_INJECT_IRQ, &req))
		return -errno;
	return 0;
}

static void kmod_close(struct hvb_transport *t)
{
	struct kmod_priv *p = t->priv;
	unsigned int i;

	if (p) {
		for (i = 0; i < p->nr_maps; i++)
			munmap(p->maps[i].addr, (size_t)p->maps[i].size);
		free(p);
		t->priv = NULL;
	}
	if (t->region)
		munmap(t->region, (size_t)t->size);
	t->region = NULL;
	t->size = 0;
	/* The last close releases the daemon role for the next daemon. */
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

const struct hvb_transport_ops hvb_transport_kmod = {
	.name = "kmod",
	.owner = HVB_OWNER_KMOD,
	.open = kmod_open,
	.can_sleep = kmod_can_sleep,
	.wait = kmod_wait,
	.close = kmod_close,
	.interrupt = kmod_interrupt,
	.map_phys = kmod_map_phys,
	.raise_irq = kmod_raise_irq,
#if defined(__aarch64__)
	.hyp_clock_ns = hvb_transport_counter_ns,
#endif
};
