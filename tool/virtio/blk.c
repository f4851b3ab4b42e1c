// SPDX-License-Identifier: MIT
/*
 * virtio-blk (virtio 1.2, 5.2) on a raw image file, through io_uring on
 * an I/O thread of its own (blk_io.c); requests are checked by
 * blk_req.c.  This file is the device: its options, config space and
 * features.  docs/virtio-blk.md says what it does with each request.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/virtio_ids.h>

#include "blk.h"
#include "config_opts.h"
#include "log.h"

static const char *const blk_options[] = { "img", "readonly", "serial",
					   "inline", "io_thread_cached", NULL };

/* Bits every instance offers; a read-only one swaps the last two for
 * VIRTIO_BLK_F_RO (blk_init()). */
#define BLK_BASE_FEATURES						\
	((1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_BLK_F_SEG_MAX) | \
	 (1ull << VIRTIO_BLK_F_BLK_SIZE))
#define BLK_FEATURES							\
	(BLK_BASE_FEATURES | (1ull << VIRTIO_BLK_F_DISCARD) |		\
	 (1ull << VIRTIO_BLK_F_WRITE_ZEROES))
#define BLK_RO_FEATURES	(BLK_BASE_FEATURES | (1ull << VIRTIO_BLK_F_RO))

/* Each device carries its own copy of the ops (the offered features
 * depend on "readonly"); the copy leads struct blk_dev so destroy can
 * free both at once. */
struct blk_dev {
	struct hvb_virtio_ops ops;
	struct blk blk;
};

static const struct hvb_virtio_ops blk_ops;

static int blk_open(struct blk *b, const struct cJSON *opts,
		    const char **why)
{
	const char *img = NULL, *serial = NULL;
	off_t size;
	int err;

	err = hvb_opt_string(opts, "img", &img, why);
	if (err == -ENOENT)
		*why = "options.img: the image file is required";
	if (err)
		return -EINVAL;
	b->readonly = false;
	err = hvb_opt_bool(opts, "readonly", &b->readonly, why);
	if (err && err != -ENOENT)
		return err;
	err = hvb_opt_string(opts, "serial", &serial, why);
	if (err && err != -ENOENT)
		return err;
	/* false: every kick goes to the I/O thread, as before the fast
	 * path (an operator's switch, and the benchmarks' "before"). */
	b->fast = true;
	err = hvb_opt_bool(opts, "inline", &b->fast, why);
	if (err && err != -ENOENT)
		return err;
	/* Absent: measured at init (blk_io_calibrate()). */
	b->io_cached = true;
	err = hvb_opt_bool(opts, "io_thread_cached", &b->io_cached, why);
	if (err && err != -ENOENT)
		return err;
	b->io_cached_set = !err;
	if (serial && strlen(serial) > VIRTIO_BLK_ID_BYTES) {
		*why = "options.serial: at most 20 characters";
		return -EINVAL;
	}
	if (!serial) {
		/* The image's base name identifies it well enough. */
		serial = strrchr(img, '/') ? strrchr(img, '/') + 1 : img;
	}
	/* Zero-padded; not NUL-terminated at 20 characters (5.2.6). */
	memcpy(b->id, serial, strnlen(serial, sizeof(b->id)));

	b->fd = open(img, (b->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		err = -errno;
		hvb_err("virtio-blk: cannot open %s: %s", img, strerror(errno));
		*why = "options.img: cannot open the image (see the log)";
		return err;
	}
	size = lseek(b->fd, 0, SEEK_END);
	if (size < 0) {
		err = -errno;
		*why = "options.img: cannot find the image's size";
		return err;
	}
	/* A trailing partial sector is not part of the disk. */
	b->capacity = (__u64)size >> BLK_SECTOR_SHIFT;
	return 0;
}

static void blk_fill_config(struct blk *b)
{
	struct virtio_blk_config *c = &b->config;

	c->capacity = htole64(b->capacity);
	c->seg_max = htole32(BLK_SEG_MAX);
	c->blk_size = htole32(BLK_SECTOR_SIZE);
	c->num_queues = htole16(1);
	c->max_discard_sectors = htole32(BLK_DWZ_SECTORS_MAX);
	c->max_discard_seg = htole32(BLK_DWZ_SEG_MAX);
	c->discard_sector_alignment = htole32(1);
	c->max_write_zeroes_sectors = htole32(BLK_DWZ_SECTORS_MAX);
	c->max_write_zeroes_seg = htole32(BLK_DWZ_SEG_MAX);
	c->write_zeroes_may_unmap = 1;
}

static int blk_init(struct hvb_virtio_dev *vd,
		    const struct hvb_device_args *args, const char **why)
{
	struct blk_dev *bd = calloc(1, sizeof(*bd));
	struct blk *b;
	int err;

	if (!bd) {
		*why = "out of memory";
		return -ENOMEM;
	}
	b = &bd->blk;
	b->vd = vd;
	b->fd = -1;
	b->kick_fd = -1;
	err = blk_open(b, args->opts, why);
	if (!err)
		err = blk_io_init(b, why);
	if (err) {
		blk_io_fini(b);
		if (b->fd >= 0)
			close(b->fd);
		free(bd);
		return err;
	}
	if (!b->fast)
		hvb_info("%s: inline reads off (options.inline): every request goes through the I/O thread",
			 vd->dev->name);
	blk_fill_config(b);
	bd->ops = blk_ops;
	bd->ops.features = b->readonly ? BLK_RO_FEATURES : BLK_FEATURES;
	vd->ops = &bd->ops;
	vd->priv = b;
	vd->config = &b->config;
	vd->config_size = sizeof(b->config);
	return 0;
}

static void blk_destroy(struct hvb_virtio_dev *vd)
{
	struct blk *b = vd->priv;

	/* reset() ran: the I/O thread is gone. */
	blk_io_fini(b);
	close(b->fd);
	vd->ops = &blk_ops;
	vd->priv = NULL;
	vd->config = NULL;
	free((__u8 *)b - offsetof(struct blk_dev, blk));
}

static void blk_notify(struct hvb_virtio_dev *vd, struct hvb_virtqueue *vq)
{
	blk_stamp(vd->priv, BLK_T_NOTIFY);
	blk_io_kick(vd->priv, vq);
}

static void blk_reset(struct hvb_virtio_dev *vd)
{
	blk_io_stop(vd->priv);
}

static void blk_settle(struct hvb_virtio_dev *vd)
{
	blk_io_settle(vd->priv);
}

static const struct hvb_virtio_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.features = BLK_FEATURES,
	.nr_queues = 1,
	.queue_max = BLK_QUEUE_MAX,
	.options = blk_options,
	.init = blk_init,
	.destroy = blk_destroy,
	.notify = blk_notify,
	.reset = blk_reset,
	.settle = blk_settle,
};

HVB_VIRTIO_DEVICE(blk_type, "virtio-blk", blk_ops)
