/* SPDX-License-Identifier: MIT */
/*
 * hvbridge/testdev.h - register map of the daemon's test device, a 64 KiB
 * MMIO window whose every response a checker can predict.  Used by the
 * daemon (the model), the host simulation and the guest test image (the
 * checkers).  Offsets are from the window base; accesses are 1, 2, 4 or
 * 8 bytes, naturally aligned, little-endian.
 *
 *   0x0000-0x7fff  SCRATCH: memory.  A write stores its bytes; a read
 *                  returns the bytes last written there (zero at start).
 *                  The daemon's model keeps it in the daemon's memory: a
 *                  restarted daemon starts with it zeroed.
 *   0x8000-0xefff  PATTERN: read-only.  A read of size S at offset o
 *                  returns the low S bytes of hvb_testdev_pattern(o);
 *                  writes are ignored.
 *   0xf000         ID (8 bytes, RO): HVB_TESTDEV_ID
 *   0xf008         ERROR: every access fails (HVB_STATUS_IO_ERROR), so a
 *                  checker can see error responses turn into aborts.
 *   0xf100 + 8q    KICK_COUNT(q), q < 16 (RO): kicks of (HVB_TESTDEV_KICK_DEV,
 *                  q) the daemon has drained.
 *   0xf200 + 8q    KICK_SEEN(q), q < 16 (RO): the 8-byte SCRATCH word at
 *                  HVB_TESTDEV_MAILBOX(q) as the daemon read it when it last
 *                  drained kick q (a guest writes the mailbox, then kicks).
 *   0xf300         NOTIFY (WO, 4 bytes): QueueNotify-style doorbell; a write
 *                  of q < 16 kicks (HVB_TESTDEV_KICK_DEV, q).  A hypervisor
 *                  posts it as a kick and does not wait; sent synchronously
 *                  it has the same effect, and q >= 16 fails.
 *   any other      fails with HVB_STATUS_IO_ERROR.
 */
#ifndef HVBRIDGE_TESTDEV_H
#define HVBRIDGE_TESTDEV_H

#include <hvbridge/types.h>

#define HVB_TESTDEV_SIZE		0x10000u
#define HVB_TESTDEV_SCRATCH		0x0000u
#define HVB_TESTDEV_SCRATCH_SIZE	0x8000u
#define HVB_TESTDEV_PATTERN		0x8000u
#define HVB_TESTDEV_PATTERN_SIZE	0x7000u
#define HVB_TESTDEV_ID_REG		0xf000u
#define HVB_TESTDEV_ERROR_REG		0xf008u
#define HVB_TESTDEV_KICK_COUNT(q)	(0xf100u + 8u * (q))
#define HVB_TESTDEV_KICK_SEEN(q)	(0xf200u + 8u * (q))
#define HVB_TESTDEV_MAILBOX(q)		(0x7800u + 8u * (q))
#define HVB_TESTDEV_NOTIFY		0xf300u
#define HVB_TESTDEV_QUEUES		16u

#define HVB_TESTDEV_ID			0x0001544256485648ull /* "HVHVBT\1" */
#define HVB_TESTDEV_KICK_DEV		0u
/* Where the simulation and the QEMU zone1 config put the window. */
#define HVB_TESTDEV_DEFAULT_BASE	0x0b000000ull
#define HVB_TESTDEV_DEFAULT_ZONE	1u

/* The PATTERN function: a fixed 64-bit mix (splitmix64's finaliser). */
static inline __u64 hvb_testdev_pattern(__u64 offset)
{
	__u64 z = offset + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Low @size bytes of @v (size 1, 2, 4 or 8). */
static inline __u64 hvb_testdev_truncate(__u64 v, __u32 size)
{
	return size >= 8 ? v : v & ((1ull << (size * 8)) - 1);
}

#endif /* HVBRIDGE_TESTDEV_H */
