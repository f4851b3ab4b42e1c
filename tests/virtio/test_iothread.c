// SPDX-License-Identifier: MIT
/*
 * Description: a device I/O thread (tool/virtio/iothread.h) stops even
 * when hvb_iothread_stop() comes between its look at the stop flag and
 * its hvb_iothread_take(): the take then drains the stop's wake from
 * the eventfd, and a thread that polls it next must still wake.  Found
 * by fuzz_devices (a reset of virtio-net joined its thread forever, so
 * the guest's Status = 0 never returned); the interleaving is forced
 * here step by step.
 */
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "virtio/iothread.h"

static struct hvb_iothread io;
static sem_t looked, go_take;
static int timed_out;

/* The loop of console.c and net.c, with a pause where the race is. */
static void *io_loop(void *arg)
{
	struct pollfd pfd = { .events = POLLIN };

	(void)arg;
	while (!hvb_iothread_should_stop(&io)) {
		sem_post(&looked);
		sem_wait(&go_take);
		hvb_iothread_take(&io);
		pfd.fd = hvb_iothread_fd(&io);
		/* The devices poll without a timeout; 2 s stands for it. */
		if (poll(&pfd, 1, 2000) == 0)
			__atomic_store_n(&timed_out, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *io_stopper(void *arg)
{
	(void)arg;
	hvb_iothread_stop(&io);
	return NULL;
}

Test(iothread, stop_between_flag_check_and_take, .timeout = 20)
{
	struct pollfd pfd = { .events = POLLIN };
	pthread_t stopper;

	cr_assert_eq(sem_init(&looked, 0, 0), 0);
	cr_assert_eq(sem_init(&go_take, 0, 0), 0);
	cr_assert_eq(hvb_iothread_init(&io), 0);
	cr_assert_eq(hvb_iothread_start(&io, io_loop, NULL, "test-io"), 0);
	/* The thread has seen no stop and is about to take. */
	sem_wait(&looked);
	cr_assert_eq(pthread_create(&stopper, NULL, io_stopper, NULL), 0);
	/* The stop is in: its wake is on the eventfd (poll only looks). */
	pfd.fd = hvb_iothread_fd(&io);
	cr_assert_eq(poll(&pfd, 1, 5000), 1, "the stop never woke the fd");
	/* Now the take drains that wake; then the thread polls. */
	sem_post(&go_take);
	pthread_join(stopper, NULL);
	cr_expect_eq(__atomic_load_n(&timed_out, __ATOMIC_RELAXED), 0,
		     "the thread slept through its stop (its take drained "
		     "the stop's wake)");
	hvb_iothread_fini(&io);
}

/*
 * hvb_iothread_settle() waits out the batch of give-backs that is open
 * when it is called, and no more: a device thread that pushed a chain
 * (opened) and has not notified yet (closed) holds the settle until it
 * closes, and the close's release makes what the thread did before it
 * (the used-buffer bit, here a plain flag) visible to the settle's
 * caller.  The thread is parked between the two with a semaphore.
 */
static struct hvb_iothread batch_io;
static sem_t batch_opened, batch_go;
static int batch_bit;		/* the stand-in for the used-buffer bit */
static int settled;		/* settle returned: atomics only */

static void *batch_thread(void *arg)
{
	(void)arg;
	hvb_iothread_batch_open(&batch_io);
	sem_post(&batch_opened);
	sem_wait(&batch_go);
	batch_bit = 1;		/* plain: the close publishes it */
	hvb_iothread_batch_close(&batch_io);
	/* A later batch, closed too: the settle waited for the first. */
	hvb_iothread_batch_open(&batch_io);
	hvb_iothread_batch_close(&batch_io);
	return NULL;
}

static void *batch_settler(void *arg)
{
	int *seen = arg;

	hvb_iothread_settle(&batch_io);
	*seen = batch_bit;
	__atomic_store_n(&settled, 1, __ATOMIC_RELEASE);
	return NULL;
}

Test(iothread, settle_waits_out_the_open_batch, .timeout = 20)
{
	pthread_t thread, settler;
	int seen = 0;

	cr_assert_eq(sem_init(&batch_opened, 0, 0), 0);
	cr_assert_eq(sem_init(&batch_go, 0, 0), 0);
	cr_assert_eq(hvb_iothread_init(&batch_io), 0);
	/* No batch open: at once. */
	hvb_iothread_settle(&batch_io);
	cr_assert_eq(pthread_create(&thread, NULL, batch_thread, NULL), 0);
	sem_wait(&batch_opened);
	cr_assert_eq(pthread_create(&settler, NULL, batch_settler, &seen), 0);
	/* Well inside the settle's bound (100 ms, iothread.c): a park as
	 * long as the bound races with it (a CI run failed so). */
	usleep(20 * 1000);
	cr_expect_eq(__atomic_load_n(&settled, __ATOMIC_ACQUIRE), 0,
		     "the settle returned while the batch was open");
	sem_post(&batch_go);
	pthread_join(settler, NULL);
	pthread_join(thread, NULL);
	cr_expect_eq(seen, 1, "the settle returned without seeing what the "
		     "thread did before it closed the batch");
	hvb_iothread_fini(&batch_io);
}

/* How long one hvb_iothread_settle() on @t took, in ms. */
static long long settle_ms(struct hvb_iothread *t)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	hvb_iothread_settle(t);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long long)(t1.tv_sec - t0.tv_sec) * 1000 +
	       (t1.tv_nsec - t0.tv_nsec) / 1000000;
}

/*
 * A batch that never closes (a device thread that stopped running, or a
 * bug) holds a settle for its bound, about 100 ms, and no longer: the
 * consumer thread that calls it serves every zone.
 */
Test(iothread, settle_gives_up_on_a_batch_that_never_closes, .timeout = 20)
{
	long long ms;

	cr_assert_eq(hvb_iothread_init(&batch_io), 0);
	hvb_iothread_batch_open(&batch_io);
	ms = settle_ms(&batch_io);
	cr_expect(ms >= 90 && ms < 2000,
		  "a settle on a batch that never closed took %lld ms", ms);
	/* Closed now: the next settle returns at once. */
	hvb_iothread_batch_close(&batch_io);
	ms = settle_ms(&batch_io);
	cr_expect(ms < 50, "a settle with no batch open took %lld ms", ms);
	hvb_iothread_fini(&batch_io);
}
