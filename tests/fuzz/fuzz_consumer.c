// SPDX-License-Identifier: MIT
/*
 * Description: fuzz the daemon's side of the channel (tool/consumer.c)
 * through its public interface (consumer.h) with a region whose every
 * byte a hostile agent may write, before attach and at any time after:
 * header, request slots, pending bitmap, kick words and summary, zone
 * generations, wake words.
 *
 * Input: byte 0 the CPU count (1 + byte % 8, or from 0xf0 on
 * 1 + 16 * (byte & 15)); byte 1 bit 0: the next 256 bytes are
 * the header as written (else hvb_region_format()'s); then 8-byte
 * actions, a[0] % 8 picks one:
 *   0  store a[4..7] at offset a[1..3] (4-byte aligned, anywhere)
 *   1  a producer's request in slot a[1]: seq, size, flags, the CPU echo
 *      and the pending bit from a[2..7], fields not always valid; bit
 *      22 of a[2..7] arms a torn read of it (fz_race below), bit 23
 *      makes it a rewrite under the same seq
 *   2  a[1] bit 7: zone_gen[a[1] % 16] = a[4..7]; else pending word
 *      a[1] % 4 |= a[2..7]
 *   3  kick word a[1] % 16 |= a[4..7] << a[2]; summary |= a[3] bits
 *      spread over all 64 (bits for words that do not exist included);
 *      or, with a[1] bit 7, the hypervisor's kick slot table
 *      (hyp/core/kickslot.c, its real code) by a[1] % 4: 0, 1 a CPU of
 *      zone 1 + a[2] % 3 claims its virtio block a[3] % 80 (0x200 bytes
 *      from 0x0a000000; more blocks than slots) and publishes; 2 zone
 *      1 + a[2] % 3 is removed, its slots freed and published; 3 the
 *      QueueNotify of queue a[4] % 20 at that block, posted or not by
 *      hyp_kick_post()
 *   4  poll (sync answers a[4..7] % 5); 5 has_work, or with a[1] bit 7
 *      fetch and complete CPU a[1] % 128's request by hand: twice
 *      (-EALREADY), or after its producer gave up (a[2] odd: -ESTALE,
 *      nothing written), or after action 0 wrote consumer_epoch, as
 *      another daemon's attach would (-ESTALE, nothing written); 6 the
 *      sleep handshake (the wait returns at once, a[1] odd: -EINTR), or
 *      with a[1] bit 1 the serving loop until it first sleeps (a[2]
 *      empty polls before), or, once consumer_epoch moved, at once
 *      (-ESTALE); 7 detach, attach again
 * The region is a heap block of exactly its size (AddressSanitizer sees
 * any access outside it).  Checked on every call into the consumer:
 *  - it writes only what docs/abi.md makes it the writer of: the wake
 *    words, the pending words and the kick words and summary it takes,
 *    the daemon statistics, and the response line and daemon counters
 *    of the CPUs that exist.  Never the header, a request line, a
 *    producer counter, a zone generation, a reserved word, or anything
 *    past the last CPU;
 *  - the sync callback sees only requests that pass every check, from a
 *    CPU that exists, and none once consumer_epoch moved (nor does the
 *    kick callback); kicks name a (device, queue) in the ABI's range,
 *    and no more of them per poll than the bitmap holds;
 *  - kick slots (docs/abi.md, "Kick slots"), while the root zone has not
 *    written the slot table or the acks itself (a forged route is its
 *    own business): the consumer routes only checked entries, and
 *    whenever the hypervisor would post a slot (its ack matches the
 *    hypervisor's seq), the consumer's last route of that slot is the
 *    block the hypervisor has in it, however claims, removals and polls
 *    interleave.
 */
#include <errno.h>
#include <string.h>

#include <hvbridge/region.h>

#include <hyp/channel.h>
#include <hyp/kickslot.h>

#include "consumer.h"
#include "fuzz.h"
#include "transport.h"

#define FZ_ACTION	8u

struct fz_ctx {
	const struct hvb_consumer *c;
	__u32 nr_cpus;
	__u32 status;		/* what sync answers */
	unsigned int kicks;	/* in this call */
};

/*
 * The race a request arms (action 1, bit 22 of a[2..7]): the next time
 * the consumer fetches that CPU's request, between its field loads and
 * its re-check of req.seq (HVB_FETCH_RACE, tool/consumer.c), the
 * producer gives it up and publishes another in the slot: Barrier S's
 * invalidation, new fields, a new seq.  The consumer must drop the read,
 * count it in that CPU's torn_reads, and serve nothing under the old
 * seq.  With bit 23 the fields change under the same seq, which only a
 * hostile root zone does: the read cannot tell, and what it serves must
 * still pass every check.
 */
static struct {
	__u32 cpu_plus1;		/* armed for this CPU + 1; 0: not */
	int keep_seq;
	struct hvb_sync_req fresh;	/* the fields it writes */
	/* In the current call into the consumer: */
	__u64 old_seq;			/* the seq given up; 0: none */
	__u32 torn_cpu;
	unsigned int torn;		/* races that changed the seq */
} fz_race;

static __u32 fz_sync(void *ctx, const struct hvb_request *req, __u64 *value)
{
	struct fz_ctx *f = ctx;

	/* A torn read is never served under the seq it started with. */
	FUZZ_CHECK(!fz_race.old_seq || req->cpu != fz_race.torn_cpu ||
		   req->seq != fz_race.old_seq);

	/* Nothing is served once another daemon attached: consumer_epoch
	 * moves only between calls (action 0), never during one. */
	FUZZ_CHECK(hvb_read_once_u32(&hvb_region_wake(f->c->region)->
				     consumer_epoch) == f->c->epoch);
	FUZZ_CHECK(req->cpu < f->nr_cpus && req->cpu_echo == req->cpu);
	FUZZ_CHECK(req->seq && !(req->seq & HVB_SEQ_INVALID));
	FUZZ_CHECK(req->size == 1 || req->size == 2 || req->size == 4 ||
		   req->size == 8);
	FUZZ_CHECK(!(req->addr & (req->size - 1)));
	FUZZ_CHECK(!(req->flags & ~HVB_REQ_FLAGS_KNOWN));
	*value = req->addr ^ req->value;
	return f->status;
}

static void fz_kick(void *ctx, __u32 dev, __u32 queue)
{
	struct fz_ctx *f = ctx;

	/* Nor a kick taken once another daemon attached. */
	FUZZ_CHECK(hvb_read_once_u32(&hvb_region_wake(f->c->region)->
				     consumer_epoch) == f->c->epoch);
	FUZZ_CHECK(dev < HVB_KICK_DEVS && queue < HVB_KICK_QUEUES);
	f->kicks++;
}

static void fz_zone_reset(void *ctx, __u32 zone, __u32 gen)
{
	(void)ctx;
	(void)gen;
	FUZZ_CHECK(zone < HVB_ZONE_GENS);
}

/* The hypervisor's side of the kick slots: its table, published into
 * the region laid out for fz_kt_cpus CPUs, and a producer reading the
 * acks there. */
#define FZ_VIRTIO	0x0a000000ull
#define FZ_BLOCK	0x200u
#define FZ_NOTIFY	0x50u
static struct hyp_kick_table fz_kt;
static struct hyp_producer fz_prod;
static __u32 fz_kt_cpus;
static void *fz_region;
/* 1 once the root zone wrote the table or the acks, or the layout
 * moved under them: no route is checked after that. */
static int fz_forged;
/* The consumer's last route of each slot (the daemon's device table). */
static struct {
	int valid;
	__u32 zone;
	__u64 base;
} fz_route[HVB_KICK_DEVS];

/* Devices behind the blocks: zones 1 and 2, two blocks of three. */
static bool fz_kick_route(void *ctx, __u32 slot, const struct hvb_kick_slot *e)
{
	(void)ctx;
	FUZZ_CHECK(slot < HVB_KICK_DEVS);
	fz_route[slot].valid = 0;
	if (!e)
		return false;
	FUZZ_CHECK(e->flags == HVB_KICK_SLOT_USED && e->size >= 4 &&
		   e->notify_off <= e->size - 4);
	if (e->zone_id == 3 || (e->base >> 9) % 3 == 2 ||
	    e->notify_off != FZ_NOTIFY)
		return false;
	fz_route[slot].valid = 1;
	fz_route[slot].zone = e->zone_id;
	fz_route[slot].base = e->base;
	return true;
}

/* hyp_kick_post()'s kick, as the producer would set it: counted only. */
static unsigned int fz_posted;

int hyp_channel_kick(struct hyp_producer *p, __u32 dev, __u32 queue)
{
	(void)p;
	if (dev >= HVB_KICK_DEVS || queue >= HVB_KICK_QUEUES)
		return -1;
	fz_posted++;
	return 0;
}

static void fz_kt_publish(struct hyp_kick_table *t, void *ctx)
{
	(void)ctx;
	hyp_kick_table_publish(t, hvb_region_kick_slots(fz_region, fz_kt_cpus),
			       &hvb_region_kicks(fz_region)->slots_gen);
}

/* A kick of slot @i reaches the hypervisor's block in it. */
static void fz_check_route(__u32 i)
{
	const struct hyp_kick_slot *s = &fz_kt.slot[i];

	if (fz_forged)
		return;
	FUZZ_CHECK(s->used);
	FUZZ_CHECK(fz_route[i].valid && fz_route[i].zone == s->zone_id &&
		   fz_route[i].base == s->base);
}

/* Every slot the hypervisor would post (its ack matches) is routed to
 * the hypervisor's block. */
static void fz_check_routes(void)
{
	__u32 i;

	for (i = 0; i < HVB_KICK_DEVS; i++)
		if (fz_kt.slot[i].used &&
		    hvb_read_once_u32(&fz_prod.kacks->ack[i]) ==
		    fz_kt.slot[i].seq)
			fz_check_route(i);
}

/* Action 3 with a[1] bit 7: the hypervisor's table. */
static void fz_kick_table(const uint8_t *a, size_t n)
{
	__u32 zone = 1 + (n > 2 ? a[2] : 0) % 3;
	__u64 base = FZ_VIRTIO + FZ_BLOCK * ((n > 3 ? a[3] : 0) % 80u);
	int slot;

	switch (a[1] & 3) {
	case 2:
		hyp_kick_table_lock(&fz_kt);
		if (hyp_kick_slot_free_zone(&fz_kt, zone))
			fz_kt_publish(&fz_kt, NULL);
		hyp_kick_table_unlock(&fz_kt);
		break;
	case 3:
		if (!hyp_kick_post(&fz_prod, &fz_kt, zone, base,
				   (n > 4 ? a[4] : 0) % 20u)) {
			/* Posted: the slot's route must be this block. */
			slot = hyp_kick_slot_find(&fz_kt, zone, base);
			FUZZ_CHECK(slot >= 0);
			fz_check_route((__u32)slot);
		}
		break;
	default:
		slot = hyp_kick_slot_claim(&fz_kt, zone, base, FZ_BLOCK,
					   FZ_NOTIFY, fz_kt_publish, NULL);
		FUZZ_CHECK(slot < (int)HVB_KICK_DEVS);
		if (slot >= 0)
			FUZZ_CHECK(hyp_kick_slot_find(&fz_kt, zone, base) ==
				   slot);
		break;
	}
}

/* The consumer (re)attached with @nr CPUs: the hypervisor follows, as
 * long as the layout did not move (it would not: it keeps its own copy
 * of the header). */
static void fz_kt_attached(__u32 nr)
{
	if (fz_kt_cpus && nr != fz_kt_cpus)
		fz_forged = 1;
	fz_kt_cpus = nr;
	fz_prod.kacks = hvb_region_kick_acks(fz_region, nr);
}

static const struct hvb_consumer_ops fz_ops = {
	.sync = fz_sync,
	.kick = fz_kick,
	.zone_reset = fz_zone_reset,
	.kick_route = fz_kick_route,
};

static int fz_wait_ret;
static volatile int fz_stop;	/* hvb_consumer_run()'s */

/* The transport's sleep: returns at once, and ends a serving loop. */
static int fz_wait(struct hvb_transport *t, __u32 *word, __u32 token)
{
	(void)t;
	(void)word;
	(void)token;
	fz_stop = 1;
	return fz_wait_ret;
}

static bool fz_can_sleep(struct hvb_transport *t)
{
	(void)t;
	return true;
}

static const struct hvb_transport_ops fz_transport_ops = {
	.name = "fuzz",
	.can_sleep = fz_can_sleep,
	.wait = fz_wait,
};

/* May the consumer write byte @off of a region of @nr CPUs? */
static int fz_consumer_writes(size_t off, __u32 nr)
{
	size_t slots = HVB_SLOTS_OFF, stats = hvb_region_stats_off(nr);

	/* consumer_state; consumer_pid, consumer_epoch, hot_cpu.  Not
	 * wake_gen (producers), nor consumer_owner (claim.c). */
	if (off >= HVB_WAKE_OFF && off < HVB_WAKE_OFF + 4)
		return 1;
	if (off >= HVB_WAKE_OFF + 8 && off < HVB_WAKE_OFF + 20)
		return 1;
	if (off >= HVB_PENDING_OFF &&
	    off < HVB_PENDING_OFF + 8 * ((nr + 63) / 64))
		return 1;	/* the pending words that exist */
	if (off >= HVB_KICK_OFF && off < HVB_KICK_OFF + 8)
		return 1;	/* summary */
	if (off >= HVB_KICK_OFF + offsetof(struct hvb_kicks, words) &&
	    off < HVB_KICK_OFF + sizeof(struct hvb_kicks))
		return 1;	/* kick words */
	if (off >= HVB_DAEMON_STATS_OFF && off < HVB_SLOTS_OFF)
		return 1;	/* daemon statistics, zone_ack */
	if (off >= slots && off < stats)	/* response lines */
		return (off - slots) % sizeof(struct hvb_cpu_slot) >=
		       offsetof(struct hvb_cpu_slot, resp);
	if (off >= stats && off < stats + (size_t)nr *
				  sizeof(struct hvb_cpu_stats))
		return (off - stats) % sizeof(struct hvb_cpu_stats) >=
		       offsetof(struct hvb_cpu_stats, served);
	/* The routes it acknowledges (ABI 2.0; not the slot table, which
	 * is the hypervisor's). */
	if (off >= hvb_region_kick_acks_off(nr) &&
	    off < hvb_region_kick_acks_off(nr) + sizeof(struct hvb_kick_acks))
		return 1;
	return 0;
}

static uint8_t *fz_before;

/* Every byte the call changed is the consumer's to write. */
static void fz_check_writes(const uint8_t *region, size_t size, __u32 nr)
{
	size_t i, line;

	for (line = 0; line < size; line += HVB_LINE) {
		if (!memcmp(region + line, fz_before + line, HVB_LINE))
			continue;
		for (i = line; i < line + HVB_LINE; i++)
			if (region[i] != fz_before[i] &&
			    !fz_consumer_writes(i, nr)) {
				fprintf(stderr,
					"consumer wrote region byte 0x%zx\n", i);
				FUZZ_CHECK(!"the consumer writes only its own fields");
			}
	}
}

void hvb_fetch_race_hook(__u32 cpu, struct hvb_cpu_slot *slot);

void hvb_fetch_race_hook(__u32 cpu, struct hvb_cpu_slot *slot)
{
	struct hvb_sync_req *r = &slot->req;
	__u64 seq = r->seq;

	if (fz_race.cpu_plus1 != cpu + 1)
		return;
	fz_race.cpu_plus1 = 0;
	if (!fz_race.keep_seq)
		/* Barrier S: the invalidation, ordered before the reuse. */
		__atomic_store_n(&r->seq, seq | HVB_SEQ_INVALID,
				 __ATOMIC_RELEASE);
	r->addr = fz_race.fresh.addr;
	r->value = fz_race.fresh.value;
	r->size = fz_race.fresh.size;
	r->flags = fz_race.fresh.flags;
	if (!fz_race.keep_seq) {
		/* Barrier A: the new request.  Never the old seq again. */
		__atomic_store_n(&r->seq, (seq & ~HVB_SEQ_INVALID) + 1,
				 __ATOMIC_RELEASE);
		fz_race.old_seq = seq;
		fz_race.torn_cpu = cpu;
		fz_race.torn++;
	}
	/* The producer's writes, not the consumer's. */
	memcpy(fz_before + ((uint8_t *)r - (uint8_t *)fz_region), r,
	       sizeof(*r));
}

/* torn_reads of @cpu in the region image @base (@nr CPUs). */
static __u64 fz_torn_reads(void *base, __u32 nr, __u32 cpu)
{
	return hvb_region_cpu_stats(base, nr, cpu)->torn_reads;
}

/* Fetch and complete @cpu's request by hand, as a device would later. */
static void fz_complete(struct hvb_consumer *c, __u32 cpu, bool gave_up,
			__u32 status)
{
	struct hvb_cpu_slot *slot = hvb_region_slot(c->region, cpu);
	struct hvb_request req;
	__u64 resp_seq;

	if (hvb_consumer_fetch(c, cpu, &req) != 1)
		return;
	FUZZ_CHECK(req.cpu == cpu && req.seq == slot->req.seq);
	/* Another daemon attached (the region's epoch was written): the
	 * completion is refused, nothing written. */
	if (hvb_read_once_u32(&hvb_region_wake(c->region)->consumer_epoch) !=
	    c->epoch) {
		resp_seq = slot->resp.seq;
		FUZZ_CHECK(hvb_consumer_complete(c, &req, status, 1) ==
			   -ESTALE);
		FUZZ_CHECK(slot->resp.seq == resp_seq && c->replaced);
		return;
	}
	if (gave_up) {
		/* The producer timed out and marked the slot (Barrier S). */
		slot->req.seq |= HVB_SEQ_INVALID;
		memcpy(fz_before + ((uint8_t *)&slot->req.seq -
				    (uint8_t *)c->region),
		       &slot->req.seq, sizeof(slot->req.seq));
		resp_seq = slot->resp.seq;
		FUZZ_CHECK(hvb_consumer_complete(c, &req, status, 1) ==
			   -ESTALE);
		FUZZ_CHECK(slot->resp.seq == resp_seq);
		return;
	}
	FUZZ_CHECK(hvb_consumer_complete(c, &req, status, 1) == 0);
	FUZZ_CHECK(slot->resp.seq == req.seq && slot->resp.status == status);
	FUZZ_CHECK(hvb_consumer_complete(c, &req, status, 2) == -EALREADY);
	FUZZ_CHECK(slot->resp.value == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvb_transport t = { .ops = &fz_transport_ops, .fd = -1 };
	struct hvb_consumer c;
	struct fz_ctx f;
	struct hvb_region_header h;
	__u32 room;	/* slots the region has room for */
	size_t rsize, pos = 2;
	uint8_t *region;
	bool attached;

	if (size < 2)
		return 0;
	/* Mostly a few CPUs (fast); from 0xf0 on, up to 241 (several
	 * pending words). */
	room = data[0] < 0xf0 ? 1u + data[0] % 8 : 1u + (data[0] & 0xfu) * 16;
	rsize = hvb_region_size(room);
	region = calloc(1, rsize);
	fz_before = malloc(rsize);
	FUZZ_CHECK(region && fz_before);
	FUZZ_CHECK(hvb_region_format(region, rsize, room) ==
		   HVB_REGION_OK);
	if (data[1] & 1) {
		size_t n = size - pos < sizeof(h) ? size - pos : sizeof(h);

		memcpy(region, data + pos, n);
		pos += n;
	}
	memset(&c, 0, sizeof(c));
	memset(&fz_kt, 0, sizeof(fz_kt));
	memset(&fz_prod, 0, sizeof(fz_prod));
	memset(&fz_race, 0, sizeof(fz_race));
	memset(fz_route, 0, sizeof(fz_route));
	fz_kt_cpus = 0;
	fz_forged = 0;
	fz_region = region;
	memcpy(fz_before, region, rsize);
	/* A header of its own may give fewer CPUs than there is room
	 * for: the consumer then goes by its count, and so do the checks. */
	f.c = &c;
	f.nr_cpus = 0;
	attached = hvb_consumer_attach(&c, region, rsize, &fz_ops, &f) == 0;
	if (attached) {
		FUZZ_CHECK(c.nr_cpus >= 1 && c.nr_cpus <= room);
		f.nr_cpus = c.nr_cpus;
		fz_check_writes(region, rsize, f.nr_cpus);
		fz_kt_attached(c.nr_cpus);
	}

	for (; attached && pos < size; pos += FZ_ACTION) {
		const uint8_t *a = data + pos;
		size_t n = size - pos;
		__u32 v = (__u32)fuzz_le(a + 4, n > 4 ? n - 4 : 0, 4);
		__u64 w6 = fuzz_le(a + 2, n > 2 ? n - 2 : 0, 6);
		struct hvb_cpu_slot *slot;
		struct hvb_kicks *k = hvb_region_kicks(region);
		__u32 cpu, bit;
		size_t off;

		switch (a[0] % 8) {
		case 0:
			off = (fuzz_le(a + 1, n - 1, 3) % rsize) & ~(size_t)3;
			memcpy(region + off, &v, 4);
			if (off >= hvb_region_kick_slots_off(fz_kt_cpus) &&
			    off < hvb_region_kick_acks_off(fz_kt_cpus) +
				  sizeof(struct hvb_kick_acks))
				fz_forged = 1;
			continue;
		case 1:
			cpu = (n > 1 ? a[1] : 0) % room;
			slot = hvb_region_slot(region, cpu);
			slot->req.addr = (__u64)v << (w6 & 7);
			slot->req.value = w6;
			slot->req.size = 1u << (w6 >> 3 & 3);
			if (w6 >> 5 & 1)
				slot->req.size = (__u32)(w6 >> 8 & 0xff);
			slot->req.flags = (__u32)(w6 >> 16 & 3);
			slot->req.cpu = w6 >> 18 & 1 ? (__u32)(w6 >> 24) : cpu;
			slot->req.zone_id = 1;
			/* Release, as a producer publishes (Barrier A). */
			__atomic_store_n(&slot->req.seq, (w6 >> 19 & 1 ?
							  w6 << 32 : 0) |
					 (slot->req.seq + 1 + (w6 >> 20 & 1)),
					 __ATOMIC_RELEASE);
			if (!(w6 >> 21 & 1))
				hvb_region_pending(region)->cpu_bits[cpu / 64] |=
					1ull << (cpu % 64);
			if (w6 >> 22 & 1) {
				fz_race.cpu_plus1 = cpu + 1;
				fz_race.keep_seq = w6 >> 23 & 1;
				fz_race.fresh.addr = (__u64)v << (w6 >> 24 & 7);
				fz_race.fresh.value = ~w6;
				fz_race.fresh.size = 1u << (w6 >> 27 & 3);
				fz_race.fresh.flags = (__u32)(w6 >> 29 & 3);
			}
			continue;
		case 2:
			if (n > 1 && (a[1] & 0x80))
				k->zone_gen[a[1] % HVB_ZONE_GENS] = v;
			else
				hvb_region_pending(region)->cpu_bits[
					(n > 1 ? a[1] : 0) % HVB_PENDING_WORDS] |=
					w6 | (__u64)v << 32;
			continue;
		case 3:
			if (n > 1 && (a[1] & 0x80)) {
				fz_kick_table(a, n);
				continue;
			}
			bit = n > 2 ? a[2] % 64 : 0;
			k->words[(n > 1 ? a[1] : 0) % HVB_KICK_WORDS] |=
				(__u64)v << bit;
			k->summary |= (__u64)(n > 3 ? a[3] : 0) *
				      0x0101010101010101ull;
			continue;
		default:
			break;
		}
		/* A call into the consumer. */
		f.status = v % (HVB_STATUS_TIMEOUT + 1);
		f.kicks = 0;
		fz_race.old_seq = 0;
		fz_race.torn = 0;
		memcpy(fz_before, region, rsize);
		switch (a[0] % 8) {
		case 4:
			hvb_consumer_poll(&c);
			FUZZ_CHECK(f.kicks <= 3 * HVB_KICK_BITS);
			break;
		case 5:
			if (n > 1 && (a[1] & 0x80) &&
			    (a[1] & 0x7f) < f.nr_cpus)
				fz_complete(&c, a[1] & 0x7f, n > 2 && (a[2] & 1),
					    f.status);
			else
				hvb_consumer_has_work(&c);
			break;
		case 6:
			fz_wait_ret = n > 1 && (a[1] & 1) ? -EINTR : 0;
			if (n > 1 && (a[1] & 2)) {
				fz_stop = 0;
				c.spin_budget = 1 + (n > 2 ? a[2] : 0);
				/* It ends: at the first sleep, or at
				 * once when it finds itself replaced. */
				FUZZ_CHECK(hvb_consumer_run(&c, &t,
							    &fz_stop) !=
					   -ESTALE || c.replaced);
			} else {
				hvb_consumer_sleep(&c, &t);
			}
			break;
		default:
			hvb_consumer_detach(&c);
			fz_check_writes(region, rsize, f.nr_cpus);
			memcpy(fz_before, region, rsize);
			attached = hvb_consumer_attach(&c, region, rsize,
						       &fz_ops, &f) == 0;
			if (attached) {
				/* The header may have changed meanwhile. */
				FUZZ_CHECK(c.nr_cpus >= 1 && c.nr_cpus <= room);
				fz_check_writes(region, rsize, c.nr_cpus);
				memcpy(fz_before, region, rsize);
				f.nr_cpus = c.nr_cpus;
				fz_kt_attached(c.nr_cpus);
			}
			break;
		}
		fz_check_writes(region, rsize, f.nr_cpus);
		fz_check_routes();
		/* A race that changed the seq is one torn read, counted.  (A
		 * detach and attach in between counts on the new CPU count:
		 * only the calls that keep it are checked.) */
		if (fz_race.torn && attached &&
		    fz_race.torn_cpu < f.nr_cpus && a[0] % 8 != 7)
			FUZZ_CHECK(fz_torn_reads(region, f.nr_cpus,
						 fz_race.torn_cpu) ==
				   fz_torn_reads(fz_before, f.nr_cpus,
						 fz_race.torn_cpu) + 1);
	}
	if (attached) {
		memcpy(fz_before, region, rsize);
		hvb_consumer_detach(&c);
		fz_check_writes(region, rsize, f.nr_cpus);
	}
	free(fz_before);
	free(region);
	return 0;
}
