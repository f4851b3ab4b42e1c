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
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hvbridge/kmod-ioctl.h>
#include <hvbridge/region.h>

#include "claim.h"
#include "daemon.h"
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

#define HVB_DSTAT_COLS 10

static const char *const hvb_dstat_names[HVB_DSTAT_COLS] = {
	"served", "malformed", "no_device", "kick_rounds", "kicks",
	"sleeps", "wakeups", "empty_wakeups", "attach_scans", "heartbeat",
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

static void hvb_stat_print(const char *path, void *region,
			   const struct hvb_region_header *h)
{
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
	printf("\n(sync_req..timeouts: producer side; served..torn: daemon side)\n\n");

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
	printf("\n");
}

/* cJSON numbers are doubles: exact up to 2^53, far beyond any counter
 * a run reaches. */
static void hvb_stat_json_u64(cJSON *obj, const char *name, __u64 v)
{
	cJSON_AddNumberToObject(obj, name, (double)v);
}

static cJSON *hvb_stat_json(const char *path, void *region,
			    const struct hvb_region_header *h)
{
	const struct hvb_wake *w = hvb_region_wake(region);
	__u64 v[HVB_STAT_COLS], d[HVB_DSTAT_COLS];
	cJSON *root = cJSON_CreateObject(), *obj, *arr, *cpuj;
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
		cJSON_AddItemToArray(arr, cpuj);
	}

	hvb_stat_latency(region, h->nr_cpus, &lat);
	obj = cJSON_AddObjectToObject(root, "latency");
	hvb_stat_json_u64(obj, "round_trips", lat.count);
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
	return root;
}

static void hvb_stat_usage(FILE *f)
{
	fprintf(f,
"Usage: hvbridge stat [--transport sim] --region PATH [--json]\n"
"       hvbridge stat --transport kmod [--device PATH] [--json]\n"
"\n"
"Print a channel region's counters: per CPU, the producer's (sync\n"
"requests, kicks, wakes, error responses, timeouts) and the daemon's\n"
"(served, served with an error, torn reads); the daemon-wide counters;\n"
"the consumer's state, pid and epoch; and round-trip latency p50/p90/p99.\n"
"The percentiles come from a power-of-two histogram and are the upper\n"
"bounds of the buckets they fall in.  Read-only, safe beside a daemon.\n"
"\n"
"  -t, --transport T   sim (default): the region is the file --region\n"
"                      names; kmod: hvbridge.ko's region, in the root\n"
"                      zone, mapped read-only beside the daemon\n"
"  -r, --region PATH   the region file (sim)\n"
"  -d, --device PATH   the module's device (kmod; default " HVB_DEVICE_PATH ")\n"
"  -j, --json          print JSON instead of tables\n"
"  -h, --help          this text\n");
}

/* Map region file @path read-only; HVB_EXIT_OK or a message and FAIL. */
static int hvb_stat_map_file(const char *path, void **region, size_t *size)
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
	mem = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "hvbridge: error: cannot map %s: %s\n", path,
			strerror(errno));
		return HVB_EXIT_FAIL;
	}
	*region = mem;
	*size = (size_t)st.st_size;
	return HVB_EXIT_OK;
}

/*
 * Map hvbridge.ko's region read-only through device @path, without the
 * daemon role (the module refuses a writable mapping to such a file).
 */
static int hvb_stat_map_kmod(const char *path, void **region, size_t *size)
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
	return HVB_EXIT_OK;
}

static int hvb_stat_misuse(const char *msg)
{
	fprintf(stderr, "hvbridge stat: %s\nTry 'hvbridge stat --help'.\n",
		msg);
	return HVB_EXIT_USAGE;
}

int hvb_cmd_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "transport", required_argument, NULL, 't' },
		{ "region", required_argument, NULL, 'r' },
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *device = NULL, *transport = "sim";
	struct hvb_region_header hdr;
	bool json = false, kmod;
	size_t size;
	void *region;
	int opt, err;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":t:r:d:jh", opts, NULL)) != -1) {
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
		case 'j':
			json = true;
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
	kmod = !strcmp(transport, "kmod");
	if (!kmod && strcmp(transport, "sim")) {
		fprintf(stderr, "hvbridge stat: transport '%s': stat reads a region file (sim) or hvbridge.ko's region (kmod)\n"
				"Try 'hvbridge stat --help'.\n", transport);
		return HVB_EXIT_USAGE;
	}
	if (kmod && path)
		return hvb_stat_misuse("--region is for a region file; the kmod transport takes --device");
	if (!kmod && device)
		return hvb_stat_misuse("--device is for the kmod transport");
	if (!kmod && !path)
		return hvb_stat_misuse("--region is required (or --transport kmod)");
	if (kmod) {
		path = device ? device : HVB_DEVICE_PATH;
		err = hvb_stat_map_kmod(path, &region, &size);
	} else {
		err = hvb_stat_map_file(path, &region, &size);
	}
	if (err)
		return err;
	/* The header as checked is all we use of it: whoever writes the
	 * region (a simulation, a hostile creator) may change it while we
	 * read the counters. */
	err = hvb_region_attach_header(region, (__u64)size, &hdr);
	if (err) {
		fprintf(stderr, "hvbridge: error: %s: %s\n", path,
			hvb_region_strerror(err));
		munmap(region, size);
		return HVB_EXIT_FAIL;
	}
	if (json) {
		cJSON *root = hvb_stat_json(path, region, &hdr);
		char *text = root ? cJSON_Print(root) : NULL;

		if (!text) {
			fprintf(stderr, "hvbridge: error: out of memory\n");
			cJSON_Delete(root);
			munmap(region, size);
			return HVB_EXIT_FAIL;
		}
		printf("%s\n", text);
		free(text);
		cJSON_Delete(root);
	} else {
		hvb_stat_print(path, region, &hdr);
	}
	munmap(region, size);
	return HVB_EXIT_OK;
}
