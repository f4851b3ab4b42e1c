/* SPDX-License-Identifier: MIT */
/*
 * config_parse.h - what config.c (the native format and the checks common
 * to both) shares with config_hvisor.c (hvisor-tool's format).  Not for
 * other users: they see config.h.
 *
 * Each reader returns 0 when the field was read, 1 when it is absent
 * and optional, and -1 after recording the error in cfg->error.
 */
#ifndef HVB_TOOL_CONFIG_PARSE_H
#define HVB_TOOL_CONFIG_PARSE_H

#include <cjson/cJSON.h>

#include "config.h"

/* Field names of the format being read, for messages about values that
 * are checked after reading (a window that wraps names "addr" or
 * "base" as the file wrote it). */
struct hvb_config_names {
	const char *base, *size, *phys, *ipa, *mem_size, *irq, *kick;
};

extern const struct hvb_config_names hvb_config_native_names;
extern const struct hvb_config_names hvb_config_hvisor_names;

/* Format a JSON path into @out (HVB_CONFIG_PATH_MAX bytes), cut if long. */
void hvb_config_pathf(char *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int hvb_config_fail(struct hvb_config *cfg, const char *path,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int hvb_config_u64(struct hvb_config *cfg, const cJSON *obj, const char *key,
		   const char *path, bool required, __u64 max, __u64 *out);
int hvb_config_string(struct hvb_config *cfg, const cJSON *obj,
		      const char *key, const char *path, bool required,
		      const char **out);
int hvb_config_array(struct hvb_config *cfg, const cJSON *obj,
		     const char *key, const char *path, bool required,
		     const cJSON **out);
int hvb_config_object(struct hvb_config *cfg, const cJSON *item,
		      const char *path);

/*
 * The member of @known closest to @key (optimal string alignment
 * distance: a swap of two neighbours counts one), if it is close enough
 * to be a misspelling of it (at most 2 edits, and fewer than half of
 * @key's letters); else NULL.
 */
const char *hvb_config_closest(const char *key, const char *const *known);

/* Note a warning: a line for config-check and the daemon to print. */
void hvb_config_warn(struct hvb_config *cfg, const char *path,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A new zone or device slot, or NULL (too many; error recorded).  A new
 * device has kick_dev -1 (not given) and size 0 (not given). */
struct hvb_config_zone *hvb_config_add_zone(struct hvb_config *cfg,
					    const char *path);
struct hvb_config_dev *hvb_config_add_dev(struct hvb_config *cfg,
					  const char *path);

/* hvisor-tool's virtio_cfg.json into cfg's tables (config_hvisor.c). */
int hvb_config_read_hvisor(struct hvb_config *cfg);

#endif /* HVB_TOOL_CONFIG_PARSE_H */
