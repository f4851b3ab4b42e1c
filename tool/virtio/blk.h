/* SPDX-License-Identifier: MIT */
/*
 * blk.h - what the three files of virtio-blk share (docs/virtio-blk.md):
 *
 *   blk.c      the device: options, config space, features, the ops
 *   blk_req.c  one popped chain -> a checked request (no I/O)
 *   blk_io.c   the I/O thread: kicks in, io_uring submissions and
 *              completions, used elements and interrupts out
 *
 * Threading: struct blk is set up by init() and then read-only, except
 * the fields marked otherwise.  After the first kick the queue and every
 * struct blk_req belong to the I/O thread; the consumer thread only
 * starts it, kicks it (an eventfd) and stops it (reset).
 */
#ifndef HVB_TOOL_VIRTIO_BLK_H
#define HVB_TOOL_VIRTIO_BLK_H

#include <pthread.h>
#include <stdbool.h>

#include <liburing.h>
#include <linux/virtio_blk.h>

#include "virtio.h"
#include "virtqueue.h"

#define BLK_SECTOR_SHIFT	9
#define BLK_SECTOR_SIZE		(1u << BLK_SECTOR_SHIFT)
#define BLK_QUEUE_MAX		256u
/* A chain is at most the queue size; the header and the status take
 * one descriptor each in the common layout. */
#define BLK_SEG_MAX		(BLK_QUEUE_MAX - 2)
/* DISCARD / WRITE_ZEROES: segments per request, sectors per segment. */
#define BLK_DWZ_SEG_MAX		32u
#define BLK_DWZ_SECTORS_MAX	0x3fffffu	/* 2 GiB - 512 */

/* What blk_req_parse() made of a chain. */
enum blk_req_kind {
	BLK_REQ_DONE,		/* answered already: r->status_val */
	BLK_REQ_RW,		/* readv/writev of r->iov at r->offset */
	BLK_REQ_FLUSH,		/* fsync the image */
	BLK_REQ_DWZ,		/* discard / write zeroes: r->dwz[] */
	BLK_REQ_BROKEN,		/* no status byte: device needs reset */
};

/* A checked DISCARD / WRITE_ZEROES segment, host byte order. */
struct blk_dwz {
	__u64 sector;
	__u32 sectors;
	bool unmap;		/* discard, or write zeroes that may unmap */
};

struct blk_req {
	struct hvb_vq_chain chain;	/* as popped; trimmed in place */
	enum blk_req_kind kind;
	__u32 type;			/* VIRTIO_BLK_T_* */
	__u8 *status;			/* the status byte, in the zone */
	__u8 status_val;		/* VIRTIO_BLK_S_* to store there */
	__u32 written;			/* used length on success */
	/* BLK_REQ_RW: the data segments, a slice of chain.seg. */
	struct iovec *iov;
	unsigned int nr_iov;
	__u64 offset;			/* bytes into the image */
	__u64 len;			/* bytes left to transfer */
	/* BLK_REQ_DWZ: the checked segments. */
	unsigned int nr_dwz;
	struct blk_dwz dwz[BLK_DWZ_SEG_MAX];
	struct blk_req *next_free;	/* I/O thread's free list */
};

struct blk {
	struct hvb_virtio_dev *vd;
	int fd;				/* the image */
	bool readonly;
	__u64 capacity;			/* sectors */
	char id[VIRTIO_BLK_ID_BYTES];	/* GET_ID: zero-padded serial */
	struct virtio_blk_config config;	/* little-endian */

	struct io_uring ring;		/* the I/O thread's */
	bool has_ring;			/* ring set up (init/fini) */
	int kick_fd;			/* eventfd: consumer -> I/O */
	__u64 kick_val;			/* the armed eventfd read's */
	bool kick_armed;		/* I/O thread */
	struct blk_req *reqs;		/* BLK_QUEUE_MAX of them */
	struct blk_req *free;		/* I/O thread */
	unsigned int inflight;		/* I/O thread: SQEs not reaped */

	/* The consumer thread starts and joins the thread. */
	pthread_t thread;
	bool running;			/* consumer thread */
	struct hvb_virtqueue *vq;	/* the queue it serves */
	/* Set by the consumer thread (reset) with seq_cst, read by the I/O
	 * thread with acquire (Barrier BLK-S/S', blk_io.c). */
	int stop;
};

/* blk_req.c: check the popped chain in r->chain and fill the rest of
 * @r.  Logs (once) what a guest got wrong. */
void blk_req_parse(const struct blk *b, struct blk_req *r);

/* blk_io.c, all on the consumer thread. */
int blk_io_init(struct blk *b, const char **why);
void blk_io_fini(struct blk *b);
/* A kick of @vq: start the I/O thread if needed and wake it. */
void blk_io_kick(struct blk *b, struct hvb_virtqueue *vq);
/* Park the thread: in-flight I/O completes, its results are dropped. */
void blk_io_stop(struct blk *b);

#endif /* HVB_TOOL_VIRTIO_BLK_H */
