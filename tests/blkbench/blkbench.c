// SPDX-License-Identifier: MIT
/*
 * Description: virtio-blk benchmark (GitHub issue 3, section 6): 4 KiB
 * random reads at queue depth 1 and 32 through the whole host
 * simulation - the guest driver of tests/virtio on this thread, the real
 * producer and channel, the consumer thread, the device and its io_uring
 * I/O thread - against fio reading the same image file directly with
 * io_uring, in the same run.  Both sides read through the page cache
 * (fio --direct=0; the device opens the image without O_DIRECT), after
 * one pass that warms it, and fio is told not to drop it
 * (--invalidate=0, not its default), so the figure is the cost of the
 * path, not of the disk.  Writes build/bench/blk.json and prints a table.
 *
 *   bench-blk [--quick] [--json PATH] [--img PATH] [--seconds N]
 *
 * Reports, never fails on a slow machine: it fails only when a request
 * goes wrong or the environment cannot be set up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <linux/virtio_blk.h>

#include "blkenv.h"

#define BB_IMG_SIZE	(256ull << 20)
#define BB_BLOCK	4096u
#define BB_BLOCKS	(BB_IMG_SIZE / BB_BLOCK)
#define BB_DEPTH_MAX	32u
#define BB_MEM_SIZE	(4ull << 20)
#define BB_MAX_SAMPLES	(4u << 20)

struct bb_result {
	double iops;
	double p99_us;
	bool ok;
};

static __u64 bb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static __u64 bb_rand(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int bb_cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* A 256 MiB image of non-zero data (holes would read faster than
 * data), then read once so both sides start from a warm page cache. */
static int bb_make_image(const char *path)
{
	static __u8 chunk[1 << 20];
	__u64 seed = 42, done;
	size_t i;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	for (done = 0; done < BB_IMG_SIZE; done += sizeof(chunk)) {
		for (i = 0; i < sizeof(chunk); i += 8) {
			__u64 v = bb_rand(&seed);

			memcpy(chunk + i, &v, 8);
		}
		if (write(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk)) {
			close(fd);
			return -EIO;
		}
	}
	lseek(fd, 0, SEEK_SET);
	while (read(fd, chunk, sizeof(chunk)) > 0)
		;
	close(fd);
	return 0;
}

/*
 * Ours: @depth 4 KiB random reads in flight for @seconds, each slot
 * refilled as soon as it completes.  Latency is submission to the
 * guest seeing the used element.
 */
static int bb_ours(struct blkenv *e, unsigned int depth, double seconds,
		   struct bb_result *res)
{
	static __u32 lat[BB_MAX_SAMPLES];
	__u64 start_ns[BB_DEPTH_MAX], seed = 7 + depth, t0, t1, end, n = 0;
	unsigned int slot, nr_lat = 0;
	__u32 len;
	__u8 st;
	int s;

	t0 = bb_now_ns();
	end = t0 + (__u64)(seconds * 1e9);
	for (slot = 0; slot < depth; slot++) {
		__u64 block = bb_rand(&seed) % BB_BLOCKS;

		start_ns[slot] = bb_now_ns();
		if (blkenv_add(e, slot, VIRTIO_BLK_T_IN, block * 8, BB_BLOCK,
			       1) < 0)
			return -1;
	}
	if (blkenv_kick(e))
		return -1;
	for (;;) {
		s = blkenv_reap(e, 3000, &len, &st);
		t1 = bb_now_ns();
		if (s < 0)
			return -1;
		if (st != VIRTIO_BLK_S_OK || len != BB_BLOCK + 1) {
			snprintf(e->err, sizeof(e->err),
				 "read failed: status %u, length %u", st, len);
			return -1;
		}
		if (nr_lat < BB_MAX_SAMPLES)
			lat[nr_lat++] = (__u32)(t1 - start_ns[s]);
		n++;
		if (t1 >= end)
			break;
		start_ns[s] = t1;
		if (blkenv_add(e, (unsigned int)s, VIRTIO_BLK_T_IN,
			       bb_rand(&seed) % BB_BLOCKS * 8, BB_BLOCK,
			       1) < 0 || blkenv_kick(e))
			return -1;
	}
	/* Drain what is still in flight (not counted). */
	for (slot = 1; slot < depth; slot++)
		if (blkenv_reap(e, 3000, NULL, NULL) < 0)
			return -1;
	res->iops = (double)n / ((double)(t1 - t0) / 1e9);
	qsort(lat, nr_lat, sizeof(lat[0]), bb_cmp_u32);
	res->p99_us = nr_lat ? lat[(size_t)((nr_lat - 1) * 0.99)] / 1e3 : 0;
	res->ok = true;
	return 0;
}

/* fio on the image directly, same block size, depth and cache mode. */
static void bb_fio(const char *img, unsigned int depth, double seconds,
		   struct bb_result *res)
{
	char cmd[1024], *out = NULL;
	size_t cap = 0, used = 0;
	const cJSON *read, *pct, *p99;
	cJSON *root;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "fio --name=bench-blk --filename=%s --rw=randread --bs=4k "
		 "--iodepth=%u --ioengine=io_uring --direct=0 --invalidate=0 "
		 "--runtime=%.0f "
		 "--time_based --randrepeat=0 --lat_percentiles=1 "
		 "--output-format=json "
		 "2>/dev/null", img, depth, seconds < 1 ? 1 : seconds);
	f = popen(cmd, "r");
	if (!f)
		return;
	for (;;) {
		if (used + 4096 > cap) {
			char *n = realloc(out, cap + 65536);

			if (!n)
				break;
			out = n;
			cap += 65536;
		}
		size_t got = fread(out + used, 1, cap - used - 1, f);

		if (!got)
			break;
		used += got;
	}
	pclose(f);
	if (!out)
		return;
	out[used] = 0;
	root = cJSON_Parse(out);
	free(out);
	read = cJSON_GetObjectItem(cJSON_GetArrayItem(
			cJSON_GetObjectItem(root, "jobs"), 0), "read");
	/* Total latency, submission to completion, as ours is measured
	 * (clat would leave out the submission). */
	pct = cJSON_GetObjectItem(cJSON_GetObjectItem(read, "lat_ns"),
				  "percentile");
	p99 = cJSON_GetObjectItem(pct, "99.000000");
	if (cJSON_IsNumber(cJSON_GetObjectItem(read, "iops"))) {
		res->iops = cJSON_GetObjectItem(read, "iops")->valuedouble;
		res->p99_us = cJSON_IsNumber(p99) ? p99->valuedouble / 1e3 : 0;
		res->ok = res->iops > 0;
	}
	cJSON_Delete(root);
}

static void bb_json_num(cJSON *o, const char *key, bool ok, double v)
{
	if (ok)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static int bb_write_json(const char *path, const struct bb_result *ours,
			 const struct bb_result *fio, double seconds)
{
	cJSON *o = cJSON_CreateObject();
	char *text;
	FILE *f;
	int err = 0;

	cJSON_AddStringToObject(o, "bench", "virtio-blk 4k randread");
	cJSON_AddStringToObject(o, "cache", "buffered (fio --direct=0)");
	cJSON_AddNumberToObject(o, "image_mib", (double)(BB_IMG_SIZE >> 20));
	cJSON_AddNumberToObject(o, "seconds", seconds);
	bb_json_num(o, "iops_qd1", ours[0].ok, ours[0].iops);
	bb_json_num(o, "iops_qd32", ours[1].ok, ours[1].iops);
	bb_json_num(o, "p99_us_qd1", ours[0].ok, ours[0].p99_us);
	bb_json_num(o, "p99_us_qd32", ours[1].ok, ours[1].p99_us);
	bb_json_num(o, "fio_iops_qd1", fio[0].ok, fio[0].iops);
	bb_json_num(o, "fio_iops_qd32", fio[1].ok, fio[1].iops);
	bb_json_num(o, "fio_p99_us_qd1", fio[0].ok, fio[0].p99_us);
	bb_json_num(o, "fio_p99_us_qd32", fio[1].ok, fio[1].p99_us);
	bb_json_num(o, "ratio_qd1", ours[0].ok && fio[0].ok,
		    ours[0].iops / fio[0].iops);
	bb_json_num(o, "ratio_qd32", ours[1].ok && fio[1].ok,
		    ours[1].iops / fio[1].iops);
	text = cJSON_Print(o);
	f = fopen(path, "w");
	if (!f || !text || fprintf(f, "%s\n", text) < 0)
		err = -1;
	if (f && fclose(f))
		err = -1;
	free(text);
	cJSON_Delete(o);
	return err;
}

int main(int argc, char **argv)
{
	const char *json = "build/bench/blk.json", *img = "build/bench/blk.img";
	static const unsigned int depth[2] = { 1, BB_DEPTH_MAX };
	struct bb_result ours[2] = { { 0 } }, fio[2] = { { 0 } };
	static struct blkenv env;
	double seconds = 3;
	char opts[512];
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			seconds = 1;
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--img") && i + 1 < argc)
			img = argv[++i];
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--quick] [--json PATH] [--img PATH] [--seconds N]\n",
				argv[0]);
			return 2;
		}
	}
	if (seconds <= 0)
		seconds = 1;
	err = bb_make_image(img);
	if (err) {
		fprintf(stderr, "bench-blk: image %s: %s\n", img,
			strerror(-err));
		return 1;
	}
	snprintf(opts, sizeof(opts), "{ \"img\": \"%s\" }", img);
	/* The daemon's own spin budget: this is its configuration. */
	if (blkenv_start(&env, opts, BB_MEM_SIZE, 0) ||
	    blkenv_init_driver(&env, (1ull << VIRTIO_F_VERSION_1) |
			       (1ull << VIRTIO_RING_F_EVENT_IDX) |
			       (1ull << VIRTIO_BLK_F_FLUSH) |
			       (1ull << VIRTIO_BLK_F_SEG_MAX) |
			       (1ull << VIRTIO_BLK_F_BLK_SIZE), 128,
			       BB_DEPTH_MAX, BB_BLOCK)) {
		fprintf(stderr, "bench-blk: %s\n", env.err);
		blkenv_stop(&env);
		unlink(img);
		return 1;
	}
	/* A hypervisor posts QueueNotify; the guest does not wait. */
	env.drv.posted_kicks = true;
	for (i = 0; i < 2; i++) {
		if (bb_ours(&env, depth[i], seconds, &ours[i])) {
			fprintf(stderr, "bench-blk: qd%u: %s\n", depth[i],
				env.err);
			blkenv_stop(&env);
			unlink(img);
			return 1;
		}
	}
	blkenv_stop(&env);
	for (i = 0; i < 2; i++)
		bb_fio(img, depth[i], seconds, &fio[i]);
	unlink(img);

	printf("virtio-blk, 4 KiB random reads, %llu MiB image, page cache, %.0f s each\n",
	       (unsigned long long)(BB_IMG_SIZE >> 20), seconds);
	printf("%-6s %12s %10s %12s %10s %8s\n", "depth", "ours IOPS",
	       "p99 us", "fio IOPS", "p99 us", "ratio");
	for (i = 0; i < 2; i++) {
		if (fio[i].ok)
			printf("qd%-4u %12.0f %10.1f %12.0f %10.1f %8.2f\n",
			       depth[i], ours[i].iops, ours[i].p99_us,
			       fio[i].iops, fio[i].p99_us,
			       ours[i].iops / fio[i].iops);
		else
			printf("qd%-4u %12.0f %10.1f %12s %10s %8s\n",
			       depth[i], ours[i].iops, ours[i].p99_us,
			       "(no fio)", "-", "-");
	}
	if (fio[1].ok)
		printf("target: qd32 within 2x of fio (ratio >= 0.5): %s\n",
		       ours[1].iops / fio[1].iops >= 0.5 ? "met" : "NOT met");
	if (bb_write_json(json, ours, fio, seconds)) {
		fprintf(stderr, "bench-blk: cannot write %s\n", json);
		return 1;
	}
	printf("wrote %s\n", json);
	return 0;
}
