// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio version 2 register file (virtio 1.2, 4.2.2) as a device
 * of the table: every access of a guest to a virtio window lands here, on
 * the consumer thread.
 *
 * What a guest can get wrong, and what it costs (docs/virtio.md):
 *  - an access other than 32 bits to a register, an unknown or read-only
 *    register written, a selector out of range, a queue size that is not
 *    a power of two or is above QueueNumMax, a queue register written
 *    while the queue is live, a config access outside the config space:
 *    that access fails (HVB_STATUS_IO_ERROR, the hypervisor injects a
 *    data abort) and nothing changes;
 *  - QueueReady with rings outside the zone's memory or misaligned, or
 *    with no valid size: DEVICE_NEEDS_RESET;
 *  - FEATURES_OK without VIRTIO_F_VERSION_1 or with bits never offered:
 *    FEATURES_OK stays clear, as the spec asks (3.1.1);
 *  - a bad ring or chain found later (virtqueue.c): DEVICE_NEEDS_RESET.
 * Each is logged once per kind; then the daemon carries on.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "virtio.h"
#include "virtqueue.h"
#include "virtio_priv.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtio is little-endian and so is every host we build for");

#define MMIO_MAGIC	0x74726976u	/* "virt" */
#define MMIO_VERSION	2u

#define mmio_refuse(vd, fmt, ...)					\
	({								\
		hvb_log_once(HVB_LOG_WARN,				\
			     "%s: " fmt "; access failed (said once)",	\
			     (vd)->dev->name, ##__VA_ARGS__);		\
		HVB_STATUS_IO_ERROR;					\
	})

static __u32 mmio_status(const struct hvb_virtio_dev *vd)
{
	return __atomic_load_n(&vd->status, __ATOMIC_ACQUIRE);
}

static __u64 mmio_offered(const struct hvb_virtio_dev *vd)
{
	return vd->ops->features | HVB_VIRTIO_CORE_FEATURES;
}

/* The selected queue, or NULL when QueueSel is out of range. */
static struct hvb_virtqueue *mmio_sel_vq(struct hvb_virtio_dev *vd)
{
	return vd->queue_sel < vd->ops->nr_queues ?
	       &vd->vqs[vd->queue_sel] : NULL;
}

static void mmio_reset(struct hvb_virtio_dev *vd)
{
	__u32 i;

	/* The device gives the queues back first (virtio.h): after this
	 * no other thread touches them, nor ORs into status or isr. */
	if (vd->live)
		vd->ops->reset(vd);
	for (i = 0; i < vd->ops->nr_queues; i++)
		hvb_vq_reset(&vd->vqs[i]);
	vd->device_features_sel = 0;
	vd->driver_features_sel = 0;
	vd->queue_sel = 0;
	vd->driver_features = 0;
	vd->features = 0;
	__atomic_store_n(&vd->isr, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&vd->status, 0, __ATOMIC_RELEASE);
}

/* A kick of queue @q, from QueueNotify or the kick bitmap. */
static void mmio_notify(struct hvb_virtio_dev *vd, __u32 q)
{
	struct hvb_virtqueue *vq;

	if (q >= vd->ops->nr_queues) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: notify of queue %u, which does not exist; ignored (said once)",
			     vd->dev->name, q);
		return;
	}
	vq = &vd->vqs[q];
	/* Before DRIVER_OK buffers wait (virtio 1.2, 3.1.1: the device
	 * uses none); DRIVER_OK then notifies every ready queue. */
	if (!vq->ready || hvb_virtio_is_broken(vd) ||
	    !(mmio_status(vd) & VIRTIO_CONFIG_S_DRIVER_OK))
		return;
	vd->ops->notify(vd, vq);
}

/* Bits the driver sets in Status (never NEEDS_RESET: that is ours). */
static __u32 mmio_write_status(struct hvb_virtio_dev *vd, __u32 value)
{
	__u32 old = mmio_status(vd), set, i;

	if (value == 0) {
		mmio_reset(vd);
		return HVB_STATUS_OK;
	}
	set = value & ~old & ~(__u32)VIRTIO_CONFIG_S_NEEDS_RESET;
	if (set & VIRTIO_CONFIG_S_FEATURES_OK) {
		__u64 f = vd->driver_features;

		if (!(f & (1ull << VIRTIO_F_VERSION_1))) {
			hvb_log_once(HVB_LOG_WARN,
				     "%s: driver did not accept VIRTIO_F_VERSION_1; FEATURES_OK refused (said once)",
				     vd->dev->name);
			set &= ~(__u32)VIRTIO_CONFIG_S_FEATURES_OK;
		} else if (f & ~mmio_offered(vd)) {
			hvb_log_once(HVB_LOG_WARN,
				     "%s: driver accepted features 0x%llx never offered; FEATURES_OK refused (said once)",
				     vd->dev->name,
				     (unsigned long long)(f & ~mmio_offered(vd)));
			set &= ~(__u32)VIRTIO_CONFIG_S_FEATURES_OK;
		} else if (vd->ops->features_ok &&
			   !vd->ops->features_ok(vd, f)) {
			set &= ~(__u32)VIRTIO_CONFIG_S_FEATURES_OK;
		} else {
			vd->features = f;
		}
	}
	if ((set & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !((old | set) & VIRTIO_CONFIG_S_FEATURES_OK))
		return mmio_refuse(vd, "DRIVER_OK before FEATURES_OK");
	/* An OR, not a store: NEEDS_RESET set meanwhile by a device
	 * thread must survive. */
	__atomic_fetch_or(&vd->status, set, __ATOMIC_SEQ_CST);
	if (set & VIRTIO_CONFIG_S_DRIVER_OK) {
		if (vd->ops->driver_ok)
			vd->ops->driver_ok(vd);
		for (i = 0; i < vd->ops->nr_queues; i++)
			mmio_notify(vd, i);
	}
	return HVB_STATUS_OK;
}

static __u32 mmio_queue_ready(struct hvb_virtio_dev *vd,
			      struct hvb_virtqueue *vq, __u32 value)
{
	const char *why = NULL;

	if (value == 0) {
		if (vq->ready)
			return mmio_refuse(vd, "QueueReady 0 on a live queue (no VIRTIO_F_RING_RESET): reset the device");
		return HVB_STATUS_OK;
	}
	if (vq->ready)
		return HVB_STATUS_OK;
	if (!(mmio_status(vd) & VIRTIO_CONFIG_S_FEATURES_OK))
		return mmio_refuse(vd, "QueueReady before FEATURES_OK");
	if (hvb_vq_start(vq, vd, (__u16)vd->queue_sel, vd->ops->queue_max,
			 &why)) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: queue %u not usable: %s; device needs reset (said once)",
			     vd->dev->name, vd->queue_sel, why);
		hvb_virtio_needs_reset(vd);
	}
	return HVB_STATUS_OK;
}

/* Low or high half of a 64-bit queue address register. */
static void mmio_set_half(__u64 *reg, bool high, __u32 value)
{
	if (high)
		*reg = (*reg & 0xffffffffull) | ((__u64)value << 32);
	else
		*reg = (*reg & ~0xffffffffull) | value;
}

static __u32 mmio_write_queue(struct hvb_virtio_dev *vd, __u64 off,
			      __u32 value)
{
	struct hvb_virtqueue *vq = mmio_sel_vq(vd);

	if (!vq)
		return mmio_refuse(vd, "queue register 0x%llx written with QueueSel %u out of range",
				   (unsigned long long)off, vd->queue_sel);
	if (off == VIRTIO_MMIO_QUEUE_READY)
		return mmio_queue_ready(vd, vq, value);
	if (vq->ready)
		return mmio_refuse(vd, "queue register 0x%llx written while the queue is live",
				   (unsigned long long)off);
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		if (value == 0 || (value & (value - 1)) ||
		    value > vd->ops->queue_max)
			return mmio_refuse(vd, "queue size %u is not a power of two <= %u",
					   value, vd->ops->queue_max);
		vq->num = value;
		return HVB_STATUS_OK;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		mmio_set_half(&vq->desc_addr,
			      off == VIRTIO_MMIO_QUEUE_DESC_HIGH, value);
		return HVB_STATUS_OK;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		mmio_set_half(&vq->driver_addr,
			      off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, value);
		return HVB_STATUS_OK;
	default:	/* VIRTIO_MMIO_QUEUE_USED_LOW/HIGH */
		mmio_set_half(&vq->device_addr,
			      off == VIRTIO_MMIO_QUEUE_USED_HIGH, value);
		return HVB_STATUS_OK;
	}
}

static __u32 mmio_write(struct hvb_virtio_dev *vd, __u64 off, __u32 value)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vd->device_features_sel = value;
		return HVB_STATUS_OK;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vd->driver_features_sel = value;
		return HVB_STATUS_OK;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (mmio_status(vd) & VIRTIO_CONFIG_S_FEATURES_OK)
			return mmio_refuse(vd, "DriverFeatures written after FEATURES_OK");
		if (vd->driver_features_sel > 1)
			return value ? mmio_refuse(vd, "features word %u does not exist",
						   vd->driver_features_sel) :
				       HVB_STATUS_OK;
		mmio_set_half(&vd->driver_features,
			      vd->driver_features_sel == 1, value);
		return HVB_STATUS_OK;
	case VIRTIO_MMIO_QUEUE_SEL:
		/* Checked where it is used: reads of a missing queue
		 * answer 0 (that is how drivers count queues). */
		vd->queue_sel = value;
		return HVB_STATUS_OK;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		return mmio_write_queue(vd, off, value);
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (value >= vd->ops->nr_queues)
			return mmio_refuse(vd, "QueueNotify of queue %u out of range",
					   value);
		mmio_notify(vd, value);
		return HVB_STATUS_OK;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		__atomic_fetch_and(&vd->isr, ~value, __ATOMIC_SEQ_CST);
		return HVB_STATUS_OK;
	case VIRTIO_MMIO_STATUS:
		return mmio_write_status(vd, value);
	case VIRTIO_MMIO_SHM_SEL:
		return HVB_STATUS_OK;	/* no shared memory regions */
	default:
		return mmio_refuse(vd, "write of read-only or unknown register 0x%llx",
				   (unsigned long long)off);
	}
}

static __u32 mmio_read(struct hvb_virtio_dev *vd, __u64 off, __u32 *out)
{
	struct hvb_virtqueue *vq = mmio_sel_vq(vd);
	__u64 f;

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		*out = MMIO_MAGIC;
		break;
	case VIRTIO_MMIO_VERSION:
		*out = MMIO_VERSION;
		break;
	case VIRTIO_MMIO_DEVICE_ID:
		*out = vd->ops->device_id;
		break;
	case VIRTIO_MMIO_VENDOR_ID:
		*out = HVB_VIRTIO_VENDOR_ID;
		break;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		f = mmio_offered(vd);
		*out = vd->device_features_sel == 0 ? (__u32)f :
		       vd->device_features_sel == 1 ? (__u32)(f >> 32) : 0;
		break;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		*out = vq ? vd->ops->queue_max : 0;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		*out = vq ? vq->ready : 0;
		break;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		*out = __atomic_load_n(&vd->isr, __ATOMIC_SEQ_CST);
		break;
	case VIRTIO_MMIO_STATUS:
		*out = mmio_status(vd);
		break;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		*out = ~0u;	/* virtio 1.2, 4.2.2: no such region */
		break;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		*out = __atomic_load_n(&vd->config_gen, __ATOMIC_ACQUIRE);
		break;
	default:
		return mmio_refuse(vd, "read of write-only or unknown register 0x%llx",
				   (unsigned long long)off);
	}
	return HVB_STATUS_OK;
}

static __u32 mmio_config(struct hvb_virtio_dev *vd, __u64 off, __u32 size,
			 bool is_write, __u64 *value)
{
	__u32 v = 0;

	if (size > 4 || off >= vd->config_size ||
	    size > vd->config_size - off)
		return mmio_refuse(vd, "config access at 0x%llx, %u bytes, outside its %u bytes",
				   (unsigned long long)off, size,
				   vd->config_size);
	if (!is_write) {
		/* Little-endian host: the bytes are the value. */
		memcpy(&v, (__u8 *)vd->config + off, size);
		*value = v;
		return HVB_STATUS_OK;
	}
	if (!vd->ops->config_write ||
	    !vd->ops->config_write(vd, (__u32)off, size, (__u32)*value))
		return mmio_refuse(vd, "config write at 0x%llx refused",
				   (unsigned long long)off);
	return HVB_STATUS_OK;
}

static __u32 mmio_access(struct hvb_device *d, __u64 offset, __u32 size,
			 bool is_write, __u64 *value)
{
	struct hvb_virtio_dev *vd = d->priv;
	__u32 v = 0, status;

	if (offset >= VIRTIO_MMIO_CONFIG)
		return mmio_config(vd, offset - VIRTIO_MMIO_CONFIG, size,
				   is_write, value);
	if (size != 4 || offset % 4)
		return mmio_refuse(vd, "%u-byte access to register 0x%llx",
				   size, (unsigned long long)offset);
	if (is_write)
		return mmio_write(vd, offset, (__u32)*value);
	status = mmio_read(vd, offset, &v);
	*value = v;
	return status;
}

static void mmio_kick(struct hvb_device *d, __u32 queue)
{
	mmio_notify(d->priv, queue);
}

static void mmio_destroy(struct hvb_device *d)
{
	struct hvb_virtio_dev *vd = d->priv;

	if (!vd)
		return;
	mmio_reset(vd);
	if (vd->live && vd->ops->destroy)
		vd->ops->destroy(vd);
	free(vd->vqs);
	free(vd);
	d->priv = NULL;
}

const struct hvb_device_ops hvb_virtio_mmio_ops = {
	.type = "virtio-mmio",
	.access = mmio_access,
	.kick = mmio_kick,
	.destroy = mmio_destroy,
};
