// SPDX-License-Identifier: MIT
/*
 * The channel consumer.  Barrier names follow docs/memory-ordering.md;
 * each names its pair on the producer side (hyp/core/channel.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>

#include "consumer.h"
#include "transport.h"

static inline void stat_add(__u64 *ctr, __u64 n)
{
	/* Single writer (this thread); readers must never see it torn. */
	hvb_write_once_u64(ctr, hvb_read_once_u64(ctr) + n);
}

/* CPU @cpu's resp.seq in the region; read at attach only (resp_seq[]). */
static __u64 hvb_slot_resp_seq(void *region, __u32 cpu)
{
	return hvb_read_once_u64(&hvb_region_slot(region, cpu)->resp.seq);
}

int hvb_consumer_attach(struct hvb_consumer *c, void *region, __u64 size,
			const struct hvb_consumer_ops *ops, void *ctx)
{
	/* The private copy is all we read of the header, now and later. */
	int err = hvb_region_attach_header(region, size, &c->hdr);
	__u32 z;

	if (err)
		return err;
	c->region = region;
	c->size = size;
	c->nr_cpus = c->hdr.nr_cpus;
	c->wake = hvb_region_wake(region);
	c->pending = hvb_region_pending(region);
	c->kicks = hvb_region_kicks(region);
	c->dstats = hvb_region_daemon_stats(region);
	c->kslots = hvb_region_kick_slots(region, c->nr_cpus);
	c->kacks = hvb_region_kick_acks(region, c->nr_cpus);
	/* Every slot looked at on the first poll, before the first drain
	 * of the kick bitmap: kicks left by a daemon that died reach the
	 * devices this one routes. */
	memset(c->slot_seq, 0, sizeof(c->slot_seq));
	c->slots_owed = true;
	c->ops = ops;
	c->ops_ctx = ctx;
	c->scan_all = true;
	c->hot_cpu = HVB_HOT_NONE;
	c->last_cpu = HVB_HOT_NONE;
	memset(c->recheck, 0, sizeof(c->recheck));
	/* Barrier G' (acquire, pairs with the hypervisor's Barrier G):
	 * the generations our devices are set up for (the caller gives
	 * them to the state files); acknowledged by the first poll. */
	for (z = 0; z < HVB_ZONE_GENS; z++)
		c->zone_gen[z] = hvb_load_acquire_u32(&c->kicks->zone_gen[z]);
	c->zone_ack_owed = true;
	/* A dead daemon's hot slot is no longer peeked; the attach scan
	 * covers requests published without a bit meanwhile. */
	hvb_write_once_u32(&c->wake->hot_cpu, HVB_HOT_NONE);
	/* Barrier H (attach): the store above before the attach scan's look
	 * at every slot; pairs with Barrier W2 in the producer (publish; mb;
	 * load hot_cpu).  The read-modify-writes below are no substitute:
	 * in C11 they order nothing stored before them against a load after
	 * them (tests/litmus/c11/attach.broken-H). */
	hvb_mb();
	hvb_write_once_u32(&c->wake->consumer_pid, (__u32)getpid());
	c->epoch = hvb_fetch_add_u32(&c->wake->consumer_epoch, 1) + 1;
	c->replaced = false;
	/* Acquire: a predecessor's completions and hint withdrawal, released
	 * by its exchange to ABSENT in hvb_consumer_detach(), come before our
	 * scan.  A producer that still sees SLEEPING from a dead daemon wakes
	 * nobody, and our first poll scans every slot anyway. */
	hvb_xchg_u32(&c->wake->consumer_state, HVB_CONSUMER_RUNNING);
	/* What every slot's response line holds: the format's zeros or a
	 * predecessor's last completions, which the exchange above
	 * acquired.  From now on only we write resp.seq, so our copy stays
	 * exact and the attach scan runs nothing answered again. */
	for (z = 0; z < c->nr_cpus; z++)
		c->resp_seq[z] = hvb_slot_resp_seq(region, z);
	return 0;
}

/* Has another daemon attached since we did?  A hit while we serve:
 * nobody writes the wake line while we run. */
static bool hvb_consumer_was_replaced(struct hvb_consumer *c)
{
	if (hvb_read_once_u32(&c->wake->consumer_epoch) != c->epoch)
		c->replaced = true;
	return c->replaced;
}

void hvb_consumer_detach(struct hvb_consumer *c)
{
	/* Not ours to leave: ABSENT would tell the producers that the
	 * daemon which replaced us is gone. */
	if (hvb_consumer_was_replaced(c))
		return;
	hvb_write_once_u32(&c->wake->hot_cpu, HVB_HOT_NONE);
	/* Release: our completions and the store above come before ABSENT;
	 * pairs with the next daemon's exchange in hvb_consumer_attach(),
	 * and (Barrier P) with the producers' acquire of consumer_state in
	 * their wait (P'), so one that holds for the next daemon sees our
	 * completions and our epoch (tests/litmus absent). */
	hvb_xchg_u32(&c->wake->consumer_state, HVB_CONSUMER_ABSENT);
	hvb_write_once_u32(&c->wake->consumer_pid, 0);
}

#ifdef HVB_FETCH_RACE_HOOK
/*
 * The fuzz build's alone (tests/fuzz/fuzz.mk), never the daemon's: the
 * consumer fuzz target plays a producer that gives the request up and
 * reuses the slot right here, between the field loads and the re-check,
 * on a schedule no test with real threads can choose.  Weak: the other
 * fuzz targets link this file without defining it.
 */
void hvb_fetch_race_hook(__u32 cpu, struct hvb_cpu_slot *slot)
	__attribute__((weak));
#define HVB_FETCH_RACE(cpu, slot)					\
	do {								\
		if (hvb_fetch_race_hook)				\
			hvb_fetch_race_hook(cpu, slot);			\
	} while (0)
#else
#define HVB_FETCH_RACE(cpu, slot)	do { } while (0)
#endif

/*
 * The serving path's steps are inlined into hvb_consumer_serve(): from
 * the load that finds a request to the store that answers it, every
 * instruction is on the round trip (docs/abi.md, "What a round trip
 * costs"), and calls, spills and recomputed pointers there measured as
 * much as a tenth of it.
 */
#define HVB_HOT_PATH	static inline __attribute__((always_inline))

HVB_HOT_PATH int hvb_consumer_fetch_slot(struct hvb_consumer *c, __u32 cpu,
					 struct hvb_cpu_slot *slot,
					 struct hvb_request *req)
{
	struct hvb_sync_req *r = &slot->req;
	__u64 seq, again;

	/* Barrier A': pairs with the producer's release of req.seq
	 * (Barrier A); the fields read below are the published ones. */
	seq = hvb_load_acquire_u64(&r->seq);
	if (seq == 0 || (seq & HVB_SEQ_INVALID) || seq == c->resp_seq[cpu])
		return 0;
	req->seq = seq;
	req->cpu = cpu;
	req->cpu_echo = hvb_read_once_u32(&r->cpu);
	req->addr = hvb_read_once_u64(&r->addr);
	req->value = hvb_read_once_u64(&r->value);
	req->zone_id = hvb_read_once_u32(&r->zone_id);
	req->size = hvb_read_once_u32(&r->size);
	req->flags = hvb_read_once_u32(&r->flags);
	HVB_FETCH_RACE(cpu, slot);
	/*
	 * Barrier S': seqlock re-check.  The field loads above are ordered
	 * before this second load of req.seq; pairs with Barrier S, the
	 * producer's invalidate-then-wmb before it reuses a slot it gave up
	 * on.  A changed seq means the fields may mix two requests.
	 */
	hvb_rmb();
	again = hvb_read_once_u64(&r->seq);
	if (again != seq) {
		stat_add(&hvb_region_cpu_stats(c->region, c->nr_cpus,
					      cpu)->torn_reads, 1);
		return -1;
	}
	return 1;
}

int hvb_consumer_fetch(struct hvb_consumer *c, __u32 cpu,
		       struct hvb_request *req)
{
	return hvb_consumer_fetch_slot(c, cpu, hvb_region_slot(c->region, cpu),
				       req);
}

HVB_HOT_PATH __u32 hvb_request_check_inline(const struct hvb_consumer *c,
					   const struct hvb_request *req)
{
	if (req->cpu >= c->nr_cpus || req->cpu_echo != req->cpu)
		return HVB_STATUS_INVALID;
	if (req->flags & ~HVB_REQ_FLAGS_KNOWN)
		return HVB_STATUS_INVALID;
	switch (req->size) {
	case 1: case 2: case 4: case 8:
		break;
	default:
		return HVB_STATUS_INVALID;
	}
	/* Device registers are naturally aligned; this also rules out
	 * addr + size wrapping around. */
	if (req->addr & (req->size - 1))
		return HVB_STATUS_INVALID;
	return HVB_STATUS_OK;
}

__u32 hvb_request_check(const struct hvb_consumer *c,
			const struct hvb_request *req)
{
	return hvb_request_check_inline(c, req);
}

/*
 * Is the request fetched from @slot still there to answer?  Not
 * guarantees (the producer may give up, another daemon may attach, right
 * after these), but they spare the write; a late completion never
 * matches anyway.  Both lines are hits: the request line since the
 * fetch, the wake line as nobody writes it while we run.
 */
HVB_HOT_PATH bool hvb_consumer_still_owed(struct hvb_consumer *c,
					  struct hvb_cpu_slot *slot, __u64 seq)
{
	return hvb_load_acquire_u64(&slot->req.seq) == seq &&
	       !hvb_consumer_was_replaced(c);
}

/* Write the response to @slot's request @seq, and keep our copy. */
HVB_HOT_PATH void hvb_consumer_answer(struct hvb_consumer *c,
				      struct hvb_cpu_slot *slot, __u32 cpu,
				      __u64 seq, __u32 status, __u64 value)
{
	hvb_write_once_u64(&slot->resp.value, value);
	hvb_write_once_u32(&slot->resp.status, status);
	/* Barrier C: publishes value and status with the seq; pairs with the
	 * producer's acquire spin on resp.seq (Barrier C'). */
	hvb_store_release_u64(&slot->resp.seq, seq);
	c->resp_seq[cpu] = seq;
}

/* Count a completion; after the answer, off the round trip. */
HVB_HOT_PATH void hvb_consumer_count(struct hvb_consumer *c, __u32 cpu,
				     __u32 status)
{
	struct hvb_cpu_stats *st =
		hvb_region_cpu_stats(c->region, c->nr_cpus, cpu);

	stat_add(&st->served, 1);
	stat_add(&c->dstats->served, 1);
	if (status != HVB_STATUS_OK)
		stat_add(&st->served_errors, 1);
}

int hvb_consumer_complete(struct hvb_consumer *c,
			  const struct hvb_request *req, __u32 status,
			  __u64 value)
{
	struct hvb_cpu_slot *slot;

	/* A request this consumer's fetch did not fill. */
	if (req->cpu >= c->nr_cpus)
		return -EINVAL;
	slot = hvb_region_slot(c->region, req->cpu);
	/* We are the only writer of resp.seq, so our copy is exact. */
	if (c->resp_seq[req->cpu] == req->seq)
		return -EALREADY;
	if (!hvb_consumer_still_owed(c, slot, req->seq))
		return -ESTALE;
	hvb_consumer_answer(c, slot, req->cpu, req->seq, status, value);
	hvb_consumer_count(c, req->cpu, status);
	return 0;
}

/*
 * Make @cpu the hot slot: the one looked at on every poll, whose producer
 * then skips its pending bit.  Barrier H: the new hot_cpu is stored
 * before the old hot slot is looked at once more (c->recheck, next in
 * this poll); pairs with Barrier W2 in the producer (publish req.seq;
 * mb; load hot_cpu).  Either that producer saw its slot still hot and
 * we see its request in the recheck, or it saw the change and set its
 * pending bit.
 */
static void hvb_consumer_set_hot(struct hvb_consumer *c, __u32 cpu)
{
	__u32 old = c->hot_cpu;

	c->hot_cpu = cpu;
	hvb_write_once_u32(&c->wake->hot_cpu, cpu);
	hvb_mb();
	if (old < c->nr_cpus)
		c->recheck[old / 64] |= 1ull << (old % 64);
}

/* Serve CPU @cpu's request if one is pending; returns 1 if it did. */
static unsigned int hvb_consumer_serve(struct hvb_consumer *c, __u32 cpu)
{
	struct hvb_cpu_slot *slot = hvb_region_slot(c->region, cpu);
	struct hvb_request req;
	__u64 value = 0;
	__u32 status;
	bool malformed;

	if (hvb_consumer_fetch_slot(c, cpu, slot, &req) != 1)
		return 0;
	/* Another daemon attached since we did (only a root zone that got
	 * around the transport's one-daemon lock, or wrote the word, does
	 * that): serve nothing more, not once, since the device's sync may
	 * have side effects, and let the loop end.  Served, a request would
	 * also stay pending for us (its completion refused), and we would
	 * serve it again on every turn. */
	if (hvb_consumer_was_replaced(c))
		return 0;
	status = hvb_request_check_inline(c, &req);
	malformed = status != HVB_STATUS_OK;
	if (!malformed)
		status = c->ops->sync(c->ops_ctx, &req, &value);
	if (status == HVB_STATUS_TIMEOUT)	/* producer-local, never sent */
		status = HVB_STATUS_IO_ERROR;
	/* The fetch checked the seq against our copy: only the re-checks
	 * of hvb_consumer_complete() are left before the answer. */
	if (hvb_consumer_still_owed(c, slot, req.seq)) {
		hvb_consumer_answer(c, slot, cpu, req.seq, status, value);
		hvb_consumer_count(c, cpu, status);
	}
	/* The rest is bookkeeping, after the answer. */
	if (malformed)
		stat_add(&c->dstats->malformed, 1);
	else if (status == HVB_STATUS_NO_DEVICE)
		stat_add(&c->dstats->no_device, 1);
	/* Twice in a row: a vCPU in a burst of accesses.  Vcpus taking
	 * turns do not move the hot slot back and forth. */
	if (cpu == c->last_cpu && cpu != c->hot_cpu)
		hvb_consumer_set_hot(c, cpu);
	c->last_cpu = cpu;
	return 1;
}

static unsigned int hvb_consumer_drain_kicks(struct hvb_consumer *c)
{
	unsigned int n = 0;
	__u64 summary, word;

	if (!hvb_read_once_u64(&c->kicks->summary))
		return 0;
	/* Barrier K': exchanges, summary then word; the acquire half of the
	 * first orders the second after it (all this needs; on arm64 without
	 * LSE they are ldaxr/stlxr, no full barrier).  Pairs with the
	 * producer's two fetch-ors (Barrier K). */
	summary = hvb_xchg_u64(&c->kicks->summary, 0);
	while (summary) {
		__u32 w = (__u32)__builtin_ctzll(summary);

		/* A bit for a word that does not exist: only a hostile or
		 * corrupt region sets one.  words[w] would be another part
		 * of the region (bit 48 is CPU 0's req.seq); bits come out
		 * lowest first, so every bit left is as bogus. */
		if (w >= HVB_KICK_WORDS)
			break;

		summary &= summary - 1;
		word = hvb_xchg_u64(&c->kicks->words[w], 0);
		while (word) {
			__u32 bit = w * 64 + (__u32)__builtin_ctzll(word);

			word &= word - 1;
			c->ops->kick(c->ops_ctx, bit / HVB_KICK_QUEUES,
				     bit % HVB_KICK_QUEUES);
			n++;
		}
	}
	if (n) {
		stat_add(&c->dstats->kick_rounds, 1);
		stat_add(&c->dstats->kicks, n);
	}
	return n;
}

/*
 * After attach: announce again every kick word that holds a bit.  A
 * daemon that died between its exchange of the summary and its exchange
 * of a word left that word's bits with no summary bit; the drain alone
 * would leave them there until the next kick of the same word.  Setting
 * the summary bit of a word that is already set is what a producer does
 * (Barrier K); the drain that follows takes the word.
 */
static void hvb_consumer_recover_kicks(struct hvb_consumer *c)
{
	__u32 w;

	for (w = 0; w < HVB_KICK_WORDS; w++)
		if (hvb_read_once_u64(&c->kicks->words[w]))
			hvb_fetch_or_u64(&c->kicks->summary, 1ull << w);
}

static unsigned int hvb_consumer_drain_kicks(struct hvb_consumer *c);

/*
 * Zones stopped for good since we last looked: reset their devices, then
 * acknowledge each generation.  First in every poll.  The kicks the old
 * run posted before its CPUs parked are in the bitmap when we see the
 * generation (their fetch-ors came before the park, which came before
 * Barrier G; we read with G'): they are drained first, served by the
 * old run's device state in the old run's memory, which the zone does
 * not reuse before our ack.  Left for later, they would reach the next
 * run's devices (a test device counting kicks saw it in QEMU).
 */
static unsigned int hvb_consumer_zones(struct hvb_consumer *c)
{
	unsigned int n = 0;
	bool drained = false;
	__u32 z, gen;

	for (z = 0; z < HVB_ZONE_GENS; z++) {
		if (hvb_read_once_u32(&c->kicks->zone_gen[z]) == c->zone_gen[z] &&
		    !c->zone_ack_owed)
			continue;
		/* Barrier G': acquire, pairs with the hypervisor's release
		 * store (Barrier G) made after the zone's CPUs parked. */
		gen = hvb_load_acquire_u32(&c->kicks->zone_gen[z]);
		if (gen != c->zone_gen[z]) {
			if (!drained)
				n += hvb_consumer_drain_kicks(c);
			drained = true;
			if (c->ops->zone_reset)
				c->ops->zone_reset(c->ops_ctx, z, gen);
			c->zone_gen[z] = gen;
			n++;
		}
		/*
		 * Barrier Q: release, after the reset above returned (every
		 * device thread of the zone stopped touching its memory, the
		 * state files updated); pairs with the hypervisor's acquire
		 * of zone_ack before it starts the zone (Barrier Q'), so no
		 * access of ours to the zone's memory comes after its start.
		 */
		hvb_store_release_u32(&c->dstats->zone_ack[z], gen);
	}
	c->zone_ack_owed = false;
	return n;
}

/*
 * Check an entry of the kick slot table.  It is the root zone's memory
 * and may hold anything: known flags only, and a used entry names a
 * non-empty block that does not wrap, with its 4-byte register inside.
 */
static bool hvb_kick_slot_ok(const struct hvb_kick_slot *e)
{
	if (e->flags & ~HVB_KICK_SLOT_FLAGS)
		return false;
	if (!(e->flags & HVB_KICK_SLOT_USED))
		return true;
	return e->size >= 4 && e->notify_off <= e->size - 4 &&
	       e->base <= UINT64_MAX - (e->size - 1);
}

/* Read slot @i's entry consistently (Barrier T'); false when caught in
 * the middle of a rewrite (look again next poll). */
static bool hvb_kick_slot_read(struct hvb_consumer *c, __u32 i,
			       struct hvb_kick_slot *e)
{
	struct hvb_kick_slot *s = &c->kslots->slot[i];

	/* Barrier T': acquire, pairs with the hypervisor's release of the
	 * even seq after the fields (Barrier T). */
	e->seq = hvb_load_acquire_u32(&s->seq);
	if (e->seq & 1)
		return false;
	e->zone_id = hvb_read_once_u32(&s->zone_id);
	e->base = hvb_read_once_u64(&s->base);
	e->size = hvb_read_once_u32(&s->size);
	e->notify_off = hvb_read_once_u32(&s->notify_off);
	e->flags = hvb_read_once_u32(&s->flags);
	/* Barrier T' (seqlock): the fields before seq again; pairs with the
	 * hypervisor's wmb after its odd seq. */
	hvb_rmb();
	return hvb_read_once_u32(&s->seq) == e->seq;
}

unsigned int hvb_consumer_kick_slots(struct hvb_consumer *c)
{
	struct hvb_kick_slot e;
	unsigned int n = 0;
	bool ok, used, routed;
	__u32 i, gen;

	if (!c->slots_owed &&
	    hvb_read_once_u32(&c->kicks->slots_gen) == c->slots_gen)
		return 0;
	/* Barrier T': acquire, pairs with the release of slots_gen after
	 * the entries (Barrier T); the entries read below are at least
	 * that new. */
	gen = hvb_load_acquire_u32(&c->kicks->slots_gen);
	c->slots_gen = gen;
	c->slots_owed = false;
	for (i = 0; i < HVB_KICK_DEVS; i++) {
		if (hvb_read_once_u32(&c->kslots->slot[i].seq) ==
		    c->slot_seq[i])
			continue;	/* unchanged, or never used */
		if (!hvb_kick_slot_read(c, i, &e)) {
			c->slots_owed = true;
			continue;
		}
		if (e.seq == c->slot_seq[i])
			continue;
		c->slot_seq[i] = e.seq;
		n++;
		ok = hvb_kick_slot_ok(&e);
		if (!ok) {
			/* Counted once per seq: slot_seq holds it now. */
			stat_add(&c->dstats->bad_kick_slots, 1);
			if (c->ops->kick_slot_bad)
				c->ops->kick_slot_bad(c->ops_ctx, i, &e);
		}
		used = ok && (e.flags & HVB_KICK_SLOT_USED);
		routed = c->ops->kick_route &&
			 c->ops->kick_route(c->ops_ctx, i, used ? &e : NULL) &&
			 used;
		/* The hypervisor posts this slot's writes from now on, or
		 * sends them synchronously (0).  Relaxed: the route it
		 * announces is ours, used by this thread only. */
		hvb_write_once_u32(&c->kacks->ack[i], routed ? e.seq : 0);
	}
	return n;
}

unsigned int hvb_consumer_poll(struct hvb_consumer *c)
{
	unsigned int n;

	/* Another daemon attached (hvb_consumer_serve()): no kick, pending
	 * bit or zone acknowledgement is ours to take any more.  A hit, on
	 * the full poll only. */
	if (hvb_consumer_was_replaced(c))
		return 0;
	n = hvb_consumer_zones(c);
	n += hvb_consumer_kick_slots(c);

	n += hvb_consumer_drain_kicks(c);
	__u32 words = (c->nr_cpus + 63) / 64, w, cpu;
	__u64 bits;

	if (c->scan_all) {
		/* After attach: a dead daemon may have taken pending bits
		 * without answering.  Clear them first, then look at every
		 * slot; a bit set after the clear is served next poll. */
		c->scan_all = false;
		for (w = 0; w < words; w++)
			hvb_xchg_u64(&c->pending->cpu_bits[w], 0);
		for (cpu = 0; cpu < c->nr_cpus; cpu++)
			n += hvb_consumer_serve(c, cpu);
		stat_add(&c->dstats->attach_scans, 1);
		hvb_consumer_recover_kicks(c);
		n += hvb_consumer_drain_kicks(c);
		return n + 1;
	}
	/*
	 * The hot slot first.  One slot, so still O(1); its producer sets
	 * no pending bit (a cache-line transfer on every request saved), so
	 * this look is how its requests are found.
	 */
	if (c->hot_cpu < c->nr_cpus)
		n += hvb_consumer_serve(c, c->hot_cpu);
	for (w = 0; w < words; w++) {
		if (!hvb_read_once_u64(&c->pending->cpu_bits[w]))
			continue;
		/* Acquire (its half of the exchange); the producer set the
		 * bit after releasing req.seq, so every request it announces
		 * is visible. */
		bits = hvb_xchg_u64(&c->pending->cpu_bits[w], 0);
		while (bits) {
			cpu = w * 64 + (__u32)__builtin_ctzll(bits);
			bits &= bits - 1;
			if (cpu < c->nr_cpus)
				n += hvb_consumer_serve(c, cpu);
		}
	}
	/* Slots that stopped being hot, looked at after Barrier H. */
	for (w = 0; w < words; w++) {
		while (c->recheck[w]) {
			cpu = w * 64 + (__u32)__builtin_ctzll(c->recheck[w]);
			c->recheck[w] &= c->recheck[w] - 1;
			n += hvb_consumer_serve(c, cpu);
		}
	}
	return n;
}

/* Does CPU @cpu's slot hold a request not yet answered?  Reads only. */
static bool hvb_consumer_slot_pending(struct hvb_consumer *c, __u32 cpu)
{
	struct hvb_cpu_slot *slot = hvb_region_slot(c->region, cpu);
	__u64 seq = hvb_load_acquire_u64(&slot->req.seq);

	return seq && !(seq & HVB_SEQ_INVALID) && seq != c->resp_seq[cpu];
}

bool hvb_consumer_has_work(struct hvb_consumer *c)
{
	__u32 words = (c->nr_cpus + 63) / 64, w;

	if (c->scan_all || c->zone_ack_owed ||
	    hvb_read_once_u64(&c->kicks->summary))
		return true;
	/* A zone stopped for good (Barrier G, then the hypervisor's W2):
	 * this look after Barrier W1 sees it, or the hypervisor wakes us. */
	for (w = 0; w < HVB_ZONE_GENS; w++)
		if (hvb_read_once_u32(&c->kicks->zone_gen[w]) != c->zone_gen[w])
			return true;
	for (w = 0; w < words; w++)
		if (c->recheck[w] ||
		    hvb_read_once_u64(&c->pending->cpu_bits[w]))
			return true;
	/* Its producer set no pending bit. */
	return c->hot_cpu < c->nr_cpus &&
	       hvb_consumer_slot_pending(c, c->hot_cpu);
}

int hvb_consumer_sleep(struct hvb_consumer *c, struct hvb_transport *t)
{
	__u32 token;
	int err;

	/* Barrier W0: read wake_gen before announcing SLEEPING (acquire
	 * keeps the later store after it); pairs with the producer's
	 * increment, which follows its swap of SLEEPING -> RUNNING.  If a
	 * producer wakes us after this load, the wait returns at once. */
	token = hvb_load_acquire_u32(&c->wake->wake_gen);
	hvb_write_once_u32(&c->wake->consumer_state, HVB_CONSUMER_SLEEPING);
	/* Barrier W1: the SLEEPING store before the last look for work;
	 * pairs with Barrier W2 in the producer (publish; mb; read state).
	 * Either we see its work here or it sees SLEEPING and wakes us. */
	hvb_mb();
	c->woken_by_producer = false;
	if (hvb_consumer_has_work(c)) {
		hvb_xchg_u32(&c->wake->consumer_state, HVB_CONSUMER_RUNNING);
		return 0;
	}
	stat_add(&c->dstats->sleeps, 1);
	err = t->ops->wait(t, &c->wake->wake_gen, token);
	/* RUNNING already: a producer swapped SLEEPING for it to wake us,
	 * so work came while we slept (the idle policy's anchor). */
	c->woken_by_producer =
		hvb_xchg_u32(&c->wake->consumer_state,
			     HVB_CONSUMER_RUNNING) == HVB_CONSUMER_RUNNING;
	/* Barrier W3: RUNNING before the poll after the wake.  Pairs with
	 * Barrier W2 of a producer that lost the CAS to the one that woke us:
	 * it saw RUNNING and signals nobody, so this poll must see its work.
	 * The exchange alone is no full barrier in C11, nor on arm64 without
	 * LSE (ldaxr/stlxr; tests/litmus/aarch64/sleep2.broken-wake-fence). */
	hvb_mb();
	if (err)
		return err;
	stat_add(&c->dstats->wakeups, 1);
	if (!hvb_consumer_has_work(c))
		stat_add(&c->dstats->empty_wakeups, 1);
	return 1;
}

/*
 * Is there work that a quick turn does not look for: a pending bit, a
 * kick, a slot to look at again after Barrier H, or a poll owed since
 * attach?  Reads only words that producers set to announce work, and our
 * own state.
 */
static bool hvb_consumer_announced(const struct hvb_consumer *c)
{
	__u32 words = (c->nr_cpus + 63) / 64, w;

	if (c->scan_all || c->zone_ack_owed || c->slots_owed ||
	    hvb_read_once_u64(&c->kicks->summary))
		return true;
	for (w = 0; w < words; w++)
		if (c->recheck[w] ||
		    hvb_read_once_u64(&c->pending->cpu_bits[w]))
			return true;
	return false;
}

/*
 * One turn of the serving loop.  Without a hot slot, and on every
 * HVB_CONSUMER_FULL_TURNS-th turn, a full poll.  Otherwise the hot slot
 * first, then the full poll only if something else was announced: a
 * turn is then a few loads of lines nobody writes but the producers, so
 * the hot slot's next request is seen within a few ns of its arrival
 * rather than after a walk through the zone generations and the kick
 * slot table (docs/abi.md, "What a round trip costs").  Serving the hot
 * slot ahead of those is what a full poll that found the generations
 * unchanged would do anyway: a zone's generation moves only once its
 * CPUs are parked, so no request of its old run is left to serve.
 *
 * (Putting the periodic full poll off until a turn that has just
 * answered the hot slot took 10 ns off a busy vCPU's round trip, but
 * made e2e-zonerestart fail 2 runs in 10 and once in CI, for a reason
 * not found: docs/performance.md.)
 */
static unsigned int hvb_consumer_turn(struct hvb_consumer *c,
				      unsigned int turn)
{
	unsigned int n;

	if (c->hot_cpu >= c->nr_cpus || turn % HVB_CONSUMER_FULL_TURNS == 0)
		return hvb_consumer_poll(c);
	n = hvb_consumer_serve(c, c->hot_cpu);
	if (hvb_consumer_announced(c))
		n += hvb_consumer_poll(c);
	return n;
}

static __u64 hvb_consumer_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

__u64 hvb_consumer_wake_sent_ns(const struct hvb_wake *wake,
				struct hvb_transport *t, __u64 slept,
				__u64 now)
{
	__u64 stamp, hyp_now, ago;

	if (!t->ops->hyp_clock_ns || now < slept)
		return 0;
	stamp = hvb_read_once_u64(&wake->wake_sent_ns);
	hyp_now = t->ops->hyp_clock_ns(t);
	if (!stamp || stamp > hyp_now)
		return 0;
	ago = hyp_now - stamp;
	return ago <= now - slept ? now - ago : 0;
}

/* The adaptive policy reads the clock every this many empty turns: a
 * read costs about as much as a turn. */
#define HVB_CONSUMER_CLOCK_TURNS	8u

int hvb_consumer_run(struct hvb_consumer *c, struct hvb_transport *t,
		     const volatile int *stop)
{
	bool can_sleep = t && t->ops->can_sleep && t->ops->can_sleep(t);
	bool adaptive = can_sleep && c->spin_budget == HVB_SPIN_ADAPTIVE;
	uint64_t idle = 0;
	unsigned int turns = 0;
	/* slept: when the policy last asked for a sleep, which a stamp
	 * of the producer that woke it must not precede. */
	__u64 sleep_ns, slept = 0, now;
	int err;

	/* Nothing seen yet: the policy starts afresh with every loop. */
	hvb_idle_init(&c->idle);
	/* Timed sleeps end on time, not up to 50 us later (the default
	 * slack); only this thread's. */
	if (adaptive)
		prctl(PR_SET_TIMERSLACK, (unsigned long)
		      HVB_CONSUMER_TIMER_SLACK_NS, 0, 0, 0);
	/* The flag is set by a signal handler or another thread: an
	 * acquire load, like every wait on another agent (rule 1). */
	while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
		/* Alive and serving (the transport beats while we sleep):
		 * a daemon about to attach elsewhere watches this.  It only
		 * has to move within HVB_CLAIM_WAIT_MS, so one store every
		 * HVB_CONSUMER_BEAT_TURNS turns, not a store per poll. */
		if (!(turns % HVB_CONSUMER_BEAT_TURNS))
			stat_add(&c->dstats->heartbeat, 1);
		if (hvb_consumer_turn(c, turns++)) {
			idle = 0;
			if (adaptive)
				hvb_idle_work(&c->idle, hvb_consumer_now_ns());
			continue;
		}
		/* Replaced: whatever it was, the region is another daemon's. */
		if (c->replaced)
			return -ESTALE;
		sleep_ns = 0;
		if (!can_sleep) {
			hvb_cpu_relax();
			continue;
		} else if (!adaptive) {
			if (++idle < c->spin_budget) {
				hvb_cpu_relax();
				continue;
			}
			idle = 0;
		} else if (++idle % HVB_CONSUMER_CLOCK_TURNS ||
			   !hvb_idle_should_sleep(&c->idle,
						  slept = hvb_consumer_now_ns(),
						  &sleep_ns)) {
			hvb_cpu_relax();
			continue;
		}
		/* A timed sleep is a sleep like any other: the handshake's
		 * last look and a producer's wake work the same way. */
		t->wait_ns = sleep_ns;
		err = hvb_consumer_sleep(c, t);
		t->wait_ns = 0;
		if (adaptive) {
			now = hvb_consumer_now_ns();
			hvb_idle_woke(&c->idle, now, c->woken_by_producer,
				      c->woken_by_producer ?
				      hvb_consumer_wake_sent_ns(c->wake, t,
								slept, now) :
				      0);
		}
		/* A timed sleep ends before the transport's heartbeat is
		 * due, and a few turns separate two of them: beat here, so
		 * the heartbeat still moves every HVB_HEARTBEAT_MS. */
		if (sleep_ns)
			stat_add(&c->dstats->heartbeat, 1);
		if (err < 0 && err != -EINTR)
			return err;
	}
	return 0;
}
