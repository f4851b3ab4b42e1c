// SPDX-License-Identifier: MIT
/*
 * One daemon per region, whatever the transports (claim.h).
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>

#include "claim.h"

#define HVB_CLAIM_STEP_MS	5u

const char *hvb_claim_transport_name(__u32 owner)
{
	switch (HVB_OWNER_TRANSPORT(owner)) {
	case HVB_OWNER_SIM:
		return "sim";
	case HVB_OWNER_HOST:
		return "host";
	case HVB_OWNER_KMOD:
		return "kmod";
	}
	return "unknown";
}

static __u64 hvb_claim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000u + (__u64)ts.tv_nsec / 1000000u;
}

/* A value no other daemon is likely to hold: transport, then 24 bits of
 * pid and time. */
static __u32 hvb_claim_new_owner(__u32 transport)
{
	struct timespec ts;
	__u32 nonce;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	nonce = ((__u32)getpid() * 2654435761u) ^ (__u32)ts.tv_nsec;
	return transport << 24 | (nonce & 0xffffffu);
}

/*
 * Watch owner @old of the region for up to HVB_CLAIM_WAIT_MS.  Returns 1
 * if it is alive (its heartbeat or the epoch moved, or the owner word
 * changed to another owner), 0 if it looks dead or let go, -EINTR on
 * *@stop.
 */
static int hvb_claim_watch(void *region, __u32 old, const volatile int *stop)
{
	const struct hvb_wake *w = hvb_region_wake(region);
	const struct hvb_daemon_stats *d = hvb_region_daemon_stats(region);
	__u64 beat = hvb_read_once_u64(&d->heartbeat);
	__u32 epoch = hvb_read_once_u32(&w->consumer_epoch), owner;
	__u64 end = hvb_claim_now_ms() + HVB_CLAIM_WAIT_MS;
	struct timespec step = { 0, HVB_CLAIM_STEP_MS * 1000000L };

	while (hvb_claim_now_ms() < end) {
		/* Acquire: pairs with the release of whoever stops us. */
		if (stop && __atomic_load_n(stop, __ATOMIC_ACQUIRE))
			return -EINTR;
		nanosleep(&step, NULL);
		owner = hvb_load_acquire_u32(&w->consumer_owner);
		if (owner == 0)
			return 0;		/* it detached */
		if (owner != old ||
		    hvb_read_once_u64(&d->heartbeat) != beat ||
		    hvb_read_once_u32(&w->consumer_epoch) != epoch)
			return 1;
	}
	return 0;
}

int hvb_claim_take(struct hvb_claim *cl, void *region, __u64 size,
		   __u32 transport, const volatile int *stop, char *why,
		   size_t why_len)
{
	struct hvb_wake *w;
	__u32 old, mine, seen;
	int err = hvb_region_check(region, size);

	cl->region = NULL;
	cl->owner = 0;
	if (err) {
		snprintf(why, why_len, "%s", hvb_region_strerror(err));
		return -EPROTO;
	}
	w = hvb_region_wake(region);
	mine = hvb_claim_new_owner(transport);
	old = hvb_load_acquire_u32(&w->consumer_owner);
	/*
	 * An owner of our own transport is dead: we hold that transport's
	 * lock (flock, the module's daemon role), which a live one would.
	 * One of another transport we cannot ask: watch its heartbeat.
	 */
	if (old && HVB_OWNER_TRANSPORT(old) != transport) {
		err = hvb_claim_watch(region, old, stop);
		if (err < 0)
			return err;
		if (err) {
			snprintf(why, why_len,
				 "another daemon (transport %s, pid %u in its own system) serves this region: stop it first",
				 hvb_claim_transport_name(old),
				 hvb_read_once_u32(&w->consumer_pid));
			return -EBUSY;
		}
		old = hvb_load_acquire_u32(&w->consumer_owner);
	}
	/* Fully ordered: of two daemons that start together, one wins. */
	seen = hvb_cmpxchg_u32(&w->consumer_owner, old, mine);
	if (seen != old) {
		snprintf(why, why_len,
			 "another daemon (transport %s) claimed this region at the same time",
			 hvb_claim_transport_name(seen));
		return -EBUSY;
	}
	cl->region = region;
	cl->owner = mine;
	return 0;
}

void hvb_claim_release(struct hvb_claim *cl)
{
	if (!cl->region)
		return;
	hvb_cmpxchg_u32(&hvb_region_wake(cl->region)->consumer_owner,
			cl->owner, 0);
	cl->region = NULL;
	cl->owner = 0;
}
