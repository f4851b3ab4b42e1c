// SPDX-License-Identifier: MIT
/*
 * Description: the pending bitmap announces exactly the CPUs with a
 * request, and the kick bitmap delivers every (device, queue) a producer
 * kicked: each pair once per drain, repeated kicks coalesced, nothing for
 * a pair outside the map, and no bit lost when kickers race each other
 * and the draining daemon.
 */
#include <sched.h>
#include <string.h>
#include <sys/mman.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "trap.h"

TestSuite(bitmaps, .timeout = UNIT_SUITE_TIMEOUT_S);

/* Three pending words, the last one partly used. */
#define BM_CPUS		130u
#define BM_ADDR		0x0b001000ull

struct bm_env {
	void *mem;
	__u64 size;
	struct hvb_pending *pending;
	struct hvb_kicks *kicks;
	struct hvb_consumer c;
	struct unit_dev dev;
};

static void bm_setup(struct bm_env *e, __u32 nr_cpus)
{
	memset(e, 0, sizeof(*e));
	e->mem = unit_region_new(nr_cpus, &e->size);
	e->pending = hvb_region_pending(e->mem);
	e->kicks = hvb_region_kicks(e->mem);
	unit_consumer_attach(&e->c, e->mem, e->size, &e->dev);
}

/* The pending words hold exactly the bits of @cpus. */
static void bm_expect_pending(struct bm_env *e, const __u32 *cpus,
			      unsigned int n)
{
	__u64 want[HVB_PENDING_WORDS] = { 0 };
	unsigned int i;

	for (i = 0; i < n; i++)
		want[cpus[i] / 64] |= 1ull << (cpus[i] % 64);
	for (i = 0; i < HVB_PENDING_WORDS; i++)
		cr_expect_eq(hvb_read_once_u64(&e->pending->cpu_bits[i]),
			     want[i], "pending word %u is %#llx, want %#llx", i,
			     (unsigned long long)e->pending->cpu_bits[i],
			     (unsigned long long)want[i]);
}

Test(bitmaps, a_request_sets_exactly_its_cpus_pending_bit_and_poll_takes_it)
{
	static const __u32 cpus[] = { 0, 1, 63, 64, 127, 128, 129 };
	struct bm_env e;
	unsigned int i;

	bm_setup(&e, BM_CPUS);
	bm_expect_pending(&e, NULL, 0);
	for (i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		struct hyp_producer p;
		struct unit_call call;
		unsigned int calls = e.dev.sync_calls;

		unit_producer_attach(&p, e.mem, e.size, cpus[i]);
		unit_call_start(&call, &p, BM_ADDR + 8 * i, 8, 0, 0);
		cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS),
			  "CPU %u never announced its request", cpus[i]);
		bm_expect_pending(&e, &cpus[i], 1);
		cr_assert(unit_serve_until_done(&e.c, &call, UNIT_WAIT_MS),
			  "CPU %u's request was not served", cpus[i]);
		cr_expect_eq(e.dev.sync_calls, calls + 1);
		cr_expect_eq(e.dev.last.cpu, cpus[i]);
		cr_expect_eq(call.value, unit_dev_value(BM_ADDR + 8 * i, 8));
		hvb_consumer_poll(&e.c);
		bm_expect_pending(&e, NULL, 0);
	}
}

Test(bitmaps, one_poll_serves_every_cpu_whose_bit_is_set)
{
	static const __u32 cpus[] = { 2, 65, 100, 129 };
	enum { N = sizeof(cpus) / sizeof(cpus[0]) };
	struct hyp_producer p[N];
	struct unit_call call[N];
	struct bm_env e;
	unsigned int i;

	bm_setup(&e, BM_CPUS);
	for (i = 0; i < N; i++) {
		unit_producer_attach(&p[i], e.mem, e.size, cpus[i]);
		unit_call_start(&call[i], &p[i], BM_ADDR + 8 * i, 4, 0, 0);
	}
	for (i = 0; i < N; i++)
		cr_assert(unit_call_wait_published(&call[i], UNIT_WAIT_MS));
	bm_expect_pending(&e, cpus, N);
	cr_expect_eq(hvb_consumer_poll(&e.c), (unsigned int)N,
		     "one poll serves all %d requests", N);
	cr_expect_eq(e.dev.sync_calls, (unsigned int)N);
	bm_expect_pending(&e, NULL, 0);
	for (i = 0; i < N; i++) {
		cr_assert(unit_call_wait(&call[i], UNIT_WAIT_MS));
		cr_expect_eq(call[i].status, HVB_STATUS_OK);
		cr_expect_eq(call[i].value, unit_dev_value(BM_ADDR + 8 * i, 4));
	}
}

Test(bitmaps, a_kick_sets_its_word_bit_and_summary_bit)
{
	struct bm_env e;
	struct hyp_producer p;
	__u32 bit = hvb_kick_bit(5, 9);	/* 89: word 1, bit 25 */
	unsigned int w;

	bm_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 1);
	cr_assert_eq(hyp_channel_kick(&p, 5, 9), 0);
	for (w = 0; w < HVB_KICK_WORDS; w++)
		cr_expect_eq(e.kicks->words[w],
			     w == bit / 64 ? 1ull << (bit % 64) : 0ull,
			     "kick word %u", w);
	cr_expect_eq(e.kicks->summary, 1ull << (bit / 64));
	cr_expect(hvb_consumer_has_work(&e.c));
	cr_expect_eq(hvb_consumer_poll(&e.c), 1u);
	cr_expect_eq(e.dev.kick_calls, 1u);
	cr_expect_eq(e.dev.kicks[5][9], 1u);
	cr_expect_eq(e.kicks->summary, 0ull, "the drain took the summary");
	cr_expect_eq(e.kicks->words[bit / 64], 0ull, "and the word");
	cr_expect_eq(unit_cpu_stats(e.mem, 1)->kicks, 1ull);
}

Test(bitmaps, every_device_and_queue_is_delivered_once_with_its_numbers)
{
	struct bm_env e;
	struct hyp_producer p;
	struct hvb_daemon_stats *ds;
	__u32 d, q;
	unsigned int w;

	bm_setup(&e, 2);
	ds = hvb_region_daemon_stats(e.mem);
	unit_producer_attach(&p, e.mem, e.size, 0);
	/* Backwards, so delivery order cannot simply echo kick order. */
	for (d = HVB_KICK_DEVS; d-- > 0;)
		for (q = HVB_KICK_QUEUES; q-- > 0;)
			cr_assert_eq(hyp_channel_kick(&p, d, q), 0,
				     "kick (%u, %u) refused", d, q);
	for (w = 0; w < HVB_KICK_WORDS; w++)
		cr_expect_eq(e.kicks->words[w], ~0ull, "word %u full", w);
	cr_expect_eq(hvb_consumer_poll(&e.c), HVB_KICK_BITS);
	for (d = 0; d < HVB_KICK_DEVS; d++)
		for (q = 0; q < HVB_KICK_QUEUES; q++)
			cr_expect_eq(e.dev.kicks[d][q], 1u,
				     "(%u, %u) delivered %u times", d, q,
				     e.dev.kicks[d][q]);
	cr_expect_eq(e.dev.kick_calls, HVB_KICK_BITS,
		     "no call outside the map");
	cr_expect_eq(ds->kicks, (__u64)HVB_KICK_BITS);
	cr_expect_eq(ds->kick_rounds, 1ull);
	cr_expect_eq(unit_cpu_stats(e.mem, 0)->kicks,
		     (__u64)HVB_KICK_BITS);
	cr_expect_not(hvb_consumer_has_work(&e.c));
	cr_expect_eq(hvb_consumer_poll(&e.c), 0u, "nothing left to drain");
}

Test(bitmaps, repeated_kicks_of_one_pair_coalesce_into_one_delivery)
{
	struct bm_env e;
	struct hyp_producer p;
	unsigned int i;

	bm_setup(&e, 2);
	unit_producer_attach(&p, e.mem, e.size, 0);
	for (i = 0; i < 1000; i++)
		cr_assert_eq(hyp_channel_kick(&p, 3, 7), 0);
	cr_expect_eq(hvb_consumer_poll(&e.c), 1u);
	cr_expect_eq(e.dev.kick_calls, 1u);
	cr_expect_eq(e.dev.kicks[3][7], 1u);
	cr_expect_eq(unit_cpu_stats(e.mem, 0)->kicks, 1000ull,
		     "the producer counts every kick it posted");
	cr_expect_eq(hvb_consumer_poll(&e.c), 0u);
	/* A kick after the drain is a new delivery. */
	cr_assert_eq(hyp_channel_kick(&p, 3, 7), 0);
	cr_expect_eq(hvb_consumer_poll(&e.c), 1u);
	cr_expect_eq(e.dev.kicks[3][7], 2u);
}

Test(bitmaps, a_kick_outside_the_map_is_refused_and_sets_nothing)
{
	static const __u32 bad[][2] = {
		{ HVB_KICK_DEVS, 0 }, { 0, HVB_KICK_QUEUES },
		{ HVB_KICK_DEVS, HVB_KICK_QUEUES }, { ~0u, 0 }, { 0, ~0u },
		/* dev * 16 + queue would wrap into the map */
		{ 0x10000000u, 1 },
	};
	struct bm_env e;
	struct hyp_producer p;
	struct hvb_wake *wake;
	unsigned int i, w;
	__u32 gen;

	bm_setup(&e, 2);
	wake = hvb_region_wake(e.mem);
	unit_producer_attach(&p, e.mem, e.size, 0);
	/* Even a sleeping daemon is not woken for nothing. */
	hvb_write_once_u32(&wake->consumer_state, HVB_CONSUMER_SLEEPING);
	gen = wake->wake_gen;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(hyp_channel_kick(&p, bad[i][0], bad[i][1]), -1,
			     "kick (%#x, %#x) accepted", bad[i][0], bad[i][1]);
	cr_expect_eq(e.kicks->summary, 0ull);
	for (w = 0; w < HVB_KICK_WORDS; w++)
		cr_expect_eq(e.kicks->words[w], 0ull, "word %u", w);
	cr_expect_eq(unit_cpu_stats(e.mem, 0)->kicks, 0ull);
	cr_expect_eq(wake->wake_gen, gen);
	cr_expect_eq(wake->consumer_state, HVB_CONSUMER_SLEEPING);
	hvb_write_once_u32(&wake->consumer_state, HVB_CONSUMER_RUNNING);
	cr_expect_not(hvb_consumer_has_work(&e.c));
	cr_expect_eq(hvb_consumer_poll(&e.c), 0u);
	cr_expect_eq(e.dev.kick_calls, 0u);
}

/*
 * A request published while the daemon takes a pending word (trap.h):
 * the daemon's pending pointer is a read-only alias, so its take of the
 * word faults; CPU 1 then publishes a request exactly as
 * hyp_channel_sync() does before it waits, and the take goes on.  A read
 * and a separate clear would wipe CPU 1's bit, and nothing would ever
 * announce its request again.
 */
#define BM_TRAP_SEQ	1ull

static void bm_publish_cpu1(void *mem)
{
	struct hvb_sync_req *r = &hvb_region_slot(mem, 1)->req;

	hvb_write_once_u64(&r->addr, BM_ADDR + 8);
	hvb_write_once_u64(&r->value, 0);
	hvb_write_once_u32(&r->zone_id, 1);
	hvb_write_once_u32(&r->cpu, 1);
	hvb_write_once_u32(&r->size, 8);
	hvb_write_once_u32(&r->flags, 0);
	hvb_store_release_u64(&r->seq, BM_TRAP_SEQ);
	hvb_fetch_or_u64(&hvb_region_pending(mem)->cpu_bits[0], 1ull << 1);
}

Test(bitmaps, a_request_published_while_the_daemon_takes_its_bit_is_served)
{
	struct unit_alias r;
	struct hvb_consumer c;
	struct unit_dev dev = { 0 };
	struct hyp_producer p;
	struct unit_call call;
	struct hvb_pending *real_pending;
	unsigned int i;

	unit_alias_new(&r, 2);
	unit_consumer_attach(&c, r.mem, r.size, &dev);
	unit_producer_attach(&p, r.mem, r.size, 0);
	unit_call_start(&call, &p, BM_ADDR, 8, 0, 0);
	cr_assert(unit_call_wait_published(&call, UNIT_WAIT_MS));
	real_pending = c.pending;
	c.pending = (struct hvb_pending *)(r.alias + HVB_PENDING_OFF);

	unit_trap_arm(r.alias, bm_publish_cpu1, r.mem,
		      PROT_READ | PROT_WRITE);
	hvb_consumer_poll(&c);
	unit_trap_disarm();
	c.pending = real_pending;

	cr_assert(unit_trap_fired(), "the poll never took the pending word");
	cr_assert(unit_call_wait(&call, UNIT_WAIT_MS), "CPU 0 not served");
	cr_expect_eq(call.value, unit_dev_value(BM_ADDR, 8));
	for (i = 0; i < 3; i++)
		hvb_consumer_poll(&c);
	cr_expect_eq(hvb_region_slot(r.mem, 1)->resp.seq, BM_TRAP_SEQ,
		     "CPU 1's request, published during the take, was lost");
	cr_expect_eq(hvb_region_slot(r.mem, 1)->resp.value,
		     unit_dev_value(BM_ADDR + 8, 8));
	cr_expect_eq(dev.sync_calls, 2u);
	unit_alias_free(&r);
}

/*
 * A kick posted while the daemon takes the summary word (trap.h): the
 * daemon's kick pointer is a read-only alias of the region, so its first
 * write there, taking the summary, faults; a producer then kicks a pair
 * in another word, and the take goes on.  Taking the summary with a
 * read and a separate clear would wipe the new word's summary bit and
 * strand its kick; the exchange takes it along.
 */
Test(bitmaps, a_kick_posted_while_the_daemon_takes_the_summary_is_not_lost)
{
	struct unit_alias r;
	struct hvb_consumer c;
	struct unit_dev dev = { 0 };
	struct hyp_producer p, q;
	struct hvb_kicks *real_kicks;

	unit_alias_new(&r, 2);
	unit_consumer_attach(&c, r.mem, r.size, &dev);
	unit_producer_attach(&p, r.mem, r.size, 0);
	unit_producer_attach(&q, r.mem, r.size, 1);
	cr_assert_eq(hyp_channel_kick(&p, 1, 0), 0);	/* word 0 */
	real_kicks = c.kicks;
	c.kicks = (struct hvb_kicks *)(r.alias + HVB_KICK_OFF);

	/* (5, 3) is kick bit 83, in word 1 */
	unit_trap_arm_kick(r.alias, &q, 5, 3, PROT_READ | PROT_WRITE);
	hvb_consumer_poll(&c);
	unit_trap_disarm();
	c.kicks = real_kicks;

	cr_assert(unit_trap_fired(), "the drain never took the summary");
	hvb_consumer_poll(&c);	/* whatever the first drain left */
	cr_expect_eq(dev.kicks[1][0], 1u);
	cr_expect_eq(dev.kicks[5][3], 1u,
		     "the kick posted during the take was lost");
	cr_expect_eq(dev.kick_calls, 2u);
	cr_expect_not(hvb_consumer_has_work(&c));
	cr_expect_eq(real_kicks->words[hvb_kick_bit(5, 3) / 64], 0ull,
		     "its word bit is still set: stranded");
	unit_alias_free(&r);
}

/*
 * Concurrent kickers.  Pair b belongs to kicker b % BM_KICKERS, so every
 * kick word is hammered by all kickers at once while the daemon drains.
 * Before each kick the kicker writes the round number into the pair's
 * mailbox; the daemon records the mailbox when it is handed the pair
 * (Barriers K/K' make the write visible).  A kicker kicks a pair again
 * only once the daemon has seen its last round, so every single kick is
 * checked, not only the last one: a lost bit, or a bit delivered before
 * the data it announces, leaves the pair stuck and the kicker reports it.
 */
#define BM_KICKERS	2u
#define BM_ROUNDS	2000u
#define BM_SUMMARY_ROUNDS	20000u
#define BM_STUCK_MS	2000u
/* The races' total time grows with the machine's load; a hang is caught
 * by BM_STUCK_MS, so the suite's timeout here only bounds a slow run. */
#define BM_RACE_TIMEOUT_S	90

struct bm_kick_state {
	atomic_ullong mailbox[HVB_KICK_BITS];
	atomic_ullong seen[HVB_KICK_BITS];
	atomic_int running;
};

struct bm_kicker {
	struct bm_kick_state *s;
	struct hyp_producer p;
	/* Kicks pairs first, first + stride, ... (npairs of them), each
	 * @rounds times. */
	unsigned int first, stride, npairs, rounds;
	unsigned int refused, stuck;
	__u64 kicks;
	pthread_t thread;
};

static void bm_on_kick(struct unit_dev *d, __u32 dev, __u32 queue)
{
	struct bm_kick_state *s = d->priv;
	__u32 b = hvb_kick_bit(dev, queue);

	atomic_store_explicit(&s->seen[b],
			      atomic_load_explicit(&s->mailbox[b],
						   memory_order_relaxed),
			      memory_order_relaxed);
}

static void *bm_kicker_thread(void *arg)
{
	struct bm_kicker *k = arg;
	struct bm_kick_state *s = k->s;
	const unsigned int pairs = k->npairs;
	__u64 last_progress = unit_now_ns();
	unsigned int done = 0, i;

	while (done < pairs) {
		bool progress = false;

		done = 0;
		for (i = 0; i < pairs; i++) {
			__u32 b = k->first + i * k->stride;
			__u64 r = atomic_load_explicit(&s->mailbox[b],
						       memory_order_relaxed);

			/* Read seen once: with two reads, a drain between
			 * them let a finished pair take a kick past its
			 * rounds, and then it never counted as done again:
			 * the kicker made "progress" for ever. */
			__u64 seen = atomic_load(&s->seen[b]);

			if (r >= k->rounds) {
				if (seen == r)
					done++;
				continue;
			}
			if (seen != r)
				continue;	/* last kick not drained yet */
			atomic_store_explicit(&s->mailbox[b], r + 1,
					      memory_order_relaxed);
			if (hyp_channel_kick(&k->p, b / HVB_KICK_QUEUES,
					     b % HVB_KICK_QUEUES))
				k->refused++;
			k->kicks++;
			progress = true;
		}
		if (progress) {
			last_progress = unit_now_ns();
			continue;
		}
		/* Let the daemon drain: threads may outnumber cores. */
		sched_yield();
		if (unit_now_ns() - last_progress >
			   BM_STUCK_MS * 1000000ull) {
			for (i = 0; i < pairs; i++) {
				__u32 b = k->first + i * k->stride;

				if (atomic_load(&s->seen[b]) !=
				    atomic_load(&s->mailbox[b]))
					k->stuck++;
			}
			break;
		}
	}
	atomic_fetch_sub(&s->running, 1);
	return NULL;
}

/* Run the kickers against the daemon on this thread; check every pair
 * in @want_rounds (indexed by kick bit) was delivered that many times. */
static void bm_race(struct bm_kicker *k, unsigned int nk,
		    const unsigned int *want_rounds)
{
	static struct bm_kick_state s;
	struct bm_env e;
	__u64 total = 0, want_total = 0;
	unsigned int i, b;

	memset(&s, 0, sizeof(s));
	bm_setup(&e, nk);
	e.dev.on_kick = bm_on_kick;
	e.dev.priv = &s;
	atomic_store(&s.running, (int)nk);
	for (i = 0; i < nk; i++) {
		k[i].s = &s;
		unit_producer_attach(&k[i].p, e.mem, e.size, i);
		cr_assert_eq(pthread_create(&k[i].thread, NULL,
					    bm_kicker_thread, &k[i]), 0);
	}
	/* The kickers bound themselves (BM_STUCK_MS without progress). */
	while (atomic_load(&s.running) > 0)
		if (!hvb_consumer_poll(&e.c))
			sched_yield();
	for (i = 0; i < nk; i++) {
		pthread_join(k[i].thread, NULL);
		cr_expect_eq(k[i].refused, 0u);
		cr_expect_eq(k[i].stuck, 0u,
			     "kicker %u: %u pairs never delivered after their "
			     "last kick (lost bit or data not visible)", i,
			     k[i].stuck);
		cr_expect_eq(unit_cpu_stats(e.mem, i)->kicks, k[i].kicks);
		total += k[i].kicks;
	}
	for (b = 0; b < HVB_KICK_BITS; b++) {
		want_total += want_rounds[b];
		cr_expect_eq(e.dev.kicks[b / HVB_KICK_QUEUES]
					[b % HVB_KICK_QUEUES], want_rounds[b],
			     "pair %u: one delivery per kick", b);
	}
	cr_expect_eq(total, want_total);
	hvb_consumer_poll(&e.c);
	cr_expect_not(hvb_consumer_has_work(&e.c));
}

Test(bitmaps, concurrent_kickers_lose_no_kick_while_the_daemon_drains, .timeout = BM_RACE_TIMEOUT_S)
{
	static unsigned int want[HVB_KICK_BITS];
	struct bm_kicker k[BM_KICKERS];
	unsigned int i;

	/* Pair b to kicker b % BM_KICKERS: every word is shared. */
	memset(k, 0, sizeof(k));
	for (i = 0; i < BM_KICKERS; i++) {
		k[i].first = i;
		k[i].stride = BM_KICKERS;
		k[i].npairs = HVB_KICK_BITS / BM_KICKERS;
		k[i].rounds = BM_ROUNDS;
	}
	for (i = 0; i < HVB_KICK_BITS; i++)
		want[i] = BM_ROUNDS;
	bm_race(k, BM_KICKERS, want);
}

/*
 * One pair per kicker, each in a word of its own: the kickers share only
 * the summary word, and nothing else ever sets a word's summary bit
 * again.  A summary bit lost by the drain, or set before its word bit,
 * strands a kick for good.
 */
Test(bitmaps, kickers_of_different_words_lose_no_kick_through_the_summary, .timeout = BM_RACE_TIMEOUT_S)
{
	static unsigned int want[HVB_KICK_BITS];
	struct bm_kicker k[BM_KICKERS];
	unsigned int i;

	memset(k, 0, sizeof(k));
	memset(want, 0, sizeof(want));
	for (i = 0; i < BM_KICKERS; i++) {
		k[i].first = 64 * (3 * i + 1) + 5 * i;	/* words 1, 4 */
		k[i].stride = 1;
		k[i].npairs = 1;
		k[i].rounds = BM_SUMMARY_ROUNDS;
		want[k[i].first] = BM_SUMMARY_ROUNDS;
	}
	bm_race(k, BM_KICKERS, want);
}
