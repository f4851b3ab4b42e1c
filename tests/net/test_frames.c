// SPDX-License-Identifier: MIT
/*
 * Description: virtio-net on a tap in a network namespace, end to end:
 * the config space (MAC, link up); the guest resolves 10.99.0.1 with an
 * ARP request it builds and pings it, and the kernel's replies arrive in
 * its receive buffers; frames a packet socket sends into the tap reach
 * the guest byte for byte, and the guest's frames reach the socket;
 * frames wait in the tap for receive buffers; reset with a receive
 * buffer held, then it all works again.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <linux/if_arp.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>

#include "virtio/virtio.h"
#include "nt.h"

TestSuite(net, .fini = vt_stop, .timeout = VT_SUITE_TIMEOUT_S);

static const __u8 nt_host_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x99, 0x00,
					    0x01 };

Test(net, config_space_has_mac_and_link_up)
{
	struct vt_env *e = nt_start(0);
	unsigned int i;
	__u64 v = 0;

	for (i = 0; i < ETH_ALEN; i++) {
		cr_assert_eq(vdrv_access(&e->drv, VIRTIO_MMIO_CONFIG + i, 1,
					 false, &v), HVB_STATUS_OK);
		cr_expect_eq(v, nt_guest_mac[i], "MAC byte %u: 0x%llx", i,
			     (unsigned long long)v);
	}
	cr_assert_eq(vdrv_access(&e->drv, VIRTIO_MMIO_CONFIG + 6, 2, false,
				 &v), HVB_STATUS_OK);
	cr_expect_eq(v, VIRTIO_NET_S_LINK_UP);
	v = 0x12;
	cr_expect_eq(vdrv_access(&e->drv, VIRTIO_MMIO_CONFIG, 1, true, &v),
		     HVB_STATUS_IO_ERROR, "the MAC is not writable");
	cr_expect_str_eq(hvb_net_ifname(vt_vdev(e)), NT_TAP);
}

static bool nt_is_arp_reply(const __u8 *f, size_t len, void *arg)
{
	const __u8 *a = f + ETH_HLEN;

	(void)arg;
	return len >= ETH_HLEN + 28 && a[6] == 0 && a[7] == ARPOP_REPLY &&
	       !memcmp(a + 18, nt_guest_mac, ETH_ALEN) &&
	       !memcmp(f, nt_guest_mac, ETH_ALEN);
}

/* ARP for 10.99.0.1 from the guest; returns the tap's MAC in @mac. */
static void nt_resolve(struct vt_env *e, __u8 *mac)
{
	__u8 f[NT_RX_LEN];
	int len;

	nt_guest_send(e, f, nt_build_arp_request(f));
	len = nt_guest_recv_match(e, ETH_P_ARP, nt_is_arp_reply, NULL, f,
				  sizeof(f), VT_WAIT_MS);
	cr_assert(len > 0, "no ARP reply from %s", NT_HOST_IP);
	memcpy(mac, f + ETH_HLEN + 8, ETH_ALEN);	/* sender MAC */
}

struct nt_echo {
	__u16 id, seq;
	const __u8 *payload;
	size_t plen;
};

static bool nt_is_echo_reply(const __u8 *f, size_t len, void *arg)
{
	const struct nt_echo *x = arg;
	const __u8 *ip = f + ETH_HLEN, *icmp = ip + 20;

	return len >= ETH_HLEN + 28 + x->plen && ip[9] == IPPROTO_ICMP &&
	       icmp[0] == 0 && (icmp[4] << 8 | icmp[5]) == x->id &&
	       (icmp[6] << 8 | icmp[7]) == x->seq &&
	       !memcmp(icmp + 8, x->payload, x->plen);
}

/* Ping 10.99.0.1 at @mac from the guest; asserts the reply. */
static void nt_ping(struct vt_env *e, const __u8 *mac, __u16 seq)
{
	static const __u8 payload[] = "hvbridge virtio-net ping payload";
	struct nt_echo x = { 0x4856, seq, payload, sizeof(payload) };
	__u8 f[NT_RX_LEN];

	nt_guest_send(e, f, nt_build_icmp_echo(f, mac, x.id, seq, payload,
					       sizeof(payload)));
	cr_assert(nt_guest_recv_match(e, ETH_P_IP, nt_is_echo_reply, &x, f,
				      sizeof(f), VT_WAIT_MS) > 0,
		  "no echo reply to ping %u", seq);
}

Test(net, arp_and_ping_get_the_kernels_replies)
{
	struct vt_env *e = nt_start(1ull << VIRTIO_RING_F_EVENT_IDX);
	struct hvb_net_stats s;
	__u8 mac[ETH_ALEN];
	__u16 seq;

	e->drv.posted_kicks = true;	/* through the kick bitmap */
	nt_post_rx(e, 16, NT_RX_LEN);
	nt_resolve(e, mac);
	for (seq = 1; seq <= 3; seq++)
		nt_ping(e, mac, seq);
	s = nt_stats(e);
	cr_expect(s.tx_frames >= 4 && s.rx_frames >= 4,
		  "tx %llu rx %llu frames", (unsigned long long)s.tx_frames,
		  (unsigned long long)s.rx_frames);
	cr_expect_eq(s.tx_dropped + s.rx_dropped, 0u);
	cr_expect_eq(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET, 0u);
}

/* Host -> guest through a packet socket, for each length in @lens. */
static void nt_inject(struct vt_env *e, int fd, const size_t *lens,
		      unsigned int n)
{
	__u8 f[NT_RX_LEN], got[NT_RX_LEN];
	unsigned int i;
	int len;

	for (i = 0; i < n; i++) {
		nt_build_test_frame(f, nt_guest_mac, nt_host_mac, lens[i],
				    (__u8)i);
		cr_assert_eq(send(fd, f, lens[i], 0), (ssize_t)lens[i]);
	}
	for (i = 0; i < n; i++) {
		nt_build_test_frame(f, nt_guest_mac, nt_host_mac, lens[i],
				    (__u8)i);
		len = nt_guest_recv_match(e, NT_ETH_TEST, NULL, NULL, got,
					  sizeof(got), VT_WAIT_MS);
		cr_assert_eq(len, (int)lens[i], "frame %u: %d bytes", i, len);
		cr_expect(!memcmp(got, f, lens[i]), "frame %u changed", i);
	}
}

Test(net, packet_socket_frames_reach_the_guest)
{
	static const size_t lens[] = { 60, 100, 1514, ETH_HLEN };
	struct vt_env *e = nt_start(0);
	int fd;

	nt_post_rx(e, 8, NT_RX_LEN);
	fd = nt_packet_socket();
	nt_inject(e, fd, lens, 4);
	close(fd);
}

Test(net, frames_wait_in_the_tap_for_buffers)
{
	static const size_t lens[] = { 64, 65, 66 };
	struct vt_env *e = nt_start(0);
	__u8 f[NT_RX_LEN];
	int fd = nt_packet_socket();
	unsigned int i;

	for (i = 0; i < 3; i++) {
		nt_build_test_frame(f, nt_guest_mac, nt_host_mac, lens[i],
				    (__u8)i);
		cr_assert_eq(send(fd, f, lens[i], 0), (ssize_t)lens[i]);
	}
	usleep(50 * 1000);
	cr_expect_eq(vdrv_used_pending(&e->drv, NT_RXQ), 0);
	nt_post_rx(e, 4, NT_RX_LEN);
	for (i = 0; i < 3; i++) {
		int len = nt_guest_recv_match(e, NT_ETH_TEST, NULL, NULL, f,
					      sizeof(f), VT_WAIT_MS);

		cr_assert_eq(len, (int)lens[i], "frame %u lost or reordered",
			     i);
	}
	close(fd);
}

Test(net, guest_frames_reach_a_packet_socket)
{
	struct vt_env *e = nt_start(0);
	__u8 f[NT_RX_LEN], got[NT_RX_LEN];
	int fd = nt_packet_socket(), len;

	nt_build_test_frame(f, nt_host_mac, nt_guest_mac, 300, 7);
	nt_guest_send(e, f, 300);
	len = nt_host_recv(fd, NT_ETH_TEST, got, sizeof(got), VT_WAIT_MS);
	cr_assert_eq(len, 300, "the socket got %d bytes", len);
	cr_expect(!memcmp(got, f, 300), "the frame changed on the way");
	cr_expect_eq(nt_stats(e).tx_bytes, 300u);
	close(fd);
}

Test(net, reset_with_a_receive_buffer_held)
{
	struct vt_env *e = nt_start(0);
	__u8 mac[ETH_ALEN];
	int err;

	nt_post_rx(e, 4, NT_RX_LEN);
	usleep(20 * 1000);	/* the device takes a buffer and polls */
	cr_assert_eq(vdrv_write(&e->drv, VIRTIO_MMIO_STATUS, 0),
		     HVB_STATUS_OK);
	cr_assert_eq(vt_status(e), 0u);
	e->drv.alloc_next = 0;
	err = vdrv_init(&e->drv, VIRTIO_ID_NET,
			(1ull << VIRTIO_F_VERSION_1) |
			(1ull << VIRTIO_NET_F_MAC), 2, NT_QSIZE);
	cr_assert(err == 0, "re-init failed: %d", err);
	nt_post_rx(e, 4, NT_RX_LEN);
	nt_resolve(e, mac);
	nt_ping(e, mac, 9);
}
