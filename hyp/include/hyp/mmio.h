/* SPDX-License-Identifier: MIT */
/*
 * hyp/mmio.h - MMIO dispatch: one guest access to an emulated window,
 * already decoded (by the arch trap code) into address, size, direction
 * and data, handed to the window's handler.
 *
 * A window with a handler is served inside the hypervisor; a window
 * without one is forwarded to the root-zone daemon through the channel
 * (hyp/channel.h), as (zone id, IPA, size, direction, data).  A failed
 * access makes the arch code inject a data abort into the guest; nothing
 * a guest does here stops the hypervisor.
 */
#ifndef HYP_MMIO_H
#define HYP_MMIO_H

#include <hvbridge/types.h>

struct hyp_producer;
struct hyp_zone;

enum hyp_mmio_result {
	HYP_MMIO_OK,
	HYP_MMIO_ERROR,		/* the device failed it: inject an abort */
	HYP_MMIO_NO_DEVICE,	/* no window, or no channel: inject */
	HYP_MMIO_TIMEOUT,	/* the daemon did not answer: inject */
	HYP_MMIO_RETRY,		/* given back unperformed: the guest runs
				 * the instruction again (its zone stops,
				 * or the channel changed region) */
};

/*
 * An in-hypervisor device.  @offset is from the window base; the access
 * lies inside the window.  A write passes the data in *@value (the low
 * @size bytes); a read returns it there.
 */
typedef enum hyp_mmio_result (*hyp_mmio_handler_t)(void *priv, __u64 offset,
						   __u32 size, int is_write,
						   __u64 *value);

/*
 * Serve one access of @size bytes at @ipa in zone @z; @p is this CPU's
 * channel producer, NULL if it has none.
 */
enum hyp_mmio_result hyp_mmio_dispatch(const struct hyp_zone *z,
				       struct hyp_producer *p, __u64 ipa,
				       __u32 size, int is_write,
				       __u64 *value);

/* A short name for @res, for log lines. */
const char *hyp_mmio_strerror(enum hyp_mmio_result res);

/* The test device of <hvbridge/testdev.h>, served in the hypervisor:
 * SCRATCH, PATTERN, ID and ERROR (no kicks).  Its priv is a
 * struct hyp_testdev. */
struct hyp_testdev {
	__u8 scratch[0x8000];	/* HVB_TESTDEV_SCRATCH_SIZE */
};

enum hyp_mmio_result hyp_testdev_access(void *priv, __u64 offset,
					__u32 size, int is_write,
					__u64 *value);

#endif /* HYP_MMIO_H */
