// SPDX-License-Identifier: MIT
/*
 * Shared helpers of the virtio-blk tests (blktest.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "blktest.h"

struct blkenv bt_env;
char bt_img[128];

struct blkenv *bt_start(const char *dir, __u64 size, const char *extra_opts,
			__u16 qsize, unsigned int nr_slots, __u32 slot_len)
{
	struct blkenv *e = &bt_env;
	char opts[512];
	int err;

	snprintf(bt_img, sizeof(bt_img), "%s/hvb-blktest-%d.img", dir,
		 getpid());
	err = blkenv_make_image(bt_img, size);
	cr_assert(err == 0, "make image %s: %s", bt_img, strerror(-err));
	snprintf(opts, sizeof(opts), "{ \"img\": \"%s\"%s }", bt_img,
		 extra_opts);
	/* Sleep soon when idle: two cores, shared with the test thread
	 * and the device's I/O thread. */
	cr_assert(blkenv_start(e, opts, BT_MEM_SIZE, 256) == 0, "%s", e->err);
	cr_assert(blkenv_init_driver(e, BT_FEATURES, qsize, nr_slots,
				     slot_len) == 0, "%s", e->err);
	return e;
}

void bt_stop(void)
{
	blkenv_stop(&bt_env);
	if (bt_img[0])
		unlink(bt_img);
	bt_img[0] = 0;
}

void bt_pattern(void *p, __u32 len, __u64 sector, __u32 gen)
{
	__u64 x = sector * 0x9e3779b97f4a7c15ull + gen + 1;
	__u8 *b = p;
	__u32 i;

	for (i = 0; i < len; i++) {
		/* xorshift: every byte depends on sector and generation */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (__u8)x;
	}
}

__u64 bt_sum(const void *p, size_t len)
{
	const __u8 *b = p;
	__u64 h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

__u8 bt_do(struct blkenv *e, unsigned int slot, __u32 type, __u64 sector,
	   __u32 len, __u32 *used_len)
{
	int st = blkenv_do(e, slot, type, sector, len, used_len);

	cr_assert(st >= 0, "request type %u at %llu: %s", type,
		  (unsigned long long)sector, e->err);
	return (__u8)st;
}

void bt_assert_recovers(struct blkenv *e)
{
	__u32 len = 0;

	cr_assert(blkenv_init_driver(e, BT_FEATURES, e->qsize, e->nr_slots,
				     e->slot_len) == 0, "re-init: %s", e->err);
	cr_assert(!(blkenv_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET));
	cr_assert_eq(bt_do(e, 0, VIRTIO_BLK_T_IN, 0, 512, &len),
		     VIRTIO_BLK_S_OK, "read after recovery failed");
	cr_assert_eq(len, 513u);
}
