/* SPDX-License-Identifier: MIT */
/*
 * nt.h - a virtio-net in a network namespace of its own, for the tests:
 * the guest side (receive buffers, frames sent through the tests/virtio
 * guest driver and the real channel), the host side (the tap, addressed
 * 10.99.0.1/24 inside the namespace only, and a packet socket on it), and
 * the frames a guest builds itself (ARP, ICMP echo).  Helpers assert;
 * every wait is bounded.
 */
#ifndef HVB_TESTS_NET_NT_H
#define HVB_TESTS_NET_NT_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/if_ether.h>

#include "vtest.h"
#include "virtio/net.h"

#define NT_RXQ		0u
#define NT_TXQ		1u
#define NT_QSIZE	64u
#define NT_HDR_LEN	12u
#define NT_RX_LEN	2048u	/* header + the largest 1500-MTU frame */
#define NT_TAP		"hvbt0"
#define NT_HOST_IP	"10.99.0.1"
#define NT_GUEST_IP	"10.99.0.2"
/* Ours to use in tests: IEEE 802 "local experimental" EtherType. */
#define NT_ETH_TEST	0x88b5

extern const __u8 nt_guest_mac[ETH_ALEN];

/*
 * Enter a new network namespace, start a virtio-net on tap NT_TAP there,
 * give the tap NT_HOST_IP/24 and bring it up, and initialize the device
 * as a guest (VERSION_1, MAC, STATUS, plus @features).  Skips the test
 * when the namespace or the tap cannot be made.
 */
struct vt_env *nt_start(__u64 features);

/* The device's counters; asserts. */
struct hvb_net_stats nt_stats(struct vt_env *e);

/* Guest: post @n receive buffers of @len bytes and kick. */
void nt_post_rx(struct vt_env *e, unsigned int n, __u32 len);
/*
 * Guest: the next received frame (header checked and stripped) into
 * @frame; returns its length, or -1 when none came within @ms.  The
 * buffer is posted again.
 */
int nt_guest_recv(struct vt_env *e, __u8 *frame, size_t cap,
		  unsigned int ms);
/* Guest: receive until a frame with EtherType @type for which @match
 * (may be NULL) says true; its length or -1. */
int nt_guest_recv_match(struct vt_env *e, __u16 type,
			bool (*match)(const __u8 *f, size_t len, void *arg),
			void *arg, __u8 *frame, size_t cap, unsigned int ms);
/* Guest: send @frame behind a zero header in two descriptors, kick, and
 * wait until the chain is used. */
void nt_guest_send(struct vt_env *e, const void *frame, size_t len);
/* Guest: send the raw readable bytes @buf as one chain (hostile tests). */
void nt_guest_send_raw(struct vt_env *e, const void *buf, size_t len);

/* Host: a packet socket on the tap; asserts. */
int nt_packet_socket(void);
/* Host: receive a frame of EtherType @type within @ms; length or -1. */
int nt_host_recv(int fd, __u16 type, __u8 *frame, size_t cap,
		 unsigned int ms);

/* Frames a guest builds: returns the length. */
size_t nt_build_arp_request(__u8 *f);
size_t nt_build_icmp_echo(__u8 *f, const __u8 *dst_mac, __u16 id,
			  __u16 seq, const void *payload, size_t plen);
size_t nt_build_test_frame(__u8 *f, const __u8 *dst, const __u8 *src,
			   size_t len, __u8 seed);

#endif /* HVB_TESTS_NET_NT_H */
