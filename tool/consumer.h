/* SPDX-License-Identifier: MIT */
/*
 * consumer.h - the daemon side of the channel: attach to a region, find
 * pending work, complete requests, drain kicks, sleep through the wake
 * handshake.  Independent of how the region was reached (transport.h) and
 * of what serves the accesses (struct hvb_consumer_ops).
 *
 * Threading: one thread serves a region.  It is the only writer of the
 * response lines (docs/abi.md, ownership table); hvb_consumer_complete()
 * relies on that to detect a duplicate completion exactly.
 */
#ifndef HVB_TOOL_CONSUMER_H
#define HVB_TOOL_CONSUMER_H

#include <stdbool.h>
#include <stdint.h>

#include <hvbridge/region.h>

#include "idle.h"

struct hvb_transport;

/* A request as read, consistently, out of a slot. */
struct hvb_request {
	__u64 seq;
	__u64 addr;
	__u64 value;
	__u32 cpu;	/* the slot it came from */
	__u32 cpu_echo;	/* what the producer wrote in req.cpu */
	__u32 zone_id;
	__u32 size;
	__u32 flags;
};

struct hvb_consumer_ops {
	/* Serve a well-formed synchronous access: return HVB_STATUS_* and,
	 * for a read, the data in *value. */
	__u32 (*sync)(void *ctx, const struct hvb_request *req, __u64 *value);
	/* A posted kick for (dev, queue); kicks of one pair coalesce. */
	void (*kick)(void *ctx, __u32 dev, __u32 queue);
	/*
	 * Optional.  Zone @zone is in generation @gen, a new one: its
	 * previous run is over and its memory will be reused.  Reset every
	 * device of the zone as if its driver wrote Status = 0, and return
	 * only when no device thread touches the zone's memory any more;
	 * the consumer then acknowledges @gen (docs/abi.md, "Zone
	 * restarts").  @gen is a number from the region, nothing more.
	 */
	void (*zone_reset)(void *ctx, __u32 zone, __u32 gen);
	/*
	 * Optional.  Kick slot @slot is now @e, already checked (a
	 * non-empty block, its register inside it), or NULL: it reaches
	 * no window any more (freed, or an entry the consumer refused).
	 * Route kick bits of @slot to the device at (e->zone_id, e->base)
	 * whose posted register is e->notify_off, and return true; or
	 * return false when no device is there, and the slot's writes stay
	 * synchronous (docs/abi.md, "Kick slots").  Without this op every
	 * slot is left unrouted and unacknowledged.
	 */
	bool (*kick_route)(void *ctx, __u32 slot,
			   const struct hvb_kick_slot *e);
	/* Optional: slot @slot's entry @e was refused (counted in
	 * hvb_daemon_stats.bad_kick_slots); for the log. */
	void (*kick_slot_bad)(void *ctx, __u32 slot,
			      const struct hvb_kick_slot *e);
};

struct hvb_consumer {
	void *region;
	__u64 size;
	/* The header as checked on attach: the region's own copy may change
	 * under us (docs/abi.md), so no layout field is read from it again. */
	struct hvb_region_header hdr;
	__u32 nr_cpus;		/* = hdr.nr_cpus */
	bool scan_all;		/* next poll looks at every slot (attach) */
	__u32 hot_cpu;		/* slot peeked every poll (= wake.hot_cpu) */
	__u32 last_cpu;		/* slot served last */
	/* Each zone's generation as this daemon last acted on it
	 * (read at attach, then on every change it reset the zone's
	 * devices for), and whether the acknowledgements are still owed
	 * since attach (the first poll makes them, after the devices were
	 * set up for these generations). */
	__u32 zone_gen[HVB_ZONE_GENS];
	bool zone_ack_owed;
	/* The kick slot table as last acted on: slots_gen, and each
	 * entry's seq (0: never seen); slots_owed: look again next poll
	 * (attach, or an entry caught mid-rewrite). */
	__u32 slots_gen;
	bool slots_owed;
	__u32 slot_seq[HVB_KICK_DEVS];
	struct hvb_kick_slots *kslots;
	struct hvb_kick_acks *kacks;
	/* Old hot slots to look at once more after Barrier H. */
	__u64 recheck[HVB_PENDING_WORDS];
	/*
	 * Each slot's resp.seq as this daemon last wrote it (read once, at
	 * attach): the daemon is the only writer of resp.seq, so its own
	 * copy is exact and it never reads the response line, which the
	 * producer's wait holds; reading it cost a line transfer on the
	 * path of every request where the two CPUs share no cache
	 * (docs/abi.md, "What a round trip costs").
	 */
	__u64 resp_seq[HVB_MAX_CPUS];
	/* consumer_epoch as this daemon's attach made it: a completion
	 * after another daemon attached is refused. */
	__u32 epoch;
	/* The serving path saw consumer_epoch move past ours: another
	 * daemon attached.  Nothing more is served, the loop ends with
	 * -ESTALE and detach writes nothing (the region is the other's). */
	bool replaced;
	struct hvb_wake *wake;
	struct hvb_pending *pending;
	struct hvb_kicks *kicks;
	struct hvb_daemon_stats *dstats;
	const struct hvb_consumer_ops *ops;
	void *ops_ctx;
	/* Polls that found nothing before the daemon sleeps; UINT64_MAX:
	 * never sleep (pure polling, as with the host-attached transport);
	 * HVB_SPIN_ADAPTIVE (0, the default): poll and sleep as idle.h
	 * predicts from the requests seen. */
	uint64_t spin_budget;
	struct hvb_idle idle;	/* the adaptive policy's state */
	/* The last hvb_consumer_sleep() was ended by a producer's wake. */
	bool woken_by_producer;
};

#define HVB_SPIN_ADAPTIVE	0u

/*
 * Check the region and take the consumer role: state RUNNING, our pid,
 * epoch + 1, and a full slot scan on the first poll, so requests left by
 * a daemon that died are served.  Returns 0, or a negative HVB_REGION_E*
 * code for hvb_region_strerror().
 */
int hvb_consumer_attach(struct hvb_consumer *c, void *region, __u64 size,
			const struct hvb_consumer_ops *ops, void *ctx);

/* Leave the consumer role (state ABSENT); pending requests stay.  A
 * daemon that another one replaced (consumer_epoch moved) writes
 * nothing: the role is no longer its to leave. */
void hvb_consumer_detach(struct hvb_consumer *c);

/*
 * Read CPU @cpu's request if one is pending.  Returns 1 with *req filled,
 * 0 when the slot is idle, or -1 when the read was torn by a producer
 * that timed out and reused the slot (counted; its new request will set
 * its pending bit again).
 */
int hvb_consumer_fetch(struct hvb_consumer *c, __u32 cpu,
		       struct hvb_request *req);

/*
 * Validate what a producer wrote: the CPU echo, size, flags, alignment
 * and address range.  Returns HVB_STATUS_OK or HVB_STATUS_INVALID.
 */
__u32 hvb_request_check(const struct hvb_consumer *c,
			const struct hvb_request *req);

/*
 * Complete @req with @status and, for reads, @value.  Returns 0, or
 * -ESTALE when the slot no longer holds request @req->seq (the producer
 * gave up on it) or another daemon attached since this one did, or
 * -EALREADY when this daemon completed it before, or -EINVAL for a
 * CPU the region does not have.  No error writes anything.
 */
int hvb_consumer_complete(struct hvb_consumer *c,
			  const struct hvb_request *req, __u32 status,
			  __u64 value);

/*
 * Look at the kick slot table if the hypervisor changed it (or attach
 * left it owed): route each changed slot through ops->kick_route and
 * acknowledge the route.  Part of every poll; returns the number of
 * entries acted on.
 */
unsigned int hvb_consumer_kick_slots(struct hvb_consumer *c);

/* Serve everything pending now (zone generations, the kick slot table,
 * kicks, then requests).  Returns the number of requests, kick bits,
 * zone resets and slot changes handled. */
unsigned int hvb_consumer_poll(struct hvb_consumer *c);

/* Is there anything to do?  Reads only. */
bool hvb_consumer_has_work(struct hvb_consumer *c);

/*
 * Turns of the serving loop per heartbeat (hvb_daemon_stats.heartbeat).
 * A turn is one poll; 64 of them take far less than the
 * HVB_CLAIM_WAIT_MS a claimer watches, and the serving loop keeps the
 * heartbeat's load and store out of all the other turns.
 */
#define HVB_CONSUMER_BEAT_TURNS	64u

/*
 * Turns of the serving loop between two full polls while a slot is hot:
 * the turns between look at the hot slot and at the words producers set
 * to announce other work (pending bits, the kick summary), and go to the
 * full poll only when one is set.  Zone generations and the kick slot
 * table, which only the hypervisor moves and never in a hurry, are read
 * by the full poll and by the last look before sleeping.
 */
#define HVB_CONSUMER_FULL_TURNS	16u

/*
 * The serving loop: poll; sleep through the handshake on transport @t
 * when spin_budget (or, with HVB_SPIN_ADAPTIVE, idle.h) says so.  Returns
 * 0 when *stop became non-zero, or a negative errno from the transport.
 * With HVB_SPIN_ADAPTIVE it sets the calling thread's timer slack to
 * HVB_CONSUMER_TIMER_SLACK_NS, so its timed sleeps end when asked.
 */
#define HVB_CONSUMER_TIMER_SLACK_NS	1000u
int hvb_consumer_run(struct hvb_consumer *c, struct hvb_transport *t,
		     const volatile int *stop);

/*
 * One turn of the sleep handshake (exposed for tests): announce SLEEPING,
 * look for work once more, wait on @t if there is none.  Returns 1 when
 * it slept and was woken, 0 when it found work instead, or a negative
 * errno from the transport.
 */
int hvb_consumer_sleep(struct hvb_consumer *c, struct hvb_transport *t);

/*
 * A producer woke a sleep begun at @slept; it is @now (CLOCK_MONOTONIC
 * ns).  When did its request come, by the stamp producers leave in
 * @wake->wake_sent_ns on the hypervisor's clock, which @t reads
 * (hyp_clock_ns)?  Returns that time on our clock, or 0 when it is not
 * known: no clock, no stamp, or one that does not fall within the sleep
 * (an older producer's, or a clock misread).  Call after the exchange of
 * consumer_state that ended the sleep (Barrier W4).
 */
__u64 hvb_consumer_wake_sent_ns(const struct hvb_wake *wake,
				struct hvb_transport *t, __u64 slept,
				__u64 now);

#endif /* HVB_TOOL_CONSUMER_H */
