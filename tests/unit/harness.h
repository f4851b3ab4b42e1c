/* SPDX-License-Identifier: MIT */
/*
 * harness.h - what the channel unit tests share: a fresh region, a device
 * model that records what the real consumer hands it, a vCPU thread that
 * runs the real producer's blocking hyp_channel_sync(), and bounded waits.
 *
 * Criterion aborts a test with a longjmp, which is only safe on the test's
 * own thread: helper threads never assert, they record, and the test
 * checks what they recorded after joining them.  Every wait here has a
 * deadline, so a regression fails with a message instead of hanging.
 */
#ifndef HVB_TESTS_UNIT_HARNESS_H
#define HVB_TESTS_UNIT_HARNESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <hvbridge/barrier.h>
#include <hvbridge/region.h>
#include <hyp/channel.h>

#include "consumer.h"
#include "transport.h"

/* Bounds: long enough for a loaded 2-core machine at -O0, short enough
 * that a hang is reported well before Criterion's own .timeout. */
#define UNIT_WAIT_MS		3000u
/* How long a request must stay unanswered to count as "not completed". */
#define UNIT_QUIET_MS		50u
/* Producer give-up time in tests that do not test the timeout itself. */
#define UNIT_PRODUCER_TIMEOUT_NS	(5ull * 1000 * 1000 * 1000)
#define UNIT_SUITE_TIMEOUT_S	20

__u64 unit_now_ns(void);
void unit_sleep_ms(unsigned int ms);

/* A zeroed, formatted region (MAP_SHARED, so futexes work on it). */
void *unit_region_new(__u32 nr_cpus, __u64 *size);
void unit_region_free(void *mem, __u64 size);
/* CPU @cpu's counters in a region the test made (its header is trusted). */
struct hvb_cpu_stats *unit_cpu_stats(void *mem, __u32 cpu);

/* Attach a producer for @cpu with UNIT_PRODUCER_TIMEOUT_NS; asserts. */
void unit_producer_attach(struct hyp_producer *p, void *mem, __u64 size,
			  __u32 cpu);

/*
 * The device model behind the consumer.  Reads answer
 * unit_dev_value(addr, size); an access in [nodev_lo, nodev_hi) answers
 * HVB_STATUS_NO_DEVICE; otherwise @status is returned.
 */
struct unit_dev {
	atomic_uint sync_calls;
	struct hvb_request last;	/* written by the consumer thread */
	__u32 status;
	__u64 nodev_lo, nodev_hi;
	atomic_uint kick_calls;
	atomic_uint kicks[HVB_KICK_DEVS][HVB_KICK_QUEUES];
	/* Optional: called from ops->kick (concurrent kick tests). */
	void (*on_kick)(struct unit_dev *d, __u32 dev, __u32 queue);
	void *priv;
};

extern const struct hvb_consumer_ops unit_dev_ops;

__u64 unit_dev_value(__u64 addr, __u32 size);

/* Zero @c, attach it with unit_dev_ops on @d, and run the attach scan so
 * the next poll only looks at pending bits.  Asserts. */
void unit_consumer_attach(struct hvb_consumer *c, void *mem, __u64 size,
			  struct unit_dev *d);

/* One synchronous access on its own thread, as a trapped vCPU. */
struct unit_call {
	struct hyp_producer *p;
	__u32 zone_id;
	__u64 addr;
	__u32 size;
	__u32 flags;
	__u64 value;		/* in: store data; out: load data */
	hyp_status_t status;
	__u64 seq;		/* the seq the request was published with */
	atomic_int done;
	pthread_t thread;
	bool joined;
};

/* Zone HVB_TESTDEV_DEFAULT_ZONE, where the tests put their devices. */
void unit_call_start(struct unit_call *call, struct hyp_producer *p,
		     __u64 addr, __u32 size, __u32 flags, __u64 value);
void unit_call_start_zone(struct unit_call *call, struct hyp_producer *p,
			  __u32 zone_id, __u64 addr, __u32 size, __u32 flags,
			  __u64 value);
/* Wait up to @ms for the call to return, then join it.  False: still
 * blocked (the test then fails; the thread dies with the test process). */
bool unit_call_wait(struct unit_call *call, unsigned int ms);
bool unit_call_is_done(struct unit_call *call);
/* Wait until the call's request is published in its slot (req.seq set
 * and pending bit up).  False on timeout. */
bool unit_call_wait_published(struct unit_call *call, unsigned int ms);

/* Play the daemon on this thread: poll until @call returns.  False on
 * timeout. */
bool unit_serve_until_done(struct hvb_consumer *c, struct unit_call *call,
			   unsigned int ms);

/* A full synchronous round trip on this thread's behalf; asserts that it
 * completes and returns the producer's status. */
hyp_status_t unit_roundtrip(struct hvb_consumer *c, struct hyp_producer *p,
			    __u64 addr, __u32 size, __u32 flags,
			    __u64 *value);
hyp_status_t unit_roundtrip_zone(struct hvb_consumer *c,
				 struct hyp_producer *p, __u32 zone_id,
				 __u64 addr, __u32 size, __u32 flags,
				 __u64 *value);

/* The real serving loop, hvb_consumer_run(), on its own thread. */
struct unit_daemon {
	struct hvb_consumer *c;
	struct hvb_transport *t;
	volatile int stop;
	int err;
	pthread_t thread;
};

void unit_daemon_start(struct unit_daemon *d, struct hvb_consumer *c,
		       struct hvb_transport *t);
/* Stop and join; @waker (may be NULL) kicks the daemon out of a sleep. */
bool unit_daemon_stop(struct unit_daemon *d, struct hyp_producer *waker,
		      unsigned int ms);
/* Join a loop that is to end by itself within @ms; false if it did not
 * (it is still running: stop it with unit_daemon_stop()). */
bool unit_daemon_join(struct unit_daemon *d, unsigned int ms);

/* Yield until *@word == @want (acquire loads) or @ms pass. */
bool unit_wait_u32(const __u32 *word, __u32 want, unsigned int ms);
/* Until another thread sets *@flag non-zero, or @ms pass. */
bool unit_wait_flag(atomic_int *flag, unsigned int ms);

#endif /* HVB_TESTS_UNIT_HARNESS_H */
