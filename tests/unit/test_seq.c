// SPDX-License-Identifier: MIT
/*
 * Description: completions are matched to requests by sequence number.
 * A vCPU thread blocks in the real hyp_channel_sync() while the test plays
 * the daemon, with the real hvb_consumer_fetch()/_complete() or by writing
 * the response line raw as a stale or rogue daemon would.  A completion
 * that carries any seq but the request's never completes it, and never
 * hands it another request's value.
 */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <hvbridge/testdev.h>

#include "harness.h"

TestSuite(seq, .timeout = UNIT_SUITE_TIMEOUT_S);

#define SEQ_CPUS	2u
#define SEQ_CPU		1u
#define SEQ_ADDR	0x0b000040ull
#define SEQ_BAD_VALUE	0xbadbadbadbadbad0ull

struct seq_env {
	void *mem;
	__u64 size;
	struct hvb_cpu_slot *slot;
	struct hyp_producer p;
	struct hvb_consumer c;
	struct unit_dev dev;
};

static void seq_setup(struct seq_env *e)
{
	unsigned int i;

	memset(e, 0, sizeof(*e));
	e->mem = unit_region_new(SEQ_CPUS, &e->size);
	unit_producer_attach(&e->p, e->mem, e->size, SEQ_CPU);
	unit_consumer_attach(&e->c, e->mem, e->size, &e->dev);
	e->slot = hvb_region_slot(e->mem, SEQ_CPU);
	/* A few real round trips first, so "the previous request" exists
	 * and seqs are not at their initial values. */
	for (i = 0; i < 3; i++) {
		__u64 v = 0;

		cr_assert_eq(unit_roundtrip(&e->c, &e->p, SEQ_ADDR + 8 * i, 8,
					    0, &v), HVB_STATUS_OK);
		cr_assert_eq(v, unit_dev_value(SEQ_ADDR + 8 * i, 8));
	}
}

/* What a daemon that does not follow the protocol writes. */
static void seq_raw_complete(struct hvb_cpu_slot *slot, __u64 seq,
			     __u64 value)
{
	hvb_write_once_u64(&slot->resp.value, value);
	hvb_write_once_u32(&slot->resp.status, HVB_STATUS_OK);
	hvb_store_release_u64(&slot->resp.seq, seq);
}

static void seq_fetch(struct seq_env *e, struct hvb_request *req, __u64 seq)
{
	cr_assert_eq(hvb_consumer_fetch(&e->c, SEQ_CPU, req), 1,
		     "request %llu is visible to the daemon",
		     (unsigned long long)seq);
	cr_assert_eq(req->seq, seq);
	cr_assert_eq(req->addr, SEQ_ADDR);
	cr_assert_eq(req->cpu, SEQ_CPU);
}

static void seq_start(struct seq_env *e, struct unit_call *call)
{
	unit_call_start(call, &e->p, SEQ_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait_published(call, UNIT_WAIT_MS),
		  "request %llu never published",
		  (unsigned long long)call->seq);
}

/*
 * A request the daemon fetched and then left to time out: the producer
 * gets a short timeout (SEQ_SHORT_TIMEOUT_NS).  On a busy machine it may
 * give up before the fetch; that request is not the case wanted (an
 * INVALID slot is not fetched, test a_timed_out_request_...), so it is
 * left to time out and the next one tried.  Returns with @req fetched
 * and the call still waiting or just timed out.
 */
#define SEQ_SHORT_TIMEOUT_NS	(100ull * 1000 * 1000)
#define SEQ_FETCH_TRIES		20

static void seq_start_fetched(struct seq_env *e, struct unit_call *call,
			      struct hvb_request *req)
{
	int i;

	e->p.timeout_ns = SEQ_SHORT_TIMEOUT_NS;
	for (i = 0; i < SEQ_FETCH_TRIES; i++) {
		seq_start(e, call);
		if (hvb_consumer_fetch(&e->c, SEQ_CPU, req) == 1) {
			cr_assert_eq(req->seq, call->seq);
			cr_assert_eq(req->addr, SEQ_ADDR);
			cr_assert_eq(req->cpu, SEQ_CPU);
			return;
		}
		cr_assert(unit_call_wait(call, UNIT_WAIT_MS),
			  "an unfetched request never timed out");
		cr_assert_eq(call->status, HVB_STATUS_TIMEOUT);
	}
	cr_assert_fail("%d requests timed out before the daemon could fetch one (%llu ms each)",
		       SEQ_FETCH_TRIES,
		       (unsigned long long)(SEQ_SHORT_TIMEOUT_NS / 1000000));
}

static void seq_expect_right_value(struct unit_call *call)
{
	cr_assert(unit_call_wait(call, UNIT_WAIT_MS),
		  "request %llu not completed by its own seq",
		  (unsigned long long)call->seq);
	cr_expect_eq(call->status, HVB_STATUS_OK);
	cr_expect_eq(call->value, unit_dev_value(SEQ_ADDR, 8),
		     "completed with %#llx, not the device's value",
		     (unsigned long long)call->value);
}

Test(seq, a_stale_completion_of_the_previous_seq_does_not_complete_the_request)
{
	struct seq_env e;
	struct unit_call call;
	struct hvb_request req;
	__u64 n;

	seq_setup(&e);
	seq_start(&e, &call);
	n = call.seq;
	cr_assert_eq(hvb_read_once_u64(&e.slot->resp.seq), n - 1,
		     "the previous request was completed");
	/* A duplicate of the last completion, with a different value. */
	seq_raw_complete(e.slot, n - 1, SEQ_BAD_VALUE);
	unit_sleep_ms(UNIT_QUIET_MS);
	cr_assert(!unit_call_is_done(&call),
		  "completion with seq n-1 completed request n");
	/* The real daemon still finds the request and answers it. */
	seq_fetch(&e, &req, n);
	cr_assert_eq(hvb_consumer_complete(&e.c, &req, HVB_STATUS_OK,
					   unit_dev_value(SEQ_ADDR, 8)), 0);
	seq_expect_right_value(&call);
}

Test(seq, a_completion_carrying_the_next_seq_does_not_complete_the_request)
{
	struct seq_env e;
	struct unit_call call;
	struct hvb_request req;
	__u64 n;

	seq_setup(&e);
	seq_start(&e, &call);
	n = call.seq;
	seq_raw_complete(e.slot, n + 1, SEQ_BAD_VALUE);
	unit_sleep_ms(UNIT_QUIET_MS);
	cr_assert(!unit_call_is_done(&call),
		  "completion with seq n+1 completed request n");
	/* Neither does a seq that only matches in its low 32 bits. */
	seq_raw_complete(e.slot, n + (1ull << 32), SEQ_BAD_VALUE);
	unit_sleep_ms(UNIT_QUIET_MS);
	cr_assert(!unit_call_is_done(&call),
		  "completion with seq n+2^32 completed request n");
	seq_fetch(&e, &req, n);
	cr_assert_eq(hvb_consumer_complete(&e.c, &req, HVB_STATUS_OK,
					   unit_dev_value(SEQ_ADDR, 8)), 0);
	seq_expect_right_value(&call);
}

Test(seq, completing_the_same_request_twice_is_refused_and_writes_nothing)
{
	struct seq_env e;
	struct unit_call call;
	struct hvb_request req;
	struct hvb_daemon_stats *ds;
	struct hvb_cpu_stats *st;
	__u64 served, cpu_served;

	seq_setup(&e);
	ds = hvb_region_daemon_stats(e.mem);
	st = unit_cpu_stats(e.mem, SEQ_CPU);
	seq_start(&e, &call);
	seq_fetch(&e, &req, call.seq);
	served = ds->served;
	cpu_served = st->served;
	cr_assert_eq(hvb_consumer_complete(&e.c, &req, HVB_STATUS_OK,
					   unit_dev_value(SEQ_ADDR, 8)), 0);
	seq_expect_right_value(&call);
	/* The vCPU has its value; a second completion must not touch the
	 * line it will read next time. */
	cr_expect_eq(hvb_consumer_complete(&e.c, &req, HVB_STATUS_IO_ERROR,
					   SEQ_BAD_VALUE), -EALREADY);
	cr_expect_eq(e.slot->resp.seq, call.seq);
	cr_expect_eq(e.slot->resp.value, unit_dev_value(SEQ_ADDR, 8),
		     "the refused completion wrote its value");
	cr_expect_eq(e.slot->resp.status, HVB_STATUS_OK,
		     "the refused completion wrote its status");
	cr_expect_eq(ds->served, served + 1, "counted once");
	cr_expect_eq(st->served, cpu_served + 1, "counted once per CPU");
	cr_expect_eq(st->served_errors, 0ull);
	/* And the slot is idle: nothing left to fetch. */
	cr_expect_eq(hvb_consumer_fetch(&e.c, SEQ_CPU, &req), 0);
}

/* A completion for a CPU the region does not have (a caller's bug: the
 * fetch fills req.cpu with a slot index) is refused, nothing written. */
Test(seq, a_completion_for_a_cpu_past_the_last_is_refused)
{
	struct seq_env e;
	struct unit_call call;
	struct hvb_request req;
	__u64 served;

	seq_setup(&e);
	seq_start(&e, &call);
	seq_fetch(&e, &req, call.seq);
	served = hvb_region_daemon_stats(e.mem)->served;
	req.cpu = SEQ_CPUS;
	cr_expect_eq(hvb_consumer_complete(&e.c, &req, HVB_STATUS_OK, 1),
		     -EINVAL);
	req.cpu = HVB_MAX_CPUS + 5;
	cr_expect_eq(hvb_consumer_complete(&e.c, &req, HVB_STATUS_OK, 1),
		     -EINVAL);
	cr_expect_eq(hvb_region_daemon_stats(e.mem)->served, served);
	/* The real request is still there to answer. */
	req.cpu = SEQ_CPU;
	cr_assert_eq(hvb_consumer_complete(&e.c, &req, HVB_STATUS_OK,
					   unit_dev_value(SEQ_ADDR, 8)), 0);
	seq_expect_right_value(&call);
}

Test(seq, a_producer_that_times_out_invalidates_its_slot)
{
	struct seq_env e;
	struct unit_call call;
	struct hvb_request req, again;
	struct hvb_cpu_stats *st;
	__u64 resp_seq, served, timeouts;

	seq_setup(&e);
	st = unit_cpu_stats(e.mem, SEQ_CPU);
	/* The daemon reads the request, then is too slow. */
	seq_start_fetched(&e, &call, &req);
	timeouts = st->timeouts;
	resp_seq = e.slot->resp.seq;
	served = hvb_region_daemon_stats(e.mem)->served;
	cr_assert(unit_call_wait(&call, UNIT_WAIT_MS),
		  "the bounded wait never gave up");
	cr_expect_eq(call.status, HVB_STATUS_TIMEOUT);
	cr_expect_eq(hvb_load_acquire_u64(&e.slot->req.seq),
		     call.seq | HVB_SEQ_INVALID,
		     "a timed-out slot is INVALID and keeps its seq");
	cr_expect_eq(st->timeouts, timeouts + 1);
	cr_expect_eq(e.p.next_seq, call.seq + 1, "its seq is never reused");
	/* The late completion is refused and leaves the line alone. */
	cr_expect_eq(hvb_consumer_complete(&e.c, &req, HVB_STATUS_OK,
					   SEQ_BAD_VALUE), -ESTALE);
	cr_expect_eq(e.slot->resp.seq, resp_seq);
	cr_expect_eq(hvb_region_daemon_stats(e.mem)->served, served);
	/* An INVALID slot holds nothing to serve. */
	cr_expect_eq(hvb_consumer_fetch(&e.c, SEQ_CPU, &again), 0);
}

Test(seq, a_late_completion_never_completes_the_next_request)
{
	struct seq_env e;
	struct unit_call call;
	struct hvb_request old, req;
	__u64 n;

	seq_setup(&e);
	seq_start_fetched(&e, &call, &old);
	n = call.seq;
	cr_assert(unit_call_wait(&call, UNIT_WAIT_MS));
	cr_assert_eq(call.status, HVB_STATUS_TIMEOUT);

	/* The next request n+1 is pending in the same slot. */
	e.p.timeout_ns = UNIT_PRODUCER_TIMEOUT_NS;
	seq_start(&e, &call);
	cr_assert_eq(call.seq, n + 1);
	/* The daemon that read request n completes it now: refused. */
	cr_expect_eq(hvb_consumer_complete(&e.c, &old, HVB_STATUS_OK,
					   SEQ_BAD_VALUE), -ESTALE);
	/* A daemon that writes the late completion raw: ignored. */
	seq_raw_complete(e.slot, n, SEQ_BAD_VALUE);
	unit_sleep_ms(UNIT_QUIET_MS);
	cr_assert(!unit_call_is_done(&call),
		  "the late completion of %llu completed %llu",
		  (unsigned long long)n, (unsigned long long)n + 1);
	seq_fetch(&e, &req, n + 1);
	cr_assert_eq(hvb_consumer_complete(&e.c, &req, HVB_STATUS_OK,
					   unit_dev_value(SEQ_ADDR, 8)), 0);
	seq_expect_right_value(&call);
}

Test(seq, a_reattached_producer_continues_above_every_seq_in_its_slot)
{
	struct seq_env e;
	struct hyp_producer q;
	struct unit_call call;
	__u64 last;

	seq_setup(&e);
	last = e.p.next_seq - 1;
	unit_producer_attach(&q, e.mem, e.size, SEQ_CPU);
	cr_expect_eq(q.next_seq, last + 1, "after normal traffic");

	/* A request left pending by a producer that went away. */
	e.slot->req.seq = 100;
	e.slot->resp.seq = 90;
	unit_producer_attach(&q, e.mem, e.size, SEQ_CPU);
	cr_expect_gt(q.next_seq, 100ull, "above the pending request");
	/* A response line ahead of the request line. */
	e.slot->req.seq = 150;
	e.slot->resp.seq = 200;
	unit_producer_attach(&q, e.mem, e.size, SEQ_CPU);
	cr_expect_gt(q.next_seq, 200ull, "above the last completion");

	/* A completion left in the region never matches the new producer's
	 * first request. */
	seq_raw_complete(e.slot, 57, SEQ_BAD_VALUE);
	e.slot->req.seq = 57;
	unit_producer_attach(&q, e.mem, e.size, SEQ_CPU);
	unit_call_start(&call, &q, SEQ_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	unit_sleep_ms(UNIT_QUIET_MS);
	cr_assert(!unit_call_is_done(&call),
		  "the leftover completion 57 completed request %llu",
		  (unsigned long long)call.seq);
	cr_assert(unit_serve_until_done(&e.c, &call, UNIT_WAIT_MS));
	cr_expect_eq(call.status, HVB_STATUS_OK);
	cr_expect_eq(call.value, unit_dev_value(SEQ_ADDR, 8));
}

/*
 * The producer timed out on n (resp.seq = n - 1) while the daemon still
 * holds request n; the producer is then attached again to the same
 * slot.  If its first seq were n again, the daemon's late completion of
 * the old n would pass every check and complete the new request with
 * the old request's value.  The invalidation keeps n under
 * HVB_SEQ_INVALID, so attach starts above it.
 */
Test(seq, a_producer_reattached_after_a_timeout_never_reuses_the_lost_seq)
{
	struct seq_env e;
	struct hyp_producer q;
	struct unit_call call;
	struct hvb_request old;
	__u64 n;

	seq_setup(&e);
	seq_start_fetched(&e, &call, &old);
	n = call.seq;
	cr_assert(unit_call_wait(&call, UNIT_WAIT_MS));
	cr_assert_eq(call.status, HVB_STATUS_TIMEOUT);

	unit_producer_attach(&q, e.mem, e.size, SEQ_CPU);
	/* A different address, so the old request's answer is wrong. */
	unit_call_start(&call, &q, SEQ_ADDR + 0x100, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	cr_expect_neq(call.seq, n, "the re-attached producer reused seq %llu",
		      (unsigned long long)n);
	hvb_consumer_complete(&e.c, &old, HVB_STATUS_OK, SEQ_BAD_VALUE);
	unit_sleep_ms(UNIT_QUIET_MS);
	cr_assert(!unit_call_is_done(&call) || call.value != SEQ_BAD_VALUE,
		  "the old request's late completion answered the new one");
	cr_assert(unit_serve_until_done(&e.c, &call, UNIT_WAIT_MS));
	cr_expect_eq(call.value, unit_dev_value(SEQ_ADDR + 0x100, 8));
}

/*
 * The seqlock on the request line (Barriers S/S'): a producer that gives
 * up and reuses its slot rewrites the fields while the daemon may be
 * reading them.  Here a producer times out on every request at once and
 * publishes the next, whose fields are all functions of its seq, while
 * the daemon fetches as fast as it can: every request fetch hands out
 * must be one the producer wrote, never fields of two.
 */
#define SEQ_TORN_MS	2000u
#define SEQ_TORN_ENOUGH	2000ul

static __u64 seq_torn_addr(__u64 seq)
{
	return 0x0b010000ull + (seq % 4096) * 8;
}

static __u32 seq_torn_size(__u64 seq)
{
	return 1u << (seq % 4);
}

static __u64 seq_torn_value(__u64 seq)
{
	return hvb_testdev_truncate(seq * 0x9e3779b97f4a7c15ull,
				    seq_torn_size(seq));
}

struct seq_torn_vcpu {
	struct hyp_producer *p;
	atomic_int stop;
	unsigned long requests;
	pthread_t thread;
};

static void *seq_torn_thread(void *arg)
{
	struct seq_torn_vcpu *v = arg;

	while (!atomic_load(&v->stop)) {
		__u64 seq = v->p->next_seq, value = seq_torn_value(seq);

		hyp_channel_sync(v->p, 1, seq_torn_addr(seq),
				 seq_torn_size(seq), HVB_REQ_WRITE, &value);
		v->requests++;
	}
	return NULL;
}

Test(seq, the_daemon_never_reads_a_mix_of_two_requests_from_a_reused_slot)
{
	struct seq_env e;
	struct seq_torn_vcpu v = { 0 };
	unsigned long served = 0, mixed = 0, torn = 0;
	__u64 end;

	seq_setup(&e);
	e.p.timeout_ns = 1;	/* give up at the first check, reuse */
	v.p = &e.p;
	cr_assert_eq(pthread_create(&v.thread, NULL, seq_torn_thread, &v), 0);
	/* Until enough reads raced a reuse to have caught a mix, or the
	 * time is up (a loaded machine gives the producer fewer turns). */
	end = unit_now_ns() + SEQ_TORN_MS * 1000000ull;
	while (torn + mixed < SEQ_TORN_ENOUGH && unit_now_ns() < end) {
		struct hvb_request req;
		int got = hvb_consumer_fetch(&e.c, SEQ_CPU, &req);

		if (got < 0)
			torn++;
		if (got != 1)
			continue;
		served++;
		if (req.addr != seq_torn_addr(req.seq) ||
		    req.size != seq_torn_size(req.seq) ||
		    req.value != seq_torn_value(req.seq) ||
		    req.flags != HVB_REQ_WRITE || req.cpu_echo != SEQ_CPU)
			mixed++;
	}
	atomic_store(&v.stop, 1);
	pthread_join(v.thread, NULL);
	cr_expect_eq(mixed, 0ul,
		     "%lu of %lu fetched requests mixed two requests' fields",
		     mixed, served);
	cr_expect_gt(served, 0ul, "the daemon never caught a request");
	cr_expect_eq(unit_cpu_stats(e.mem, SEQ_CPU)->torn_reads,
		     (__u64)torn, "every dropped read is counted");
	cr_log_info("%lu requests, %lu fetched whole, %lu torn reads dropped",
		    v.requests, served, torn);
}
