// SPDX-License-Identifier: MIT
/*
 * Description: virtio-rng end to end: many requests in flight, kicked by
 * QueueNotify writes or posted kicks, with and without EVENT_IDX, with
 * indirect descriptors; interrupts and their suppression.
 */
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <linux/virtio_ids.h>

#include <hvbridge/barrier.h>

#include "virtio/virtio.h"
#include "vtest.h"

TestSuite(rng, .fini = vt_stop, .timeout = VT_SUITE_TIMEOUT_S);

#define RNG_V1		(1ull << VIRTIO_F_VERSION_1)
#define RNG_EVENT_IDX	(1ull << VIRTIO_RING_F_EVENT_IDX)
#define RNG_INDIRECT	(1ull << VIRTIO_RING_F_INDIRECT_DESC)
#define RNG_REQS	128u
#define RNG_LEN		64u

/* RNG_REQS requests in flight at once, one kick; every one filled. */
static void rng_many(bool posted, __u64 features)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	__u64 bufs[RNG_REQS];
	unsigned int i, same = 0, zero_bufs = 0;
	__u32 len;

	d->posted_kicks = posted;
	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, features, 1, 256), 0);
	for (i = 0; i < RNG_REQS; i++) {
		struct vdrv_buf b = { .len = RNG_LEN, .writable = true };

		bufs[i] = b.ipa = vdrv_alloc(d, RNG_LEN, 8);
		cr_assert(vdrv_add(d, 0, &b, 1, false) >= 0);
	}
	cr_assert(vdrv_kick_needed(d, 0), "the first kick is always due");
	cr_assert_eq(vdrv_kick(d, 0), HVB_STATUS_OK);
	cr_assert(vdrv_wait_used(d, 0, RNG_REQS, VT_WAIT_MS),
		  "%u of %u requests completed", vdrv_used_pending(d, 0),
		  RNG_REQS);
	for (i = 0; i < RNG_REQS; i++) {
		cr_assert(vdrv_get_used(d, 0, &len) >= 0);
		cr_assert_eq(len, RNG_LEN);
	}
	for (i = 0; i < RNG_REQS; i++) {
		const __u8 *p = vdrv_ptr(d, bufs[i]);
		unsigned int j, nz = 0;

		for (j = 0; j < RNG_LEN; j++)
			nz += p[j] != 0;
		zero_bufs += nz == 0;
		if (i && !memcmp(p, vdrv_ptr(d, bufs[i - 1]), RNG_LEN))
			same++;
	}
	cr_expect_eq(zero_bufs, 0u, "%u buffers all zero", zero_bufs);
	cr_expect_eq(same, 0u, "%u buffers equal to the one before", same);
	/* A posted kick is served on the daemon thread, which raises the
	 * interrupt just after its last push: wait for it. */
	cr_expect(vdrv_irqs_new(d) >= 1 || vdrv_wait_irq(d, VT_WAIT_MS),
		  "no used-buffer interrupt");
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
}

Test(rng, many_in_flight_notify_event_idx)
{
	rng_many(false, RNG_V1 | RNG_EVENT_IDX);
}

Test(rng, many_in_flight_posted_event_idx)
{
	rng_many(true, RNG_V1 | RNG_EVENT_IDX);
}

Test(rng, many_in_flight_notify_no_event_idx)
{
	rng_many(false, RNG_V1);
}

Test(rng, many_in_flight_posted_no_event_idx)
{
	rng_many(true, RNG_V1);
}

Test(rng, indirect_descriptors)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	struct vdrv_buf b[3] = {
		{ .len = 16, .writable = true },
		{ .len = 32, .writable = true },
		{ .len = 8, .writable = true },
	};
	unsigned int i, k, nz;
	__u32 len;
	int head;

	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, RNG_V1 | RNG_INDIRECT, 1,
			       16), 0);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < 3; i++)
			b[i].ipa = vdrv_alloc(d, b[i].len, 8);
		head = vdrv_add(d, 0, b, 3, true);
		cr_assert(head >= 0);
		cr_assert_eq(vdrv_kick(d, 0), HVB_STATUS_OK);
		cr_assert(vdrv_wait_used(d, 0, 1, VT_WAIT_MS));
		cr_assert_eq(vdrv_get_used(d, 0, &len), head);
		cr_expect_eq(len, 56u, "indirect chain of 56 bytes: %u", len);
		for (i = 0; i < 3; i++) {
			const __u8 *p = vdrv_ptr(d, b[i].ipa);
			unsigned int j;

			for (nz = 0, j = 0; j < b[i].len; j++)
				nz += p[j] != 0;
			cr_expect(nz > 0, "segment %u left zero", i);
		}
	}
}

Test(rng, long_request_is_capped)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	struct vdrv_buf b = { .len = 65536, .writable = true };
	__u32 len;

	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, RNG_V1, 1, 16), 0);
	b.ipa = vdrv_alloc(d, b.len, 8);
	cr_assert(vdrv_add(d, 0, &b, 1, false) >= 0);
	cr_assert_eq(vdrv_kick(d, 0), HVB_STATUS_OK);
	cr_assert(vdrv_wait_used(d, 0, 1, VT_WAIT_MS));
	cr_assert(vdrv_get_used(d, 0, &len) >= 0);
	cr_expect(len > 0 && len < b.len, "used length %u", len);
}

/* Request one buffer with a QueueNotify write: the device has served it
 * (and raised its interrupt, if due) when the write completes. */
static void rng_one(struct vdrv *d)
{
	struct vdrv_buf b = { .len = 16, .writable = true };
	__u32 len;

	b.ipa = vdrv_alloc(d, b.len, 8);
	cr_assert(vdrv_add(d, 0, &b, 1, false) >= 0);
	cr_assert_eq(vdrv_kick(d, 0), HVB_STATUS_OK);
	cr_assert_eq(vdrv_used_pending(d, 0), 1);
	cr_assert(vdrv_get_used(d, 0, &len) >= 0);
}

Test(rng, event_idx_suppresses_interrupts)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	unsigned int i;

	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, RNG_V1 | RNG_EVENT_IDX, 1,
			       16), 0);
	vdrv_irqs_new(d);
	rng_one(d);
	cr_assert_eq(vdrv_irqs_new(d), 1u, "the first used buffer interrupts");
	/* The device asked for the next kick: avail_event = what it took. */
	cr_expect_eq(vring_avail_event(&d->vqs[0].vr), 1);
	/* Interrupt only once used->idx passes 4: requests 2..4 are quiet,
	 * the 5th is not (virtio 1.2, 2.7.7.2). */
	vdrv_set_used_event(d, 0, 4);
	for (i = 2; i <= 4; i++) {
		rng_one(d);
		cr_expect_eq(vdrv_irqs_new(d), 0u, "request %u interrupted", i);
	}
	rng_one(d);
	cr_expect_eq(vdrv_irqs_new(d), 1u, "request 5 did not interrupt");
	cr_expect_eq(vring_avail_event(&d->vqs[0].vr), 5);
	/* InterruptStatus says "used buffer"; ACK clears it. */
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_INTERRUPT_STATUS),
		     VIRTIO_MMIO_INT_VRING);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_INTERRUPT_ACK,
				VIRTIO_MMIO_INT_VRING), HVB_STATUS_OK);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_INTERRUPT_STATUS), 0u);
}

Test(rng, no_interrupt_flag_without_event_idx)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;

	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, RNG_V1, 1, 16), 0);
	vdrv_irqs_new(d);
	vdrv_set_no_interrupt(d, 0, true);
	rng_one(d);
	rng_one(d);
	cr_expect_eq(vdrv_irqs_new(d), 0u, "NO_INTERRUPT was ignored");
	vdrv_set_no_interrupt(d, 0, false);
	rng_one(d);
	cr_expect_eq(vdrv_irqs_new(d), 1u);
	/* Without EVENT_IDX the device wants every kick. */
	cr_expect_eq(d->vqs[0].vr.used->flags & VRING_USED_F_NO_NOTIFY, 0);
}

Test(rng, interrupt_wakes_a_waiting_guest)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	struct vdrv_buf b = { .len = 32, .writable = true };

	d->posted_kicks = true;
	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, RNG_V1 | RNG_EVENT_IDX, 1,
			       16), 0);
	vdrv_irqs_new(d);
	b.ipa = vdrv_alloc(d, b.len, 8);
	cr_assert(vdrv_add(d, 0, &b, 1, false) >= 0);
	cr_assert_eq(vdrv_kick(d, 0), HVB_STATUS_OK);
	cr_assert(vdrv_wait_irq(d, VT_WAIT_MS), "no interrupt in %u ms",
		  VT_WAIT_MS);
	cr_expect_eq(vdrv_used_pending(d, 0), 1);
}

/*
 * A full queue's worth in one pass: virtio-rng, served on the consumer
 * thread, stops there and reposts its kick into the region's kick bitmap
 * (hvb_virtio_requeue), so a guest refilling the queue as fast as it is
 * served cannot keep the consumer from every other CPU and device.  The
 * guest kicks by a synchronous QueueNotify, so any kick the daemon
 * drains is the requeued one.
 */
Test(rng, a_full_queue_in_one_pass_is_requeued_not_looped)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	struct hvb_daemon_stats *ds = e->c.dstats;
	unsigned int i, waited = 0;
	__u32 len;

	d->posted_kicks = false;
	cr_assert_eq(vdrv_init(d, VIRTIO_ID_RNG, RNG_V1, 1, 16), 0);
	cr_assert_eq(hvb_read_once_u64(&ds->kicks), 0ull);
	for (i = 0; i < 16; i++) {
		struct vdrv_buf b = { .len = RNG_LEN, .writable = true };

		b.ipa = vdrv_alloc(d, RNG_LEN, 8);
		cr_assert(vdrv_add(d, 0, &b, 1, false) >= 0);
	}
	cr_assert_eq(vdrv_kick(d, 0), HVB_STATUS_OK);
	cr_assert(vdrv_wait_used(d, 0, 16, VT_WAIT_MS));
	for (i = 0; i < 16; i++)
		cr_assert(vdrv_get_used(d, 0, &len) >= 0 && len == RNG_LEN);
	while (!hvb_read_once_u64(&ds->kicks) && waited++ < VT_WAIT_MS)
		usleep(1000);
	cr_expect_eq(hvb_read_once_u64(&ds->kicks), 1ull,
		     "the full pass was not requeued through the kick bitmap");
}
