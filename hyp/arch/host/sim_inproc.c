// SPDX-License-Identifier: MIT
/*
 * --inproc: the daemon's consumer, device table and test device run as a
 * thread of the simulation, so one ThreadSanitizer build sees both sides
 * of every shared word.
 *
 * The consumer attaches to the simulation's own mapping of the region,
 * not to the one the sim transport makes: TSan tracks memory by virtual
 * address and would not relate two mappings of the same page.  The
 * transport still opens the file and does the sleeping (futex wait).
 *
 * Stopping: the consumer thread owns its stop flag; only its own kick
 * callback sets it, when it drains the reserved stop kick the main thread
 * posts through the producer.  No other thread writes the flag (no data
 * race for TSan to report), and the kick wakes a sleeping consumer by the
 * same handshake every other kick uses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hvbridge/barrier.h>
#include <hvbridge/testdev.h>

/* tool/ is on the include path of this file only (hyp/Makefile). */
#include "consumer.h"
#include "device.h"
#include "testdev.h"
#include "transport.h"

#include "sim.h"

/* Kick (dev, 0) of this index means "stop serving"; the test device
 * uses HVB_TESTDEV_KICK_DEV. */
#define SIM_STOP_KICK_DEV	(HVB_KICK_DEVS - 1u)
#define SIM_INPROC_STOP_NS	5000000000ull

_Static_assert(SIM_STOP_KICK_DEV != HVB_TESTDEV_KICK_DEV,
	       "stop kick must not be the test device's");

struct sim_inproc {
	struct hvb_devices devs;
	struct hvb_consumer cons;
	struct hvb_transport trans;
	pthread_t thread;
	int stop;		/* written by the consumer thread only */
	int result;		/* of hvb_consumer_run(), read after join */
};

static __u32 sim_inproc_sync(void *ctx, const struct hvb_request *req,
			     __u64 *value)
{
	struct sim_inproc *ip = ctx;

	return hvb_devices_consumer_ops.sync(&ip->devs, req, value);
}

static void sim_inproc_kick(void *ctx, __u32 dev, __u32 queue)
{
	struct sim_inproc *ip = ctx;

	if (dev == SIM_STOP_KICK_DEV) {
		ip->stop = 1;
		return;
	}
	hvb_devices_consumer_ops.kick(&ip->devs, dev, queue);
}

static bool sim_inproc_route(void *ctx, __u32 slot,
			     const struct hvb_kick_slot *e)
{
	struct sim_inproc *ip = ctx;

	return hvb_devices_kick_route(&ip->devs, slot, e);
}

static const struct hvb_consumer_ops sim_inproc_ops = {
	.sync = sim_inproc_sync,
	.kick = sim_inproc_kick,
	.kick_route = sim_inproc_route,
};

static void *sim_inproc_main(void *arg)
{
	struct sim_inproc *ip = arg;

	ip->result = hvb_consumer_run(&ip->cons, &ip->trans, &ip->stop);
	hvb_consumer_detach(&ip->cons);
	return NULL;
}

int sim_inproc_start(struct sim *s)
{
	struct hvb_device_args args = {
		.zone_id = HVB_TESTDEV_DEFAULT_ZONE,
		.base = HVB_TESTDEV_DEFAULT_BASE,
		.kick_dev = HVB_TESTDEV_KICK_DEV,
	};
	struct sim_inproc *ip = calloc(1, sizeof(*ip));
	const char *why = "";
	int err;

	if (!ip)
		return -1;
	s->inproc = ip;
	hvb_devices_init(&ip->devs);
	err = hvb_devices_create(&ip->devs, HVB_TESTDEV_TYPE, &args, &why);
	if (err) {
		fprintf(stderr, "hvbridge-sim: test device: %s (%s)\n", why,
			strerror(-err));
		return -1;
	}
	ip->trans.ops = &hvb_transport_sim;
	ip->trans.fd = -1;
	ip->trans.stop = &ip->stop;
	err = ip->trans.ops->open(&ip->trans, s->region_path);
	if (err) {
		fprintf(stderr, "hvbridge-sim: sim transport: %s\n",
			ip->trans.error);
		return -1;
	}
	ip->cons.spin_budget = s->opt.spin_budget;
	err = hvb_consumer_attach(&ip->cons, s->region, s->size,
				  &sim_inproc_ops, ip);
	if (err) {
		fprintf(stderr, "hvbridge-sim: consumer attach: %s\n",
			hvb_region_strerror(err));
		return -1;
	}
	err = pthread_create(&ip->thread, NULL, sim_inproc_main, ip);
	if (err) {
		fprintf(stderr, "hvbridge-sim: consumer thread: %s\n",
			strerror(err));
		hvb_consumer_detach(&ip->cons);
		return -1;
	}
	return 0;
}

/*
 * Post the stop kick from a producer of CPU 0 (the vCPU threads are done,
 * so its slot is idle) and join the consumer, bounded.  The kick is
 * counted in CPU 0's stats; sim.c expects it.
 */
int sim_inproc_stop(struct sim *s)
{
	struct sim_inproc *ip = s->inproc;
	struct hyp_producer prod;
	struct timespec until;
	int err;

	if (!ip)
		return 0;
	err = hyp_channel_attach(&prod, s->region, s->size, 0, 0);
	if (err || hyp_channel_kick(&prod, SIM_STOP_KICK_DEV, 0)) {
		fprintf(stderr, "hvbridge-sim: cannot post the stop kick\n");
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SIM_INPROC_STOP_NS / 1000000000ull;
	err = pthread_timedjoin_np(ip->thread, NULL, &until);
	if (err) {
		fprintf(stderr, "hvbridge-sim: in-process consumer did not stop: %s\n",
			strerror(err));
		return -1;
	}
	ip->trans.ops->close(&ip->trans);
	hvb_devices_fini(&ip->devs);
	err = ip->result;
	free(ip);
	s->inproc = NULL;
	if (err) {
		fprintf(stderr, "hvbridge-sim: consumer loop failed: %s\n",
			strerror(-err));
		return -1;
	}
	return 0;
}
