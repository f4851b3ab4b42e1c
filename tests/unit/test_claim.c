// SPDX-License-Identifier: MIT
/*
 * Description: one daemon per region whatever the transports (claim.c).
 * A free region is taken at once and given back on release; a dead owner
 * of the claimer's own transport is replaced at once (the transport's
 * lock proves it dead); an owner of another transport is watched: while
 * its heartbeat moves the claim is refused with a sentence naming it,
 * once it stops for HVB_CLAIM_WAIT_MS the region is taken over, and if it
 * lets go meanwhile the region is taken then.  A stop request ends the
 * watch.  The real serving loop beats often enough to keep a claimer
 * out, spinning and asleep.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "claim.h"
#include "harness.h"
#include "transport.h"

TestSuite(claim, .timeout = UNIT_SUITE_TIMEOUT_S);

struct cl_env {
	void *mem;
	__u64 size;
	struct hvb_wake *wake;
	struct hvb_daemon_stats *ds;
	char why[256];
};

static void cl_setup(struct cl_env *e)
{
	memset(e, 0, sizeof(*e));
	e->mem = unit_region_new(2, &e->size);
	e->wake = hvb_region_wake(e->mem);
	e->ds = hvb_region_daemon_stats(e->mem);
}

static __u64 cl_ms_since(__u64 t0)
{
	return (unit_now_ns() - t0) / 1000000u;
}

/* A daemon on @transport claims the region; its hvb_claim_take(). */
static int cl_take(struct cl_env *e, struct hvb_claim *cl, __u32 transport,
		   const volatile int *stop)
{
	return hvb_claim_take(cl, e->mem, e->size, transport, stop, e->why,
			      sizeof(e->why));
}

/* The same, which must succeed; how long it took, in ms. */
static __u64 cl_take_ok(struct cl_env *e, struct hvb_claim *cl,
			__u32 transport)
{
	__u64 t0 = unit_now_ns();

	cr_assert_eq(cl_take(e, cl, transport, NULL), 0, "%s", e->why);
	return cl_ms_since(t0);
}

/* The other daemon: beats every 5 ms until told to stop, or lets go of
 * the region after @release_ms. */
struct cl_owner {
	struct cl_env *e;
	unsigned int release_ms;
	atomic_int stop;
	pthread_t th;
};

static void *cl_owner_thread(void *arg)
{
	struct cl_owner *o = arg;
	unsigned int ms = 0;

	while (!atomic_load(&o->stop)) {
		if (o->release_ms && ms >= o->release_ms) {
			hvb_store_release_u32(&o->e->wake->consumer_owner, 0);
			break;
		}
		if (!o->release_ms)
			hvb_write_once_u64(&o->e->ds->heartbeat,
					   o->e->ds->heartbeat + 1);
		unit_sleep_ms(5);
		ms += 5;
	}
	return NULL;
}

static void cl_owner_start(struct cl_owner *o, struct cl_env *e,
			   unsigned int release_ms)
{
	o->e = e;
	o->release_ms = release_ms;
	atomic_init(&o->stop, 0);
	cr_assert(!pthread_create(&o->th, NULL, cl_owner_thread, o));
}

static void cl_owner_stop(struct cl_owner *o)
{
	atomic_store(&o->stop, 1);
	pthread_join(o->th, NULL);
}

Test(claim, a_free_region_is_taken_at_once_and_given_back)
{
	struct cl_env e;
	struct hvb_claim cl;

	cl_setup(&e);
	cr_expect_lt(cl_take_ok(&e, &cl, HVB_OWNER_SIM),
		     (__u64)HVB_CLAIM_WAIT_MS / 2);
	cr_expect_eq(HVB_OWNER_TRANSPORT(e.wake->consumer_owner),
		     HVB_OWNER_SIM);
	cr_expect_eq(e.wake->consumer_owner, cl.owner);
	hvb_claim_release(&cl);
	cr_expect_eq(e.wake->consumer_owner, 0u);
}

Test(claim, a_dead_owner_of_the_same_transport_is_replaced_at_once)
{
	struct cl_env e;
	struct hvb_claim dead, cl;

	cl_setup(&e);
	cl_take_ok(&e, &dead, HVB_OWNER_KMOD);
	/* It dies without a release; we hold the transport's lock now. */
	cr_expect_lt(cl_take_ok(&e, &cl, HVB_OWNER_KMOD),
		     (__u64)HVB_CLAIM_WAIT_MS / 2);
	cr_expect_eq(e.wake->consumer_owner, cl.owner);
	/* The dead one's release (a late detach) cannot free ours. */
	hvb_claim_release(&dead);
	cr_expect_eq(e.wake->consumer_owner, cl.owner);
}

Test(claim, a_live_owner_of_another_transport_is_refused_by_name)
{
	struct cl_env e;
	struct hvb_claim host, cl;
	struct cl_owner o;
	int err;

	cl_setup(&e);
	cl_take_ok(&e, &host, HVB_OWNER_HOST);
	hvb_write_once_u32(&e.wake->consumer_pid, 4242);
	cl_owner_start(&o, &e, 0);
	err = cl_take(&e, &cl, HVB_OWNER_KMOD, NULL);
	cl_owner_stop(&o);
	cr_expect_eq(err, -EBUSY);
	cr_expect(strstr(e.why, "another daemon (transport host, pid 4242"),
		  "message: %s", e.why);
	cr_expect_eq(e.wake->consumer_owner, host.owner, "still the host's");
}

Test(claim, a_silent_owner_of_another_transport_is_taken_over_after_the_wait)
{
	struct cl_env e;
	struct hvb_claim host, cl;

	cl_setup(&e);
	cl_take_ok(&e, &host, HVB_OWNER_HOST);
	/* hvb_claim_now_ms() truncates: its end may come up to 1 ms early. */
	cr_expect_geq(cl_take_ok(&e, &cl, HVB_OWNER_SIM),
		      (__u64)HVB_CLAIM_WAIT_MS - 1);
	cr_expect_eq(HVB_OWNER_TRANSPORT(e.wake->consumer_owner),
		     HVB_OWNER_SIM);
}

Test(claim, an_owner_that_lets_go_during_the_watch_hands_over_at_once)
{
	struct cl_env e;
	struct hvb_claim host, cl;
	struct cl_owner o;
	__u64 t0;
	int err;

	cl_setup(&e);
	cl_take_ok(&e, &host, HVB_OWNER_HOST);
	cl_owner_start(&o, &e, 50);
	t0 = unit_now_ns();
	err = cl_take(&e, &cl, HVB_OWNER_KMOD, NULL);
	cl_owner_stop(&o);
	cr_expect_eq(err, 0, "%s", e.why);
	cr_expect_lt(cl_ms_since(t0), (__u64)HVB_CLAIM_WAIT_MS);
	cr_expect_eq(e.wake->consumer_owner, cl.owner);
}

Test(claim, a_stop_request_ends_the_watch)
{
	struct cl_env e;
	struct hvb_claim host, cl;
	volatile int stop = 1;

	cl_setup(&e);
	cl_take_ok(&e, &host, HVB_OWNER_HOST);
	cr_expect_eq(cl_take(&e, &cl, HVB_OWNER_KMOD, &stop), -EINTR);
	cr_expect_eq(e.wake->consumer_owner, host.owner);
}

Test(claim, a_region_that_fails_its_check_is_not_touched)
{
	struct cl_env e;
	struct hvb_claim cl;

	cl_setup(&e);
	((struct hvb_region_header *)e.mem)->kick_devs = 7;
	cr_expect_eq(cl_take(&e, &cl, HVB_OWNER_SIM, NULL), -EPROTO);
	cr_expect(strstr(e.why, "offsets or sizes"), "message: %s", e.why);
	cr_expect_eq(e.wake->consumer_owner, 0u);
}

/* The real serving loop, hvb_consumer_run(), on a thread. */
struct cl_daemon {
	struct hvb_consumer c;
	struct unit_dev dev;
	struct hvb_transport t;
	volatile int stop;
	pthread_t th;
};

static void *cl_daemon_thread(void *arg)
{
	struct cl_daemon *d = arg;

	hvb_consumer_run(&d->c, d->t.ops ? &d->t : NULL, &d->stop);
	return NULL;
}

/* A daemon holding the region by @transport serves it, polling or (with
 * @sleeps) asleep on the sim transport's futex; a daemon on another
 * transport is refused. */
static void cl_serving_owner_refuses(bool sleeps)
{
	struct cl_env e;
	struct hvb_claim owner, cl;
	struct cl_daemon *d = calloc(1, sizeof(*d));
	int err;

	cr_assert(d);
	cl_setup(&e);
	cl_take_ok(&e, &owner, HVB_OWNER_SIM);
	unit_consumer_attach(&d->c, e.mem, e.size, &d->dev);
	if (sleeps) {
		d->t.ops = &hvb_transport_sim;
		d->t.stop = &d->stop;
		d->t.heartbeat = &e.ds->heartbeat;
		d->c.spin_budget = 1;
	}
	cr_assert(!pthread_create(&d->th, NULL, cl_daemon_thread, d));
	err = cl_take(&e, &cl, HVB_OWNER_HOST, NULL);
	if (sleeps)
		cr_expect_gt(hvb_read_once_u64(&e.ds->sleeps), 0ull,
			     "the daemon never slept");
	__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
	pthread_join(d->th, NULL);
	cr_expect_eq(err, -EBUSY, "a serving daemon looked dead: %s", e.why);
	cr_expect_eq(e.wake->consumer_owner, owner.owner);
	free(d);
}

Test(claim, a_polling_daemon_keeps_a_claimer_of_another_transport_out)
{
	cl_serving_owner_refuses(false);
}

Test(claim, a_sleeping_daemon_keeps_a_claimer_of_another_transport_out)
{
	cl_serving_owner_refuses(true);
}
