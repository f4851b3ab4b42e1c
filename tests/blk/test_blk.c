// SPDX-License-Identifier: MIT
/*
 * Description: virtio-blk end to end through the channel: config space,
 * 2048 writes and read-backs 32 in flight verified by checksum and
 * against the image file, FLUSH, GET_ID, DISCARD and WRITE_ZEROES read
 * back as zeros, and a read-only image.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blktest.h"

TestSuite(blk, .fini = bt_stop, .timeout = BT_SUITE_TIMEOUT_S);

#define RW_BLOCKS	1024u		/* 4 KiB blocks: half the image */
#define RW_BLOCK	4096u
#define RW_DEPTH	32u

/* What the image file holds at @off, read on the host side. */
static void file_read(void *p, size_t len, __u64 off)
{
	int fd = open(bt_img, O_RDONLY | O_CLOEXEC);

	cr_assert(fd >= 0);
	cr_assert_eq(pread(fd, p, len, (off_t)off), (ssize_t)len);
	close(fd);
}

Test(blk, config_space)
{
	struct blkenv *e = bt_start("/tmp", BT_IMG_SIZE + 100, "", 64, 4,
				    4096);
	__u32 lo, hi, v;

	/* A trailing partial sector is not part of the disk. */
	cr_assert(blkenv_config32(e, 0, &lo) == 0 &&
		  blkenv_config32(e, 4, &hi) == 0);
	cr_assert_eq(((__u64)hi << 32 | lo), BT_SECTORS);
	cr_assert(blkenv_config32(e, 12, &v) == 0);
	cr_assert_eq(v, 254u, "seg_max");
	cr_assert(blkenv_config32(e, 20, &v) == 0);
	cr_assert_eq(v, 512u, "blk_size");
	cr_assert(e->drv.features & (1ull << VIRTIO_BLK_F_FLUSH));
	cr_assert(e->drv.features & (1ull << VIRTIO_BLK_F_DISCARD));
	cr_assert(e->drv.features & (1ull << VIRTIO_BLK_F_WRITE_ZEROES));
	cr_assert(!(e->drv.features & (1ull << VIRTIO_BLK_F_RO)));
	/* Config space is read-only. */
	cr_assert_neq(vdrv_write(&e->drv, VIRTIO_MMIO_CONFIG, 1),
		      HVB_STATUS_OK);
}

/*
 * @type on blocks order[0 .. RW_BLOCKS), RW_DEPTH in flight: refill a
 * slot as soon as its request completes.  Writes carry the pattern of
 * (block, @gen); reads are checked against it.
 */
static void rw_stream(struct blkenv *e, __u32 type, const unsigned int *order,
		      unsigned int n, __u32 gen)
{
	unsigned int next = 0, done = 0, slot, inflight = 0, bad = 0;
	unsigned int block_of[RW_DEPTH];
	__u32 len;
	__u8 st;
	int s;

	while (done < n) {
		for (slot = 0; slot < e->nr_slots && next < n; slot++) {
			__u64 sector;

			if (e->slots[slot].head >= 0)
				continue;
			block_of[slot] = order[next++];
			sector = (__u64)block_of[slot] * (RW_BLOCK / 512);
			if (type == VIRTIO_BLK_T_OUT)
				bt_pattern(blkenv_buf(e, slot), RW_BLOCK,
					   sector, gen);
			else
				memset(blkenv_buf(e, slot), 0, RW_BLOCK);
			/* Every other one split over two descriptors. */
			cr_assert(blkenv_add(e, slot, type, sector, RW_BLOCK,
					     1 + next % 2) >= 0, "%s", e->err);
			inflight++;
		}
		cr_assert(blkenv_kick(e) == 0, "%s", e->err);
		s = blkenv_reap(e, BT_WAIT_MS, &len, &st);
		cr_assert(s >= 0, "%s after %u of %u", e->err, done, n);
		cr_assert_eq(st, VIRTIO_BLK_S_OK, "block %u: status %u",
			     block_of[s], st);
		cr_assert_eq(len, type == VIRTIO_BLK_T_IN ? RW_BLOCK + 1 : 1u);
		if (type == VIRTIO_BLK_T_IN) {
			__u8 want[RW_BLOCK];

			bt_pattern(want, RW_BLOCK,
				   (__u64)block_of[s] * (RW_BLOCK / 512), gen);
			bad += bt_sum(want, RW_BLOCK) !=
			       bt_sum(blkenv_buf(e, (unsigned int)s),
				      RW_BLOCK);
		}
		inflight--;
		done++;
	}
	cr_assert_eq(inflight, 0u);
	cr_assert_eq(bad, 0u, "%u of %u blocks read back wrong", bad, n);
}

static void shuffle(unsigned int *a, unsigned int n, unsigned int seed)
{
	unsigned int i;

	srand(seed);
	for (i = 0; i < n; i++)
		a[i] = i;
	for (i = n - 1; i > 0; i--) {
		unsigned int j = (unsigned int)rand() % (i + 1), t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

Test(blk, write_flush_read_many_in_flight)
{
	struct blkenv *e = bt_start("/tmp", BT_IMG_SIZE, "", 128, RW_DEPTH,
				    RW_BLOCK);
	static unsigned int order[RW_BLOCKS];
	__u8 file[RW_BLOCK], want[RW_BLOCK];
	unsigned int i, bad = 0;

	shuffle(order, RW_BLOCKS, 1);
	rw_stream(e, VIRTIO_BLK_T_OUT, order, RW_BLOCKS, 7);
	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_FLUSH, 0, 0, NULL),
		     VIRTIO_BLK_S_OK);
	/* The image holds what the guest wrote, block by block. */
	for (i = 0; i < RW_BLOCKS; i++) {
		file_read(file, RW_BLOCK, (__u64)i * RW_BLOCK);
		bt_pattern(want, RW_BLOCK, (__u64)i * (RW_BLOCK / 512), 7);
		bad += bt_sum(file, RW_BLOCK) != bt_sum(want, RW_BLOCK);
	}
	cr_assert_eq(bad, 0u, "%u blocks of the file differ", bad);
	shuffle(order, RW_BLOCKS, 2);
	rw_stream(e, VIRTIO_BLK_T_IN, order, RW_BLOCKS, 7);
	cr_assert_eq(blkenv_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
}

/* The other notification paths: posted kicks, and no EVENT_IDX (the
 * device's NO_NOTIFY flag and the driver's NO_INTERRUPT instead). */
static void rw_small(bool posted, __u64 features)
{
	struct blkenv *e = bt_start("/tmp", BT_IMG_SIZE, "", 128, RW_DEPTH,
				    RW_BLOCK);
	static unsigned int order[256];

	cr_assert(blkenv_init_driver(e, features, 128, RW_DEPTH, RW_BLOCK) ==
		  0, "%s", e->err);
	e->drv.posted_kicks = posted;
	shuffle(order, 256, 3);
	rw_stream(e, VIRTIO_BLK_T_OUT, order, 256, 5);
	shuffle(order, 256, 4);
	rw_stream(e, VIRTIO_BLK_T_IN, order, 256, 5);
}

Test(blk, posted_kicks)
{
	rw_small(true, BT_FEATURES);
}

Test(blk, no_event_idx)
{
	rw_small(false, BT_FEATURES & ~(1ull << VIRTIO_RING_F_EVENT_IDX));
}

Test(blk, writes_without_flush_feature)
{
	struct blkenv *e = bt_start("/tmp", BT_IMG_SIZE, "", 16, 2, 4096);
	__u8 file[4096];

	/* Write-through mode (no FLUSH): still correct data. */
	cr_assert(blkenv_init_driver(e, BT_V1, 16, 2, 4096) == 0, "%s",
		  e->err);
	bt_pattern(blkenv_buf(e, 0), 4096, 64, 3);
	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_OUT, 64, 4096, NULL),
		     VIRTIO_BLK_S_OK);
	file_read(file, sizeof(file), 64 * 512);
	cr_assert(!memcmp(file, blkenv_buf(e, 0), 4096));
}

Test(blk, get_id)
{
	struct blkenv *e = bt_start("/tmp", BT_IMG_SIZE,
				    ", \"serial\": \"hvb-serial-1\"", 16, 2,
				    4096);
	__u8 want[VIRTIO_BLK_ID_BYTES] = "hvb-serial-1";
	__u32 len = 0;

	memset(blkenv_buf(e, 0), 0xaa, 64);
	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_GET_ID, 0, 20, &len),
		     VIRTIO_BLK_S_OK);
	cr_assert_eq(len, 21u);
	cr_assert(!memcmp(blkenv_buf(e, 0), want, sizeof(want)),
		  "id: %.20s", (char *)blkenv_buf(e, 0));
	/* A buffer longer than 20 bytes gets 20. */
	cr_assert_eq(bt_do(e, 1, VIRTIO_BLK_T_GET_ID, 0, 512, &len),
		     VIRTIO_BLK_S_OK);
	cr_assert_eq(len, 21u);
}

/* Write the pattern over sectors [@sector, +@n) and check it landed. */
static void fill_sectors(struct blkenv *e, __u64 sector, __u32 n)
{
	bt_pattern(blkenv_buf(e, 0), n * 512, sector, 9);
	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_OUT, sector, n * 512, NULL),
		     VIRTIO_BLK_S_OK);
}

/* Read [@sector, +@n) and count the bytes that are not zero. */
static unsigned int nonzero_sectors(struct blkenv *e, __u64 sector, __u32 n)
{
	const __u8 *p = blkenv_buf(e, 1);
	unsigned int i, nz = 0;

	memset(blkenv_buf(e, 1), 0xee, n * 512);
	cr_assert_eq(bt_do(e, 1, VIRTIO_BLK_T_IN, sector, n * 512, NULL),
		     VIRTIO_BLK_S_OK);
	for (i = 0; i < n * 512; i++)
		nz += p[i] != 0;
	return nz;
}

/* A DISCARD or WRITE_ZEROES request of @nseg segments from @segs. */
static __u8 dwz(struct blkenv *e, __u32 type,
		const struct virtio_blk_discard_write_zeroes *segs,
		unsigned int nseg)
{
	memcpy(blkenv_buf(e, 2), segs, nseg * sizeof(*segs));
	return bt_do(e, 2, type, 0, nseg * (__u32)sizeof(*segs), NULL);
}

static void dwz_zeros(const char *dir, __u32 type, __u32 flags)
{
	struct blkenv *e = bt_start(dir, BT_IMG_SIZE, "", 16, 3, 65536);
	struct virtio_blk_discard_write_zeroes segs[2] = {
		{ .sector = 128, .num_sectors = 16, .flags = flags },
		{ .sector = 160, .num_sectors = 8, .flags = flags },
	};

	fill_sectors(e, 120, 64);
	cr_assert_eq(dwz(e, type, segs, 2), VIRTIO_BLK_S_OK);
	cr_assert_eq(nonzero_sectors(e, 128, 16), 0u);
	cr_assert_eq(nonzero_sectors(e, 160, 8), 0u);
	/* Only those sectors: the neighbours keep their data. */
	cr_assert_gt(nonzero_sectors(e, 120, 8), 400u);
	cr_assert_gt(nonzero_sectors(e, 144, 16), 8000u);
	cr_assert_gt(nonzero_sectors(e, 168, 16), 8000u);
}

Test(blk, discard_reads_zeros)
{
	dwz_zeros("/tmp", VIRTIO_BLK_T_DISCARD, 0);
}

Test(blk, write_zeroes)
{
	dwz_zeros("/tmp", VIRTIO_BLK_T_WRITE_ZEROES, 0);
}

Test(blk, write_zeroes_unmap)
{
	dwz_zeros("/tmp", VIRTIO_BLK_T_WRITE_ZEROES,
		  VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
}

/* tmpfs can punch holes but not zero ranges: the fallback. */
Test(blk, write_zeroes_on_tmpfs)
{
	dwz_zeros("/dev/shm", VIRTIO_BLK_T_WRITE_ZEROES, 0);
}

Test(blk, read_only_image)
{
	struct blkenv *e = bt_start("/tmp", BT_IMG_SIZE,
				    ", \"readonly\": true", 16, 3, 4096);
	struct virtio_blk_discard_write_zeroes seg = {
		.sector = 0, .num_sectors = 8,
	};
	__u8 file[4096];

	cr_assert(e->drv.features & (1ull << VIRTIO_BLK_F_RO));
	cr_assert(!(e->drv.features & (1ull << VIRTIO_BLK_F_DISCARD)));
	cr_assert(!(e->drv.features & (1ull << VIRTIO_BLK_F_WRITE_ZEROES)));
	memset(blkenv_buf(e, 0), 0x5a, 4096);
	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_OUT, 8, 4096, NULL),
		     VIRTIO_BLK_S_IOERR);
	/* Not negotiated, so not supported. */
	cr_assert_eq(dwz(e, VIRTIO_BLK_T_DISCARD, &seg, 1),
		     VIRTIO_BLK_S_UNSUPP);
	file_read(file, sizeof(file), 8 * 512);
	cr_assert_eq(bt_sum(file, sizeof(file)),
		     bt_sum(memset(blkenv_buf(e, 1), 0, 4096), 4096),
		     "the read-only image was written");
	cr_assert_eq(bt_do(e, 1, VIRTIO_BLK_T_IN, 8, 4096, NULL),
		     VIRTIO_BLK_S_OK);
	cr_assert_eq(bt_do(e, 1, VIRTIO_BLK_T_FLUSH, 0, 0, NULL),
		     VIRTIO_BLK_S_OK);
}
