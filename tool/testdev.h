/* SPDX-License-Identifier: MIT */
/*
 * testdev.h - the daemon's model of the test device whose register map is
 * common/include/hvbridge/testdev.h.  It registers itself as device type
 * "testdev"; this header only gives in-process users (tests, the
 * simulation) a way to look inside it.
 */
#ifndef HVB_TOOL_TESTDEV_H
#define HVB_TOOL_TESTDEV_H

#include <hvbridge/testdev.h>

#include "device.h"

#define HVB_TESTDEV_TYPE	"testdev"

/* Kicks of queue @q the device has drained (0 for q out of range). */
__u64 hvb_testdev_kick_count(const struct hvb_device *d, __u32 q);

/*
 * Keep test device @d's registers in "<dir>/zone<Z>-<base>.testdev", so
 * that what the guest wrote survives the daemon (docs/daemon.md,
 * "Restarts"): resumed (*@resumed) when the previous daemon of this
 * region (@epoch - 1) left it for this device and the zone's run
 * @zone_gen, else started afresh.  0 for a device of another type.
 * Returns 0, or a negative errno with a sentence in @err (-EPROTO: a
 * file that is not one).
 */
int hvb_testdev_attach_state(struct hvb_device *d, const char *dir,
			     __u32 epoch, __u32 zone_gen, bool *resumed,
			     char *err, size_t err_len);

#endif /* HVB_TOOL_TESTDEV_H */
