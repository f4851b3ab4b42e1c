// SPDX-License-Identifier: MIT
/*
 * virtio-rng (virtio 1.2, 5.4): one request queue; each chain's writable
 * segments are filled from getrandom().  The work is small and bounded,
 * so it runs on the consumer thread, inside notify().
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include <linux/virtio_ids.h>
#include <linux/virtio_rng.h>

#include "log.h"
#include "virtio.h"
#include "virtqueue.h"

/* Entropy per request at most: a guest asking for a gigabyte gets this
 * much and sees it in the used length, as the spec allows. */
#define RNG_MAX_BYTES	4096u

struct rng {
	struct hvb_vq_chain chain;	/* scratch for one pop */
};

static int rng_init(struct hvb_virtio_dev *vd,
		    const struct hvb_device_args *args, const char **why)
{
	(void)args;
	vd->priv = calloc(1, sizeof(struct rng));
	if (!vd->priv) {
		*why = "out of memory";
		return -ENOMEM;
	}
	return 0;
}

static void rng_destroy(struct hvb_virtio_dev *vd)
{
	free(vd->priv);
	vd->priv = NULL;
}

/* Fill @len bytes at @p; false if getrandom() failed for good. */
static bool rng_fill(void *p, size_t len)
{
	__u8 *b = p;

	while (len) {
		ssize_t n = getrandom(b, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		b += n;
		len -= (size_t)n;
	}
	return true;
}

static __u32 rng_serve(const struct hvb_vq_chain *c)
{
	__u32 done = 0;
	unsigned int i;

	for (i = c->nr_read; i < c->nr_read + c->nr_write &&
			     done < RNG_MAX_BYTES; i++) {
		size_t n = c->seg[i].iov_len;

		if (n > RNG_MAX_BYTES - done)
			n = RNG_MAX_BYTES - done;
		if (!rng_fill(c->seg[i].iov_base, n)) {
			hvb_log_once(HVB_LOG_ERROR,
				     "virtio-rng: getrandom failed: %m (said once)");
			break;
		}
		done += (__u32)n;
	}
	return done;
}

static void rng_notify(struct hvb_virtio_dev *vd, struct hvb_virtqueue *vq)
{
	struct rng *rng = vd->priv;
	unsigned int pushed, total = 0;
	int ret = 0;

	do {
		pushed = 0;
		while (total < vq->size &&
		       (ret = hvb_vq_pop(vq, &rng->chain)) > 0) {
			hvb_vq_push(vq, rng->chain.head,
				    rng_serve(&rng->chain));
			pushed++;
			total++;
		}
		if (pushed)
			hvb_vq_notify_guest(vq);
		if (ret < 0)
			return;	/* NEEDS_RESET: the driver resets */
		/* One queue's worth per turn, on the consumer thread: a
		 * guest refilling as fast as it is served waits for the
		 * others; its kick is reposted, so nothing is lost. */
		if (total >= vq->size && hvb_virtio_requeue(vd, vq))
			return;
	} while (hvb_vq_enable_kicks(vq));
}

static void rng_reset(struct hvb_virtio_dev *vd)
{
	(void)vd;	/* nothing in flight between notifies */
}

static const struct hvb_virtio_ops rng_ops = {
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.queue_max = 256,
	.init = rng_init,
	.destroy = rng_destroy,
	.notify = rng_notify,
	.reset = rng_reset,
};

HVB_VIRTIO_DEVICE(rng_type, "virtio-rng", rng_ops)
