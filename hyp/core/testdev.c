// SPDX-License-Identifier: MIT
/*
 * The test device served inside the hypervisor: the reference point the
 * design's end-to-end benchmark compares the channel against, and what
 * the built-in test guest checks decode and writeback with.  Same
 * register semantics as the daemon's model (tool/testdev.c) for SCRATCH,
 * PATTERN, ID and ERROR; the kick registers do not exist here.
 */
#include <hvbridge/testdev.h>
#include <hyp/mmio.h>

_Static_assert(sizeof(((struct hyp_testdev *)0)->scratch) ==
	       HVB_TESTDEV_SCRATCH_SIZE, "scratch size");

/* [offset, offset + size) inside [start, start + len), no wrap. */
static int testdev_within(__u64 offset, __u32 size, __u64 start, __u64 len)
{
	return offset >= start && offset - start <= len &&
	       size <= len - (offset - start);
}

enum hyp_mmio_result hyp_testdev_access(void *priv, __u64 offset,
					__u32 size, int is_write,
					__u64 *value)
{
	struct hyp_testdev *td = priv;
	__u32 i;

	if (testdev_within(offset, size, HVB_TESTDEV_SCRATCH,
			   HVB_TESTDEV_SCRATCH_SIZE)) {
		/* Little-endian bytes: the guest's view. */
		if (is_write) {
			for (i = 0; i < size; i++)
				td->scratch[offset + i] =
					(__u8)(*value >> (8 * i));
		} else {
			*value = 0;
			for (i = 0; i < size; i++)
				*value |= (__u64)td->scratch[offset + i] <<
					  (8 * i);
		}
		return HYP_MMIO_OK;
	}
	if (testdev_within(offset, size, HVB_TESTDEV_PATTERN,
			   HVB_TESTDEV_PATTERN_SIZE)) {
		if (!is_write)		/* writes are ignored */
			*value = hvb_testdev_truncate(
					hvb_testdev_pattern(offset), size);
		return HYP_MMIO_OK;
	}
	if (!is_write && size == 8 && offset == HVB_TESTDEV_ID_REG) {
		*value = HVB_TESTDEV_ID;
		return HYP_MMIO_OK;
	}
	/* ERROR, the kick registers, and everything unmapped. */
	return HYP_MMIO_ERROR;
}
