/* SPDX-License-Identifier: MIT */
/*
 * vstate.h - a virtio device's state that outlives the daemon
 * (docs/daemon.md, "Restarts"): one file per device,
 * <state dir>/zone<Z>-<base>.state, mapped MAP_SHARED.  A daemon killed at
 * any instant leaves in it the register file and, per queue, the
 * requests it had taken from the ring and not completed; the next daemon
 * resumes the device from it.
 *
 * Who writes what.  Only the daemon writes the file; no guest sees it.
 *   header, identity, epoch        the daemon, at attach
 *   register fields                the consumer thread, at each register
 *                                  write; status and isr also by device
 *                                  threads (the same atomic operation as
 *                                  on the live register, core.c)
 *   queue register fields          the consumer thread, queue not ready
 *   queue progress (used_idx,      the thread that owns the ready queue
 *   last_avail, completing,        (virtqueue.c), in the order argued
 *   inflight[])                    there and in docs/daemon.md
 * The reader is the next daemon, at resume, which checks every field as
 * it checks guest input (a corrupt or hostile file must not hurt it).
 */
#ifndef HVB_TOOL_VIRTIO_VSTATE_H
#define HVB_TOOL_VIRTIO_VSTATE_H

#include <stddef.h>
#include <linux/types.h>

#include "virtio.h"

#define HVB_VSTATE_MAGIC	0x53564248u	/* "HBVS", little-endian */
/* 2: zone_gen (a version 1 file is not resumed: its zone's run is
 * unknown, so its device starts afresh). */
#define HVB_VSTATE_VERSION	2u
/* The default state directory; --state-dir or daemon.state_dir. */
#define HVB_VSTATE_DIR		"/run/hvbridge"
/* An environment variable that moves the default (the tests point it
 * into build/, so no test reads or leaves files in /run/hvbridge). */
#define HVB_VSTATE_DIR_ENV	"HVBRIDGE_STATE_DIR"

struct hvb_vstate_queue {
	/* The queue's registers (consumer thread, queue not ready). */
	__u32 num;
	__u32 ready;
	__u64 desc_addr;
	__u64 driver_addr;
	__u64 device_addr;
	/* Progress (the queue's owning thread).  used_idx: completions
	 * published and retired; last_avail: used_idx + in flight, or one
	 * less just after a head was marked; completing: the head whose
	 * used element is being published. */
	__u16 used_idx;
	__u16 last_avail;
	__u16 completing;
	__u16 pad;
	/* Bit h: head h was taken from the ring and is not completed. */
	__u64 inflight[HVB_VIRTIO_QUEUE_MAX / 64];
};

struct hvb_vstate {
	/* Header: checked like the region's; a mismatch is refused. */
	__u32 magic;		/* HVB_VSTATE_MAGIC */
	__u32 version;		/* HVB_VSTATE_VERSION */
	__u32 size;		/* sizeof(struct hvb_vstate) */
	/* The region's consumer_epoch of the daemon that wrote it last: a
	 * next daemon resumes only when it is exactly the one before its
	 * own (so state left by another region or run is never used). */
	__u32 epoch;
	/* Identity: a state for another device is not resumed. */
	__u32 zone;
	__u32 device_id;
	__u64 base;
	__u32 nr_queues;
	/* The register file. */
	__u32 status;
	__u32 isr;
	__u32 config_gen;
	__u32 queue_sel;
	__u32 device_features_sel;
	__u32 driver_features_sel;
	/* The zone's generation (channel.h, zone_gen) the state belongs
	 * to: the daemon, at attach and when it resets the device because
	 * the zone was stopped for good.  A next daemon resumes only a
	 * state of the zone's current run (docs/daemon.md, "Restarts"). */
	__u32 zone_gen;
	__u64 driver_features;
	__u64 features;
	struct hvb_vstate_queue q[HVB_VIRTIO_MAX_QUEUES];
};

_Static_assert(offsetof(struct hvb_vstate, zone_gen) == 60,
	       "state file layout: zone_gen");
_Static_assert(sizeof(struct hvb_vstate_queue) == 72,
	       "state file layout: queue record");
_Static_assert(offsetof(struct hvb_vstate, q) == 80,
	       "state file layout: header and registers");
_Static_assert(sizeof(struct hvb_vstate) == 80 + 72 * HVB_VIRTIO_MAX_QUEUES,
	       "state file layout: size");

/*
 * Map the state file of @vd in @dir and decide whether to resume from
 * it: *resume is true when it holds the state the daemon of region
 * epoch @epoch - 1 left for this very device, in the zone's generation
 * @zone_gen (the run of the zone now; a state of an earlier run
 * describes rings in memory the zone reuses).  Otherwise it is
 * (re)initialized for @vd's current, reset state.  Returns 0, or a
 * negative errno with a message in @err: -EPROTO, its header does not
 * match (remove the file to start the device afresh); -EBUSY, another
 * daemon holds it; another, the directory or file cannot be made.
 */
/* The default state directory: $HVBRIDGE_STATE_DIR if set and not
 * empty, else HVB_VSTATE_DIR. */
const char *hvb_vstate_default_dir(void);

int hvb_vstate_attach(struct hvb_virtio_dev *vd, const char *dir,
		      __u32 epoch, __u32 zone_gen, bool *resume, char *err,
		      size_t err_len);

/* Unmap it; @vd goes on with a private copy (shutdown). */
void hvb_vstate_detach(struct hvb_virtio_dev *vd);

/* Copy the register file's consumer-thread fields (selectors, features,
 * queue registers) into it; after every register write but QueueNotify
 * and InterruptACK, which change none of them. */
void hvb_vstate_save_regs(struct hvb_virtio_dev *vd);

#endif /* HVB_TOOL_VIRTIO_VSTATE_H */
