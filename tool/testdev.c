// SPDX-License-Identifier: MIT
/*
 * The test device (register map in <hvbridge/testdev.h>): memory,
 * a read-only pattern, an ID, an always-failing register and kick
 * counters, so a checker can predict every response.
 *
 * Registers other than SCRATCH and PATTERN (ID, KICK_COUNT, KICK_SEEN)
 * are 8 bytes wide and answer only 8-byte reads at their exact offset;
 * a narrower read, a write, or any other offset is HVB_STATUS_IO_ERROR.
 *
 * The table hands us accesses that are naturally aligned and inside the
 * 64 KiB window, but every range check below is written for any offset
 * and size anyway: a model must never index its state with unchecked
 * guest input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "testdev.h"

/* What the guest can see change: its memory and the kick counters. */
struct testdev_regs {
	__u8 scratch[HVB_TESTDEV_SCRATCH_SIZE];
	__u64 kick_count[HVB_TESTDEV_QUEUES];
	__u64 kick_seen[HVB_TESTDEV_QUEUES];
};

/*
 * The state file (hvb_testdev_attach_state()): the registers in a file
 * that outlives the daemon, as a virtio device's state file does
 * (docs/daemon.md, "Restarts"), so that a guest that wrote SCRATCH
 * before a SIGKILL reads it back from the next daemon.  Written only by
 * the daemon's consumer thread, read only by the next daemon.
 */
#define TESTDEV_STATE_MAGIC	0x44544248u	/* "HBTD" */
#define TESTDEV_STATE_VERSION	1u
struct testdev_state {
	__u32 magic, version, size;
	__u32 epoch;		/* consumer_epoch of its last daemon */
	__u32 zone_gen;		/* the zone's run it belongs to */
	__u32 zone;
	__u64 base;
	struct testdev_regs regs;
};

struct testdev {
	struct testdev_regs *r;		/* own, or the state file's */
	struct testdev_regs own;
	struct testdev_state *file;	/* mapped, or NULL */
	int fd;				/* its lock; -1: none */
};

_Static_assert(HVB_TESTDEV_SCRATCH == 0, "scratch starts the window");
_Static_assert(HVB_TESTDEV_MAILBOX(HVB_TESTDEV_QUEUES - 1) + 8 <=
	       HVB_TESTDEV_SCRATCH_SIZE, "mailboxes lie in scratch");
_Static_assert(HVB_TESTDEV_PATTERN + HVB_TESTDEV_PATTERN_SIZE <=
	       HVB_TESTDEV_ID_REG, "pattern ends before the registers");

/* Little-endian, whatever the host: the guest's view of the bytes. */
static __u64 testdev_load(const __u8 *p, __u32 size)
{
	__u64 v = 0;
	__u32 i;

	for (i = 0; i < size; i++)
		v |= (__u64)p[i] << (8 * i);
	return v;
}

static void testdev_store(__u8 *p, __u32 size, __u64 v)
{
	__u32 i;

	for (i = 0; i < size; i++)
		p[i] = (__u8)(v >> (8 * i));
}

/* Is [offset, offset + size) inside [start, start + len)?  No wrap. */
static bool testdev_within(__u64 offset, __u32 size, __u64 start, __u64 len)
{
	return offset >= start && offset - start <= len &&
	       size <= len - (offset - start);
}

/* An 8-byte register at @reg + 8 * q, q < HVB_TESTDEV_QUEUES.  Returns
 * the queue, or -1 when @offset is not exactly one of them. */
static int testdev_queue_reg(__u64 offset, __u64 reg)
{
	__u64 q;

	if (offset < reg || (offset - reg) % 8)
		return -1;
	q = (offset - reg) / 8;
	return q < HVB_TESTDEV_QUEUES ? (int)q : -1;
}

static void testdev_kick(struct hvb_device *d, __u32 queue);

static __u32 testdev_access(struct hvb_device *d, __u64 offset, __u32 size,
			    bool is_write, __u64 *value)
{
	struct testdev *td = d->priv;
	int q;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return HVB_STATUS_IO_ERROR;
	if (testdev_within(offset, size, HVB_TESTDEV_SCRATCH,
			   HVB_TESTDEV_SCRATCH_SIZE)) {
		if (is_write)
			testdev_store(&td->r->scratch[offset], size, *value);
		else
			*value = testdev_load(&td->r->scratch[offset], size);
		return HVB_STATUS_OK;
	}
	if (testdev_within(offset, size, HVB_TESTDEV_PATTERN,
			   HVB_TESTDEV_PATTERN_SIZE)) {
		if (!is_write)	/* writes are ignored */
			*value = hvb_testdev_truncate(
					hvb_testdev_pattern(offset), size);
		return HVB_STATUS_OK;
	}
	if (offset == HVB_TESTDEV_NOTIFY && is_write && size == 4) {
		/* The synchronous form of a posted kick. */
		if (*value >= HVB_TESTDEV_QUEUES)
			return HVB_STATUS_IO_ERROR;
		testdev_kick(d, (__u32)*value);
		return HVB_STATUS_OK;
	}
	if (is_write || size != 8)
		return HVB_STATUS_IO_ERROR;
	if (offset == HVB_TESTDEV_ID_REG) {
		*value = HVB_TESTDEV_ID;
		return HVB_STATUS_OK;
	}
	q = testdev_queue_reg(offset, HVB_TESTDEV_KICK_COUNT(0));
	if (q >= 0) {
		*value = td->r->kick_count[q];
		return HVB_STATUS_OK;
	}
	q = testdev_queue_reg(offset, HVB_TESTDEV_KICK_SEEN(0));
	if (q >= 0) {
		*value = td->r->kick_seen[q];
		return HVB_STATUS_OK;
	}
	/* ERROR (HVB_TESTDEV_ERROR_REG) and everything unmapped. */
	return HVB_STATUS_IO_ERROR;
}

static void testdev_kick(struct hvb_device *d, __u32 queue)
{
	struct testdev *td = d->priv;

	if (queue >= HVB_TESTDEV_QUEUES)
		return;
	/* The guest's mailbox write was a synchronous request, completed
	 * by this thread before the guest could go on to kick. */
	td->r->kick_seen[queue] =
		testdev_load(&td->r->scratch[HVB_TESTDEV_MAILBOX(queue)], 8);
	td->r->kick_count[queue]++;
}

static void testdev_destroy(struct hvb_device *d)
{
	struct testdev *td = d->priv;

	if (!td)
		return;
	/* The file keeps what the guest wrote, for the next daemon. */
	if (td->file)
		munmap(td->file, sizeof(*td->file));
	if (td->fd >= 0)
		close(td->fd);
	free(td);
	d->priv = NULL;
}

/* The zone's next run finds the device as at power-on: scratch and
 * kick counters zero (docs/abi.md, "Zone restarts"). */
static void testdev_zone_reset(struct hvb_device *d, __u32 gen)
{
	struct testdev *td = d->priv;

	if (!td)
		return;
	memset(td->r, 0, sizeof(*td->r));
	if (td->file)
		td->file->zone_gen = gen;
}

static const struct hvb_device_ops testdev_ops = {
	.type = HVB_TESTDEV_TYPE,
	.access = testdev_access,
	.kick = testdev_kick,
	.notify_off = HVB_TESTDEV_NOTIFY,
	.destroy = testdev_destroy,
	.zone_reset = testdev_zone_reset,
};

static int testdev_init(struct hvb_device *d)
{
	struct testdev *td = calloc(1, sizeof(*td));

	if (!td)
		return -ENOMEM;
	td->r = &td->own;
	td->fd = -1;
	d->priv = td;
	d->ops = &testdev_ops;
	return 0;
}

int hvb_testdev_attach_state(struct hvb_device *d, const char *dir,
			     __u32 epoch, __u32 zone_gen, bool *resumed,
			     char *err, size_t err_len)
{
	struct testdev *td = d->priv;
	struct testdev_state *ts;
	char path[512];
	struct stat st;
	int fd, e;

	*resumed = false;
	if (d->ops != &testdev_ops || !td || td->file)
		return 0;
	snprintf(path, sizeof(path), "%s/zone%u-%llx.testdev", dir, d->zone_id,
		 (unsigned long long)d->base);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		e = errno;
		snprintf(err, err_len, "state directory %s: %s", dir,
			 strerror(e));
		return -e;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		e = errno;
		snprintf(err, err_len, "%s: %s", path, strerror(e));
		return -e;
	}
	/* One daemon per file, as per region; dies with it. */
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		e = errno == EWOULDBLOCK ? EBUSY : errno;
		snprintf(err, err_len, "%s: %s", path, e == EBUSY ?
			 "another daemon holds it" : strerror(e));
		close(fd);
		return -e;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (st.st_size != 0 && st.st_size != (off_t)sizeof(*ts)) ||
	    (st.st_size == 0 && ftruncate(fd, sizeof(*ts)))) {
		snprintf(err, err_len, "%s: not a %zu-byte regular file; remove it to start the device afresh",
			 path, sizeof(*ts));
		close(fd);
		return -EPROTO;
	}
	ts = mmap(NULL, sizeof(*ts), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  0);
	if (ts == MAP_FAILED) {
		e = errno;
		snprintf(err, err_len, "%s: mmap: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	/* The previous daemon of this region left it (its epoch is ours
	 * less one) for this device and this run of the zone: resume.
	 * Anything else is hostile or stale and starts afresh. */
	if (ts->magic == TESTDEV_STATE_MAGIC &&
	    ts->version == TESTDEV_STATE_VERSION &&
	    ts->size == sizeof(*ts) && ts->epoch + 1 == epoch &&
	    ts->zone == d->zone_id && ts->base == d->base &&
	    ts->zone_gen == zone_gen) {
		*resumed = true;
	} else {
		memset(ts, 0, sizeof(*ts));
		ts->magic = TESTDEV_STATE_MAGIC;
		ts->version = TESTDEV_STATE_VERSION;
		ts->size = sizeof(*ts);
		ts->zone = d->zone_id;
		ts->base = d->base;
		ts->zone_gen = zone_gen;
		/* Registers zero, as at power-on: this daemon has served
		 * nothing yet (it attaches its state before its first
		 * poll). */
	}
	ts->epoch = epoch;
	td->file = ts;
	td->fd = fd;
	td->r = &ts->regs;
	return 0;
}

__u64 hvb_testdev_kick_count(const struct hvb_device *d, __u32 q)
{
	const struct testdev *td = d->priv;

	if (d->ops != &testdev_ops || q >= HVB_TESTDEV_QUEUES)
		return 0;
	return td->r->kick_count[q];
}

static struct hvb_device_type testdev_type = {
	.name = HVB_TESTDEV_TYPE,
	.size = HVB_TESTDEV_SIZE,
	.init = testdev_init,
};
HVB_DEVICE_TYPE(testdev_type)
