// SPDX-License-Identifier: MIT
/*
 * Description: the teeth of the completion wait, on the real loop.
 * Drives hyp_channel_wait_resp() as tests/stress/teeth_wait.c compiles
 * it (the real source of hyp/core/channel_wait.c, its clock stopped and
 * its loop body made transparent to the compiler) from a waiter thread,
 * while a responder thread plays the daemon:
 *
 *   step 1  the response is in the slot before the wait begins
 *   step 2  the responder publishes the response after the waiter has
 *           begun to wait (--rounds times, each --delay-ms after the
 *           waiter said it was about to wait)
 *
 * Linked with the unmutated loop (hvbridge-teeth-control) every step
 * must pass; linked with the loop whose acquire of resp.seq is a plain
 * load (hvbridge-teeth) step 2 must fail, either by hanging, which the
 * watchdog (the main thread) reports naming the step, or by the wait
 * giving up although its clock never moves.  tests/stress/run.sh runs
 * both and says which.
 *
 * Exit: 0 every step passed; TEETH_EXIT_WATCHDOG, TEETH_EXIT_GAVE_UP or
 * TEETH_EXIT_FAIL (teeth.h); 2 usage.
 */
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hyp/channel.h>

#include "teeth.h"

#define TEETH_TIMEOUT_NS	1000000000ull	/* never reached: clock stopped */
#define TEETH_VALUE(seq)	(0x7ee7000000000000ull | (seq))

static const char *const teeth_step_name[] = {
	[1] = "a response in the slot before the wait began",
	[2] = "a response published after the wait began",
};

static struct hvb_cpu_slot teeth_slot __attribute__((aligned(HVB_LINE)));
static struct hyp_producer teeth_prod = {
	.slot = &teeth_slot,
	.timeout_ns = TEETH_TIMEOUT_NS,
};

/* One step's round, shared by the three threads. */
static struct {
	__u64 seq;	/* main writes before starting the threads */
	__u64 started;	/* waiter writes (release), responder reads */
	__u64 done;	/* waiter writes (release), main reads */
	__u64 value;	/* waiter writes before done; resp.value it read */
	__u64 resp_seq;	/* waiter writes before done; resp.seq it read */
	int ret;	/* waiter writes before done; the wait's result */
} teeth_round;

static void *teeth_waiter(void *arg)
{
	__u64 seq = teeth_round.seq;
	int ret;

	(void)arg;
	/* Barrier: pairs with the responder's acquire of started. */
	hvb_store_release_u64(&teeth_round.started, seq);
	ret = hyp_channel_wait_resp(&teeth_prod, seq, TEETH_CYCLES);
	teeth_round.ret = ret;
	teeth_round.value = teeth_slot.resp.value;
	teeth_round.resp_seq = hvb_read_once_u64(&teeth_slot.resp.seq);
	/* Barrier: ret and value before done; pairs with main's acquire. */
	hvb_store_release_u64(&teeth_round.done, seq);
	return NULL;
}

/* Plays the daemon: completes the request (Barrier C, release). */
static void teeth_respond(__u64 seq)
{
	teeth_slot.resp.value = TEETH_VALUE(seq);
	teeth_slot.resp.status = HVB_STATUS_OK;
	/* Barrier C: value before seq; pairs with the wait's acquire (C'). */
	hvb_store_release_u64(&teeth_slot.resp.seq, seq);
}

static unsigned int teeth_delay_ms = 20;

static void *teeth_responder(void *arg)
{
	__u64 seq = teeth_round.seq;
	struct timespec d = {
		.tv_sec = teeth_delay_ms / 1000,
		.tv_nsec = (long)(teeth_delay_ms % 1000) * 1000000l,
	};

	(void)arg;
	/* Barrier: pairs with the waiter's release of started. */
	while (hvb_load_acquire_u64(&teeth_round.started) != seq)
		sched_yield();
	/* The waiter is in, or about to be in, its loop: let it spin. */
	nanosleep(&d, NULL);
	teeth_respond(seq);
	return NULL;
}

static __u64 teeth_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000u + (__u64)ts.tv_nsec / 1000000u;
}

/* Run one round of @step for @seq; returns only if it passed. */
static void teeth_run(unsigned int step, unsigned int round, __u64 seq,
		      unsigned int watchdog_s)
{
	const char *name = teeth_step_name[step];
	pthread_t waiter, responder;
	__u64 start, resp_seq;

	teeth_round.seq = seq;
	if (step == 1)
		teeth_respond(seq);
	if (pthread_create(&waiter, NULL, teeth_waiter, NULL) ||
	    (step == 2 &&
	     pthread_create(&responder, NULL, teeth_responder, NULL))) {
		fprintf(stderr, "teeth: pthread_create failed\n");
		exit(TEETH_EXIT_FAIL);
	}
	/*
	 * The watchdog counts from the moment the response is in the slot,
	 * so a loaded machine that is slow to run the responder is no hang;
	 * run.sh's timeout bounds a responder that never runs.
	 */
	start = teeth_now_ms();
	/* Barrier: pairs with the waiter's release of done. */
	while (hvb_load_acquire_u64(&teeth_round.done) != seq) {
		resp_seq = hvb_read_once_u64(&teeth_slot.resp.seq);
		if (resp_seq != seq)
			start = teeth_now_ms();
		if (teeth_now_ms() - start > watchdog_s * 1000ull) {
			fprintf(stderr, "teeth: WATCHDOG: no progress for %us in step %u \"%s\" (round %u, seq %llu): resp.seq=%llu is in the slot, yet hyp_channel_wait_resp() still waits\n",
				watchdog_s, step, name, round,
				(unsigned long long)seq,
				(unsigned long long)resp_seq);
			fflush(stderr);
			/* The waiter never returns: leave from here. */
			_exit(TEETH_EXIT_WATCHDOG);
		}
		usleep(10000);
	}
	if (step == 2)
		pthread_join(responder, NULL);
	pthread_join(waiter, NULL);
	if (teeth_round.ret != 0) {
		fprintf(stderr, "teeth: GAVE UP: in step %u \"%s\" (round %u, seq %llu) hyp_channel_wait_resp() returned %d although its clock never moves, with resp.seq=%llu: it did not wait for the response\n",
			step, name, round, (unsigned long long)seq,
			teeth_round.ret,
			(unsigned long long)teeth_round.resp_seq);
		exit(TEETH_EXIT_GAVE_UP);
	}
	if (teeth_round.value != TEETH_VALUE(seq)) {
		fprintf(stderr, "teeth: FAIL: in step %u \"%s\" (round %u, seq %llu) the wait returned with resp.value=0x%llx, want 0x%llx\n",
			step, name, round, (unsigned long long)seq,
			(unsigned long long)teeth_round.value,
			(unsigned long long)TEETH_VALUE(seq));
		exit(TEETH_EXIT_FAIL);
	}
	printf("teeth: step %u \"%s\" (round %u, seq %llu): the wait returned with the response\n",
	       step, name, round, (unsigned long long)seq);
	fflush(stdout);
}

static void teeth_usage(void)
{
	fprintf(stderr, "usage: hvbridge-teeth [--rounds N] [--delay-ms MS] [--watchdog-s S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "watchdog-s", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int rounds = 5, watchdog_s = 3, r;
	__u64 seq = 1;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rounds = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'd':
			teeth_delay_ms = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'w':
			watchdog_s = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default:
			teeth_usage();
		}
	}
	if (optind != argc || !rounds || !watchdog_s)
		teeth_usage();

	teeth_run(1, 1, seq++, watchdog_s);
	for (r = 1; r <= rounds; r++)
		teeth_run(2, r, seq++, watchdog_s);
	printf("teeth: PASS: step 1 and %u rounds of step 2 returned with their responses\n",
	       rounds);
	return 0;
}
