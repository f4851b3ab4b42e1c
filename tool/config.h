/* SPDX-License-Identifier: MIT */
/*
 * config.h - the daemon's JSON config (docs/config.md): where the region
 * is, the zones' memory, and the devices each zone gets.
 *
 * Two formats are read:
 *   native   ours, marked by a top-level "version" (or "transport"):
 *            transport, daemon settings, zones[] {id, memory[], devices[]}
 *   hvisor   hvisor-tool's virtio_cfg.json as it is: zones[] {id,
 *            memory_region[] {zone0_ipa, zonex_ipa, size}, devices[]
 *            {type, addr, len, irq, status, img, tap, mac}}
 * Both become the same resolved tables below, checked as a whole before
 * anything is created: a bad file is refused with the file, the JSON
 * path of the field (zones[0].devices[2].addr) and the reason.
 *
 * Strings in the resolved tables point into the parsed JSON, which the
 * config owns until hvb_config_free().
 */
#ifndef HVB_TOOL_CONFIG_H
#define HVB_TOOL_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include <hvbridge/types.h>

#include "device.h"
#include "guestmem.h"

struct hvb_transport;

enum hvb_config_format {
	HVB_CONFIG_AUTO,
	HVB_CONFIG_NATIVE,
	HVB_CONFIG_HVISOR,
};

/* Limits of one config. */
#define HVB_CONFIG_MAX_ZONES	HVB_GUESTMEM_MAX_ZONES
#define HVB_CONFIG_MAX_REGIONS	HVB_GUESTMEM_MAX_REGIONS	/* per zone */
#define HVB_CONFIG_MAX_IRQ	1023u	/* GIC INTIDs < 1020, PLIC < 1024 */
/* Memory regions are mmap()ed, so they are whole pages. */
#define HVB_CONFIG_PAGE		4096u
/* Windows start and end on 8 bytes, the widest access: a naturally
 * aligned access then never straddles two windows. */
#define HVB_CONFIG_WINDOW_ALIGN	8u

/* A JSON path such as "zones[12].devices[63].options", for messages. */
#define HVB_CONFIG_PATH_MAX	64

struct hvb_config_mem {
	__u64 phys;		/* root-zone physical (hvisor: zone0_ipa) */
	__u64 ipa;		/* the zone's guest-physical (zonex_ipa) */
	__u64 size;
	char path[HVB_CONFIG_PATH_MAX];
};

struct hvb_config_zone {
	__u32 id;
	unsigned int nr_mem;
	struct hvb_config_mem mem[HVB_CONFIG_MAX_REGIONS];
	char path[HVB_CONFIG_PATH_MAX];
	/* Its memory as the devices see it, once hvb_config_map_zones()
	 * has mapped and registered it. */
	struct hvb_guestmem map;
	bool registered;
};

/* One enabled device, resolved: every field has its final value. */
struct hvb_config_dev {
	const char *type;	/* a registered device type */
	const char *name;	/* NULL: the type name */
	const char *hvisor_type; /* hvisor format: "blk", ...; else NULL */
	__u32 zone_id;
	__u64 base;
	__u64 size;		/* the type's fixed size when not given */
	__u32 irq;		/* 0: none */
	int kick_dev;		/* -1: kick numbers are the hypervisor's */
	const struct cJSON *opts; /* backend options, or NULL */
	char path[HVB_CONFIG_PATH_MAX];
};

struct hvb_config {
	const char *file;	/* as given, for messages */
	enum hvb_config_format format;	/* the one detected or forced */
	/* Transport (native only; NULL: not given, the command line says) */
	const char *transport;
	const char *region;
	const char *memory;	/* sim: the file standing for physical memory */
	__u64 memory_base;	/* sim/host: the physical address of byte 0 */
	bool has_memory_base;
	__u64 region_phys;	/* host: the region's physical address */
	bool has_region_phys;
	const char *interrupts;	/* sim: the interrupt page file */
	/* Daemon settings (native only); has_* say whether given. */
	bool has_log_level, has_syslog, has_spin_budget, has_poll;
	int log_level;		/* enum hvb_log_level */
	bool syslog;
	__u64 spin_budget;
	bool poll;
	const char *state_dir;	/* daemon.state_dir, or NULL */

	unsigned int nr_zones;
	struct hvb_config_zone zones[HVB_CONFIG_MAX_ZONES];
	unsigned int nr_devs;
	struct hvb_config_dev devs[HVB_MAX_DEVICES];
	unsigned int nr_disabled;	/* hvisor "status": "disable" */
	unsigned int nr_skipped;	/* HVB_CONFIG_SKIP_UNSUPPORTED */

	struct cJSON *root;	/* the parsed file */
	struct cJSON *made;	/* options built for hvisor devices */
	char error[512];	/* "FILE: PATH: why" after a failure */
	/* "FILE: PATH: why\n" for each thing accepted but worth saying
	 * (a member hvisor-tool ignores too, a device skipped). */
	char warnings[1024];
	/* HVB_CONFIG_SKIP_UNSUPPORTED: an hvisor-tool device type with no
	 * counterpart is skipped with a warning instead of refused. */
	unsigned int flags;
};

/* hvb_config_load_flags() flags. */
#define HVB_CONFIG_SKIP_UNSUPPORTED	0x1u

/* "auto", "native" or "hvisor"; -1 if none. */
int hvb_config_parse_format(const char *name);
const char *hvb_config_format_name(enum hvb_config_format format);

/*
 * Read, parse and check @file (@format HVB_CONFIG_AUTO: detect it).
 * Returns 0, or -1 with cfg->error set.  Either way hvb_config_free()
 * releases it.
 */
int hvb_config_load(struct hvb_config *cfg, const char *file,
		    enum hvb_config_format format);
int hvb_config_load_flags(struct hvb_config *cfg, const char *file,
			  enum hvb_config_format format, unsigned int flags);
/* The same over text already in memory; @file names it in messages. */
int hvb_config_parse(struct hvb_config *cfg, const char *text,
		     const char *file, enum hvb_config_format format);
int hvb_config_parse_flags(struct hvb_config *cfg, const char *text,
			   const char *file, enum hvb_config_format format,
			   unsigned int flags);
void hvb_config_free(struct hvb_config *cfg);
/* Each of cfg->warnings as a log line at level warn. */
void hvb_config_log_warnings(const struct hvb_config *cfg);

/*
 * Create every device into @tab (each type's configure() opens its
 * backend).  Returns 0, or -1 with cfg->error naming the device; the
 * devices already created stay in @tab for the caller to free.
 */
int hvb_config_create_devices(struct hvb_config *cfg,
			      struct hvb_devices *tab);

/*
 * Map every zone's memory regions through transport @t and register each
 * zone's map (guestmem.h) for the devices created next; @t NULL registers
 * empty maps (config-check --open: backends only).  Returns 0, or -1 with
 * cfg->error naming the region.  Undo with hvb_config_unmap_zones() after
 * the devices are destroyed.
 */
int hvb_config_map_zones(struct hvb_config *cfg, struct hvb_transport *t);
void hvb_config_unmap_zones(struct hvb_config *cfg);

/*
 * config-check's checks beyond the file (config_check.c): the backend
 * options' values (MAC syntax, tap names), and this machine (the files
 * the options name, /dev/pts for a pty console, the zones' memory against
 * the machine's RAM).  Each returns 0, or -1 with cfg->error naming the
 * field.
 */
int hvb_config_check_options(struct hvb_config *cfg);
int hvb_config_check_host(struct hvb_config *cfg);

/* The resolved zones and device table, for `hvbridge config-check`. */
void hvb_config_print(const struct hvb_config *cfg, FILE *f);

/* "testdev, virtio-blk, ..." : the registered device types. */
void hvb_config_type_list(char *buf, size_t len);

#endif /* HVB_TOOL_CONFIG_H */
