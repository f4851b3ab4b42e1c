/* SPDX-License-Identifier: MIT */
/*
 * device.h - the device layer of the daemon: MMIO windows served by device
 * models, and the table that routes the channel's requests and kicks to
 * them (kvmtool-style: transport -> device -> backend, each an ops table).
 *
 * A device type is one file: it defines a struct hvb_device_type and
 * registers it with HVB_DEVICE_TYPE(), so the daemon (and later its JSON
 * config) creates devices by type name; adding one is that file plus one
 * line in tool/objs.mk.
 *
 * Threading: a table and its devices belong to the one thread serving a
 * region (consumer.h); nothing here locks.
 */
#ifndef HVB_TOOL_DEVICE_H
#define HVB_TOOL_DEVICE_H

#include <stdbool.h>

#include <hvbridge/channel.h>

#include "consumer.h"

struct hvb_device;

struct hvb_device_ops {
	const char *type;
	/*
	 * One access of @size (1, 2, 4, 8) bytes at @offset from the window
	 * base.  The table has checked that it lies inside the window and
	 * is naturally aligned; a device still must not trust @offset to
	 * index its own arrays without bounds.  A write's data is in *value
	 * (low @size bytes); a read stores its result there.  Returns
	 * HVB_STATUS_OK or HVB_STATUS_IO_ERROR.
	 */
	__u32 (*access)(struct hvb_device *d, __u64 offset, __u32 size,
			bool is_write, __u64 *value);
	/* Optional: a posted kick of queue @queue (< HVB_KICK_QUEUES). */
	void (*kick)(struct hvb_device *d, __u32 queue);
	/* With kick: the offset of the register whose 4-byte write of q
	 * is kick(q).  A kick slot is routed to the device only if the
	 * hypervisor posts that same register (docs/abi.md, "Kick slots"). */
	__u32 notify_off;
	/* Optional: free d->priv. */
	void (*destroy)(struct hvb_device *d);
	/*
	 * Optional: the device's zone was stopped for good and is in
	 * generation @gen now.  Reset as if its driver wrote Status = 0:
	 * on return no thread of the device touches the zone's memory, and
	 * its state file (if any) says @gen.
	 */
	void (*zone_reset)(struct hvb_device *d, __u32 gen);
};

struct hvb_devstats;
struct hvb_devstats_dev;

struct hvb_device {
	const struct hvb_device_ops *ops;
	const char *type;	/* its type's name (static), or NULL */
	char name[32];
	__u32 zone_id;		/* the zone whose accesses this serves */
	__u64 base;		/* guest-physical [base, base + size) */
	__u64 size;
	/*
	 * Its kick slot, or -1.  Written by the consumer thread when the
	 * hypervisor's slot table routes a slot here (hvb_devices_kick_route)
	 * or by whoever creates it (tests, the simulation); read by device
	 * threads that requeue (atomically: hvb_device_kick_dev()).
	 */
	int kick_dev;
	__u32 irq;		/* the interrupt it raises, or 0: none */
	void *priv;		/* the model's state */
	/* Its counters in the daemon's stats file (devstats.h), or NULL:
	 * not counted (no daemon file; tests). */
	struct hvb_devstats_dev *stats;
};

/* cJSON's object type (<cjson/cJSON.h>); only pointers to it here. */
struct cJSON;

/*
 * Where a device goes; filled by the caller (command line, config).  A
 * zero-filled field means "not given", so callers that predate a field
 * keep working.
 */
struct hvb_device_args {
	const char *name;	/* NULL: the type name */
	__u32 zone_id;
	__u64 base;
	__u64 size;		/* 0: the type's fixed size */
	int kick_dev;		/* -1: until the slot table routes one */
	__u32 irq;		/* interrupt it raises; 0: none */
	/*
	 * The device's backend options: a JSON object (docs/config.md),
	 * or NULL when there are none.  The config has checked that its
	 * keys are all in the type's options[]; values are the type's to
	 * check (config_opts.h reads them with messages that name the
	 * key).  It lives until configure() returns: copy what you keep.
	 */
	const struct cJSON *opts;
};

struct hvb_device_type {
	const char *name;
	__u64 size;		/* fixed window size, or 0: args say */
	/* Set d->ops and d->priv; returns 0 or a negative errno. */
	int (*init)(struct hvb_device *d);
	struct hvb_device_type *next;	/* registry link */
	/*
	 * Optional: the backend option keys the type takes, NULL-terminated.
	 * NULL: it takes none.  The config refuses any other key, so a typo
	 * ("imgg") is an error at start-up, not a silent default.
	 */
	const char *const *options;
	/*
	 * Optional, called after init() and before the device joins the
	 * table: take args->irq and args->opts (open the image, the tap).
	 * Returns 0, or a negative errno with *why set to a static string;
	 * the table then calls ops->destroy and frees the device.
	 */
	int (*configure)(struct hvb_device *d,
			 const struct hvb_device_args *args, const char **why);
};

void hvb_device_type_register(struct hvb_device_type *type);
const struct hvb_device_type *hvb_device_type_find(const char *name);
/* Registered types, for --help: call @fn for each. */
void hvb_device_type_foreach(void (*fn)(const struct hvb_device_type *,
					void *), void *arg);

/* Register a type before main() runs. */
#define HVB_DEVICE_TYPE(type)						\
	static void __attribute__((constructor)) type##_register(void)	\
	{								\
		hvb_device_type_register(&(type));			\
	}

/* Maximum devices in one table. */
#define HVB_MAX_DEVICES		64u

struct hvb_devices {
	/* Sorted by (zone_id, base); windows of one zone never overlap. */
	struct hvb_device *devs[HVB_MAX_DEVICES];
	unsigned int nr;
	struct hvb_device *by_kick[HVB_KICK_DEVS];
	__u64 unknown_kicks;	/* kicks of a dev index nobody has */
	struct hvb_devstats *stats;	/* the mapped stats file, or NULL */
};

void hvb_devices_init(struct hvb_devices *tab);
/* Destroy and free every device. */
void hvb_devices_fini(struct hvb_devices *tab);

/*
 * Create a device of type @type_name at @args and add it.  Returns 0, or
 * -ENOENT (no such type), -EINVAL (bad window or kick_dev), -EEXIST
 * (overlaps a window or takes a used kick_dev), -ENOSPC, or the type's
 * init error; *why then says what was wrong.
 */
int hvb_devices_create(struct hvb_devices *tab, const char *type_name,
		       const struct hvb_device_args *args, const char **why);

/* Add a device whose fields are filled; same errors.  On success the
 * table owns it (hvb_devices_fini frees it). */
int hvb_devices_add(struct hvb_devices *tab, struct hvb_device *d,
		    const char **why);

/* The device whose window holds all of [addr, addr + size) in @zone. */
struct hvb_device *hvb_devices_lookup(const struct hvb_devices *tab,
				      __u32 zone, __u64 addr, __u64 size);

struct hvb_device *hvb_devices_by_kick(const struct hvb_devices *tab,
				       __u32 kick_dev);

/* d->kick_dev, read from any thread. */
static inline int hvb_device_kick_dev(const struct hvb_device *d)
{
	return __atomic_load_n(&d->kick_dev, __ATOMIC_RELAXED);
}

/*
 * Route kick slot @slot to the device of @tab at (e->zone_id, e->base)
 * that takes kicks at e->notify_off, taking it from whichever device had
 * it; @e NULL: to none.  Returns true when a device has it now.  The
 * consumer's kick_route op (hvb_devices_consumer_ops).
 */
bool hvb_devices_kick_route(struct hvb_devices *tab, __u32 slot,
			    const struct hvb_kick_slot *e);

/* The consumer's ops over a table; the context is the table. */
extern const struct hvb_consumer_ops hvb_devices_consumer_ops;

#endif /* HVB_TOOL_DEVICE_H */
