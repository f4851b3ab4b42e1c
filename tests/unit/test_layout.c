// SPDX-License-Identifier: MIT
/*
 * Description: the region layout is what channel.h promises, byte for
 * byte, at run time as well as in the _Static_asserts (a header edited
 * together with its asserts still fails here).
 */
#include <stddef.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(layout, .timeout = UNIT_SUITE_TIMEOUT_S);

#define expect_off(type, field, off)					\
	cr_expect_eq(offsetof(type, field), (size_t)(off),		\
		     #type "." #field " at %zu, documented at %zu",	\
		     offsetof(type, field), (size_t)(off))

#define expect_size(type, sz)						\
	cr_expect_eq(sizeof(type), (size_t)(sz),			\
		     "sizeof(" #type ") is %zu, documented %zu",	\
		     sizeof(type), (size_t)(sz))

Test(layout, the_parts_of_the_region_sit_at_their_documented_offsets)
{
	cr_expect_eq(HVB_LINE, 128u);
	cr_expect_eq(HVB_REGION_ALIGN, 4096u);
	cr_expect_eq(HVB_HEADER_OFF, 0x000u);
	cr_expect_eq(HVB_WAKE_OFF, 0x100u);
	cr_expect_eq(HVB_PENDING_OFF, 0x180u);
	cr_expect_eq(HVB_KICK_OFF, 0x200u);
	cr_expect_eq(HVB_DAEMON_STATS_OFF, 0x300u);
	cr_expect_eq(HVB_SLOTS_OFF, 0x400u);
	expect_size(struct hvb_region_header, 256);
	expect_size(struct hvb_wake, 128);
	expect_size(struct hvb_pending, 128);
	expect_size(struct hvb_kicks, 256);
	expect_size(struct hvb_daemon_stats, 256);
	expect_size(struct hvb_cpu_slot, 256);
	expect_size(struct hvb_cpu_stats, 512);
	/* Each part starts on a line of its own. */
	cr_expect_eq(HVB_WAKE_OFF % HVB_LINE, 0u);
	cr_expect_eq(HVB_PENDING_OFF % HVB_LINE, 0u);
	cr_expect_eq(HVB_KICK_OFF % HVB_LINE, 0u);
	cr_expect_eq(HVB_DAEMON_STATS_OFF % HVB_LINE, 0u);
	cr_expect_eq(HVB_SLOTS_OFF % HVB_LINE, 0u);
}

Test(layout, the_header_fields_sit_at_their_documented_offsets)
{
	expect_off(struct hvb_region_header, magic, 0);
	expect_off(struct hvb_region_header, abi_major, 4);
	expect_off(struct hvb_region_header, abi_minor, 6);
	expect_off(struct hvb_region_header, region_size, 8);
	expect_off(struct hvb_region_header, header_size, 16);
	expect_off(struct hvb_region_header, nr_cpus, 20);
	expect_off(struct hvb_region_header, wake_off, 24);
	expect_off(struct hvb_region_header, pending_off, 28);
	expect_off(struct hvb_region_header, kick_off, 32);
	expect_off(struct hvb_region_header, daemon_stats_off, 36);
	expect_off(struct hvb_region_header, slots_off, 40);
	expect_off(struct hvb_region_header, slot_size, 44);
	expect_off(struct hvb_region_header, stats_off, 48);
	expect_off(struct hvb_region_header, stats_size, 52);
	expect_off(struct hvb_region_header, kick_devs, 56);
	expect_off(struct hvb_region_header, kick_queues, 60);
	expect_off(struct hvb_region_header, kick_slots_off, 64);
	expect_off(struct hvb_region_header, kick_acks_off, 68);
	expect_off(struct hvb_region_header, reserved, 72);
	cr_expect_eq(sizeof(((struct hvb_region_header *)0)->reserved),
		     (size_t)(256 - 72), "reserved runs to the end");
	cr_expect_eq(HVB_MAGIC, 0x52425648u, "\"HVBR\" in memory order");
}

Test(layout, the_request_and_response_fields_sit_at_their_documented_offsets)
{
	expect_off(struct hvb_sync_req, seq, 0);
	expect_off(struct hvb_sync_req, addr, 8);
	expect_off(struct hvb_sync_req, value, 16);
	expect_off(struct hvb_sync_req, zone_id, 24);
	expect_off(struct hvb_sync_req, cpu, 28);
	expect_off(struct hvb_sync_req, size, 32);
	expect_off(struct hvb_sync_req, flags, 36);
	expect_size(struct hvb_sync_req, HVB_LINE);
	expect_off(struct hvb_sync_resp, seq, 0);
	expect_off(struct hvb_sync_resp, value, 8);
	expect_off(struct hvb_sync_resp, status, 16);
	expect_size(struct hvb_sync_resp, HVB_LINE);
	/* The daemon's response never shares a line with the producer's
	 * request: a completion does not bounce the request line. */
	expect_off(struct hvb_cpu_slot, req, 0);
	expect_off(struct hvb_cpu_slot, resp, HVB_LINE);
}

Test(layout, the_wake_pending_and_kick_words_sit_at_their_documented_offsets)
{
	expect_off(struct hvb_wake, consumer_state, 0);
	expect_off(struct hvb_wake, wake_gen, 4);
	expect_off(struct hvb_wake, consumer_pid, 8);
	expect_off(struct hvb_wake, consumer_epoch, 12);
	expect_off(struct hvb_pending, cpu_bits, 0);
	cr_expect_eq(sizeof(((struct hvb_pending *)0)->cpu_bits) * 8,
		     (size_t)HVB_MAX_CPUS, "a pending bit per possible CPU");
	expect_off(struct hvb_kicks, summary, 0);
	/* Producers hammer the words; the summary is on its own line. */
	expect_off(struct hvb_kicks, words, HVB_LINE);
	cr_expect_eq(sizeof(((struct hvb_kicks *)0)->words) * 8,
		     (size_t)HVB_KICK_DEVS * HVB_KICK_QUEUES,
		     "a kick bit per (device, queue)");
	cr_expect_eq(HVB_KICK_BITS, 1024u);
}

Test(layout, the_per_cpu_stats_are_split_between_producer_and_daemon_lines)
{
	size_t daemon = offsetof(struct hvb_cpu_stats, served);

	cr_expect_eq(daemon, (size_t)3 * HVB_LINE);
	cr_expect_eq(daemon % HVB_LINE, (size_t)0);
	/* Every producer counter lies before the daemon's line... */
	cr_expect_lt(offsetof(struct hvb_cpu_stats, sync_requests), daemon);
	cr_expect_lt(offsetof(struct hvb_cpu_stats, kicks), daemon);
	cr_expect_lt(offsetof(struct hvb_cpu_stats, wakes), daemon);
	cr_expect_lt(offsetof(struct hvb_cpu_stats, error_responses), daemon);
	cr_expect_lt(offsetof(struct hvb_cpu_stats, timeouts), daemon);
	cr_expect_lt(offsetof(struct hvb_cpu_stats, lat_total_ns), daemon);
	cr_expect_leq(offsetof(struct hvb_cpu_stats, lat_hist) +
		     sizeof(((struct hvb_cpu_stats *)0)->lat_hist), daemon);
	/* ...and every daemon counter on or after it. */
	cr_expect_geq(offsetof(struct hvb_cpu_stats, served_errors), daemon);
	cr_expect_geq(offsetof(struct hvb_cpu_stats, torn_reads), daemon);
}

static void expect_region_size(__u32 n, __u64 expected)
{
	__u64 size = hvb_region_size(n);
	__u64 end = HVB_SLOTS_OFF + (__u64)n * sizeof(struct hvb_cpu_slot) +
		    (__u64)n * sizeof(struct hvb_cpu_stats) +
		    sizeof(struct hvb_kick_slots) + sizeof(struct hvb_kick_acks);

	cr_expect_eq(size, expected,
		     "region for %u CPUs: %llu bytes, want %llu", n,
		     (unsigned long long)size, (unsigned long long)expected);
	cr_expect_eq(size % HVB_REGION_ALIGN, 0ull, "4 KiB multiple");
	cr_expect_geq(size, end, "covers slots, stats and kick slots");
	cr_expect_lt(size - end, (__u64)HVB_REGION_ALIGN, "no spare page");
	cr_expect_eq(hvb_region_stats_off(n),
		     HVB_SLOTS_OFF + (__u64)n * sizeof(struct hvb_cpu_slot),
		     "stats follow the slots");
	cr_expect_eq(hvb_region_kick_slots_off(n), hvb_region_stats_off(n) +
		     (__u64)n * sizeof(struct hvb_cpu_stats),
		     "the kick slot table follows the stats");
	cr_expect_eq(hvb_region_kick_acks_off(n),
		     hvb_region_kick_slots_off(n) + 16 * HVB_LINE,
		     "the acks follow the table");
}

Test(layout, the_region_size_covers_slots_and_stats_in_whole_pages)
{
	/* 0x400 + 768 per CPU + 2048 (kick slots) + 256 (acks) */
	expect_region_size(1, 4096);	/* 4096 */
	expect_region_size(2, 8192);	/* 4864 rounded up */
	expect_region_size(64, 53248);	/* 52480 rounded up */
	expect_region_size(256, 200704);	/* 199936 rounded up */
}

static void check_formatted(__u32 n)
{
	__u64 size;
	void *mem = unit_region_new(n, &size);
	struct hvb_region_header *h = mem;
	int err = hvb_region_check(mem, size);
	__u32 i;

	cr_expect_eq(err, HVB_REGION_OK, "%u CPUs: %s", n,
		     hvb_region_strerror(err));
	cr_expect_eq(h->magic, HVB_MAGIC);
	cr_expect_eq(h->abi_major, HVB_ABI_MAJOR);
	cr_expect_eq(h->abi_minor, HVB_ABI_MINOR);
	cr_expect_eq(h->region_size, size);
	cr_expect_eq(h->header_size, 256u);
	cr_expect_eq(h->nr_cpus, n);
	cr_expect_eq(h->wake_off, HVB_WAKE_OFF);
	cr_expect_eq(h->pending_off, HVB_PENDING_OFF);
	cr_expect_eq(h->kick_off, HVB_KICK_OFF);
	cr_expect_eq(h->daemon_stats_off, HVB_DAEMON_STATS_OFF);
	cr_expect_eq(h->slots_off, HVB_SLOTS_OFF);
	cr_expect_eq(h->slot_size, 256u);
	cr_expect_eq(h->stats_off, HVB_SLOTS_OFF + 256u * n);
	cr_expect_eq(h->stats_size, 512u);
	cr_expect_eq(h->kick_devs, HVB_KICK_DEVS);
	cr_expect_eq(h->kick_queues, HVB_KICK_QUEUES);
	cr_expect_eq(h->kick_slots_off, h->stats_off + 512u * n);
	cr_expect_eq(h->kick_acks_off, h->kick_slots_off + 2048u);
	/* The accessors land where the header says, the last one inside
	 * the mapping. */
	cr_expect_eq((char *)hvb_region_wake(mem), (char *)mem + 0x100);
	cr_expect_eq((char *)hvb_region_pending(mem), (char *)mem + 0x180);
	cr_expect_eq((char *)hvb_region_kicks(mem), (char *)mem + 0x200);
	cr_expect_eq((char *)hvb_region_daemon_stats(mem), (char *)mem + 0x300);
	for (i = 0; i < n; i++) {
		cr_expect_eq((char *)hvb_region_slot(mem, i),
			     (char *)mem + 0x400 + 256 * i);
		cr_expect_eq((char *)hvb_region_cpu_stats(mem, n, i),
			     (char *)mem + h->stats_off + 512 * i);
	}
	cr_expect_eq((char *)hvb_region_kick_slots(mem, n),
		     (char *)mem + h->kick_slots_off);
	cr_expect_eq((char *)hvb_region_kick_acks(mem, n),
		     (char *)mem + h->kick_acks_off);
	cr_expect_leq((char *)(hvb_region_kick_acks(mem, n) + 1),
		      (char *)mem + size);
	unit_region_free(mem, size);
}

Test(layout, a_formatted_region_passes_its_check_for_1_2_64_and_256_cpus)
{
	check_formatted(1);
	check_formatted(2);
	check_formatted(64);
	check_formatted(256);
}

Test(layout, format_refuses_a_cpu_count_or_size_it_cannot_lay_out)
{
	static char mem[2 * 4096] __attribute__((aligned(4096)));

	cr_expect_eq(hvb_region_format(mem, sizeof(mem), 0), HVB_REGION_ECPUS);
	cr_expect_eq(hvb_region_format(mem, sizeof(mem), HVB_MAX_CPUS + 1),
		     HVB_REGION_ECPUS);
	cr_expect_eq(hvb_region_format(mem, 4096, 64), HVB_REGION_ESIZE,
		     "64 CPUs do not fit in a page");
	cr_expect_eq(hvb_region_format(mem, 4096 + 64, 1), HVB_REGION_ESIZE,
		     "not a 4 KiB multiple");
	cr_expect_eq(((struct hvb_region_header *)mem)->magic, 0u,
		     "a refused format leaves no magic behind");
}

Test(layout, kick_bits_and_latency_buckets_are_numbered_as_documented)
{
	cr_expect_eq(hvb_kick_bit(0, 0), 0u);
	cr_expect_eq(hvb_kick_bit(0, 15), 15u);
	cr_expect_eq(hvb_kick_bit(1, 0), 16u);
	cr_expect_eq(hvb_kick_bit(63, 15), HVB_KICK_BITS - 1);
	cr_expect_eq(hvb_lat_bucket(0), 0u);
	cr_expect_eq(hvb_lat_bucket(1), 0u);
	cr_expect_eq(hvb_lat_bucket(2), 1u);
	cr_expect_eq(hvb_lat_bucket(3), 1u);
	cr_expect_eq(hvb_lat_bucket(1023), 9u);
	cr_expect_eq(hvb_lat_bucket(1024), 10u);
	cr_expect_eq(hvb_lat_bucket(1ull << 31), 31u);
	cr_expect_eq(hvb_lat_bucket(1ull << 40), HVB_LAT_BUCKETS - 1,
		     "the last bucket takes everything above");
	cr_expect_eq(hvb_lat_bucket(~0ull), HVB_LAT_BUCKETS - 1);
}
