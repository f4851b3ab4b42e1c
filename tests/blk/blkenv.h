/* SPDX-License-Identifier: MIT */
/*
 * blkenv.h - one simulated zone with one virtio-blk device on an image
 * file, served end to end as tests/virtio/vtest.h does it (region,
 * physical memory and interrupt page in /dev/shm, the sim transport, the
 * real consumer on its own thread, the real producer on the caller's),
 * plus a small virtio-blk guest driver over tests/virtio/vdriver.h.
 *
 * Used by the Criterion tests (tests/blk/) and the benchmark
 * (tests/blkbench/), so nothing here asserts: calls return an error and
 * leave a message in e->err.  Every wait is bounded.
 */
#ifndef HVB_TESTS_BLK_BLKENV_H
#define HVB_TESTS_BLK_BLKENV_H

#include <pthread.h>
#include <stdbool.h>

#include <linux/virtio_blk.h>

#include "consumer.h"
#include "device.h"
#include "guestmem.h"
#include "transport.h"
#include "vdriver.h"

#define BE_PHYS_BASE	0x80000000ull
#define BE_GUEST_IPA	0x40000000ull
#define BE_ZONE		1u
#define BE_DEV_BASE	0x0a000000ull
#define BE_WINDOW	0x200u
#define BE_IRQ		48u
#define BE_KICK_DEV	3
#define BE_PRODUCER_TIMEOUT_NS	(5ull * 1000 * 1000 * 1000)
#define BE_SLOTS	256u

/* One request's guest memory: header, data buffer, status byte. */
struct be_slot {
	__u64 hdr;		/* IPA of a struct virtio_blk_outhdr */
	__u64 buf;		/* IPA of slot_len bytes */
	__u64 status;		/* IPA of one byte */
	int head;		/* descriptor head while in flight, or -1 */
};

struct blkenv {
	struct hvb_transport t;
	struct hvb_guestmem gm;
	struct hvb_devices devs;
	struct hvb_device *dev;
	struct hvb_consumer c;
	volatile int stop;
	pthread_t thread;
	bool running;
	struct hyp_producer p;
	struct vdrv drv;
	__u64 mem_size;
	/* The blk driver. */
	__u16 qsize;
	unsigned int nr_slots;
	__u32 slot_len;
	struct be_slot slots[BE_SLOTS];
	int head_slot[VDRV_MAX_SIZE];	/* head -> slot, or -1 */
	char err[256];
};

/*
 * Start the zone (@mem_size bytes of guest memory) with a virtio-blk
 * device whose options are the JSON object @opts_json ("{\"img\": ...}").
 * The consumer polls @spin_budget times before it sleeps (0: the
 * daemon's default).  Returns 0, or -1 with e->err set (then call
 * blkenv_stop()).
 */
int blkenv_start(struct blkenv *e, const char *opts_json, __u64 mem_size,
		 __u64 spin_budget);
/* Stop the daemon thread and free everything; safe after a failure. */
void blkenv_stop(struct blkenv *e);

/*
 * Reset the device and bring it up again: negotiate @features (those
 * offered), one queue of @qsize, DRIVER_OK; then @nr_slots slots with a
 * @slot_len-byte buffer each at fresh guest memory.  0 or -1 (e->err).
 */
int blkenv_init_driver(struct blkenv *e, __u64 features, __u16 qsize,
		       unsigned int nr_slots, __u32 slot_len);

/* The device's config space word at @off (4 bytes) through the channel. */
int blkenv_config32(struct blkenv *e, __u32 off, __u32 *out);
/* Status as the guest reads it; ~0u if the read failed. */
__u32 blkenv_status(struct blkenv *e);

/*
 * Make request @type at @sector on slot @slot available: header, then
 * @len bytes of the slot's buffer (device-writable for IN and GET_ID,
 * readable otherwise; none when 0), then the status byte (set to 0xff
 * first).  The data goes in @nsegs (1 or 2) descriptors.  Returns the
 * head or -1.  Does not kick.
 */
int blkenv_add(struct blkenv *e, unsigned int slot, __u32 type,
	       __u64 sector, __u32 len, unsigned int nsegs);
/* Kick the queue if the device asked for it (EVENT_IDX / flags). */
int blkenv_kick(struct blkenv *e);
/* Wait up to @ms for a used element; its slot, *len and *status.
 * Returns the slot or -1 (e->err). */
int blkenv_reap(struct blkenv *e, unsigned int ms, __u32 *len, __u8 *status);
/* add + kick + reap: the status byte, or -1 on a failure (e->err). */
int blkenv_do(struct blkenv *e, unsigned int slot, __u32 type, __u64 sector,
	      __u32 len, __u32 *used_len);

/* Host pointer to slot @slot's buffer. */
void *blkenv_buf(struct blkenv *e, unsigned int slot);

/* Make @path a file of @size bytes (sparse); 0 or -errno. */
int blkenv_make_image(const char *path, __u64 size);

#endif /* HVB_TESTS_BLK_BLKENV_H */
