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
	cr_assert_eq(hvb_iothread_start(&io, io_loop, NULL), 0);
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
