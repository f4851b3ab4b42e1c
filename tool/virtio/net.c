// SPDX-License-Identifier: MIT
/*
 * virtio-net (virtio 1.2, 5.1) on a tap: receiveq 0, transmitq 1; no
 * control queue, no offloads, no mergeable buffers.  Offered: MAC (from
 * options.mac, or a random locally administered one) and STATUS (link
 * always up).  Every frame carries the 12-byte virtio 1 header, as the
 * tap does (net_tap.c), so frames pass between the guest's buffers and
 * the tap with readv()/writev() and no copy.
 *
 * The tap is served by the device's I/O thread (iothread.h), never by
 * the consumer thread: notify() only forwards the kick.
 *
 * What the guest can get wrong, and what it costs (docs/virtio-net.md):
 * a transmit chain shorter than the header, asking for an offload never
 * negotiated, or a frame shorter than an Ethernet header or longer than
 * NET_FRAME_MAX: that frame is dropped and counted, logged once, and the
 * chain is returned.  A receive buffer that cannot hold the header is
 * returned empty, counted.  A frame larger than the receive buffer in
 * hand is dropped, counted, and the buffer waits for the next frame.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "log.h"
#include "config_opts.h"
#include "iothread.h"
#include "net.h"
#include "virtio.h"
#include "virtqueue.h"

#define NET_RXQ		0u
#define NET_TXQ		1u
#define NET_HDR_LEN	sizeof(struct virtio_net_hdr_v1)
/* Largest frame either way: what a tap with the largest MTU passes. */
#define NET_FRAME_MAX	(ETH_HLEN + 0xffffu)
/* Frames moved per queue before looking at the other one. */
#define NET_BATCH	64u

_Static_assert(sizeof(struct virtio_net_hdr_v1) == 12,
	       "the virtio 1 net header is 12 bytes");

struct net {
	struct virtio_net_config config;	/* read-only */
	int tap_fd;
	char ifname[16];
	struct hvb_iothread io;

	/* The I/O thread's, while it runs. */
	unsigned int live;		/* queues kicked at least once */
	struct hvb_vq_chain rx_chain;
	bool rx_held;			/* rx_chain waits for a frame */
	bool tap_failed;		/* reads fail for good: stop them */
	struct hvb_vq_chain tx_chain;
	struct iovec iov[HVB_VIRTIO_QUEUE_MAX + 2];
	/* Where the rest of a frame too big for the buffer goes. */
	__u8 overflow[NET_FRAME_MAX];

	/* Written by the I/O thread, read by anyone (atomics). */
	struct hvb_net_stats stats;
};

static const char *const net_options[] = { "tap", "mac", NULL };

static void net_count(__u64 *ctr, __u64 n)
{
	__atomic_fetch_add(ctr, n, __ATOMIC_RELAXED);
}

/*
 * Point n->iov[@at ..] at @ch's segments [@first, @first + @nr), skipping
 * the first @skip bytes; returns the index after the last.
 */
static int net_iov(struct net *n, int at, const struct hvb_vq_chain *ch,
		   unsigned int first, unsigned int nr, size_t skip)
{
	unsigned int i;

	for (i = first; i < first + nr; i++) {
		size_t len = ch->seg[i].iov_len;

		if (skip >= len) {
			skip -= len;
			continue;
		}
		n->iov[at].iov_base = (__u8 *)ch->seg[i].iov_base + skip;
		n->iov[at++].iov_len = len - skip;
		skip = 0;
	}
	return at;
}

/* The guest's frame in @ch to the tap, or dropped and counted. */
static void net_tx_one(struct hvb_virtio_dev *vd, struct net *n,
		       const struct hvb_vq_chain *ch)
{
	/* The tap gets a header of our own: no offload was negotiated, so
	 * every field is zero, and a guest rewriting its copy meanwhile
	 * changes nothing. */
	static const struct virtio_net_hdr_v1 zero_hdr;
	struct virtio_net_hdr_v1 hdr;
	__u32 frame;
	int cnt;

	if (ch->read_len < NET_HDR_LEN) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: transmit chain of %u bytes, shorter than the %zu-byte header; dropped (said once)",
			     vd->dev->name, ch->read_len, NET_HDR_LEN);
		goto drop;
	}
	hvb_vq_chain_read(ch, &hdr, sizeof(hdr));
	if (hdr.flags || hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: transmit header asks for offloads (flags 0x%x, gso %u) never negotiated; dropped (said once)",
			     vd->dev->name, hdr.flags, hdr.gso_type);
		goto drop;
	}
	frame = ch->read_len - (__u32)NET_HDR_LEN;
	if (frame < ETH_HLEN || frame > NET_FRAME_MAX) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: transmit frame of %u bytes (%u to %u allowed); dropped (said once)",
			     vd->dev->name, frame, ETH_HLEN, NET_FRAME_MAX);
		goto drop;
	}
	n->iov[0].iov_base = (void *)&zero_hdr;
	n->iov[0].iov_len = sizeof(zero_hdr);
	cnt = net_iov(n, 1, ch, 0, ch->nr_read, NET_HDR_LEN);
	if (writev(n->tap_fd, n->iov, cnt) < 0) {
		/* Down, or a frame the kernel refuses: the guest's loss,
		 * as on a wire. */
		hvb_log_once(HVB_LOG_INFO,
			     "%s: tap %s refused a frame: %m (said once)",
			     vd->dev->name, n->ifname);
		goto drop;
	}
	net_count(&n->stats.tx_frames, 1);
	net_count(&n->stats.tx_bytes, frame);
	return;
drop:
	net_count(&n->stats.tx_dropped, 1);
}

static void net_tx(struct hvb_virtio_dev *vd, struct net *n,
		   struct hvb_virtqueue *vq)
{
	unsigned int pushed = 0;
	int ret;

	hvb_iothread_batch_open(&n->io);
	while (pushed < NET_BATCH) {
		ret = hvb_vq_pop(vq, &n->tx_chain);
		if (ret == 0 && hvb_vq_enable_kicks(vq))
			continue;
		if (ret <= 0)
			break;	/* empty, or NEEDS_RESET */
		net_tx_one(vd, n, &n->tx_chain);
		/* The device writes nothing into a transmit buffer. */
		hvb_vq_push(vq, n->tx_chain.head, 0);
		pushed++;
	}
	if (pushed)
		hvb_vq_notify_guest(vq);
	hvb_iothread_batch_close(&n->io);
	/* A full batch: more may wait; the eventfd brings us back. */
	if (pushed == NET_BATCH)
		hvb_iothread_kick(&n->io, NET_TXQ);
}

/*
 * Read one frame from the tap into the held receive chain.  Returns the
 * bytes to give the guest (header included), 0 when the tap has none,
 * or -1 when the frame was dropped (the chain is still held).
 */
static ssize_t net_rx_one(struct hvb_virtio_dev *vd, struct net *n)
{
	const struct hvb_vq_chain *ch = &n->rx_chain;
	struct virtio_net_hdr_v1 hdr;
	size_t room = ch->write_len - NET_HDR_LEN;
	ssize_t got;
	int cnt;

	n->iov[0].iov_base = &hdr;
	n->iov[0].iov_len = sizeof(hdr);
	cnt = net_iov(n, 1, ch, ch->nr_read, ch->nr_write, NET_HDR_LEN);
	n->iov[cnt].iov_base = n->overflow;
	n->iov[cnt++].iov_len = sizeof(n->overflow);
	got = readv(n->tap_fd, n->iov, cnt);
	if (got < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		/* The interface was deleted, or worse: poll() would
		 * report it forever.  Receive no more. */
		hvb_log_once(HVB_LOG_WARN,
			     "%s: reading tap %s: %m; no more receiving (said once)",
			     vd->dev->name, n->ifname);
		n->tap_failed = true;
		return 0;
	}
	if ((size_t)got < NET_HDR_LEN)
		goto drop;
	if ((size_t)got - NET_HDR_LEN > room) {
		hvb_log_once(HVB_LOG_WARN,
			     "%s: a %zd-byte frame does not fit a %zu-byte receive buffer; dropped (said once)",
			     vd->dev->name, got - (ssize_t)NET_HDR_LEN, room);
		goto drop;
	}
	/* Offloads are off on the tap; a frame that still needs a checksum
	 * or segmentation cannot be given to this guest. */
	if ((hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	    hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		goto drop;
	/* The guest negotiated nothing: a zero header, one buffer. */
	memset(&hdr, 0, sizeof(hdr));
	hdr.num_buffers = 1;
	hvb_vq_chain_write(ch, &hdr, sizeof(hdr));
	return got;
drop:
	net_count(&n->stats.rx_dropped, 1);
	return -1;
}

static void net_rx(struct hvb_virtio_dev *vd, struct net *n,
		   struct hvb_virtqueue *vq)
{
	unsigned int pushed = 0, tries = 0;
	ssize_t len;
	int ret;

	hvb_iothread_batch_open(&n->io);
	while (tries++ < NET_BATCH) {
		if (!n->rx_held) {
			ret = hvb_vq_pop(vq, &n->rx_chain);
			if (ret == 0 && hvb_vq_enable_kicks(vq))
				continue;
			if (ret <= 0)
				break;	/* no buffer: the kick will come */
			if (n->rx_chain.write_len < NET_HDR_LEN) {
				hvb_log_once(HVB_LOG_WARN,
					     "%s: receive buffer of %u bytes cannot hold the header; returned empty (said once)",
					     vd->dev->name,
					     n->rx_chain.write_len);
				net_count(&n->stats.rx_dropped, 1);
				hvb_vq_push(vq, n->rx_chain.head, 0);
				pushed++;
				continue;
			}
			n->rx_held = true;
		}
		if (n->tap_failed)
			break;
		len = net_rx_one(vd, n);
		if (len == 0)
			break;		/* the tap is empty: poll it */
		if (len < 0)
			continue;	/* dropped; the buffer waits on */
		n->rx_held = false;
		hvb_vq_push(vq, n->rx_chain.head, (__u32)len);
		pushed++;
		net_count(&n->stats.rx_frames, 1);
		net_count(&n->stats.rx_bytes, (__u64)len - NET_HDR_LEN);
	}
	if (pushed)
		hvb_vq_notify_guest(vq);
	hvb_iothread_batch_close(&n->io);
}

static void net_wait(struct hvb_virtio_dev *vd, struct net *n)
{
	struct pollfd pfd[2] = {
		{ .fd = hvb_iothread_fd(&n->io), .events = POLLIN },
		{ .fd = n->tap_fd, .events = POLLIN },
	};

	/* The tap only matters with a receive buffer in hand; without
	 * one, frames wait in the tap's queue and the guest's kick for
	 * new buffers wakes us. */
	poll(pfd, n->rx_held && !n->tap_failed &&
		  !hvb_virtio_is_broken(vd) ? 2 : 1, -1);
}

static void *net_thread(void *arg)
{
	struct hvb_virtio_dev *vd = arg;
	struct net *n = vd->priv;

	while (!hvb_iothread_should_stop(&n->io)) {
		n->live |= hvb_iothread_take(&n->io);
		if (!hvb_virtio_is_broken(vd)) {
			if (n->live & (1u << NET_TXQ))
				net_tx(vd, n, &vd->vqs[NET_TXQ]);
			if (n->live & (1u << NET_RXQ))
				net_rx(vd, n, &vd->vqs[NET_RXQ]);
		}
		net_wait(vd, n);
	}
	return NULL;
}

/* options.mac, or a random locally administered unicast address. */
static int net_mac(__u8 *mac, const struct cJSON *opts, const char **why)
{
	int err = hvb_opt_bytes(opts, "mac", mac, ETH_ALEN, why);

	if (err != -ENOENT) {
		if (!err && (mac[0] & 1)) {
			*why = "options.mac: a multicast address";
			return -EINVAL;
		}
		return err;
	}
	if (getrandom(mac, ETH_ALEN, 0) != ETH_ALEN) {
		*why = "cannot make a MAC address: getrandom failed";
		return -EIO;
	}
	mac[0] = (mac[0] & 0xfe) | 0x02;
	return 0;
}

static int net_init(struct hvb_virtio_dev *vd,
		    const struct hvb_device_args *args, const char **why)
{
	struct net *n = calloc(1, sizeof(*n));
	const char *tap = "hvbtap%d";
	__u8 *m;
	int err;

	if (!n) {
		*why = "out of memory";
		return -ENOMEM;
	}
	n->tap_fd = -1;
	err = hvb_opt_string(args->opts, "tap", &tap, why);
	if (err == -ENOENT)
		err = 0;
	if (!err)
		err = net_mac(n->config.mac, args->opts, why);
	if (!err) {
		n->tap_fd = net_tap_open(tap, n->ifname, NET_HDR_LEN, why);
		if (n->tap_fd < 0)
			err = n->tap_fd;
	}
	if (!err) {
		err = hvb_iothread_init(&n->io);
		if (err)
			*why = "cannot create an eventfd";
	}
	if (err) {
		if (n->tap_fd >= 0)
			close(n->tap_fd);
		free(n);
		return err;
	}
	n->config.status = VIRTIO_NET_S_LINK_UP;
	m = n->config.mac;
	hvb_info("%s: virtio-net on tap %s, MAC %02x:%02x:%02x:%02x:%02x:%02x",
		 vd->dev->name, n->ifname, m[0], m[1], m[2], m[3], m[4], m[5]);
	vd->priv = n;
	vd->config = &n->config;
	vd->config_size = sizeof(n->config);
	return 0;
}

static void net_destroy(struct hvb_virtio_dev *vd)
{
	struct net *n = vd->priv;

	hvb_iothread_fini(&n->io);
	close(n->tap_fd);
	free(n);
	vd->priv = NULL;
}

static void net_driver_ok(struct hvb_virtio_dev *vd)
{
	struct net *n = vd->priv;
	int err = hvb_iothread_start(&n->io, net_thread, vd, "hvb-net");

	if (err) {
		hvb_log_once(HVB_LOG_ERROR,
			     "%s: cannot start the net thread: %s; device needs reset (said once)",
			     vd->dev->name, strerror(-err));
		hvb_virtio_needs_reset(vd);
	}
}

static void net_notify(struct hvb_virtio_dev *vd, struct hvb_virtqueue *vq)
{
	struct net *n = vd->priv;

	hvb_iothread_kick(&n->io, vq->index);
}

static void net_reset(struct hvb_virtio_dev *vd)
{
	struct net *n = vd->priv;

	hvb_iothread_stop(&n->io);
	/* A held receive buffer belongs to the old driver. */
	n->live = 0;
	n->rx_held = false;
}

/* InterruptStatus found the used-buffer bit clear (virtio.h). */
static void net_settle(struct hvb_virtio_dev *vd)
{
	struct net *n = vd->priv;

	hvb_iothread_settle(&n->io);
}

static const struct hvb_virtio_ops net_ops = {
	.device_id = VIRTIO_ID_NET,
	.features = (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_STATUS),
	.nr_queues = 2,
	.queue_max = 256,
	.options = net_options,
	.init = net_init,
	.destroy = net_destroy,
	.driver_ok = net_driver_ok,
	.notify = net_notify,
	.reset = net_reset,
	.settle = net_settle,
};

HVB_VIRTIO_DEVICE(net_type, "virtio-net", net_ops)

bool hvb_net_stats(const struct hvb_virtio_dev *vd, struct hvb_net_stats *out)
{
	const struct net *n;

	if (!vd || vd->ops != &net_ops || !vd->priv)
		return false;
	n = vd->priv;
	out->tx_frames = __atomic_load_n(&n->stats.tx_frames, __ATOMIC_RELAXED);
	out->tx_bytes = __atomic_load_n(&n->stats.tx_bytes, __ATOMIC_RELAXED);
	out->tx_dropped = __atomic_load_n(&n->stats.tx_dropped,
					  __ATOMIC_RELAXED);
	out->rx_frames = __atomic_load_n(&n->stats.rx_frames, __ATOMIC_RELAXED);
	out->rx_bytes = __atomic_load_n(&n->stats.rx_bytes, __ATOMIC_RELAXED);
	out->rx_dropped = __atomic_load_n(&n->stats.rx_dropped,
					  __ATOMIC_RELAXED);
	return true;
}

const char *hvb_net_ifname(const struct hvb_virtio_dev *vd)
{
	return vd && vd->ops == &net_ops && vd->priv ?
	       ((const struct net *)vd->priv)->ifname : NULL;
}
