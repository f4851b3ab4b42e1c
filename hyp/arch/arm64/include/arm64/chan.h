/* SPDX-License-Identifier: MIT */
/*
 * arm64/chan.h - the channel region of the EL2 image (chan.c).
 */
#ifndef ARM64_CHAN_H
#define ARM64_CHAN_H

#include <hvbridge/hypercall.h>
#include <hvbridge/types.h>

#define HYP_CHANNEL_BASE	0xbfff0000ul	/* the last 64 KiB of RAM */
#define HYP_CHANNEL_SIZE	0x10000ul
/* A live daemon's bound on a synchronous access: the built-in region's,
 * and an attached one's unless the root zone chose another before it
 * attached it (HVB_HC_CHANNEL_TIMEOUT: docs/hypercalls.md). */
#define HYP_CHANNEL_TIMEOUT_NS	(HVB_HC_TIMEOUT_DEFAULT_MS * 1000000ull)
/* The longest a synchronous access waits while no daemon is attached
 * (chan.c, "Policy"; docs/abi.md "No daemon: the hold"). */
#define HYP_CHANNEL_HOLD_NS	60000000000ull	/* 60 s */

/*
 * The wake interrupt: an SPI no QEMU virt device uses, set pending in the
 * distributor (GICD_ISPENDR, write-one-to-set: safe next to the root
 * zone's own GIC driver) when a producer finds the daemon asleep.  The
 * root zone's DTB names it in its hvbridge node.
 */
#define HYP_CHANNEL_WAKE_SPI	120u

struct hyp_producer;

/* The timeout of the region the producers use now (ns). */
__u64 hyp_arm64_channel_timeout_ns(void);

/* CPU 0, once, before other CPUs run: zero and format the region. */
void hyp_arm64_channel_init(void);

/* This CPU's producer, attached on first use; NULL without a region. */
struct hyp_producer *hyp_arm64_producer(void);

/* The same without the park check of an exit: for the hypervisor's own
 * uses of the channel (zone generations, hvc_bridge.c). */
struct hyp_producer *hyp_arm64_chan_producer(void);

/*
 * The end of this CPU's access, which hyp_arm64_producer() or
 * hyp_arm64_chan_producer() began: the producer is not used again until
 * the next one takes it, and a detach need not wait for this CPU.
 * Harmless when the access took none (no producer returned).
 */
void hyp_arm64_chan_put(void);

/*
 * The wait hook of this CPU's producer @p (hyp_arch_wait_check()):
 * non-zero when the access must be given back to the guest, because
 * the vCPU's zone is stopping or the producers switched regions.
 */
int hyp_arm64_chan_wait_check(struct hyp_producer *p);

#endif /* ARM64_CHAN_H */
