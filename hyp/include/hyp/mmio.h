/* SPDX-License-Identifier: MIT */
/*
 * hyp/mmio.h - MMIO dispatch: one guest access to an emulated window,
 * already decoded (by the arch trap code) into address, size, direction
 * and data, handed to the window's handler.
 *
 * A window with a handler is served inside the hypervisor; a window
 * without one will be forwarded to the root-zone daemon through the
 * channel (not wired yet: such an access fails).  A failed access makes
 * the arch code inject a data abort into the guest; nothing a guest does
 * here stops the hypervisor.
 */
#ifndef HYP_MMIO_H
#define HYP_MMIO_H

#include <hvbridge/types.h>

struct hyp_zone;

enum hyp_mmio_result {
	HYP_MMIO_OK,
	HYP_MMIO_ERROR,		/* inject a data abort */
};

/*
 * An in-hypervisor device.  @offset is from the window base; the access
 * lies inside the window.  A write passes the data in *@value (the low
 * @size bytes); a read returns it there.
 */
typedef enum hyp_mmio_result (*hyp_mmio_handler_t)(void *priv, __u64 offset,
						   __u32 size, int is_write,
						   __u64 *value);

/* Serve one access of @size bytes at @ipa in zone @z. */
enum hyp_mmio_result hyp_mmio_dispatch(const struct hyp_zone *z, __u64 ipa,
				       __u32 size, int is_write,
				       __u64 *value);

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
