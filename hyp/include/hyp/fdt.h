/* SPDX-License-Identifier: MIT */
/*
 * hyp/fdt.h - the little of a flattened device tree the hypervisor reads
 * (devicetree-specification v0.4, chapter 5): the guest pool, a
 * reserved-memory node of the root zone's DTB.
 *
 * The DTB is boot input, trusted as the images are, but a malformed one
 * must stop the boot with a reason, not send the parser past its end:
 * every offset and length is checked against the header's totalsize,
 * which is checked against the room the caller has.  No libfdt: the
 * hypervisor is freestanding; the host tests check this reader against
 * DTBs that dtc made (tests/unit/test_fdt.c).
 */
#ifndef HYP_FDT_H
#define HYP_FDT_H

#include <hvbridge/types.h>

#define HYP_FDT_MAGIC		0xd00dfeedu
#define HYP_FDT_HEADER_SIZE	40u

/* Results; hyp_fdt_strerror() says each in words. */
#define HYP_FDT_OK		0	/* found */
#define HYP_FDT_ABSENT		1	/* no DTB (no magic), or no pool node */
#define HYP_FDT_EHEADER		(-1)	/* sizes, offsets, version */
#define HYP_FDT_ESTRUCT		(-2)	/* a token, name or property past the
					 * structure block, or unknown */
#define HYP_FDT_ENEST		(-3)	/* nodes unbalanced or too deep, a
					 * property after a subnode, no END */
#define HYP_FDT_ECELLS		(-4)	/* #address-cells or #size-cells of
					 * /reserved-memory not 1 or 2 */
#define HYP_FDT_EREG		(-5)	/* the pool's reg: not one (address,
					 * size) pair, empty or wrapping */
#define HYP_FDT_ENOMAP		(-6)	/* the pool node has no no-map */
#define HYP_FDT_EDUP		(-7)	/* two pool nodes */

/*
 * The guest pool in the DTB at @fdt, of which @room bytes may be read:
 * the child of /reserved-memory whose compatible is "hvbridge,guest-pool"
 * or whose name is "guest-pool" (with or without a unit address), with
 * no-map and one reg entry.  Returns HYP_FDT_OK with *@base and *@size
 * set, HYP_FDT_ABSENT, or a negative HYP_FDT_E* (the DTB is malformed, or
 * the node is).  Reads nothing outside [@fdt, @fdt + @room).
 */
int hyp_fdt_guest_pool(const void *fdt, __u64 room, __u64 *base,
		       __u64 *size);

const char *hyp_fdt_strerror(int err);

#endif /* HYP_FDT_H */
