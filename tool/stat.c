// SPDX-License-Identifier: MIT
/*
 * `hvbridge stat`: print a region's counters.  Maps the region read-only
 * and takes no lock, so it works beside a running daemon and simulation;
 * each counter has one writer and is read single-copy atomic, so the
 * numbers are a racy snapshot, never torn.  The region is a file (sim)
 * or, in the root zone, hvbridge.ko's (kmod): /dev/hvbridge opened
 * without the daemon role, which the module lets map it read-only.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hvbridge/kmod-ioctl.h>
#include <hvbridge/region.h>

#include "claim.h"
#include "daemon.h"
#include "stat_devs.h"
#include "transport.h"
#include "virtio/vstate.h"
#include "zone_cmd.h"

/* The producer's per-CPU counters, then the daemon's, in table order. */
#define HVB_STAT_COLS 8

static const char *const hvb_stat_names[HVB_STAT_COLS] = {
	"sync_requests", "kicks", "wakes", "error_responses", "timeouts",
	"served", "served_errors", "torn_reads",
};

static void hvb_stat_cpu(void *region, const struct hvb_region_header *h,
			 __u32 cpu, __u64 *v)
{
	const struct hvb_cpu_stats *s =
		hvb_region_cpu_stats(region, h->nr_cpus, cpu);

	v[0] = hvb_read_once_u64(&s->sync_requests);
	v[1] = hvb_read_once_u64(&s->kicks);
	v[2] = hvb_read_once_u64(&s->wakes);
	v[3] = hvb_read_once_u64(&s->error_responses);
	v[4] = hvb_read_once_u64(&s->timeouts);
	v[5] = hvb_read_once_u64(&s->served);
	v[6] = hvb_read_once_u64(&s->served_errors);
	v[7] = hvb_read_once_u64(&s->torn_reads);
}

#define HVB_DSTAT_COLS 11

static const char *const hvb_dstat_names[HVB_DSTAT_COLS] = {
	"served", "malformed", "no_device", "kick_rounds", "kicks",
	"sleeps", "wakeups", "empty_wakeups", "attach_scans", "heartbeat",
	"bad_kick_slots",
};

static void hvb_stat_daemon(void *region, __u64 *v)
{
	const struct hvb_daemon_stats *d = hvb_region_daemon_stats(region);

	v[0] = hvb_read_once_u64(&d->served);
	v[1] = hvb_read_once_u64(&d->malformed);
	v[2] = hvb_read_once_u64(&d->no_device);
	v[3] = hvb_read_once_u64(&d->kick_rounds);
	v[4] = hvb_read_once_u64(&d->kicks);
	v[5] = hvb_read_once_u64(&d->sleeps);
	v[6] = hvb_read_once_u64(&d->wakeups);
	v[7] = hvb_read_once_u64(&d->empty_wakeups);
	v[8] = hvb_read_once_u64(&d->attach_scans);
	v[9] = hvb_read_once_u64(&d->heartbeat);
	v[10] = hvb_read_once_u64(&d->bad_kick_slots);
}

/* The transport of the daemon that claimed the region, or "none". */
static const char *hvb_stat_owner(__u32 owner)
{
	return owner ? hvb_claim_transport_name(owner) : "none";
}

/* Round trips of all CPUs, merged. */
struct hvb_stat_lat {
	__u64 hist[HVB_LAT_BUCKETS];
	__u64 count;
	__u64 total_ns;
};

static void hvb_stat_latency(void *region, __u32 nr_cpus,
			     struct hvb_stat_lat *lat)
{
	__u32 cpu, b;

	memset(lat, 0, sizeof(*lat));
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		const struct hvb_cpu_stats *s =
			hvb_region_cpu_stats(region, nr_cpus, cpu);

		lat->total_ns += hvb_read_once_u64(&s->lat_total_ns);
		for (b = 0; b < HVB_LAT_BUCKETS; b++)
			lat->hist[b] += hvb_read_once_u64(&s->lat_hist[b]);
	}
	for (b = 0; b < HVB_LAT_BUCKETS; b++)
		lat->count += lat->hist[b];
}

/*
 * The bucket holding the @pct-th percentile: the first whose cumulative
 * count reaches ceil(count * pct / 100).  Only its bounds are known.
 */
static __u32 hvb_stat_percentile(const struct hvb_stat_lat *lat,
				 unsigned int pct)
{
	__u64 rank = lat->count / 100 * pct +
		     ((lat->count % 100) * pct + 99) / 100;
	__u64 seen = 0;
	__u32 b;

	if (!rank)
		rank = 1;
	for (b = 0; b < HVB_LAT_BUCKETS - 1; b++) {
		seen += lat->hist[b];
		if (seen >= rank)
			break;
	}
	return b;
}

/* Bucket b holds [2^b, 2^(b+1)) ns; the last one is open-ended. */
static bool hvb_stat_bucket_is_open(__u32 b)
{
	return b == HVB_LAT_BUCKETS - 1;
}

static __u64 hvb_stat_bucket_upper(__u32 b)
{
	return 2ull << b;
}

static const unsigned int hvb_stat_pcts[] = { 50, 90, 99 };
#define HVB_STAT_NR_PCTS (sizeof(hvb_stat_pcts) / sizeof(hvb_stat_pcts[0]))

static const char *hvb_stat_state(__u32 state)
{
	switch (state) {
	case HVB_CONSUMER_ABSENT:
		return "absent";
	case HVB_CONSUMER_RUNNING:
		return "running";
	case HVB_CONSUMER_SLEEPING:
		return "sleeping";
	}
	return "unknown";
}

/* The producers' hold counters (ABI 2.1), on a line of their own: the
 * table's columns stay as scripts read them. */
static void hvb_stat_holds(void *region, const struct hvb_region_header *h)
{
	const struct hvb_cpu_stats *s;
	__u64 holds = 0, retries = 0;
	__u32 cpu;

	for (cpu = 0; cpu < h->nr_cpus; cpu++) {
		s = hvb_region_cpu_stats(region, h->nr_cpus, cpu);
		holds += hvb_read_once_u64(&s->holds);
		retries += hvb_read_once_u64(&s->retries);
	}
	printf("held %llu, given back %llu (requests that waited for an absent daemon;\n accesses given back to the guest to replay: zone stop, region switch)\n\n",
	       (unsigned long long)holds, (unsigned long long)retries);
}

/*
 * When the region's counters started from zero: @formatted_ns is the
 * module's answer (HVB_IOC_INFO), 0 for a region file, whose creator
 * (the hypervisor at its start, a simulation) records no time.
 */
static void hvb_stat_since(__u64 formatted_ns, char *buf, size_t len)
{
	if (!formatted_ns) {
		snprintf(buf, len, "the region was formatted (by its creator, at a time it does not record)");
		return;
	}
	hvb_stat_time(formatted_ns, buf, len);
}

static void hvb_stat_print(const char *path, void *region,
			   const struct hvb_region_header *h,
			   __u64 formatted_ns, __u32 timeout_ms)
{
	char since[96];
	const struct hvb_wake *w = hvb_region_wake(region);
	__u64 v[HVB_STAT_COLS], sum[HVB_STAT_COLS] = { 0 };
	__u64 d[HVB_DSTAT_COLS];
	static const char *const hdr[HVB_STAT_COLS] = {
		"sync_req", "kicks", "wakes", "err_resp", "timeouts",
		"served", "srv_err", "torn",
	};
	struct hvb_stat_lat lat;
	__u32 cpu, state = hvb_read_once_u32(&w->consumer_state);
	__u32 owner = hvb_read_once_u32(&w->consumer_owner);
	unsigned int i;

	printf("region   %s: %u CPUs, %llu bytes, ABI %u.%u\n", path,
	       h->nr_cpus, (unsigned long long)h->region_size, h->abi_major,
	       h->abi_minor);
	printf("consumer %s (%u), pid %u, epoch %u, wake_gen %u, owner %s\n\n",
	       hvb_stat_state(state), state,
	       hvb_read_once_u32(&w->consumer_pid),
	       hvb_read_once_u32(&w->consumer_epoch),
	       hvb_read_once_u32(&w->wake_gen), hvb_stat_owner(owner));

	printf("%-5s", "cpu");
	for (i = 0; i < HVB_STAT_COLS; i++)
		printf(" %12s", hdr[i]);
	printf("\n");
	for (cpu = 0; cpu < h->nr_cpus; cpu++) {
		hvb_stat_cpu(region, h, cpu, v);
		printf("%-5u", cpu);
		for (i = 0; i < HVB_STAT_COLS; i++) {
			printf(" %12llu", (unsigned long long)v[i]);
			sum[i] += v[i];
		}
		printf("\n");
	}
	printf("%-5s", "all");
	for (i = 0; i < HVB_STAT_COLS; i++)
		printf(" %12llu", (unsigned long long)sum[i]);
	hvb_stat_since(formatted_ns, since, sizeof(since));
	printf("\n(sync_req..timeouts: producer side, the hypervisor's; served..torn: daemon side)\n");
	printf("region counters since %s\n", since);
	/* A region file's timeout is the hypervisor's own (the built-in
	 * region's) and not written anywhere stat can read. */
	if (timeout_ms)
		printf("channel timeout %u ms: a live daemon's bound on a synchronous access (hvbridge.ko timeout_ms)\n",
		       timeout_ms);
	hvb_stat_holds(region, h);

	hvb_stat_daemon(region, d);
	printf("daemon  ");
	for (i = 0; i < HVB_DSTAT_COLS; i++)
		printf(" %s %llu", hvb_dstat_names[i],
		       (unsigned long long)d[i]);
	printf("\n\n");

	hvb_stat_latency(region, h->nr_cpus, &lat);
	if (!lat.count) {
		printf("latency  no completed round trips yet\n");
		return;
	}
	printf("latency  %llu round trips, mean %llu ns; percentiles are histogram bucket upper bounds:",
	       (unsigned long long)lat.count,
	       (unsigned long long)(lat.total_ns / lat.count));
	for (i = 0; i < HVB_STAT_NR_PCTS; i++) {
		__u32 b = hvb_stat_percentile(&lat, hvb_stat_pcts[i]);

		if (hvb_stat_bucket_is_open(b))
			printf(" p%u >= %llu ns", hvb_stat_pcts[i],
			       (unsigned long long)(1ull << b));
		else
			printf(" p%u < %llu ns", hvb_stat_pcts[i],
			       (unsigned long long)hvb_stat_bucket_upper(b));
	}
	printf("\n         (a sample: the hypervisor times about one request in %u)\n",
	       HVB_LAT_SAMPLE_GAP);
}

/* cJSON numbers are doubles: exact up to 2^53, far beyond any counter
 * a run reaches. */
static void hvb_stat_json_u64(cJSON *obj, const char *name, __u64 v)
{
	cJSON_AddNumberToObject(obj, name, (double)v);
}

static cJSON *hvb_stat_json(const char *path, void *region,
			    const struct hvb_region_header *h,
			    __u64 formatted_ns, __u32 timeout_ms,
			    const struct hvb_stat_devs *sd)
{
	char since[96];
	const struct hvb_wake *w = hvb_region_wake(region);
	__u64 v[HVB_STAT_COLS], d[HVB_DSTAT_COLS];
	cJSON *root = cJSON_CreateObject(), *obj, *arr, *cpuj;
	const struct hvb_cpu_stats *s;
	struct hvb_stat_lat lat;
	char key[16];
	unsigned int i;
	__u32 cpu, state = hvb_read_once_u32(&w->consumer_state);
	__u32 owner = hvb_read_once_u32(&w->consumer_owner);

	cJSON_AddStringToObject(root, "region", path);
	hvb_stat_json_u64(root, "size", h->region_size);
	hvb_stat_json_u64(root, "nr_cpus", h->nr_cpus);
	hvb_stat_json_u64(root, "abi_major", h->abi_major);
	hvb_stat_json_u64(root, "abi_minor", h->abi_minor);
	/* The counters' zero: a time, or null where none is recorded. */
	if (formatted_ns) {
		hvb_stat_since(formatted_ns, since, sizeof(since));
		cJSON_AddStringToObject(root, "since", since);
		hvb_stat_json_u64(root, "since_ns", formatted_ns);
	} else {
		cJSON_AddNullToObject(root, "since");
	}
	if (timeout_ms)
		hvb_stat_json_u64(root, "timeout_ms", timeout_ms);
	else
		cJSON_AddNullToObject(root, "timeout_ms");

	obj = cJSON_AddObjectToObject(root, "consumer");
	cJSON_AddStringToObject(obj, "state", hvb_stat_state(state));
	hvb_stat_json_u64(obj, "state_raw", state);
	hvb_stat_json_u64(obj, "pid", hvb_read_once_u32(&w->consumer_pid));
	hvb_stat_json_u64(obj, "epoch",
			  hvb_read_once_u32(&w->consumer_epoch));
	hvb_stat_json_u64(obj, "wake_gen", hvb_read_once_u32(&w->wake_gen));
	cJSON_AddStringToObject(obj, "owner", hvb_stat_owner(owner));
	hvb_stat_json_u64(obj, "owner_raw", owner);

	hvb_stat_daemon(region, d);
	obj = cJSON_AddObjectToObject(root, "daemon");
	for (i = 0; i < HVB_DSTAT_COLS; i++)
		hvb_stat_json_u64(obj, hvb_dstat_names[i], d[i]);

	arr = cJSON_AddArrayToObject(root, "cpus");
	for (cpu = 0; cpu < h->nr_cpus; cpu++) {
		hvb_stat_cpu(region, h, cpu, v);
		cpuj = cJSON_CreateObject();
		hvb_stat_json_u64(cpuj, "cpu", cpu);
		for (i = 0; i < HVB_STAT_COLS; i++)
			hvb_stat_json_u64(cpuj, hvb_stat_names[i], v[i]);
		/* The text's "held N, given back M" line, per CPU. */
		s = hvb_region_cpu_stats(region, h->nr_cpus, cpu);
		hvb_stat_json_u64(cpuj, "holds", hvb_read_once_u64(&s->holds));
		hvb_stat_json_u64(cpuj, "retries",
				  hvb_read_once_u64(&s->retries));
		cJSON_AddItemToArray(arr, cpuj);
	}

	hvb_stat_latency(region, h->nr_cpus, &lat);
	obj = cJSON_AddObjectToObject(root, "latency");
	hvb_stat_json_u64(obj, "round_trips", lat.count);
	/* round_trips counts the sample, not the requests: sync_requests
	 * does (per CPU, above). */
	hvb_stat_json_u64(obj, "sample_gap", HVB_LAT_SAMPLE_GAP);
	hvb_stat_json_u64(obj, "total_ns", lat.total_ns);
	cJSON_AddStringToObject(obj, "percentiles",
				"histogram bucket upper bounds (exclusive), ns; null: beyond the last bound or no data");
	for (i = 0; i < HVB_STAT_NR_PCTS; i++) {
		__u32 b = hvb_stat_percentile(&lat, hvb_stat_pcts[i]);

		snprintf(key, sizeof(key), "p%u_ns", hvb_stat_pcts[i]);
		if (!lat.count || hvb_stat_bucket_is_open(b))
			cJSON_AddNullToObject(obj, key);
		else
			hvb_stat_json_u64(obj, key, hvb_stat_bucket_upper(b));
	}
	arr = cJSON_AddArrayToObject(obj, "hist");
	for (i = 0; i < HVB_LAT_BUCKETS; i++)
		cJSON_AddItemToArray(arr,
				     cJSON_CreateNumber((double)lat.hist[i]));
	hvb_stat_devs_json(sd, root);
	return root;
}

static void hvb_stat_usage(FILE *f)
{
	fprintf(f,
"Usage: hvbridge stat [OPTIONS]                  (the root zone: hvbridge.ko's region)\n"
"       hvbridge stat --transport kmod [--device PATH] [OPTIONS]\n"
"       hvbridge stat [--transport sim] --region PATH [OPTIONS]\n"
"       hvbridge stat --transport host --mem FILE [--region-phys A]\n"
"                     [--ram-base A] [OPTIONS]\n"
"\n"
"Print a channel region's counters: per CPU, the producer's (sync\n"
"requests, kicks, wakes, error responses, timeouts, counted by the\n"
"hypervisor where they happen) and the daemon's (served, served with an\n"
"error, torn reads), counted since the region was formatted (the time\n"
"the module did so is printed; a region file does not record one); the\n"
"daemon-wide counters; the consumer's state, pid\n"
"and epoch; round-trip latency p50/p90/p99; and the daemon's per-device\n"
"counters (register reads, writes and refused accesses, kicks, virtqueue\n"
"requests completed, bytes read and written, errors, interrupts) with\n"
"the time they were last reset, from its stats file in the state\n"
"directory.  The percentiles come from a power-of-two histogram and are\n"
"the upper bounds of the buckets they fall in.  Read-only, safe beside a\n"
"daemon.\n"
"\n"
"  -t, --transport T   kmod (the default where the module's device\n"
"                      exists and no --region is given): hvbridge.ko's\n"
"                      region, in the root zone, mapped read-only beside\n"
"                      the daemon; sim (the default otherwise): the\n"
"                      region is the file --region names; host: the\n"
"                      region a hypervisor under QEMU formatted in the\n"
"                      machine's RAM file (what the daemon's host\n"
"                      transport serves)\n"
"  -r, --region PATH   the region file (sim)\n"
"      --mem FILE      host: QEMU's RAM file\n"
"      --ram-base A    host: the physical address of its first byte\n"
"                      (default 0x%llx)\n"
"      --region-phys A host: the channel region's physical address\n"
"                      (default 0x%llx)\n"
"  -d, --device PATH   the module's device (kmod; default " HVB_DEVICE_PATH ")\n"
"  -S, --state-dir DIR where the daemon keeps its run files (its\n"
"                      --state-dir; default $" HVB_VSTATE_DIR_ENV " or\n"
"                      " HVB_VSTATE_DIR ")\n"
"  -j, --json          print JSON instead of tables\n"
"  -w, --watch [S]     print again every S seconds (default 1; 0.05 to\n"
"                      3600): on a terminal the tables, refreshed in\n"
"                      place; otherwise, or with --lines, one line per\n"
"                      interval (with --json, one JSON object per line)\n"
"  -L, --lines         --watch: one line per interval, even on a terminal\n"
"  -n, --count N       --watch: stop after N prints (default: until\n"
"                      interrupted)\n"
"  -h, --help          this text\n",
		HVB_HOST_RAM_BASE, HVB_HOST_REGION_PHYS);
}

/*
 * Map region file @path read-only from byte @off (0 for a region file;
 * the region's offset in QEMU's RAM file for the host transport) to its
 * end; HVB_EXIT_OK or a message and FAIL.
 */
static int hvb_stat_map_file(const char *path, __u64 off, void **region,
			     size_t *size)
{
	struct stat st;
	void *mem;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hvbridge: error: cannot open %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return HVB_EXIT_FAIL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		fprintf(stderr, "hvbridge: error: %s is not a region file\n",
			path);
		close(fd);
		return HVB_EXIT_FAIL;
	}
	if (off >= (__u64)st.st_size || off % (__u64)sysconf(_SC_PAGESIZE)) {
		fprintf(stderr, "hvbridge: error: %s: the region's offset 0x%llx is not a page inside the file (0x%llx bytes)\n",
			path, (unsigned long long)off,
			(unsigned long long)st.st_size);
		close(fd);
		return HVB_EXIT_FAIL;
	}
	mem = mmap(NULL, (size_t)((__u64)st.st_size - off), PROT_READ,
		   MAP_SHARED, fd, (off_t)off);
	close(fd);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "hvbridge: error: cannot map %s: %s\n", path,
			strerror(errno));
		return HVB_EXIT_FAIL;
	}
	*region = mem;
	*size = (size_t)((__u64)st.st_size - off);
	return HVB_EXIT_OK;
}

/*
 * Map hvbridge.ko's region read-only through device @path, without the
 * daemon role (the module refuses a writable mapping to such a file).
 */
static int hvb_stat_map_kmod(const char *path, void **region, size_t *size,
			     __u64 *formatted_ns, __u32 *timeout_ms)
{
	struct hvb_ioc_info info;
	char why[256];
	void *mem;
	int fd;

	fd = hvb_kmod_ctl_open(path, why, sizeof(why));
	if (fd < 0) {
		fprintf(stderr, "hvbridge: error: %s\n", why);
		return HVB_EXIT_FAIL;
	}
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, HVB_IOC_INFO, &info)) {
		fprintf(stderr, "hvbridge: error: %s: HVB_IOC_INFO failed: %s%s\n",
			path, strerror(errno),
			errno == ENOTTY ? " (not hvbridge.ko's device?)" : "");
		close(fd);
		return HVB_EXIT_FAIL;
	}
	if (!info.region_size || info.region_size > SIZE_MAX) {
		fprintf(stderr, "hvbridge: error: %s: the module reports a region of 0x%llx bytes\n",
			path, (unsigned long long)info.region_size);
		close(fd);
		return HVB_EXIT_FAIL;
	}
	mem = mmap(NULL, (size_t)info.region_size, PROT_READ, MAP_SHARED, fd,
		   (off_t)HVB_MMAP_REGION);
	close(fd);	/* the mapping keeps the file */
	if (mem == MAP_FAILED) {
		fprintf(stderr, "hvbridge: error: cannot map the region of %s read-only: %s\n",
			path, strerror(errno));
		return HVB_EXIT_FAIL;
	}
	*region = mem;
	*size = (size_t)info.region_size;
	*formatted_ns = info.formatted_ns;
	*timeout_ms = info.timeout_ms;
	return HVB_EXIT_OK;
}

static int hvb_stat_misuse(const char *msg)
{
	fprintf(stderr, "hvbridge stat: %s\nTry 'hvbridge stat --help'.\n",
		msg);
	return HVB_EXIT_USAGE;
}

/* What one print of `stat` looks at. */
struct hvb_stat_view {
	const char *path;		/* the region, as named */
	void *region;
	const struct hvb_region_header *h;	/* as checked, once */
	const char *dir;		/* the daemon's run files */
	__u64 formatted_ns;		/* the counters' zero; 0: not known */
	__u32 timeout_ms;		/* the channel's; 0: not known */
	bool json;
};

/* Print once: the tables, or pretty JSON (@compact: on one line). */
static int hvb_stat_once(const struct hvb_stat_view *v,
			 const struct hvb_stat_devs *sd, bool compact)
{
	if (v->json) {
		cJSON *root = hvb_stat_json(v->path, v->region, v->h,
					    v->formatted_ns, v->timeout_ms, sd);
		char *text = !root ? NULL : compact ?
			     cJSON_PrintUnformatted(root) : cJSON_Print(root);

		if (!text) {
			fprintf(stderr, "hvbridge: error: out of memory\n");
			cJSON_Delete(root);
			return HVB_EXIT_FAIL;
		}
		printf("%s\n", text);
		free(text);
		cJSON_Delete(root);
		return HVB_EXIT_OK;
	}
	hvb_stat_print(v->path, v->region, v->h, v->formatted_ns,
		       v->timeout_ms);
	printf("\n");
	hvb_stat_devs_print(sd, stdout);
	return HVB_EXIT_OK;
}

/* The region-wide numbers of a --watch line. */
struct hvb_stat_line {
	__u64 sync, served, errors, timeouts, kicks, heartbeat;
	__u32 state;
};

static void hvb_stat_line_take(const struct hvb_stat_view *v,
			       struct hvb_stat_line *l)
{
	__u64 c[HVB_STAT_COLS], d[HVB_DSTAT_COLS];
	__u32 cpu;

	memset(l, 0, sizeof(*l));
	for (cpu = 0; cpu < v->h->nr_cpus; cpu++) {
		hvb_stat_cpu(v->region, v->h, cpu, c);
		l->sync += c[0];
		l->errors += c[3];
		l->timeouts += c[4];
	}
	hvb_stat_daemon(v->region, d);
	l->served = d[0];
	l->kicks = d[4];
	l->heartbeat = d[9];
	l->state = hvb_read_once_u32(&hvb_region_wake(v->region)->
				     consumer_state);
}

/* " NAME=N(+d)", the delta only when there is a previous line. */
static void hvb_stat_line_num(const char *name, __u64 now, const __u64 *prev)
{
	printf(" %s=%llu", name, (unsigned long long)now);
	if (prev)
		printf("(+%llu)", (unsigned long long)(now - *prev));
}

static void hvb_stat_line_print(const struct hvb_stat_line *l,
				const struct hvb_stat_line *p,
				const struct hvb_stat_devs *sd,
				const struct hvb_stat_devs *psd)
{
	struct timespec ts;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	hvb_stat_time((__u64)ts.tv_sec * 1000000000ull, when, sizeof(when));
	printf("%s consumer=%s", when, hvb_stat_state(l->state));
	hvb_stat_line_num("sync", l->sync, p ? &p->sync : NULL);
	hvb_stat_line_num("served", l->served, p ? &p->served : NULL);
	hvb_stat_line_num("err_resp", l->errors, p ? &p->errors : NULL);
	hvb_stat_line_num("timeouts", l->timeouts, p ? &p->timeouts : NULL);
	hvb_stat_line_num("kicks", l->kicks, p ? &p->kicks : NULL);
	printf(" heartbeat=%llu", (unsigned long long)l->heartbeat);
	hvb_stat_devs_line(sd, psd, stdout);
	printf("\n");
}

/*
 * --watch: print every @interval_ms, @count times (0: until killed).
 * On a terminal the whole view is redrawn in place; otherwise (or with
 * @lines) one line per interval, which suits a log.
 */
static int hvb_stat_watch(const struct hvb_stat_view *v, __u64 interval_ms,
			  __u64 count, bool lines)
{
	static struct hvb_stat_devs sd[2];
	struct hvb_stat_line l[2];
	struct timespec step = {
		(time_t)(interval_ms / 1000),
		(long)(interval_ms % 1000) * 1000000L,
	};
	bool redraw = !lines && !v->json && isatty(STDOUT_FILENO);
	__u64 i;
	int err;

	for (i = 0; !count || i < count; i++) {
		unsigned int cur = i & 1;
		bool has_prev = i > 0;

		if (i)
			nanosleep(&step, NULL);
		/* Each time afresh: a new daemon puts a new file in place. */
		hvb_stat_devs_take(&sd[cur], v->dir, v->path);
		if (redraw) {
			printf("\033[H\033[2J");
			err = hvb_stat_once(v, &sd[cur], false);
			printf("\nevery %llu.%03llu s; Ctrl-C to stop\n",
			       (unsigned long long)(interval_ms / 1000),
			       (unsigned long long)(interval_ms % 1000));
		} else if (v->json) {
			err = hvb_stat_once(v, &sd[cur], true);
		} else {
			hvb_stat_line_take(v, &l[cur]);
			hvb_stat_line_print(&l[cur],
					    has_prev ? &l[!cur] : NULL,
					    &sd[cur],
					    has_prev ? &sd[!cur] : NULL);
			err = HVB_EXIT_OK;
		}
		if (err)
			return err;
		fflush(stdout);
	}
	return HVB_EXIT_OK;
}

/* --watch's optional SECONDS: "--watch=2", "-w2", or "--watch 2" when
 * the next word is a number.  Returns milliseconds, or 0 if bad. */
static __u64 hvb_stat_interval(const char *arg)
{
	char *end;
	double s;

	if (!arg)
		return 1000;
	s = strtod(arg, &end);
	if (end == arg || *end || !(s >= 0.05 && s <= 3600))
		return 0;
	return (__u64)(s * 1000 + 0.5);
}

static bool hvb_stat_is_number(const char *s)
{
	return s && ((*s >= '0' && *s <= '9') || (*s == '.' && s[1]));
}

/* Long options without a short one. */
enum {
	OPT_STAT_MEM = 0x100,
	OPT_STAT_RAM_BASE,
	OPT_STAT_REGION_PHYS,
};

int hvb_cmd_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "transport", required_argument, NULL, 't' },
		{ "region", required_argument, NULL, 'r' },
		{ "device", required_argument, NULL, 'd' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", optional_argument, NULL, 'w' },
		{ "lines", no_argument, NULL, 'L' },
		{ "count", required_argument, NULL, 'n' },
		{ "mem", required_argument, NULL, OPT_STAT_MEM },
		{ "ram-base", required_argument, NULL, OPT_STAT_RAM_BASE },
		{ "region-phys", required_argument, NULL,
		  OPT_STAT_REGION_PHYS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *device = NULL, *transport = "sim";
	const char *mem = NULL;
	__u64 ram_base = HVB_HOST_RAM_BASE;
	__u64 region_phys = HVB_HOST_REGION_PHYS;
	bool has_layout = false, host;
	__u64 region_size;
	const char *dir = hvb_vstate_default_dir(), *watch_arg = NULL;
	__u64 formatted_ns = 0;
	__u32 timeout_ms = 0;
	struct hvb_region_header hdr;
	struct hvb_stat_view view;
	bool json = false, kmod, watch = false, lines = false;
	__u64 interval_ms = 0, count = 0;
	static struct hvb_stat_devs sd;
	size_t size;
	void *region;
	int opt, err;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":t:r:d:S:jw::Ln:h", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 't':
			transport = optarg;
			break;
		case 'r':
			path = optarg;
			break;
		case 'd':
			device = optarg;
			break;
		case 'S':
			dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'w':
			watch = true;
			watch_arg = optarg;
			if (!optarg && optind < argc &&
			    hvb_stat_is_number(argv[optind]))
				watch_arg = argv[optind++];
			interval_ms = hvb_stat_interval(watch_arg);
			if (!interval_ms) {
				fprintf(stderr, "hvbridge stat: bad value '%s' for --watch (seconds, 0.05 to 3600)\n"
						"Try 'hvbridge stat --help'.\n",
					watch_arg);
				return HVB_EXIT_USAGE;
			}
			break;
		case 'L':
			lines = true;
			break;
		case 'n':
			if (!hvb_parse_u64(optarg, &count) || !count) {
				fprintf(stderr, "hvbridge stat: bad value '%s' for --count\n"
						"Try 'hvbridge stat --help'.\n",
					optarg);
				return HVB_EXIT_USAGE;
			}
			break;
		case OPT_STAT_MEM:
			mem = optarg;
			break;
		case OPT_STAT_RAM_BASE:
		case OPT_STAT_REGION_PHYS:
			if (!hvb_parse_u64(optarg, opt == OPT_STAT_RAM_BASE ?
					   &ram_base : &region_phys)) {
				fprintf(stderr, "hvbridge stat: bad value '%s' for --%s\n"
						"Try 'hvbridge stat --help'.\n",
					optarg, opt == OPT_STAT_RAM_BASE ?
					"ram-base" : "region-phys");
				return HVB_EXIT_USAGE;
			}
			has_layout = true;
			break;
		case 'h':
			hvb_stat_usage(stdout);
			return HVB_EXIT_OK;
		default:
			return hvb_usage_error("stat", opt, argv);
		}
	}
	if (optind < argc)
		return hvb_usage_error("stat", 0, argv);
	if ((lines || count) && !watch)
		return hvb_stat_misuse("--lines and --count are for --watch");
	kmod = !strcmp(transport, "kmod");
	host = !strcmp(transport, "host");
	if (!kmod && !host && strcmp(transport, "sim")) {
		fprintf(stderr, "hvbridge stat: transport '%s': stat reads a region file (sim), hvbridge.ko's region (kmod) or QEMU's RAM file (host)\n"
				"Try 'hvbridge stat --help'.\n", transport);
		return HVB_EXIT_USAGE;
	}
	if (!host && (mem || has_layout))
		return hvb_stat_misuse("--mem, --ram-base and --region-phys are for the host transport");
	if (host && (path || device))
		return hvb_stat_misuse("the host transport finds the region in --mem FILE at --region-phys");
	if (host && !mem)
		return hvb_stat_misuse("--mem is required for the host transport");
	if (host && (region_phys < ram_base))
		return hvb_stat_misuse("--region-phys is below --ram-base");
	if (kmod && path)
		return hvb_stat_misuse("--region is for a region file; the kmod transport takes --device");
	if (!kmod && device)
		return hvb_stat_misuse("--device is for the kmod transport");
	if (!kmod && !host && !path)
		return hvb_stat_misuse("--region is required (or --transport kmod)");
	if (host) {
		path = mem;
		err = hvb_stat_map_file(path, region_phys - ram_base, &region,
					&size);
	} else if (kmod) {
		path = device ? device : HVB_DEVICE_PATH;
		err = hvb_stat_map_kmod(path, &region, &size, &formatted_ns,
					&timeout_ms);
	} else {
		err = hvb_stat_map_file(path, 0, &region, &size);
	}
	if (err)
		return err;
	/* A region file is the region; QEMU's RAM goes on past it, so
	 * there the header's own size is the region's (one past the
	 * mapping is a wrong region, which the check below names). */
	region_size = size;
	if (host) {
		region_size = hvb_read_once_u64(
			&((const struct hvb_region_header *)region)->region_size);
		if (!region_size || region_size > size)
			region_size = size;
	}
	/* The header as checked is all we use of it: whoever writes the
	 * region (a simulation, a hostile creator) may change it while we
	 * read the counters. */
	err = hvb_region_attach_header(region, region_size, &hdr);
	if (err) {
		fprintf(stderr, "hvbridge: error: %s: %s\n", path,
			hvb_region_strerror(err));
		munmap(region, size);
		return HVB_EXIT_FAIL;
	}
	view = (struct hvb_stat_view){
		.path = path, .region = region, .h = &hdr, .dir = dir,
		.formatted_ns = formatted_ns, .timeout_ms = timeout_ms,
		.json = json,
	};
	if (watch) {
		err = hvb_stat_watch(&view, interval_ms, count, lines);
	} else {
		hvb_stat_devs_take(&sd, dir, path);
		err = hvb_stat_once(&view, &sd, false);
	}
	munmap(region, size);
	return err;
}
