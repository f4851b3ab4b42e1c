/* SPDX-License-Identifier: MIT */
/*
 * cfgtest.h - helpers of the config tests: the sample files, a JSON path
 * walker to break one field of a good sample at a time, and stand-in
 * device types for the virtio types this build may not have yet.
 */
#ifndef HVB_TEST_CFGTEST_H
#define HVB_TEST_CFGTEST_H

#include <cjson/cJSON.h>

#include "config.h"

/* Every test is done in well under a second; a hang is a failure. */
#define CFG_SUITE_TIMEOUT_S	20.0
#define CFG_CLI_TIMEOUT_S	60.0

/*
 * Register "test-blk" (options img, readonly; no fixed size) and, unless
 * this build has them, stand-ins for virtio-blk, virtio-console,
 * virtio-net and virtio-rng, taking the options the hvisor-tool mapping
 * gives them.  Call from each test's setup.
 */
void cfg_types_setup(void);

/* A file under the source tree (tests/config/samples/native.json, ...),
 * parsed; the test owns it. */
cJSON *cfg_json_file(const char *rel);

/* The item at @path ("zones[0].devices[2].addr"), or NULL. */
cJSON *cfg_at(cJSON *root, const char *path);
/* Remove the item at @path (it must exist). */
void cfg_del(cJSON *root, const char *path);
/* Replace (or add) the item at @path with @value, which it takes. */
void cfg_set(cJSON *root, const char *path, cJSON *value);
/* @value parsed from JSON text, e.g. cfg_set_json(r, "zones[0].id", "-1") */
void cfg_set_json(cJSON *root, const char *path, const char *json);

/* Print @root and parse it as config file "test.json".  Returns the
 * hvb_config_parse() result; the caller frees @cfg. */
int cfg_parse_tree(struct hvb_config *cfg, const cJSON *root,
		   enum hvb_config_format format);

/*
 * Parse @root, expect it refused, and expect the message to hold each of
 * the NULL-terminated strings (a path, a reason).  Frees @root.
 */
void cfg_expect_error(cJSON *root, enum hvb_config_format format, ...)
	__attribute__((sentinel));

#endif /* HVB_TEST_CFGTEST_H */
