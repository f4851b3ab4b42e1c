// SPDX-License-Identifier: MIT
/*
 * The test guest driver (vdriver.h).  Written from the virtio 1.2 spec's
 * driver requirements, as a guest kernel would: the device is reached
 * only through the channel, the rings only through zone memory.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>

#include "vdriver.h"

static __u64 vdrv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

__u32 vdrv_access(struct vdrv *d, __u64 off, __u32 size, bool is_write,
		  __u64 *value)
{
	return hyp_channel_sync(d->p, d->zone, d->base + off, size,
				is_write ? HVB_REQ_WRITE : 0, value);
}

__u32 vdrv_read(struct vdrv *d, __u64 off)
{
	__u64 v = 0;

	if (vdrv_access(d, off, 4, false, &v) != HVB_STATUS_OK)
		return ~0u;
	return (__u32)v;
}

__u32 vdrv_write(struct vdrv *d, __u64 off, __u32 value)
{
	__u64 v = value;

	return vdrv_access(d, off, 4, true, &v);
}

__u64 vdrv_alloc(struct vdrv *d, __u64 len, __u64 align)
{
	__u64 off = (d->alloc_next + align - 1) & ~(align - 1);

	if (off > d->mem_size || len > d->mem_size - off)
		return 0;
	d->alloc_next = off + len;
	memset(d->mem + off, 0, len);
	return d->mem_ipa + off;
}

void *vdrv_ptr(struct vdrv *d, __u64 ipa)
{
	return d->mem + (ipa - d->mem_ipa);
}

static __u32 vdrv_status(struct vdrv *d)
{
	return vdrv_read(d, VIRTIO_MMIO_STATUS);
}

static int vdrv_set_status(struct vdrv *d, __u32 bits)
{
	return vdrv_write(d, VIRTIO_MMIO_STATUS, vdrv_status(d) | bits) ==
	       HVB_STATUS_OK ? 0 : -1;
}

int vdrv_negotiate(struct vdrv *d, __u32 device_id, __u64 want)
{
	__u64 offered;

	if (vdrv_read(d, VIRTIO_MMIO_MAGIC_VALUE) != 0x74726976u ||
	    vdrv_read(d, VIRTIO_MMIO_VERSION) != 2 ||
	    vdrv_read(d, VIRTIO_MMIO_DEVICE_ID) != device_id)
		return -2;
	if (vdrv_write(d, VIRTIO_MMIO_STATUS, 0) != HVB_STATUS_OK ||
	    vdrv_status(d) != 0)
		return -1;
	memset(d->vqs, 0, sizeof(d->vqs));
	if (vdrv_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE) ||
	    vdrv_set_status(d, VIRTIO_CONFIG_S_DRIVER))
		return -1;
	if (vdrv_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1))
		return -1;
	offered = (__u64)vdrv_read(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	if (vdrv_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0))
		return -1;
	offered |= vdrv_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
	d->features = want & offered;
	if (vdrv_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1) ||
	    vdrv_write(d, VIRTIO_MMIO_DRIVER_FEATURES,
		       (__u32)(d->features >> 32)) ||
	    vdrv_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0) ||
	    vdrv_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (__u32)d->features))
		return -1;
	if (vdrv_set_status(d, VIRTIO_CONFIG_S_FEATURES_OK))
		return -1;
	if (!(vdrv_status(d) & VIRTIO_CONFIG_S_FEATURES_OK))
		return -3;
	return 0;
}

int vdrv_setup_vq_at(struct vdrv *d, __u32 q, __u16 size, __u64 desc,
		     __u64 avail, __u64 used)
{
	struct vdrv_vq *vq = &d->vqs[q % VDRV_MAX_QUEUES];
	__u16 i;

	if (vdrv_write(d, VIRTIO_MMIO_QUEUE_SEL, q))
		return -1;
	if (vdrv_read(d, VIRTIO_MMIO_QUEUE_READY) != 0)
		return -2;
	if (vdrv_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX) < size)
		return -3;
	memset(vq, 0, sizeof(*vq));
	vq->size = size;
	vq->event_idx = d->features & (1ull << VIRTIO_RING_F_EVENT_IDX);
	vq->desc_ipa = desc;
	vq->avail_ipa = avail;
	vq->used_ipa = used;
	vq->vr.num = size;
	/* Views only where the rings are in our memory (a hostile test may
	 * put them elsewhere, and then never touches them). */
	if (desc >= d->mem_ipa && desc - d->mem_ipa < d->mem_size) {
		vq->vr.desc = vdrv_ptr(d, desc);
		vq->vr.avail = vdrv_ptr(d, avail);
		vq->vr.used = vdrv_ptr(d, used);
	}
	for (i = 0; i < size; i++)
		vq->next[i] = (__u16)(i + 1);
	vq->num_free = size;
	if (vdrv_write(d, VIRTIO_MMIO_QUEUE_NUM, size) ||
	    vdrv_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (__u32)desc) ||
	    vdrv_write(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (__u32)(desc >> 32)) ||
	    vdrv_write(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (__u32)avail) ||
	    vdrv_write(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH,
		       (__u32)(avail >> 32)) ||
	    vdrv_write(d, VIRTIO_MMIO_QUEUE_USED_LOW, (__u32)used) ||
	    vdrv_write(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (__u32)(used >> 32)))
		return -4;
	if (vdrv_write(d, VIRTIO_MMIO_QUEUE_READY, 1))
		return -5;
	return 0;
}

int vdrv_setup_vq(struct vdrv *d, __u32 q, __u16 size)
{
	__u64 desc = vdrv_alloc(d, 16ull * size, 16);
	__u64 avail = vdrv_alloc(d, 6 + 2ull * size, 2);
	__u64 used = vdrv_alloc(d, 6 + 8ull * size, 4);

	if (!desc || !avail || !used)
		return -6;
	return vdrv_setup_vq_at(d, q, size, desc, avail, used);
}

__u32 vdrv_driver_ok(struct vdrv *d)
{
	return vdrv_write(d, VIRTIO_MMIO_STATUS,
			  vdrv_status(d) | VIRTIO_CONFIG_S_DRIVER_OK);
}

int vdrv_init(struct vdrv *d, __u32 device_id, __u64 want,
	      __u32 nr_queues, __u16 size)
{
	__u32 q;
	int err;

	err = vdrv_negotiate(d, device_id, want);
	if (err)
		return err;
	for (q = 0; q < nr_queues; q++) {
		err = vdrv_setup_vq(d, q, size);
		if (err)
			return err - 10;
	}
	if (vdrv_driver_ok(d) != HVB_STATUS_OK)
		return -20;
	return vdrv_status(d) & VIRTIO_CONFIG_S_DRIVER_OK ? 0 : -21;
}

static void vdrv_publish(struct vdrv_vq *vq, __u16 head)
{
	vq->vr.avail->ring[vq->avail_idx % vq->size] = head;
	vq->avail_idx++;
	/* Barrier VQ-A': the ring entry and the descriptors before the
	 * index; pairs with the device's acquire of avail->idx (VQ-A). */
	__atomic_store_n(&vq->vr.avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
}

int vdrv_add(struct vdrv *d, __u32 q, const struct vdrv_buf *bufs,
	     unsigned int n, bool indirect)
{
	struct vdrv_vq *vq = &d->vqs[q % VDRV_MAX_QUEUES];
	unsigned int need = indirect ? 1 : n, i;
	struct vring_desc *table;
	__u16 head, idx;

	if (!n || vq->num_free < need)
		return -1;
	head = vq->free_head;
	if (indirect) {
		__u64 ipa = vdrv_alloc(d, 16ull * n, 16);

		if (!ipa)
			return -1;
		table = vdrv_ptr(d, ipa);
		for (i = 0; i < n; i++) {
			table[i].addr = bufs[i].ipa;
			table[i].len = bufs[i].len;
			table[i].flags = (__u16)(
				(bufs[i].writable ? VRING_DESC_F_WRITE : 0) |
				(i + 1 < n ? VRING_DESC_F_NEXT : 0));
			table[i].next = (__u16)(i + 1);
		}
		vq->vr.desc[head].addr = ipa;
		vq->vr.desc[head].len = (__u32)(16 * n);
		vq->vr.desc[head].flags = VRING_DESC_F_INDIRECT;
		vq->free_head = vq->next[head];
	} else {
		idx = head;
		for (i = 0; i < n; i++) {
			struct vring_desc *desc = &vq->vr.desc[idx];

			desc->addr = bufs[i].ipa;
			desc->len = bufs[i].len;
			desc->flags = (__u16)(
				(bufs[i].writable ? VRING_DESC_F_WRITE : 0) |
				(i + 1 < n ? VRING_DESC_F_NEXT : 0));
			desc->next = vq->next[idx];
			if (i + 1 < n)
				idx = vq->next[idx];
		}
		vq->free_head = vq->next[idx];
	}
	vq->num_free = (__u16)(vq->num_free - need);
	vq->chain_len[head] = (__u16)need;
	vdrv_publish(vq, head);
	return head;
}

void vdrv_add_raw_head(struct vdrv *d, __u32 q, __u16 head)
{
	vdrv_publish(&d->vqs[q % VDRV_MAX_QUEUES], head);
}

bool vdrv_kick_needed(struct vdrv *d, __u32 q)
{
	struct vdrv_vq *vq = &d->vqs[q % VDRV_MAX_QUEUES];
	__u16 old = vq->kicked_at, new = vq->avail_idx;

	/* Barrier VQ-D': the avail->idx store before the read of
	 * avail_event (used->flags); pairs with the device's VQ-D. */
	hvb_mb();
	vq->kicked_at = new;
	if (vq->event_idx)
		return vring_need_event(__atomic_load_n(&vring_avail_event(
						&vq->vr), __ATOMIC_RELAXED),
					new, old);
	return !(__atomic_load_n(&vq->vr.used->flags, __ATOMIC_RELAXED) &
		 VRING_USED_F_NO_NOTIFY);
}

__u32 vdrv_kick(struct vdrv *d, __u32 q)
{
	if (d->posted_kicks && d->kick_dev >= 0 &&
	    !hyp_channel_kick(d->p, (__u32)d->kick_dev, q))
		return HVB_STATUS_OK;
	return vdrv_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

__u16 vdrv_used_pending(struct vdrv *d, __u32 q)
{
	struct vdrv_vq *vq = &d->vqs[q % VDRV_MAX_QUEUES];

	/* Barrier VQ-B': pairs with the device's release of used->idx. */
	return (__u16)(__atomic_load_n(&vq->vr.used->idx, __ATOMIC_ACQUIRE) -
		       vq->last_used);
}

int vdrv_get_used(struct vdrv *d, __u32 q, __u32 *len)
{
	struct vdrv_vq *vq = &d->vqs[q % VDRV_MAX_QUEUES];
	struct vring_used_elem e;
	__u16 head, i, idx;

	if (!vdrv_used_pending(d, q))
		return -1;
	e = vq->vr.used->ring[vq->last_used % vq->size];
	vq->last_used++;
	if (e.id >= vq->size || !vq->chain_len[e.id])
		return -1;	/* a device bug; the test sees -1 */
	head = (__u16)e.id;
	idx = head;
	for (i = 1; i < vq->chain_len[head]; i++)
		idx = vq->next[idx];
	vq->next[idx] = vq->free_head;
	vq->free_head = head;
	vq->num_free = (__u16)(vq->num_free + vq->chain_len[head]);
	vq->chain_len[head] = 0;
	*len = e.len;
	return head;
}

void vdrv_set_used_event(struct vdrv *d, __u32 q, __u16 event)
{
	struct vdrv_vq *vq = &d->vqs[q % VDRV_MAX_QUEUES];

	__atomic_store_n(&vring_used_event(&vq->vr), event, __ATOMIC_RELAXED);
	/* Barrier VQ-C': used_event before any later read of used->idx;
	 * pairs with the device's VQ-C. */
	hvb_mb();
}

void vdrv_set_no_interrupt(struct vdrv *d, __u32 q, bool off)
{
	struct vdrv_vq *vq = &d->vqs[q % VDRV_MAX_QUEUES];

	__atomic_store_n(&vq->vr.avail->flags,
			 off ? VRING_AVAIL_F_NO_INTERRUPT : 0,
			 __ATOMIC_RELAXED);
	hvb_mb();	/* Barrier VQ-C', as above */
}

__u32 vdrv_irqs_new(struct vdrv *d)
{
	/* Barrier I': pairs with the transport's seq_cst add (Barrier I). */
	__u32 now = hvb_load_acquire_u32(&d->irqs->count[d->irq]);
	__u32 n = now - d->irq_seen;

	d->irq_seen = now;
	return n;
}

bool vdrv_wait_irq(struct vdrv *d, unsigned int ms)
{
	__u64 end = vdrv_now_ns() + (__u64)ms * 1000000ull;
	const __u32 *word = &d->irqs->count[d->irq];

	for (;;) {
		__u32 now = hvb_load_acquire_u32(word);
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (now != d->irq_seen) {
			d->irq_seen = now;
			return true;
		}
		if (vdrv_now_ns() > end)
			return false;
		/* Shared futex: the waker maps the page too. */
		syscall(SYS_futex, word, FUTEX_WAIT, now, &ts, NULL, 0);
	}
}

bool vdrv_wait_used(struct vdrv *d, __u32 q, __u16 n, unsigned int ms)
{
	__u64 end = vdrv_now_ns() + (__u64)ms * 1000000ull;

	while (vdrv_used_pending(d, q) < n) {
		if (vdrv_now_ns() > end)
			return false;
		sched_yield();
	}
	return true;
}

__u32 vdrv_isr_ack(struct vdrv *d)
{
	__u32 isr = vdrv_read(d, VIRTIO_MMIO_INTERRUPT_STATUS);

	if (isr == ~0u ||
	    vdrv_write(d, VIRTIO_MMIO_INTERRUPT_ACK, isr) != HVB_STATUS_OK)
		return ~0u;
	return isr;
}

bool vdrv_spin_used(struct vdrv *d, __u32 q, unsigned int ms)
{
	__u64 end = vdrv_now_ns() + (__u64)ms * 1000000ull;

	while (!vdrv_used_pending(d, q))
		if (vdrv_now_ns() > end)
			return false;
	return true;
}
