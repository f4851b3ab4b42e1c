// SPDX-License-Identifier: MIT
/*
 * Description: a region whose contents turn hostile after the attach
 * check cannot steer either side.  The header rewritten after the daemon
 * attached (the producer's side, or whoever formats the region, going
 * rogue) leaves the consumer on its private copy: it serves, counts and
 * polls inside the mapping.  The header rewritten while the hypervisor
 * binds a CPU (the root zone owns the region's memory) never gives the
 * producer a pointer outside the region.  Kick summary bits for words
 * that do not exist are dropped, and kick bits a dead daemon left
 * without their summary bit are served by the next one.
 */
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

/* Older glibc headers name it only by its union member. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

TestSuite(hostile_region, .timeout = UNIT_SUITE_TIMEOUT_S);

#define HR_CPUS		2u
#define HR_ADDR		0x0b002000ull
/* PROT_NONE after the region: a stray access past it faults at once. */
#define HR_GUARD	(1024u * 1024u)

struct hr_env {
	void *mem;
	__u64 size;
	struct hyp_producer p;
	struct hvb_consumer c;
	struct unit_dev dev;
};

/* A formatted region of @nr_cpus followed by HR_GUARD bytes no one may
 * touch. */
static void *hr_region_new(__u32 nr_cpus, __u64 *size)
{
	__u64 sz = hvb_region_size(nr_cpus);
	char *mem = mmap(NULL, sz + HR_GUARD, PROT_NONE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	cr_assert(mem != MAP_FAILED);
	cr_assert(!mprotect(mem, sz, PROT_READ | PROT_WRITE));
	cr_assert(hvb_region_format(mem, sz, nr_cpus) == HVB_REGION_OK);
	*size = sz;
	return mem;
}

static void hr_setup(struct hr_env *e)
{
	memset(e, 0, sizeof(*e));
	e->mem = hr_region_new(HR_CPUS, &e->size);
	unit_producer_attach(&e->p, e->mem, e->size, 1);
	unit_consumer_attach(&e->c, e->mem, e->size, &e->dev);
}

/* What a rogue writer of the header does: every layout field points
 * far outside the region, and the magic is gone. */
static void hr_scribble_header(void *mem)
{
	struct hvb_region_header *h = mem;

	h->magic = 0xdeadbeef;
	h->nr_cpus = HVB_MAX_CPUS;
	h->region_size = 1ull << 40;
	h->stats_off = 0x7ff00000u;
	h->slots_off = 0x7fe00000u;
	h->kick_off = 0x7fd00000u;
	h->slot_size = 1u << 20;
}

Test(hostile_region, the_daemon_uses_its_copy_of_the_header_after_attach)
{
	struct hr_env e;
	struct hvb_cpu_stats *st;
	__u64 value = 0;
	int i;

	hr_setup(&e);
	hr_scribble_header(e.mem);
	/* Without the copy, the completion's counters land at the rogue
	 * stats_off (or past the region for nr_cpus = 256): a fault. */
	for (i = 0; i < 4; i++) {
		cr_expect_eq(unit_roundtrip(&e.c, &e.p, HR_ADDR, 4, 0, &value),
			     HVB_STATUS_OK);
		cr_expect_eq(value, unit_dev_value(HR_ADDR, 4));
	}
	cr_expect_eq(e.c.nr_cpus, HR_CPUS, "nr_cpus is the checked one");
	st = hvb_region_cpu_stats(e.mem, HR_CPUS, 1);
	cr_expect_eq(st->served, 4ull, "counted where the ABI puts them");
	cr_expect_eq(hvb_region_daemon_stats(e.mem)->served, 4ull);
	/* Polling with nothing pending looks only at the checked slots. */
	cr_expect_eq(hvb_consumer_poll(&e.c), 0u);
	cr_expect(!hvb_consumer_has_work(&e.c));
}

Test(hostile_region, a_daemon_attaching_after_the_header_changed_refuses_it)
{
	struct hr_env e;
	struct hvb_consumer c2;

	hr_setup(&e);
	hr_scribble_header(e.mem);
	memset(&c2, 0, sizeof(c2));
	cr_expect_eq(hvb_consumer_attach(&c2, e.mem, e.size, &unit_dev_ops,
					 &e.dev), HVB_REGION_EMAGIC);
}

/*
 * The root zone rewriting the header while a CPU binds.  A timer signal
 * on the binding thread itself flips nr_cpus and stats_off between the
 * real values and those of 256 CPUs (slots and counters far past this
 * 2-CPU region): it lands at arbitrary instructions of the bind, so a
 * bind that read the header twice meets the change between its reads,
 * however few cores the machine has.
 */
static struct hvb_region_header *hr_flip_header;
static volatile sig_atomic_t hr_flips;

static void hr_flip(int sig)
{
	struct hvb_region_header *h = hr_flip_header;
	bool big = hr_flips & 1;

	(void)sig;
	hvb_write_once_u32(&h->nr_cpus, big ? HVB_MAX_CPUS : HR_CPUS);
	hvb_write_once_u32(&h->stats_off, (__u32)hvb_region_stats_off(
				   big ? HVB_MAX_CPUS : HR_CPUS));
	hr_flips = hr_flips + 1;
}

Test(hostile_region, a_header_changing_while_the_producer_binds_never_steers_it_out)
{
	struct sigevent sev = { 0 };
	struct itimerspec its = { 0 };
	struct sigaction sa = { 0 };
	struct hyp_producer p;
	timer_t timer;
	__u64 size, end, deadline, attached = 0, outside = 0, tries = 0;
	void *mem = hr_region_new(HR_CPUS, &size);

	hr_flip_header = mem;
	end = (__u64)mem + size;
	sa.sa_handler = hr_flip;
	sa.sa_flags = SA_RESTART;
	cr_assert(!sigaction(SIGALRM, &sa, NULL));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
	cr_assert(!timer_create(CLOCK_MONOTONIC, &sev, &timer));
	its.it_value.tv_nsec = 20000;
	its.it_interval.tv_nsec = 20000;
	cr_assert(!timer_settime(timer, 0, &its, NULL));
	deadline = unit_now_ns() + 1000ull * 1000 * 1000;
	while (unit_now_ns() < deadline) {
		tries++;
		memset(&p, 0, sizeof(p));
		if (hyp_channel_attach(&p, mem, size, 1, 0))
			continue;
		attached++;
		if ((__u64)(p.stats + 1) > end || (__u64)(p.slot + 1) > end ||
		    (__u64)p.stats < (__u64)mem)
			outside++;
	}
	timer_delete(timer);
	signal(SIGALRM, SIG_IGN);
	cr_log_info("%llu binds, %llu refused, %llu outside, %d flips",
		    (unsigned long long)tries,
		    (unsigned long long)(tries - attached),
		    (unsigned long long)outside, (int)hr_flips);
	cr_expect_gt(hr_flips, 1000, "the header did change");
	cr_expect_gt(attached, 1000ull, "some binds passed the check");
	cr_expect_eq(outside, 0ull,
		     "%llu of %llu binds got a pointer outside the region",
		     (unsigned long long)outside,
		     (unsigned long long)attached);
}

Test(hostile_region, summary_bits_for_kick_words_that_do_not_exist_are_dropped)
{
	struct hr_env e;
	struct hvb_kicks *k;
	struct hvb_cpu_slot *slot0;
	struct hvb_daemon_stats *ds;
	__u64 req_seq, served;

	hr_setup(&e);
	k = hvb_region_kicks(e.mem);
	slot0 = hvb_region_slot(e.mem, 0);
	ds = hvb_region_daemon_stats(e.mem);
	/* words[16..31] would be the daemon counters, words[48] CPU 0's
	 * req.seq: give both recognisable non-zero contents (a request its
	 * producer gave up on, so no daemon serves it). */
	req_seq = HVB_SEQ_INVALID | 0x1234;
	hvb_write_once_u64(&slot0->req.seq, req_seq);
	served = ds->served | 0xff00;
	hvb_write_once_u64(&ds->served, served);
	hvb_write_once_u64(&k->summary, ~0ull << HVB_KICK_WORDS);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(hvb_read_once_u64(&slot0->req.seq), req_seq,
		     "CPU 0's req.seq was taken as a kick word");
	cr_expect_eq(hvb_read_once_u64(&ds->served), served,
		     "a daemon counter was taken as a kick word");
	cr_expect_eq(atomic_load(&e.dev.kick_calls), 0u,
		     "%u kicks delivered for words that do not exist",
		     atomic_load(&e.dev.kick_calls));
	cr_expect_eq(hvb_read_once_u64(&k->summary), 0ull);

	/* A real kick beside the bogus bits is still delivered, once. */
	hvb_write_once_u64(&k->words[1], 1ull << 3);
	hvb_write_once_u64(&k->summary, 1ull << 48 | 1ull << 1);
	hvb_consumer_poll(&e.c);
	cr_expect_eq(atomic_load(&e.dev.kick_calls), 1u);
	cr_expect_eq(atomic_load(&e.dev.kicks[(64 + 3) / HVB_KICK_QUEUES]
					    [(64 + 3) % HVB_KICK_QUEUES]), 1u);
	cr_expect_eq(hvb_read_once_u64(&slot0->req.seq), req_seq);
}

Test(hostile_region, kick_bits_a_dead_daemon_left_without_summary_are_served)
{
	struct hr_env e;
	struct hvb_consumer c2;
	struct hvb_kicks *k;
	__u32 bit = 2 * 64 + 5, i;

	hr_setup(&e);
	k = hvb_region_kicks(e.mem);
	/* The first daemon took the summary (bits for words 2 and 9),
	 * served word 9 and died before it took word 2. */
	hvb_write_once_u64(&k->words[2], 1ull << 5);
	hvb_write_once_u64(&k->words[9], 0);
	hvb_write_once_u64(&k->summary, 0);
	memset(&c2, 0, sizeof(c2));
	cr_assert_eq(hvb_consumer_attach(&c2, e.mem, e.size, &unit_dev_ops,
					 &e.dev), 0);
	for (i = 0; i < 3; i++)
		hvb_consumer_poll(&c2);
	cr_expect_eq(atomic_load(&e.dev.kicks[bit / HVB_KICK_QUEUES]
					    [bit % HVB_KICK_QUEUES]), 1u,
		     "the kick left in word 2 was served once");
	cr_expect_eq(atomic_load(&e.dev.kick_calls), 1u);
	cr_expect_eq(hvb_read_once_u64(&k->words[2]), 0ull);
}
