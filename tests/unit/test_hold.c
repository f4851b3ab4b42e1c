// SPDX-License-Identifier: MIT
/*
 * Description: no daemon, the hold (docs/abi.md "No daemon: the hold").
 * A vCPU thread blocks in the real hyp_channel_sync() with the EL2
 * image's policy (a 500 ms timeout, a hold): while no daemon is attached
 * after one was (consumer_state ABSENT, consumer_epoch != 0, as
 * hvbridge.ko leaves it when a killed daemon's file is released), the
 * request is held in its slot past the timeout, also while the next
 * daemon sets up after its attach, and that daemon's attach scan serves
 * it; the hold ends at its bound with the timeout's abort; a daemon that
 * is attached but silent still times out at 500 ms, counted from its
 * attach scan after a hold; a region no daemon ever attached to times
 * out as before.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(hold, .timeout = UNIT_SUITE_TIMEOUT_S);

#define HOLD_CPUS	2u
#define HOLD_CPU	1u
#define HOLD_ADDR	0x0b000080ull
/* The EL2 image's timeout (HYP_CHANNEL_TIMEOUT_NS). */
#define HOLD_TIMEOUT_MS	500u
/* A hold longer than every wait of these tests, but the bound's own. */
#define HOLD_LONG_MS	15000u
/* The bound the bound's test waits out. */
#define HOLD_SHORT_MS	1500u
/* The producer's clock is the TSC, calibrated against the test's
 * CLOCK_MONOTONIC over 2 ms: a few per mille apart.  Lower bounds get
 * this slack; it is far from what the tests tell apart. */
#define HOLD_CLOCK_SLACK_MS(ms)	((ms) / 20)

struct hold_env {
	void *mem;
	__u64 size;
	struct hvb_wake *wake;
	struct hvb_cpu_stats *stats;
	struct hyp_producer p;
	struct hvb_consumer c;
	struct unit_dev dev;
};

static void hold_setup(struct hold_env *e, unsigned int hold_ms)
{
	memset(e, 0, sizeof(*e));
	e->mem = unit_region_new(HOLD_CPUS, &e->size);
	e->wake = hvb_region_wake(e->mem);
	e->stats = unit_cpu_stats(e->mem, HOLD_CPU);
	unit_producer_attach(&e->p, e->mem, e->size, HOLD_CPU);
	e->p.timeout_ns = HOLD_TIMEOUT_MS * 1000000ull;
	e->p.hold_ns = hold_ms * 1000000ull;
}

/*
 * A daemon served one request, then was killed (it leaves RUNNING), and
 * the module released its file: ABSENT, as hvb_daemon_gone() writes it.
 */
static void hold_daemon_killed(struct hold_env *e)
{
	__u64 v = 0;

	unit_consumer_attach(&e->c, e->mem, e->size, &e->dev);
	cr_assert_eq(unit_roundtrip(&e->c, &e->p, HOLD_ADDR, 8, 0, &v),
		     HVB_STATUS_OK);
	cr_assert_eq(hvb_read_once_u32(&e->wake->consumer_state),
		     HVB_CONSUMER_RUNNING);
	hvb_xchg_u32(&e->wake->consumer_state, HVB_CONSUMER_ABSENT);
}

static void hold_start(struct hold_env *e, struct unit_call *call)
{
	unit_call_start(call, &e->p, HOLD_ADDR, 4, 0, 0);
	cr_assert(unit_call_wait_published(call, UNIT_WAIT_MS),
		  "request %llu never published",
		  (unsigned long long)call->seq);
}

static unsigned int hold_ms_since(__u64 t0)
{
	return (unsigned int)((unit_now_ns() - t0) / 1000000ull);
}

Test(hold, a_request_without_a_daemon_is_held_past_the_timeout_and_served_by_the_next_daemon)
{
	struct hold_env e;
	struct unit_call call;

	hold_setup(&e, HOLD_LONG_MS);
	hold_daemon_killed(&e);
	hold_start(&e, &call);
	/* More than twice the timeout: a wait that timed out is over. */
	unit_sleep_ms(3 * HOLD_TIMEOUT_MS);
	cr_assert(!unit_call_is_done(&call),
		  "the request ended (status %u) %u ms into a %u ms hold with no daemon",
		  call.status, 3 * HOLD_TIMEOUT_MS, HOLD_LONG_MS);
	cr_expect_eq(hvb_read_once_u64(&e.stats->holds), 1,
		     "the hold is counted once");
	cr_expect_eq(hvb_read_once_u64(&e.stats->timeouts), 0);
	cr_expect_eq(hvb_read_once_u64(&e.p.slot->req.seq), call.seq,
		     "the held request is still in its slot, valid");
	/* The next daemon: its attach scan (the first poll) serves it. */
	unit_consumer_attach(&e.c, e.mem, e.size, &e.dev);
	cr_assert(unit_call_wait(&call, UNIT_WAIT_MS),
		  "the new daemon's attach scan did not complete the held request");
	cr_expect_eq(call.status, HVB_STATUS_OK);
	cr_expect_eq(call.value, unit_dev_value(HOLD_ADDR, 4),
		     "completed with %#llx, not the device's value",
		     (unsigned long long)call.value);
	cr_expect_eq(hvb_read_once_u64(&e.stats->timeouts), 0);
	unit_region_free(e.mem, e.size);
}

Test(hold, the_hold_ends_at_its_bound_with_a_timeout)
{
	struct hold_env e;
	struct unit_call call;
	unsigned int ms;
	__u64 t0;

	hold_setup(&e, HOLD_SHORT_MS);
	hold_daemon_killed(&e);
	t0 = unit_now_ns();
	hold_start(&e, &call);
	cr_assert(unit_call_wait(&call, HOLD_SHORT_MS + UNIT_WAIT_MS),
		  "a %u ms hold still waits after %u ms", HOLD_SHORT_MS,
		  HOLD_SHORT_MS + UNIT_WAIT_MS);
	ms = hold_ms_since(t0);
	cr_expect_eq(call.status, HVB_STATUS_TIMEOUT);
	cr_expect_geq(ms, HOLD_SHORT_MS - HOLD_CLOCK_SLACK_MS(HOLD_SHORT_MS),
		      "gave up after %u ms, before its %u ms hold",
		      ms, HOLD_SHORT_MS);
	cr_expect_eq(hvb_read_once_u64(&e.stats->holds), 1);
	cr_expect_eq(hvb_read_once_u64(&e.stats->timeouts), 1);
	cr_expect_eq(hvb_read_once_u64(&e.p.slot->req.seq),
		     call.seq | HVB_SEQ_INVALID,
		     "the slot is invalidated (Barrier S), so no daemon serves it late");
	unit_region_free(e.mem, e.size);
}

Test(hold, an_attached_daemon_that_does_not_answer_still_times_out_at_500_ms)
{
	struct hold_env e;
	struct unit_call call;
	unsigned int ms;
	__u64 t0;

	hold_setup(&e, HOLD_LONG_MS);
	/* Attached (RUNNING, epoch 1) and never polled again: hung. */
	unit_consumer_attach(&e.c, e.mem, e.size, &e.dev);
	t0 = unit_now_ns();
	hold_start(&e, &call);
	cr_assert(unit_call_wait(&call, HOLD_TIMEOUT_MS + UNIT_WAIT_MS),
		  "no timeout %u ms after a request to a hung daemon (held?)",
		  HOLD_TIMEOUT_MS + UNIT_WAIT_MS);
	ms = hold_ms_since(t0);
	cr_expect_eq(call.status, HVB_STATUS_TIMEOUT);
	cr_expect_geq(ms, HOLD_TIMEOUT_MS - HOLD_CLOCK_SLACK_MS(HOLD_TIMEOUT_MS),
		      "timed out after %u ms", ms);
	cr_expect_eq(hvb_read_once_u64(&e.stats->holds), 0,
		     "a request to an attached daemon was counted as held");
	unit_region_free(e.mem, e.size);
}

/*
 * The daemon says RUNNING on attach and only then resumes its devices
 * from their state files, which took more than 500 ms in QEMU: a hold
 * lasts until its attach scan, not until its RUNNING.
 */
Test(hold, a_daemon_still_setting_up_after_its_attach_is_waited_for)
{
	struct hold_env e;
	struct hvb_consumer late;
	struct unit_call call;
	int err;

	hold_setup(&e, HOLD_LONG_MS);
	hold_daemon_killed(&e);
	hold_start(&e, &call);
	unit_sleep_ms(HOLD_TIMEOUT_MS / 2);
	memset(&late, 0, sizeof(late));
	err = hvb_consumer_attach(&late, e.mem, e.size, &unit_dev_ops, &e.dev);
	cr_assert_eq(err, 0);
	cr_assert_eq(hvb_read_once_u32(&e.wake->consumer_state),
		     HVB_CONSUMER_RUNNING);
	/* Attached, not yet polling: more than twice the timeout. */
	unit_sleep_ms(3 * HOLD_TIMEOUT_MS);
	cr_assert(!unit_call_is_done(&call),
		  "the request ended (status %u) while its new daemon set up, before its attach scan",
		  call.status);
	/* Its first poll, the attach scan, serves it. */
	hvb_consumer_poll(&late);
	cr_assert(unit_call_wait(&call, UNIT_WAIT_MS),
		  "the attach scan did not complete the held request");
	cr_expect_eq(call.status, HVB_STATUS_OK);
	cr_expect_eq(call.value, unit_dev_value(HOLD_ADDR, 4));
	cr_expect_eq(hvb_read_once_u64(&e.stats->timeouts), 0);
	unit_region_free(e.mem, e.size);
}

/*
 * After its attach scan a daemon is there: the timeout again, counted
 * from the scan, not from the request (seconds old by then).  The scan
 * is played by its counter alone, as a scan that did not get to this
 * slot's answer would leave it.
 */
Test(hold, after_the_attach_scan_a_silent_daemon_gets_its_whole_timeout)
{
	struct hold_env e;
	struct hvb_consumer late;
	struct hvb_daemon_stats *ds;
	struct unit_call call;
	__u64 t_scan;
	int err;

	hold_setup(&e, HOLD_LONG_MS);
	hold_daemon_killed(&e);
	ds = hvb_region_daemon_stats(e.mem);
	hold_start(&e, &call);
	unit_sleep_ms(2 * HOLD_TIMEOUT_MS);
	memset(&late, 0, sizeof(late));
	err = hvb_consumer_attach(&late, e.mem, e.size, &unit_dev_ops, &e.dev);
	cr_assert_eq(err, 0);
	cr_assert(!unit_call_is_done(&call), "the hold ended early");
	hvb_write_once_u64(&ds->attach_scans,
			   hvb_read_once_u64(&ds->attach_scans) + 1);
	t_scan = unit_now_ns();
	unit_sleep_ms(HOLD_TIMEOUT_MS / 2);
	cr_expect(!unit_call_is_done(&call),
		  "the wait timed out %u ms after the attach scan, before its %u ms",
		  hold_ms_since(t_scan), HOLD_TIMEOUT_MS);
	cr_assert(unit_call_wait(&call, HOLD_TIMEOUT_MS + UNIT_WAIT_MS),
		  "no timeout once the attach scan was done");
	cr_expect_eq(call.status, HVB_STATUS_TIMEOUT);
	unit_region_free(e.mem, e.size);
}

Test(hold, a_region_no_daemon_ever_attached_to_times_out_without_a_hold)
{
	struct hold_env e;
	struct unit_call call;

	hold_setup(&e, HOLD_LONG_MS);
	cr_assert_eq(hvb_read_once_u32(&e.wake->consumer_epoch), 0);
	hold_start(&e, &call);
	cr_assert(unit_call_wait(&call, HOLD_TIMEOUT_MS + UNIT_WAIT_MS),
		  "held although no daemon ever attached (epoch 0)");
	cr_expect_eq(call.status, HVB_STATUS_TIMEOUT);
	cr_expect_eq(hvb_read_once_u64(&e.stats->holds), 0);
	unit_region_free(e.mem, e.size);
}

Test(hold, a_daemon_answering_retry_gets_an_io_error_not_a_replay)
{
	struct hold_env e;
	__u64 v = 0;

	hold_setup(&e, HOLD_LONG_MS);
	unit_consumer_attach(&e.c, e.mem, e.size, &e.dev);
	e.dev.status = HVB_STATUS_RETRY;
	cr_expect_eq(unit_roundtrip(&e.c, &e.p, HOLD_ADDR, 4, 0, &v),
		     HVB_STATUS_IO_ERROR,
		     "only the producer may give an access back to the guest");
	unit_region_free(e.mem, e.size);
}
