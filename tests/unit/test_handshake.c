// SPDX-License-Identifier: MIT
/*
 * Description: the sleep/wake handshake.  The daemon sleeps only when
 * there is no work; a producer that publishes while it sleeps wakes it
 * exactly once; the token the daemon waits with is the wake_gen it read
 * before announcing SLEEPING, so a wake in between is never lost; and a
 * restarted daemon serves what a dead one took but never answered.
 *
 * The transport here is the test's own: a futex on wake_gen (what the
 * host arch's hyp_arch_wake_consumer() signals) that records every call.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <hyp/arch.h>

#include "harness.h"
#include "trap.h"

TestSuite(handshake, .timeout = UNIT_SUITE_TIMEOUT_S);

#define HS_ADDR		0x0b002000ull

struct hs_transport {
	struct hvb_transport t;		/* first: wait() gets &t */
	/* Set by the test before hvb_consumer_sleep(). */
	bool check_token;
	__u32 expect_token;
	void (*in_wait)(struct hs_transport *ht);
	struct hyp_producer *racer;
	unsigned int futex_ms;
	/* Recorded by wait(), which may run on the daemon thread. */
	atomic_uint waits;
	atomic_uint bad_tokens;
	atomic_uint returned_at_once;
	atomic_uint timeouts;
	atomic_uint last_token;
};

static bool hs_can_sleep(struct hvb_transport *t)
{
	(void)t;
	return true;
}

static int hs_wait(struct hvb_transport *t, __u32 *word, __u32 token)
{
	struct hs_transport *ht = (struct hs_transport *)t;
	struct timespec ts = {
		.tv_sec = ht->futex_ms / 1000,
		.tv_nsec = (long)(ht->futex_ms % 1000) * 1000000L,
	};

	atomic_fetch_add(&ht->waits, 1);
	atomic_store(&ht->last_token, token);
	if (ht->check_token && token != ht->expect_token)
		atomic_fetch_add(&ht->bad_tokens, 1);
	if (ht->in_wait)
		ht->in_wait(ht);
	/* What a real transport must do: never block on a changed word. */
	if (hvb_load_acquire_u32(word) != token) {
		atomic_fetch_add(&ht->returned_at_once, 1);
		return 0;
	}
	/* Shared futex, as hyp_arch_wake_consumer() wakes it. */
	if (syscall(SYS_futex, word, FUTEX_WAIT, token, &ts, NULL, 0) == 0)
		return 0;
	if (errno == EAGAIN)
		return 0;
	if (errno == EINTR)
		return -EINTR;
	if (errno == ETIMEDOUT)
		atomic_fetch_add(&ht->timeouts, 1);
	return -errno;
}

static const struct hvb_transport_ops hs_transport_ops = {
	.name = "unit-futex",
	.can_sleep = hs_can_sleep,
	.wait = hs_wait,
};

struct hs_env {
	void *mem;
	__u64 size;
	struct hvb_wake *wake;
	struct hvb_daemon_stats *ds;
	struct hvb_consumer c;
	struct unit_dev dev;
	struct hs_transport ht;
};

static void hs_setup(struct hs_env *e, __u32 nr_cpus)
{
	memset(e, 0, sizeof(*e));
	e->mem = unit_region_new(nr_cpus, &e->size);
	e->wake = hvb_region_wake(e->mem);
	e->ds = hvb_region_daemon_stats(e->mem);
	unit_consumer_attach(&e->c, e->mem, e->size, &e->dev);
	e->ht.t.ops = &hs_transport_ops;
	e->ht.t.region = e->mem;
	e->ht.t.size = e->size;
	e->ht.futex_ms = UNIT_WAIT_MS;
}

static __u64 hs_wakes(struct hs_env *e, __u32 cpu)
{
	return hvb_read_once_u64(&unit_cpu_stats(e->mem, cpu)->wakes);
}

Test(handshake, the_daemon_does_not_sleep_while_a_request_is_pending)
{
	struct hs_env e;
	struct hyp_producer p;
	struct unit_call call;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 1);
	unit_call_start(&call, &p, HS_ADDR, 4, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	cr_expect_eq(hvb_consumer_sleep(&e.c, &e.ht.t), 0,
		     "it slept with a pending bit set");
	cr_expect_eq(e.ht.waits, 0u, "the transport was asked to wait");
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(e.ds->sleeps, 0ull);
	cr_assert(unit_serve_until_done(&e.c, &call, UNIT_WAIT_MS));
	cr_expect_eq(call.value, unit_dev_value(HS_ADDR, 4));
}

Test(handshake, the_daemon_does_not_sleep_while_a_kick_is_pending)
{
	struct hs_env e;
	struct hyp_producer p;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 0);
	cr_assert_eq(hyp_channel_kick(&p, 7, 1), 0);
	cr_expect_eq(hvb_consumer_sleep(&e.c, &e.ht.t), 0,
		     "it slept with a kick pending");
	cr_expect_eq(e.ht.waits, 0u);
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(e.ds->sleeps, 0ull);
	cr_expect_eq(hvb_consumer_poll(&e.c), 1u);
	cr_expect_eq(e.dev.kicks[7][1], 1u);
}

Test(handshake, a_producer_that_sees_sleeping_wakes_the_daemon_once)
{
	struct hs_env e;
	struct hyp_producer p;
	__u32 gen;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 1);
	hvb_write_once_u32(&e.wake->consumer_state, HVB_CONSUMER_SLEEPING);
	gen = e.wake->wake_gen;
	cr_assert_eq(hyp_channel_kick(&p, 0, 3), 0);
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING,
		     "the producer took the wake duty");
	cr_expect_eq(e.wake->wake_gen, gen + 1);
	cr_expect_eq(hs_wakes(&e, 1), 1ull);
	/* The daemon is RUNNING now: more work wakes nobody. */
	cr_assert_eq(hyp_channel_kick(&p, 0, 4), 0);
	cr_expect_eq(e.wake->wake_gen, gen + 1, "woke a running daemon");
	cr_expect_eq(hs_wakes(&e, 1), 1ull);
}

/* The producer that wakes the daemon says when its work came, on the
 * hypervisor's clock (Barrier W4), for the daemon's idling policy; one
 * that finds the daemon running leaves the stamp alone. */
Test(handshake, a_producer_that_wakes_the_daemon_stamps_when)
{
	struct hs_env e;
	struct hyp_producer p;
	__u64 before, after;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 1);
	hvb_write_once_u32(&e.wake->consumer_state, HVB_CONSUMER_SLEEPING);
	before = hyp_arch_now_ns();
	cr_assert_eq(hyp_channel_kick(&p, 0, 3), 0);
	after = hyp_arch_now_ns();
	cr_expect_geq(e.wake->wake_sent_ns, before);
	cr_expect_leq(e.wake->wake_sent_ns, after);
	/* Running: no wake, no stamp. */
	hvb_write_once_u64(&e.wake->wake_sent_ns, 1);
	cr_assert_eq(hyp_channel_kick(&p, 0, 4), 0);
	cr_expect_eq(e.wake->wake_sent_ns, 1ull, "stamped with no wake");
}

Test(handshake, a_synchronous_request_wakes_a_sleeping_daemon_once)
{
	struct hs_env e;
	struct hyp_producer p;
	struct unit_call call;
	__u32 gen;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 1);
	hvb_write_once_u32(&e.wake->consumer_state, HVB_CONSUMER_SLEEPING);
	gen = e.wake->wake_gen;
	unit_call_start(&call, &p, HS_ADDR, 8, 0, 0);
	cr_assert(unit_wait_u32(&e.wake->wake_gen, gen + 1, UNIT_WAIT_MS),
		  "a request published while SLEEPING woke nobody");
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(hs_wakes(&e, 1), 1ull);
	cr_assert(unit_serve_until_done(&e.c, &call, UNIT_WAIT_MS));
	cr_expect_eq(e.wake->wake_gen, gen + 1, "woken exactly once");
	cr_expect_eq(call.value, unit_dev_value(HS_ADDR, 8));
}

Test(handshake, a_producer_leaves_a_running_or_absent_daemon_alone)
{
	struct hs_env e;
	struct hyp_producer p;
	struct unit_call call;
	__u32 gen;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 0);
	gen = e.wake->wake_gen;
	cr_assert_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_assert_eq(hyp_channel_kick(&p, 1, 1), 0);
	unit_call_start(&call, &p, HS_ADDR, 2, 0, 0);
	cr_assert(unit_serve_until_done(&e.c, &call, UNIT_WAIT_MS));
	cr_expect_eq(e.wake->wake_gen, gen, "RUNNING: wake_gen touched");
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(hs_wakes(&e, 0), 0ull);
	hvb_consumer_detach(&e.c);
	cr_assert_eq(hyp_channel_kick(&p, 1, 2), 0);
	cr_expect_eq(e.wake->wake_gen, gen, "ABSENT: wake_gen touched");
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_ABSENT,
		     "a producer resurrected a detached daemon");
	cr_expect_eq(hs_wakes(&e, 0), 0ull);
}

/*
 * Two producers find SLEEPING at the same moment: one wake, not two.  The
 * racers meet at a spinning barrier so both are on a CPU and kick within
 * a few hundred nanoseconds of each other; racer 0 also plays the daemon
 * that announces SLEEPING and checks wake_gen after each race.
 */
#define HS_RACES	20000u
#define HS_RACERS	2u

struct hs_race {
	atomic_uint arrived;
	atomic_uint phase;
	atomic_int timed_out;
	__u64 deadline;
	struct hvb_wake *wake;
	unsigned int doubled, missed;
};

struct hs_racer {
	struct hs_race *race;
	struct hyp_producer p;
	unsigned int id, phase;
	pthread_t thread;
};

/* Both racers arrive before either leaves.  False after the deadline. */
static bool hs_race_meet(struct hs_racer *r)
{
	struct hs_race *race = r->race;
	unsigned int ph = r->phase++, spins = 0;

	if (atomic_fetch_add(&race->arrived, 1) + 1 == HS_RACERS) {
		atomic_store(&race->arrived, 0);
		atomic_store(&race->phase, ph + 1);
		return true;
	}
	while (atomic_load(&race->phase) == ph) {
		if (++spins % 256)
			continue;
		if (atomic_load(&race->timed_out) ||
		    unit_now_ns() > race->deadline) {
			atomic_store(&race->timed_out, 1);
			return false;
		}
		sched_yield();
	}
	return true;
}

static void *hs_racer_thread(void *arg)
{
	struct hs_racer *r = arg;
	struct hs_race *race = r->race;
	unsigned int i;
	__u32 gen = 0;

	for (i = 0; i < HS_RACES; i++) {
		if (r->id == 0) {
			gen = hvb_read_once_u32(&race->wake->wake_gen);
			hvb_store_release_u32(&race->wake->consumer_state,
					      HVB_CONSUMER_SLEEPING);
		}
		if (!hs_race_meet(r))
			break;
		hyp_channel_kick(&r->p, r->p.cpu, 0);
		if (!hs_race_meet(r))
			break;
		if (r->id == 0) {
			__u32 now = hvb_read_once_u32(&race->wake->wake_gen);

			race->doubled += now - gen > 1;
			race->missed += now == gen;
		}
	}
	return NULL;
}

Test(handshake, two_producers_racing_on_sleeping_wake_the_daemon_once)
{
	static struct hs_race race;
	struct hs_env e;
	struct hs_racer r[HS_RACERS];
	unsigned int i;

	hs_setup(&e, HS_RACERS);
	memset(&race, 0, sizeof(race));
	race.wake = e.wake;
	race.deadline = unit_now_ns() + 3 * UNIT_WAIT_MS * 1000000ull;
	for (i = 0; i < HS_RACERS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].race = &race;
		r[i].id = i;
		unit_producer_attach(&r[i].p, e.mem, e.size, i);
		cr_assert_eq(pthread_create(&r[i].thread, NULL,
					    hs_racer_thread, &r[i]), 0);
	}
	for (i = 0; i < HS_RACERS; i++)
		pthread_join(r[i].thread, NULL);
	cr_assert(!atomic_load(&race.timed_out), "the racers never met");
	cr_expect_eq(race.doubled, 0u, "%u races woke the daemon twice",
		     race.doubled);
	cr_expect_eq(race.missed, 0u, "%u races woke nobody", race.missed);
	cr_expect_eq(e.wake->wake_gen, HS_RACES);
	cr_expect_eq(hs_wakes(&e, 0) + hs_wakes(&e, 1), (__u64)HS_RACES,
		     "one wake counted per race");
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
}

/* Kicks from the daemon thread, as a producer on another CPU would. */
static void hs_kick_in_wait(struct hs_transport *ht)
{
	hyp_channel_kick(ht->racer, 2, 2);
}

Test(handshake, a_wake_between_sleeping_and_the_wait_is_not_lost)
{
	struct hs_env e;
	struct hyp_producer p;
	__u32 gen;
	__u64 t0;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 0);
	gen = e.wake->wake_gen;
	e.ht.check_token = true;
	e.ht.expect_token = gen;
	/*
	 * The producer publishes after the daemon's last look for work and
	 * before it blocks: it sees SLEEPING and bumps wake_gen.  The daemon
	 * must wait with the token it read before SLEEPING, so the wait
	 * returns at once; with a fresher token it would block until the
	 * futex times out.
	 */
	e.ht.in_wait = hs_kick_in_wait;
	e.ht.racer = &p;
	t0 = unit_now_ns();
	cr_expect_eq(hvb_consumer_sleep(&e.c, &e.ht.t), 1);
	cr_expect_eq(e.ht.waits, 1u);
	cr_expect_eq(e.ht.bad_tokens, 0u,
		     "waited with token %u, wake_gen before SLEEPING was %u",
		     e.ht.last_token, gen);
	cr_expect_eq(e.ht.returned_at_once, 1u);
	cr_expect_eq(e.ht.timeouts, 0u, "the wake-up was lost");
	cr_expect_lt(unit_now_ns() - t0, UNIT_WAIT_MS * 1000000ull / 2);
	cr_expect_eq(e.wake->wake_gen, gen + 1);
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(e.ds->sleeps, 1ull);
	cr_expect_eq(e.ds->wakeups, 1ull);
	cr_expect_eq(e.ds->empty_wakeups, 0ull, "the kick is there");
	cr_expect_eq(hvb_consumer_poll(&e.c), 1u);
	cr_expect_eq(e.dev.kicks[2][2], 1u);
}

/*
 * The narrowest window: the producer publishes after the daemon's last
 * look for work has missed it, sees SLEEPING and bumps wake_gen, all
 * before the daemon calls wait().  To land a wake exactly there
 * (trap.h), the daemon's kick bitmap pointer is aimed at an inaccessible
 * page: its first read, the look for work after SLEEPING, faults, and the
 * producer kicks on the real region before the read goes on to see an
 * empty bitmap.  A daemon that waits with a token read any later than
 * Barrier W0 blocks on the new wake_gen and sleeps through the wake.
 */
Test(handshake, a_wake_after_the_last_look_for_work_still_ends_the_wait)
{
	struct hs_env e;
	struct hyp_producer p;
	struct hvb_kicks *real_kicks;
	char *page;
	__u32 gen;
	int ret;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 0);
	gen = e.wake->wake_gen;
	e.ht.check_token = true;
	e.ht.expect_token = gen;
	e.ht.futex_ms = 500;
	page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(page != MAP_FAILED);
	unit_trap_arm_kick(page, &p, 6, 6, PROT_READ);
	real_kicks = e.c.kicks;
	e.c.kicks = (struct hvb_kicks *)page;

	ret = hvb_consumer_sleep(&e.c, &e.ht.t);

	e.c.kicks = real_kicks;
	unit_trap_disarm();
	munmap(page, 4096);
	cr_assert(unit_trap_fired(),
		  "the daemon did not look at the kick bitmap after SLEEPING");
	cr_expect_eq(e.ht.timeouts, 0u,
		     "the daemon slept through the wake (token %u, wake_gen "
		     "before SLEEPING %u)", e.ht.last_token, gen);
	cr_expect_eq(ret, 1);
	cr_expect_eq(e.ht.bad_tokens, 0u, "waited with token %u, want %u",
		     e.ht.last_token, gen);
	cr_expect_eq(e.ht.returned_at_once, 1u);
	cr_expect_eq(e.wake->wake_gen, gen + 1);
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(hvb_consumer_poll(&e.c), 1u, "the kick is served");
	cr_expect_eq(e.dev.kicks[6][6], 1u);
}

/*
 * The swap itself, deterministically: producer A reads SLEEPING, and
 * producer B publishes and wakes the daemon before A moves the state.
 * A's wake block is a second, read-only mapping of the region's first
 * page, so A's attempt to move the state faults; the handler runs all of
 * B's kick, then lets A's access go on.  Only the producer that won the
 * SLEEPING -> RUNNING swap may bump wake_gen: one wake, not two.
 */
Test(handshake, a_producer_that_loses_the_swap_does_not_wake_the_daemon_again)
{
	struct unit_alias r;
	struct hyp_producer a, b;
	struct hvb_wake *wake;
	__u32 gen;

	unit_alias_new(&r, 2);
	unit_producer_attach(&a, r.mem, r.size, 0);
	unit_producer_attach(&b, r.mem, r.size, 1);
	a.wake = (struct hvb_wake *)(r.alias + HVB_WAKE_OFF);
	wake = hvb_region_wake(r.mem);
	hvb_write_once_u32(&wake->consumer_state, HVB_CONSUMER_SLEEPING);
	gen = wake->wake_gen;

	unit_trap_arm_kick(r.alias, &b, 1, 1, PROT_READ | PROT_WRITE);
	cr_expect_eq(hyp_channel_kick(&a, 0, 0), 0);
	unit_trap_disarm();

	cr_assert(unit_trap_fired(), "A never tried to move the state");
	cr_expect_eq(wake->wake_gen, gen + 1, "wake_gen moved by %u",
		     wake->wake_gen - gen);
	cr_expect_eq(unit_cpu_stats(r.mem, 1)->wakes, 1ull,
		     "B, the winner, wakes");
	cr_expect_eq(unit_cpu_stats(r.mem, 0)->wakes, 0ull,
		     "A, the loser, woke the daemon too");
	cr_expect_eq(wake->consumer_state, HVB_CONSUMER_RUNNING);
	unit_alias_free(&r);
}

/* The daemon sleeps on its own thread; the test wakes it. */
struct hs_sleeper {
	struct hs_env *e;
	int ret;
	atomic_int done;
	pthread_t thread;
};

static void *hs_sleeper_thread(void *arg)
{
	struct hs_sleeper *s = arg;

	s->ret = hvb_consumer_sleep(&s->e->c, &s->e->ht.t);
	atomic_store(&s->done, 1);
	return NULL;
}

Test(handshake, a_sleeping_daemon_waits_with_the_wake_gen_it_read_and_is_woken)
{
	struct hs_env e;
	struct hyp_producer p;
	struct hs_sleeper s = { 0 };
	__u32 gen;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 1);
	/* Some wake history first, so a token of 0 would be wrong. */
	hvb_write_once_u32(&e.wake->consumer_state, HVB_CONSUMER_SLEEPING);
	hyp_channel_kick(&p, 0, 0);
	hvb_consumer_poll(&e.c);
	gen = e.wake->wake_gen;
	cr_assert_eq(gen, 1u);
	e.ht.check_token = true;
	e.ht.expect_token = gen;
	s.e = &e;
	cr_assert_eq(pthread_create(&s.thread, NULL, hs_sleeper_thread, &s),
		     0);
	cr_assert(unit_wait_u32(&e.wake->consumer_state,
				HVB_CONSUMER_SLEEPING, UNIT_WAIT_MS),
		  "the daemon never announced SLEEPING");
	/* It stays asleep without work... */
	unit_sleep_ms(UNIT_QUIET_MS);
	cr_assert(!atomic_load(&s.done), "woke up with nothing to do");
	/* ...and a kick wakes it. */
	cr_assert_eq(hyp_channel_kick(&p, 4, 4), 0);
	cr_assert(unit_wait_flag(&s.done, UNIT_WAIT_MS),
		  "the kick did not wake the daemon");
	pthread_join(s.thread, NULL);
	cr_expect_eq(s.ret, 1);
	cr_expect_eq(e.ht.bad_tokens, 0u, "token %u, wake_gen was %u",
		     e.ht.last_token, gen);
	cr_expect_eq(e.ht.timeouts, 0u);
	cr_expect_eq(e.wake->wake_gen, gen + 1);
	cr_expect_eq(hs_wakes(&e, 1), 2ull);
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(e.ds->wakeups, 1ull);
	cr_expect_eq(hvb_consumer_poll(&e.c), 1u);
	cr_expect_eq(e.dev.kicks[4][4], 1u);
}

Test(handshake, a_restarted_daemon_serves_a_request_a_dead_one_took)
{
	struct hs_env e;
	struct hvb_consumer dead_c, c2;
	struct hyp_producer p;
	struct unit_call call;
	struct hvb_request req;
	struct unit_dev dev2 = { 0 };

	hs_setup(&e, 4);
	dead_c = e.c;
	/* CPU 2: the dead daemon's peek at its last slot (CPU 0) misses. */
	unit_producer_attach(&p, e.mem, e.size, 2);
	unit_call_start(&call, &p, HS_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	/* The dead daemon took the pending bit and read the request, then
	 * died (and had announced SLEEPING before, for good measure). */
	hvb_xchg_u64(&hvb_region_pending(e.mem)->cpu_bits[0], 0);
	cr_assert_eq(hvb_consumer_fetch(&dead_c, 2, &req), 1);
	hvb_write_once_u32(&e.wake->consumer_state, HVB_CONSUMER_SLEEPING);
	/* Nothing announces the request any more. */
	cr_expect_eq(hvb_consumer_poll(&dead_c), 0u);
	unit_sleep_ms(UNIT_QUIET_MS);
	cr_assert(!unit_call_is_done(&call));

	memset(&c2, 0, sizeof(c2));
	cr_assert_eq(hvb_consumer_attach(&c2, e.mem, e.size, &unit_dev_ops,
					 &dev2), 0);
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(e.wake->consumer_epoch, 2u);
	cr_expect(hvb_consumer_has_work(&c2), "the attach scan is work");
	cr_assert(unit_serve_until_done(&c2, &call, UNIT_WAIT_MS),
		  "the restarted daemon did not serve the orphaned request");
	cr_expect_eq(call.status, HVB_STATUS_OK);
	cr_expect_eq(call.value, unit_dev_value(HS_ADDR, 8));
	cr_expect_eq(dev2.sync_calls, 1u);
	cr_expect_eq(e.ds->attach_scans, 2ull);
	/* The dead daemon's late completion is refused: another daemon
	 * attached since (and answered it). */
	cr_expect_eq(hvb_consumer_complete(&dead_c, &req, HVB_STATUS_OK, 1),
		     -ESTALE);
	cr_expect_eq(hvb_region_slot(e.mem, 2)->resp.value,
		     unit_dev_value(HS_ADDR, 8), "the late completion wrote");
}

/*
 * What the last daemon answered is done: a new one's attach scan finds
 * every slot's request already completed (req.seq == resp.seq) and runs
 * none of them again, not even a register write, whose second run would
 * be a second side effect in the device.
 */
Test(handshake, a_restarted_daemon_does_not_serve_again_what_the_last_one_answered)
{
	struct hs_env e;
	struct hvb_consumer c2;
	struct hyp_producer p0, p1;
	struct unit_dev dev2 = { 0 };
	__u64 v = 5;

	hs_setup(&e, 2);
	unit_producer_attach(&p0, e.mem, e.size, 0);
	unit_producer_attach(&p1, e.mem, e.size, 1);
	cr_assert_eq(unit_roundtrip(&e.c, &p0, HS_ADDR, 8, HVB_REQ_WRITE, &v),
		     HVB_STATUS_OK);
	v = 0;
	cr_assert_eq(unit_roundtrip(&e.c, &p1, HS_ADDR, 4, 0, &v),
		     HVB_STATUS_OK);
	cr_assert_eq(atomic_load(&e.dev.sync_calls), 2u);
	hvb_consumer_detach(&e.c);

	memset(&c2, 0, sizeof(c2));
	cr_assert_eq(hvb_consumer_attach(&c2, e.mem, e.size, &unit_dev_ops,
					 &dev2), 0);
	hvb_consumer_poll(&c2);		/* the attach scan */
	hvb_consumer_poll(&c2);
	cr_expect_eq(e.ds->attach_scans, 2ull);
	cr_expect_eq(atomic_load(&dev2.sync_calls), 0u,
		     "the new daemon ran %u answered requests again",
		     atomic_load(&dev2.sync_calls));
	/* And it serves the next one. */
	v = 0;
	cr_expect_eq(unit_roundtrip(&c2, &p1, HS_ADDR, 8, 0, &v),
		     HVB_STATUS_OK);
	cr_expect_eq(v, unit_dev_value(HS_ADDR, 8));
	cr_expect_eq(atomic_load(&dev2.sync_calls), 1u);
	unit_region_free(e.mem, e.size);
}

/*
 * A daemon that finds another attached since it did (consumer_epoch moved
 * past its own: a root zone that got around the transport's one-daemon
 * lock) serves nothing more, not even once: the device's sync may have
 * side effects, and with its completion refused the request would stay
 * pending for it, served again on every turn, for ever.  Its loop ends
 * with -ESTALE, and its detach leaves the region to the other daemon.
 */
Test(handshake, a_replaced_daemon_stops_serving_and_leaves_the_region_alone)
{
	struct hs_env e;
	struct hvb_consumer c2;
	struct hyp_producer p;
	struct unit_call call;
	struct unit_daemon d;
	struct unit_dev dev2 = { 0 };
	bool ended;

	hs_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 1);
	unit_call_start(&call, &p, HS_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	cr_assert_eq(hyp_channel_kick(&p, 7, 1), 0);
	memset(&c2, 0, sizeof(c2));
	cr_assert_eq(hvb_consumer_attach(&c2, e.mem, e.size, &unit_dev_ops,
					 &dev2), 0);

	/* The first daemon's serving loop ends by itself, its first turn a
	 * full poll. */
	unit_daemon_start(&d, &e.c, &e.ht.t);
	ended = unit_daemon_join(&d, UNIT_WAIT_MS);
	if (!ended)
		cr_assert(unit_daemon_stop(&d, &p, UNIT_WAIT_MS));
	cr_expect(ended, "the replaced daemon's loop did not end");
	cr_expect_eq(d.err, -ESTALE);
	cr_expect_eq(atomic_load(&e.dev.sync_calls), 0u,
		     "the replaced daemon served %u requests",
		     atomic_load(&e.dev.sync_calls));
	cr_expect(!unit_call_is_done(&call), "the replaced daemon answered");
	cr_expect_eq(atomic_load(&e.dev.kick_calls), 0u,
		     "the replaced daemon took a kick");

	/* Its detach writes nothing: still the other daemon's region. */
	hvb_consumer_detach(&e.c);
	cr_expect_eq(e.wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(e.wake->consumer_pid, (__u32)getpid());
	cr_expect_eq(e.wake->consumer_epoch, 2u);

	cr_assert(unit_serve_until_done(&c2, &call, UNIT_WAIT_MS));
	cr_expect_eq(call.status, HVB_STATUS_OK);
	cr_expect_eq(call.value, unit_dev_value(HS_ADDR, 8));
	cr_expect_eq(atomic_load(&dev2.sync_calls), 1u);
	cr_expect_eq(atomic_load(&dev2.kicks[7][1]), 1u);
	unit_region_free(e.mem, e.size);
}

/*
 * Another daemon attaches while this one is in the middle of a poll (its
 * device's sync, here): the request it was running is refused, and the
 * next one in the same poll is not run at all.  (The full poll's own
 * check comes too late for that: it ran at the poll's start.)
 */
struct hs_usurp {
	struct unit_dev dev;	/* first: unit_dev_ops's context too */
	void *mem;
	__u64 size;
	struct hvb_consumer c2;
	struct unit_dev dev2;
	unsigned int syncs;
};

static __u32 hs_usurp_sync(void *ctx, const struct hvb_request *req,
			   __u64 *value)
{
	struct hs_usurp *u = ctx;

	if (u->syncs++ == 0)
		cr_assert_eq(hvb_consumer_attach(&u->c2, u->mem, u->size,
						 &unit_dev_ops, &u->dev2), 0);
	*value = unit_dev_value(req->addr, req->size);
	return HVB_STATUS_OK;
}

Test(handshake, a_daemon_replaced_in_the_middle_of_a_poll_runs_nothing_more)
{
	static struct hs_usurp u;
	struct hvb_consumer_ops ops = unit_dev_ops;
	struct hvb_consumer c;
	struct hyp_producer p0, p1;
	struct unit_call call0, call1;

	memset(&u, 0, sizeof(u));
	ops.sync = hs_usurp_sync;
	u.mem = unit_region_new(2, &u.size);
	memset(&c, 0, sizeof(c));
	cr_assert_eq(hvb_consumer_attach(&c, u.mem, u.size, &ops, &u), 0);
	hvb_consumer_poll(&c);		/* the attach scan */
	unit_producer_attach(&p0, u.mem, u.size, 0);
	unit_producer_attach(&p1, u.mem, u.size, 1);
	unit_call_start(&call0, &p0, HS_ADDR, 8, 0, 0);
	unit_call_start(&call1, &p1, HS_ADDR + 8, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call0, UNIT_WAIT_MS));
	cr_assert(unit_call_wait_published(&call1, UNIT_WAIT_MS));

	hvb_consumer_poll(&c);
	cr_expect_eq(u.syncs, 1u, "the replaced daemon ran %u requests",
		     u.syncs);
	cr_expect(c.replaced);
	cr_expect(!unit_call_is_done(&call0) && !unit_call_is_done(&call1),
		  "the replaced daemon answered");

	cr_assert(unit_serve_until_done(&u.c2, &call0, UNIT_WAIT_MS));
	cr_assert(unit_serve_until_done(&u.c2, &call1, UNIT_WAIT_MS));
	cr_expect_eq(call0.value, unit_dev_value(HS_ADDR, 8));
	cr_expect_eq(call1.value, unit_dev_value(HS_ADDR + 8, 8));
	cr_expect_eq(atomic_load(&u.dev2.sync_calls), 2u);
	unit_region_free(u.mem, u.size);
}

/*
 * The real serving loop, sleeping after every empty poll, against
 * producers issuing back-to-back requests: every request completes
 * (a lost wake-up would leave one waiting until its producer gives up).
 */
#define HS_STRESS_CPUS		2u
#define HS_STRESS_REQUESTS	20000u

struct hs_vcpu {
	struct hyp_producer p;
	unsigned int bad, timeouts;
	pthread_t thread;
};

static void *hs_vcpu_thread(void *arg)
{
	struct hs_vcpu *v = arg;
	unsigned int i;

	for (i = 0; i < HS_STRESS_REQUESTS; i++) {
		__u64 addr = HS_ADDR + 8 * (i % 64), value = 0;
		hyp_status_t st = hyp_channel_sync(&v->p, 1, addr, 8, 0,
						   &value);

		if (st == HVB_STATUS_TIMEOUT)
			v->timeouts++;
		else if (st != HVB_STATUS_OK ||
			 value != unit_dev_value(addr, 8))
			v->bad++;
	}
	return NULL;
}

Test(handshake, no_wake_up_is_lost_when_the_daemon_sleeps_after_every_poll)
{
	struct hs_env e;
	struct unit_daemon d;
	struct hs_vcpu v[HS_STRESS_CPUS];
	unsigned int i;

	hs_setup(&e, HS_STRESS_CPUS + 1);
	e.c.spin_budget = 1;
	unit_daemon_start(&d, &e.c, &e.ht.t);
	for (i = 0; i < HS_STRESS_CPUS; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		unit_producer_attach(&v[i].p, e.mem, e.size, i);
		v[i].p.timeout_ns = 2ull * 1000 * 1000 * 1000;
		cr_assert_eq(pthread_create(&v[i].thread, NULL,
					    hs_vcpu_thread, &v[i]), 0);
	}
	for (i = 0; i < HS_STRESS_CPUS; i++)
		pthread_join(v[i].thread, NULL);
	{
		struct hyp_producer waker;

		unit_producer_attach(&waker, e.mem, e.size, HS_STRESS_CPUS);
		cr_assert(unit_daemon_stop(&d, &waker, UNIT_WAIT_MS),
			  "the daemon did not stop");
	}
	cr_expect_eq(d.err, 0, "the serving loop failed: %s",
		     strerror(-d.err));
	for (i = 0; i < HS_STRESS_CPUS; i++) {
		cr_expect_eq(v[i].timeouts, 0u,
			     "CPU %u: %u requests never woke the daemon", i,
			     v[i].timeouts);
		cr_expect_eq(v[i].bad, 0u, "CPU %u: %u wrong answers", i,
			     v[i].bad);
	}
	cr_expect_eq(e.ht.timeouts, 0u, "the daemon slept through work");
	cr_expect_gt(e.ds->sleeps, 0ull, "the daemon never slept");
	cr_expect_eq(e.dev.sync_calls, HS_STRESS_CPUS * HS_STRESS_REQUESTS);
}
