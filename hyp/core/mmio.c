// SPDX-License-Identifier: MIT
/*
 * MMIO dispatch: find the zone's window for an access and serve it, by
 * the window's in-hypervisor handler or through the channel (a
 * synchronous request, or a posted kick for a QueueNotify write).  Sizes
 * other than 1, 2, 4, 8 and accesses that leave the window are refused
 * here, so neither a handler nor the daemon sees them.
 */
#include <hyp/channel.h>
#include <hyp/kickslot.h>
#include <hyp/mmio.h>
#include <hyp/zone.h>

static enum hyp_mmio_result hyp_mmio_channel(const struct hyp_zone *z,
					     struct hyp_producer *p,
					     __u64 ipa, __u32 size,
					     int is_write, __u64 *value)
{
	if (!p)
		return HYP_MMIO_NO_DEVICE;
	switch (hyp_channel_sync(p, z->cfg->id, ipa, size,
				 is_write ? HVB_REQ_WRITE : 0, value)) {
	case HVB_STATUS_OK:
		return HYP_MMIO_OK;
	case HVB_STATUS_TIMEOUT:
		return HYP_MMIO_TIMEOUT;
	case HVB_STATUS_RETRY:
		return HYP_MMIO_RETRY;
	case HVB_STATUS_NO_DEVICE:
		return HYP_MMIO_NO_DEVICE;
	default:
		return HYP_MMIO_ERROR;
	}
}

enum hyp_mmio_result hyp_mmio_dispatch(const struct hyp_zone *z,
				       struct hyp_producer *p, __u64 ipa,
				       __u32 size, int is_write,
				       __u64 *value)
{
	const struct hyp_mmio_window *w;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return HYP_MMIO_ERROR;
	w = hyp_zone_find_mmio(z, ipa, size);
	if (!w)
		return HYP_MMIO_NO_DEVICE;
	if (!w->handler) {
		__u64 off = ipa - w->base;
		__u64 blk = w->notify_stride ? off - off % w->notify_stride : 0;
		enum hyp_mmio_result res;
		int notify = w->flags & HYP_MMIO_NOTIFY && is_write &&
			     size == 4 && p && off - blk == w->notify_off;

		/* A QueueNotify: posted, unless its block has no kick slot
		 * the daemon routes, or its queue no kick bit. */
		if (notify && !hyp_kick_post(p, &hyp_kick_table, z->cfg->id,
					     w->base + blk, (__u32)*value))
			return HYP_MMIO_OK;
		res = hyp_mmio_channel(z, p, ipa, size, is_write, value);
		/* A device of the daemon's took it: a block of a strided
		 * window gets its slot now, so its next ones can be posted
		 * once the daemon routes it.  Blocks nothing answers (most
		 * of a large virtio region) never take one. */
		if (notify && res == HYP_MMIO_OK && w->notify_stride)
			hyp_zone_kick_claim(z, w->base + blk,
					    w->size - blk < w->notify_stride ?
					    (__u32)(w->size - blk) :
					    w->notify_stride, w->notify_off);
		return res;
	}
	return w->handler(w->priv, ipa - w->base, size, is_write, value);
}

const char *hyp_mmio_strerror(enum hyp_mmio_result res)
{
	switch (res) {
	case HYP_MMIO_OK:
		return "ok";
	case HYP_MMIO_ERROR:
		return "device error";
	case HYP_MMIO_NO_DEVICE:
		return "no device";
	case HYP_MMIO_TIMEOUT:
		return "daemon timeout";
	case HYP_MMIO_RETRY:
		return "given back to replay";
	}
	return "?";
}
