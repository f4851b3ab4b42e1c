// SPDX-License-Identifier: MIT
/*
 * Description: an InterruptStatus read that finds the used-buffer bit
 * clear lets the device settle() first, so a driver that polled
 * used->idx and then reads the register finds the bit a device thread
 * was about to set (tool/virtio/mmio.c, mmio_isr(); the race zone1's
 * bare-metal guest hit in CI, docs/performance.md "The serving path in
 * one function").  A read that finds the bit set asks nothing.
 */
#include <criterion/criterion.h>

#include "virtio/virtio.h"
#include "vtest.h"

TestSuite(isr, .timeout = VT_SUITE_TIMEOUT_S);

static __u32 isr_read(struct vt_env *e)
{
	__u64 v = 0;

	cr_assert_eq(vdrv_access(&e->drv, VIRTIO_MMIO_INTERRUPT_STATUS, 4,
				 false, &v), HVB_STATUS_OK);
	return (__u32)v;
}

Test(isr, a_read_finding_the_used_bit_clear_waits_for_the_device)
{
	struct vt_env *e = vt_start(VT_DEV_TYPE);

	vt_settle_raises = 1;
	cr_expect_eq(isr_read(e) & VIRTIO_MMIO_INT_VRING,
		     VIRTIO_MMIO_INT_VRING,
		     "the bit the device set while settling was not read");
	cr_expect_eq(__atomic_load_n(&vt_settle_calls, __ATOMIC_RELAXED), 1u);
}

Test(isr, a_read_finding_the_used_bit_set_asks_nothing)
{
	struct vt_env *e = vt_start(VT_DEV_TYPE);
	__u64 v = VIRTIO_MMIO_INT_VRING;

	vt_settle_raises = 1;
	cr_assert_eq(isr_read(e), VIRTIO_MMIO_INT_VRING);
	cr_assert_eq(__atomic_load_n(&vt_settle_calls, __ATOMIC_RELAXED), 1u);
	/* Set now: read again without a settle; acked, clear again. */
	cr_expect_eq(isr_read(e), VIRTIO_MMIO_INT_VRING);
	cr_expect_eq(__atomic_load_n(&vt_settle_calls, __ATOMIC_RELAXED), 1u,
		     "a read that found the bit set asked the device");
	cr_assert_eq(vdrv_access(&e->drv, VIRTIO_MMIO_INTERRUPT_ACK, 4, true,
				 &v), HVB_STATUS_OK);
	vt_settle_raises = 0;
	cr_expect_eq(isr_read(e), 0u, "InterruptACK did not clear the bit");
	cr_expect_eq(__atomic_load_n(&vt_settle_calls, __ATOMIC_RELAXED), 2u);
}
