// SPDX-License-Identifier: MIT
/*
 * Description: the counters `hvbridge stat` shows add up.  Each side
 * counts only in its own lines: the producer what it published, waited
 * for and gave up on, the daemon what it served.
 */

#include <criterion/criterion.h>

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
	cr_expect_eq(st_hist_sum(st), 13ull,
		     "one histogram entry per completed round trip");
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
