// SPDX-License-Identifier: MIT
/*
 * virtio-blk's I/O thread (blk.h).  From the first kick on it owns the
 * queue (virtio.h): it pops every available chain, checks it
 * (blk_req.c), and queues a readv/writev/fsync straight on guest memory
 * for each; one io_uring_submit_and_wait() then submits the whole batch
 * and waits for whatever completes first, a request or a kick.
 *
 * Kicks: the consumer thread writes an eventfd (blk_io_kick()); an
 * io_uring read of that eventfd is always armed, so a kick is just one
 * more completion and the thread never waits on two things at once.
 *
 * Stop (reset): the consumer thread sets b->stop and writes the eventfd;
 * the thread stops popping, lets every in-flight SQE complete (the
 * kernel may be writing guest memory: we cannot leave before it is
 * done), drops their results, and exits; the consumer joins it.  When
 * the daemon stops (vd->stopping, hvb_virtio_stop()) the results are
 * completed instead: a graceful stop drains.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "blk.h"
#include "log.h"

/* user_data of the eventfd read; requests use their address. */
#define BLK_KICK_TAG	0ull

int blk_io_init(struct blk *b, const char **why)
{
	struct io_uring_params p = { .flags = IORING_SETUP_COOP_TASKRUN };
	int err;

	b->reqs = calloc(BLK_QUEUE_MAX, sizeof(*b->reqs));
	if (!b->reqs) {
		*why = "out of memory";
		return -ENOMEM;
	}
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
	free(b->reqs);
	b->reqs = NULL;
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

/* Store the status, give the chain back, and recycle the slot. */
static void blk_io_complete(struct blk *b, struct blk_req *r, __u8 status)
{
	*r->status = status;
	if (status != VIRTIO_BLK_S_OK)
		hvb_virtio_count_error(b->vd);
	/* The status byte is published by the release of used->idx in
	 * hvb_vq_push() (Barrier VQ-B, virtqueue.c). */
	hvb_vq_push(b->vq, r->chain.head,
		    status == VIRTIO_BLK_S_OK ? r->written : 1);
	r->next_free = b->free;
	b->free = r;
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

/* Queue the I/O of @r; false if it completed at once (pushed). */
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
	if (r->kind == BLK_REQ_RW)
		blk_io_prep_rw(b, r, sqe);
	else
		io_uring_prep_fsync(sqe, b->fd, 0);
	io_uring_sqe_set_data(sqe, r);
	b->inflight++;
	return true;
}

/*
 * DISCARD and WRITE_ZEROES: fallocate, synchronously on this thread
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

/* Pop and start everything available; returns the chains pushed. */
static unsigned int blk_io_pop(struct blk *b)
{
	struct hvb_virtqueue *vq = b->vq;
	unsigned int pushed = 0;
	struct blk_req *r;
	int ret = 0;

	do {
		/* A reset (b->stop, acquire: pairs with blk_io_stop()'s
		 * release) ends the loop even while a guest keeps the queue
		 * full of requests that complete at once (GET_ID, DWZ). */
		while ((r = b->free) && !hvb_virtio_is_broken(b->vd) &&
		       !__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE)) {
			ret = hvb_vq_pop(vq, &r->chain);
			if (ret <= 0)
				break;
			b->free = r->next_free;
			blk_req_parse(b, r);
			switch (r->kind) {
			case BLK_REQ_RW:
			case BLK_REQ_FLUSH:
				pushed += !blk_io_submit(b, r);
				break;
			case BLK_REQ_DWZ:
				blk_io_complete(b, r, blk_io_dwz(b, r));
				pushed++;
				break;
			case BLK_REQ_DONE:
				blk_io_complete(b, r, r->status_val);
				pushed++;
				break;
			case BLK_REQ_BROKEN:
				/* No byte to say IOERR in: give the chain
				 * back empty and stop the device. */
				hvb_vq_push(vq, r->chain.head, 0);
				r->next_free = b->free;
				b->free = r;
				pushed++;
				hvb_virtio_needs_reset(b->vd);
				break;
			}
		}
		/* Out of slots cannot happen (one per queue entry); a
		 * broken ring or device waits for the driver's reset. */
		if (ret < 0 || !b->free || hvb_virtio_is_broken(b->vd))
			break;
		if (b->inflight) {
			/* Busy: the next completion brings us back here
			 * to look again, so the driver need not kick
			 * meanwhile (under EVENT_IDX: at most once more). */
			hvb_vq_disable_kicks(vq);
			break;
		}
	} while (hvb_vq_enable_kicks(vq));
	return pushed;
}

/* Advance @r past @done bytes of a short transfer and queue the rest. */
static void blk_io_resubmit(struct blk *b, struct blk_req *r, __u64 done)
{
	while (r->nr_iov && done >= r->iov->iov_len) {
		done -= r->iov->iov_len;
		r->iov++;
		r->nr_iov--;
	}
	if (r->nr_iov) {
		r->iov->iov_base = (__u8 *)r->iov->iov_base + done;
		r->iov->iov_len -= done;
	}
	blk_io_submit(b, r);
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
			r->offset += (__u64)res;
			r->len -= (__u64)res;
			blk_io_resubmit(b, r, (__u64)res);
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

	blk_io_arm_kick(b);
	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned int pushed = 0;
		int ret;

		if (pop && !__atomic_load_n(&b->stop, __ATOMIC_ACQUIRE))
			pushed = blk_io_pop(b);
		pop = false;
		if (pushed)
			hvb_vq_notify_guest(b->vq);
		if (!b->inflight && !b->kick_armed)
			break;	/* only when stopping (blk_io_reap()) */
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
		pushed = blk_io_reap(b, &pop);
		if (pushed)
			hvb_vq_notify_guest(b->vq);
	}
	return NULL;
}

void blk_io_kick(struct blk *b, struct hvb_virtqueue *vq)
{
	sigset_t all, old;
	unsigned int i;
	int err;

	if (b->running) {
		/* Lost only if the counter is full, which needs 2^64 - 1
		 * unread kicks. */
		if (eventfd_write(b->kick_fd, 1))
			hvb_log_once(HVB_LOG_ERROR,
				     "%s: kick eventfd: %m (said once)",
				     b->vd->dev->name);
		return;
	}
	/* First kick since reset: the thread takes the queue.  It pops
	 * at once, so this kick needs no eventfd write. */
	b->vq = vq;
	b->free = NULL;
	for (i = BLK_QUEUE_MAX; i--;) {
		b->reqs[i].next_free = b->free;
		b->free = &b->reqs[i];
	}
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

void blk_io_stop(struct blk *b)
{
	if (!b->running)
		return;
	/* Barrier BLK-S: the flag before the eventfd write that wakes
	 * the thread; pairs with BLK-S' in blk_io_reap(). */
	__atomic_store_n(&b->stop, 1, __ATOMIC_SEQ_CST);
	if (eventfd_write(b->kick_fd, 1))
		hvb_log_once(HVB_LOG_ERROR, "%s: stop eventfd: %m (said once)",
			     b->vd->dev->name);
	pthread_join(b->thread, NULL);
	b->running = false;
	b->vq = NULL;
}
