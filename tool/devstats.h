/* SPDX-License-Identifier: MIT */
/*
 * devstats.h - the daemon's per-device counters, in a file `hvbridge
 * stat` reads: <state dir>/<region key>.stats (runfile.h), mapped
 * MAP_SHARED by the daemon that serves the region, read-only by stat.
 *
 * Layout (version 1, fixed-width, little-endian, sizes asserted): a
 * 64-byte header, the region's path (192 bytes), then HVB_DEVSTATS_MAX
 * records of 192 bytes, of which the first nr_devs are in use; the
 * file's size never changes, so a reader's mapping never loses its
 * pages.
 *
 * Who writes what.  The file has one writer, the daemon serving the
 * region; stat only reads it.
 *   header, identity fields     the daemon, at attach (magic last)
 *   mmio_*, kicks               the consumer thread (the device table),
 *                               plain stores: it is their only writer
 *   requests, bytes_*, errors,  any thread of the daemon (a queue's
 *   interrupts, irq_errors,     owner, an I/O thread), relaxed atomic add
 *   inline_done, io_thread_done
 * No counter orders anything: each is read alone, single-copy atomic, so
 * stat shows a racy snapshot, never a torn value.
 *
 * When they were reset: since_ns.  A daemon that takes over from the last
 * daemon of the same region (its epoch + 1 is ours) and the same device
 * table keeps the counters and since_ns; anything else starts them at 0,
 * with since_ns = now.
 */
#ifndef HVB_TOOL_DEVSTATS_H
#define HVB_TOOL_DEVSTATS_H

#include <stddef.h>
#include <linux/types.h>

#define HVB_DEVSTATS_MAGIC	0x54534248u	/* "HBST", little-endian */
#define HVB_DEVSTATS_VERSION	1u
#define HVB_DEVSTATS_MAX	64u		/* HVB_MAX_DEVICES */

struct hvb_devstats_dev {
	/* Identity (the daemon, at attach). */
	char name[32];		/* the device's name, NUL-terminated */
	char type[16];		/* its type ("virtio-blk", "testdev") */
	__u32 zone;
	__u32 kick_dev;		/* its kick number, or 0xffffffff */
	__u64 base;		/* guest-physical window base */
	/* The consumer thread (device table), plain stores. */
	__u64 mmio_reads;	/* register reads served */
	__u64 mmio_writes;	/* register writes served */
	__u64 mmio_errors;	/* accesses the device refused (I/O error) */
	__u64 kicks;		/* posted kicks handed to the device */
	/* Any daemon thread, relaxed atomic add (virtio devices). */
	__u64 requests;		/* virtqueue chains completed (used) */
	__u64 bytes_read;	/* bytes of the chains' device-readable parts */
	__u64 bytes_written;	/* bytes the device wrote into chains */
	__u64 errors;		/* requests failed by the device, and
				 * NEEDS_RESET raised */
	__u64 interrupts;	/* guest interrupts raised */
	__u64 irq_errors;	/* raises the transport refused */
	/* Any daemon thread, relaxed atomic add (virtio-blk; 0 from other
	 * devices, and from a daemon before these were counted). */
	__u64 inline_done;	/* requests completed on the consumer
				 * thread at their kick (the fast path) */
	__u64 io_thread_done;	/* requests completed by the I/O thread */
	__u64 reserved[4];	/* 0 */
};

struct hvb_devstats {
	/* The daemon, at attach; magic is stored last (release: Barrier
	 * DS-A, pairs with the reader's acquire load of it). */
	__u32 magic;		/* HVB_DEVSTATS_MAGIC */
	__u32 version;		/* HVB_DEVSTATS_VERSION */
	__u32 size;		/* sizeof(struct hvb_devstats) */
	__u32 dev_size;		/* sizeof(struct hvb_devstats_dev) */
	__u32 nr_devs;		/* records in use, <= HVB_DEVSTATS_MAX */
	__u32 pid;		/* the daemon writing it */
	__u32 epoch;		/* the region's consumer_epoch of that daemon */
	__u32 pad;
	__u64 since_ns;		/* CLOCK_REALTIME when the counters were 0 */
	__u64 started_ns;	/* CLOCK_REALTIME when this daemon attached */
	__u64 reserved[2];	/* 0 */
	/* The region as the daemon was given it (NUL-terminated; "" if it
	 * did not fit): a later daemon removes the file once no such
	 * file is there any more (hvb_devstats_prune()). */
	char region[192];
	struct hvb_devstats_dev dev[HVB_DEVSTATS_MAX];
};

_Static_assert(sizeof(struct hvb_devstats_dev) == 192,
	       "stats file layout: device record");
_Static_assert(offsetof(struct hvb_devstats_dev, mmio_reads) == 64,
	       "stats file layout: counters");
_Static_assert(offsetof(struct hvb_devstats_dev, inline_done) == 144,
	       "stats file layout: virtio-blk's counters");
_Static_assert(offsetof(struct hvb_devstats, region) == 64,
	       "stats file layout: header");
_Static_assert(offsetof(struct hvb_devstats, dev) == 256,
	       "stats file layout: region");
_Static_assert(sizeof(struct hvb_devstats) == 256 + 192 * HVB_DEVSTATS_MAX,
	       "stats file layout: size");

/* A counter with many writers (see above). */
static inline void hvb_devstats_add(__u64 *counter, __u64 n)
{
	/* Relaxed: a count, ordering nothing (each is read alone). */
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

/* A counter whose one writer is the consumer thread. */
static inline void hvb_devstats_inc_own(__u64 *counter)
{
	/* Single-copy atomic store of the only writer; no ordering. */
	__atomic_store_n(counter, *counter + 1, __ATOMIC_RELAXED);
}

struct hvb_devices;

/*
 * The daemon, before attaching: remove the run files in @dir left for
 * regions that are gone (a simulation's region file, removed after its
 * run): a "file-" stats file whose recorded region no longer exists or
 * is another file, and its pid file, unless a live process holds that.
 * Anything else is left alone.  Returns how many files it removed.
 */
unsigned int hvb_devstats_prune(const char *dir);

/*
 * The daemon: map stats file @path for the devices of @tab serving
 * @region, keep its
 * counters if the last daemon of this region (@epoch - 1) left them for
 * the same devices, else start them at 0; point each device's
 * d->stats at its record.  Returns 0, or a negative errno with a
 * sentence in @err (the daemon then counts nothing, with a warning).
 */
int hvb_devstats_attach(struct hvb_devices *tab, const char *path,
			const char *region, __u32 epoch, char *err,
			size_t err_len);

/* Devices stop counting (their threads have stopped); unmap the file,
 * which stays for stat to read. */
void hvb_devstats_detach(struct hvb_devices *tab);

/*
 * stat: map stats file @path read-only and check its header.  Returns
 * the mapping, or NULL with a sentence in @err (-ENOENT in *errp when
 * there is no file).  Unmap with hvb_devstats_unmap().
 */
const struct hvb_devstats *hvb_devstats_map(const char *path, int *errp,
					    char *err, size_t err_len);
void hvb_devstats_unmap(const struct hvb_devstats *s);

#endif /* HVB_TOOL_DEVSTATS_H */
