// SPDX-License-Identifier: MIT
/*
 * A virtio device that exists only in the tests: what virtio-rng lacks,
 * a config space (a read-only word, then a writable 16-bit field), so the config
 * rules of the register file can be tested; its one queue echoes the
 * readable bytes of each chain into its writable ones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/virtio.h"
#include "virtio/virtqueue.h"
#include "vtest.h"

struct vtest_dev {
	__u32 config[2];	/* VT_DEV_CONFIG bytes of it */
	struct hvb_vq_chain chain;
	__u8 bounce[4096];
};

static int vtest_init(struct hvb_virtio_dev *vd,
		      const struct hvb_device_args *args, const char **why)
{
	struct vtest_dev *t = calloc(1, sizeof(*t));

	(void)args;
	if (!t) {
		*why = "out of memory";
		return -ENOMEM;
	}
	t->config[0] = VT_DEV_RO_WORD;
	vd->priv = t;
	vd->config = t->config;
	vd->config_size = VT_DEV_CONFIG;
	return 0;
}

static void vtest_destroy(struct hvb_virtio_dev *vd)
{
	free(vd->priv);
}

static bool vtest_config_write(struct hvb_virtio_dev *vd, __u32 offset,
			       __u32 size, __u32 value)
{
	struct vtest_dev *t = vd->priv;

	if (offset != 4 || size != 2)
		return false;
	t->config[1] = value & 0xffff;
	return true;
}

static void vtest_notify(struct hvb_virtio_dev *vd, struct hvb_virtqueue *vq)
{
	struct vtest_dev *t = vd->priv;
	int ret;

	do {
		while ((ret = hvb_vq_pop(vq, &t->chain)) > 0) {
			size_t n = hvb_vq_chain_read(&t->chain, t->bounce,
						     sizeof(t->bounce));

			hvb_vq_push(vq, t->chain.head,
				    (__u32)hvb_vq_chain_write(&t->chain,
							      t->bounce, n));
			hvb_vq_notify_guest(vq);
		}
		if (ret < 0)
			return;
	} while (hvb_vq_enable_kicks(vq));
}

static void vtest_reset(struct hvb_virtio_dev *vd)
{
	(void)vd;
}

unsigned int vt_settle_calls;
int vt_settle_raises;

static void vtest_settle(struct hvb_virtio_dev *vd)
{
	__atomic_fetch_add(&vt_settle_calls, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&vt_settle_raises, __ATOMIC_RELAXED))
		__atomic_fetch_or(&vd->isr, VIRTIO_MMIO_INT_VRING,
				  __ATOMIC_SEQ_CST);
}

static const struct hvb_virtio_ops vtest_ops = {
	.device_id = VT_DEV_ID,
	.nr_queues = 1,
	.queue_max = 64,
	.init = vtest_init,
	.destroy = vtest_destroy,
	.config_write = vtest_config_write,
	.notify = vtest_notify,
	.reset = vtest_reset,
	.settle = vtest_settle,
};

HVB_VIRTIO_DEVICE(vtest_type, VT_DEV_TYPE, vtest_ops)
