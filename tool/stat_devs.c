// SPDX-License-Identifier: MIT
/*
 * `hvbridge stat`: the daemon's per-device counters (stat_devs.h).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>

#include "runfile.h"
#include "stat_devs.h"

const char *const hvb_stat_dev_names[HVB_STAT_DEV_COLS] = {
	"mmio_reads", "mmio_writes", "mmio_errors", "kicks", "requests",
	"bytes_read", "bytes_written", "errors", "interrupts", "irq_errors",
	"inline_done", "io_thread_done",
};

void hvb_stat_time(__u64 ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

/* Does the daemon that wrote the counters still serve (pid file)? */
static bool hvb_stat_devs_is_running(const char *dir, const char *region,
				     __u32 pid)
{
	char path[512], why[640];
	bool running = false;
	int fd;

	if (hvb_runfile_path(path, sizeof(path), dir, region, "pid", why,
			     sizeof(why)))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		running = hvb_pidfile_holder(fd) == (pid_t)pid;
		close(fd);
	}
	return running;
}

void hvb_stat_devs_take(struct hvb_stat_devs *sd, const char *dir,
			const char *region)
{
	const struct hvb_devstats *s;
	__u32 i;
	int err;

	memset(sd, 0, sizeof(*sd));
	if (hvb_runfile_path(sd->path, sizeof(sd->path), dir, region,
			     "stats", sd->why, sizeof(sd->why)))
		return;
	s = hvb_devstats_map(sd->path, &err, sd->why, sizeof(sd->why));
	if (!s) {
		sd->missing = err == -ENOENT;
		return;
	}
	/* Each field once: the daemon may rewrite the header (a new
	 * daemon), so the count read here is the one bounded and used. */
	sd->nr = hvb_read_once_u32(&s->nr_devs);
	if (sd->nr > HVB_DEVSTATS_MAX)
		sd->nr = HVB_DEVSTATS_MAX;
	sd->pid = hvb_read_once_u32(&s->pid);
	sd->since_ns = hvb_read_once_u64(&s->since_ns);
	sd->started_ns = hvb_read_once_u64(&s->started_ns);
	for (i = 0; i < sd->nr; i++) {
		const struct hvb_devstats_dev *d = &s->dev[i];
		const __u64 *c[HVB_STAT_DEV_COLS] = {
			&d->mmio_reads, &d->mmio_writes, &d->mmio_errors,
			&d->kicks, &d->requests, &d->bytes_read,
			&d->bytes_written, &d->errors, &d->interrupts,
			&d->irq_errors, &d->inline_done, &d->io_thread_done,
		};
		unsigned int k;

		memcpy(sd->dev[i].name, d->name, sizeof(d->name));
		sd->dev[i].name[sizeof(d->name) - 1] = '\0';
		memcpy(sd->dev[i].type, d->type, sizeof(d->type));
		sd->dev[i].type[sizeof(d->type) - 1] = '\0';
		sd->dev[i].zone = hvb_read_once_u32(&d->zone);
		sd->dev[i].base = hvb_read_once_u64(&d->base);
		for (k = 0; k < HVB_STAT_DEV_COLS; k++)
			sd->dev[i].v[k] = hvb_read_once_u64(c[k]);
	}
	hvb_devstats_unmap(s);
	sd->running = hvb_stat_devs_is_running(dir, region, sd->pid);
	sd->ok = true;
}

void hvb_stat_devs_print(const struct hvb_stat_devs *sd, FILE *f)
{
	static const char *const hdr[HVB_STAT_DEV_COLS] = {
		"mmio_rd", "mmio_wr", "mmio_err", "kicks", "requests",
		"bytes_rd", "bytes_wr", "errors", "irqs", "irq_err",
		"inline", "iothread",
	};
	char since[32], started[32];
	unsigned int i, k;

	if (!sd->ok) {
		fprintf(f, "devices  no counters: %s%s\n", sd->why,
			sd->missing ? " (no daemon has served this region with this state directory; see --state-dir)" : "");
		return;
	}
	hvb_stat_time(sd->since_ns, since, sizeof(since));
	hvb_stat_time(sd->started_ns, started, sizeof(started));
	fprintf(f, "devices  counters since %s; daemon pid %u (%s), started %s\n",
		since, sd->pid, sd->running ? "running" : "gone", started);
	fprintf(f, "%-20s %4s %10s", "device", "zone", "base");
	for (k = 0; k < HVB_STAT_DEV_COLS; k++)
		fprintf(f, " %10s", hdr[k]);
	fprintf(f, "\n");
	for (i = 0; i < sd->nr; i++) {
		fprintf(f, "%-20s %4u %#10llx", sd->dev[i].name,
			sd->dev[i].zone,
			(unsigned long long)sd->dev[i].base);
		for (k = 0; k < HVB_STAT_DEV_COLS; k++)
			fprintf(f, " %10llu",
				(unsigned long long)sd->dev[i].v[k]);
		fprintf(f, "\n");
	}
}

void hvb_stat_devs_json(const struct hvb_stat_devs *sd, cJSON *root)
{
	cJSON *obj = cJSON_AddObjectToObject(root, "devices"), *arr, *dj;
	char since[32];
	unsigned int i, k;

	if (!obj)
		return;
	cJSON_AddStringToObject(obj, "file", sd->path);
	if (!sd->ok) {
		cJSON_AddStringToObject(obj, "error", sd->why);
		return;
	}
	hvb_stat_time(sd->since_ns, since, sizeof(since));
	cJSON_AddStringToObject(obj, "since", since);
	cJSON_AddNumberToObject(obj, "since_ns", (double)sd->since_ns);
	cJSON_AddNumberToObject(obj, "started_ns", (double)sd->started_ns);
	cJSON_AddNumberToObject(obj, "daemon_pid", sd->pid);
	cJSON_AddBoolToObject(obj, "daemon_running", sd->running);
	arr = cJSON_AddArrayToObject(obj, "list");
	for (i = 0; arr && i < sd->nr; i++) {
		dj = cJSON_CreateObject();
		if (!dj)
			return;
		cJSON_AddStringToObject(dj, "name", sd->dev[i].name);
		cJSON_AddStringToObject(dj, "type", sd->dev[i].type);
		cJSON_AddNumberToObject(dj, "zone", sd->dev[i].zone);
		cJSON_AddNumberToObject(dj, "base", (double)sd->dev[i].base);
		for (k = 0; k < HVB_STAT_DEV_COLS; k++)
			cJSON_AddNumberToObject(dj, hvb_stat_dev_names[k],
						(double)sd->dev[i].v[k]);
		cJSON_AddItemToArray(arr, dj);
	}
}

/* The same device in @prev (matched by name and base), or NULL. */
static const __u64 *hvb_stat_devs_prev(const struct hvb_stat_devs *prev,
				       const struct hvb_stat_devs *sd,
				       unsigned int i)
{
	unsigned int j;

	if (!prev || !prev->ok)
		return NULL;
	for (j = 0; j < prev->nr; j++)
		if (prev->dev[j].base == sd->dev[i].base &&
		    prev->dev[j].zone == sd->dev[i].zone &&
		    !strcmp(prev->dev[j].name, sd->dev[i].name))
			return prev->dev[j].v;
	return NULL;
}

void hvb_stat_devs_line(const struct hvb_stat_devs *sd,
			const struct hvb_stat_devs *prev, FILE *f)
{
	/* What a log line carries per device: requests, bytes, errors
	 * (the device's and refused accesses), interrupts. */
	unsigned int i;

	if (!sd->ok) {
		fprintf(f, " | devices: no counters");
		return;
	}
	for (i = 0; i < sd->nr; i++) {
		const __u64 *v = sd->dev[i].v, *p = hvb_stat_devs_prev(prev, sd, i);
		__u64 req = v[4], bytes = v[5] + v[6], err = v[7] + v[2],
		      irq = v[8];

		fprintf(f, " | %s mmio=%llu req=%llu", sd->dev[i].name,
			(unsigned long long)(v[0] + v[1]),
			(unsigned long long)req);
		if (p)
			fprintf(f, "(+%llu)",
				(unsigned long long)(req - p[4]));
		fprintf(f, " bytes=%llu", (unsigned long long)bytes);
		if (p)
			fprintf(f, "(+%llu)",
				(unsigned long long)(bytes - p[5] - p[6]));
		fprintf(f, " err=%llu irq=%llu", (unsigned long long)err,
			(unsigned long long)irq);
		if (p)
			fprintf(f, "(+%llu)",
				(unsigned long long)(irq - p[8]));
	}
}
