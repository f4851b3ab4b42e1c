// SPDX-License-Identifier: MIT
/*
 * A virtio device's I/O thread (iothread.h).
 *
 * Barrier IO-K: hvb_iothread_kick() ORs the queue bit with release before
 * it writes the eventfd; hvb_iothread_take() reads the eventfd, then
 * exchanges the bits with acquire (IO-K').  A kick is never lost: the bit
 * is set before the eventfd is written, and the thread clears the eventfd
 * before it takes the bits, so a bit set after the exchange comes with a
 * count that wakes the next poll().  The acquire also makes what the
 * consumer thread wrote before notify() (a queue made ready late) visible
 * to the thread.
 *
 * Barrier IO-S: hvb_iothread_stop() stores the flag with release before
 * it writes the eventfd; hvb_iothread_take() reads the eventfd, then
 * loads the flag with acquire (IO-S').  The thread looks at the flag at
 * the top of its loop, takes, works, then polls the eventfd.  A stop
 * that comes between the look and the take has its wake drained by the
 * take, and the poll would then sleep forever (a reset joining the
 * thread never returns: fuzz_devices found it, tests/virtio's
 * test_iothread.c forces it).  So a take that sees the flag wakes the
 * eventfd again: the poll returns at once and the loop sees the stop.
 *
 * Barrier IO-B: a batch of give-backs (iothread.h) counts itself in
 * batches_opened before its first hvb_vq_push(), and in batches_closed
 * with a release store after its hvb_vq_notify_guest() set the
 * used-buffer bit.  hvb_iothread_settle() loads batches_opened, then
 * waits until batches_closed has caught up with it (IO-B', acquire).  A
 * driver that saw used->idx move and then reads InterruptStatus: the
 * push's release of used->idx (VQ-B), the driver's acquire of it, its
 * trap and the channel's release and acquire (Barriers A/A') put the
 * open before the settle's load, which therefore counts that batch.
 * Batches close in the order they opened, so once batches_closed has
 * caught up, that batch's close is read by an acquire, and so is the bit
 * its notify set before the close.  Two counts rather than one word's
 * parity: a batch left unopened or closed twice (a bug) costs a settle
 * nothing, or at most its bound, and never turns every later settle
 * around.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "iothread.h"
#include "log.h"

/* A batch is the thread's own work, microseconds; past this the thread
 * is not running at all (an overloaded host) or a batch was left open
 * (a bug): the settle gives up rather than stall the consumer thread,
 * which serves every zone.  The driver then reads the bit unset, as it
 * would without a settle. */
#define HVB_IOTHREAD_SETTLE_MAX_NS	(100ull * 1000 * 1000)
/* Yields before the settle naps, and the nap. */
#define HVB_IOTHREAD_SETTLE_YIELDS	64u
#define HVB_IOTHREAD_SETTLE_NAP_NS	20000

int hvb_iothread_init(struct hvb_iothread *t)
{
	t->kicked = 0;
	t->stop = 0;
	t->batches_opened = 0;
	t->batches_closed = 0;
	t->running = false;
	t->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return t->event_fd < 0 ? -errno : 0;
}

void hvb_iothread_fini(struct hvb_iothread *t)
{
	if (t->event_fd >= 0)
		close(t->event_fd);
	t->event_fd = -1;
}

static void hvb_iothread_wake(struct hvb_iothread *t)
{
	uint64_t one = 1;

	/* Only fails when the counter is about to overflow: the thread
	 * is awake then anyway. */
	if (write(t->event_fd, &one, sizeof(one)) < 0)
		return;
}

int hvb_iothread_start(struct hvb_iothread *t, void *(*fn)(void *),
		       void *arg, const char *name)
{
	sigset_t all, old;
	int err;

	if (t->running)
		return 0;
	__atomic_store_n(&t->stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&t->kicked, 0, __ATOMIC_RELAXED);
	/* The new thread inherits the mask: it never takes a signal. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t->thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pthread_setname_np(t->thread, name);
	t->running = true;
	return 0;
}

void hvb_iothread_stop(struct hvb_iothread *t)
{
	if (!t->running)
		return;
	/* Barrier IO-S: the flag before the wake; pairs with IO-S' in
	 * hvb_iothread_take() and the acquire of should_stop(). */
	__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
	hvb_iothread_wake(t);
	/* The join is what hands the queues back (virtio.h): every access
	 * of the thread happens before it returns. */
	pthread_join(t->thread, NULL);
	t->running = false;
}

void hvb_iothread_kick(struct hvb_iothread *t, unsigned int queue)
{
	/* Barrier IO-K: pairs with IO-K' in hvb_iothread_take(). */
	__atomic_fetch_or(&t->kicked, 1u << queue, __ATOMIC_RELEASE);
	hvb_iothread_wake(t);
}

unsigned int hvb_iothread_take(struct hvb_iothread *t)
{
	uint64_t n;

	/* Clear first, then take: see Barrier IO-K above.  EAGAIN: the
	 * count was already cleared; the bits are still worth taking. */
	if (read(t->event_fd, &n, sizeof(n)) < 0)
		n = 0;
	/* Barrier IO-S': pairs with IO-S in hvb_iothread_stop().  If the
	 * read above drained the stop's wake, the flag is seen here, and
	 * the wake is given back for the poll to come. */
	if (hvb_iothread_should_stop(t))
		hvb_iothread_wake(t);
	/* Barrier IO-K': pairs with IO-K in hvb_iothread_kick(). */
	return __atomic_exchange_n(&t->kicked, 0, __ATOMIC_ACQUIRE);
}

bool hvb_iothread_should_stop(const struct hvb_iothread *t)
{
	return __atomic_load_n(&t->stop, __ATOMIC_ACQUIRE);
}

void hvb_iothread_settle(struct hvb_iothread *t)
{
	unsigned int opened = __atomic_load_n(&t->batches_opened,
					      __ATOMIC_RELAXED);
	const struct timespec nap = { 0, HVB_IOTHREAD_SETTLE_NAP_NS };
	struct timespec ts;
	uint64_t start = 0, now;
	unsigned int turns = 0;

	/* Barrier IO-B': pairs with IO-B in batch_close (iothread.h).  The
	 * difference, not a compare: the counts wrap. */
	while ((int)(__atomic_load_n(&t->batches_closed, __ATOMIC_ACQUIRE) -
		     opened) < 0) {
		/* The batch is microseconds of the thread's own work, and
		 * the thread may be waiting for this CPU: yield first.  A
		 * yield does not give way to a thread of lower weight (the
		 * scheduler picks us again), a sleep does: after
		 * HVB_IOTHREAD_SETTLE_YIELDS of them, nap. */
		if (turns < HVB_IOTHREAD_SETTLE_YIELDS) {
			turns++;
			sched_yield();
			continue;
		}
		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		if (!start) {
			start = now;
		} else if (now - start > HVB_IOTHREAD_SETTLE_MAX_NS) {
			hvb_log_once(HVB_LOG_WARN,
				     "a device thread kept a batch open over 100 ms; InterruptStatus read without waiting for it (said once)");
			return;
		}
	}
}
