// SPDX-License-Identifier: MIT
/*
 * The virtio-blk test and benchmark environment (blkenv.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <linux/virtio_ids.h>

#include <hvbridge/barrier.h>

#include "blkenv.h"
#include "log.h"
#include "virtio/virtio.h"

static int be_fail(struct blkenv *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int be_fail(struct blkenv *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof(e->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* A new shared file of @size bytes in /dev/shm, mapped; the caller
 * unlinks @path once the other side has it open. */
static void *be_shm_file(const char *what, __u64 size, char *path,
			 size_t path_len)
{
	static unsigned int seq;
	void *mem;
	int fd;

	snprintf(path, path_len, "/dev/shm/hvb-blkenv-%d-%s-%u", getpid(),
		 what, seq++);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		unlink(path);
		return NULL;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (mem == MAP_FAILED) {
		unlink(path);
		return NULL;
	}
	return mem;
}

static void *be_serve(void *arg)
{
	struct blkenv *e = arg;

	hvb_consumer_run(&e->c, &e->t, &e->stop);
	return NULL;
}

int blkenv_make_image(const char *path, __u64 size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size))
		err = -errno;
	close(fd);
	return err;
}

static int be_create_device(struct blkenv *e, const char *opts_json)
{
	struct hvb_device_args args = {
		.zone_id = BE_ZONE,
		.base = BE_DEV_BASE,
		.size = BE_WINDOW,
		.kick_dev = BE_KICK_DEV,
		.irq = BE_IRQ,
	};
	const char *why = "";
	cJSON *opts = cJSON_Parse(opts_json);
	int err;

	if (!opts)
		return be_fail(e, "bad options JSON: %s", opts_json);
	args.opts = opts;
	hvb_devices_init(&e->devs);
	err = hvb_devices_create(&e->devs, "virtio-blk", &args, &why);
	cJSON_Delete(opts);
	if (err)
		return be_fail(e, "create virtio-blk: %s (%d)", why, err);
	e->dev = hvb_devices_lookup(&e->devs, BE_ZONE, BE_DEV_BASE, 4);
	if (!e->dev || !hvb_virtio_from_device(e->dev))
		return be_fail(e, "the device is not in the table");
	return 0;
}

int blkenv_start(struct blkenv *e, const char *opts_json, __u64 mem_size,
		 __u64 spin_budget)
{
	char region_path[96], phys_path[96], irq_path[96];
	__u64 rsize = hvb_region_size(2);
	const char *why = "";
	void *region;
	int err;

	memset(e, 0, sizeof(*e));
	e->mem_size = mem_size;
	/* This is the guest's thread: its naps (be_wait_used()) are a few
	 * microseconds, not the default 50 us of timer slack. */
	prctl(PR_SET_TIMERSLACK, 1000ul, 0, 0, 0);
	/* The malformed-request tests provoke warnings on purpose. */
	if (!getenv("BLK_LOG"))
		hvb_log_threshold = HVB_LOG_ERROR;
	region = be_shm_file("region", rsize, region_path,
			     sizeof(region_path));
	if (!region)
		return be_fail(e, "region file: %s", strerror(errno));
	err = hvb_region_format(region, rsize, 2);
	munmap(region, rsize);
	if (err != HVB_REGION_OK) {
		unlink(region_path);
		return be_fail(e, "format: %s", hvb_region_strerror(err));
	}
	e->drv.mem = be_shm_file("phys", mem_size, phys_path,
				 sizeof(phys_path));
	e->drv.irqs = be_shm_file("irq", sizeof(struct hvb_sim_irq_page),
				  irq_path, sizeof(irq_path));
	e->t.fd = -1;
	e->t.ops = &hvb_transport_sim;
	e->t.stop = &e->stop;
	err = !e->drv.mem || !e->drv.irqs;
	if (!err)
		err = e->t.ops->open(&e->t, region_path);
	if (!err)
		err = hvb_transport_sim_set_phys(&e->t, phys_path,
						 BE_PHYS_BASE);
	if (!err)
		err = hvb_transport_sim_set_irq(&e->t, irq_path);
	unlink(region_path);
	unlink(phys_path);
	unlink(irq_path);
	if (err)
		return be_fail(e, "sim transport: %s", e->t.error);

	hvb_guestmem_init(&e->gm, BE_ZONE);
	if (hvb_guestmem_map(&e->gm, &e->t, BE_GUEST_IPA, BE_PHYS_BASE,
			     mem_size, &why))
		return be_fail(e, "map zone memory: %s", why);
	if (hvb_guestmem_register(&e->gm))
		return be_fail(e, "register zone memory");
	if (be_create_device(e, opts_json))
		return -1;
	err = hvb_consumer_attach(&e->c, e->t.region, e->t.size,
				  &hvb_devices_consumer_ops, &e->devs);
	if (err)
		return be_fail(e, "attach: %s", hvb_region_strerror(err));
	/* 0 keeps the daemon's default: adaptive idling (HVB_SPIN_ADAPTIVE,
	 * which hvb_consumer_run() reads as 0). */
	if (spin_budget)
		e->c.spin_budget = spin_budget;
	err = pthread_create(&e->thread, NULL, be_serve, e);
	if (err)
		return be_fail(e, "pthread_create: %s", strerror(err));
	e->running = true;
	err = hyp_channel_attach(&e->p, e->t.region, e->t.size, 0,
				 BE_PRODUCER_TIMEOUT_NS);
	if (err != HVB_REGION_OK)
		return be_fail(e, "producer: %s", hvb_region_strerror(err));
	e->drv.p = &e->p;
	e->drv.zone = BE_ZONE;
	e->drv.base = BE_DEV_BASE;
	e->drv.kick_dev = BE_KICK_DEV;
	e->drv.mem_ipa = BE_GUEST_IPA;
	e->drv.mem_size = mem_size;
	e->drv.irq = BE_IRQ;
	return 0;
}

void blkenv_stop(struct blkenv *e)
{
	struct timespec until;

	if (e->running) {
		/* Release: pairs with the consumer's read of its stop flag
		 * (tool/consumer.c reads it through a volatile pointer). */
		__atomic_store_n(&e->stop, 1, __ATOMIC_RELEASE);
		e->t.ops->interrupt(&e->t, &e->c.wake->wake_gen);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 3;
		if (pthread_timedjoin_np(e->thread, NULL, &until))
			fprintf(stderr,
				"blkenv: the daemon thread did not stop\n");
		e->running = false;
		hvb_consumer_detach(&e->c);
	}
	/* Destroying the device resets it: its I/O thread is joined. */
	hvb_devices_fini(&e->devs);
	hvb_guestmem_unregister(&e->gm);
	if (e->drv.mem)
		munmap(e->drv.mem, e->mem_size);
	if (e->drv.irqs)
		munmap((void *)e->drv.irqs, sizeof(struct hvb_sim_irq_page));
	if (e->t.ops)
		e->t.ops->close(&e->t);
	e->drv.mem = NULL;
	e->drv.irqs = NULL;
	e->t.ops = NULL;
}

int blkenv_init_driver(struct blkenv *e, __u64 features, __u16 qsize,
		       unsigned int nr_slots, __u32 slot_len)
{
	unsigned int i;
	int err;

	if (nr_slots > BE_SLOTS || qsize > VDRV_MAX_SIZE)
		return be_fail(e, "too many slots or too big a queue");
	if (vdrv_write(&e->drv, VIRTIO_MMIO_STATUS, 0) != HVB_STATUS_OK)
		return be_fail(e, "reset write failed");
	e->drv.alloc_next = 0;
	err = vdrv_init(&e->drv, VIRTIO_ID_BLOCK, features, 1, qsize);
	if (err)
		return be_fail(e, "driver init failed at step %d (status 0x%x)",
			       err, blkenv_status(e));
	e->qsize = qsize;
	e->nr_slots = nr_slots;
	e->slot_len = slot_len;
	for (i = 0; i < VDRV_MAX_SIZE; i++)
		e->head_slot[i] = -1;
	for (i = 0; i < nr_slots; i++) {
		struct be_slot *s = &e->slots[i];

		s->hdr = vdrv_alloc(&e->drv, sizeof(struct virtio_blk_outhdr),
				    16);
		s->status = vdrv_alloc(&e->drv, 1, 1);
		s->buf = vdrv_alloc(&e->drv, slot_len, 4096);
		s->head = -1;
		if (!s->hdr || !s->status || !s->buf)
			return be_fail(e, "out of guest memory at slot %u", i);
	}
	return 0;
}

int blkenv_config32(struct blkenv *e, __u32 off, __u32 *out)
{
	__u64 v = 0;

	if (vdrv_access(&e->drv, VIRTIO_MMIO_CONFIG + off, 4, false, &v) !=
	    HVB_STATUS_OK)
		return be_fail(e, "config read at %u failed", off);
	*out = (__u32)v;
	return 0;
}

__u32 blkenv_status(struct blkenv *e)
{
	return vdrv_read(&e->drv, VIRTIO_MMIO_STATUS);
}

void *blkenv_buf(struct blkenv *e, unsigned int slot)
{
	return vdrv_ptr(&e->drv, e->slots[slot].buf);
}

int blkenv_add(struct blkenv *e, unsigned int slot, __u32 type,
	       __u64 sector, __u32 len, unsigned int nsegs)
{
	struct be_slot *s = &e->slots[slot];
	struct virtio_blk_outhdr *hdr = vdrv_ptr(&e->drv, s->hdr);
	bool to_guest = type == VIRTIO_BLK_T_IN ||
			type == VIRTIO_BLK_T_GET_ID;
	struct vdrv_buf b[4];
	unsigned int n = 0;
	int head;

	if (slot >= e->nr_slots || len > e->slot_len || s->head >= 0)
		return be_fail(e, "bad slot %u or length %u", slot, len);
	hdr->type = type;
	hdr->ioprio = 0;
	hdr->sector = sector;
	*(__u8 *)vdrv_ptr(&e->drv, s->status) = 0xff;
	b[n++] = (struct vdrv_buf){ .ipa = s->hdr, .len = sizeof(*hdr) };
	if (len && nsegs == 2 && len >= 1024) {
		__u32 half = len / 2 & ~511u;

		b[n++] = (struct vdrv_buf){ .ipa = s->buf, .len = half,
					    .writable = to_guest };
		b[n++] = (struct vdrv_buf){ .ipa = s->buf + half,
					    .len = len - half,
					    .writable = to_guest };
	} else if (len) {
		b[n++] = (struct vdrv_buf){ .ipa = s->buf, .len = len,
					    .writable = to_guest };
	}
	b[n++] = (struct vdrv_buf){ .ipa = s->status, .len = 1,
				    .writable = true };
	head = vdrv_add(&e->drv, 0, b, n, false);
	if (head < 0)
		return be_fail(e, "no free descriptors for slot %u", slot);
	s->head = head;
	e->head_slot[head] = (int)slot;
	return head;
}

int blkenv_kick(struct blkenv *e)
{
	if (!vdrv_kick_needed(&e->drv, 0))
		return 0;
	if (vdrv_kick(&e->drv, 0) != HVB_STATUS_OK)
		return be_fail(e, "kick failed");
	return 0;
}

/*
 * A vCPU waiting for its disk keeps its own CPU; this thread shares two
 * with the daemon's.  So look at the used ring without giving the CPU
 * away for a while (BE_SPIN_NS: longer than a page-cache read through
 * the device), then sleep between looks (BE_NAP_NS), so that a device
 * thread waiting for a core gets one.  Not sched_yield(): on a machine
 * shared with other jobs, a yield can hand the core to one of them for
 * its whole slice (milliseconds, whatever its nice level), where a
 * sleeper that wakes takes the core back.
 */
#define BE_SPIN_NS	50000ull
#define BE_NAP_NS	2000

static __u64 be_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static bool be_wait_used(struct blkenv *e, unsigned int ms)
{
	const struct timespec nap = { 0, BE_NAP_NS };
	__u64 start = 0, now;
	unsigned int i;

	for (;;) {
		for (i = 0; i < 64; i++) {
			if (vdrv_used_pending(&e->drv, 0))
				return true;
			hvb_cpu_relax();
		}
		now = be_now_ns();
		if (!start)
			start = now;
		else if (now - start > (__u64)ms * 1000000ull)
			return false;
		else if (now - start > BE_SPIN_NS)
			nanosleep(&nap, NULL);
	}
}

int blkenv_reap(struct blkenv *e, unsigned int ms, __u32 *len, __u8 *status)
{
	__u32 l = 0;
	int head, slot;

	if (!be_wait_used(e, ms))
		return be_fail(e, "no completion within %u ms (status 0x%x)",
			       ms, blkenv_status(e));
	head = vdrv_get_used(&e->drv, 0, &l);
	if (head < 0 || head >= (int)VDRV_MAX_SIZE || e->head_slot[head] < 0)
		return be_fail(e, "the device returned a bad head %d", head);
	slot = e->head_slot[head];
	e->head_slot[head] = -1;
	e->slots[slot].head = -1;
	if (len)
		*len = l;
	if (status)
		*status = *(__u8 *)vdrv_ptr(&e->drv, e->slots[slot].status);
	return slot;
}

int blkenv_do(struct blkenv *e, unsigned int slot, __u32 type, __u64 sector,
	      __u32 len, __u32 *used_len)
{
	__u8 st = 0xff;

	if (blkenv_add(e, slot, type, sector, len, 1) < 0)
		return -1;
	if (vdrv_kick(&e->drv, 0) != HVB_STATUS_OK)
		return be_fail(e, "kick failed");
	if (blkenv_reap(e, 3000, used_len, &st) != (int)slot)
		return -1;
	return st;
}
