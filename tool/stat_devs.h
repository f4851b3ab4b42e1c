/* SPDX-License-Identifier: MIT */
/*
 * stat_devs.h - what `hvbridge stat` shows of the daemon's per-device
 * counters (devstats.h): a snapshot of the stats file, printed as a
 * table, as JSON, or as part of a --watch line.
 */
#ifndef HVB_TOOL_STAT_DEVS_H
#define HVB_TOOL_STAT_DEVS_H

#include <stdbool.h>
#include <stdio.h>

#include "devstats.h"

struct cJSON;

#define HVB_STAT_DEV_COLS	12

/* One look at the stats file: copied out, so it is read once. */
struct hvb_stat_devs {
	char path[512];		/* the stats file */
	char why[700];		/* no snapshot: why */
	bool ok;		/* a snapshot was taken */
	bool missing;		/* there is no stats file */
	bool running;		/* its daemon holds the pid file's lock */
	__u32 pid, nr;
	__u64 since_ns, started_ns;
	struct {
		char name[32];
		char type[16];
		__u32 zone;
		__u64 base;
		__u64 v[HVB_STAT_DEV_COLS];	/* hvb_stat_dev_names order */
	} dev[HVB_DEVSTATS_MAX];
};

extern const char *const hvb_stat_dev_names[HVB_STAT_DEV_COLS];

/* Take a snapshot of the counters of the daemon serving @region whose
 * run files are in @dir. */
void hvb_stat_devs_take(struct hvb_stat_devs *sd, const char *dir,
			const char *region);

/* The table `stat` prints, after the region's. */
void hvb_stat_devs_print(const struct hvb_stat_devs *sd, FILE *f);

/* "devices": {...} into JSON object @root. */
void hvb_stat_devs_json(const struct hvb_stat_devs *sd, struct cJSON *root);

/* --watch line mode: " | NAME req=N(+d) ..." per device, the deltas from
 * @prev (NULL: none). */
void hvb_stat_devs_line(const struct hvb_stat_devs *sd,
			const struct hvb_stat_devs *prev, FILE *f);

/* @ns (CLOCK_REALTIME) as "YYYY-MM-DDTHH:MM:SSZ" into @buf. */
void hvb_stat_time(__u64 ns, char *buf, size_t len);

#endif /* HVB_TOOL_STAT_DEVS_H */
