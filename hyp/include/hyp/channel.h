/* SPDX-License-Identifier: MIT */
/*
 * hyp/channel.h - the hypervisor side (producer) of the request channel.
 *
 * Arch-neutral: built freestanding for aarch64 EL2 and, unchanged, for the
 * host, where the simulation, the tests and the benchmarks drive it from
 * threads that play the vCPUs.  Environment specifics come from the
 * hyp_arch_* hooks of hyp/arch.h, chosen at link time.
 */
#ifndef HYP_CHANNEL_H
#define HYP_CHANNEL_H

#include <hvbridge/region.h>

/*
 * One per physical CPU, in hypervisor-private memory.  Nothing the daemon
 * can write is trusted for control flow here: the next sequence number
 * lives in this struct, not in the shared region.
 */
struct hyp_producer {
	void *region;			/* checked channel region */
	struct hvb_cpu_slot *slot;	/* this CPU's request/response */
	struct hvb_cpu_stats *stats;	/* this CPU's counters */
	struct hvb_wake *wake;
	struct hvb_pending *pending;
	struct hvb_kicks *kicks;
	struct hvb_daemon_stats *dstats;	/* zone_ack (read only) */
	struct hvb_kick_slots *kslots;	/* the slot table's copy */
	struct hvb_kick_acks *kacks;	/* the daemon's routes (read only) */
	__u64 next_seq;			/* seq of the next request, never 0 */
	__u64 timeout_ns;		/* give up after this; 0: never */
	/*
	 * The hold (docs/abi.md "No daemon: the hold"): while no daemon is
	 * attached (consumer_state ABSENT after an attach), a wait does
	 * not time out but holds, at most @hold_ns from the request's
	 * publication; a daemon that attaches meanwhile gets @timeout_ns
	 * from when the wait saw it.  0: no hold (the timeout alone, as
	 * for a daemon that is there).  Set by the caller after attach.
	 */
	__u64 hold_ns;
	__u32 cpu;
	/* Requests until the next one timed for the latency histogram
	 * (1: the next), and the generator of the gaps between them. */
	__u32 lat_countdown;
	__u32 lat_rng;
	__u32 pad;
};

/* Result of hyp_channel_sync(); HVB_STATUS_* values. */
typedef __u32 hyp_status_t;

/*
 * Check the region and bind @p to slot @cpu.  Returns HVB_REGION_OK or a
 * negative HVB_REGION_E* code (hvb_region_strerror() names it), or
 * HVB_REGION_ECPUS when @cpu has no slot.
 */
int hyp_channel_attach(struct hyp_producer *p, void *region, __u64 size,
		       __u32 cpu, __u64 timeout_ns);

/*
 * Forward one synchronous MMIO access and wait for its completion.
 * @value is the store data of a write (HVB_REQ_WRITE in @flags) and
 * receives the load data of a read.  Returns HVB_STATUS_OK, the daemon's
 * error status, HVB_STATUS_TIMEOUT when the bounded wait (or the hold)
 * gave up, or HVB_STATUS_RETRY when the arch hook abandoned the wait
 * (hyp_arch_wait_check()); on RETRY the caller gives the access back to
 * the guest unperformed (it runs the instruction again), on anything
 * else but OK it injects a data abort into the guest.
 */
hyp_status_t hyp_channel_sync(struct hyp_producer *p, __u32 zone_id,
			      __u64 addr, __u32 size, __u32 flags,
			      __u64 *value);

/*
 * Post a kick for (@dev, @queue) and return at once.  Returns 0, or -1
 * when the pair has no kick bit; the caller then sends the QueueNotify
 * write through hyp_channel_sync() instead.
 */
int hyp_channel_kick(struct hyp_producer *p, __u32 dev, __u32 queue);

/*
 * Zone incarnations (docs/abi.md, "Zone restarts").  The hypervisor keeps
 * each zone's generation in its own memory; these put it in the region.
 *
 * hyp_channel_zone_gone(): zone @zone_id is stopped for good and its
 * generation is now @gen: store it (Barrier G, release), then wake the
 * daemon as a request would (Barrier W2), so it resets the zone's devices
 * and acknowledges @gen.  A zone id >= HVB_ZONE_GENS is ignored.
 */
void hyp_channel_zone_gone(struct hyp_producer *p, __u32 zone_id, __u32 gen);

/*
 * May zone @zone_id, generation @gen, start?  Unless the daemon's
 * acknowledgement (Barrier Q', acquire) says so already, publishes @gen
 * again, wakes the daemon, and waits at most @wait_ns (0: one look).  Returns 1 when it came,
 * when no daemon is attached (consumer_state ABSENT: a daemon attaching
 * later starts the zone's devices afresh), or when the zone has no
 * generation word; 0 when an attached daemon has not acknowledged @gen,
 * so a device of the zone's previous run may still write into its memory.
 */
int hyp_channel_zone_released(struct hyp_producer *p, __u32 zone_id,
			      __u32 gen, __u64 wait_ns);

/*
 * The completion wait of hyp_channel_sync(), in its own file so that the
 * stress tests can link a deliberately broken one in its place.  Returns
 * HYP_WAIT_DONE when resp.seq == @seq, else what hyp_channel_wait_check()
 * decided.
 */
#define HYP_WAIT_DONE		0
#define HYP_WAIT_TIMEOUT	(-1)	/* the timeout or the hold ran out */
#define HYP_WAIT_RETRY		(-2)	/* the arch hook abandoned the wait */
int hyp_channel_wait_resp(struct hyp_producer *p, __u64 seq,
			  __u64 start_cycles);

/* The clock of one completion wait (hyp_channel_wait_check()). */
struct hyp_wait {
	__u64 start;		/* hyp_arch_cycles() at publication, or
				 * at the first check if not sampled */
	__u64 present_since;	/* since when the daemon is seen there */
	__u64 scans;		/* attach_scans when the hold began */
	__u32 held;		/* the wait has held (counted once) */
	__u32 pad;
};

/*
 * The policy of a completion wait, called every HYP_WAIT_CHECK_SPINS
 * turns of it: HYP_WAIT_DONE to go on waiting, or HYP_WAIT_TIMEOUT /
 * HYP_WAIT_RETRY to give up.  Out of the loop's file, so the broken wait
 * of tests/stress needs none of it.
 */
int hyp_channel_wait_check(struct hyp_producer *p, struct hyp_wait *w);

#endif /* HYP_CHANNEL_H */
