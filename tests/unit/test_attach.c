// SPDX-License-Identifier: MIT
/*
 * Description: every agent refuses a region it cannot trust, with the
 * same verdict: hvb_region_check(), the producer's hyp_channel_attach()
 * and the daemon's hvb_consumer_attach() on one corrupted header each.
 * A refused attach leaves the region untouched.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(attach, .timeout = UNIT_SUITE_TIMEOUT_S);

/* Four CPUs in two pages (the kick slot table takes the second), and a
 * third: room to claim a bigger mapping than formatted. */
#define ATTACH_CPUS	4u
#define ATTACH_SIZE	8192ull
#define ATTACH_MAP	(3 * 4096ull)

static void *attach_region(void)
{
	__u64 size;
	void *mem = unit_region_new(ATTACH_CPUS, &size);

	cr_assert_eq(size, ATTACH_SIZE);
	return mem;
}

/*
 * All three agents give @want for a mapping of @size bytes; a refusing
 * daemon does not take the consumer role.
 */
static void expect_verdict(void *mem, __u64 size, int want, const char *what)
{
	/* The wake block is only there to look at in a whole mapping. */
	struct hvb_wake *wake = size >= HVB_PENDING_OFF ?
				hvb_region_wake(mem) : NULL;
	__u32 epoch = wake ? wake->consumer_epoch : 0;
	struct hyp_producer p;
	struct hvb_consumer c;
	int err;

	err = hvb_region_check(mem, size);
	cr_expect_eq(err, want, "%s: check says \"%s\", want \"%s\"", what,
		     hvb_region_strerror(err), hvb_region_strerror(want));
	memset(&p, 0, sizeof(p));
	err = hyp_channel_attach(&p, mem, size, 0, 0);
	cr_expect_eq(err, want, "%s: producer says \"%s\", want \"%s\"", what,
		     hvb_region_strerror(err), hvb_region_strerror(want));
	memset(&c, 0, sizeof(c));
	err = hvb_consumer_attach(&c, mem, size, &unit_dev_ops, NULL);
	cr_expect_eq(err, want, "%s: consumer says \"%s\", want \"%s\"", what,
		     hvb_region_strerror(err), hvb_region_strerror(want));
	if (want == HVB_REGION_OK) {
		hvb_consumer_detach(&c);
	} else if (wake) {
		cr_expect_eq(wake->consumer_state, HVB_CONSUMER_ABSENT,
			     "%s: a refused daemon took the role", what);
		cr_expect_eq(wake->consumer_epoch, epoch, "%s: epoch moved",
			     what);
	}
}

Test(attach, a_well_formed_region_is_accepted_by_every_agent)
{
	void *mem = attach_region();
	struct hvb_wake *wake = hvb_region_wake(mem);
	struct hvb_consumer c = { 0 };

	expect_verdict(mem, ATTACH_SIZE, HVB_REGION_OK, "fresh region");
	cr_assert_eq(hvb_consumer_attach(&c, mem, ATTACH_SIZE, &unit_dev_ops, NULL),
		     0);
	cr_expect_eq(wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_eq(wake->consumer_pid, (__u32)getpid());
	cr_expect_eq(wake->consumer_epoch, 2u, "one epoch per attach");
	hvb_consumer_detach(&c);
	cr_expect_eq(wake->consumer_state, HVB_CONSUMER_ABSENT);
	cr_expect_eq(wake->consumer_pid, 0u);
}

Test(attach, a_bad_magic_is_refused)
{
	struct hvb_region_header *h = attach_region();

	h->magic ^= 1;
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_EMAGIC, "magic ^ 1");
	h->magic = 0;
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_EMAGIC, "magic 0");
}

Test(attach, another_abi_major_is_refused_but_another_minor_is_accepted)
{
	struct hvb_region_header *h = attach_region();

	h->abi_major = HVB_ABI_MAJOR + 1;
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_EMAJOR, "major + 1");
	h->abi_major = HVB_ABI_MAJOR - 1;
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_EMAJOR, "major - 1");
	h->abi_major = HVB_ABI_MAJOR;
	h->abi_minor = HVB_ABI_MINOR + 7;
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_OK, "minor + 7");
}

Test(attach, a_region_size_other_than_the_mapping_is_refused)
{
	struct hvb_region_header *h = attach_region();

	/* The header claims three pages, two are mapped: the tail would be
	 * outside the mapping. */
	h->region_size = ATTACH_MAP;
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_ESIZE, "header > mapping");
	/* The header claims less than the mapping holds. */
	h->region_size = ATTACH_SIZE;
	expect_verdict(h, ATTACH_MAP, HVB_REGION_ESIZE, "header < mapping");
}

Test(attach, a_size_that_is_not_a_whole_number_of_pages_is_refused)
{
	struct hvb_region_header *h = attach_region();
	void *big = mmap(NULL, ATTACH_MAP, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert(big != MAP_FAILED);
	memcpy(big, h, ATTACH_SIZE);
	h = big;
	/* Header and mapping agree, but not on a page multiple. */
	h->region_size = ATTACH_SIZE + 64;
	expect_verdict(h, ATTACH_SIZE + 64, HVB_REGION_ESIZE, "4 KiB + 64");
	h->region_size = ATTACH_SIZE + 4095;
	expect_verdict(h, ATTACH_SIZE + 4095, HVB_REGION_ESIZE, "4 KiB + 4095");
}

Test(attach, a_cpu_count_of_zero_or_above_the_maximum_is_refused)
{
	struct hvb_region_header *h = attach_region();

	h->nr_cpus = 0;
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_ECPUS, "0 CPUs");
	h->nr_cpus = HVB_MAX_CPUS + 1;
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_ECPUS, "MAX + 1 CPUs");
	h->nr_cpus = ~0u;
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_ECPUS, "2^32 - 1 CPUs");
}

Test(attach, a_cpu_count_whose_slots_do_not_fit_the_mapping_is_refused)
{
	struct hvb_region_header *h = attach_region();

	/* 64 CPUs need 52 KiB; only one page is there. */
	h->nr_cpus = 64;
	h->stats_off = (__u32)hvb_region_stats_off(64);
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_ESIZE, "64 CPUs in 4 KiB");
}

Test(attach, any_moved_offset_or_size_in_the_header_is_refused)
{
	struct hvb_region_header *h = attach_region();
	struct {
		__u32 *field;
		const char *name;
	} fields[] = {
		{ &h->header_size, "header_size" },
		{ &h->wake_off, "wake_off" },
		{ &h->pending_off, "pending_off" },
		{ &h->kick_off, "kick_off" },
		{ &h->daemon_stats_off, "daemon_stats_off" },
		{ &h->slots_off, "slots_off" },
		{ &h->slot_size, "slot_size" },
		{ &h->stats_off, "stats_off" },
		{ &h->stats_size, "stats_size" },
		{ &h->kick_devs, "kick_devs" },
		{ &h->kick_queues, "kick_queues" },
		{ &h->kick_slots_off, "kick_slots_off" },
		{ &h->kick_acks_off, "kick_acks_off" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		__u32 keep = *fields[i].field;

		*fields[i].field = keep + HVB_LINE;
		expect_verdict(h, ATTACH_SIZE, HVB_REGION_ELAYOUT, fields[i].name);
		*fields[i].field = keep - 8;
		expect_verdict(h, ATTACH_SIZE, HVB_REGION_ELAYOUT, fields[i].name);
		*fields[i].field = keep;
	}
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_OK, "restored");
}

Test(attach, non_zero_reserved_header_words_are_refused)
{
	struct hvb_region_header *h = attach_region();
	unsigned int n = sizeof(h->reserved) / sizeof(h->reserved[0]);
	unsigned int i;

	for (i = 0; i < n; i++) {
		h->reserved[i] = 1u << (i % 32);
		expect_verdict(h, ATTACH_SIZE, HVB_REGION_ERESERVED, "reserved[i]");
		h->reserved[i] = 0;
	}
	expect_verdict(h, ATTACH_SIZE, HVB_REGION_OK, "restored");
}

Test(attach, a_mapping_smaller_than_the_header_is_refused_before_reading_it)
{
	/* A header-sized allocation: reading past @size would touch the
	 * guard page and crash the test. */
	char *page = mmap(NULL, 2 * ATTACH_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *mem;

	cr_assert(page != MAP_FAILED);
	cr_assert_eq(mprotect(page + ATTACH_SIZE, ATTACH_SIZE, PROT_NONE), 0);
	mem = page + ATTACH_SIZE - 255;
	memset(mem, 0xff, 255);
	expect_verdict(mem, 255, HVB_REGION_ETOO_SMALL, "255 bytes");
	mem = page + ATTACH_SIZE - 1;
	expect_verdict(mem, 0, HVB_REGION_ETOO_SMALL, "0 bytes");
}

Test(attach, a_producer_for_a_cpu_without_a_slot_is_refused)
{
	void *mem = attach_region();
	struct hyp_producer p;

	memset(&p, 0, sizeof(p));
	cr_expect_eq(hyp_channel_attach(&p, mem, ATTACH_SIZE, ATTACH_CPUS, 0),
		     HVB_REGION_ECPUS);
	cr_expect_eq(hyp_channel_attach(&p, mem, ATTACH_SIZE, HVB_MAX_CPUS, 0),
		     HVB_REGION_ECPUS);
	cr_expect_eq(hyp_channel_attach(&p, mem, ATTACH_SIZE, ~0u, 0),
		     HVB_REGION_ECPUS);
	cr_expect_eq(hyp_channel_attach(&p, mem, ATTACH_SIZE, ATTACH_CPUS - 1, 0),
		     HVB_REGION_OK, "the last CPU has a slot");
	cr_expect_eq(p.cpu, ATTACH_CPUS - 1);
	cr_expect_eq((void *)p.slot, (void *)hvb_region_slot(mem, 3));
	cr_expect_eq((void *)p.stats, (void *)hvb_region_cpu_stats(mem, ATTACH_CPUS, 3));
	cr_expect_neq(p.next_seq, 0ull, "seq 0 means INVALID");
}

Test(attach, every_region_error_has_its_own_message)
{
	static const int codes[] = {
		HVB_REGION_OK, HVB_REGION_ETOO_SMALL, HVB_REGION_EMAGIC,
		HVB_REGION_EMAJOR, HVB_REGION_ESIZE, HVB_REGION_ECPUS,
		HVB_REGION_ELAYOUT, HVB_REGION_ERESERVED,
		-99,	/* unknown */
	};
	unsigned int n = sizeof(codes) / sizeof(codes[0]), i, j;

	for (i = 0; i < n; i++) {
		const char *m = hvb_region_strerror(codes[i]);

		cr_assert(m && *m, "code %d has a message", codes[i]);
		for (j = 0; j < i; j++)
			cr_expect_str_neq(m, hvb_region_strerror(codes[j]),
					  "codes %d and %d share \"%s\"",
					  codes[i], codes[j], m);
	}
	cr_expect_str_eq(hvb_region_strerror(1), hvb_region_strerror(-99),
			 "every unknown code reads the same");
}
