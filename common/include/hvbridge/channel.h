/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/channel.h - the shared-memory request channel between the EL2
 * hypervisor (producer) and the root-zone daemon (consumer).
 *
 * The region is one physically contiguous block.  Offsets (bytes from the
 * start of the region; nr_cpus = N):
 *
 *   0x0000  struct hvb_region_header   256 B  written once by the creator
 *   0x0100  struct hvb_wake            128 B  sleep/wake handshake
 *   0x0180  struct hvb_pending         128 B  which CPUs have a request
 *   0x0200  struct hvb_kicks           256 B  posted (device, queue) kicks
 *   0x0300  struct hvb_daemon_stats    256 B  daemon-wide counters
 *   0x0400  struct hvb_cpu_slot[N]     256 B each: request line, response line
 *   ...     struct hvb_cpu_stats[N]    512 B each: producer part, daemon part
 *   ...     struct hvb_kick_slots      2 KiB  kick number -> window (ABI 2)
 *   ...     struct hvb_kick_acks       256 B  the daemon's routes (ABI 2)
 *   region_size = the above rounded up to 4 KiB
 *
 * Every structure that two different agents write is split so that each
 * writer owns whole 128-byte lines (HVB_LINE): 64-byte-line cores never
 * share a line between writers, and neither do cores that fetch lines in
 * adjacent pairs.  The offsets are also written into the header; a reader
 * refuses a header whose offsets differ from the layout of its ABI major.
 *
 * Request state machine of one CPU's slot (seq values are per CPU; the
 * producer keeps the next value in its own private memory):
 *
 *     req.seq == resp.seq            IDLE: nothing in flight
 *        |  producer fills the fields, release-stores req.seq = n,
 *        |  sets its bit in hvb_pending                 (Barrier A)
 *        v
 *     req.seq == n != resp.seq       PENDING: owned by the daemon, which
 *        |                           reads the fields and checks req.seq
 *        |                           again afterwards (seqlock, Barrier S)
 *        |  daemon writes resp.value/status, release-stores resp.seq = n
 *        v                                              (Barrier C)
 *     resp.seq == n                  DONE: the producer's acquire spin on
 *        |                           resp.seq sees n, reads value/status
 *        v
 *     IDLE
 *
 *   A producer that gives up waiting (timeout policy) stores
 *   req.seq = n | HVB_SEQ_INVALID before it reuses the slot (INVALID), so
 *   a daemon still reading the old fields sees the seq change and drops
 *   what it read (Barrier S), and a producer attaching later still sees
 *   n and never reuses it.
 *
 * Completion is matched by the sequence number: the producer waits for
 * resp.seq == n exactly, so a stale or duplicated completion (seq != n)
 * can never complete request n, let alone with another request's value.
 *
 * Who writes what: see the comment on each field, and docs/abi.md for the
 * ownership table and the barrier pairs.
 */
#ifndef HVBRIDGE_CHANNEL_H
#define HVBRIDGE_CHANNEL_H

#include <hvbridge/types.h>

#define HVB_MAGIC		0x52425648u	/* "HVBR" in memory order */
#define HVB_ABI_MAJOR		2u	/* 2: kick slot table and acks */
#define HVB_ABI_MINOR		2u	/* 1.1: consumer_owner, heartbeat;
					 * 1.2: zone_gen, zone_ack;
					 * 2.1: holds, retries; the module
					 * writes consumer_state ABSENT;
					 * 2.2: wake_sent_ns */

/* The isolation unit: one writer per line of this size. */
#define HVB_LINE		128u
#define HVB_REGION_ALIGN	4096u

#define HVB_MAX_CPUS		256u
#define HVB_PENDING_WORDS	(HVB_MAX_CPUS / 64u)

/*
 * Posted kicks: bit (dev * HVB_KICK_QUEUES + queue).  A QueueNotify for a
 * queue index >= HVB_KICK_QUEUES is sent as a synchronous write instead,
 * so a guest can never make a vCPU wait for room.  The device number
 * @dev is a kick slot: the hypervisor gives one to each forwarded
 * window (block) it posts QueueNotify writes of, and says which in
 * struct hvb_kick_slots (docs/abi.md, "Kick slots").
 */
#define HVB_KICK_DEVS		64u
#define HVB_KICK_QUEUES		16u
#define HVB_KICK_BITS		(HVB_KICK_DEVS * HVB_KICK_QUEUES)
#define HVB_KICK_WORDS		(HVB_KICK_BITS / 64u)

/*
 * Zone incarnations (docs/abi.md, "Zone restarts"): one generation word
 * and one acknowledgement word per zone id below HVB_ZONE_GENS.  A zone
 * with a higher id has no handshake.
 */
#define HVB_ZONE_GENS		16u

/* Latency histogram: bucket i counts round trips of [2^i, 2^(i+1)) ns;
 * bucket 0 also counts 0 ns, the last bucket everything above. */
#define HVB_LAT_BUCKETS		32u

/*
 * A producer times about one synchronous round trip in this many for
 * the latency histogram, the gaps drawn evenly from 1 to twice this so
 * that no access pattern of a guest (a read of InterruptStatus, then a
 * write of InterruptACK, say) is always or never sampled.  Two counter
 * reads and a conversion on every request were a third of the channel's
 * difference from a bare cache-line ping-pong where the two CPUs share
 * a cache (docs/abi.md, "What a round trip costs").
 */
#define HVB_LAT_SAMPLE_GAP	16u

/* Set in req.seq by a producer that gave up on request (seq & ~bit); a
 * slot with it set holds no request.  Sequence numbers stay below it. */
#define HVB_SEQ_INVALID		(1ull << 63)

/* struct hvb_sync_req.flags */
#define HVB_REQ_WRITE		(1u << 0)
#define HVB_REQ_FLAGS_KNOWN	(HVB_REQ_WRITE)

/* struct hvb_sync_resp.status */
#define HVB_STATUS_OK		0u	/* value is valid */
#define HVB_STATUS_INVALID	1u	/* malformed request (cpu, size, flags) */
#define HVB_STATUS_NO_DEVICE	2u	/* no window covers zone/addr */
#define HVB_STATUS_IO_ERROR	3u	/* the device model failed the access */
#define HVB_STATUS_TIMEOUT	4u	/* producer-local: never in the ring */
#define HVB_STATUS_RETRY	5u	/* producer-local: the guest replays the
					 * access (never in the ring; a daemon's
					 * 5 counts as IO_ERROR) */

/* struct hvb_wake.consumer_state */
#define HVB_CONSUMER_ABSENT	0u	/* no daemon attached */
#define HVB_CONSUMER_RUNNING	1u	/* attached, polling or serving */
#define HVB_CONSUMER_SLEEPING	2u	/* attached, will sleep: wake it */

/* struct hvb_wake.hot_cpu when the daemon peeks at no slot. */
#define HVB_HOT_NONE		0xffffffffu

/* Written once by the region's creator (kmod, simulation or hypervisor)
 * before any other agent attaches; read by every agent on attach. */
struct hvb_region_header {
	__u32 magic;		/* HVB_MAGIC */
	__u16 abi_major;	/* a reader refuses any other major */
	__u16 abi_minor;	/* backwards-compatible additions */
	__u64 region_size;	/* bytes, multiple of HVB_REGION_ALIGN */
	__u32 header_size;	/* sizeof(struct hvb_region_header) */
	__u32 nr_cpus;		/* slots, 1..HVB_MAX_CPUS */
	__u32 wake_off;		/* struct hvb_wake */
	__u32 pending_off;	/* struct hvb_pending */
	__u32 kick_off;		/* struct hvb_kicks */
	__u32 daemon_stats_off;	/* struct hvb_daemon_stats */
	__u32 slots_off;	/* struct hvb_cpu_slot[nr_cpus] */
	__u32 slot_size;	/* sizeof(struct hvb_cpu_slot) */
	__u32 stats_off;	/* struct hvb_cpu_stats[nr_cpus] */
	__u32 stats_size;	/* sizeof(struct hvb_cpu_stats) */
	__u32 kick_devs;	/* HVB_KICK_DEVS */
	__u32 kick_queues;	/* HVB_KICK_QUEUES */
	__u32 kick_slots_off;	/* struct hvb_kick_slots (ABI 2) */
	__u32 kick_acks_off;	/* struct hvb_kick_acks (ABI 2) */
	__u32 reserved[46];	/* zero */
};

/* The sleep/wake handshake (docs/abi.md "No lost wake-up"). */
struct hvb_wake {
	/*
	 * Written by the daemon (RUNNING on attach and after every wait,
	 * SLEEPING before it checks for work one last time, ABSENT on
	 * detach), by a producer, which moves SLEEPING -> RUNNING with a
	 * compare-and-swap to take the duty of waking the daemon, and
	 * (since ABI 2.1) by hvbridge.ko, which exchanges it to ABSENT
	 * when the daemon's file is released, so a daemon killed with
	 * SIGKILL leaves ABSENT behind too (Barrier P).  Read by producers
	 * after Barrier W2, and (acquire, Barrier P') in every check of a
	 * completion wait: ABSENT after an attach (consumer_epoch != 0)
	 * makes the wait a hold (docs/abi.md "No daemon: the hold").
	 */
	__u32 consumer_state;
	/*
	 * Incremented by the producer that won the SLEEPING -> RUNNING swap,
	 * before it signals the daemon; read (acquire, Barrier W0) by the
	 * daemon before it announces SLEEPING.  The simulation transport
	 * futex-waits on it, so a wake between the check and the wait is
	 * never lost.  The daemon's own stop-signal handler also increments
	 * it (transport interrupt()) to break its futex wait.
	 */
	__u32 wake_gen;
	/* Written by the daemon on attach/detach, read by tools. */
	__u32 consumer_pid;
	__u32 consumer_epoch;	/* daemon: +1 on every attach */
	/*
	 * Written by the daemon: the slot it looks at on every poll, before
	 * the pending bitmap (HVB_HOT_NONE: none).  Read by producers after
	 * Barrier W2: the producer of the hot slot skips its pending bit.
	 * The daemon stores a new value, then a full barrier (Barrier H),
	 * then looks at the old hot slot once more, so a request published
	 * without a bit is always found (docs/abi.md "The hot slot").
	 */
	__u32 hot_cpu;
	/*
	 * Written by the daemon: compare-and-swap from 0 (or from the value
	 * of a daemon found dead) to its own on attach, back to 0 on detach.
	 * Bits 31-24: its transport (HVB_OWNER_*), bits 23-0: a nonce; 0: no
	 * daemon owns the region.  Read by a daemon about to attach, whatever
	 * its transport, which refuses a region another live daemon owns
	 * (docs/abi.md "One daemon per region").  Since ABI 1.1.
	 */
	__u32 consumer_owner;
	/*
	 * Since ABI 2.2.  Written by a producer that found the daemon
	 * SLEEPING, before its compare-and-swap (Barrier W4): when it
	 * published the request it is about to wake the daemon for, on the
	 * hypervisor's clock (hyp_arch_now_ns(): the generic timer's count
	 * in ns at EL2, which the root zone reads as CNTVCT_EL0, CNTVOFF_EL2
	 * being 0; CLOCK_MONOTONIC in the host simulation).  Read by the
	 * daemon after a producer woke it, for its idling policy only: a
	 * wake-up's latency (tens of microseconds in a virtual machine) is
	 * no measure of when the request came.  A hint: a value the daemon
	 * cannot place within its sleep (stale, or a clock it cannot read)
	 * is ignored.  0: none.
	 */
	__u64 wake_sent_ns;
	__u32 reserved[24];
};

/* struct hvb_wake.consumer_owner: the owner's transport, in bits 31-24. */
#define HVB_OWNER_SIM		1u	/* a region file (hvbridge-sim) */
#define HVB_OWNER_HOST		2u	/* QEMU's RAM file on the host */
#define HVB_OWNER_KMOD		3u	/* /dev/hvbridge in the root zone */
#define HVB_OWNER_TRANSPORT(owner)	((owner) >> 24)

/* An attached daemon adds 1 to hvb_daemon_stats.heartbeat at least this
 * often, asleep or not; one that stopped for 10 periods is dead. */
#define HVB_HEARTBEAT_MS	50u

/* Set by a producer (fetch-or, after publishing its request), taken by
 * the daemon (exchange with 0).  Bit c: CPU c may have a request. */
struct hvb_pending {
	__u64 cpu_bits[HVB_PENDING_WORDS];
	__u64 reserved[12];
};

/* Posted kicks.  Producers (and the daemon, requeueing a device queue it
 * served a full turn of) fetch-or a bit into words[], then the word's
 * bit into summary; the daemon exchanges summary with 0, then each
 * flagged word with 0.  Bits coalesce, so the bitmap cannot overflow. */
struct hvb_kicks {
	__u64 summary;		/* bit w: words[w] may be non-zero */
	/*
	 * Since ABI 1.2.  Written by the hypervisor only: zone_gen[id] + 1
	 * (release, Barrier G) each time zone @id is stopped for good (its
	 * CPUs parked, its memory about to be reused), and again, unchanged,
	 * when a region is attached or the zone is started.  Read (acquire,
	 * Barrier G') by the daemon on every poll and in its last look
	 * before sleeping: this line is one it reads anyway.  To the daemon
	 * a value is only a number to compare with the last one it acted on.
	 */
	__u32 zone_gen[HVB_ZONE_GENS];
	/*
	 * Since ABI 2.  Written by the hypervisor only: +1 (release,
	 * Barrier T) after every change of struct hvb_kick_slots.  Read by
	 * the daemon on every poll (this line it reads anyway); a change
	 * makes it look at the slot table again.  Only a hint: each entry
	 * carries its own seq.
	 */
	__u32 slots_gen;
	__u32 reserved1;
	__u64 reserved0[6];
	__u64 words[HVB_KICK_WORDS];
};

/*
 * Kick slots (since ABI 2; docs/abi.md "Kick slots").  The hypervisor
 * numbers every forwarded window it posts QueueNotify writes of (a
 * window of hvisor-tool's zone JSON counts as one block per
 * HVB_VIRTIO_MMIO_STRIDE bytes) and writes here what each number is.
 * The daemon routes kick bit (slot, q) to its device at (zone_id, base),
 * and says so in struct hvb_kick_acks; the hypervisor posts a slot's
 * QueueNotify writes only while the daemon's ack equals the slot's seq,
 * and forwards them synchronously otherwise.
 *
 * Writer: the hypervisor only (a seqlock per entry: seq odd while it
 * rewrites the entry, then the new even seq, release, Barrier T).
 * Reader: the daemon (acquire seq, fields, rmb, seq again: Barrier T'),
 * which trusts nothing in it.
 */
#define HVB_KICK_SLOT_USED	(1u << 0)
#define HVB_KICK_SLOT_FLAGS	(HVB_KICK_SLOT_USED)

/* The block of a virtio window of hvisor-tool's zone JSON: one
 * virtio-mmio device per 0x200 bytes (QEMU virt's layout, and every
 * hvisor-tool config's "len"), its QueueNotify at offset 0x50. */
#define HVB_VIRTIO_MMIO_STRIDE	0x200u
#define HVB_VIRTIO_MMIO_NOTIFY	0x50u

struct hvb_kick_slot {
	/* Even: stable; odd: being rewritten; 0: never used.  Grows by 2
	 * with every change of the entry, so an ack of an earlier use of
	 * the slot never matches a later one. */
	__u32 seq;
	__u32 zone_id;		/* the window's zone */
	__u64 base;		/* the block's IPA */
	__u32 size;		/* its bytes */
	__u32 notify_off;	/* offset of the register posted as kicks */
	__u32 flags;		/* HVB_KICK_SLOT_*; USED clear: a freed slot */
	__u32 reserved;
};

struct hvb_kick_slots {
	struct hvb_kick_slot slot[HVB_KICK_DEVS];
};

/*
 * Written by the daemon only: ack[d] = the seq of slot d's entry once
 * kick bits of slot d reach the device at that entry's (zone_id, base),
 * 0 while they would reach none.  Read by the hypervisor at every
 * QueueNotify of slot d's block (relaxed: the ack publishes no data the
 * hypervisor reads; what it announces, the route, is the daemon's own
 * memory, used by the daemon's own thread).
 */
struct hvb_kick_acks {
	__u32 ack[HVB_KICK_DEVS];
};

/* One CPU's synchronous request line; written only by that CPU's
 * producer, read only by the daemon. */
struct hvb_sync_req {
	__u64 seq;		/* written last (release); see HVB_SEQ_INVALID */
	__u64 addr;		/* guest physical (IPA) address */
	__u64 value;		/* data of a write, low @size bytes */
	__u32 zone_id;		/* zone of the trapping vCPU */
	__u32 cpu;		/* equals the slot index */
	__u32 size;		/* 1, 2, 4 or 8 bytes */
	__u32 flags;		/* HVB_REQ_* */
	__u64 reserved[11];
};

/* One CPU's response line; written only by the daemon, read only by that
 * CPU's producer. */
struct hvb_sync_resp {
	__u64 seq;		/* written last (release); == req.seq: DONE */
	__u64 value;		/* data of a read, low @size bytes */
	__u32 status;		/* HVB_STATUS_* */
	__u32 reserved0;
	__u64 reserved[13];
};

struct hvb_cpu_slot {
	struct hvb_sync_req req;
	struct hvb_sync_resp resp;
};

/* Per-CPU statistics.  Each counter has one writer, which increments it
 * with single-copy-atomic stores; readers (hvbridge stat) read it racily
 * but never torn. */
struct hvb_cpu_stats {
	/* written by this CPU's producer */
	__u64 sync_requests;	/* published synchronous requests */
	__u64 kicks;		/* posted kicks */
	__u64 wakes;		/* daemon wake-ups this CPU signalled */
	__u64 error_responses;	/* completions with status != OK */
	__u64 timeouts;		/* requests the producer gave up on */
	/* Sum of the round trips of a sample of the completed requests
	 * (HVB_LAT_SAMPLE_GAP): their number is lat_hist's sum.  A reader
	 * takes the mean as the two's quotient, never over sync_requests
	 * (the hypervisor timed every request until 2026-12-07). */
	__u64 lat_total_ns;
	__u64 holds;		/* requests that waited for an absent
				 * daemon (ABI 2.1) */
	__u64 retries;		/* requests given back to the guest to
				 * replay: zone stop, region switch (2.1) */
	__u64 lat_hist[HVB_LAT_BUCKETS];	/* the same sample, by
						 * hvb_lat_bucket() */
	__u64 reserved1[8];
	/* written by the daemon */
	__u64 served;		/* completions written for this CPU */
	__u64 served_errors;	/* ... of them with status != OK */
	__u64 torn_reads;	/* requests dropped by the seqlock check */
	__u64 reserved2[13];
};

/* Daemon-wide counters; written by the daemon only. */
struct hvb_daemon_stats {
	__u64 served;		/* completions written, all CPUs */
	__u64 malformed;	/* requests answered HVB_STATUS_INVALID */
	__u64 no_device;	/* requests answered HVB_STATUS_NO_DEVICE */
	__u64 kick_rounds;	/* kick drains that found a bit */
	__u64 kicks;		/* kick bits taken */
	__u64 sleeps;		/* times the daemon went to sleep */
	__u64 wakeups;		/* returns from sleep */
	__u64 empty_wakeups;	/* wake-ups that found no work */
	/* Full slot scans (one per attach, counted after it served every
	 * slot).  Since ABI 2.1 also read (acquire) by the hypervisor: a
	 * request held for an absent daemon stays held until it moves. */
	__u64 attach_scans;
	/* +1 at least every HVB_HEARTBEAT_MS while a daemon is attached, in
	 * its serving loop and while it sleeps; read by a daemon about to
	 * attach, to tell a live owner from a dead one.  Since ABI 1.1. */
	__u64 heartbeat;
	/* Kick slot table entries the daemon refused (docs/abi.md "Kick
	 * slots"): counted once per seq of the entry.  Since ABI 2. */
	__u64 bad_kick_slots;
	__u64 reserved[5];
	/*
	 * Since ABI 1.2, on its own line.  Written by the daemon only
	 * (release, Barrier Q): zone_gen[id] as it read it, once every
	 * device of zone @id is reset (queues not ready, in-flight records
	 * cleared, no device thread touching the zone's memory, the state
	 * files updated), or at attach once its devices are set up for that
	 * generation.  Read (acquire, Barrier Q') by the hypervisor before
	 * it starts zone @id: it never starts a zone whose generation an
	 * attached daemon has not acknowledged.
	 */
	__u32 zone_ack[HVB_ZONE_GENS];
	__u64 reserved1[8];
};

/* Fixed layout of ABI major 1. */
#define HVB_HEADER_OFF		0x000u
#define HVB_WAKE_OFF		0x100u
#define HVB_PENDING_OFF		0x180u
#define HVB_KICK_OFF		0x200u
#define HVB_DAEMON_STATS_OFF	0x300u
#define HVB_SLOTS_OFF		0x400u

_Static_assert(sizeof(struct hvb_region_header) == 256, "header size");
_Static_assert(sizeof(struct hvb_wake) == HVB_LINE, "wake block is a line");
_Static_assert(__builtin_offsetof(struct hvb_wake, wake_sent_ns) == 24,
	       "wake_sent_ns (2.2) where 2.1 had reserved words");
_Static_assert(sizeof(struct hvb_pending) == HVB_LINE, "pending is a line");
_Static_assert(sizeof(struct hvb_kicks) == 2 * HVB_LINE, "kicks are 2 lines");
_Static_assert(__builtin_offsetof(struct hvb_kicks, words) == HVB_LINE,
	       "kick words start on their own line");
_Static_assert(sizeof(struct hvb_sync_req) == HVB_LINE, "request is a line");
_Static_assert(sizeof(struct hvb_sync_resp) == HVB_LINE, "response is a line");
_Static_assert(sizeof(struct hvb_cpu_slot) == 2 * HVB_LINE, "slot size");
_Static_assert(__builtin_offsetof(struct hvb_cpu_slot, resp) == HVB_LINE,
	       "response on its own line");
_Static_assert(sizeof(struct hvb_cpu_stats) == 4 * HVB_LINE, "stats size");
_Static_assert(__builtin_offsetof(struct hvb_cpu_stats, holds) == 48 &&
	       __builtin_offsetof(struct hvb_cpu_stats, retries) == 56 &&
	       __builtin_offsetof(struct hvb_cpu_stats, lat_hist) == 64,
	       "holds and retries in the producer's first line");
_Static_assert(__builtin_offsetof(struct hvb_cpu_stats, served) ==
	       3 * HVB_LINE, "daemon part of the stats on its own line");
_Static_assert(sizeof(struct hvb_daemon_stats) == 2 * HVB_LINE,
	       "daemon stats size");
_Static_assert(__builtin_offsetof(struct hvb_kicks, zone_gen) == 8,
	       "zone generations in the summary line");
_Static_assert(__builtin_offsetof(struct hvb_kicks, slots_gen) == 72,
	       "slot table generation in the summary line");
_Static_assert(sizeof(struct hvb_kick_slot) == 32, "kick slot entry");
_Static_assert(__builtin_offsetof(struct hvb_kick_slot, base) == 8, "base");
_Static_assert(__builtin_offsetof(struct hvb_kick_slot, size) == 16, "size");
_Static_assert(__builtin_offsetof(struct hvb_kick_slot, notify_off) == 20,
	       "notify_off");
_Static_assert(__builtin_offsetof(struct hvb_kick_slot, flags) == 24,
	       "flags");
_Static_assert(sizeof(struct hvb_kick_slots) == 16 * HVB_LINE,
	       "kick slot table: whole lines");
_Static_assert(sizeof(struct hvb_kick_acks) == 2 * HVB_LINE,
	       "kick acks: whole lines");
_Static_assert(__builtin_offsetof(struct hvb_region_header, kick_slots_off) ==
	       64 && __builtin_offsetof(struct hvb_region_header,
					kick_acks_off) == 68,
	       "kick slot offsets in the header");
_Static_assert(__builtin_offsetof(struct hvb_daemon_stats, heartbeat) == 72,
	       "heartbeat");
_Static_assert(__builtin_offsetof(struct hvb_daemon_stats, zone_ack) ==
	       HVB_LINE, "zone acknowledgements on their own line");
_Static_assert(HVB_KICK_OFF + 8 == 0x208 &&
	       HVB_DAEMON_STATS_OFF + HVB_LINE == 0x380,
	       "zone_gen at 0x208, zone_ack at 0x380");
_Static_assert(HVB_HEADER_OFF + sizeof(struct hvb_region_header) ==
	       HVB_WAKE_OFF, "wake follows header");
_Static_assert(HVB_WAKE_OFF + sizeof(struct hvb_wake) == HVB_PENDING_OFF,
	       "pending follows wake");
_Static_assert(HVB_PENDING_OFF + sizeof(struct hvb_pending) == HVB_KICK_OFF,
	       "kicks follow pending");
_Static_assert(HVB_KICK_OFF + sizeof(struct hvb_kicks) ==
	       HVB_DAEMON_STATS_OFF, "daemon stats follow kicks");
_Static_assert(HVB_DAEMON_STATS_OFF + sizeof(struct hvb_daemon_stats) ==
	       HVB_SLOTS_OFF, "slots follow daemon stats");
_Static_assert(__builtin_offsetof(struct hvb_sync_req, seq) == 0, "req.seq");
_Static_assert(__builtin_offsetof(struct hvb_sync_req, addr) == 8, "addr");
_Static_assert(__builtin_offsetof(struct hvb_sync_req, value) == 16, "value");
_Static_assert(__builtin_offsetof(struct hvb_sync_req, zone_id) == 24, "zone");
_Static_assert(__builtin_offsetof(struct hvb_sync_req, cpu) == 28, "cpu");
_Static_assert(__builtin_offsetof(struct hvb_sync_req, size) == 32, "size");
_Static_assert(__builtin_offsetof(struct hvb_sync_req, flags) == 36, "flags");
_Static_assert(__builtin_offsetof(struct hvb_sync_resp, value) == 8, "rvalue");
_Static_assert(__builtin_offsetof(struct hvb_sync_resp, status) == 16,
	       "status");
_Static_assert(__builtin_offsetof(struct hvb_region_header, nr_cpus) == 20,
	       "nr_cpus");
_Static_assert(HVB_KICK_WORDS <= 64, "summary has a bit per kick word");
_Static_assert(HVB_MAX_CPUS % 64 == 0, "pending words are whole");

#endif /* HVBRIDGE_CHANNEL_H */
