/* SPDX-License-Identifier: MIT */
/*
 * virtqueue.h - the device side of a split virtqueue (virtio 1.2, 2.7):
 * pop the driver's available descriptor chains as validated host
 * segments, push used elements back, and decide when the guest wants an
 * interrupt (EVENT_IDX or the flags).
 *
 * Every guest-controlled value is checked before use:
 *  - at start (QueueReady): size a power of two <= the device's max; the
 *    three rings translated whole through the zone's memory map
 *    (guestmem.h), including the event words;
 *  - at pop: avail->idx may not run more than the queue size ahead of
 *    what we consumed; a head index < size; every descriptor's (addr,
 *    len) inside one memory region, no wrap; next < size; a chain no
 *    longer than the queue size (so a loop ends as "too long"); readable
 *    descriptors before writable ones; an indirect table inside guest
 *    memory, its length a non-zero multiple of 16 holding at most
 *    queue-size descriptors, not itself flagged NEXT together with
 *    INDIRECT, and no indirect descriptor inside it (no nesting);
 *    INDIRECT only when negotiated.
 * A violation marks the device NEEDS_RESET (hvb_virtio_needs_reset()),
 * logs once, and the queue returns errors until the device is reset: the
 * daemon carries on, the guest driver resets.
 *
 * Who writes what in the rings (the shared fields):
 *   desc[], avail->flags/idx/ring[], used_event  the driver; we only read
 *   used->flags/idx/ring[], avail_event          we write; the driver reads
 * Every barrier in virtqueue.c names the driver-side barrier it pairs with.
 *
 * Threading: the functions below (other than hvb_vq_start/reset, which
 * the core calls) run on the thread that owns the queue (virtio.h).
 */
#ifndef HVB_TOOL_VIRTQUEUE_H
#define HVB_TOOL_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include <linux/virtio_ring.h>

#include "guestmem.h"
#include "virtio.h"

struct hvb_virtqueue {
	/* Register state: written by the consumer thread (mmio.c) while
	 * the queue is not ready, read back by the driver. */
	__u32 num;		/* QueueNum */
	__u64 desc_addr;	/* QueueDescLow/High */
	__u64 driver_addr;	/* QueueDriverLow/High: the avail ring */
	__u64 device_addr;	/* QueueDeviceLow/High: the used ring */
	bool ready;		/* QueueReady */

	/* Set by hvb_vq_start(), constant until hvb_vq_reset(). */
	struct hvb_virtio_dev *vd;
	const struct hvb_guestmem *mem;
	__u16 index;		/* queue number in the device */
	__u16 size;		/* num, checked */
	bool event_idx;		/* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;		/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	struct vring_desc *desc;	/* host views of guest memory */
	struct vring_avail *avail;
	struct vring_used *used;
	__u16 *used_event;	/* avail->ring[size]: driver-written */
	__u16 *avail_event;	/* after used->ring[size]: we write it */

	/* Owned by the thread that processes the queue. */
	__u16 last_avail;	/* next avail->ring entry to pop */
	__u16 used_idx;		/* our copy of used->idx */
	__u16 signalled_used;	/* used_idx when we last interrupted */
	bool signalled_valid;	/* false until the first interrupt */
	bool broken;		/* a violation was found: pop fails */
	/* The rule the first violation broke: vq_refuse()'s format string
	 * (a constant), NULL until then.  For tests and diagnostics: of two
	 * rules a chain breaks, it tells which one caught it. */
	const char *refused;

	/* The queue's record in the device's state (vstate.h: the state
	 * file's, or the device's private copy); NULL only for a queue
	 * made outside a device (the fuzz target).  Set by the core. */
	struct hvb_vstate_queue *vs;
	/* Heads found in flight at resume (hvb_vq_resume()): pop hands
	 * them out again, before anything new from the ring. */
	__u16 resubmit[HVB_VIRTIO_QUEUE_MAX];
	__u16 nr_resubmit;
};

/* A chain's segments: device-readable first, then device-writable. */
struct hvb_vq_chain {
	__u16 head;		/* give it back with hvb_vq_push() */
	__u16 nr_read;		/* seg[0 .. nr_read) */
	__u16 nr_write;		/* seg[nr_read .. nr_read + nr_write) */
	__u32 read_len;		/* sum of the readable lengths */
	__u32 write_len;	/* sum of the writable lengths */
	struct iovec seg[HVB_VIRTIO_QUEUE_MAX];
};

/*
 * Bring @vq live from its register state (QueueReady = 1): check the size
 * against @max and translate the rings through @vd->mem.  Returns 0, or
 * -EINVAL with the reason in *why (the core then sets NEEDS_RESET).
 * Consumer thread, while the queue is not ready.
 */
int hvb_vq_start(struct hvb_virtqueue *vq, struct hvb_virtio_dev *vd,
		 __u16 index, __u32 max, const char **why);

/* Forget everything: the queue is back to its reset state (num 0,
 * addresses 0, not ready), its state record too.  Consumer thread,
 * after ops->reset(). */
void hvb_vq_reset(struct hvb_virtqueue *vq);

/*
 * A new daemon takes over a started queue whose record vq->vs the last
 * one left (docs/daemon.md, "Restarts"): finish a completion it had
 * published but not retired, find last_avail, and queue the heads still
 * in flight for pop to hand out again.  Every field of the record is
 * checked: returns 0, or -EINVAL with the reason in *why.  Consumer
 * thread, after hvb_vq_start() and before the queue's first notify.
 */
int hvb_vq_resume(struct hvb_virtqueue *vq, const char **why);

/*
 * Take the next available chain into @chain.  Returns 1 with @chain
 * filled, 0 when the driver has nothing more, or -EINVAL when the ring or
 * the chain broke a rule (the device is then NEEDS_RESET and every later
 * pop fails until reset).  The head is marked in flight in vq->vs before
 * it returns, so the caller may act on it at once; after a resume the
 * heads the last daemon left in flight come first.
 */
int hvb_vq_pop(struct hvb_virtqueue *vq, struct hvb_vq_chain *chain);

/*
 * Give chain @head back with @written bytes written to its writable
 * segments, publish it (used->idx, with release), and only then clear
 * its in-flight mark.  @head must come from hvb_vq_pop() of this queue.  Call hvb_vq_notify_guest() after one
 * push or a batch of them.
 */
void hvb_vq_push(struct hvb_virtqueue *vq, __u16 head, __u32 written);

/*
 * Does the driver want an interrupt for what we pushed since the last
 * one?  EVENT_IDX: used_event crossed (virtio 1.2, 2.7.7.2); otherwise
 * VRING_AVAIL_F_NO_INTERRUPT clear.  Records the point for the next call.
 */
bool hvb_vq_need_interrupt(struct hvb_virtqueue *vq);

/* hvb_vq_need_interrupt() and, if so, hvb_virtio_raise(VRING). */
void hvb_vq_notify_guest(struct hvb_virtqueue *vq);

/* Does avail hold a chain we have not popped?  (No validation.) */
bool hvb_vq_has_avail(struct hvb_virtqueue *vq);

/*
 * Ask the driver for kicks again after draining the queue (avail_event
 * or clearing VRING_USED_F_NO_NOTIFY), then look once more: returns true
 * when a chain arrived meanwhile, so the caller pops again instead of
 * waiting for a kick that the driver, seeing the old setting, skipped.
 */
bool hvb_vq_enable_kicks(struct hvb_virtqueue *vq);

/* Tell the driver it need not kick (we are polling the queue anyway). */
void hvb_vq_disable_kicks(struct hvb_virtqueue *vq);

/* Copy up to @len bytes from @src into the chain's writable segments, in
 * order; returns the bytes copied. */
size_t hvb_vq_chain_write(const struct hvb_vq_chain *chain, const void *src,
			  size_t len);

/* Copy up to @len bytes of the chain's readable segments to @dst. */
size_t hvb_vq_chain_read(const struct hvb_vq_chain *chain, void *dst,
			 size_t len);

#endif /* HVB_TOOL_VIRTQUEUE_H */
