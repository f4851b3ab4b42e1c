/* SPDX-License-Identifier: MIT */
/*
 * claim.h - one daemon per region, whatever the transports.
 *
 * Each transport keeps a second daemon of its own kind out (sim and host:
 * an exclusive flock on the file; kmod: the module's daemon role), but a
 * region in the root zone's RAM can also be reached from the build
 * machine through QEMU's RAM file (host) while a daemon in the root zone
 * serves it (kmod).  So a daemon also claims the region itself before it
 * attaches: wake.consumer_owner names the owner's transport, and the
 * owner's heartbeat (hvb_daemon_stats.heartbeat) says whether it lives.
 * docs/abi.md "One daemon per region" has the protocol.
 */
#ifndef HVB_TOOL_CLAIM_H
#define HVB_TOOL_CLAIM_H

#include <stddef.h>

#include <hvbridge/region.h>

/* How long a daemon watches a foreign owner's heartbeat before it calls
 * the owner dead. */
#define HVB_CLAIM_WAIT_MS	(10 * HVB_HEARTBEAT_MS)

struct hvb_claim {
	void *region;
	__u32 owner;		/* our consumer_owner value, once claimed */
};

/*
 * Claim region @region (@size mapped bytes) for a daemon on transport
 * @transport (HVB_OWNER_*), whose own lock the caller already holds.
 * Free, or owned by a dead daemon of the same transport: taken at once.
 * Owned by a daemon of another transport: its heartbeat is watched for
 * up to HVB_CLAIM_WAIT_MS; if it moves, the claim is refused.  Returns 0,
 * -EBUSY (another daemon serves the region), -EINTR (*@stop became
 * non-zero while watching) or -EPROTO (not a valid region), with a
 * sentence in @why.
 */
int hvb_claim_take(struct hvb_claim *cl, void *region, __u64 size,
		   __u32 transport, const volatile int *stop, char *why,
		   size_t why_len);

/* Give the region back (consumer_owner = 0), if it is still ours. */
void hvb_claim_release(struct hvb_claim *cl);

/* "sim", "host", "kmod" or "unknown": the transport of owner value @owner. */
const char *hvb_claim_transport_name(__u32 owner);

#endif /* HVB_TOOL_CLAIM_H */
