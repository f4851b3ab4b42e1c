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
#include <stdlib.h>
#include <string.h>

#include "testdev.h"

struct testdev {
	__u8 scratch[HVB_TESTDEV_SCRATCH_SIZE];
	__u64 kick_count[HVB_TESTDEV_QUEUES];
	__u64 kick_seen[HVB_TESTDEV_QUEUES];
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
			testdev_store(&td->scratch[offset], size, *value);
		else
			*value = testdev_load(&td->scratch[offset], size);
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
		*value = td->kick_count[q];
		return HVB_STATUS_OK;
	}
	q = testdev_queue_reg(offset, HVB_TESTDEV_KICK_SEEN(0));
	if (q >= 0) {
		*value = td->kick_seen[q];
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
	td->kick_seen[queue] =
		testdev_load(&td->scratch[HVB_TESTDEV_MAILBOX(queue)], 8);
	td->kick_count[queue]++;
}

static void testdev_destroy(struct hvb_device *d)
{
	free(d->priv);
	d->priv = NULL;
}

/* The zone's next run finds the device as at power-on: scratch and
 * kick counters zero (docs/abi.md, "Zone restarts"). */
static void testdev_zone_reset(struct hvb_device *d, __u32 gen)
{
	(void)gen;
	if (d->priv)
		memset(d->priv, 0, sizeof(struct testdev));
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
	d->priv = calloc(1, sizeof(struct testdev));
	if (!d->priv)
		return -ENOMEM;
	d->ops = &testdev_ops;
	return 0;
}

__u64 hvb_testdev_kick_count(const struct hvb_device *d, __u32 q)
{
	const struct testdev *td = d->priv;

	if (d->ops != &testdev_ops || q >= HVB_TESTDEV_QUEUES)
		return 0;
	return td->kick_count[q];
}

static struct hvb_device_type testdev_type = {
	.name = HVB_TESTDEV_TYPE,
	.size = HVB_TESTDEV_SIZE,
	.init = testdev_init,
};
HVB_DEVICE_TYPE(testdev_type)
