// SPDX-License-Identifier: MIT
/*
 * A virtio-net in a network namespace of its own, for the tests (nt.h).
 *
 * unshare(CLONE_NEWNET) rather than a named namespace (ip netns add):
 * Criterion runs each test in a process of its own, so the namespace,
 * its tap and its address die with that process however the test ends,
 * crash and timeout included, and there is no name to clean up.  Nothing
 * is routed out of it: traffic never leaves this machine's namespaces.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <linux/if_arp.h>
#include <linux/if_packet.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "virtio/virtio.h"
#include "nt.h"

const __u8 nt_guest_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x99, 0x00, 0x02 };

/* Receive buffers by head. */
static __u64 nt_rx_ipa[VDRV_MAX_SIZE];
static __u32 nt_rx_len[VDRV_MAX_SIZE];

static __u64 nt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + (__u64)ts.tv_nsec / 1000000;
}

static void nt_ioctl_addr(int s, unsigned long req, const char *ip)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	strcpy(ifr.ifr_name, NT_TAP);
	sin->sin_family = AF_INET;
	cr_assert(inet_pton(AF_INET, ip, &sin->sin_addr) == 1);
	cr_assert(ioctl(s, req, &ifr) == 0, "address ioctl on %s: %s",
		  NT_TAP, strerror(errno));
}

/* NT_HOST_IP/24 on the tap, IPv6 off (no router solicitations to sort
 * out), link up. */
static void nt_tap_config(void)
{
	struct ifreq ifr = { 0 };
	int s, fd;

	fd = open("/proc/sys/net/ipv6/conf/" NT_TAP "/disable_ipv6",
		  O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			cr_log_warn("IPv6 stays on: frames get filtered");
		close(fd);
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert(s >= 0);
	nt_ioctl_addr(s, SIOCSIFADDR, NT_HOST_IP);
	nt_ioctl_addr(s, SIOCSIFNETMASK, "255.255.255.0");
	strcpy(ifr.ifr_name, NT_TAP);
	cr_assert(ioctl(s, SIOCGIFFLAGS, &ifr) == 0);
	ifr.ifr_flags |= IFF_UP;
	cr_assert(ioctl(s, SIOCSIFFLAGS, &ifr) == 0, "link up: %s",
		  strerror(errno));
	close(s);
}

/*
 * What the tests cannot do here is said, never passed over: a skip with
 * its reason on stderr, and in CI (CI=true) a failure, since CI's
 * machine (and make check-fresh's root) can run them.
 */
static bool nt_must_run(void)
{
	const char *ci = getenv("CI");

	return ci && !strcmp(ci, "true");
}

#define NT_CANNOT(fmt, ...)						\
	do {								\
		if (nt_must_run())					\
			cr_assert_fail(fmt, __VA_ARGS__);		\
		/* Criterion does not print a skip's reason. */	\
		fprintf(stderr, "SKIP net-test: " fmt "\n", __VA_ARGS__); \
		cr_skip_test(fmt, __VA_ARGS__);				\
	} while (0)

struct vt_env *nt_start(__u64 features)
{
	__u64 want = (1ull << VIRTIO_F_VERSION_1) |
		     (1ull << VIRTIO_NET_F_MAC) |
		     (1ull << VIRTIO_NET_F_STATUS) | features;
	cJSON *opts;
	struct vt_env *e;
	int err;

	if (access("/dev/net/tun", R_OK | W_OK))
		NT_CANNOT("no /dev/net/tun (%s): cannot test virtio-net; it needs the tun module and /dev mounted",
			  strerror(errno));
	if (unshare(CLONE_NEWNET))
		NT_CANNOT("cannot create a network namespace: %s (needs root, CAP_SYS_ADMIN): virtio-net not tested",
			  strerror(errno));
	opts = cJSON_CreateObject();
	cr_assert(opts && cJSON_AddStringToObject(opts, "tap", NT_TAP) &&
		  cJSON_AddStringToObject(opts, "mac", "02:00:00:99:00:02"));
	e = vt_start_opts("virtio-net", opts);
	cJSON_Delete(opts);
	nt_tap_config();
	err = vdrv_init(&e->drv, VIRTIO_ID_NET, want, 2, NT_QSIZE);
	cr_assert(err == 0, "virtio-net init failed: %d", err);
	cr_assert_eq(e->drv.features & want, want, "features 0x%llx",
		     (unsigned long long)e->drv.features);
	return e;
}

struct hvb_net_stats nt_stats(struct vt_env *e)
{
	struct hvb_net_stats s;

	cr_assert(hvb_net_stats(vt_vdev(e), &s), "not a virtio-net");
	return s;
}

static void nt_add_rx(struct vt_env *e, __u64 ipa, __u32 len)
{
	struct vdrv_buf b = { .ipa = ipa, .len = len, .writable = true };
	int head = vdrv_add(&e->drv, NT_RXQ, &b, 1, false);

	cr_assert(head >= 0, "no free receive descriptor");
	nt_rx_ipa[head] = ipa;
	nt_rx_len[head] = len;
}

void nt_post_rx(struct vt_env *e, unsigned int n, __u32 len)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		nt_add_rx(e, vdrv_alloc(&e->drv, len, 8), len);
	cr_assert(vdrv_kick(&e->drv, NT_RXQ) == HVB_STATUS_OK);
}

int nt_guest_recv(struct vt_env *e, __u8 *frame, size_t cap,
		  unsigned int ms)
{
	struct virtio_net_hdr_v1 hdr;
	const __u8 *p;
	__u32 len;
	int head;

	if (!vdrv_wait_used(&e->drv, NT_RXQ, 1, ms))
		return -1;
	head = vdrv_get_used(&e->drv, NT_RXQ, &len);
	cr_assert(head >= 0 && head < (int)VDRV_MAX_SIZE);
	cr_assert(len >= NT_HDR_LEN && len <= nt_rx_len[head],
		  "used length %u of a %u-byte buffer", len, nt_rx_len[head]);
	p = vdrv_ptr(&e->drv, nt_rx_ipa[head]);
	memcpy(&hdr, p, sizeof(hdr));
	cr_expect_eq(hdr.num_buffers, 1, "num_buffers %u", hdr.num_buffers);
	cr_expect(hdr.flags == 0 && hdr.gso_type == VIRTIO_NET_HDR_GSO_NONE,
		  "offload header bits never negotiated: flags 0x%x gso %u",
		  hdr.flags, hdr.gso_type);
	len -= NT_HDR_LEN;
	cr_assert(len <= cap, "a %u-byte frame", len);
	memcpy(frame, p + NT_HDR_LEN, len);
	nt_add_rx(e, nt_rx_ipa[head], nt_rx_len[head]);
	cr_assert(vdrv_kick(&e->drv, NT_RXQ) == HVB_STATUS_OK);
	return (int)len;
}

static __u16 nt_type(const __u8 *f)
{
	return (__u16)(f[12] << 8 | f[13]);
}

int nt_guest_recv_match(struct vt_env *e, __u16 type,
			bool (*match)(const __u8 *f, size_t len, void *arg),
			void *arg, __u8 *frame, size_t cap, unsigned int ms)
{
	__u64 end = nt_now_ms() + ms;
	int len;

	while (nt_now_ms() < end) {
		len = nt_guest_recv(e, frame, cap, 10);
		if (len >= ETH_HLEN && nt_type(frame) == type &&
		    (!match || match(frame, (size_t)len, arg)))
			return len;
	}
	return -1;
}

static void nt_send_bufs(struct vt_env *e, struct vdrv_buf *b,
			 unsigned int n)
{
	__u32 used = ~0u;
	int head = vdrv_add(&e->drv, NT_TXQ, b, n, false);

	cr_assert(head >= 0, "no free transmit descriptor");
	cr_assert(vdrv_kick(&e->drv, NT_TXQ) == HVB_STATUS_OK);
	cr_assert(vdrv_wait_used(&e->drv, NT_TXQ, 1, VT_WAIT_MS),
		  "transmit chain not used in %u ms", VT_WAIT_MS);
	cr_assert_eq(vdrv_get_used(&e->drv, NT_TXQ, &used), head);
	cr_expect_eq(used, 0u, "a transmit chain was written to");
}

void nt_guest_send(struct vt_env *e, const void *frame, size_t len)
{
	struct vdrv_buf b[2] = {
		{ .len = NT_HDR_LEN },
		{ .len = (__u32)len },
	};

	b[0].ipa = vdrv_alloc(&e->drv, NT_HDR_LEN, 8);
	b[1].ipa = vdrv_alloc(&e->drv, len, 8);
	cr_assert(b[0].ipa && b[1].ipa, "out of guest memory");
	memcpy(vdrv_ptr(&e->drv, b[1].ipa), frame, len);
	nt_send_bufs(e, b, 2);
}

void nt_guest_send_raw(struct vt_env *e, const void *buf, size_t len)
{
	struct vdrv_buf b = { .len = (__u32)len };

	b.ipa = vdrv_alloc(&e->drv, len ? len : 1, 8);
	cr_assert(b.ipa, "out of guest memory");
	memcpy(vdrv_ptr(&e->drv, b.ipa), buf, len);
	nt_send_bufs(e, &b, 1);
}

int nt_packet_socket(void)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	cr_assert(fd >= 0, "packet socket: %s", strerror(errno));
	sll.sll_ifindex = (int)if_nametoindex(NT_TAP);
	cr_assert(sll.sll_ifindex > 0);
	cr_assert(bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == 0,
		  "bind to %s: %s", NT_TAP, strerror(errno));
	return fd;
}

int nt_host_recv(int fd, __u16 type, __u8 *frame, size_t cap,
		 unsigned int ms)
{
	__u64 end = nt_now_ms() + ms;

	for (;;) {
		__u64 now = nt_now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (now >= end || poll(&pfd, 1, (int)(end - now)) <= 0)
			return -1;
		n = recv(fd, frame, cap, 0);
		if (n >= ETH_HLEN && nt_type(frame) == type)
			return (int)n;
	}
}

static void nt_eth(__u8 *f, const __u8 *dst, const __u8 *src, __u16 type)
{
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + 6, src, ETH_ALEN);
	f[12] = (__u8)(type >> 8);
	f[13] = (__u8)type;
}

static void nt_ip(__u8 *p, const char *ip)
{
	cr_assert(inet_pton(AF_INET, ip, p) == 1);
}

size_t nt_build_arp_request(__u8 *f)
{
	static const __u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					      0xff };
	static const __u8 arp_ipv4[8] = { 0x00, 0x01, 0x08, 0x00, 6, 4,
					  0x00, ARPOP_REQUEST };
	__u8 *a = f + ETH_HLEN;

	nt_eth(f, bcast, nt_guest_mac, ETH_P_ARP);
	memcpy(a, arp_ipv4, sizeof(arp_ipv4));
	memcpy(a + 8, nt_guest_mac, ETH_ALEN);	/* sender MAC */
	nt_ip(a + 14, NT_GUEST_IP);		/* sender IP */
	memset(a + 18, 0, ETH_ALEN);		/* target MAC */
	nt_ip(a + 24, NT_HOST_IP);		/* target IP */
	return ETH_HLEN + 28;
}

/* The Internet checksum (RFC 1071). */
static __u16 nt_csum(const __u8 *p, size_t len)
{
	__u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (__u32)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (__u32)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static void nt_put16(__u8 *p, __u16 v)
{
	p[0] = (__u8)(v >> 8);
	p[1] = (__u8)v;
}

size_t nt_build_icmp_echo(__u8 *f, const __u8 *dst_mac, __u16 id,
			  __u16 seq, const void *payload, size_t plen)
{
	__u8 *ip = f + ETH_HLEN, *icmp = ip + 20;
	size_t ip_len = 20 + 8 + plen;

	nt_eth(f, dst_mac, nt_guest_mac, ETH_P_IP);
	memset(ip, 0, 20);
	ip[0] = 0x45;			/* IPv4, 20-byte header */
	nt_put16(ip + 2, (__u16)ip_len);
	nt_put16(ip + 4, seq);		/* identification */
	ip[6] = 0x40;			/* don't fragment */
	ip[8] = 64;			/* TTL */
	ip[9] = IPPROTO_ICMP;
	nt_ip(ip + 12, NT_GUEST_IP);
	nt_ip(ip + 16, NT_HOST_IP);
	nt_put16(ip + 10, nt_csum(ip, 20));
	icmp[0] = 8;			/* echo request */
	icmp[1] = 0;
	nt_put16(icmp + 2, 0);
	nt_put16(icmp + 4, id);
	nt_put16(icmp + 6, seq);
	memcpy(icmp + 8, payload, plen);
	nt_put16(icmp + 2, nt_csum(icmp, 8 + plen));
	return ETH_HLEN + ip_len;
}

size_t nt_build_test_frame(__u8 *f, const __u8 *dst, const __u8 *src,
			   size_t len, __u8 seed)
{
	size_t i;

	nt_eth(f, dst, src, NT_ETH_TEST);
	for (i = ETH_HLEN; i < len; i++)
		f[i] = (__u8)(seed + i * 13);
	return len;
}
