/* SPDX-License-Identifier: MIT */
/*
 * bench_chan.h - the channel under test as the measurement files share
 * it (bench_ours.c opens it; bench_idle.c paces it): the real producer
 * on the requesting threads, the real consumer on a server thread.
 */
#ifndef HVB_BENCH_CHAN_H
#define HVB_BENCH_CHAN_H

#include <pthread.h>

#include <hyp/channel.h>

#include "consumer.h"
#include "transport.h"

struct bench_chan {
	void *region;
	__u64 size;
	struct hyp_producer prod[BENCH_MAX_PRODS];	/* one per thread */
	struct hvb_consumer cons;
	struct hvb_transport tr;
	int sleeps;		/* the consumer sleeps through tr */
	volatile int stop;	/* main thread: consumer, return */
	int cons_err;		/* consumer thread: hvb_consumer_run() */
	__u64 wakes;		/* main thread: wake requests sent */
	__u64 missed;		/* ... of them that found it awake */
	pthread_t th;
};

/* The futex transport the benchmark's consumer sleeps through: the
 * simulation's wait without its heartbeat, honouring wait_ns. */
extern const struct hvb_transport_ops bench_tr_ops;

/*
 * Format a region, attach BENCH_MAX_PRODS producers and the consumer, and
 * start the consumer on a thread pinned to bench_cpu_srv.  @spin_budget is
 * the consumer's (UINT64_MAX: it polls; 1: it sleeps at once;
 * HVB_SPIN_ADAPTIVE: the daemon's default idling); @sleeps gives it the
 * futex transport, without which it never sleeps.  0 or -1.
 */
int bench_chan_open(struct bench_chan *ch, __u64 spin_budget, int sleeps);
/* Stop the consumer and unmap; 0, or -1 if the consumer failed. */
int bench_chan_close(struct bench_chan *ch);
/* One read through producer @idx, its value checked (bench_req_fn). */
int bench_ours_req(void *ctx, unsigned int idx, __u64 i);

#endif /* HVB_BENCH_CHAN_H */
