// SPDX-License-Identifier: MIT
/*
 * The virtio device core (virtio.h): making a virtio device out of a
 * table entry, the registry of virtio types, and the thread-safe
 * interrupt and NEEDS_RESET paths every device uses.  The register file
 * itself is mmio.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hvbridge/barrier.h>
#include <hvbridge/region.h>

#include "devstats.h"
#include "log.h"
#include "virtio.h"
#include "virtqueue.h"
#include "virtio_priv.h"
#include "vstate.h"

/* Virtio types, for hvb_virtio_is_type(); filled by constructors. */
static const struct hvb_device_type *hvb_virtio_types[32];
static unsigned int hvb_virtio_nr_types;

void hvb_virtio_type_register(struct hvb_device_type *type)
{
	/* Constructors run before main(), one at a time. */
	if (hvb_virtio_nr_types < sizeof(hvb_virtio_types) /
				  sizeof(hvb_virtio_types[0]))
		hvb_virtio_types[hvb_virtio_nr_types++] = type;
	hvb_device_type_register(type);
}

bool hvb_virtio_is_type(const char *type_name)
{
	unsigned int i;

	for (i = 0; i < hvb_virtio_nr_types; i++)
		if (!strcmp(hvb_virtio_types[i]->name, type_name))
			return true;
	return false;
}

static bool hvb_is_pow2(__u32 v)
{
	return v && !(v & (v - 1));
}

int hvb_virtio_device_init(struct hvb_device *d,
			   const struct hvb_virtio_ops *vops)
{
	struct hvb_virtio_dev *vd;

	/* A device file's mistake, caught before any guest sees it. */
	if (!vops->nr_queues || vops->nr_queues > HVB_VIRTIO_MAX_QUEUES ||
	    !hvb_is_pow2(vops->queue_max) ||
	    vops->queue_max > HVB_VIRTIO_QUEUE_MAX || !vops->init ||
	    !vops->notify || !vops->reset)
		return -EINVAL;
	vd = calloc(1, sizeof(*vd));
	if (!vd)
		return -ENOMEM;
	vd->vqs = calloc(vops->nr_queues, sizeof(*vd->vqs));
	if (!vd->vqs) {
		free(vd);
		return -ENOMEM;
	}
	/* A private state until the daemon attaches a state file. */
	vd->vs_own = calloc(1, sizeof(*vd->vs_own));
	if (!vd->vs_own) {
		free(vd->vqs);
		free(vd);
		return -ENOMEM;
	}
	vd->vs = vd->vs_own;
	vd->vs_fd = -1;
	for (__u32 i = 0; i < vops->nr_queues; i++)
		vd->vqs[i].vs = &vd->vs->q[i];
	vd->dev = d;
	vd->ops = vops;
	d->priv = vd;
	d->ops = &hvb_virtio_mmio_ops;
	return 0;
}

int hvb_virtio_device_configure(struct hvb_device *d,
				const struct hvb_device_args *args,
				const char **why)
{
	struct hvb_virtio_dev *vd = hvb_virtio_from_device(d);
	const struct hvb_guestmem *gm;
	int err;

	if (!vd)
		return -EINVAL;
	gm = hvb_guestmem_find(d->zone_id);
	if (!gm) {
		*why = "the device's zone has no memory regions";
		return -ENOENT;
	}
	vd->mem = gm;
	vd->transport = gm->transport;
	vd->irq = d->irq;
	err = vd->ops->init(vd, args, why);
	if (err)
		return err;
	vd->live = true;
	if (d->size < VIRTIO_MMIO_CONFIG ||
	    vd->config_size > d->size - VIRTIO_MMIO_CONFIG) {
		*why = "window too small for the virtio registers and config";
		return -EINVAL;
	}
	if (vd->config_size && !vd->config) {
		*why = "device has a config size but no config space";
		return -EINVAL;
	}
	return 0;
}

struct hvb_virtio_dev *hvb_virtio_from_device(struct hvb_device *d)
{
	return d && d->ops == &hvb_virtio_mmio_ops ? d->priv : NULL;
}

void hvb_virtio_raise(struct hvb_virtio_dev *vd, __u32 bits)
{
	struct hvb_transport *t = vd->transport;

	/* Barrier I0: seq_cst, after the device's used->idx release store
	 * (virtqueue.c, Barrier VQ-B): a guest whose interrupt handler
	 * reads InterruptStatus through the channel sees these bits, and
	 * its acquire of used->idx then sees the used elements. */
	__atomic_fetch_or(&vd->isr, bits, __ATOMIC_SEQ_CST);
	if (vd->vs)	/* the same on the state's copy (vstate.h) */
		__atomic_fetch_or(&vd->vs->isr, bits, __ATOMIC_RELAXED);
	if (t && t->ops->raise_irq && vd->irq) {
		struct hvb_devstats_dev *st = hvb_virtio_stats(vd);
		int err = t->ops->raise_irq(t, vd->dev->zone_id, vd->irq);

		if (st)
			hvb_devstats_add(err ? &st->irq_errors :
					 &st->interrupts, 1);
		if (err)
			hvb_log_once(HVB_LOG_WARN,
				     "%s: cannot raise interrupt %u: %s (said once)",
				     vd->dev->name, vd->irq, strerror(-err));
	}
}

void hvb_virtio_count_error(struct hvb_virtio_dev *vd)
{
	struct hvb_devstats_dev *st = hvb_virtio_stats(vd);

	if (st)
		hvb_devstats_add(&st->errors, 1);
}

bool hvb_virtio_requeue(struct hvb_virtio_dev *vd, struct hvb_virtqueue *vq)
{
	struct hvb_transport *t = vd->transport;
	struct hvb_kicks *k;
	__u32 bit;

	int slot = hvb_device_kick_dev(vd->dev);

	if (!t || !t->region || slot < 0 || slot >= (int)HVB_KICK_DEVS ||
	    vq->index >= HVB_KICK_QUEUES)
		return false;
	k = hvb_region_kicks(t->region);
	bit = hvb_kick_bit((__u32)slot, vq->index);
	/* Barrier K, as a producer posts it: the word, then its summary
	 * bit; the consumer's next drain (Barrier K') takes it. */
	hvb_fetch_or_u64(&k->words[bit / 64], 1ull << (bit % 64));
	hvb_fetch_or_u64(&k->summary, 1ull << (bit / 64));
	return true;
}

void hvb_virtio_needs_reset(struct hvb_virtio_dev *vd)
{
	__u32 old = __atomic_fetch_or(&vd->status,
				      VIRTIO_CONFIG_S_NEEDS_RESET,
				      __ATOMIC_SEQ_CST);

	if (vd->vs)
		__atomic_fetch_or(&vd->vs->status, VIRTIO_CONFIG_S_NEEDS_RESET,
				  __ATOMIC_RELAXED);

	/* Virtio 1.2, 2.1.2: with DRIVER_OK set, NEEDS_RESET comes with a
	 * configuration change notification.  Once is enough. */
	if (!(old & VIRTIO_CONFIG_S_NEEDS_RESET))
		hvb_virtio_count_error(vd);
	if ((old & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(old & VIRTIO_CONFIG_S_NEEDS_RESET))
		hvb_virtio_raise(vd, VIRTIO_MMIO_INT_CONFIG);
}

bool hvb_virtio_is_broken(const struct hvb_virtio_dev *vd)
{
	return __atomic_load_n(&vd->status, __ATOMIC_ACQUIRE) &
	       VIRTIO_CONFIG_S_NEEDS_RESET;
}

void hvb_virtio_config_changed(struct hvb_virtio_dev *vd)
{
	/* Release: the new config bytes are visible to a reader that sees
	 * the new generation (the driver rereads until it is stable). */
	__atomic_fetch_add(&vd->config_gen, 1, __ATOMIC_RELEASE);
	if (vd->vs)
		__atomic_fetch_add(&vd->vs->config_gen, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&vd->status, __ATOMIC_ACQUIRE) &
	    VIRTIO_CONFIG_S_DRIVER_OK)
		hvb_virtio_raise(vd, VIRTIO_MMIO_INT_CONFIG);
}

void hvb_virtio_stop(struct hvb_virtio_dev *vd)
{
	/* Before the device's stop flag (blk: Barrier BLK-S, seq_cst),
	 * so its thread sees it with the flag. */
	vd->stopping = true;
	if (vd->live)
		vd->ops->reset(vd);
	hvb_vstate_detach(vd);
}
