/* SPDX-License-Identifier: MIT */
/*
 * blktest.h - what the virtio-blk Criterion tests share: a temporary
 * image, the environment around it, and the checks every test ends with.
 */
#ifndef HVB_TESTS_BLK_BLKTEST_H
#define HVB_TESTS_BLK_BLKTEST_H

#include <criterion/criterion.h>

#include "blkenv.h"

#define BT_IMG_SIZE	(8ull << 20)		/* 16384 sectors */
#define BT_SECTORS	(BT_IMG_SIZE >> 9)
#define BT_MEM_SIZE	(4ull << 20)
#define BT_WAIT_MS	3000u
#define BT_SUITE_TIMEOUT_S	20
#define BT_V1		(1ull << VIRTIO_F_VERSION_1)
#define BT_FEATURES	(BT_V1 | (1ull << VIRTIO_RING_F_EVENT_IDX) |	\
			 (1ull << VIRTIO_BLK_F_FLUSH) |			\
			 (1ull << VIRTIO_BLK_F_SEG_MAX) |		\
			 (1ull << VIRTIO_BLK_F_BLK_SIZE) |		\
			 (1ull << VIRTIO_BLK_F_DISCARD) |		\
			 (1ull << VIRTIO_BLK_F_WRITE_ZEROES) |		\
			 (1ull << VIRTIO_BLK_F_RO))

/* The process-wide environment (Criterion forks a process per test). */
extern struct blkenv bt_env;
/* Where the image is; a file in @dir ("/tmp", "/dev/shm"). */
extern char bt_img[128];

/*
 * Make an image of @size bytes in @dir, start the zone with the device
 * on it (@extra_opts: more JSON members, "" for none), and initialize
 * the driver with BT_FEATURES, a queue of @qsize and @nr_slots slots of
 * @slot_len bytes.  Asserts.
 */
struct blkenv *bt_start(const char *dir, __u64 size, const char *extra_opts,
			__u16 qsize, unsigned int nr_slots, __u32 slot_len);
/* TestSuite .fini: stop the zone, remove the image. */
void bt_stop(void);

/* Fill @len bytes at @p with the pattern of (@sector, @gen). */
void bt_pattern(void *p, __u32 len, __u64 sector, __u32 gen);
/* FNV-1a over @len bytes. */
__u64 bt_sum(const void *p, size_t len);

/* One request, asserted to complete; returns its status byte. */
__u8 bt_do(struct blkenv *e, unsigned int slot, __u32 type, __u64 sector,
	   __u32 len, __u32 *used_len);

/*
 * The device still serves after whatever went before: reset, initialize
 * again, and read sector 0 with status OK.  Asserts.
 */
void bt_assert_recovers(struct blkenv *e);

#endif /* HVB_TESTS_BLK_BLKTEST_H */
