// SPDX-License-Identifier: MIT
/*
 * Description: /dev/hvbridge's user ABI (hvbridge/kmod-ioctl.h), checked
 * from inside the root zone under QEMU (tests/kmod/qemu.sh): mode, several
 * opens with one daemon role (claimed once, refused to a second claimer,
 * released on close or death, what a non-daemon file may and may not
 * do), INFO, the region and zone windows by mmap and nothing
 * else, the zone list and windows, interrupt injection's checks, the
 * wake counter by read/poll/write, reserved fields, unknown ioctls,
 * stopping and starting zone1, the wake interrupt from a real request.
 * Prints "kmod-check: PASS|FAIL name" per check and a count; exit 1 on a
 * failure.  A watchdog (alarm) turns a hang into a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hvbridge/hypercall.h>
#include <hvbridge/kmod-ioctl.h>
#include <hvbridge/region.h>

#define ZONE1_ID	1u
#define ZONE1_PHYS	0x50000000ull
#define ZONE1_IPA	0x40000000ull
#define ZONE1_SIZE	0x200000ull
/* The guest pool (hyp/arch/arm64/zone_create.h), shared with the root
 * zone: zone1's RAM lies in it. */
#define POOL_PHYS	0x50000000ull
#define POOL_SIZE	0x30000000ull

static int kc_pass, kc_fail;
static void *kc_region;		/* the mapped channel region */
static void *kc_zone1;		/* zone1's RAM, mapped by the daemon file */

static void kc_check(int ok, const char *name, const char *fmt, long v)
{
	if (ok) {
		printf("kmod-check: PASS %s\n", name);
		kc_pass++;
		return;
	}
	printf("kmod-check: FAIL %s: ", name);
	printf(fmt, v);
	printf(" (errno %d %s)\n", errno, strerror(errno));
	kc_fail++;
}

/* The call failed with exactly @err. */
static int kc_errno(long ret, int err)
{
	return ret == -1 && errno == err;
}

/*
 * An mmap() that must fail with @err.  One that succeeds (the check it
 * tests is gone) is unmapped at once: a mapping left behind would keep
 * the daemon role and fail later, unrelated checks too, and hide which
 * rule broke (`make mutate` reports the failed checks by name).
 */
static int kc_mmap_refused(int fd, size_t len, int prot, int flags,
			   off_t off, int err)
{
	void *m = mmap(NULL, len, prot, flags, fd, off);

	if (m == MAP_FAILED)
		return errno == err;
	munmap(m, len);
	return 0;
}

static void kc_watchdog(int sig)
{
	(void)sig;
	/* async-signal-safe: write, _exit */
	static const char msg[] = "kmod-check: FAIL watchdog: a call hung\n";

	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(2);
}

static void kc_mmap_checks(int fd, const struct hvb_ioc_info *info)
{
	void *m, *z;
	long ps = sysconf(_SC_PAGESIZE);

	m = mmap(NULL, info->region_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, HVB_MMAP_REGION);
	kc_check(m != MAP_FAILED, "mmap-region", "mmap %ld", 0);
	if (m != MAP_FAILED) {
		kc_region = m;
		kc_check(hvb_region_check(m, info->region_size) == HVB_REGION_OK,
			 "region-check", "hvb_region_check %ld",
			 hvb_region_check(m, info->region_size));
		kc_check(((struct hvb_region_header *)m)->nr_cpus ==
			 info->nr_cpus, "region-cpus", "nr_cpus %ld",
			 ((struct hvb_region_header *)m)->nr_cpus);
	}
	kc_check(kc_mmap_refused(fd, info->region_size + ps, PROT_READ,
				 MAP_SHARED, 0, EINVAL),
		 "mmap-region-too-long", "%ld", 0);
	kc_check(kc_mmap_refused(fd, ps, PROT_READ, MAP_SHARED, ps, EINVAL),
		 "mmap-offset-unknown", "%ld", 0);
	kc_check(kc_mmap_refused(fd, ps, PROT_READ, MAP_PRIVATE, 0, EINVAL),
		 "mmap-private", "%ld", 0);
	z = mmap(NULL, ZONE1_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 ZONE1_PHYS);
	kc_check(z != MAP_FAILED, "mmap-zone1", "%ld", 0);
	if (z != MAP_FAILED)
		kc_zone1 = z;
	if (z != MAP_FAILED)
		kc_check(*(volatile unsigned long long *)z != 0,
			 "zone1-ram-read", "first word %ld", 0);
	/* RAM of the pool no zone has yet: a daemon started before its
	 * zones (hvisor-tool's order) maps it. */
	z = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 POOL_PHYS + POOL_SIZE - ps);
	kc_check(z != MAP_FAILED, "mmap-pool-free-ram", "%ld", 0);
	if (z != MAP_FAILED)
		munmap(z, ps);
	kc_check(kc_mmap_refused(fd, POOL_SIZE + ps, PROT_READ, MAP_SHARED,
				 POOL_PHYS, EINVAL), "mmap-pool-too-long",
		 "%ld", 0);
	kc_check(kc_mmap_refused(fd, 2 * ps, PROT_READ, MAP_SHARED,
				 POOL_PHYS + POOL_SIZE - ps, EINVAL),
		 "mmap-pool-tail-crosses-end", "%ld", 0);
	/* The pool's edges: a page either side of it is no window. */
	kc_check(kc_mmap_refused(fd, ps, PROT_READ, MAP_SHARED, POOL_PHYS - ps,
				 EINVAL), "mmap-below-pool-refused", "%ld", 0);
	kc_check(kc_mmap_refused(fd, ps, PROT_READ, MAP_SHARED,
				 POOL_PHYS + POOL_SIZE, EINVAL),
		 "mmap-past-pool-end-refused", "%ld", 0);
	kc_check(kc_mmap_refused(fd, ps, PROT_READ, MAP_SHARED, 0x48000000,
				 EINVAL), "mmap-root-ram-refused", "%ld", 0);
	kc_check(kc_mmap_refused(fd, ps, PROT_READ, MAP_SHARED, 0xbfff0000,
				 EINVAL), "mmap-builtin-region-refused", "%ld", 0);
}

static void kc_zone_checks(int fd)
{
	struct hvb_zone_info zones[4];
	struct hvb_ioc_zone_list zl = { 0 };
	struct hvb_ioc_zone_mem zm = { 0 };
	struct hvb_ioc_zone zc = { 0 };

	kc_check(!ioctl(fd, HVB_IOC_ZONE_LIST, &zl) && zl.nr == 2,
		 "zone-list-count", "nr %ld", zl.nr);
	memset(zones, 0xa5, sizeof(zones));
	zl.zones = (unsigned long)zones;
	zl.max = 4;
	kc_check(!ioctl(fd, HVB_IOC_ZONE_LIST, &zl) && zl.nr == 2 &&
		 !strcmp(zones[0].name, "root") && zones[0].flags ==
		 HVB_ZONE_ROOT && !strcmp(zones[1].name, "zone1") &&
		 zones[1].id == ZONE1_ID && zones[1].irq_base == 72 &&
		 zones[1].irq_count == 8 && zones[1].nr_mem == 1 &&
		 zones[1].cpus == 4 && !zones[1].reserved[0] &&
		 zones[2].id == 0xa5a5a5a5u,
		 "zone-list", "nr %ld", zl.nr);
	zl.reserved[1] = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_LIST, &zl), EINVAL),
		 "zone-list-reserved", "%ld", 0);

	zm.zone_id = ZONE1_ID;
	kc_check(!ioctl(fd, HVB_IOC_ZONE_MEM, &zm) && zm.phys == ZONE1_PHYS &&
		 zm.ipa == ZONE1_IPA && zm.size == ZONE1_SIZE &&
		 zm.flags & HVB_ZONE_MEM_SHARED, "zone-mem",
		 "phys %#lx", (long)zm.phys);
	memset(&zm, 0, sizeof(zm));
	zm.zone_id = ZONE1_ID;
	zm.index = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_MEM, &zm), ENOENT),
		 "zone-mem-past-end", "%ld", 0);
	zm.zone_id = 99;
	zm.index = 0;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_MEM, &zm), ENOENT),
		 "zone-mem-no-zone", "%ld", 0);
	zm.zone_id = ZONE1_ID;
	zm.flags = HVB_ZONE_MEM_SHARED;	/* an output, zero on input */
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_MEM, &zm), EINVAL),
		 "zone-mem-flags-in", "%ld", 0);
	zm.flags = 0;
	zm.reserved[4] = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_MEM, &zm), EINVAL),
		 "zone-mem-reserved", "%ld", 0);

	zc.zone_id = 0;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_STOP, &zc), EPERM),
		 "zone-stop-root-denied", "%ld", 0);
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_START, &zc), EPERM),
		 "zone-start-root-denied", "%ld", 0);
	zc.zone_id = 99;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_STOP, &zc), ENOENT),
		 "zone-stop-no-zone", "%ld", 0);
	zc.zone_id = ZONE1_ID;
	zc.flags = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_STOP, &zc), EINVAL),
		 "zone-stop-flags", "%ld", 0);
	zc.flags = 0;
	zc.reserved[5] = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_START, &zc), EINVAL),
		 "zone-start-reserved", "%ld", 0);
}

/*
 * HVB_IOC_ZONE_CREATE and _DESTROY refusals: the struct's tail, bad
 * pointers, the module's own descriptor checks and one of the
 * hypervisor's (zone1 holds the only free CPU: nothing may succeed here;
 * tests/kmod/zones.sh creates zones).
 */
static void kc_create_checks(int fd)
{
	static struct hvb_zone_desc d;
	struct hvb_ioc_zone_create zc;
	struct hvb_ioc_zone z;
	static const char kernel[64];

	memset(&zc, 0, sizeof(zc));
	memset(&d, 0, sizeof(d));
	zc.kernel = (unsigned long)kernel;
	/* A descriptor pointer that faults: without the flags and
	 * reserved-word check the call is EFAULT, not the EINVAL a zeroed
	 * descriptor's signature would also give. */
	zc.desc = 16;
	zc.flags = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), EINVAL),
		 "zone-create-flags", "%ld", 0);
	zc.flags = 0;
	zc.reserved[4] = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), EINVAL),
		 "zone-create-reserved", "%ld", 0);
	zc.reserved[4] = 0;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), EFAULT),
		 "zone-create-bad-desc-pointer", "%ld", 0);
	zc.desc = (unsigned long)&d;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), EINVAL) &&
		 zc.reason == HVB_ZONE_ESIGNATURE, "zone-create-signature",
		 "reason %ld", zc.reason);
	memcpy(d.signature, HVB_ZONE_DESC_SIGNATURE, sizeof(d.signature));
	d.revision = HVB_ZONE_DESC_REVISION;
	d.size = sizeof(d);
	d.reserved[3] = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), EINVAL) &&
		 zc.reason == HVB_ZONE_ERESERVED, "zone-create-desc-reserved",
		 "reason %ld", zc.reason);
	d.reserved[3] = 0;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), EINVAL) &&
		 zc.reason == HVB_ZONE_EKERNEL, "zone-create-no-kernel",
		 "reason %ld", zc.reason);
	d.kernel_size = (256ull << 20) + 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), EINVAL) &&
		 zc.reason == HVB_ZONE_EKERNEL, "zone-create-huge-kernel",
		 "reason %ld", zc.reason);
	d.kernel_size = sizeof(kernel);
	d.id = ZONE1_ID;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), EINVAL) &&
		 zc.reason == HVB_ZONE_EID && zc.index == 0,
		 "zone-create-id-in-use", "reason %ld", zc.reason);
	d.id = 5;
	strcpy(d.name, "hostile");
	d.cpus = 1ull << 2;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_CREATE, &zc), EINVAL) &&
		 zc.reason == HVB_ZONE_ECPU_BUSY && zc.index == 2,
		 "zone-create-busy-cpu", "reason %ld", zc.reason);

	memset(&z, 0, sizeof(z));
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_DESTROY, &z), EPERM),
		 "zone-destroy-root-denied", "%ld", 0);
	z.zone_id = 99;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_DESTROY, &z), ENOENT),
		 "zone-destroy-no-zone", "%ld", 0);
	/* Still zone 99: without the flags check this is ENOENT.  With
	 * zone1's id it would destroy zone1, and every later check would
	 * fail with it. */
	z.flags = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_ZONE_DESTROY, &z), EINVAL),
		 "zone-destroy-flags", "%ld", 0);
}

/* zone1's state by HVB_IOC_ZONE_LIST, or ~0u. */
static unsigned int kc_zone1_state(int fd)
{
	struct hvb_zone_info zones[2];
	struct hvb_ioc_zone_list zl = {
		.zones = (unsigned long)zones, .max = 2,
	};

	if (ioctl(fd, HVB_IOC_ZONE_LIST, &zl) || zl.nr != 2)
		return ~0u;
	return zones[1].state;
}

/* Wait up to @ms for zone1 to reach @state. */
static int kc_zone1_wait(int fd, unsigned int state, int ms)
{
	for (; ms > 0; ms -= 10) {
		if (kc_zone1_state(fd) == state)
			return 1;
		usleep(10000);
	}
	return kc_zone1_state(fd) == state;
}

static unsigned long long kc_wakes;
static __u32 kc_wake_gen;

/*
 * Play a daemon that goes to sleep on the attached region: drain the
 * counter, take wake_gen (Barrier W0), announce SLEEPING (fully ordered,
 * Barrier W1).  zone1's guest, started next, sends a request through
 * the channel; its producer must find SLEEPING and raise the wake SPI.
 */
static void kc_wake_arm(int fd)
{
	struct hvb_wake *w = hvb_region_wake(kc_region);
	struct hvb_ioc_info info;
	unsigned long long v;
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (read(fd, &v, 8) == 8)
		;
	fcntl(fd, F_SETFL, fl);
	kc_wakes = ioctl(fd, HVB_IOC_INFO, &info) ? ~0ull : info.wakes;
	kc_wake_gen = hvb_load_acquire_u32(&w->wake_gen);
	hvb_xchg_u32(&w->consumer_state, HVB_CONSUMER_SLEEPING);
}

/* The blocking read returns: the SPI reached hvbridge.ko. */
static void kc_wake_check(int fd)
{
	struct hvb_wake *w = hvb_region_wake(kc_region);
	unsigned long long v = 0;

	alarm(20);
	kc_check(read(fd, &v, 8) == 8 && v == kc_wakes + 1,
		 "wake-irq-read", "counter %ld", (long)v);
	kc_check(hvb_load_acquire_u32(&w->wake_gen) == kc_wake_gen + 1,
		 "wake-gen", "wake_gen %ld",
		 (long)hvb_load_acquire_u32(&w->wake_gen));
	kc_check(hvb_load_acquire_u32(&w->consumer_state) ==
		 HVB_CONSUMER_RUNNING, "wake-state-running", "state %ld",
		 (long)hvb_load_acquire_u32(&w->consumer_state));
	hvb_xchg_u32(&w->consumer_state, HVB_CONSUMER_ABSENT);
}

/*
 * zone1 stopped for good: its generation moved (docs/abi.md, "Zone
 * restarts").  Play an attached daemon that has not released zone1's
 * devices yet: the start must be refused (-EAGAIN, after the
 * hypervisor's slice) and zone1 stay stopped.  Then release them as a
 * daemon does (Barrier Q: zone_ack = zone_gen, release).
 */
static void kc_zone_release_checks(int ctl)
{
	struct hvb_wake *w = hvb_region_wake(kc_region);
	struct hvb_kicks *k = hvb_region_kicks(kc_region);
	struct hvb_daemon_stats *ds = hvb_region_daemon_stats(kc_region);
	struct hvb_ioc_zone zc = { .zone_id = ZONE1_ID };
	__u32 gen = hvb_load_acquire_u32(&k->zone_gen[ZONE1_ID]);

	kc_check(gen != hvb_load_acquire_u32(&ds->zone_ack[ZONE1_ID]),
		 "zone-gen-moved", "generation %ld", (long)gen);
	hvb_xchg_u32(&w->consumer_state, HVB_CONSUMER_RUNNING);
	kc_check(kc_errno(ioctl(ctl, HVB_IOC_ZONE_START, &zc), EAGAIN),
		 "zone-start-unreleased-refused", "%ld", 0);
	kc_check(kc_zone1_state(ctl) == HVB_ZONE_STOPPED,
		 "zone-unreleased-stays-stopped", "state %ld",
		 kc_zone1_state(ctl));
	hvb_store_release_u32(&ds->zone_ack[ZONE1_ID], gen);
}

/*
 * zone1's built-in guest has run its checks and exited by now (or does
 * so soon): STOPPED.  Start it again, stop it while it runs (it parks at
 * its next exit, which comes at once: it prints through a hypercall),
 * start it once more, asleep as a daemon would be: its channel request
 * must wake us through the SPI, and let it finish.  The serial log shows
 * each step
 * (tests/kmod/qemu.sh).
 */
static void kc_zone_run_checks(int fd, int ctl)
{
	struct hvb_ioc_zone zc = { .zone_id = ZONE1_ID };

	kc_check(kc_zone1_wait(ctl, HVB_ZONE_STOPPED, 10000),
		 "zone1-exited-stopped", "state %ld", kc_zone1_state(ctl));
	kc_check(kc_errno(ioctl(ctl, HVB_IOC_ZONE_STOP, &zc), EBUSY),
		 "zone-stop-stopped-busy", "%ld", 0);
	kc_check(!ioctl(ctl, HVB_IOC_ZONE_START, &zc), "zone-start", "%ld", 0);
	kc_check(kc_errno(ioctl(ctl, HVB_IOC_ZONE_START, &zc), EBUSY),
		 "zone-start-running-busy", "%ld", 0);
	kc_check(!ioctl(ctl, HVB_IOC_ZONE_STOP, &zc), "zone-stop", "%ld", 0);
	kc_check(kc_zone1_wait(ctl, HVB_ZONE_STOPPED, 5000), "zone-stopped",
		 "state %ld", kc_zone1_state(ctl));
	if (kc_region)
		kc_zone_release_checks(ctl);
	if (kc_region)
		kc_wake_arm(fd);
	kc_check(!ioctl(ctl, HVB_IOC_ZONE_START, &zc), "zone-restart", "%ld",
		 0);
	if (kc_region)
		kc_wake_check(fd);
	/* Its guest runs its checks and exits, which powers its CPU off:
	 * STOPPED again.  Waiting also keeps its trace lines from mixing
	 * with ours on the shared serial line. */
	kc_check(kc_zone1_wait(ctl, HVB_ZONE_STOPPED, 15000),
		 "zone-rerun-exited", "state %ld", kc_zone1_state(ctl));
}

static void kc_irq_checks(int fd)
{
	struct hvb_ioc_irq irq = { .zone_id = ZONE1_ID, .irq = 75 };

	kc_check(!ioctl(fd, HVB_IOC_INJECT_IRQ, &irq), "inject-irq", "%ld", 0);
	irq.irq = 71;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_INJECT_IRQ, &irq), EINVAL),
		 "inject-irq-below", "%ld", 0);
	irq.irq = 80;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_INJECT_IRQ, &irq), EINVAL),
		 "inject-irq-above", "%ld", 0);
	irq.irq = 75;
	irq.zone_id = 0;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_INJECT_IRQ, &irq), EPERM),
		 "inject-irq-root-denied", "%ld", 0);
	irq.zone_id = 99;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_INJECT_IRQ, &irq), ENOENT),
		 "inject-irq-no-zone", "%ld", 0);
	irq.zone_id = ZONE1_ID;
	irq.reserved[4] = 1;
	kc_check(kc_errno(ioctl(fd, HVB_IOC_INJECT_IRQ, &irq), EINVAL),
		 "inject-irq-reserved", "%ld", 0);
	kc_check(kc_errno(ioctl(fd, _IO(HVB_IOC_MAGIC, 0x7f)), ENOTTY),
		 "ioctl-unknown", "%ld", 0);
	kc_check(kc_errno(ioctl(fd, _IOW('x', 1, int), &irq), ENOTTY),
		 "ioctl-other-magic", "%ld", 0);
}

static void kc_wake_checks(int fd)
{
	unsigned long long v = 0, one = 1, two = 2;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int fl = fcntl(fd, F_GETFL);
	char small[4];
	pid_t child;
	int st;

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	kc_check(kc_errno(read(fd, &v, 8), EAGAIN), "read-nonblock-empty",
		 "%ld", 0);
	kc_check(poll(&pfd, 1, 0) == 0, "poll-empty", "%ld", 0);
	kc_check(write(fd, &one, 8) == 8, "write-wake", "%ld", 0);
	kc_check(poll(&pfd, 1, 0) == 1 && pfd.revents & POLLIN,
		 "poll-after-wake", "revents %ld", pfd.revents);
	kc_check(read(fd, &v, 8) == 8 && v >= 1, "read-counter", "v %ld",
		 (long)v);
	kc_check(kc_errno(read(fd, &v, 8), EAGAIN), "read-consumed", "%ld", 0);
	kc_check(kc_errno(read(fd, small, sizeof(small)), EINVAL),
		 "read-short", "%ld", 0);
	kc_check(kc_errno(write(fd, &two, 8), EINVAL), "write-not-one", "%ld",
		 0);
	kc_check(kc_errno(write(fd, &one, 4), EINVAL), "write-short", "%ld", 0);
	fcntl(fd, F_SETFL, fl);

	/* A blocking read returns when another process wakes it. */
	child = fork();
	if (child == 0) {
		usleep(200000);
		_exit(write(fd, &one, 8) == 8 ? 0 : 1);
	}
	kc_check(read(fd, &v, 8) == 8, "read-blocking-woken", "%ld", 0);
	kc_check(waitpid(child, &st, 0) == child && WIFEXITED(st) &&
		 !WEXITSTATUS(st), "waker", "%ld", st);
}

/* HVB_IOC_CLAIM on @fd: 0 or -1 with errno. */
static int kc_claim(int fd)
{
	struct hvb_ioc_claim c;

	memset(&c, 0, sizeof(c));
	return ioctl(fd, HVB_IOC_CLAIM, &c);
}

/*
 * @ctl is open beside the daemon's file and holds no role: it may read
 * the region and drive the zones, nothing of the daemon's.
 */
static void kc_role_checks(int ctl, const struct hvb_ioc_info *dinfo)
{
	struct hvb_ioc_irq irq = { .zone_id = ZONE1_ID, .irq = 75 };
	struct hvb_ioc_zone_list zl = { 0 };
	struct hvb_ioc_zone_mem zm = { .zone_id = ZONE1_ID };
	struct hvb_ioc_zone zc = { .zone_id = 0 };
	struct pollfd pfd = { .fd = ctl, .events = POLLIN };
	struct hvb_ioc_claim c = { .reserved[6] = 1 };
	struct hvb_ioc_info info;
	unsigned long long one = 1, v;
	long ps = sysconf(_SC_PAGESIZE);
	void *m;
	int ro;

	kc_check(kc_errno(kc_claim(ctl), EBUSY), "second-claim-busy", "%ld",
		 0);
	kc_check(kc_errno(ioctl(ctl, HVB_IOC_CLAIM, &c), EINVAL),
		 "claim-reserved", "%ld", 0);
	kc_check(!ioctl(ctl, HVB_IOC_INFO, &info) &&
		 info.region_size == dinfo->region_size, "ctl-info", "%ld", 0);
	m = mmap(NULL, dinfo->region_size, PROT_READ, MAP_SHARED, ctl,
		 HVB_MMAP_REGION);
	kc_check(m != MAP_FAILED, "ctl-mmap-region-ro", "%ld", 0);
	if (m != MAP_FAILED) {
		kc_check(hvb_region_check(m, dinfo->region_size) ==
			 HVB_REGION_OK, "ctl-region-check", "%ld", 0);
		kc_check(kc_errno(mprotect(m, ps, PROT_READ | PROT_WRITE),
				  EACCES), "ctl-mprotect-write-refused",
			 "%ld", 0);
		munmap(m, dinfo->region_size);
	}
	/* `hvbridge stat` opens read-only: mmap() drops VM_SHARED then. */
	ro = open(HVB_DEVICE_PATH, O_RDONLY);
	m = ro < 0 ? MAP_FAILED : mmap(NULL, dinfo->region_size, PROT_READ,
				       MAP_SHARED, ro, HVB_MMAP_REGION);
	kc_check(m != MAP_FAILED, "rdonly-open-mmap-region", "fd %ld", ro);
	if (m != MAP_FAILED) {
		kc_check(hvb_region_check(m, dinfo->region_size) ==
			 HVB_REGION_OK, "rdonly-region-check", "%ld", 0);
		munmap(m, dinfo->region_size);
	}
	if (ro >= 0) {
		kc_check(kc_mmap_refused(ro, ps, PROT_READ, MAP_PRIVATE, 0,
					 EINVAL), "rdonly-mmap-private",
			 "%ld", 0);
		close(ro);
	}
	kc_check(kc_mmap_refused(ctl, ps, PROT_READ | PROT_WRITE, MAP_SHARED,
				 0, EACCES), "ctl-mmap-region-rw-refused",
		 "%ld", 0);
	kc_check(kc_mmap_refused(ctl, ps, PROT_READ, MAP_SHARED, ZONE1_PHYS,
				 EACCES), "ctl-mmap-zone1-refused", "%ld", 0);
	kc_check(kc_mmap_refused(ctl, ps, PROT_READ, MAP_SHARED, ps, EINVAL),
		 "ctl-mmap-offset-unknown", "%ld", 0);
	kc_check(kc_errno(read(ctl, &v, 8), EACCES), "ctl-read-refused",
		 "%ld", 0);
	kc_check(kc_errno(write(ctl, &one, 8), EACCES), "ctl-write-refused",
		 "%ld", 0);
	kc_check(poll(&pfd, 1, 0) == 1 && pfd.revents & POLLERR,
		 "ctl-poll-err", "revents %ld", pfd.revents);
	kc_check(kc_errno(ioctl(ctl, HVB_IOC_INJECT_IRQ, &irq), EACCES),
		 "ctl-inject-irq-refused", "%ld", 0);
	kc_check(!ioctl(ctl, HVB_IOC_ZONE_LIST, &zl) && zl.nr == 2,
		 "ctl-zone-list", "nr %ld", zl.nr);
	kc_check(!ioctl(ctl, HVB_IOC_ZONE_MEM, &zm) &&
		 zm.phys == ZONE1_PHYS, "ctl-zone-mem", "%ld", 0);
	kc_check(kc_errno(ioctl(ctl, HVB_IOC_ZONE_STOP, &zc), EPERM),
		 "ctl-zone-stop-root-denied", "%ld", 0);
}

/*
 * The role goes with the file: not while the daemon's mappings hold it,
 * at once when they are gone; and a daemon killed with SIGKILL frees it
 * for its successor.
 */
static void kc_release_checks(int ctl, const struct hvb_ioc_info *info)
{
	int sync[2], fd, st;
	pid_t child;
	char c;

	kc_check(kc_errno(kc_claim(ctl), EBUSY), "mapped-still-claimed",
		 "%ld", 0);
	if (kc_region)
		munmap(kc_region, info->region_size);
	if (kc_zone1)
		munmap(kc_zone1, ZONE1_SIZE);
	kc_region = NULL;
	kc_zone1 = NULL;
	kc_check(!kc_claim(ctl), "claim-after-release", "%ld", 0);
	kc_check(!kc_claim(ctl), "claim-again-same-file", "%ld", 0);
	close(ctl);

	/* A daemon that claims, maps and is killed. */
	if (pipe(sync))
		return;
	child = fork();
	if (child == 0) {
		fd = open(HVB_DEVICE_PATH, O_RDWR);
		if (fd < 0 || kc_claim(fd) ||
		    mmap(NULL, info->region_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0) == MAP_FAILED)
			_exit(1);
		if (write(sync[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	kc_check(read(sync[0], &c, 1) == 1, "killed-daemon-claimed", "%ld", 0);
	close(sync[0]);
	fd = open(HVB_DEVICE_PATH, O_RDWR);
	kc_check(kc_errno(kc_claim(fd), EBUSY), "killed-daemon-busy-before",
		 "%ld", 0);
	kill(child, SIGKILL);
	kc_check(waitpid(child, &st, 0) == child && WIFSIGNALED(st),
		 "killed-daemon-died", "%ld", st);
	kc_check(!kc_claim(fd), "claim-after-kill", "%ld", 0);
	close(fd);
}

/* Open by a user that is not root: refused (mode 0600, and the module
 * wants CAP_SYS_ADMIN), in a child that drops to nobody first. */
static void kc_nonroot_check(void)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		fd = open(HVB_DEVICE_PATH, O_RDWR);
		_exit(fd < 0 && (errno == EACCES || errno == EPERM) ? 0 : 1);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	kc_check(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		 "open-by-nonroot-refused", "child status %ld", st);
}

int main(void)
{
	struct hvb_ioc_info info;
	struct stat stbuf;
	size_t i;
	int fd, fd2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, kc_watchdog);
	alarm(20);

	kc_check(!stat(HVB_DEVICE_PATH, &stbuf) && S_ISCHR(stbuf.st_mode) &&
		 (stbuf.st_mode & 07777) == 0600, "dev-mode-0600", "mode %lo",
		 (long)stbuf.st_mode);
	kc_nonroot_check();
	fd = open(HVB_DEVICE_PATH, O_RDWR);
	kc_check(fd >= 0, "open", "%ld", fd);
	if (fd < 0)
		goto out;
	kc_check(!kc_claim(fd), "claim", "%ld", 0);
	fd2 = open(HVB_DEVICE_PATH, O_RDWR);
	kc_check(fd2 >= 0, "second-open", "fd %ld", fd2);
	if (fd2 < 0)
		goto out;

	memset(&info, 0xff, sizeof(info));
	kc_check(!ioctl(fd, HVB_IOC_INFO, &info) &&
		 info.abi_major == HVB_ABI_MAJOR &&
		 info.hc_version >> 16 == HVB_HC_ABI_MAJOR &&
		 info.nr_cpus == 3 && info.nr_zones == 2 &&
		 info.region_size == hvb_region_size(info.nr_cpus) &&
		 info.region_phys >= 0x40000000 &&
		 info.region_phys < 0x50000000,
		 "info", "nr_cpus %ld", (long)info.nr_cpus);
	/* Loaded without timeout_ms: the hypervisor's default. */
	kc_check(info.timeout_ms == HVB_HC_TIMEOUT_DEFAULT_MS, "info-timeout",
		 "timeout_ms %ld", (long)info.timeout_ms);
	for (i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]); i++)
		if (info.reserved[i])
			break;
	kc_check(i == sizeof(info.reserved) / sizeof(info.reserved[0]),
		 "info-reserved-zeroed", "word %ld", (long)i);
	printf("kmod-check: region at PA 0x%llx, 0x%llx bytes, %u CPU slots\n",
	       (unsigned long long)info.region_phys,
	       (unsigned long long)info.region_size, info.nr_cpus);

	kc_mmap_checks(fd, &info);
	kc_role_checks(fd2, &info);
	kc_zone_checks(fd);
	kc_create_checks(fd2);
	kc_irq_checks(fd);
	kc_wake_checks(fd);
	kc_zone_run_checks(fd, fd2);

	/* The mappings hold the file: closing the fd does not end it. */
	close(fd);
	kc_release_checks(fd2, &info);
out:
	printf("kmod-check: %d passed, %d failed\n", kc_pass, kc_fail);
	return kc_fail ? 1 : 0;
}
