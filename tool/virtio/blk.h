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
 * struct blk_req belong to the device, and two threads share them under
 * b->lock (blk_io.c): the consumer thread, whose notify() serves reads
 * from the page cache at once (the fast path), and the I/O thread, which
 * does on io_uring whatever would block.  The consumer thread also
 * starts the I/O thread, wakes it (an eventfd) and stops it (reset).
 */
#ifndef HVB_TOOL_VIRTIO_BLK_H
#define HVB_TOOL_VIRTIO_BLK_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

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
	/* Every field: the holder of b->lock. */
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
	struct blk_req *next_free;	/* b->free or b->handoff */
};

/*
 * Where a request's time goes (docs/performance.md): the stamps of the
 * last request served, in CLOCK_MONOTONIC ns, for a benchmark that runs
 * one request at a time.  Only while b->trace points here (the
 * benchmark's breakdown pass; NULL otherwise, which costs one
 * predictable branch per stage).  Each stamp is written by the thread
 * that reaches the stage; blk_trace_done() publishes the set.
 */
enum blk_stamp {
	BLK_T_NOTIFY,		/* consumer thread: notify() entered */
	BLK_T_WAKE,		/* I/O thread: reaped the kick's CQE */
	BLK_T_IO_START,		/* chain popped and checked: I/O */
	BLK_T_IO_END,		/* the read is done (CQE or inline) */
	BLK_T_PUSHED,		/* used element published */
	BLK_T_NOTIFIED,		/* interrupt decided (and raised) */
	BLK_T_NR
};

struct blk_trace {
	__u64 t[BLK_T_NR];	/* relaxed atomic stores by the stamper */
	/* Requests whose stamps are complete: the notifying thread adds 1
	 * with release after BLK_T_NOTIFIED (blk_trace_done()); the reader
	 * loads it with acquire before it reads t[]. */
	__u32 done;
	bool io_thread;		/* the last request went through the I/O
				 * thread (else: served inline) */
};

/* blk_io_calibrate(): how many times a read through a ring preadv2()
 * must cost for the I/O thread to leave the page cache to the ring. */
#define BLK_CAL_URING_FACTOR	2u

struct blk {
	struct hvb_virtio_dev *vd;
	int fd;				/* the image */
	bool readonly;
	__u64 capacity;			/* sectors */
	char id[VIRTIO_BLK_ID_BYTES];	/* GET_ID: zero-padded serial */
	struct virtio_blk_config config;	/* little-endian */

	struct io_uring ring;		/* the I/O thread's alone */
	bool has_ring;			/* ring set up (init/fini) */
	int kick_fd;			/* eventfd: consumer -> I/O */
	__u64 kick_val;			/* the armed eventfd read's */
	bool kick_armed;		/* I/O thread */
	struct blk_req *reqs;		/* BLK_QUEUE_MAX of them */

	/* The queue lock: its holder pops, completes, pushes and
	 * interrupts.  The I/O thread holds it but while it waits in
	 * io_uring_enter(); the consumer thread only tries it (a kick
	 * finding it taken wakes the I/O thread instead).  It guards
	 * b->vq's ring state and in-flight record and the fields marked
	 * (lock). */
	pthread_mutex_t lock;
	bool has_lock;			/* lock made (init/fini) */
	struct blk_req *free;		/* (lock) */
	/* (lock) Popped by the consumer thread, for the I/O thread to
	 * start: what would block.  FIFO. */
	struct blk_req *handoff, *handoff_tail;
	unsigned int inflight;		/* (lock) SQEs not reaped */
	/* preadv2(RWF_NOWAIT) works on the image: cleared for good by the
	 * first EOPNOTSUPP, under the lock, on whichever thread tried it;
	 * the consumer thread then leaves every kick to the I/O thread.
	 * It reads it before taking the lock, so relaxed atomics on every
	 * side. */
	bool nowait;
	/* (lock) Reads the fast path completed on the consumer thread,
	 * requests it handed to the I/O thread, and reads the I/O thread
	 * popped itself and got whole from the page cache without
	 * io_uring: for tests and the benchmark, which read them from
	 * their own thread (relaxed atomics on both sides). */
	__u64 nr_inline, nr_handoff, nr_io_cached;
	/* Reads the I/O thread pops itself are tried from the page cache
	 * with preadv2(RWF_NOWAIT) before io_uring: options.
	 * io_thread_cached, or, when the config does not say, whichever
	 * of the two a cached 4 KiB read costs less with on this machine,
	 * measured at init (blk_io_calibrate(): the per-read ns of each,
	 * 0 when not measured).  Set at init, then read-only. */
	bool io_cached;
	bool io_cached_set;		/* the config said (blk_open()) */
	__u32 cal_preadv2_ns, cal_uring_ns;
	/* The fast path is on: options.inline (default true), set at
	 * init; a benchmark may clear it while the queue is idle, to
	 * measure the path without it (the kick that follows orders the
	 * store: the consumer thread reads it at that kick, the I/O thread
	 * when it pops after it). */
	bool fast;

	/* The consumer thread starts and joins the thread. */
	pthread_t thread;
	bool running;			/* consumer thread */
	struct hvb_virtqueue *vq;	/* the queue it serves */
	/* Set by the consumer thread (reset) with seq_cst, read by the I/O
	 * thread with acquire (Barrier BLK-S/S', blk_io.c). */
	int stop;

	/* The breakdown stamps (struct blk_trace), or NULL: set by a
	 * benchmark while the queue is idle, read by every thread with a
	 * relaxed load (the kick that follows orders it). */
	struct blk_trace *trace;
};

static inline void blk_stamp(struct blk *b, enum blk_stamp s)
{
	struct blk_trace *t = __atomic_load_n(&b->trace, __ATOMIC_RELAXED);
	struct timespec ts;

	if (__builtin_expect(t == NULL, 1))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	__atomic_store_n(&t->t[s], (__u64)ts.tv_sec * 1000000000ull +
			 (__u64)ts.tv_nsec, __ATOMIC_RELAXED);
}

/* After BLK_T_NOTIFIED: the stamps of one request are complete. */
static inline void blk_trace_done(struct blk *b, bool io_thread)
{
	struct blk_trace *t = __atomic_load_n(&b->trace, __ATOMIC_RELAXED);

	if (__builtin_expect(t == NULL, 1))
		return;
	__atomic_store_n(&t->io_thread, io_thread, __ATOMIC_RELAXED);
	/* Release: the stamps above before the count the reader acquires. */
	__atomic_fetch_add(&t->done, 1, __ATOMIC_RELEASE);
}

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
/* Wait until no chain the I/O thread gave back waits for its interrupt
 * (the virtio core's settle()). */
void blk_io_settle(struct blk *b);

#endif /* HVB_TOOL_VIRTIO_BLK_H */
