/* SPDX-License-Identifier: MIT */
/*
 * vdriver.h - a virtio-mmio GUEST driver for the host tests: it builds
 * real split virtqueues in the simulated zone memory and drives a device
 * through the real channel: every register access is a synchronous
 * request through the hypervisor's producer (hyp_channel_sync()),
 * QueueNotify is a synchronous write or a posted kick
 * (hyp_channel_kick()), and interrupts arrive through the sim transport's
 * interrupt page.
 *
 * The driver side of each ring barrier pairs with the device side in
 * tool/virtio/virtqueue.c (Barrier VQ-A/B/C/D there; VQ-A'.. here).
 *
 * Nothing here asserts: functions return what happened, so a test can
 * check both correct behaviour and the failures it provokes.
 */
#ifndef HVB_TESTS_VIRTIO_VDRIVER_H
#define HVB_TESTS_VIRTIO_VDRIVER_H

#include <stdbool.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include <hyp/channel.h>

#include "transport.h"

#define VDRV_MAX_QUEUES	4u
#define VDRV_MAX_SIZE	256u

struct vdrv_vq {
	__u16 size;
	bool event_idx;
	struct vring vr;		/* guest views (our mapping) */
	__u64 desc_ipa, avail_ipa, used_ipa;
	__u16 avail_idx;		/* next avail->idx we publish */
	__u16 last_used;		/* next used element we read */
	__u16 kicked_at;		/* avail_idx at the last kick */
	__u16 free_head;
	__u16 num_free;
	/* Our own copy of each chain's links: a device cannot make us
	 * free the wrong descriptors. */
	__u16 next[VDRV_MAX_SIZE];
	__u16 chain_len[VDRV_MAX_SIZE];	/* at the head */
};

struct vdrv {
	struct hyp_producer *p;
	__u32 zone;
	__u64 base;			/* the device's window */
	int kick_dev;			/* -1: QueueNotify writes only */
	bool posted_kicks;		/* kick through the bitmap */
	__u8 *mem;			/* zone memory, our mapping */
	__u64 mem_ipa, mem_size;
	__u64 alloc_next;		/* bump allocator, offset in mem */
	const struct hvb_sim_irq_page *irqs;
	__u32 irq;
	__u32 irq_seen;			/* count[irq] handled so far */
	__u64 features;			/* negotiated */
	struct vdrv_vq vqs[VDRV_MAX_QUEUES];
};

/* One buffer of a request: device-readable (out) or -writable (in). */
struct vdrv_buf {
	__u64 ipa;
	__u32 len;
	bool writable;
};

/* Register access of @size bytes at window offset @off; returns the
 * channel status (HVB_STATUS_OK, HVB_STATUS_IO_ERROR, ...). */
__u32 vdrv_access(struct vdrv *d, __u64 off, __u32 size, bool is_write,
		  __u64 *value);
/* 32-bit read of @off; ~0u on failure (check with vdrv_access to tell). */
__u32 vdrv_read(struct vdrv *d, __u64 off);
__u32 vdrv_write(struct vdrv *d, __u64 off, __u32 value);

/* Guest memory: allocate @len zeroed bytes aligned to @align; the IPA. */
__u64 vdrv_alloc(struct vdrv *d, __u64 len, __u64 align);
void *vdrv_ptr(struct vdrv *d, __u64 ipa);

/*
 * The initialization of virtio 1.2, 3.1.1 up to FEATURES_OK: reset,
 * ACKNOWLEDGE, DRIVER, read the device features, accept @want & offered,
 * FEATURES_OK, and read it back.  Returns 0, or -1 when a register access
 * failed, -2 when the device is not a version 2 virtio-mmio device of
 * @device_id, -3 when FEATURES_OK did not stick.
 */
int vdrv_negotiate(struct vdrv *d, __u32 device_id, __u64 want);

/* Set up queue @q with @size entries at fresh guest memory; returns 0 or
 * the failing step (negative).  The rings are allocated and the
 * addresses written; QueueReady is written last. */
int vdrv_setup_vq(struct vdrv *d, __u32 q, __u16 size);
/* The same with the three ring addresses given (hostile tests). */
int vdrv_setup_vq_at(struct vdrv *d, __u32 q, __u16 size, __u64 desc,
		     __u64 avail, __u64 used);

/* Set DRIVER_OK.  Returns the status write's channel status. */
__u32 vdrv_driver_ok(struct vdrv *d);

/* Negotiate, set up @nr_queues of @size, DRIVER_OK; 0 or negative. */
int vdrv_init(struct vdrv *d, __u32 device_id, __u64 want,
	      __u32 nr_queues, __u16 size);

/*
 * Make a request of @n buffers (readable ones first) available on queue
 * @q.  @indirect puts them in an indirect table.  Returns the head, or -1
 * when there are not enough free descriptors.
 */
int vdrv_add(struct vdrv *d, __u32 q, const struct vdrv_buf *bufs,
	     unsigned int n, bool indirect);

/* Publish raw head @head without building a chain (hostile tests). */
void vdrv_add_raw_head(struct vdrv *d, __u32 q, __u16 head);

/* Does the device want a kick for what we added since the last one? */
bool vdrv_kick_needed(struct vdrv *d, __u32 q);
/* Kick queue @q (posted or QueueNotify, per d->posted_kicks); returns
 * the channel status. */
__u32 vdrv_kick(struct vdrv *d, __u32 q);

/* Take one used element: returns its id (head) and *len, or -1. */
int vdrv_get_used(struct vdrv *d, __u32 q, __u32 *len);
/* How many used elements are waiting. */
__u16 vdrv_used_pending(struct vdrv *d, __u32 q);

/* Interrupt suppression: EVENT_IDX used_event, or the avail flag. */
void vdrv_set_used_event(struct vdrv *d, __u32 q, __u16 event);
void vdrv_set_no_interrupt(struct vdrv *d, __u32 q, bool off);

/* Interrupts seen on the page since the last call (not waiting). */
__u32 vdrv_irqs_new(struct vdrv *d);
/* Wait up to @ms for an interrupt; true if one came. */
bool vdrv_wait_irq(struct vdrv *d, unsigned int ms);

/* Poll up to @ms for @n used elements on queue @q. */
bool vdrv_wait_used(struct vdrv *d, __u32 q, __u16 n, unsigned int ms);
/* Read InterruptStatus and acknowledge what it had, as an interrupt
 * handler does; the bits, or ~0u when an access failed. */
__u32 vdrv_isr_ack(struct vdrv *d);
/* Spin, never yielding, up to @ms for a used element on queue @q: for a
 * test that acts the moment the device's first chain comes back, while a
 * device thread on the other CPU may still be in its batch. */
bool vdrv_spin_used(struct vdrv *d, __u32 q, unsigned int ms);

#endif /* HVB_TESTS_VIRTIO_VDRIVER_H */
