// SPDX-License-Identifier: MIT
/*
 * Description: virtio-net against malformed guest input: a transmit chain
 * shorter than the header, offload bits never negotiated, a frame shorter
 * than an Ethernet header; a receive buffer too small for a frame and one
 * too small for the header; bad options.  Each is dropped and counted,
 * the device does not need a reset, and the next frame goes through.
 * And a tap deleted under the device does not make it spin.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <linux/virtio_net.h>

#include "virtio/virtio.h"
#include "nt.h"

TestSuite(net_bad, .fini = vt_stop, .timeout = VT_SUITE_TIMEOUT_S);

static const __u8 nt_host_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x99, 0x00,
					    0x01 };

/* The device is healthy: a frame from the guest reaches the socket. */
static void nt_assert_tx_works(struct vt_env *e, int fd)
{
	__u8 f[256], got[256];

	cr_assert_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
	nt_build_test_frame(f, nt_host_mac, nt_guest_mac, 128, 3);
	nt_guest_send(e, f, 128);
	cr_assert_eq(nt_host_recv(fd, NT_ETH_TEST, got, sizeof(got),
				  VT_WAIT_MS), 128,
		     "the next frame did not go through");
	cr_expect(!memcmp(got, f, 128));
}

Test(net_bad, tx_chain_shorter_than_the_header)
{
	struct vt_env *e = nt_start(0);
	static const __u8 six[6] = { 0 };
	int fd = nt_packet_socket();

	nt_guest_send_raw(e, six, sizeof(six));
	cr_expect_eq(nt_stats(e).tx_dropped, 1u);
	cr_expect_eq(nt_stats(e).tx_frames, 0u);
	nt_assert_tx_works(e, fd);
	close(fd);
}

Test(net_bad, tx_offloads_never_negotiated)
{
	struct vt_env *e = nt_start(0);
	__u8 buf[NT_HDR_LEN + 128];
	struct virtio_net_hdr_v1 *h = (void *)buf;
	int fd = nt_packet_socket();

	memset(buf, 0, sizeof(buf));
	nt_build_test_frame(buf + NT_HDR_LEN, nt_host_mac, nt_guest_mac, 128,
			    1);
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = ETH_HLEN;
	h->csum_offset = 2;
	nt_guest_send_raw(e, buf, sizeof(buf));
	h->flags = 0;
	h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h->gso_size = 64;
	nt_guest_send_raw(e, buf, sizeof(buf));
	cr_expect_eq(nt_stats(e).tx_dropped, 2u);
	nt_assert_tx_works(e, fd);
	close(fd);
}

Test(net_bad, tx_frame_shorter_than_ethernet_header)
{
	struct vt_env *e = nt_start(0);
	__u8 buf[NT_HDR_LEN + ETH_HLEN - 1] = { 0 };
	int fd = nt_packet_socket();

	nt_guest_send_raw(e, buf, NT_HDR_LEN);		/* no frame at all */
	nt_guest_send_raw(e, buf, sizeof(buf));		/* 13 bytes */
	cr_expect_eq(nt_stats(e).tx_dropped, 2u);
	nt_assert_tx_works(e, fd);
	close(fd);
}

static bool nt_wait_rx_dropped(struct vt_env *e, __u64 n)
{
	unsigned int i;

	for (i = 0; i < VT_WAIT_MS / 5; i++) {
		if (nt_stats(e).rx_dropped >= n)
			return true;
		usleep(5000);
	}
	return false;
}

Test(net_bad, rx_buffer_too_small_for_a_frame)
{
	struct vt_env *e = nt_start(0);
	__u8 f[256], got[256];
	int fd = nt_packet_socket(), len;

	nt_post_rx(e, 1, NT_HDR_LEN + 64);
	nt_build_test_frame(f, nt_guest_mac, nt_host_mac, 200, 1);
	cr_assert_eq(send(fd, f, 200, 0), 200);
	cr_assert(nt_wait_rx_dropped(e, 1),
		  "the 200-byte frame was not dropped");
	cr_expect_eq(vdrv_used_pending(&e->drv, NT_RXQ), 0,
		     "the buffer came back for a frame that did not fit");
	/* The same buffer takes the next frame that fits. */
	nt_build_test_frame(f, nt_guest_mac, nt_host_mac, 60, 2);
	cr_assert_eq(send(fd, f, 60, 0), 60);
	len = nt_guest_recv_match(e, NT_ETH_TEST, NULL, NULL, got,
				  sizeof(got), VT_WAIT_MS);
	cr_assert_eq(len, 60, "got %d bytes", len);
	cr_expect(!memcmp(got, f, 60));
	cr_expect_eq(nt_stats(e).rx_dropped, 1u);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
	close(fd);
}

Test(net_bad, rx_buffer_too_small_for_the_header)
{
	struct vt_env *e = nt_start(0);
	__u8 f[256], got[256];
	int fd = nt_packet_socket(), len;
	__u32 used = ~0u;

	nt_post_rx(e, 1, 4);
	cr_assert(vdrv_wait_used(&e->drv, NT_RXQ, 1, VT_WAIT_MS),
		  "a 4-byte receive buffer was kept");
	cr_assert(vdrv_get_used(&e->drv, NT_RXQ, &used) >= 0);
	cr_expect_eq(used, 0u);
	cr_expect_eq(nt_stats(e).rx_dropped, 1u);
	nt_post_rx(e, 1, NT_RX_LEN);
	nt_build_test_frame(f, nt_guest_mac, nt_host_mac, 80, 4);
	cr_assert_eq(send(fd, f, 80, 0), 80);
	len = nt_guest_recv_match(e, NT_ETH_TEST, NULL, NULL, got,
				  sizeof(got), VT_WAIT_MS);
	cr_assert_eq(len, 80);
	close(fd);
}

static int nt_try(struct vt_env *e, const char *json, const char **why)
{
	struct hvb_device_args args = {
		.zone_id = VT_ZONE,
		.base = VT_DEV_BASE + 0x1000,
		.size = VT_WINDOW,
		.kick_dev = -1,
	};
	cJSON *opts = cJSON_Parse(json);
	int err;

	cr_assert(opts, "bad JSON in the test: %s", json);
	args.opts = opts;
	err = hvb_devices_create(&e->devs, "virtio-net", &args, why);
	cJSON_Delete(opts);
	return err;
}

Test(net_bad, bad_options_are_refused)
{
	struct vt_env *e = vt_start("virtio-rng");
	const char *why = "";

	cr_expect_eq(nt_try(e, "{\"mac\": \"01:00:5e:00:00:01\"}", &why),
		     -EINVAL);
	cr_expect(strstr(why, "multicast"), "why: %s", why);
	cr_expect_eq(nt_try(e, "{\"mac\": \"02:00:00\"}", &why), -EINVAL);
	cr_expect(strstr(why, "mac"), "why: %s", why);
	cr_expect_eq(nt_try(e, "{\"tap\": \"a-name-far-too-long\"}", &why),
		     -EINVAL);
	cr_expect(strstr(why, "tap"), "why: %s", why);
}

static double nt_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(net_bad, tap_deleted_under_the_device)
{
	struct vt_env *e = nt_start(0);
	__u8 f[128];
	double cpu;

	nt_post_rx(e, 4, NT_RX_LEN);
	usleep(20 * 1000);	/* the device holds a buffer, polls the tap */
	cr_assert_eq(system("ip link del " NT_TAP), 0,
		     "cannot delete the tap (is ip(8) installed?)");
	cpu = nt_cpu_s();
	usleep(300 * 1000);
	cpu = nt_cpu_s() - cpu;
	cr_expect(cpu < 0.1, "%.0f ms of CPU in 300 ms idle: a busy loop",
		  cpu * 1000);
	/* Transmit still returns the guest's chains. */
	nt_build_test_frame(f, nt_host_mac, nt_guest_mac, sizeof(f), 5);
	nt_guest_send(e, f, sizeof(f));
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
}
