// SPDX-License-Identifier: MIT
/*
 * Description: a zone stopped for good while its virtio-console has
 * receive buffers posted (docs/abi.md, "Zone restarts").  The hypervisor
 * bumps the zone's generation; the daemon's acknowledgement must come
 * after the device's reset (Status 0, every queue not ready, seen both
 * in the register file and through the channel), and after it nothing
 * is written into the buffers the old run posted, even when input
 * arrives and a stale kick of the old receive queue is drained.  The
 * device then serves the zone's next run.
 */
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>

#include <hvbridge/barrier.h>

#include "virtio/virtio.h"
#include "virtio/virtqueue.h"
#include "con.h"

static char zg_sock[108];

static void zg_fini(void)
{
	vt_stop();
	if (zg_sock[0])
		unlink(zg_sock);
}

TestSuite(console_zonegen, .fini = zg_fini, .timeout = VT_SUITE_TIMEOUT_S);

#define ZG_V1		(1ull << VIRTIO_F_VERSION_1)
#define ZG_OLD_BUFS	4u
#define ZG_FILL		0xa5u

static bool zg_untouched(struct vt_env *e, const __u64 *ipa)
{
	unsigned int i, j;

	for (i = 0; i < ZG_OLD_BUFS; i++) {
		const __u8 *p = vdrv_ptr(&e->drv, ipa[i]);

		for (j = 0; j < CON_RX_LEN; j++)
			if (p[j] != ZG_FILL)
				return false;
	}
	return true;
}

static void zg_restart(bool posted)
{
	static const char stale[] = "typed while the zone was down";
	struct vt_env *e;
	struct hvb_virtio_dev *vd;
	__u64 old[ZG_OLD_BUFS];
	char buf[sizeof(stale)] = { 0 };
	unsigned int i;
	__u64 v;
	int fd;

	con_path(zg_sock, sizeof(zg_sock), "zg");
	e = con_start("unix", zg_sock, ZG_V1);
	e->drv.posted_kicks = posted;
	vd = vt_vdev(e);
	/* The old run posts receive buffers and kicks: the device holds
	 * them, waiting for input. */
	for (i = 0; i < ZG_OLD_BUFS; i++) {
		struct vdrv_buf b = { .len = CON_RX_LEN, .writable = true };

		old[i] = b.ipa = vdrv_alloc(&e->drv, CON_RX_LEN, 8);
		cr_assert(b.ipa);
		memset(vdrv_ptr(&e->drv, b.ipa), ZG_FILL, CON_RX_LEN);
		cr_assert(vdrv_add(&e->drv, CON_RXQ, &b, 1, false) >= 0);
	}
	cr_assert_eq(vdrv_kick(&e->drv, CON_RXQ), HVB_STATUS_OK);
	fd = con_connect(zg_sock);
	cr_assert(__atomic_load_n(&vd->status, __ATOMIC_ACQUIRE) &
		  VIRTIO_CONFIG_S_DRIVER_OK);

	/* The zone's CPUs parked: the hypervisor's new generation. */
	hyp_channel_zone_gone(&e->p, VT_ZONE, 1);
	cr_assert_eq(hyp_channel_zone_released(&e->p, VT_ZONE, 1,
					       VT_WAIT_MS * 1000000ull), 1,
		     "the daemon did not release the zone's devices");
	/* Acknowledged (Barrier Q, seen with Q'): the reset is done. */
	cr_assert_eq(__atomic_load_n(&vd->status, __ATOMIC_ACQUIRE), 0u,
		     "acknowledged with Status 0x%x", vd->status);
	for (i = 0; i < vd->ops->nr_queues; i++)
		cr_assert(!vd->vqs[i].ready, "queue %u still ready", i);
	cr_assert_eq(vt_status(e), 0u);
	for (i = 0; i < vd->ops->nr_queues; i++) {
		v = i;
		cr_assert_eq(vdrv_access(&e->drv, VIRTIO_MMIO_QUEUE_SEL, 4,
					 true, &v), HVB_STATUS_OK);
		v = ~0ull;
		cr_assert_eq(vdrv_access(&e->drv, VIRTIO_MMIO_QUEUE_READY, 4,
					 false, &v), HVB_STATUS_OK);
		cr_assert_eq(v, 0u, "QueueReady of queue %u reads %llu", i,
			     (unsigned long long)v);
	}

	/* Input arrives and a stale kick of the old queue is drained: the
	 * old run's buffers stay as they were. */
	con_host_send(fd, stale, sizeof(stale));
	cr_assert_eq(hyp_channel_kick(&e->p, VT_KICK_DEV, CON_RXQ), 0);
	usleep(200 * 1000);
	cr_assert(zg_untouched(e, old),
		  "the device wrote into a buffer of the zone's old run");
	cr_assert_eq(vdrv_used_pending(&e->drv, CON_RXQ), 0);

	/* The next run: its driver finds a reset device and is served,
	 * including the input that waited. */
	cr_assert_eq(vdrv_init(&e->drv, VIRTIO_ID_CONSOLE, ZG_V1, 2,
			       CON_QSIZE), 0);
	con_post_rx(e);
	cr_assert_eq(con_guest_recv(e, buf, sizeof(stale), VT_WAIT_MS),
		     sizeof(stale), "the next run got no input");
	cr_expect_str_eq(buf, stale);
	cr_assert(zg_untouched(e, old));
	close(fd);
}

Test(console_zonegen, old_buffers_untouched_after_ack_notify)
{
	zg_restart(false);
}

Test(console_zonegen, old_buffers_untouched_after_ack_posted_kicks)
{
	zg_restart(true);
}
