/* SPDX-License-Identifier: MIT */
/*
 * virtio_priv.h - what core.c and mmio.c share and devices do not need.
 */
#ifndef HVB_TOOL_VIRTIO_PRIV_H
#define HVB_TOOL_VIRTIO_PRIV_H

#include "device.h"

/* The virtio-mmio register file (mmio.c) as a device of the table. */
extern const struct hvb_device_ops hvb_virtio_mmio_ops;

/* The vendor ID register: "HVBR" read as a little-endian word. */
#define HVB_VIRTIO_VENDOR_ID	0x52425648u

#endif /* HVB_TOOL_VIRTIO_PRIV_H */
