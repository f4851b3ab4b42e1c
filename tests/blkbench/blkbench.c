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
 *             [--rounds N] [--consumer-spin N]
 *
 * Ours and fio take turns: each round runs, per depth, ours and fio one
 * after the other (ours first in even rounds, fio first in odd ones, so
 * neither always has the warmer or the calmer slot), and a ratio is the
 * median of the rounds' paired ratios.  On a virtual machine whose
 * vCPUs the host moves, a point's IOPS moves by 2x between runs of the
 * same binary; a ratio of two figures taken 20 s apart measured that,
 * not the path (docs/performance.md).  --rounds: 3 by default.
 *
 * --consumer-spin: the consumer's spin budget (empty polls before it
 * sleeps); 0, the default, is the daemon's own idling (adaptive,
 * docs/daemon.md, "Idling"); 1 sleeps after every empty poll, as this
 * benchmark did before issue 14 by mistake.
 *
 * Reports, never fails on a slow machine: it fails only when a request
 * goes wrong or the environment cannot be set up.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <linux/virtio_blk.h>

#include <hvbridge/barrier.h>

#include "blkenv.h"
#include "virtio/blk.h"

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

#define BB_ROUNDS_MAX	15u
/* The points of a round: ours at depth 1 and 32, ours at depth 1 with
 * the fast path off, and fio at depth 1 and 32. */
enum { BB_QD1, BB_QD32, BB_QD1_SLOW, BB_OURS_NR };
enum { BB_FIO_QD1, BB_FIO_QD32, BB_FIO_NR };

/*
 * The depth-1 breakdown (docs/performance.md): stage name, and the
 * stamps it lies between.  Guest-side stamps are the benchmark's own;
 * the device's come from struct blk_trace.  The stages marked in_sum
 * follow one another on the request's path and add up to its total;
 * the interrupt is decided on the device's thread while the guest is
 * already looking at the used ring, so it is reported beside them.
 */
enum bb_mark {
	BB_M_START,		/* guest: before it adds the chain */
	BB_M_KICK,		/* guest: chain added, kick next */
	BB_M_NOTIFY,		/* device stamps, as enum blk_stamp */
	BB_M_WAKE,
	BB_M_IO_START,
	BB_M_IO_END,
	BB_M_PUSHED,
	BB_M_NOTIFIED,
	BB_M_END,		/* guest: saw the used element */
	BB_M_NR
};

struct bb_stage {
	const char *name;
	enum bb_mark from, to;
	bool in_sum;
	const char *what;
};

static const struct bb_stage bb_stages[] = {
	{ "guest_add", BB_M_START, BB_M_KICK, true,
	  "guest driver: header, descriptors, avail entry" },
	/* One stage from the kick on: the consumer thread often takes the
	 * kick bit before the guest's call returns (the guest thread is
	 * preempted), so a stamp after the call would make it negative. */
	{ "channel", BB_M_KICK, BB_M_NOTIFY, true,
	  "posted kick (the trap's stand-in), consumer finds it, notify()" },
	{ "thread_handoff", BB_M_NOTIFY, BB_M_WAKE, true,
	  "eventfd write to the I/O thread, until it runs" },
	{ "pop_check", BB_M_WAKE, BB_M_IO_START, true,
	  "pop the chain (in-flight record), check the request" },
	{ "io", BB_M_IO_START, BB_M_IO_END, true,
	  "the read: io_uring submit + completion, or inline preadv2" },
	{ "used_ring", BB_M_IO_END, BB_M_PUSHED, true,
	  "status byte, used element, used->idx, in-flight record" },
	{ "guest_sees", BB_M_PUSHED, BB_M_END, true,
	  "guest polling used->idx until it sees the element" },
	{ "interrupt", BB_M_PUSHED, BB_M_NOTIFIED, false,
	  "EVENT_IDX check (and raise, if owed); beside guest_sees" },
};

#define BB_NR_STAGES	(sizeof(bb_stages) / sizeof(bb_stages[0]))

struct bb_breakdown {
	double mean_ns[BB_NR_STAGES];
	double total_ns;	/* mean of START -> END */
	__u64 samples;
	__u64 inline_samples;	/* served without the I/O thread */
	__u64 unkicked_samples;	/* found by the device without a kick */
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

static int bb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values (sorts them). */
static double bb_median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), bb_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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

/*
 * The breakdown pass: depth 1 for @seconds with the device's stamps on
 * (struct blk_trace).  A pass of its own, so that the stamps (about ten
 * clock_gettime() calls a request, each some 20-50 ns through the vDSO)
 * do not touch the IOPS figure; its own mean total is printed beside
 * that figure's so the distortion shows.
 */
static int bb_breakdown(struct blkenv *e, double seconds,
			struct bb_breakdown *out)
{
	struct blk *b = hvb_virtio_from_device(e->dev)->priv;
	static struct blk_trace trace;
	double sum[BB_NR_STAGES] = { 0 }, total = 0;
	__u64 m[BB_M_NR], seed = 99, end, n = 0, spins;
	__u32 len, done;
	unsigned int i;
	__u8 st;
	int s;

	memset(&trace, 0, sizeof(trace));
	/* The queue is idle: the kick of the first request orders this
	 * store before the device's first look at it. */
	__atomic_store_n(&b->trace, &trace, __ATOMIC_RELEASE);
	end = bb_now_ns() + (__u64)(seconds * 1e9);
	do {
		done = __atomic_load_n(&trace.done, __ATOMIC_ACQUIRE);
		/* No stamp is being written now (the last request's are
		 * done, the device idles until this one): a stage this
		 * request skips reads as 0. */
		for (i = 0; i < BLK_T_NR; i++)
			__atomic_store_n(&trace.t[i], 0, __ATOMIC_RELAXED);
		m[BB_M_START] = bb_now_ns();
		if (blkenv_add(e, 0, VIRTIO_BLK_T_IN,
			       bb_rand(&seed) % BB_BLOCKS * 8, BB_BLOCK, 1) < 0)
			goto fail;
		m[BB_M_KICK] = bb_now_ns();
		if (blkenv_kick(e))
			goto fail;
		s = blkenv_reap(e, 3000, &len, &st);
		m[BB_M_END] = bb_now_ns();
		if (s < 0)
			goto fail;
		if (st != VIRTIO_BLK_S_OK || len != BB_BLOCK + 1) {
			snprintf(e->err, sizeof(e->err),
				 "read failed: status %u, length %u", st, len);
			goto fail;
		}
		/* The interrupt is decided after the push: wait for the
		 * device to finish this request's stamps (Barrier: the
		 * acquire pairs with blk_trace_done()'s release). */
		for (spins = 0;
		     __atomic_load_n(&trace.done, __ATOMIC_ACQUIRE) == done;
		     spins++) {
			if (spins > 100000000ull) {
				snprintf(e->err, sizeof(e->err),
					 "the device's stamps never came");
				goto fail;
			}
			hvb_cpu_relax();
		}
		/* A stage the request skipped (no kick: the device found it
		 * by looking again; no hand-off: served inline) takes no
		 * time; its stamp is the one before it. */
		for (i = 0; i < BLK_T_NR; i++) {
			m[BB_M_NOTIFY + i] = __atomic_load_n(&trace.t[i],
							     __ATOMIC_RELAXED);
			if (!m[BB_M_NOTIFY + i])
				m[BB_M_NOTIFY + i] = m[BB_M_NOTIFY + i - 1];
		}
		if (!__atomic_load_n(&trace.t[BLK_T_NOTIFY], __ATOMIC_RELAXED))
			out->unkicked_samples++;
		if (!__atomic_load_n(&trace.io_thread, __ATOMIC_RELAXED))
			out->inline_samples++;
		for (i = 0; i < BB_NR_STAGES; i++)
			sum[i] += (double)(__s64)(m[bb_stages[i].to] -
						  m[bb_stages[i].from]);
		total += (double)(m[BB_M_END] - m[BB_M_START]);
		n++;
	} while (m[BB_M_END] < end);
	__atomic_store_n(&b->trace, NULL, __ATOMIC_RELEASE);
	for (i = 0; i < BB_NR_STAGES; i++)
		out->mean_ns[i] = sum[i] / (double)n;
	out->total_ns = total / (double)n;
	out->samples = n;
	out->ok = true;
	return 0;
fail:
	__atomic_store_n(&b->trace, NULL, __ATOMIC_RELEASE);
	return -1;
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

/* Whole nanoseconds for the JSON. */
static double bb_ns(double v)
{
	return (double)(long long)(v + (v < 0 ? -0.5 : 0.5));
}

/*
 * What the rounds give: per point the medians of its rounds' IOPS and
 * p99, and per ratio the median of the rounds' paired ratios (ours over
 * the fio run beside it), with each round's ratio.
 */
struct bb_summary {
	struct bb_result ours[BB_OURS_NR], fio[BB_FIO_NR];
	double ratio[BB_OURS_NR];		/* meaningful where ratio_ok */
	bool ratio_ok[BB_OURS_NR];
	double round_ratio[BB_OURS_NR][BB_ROUNDS_MAX];
	unsigned int rounds;
	/* What the device measured at creation and chose (blk.h:
	 * b->io_cached, blk_io_calibrate()). */
	bool io_cached;
	__u32 cal_preadv2_ns, cal_uring_ns;
};

/* Which fio point each of ours is paired with. */
static const unsigned int bb_pair[BB_OURS_NR] = {
	[BB_QD1] = BB_FIO_QD1, [BB_QD32] = BB_FIO_QD32,
	[BB_QD1_SLOW] = BB_FIO_QD1,
};

/* <prefix>iops_<name> and <prefix>p99_us_<name> of one point. */
static void bb_json_point(cJSON *o, const char *prefix, const char *name,
			  const struct bb_result *x)
{
	char key[64];

	snprintf(key, sizeof(key), "%siops_%s", prefix, name);
	bb_json_num(o, key, x->ok, x->iops);
	snprintf(key, sizeof(key), "%sp99_us_%s", prefix, name);
	bb_json_num(o, key, x->ok, x->p99_us);
}

/* ratio_<name>, the median, and ratio_<name>_rounds, each round's. */
static void bb_json_ratio(cJSON *o, const char *name,
			  const struct bb_summary *sum, unsigned int k)
{
	char key[64];
	cJSON *a;
	unsigned int r;

	snprintf(key, sizeof(key), "ratio_%s", name);
	bb_json_num(o, key, sum->ratio_ok[k], sum->ratio[k]);
	snprintf(key, sizeof(key), "ratio_%s_rounds", name);
	if (!sum->ratio_ok[k]) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	a = cJSON_AddArrayToObject(o, key);
	for (r = 0; r < sum->rounds; r++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(
			(double)(long long)(sum->round_ratio[k][r] * 1000 +
					    0.5) / 1000));
}

static int bb_write_json(const char *path, const struct bb_summary *sum,
			 const struct bb_breakdown *bd, double seconds,
			 __u64 spin)
{
	const struct bb_result *ours = sum->ours, *fio = sum->fio;
	cJSON *o = cJSON_CreateObject(), *stages;
	unsigned int i, j;
	char *text;
	FILE *f;
	int err = 0;

	cJSON_AddStringToObject(o, "bench", "virtio-blk 4k randread");
	cJSON_AddStringToObject(o, "cache", "buffered (fio --direct=0)");
	cJSON_AddNumberToObject(o, "image_mib", (double)(BB_IMG_SIZE >> 20));
	cJSON_AddNumberToObject(o, "seconds", seconds);
	cJSON_AddNumberToObject(o, "rounds", sum->rounds);
	cJSON_AddStringToObject(o, "ratio_is",
				"median over the rounds of ours / fio, each round's two runs back to back; IOPS and p99: medians of the rounds");
	/* 0: the daemon's default. */
	cJSON_AddNumberToObject(o, "consumer_spin_budget", (double)spin);
	cJSON_AddBoolToObject(o, "io_thread_cached", sum->io_cached);
	cJSON_AddNumberToObject(o, "io_thread_cal_preadv2_ns",
				sum->cal_preadv2_ns);
	cJSON_AddNumberToObject(o, "io_thread_cal_uring_ns",
				sum->cal_uring_ns);
	bb_json_point(o, "", "qd1", &ours[BB_QD1]);
	bb_json_point(o, "", "qd32", &ours[BB_QD32]);
	bb_json_point(o, "fio_", "qd1", &fio[BB_FIO_QD1]);
	bb_json_point(o, "fio_", "qd32", &fio[BB_FIO_QD32]);
	bb_json_ratio(o, "qd1", sum, BB_QD1);
	bb_json_ratio(o, "qd32", sum, BB_QD32);
	/* The I/O thread's path alone (the fast path off), same rounds. */
	bb_json_point(o, "", "qd1_no_inline", &ours[BB_QD1_SLOW]);
	bb_json_ratio(o, "qd1_no_inline", sum, BB_QD1_SLOW);
	for (j = 0; j < 2; j++) {
		const char *pre = j ? "qd1_no_inline_breakdown" :
				      "qd1_breakdown";
		char key[64];

		snprintf(key, sizeof(key), "%s_ns", pre);
		if (!bd[j].ok) {
			cJSON_AddNullToObject(o, key);
			continue;
		}
		stages = cJSON_AddObjectToObject(o, key);
		for (i = 0; i < BB_NR_STAGES; i++)
			cJSON_AddNumberToObject(stages, bb_stages[i].name,
						bb_ns(bd[j].mean_ns[i]));
		snprintf(key, sizeof(key), "%s_total_ns", pre);
		cJSON_AddNumberToObject(o, key, bb_ns(bd[j].total_ns));
		snprintf(key, sizeof(key), "%s_samples", pre);
		cJSON_AddNumberToObject(o, key, (double)bd[j].samples);
		snprintf(key, sizeof(key), "%s_inline", pre);
		cJSON_AddNumberToObject(o, key, (double)bd[j].inline_samples);
	}
	cJSON_AddStringToObject(o, "qd1_breakdown_method",
				"mean ns per stage over a separate traced depth-1 pass (CLOCK_MONOTONIC stamps); 'interrupt' runs beside 'guest_sees' and is not in the total");
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

static void bb_print_breakdown(const char *title,
			       const struct bb_breakdown *bd,
			       const struct bb_result *qd1)
{
	unsigned int i;

	printf("%s: mean ns per request over %llu traced requests (%llu served inline, %llu found without a kick)\n",
	       title, (unsigned long long)bd->samples,
	       (unsigned long long)bd->inline_samples,
	       (unsigned long long)bd->unkicked_samples);
	for (i = 0; i < BB_NR_STAGES; i++)
		printf("  %-15s %8.0f  %s%s\n", bb_stages[i].name,
		       bd->mean_ns[i], bb_stages[i].what,
		       bb_stages[i].in_sum ? "" : " (not in the total)");
	printf("  %-15s %8.0f  traced; untraced qd1 run: %.0f ns a request\n",
	       "total", bd->total_ns, qd1->ok ? 1e9 / qd1->iops : 0);
}

/* Fail the run: the message, the environment stopped, the image gone. */
static int bb_fail(struct blkenv *e, const char *img, const char *what)
{
	fprintf(stderr, "bench-blk: %s: %s\n", what, e->err);
	blkenv_stop(e);
	unlink(img);
	return 1;
}

/*
 * A vCPU has a CPU of its own, and the daemon's consumer thread another:
 * keep this thread (the guest) on the first CPU @mask allows and the
 * consumer on the second, so the scheduler never puts the two, which
 * both poll, on one core (seen under autogroup scheduling: 100 us a
 * request instead of 4).  The I/O thread, started before (the first
 * kick), keeps @mask.  Nothing when @mask has fewer than two CPUs.
 */
static void bb_pin(struct blkenv *e, const cpu_set_t *mask)
{
	int cpu[2], n = 0, i;
	cpu_set_t one;

	for (i = 0; i < CPU_SETSIZE && n < 2; i++)
		if (CPU_ISSET(i, mask))
			cpu[n++] = i;
	if (n < 2)
		return;
	for (i = 0; i < 2; i++) {
		CPU_ZERO(&one);
		CPU_SET(cpu[i], &one);
		pthread_setaffinity_np(i ? e->thread : pthread_self(),
				       sizeof(one), &one);
	}
}

/* The device's fast path on or off (blk.h: b->fast); the queue idles. */
static void bb_set_fast(struct blkenv *e, bool on)
{
	struct blk *b = hvb_virtio_from_device(e->dev)->priv;

	b->fast = on;
}

static void bb_print_row(const char *name, const struct bb_summary *sum,
			 unsigned int k)
{
	const struct bb_result *ours = &sum->ours[k],
			       *fio = &sum->fio[bb_pair[k]];

	if (sum->ratio_ok[k])
		printf("%-14s %12.0f %10.1f %12.0f %10.1f %8.2f\n", name,
		       ours->iops, ours->p99_us, fio->iops, fio->p99_us,
		       sum->ratio[k]);
	else
		printf("%-14s %12.0f %10.1f %12s %10s %8s\n", name,
		       ours->iops, ours->p99_us, "(no fio)", "-", "-");
}

/* Each round's ratio, for the reader to see how far they agree. */
static void bb_print_rounds(const char *name, const struct bb_summary *sum,
			    unsigned int k)
{
	unsigned int r;

	if (!sum->ratio_ok[k])
		return;
	printf("  %s, each round:", name);
	for (r = 0; r < sum->rounds; r++)
		printf(" %.2f", sum->round_ratio[k][r]);
	printf("\n");
}

/* Medians over @n rounds of @res[r][k] into @out[k], for @nk points;
 * a point is ok only when every round's was. */
static void bb_medians(const struct bb_result *res, unsigned int stride,
		       unsigned int n, unsigned int nk, struct bb_result *out)
{
	double iops[BB_ROUNDS_MAX], p99[BB_ROUNDS_MAX];
	unsigned int r, k;

	for (k = 0; k < nk; k++) {
		out[k].ok = true;
		for (r = 0; r < n; r++) {
			const struct bb_result *x = &res[r * stride + k];

			out[k].ok = out[k].ok && x->ok;
			iops[r] = x->iops;
			p99[r] = x->p99_us;
		}
		out[k].iops = bb_median(iops, n);
		out[k].p99_us = bb_median(p99, n);
	}
}

/* The guest's thread where bb_pin() put it, or where fio may go. */
static void bb_affinity(struct blkenv *e, const cpu_set_t *mask, bool pin)
{
	if (pin)
		bb_pin(e, mask);
	else
		sched_setaffinity(0, sizeof(*mask), mask);
}

int main(int argc, char **argv)
{
	const char *json = "build/bench/blk.json", *img = "build/bench/blk.img";
	static const unsigned int depth[BB_OURS_NR] = {
		[BB_QD1] = 1, [BB_QD32] = BB_DEPTH_MAX, [BB_QD1_SLOW] = 1,
	};
	/* ours: qd1, qd32, and qd1 through the I/O thread (fast path off:
	 * the path before issue 14, measured in the same rounds). */
	static struct bb_result ours[BB_ROUNDS_MAX][BB_OURS_NR],
				fio[BB_ROUNDS_MAX][BB_FIO_NR];
	static struct bb_summary sum;
	cpu_set_t mask;
	static struct bb_breakdown bd[2];
	static struct blkenv env;
	double seconds = 3;
	unsigned int rounds = 3, r, k;
	__u64 spin = 0;
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
		else if (!strcmp(argv[i], "--consumer-spin") && i + 1 < argc)
			spin = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (unsigned int)strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: %s [--quick] [--json PATH] [--img PATH] [--seconds N] [--rounds N] [--consumer-spin N]\n",
				argv[0]);
			return 2;
		}
	}
	if (!rounds || rounds > BB_ROUNDS_MAX) {
		fprintf(stderr, "bench-blk: --rounds: 1 to %u\n",
			BB_ROUNDS_MAX);
		return 2;
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
	/* The daemon's own spin budget unless told: its configuration. */
	if (blkenv_start(&env, opts, BB_MEM_SIZE, spin) ||
	    blkenv_init_driver(&env, (1ull << VIRTIO_F_VERSION_1) |
			       (1ull << VIRTIO_RING_F_EVENT_IDX) |
			       (1ull << VIRTIO_BLK_F_FLUSH) |
			       (1ull << VIRTIO_BLK_F_SEG_MAX) |
			       (1ull << VIRTIO_BLK_F_BLK_SIZE), 128,
			       BB_DEPTH_MAX, BB_BLOCK))
		return bb_fail(&env, img, "start");
	/* A hypervisor posts QueueNotify; the guest does not wait. */
	env.drv.posted_kicks = true;
	{
		const struct blk *b = hvb_virtio_from_device(env.dev)->priv;

		sum.io_cached = b->io_cached;
		sum.cal_preadv2_ns = b->cal_preadv2_ns;
		sum.cal_uring_ns = b->cal_uring_ns;
	}
	if (sched_getaffinity(0, sizeof(mask), &mask)) {
		snprintf(env.err, sizeof(env.err), "%s", strerror(errno));
		return bb_fail(&env, img, "CPU affinity");
	}
	bb_pin(&env, &mask);
	for (r = 0; r < rounds; r++) {
		bool fio_first = r % 2;

		for (k = 0; k < BB_OURS_NR; k++) {
			unsigned int fk = bb_pair[k];

			/* fio at depth 1 is paired with both depth-1
			 * points of ours: run it once, beside the first. */
			if (fio_first && k != BB_QD1_SLOW) {
				bb_affinity(&env, &mask, false);
				bb_fio(img, depth[k], seconds, &fio[r][fk]);
				bb_affinity(&env, &mask, true);
			}
			bb_set_fast(&env, k != BB_QD1_SLOW);
			if (bb_ours(&env, depth[k], seconds, &ours[r][k]))
				return bb_fail(&env, img, k != BB_QD1_SLOW ?
					       "run" : "run, no fast path");
			if (!fio_first && k != BB_QD1_SLOW) {
				bb_affinity(&env, &mask, false);
				bb_fio(img, depth[k], seconds, &fio[r][fk]);
				bb_affinity(&env, &mask, true);
			}
		}
	}
	for (i = 0; i < 2; i++) {
		bb_set_fast(&env, i == 0);
		if (bb_breakdown(&env, seconds, &bd[i]))
			return bb_fail(&env, img, "breakdown");
	}
	bb_set_fast(&env, true);
	blkenv_stop(&env);
	unlink(img);

	sum.rounds = rounds;
	bb_medians(&ours[0][0], BB_OURS_NR, rounds, BB_OURS_NR, sum.ours);
	bb_medians(&fio[0][0], BB_FIO_NR, rounds, BB_FIO_NR, sum.fio);
	for (k = 0; k < BB_OURS_NR; k++) {
		double v[BB_ROUNDS_MAX];

		sum.ratio_ok[k] = sum.ours[k].ok && sum.fio[bb_pair[k]].ok;
		if (!sum.ratio_ok[k])
			continue;
		for (r = 0; r < rounds; r++)
			v[r] = sum.round_ratio[k][r] = ours[r][k].iops /
				fio[r][bb_pair[k]].iops;
		sum.ratio[k] = bb_median(v, rounds);
	}

	printf("virtio-blk, 4 KiB random reads, %llu MiB image, page cache, %.0f s each, %u rounds\n",
	       (unsigned long long)(BB_IMG_SIZE >> 20), seconds, rounds);
	if (spin)
		printf("consumer spin budget %llu (not the daemon's default)\n",
		       (unsigned long long)spin);
	printf("%-14s %12s %10s %12s %10s %8s\n", "depth", "ours IOPS",
	       "p99 us", "fio IOPS", "p99 us", "ratio");
	bb_print_row("qd1", &sum, BB_QD1);
	bb_print_row("qd32", &sum, BB_QD32);
	bb_print_row("qd1 no inline", &sum, BB_QD1_SLOW);
	printf("(IOPS and p99: medians of the rounds; ratio: the median of the rounds' ours / fio,\n the two run back to back, in turns)\n");
	bb_print_rounds("qd1", &sum, BB_QD1);
	bb_print_rounds("qd32", &sum, BB_QD32);
	printf("the I/O thread's cached reads: %s (a cached 4 KiB read measured at creation: preadv2 %u ns, io_uring %u ns)\n",
	       sum.io_cached ? "preadv2 first" : "io_uring",
	       sum.cal_preadv2_ns, sum.cal_uring_ns);
	if (sum.ratio_ok[BB_QD1] && sum.ratio_ok[BB_QD32])
		printf("targets: qd1 ratio >= 0.5: %s; qd32 ratio >= 1.0: %s\n",
		       sum.ratio[BB_QD1] >= 0.5 ? "met" : "NOT met",
		       sum.ratio[BB_QD32] >= 1.0 ? "met" : "NOT met");
	bb_print_breakdown("qd1 breakdown", &bd[0], &sum.ours[BB_QD1]);
	bb_print_breakdown("qd1 breakdown, no inline (I/O thread, io_uring)",
			   &bd[1], &sum.ours[BB_QD1_SLOW]);
	if (bb_write_json(json, &sum, bd, seconds, spin)) {
		fprintf(stderr, "bench-blk: cannot write %s\n", json);
		return 1;
	}
	printf("wrote %s\n", json);
	return 0;
}
