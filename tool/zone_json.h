/* SPDX-License-Identifier: MIT */
/*
 * zone_json.h - hvisor-tool's zone config (zone1_linux.json, the file
 * `hvisor zone start` takes) read into a zone descriptor
 * (hvbridge/zone-desc.h), and the descriptor's refusal reasons as
 * sentences naming the JSON field (docs/zones.md).
 */
#ifndef HVB_TOOL_ZONE_JSON_H
#define HVB_TOOL_ZONE_JSON_H

#include <limits.h>
#include <stddef.h>

#include <hvbridge/zone-desc.h>

struct hvb_zone_json {
	struct hvb_zone_desc desc;	/* kernel_size, dtb_size: 0 until
					 * the files are read */
	char kernel_path[PATH_MAX];	/* kernel_filepath, as written */
	char dtb_path[PATH_MAX];	/* dtb_filepath, "" if none */
};

/*
 * Parse @text (the file's contents) into @zj.  0, or -1 with "FIELD:
 * why" in @why.  Numbers: JSON numbers, "0x" hex strings, or decimal
 * strings of one digit (hvisor-tool's readers agree on those; a longer
 * decimal string is refused: one of its readers takes it as hex).
 */
int hvb_zone_json_parse(const char *text, struct hvb_zone_json *zj,
			char *why, size_t len);

/* The sentence for refusal @reason about entry @index of @d. */
void hvb_zone_reason(__u32 reason, __u32 index,
		     const struct hvb_zone_desc *d, char *buf, size_t len);

#endif /* HVB_TOOL_ZONE_JSON_H */
