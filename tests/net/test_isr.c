// SPDX-License-Identifier: MIT
/*
 * Description: a driver that polls the receive queue's used->idx and,
 * as soon as it moves, reads InterruptStatus through the channel finds
 * the used-buffer bit, although virtio-net's thread sets it only after
 * the whole batch (tool/virtio/net.c, net_rx(): a tap read between one
 * push and the next).  The device's settle() waits the open batch out
 * (tool/virtio/iothread.h, hvb_iothread_settle()).  The frames wait in
 * the tap before the buffers are posted, so each round's batch is
 * NI_FRAMES tap reads long, and the device thread yields its CPU to the
 * consumer the moment the read wakes it (vt_slow_device_thread()): the
 * read lands inside the batch nearly always, and without the settle 9 to
 * 12 of the 12 reads found the bit clear in four runs (mutation rows
 * net-settle, net-rx-batch).
 */
#include <sys/socket.h>
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

Test(net_isr, used_idx_seen_then_interrupt_status_has_the_bit)
{
	struct vt_env *e = nt_start(0);
	__u8 f[NI_BUF];
	int fd = nt_packet_socket();
	unsigned int round, i, clear = 0;
	__u32 len, isr;

	vt_slow_device_thread(e, "hvb-net");
	for (round = 0; round < NI_ROUNDS; round++) {
		cr_assert_neq(vdrv_isr_ack(&e->drv), ~0u);
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
		cr_assert(vdrv_spin_used(&e->drv, NT_RXQ, VT_WAIT_MS),
			  "round %u: no frame came back", round);
		isr = vdrv_read(&e->drv, VIRTIO_MMIO_INTERRUPT_STATUS);
		cr_assert_neq(isr, ~0u);
		if (!(isr & VIRTIO_MMIO_INT_VRING))
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
