// SPDX-License-Identifier: MIT
/*
 * The end-to-end environment of the virtio tests (vtest.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <linux/virtio_ids.h>

#include "log.h"
#include "virtio/virtio.h"
#include "vtest.h"

static struct vt_env vt_env;

/* A new file of @size bytes in /dev/shm, mapped shared; unlinked at once
 * after @keep_path is filled (the caller maps it before unlinking). */
static void *vt_shm_file(const char *what, __u64 size, char *path,
			 size_t path_len)
{
	static unsigned int seq;
	void *mem;
	int fd;

	snprintf(path, path_len, "/dev/shm/hvb-vtest-%d-%s-%u", getpid(),
		 what, seq++);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "create %s: %s", path, strerror(errno));
	cr_assert(ftruncate(fd, (off_t)size) == 0, "size %s: %s", path,
		  strerror(errno));
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	cr_assert(mem != MAP_FAILED, "map %s: %s", path, strerror(errno));
	return mem;
}

static void *vt_serve(void *arg)
{
	struct vt_env *e = arg;

	e->run_err = hvb_consumer_run(&e->c, &e->t, &e->stop);
	return NULL;
}

struct vt_env *vt_start(const char *type)
{
	return vt_start_opts(type, NULL);
}

struct vt_env *vt_start_opts(const char *type, const struct cJSON *opts)
{
	struct vt_env *e = &vt_env;
	char region_path[96], phys_path[96], irq_path[96];
	struct hvb_device_args args = {
		.zone_id = VT_ZONE,
		.base = VT_DEV_BASE,
		.size = VT_WINDOW,
		.kick_dev = VT_KICK_DEV,
		.irq = VT_IRQ,
		.opts = opts,
	};
	__u64 rsize = hvb_region_size(2);
	const char *why = "";
	void *region;
	int err;

	memset(e, 0, sizeof(*e));
	/* The hostile tests provoke every warning on purpose; VT_LOG=1
	 * shows them. */
	if (!getenv("VT_LOG"))
		hvb_log_threshold = HVB_LOG_ERROR;
	region = vt_shm_file("region", rsize, region_path,
			     sizeof(region_path));
	err = hvb_region_format(region, rsize, 2);
	cr_assert(err == HVB_REGION_OK, "format: %s",
		  hvb_region_strerror(err));
	munmap(region, rsize);
	e->drv.mem = vt_shm_file("phys", VT_MEM_SIZE, phys_path,
				 sizeof(phys_path));
	e->drv.irqs = vt_shm_file("irq", sizeof(struct hvb_sim_irq_page),
				  irq_path, sizeof(irq_path));

	e->t.fd = -1;
	e->t.ops = &hvb_transport_sim;
	e->t.stop = &e->stop;
	err = e->t.ops->open(&e->t, region_path);
	cr_assert(err == 0, "open: %s", e->t.error);
	err = hvb_transport_sim_set_phys(&e->t, phys_path, VT_PHYS_BASE);
	cr_assert(err == 0, "set_phys: %s", e->t.error);
	err = hvb_transport_sim_set_irq(&e->t, irq_path);
	cr_assert(err == 0, "set_irq: %s", e->t.error);
	unlink(region_path);
	unlink(phys_path);
	unlink(irq_path);

	hvb_guestmem_init(&e->gm, VT_ZONE);
	err = hvb_guestmem_map(&e->gm, &e->t, VT_GUEST_IPA, VT_PHYS_BASE,
			       VT_MEM_SIZE, &why);
	cr_assert(err == 0, "map zone memory: %s", why);
	cr_assert(hvb_guestmem_register(&e->gm) == 0);
	hvb_devices_init(&e->devs);
	err = hvb_devices_create(&e->devs, type, &args, &why);
	cr_assert(err == 0, "create %s: %s", type, why);
	e->dev = hvb_devices_lookup(&e->devs, VT_ZONE, VT_DEV_BASE, 4);
	cr_assert(e->dev && hvb_virtio_from_device(e->dev));

	err = hvb_consumer_attach(&e->c, e->t.region, e->t.size,
				  &hvb_devices_consumer_ops, &e->devs);
	cr_assert(err == 0, "attach: %s", hvb_region_strerror(err));
	/* Sleep soon when idle: two cores, shared with the test thread. */
	e->c.spin_budget = 256;
	err = pthread_create(&e->thread, NULL, vt_serve, e);
	cr_assert(err == 0, "pthread_create: %s", strerror(err));
	e->running = true;

	err = hyp_channel_attach(&e->p, e->t.region, e->t.size, 0,
				 VT_PRODUCER_TIMEOUT_NS);
	cr_assert(err == HVB_REGION_OK, "producer: %s",
		  hvb_region_strerror(err));
	e->drv.p = &e->p;
	e->drv.zone = VT_ZONE;
	e->drv.base = VT_DEV_BASE;
	e->drv.kick_dev = VT_KICK_DEV;
	e->drv.mem_ipa = VT_GUEST_IPA;
	e->drv.mem_size = VT_MEM_SIZE;
	e->drv.irq = VT_IRQ;
	return e;
}

void vt_stop(void)
{
	struct vt_env *e = &vt_env;
	struct timespec until;

	if (e->running) {
		/* Pairs with the consumer's acquire load of its flag. */
		__atomic_store_n(&e->stop, 1, __ATOMIC_RELEASE);
		e->t.ops->interrupt(&e->t, &e->c.wake->wake_gen);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 3;
		/* A daemon that does not stop is reported, not waited on. */
		cr_expect(pthread_timedjoin_np(e->thread, NULL, &until) == 0,
			  "the daemon thread did not stop");
		e->running = false;
		hvb_consumer_detach(&e->c);
	}
	hvb_devices_fini(&e->devs);
	hvb_guestmem_unregister(&e->gm);
	if (e->drv.mem)
		munmap(e->drv.mem, VT_MEM_SIZE);
	if (e->drv.irqs)
		munmap((void *)e->drv.irqs, sizeof(struct hvb_sim_irq_page));
	if (e->t.ops)
		e->t.ops->close(&e->t);
	memset(e, 0, sizeof(*e));
}

struct hvb_virtio_dev *vt_vdev(struct vt_env *e)
{
	return hvb_virtio_from_device(e->dev);
}

__u32 vt_status(struct vt_env *e)
{
	__u64 v = 0;
	__u32 st = vdrv_access(&e->drv, VIRTIO_MMIO_STATUS, 4, false, &v);

	cr_assert(st == HVB_STATUS_OK, "Status read failed: %u", st);
	return (__u32)v;
}

__u64 vt_rng_request(struct vt_env *e, __u32 len)
{
	__u64 buf = vdrv_alloc(&e->drv, len, 8);
	struct vdrv_buf b = { .ipa = buf, .len = len, .writable = true };
	__u32 got = 0;
	int head;

	cr_assert(buf, "out of guest memory");
	head = vdrv_add(&e->drv, 0, &b, 1, false);
	cr_assert(head >= 0, "no free descriptor");
	cr_assert(vdrv_kick(&e->drv, 0) == HVB_STATUS_OK, "kick failed");
	cr_assert(vdrv_wait_used(&e->drv, 0, 1, VT_WAIT_MS),
		  "rng request not completed in %u ms (status 0x%x)",
		  VT_WAIT_MS, vt_status(e));
	cr_assert(vdrv_get_used(&e->drv, 0, &got) == head);
	cr_assert(got == len, "rng wrote %u of %u bytes", got, len);
	return buf;
}

void vt_assert_recovers(struct vt_env *e)
{
	bool rng = e->dev->ops && vt_vdev(e)->ops->device_id == VIRTIO_ID_RNG;
	__u64 v = 0;
	int err;

	cr_assert(vdrv_write(&e->drv, VIRTIO_MMIO_STATUS, 0) ==
		  HVB_STATUS_OK, "reset write failed");
	cr_assert(vt_status(e) == 0, "status 0x%x after reset",
		  vt_status(e));
	e->drv.alloc_next = 0;
	err = vdrv_init(&e->drv, rng ? VIRTIO_ID_RNG : VT_DEV_ID,
			(1ull << VIRTIO_F_VERSION_1), 1, 16);
	cr_assert(err == 0, "re-init after reset failed: %d", err);
	if (rng) {
		__u8 *p = vdrv_ptr(&e->drv, vt_rng_request(e, 64));
		unsigned int i, nonzero = 0;

		for (i = 0; i < 64; i++)
			nonzero += p[i] != 0;
		cr_assert(nonzero > 0, "64 random bytes all zero");
	} else {
		cr_assert(vdrv_access(&e->drv, VIRTIO_MMIO_CONFIG, 4, false,
				      &v) == HVB_STATUS_OK);
		cr_assert(v == VT_DEV_RO_WORD);
	}
	cr_assert(!(vt_status(e) & VIRTIO_CONFIG_S_NEEDS_RESET));
}

/* The thread of this process named @comm, or -1. */
static pid_t vt_find_thread(const char *comm)
{
	char path[320], name[32];
	struct dirent *de;
	pid_t tid = -1;
	DIR *d = opendir("/proc/self/task");
	FILE *f;

	cr_assert(d, "/proc/self/task: %s", strerror(errno));
	while (tid < 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;	/* the thread ended meanwhile */
		if (fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = 0;
			if (!strcmp(name, comm))
				tid = (pid_t)atoi(de->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return tid;
}

void vt_slow_device_thread(struct vt_env *e, const char *comm)
{
	struct sched_param idle = { .sched_priority = 0 };
	cpu_set_t allowed, guest, serve;
	int cpu, a = -1, b = -1;
	pid_t tid = -1;
	unsigned int i;

	cr_assert_eq(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	for (cpu = 0; cpu < CPU_SETSIZE && b < 0; cpu++)
		if (CPU_ISSET(cpu, &allowed)) {
			if (a < 0)
				a = cpu;
			else
				b = cpu;
		}
	if (b < 0)
		cr_skip_test("one CPU: no device thread can be caught mid-batch");
	/* The thread starts at DRIVER_OK; give it a moment to be named. */
	for (i = 0; i < 1000 && tid < 0; i++) {
		tid = vt_find_thread(comm);
		if (tid < 0)
			usleep(1000);
	}
	cr_assert(tid > 0, "no thread named %s", comm);
	CPU_ZERO(&guest);
	CPU_SET(a, &guest);
	CPU_ZERO(&serve);
	CPU_SET(b, &serve);
	cr_assert_eq(pthread_setaffinity_np(pthread_self(), sizeof(guest),
					    &guest), 0);
	cr_assert_eq(pthread_setaffinity_np(e->thread, sizeof(serve), &serve),
		     0);
	cr_assert_eq(sched_setaffinity(tid, sizeof(serve), &serve), 0,
		     "%s", strerror(errno));
	cr_assert_eq(sched_setscheduler(tid, SCHED_IDLE, &idle), 0, "%s",
		     strerror(errno));
}
