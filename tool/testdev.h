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

#endif /* HVB_TOOL_TESTDEV_H */
