// SPDX-License-Identifier: MIT
/*
 * MMIO dispatch: find the zone's window for an access and call its
 * handler.  Sizes other than 1, 2, 4, 8 and accesses that leave the
 * window are refused here, so no handler sees them.
 */
#include <hyp/mmio.h>
#include <hyp/zone.h>

enum hyp_mmio_result hyp_mmio_dispatch(const struct hyp_zone *z, __u64 ipa,
				       __u32 size, int is_write,
				       __u64 *value)
{
	const struct hyp_mmio_window *w;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return HYP_MMIO_ERROR;
	w = hyp_zone_find_mmio(z, ipa, size);
	if (!w || !w->handler)
		return HYP_MMIO_ERROR;
	return w->handler(w->priv, ipa - w->base, size, is_write, value);
}
