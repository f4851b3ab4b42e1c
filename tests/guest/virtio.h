/* SPDX-License-Identifier: MIT */
/*
 * tests/guest/virtio.h - the virtio images' bare-metal driver: the
 * virtio-mmio transport and a split virtqueue.  gvq_run() polls with
 * one request in flight per queue (zone1 gets no interrupts from the
 * host transport); the interrupt image (virq.c) posts several chains
 * and takes their used elements in its interrupt handler.
 *
 * Register offsets and device IDs come from the uapi headers that are
 * only #defines (<linux/virtio_mmio.h>, <linux/virtio_ids.h>).  The ring
 * layouts and the feature, status and virtio-blk numbers are written
 * out here: the uapi headers that hold them pull in <linux/types.h>,
 * whose __u64 (unsigned long long) clashes with the <stdint.h> one of
 * <hvbridge/types.h> that the rest of the image uses.  Section numbers
 * are virtio 1.2's.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include "guest.h"

/* Where zone1 sees the daemon's virtio-mmio windows (zones.c). */
#define GVIRTIO_BASE		0x0a000000ull
#define GVIRTIO_SIZE		0x200ull

#define GVIRTIO_MAGIC		0x74726976u	/* "virt" */
#define GVIRTIO_F_VERSION_1	32		/* 6 */

/* Device status (2.1) */
#define GVIRTIO_S_ACKNOWLEDGE	1u
#define GVIRTIO_S_DRIVER	2u
#define GVIRTIO_S_DRIVER_OK	4u
#define GVIRTIO_S_FEATURES_OK	8u
#define GVIRTIO_S_NEEDS_RESET	64u
#define GVIRTIO_S_FAILED	128u

/* Split virtqueue (2.7): descriptor flags. */
#define GVQ_DESC_F_NEXT		1u
#define GVQ_DESC_F_WRITE	2u

/* virtio-blk (5.2) */
#define GVBLK_F_FLUSH		9
#define GVBLK_T_IN		0u
#define GVBLK_T_OUT		1u
#define GVBLK_T_FLUSH		4u
#define GVBLK_S_OK		0u
#define GVBLK_SECTOR		512u

/* virtio-console (5.3): the port 0 transmitq. */
#define GVCON_TXQ		1u

/* A virtio-blk request's header (5.2.6), the chain's first buffer. */
struct gvblk_hdr {
	__u32 type;		/* GVBLK_T_* */
	__u32 reserved;
	__u64 sector;
};

/* Fields written by the driver (us) and read by the device (the daemon)
 * are marked "driver"; those the device writes, "device". */
struct gvq_desc {
	__u64 addr;		/* driver: IPA of the buffer */
	__u32 len;		/* driver */
	__u16 flags;		/* driver: GVQ_DESC_F_* */
	__u16 next;		/* driver */
};

struct gvq_used_elem {
	__u32 id;		/* device: head of the chain it used */
	__u32 len;		/* device: bytes it wrote */
};

#define GVQ_SIZE		8u	/* entries (a power of two) */

/*
 * One queue's rings in one page of zone1's RAM, each at the alignment
 * 2.7 asks (16, 2, 4).  The device reaches them through the daemon's
 * map of zone1's memory.
 */
struct gvq_rings {
	struct gvq_desc desc[GVQ_SIZE];
	/* avail: driver writes, device reads */
	__u16 avail_flags;
	__u16 avail_idx;	/* release-published: Barrier GVQ-A */
	__u16 avail_ring[GVQ_SIZE];
	__u16 used_event;
	__u16 pad[3];
	/* used: device writes, driver reads */
	__u16 used_flags;
	__u16 used_idx;		/* acquire-read: Barrier GVQ-B */
	struct gvq_used_elem used_ring[GVQ_SIZE];
	__u16 avail_event;
} __attribute__((aligned(4096)));

/* One buffer of a chain: device-readable unless @write. */
struct gvq_buf {
	void *addr;
	__u32 len;
	__u32 write;
};

struct gvq {
	struct gvq_rings *rings;
	__u32 index;		/* queue number */
	__u32 size;		/* entries in use, <= GVQ_SIZE */
	__u16 next_avail;	/* driver's copy of avail_idx */
	__u16 last_used;	/* used entries consumed */
};

struct gvirtio {
	const char *name;	/* "virtio-blk", for the PASS/FAIL lines */
	__u64 base;		/* the window's IPA */
	__u32 device_id;	/* VIRTIO_ID_* expected */
	__u64 features;		/* negotiated */
	int failed;		/* a step failed: the rest are skipped */
};

/* A struct gvirtio's initializer: device @id_ at window @base_. */
#define GVIRTIO_DEV(name_, base_, id_) \
	{ .name = (name_), .base = (base_), .device_id = (id_) }

/*
 * Each returns 0 on success or a short reason, printed after the step's
 * FAIL line.  A register access that aborts (no device behind the
 * window) fails the step, never the image.
 */
/* Wait for the daemon to answer the window, then check it is @d. */
const char *gvirtio_probe(struct gvirtio *d);
/* Reset, ACKNOWLEDGE, DRIVER, features @want & offered (VERSION_1
 * required), FEATURES_OK read back; @need must all be offered. */
const char *gvirtio_negotiate(struct gvirtio *d, __u64 want, __u64 need);
/* Queue @index on @rings (zeroed here), at most GVQ_SIZE entries. */
const char *gvirtio_queue(struct gvirtio *d, struct gvq *q, __u32 index,
			  struct gvq_rings *rings);
const char *gvirtio_driver_ok(struct gvirtio *d);
/* The three above in a row: features @want (all needed), queue @index
 * on @rings, DRIVER_OK. */
const char *gvirtio_setup(struct gvirtio *d, __u64 want, struct gvq *q,
			  __u32 index, struct gvq_rings *rings);
/* One chain of @n buffers, kicked, polled until used (with a timeout);
 * *@len = the bytes the device says it wrote. */
const char *gvq_run(struct gvirtio *d, struct gvq *q,
		    const struct gvq_buf *bufs, __u32 n, __u32 *len);
/*
 * The pieces of gvq_run() for a driver with more than one chain in
 * flight or that waits for interrupts (virq.c): gvq_post() puts the
 * chain of @n buffers at descriptors @head..@head+@n-1 into the avail
 * ring without a notify; gvq_notify() writes QueueNotify;
 * gvq_used_pending() counts the used elements not yet taken;
 * gvq_take() takes the next one into *@elem (1), or finds none (0).
 */
const char *gvq_post(struct gvq *q, __u16 head, const struct gvq_buf *bufs,
		     __u32 n);
const char *gvq_notify(struct gvirtio *d, struct gvq *q);
__u16 gvq_used_pending(struct gvq *q);
int gvq_take(struct gvq *q, struct gvq_used_elem *elem);
/* InterruptStatus read and, when not 0, written back to InterruptACK;
 * returns it, or GVIRTIO_ISR_ABORT if an access aborted. */
#define GVIRTIO_ISR_ABORT	0x80000000u
__u32 gvirtio_isr_take(struct gvirtio *d);
/* InterruptStatus has VIRTIO_MMIO_INT_VRING; ACK it; it reads 0. */
const char *gvirtio_ack_interrupt(struct gvirtio *d);
/* A 32-bit read of config space at @off. */
__u32 gvirtio_config32(struct gvirtio *d, __u32 off);
/* Write 0 to Status (reset), ending the device's use of our rings. */
void gvirtio_reset(struct gvirtio *d);

/* main.c: one "PASS name/step" or "FAIL name/step: why" line. */
void guest_step(const char *name, const char *step, const char *why);
/* Device @d's step: its line, "skipped" once an earlier one failed;
 * nonzero if it passed and the device goes on. */
int gvirtio_step(struct gvirtio *d, const char *step, const char *why);

#endif /* GUEST_VIRTIO_H */
