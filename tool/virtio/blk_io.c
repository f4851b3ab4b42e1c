// SPDX-License-Identifier: MIT
/*
 * virtio-blk's I/O (blk.h).  From the first kick on the queue is the
 * device's (virtio.h), and two threads of it share it, one at a time:
 * whichever holds b->lock pops, completes and pushes.
 *
 * The fast path, on the consumer thread (blk_io_kick()): a kick that
 * finds the lock free pops the available chains there and then
 * (blk_io_pop(), inline; up to BLK_INLINE_BUDGET, the I/O thread pops
 * the rest).  A read is tried at once with
 * preadv2(RWF_NOWAIT), which copies what the page cache holds and
 * returns EAGAIN (or a short count) instead of waiting for the disk;
 * when it got everything, the request completes on the spot and its
 * interrupt, if the driver asked for one, is raised before notify()
 * returns: no other thread is woken.  What would block (a read the
 * cache does not hold, the rest of one it holds in part), every write,
 * flush, discard and write-zeroes, and any kick that finds the lock
 * taken go to the I/O thread: the popped requests on b->handoff, then
 * an eventfd write.  The I/O thread tries a read it pops itself (past
 * the consumer thread's budget, or at a kick that found the lock taken)
 * the same way first, where a system call is cheap enough for that
 * (blk_io_calibrate(), at creation): a cached read then costs a system
 * call instead of an SQE, a CQE and io_uring's own work.
 * docs/performance.md has the measurements.
 *
 * The I/O thread queues a readv/writev/fsync straight on guest memory
 * for each request handed over, or popped by itself and not wholly in
 * the page cache; one
 * io_uring_submit_and_wait() (without the lock) then submits the whole
 * batch and waits for whatever completes first, a request or a kick.
 * The ring is the I/O thread's alone: the consumer thread never touches
 * it.
 *
 * Kicks: the consumer thread writes an eventfd; an io_uring read of
 * that eventfd is always armed, so a kick is just one more completion
 * and the thread never waits on two things at once.
 *
 * Restarts (docs/daemon.md): both threads take chains with hvb_vq_pop(),
 * which marks the head in flight before any side effect, and give them
 * back with hvb_vq_push(), which clears it after the used element is
 * published; the lock keeps one thread's record stores from
 * interleaving with the other's, so the record goes through the same
 * steps as with one thread.
 *
 * Stop (reset): the consumer thread sets b->stop and writes the eventfd;
 * the thread stops popping, lets every in-flight SQE complete (the
 * kernel may be writing guest memory: we cannot leave before it is
 * done), drops their results and the requests handed to it, and
 * exits; the consumer joins it.  When the daemon stops (vd->stopping,
 * hvb_virtio_stop()) they are completed instead: a graceful stop
 * drains.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "blk.h"
#include "devstats.h"
#include "log.h"

/* user_data of the eventfd read; requests use their address. */
#define BLK_KICK_TAG	0ull

/*
 * Chains the consumer thread pops in one notify(); the I/O thread pops
 * the rest.  Each inline read keeps the consumer thread, which serves
 * every other CPU too, for a microsecond or two; and a deep queue is
 * served faster by both threads at once (the consumer thread's reads
 * beside the I/O thread's io_uring batch) than by one.  Measured
 * (docs/performance.md): 4 gave depth 32 about twice what 32 gave, and
 * depth 1 the same.
 */
#define BLK_INLINE_BUDGET	4u
/* A bigger read goes to the I/O thread whole: copying it would keep the
 * consumer thread from the other CPUs for tens of microseconds. */
#define BLK_INLINE_MAX_BYTES	(64u << 10)
/* blk_io_calibrate(): reads per way per trial, trials. */
#define BLK_CAL_READS	16u
#define BLK_CAL_TRIALS	3u

static void blk_io_calibrate(struct blk *b, const struct io_uring_params *p0);

int blk_io_init(struct blk *b, const char **why)
{
	struct io_uring_params p = { .flags = IORING_SETUP_COOP_TASKRUN };
	int err;

	b->reqs = calloc(BLK_QUEUE_MAX, sizeof(*b->reqs));
	if (!b->reqs) {
		*why = "out of memory";
		return -ENOMEM;
	}
	err = pthread_mutex_init(&b->lock, NULL);
	if (err) {
		*why = "cannot make the queue lock";
		return -err;
	}
	b->has_lock = true;
	/* Until a read says otherwise (EOPNOTSUPP): blk_io_read_cached(). */
	b->nowait = true;
	/* Blocking: io_uring answers a read of an O_NONBLOCK file with
	 * -EAGAIN instead of waiting for it to become readable. */
	b->kick_fd = eventfd(0, EFD_CLOEXEC);
	if (b->kick_fd < 0) {
		*why = "cannot make an eventfd";
		return -errno;
	}
	/* Room for a full queue plus the kick read, twice over: a
	 * short transfer is resubmitted before its batch is reaped. */
	err = io_uring_queue_init_params(2 * BLK_QUEUE_MAX, &b->ring, &p);
	if (err == -EINVAL) {
		/* COOP_TASKRUN is 5.19+; it only saves interrupts. */
		memset(&p, 0, sizeof(p));
		err = io_uring_queue_init_params(2 * BLK_QUEUE_MAX, &b->ring,
						 &p);
	}
	if (err) {
		*why = "cannot set up io_uring";
		return err;
	}
	b->has_ring = true;
	blk_io_calibrate(b, &p);
	return 0;
}

void blk_io_fini(struct blk *b)
{
	if (b->has_ring)
		io_uring_queue_exit(&b->ring);
	b->has_ring = false;
	if (b->kick_fd >= 0)
		close(b->kick_fd);
	b->kick_fd = -1;
	if (b->has_lock)
		pthread_mutex_destroy(&b->lock);
	b->has_lock = false;
	free(b->reqs);
	b->reqs = NULL;
}

static __u64 blk_io_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (__u64)t.tv_sec * 1000000000ull + (__u64)t.tv_nsec;
}

/* One trial: the ns a 4 KiB read of the image's first page costs, n
 * times with preadv2(RWF_NOWAIT) (*p) and n at once through the ring
 * (*u: one submit, then the completions, as the I/O thread batches
 * them).  false if a read did not come whole from the cache. */
static bool blk_io_cal_trial(struct blk *b, struct io_uring *ring, void *buf,
			     __u64 *p, __u64 *u)
{
	struct iovec iov = { .iov_base = buf, .iov_len = 4096 };
	struct io_uring_cqe *cqe;
	unsigned int i, head, seen = 0;
	bool whole = true;
	__u64 t0;

	t0 = blk_io_now_ns();
	for (i = 0; i < BLK_CAL_READS; i++)
		if (preadv2(b->fd, &iov, 1, 0, RWF_NOWAIT) != 4096)
			return false;
	*p = blk_io_now_ns() - t0;
	t0 = blk_io_now_ns();
	for (i = 0; i < BLK_CAL_READS; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe)
			return false;	/* cannot happen: the ring is empty */
		io_uring_prep_readv(sqe, b->fd, &iov, 1, 0);
	}
	if (io_uring_submit_and_wait(ring, BLK_CAL_READS) !=
	    (int)BLK_CAL_READS)
		return false;	/* the caller drops the ring */
	while (seen < BLK_CAL_READS) {
		unsigned int n = 0;

		io_uring_for_each_cqe(ring, head, cqe) {
			whole &= cqe->res == 4096;
			n++;
		}
		io_uring_cq_advance(ring, n);
		seen += n;
		if (seen < BLK_CAL_READS && io_uring_wait_cqe(ring, &cqe))
			return false;
	}
	*u = blk_io_now_ns() - t0;
	return whole;
}

/*
 * Which of the two serves the reads the I/O thread pops itself
 * (b->io_cached), when the config does not say.  A read through the
 * ring costs io_uring's own work on it and shares one system call with
 * the batch; preadv2() costs a system call of its own each.  Which is
 * less depends on what a system call costs.  So it is measured here,
 * once, on the image itself: its first page (read once to have it
 * cached), BLK_CAL_TRIALS times each way, the least of each, on a ring
 * of its own made like the device's (so that nothing of it is left in
 * that one, whatever fails).  The ring must win by BLK_CAL_URING_FACTOR:
 * in the I/O thread a read through it also costs a pass of the loop
 * (reap, complete, notify, pop again) that this does not time.
 * Measured (docs/performance.md): on this project's x86 VMs preadv2
 * costs 1.3 to 1.5 times the ring's read here, and bench-blk's depth 32
 * is about 1.5 times faster with the try than without; in the root
 * zone's arm64 Linux under QEMU (TCG), where a system call is dear, 6
 * times, and zone1's depth 32 (fast path on / off) went from 0.85 with
 * the try to 1.12 without.
 */
static void blk_io_calibrate(struct blk *b, const struct io_uring_params *p0)
{
	__u64 p, u, best_p = UINT64_MAX, best_u = UINT64_MAX;
	struct io_uring_params params = { .flags = p0->flags };
	struct io_uring ring;
	unsigned int i;
	void *buf;

	if (b->io_cached_set || !b->fast || b->capacity < 8)
		return;
	buf = malloc(4096);
	if (!buf)
		return;
	if (pread(b->fd, buf, 4096, 0) != 4096 ||
	    io_uring_queue_init_params(BLK_CAL_READS, &ring, &params)) {
		free(buf);
		return;
	}
	for (i = 0; i < BLK_CAL_TRIALS; i++) {
		if (!blk_io_cal_trial(b, &ring, buf, &p, &u))
			goto out;	/* no RWF_NOWAIT here: nothing to choose */
		best_p = p < best_p ? p : best_p;
		best_u = u < best_u ? u : best_u;
	}
	b->cal_preadv2_ns = (__u32)(best_p / BLK_CAL_READS);
	b->cal_uring_ns = (__u32)(best_u / BLK_CAL_READS);
	b->io_cached = b->cal_preadv2_ns <=
		       BLK_CAL_URING_FACTOR * b->cal_uring_ns;
	hvb_info("%s: a cached 4 KiB read costs %u ns by preadv2, %u ns through io_uring: the I/O thread reads the page cache %s (options.io_thread_cached)",
		 b->vd->dev->name, b->cal_preadv2_ns, b->cal_uring_ns,
		 b->io_cached ? "with preadv2 first" : "through io_uring");
out:
	io_uring_queue_exit(&ring);
	free(buf);
}

static struct io_uring_sqe *blk_io_sqe(struct blk *b)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);

	if (!sqe) {
		/* Full: hand the kernel what we have (rare: the ring
		 * has room for two queues' worth). */
		io_uring_submit(&b->ring);
		sqe = io_uring_get_sqe(&b->ring);
	}
	return sqe;
}

static void blk_io_arm_kick(struct blk *b)
{
	struct io_uring_sqe *sqe = blk_io_sqe(b);

	if (!sqe)
		return;
	io_uring_prep_read(sqe, b->kick_fd, &b->kick_val,
			   sizeof(b->kick_val), 0);
	io_uring_sqe_set_data64(sqe, BLK_KICK_TAG);
	b->kick_armed = true;
}

/* Wake the I/O thread (a kick, a hand-off, a stop).  Any thread. */
static void blk_io_wake(struct blk *b)
{
	/* Lost only if the counter is full, which needs 2^64 - 1 unread
	 * kicks. */
	if (eventfd_write(b->kick_fd, 1))
		hvb_log_once(HVB_LOG_ERROR, "%s: kick eventfd: %m (said once)",
			     b->vd->dev->name);
}

/* Store the status, give the chain back, and recycle the slot. */
static void blk_io_complete(struct blk *b, struct blk_req *r, __u8 status)
{
	*r->status = status;
	blk_stamp(b, BLK_T_IO_END);
	if (status != VIRTIO_BLK_S_OK)
		hvb_virtio_count_error(b->vd);
	/* The status byte is published by the release of used->idx in
	 * hvb_vq_push() (Barrier VQ-B, virtqueue.c). */
	hvb_vq_push(b->vq, r->chain.head,
		    status == VIRTIO_BLK_S_OK ? r->written : 1);
	blk_stamp(b, BLK_T_PUSHED);
	r->next_free = b->free;
	b->free = r;
}

/* Interrupt the guest if it asked for it (EVENT_IDX or the flags): once
 * per batch of @pushed chains, by the thread that pushed them, which
 * counts them as its own (devstats.h: inline_done, io_thread_done). */
static void blk_io_notify(struct blk *b, unsigned int pushed, bool io_thread)
{
	struct hvb_devstats_dev *st = hvb_virtio_stats(b->vd);

	if (st)
		hvb_devstats_add(io_thread ? &st->io_thread_done :
				 &st->inline_done, pushed);
	hvb_vq_notify_guest(b->vq);
	blk_stamp(b, BLK_T_NOTIFIED);
	blk_trace_done(b, io_thread);
}

/* @r moved @done bytes (fewer than r->len): advance it past them. */
static void blk_io_advance(struct blk_req *r, __u64 done)
{
	r->offset += done;
	r->len -= done;
	while (r->nr_iov && done >= r->iov->iov_len) {
		done -= r->iov->iov_len;
		r->iov++;
		r->nr_iov--;
	}
	if (r->nr_iov) {
		r->iov->iov_base = (__u8 *)r->iov->iov_base + done;
		r->iov->iov_len -= done;
	}
}

static void blk_io_prep_rw(struct blk *b, struct blk_req *r,
			   struct io_uring_sqe *sqe)
{
	if (r->type == VIRTIO_BLK_T_IN) {
		io_uring_prep_readv(sqe, b->fd, r->iov, r->nr_iov, r->offset);
	} else {
		/* Without FLUSH negotiated the driver cannot ask for
		 * durability: write through (virtio 1.2, 5.2.6.2). */
		int flags = hvb_virtio_has_feature(b->vd, VIRTIO_BLK_F_FLUSH) ?
			    0 : RWF_DSYNC;

		io_uring_prep_writev2(sqe, b->fd, r->iov, r->nr_iov,
				      r->offset, flags);
	}
}

/* I/O thread: queue the I/O of @r; false if it completed at once
 * (pushed). */
static bool blk_io_submit(struct blk *b, struct blk_req *r)
{
	struct io_uring_sqe *sqe;

	if (r->kind == BLK_REQ_RW && !r->len) {
		blk_io_complete(b, r, VIRTIO_BLK_S_OK);
		return false;
	}
	sqe = blk_io_sqe(b);
	if (!sqe) {
		hvb_log_once(HVB_LOG_ERROR,
			     "%s: io_uring has no free entry; IOERR (said once)",
			     b->vd->dev->name);
		blk_io_complete(b, r, VIRTIO_BLK_S_IOERR);
		return false;
	}
	blk_stamp(b, BLK_T_IO_START);
	if (r->kind == BLK_REQ_RW)
		blk_io_prep_rw(b, r, sqe);
	else
		io_uring_prep_fsync(sqe, b->fd, 0);
	io_uring_sqe_set_data(sqe, r);
	b->inflight++;
	return true;
}

/*
 * DISCARD and WRITE_ZEROES: fallocate, synchronously on the I/O thread
 * (they are rare, and a hole is punched in microseconds).  Zeroing
 * prefers the mode the request asked for and falls back on the other
 * where the file system has only one (tmpfs punches, never zeroes).
 */
static __u8 blk_io_dwz(struct blk *b, const struct blk_req *r)
{
	const int punch = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	const int zero = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	bool discard = r->type == VIRTIO_BLK_T_DISCARD;
	unsigned int i;

	for (i = 0; i < r->nr_dwz; i++) {
		off_t off = (off_t)(r->dwz[i].sector << BLK_SECTOR_SHIFT);
		off_t len = (off_t)r->dwz[i].sectors << BLK_SECTOR_SHIFT;
		int mode = r->dwz[i].unmap ? punch : zero;
		int err = 0;

		if (!len)
			continue;
		if (fallocate(b->fd, mode, off, len)) {
			err = errno;
			if ((err == EOPNOTSUPP || err == EINVAL) && !discard)
				err = fallocate(b->fd, mode == punch ? zero :
						punch, off, len) ? errno : 0;
		}
		/* A discard is a hint: one the file cannot take is done. */
		if (err && !(discard && err == EOPNOTSUPP)) {
			hvb_log_once(HVB_LOG_WARN,
				     "%s: fallocate: %s; IOERR (said once)",
				     b->vd->dev->name, strerror(err));
			return VIRTIO_BLK_S_IOERR;
		}
	}
	return VIRTIO_BLK_S_OK;
}

/* I/O thread: start @r (submit, or do it now); returns 1 if pushed. */
static unsigned int blk_io_start(struct blk *b, struct blk_req *r)
{
	switch (r->kind) {
	case BLK_REQ_RW:
	case BLK_REQ_FLUSH:
		return !blk_io_submit(b, r);
	case BLK_REQ_DWZ:
		blk_io_complete(b, r, blk_io_dwz(b, r));
		return 1;
	default:	/* DONE and BROKEN never reach here */
		blk_io_complete(b, r, r->status_val);
		return 1;
	}
}

/* Consumer thread: the I/O thread will start @r (blk_io_take()). */
static void blk_io_hand_off(struct blk *b, struct blk_req *r)
{
	__atomic_store_n(&b->nr_handoff, b->nr_handoff + 1, __ATOMIC_RELAXED);
	r->next_free = NULL;
	if (b->handoff_tail)
		b->handoff_tail->next_free = r;
	else
		b->handoff = r;
	b->handoff_tail = r;
}

/*
 * A read tried from the page cache without waiting for the disk
 * (RWF_NOWAIT: EAGAIN for what is not cached, a short count for a part
 * of it), on the thread that popped it; the lock is held.  True when it
 * got the whole read.  Otherwise what it got is kept (@r advanced past
 * it) and the rest is the caller's: io_uring does it again and says what
 * it finds (EAGAIN, an error, or the end of the file).
 */
static bool blk_io_read_cached(struct blk *b, struct blk_req *r)
{
	ssize_t n;

	blk_stamp(b, BLK_T_IO_START);
	n = preadv2(b->fd, r->iov, (int)r->nr_iov, (off_t)r->offset,
		    RWF_NOWAIT);
	if (n > 0 && (__u64)n == r->len)
		return true;
	if (n > 0) {
		blk_io_advance(r, (__u64)n);
	} else if (n < 0 && errno == EOPNOTSUPP) {
		/* This file cannot say "would block": every read goes to
		 * io_uring from now on. */
		__atomic_store_n(&b->nowait, false, __ATOMIC_RELAXED);
		hvb_log_once(HVB_LOG_INFO,
			     "%s: the image takes no RWF_NOWAIT; reads go through the I/O thread (said once)",
			     b->vd->dev->name);
	}
	return false;
}

/* Is @r a read blk_io_read_cached() should try (the fast path on, the
 * image able to say "would block", small enough to copy at once)? */
static bool blk_io_try_cached(const struct blk *b, const struct blk_req *r)
{
	return b->fast && __atomic_load_n(&b->nowait, __ATOMIC_RELAXED) &&
	       r->kind == BLK_REQ_RW &&
	       r->type == VIRTIO_BLK_T_IN && r->len &&
	       r->len <= BLK_INLINE_MAX_BYTES;
}

/*
 * Consumer thread: a read, tried at once from the page cache.  Returns
 * 1 when it completed (pushed); otherwise what is left of it is handed
 * to the I/O thread.  Never waits for the disk.
 */
static unsigned int blk_io_read_now(struct blk *b, struct blk_req *r)
{
	if (!r->len) {
		blk_io_complete(b, r, VIRTIO_BLK_S_OK);
		return 1;
	}
	if (blk_io_try_cached(b, r) && blk_io_read_cached(b, r)) {
		__atomic_store_n(&b->nr_inline, b->nr_inline + 1,
				 __ATOMIC_RELAXED);
		blk_io_complete(b, r, VIRTIO_BLK_S_OK);
		return 1;
	}
	blk_io_hand_off(b, r);
	return 0;
}

/*
 * I/O thread: start a request it popped itself.  A read the page cache
 * holds is copied at once, as the consumer thread does; the rest (and a
 * read's uncached part) goes to io_uring.  Returns 1 if pushed.
 */
static unsigned int blk_io_start_popped(struct blk *b, struct blk_req *r)
{
	if (b->io_cached && blk_io_try_cached(b, r) &&
	    blk_io_read_cached(b, r)) {
		__atomic_store_n(&b->nr_io_cached, b->nr_io_cached + 1,
				 __ATOMIC_RELAXED);
		blk_io_complete(b, r, VIRTIO_BLK_S_OK);
		return 1;
	}
	return blk_io_start(b, r);
}

/*
 * Pop and start everything available, @inline_ on the consumer thread
 * (reads from the page cache at once, the rest handed off) or on the I/O
 * thread (io_uring).  The queue lock is held.  Returns the chains
 * pushed; *wake says the I/O thread must look at the queue.
 */
static unsigned int blk_io_pop(struct blk *b, bool inline_, bool *wake)
{
	struct hvb_virtqueue *vq = b->vq;
	unsigned int pushed = 0, taken = 0;
	struct blk_req *r;
	int ret = 0;

	do {
		/* A reset (b->stop, acquire: pairs with blk_io_stop()'s
		 * release) ends the loop even while a guest keeps the queue
		 * full of requests that complete at once (GET_ID, DWZ). */
		while ((r = b->free) && !hvb_virtio_is_broken(b->vd) &&
		       !__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE)) {
			if (inline_ && taken == BLK_INLINE_BUDGET) {
				if (!vq->nr_resubmit && !hvb_vq_has_avail(vq))
					break;	/* none left: as usual */
				/* The rest is the I/O thread's (kicks stay
				 * as they are: it pops until the queue is
				 * empty, then asks for them). */
				*wake = true;
				return pushed;
			}
			ret = hvb_vq_pop(vq, &r->chain);
			if (ret <= 0)
				break;
			b->free = r->next_free;
			taken++;
			blk_req_parse(b, r);
			if (r->kind == BLK_REQ_DONE) {
				blk_io_complete(b, r, r->status_val);
				pushed++;
			} else if (r->kind == BLK_REQ_BROKEN) {
				/* No byte to say IOERR in: give the chain
				 * back empty and stop the device. */
				hvb_vq_push(vq, r->chain.head, 0);
				r->next_free = b->free;
				b->free = r;
				pushed++;
				hvb_virtio_needs_reset(b->vd);
			} else if (!inline_) {
				pushed += blk_io_start_popped(b, r);
			} else if (r->kind == BLK_REQ_RW &&
				   r->type == VIRTIO_BLK_T_IN) {
				pushed += blk_io_read_now(b, r);
			} else {
				/* Writes, flushes, discards: may block. */
				blk_io_hand_off(b, r);
			}
		}
		/* Out of slots cannot happen (one per queue entry); a
		 * broken ring or device waits for the driver's reset.  A
		 * reset ends this loop too: the inner one stopped popping,
		 * and with nothing in flight (every request it took done at
		 * once) the kicks would be enabled and the chains still in
		 * the ring seen again, for ever, with the lock held. */
		if (ret < 0 || !b->free || hvb_virtio_is_broken(b->vd) ||
		    __atomic_load_n(&b->stop, __ATOMIC_ACQUIRE))
			break;
		if (b->inflight || b->handoff) {
			/* Busy: the I/O thread looks at the queue again
			 * after its next completion, so the driver need
			 * not kick meanwhile (under EVENT_IDX: at most
			 * once more). */
			hvb_vq_disable_kicks(vq);
			break;
		}
	} while (hvb_vq_enable_kicks(vq));
	return pushed;
}

/*
 * I/O thread: start what the consumer thread handed over.  After a reset
 * (not a daemon stopping) they are dropped, as in-flight results are:
 * the driver takes every buffer back.  Returns the chains pushed.
 */
static unsigned int blk_io_take(struct blk *b)
{
	struct blk_req *r = b->handoff, *next;
	bool drop = __atomic_load_n(&b->stop, __ATOMIC_ACQUIRE) &&
		    !b->vd->stopping;
	unsigned int pushed = 0;

	b->handoff = b->handoff_tail = NULL;
	for (; r; r = next) {
		next = r->next_free;
		if (drop) {
			r->next_free = b->free;
			b->free = r;
			continue;
		}
		pushed += blk_io_start(b, r);
	}
	return pushed;
}

/* Take every completion; sets *pop when a kick came or a request
 * completed.  Returns the chains pushed. */
static unsigned int blk_io_reap(struct blk *b, bool *pop)
{
	struct io_uring_cqe *cqe;
	unsigned int head, seen = 0, pushed = 0;

	io_uring_for_each_cqe(&b->ring, head, cqe) {
		struct blk_req *r = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		seen++;
		if (!r) {
			blk_stamp(b, BLK_T_WAKE);
			b->kick_armed = false;
			/* Barrier BLK-S': pairs with BLK-S in
			 * blk_io_stop(); the kick that completed this
			 * read was written after the stop flag. */
			if (!__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE)) {
				blk_io_arm_kick(b);
				*pop = true;
			}
			continue;
		}
		b->inflight--;
		/* A slot came back: look at the queue again (kicks stay
		 * off while requests are in flight, blk_io_pop()). */
		*pop = true;
		if (r->kind == BLK_REQ_RW && res > 0 && (__u64)res < r->len) {
			blk_io_advance(r, (__u64)res);
			blk_io_submit(b, r);
			continue;
		}
		if (res < 0 || (r->kind == BLK_REQ_RW && res == 0))
			hvb_log_once(HVB_LOG_WARN,
				     "%s: image I/O failed: %s; IOERR (said once)",
				     b->vd->dev->name,
				     res < 0 ? strerror(-res) : "end of file");
		/* A reset drops the result: the driver takes every buffer
		 * back.  A daemon stopping (vd->stopping, stored before
		 * the flag: Barrier BLK-S) completes it. */
		if (__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE) &&
		    !b->vd->stopping) {
			r->next_free = b->free;
			b->free = r;
			continue;
		}
		blk_io_complete(b, r, res < 0 || (r->kind == BLK_REQ_RW &&
						  res == 0) ?
				VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
		pushed++;
	}
	io_uring_cq_advance(&b->ring, seen);
	return pushed;
}

static void *blk_io_main(void *arg)
{
	struct blk *b = arg;
	bool pop = true;	/* serve what came before the first kick */

	pthread_mutex_lock(&b->lock);
	blk_io_arm_kick(b);
	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned int pushed;
		bool wake = false;	/* never set off the fast path */
		int ret;

		pushed = blk_io_take(b);
		if (pop && !__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE))
			pushed += blk_io_pop(b, false, &wake);
		pop = false;
		if (pushed)
			blk_io_notify(b, pushed, true);
		if (!b->inflight && !b->kick_armed)
			break;	/* only when stopping (blk_io_reap()) */
		/* The lock is the consumer thread's fast path's while we
		 * wait: the ring is ours alone, so it needs none. */
		pthread_mutex_unlock(&b->lock);
		ret = io_uring_submit_and_wait(&b->ring, 1);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN &&
		    ret != -EBUSY) {
			hvb_log_once(HVB_LOG_ERROR,
				     "%s: io_uring_enter: %s (said once)",
				     b->vd->dev->name, strerror(-ret));
			hvb_virtio_needs_reset(b->vd);
			/* Wait without submitting, for what is in flight. */
			io_uring_wait_cqe(&b->ring, &cqe);
		}
		pthread_mutex_lock(&b->lock);
		pushed = blk_io_reap(b, &pop);
		if (pushed)
			blk_io_notify(b, pushed, true);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/* First kick since reset: the I/O thread takes the queue. */
static void blk_io_start_thread(struct blk *b, struct hvb_virtqueue *vq)
{
	sigset_t all, old;
	unsigned int i;
	int err;

	b->vq = vq;
	b->free = NULL;
	for (i = BLK_QUEUE_MAX; i--;) {
		b->reqs[i].next_free = b->free;
		b->free = &b->reqs[i];
	}
	b->handoff = b->handoff_tail = NULL;
	b->inflight = 0;
	b->kick_armed = false;
	b->stop = 0;
	/* The thread starts with every signal blocked: SIGTERM/SIGINT are
	 * for the daemon's own threads (tool/daemon.c). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&b->thread, NULL, blk_io_main, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		hvb_log_once(HVB_LOG_ERROR,
			     "%s: cannot start the I/O thread: %s; device needs reset (said once)",
			     b->vd->dev->name, strerror(err));
		hvb_virtio_needs_reset(b->vd);
		return;
	}
	pthread_setname_np(b->thread, "hvb-blk");
	b->running = true;
}

void blk_io_kick(struct blk *b, struct hvb_virtqueue *vq)
{
	bool wake = false;
	unsigned int pushed;

	if (!b->running) {
		/* It pops at once, so this kick needs no eventfd write. */
		blk_io_start_thread(b, vq);
		return;
	}
	/* Taken: the I/O thread is popping or completing; it pops again
	 * for this kick.  Never wait here: the consumer thread serves
	 * every other CPU too.  Nor is there anything to gain here on an
	 * image without RWF_NOWAIT.  b->nowait is read before the lock,
	 * and either thread may clear it under the lock: a relaxed atomic
	 * on both sides (a stale true costs one try that finds it cleared
	 * under the lock, nothing more). */
	if (!b->fast || !__atomic_load_n(&b->nowait, __ATOMIC_RELAXED) ||
	    pthread_mutex_trylock(&b->lock)) {
		blk_io_wake(b);
		return;
	}
	pushed = blk_io_pop(b, true, &wake);
	if (pushed)
		blk_io_notify(b, pushed, false);
	/* Handed over: the I/O thread takes it (blk_io_take()). */
	wake |= b->handoff != NULL;
	pthread_mutex_unlock(&b->lock);
	/* After the unlock, so that the thread it wakes finds the lock
	 * free. */
	if (wake)
		blk_io_wake(b);
}

void blk_io_stop(struct blk *b)
{
	if (!b->running)
		return;
	/* Barrier BLK-S: the flag before the eventfd write that wakes
	 * the thread; pairs with BLK-S' in blk_io_reap().  The consumer
	 * thread, which calls this, runs no fast path meanwhile. */
	__atomic_store_n(&b->stop, 1, __ATOMIC_SEQ_CST);
	blk_io_wake(b);
	pthread_join(b->thread, NULL);
	b->running = false;
	b->vq = NULL;
}

/*
 * The I/O thread gives chains back (hvb_vq_push()) and then raises the
 * used-buffer bit (blk_io_notify()) within one hold of b->lock, with a
 * blk_io_pop() between the two in blk_io_main(); so does the consumer
 * thread's fast path.  Taking the lock once waits out such a stretch.
 * The chain a driver saw given back was pushed in a hold that comes
 * before ours (it happened before this read, the channel orders it),
 * so that hold's unlock, after its notify, synchronizes with our lock.
 */
void blk_io_settle(struct blk *b)
{
	if (!b->has_lock)
		return;
	pthread_mutex_lock(&b->lock);
	pthread_mutex_unlock(&b->lock);
}
