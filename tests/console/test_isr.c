// SPDX-License-Identifier: MIT
/*
 * Description: a driver that polls the transmit queue's used->idx and,
 * as soon as it moves, reads InterruptStatus through the channel finds
 * the used-buffer bit, although virtio-console's thread sets it only
 * after the whole batch (tool/virtio/console.c, console_tx(): a write to
 * the client between one push and the next).  The device's settle()
 * waits the open batch out (tool/virtio/iothread.h,
 * hvb_iothread_settle()).  Each round queues CI_CHAINS chains under one
 * kick, so the batch is that many socket writes long, and the device
 * thread yields its CPU to the consumer the moment the read wakes it
 * (vt_slow_device_thread()), so the read lands inside the batch nearly
 * always: without the settle 862 to 1024 of the 1024 reads found the bit
 * clear in three runs (mutation rows console-settle, console-tx-batch).
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <linux/virtio_mmio.h>

#include "virtio/virtio.h"
#include "con.h"

static char ci_sock[108];

static void ci_fini(void)
{
	vt_stop();
	if (ci_sock[0])
		unlink(ci_sock);
}

TestSuite(console_isr, .fini = ci_fini, .timeout = VT_SUITE_TIMEOUT_S);

#define CI_ROUNDS	1024u
#define CI_CHAINS	64u
#define CI_LEN		256u

Test(console_isr, used_idx_seen_then_interrupt_status_has_the_bit)
{
	static __u8 out[CI_CHAINS * CI_LEN], got[CI_CHAINS * CI_LEN];
	struct vt_env *e;
	unsigned int round, i, clear = 0;
	__u64 ipa[CI_CHAINS];
	__u32 len, isr;
	int fd;
	char c = 0;

	con_path(ci_sock, sizeof(ci_sock), "sock");
	e = con_start("unix", ci_sock, 1ull << VIRTIO_F_VERSION_1);
	con_post_rx(e);
	fd = con_connect(ci_sock);
	/* A byte from the client reached the guest: it is being served,
	 * so the guest's output goes to it, a write each chain. */
	con_host_send(fd, "!", 1);
	cr_assert_eq(con_guest_recv(e, &c, 1, VT_WAIT_MS), 1u);
	vt_slow_device_thread(e, "hvb-console");
	for (i = 0; i < sizeof(out); i++)
		out[i] = (__u8)('a' + i % 26);
	/* The same buffers every round: guest memory is small. */
	for (i = 0; i < CI_CHAINS; i++) {
		ipa[i] = vdrv_alloc(&e->drv, CI_LEN, 8);
		cr_assert(ipa[i], "out of guest memory");
		memcpy(vdrv_ptr(&e->drv, ipa[i]), out + i * CI_LEN, CI_LEN);
	}
	for (round = 0; round < CI_ROUNDS; round++) {
		cr_assert_neq(vdrv_isr_ack(&e->drv), ~0u);
		for (i = 0; i < CI_CHAINS; i++) {
			struct vdrv_buf b = { .ipa = ipa[i], .len = CI_LEN };

			cr_assert(vdrv_add(&e->drv, CON_TXQ, &b, 1, false) >= 0);
		}
		cr_assert(vdrv_kick(&e->drv, CON_TXQ) == HVB_STATUS_OK);
		/* The first chain back: read the register at once. */
		cr_assert(vdrv_spin_used(&e->drv, CON_TXQ, VT_WAIT_MS),
			  "round %u: no chain came back", round);
		isr = vdrv_read(&e->drv, VIRTIO_MMIO_INTERRUPT_STATUS);
		cr_assert_neq(isr, ~0u);
		if (!(isr & VIRTIO_MMIO_INT_VRING))
			clear++;
		cr_assert(vdrv_wait_used(&e->drv, CON_TXQ, CI_CHAINS,
					 VT_WAIT_MS),
			  "round %u: %u of %u chains came back", round,
			  vdrv_used_pending(&e->drv, CON_TXQ), CI_CHAINS);
		for (i = 0; i < CI_CHAINS; i++)
			cr_assert_geq(vdrv_get_used(&e->drv, CON_TXQ, &len), 0);
		cr_assert_eq(con_host_recv(fd, got, sizeof(got), VT_WAIT_MS),
			     sizeof(got), "round %u: output lost", round);
		cr_expect(!memcmp(got, out, sizeof(got)),
			  "round %u: output changed", round);
	}
	cr_expect_eq(clear, 0u,
		     "%u of %u InterruptStatus reads after used->idx moved "
		     "found the used-buffer bit clear", clear, CI_ROUNDS);
	close(fd);
}
