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
#include "vstate.h"

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
	/* The state too (the queues' records went with hvb_vq_reset()):
	 * status last, so a state read as reset is wholly reset. */
	hvb_vstate_save_regs(vd);
	if (vd->vs) {
		__atomic_store_n(&vd->vs->isr, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&vd->vs->status, 0, __ATOMIC_RELEASE);
	}
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
	if (vd->vs) {
		/* Features and queues first: a state whose status says
		 * FEATURES_OK or DRIVER_OK has them (vstate.h). */
		hvb_vstate_save_regs(vd);
		__atomic_fetch_or(&vd->vs->status, set, __ATOMIC_SEQ_CST);
	}
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
		if (vd->vs)
			__atomic_fetch_and(&vd->vs->isr, ~value,
					   __ATOMIC_SEQ_CST);
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

/*
 * InterruptStatus.  A device thread publishes used->idx (hvb_vq_push())
 * before it sets the used-buffer bit (hvb_vq_notify_guest(), once per
 * batch): the other order could have a driver ack the bit before it can
 * see the chain, and then find the next interrupt's bit gone.  A driver
 * that polls used->idx and then reads this register could see the gap;
 * the device's settle() closes it.  Ordering: the driver's acquire of
 * used->idx, its trap and the channel's release/acquire (Barriers A/A')
 * put that push before this read; settle() puts the thread's notify
 * before the second load (virtio-blk: through the I/O thread's lock;
 * virtio-net and the console: Barrier IO-B, iothread.c).
 */
static __u32 mmio_isr(struct hvb_virtio_dev *vd)
{
	__u32 isr = __atomic_load_n(&vd->isr, __ATOMIC_SEQ_CST);

	if (!(isr & VIRTIO_MMIO_INT_VRING) && vd->ops->settle) {
		vd->ops->settle(vd);
		isr = __atomic_load_n(&vd->isr, __ATOMIC_SEQ_CST);
	}
	return isr;
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
		*out = mmio_isr(vd);
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
	if (is_write) {
		status = mmio_write(vd, offset, (__u32)*value);
		/* Copy the register file into the state after a write that
		 * may have changed it.  Not after the two writes of the
		 * serving path, QueueNotify and InterruptACK: they change no
		 * register the state holds (InterruptACK keeps the state's
		 * isr itself), and the copy is a store per register and a
		 * release per queue. */
		if (status == HVB_STATUS_OK &&
		    offset != VIRTIO_MMIO_QUEUE_NOTIFY &&
		    offset != VIRTIO_MMIO_INTERRUPT_ACK)
			hvb_vstate_save_regs(vd);
		return status;
	}
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
	/* Never reset a state file: a next daemon resumes from it. */
	if (vd->vs_fd >= 0)
		hvb_virtio_stop(vd);
	mmio_reset(vd);
	if (vd->live && vd->ops->destroy)
		vd->ops->destroy(vd);
	free(vd->vqs);
	free(vd->vs_own);
	free(vd);
	d->priv = NULL;
}

/* Resume's checks of the register file; NULL or what is wrong. */
static const char *mmio_resume_regs(struct hvb_virtio_dev *vd)
{
	const struct hvb_vstate *vs = vd->vs;
	__u32 status = vs->status, i;

	if (status & ~(__u32)(VIRTIO_CONFIG_S_ACKNOWLEDGE |
			      VIRTIO_CONFIG_S_DRIVER |
			      VIRTIO_CONFIG_S_FEATURES_OK |
			      VIRTIO_CONFIG_S_DRIVER_OK |
			      VIRTIO_CONFIG_S_NEEDS_RESET |
			      VIRTIO_CONFIG_S_FAILED))
		return "unknown status bits";
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(status & VIRTIO_CONFIG_S_FEATURES_OK))
		return "DRIVER_OK without FEATURES_OK";
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    (!(vs->features & (1ull << VIRTIO_F_VERSION_1)) ||
	     (vs->features & ~mmio_offered(vd))))
		return "negotiated features that were not offered";
	if (!(status & VIRTIO_CONFIG_S_FEATURES_OK) && vs->features)
		return "features without FEATURES_OK";
	vd->device_features_sel = vs->device_features_sel;
	vd->driver_features_sel = vs->driver_features_sel;
	vd->queue_sel = vs->queue_sel;
	vd->driver_features = vs->driver_features;
	vd->features = vs->features;
	__atomic_store_n(&vd->config_gen, vs->config_gen, __ATOMIC_RELEASE);
	__atomic_store_n(&vd->isr, vs->isr & (VIRTIO_MMIO_INT_VRING |
					      VIRTIO_MMIO_INT_CONFIG),
			 __ATOMIC_RELEASE);
	__atomic_store_n(&vd->status, status, __ATOMIC_RELEASE);
	for (i = 0; i < vd->ops->nr_queues; i++) {
		const struct hvb_vstate_queue *q = &vs->q[i];
		struct hvb_virtqueue *vq = &vd->vqs[i];

		if (q->num > vd->ops->queue_max || (q->num & (q->num - 1)))
			return "a queue size is not a power of two <= QueueNumMax";
		if (q->ready > 1 ||
		    (q->ready && !(status & VIRTIO_CONFIG_S_FEATURES_OK)))
			return "a queue is ready without FEATURES_OK";
		vq->num = q->num;
		vq->desc_addr = q->desc_addr;
		vq->driver_addr = q->driver_addr;
		vq->device_addr = q->device_addr;
	}
	return NULL;
}

void hvb_virtio_resume(struct hvb_virtio_dev *vd)
{
	const char *why = mmio_resume_regs(vd);
	bool any_ready = false;
	__u32 i, rerun = 0;

	for (i = 0; !why && i < vd->ops->nr_queues; i++) {
		struct hvb_virtqueue *vq = &vd->vqs[i];

		if (!vd->vs->q[i].ready)
			continue;
		/* The checks of QueueReady, then those of the record. */
		if (hvb_vq_start(vq, vd, (__u16)i, vd->ops->queue_max, &why) ||
		    hvb_vq_resume(vq, &why))
			break;
		any_ready = true;
	}
	if (why) {
		hvb_warn("%s: its state file cannot be resumed: %s; device needs reset",
			 vd->dev->name, why);
		for (i = 0; i < vd->ops->nr_queues; i++)
			vd->vqs[i].ready = false;
		hvb_vstate_save_regs(vd);
		hvb_virtio_needs_reset(vd);
		return;
	}
	for (i = 0; i < vd->ops->nr_queues; i++)
		rerun += vd->vqs[i].nr_resubmit;
	hvb_info("%s: resumed (status 0x%x), %u request%s in flight to run again",
		 vd->dev->name, mmio_status(vd), rerun, rerun == 1 ? "" : "s");
	if (!(mmio_status(vd) & VIRTIO_CONFIG_S_DRIVER_OK) ||
	    hvb_virtio_is_broken(vd))
		return;
	if (vd->ops->driver_ok)
		vd->ops->driver_ok(vd);
	for (i = 0; i < vd->ops->nr_queues; i++)
		mmio_notify(vd, i);
	/* The dead daemon may have published used entries and died
	 * before their interrupt: owe one.  A spurious one costs the
	 * driver a look at its used ring. */
	if (any_ready)
		hvb_virtio_raise(vd, VIRTIO_MMIO_INT_VRING);
}

/*
 * The zone was stopped for good (docs/abi.md, "Zone restarts"): the
 * reset a driver's Status = 0 makes, so that nothing of the old run (a
 * ready queue's rings, an in-flight record, a device thread filling a
 * buffer the old guest posted) reaches the zone's next run; then the
 * state file says which run it is.  The consumer acknowledges after.
 */
static void mmio_zone_reset(struct hvb_device *d, __u32 gen)
{
	struct hvb_virtio_dev *vd = d->priv;

	if (!vd)
		return;
	mmio_reset(vd);
	if (vd->vs)
		__atomic_store_n(&vd->vs->zone_gen, gen, __ATOMIC_RELEASE);
}

const struct hvb_device_ops hvb_virtio_mmio_ops = {
	.type = "virtio-mmio",
	.access = mmio_access,
	.kick = mmio_kick,
	.notify_off = HVB_VIRTIO_MMIO_NOTIFY,	/* QueueNotify */
	.destroy = mmio_destroy,
	.zone_reset = mmio_zone_reset,
};
