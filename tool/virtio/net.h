/* SPDX-License-Identifier: MIT */
/*
 * net.h - what virtio-net (net.c) shows outside itself: its counters, for
 * tests and diagnostics, and the tap it opened.
 */
#ifndef HVB_TOOL_VIRTIO_NET_H
#define HVB_TOOL_VIRTIO_NET_H

#include <stdbool.h>

#include <hvbridge/types.h>

struct hvb_virtio_dev;

struct hvb_net_stats {
	__u64 tx_frames, tx_bytes;	/* written to the tap */
	__u64 tx_dropped;	/* malformed, or refused by the tap */
	__u64 rx_frames, rx_bytes;	/* given to the guest */
	__u64 rx_dropped;	/* did not fit the guest's buffer, or a
				 * receive buffer too small for a header */
};

/* A snapshot of @vd's counters; false if @vd is not a virtio-net. */
bool hvb_net_stats(const struct hvb_virtio_dev *vd,
		   struct hvb_net_stats *out);

/* The tap's interface name, or NULL if @vd is not a virtio-net. */
const char *hvb_net_ifname(const struct hvb_virtio_dev *vd);

/* Open tap @name (a name, or a pattern like "hvbtap%d") for net.c, with
 * the virtio 1 header; *ifname gets the name the kernel gave.  Returns
 * the descriptor (non-blocking), or a negative errno and *why. */
int net_tap_open(const char *name, char *ifname, unsigned int hdr_len,
		 const char **why);

#endif /* HVB_TOOL_VIRTIO_NET_H */
