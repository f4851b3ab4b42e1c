// SPDX-License-Identifier: MIT
/*
 * Description: the virtio-mmio register file through the channel: the
 * identification registers, the initialization sequence of virtio 1.2,
 * 3.1.1, feature negotiation (VERSION_1 required), and reset.
 */
#include <criterion/criterion.h>
#include <linux/virtio_ids.h>

#include "virtio/virtio.h"
#include "vtest.h"

TestSuite(init, .fini = vt_stop, .timeout = VT_SUITE_TIMEOUT_S);

static const __u64 vt_all = (1ull << VIRTIO_F_VERSION_1) |
			    (1ull << VIRTIO_RING_F_EVENT_IDX) |
			    (1ull << VIRTIO_RING_F_INDIRECT_DESC);

Test(init, identification)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	__u64 f;

	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976u);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_VERSION), 2u);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
	cr_expect_neq(vdrv_read(d, VIRTIO_MMIO_VENDOR_ID), ~0u);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1),
		     HVB_STATUS_OK);
	f = (__u64)vdrv_read(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0),
		     HVB_STATUS_OK);
	f |= vdrv_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
	cr_expect_eq(f & vt_all, vt_all, "offered 0x%llx",
		     (unsigned long long)f);
	/* A features word that does not exist reads 0. */
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7),
		     HVB_STATUS_OK);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_DEVICE_FEATURES), 0u);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_CONFIG_GENERATION), 0u);
}

Test(init, full_sequence)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	struct hvb_virtio_dev *vd = vt_vdev(e);
	__u32 st;

	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_STATUS, 0), HVB_STATUS_OK);
	cr_assert_eq(vt_status(e), 0u);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_STATUS,
				VIRTIO_CONFIG_S_ACKNOWLEDGE), HVB_STATUS_OK);
	cr_assert_eq(vt_status(e), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	cr_assert_eq(vdrv_negotiate(d, VIRTIO_ID_RNG, vt_all), 0);
	st = vt_status(e);
	cr_assert_eq(st, VIRTIO_CONFIG_S_ACKNOWLEDGE |
		     VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK,
		     "status 0x%x", st);
	cr_assert_eq(vd->features, vt_all, "negotiated 0x%llx",
		     (unsigned long long)vd->features);
	/* Queue 0 exists, queue 1 does not: QueueNumMax says so. */
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_SEL, 1), HVB_STATUS_OK);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX), 0u);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_SEL, 0), HVB_STATUS_OK);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX),
		     HVB_VIRTIO_QUEUE_MAX);
	cr_assert_eq(vdrv_setup_vq(d, 0, 128), 0);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_READY), 1u);
	cr_assert_eq(vdrv_driver_ok(d), HVB_STATUS_OK);
	cr_assert(vt_status(e) & VIRTIO_CONFIG_S_DRIVER_OK);
	vt_rng_request(e, 32);

	/* Reset: status 0, queue not ready, features forgotten. */
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_STATUS, 0), HVB_STATUS_OK);
	cr_expect_eq(vt_status(e), 0u);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_READY), 0u);
	cr_expect_eq(vd->features, 0ull);
	vt_assert_recovers(e);
}

Test(init, refuses_missing_version_1)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;

	cr_assert_eq(vdrv_negotiate(d, VIRTIO_ID_RNG,
				    1ull << VIRTIO_RING_F_EVENT_IDX), -3,
		     "FEATURES_OK must not stick without VERSION_1");
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_FEATURES_OK, 0u);
	/* Nothing can be made ready, nor DRIVER_OK set, without it. */
	cr_expect_eq(vdrv_setup_vq(d, 0, 16), -5);
	cr_expect_eq(vdrv_read(d, VIRTIO_MMIO_QUEUE_READY), 0u);
	cr_expect_eq(vdrv_driver_ok(d), HVB_STATUS_IO_ERROR);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_DRIVER_OK, 0u);
	vt_assert_recovers(e);
}

Test(init, refuses_features_never_offered)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;

	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_STATUS, 0), HVB_STATUS_OK);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_STATUS,
				VIRTIO_CONFIG_S_ACKNOWLEDGE |
				VIRTIO_CONFIG_S_DRIVER), HVB_STATUS_OK);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1),
		     HVB_STATUS_OK);
	/* VERSION_1 and VIRTIO_F_RING_PACKED, which is not offered. */
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_DRIVER_FEATURES,
				(1u << (VIRTIO_F_VERSION_1 - 32)) |
				(1u << (VIRTIO_F_RING_PACKED - 32))),
		     HVB_STATUS_OK);
	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_STATUS,
				VIRTIO_CONFIG_S_ACKNOWLEDGE |
				VIRTIO_CONFIG_S_DRIVER |
				VIRTIO_CONFIG_S_FEATURES_OK), HVB_STATUS_OK);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_FEATURES_OK, 0u);
	vt_assert_recovers(e);
}

Test(init, features_frozen_after_features_ok)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;

	cr_assert_eq(vdrv_negotiate(d, VIRTIO_ID_RNG, vt_all), 0);
	cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_DRIVER_FEATURES, 0),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vt_vdev(e)->features, vt_all);
	vt_assert_recovers(e);
}

Test(init, register_width_and_unknown_registers)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;
	__u64 v = 0;

	/* Registers are 32-bit: 1, 2 and 8-byte accesses fail. */
	cr_expect_eq(vdrv_access(d, VIRTIO_MMIO_STATUS, 1, false, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(d, VIRTIO_MMIO_STATUS, 2, true, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(d, VIRTIO_MMIO_MAGIC_VALUE, 8, false, &v),
		     HVB_STATUS_IO_ERROR);
	/* Legacy, read-only and unknown registers. */
	cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_QUEUE_PFN, 1),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_MAGIC_VALUE, 1),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_write(d, VIRTIO_MMIO_CONFIG_GENERATION, 1),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(d, 0xf8, 4, false, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vdrv_access(d, VIRTIO_MMIO_QUEUE_NOTIFY, 4, false, &v),
		     HVB_STATUS_IO_ERROR);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
	vt_assert_recovers(e);
}

Test(init, driver_ok_before_features_ok)
{
	struct vt_env *e = vt_start("virtio-rng");
	struct vdrv *d = &e->drv;

	cr_assert_eq(vdrv_write(d, VIRTIO_MMIO_STATUS,
				VIRTIO_CONFIG_S_ACKNOWLEDGE |
				VIRTIO_CONFIG_S_DRIVER), HVB_STATUS_OK);
	cr_expect_eq(vdrv_driver_ok(d), HVB_STATUS_IO_ERROR);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_DRIVER_OK, 0u);
	vt_assert_recovers(e);
}
