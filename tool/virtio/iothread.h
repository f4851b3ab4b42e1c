/* SPDX-License-Identifier: MIT */
/*
 * iothread.h - one I/O thread for a virtio device whose backend is a file
 * descriptor that must not block the consumer thread (a console's pty or
 * socket, a net device's tap).
 *
 * The hand-over follows the rules of virtio.h: the consumer thread starts
 * the thread in ops->driver_ok(), forwards each ops->notify() to it with
 * hvb_iothread_kick(), and joins it in ops->reset(), after which the
 * thread touches no queue.  The thread polls hvb_iothread_fd() beside its
 * backend's descriptors and collects the kicks with hvb_iothread_take():
 * a queue is the thread's from its first kick on (the core notifies every
 * ready queue at DRIVER_OK), so it never reads a queue the consumer thread
 * is still setting up.
 *
 * A thread that gives chains back does it in batches: its pushes
 * (hvb_vq_push(), used->idx published) and then one
 * hvb_vq_notify_guest() (the used-buffer bit set).  It brackets each
 * batch with hvb_iothread_batch_open() and hvb_iothread_batch_close(), so
 * that the device's settle() (virtio.h), on the consumer thread, can wait
 * out the batch a driver saw a chain of with hvb_iothread_settle().
 *
 * The thread runs with every signal blocked: the daemon's SIGTERM/SIGINT
 * go to its main thread, and a write to a closed pipe or socket fails
 * with EPIPE instead of killing the daemon with SIGPIPE.
 */
#ifndef HVB_TOOL_VIRTIO_IOTHREAD_H
#define HVB_TOOL_VIRTIO_IOTHREAD_H

#include <pthread.h>
#include <stdbool.h>

struct hvb_iothread {
	int event_fd;		/* eventfd: a kick or stop is waiting */
	/* Queues kicked since the thread last looked: ORed by the consumer
	 * thread, taken by the I/O thread; atomics only. */
	unsigned int kicked;
	/* Set by the consumer thread to end the thread; atomics only. */
	int stop;
	/* Batches of give-backs opened and closed so far: written by the
	 * I/O thread only (batch_open/close), read by
	 * hvb_iothread_settle(); atomics only.  A batch is open while
	 * they differ; batches close in the order they opened. */
	unsigned int batches_opened, batches_closed;
	bool running;		/* consumer thread only */
	pthread_t thread;
};

/* Make the eventfd; 0 or a negative errno. */
int hvb_iothread_init(struct hvb_iothread *t);
/* Close it (the thread must be stopped). */
void hvb_iothread_fini(struct hvb_iothread *t);

/* Start @fn(@arg) with every signal blocked, named @name (at most 15
 * characters: what top -H and /proc/PID/task/TID/comm show); 0 or a
 * negative errno. */
int hvb_iothread_start(struct hvb_iothread *t, void *(*fn)(void *),
		       void *arg, const char *name);
/* Ask the thread to end, wake it, and join it.  No-op if not running. */
void hvb_iothread_stop(struct hvb_iothread *t);

/* Consumer thread: queue @queue was kicked; wake the thread. */
void hvb_iothread_kick(struct hvb_iothread *t, unsigned int queue);

/* I/O thread: the descriptor to poll for POLLIN. */
static inline int hvb_iothread_fd(const struct hvb_iothread *t)
{
	return t->event_fd;
}

/* I/O thread: clear the eventfd and take the kicked queues' bits. */
unsigned int hvb_iothread_take(struct hvb_iothread *t);

/* I/O thread: has hvb_iothread_stop() been called? */
bool hvb_iothread_should_stop(const struct hvb_iothread *t);

/*
 * I/O thread: a batch of give-backs starts (before its first
 * hvb_vq_push()) or ends (after its hvb_vq_notify_guest()).  A batch
 * must be bounded by the thread's own work, never by a guest: a settle
 * may wait for it.  Barriers IO-B and IO-B' in iothread.c.
 */
static inline void hvb_iothread_batch_open(struct hvb_iothread *t)
{
	/* Barrier IO-B (open): the pushes' release of used->idx (VQ-B)
	 * that follow order it before anything a driver sees; relaxed is
	 * enough here (iothread.c). */
	__atomic_store_n(&t->batches_opened,
			 __atomic_load_n(&t->batches_opened,
					 __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}

static inline void hvb_iothread_batch_close(struct hvb_iothread *t)
{
	/* Barrier IO-B (close): release, after the notify; pairs with
	 * IO-B' in hvb_iothread_settle(). */
	__atomic_store_n(&t->batches_closed,
			 __atomic_load_n(&t->batches_closed,
					 __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELEASE);
}

/*
 * Consumer thread (a device's settle()): return once every batch opened
 * before the call has closed, so that the used-buffer bit of every chain
 * pushed before the call is set.  Waits at most one batch, the one open
 * (the thread runs one at a time), and 100 ms at most (iothread.c).
 */
void hvb_iothread_settle(struct hvb_iothread *t);

#endif /* HVB_TOOL_VIRTIO_IOTHREAD_H */
