/* SPDX-License-Identifier: MIT */
/*
 * config_opts.h - typed reads of JSON values for the config (config.c) and
 * for device types reading their backend options (hvb_device_args.opts).
 *
 * Numbers may be written as JSON numbers or as strings ("0xa003c00",
 * "4096"), as hvisor-tool's files do: a JSON number is a double, exact
 * only below 2^53, so a larger address must be a string.
 *
 * The hvb_opt_* readers return 0 with *out set; -ENOENT when the key is
 * absent (*out untouched: set the default first); -EINVAL when it is
 * present but wrong, with *why set to a message naming the key, e.g.
 * "options.readonly: expected true or false".  That message lives in a
 * per-thread buffer until the next failing call: copy it to keep it.
 */
#ifndef HVB_TOOL_CONFIG_OPTS_H
#define HVB_TOOL_CONFIG_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include <hvbridge/types.h>

struct cJSON;

/* JSON numbers must stay below this: from here on a double cannot tell
 * consecutive integers apart. */
#define HVB_JSON_EXACT_MAX	(1ull << 53)

/*
 * @item as an unsigned number no larger than @max.  Returns 0, or -EINVAL
 * (-ERANGE when only @max is exceeded) with *why a static phrase ("is
 * negative", "expected a number or a numeric string", ...) for the
 * caller to prefix with the field's path.
 */
int hvb_json_u64(const struct cJSON *item, __u64 max, __u64 *out,
		 const char **why);

/* A string member; "" is refused (a path or a name is never empty). */
int hvb_opt_string(const struct cJSON *opts, const char *key,
		   const char **out, const char **why);
int hvb_opt_bool(const struct cJSON *opts, const char *key, bool *out,
		 const char **why);
int hvb_opt_u64(const struct cJSON *opts, const char *key, __u64 max,
		__u64 *out, const char **why);
/*
 * One of @choices (NULL-terminated), e.g. a console's "stdio", "pty" or
 * "unix"; *out is its index.
 */
int hvb_opt_choice(const struct cJSON *opts, const char *key,
		   const char *const *choices, unsigned int *out,
		   const char **why);
/*
 * Exactly @n bytes: an array of numbers or numeric strings 0..255
 * (hvisor-tool's "mac": ["0x00", "0x16", ...]) or a string of @n
 * colon-separated hex pairs ("00:16:3e:10:10:10").
 */
int hvb_opt_bytes(const struct cJSON *opts, const char *key, __u8 *out,
		  size_t n, const char **why);

#endif /* HVB_TOOL_CONFIG_OPTS_H */
