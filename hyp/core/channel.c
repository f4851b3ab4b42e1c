// SPDX-License-Identifier: MIT
/*
 * The channel producer: what a vCPU's trap handler calls to forward an
 * MMIO access to the root-zone daemon, or to post a QueueNotify kick.
 *
 * One synchronous request per CPU is in flight at a time (the vCPU is
 * stopped in the trap), so the slot needs no lock.  The barrier names
 * below are those of docs/memory-ordering.md.
 */
#include <hyp/arch.h>
#include <hyp/channel.h>
#include <hvbridge/barrier.h>

/* Single-writer counter: a plain read-modify-write of our own word, made
 * single-copy atomic so a concurrent reader never sees it torn. */
static inline void stat_add(__u64 *ctr, __u64 n)
{
	hvb_write_once_u64(ctr, hvb_read_once_u64(ctr) + n);
}

int hyp_channel_attach(struct hyp_producer *p, void *region, __u64 size,
		       __u32 cpu, __u64 timeout_ns)
{
	struct hvb_region_header h;
	__u64 req_seq, resp_seq;
	/* The region is the root zone's memory: its header may change at
	 * any time.  Check a private copy and compute every pointer from
	 * that copy, never from a second read of the region. */
	int err = hvb_region_attach_header(region, size, &h);

	if (err)
		return err;
	if (cpu >= h.nr_cpus)
		return HVB_REGION_ECPUS;
	p->region = region;
	p->cpu = cpu;
	p->slot = hvb_region_slot(region, cpu);
	p->stats = hvb_region_cpu_stats(region, h.nr_cpus, cpu);
	p->wake = hvb_region_wake(region);
	p->pending = hvb_region_pending(region);
	p->kicks = hvb_region_kicks(region);
	p->dstats = hvb_region_daemon_stats(region);
	p->kslots = hvb_region_kick_slots(region, h.nr_cpus);
	p->kacks = hvb_region_kick_acks(region, h.nr_cpus);
	p->timeout_ns = timeout_ns;
	/* The first request is timed; the gaps after it differ per CPU. */
	p->lat_countdown = 1;
	p->lat_rng = 0x9e3779b9u * (cpu + 1);
	/* Continue above whatever an earlier producer of this slot used, so
	 * no completion left in the region can match our first request,
	 * including the late completion of one an earlier producer gave up
	 * on (its seq is kept under HVB_SEQ_INVALID). */
	req_seq = hvb_read_once_u64(&p->slot->req.seq) & ~HVB_SEQ_INVALID;
	resp_seq = hvb_read_once_u64(&p->slot->resp.seq);
	p->next_seq = (req_seq > resp_seq ? req_seq : resp_seq) + 1;
	return HVB_REGION_OK;
}

/*
 * Wake the daemon if it announced that it sleeps.  The caller published
 * its work (req.seq and maybe the pending bit, or the kick bits) and then
 * executed Barrier W2, a full barrier that orders that publication before
 * the load of consumer_state below.  W2 pairs with Barrier W1 in the
 * daemon, between its store of SLEEPING and its last look for work:
 * either it sees our work, or we see SLEEPING.
 */
static void hyp_channel_wake_consumer(struct hyp_producer *p)
{
	if (hvb_read_once_u32(&p->wake->consumer_state) !=
	    HVB_CONSUMER_SLEEPING)
		return;
	/*
	 * Barrier W4: when the request came, for the daemon's idling policy,
	 * before the swap; pairs with the daemon's exchange of
	 * consumer_state after its wait (W3), which reads our swap or a
	 * later one, so it sees this stamp or a later producer's.  Written
	 * by every producer that saw SLEEPING, winner or not: any of them
	 * is a request that came while the daemon slept.  No ordering rests
	 * on it.
	 */
	hvb_write_once_u64(&p->wake->wake_sent_ns, hyp_arch_now_ns());
	/* Only the producer that wins this swap signals; fully ordered. */
	if (hvb_cmpxchg_u32(&p->wake->consumer_state, HVB_CONSUMER_SLEEPING,
			    HVB_CONSUMER_RUNNING) != HVB_CONSUMER_SLEEPING)
		return;
	/* Pairs with Barrier W0, the daemon's acquire load of wake_gen before
	 * it stored SLEEPING: its futex wait sees a changed word. */
	hvb_fetch_add_u32(&p->wake->wake_gen, 1);
	stat_add(&p->stats->wakes, 1);
	hyp_arch_wake_consumer(p);
}

/* Is this request one of the sample the latency histogram counts?
 * Private state only: no shared line, no clock. */
static int hyp_channel_lat_sampled(struct hyp_producer *p)
{
	__u32 x;

	if (--p->lat_countdown)
		return 0;
	/* xorshift32: never 0 from a non-zero seed */
	x = p->lat_rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	p->lat_rng = x;
	p->lat_countdown = 1 + (x & (2 * HVB_LAT_SAMPLE_GAP - 1));
	return 1;
}

static void hyp_channel_account(struct hyp_producer *p, __u64 start_cycles)
{
	__u64 ns = hyp_arch_cycles_to_ns(hyp_arch_cycles() - start_cycles);

	stat_add(&p->stats->lat_total_ns, ns);
	stat_add(&p->stats->lat_hist[hvb_lat_bucket(ns)], 1);
}

/* Nanoseconds from @since to @now (hyp_arch_cycles()); 0 if earlier. */
static __u64 hyp_channel_ns(__u64 since, __u64 now)
{
	return now > since ? hyp_arch_cycles_to_ns(now - since) : 0;
}

/* One check of a hold: at most hold_ns from publication.  The daemon
 * that comes gets its whole timeout from the end of the hold. */
static int hyp_channel_hold(struct hyp_producer *p, struct hyp_wait *w,
			    __u64 now)
{
	w->present_since = now;
	return hyp_channel_ns(w->start, now) > p->hold_ns ?
	       HYP_WAIT_TIMEOUT : HYP_WAIT_DONE;
}

int hyp_channel_wait_check(struct hyp_producer *p, struct hyp_wait *w)
{
	__u64 now;
	__u32 state;

	if (hyp_arch_wait_check(p, w->start))
		return HYP_WAIT_RETRY;
	now = hyp_arch_cycles();
	/* A request not sampled for the histogram read no clock at its
	 * publication: its timeout and hold count from this first check,
	 * HYP_WAIT_CHECK_SPINS turns of the wait later. */
	if (!w->start)
		w->start = w->present_since = now ? now : 1;
	if (p->hold_ns) {
		/*
		 * Barrier P': acquire, on every check (rule 1); pairs with
		 * the release of an exchange to ABSENT (Barrier P: the
		 * module's when the daemon's file is released, the daemon's
		 * own in hvb_consumer_detach()) and with the next daemon's
		 * exchange to RUNNING on attach.  Read under it: the epoch
		 * below (an ABSENT after an attach comes with a non-zero
		 * one, so we hold rather than time out) and, at the wait's
		 * next turn, resp.seq (a completion the daemon made before
		 * its ABSENT is seen then, so the hold ends at once):
		 * tests/litmus absent.  The request stays in the slot, and
		 * a daemon that attaches finds it with its attach scan
		 * (Barrier H (attach)).
		 */
		state = hvb_load_acquire_u32(&p->wake->consumer_state);
		/* Never attached (epoch 0): no daemon is coming, the root
		 * zone runs none; the timeout alone, as before any hold. */
		if (state == HVB_CONSUMER_ABSENT &&
		    hvb_read_once_u32(&p->wake->consumer_epoch)) {
			if (!w->held) {
				w->held = 1;
				w->scans = hvb_load_acquire_u64(
					&p->dstats->attach_scans);
				stat_add(&p->stats->holds, 1);
			}
			return hyp_channel_hold(p, w, now);
		}
		/*
		 * A daemon attached during the hold is still setting up
		 * (the daemon says RUNNING on attach, then resumes its
		 * devices from their state files, which took more than
		 * 500 ms under TCG): it serves what it finds at its first
		 * poll, the attach scan, and counts it in attach_scans
		 * afterwards.  Until then the request is held still.
		 * Acquire, on every check (rule 1); pairs with nothing the
		 * producer reads: the completion it waits for is C'.
		 */
		if (w->held && hvb_load_acquire_u64(&p->dstats->attach_scans) ==
			       w->scans)
			return hyp_channel_hold(p, w, now);
	}
	return p->timeout_ns &&
	       hyp_channel_ns(w->present_since, now) > p->timeout_ns ?
	       HYP_WAIT_TIMEOUT : HYP_WAIT_DONE;
}

hyp_status_t hyp_channel_sync(struct hyp_producer *p, __u32 zone_id,
			      __u64 addr, __u32 size, __u32 flags,
			      __u64 *value)
{
	struct hvb_sync_req *req = &p->slot->req;
	struct hvb_sync_resp *resp = &p->slot->resp;
	__u64 seq = p->next_seq++;
	__u64 start;
	__u32 status;
	int wait, sampled;

	/*
	 * The slot is ours: the daemon finished reading it before it
	 * released the previous completion (which our acquire saw), or we
	 * invalidated it with Barrier S after a timeout.
	 */
	hvb_write_once_u64(&req->addr, addr);
	hvb_write_once_u64(&req->value, (flags & HVB_REQ_WRITE) ? *value : 0);
	hvb_write_once_u32(&req->zone_id, zone_id);
	hvb_write_once_u32(&req->cpu, p->cpu);
	hvb_write_once_u32(&req->size, size);
	hvb_write_once_u32(&req->flags, flags);
	/* Barrier A: publishes the fields above with the sequence number;
	 * pairs with the daemon's acquire load of req.seq (Barrier A'). */
	hvb_store_release_u64(&req->seq, seq);
	/*
	 * Barrier W2 (and H'): req.seq before the loads of hot_cpu and
	 * consumer_state.  Pairs with Barrier H, the daemon's full barrier
	 * between moving hot_cpu away from a slot and its last look at that
	 * slot: if we see our slot hot, the daemon will look at it, so the
	 * pending bit (a line transfer on every request) can be skipped.
	 */
	hvb_mb();
	if (hvb_read_once_u32(&p->wake->hot_cpu) != p->cpu) {
		/* Fully ordered: after req.seq, so a daemon that takes the
		 * bit (the acquire half of its exchange) finds the request;
		 * and before the state load of the wake check (W2). */
		hvb_fetch_or_u64(&p->pending->cpu_bits[p->cpu / 64],
				 1ull << (p->cpu % 64));
		hvb_mb();
	}
	stat_add(&p->stats->sync_requests, 1);
	hyp_channel_wake_consumer(p);

	/*
	 * A sampled round trip (the latency histogram; its timeout and
	 * hold too) counts from here, after the publication: the counter
	 * read then overlaps the daemon's work instead of delaying the
	 * request (a TSC read stalls an x86 core's front end for 30-odd
	 * cycles).  The others read no clock unless the wait runs long
	 * (hyp_channel_wait_check()).
	 */
	sampled = hyp_channel_lat_sampled(p);
	start = sampled ? hyp_arch_cycles() : 0;
	wait = hyp_channel_wait_resp(p, seq, start);
	if (wait != HYP_WAIT_DONE) {
		/*
		 * Timeout policy (or the hold ran out, or the arch hook
		 * gave the access back): give up on this request.  Barrier S:
		 * invalidate the slot (keeping seq, so no later producer of
		 * this slot reuses it) before any later request rewrites its
		 * fields; pairs with the daemon's seqlock re-check (hvb_rmb,
		 * then req.seq again) so it drops a torn read.  A late
		 * completion carries the old seq and never matches again.
		 */
		hvb_write_once_u64(&req->seq, seq | HVB_SEQ_INVALID);
		hvb_wmb();
		if (wait == HYP_WAIT_RETRY) {
			stat_add(&p->stats->retries, 1);
			return HVB_STATUS_RETRY;
		}
		stat_add(&p->stats->timeouts, 1);
		return HVB_STATUS_TIMEOUT;
	}
	/* Ordered after resp.seq by the acquire in hyp_channel_wait_resp. */
	status = hvb_read_once_u32(&resp->status);
	/* Only the producer gives an access back to the guest: a daemon's
	 * RETRY would make the vCPU replay it for ever. */
	if (status == HVB_STATUS_RETRY)
		status = HVB_STATUS_IO_ERROR;
	if (status == HVB_STATUS_OK) {
		if (!(flags & HVB_REQ_WRITE))
			*value = hvb_read_once_u64(&resp->value);
	} else {
		stat_add(&p->stats->error_responses, 1);
	}
	if (sampled)
		hyp_channel_account(p, start);
	return status;
}

int hyp_channel_kick(struct hyp_producer *p, __u32 dev, __u32 queue)
{
	__u32 bit;

	if (dev >= HVB_KICK_DEVS || queue >= HVB_KICK_QUEUES)
		return -1;
	bit = hvb_kick_bit(dev, queue);
	/*
	 * Barrier K: the kick bit, then its word's summary bit, each with a
	 * fully ordered read-modify-write, so the guest's virtqueue writes
	 * before the trap are visible to a daemon that takes the summary
	 * bit and then the word (its exchanges, Barrier K').  If the daemon
	 * took the summary before our second step, it finds the bit anyway
	 * when it sees the summary bit set again.
	 */
	hvb_fetch_or_u64(&p->kicks->words[bit / 64], 1ull << (bit % 64));
	hvb_fetch_or_u64(&p->kicks->summary, 1ull << (bit / 64));
	/* Barrier W2: the kick bits before the wake check's state load. */
	hvb_mb();
	stat_add(&p->stats->kicks, 1);
	hyp_channel_wake_consumer(p);
	return 0;
}

void hyp_channel_zone_gone(struct hyp_producer *p, __u32 zone_id, __u32 gen)
{
	if (zone_id >= HVB_ZONE_GENS)
		return;
	/*
	 * Barrier G: the new generation, after everything that made the
	 * zone stopped (its CPUs parked); pairs with the daemon's acquire
	 * load of zone_gen (Barrier G').  The daemon treats the value as a
	 * number to compare, nothing more.
	 */
	hvb_store_release_u32(&p->kicks->zone_gen[zone_id], gen);
	/* Barrier W2: the generation before the wake check's state load;
	 * pairs with Barrier W1 (the daemon's last look before it sleeps
	 * reads zone_gen too): it sees the new generation or we see
	 * SLEEPING and wake it. */
	hvb_mb();
	hyp_channel_wake_consumer(p);
}

int hyp_channel_zone_released(struct hyp_producer *p, __u32 zone_id,
			      __u32 gen, __u64 wait_ns)
{
	__u64 start = hyp_arch_cycles();
	__u32 spins = 0;

	if (zone_id >= HVB_ZONE_GENS)
		return 1;
	/* Barrier Q' (below), the common case: released long ago; the
	 * daemon is not woken for nothing. */
	if (hvb_load_acquire_u32(&p->dstats->zone_ack[zone_id]) == gen)
		return 1;
	/* Not yet: tell it again (a region attached since has the
	 * generation already, hyp_hc_zone_gens_publish()), and wake it. */
	hyp_channel_zone_gone(p, zone_id, gen);
	for (;;) {
		/*
		 * Barrier Q': acquire, on every iteration (rule 1), pairs
		 * with the daemon's release store of zone_ack (Barrier Q)
		 * after it reset the zone's devices: once we see @gen, the
		 * daemon's accesses to the zone's memory all came before,
		 * and so before the zone's CPU starts.
		 */
		if (hvb_load_acquire_u32(&p->dstats->zone_ack[zone_id]) == gen)
			return 1;
		/*
		 * No daemon: acquire, pairs with the detaching daemon's
		 * exchange to ABSENT, which it makes after stopping its
		 * devices (their threads joined).  One that attaches later
		 * sees @gen, published above, and starts the devices afresh.
		 */
		if (hvb_load_acquire_u32(&p->wake->consumer_state) ==
		    HVB_CONSUMER_ABSENT)
			return 1;
		if (hyp_arch_cycles_to_ns(hyp_arch_cycles() - start) >= wait_ns)
			return 0;
		hvb_cpu_relax();
		if (++spins % HYP_WAIT_CHECK_SPINS == 0)
			hyp_arch_wait_check(p, start);	/* host: yields */
	}
}
