// SPDX-License-Identifier: MIT
/*
 * Description: a driver that polls the receive queue's used->idx and,
 * as soon as it moves, reads InterruptStatus through the channel finds
 * the used-buffer bit, although virtio-net's thread sets it only after
 * the whole batch (tool/virtio/net.c, net_rx(): a tap read between one
 * push and the next).  The device's settle() waits the open batch out
 * (tool/virtio/iothread.h, hvb_iothread_settle()).  The frames wait in
 * the tap before the buffers are posted, so each round's batch is
 * NI_FRAMES tap reads long and the read lands inside it nearly always;
 * without the settle a few rounds find the bit clear (mutation row
 * iothread-settle).
 */
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <linux/virtio_mmio.h>

#include "virtio/virtio.h"
#include "nt.h"

TestSuite(net_isr, .fini = vt_stop, .timeout = VT_SUITE_TIMEOUT_S);

#define NI_ROUNDS	12u
#define NI_FRAMES	32u
#define NI_BUF		128u

static const __u8 ni_host_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x99, 0x00,
					    0x01 };

static __u64 ni_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000u + (__u64)ts.tv_nsec / 1000000u;
}

static __u32 ni_isr(struct vt_env *e)
{
	__u64 v = 0;

	cr_assert_eq(vdrv_access(&e->drv, VIRTIO_MMIO_INTERRUPT_STATUS, 4,
				 false, &v), HVB_STATUS_OK);
	return (__u32)v;
}

static void ni_ack(struct vt_env *e, __u32 bits)
{
	__u64 v = bits;

	cr_assert_eq(vdrv_access(&e->drv, VIRTIO_MMIO_INTERRUPT_ACK, 4, true,
				 &v), HVB_STATUS_OK);
}

Test(net_isr, used_idx_seen_then_interrupt_status_has_the_bit)
{
	struct vt_env *e = nt_start(0);
	__u8 f[NI_BUF];
	int fd = nt_packet_socket();
	unsigned int round, i, clear = 0;
	__u64 end;
	__u32 len;

	for (round = 0; round < NI_ROUNDS; round++) {
		ni_ack(e, ni_isr(e));
		/* No buffer is posted: the frames wait in the tap. */
		for (i = 0; i < NI_FRAMES; i++) {
			nt_build_test_frame(f, nt_guest_mac, ni_host_mac, 60,
					    (__u8)i);
			cr_assert_eq(send(fd, f, 60, 0), 60);
		}
		usleep(10 * 1000);
		cr_assert_eq(vdrv_used_pending(&e->drv, NT_RXQ), 0);
		nt_post_rx(e, NI_FRAMES, NI_BUF);
		/* The first chain back: read the register at once. */
		end = ni_now_ms() + VT_WAIT_MS;
		while (!vdrv_used_pending(&e->drv, NT_RXQ)) {
			cr_assert(ni_now_ms() < end,
				  "round %u: no frame came back", round);
			sched_yield();
		}
		if (!(ni_isr(e) & VIRTIO_MMIO_INT_VRING))
			clear++;
		cr_assert(vdrv_wait_used(&e->drv, NT_RXQ, NI_FRAMES,
					 VT_WAIT_MS),
			  "round %u: %u of %u frames came back", round,
			  vdrv_used_pending(&e->drv, NT_RXQ), NI_FRAMES);
		for (i = 0; i < NI_FRAMES; i++)
			cr_assert_geq(vdrv_get_used(&e->drv, NT_RXQ, &len), 0);
	}
	cr_expect_eq(clear, 0u,
		     "%u of %u InterruptStatus reads after used->idx moved "
		     "found the used-buffer bit clear", clear, NI_ROUNDS);
	cr_expect_eq(nt_stats(e).rx_frames, (__u64)NI_ROUNDS * NI_FRAMES);
	close(fd);
}
