/* SPDX-License-Identifier: MIT */
/*
 * virtio.h - the virtio device model of the daemon (kvmtool-style layers):
 *
 *   transport  tool/virtio/mmio.c: the virtio-mmio version 2 register
 *              file, a struct hvb_device_ops served by the device table
 *   device     tool/virtio/<dev>.c: fills a struct hvb_virtio_ops
 *              (device id, features, queues, config space, notify, reset)
 *   backend    what the device uses: getrandom(), io_uring on an image
 *              file, a tap, a pty...
 *
 * A device is one file that ends with
 *
 *	HVB_VIRTIO_DEVICE(rng_type, "virtio-rng", rng_ops);
 *
 * and one line in tool/objs.mk.  Constants and layouts come from the
 * Linux uapi headers (<linux/virtio_mmio.h>, <linux/virtio_config.h>,
 * <linux/virtio_ring.h>, <linux/virtio_ids.h>, ...).  Everything is
 * little-endian on the wire; the daemon runs on little-endian hosts only
 * (aarch64 and x86-64), which mmio.c asserts at build time.
 *
 * Creating one.  A virtio device is made like any other, with
 * hvb_devices_create(): struct hvb_device_args gives its window, kick
 * index, interrupt (args->irq) and backend options (args->opts, a JSON
 * object read with config_opts.h).  Its zone's memory map and the
 * transport that interrupts the zone come from the zone registry of
 * guestmem.h: register the zone (hvb_guestmem_register()) before
 * creating its devices.  The window must hold the registers and the
 * config space (HVB_VIRTIO_MMIO_SIZE, 0x200, as hvisor-tool uses, does).
 *
 * Threading and ownership.
 *  - The register file (struct hvb_virtio_dev) belongs to the thread
 *    serving the region (the consumer thread): every ops callback below
 *    runs on it, except where said otherwise.
 *  - After the driver sets QueueReady, the queue's ring state (struct
 *    hvb_virtqueue, virtqueue.h) belongs to the DEVICE: ops->notify() is
 *    the consumer thread handing it a kick; a device with its own I/O
 *    thread (virtio-blk on io_uring) forwards the kick there (eventfd,
 *    io_uring_prep_poll ...) and pops, completes and pushes on that
 *    thread; or serves what cannot block on the consumer thread itself
 *    under a lock it shares with its I/O thread (virtio-blk's fast
 *    path, blk_io.c).  The core never touches a ready queue's rings.
 *  - ops->reset() takes the queues back: when it returns the device must
 *    have stopped touching every queue and guest buffer (an I/O thread is
 *    parked or joined, in-flight requests completed or dropped).  The
 *    core then forgets the rings.  Reset happens on a Status write of 0
 *    and before destroy().
 *  - Interrupts: hvb_virtio_raise() (and hvb_vq_notify_guest() on top of
 *    it) may be called from any thread: InterruptStatus is set with an
 *    atomic OR and the transport's raise_irq() is thread-safe.
 *  - Status: written by the consumer thread; DEVICE_NEEDS_RESET may be
 *    ORed in from any thread (hvb_virtio_needs_reset()), so it is read
 *    and written with atomics.
 */
#ifndef HVB_TOOL_VIRTIO_H
#define HVB_TOOL_VIRTIO_H

#include <stdbool.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "device.h"
#include "guestmem.h"
#include "transport.h"

struct hvb_virtio_dev;
struct hvb_virtqueue;

/* Largest queue a device may offer; bounds every descriptor chain too. */
#define HVB_VIRTIO_QUEUE_MAX	256u
/* Most queues of one device (net: rx, tx, ctrl). */
#define HVB_VIRTIO_MAX_QUEUES	8u
/* Window size used when the config does not give one; the registers end
 * at VIRTIO_MMIO_CONFIG, the device's config space follows. */
#define HVB_VIRTIO_MMIO_SIZE	0x200u

/* Feature bits every device offers on top of its own (ops->features):
 * VIRTIO_F_VERSION_1 (and the driver must accept it), indirect
 * descriptors and event-index notification suppression. */
#define HVB_VIRTIO_CORE_FEATURES					\
	((1ull << VIRTIO_F_VERSION_1) |					\
	 (1ull << VIRTIO_RING_F_INDIRECT_DESC) |			\
	 (1ull << VIRTIO_RING_F_EVENT_IDX))

struct hvb_virtio_ops {
	__u32 device_id;	/* VIRTIO_ID_* */
	__u64 features;		/* device-specific bits (< 24 or >= 41) */
	__u32 nr_queues;	/* <= HVB_VIRTIO_MAX_QUEUES */
	__u32 queue_max;	/* QueueNumMax: power of two, <=
				 * HVB_VIRTIO_QUEUE_MAX */
	/* Backend option keys it takes (NULL-terminated), or NULL: none;
	 * the config refuses any other key (device.h). */
	const char *const *options;
	/*
	 * Set up the device: allocate vd->priv, open the backend from
	 * @args->opts (may be NULL: all defaults), point vd->config at the
	 * config space (or leave it NULL with config_size 0).  vd->mem,
	 * vd->transport and vd->irq are set.  Returns 0 or a negative errno,
	 * with a static message in *why.  Runs once, on the thread creating
	 * devices, before the device is in the table.
	 */
	int (*init)(struct hvb_virtio_dev *vd,
		    const struct hvb_device_args *args, const char **why);
	/* Optional: free what init() made (only called if init() succeeded).
	 * Runs after reset(). */
	void (*destroy)(struct hvb_virtio_dev *vd);
	/*
	 * Optional: a driver write to config space at @offset, @size bytes
	 * (1, 2 or 4), little-endian in @value.  The core has checked that it
	 * lies inside vd->config_size.  Returns false to refuse it (the
	 * access then fails with an I/O error).  NULL: config is read-only
	 * and writes fail.
	 */
	bool (*config_write)(struct hvb_virtio_dev *vd, __u32 offset,
			     __u32 size, __u32 value);
	/*
	 * Optional: the driver set FEATURES_OK with @features (VERSION_1 is
	 * in, nothing outside what was offered).  Return false to refuse
	 * the combination: FEATURES_OK then stays clear.
	 */
	bool (*features_ok)(struct hvb_virtio_dev *vd, __u64 features);
	/*
	 * Optional: the driver set DRIVER_OK; the queues it made ready may
	 * now be used (start an I/O thread here, or already in init()).
	 */
	void (*driver_ok)(struct hvb_virtio_dev *vd);
	/*
	 * A kick of ready queue @vq: a QueueNotify write or a posted kick,
	 * on the consumer thread.  Process the queue (or hand it to the
	 * device's thread).  Not called before DRIVER_OK, nor for a queue
	 * that is not ready, nor after NEEDS_RESET.
	 */
	void (*notify)(struct hvb_virtio_dev *vd, struct hvb_virtqueue *vq);
	/*
	 * Stop touching every queue and guest buffer before returning, and
	 * forget per-queue state: the driver reset the device (Status 0), or
	 * it is being destroyed.  Config space keeps its values.
	 */
	void (*reset)(struct hvb_virtio_dev *vd);
	/*
	 * Optional, on the consumer thread: an InterruptStatus read found
	 * the used-buffer bit clear.  Return once no chain this device gave
	 * back is between hvb_vq_push() (used->idx published) and its
	 * hvb_vq_notify_guest() (the bit set) on another thread, so that a
	 * driver which saw used->idx move and then reads InterruptStatus
	 * finds the bit, as it would on QEMU, whose devices do both under
	 * the lock its register accesses take.  NULL: the device gives its
	 * chains back on the consumer thread only.
	 */
	void (*settle)(struct hvb_virtio_dev *vd);
	/*
	 * Optional: the path a user attaches to, to reach the device from
	 * the root zone (a console's pty slave or unix socket), or NULL.
	 * The daemon links it from its run directory (console_link.h), so
	 * `hvbridge console ZONE` finds it without reading the log.  Called
	 * once, after init(), on the thread creating devices.
	 */
	const char *(*attach_path)(struct hvb_virtio_dev *vd);
};

/*
 * One virtio-mmio device.  Fields marked (core) are the register file's
 * and are written by the consumer thread only, unless said otherwise.
 */
struct hvb_virtio_dev {
	struct hvb_device *dev;		/* the table entry (name, window) */
	const struct hvb_virtio_ops *ops;
	const struct hvb_guestmem *mem;	/* the zone's memory map */
	struct hvb_transport *transport; /* raise_irq(); NULL: no interrupts */
	__u32 irq;			/* its interrupt in the zone; 0: none */
	bool live;			/* ops->init() succeeded */
	void *priv;			/* the device's state */
	/* Config space, little-endian, set by ops->init(): reads copy from
	 * it; writes go through ops->config_write().  A device that changes
	 * it while the guest runs calls hvb_virtio_config_changed() after. */
	void *config;
	__u32 config_size;

	/* (core) Status: consumer thread stores; NEEDS_RESET may be ORed
	 * in by any thread; atomic accesses only. */
	__u32 status;
	/* (core) InterruptStatus: ORed by any thread (hvb_virtio_raise()),
	 * cleared by the consumer thread on InterruptACK; atomics only. */
	__u32 isr;
	/* (core) ConfigGeneration: incremented by any thread. */
	__u32 config_gen;
	__u32 device_features_sel;
	__u32 driver_features_sel;
	__u32 queue_sel;
	__u64 driver_features;		/* as written so far */
	__u64 features;			/* negotiated, valid after FEATURES_OK */
	struct hvb_virtqueue *vqs;	/* ops->nr_queues of them */

	/* The state that outlives the daemon (vstate.h): the mapped state
	 * file, or vs_own, a private copy, when there is none.  Every
	 * change of the register file above is made there too (mmio.c,
	 * core.c); the queues' records are vs->q[] (virtqueue.h). */
	struct hvb_vstate *vs;
	struct hvb_vstate *vs_own;	/* or NULL */
	int vs_fd;			/* the state file, or -1 */
	/* Set by the consumer thread before ops->reset() when the daemon
	 * stops (hvb_virtio_stop()): finish what is in flight, do not drop
	 * it.  Read by device threads after their stop flag. */
	bool stopping;
};

/*
 * Registers virtio device type @var named @type_name ("virtio-rng") that
 * @vops (a struct hvb_virtio_ops) implements; before main() runs.
 */
#define HVB_VIRTIO_DEVICE(var, type_name, vops)				\
	static int var##_init(struct hvb_device *d)			\
	{								\
		return hvb_virtio_device_init(d, &(vops));		\
	}								\
	static struct hvb_device_type var = {				\
		.name = (type_name),					\
		.size = 0,	/* the config gives the window */	\
		.init = var##_init,					\
		.configure = hvb_virtio_device_configure,		\
	};								\
	static void __attribute__((constructor)) var##_register(void)	\
	{								\
		var.options = (vops).options;				\
		hvb_virtio_type_register(&var);				\
	}

/*
 * For HVB_VIRTIO_DEVICE(): init() makes the register file of @vops in
 * d->priv (no backend yet); configure() finds the zone, takes args->irq
 * and calls vops->init() with @args.  hvb_virtio_type_register() adds the
 * type to the device registry and remembers it is a virtio type.
 */
int hvb_virtio_device_init(struct hvb_device *d,
			   const struct hvb_virtio_ops *vops);
int hvb_virtio_device_configure(struct hvb_device *d,
				const struct hvb_device_args *args,
				const char **why);
void hvb_virtio_type_register(struct hvb_device_type *type);

/* Is @type_name a registered virtio device type? */
bool hvb_virtio_is_type(const char *type_name);

/* The virtio device behind table entry @d, or NULL if it is not one. */
struct hvb_virtio_dev *hvb_virtio_from_device(struct hvb_device *d);

/*
 * Set @bits (VIRTIO_MMIO_INT_VRING, VIRTIO_MMIO_INT_CONFIG) in
 * InterruptStatus and interrupt the guest.  Any thread.
 */
void hvb_virtio_raise(struct hvb_virtio_dev *vd, __u32 bits);

/*
 * The device hit an error it cannot recover from by itself (a bad ring,
 * a hostile descriptor): set DEVICE_NEEDS_RESET, raise a config-change
 * interrupt (virtio 1.2, 2.1.2).  The caller logs what went wrong, with
 * hvb_log_once().  After it no queue is notified until the driver resets
 * the device.  Any thread.
 */
void hvb_virtio_needs_reset(struct hvb_virtio_dev *vd);

/*
 * Come back to @vq later instead of now: post its kick into the
 * region's kick bitmap, as a producer would, so the consumer's next poll
 * serves every other CPU and kick first and then calls notify() again.
 * For a device that serves its queue on the consumer thread: a guest
 * that refills the queue as fast as it is served must not keep that
 * thread to itself.  Returns false (nothing posted) when the device has
 * no kick number or the transport no region; the caller then goes on.
 */
bool hvb_virtio_requeue(struct hvb_virtio_dev *vd, struct hvb_virtqueue *vq);

/*
 * The daemon is stopping (SIGTERM): stop taking requests, complete the
 * ones in flight (ops->reset() with vd->stopping set), then unmap the
 * state file so that destroying the device leaves it as the next daemon
 * needs it.  Consumer thread, after it stopped serving.
 */
void hvb_virtio_stop(struct hvb_virtio_dev *vd);

/*
 * A new daemon resumes @vd from its state file (attached with
 * hvb_vstate_attach(), *resume true): the register file, every ready
 * queue with the requests the last daemon left in flight, then
 * DRIVER_OK's work (driver_ok(), a notify of every ready queue) and one
 * interrupt, since the last one owed may never have been raised.  A
 * state that fails a check leaves the device NEEDS_RESET (logged).
 * Consumer thread, before serving.
 */
void hvb_virtio_resume(struct hvb_virtio_dev *vd);

/*
 * The device's counters in the daemon's stats file (devstats.h), or NULL
 * when nothing counts them.  Set before the device's threads start and
 * cleared after they stopped, so any thread may use it.
 */
static inline struct hvb_devstats_dev *
hvb_virtio_stats(const struct hvb_virtio_dev *vd)
{
	return vd && vd->dev ? vd->dev->stats : NULL;
}

/* The device failed a request (an error status to the driver): count
 * it in the device's errors.  Any thread. */
void hvb_virtio_count_error(struct hvb_virtio_dev *vd);

/* Has the device been marked NEEDS_RESET?  Any thread. */
bool hvb_virtio_is_broken(const struct hvb_virtio_dev *vd);

/* Config space changed: bump ConfigGeneration, interrupt.  Any thread. */
void hvb_virtio_config_changed(struct hvb_virtio_dev *vd);

/* Was feature bit @bit negotiated? */
static inline bool hvb_virtio_has_feature(const struct hvb_virtio_dev *vd,
					  unsigned int bit)
{
	return bit < 64 && (vd->features >> bit) & 1;
}

#endif /* HVB_TOOL_VIRTIO_H */
