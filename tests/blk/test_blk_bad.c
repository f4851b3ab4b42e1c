// SPDX-License-Identifier: MIT
/*
 * Description: virtio-blk against a careless or hostile guest: sectors
 * beyond the image (and sums that would wrap), lengths that are not
 * whole sectors, unknown types, short or split headers, chains without a
 * writable status byte, data outside the zone, bad DISCARD/WRITE_ZEROES
 * segments, an 8-byte config access, and a reset with requests in flight.  Each checks what the
 * device answered and that it serves the next request (after a reset
 * where docs/virtio-blk.md says the device needs one).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blktest.h"

TestSuite(blk_bad, .fini = bt_stop, .timeout = BT_SUITE_TIMEOUT_S);

static struct blkenv *start(void)
{
	return bt_start("/tmp", BT_IMG_SIZE, "", 64, 8, 65536);
}

/* The device answered, and still answers without a reset. */
static void assert_still_serves(struct blkenv *e)
{
	__u32 len = 0;

	cr_assert_eq(blkenv_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u,
		     "the device asks for a reset");
	cr_assert_eq(bt_do(e, 7, VIRTIO_BLK_T_IN, BT_SECTORS - 1, 512, &len),
		     VIRTIO_BLK_S_OK, "the next request failed");
	cr_assert_eq(len, 513u);
}

/* Post a chain of @n raw buffers for slot @slot; returns the head. */
static int add_raw(struct blkenv *e, unsigned int slot,
		   const struct vdrv_buf *b, unsigned int n)
{
	int head = vdrv_add(&e->drv, 0, b, n, false);

	cr_assert(head >= 0, "no free descriptors");
	e->head_slot[head] = (int)slot;
	e->slots[slot].head = head;
	*(__u8 *)vdrv_ptr(&e->drv, e->slots[slot].status) = 0xff;
	cr_assert_eq(vdrv_kick(&e->drv, 0), HVB_STATUS_OK);
	return head;
}

static void set_hdr(struct blkenv *e, unsigned int slot, __u32 type,
		    __u64 sector)
{
	struct virtio_blk_outhdr *h = vdrv_ptr(&e->drv, e->slots[slot].hdr);

	h->type = type;
	h->ioprio = 0;
	h->sector = sector;
}

Test(blk_bad, sector_out_of_range)
{
	struct blkenv *e = start();
	static const __u64 sectors[] = {
		BT_SECTORS, BT_SECTORS + 1, 1ull << 55, ~0ull, ~0ull - 7,
	};
	unsigned int i;
	__u32 len;

	/* Straddling the end by one sector. */
	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_IN, BT_SECTORS - 1, 1024, &len),
		     VIRTIO_BLK_S_IOERR);
	cr_assert_eq(len, 1u, "an error writes the status byte only");
	for (i = 0; i < sizeof(sectors) / sizeof(sectors[0]); i++) {
		cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_IN, sectors[i], 512,
				   NULL), VIRTIO_BLK_S_IOERR,
			     "read at %llx", (unsigned long long)sectors[i]);
		cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_OUT, sectors[i], 512,
				   NULL), VIRTIO_BLK_S_IOERR,
			     "write at %llx", (unsigned long long)sectors[i]);
	}
	assert_still_serves(e);
}

Test(blk_bad, partial_sectors_and_unknown_type)
{
	struct blkenv *e = start();
	__u32 len;

	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_IN, 0, 100, NULL),
		     VIRTIO_BLK_S_IOERR);
	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_OUT, 0, 513, NULL),
		     VIRTIO_BLK_S_IOERR);
	cr_assert_eq(bt_do(e, 0, 0x42, 0, 512, &len), VIRTIO_BLK_S_UNSUPP);
	cr_assert_eq(len, 1u);
	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_SCSI_CMD, 0, 512, NULL),
		     VIRTIO_BLK_S_UNSUPP);
	assert_still_serves(e);
}

Test(blk_bad, header_too_short)
{
	struct blkenv *e = start();
	struct vdrv_buf b[] = {
		{ .ipa = e->slots[0].hdr, .len = 8 },
		{ .ipa = e->slots[0].buf, .len = 512, .writable = true },
		{ .ipa = e->slots[0].status, .len = 1, .writable = true },
	};
	__u32 len;
	__u8 st;

	set_hdr(e, 0, VIRTIO_BLK_T_IN, 0);
	add_raw(e, 0, b, 3);
	cr_assert_eq(blkenv_reap(e, BT_WAIT_MS, &len, &st), 0, "%s", e->err);
	cr_assert_eq(st, VIRTIO_BLK_S_IOERR);
	assert_still_serves(e);
}

/* A short header on the types that read nothing else of it: without
 * the whole-header rule they would run (GET_ID answering, FLUSH
 * flushing) on a type read from half a header. */
Test(blk_bad, header_too_short_for_get_id_and_flush)
{
	static const __u32 types[] = { VIRTIO_BLK_T_GET_ID,
				       VIRTIO_BLK_T_FLUSH };
	struct blkenv *e = start();
	unsigned int i;
	__u32 len;
	__u8 st;

	for (i = 0; i < 2; i++) {
		struct vdrv_buf b[] = {
			{ .ipa = e->slots[i].hdr, .len = 8 },
			{ .ipa = e->slots[i].buf, .len = 20,
			  .writable = true },
			{ .ipa = e->slots[i].status, .len = 1,
			  .writable = true },
		};

		set_hdr(e, i, types[i], 0);
		add_raw(e, i, b, 3);
		cr_assert_eq(blkenv_reap(e, BT_WAIT_MS, &len, &st), (int)i,
			     "%s", e->err);
		cr_expect_eq(st, VIRTIO_BLK_S_IOERR,
			     "type %u with an 8-byte header: status %u",
			     types[i], st);
	}
	assert_still_serves(e);
}

/* Config accesses are at most 4 bytes wide, even where a field is 8
 * (capacity, at offset 0): a 64-bit field is read as two words. */
Test(blk_bad, config_access_wider_than_4_bytes)
{
	struct blkenv *e = start();
	__u64 v = 0;

	cr_expect_eq(vdrv_access(&e->drv, VIRTIO_MMIO_CONFIG, 8, false, &v),
		     HVB_STATUS_IO_ERROR, "an 8-byte config read was served");
	cr_expect_eq(vdrv_access(&e->drv, VIRTIO_MMIO_CONFIG, 4, false, &v),
		     HVB_STATUS_OK);
	cr_expect_eq(v, (__u32)BT_SECTORS);
	assert_still_serves(e);
}

/* The header may be split anywhere (virtio 1.2, 2.6.4): it works. */
Test(blk_bad, header_split_over_descriptors)
{
	struct blkenv *e = start();
	struct vdrv_buf b[] = {
		{ .ipa = e->slots[0].hdr, .len = 5 },
		{ .ipa = e->slots[0].hdr + 5, .len = 11 },
		{ .ipa = e->slots[0].buf, .len = 1000, .writable = true },
		{ .ipa = e->slots[0].buf + 1000, .len = 24, .writable = true },
		{ .ipa = e->slots[0].status, .len = 1, .writable = true },
	};
	__u32 len;
	__u8 st;

	bt_pattern(blkenv_buf(e, 1), 1024, 40, 1);
	cr_assert_eq(bt_do(e, 1, VIRTIO_BLK_T_OUT, 40, 1024, NULL),
		     VIRTIO_BLK_S_OK);
	set_hdr(e, 0, VIRTIO_BLK_T_IN, 40);
	add_raw(e, 0, b, 5);
	cr_assert_eq(blkenv_reap(e, BT_WAIT_MS, &len, &st), 0, "%s", e->err);
	cr_assert_eq(st, VIRTIO_BLK_S_OK);
	cr_assert_eq(len, 1025u);
	cr_assert(!memcmp(blkenv_buf(e, 0), blkenv_buf(e, 1), 1024));
}

/* A read with readable data, a write with writable data: IOERR. */
Test(blk_bad, data_in_the_wrong_direction)
{
	struct blkenv *e = start();
	struct vdrv_buf rd[] = {
		{ .ipa = e->slots[0].hdr, .len = 16 },
		{ .ipa = e->slots[0].buf, .len = 512 },
		{ .ipa = e->slots[0].status, .len = 1, .writable = true },
	};
	struct vdrv_buf wr[] = {
		{ .ipa = e->slots[1].hdr, .len = 16 },
		{ .ipa = e->slots[1].buf, .len = 512, .writable = true },
		{ .ipa = e->slots[1].status, .len = 1, .writable = true },
	};
	__u8 st;

	set_hdr(e, 0, VIRTIO_BLK_T_IN, 0);
	add_raw(e, 0, rd, 3);
	cr_assert_eq(blkenv_reap(e, BT_WAIT_MS, NULL, &st), 0, "%s", e->err);
	cr_assert_eq(st, VIRTIO_BLK_S_IOERR);
	set_hdr(e, 1, VIRTIO_BLK_T_OUT, 0);
	add_raw(e, 1, wr, 3);
	cr_assert_eq(blkenv_reap(e, BT_WAIT_MS, NULL, &st), 1, "%s", e->err);
	cr_assert_eq(st, VIRTIO_BLK_S_IOERR);
	assert_still_serves(e);
}

/*
 * No writable byte for the status: nothing can tell the driver the
 * request failed, so the chain comes back with length 0 and the device
 * needs a reset (docs/virtio-blk.md).  After the reset it serves again.
 */
static void no_status_byte(bool status_readonly)
{
	struct blkenv *e = start();
	struct vdrv_buf b[] = {
		{ .ipa = e->slots[0].hdr, .len = 16 },
		{ .ipa = e->slots[0].buf, .len = 512 },
		{ .ipa = e->slots[0].status, .len = 1 },
	};
	__u32 len = ~0u;
	__u8 st;

	set_hdr(e, 0, VIRTIO_BLK_T_OUT, 0);
	add_raw(e, 0, b, status_readonly ? 3 : 2);
	cr_assert_eq(blkenv_reap(e, BT_WAIT_MS, &len, &st), 0, "%s", e->err);
	cr_assert_eq(len, 0u);
	cr_assert_eq(st, 0xff, "the read-only status byte was written");
	cr_assert(blkenv_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET);
	bt_assert_recovers(e);
}

Test(blk_bad, no_status_descriptor)
{
	no_status_byte(false);
}

Test(blk_bad, status_read_only)
{
	no_status_byte(true);
}

/* Data outside the zone: the virtqueue walker refuses the chain and
 * the device needs a reset; nothing is read or written. */
static void data_outside(__u64 ipa, __u32 len)
{
	struct blkenv *e = start();
	struct vdrv_buf b[] = {
		{ .ipa = e->slots[0].hdr, .len = 16 },
		{ .ipa = ipa, .len = len, .writable = true },
		{ .ipa = e->slots[0].status, .len = 1, .writable = true },
	};
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	set_hdr(e, 0, VIRTIO_BLK_T_IN, 0);
	add_raw(e, 0, b, 3);
	nanosleep(&ts, NULL);
	cr_assert(blkenv_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET,
		  "status 0x%x", blkenv_status(e));
	cr_assert_eq(vdrv_used_pending(&e->drv, 0), 0,
		     "the refused chain was completed");
	cr_assert_eq(*(__u8 *)vdrv_ptr(&e->drv, e->slots[0].status), 0xff);
	bt_assert_recovers(e);
}

Test(blk_bad, data_outside_the_zone)
{
	data_outside(BE_GUEST_IPA + BT_MEM_SIZE, 512);
}

Test(blk_bad, data_straddling_the_zone_end)
{
	data_outside(BE_GUEST_IPA + BT_MEM_SIZE - 256, 512);
}

Test(blk_bad, data_wrapping_the_address_space)
{
	data_outside(~0ull - 255, 512);
}

static __u8 dwz_req(struct blkenv *e, __u32 type,
		    const struct virtio_blk_discard_write_zeroes *segs,
		    __u32 bytes)
{
	memcpy(blkenv_buf(e, 2), segs, bytes);
	return bt_do(e, 2, type, 0, bytes, NULL);
}

Test(blk_bad, discard_and_write_zeroes_segments)
{
	struct blkenv *e = start();
	static struct virtio_blk_discard_write_zeroes segs[40];
	const __u32 one = sizeof(segs[0]);
	unsigned int i;

	for (i = 0; i < 40; i++)
		segs[i] = (struct virtio_blk_discard_write_zeroes){
			.sector = 8 * i, .num_sectors = 8 };
	/* Good ones first, so the failures below are the rules'. */
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_DISCARD, segs, 32 * one),
		     VIRTIO_BLK_S_OK);
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_WRITE_ZEROES, segs, one),
		     VIRTIO_BLK_S_OK);
	/* More segments than max_discard_seg; none; not whole ones. */
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_DISCARD, segs, 33 * one),
		     VIRTIO_BLK_S_IOERR);
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_DISCARD, segs, 0),
		     VIRTIO_BLK_S_IOERR);
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_WRITE_ZEROES, segs, one + 4),
		     VIRTIO_BLK_S_IOERR);
	/* Unmap on a discard, an unknown flag: UNSUPP (5.2.6.2). */
	segs[1].flags = VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_DISCARD, segs, 2 * one),
		     VIRTIO_BLK_S_UNSUPP);
	segs[1].flags = 0x4;
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_WRITE_ZEROES, segs, 2 * one),
		     VIRTIO_BLK_S_UNSUPP);
	segs[1].flags = 0;
	/* Beyond the image, wrapping, too long. */
	segs[1].sector = BT_SECTORS - 4;
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_DISCARD, segs, 2 * one),
		     VIRTIO_BLK_S_IOERR);
	segs[1].sector = ~0ull - 3;
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_WRITE_ZEROES, segs, 2 * one),
		     VIRTIO_BLK_S_IOERR);
	segs[1].sector = 0;
	segs[1].num_sectors = 0x400000;
	cr_assert_eq(dwz_req(e, VIRTIO_BLK_T_DISCARD, segs, 2 * one),
		     VIRTIO_BLK_S_IOERR);
	assert_still_serves(e);
}

/*
 * Reset (Status 0) with 32 requests in flight: the reset returns, the
 * device touches neither the old rings nor the buffers afterwards, and
 * it serves again after re-initialization.  Several rounds, reads and
 * writes, to meet the I/O thread at different points.
 */
Test(blk_bad, reset_with_requests_in_flight)
{
	/* 33 slots: the last one holds the 0xee reference. */
	struct blkenv *e = bt_start("/tmp", BT_IMG_SIZE, "", 128, 33, 65536);
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	unsigned int round, i;

	for (round = 0; round < 8; round++) {
		struct vring_used *used = e->drv.vqs[0].vr.used;
		__u32 type = round % 2 ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;

		for (i = 0; i < 32; i++)
			cr_assert(blkenv_add(e, i, type, 128 * i, 65536, 2) >=
				  0, "%s", e->err);
		cr_assert_eq(vdrv_kick(&e->drv, 0), HVB_STATUS_OK);
		if (round >= 4)	/* let some of them start */
			sched_yield();
		cr_assert_eq(vdrv_write(&e->drv, VIRTIO_MMIO_STATUS, 0),
			     HVB_STATUS_OK);
		cr_assert_eq(blkenv_status(e), 0u);
		/* From here on the device must leave the rings alone. */
		memset(used, 0, 6 + 8 * 128);
		for (i = 0; i < 32; i++) {
			*(__u8 *)vdrv_ptr(&e->drv, e->slots[i].status) = 0xee;
			memset(blkenv_buf(e, i), 0xee, 65536);
		}
		nanosleep(&ts, NULL);
		cr_assert_eq(__atomic_load_n(&used->idx, __ATOMIC_ACQUIRE), 0,
			     "round %u: used ring written after reset",
			     round);
		for (i = 0; i < 32; i++)
			cr_assert_eq(*(__u8 *)vdrv_ptr(&e->drv,
						       e->slots[i].status),
				     0xee,
				     "round %u: status written after reset",
				     round);
		for (i = 0; i < 32; i++)
			cr_assert_eq(bt_sum(blkenv_buf(e, i), 65536),
				     bt_sum(memset(blkenv_buf(e, 32), 0xee,
						   65536), 65536),
				     "round %u: buffer %u written after reset",
				     round, i);
		bt_assert_recovers(e);
	}
}

/*
 * 2000 random requests: types known and unknown, sectors valid, at the
 * edge and absurd, lengths whole and not, data split over up to three
 * descriptors, and now and then no status byte.  Every request that has
 * a status byte gets OK, IOERR or UNSUPP - OK exactly when it is a
 * valid read or write - and one without makes the device need a reset,
 * after which it serves again.
 */
Test(blk_bad, random_requests)
{
	struct blkenv *e = bt_start("/tmp", BT_IMG_SIZE, "", 64, 8, 65536);
	static const __u32 types[] = {
		VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
		VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_DISCARD,
		VIRTIO_BLK_T_WRITE_ZEROES, 3, 0x80000001u,
	};
	unsigned int i, resets = 0, ok = 0;

	srand(11);
	for (i = 0; i < 2000; i++) {
		__u32 type = types[(unsigned int)rand() % 8];
		bool to_guest = type == VIRTIO_BLK_T_IN ||
				type == VIRTIO_BLK_T_GET_ID;
		__u64 sector = (__u64)rand() % (BT_SECTORS + 64);
		__u32 len = (__u32)rand() % 8 * 512 +
			    (rand() % 8 ? 0 : (__u32)rand() % 512);
		bool no_status = rand() % 50 == 0;
		struct vdrv_buf b[5];
		unsigned int n = 0, cut;
		__u32 used;
		__u8 st;

		if (rand() % 16 == 0)
			sector = ~0ull - (__u64)(rand() % 8);
		if (type == VIRTIO_BLK_T_DISCARD ||
		    type == VIRTIO_BLK_T_WRITE_ZEROES)
			/* Random segments: sectors and flags too. */
			bt_pattern(blkenv_buf(e, 0), len, i, 0);
		set_hdr(e, 0, type, sector);
		b[n++] = (struct vdrv_buf){ .ipa = e->slots[0].hdr,
					    .len = 16 };
		cut = len ? (__u32)rand() % len : 0;
		if (cut)
			b[n++] = (struct vdrv_buf){ .ipa = e->slots[0].buf,
						    .len = cut,
						    .writable = to_guest };
		if (len - cut)
			b[n++] = (struct vdrv_buf){
				.ipa = e->slots[0].buf + cut,
				.len = len - cut, .writable = to_guest };
		if (!no_status)
			b[n++] = (struct vdrv_buf){ .ipa = e->slots[0].status,
						    .len = 1,
						    .writable = true };
		add_raw(e, 0, b, n);
		cr_assert_eq(blkenv_reap(e, BT_WAIT_MS, &used, &st), 0,
			     "request %u: %s", i, e->err);
		if (no_status && (!to_guest || !len)) {
			cr_assert_eq(used, 0u);
			cr_assert(blkenv_status(e) &
				  VIRTIO_CONFIG_S_NEEDS_RESET);
			bt_assert_recovers(e);
			resets++;
			continue;
		}
		if (no_status)	/* the last data byte became the status */
			continue;
		cr_assert(st <= VIRTIO_BLK_S_UNSUPP, "request %u: status %u",
			  i, st);
		if ((type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_OUT) &&
		    !(len % 512) && sector <= BT_SECTORS &&
		    len / 512 <= BT_SECTORS - sector) {
			cr_assert_eq(st, VIRTIO_BLK_S_OK,
				     "request %u: type %u sector %llu len %u",
				     i, type, (unsigned long long)sector,
				     len);
			ok++;
		}
		cr_assert_eq(blkenv_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET,
			     0u, "request %u", i);
	}
	cr_assert_gt(resets, 0u);
	cr_assert_gt(ok, 100u);
	assert_still_serves(e);
}
