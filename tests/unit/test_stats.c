// SPDX-License-Identifier: MIT
/*
 * Description: the counters `hvbridge stat` shows add up.  Each side
 * counts only in its own lines: the producer what it published, waited
 * for and gave up on, the daemon what it served.  The latency histogram
 * is a sample, about one round trip in HVB_LAT_SAMPLE_GAP, its gaps
 * random; a request left out of it still has its whole timeout.
 */

#include <criterion/criterion.h>
#include <hvbridge/testdev.h>

#include "harness.h"

TestSuite(stats, .timeout = UNIT_SUITE_TIMEOUT_S);

#define ST_ADDR		0x0b004000ull

static __u64 st_hist_sum(const struct hvb_cpu_stats *st)
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < HVB_LAT_BUCKETS; i++)
		sum += st->lat_hist[i];
	return sum;
}

Test(stats, every_request_kick_error_and_timeout_is_counted_once)
{
	void *mem;
	__u64 size, v;
	struct hvb_consumer c;
	struct unit_dev dev = { 0 };
	struct hyp_producer p;
	struct hvb_cpu_stats *st, *other;
	struct hvb_daemon_stats *ds;
	struct unit_call call;
	unsigned int i;

	mem = unit_region_new(2, &size);
	unit_consumer_attach(&c, mem, size, &dev);
	unit_producer_attach(&p, mem, size, 1);
	st = unit_cpu_stats(mem, 1);
	other = unit_cpu_stats(mem, 0);
	ds = hvb_region_daemon_stats(mem);

	for (i = 0; i < 10; i++) {
		v = 0;
		cr_assert_eq(unit_roundtrip(&c, &p, ST_ADDR + 8 * i, 8, 0, &v),
			     HVB_STATUS_OK);
	}
	dev.status = HVB_STATUS_IO_ERROR;
	for (i = 0; i < 3; i++)
		unit_roundtrip(&c, &p, ST_ADDR, 4, 0, &v);
	dev.status = HVB_STATUS_OK;
	for (i = 0; i < 5; i++)
		hyp_channel_kick(&p, 2, i);
	hvb_consumer_poll(&c);
	/* One request nobody answers. */
	p.timeout_ns = 1;
	unit_call_start(&call, &p, ST_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait(&call, UNIT_WAIT_MS));
	cr_assert_eq(call.status, HVB_STATUS_TIMEOUT);

	/* The producer's lines. */
	cr_expect_eq(st->sync_requests, 14ull, "published");
	cr_expect_eq(st->error_responses, 3ull);
	cr_expect_eq(st->timeouts, 1ull);
	cr_expect_eq(st->kicks, 5ull);
	/* A sample of the completed round trips, the first among them
	 * (stats/about_one_round_trip_in_the_gap_is_timed). */
	cr_expect(st_hist_sum(st) >= 1 && st_hist_sum(st) <= 13,
		  "%llu histogram entries for 13 completed round trips",
		  (unsigned long long)st_hist_sum(st));
	cr_expect_gt(st->lat_total_ns, 0ull);
	cr_expect_eq(st->wakes, 0ull, "the daemon never slept");
	/* The daemon's lines. */
	cr_expect_eq(st->served, 13ull);
	cr_expect_eq(st->served_errors, 3ull);
	cr_expect_eq(ds->served, 13ull);
	cr_expect_eq(ds->kicks, 5ull);
	cr_expect_eq(ds->kick_rounds, 1ull);
	cr_expect_eq(ds->malformed, 0ull);
	cr_expect_eq(ds->attach_scans, 1ull);
	/* Another CPU's lines stay untouched. */
	cr_expect_eq(other->sync_requests, 0ull);
	cr_expect_eq(other->served, 0ull);
	cr_expect_eq(st_hist_sum(other), 0ull);
	unit_region_free(mem, size);
}

#define ST_SAMPLE_REQS	3200u

/*
 * About one round trip in HVB_LAT_SAMPLE_GAP lands in the histogram, the
 * first one of a producer among them, and the gaps are not a fixed
 * period: a guest that alternates two accesses (a read of InterruptStatus,
 * a write of InterruptACK) gets both kinds timed.
 */
Test(stats, about_one_round_trip_in_the_gap_is_timed)
{
	void *mem;
	__u64 size, v, sum, last = 0;
	struct hvb_consumer c;
	struct unit_dev dev = { 0 };
	struct hyp_producer p;
	struct unit_daemon d;
	struct hvb_cpu_stats *st;
	unsigned int i, odd = 0, even = 0;
	hyp_status_t status;

	mem = unit_region_new(2, &size);
	unit_consumer_attach(&c, mem, size, &dev);
	unit_producer_attach(&p, mem, size, 1);
	st = unit_cpu_stats(mem, 1);
	unit_daemon_start(&d, &c, NULL);
	for (i = 0; i < ST_SAMPLE_REQS; i++) {
		v = 0;
		status = hyp_channel_sync(&p, HVB_TESTDEV_DEFAULT_ZONE,
					  ST_ADDR, 8, 0, &v);
		cr_assert_eq(status, HVB_STATUS_OK, "request %u", i);
		sum = st_hist_sum(st);
		if (i == 0)
			cr_expect_eq(sum, 1ull, "the first request not timed");
		if (sum != last) {
			cr_assert_eq(sum, last + 1);
			if (i % 2)
				odd++;
			else
				even++;
		}
		last = sum;
	}
	cr_assert(unit_daemon_stop(&d, &p, UNIT_WAIT_MS));
	cr_expect_eq(st->sync_requests, (__u64)ST_SAMPLE_REQS);
	/* 194 expected (the mean gap is 16.5); far wider bounds, far
	 * narrower than all (3200) or one. */
	cr_expect(last >= ST_SAMPLE_REQS / HVB_LAT_SAMPLE_GAP / 2 &&
		  last <= ST_SAMPLE_REQS / HVB_LAT_SAMPLE_GAP * 2,
		  "%llu of %u round trips timed",
		  (unsigned long long)last, ST_SAMPLE_REQS);
	cr_expect(odd >= last / 4 && even >= last / 4,
		  "sampled at %u odd and %u even requests: a fixed period",
		  odd, even);
	cr_expect_gt(st->lat_total_ns, 0ull);
	unit_region_free(mem, size);
}

/*
 * A request left out of the sample reads no clock at its publication,
 * and its timeout counts from the wait's first check: an answer that
 * comes well within the timeout is taken, not a timeout at once.
 */
Test(stats, a_request_not_timed_keeps_its_whole_timeout)
{
	void *mem;
	__u64 size;
	struct hvb_consumer c;
	struct unit_dev dev = { 0 };
	struct hyp_producer p;
	struct unit_call call;
	struct hvb_cpu_stats *st;

	mem = unit_region_new(2, &size);
	unit_consumer_attach(&c, mem, size, &dev);
	unit_producer_attach(&p, mem, size, 1);
	st = unit_cpu_stats(mem, 1);
	/* The next request is not one of the sample. */
	p.lat_countdown = 5;
	unit_call_start(&call, &p, ST_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	unit_sleep_ms(UNIT_QUIET_MS);
	cr_assert(!unit_call_is_done(&call),
		  "gave up %u ms into a %llu ms timeout", UNIT_QUIET_MS,
		  (unsigned long long)(p.timeout_ns / 1000000));
	cr_assert(unit_serve_until_done(&c, &call, UNIT_WAIT_MS));
	cr_expect_eq(call.status, HVB_STATUS_OK);
	cr_expect_eq(call.value, unit_dev_value(ST_ADDR, 8));
	cr_expect_eq(st_hist_sum(st), 0ull, "a request outside the sample timed");
	cr_expect_eq(st->timeouts, 0ull);
	/* And the timeout itself still ends such a wait. */
	p.timeout_ns = 1000000;
	unit_call_start(&call, &p, ST_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait(&call, UNIT_WAIT_MS),
		  "a 1 ms timeout never ended the wait");
	cr_expect_eq(call.status, HVB_STATUS_TIMEOUT);
	cr_expect_eq(st_hist_sum(st), 0ull);
	unit_region_free(mem, size);
}
