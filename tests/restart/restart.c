// SPDX-License-Identifier: MIT
/*
 * Description: virtio-blk survives its daemon.  The daemon (the real
 * `hvbridge daemon`, a separate process on the sim transport) is killed
 * with SIGKILL (or stopped with SIGTERM) and started again every
 * 100-300 ms, 200 times, while this process, playing the guest, keeps
 * 32 checksummed reads and writes in flight through tests/virtio's
 * driver.  Afterwards: every request completed exactly once (used
 * entries counted per head), every read matched the last write of its
 * block, and Status never left DRIVER_OK.  A watchdog turns a hang into
 * a failure with a message.
 *
 *   hvb-restart HVBRIDGE KILL|TERM|STOP [RESTARTS]
 *   hvb-restart HVBRIDGE STATE
 *   hvb-restart HVBRIDGE RNG
 *   hvb-restart HVBRIDGE CONSOLE
 *   hvb-restart HVBRIDGE ZONE
 *
 * STATE: the state file is hostile input.  Between a SIGKILL and the
 * restart each case corrupts one thing in it; the new daemon must keep
 * running, mark the device NEEDS_RESET, and serve it again once the
 * driver resets it.  A bad header must stop the daemon with exit 1 and
 * a message; with the file removed the device starts afresh.
 *
 * RNG: virtio-rng (served on the consumer thread, not an I/O thread)
 * resumes its queue too: 16 requests posted with a posted kick, the
 * daemon killed at once, 50 times; each completes exactly once.
 * CONSOLE: the same for virtio-console's transmit queue (no client on
 * its unix socket: the bytes are dropped, the chains completed); then a
 * client writes, and the receive queue, set up before the first kill,
 * must still deliver.
 *
 * ZONE: the zone is stopped for good while no daemon runs (docs/abi.md,
 * "Zone restarts"): virtio-console has receive buffers of the old run
 * posted, the daemon is killed (SIGKILL: it still looks attached, and
 * the start gate must refuse) or stopped (SIGTERM: it detached, and the
 * start gate lets the zone go), the hypervisor bumps the zone's
 * generation, and a new daemon attaches.  Its state files are of the old
 * generation: it must start every device afresh (Status 0) and not
 * resume the old receive queue, so input then written to the console
 * lands in no old buffer; and it acknowledges the new generation.
 *
 * STOP: as TERM, but each daemon is stopped by `hvbridge daemon --stop`
 * (40 times by default), which must exit 0 only after the daemon has
 * drained (nothing in flight in its state file) and exited with status
 * 0.  Then the per-device counters, which each daemon takes over from
 * the last, must count exactly the requests the guest saw complete.
 *
 * RS_LOG=1 shows the daemons' info lines; RS_NO_STATE=1 runs them with
 * --no-state, which must fail (the test has teeth).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hyp/kickslot.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_rng.h>

#include "blkenv.h"
#include "devstats.h"
#include "virtio/vstate.h"

#define RS_SLOTS	32u
#define RS_BLOCK	4096u		/* one request: 8 sectors */
#define RS_BLOCKS_PER_SLOT 8u		/* slot s owns blocks s + 32 k */
#define RS_MEM_SIZE	(4ull << 20)
#define RS_WATCHDOG_S	150u
/* virtio-rng beside the disk, in the upper half of zone memory. */
#define RS_RNG_BASE	(BE_DEV_BASE + BE_WINDOW)
#define RS_RNG_IRQ	(BE_IRQ + 1)
#define RS_RNG_REQS	16u
#define RS_CON_BASE	(BE_DEV_BASE + 2 * BE_WINDOW)
#define RS_CON_IRQ	(BE_IRQ + 2)
#define RS_FEATURES	((1ull << VIRTIO_F_VERSION_1) |			\
			 (1ull << VIRTIO_RING_F_EVENT_IDX) |		\
			 (1ull << VIRTIO_BLK_F_FLUSH))

static struct blkenv env;
static char dir[64], img[128], region[128], phys[128], irqs[128],
	    cfg[128], state[128], con_sock[128];
static const char *hvbridge;
static volatile pid_t daemon_pid;
static volatile unsigned int restarts_done;
static volatile int killer_done;
static void *region_mem;		/* to see a daemon attach */
/* The hypervisor's kick slots, as its zone create would give them. */
static struct hyp_kick_table rs_kicks;
static int rs_blk_kick, rs_rng_kick, rs_con_kick;
static int sig;
static bool use_stop;			/* STOP: `hvbridge daemon --stop` */
static const char *log_level = "warn";	/* STATE: "error" */
static unsigned int restarts;

static void on_alarm(int s)
{
	static const char msg[] = "FAIL restart: watchdog: the workload hung\n";
	pid_t pid = daemon_pid;

	(void)s;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	if (pid > 0)
		kill(pid, SIGKILL);
	_exit(1);
}

static void *rs_file(const char *path, __u64 size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	void *p;

	if (fd < 0 || ftruncate(fd, (off_t)size))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static pid_t rs_spawn(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* RS_NO_STATE=1: the teeth check, this must then fail. */
		if (getenv("RS_NO_STATE"))
			execl(hvbridge, hvbridge, "daemon", "-c", cfg,
			      "--no-state", "--log-level", "error",
			      (char *)NULL);
		execl(hvbridge, hvbridge, "daemon", "-c", cfg, "--state-dir",
		      state, "--log-level", getenv("RS_LOG") ? "info" : log_level,
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

static unsigned int rs_rand(unsigned int *seed, unsigned int n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) % n;
}

/*
 * STOP: `hvbridge daemon --stop`, named by the same config and state
 * directory as the daemon, must find it, stop it after it drained and
 * return 0 only once it has exited.  Returns its exit status, or -1.
 */
static int rs_stop_cmd(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		/* Its one line on success is not the test's output. */
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(hvbridge, hvbridge, "daemon", "--stop", "-c", cfg,
		      "--state-dir", state, "--timeout", "20", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * STOP: a daemon that drained left nothing in flight in the disk's
 * state file: every queue's in-flight bits clear, last_avail at
 * used_idx.  Returns the number of heads left in flight, or -1.
 */
static int rs_left_in_flight(void)
{
	char path[192];
	struct hvb_vstate vs;
	int fd, n = 0;
	__u32 q, w;

	snprintf(path, sizeof(path), "%s/zone%u-%llx.state", state, BE_ZONE,
		 (unsigned long long)BE_DEV_BASE);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (pread(fd, &vs, sizeof(vs), 0) != (ssize_t)sizeof(vs)) {
		close(fd);
		return -1;
	}
	close(fd);
	for (q = 0; q < HVB_VIRTIO_MAX_QUEUES; q++) {
		for (w = 0; w < HVB_VIRTIO_QUEUE_MAX / 64; w++)
			n += __builtin_popcountll(vs.q[q].inflight[w]);
		if (vs.q[q].last_avail != vs.q[q].used_idx)
			n++;
	}
	return n;
}

/*
 * STOP: the daemons' per-device counters (tool/devstats.h), carried
 * from each daemon to the next since every stop was clean, must say
 * what the guest saw: virtio-blk completed exactly @done requests,
 * moved at least the data of @reads reads and @writes writes, raised
 * interrupts and failed nothing.  Returns the number of mismatches.
 */
static int rs_check_counters(unsigned long done, unsigned long reads,
			     unsigned long writes)
{
	const struct hvb_devstats_dev *d = NULL;
	struct hvb_devstats s;
	char path[256];
	struct stat st;
	unsigned int i;
	int fd, bad = 0;

	if (stat(region, &st))
		return 1;
	snprintf(path, sizeof(path), "%s/file-%llx-%llx.stats", state,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &s, sizeof(s), 0) != (ssize_t)sizeof(s)) {
		fprintf(stderr, "FAIL restart: no stats file %s\n", path);
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	for (i = 0; i < s.nr_devs && i < HVB_DEVSTATS_MAX; i++)
		if (s.dev[i].base == BE_DEV_BASE && s.dev[i].zone == BE_ZONE)
			d = &s.dev[i];
	if (s.magic != HVB_DEVSTATS_MAGIC || !d) {
		fprintf(stderr, "FAIL restart: %s: bad header or no disk\n",
			path);
		return 1;
	}
	if (d->requests != done) {
		fprintf(stderr, "FAIL restart: the disk's counters say %llu requests, the guest saw %lu\n",
			(unsigned long long)d->requests, done);
		bad++;
	}
	if (d->bytes_written < (__u64)reads * RS_BLOCK ||
	    d->bytes_read < (__u64)writes * RS_BLOCK || !d->interrupts ||
	    d->errors || strcmp(d->type, "virtio-blk")) {
		fprintf(stderr, "FAIL restart: the disk's counters: type %.16s, %llu bytes read, %llu written, %llu interrupts, %llu errors (%lu reads, %lu writes)\n",
			d->type, (unsigned long long)d->bytes_read,
			(unsigned long long)d->bytes_written,
			(unsigned long long)d->interrupts,
			(unsigned long long)d->errors, reads, writes);
		bad++;
	}
	return bad;
}

/* Kill (or stop) and restart the daemon, @restarts times. */
static void *rs_killer(void *arg)
{
	unsigned int seed = 12345, i;
	int status;

	(void)arg;
	for (i = 0; i < restarts; i++) {
		struct timespec ts = { 0, (long)(100 + rs_rand(&seed, 201)) *
					   1000000L };
		pid_t pid = daemon_pid;

		/* SIGTERM asks a serving daemon to stop: wait until it
		 * attached (its handlers are in place by then; one that
		 * has not started is simply killed by the signal).
		 * SIGKILL may land at any instant, start-up included. */
		while (sig == SIGTERM &&
		       hvb_read_once_u32(&hvb_region_wake(region_mem)->
					 consumer_epoch) != i + 1)
			usleep(1000);
		nanosleep(&ts, NULL);
		if (use_stop) {
			int ret = rs_stop_cmd();
			pid_t w = waitpid(pid, &status, WNOHANG);

			/* --stop returns once the daemon has exited: it is
			 * a zombie now, never still running. */
			if (ret != 0 || w != pid) {
				fprintf(stderr, "FAIL restart: hvbridge daemon --stop exited %d; the daemon %s\n",
					ret, w == pid ? "exited" :
					"was still running");
				kill(pid, SIGKILL);
				exit(1);
			}
			ret = rs_left_in_flight();
			if (ret) {
				fprintf(stderr, "FAIL restart: the stopped daemon left %d requests in flight (-1: no state file)\n",
					ret);
				exit(1);
			}
		} else {
			kill(pid, sig);
			waitpid(pid, &status, 0);
		}
		if (sig == SIGTERM && !(WIFEXITED(status) &&
					 WEXITSTATUS(status) == 0)) {
			fprintf(stderr, "FAIL restart: the daemon did not stop cleanly on SIGTERM (status 0x%x)\n",
				status);
			exit(1);
		}
		daemon_pid = rs_spawn();
		restarts_done = i + 1;
	}
	__atomic_store_n(&killer_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void rs_pattern(__u8 *p, __u64 block, __u32 gen)
{
	__u32 i;

	for (i = 0; i < RS_BLOCK; i += 4) {
		__u32 v = (__u32)(block * 2654435761u) ^ gen ^ i;

		memcpy(p + i, &v, 4);
	}
}

static int rs_setup(void)
{
	__u64 rsize = hvb_region_size(2);
	FILE *f;
	int err;

	snprintf(dir, sizeof(dir), "/tmp/hvb-restart-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	snprintf(cfg, sizeof(cfg), "%s/cfg.json", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(con_sock, sizeof(con_sock), "%s/con.sock", dir);
	snprintf(region, sizeof(region), "/dev/shm/hvb-restart-%d-region",
		 getpid());
	snprintf(phys, sizeof(phys), "/dev/shm/hvb-restart-%d-phys", getpid());
	snprintf(irqs, sizeof(irqs), "/dev/shm/hvb-restart-%d-irq", getpid());
	if (blkenv_make_image(img, RS_SLOTS * RS_BLOCKS_PER_SLOT * RS_BLOCK))
		return -1;
	region_mem = rs_file(region, rsize);
	if (!region_mem || hvb_region_format(region_mem, rsize, 2))
		return -1;
	env.drv.mem = rs_file(phys, RS_MEM_SIZE);
	env.drv.irqs = rs_file(irqs, sizeof(struct hvb_sim_irq_page));
	if (!env.drv.mem || !env.drv.irqs)
		return -1;
	f = fopen(cfg, "w");
	if (!f)
		return -1;
	fprintf(f, "{ \"version\": 1,\n"
		   "  \"transport\": { \"type\": \"sim\", \"region\": \"%s\",\n"
		   "    \"memory\": \"%s\", \"memory_base\": \"0x%llx\",\n"
		   "    \"interrupts\": \"%s\" },\n"
		   "  \"zones\": [ { \"id\": %u,\n"
		   "    \"memory\": [ { \"phys\": \"0x%llx\", \"ipa\": \"0x%llx\", \"size\": \"0x%llx\" } ],\n"
		   "    \"devices\": [ { \"type\": \"virtio-blk\", \"base\": \"0x%llx\",\n"
		   "      \"size\": \"0x%x\", \"irq\": %u,\n"
		   "      \"options\": { \"img\": \"%s\" } },\n"
		   "      { \"type\": \"virtio-rng\", \"base\": \"0x%llx\",\n"
		   "      \"size\": \"0x%x\", \"irq\": %u },\n"
		   "      { \"type\": \"virtio-console\", \"base\": \"0x%llx\",\n"
		   "      \"size\": \"0x%x\", \"irq\": %u,\n"
		   "      \"options\": { \"mode\": \"unix\", \"path\": \"%s\" } } ] } ] }\n",
		region, phys, BE_PHYS_BASE, irqs, BE_ZONE, BE_PHYS_BASE,
		BE_GUEST_IPA, RS_MEM_SIZE, BE_DEV_BASE, BE_WINDOW, BE_IRQ,
		img, RS_RNG_BASE, BE_WINDOW, RS_RNG_IRQ, RS_CON_BASE,
		BE_WINDOW, RS_CON_IRQ, con_sock);
	/* As the hypervisor does when it creates the zone: a kick slot per
	 * posted window, in the region for the daemons to route
	 * (docs/abi.md, "Kick slots"). */
	rs_blk_kick = hyp_kick_slot_alloc(&rs_kicks, BE_ZONE, BE_DEV_BASE,
					  BE_WINDOW, HVB_VIRTIO_MMIO_NOTIFY);
	rs_rng_kick = hyp_kick_slot_alloc(&rs_kicks, BE_ZONE, RS_RNG_BASE,
					  BE_WINDOW, HVB_VIRTIO_MMIO_NOTIFY);
	rs_con_kick = hyp_kick_slot_alloc(&rs_kicks, BE_ZONE, RS_CON_BASE,
					  BE_WINDOW, HVB_VIRTIO_MMIO_NOTIFY);
	if (rs_blk_kick < 0 || rs_rng_kick < 0 || rs_con_kick < 0)
		return -1;
	hyp_kick_table_publish(&rs_kicks, hvb_region_kick_slots(region_mem, 2),
			       &hvb_region_kicks(region_mem)->slots_gen);
	fclose(f);
	/* The producer waits for a daemon that is being restarted. */
	err = hyp_channel_attach(&env.p, region_mem, rsize, 0,
				 10ull * 1000 * 1000 * 1000);
	if (err)
		return -1;
	env.drv.p = &env.p;
	env.drv.zone = BE_ZONE;
	env.drv.base = BE_DEV_BASE;
	env.drv.kick_dev = rs_blk_kick;
	env.drv.mem_ipa = BE_GUEST_IPA;
	env.drv.mem_size = RS_MEM_SIZE;
	env.drv.irq = BE_IRQ;
	env.mem_size = RS_MEM_SIZE;
	return 0;
}

static void rs_cleanup(void)
{
	char cmd[160];

	unlink(region);
	unlink(phys);
	unlink(irqs);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "restart: cannot remove %s\n", dir);
}

/* Wait up to 5 s for @pid to exit; its status, or -1. */
static int rs_wait_exit(pid_t pid)
{
	int status, i;

	for (i = 0; i < 500; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10 * 1000);
	}
	return -1;
}

/* One checked read of block 0 through a fresh driver init. */
static int rs_read_ok(void)
{
	__u32 len;

	if (blkenv_init_driver(&env, RS_FEATURES, 128, RS_SLOTS, RS_BLOCK))
		return -1;
	return blkenv_do(&env, 0, VIRTIO_BLK_T_IN, 0, RS_BLOCK, &len) ==
	       VIRTIO_BLK_S_OK ? 0 : -1;
}

static void rs_bad_num(struct hvb_vstate *vs) { vs->q[0].num = 3; }
static void rs_bad_inflight(struct hvb_vstate *vs)
{
	vs->q[0].inflight[3] |= 1ull << 63;	/* head 255 of 128 */
}
static void rs_bad_last_avail(struct hvb_vstate *vs)
{
	vs->q[0].last_avail += 5;
}
static void rs_bad_used(struct hvb_vstate *vs) { vs->q[0].used_idx -= 7; }
static void rs_bad_status(struct hvb_vstate *vs) { vs->status |= 0x10000; }
static void rs_bad_features(struct hvb_vstate *vs)
{
	vs->features |= 1ull << 62;
}
static void rs_bad_ring(struct hvb_vstate *vs)
{
	vs->q[0].device_addr = 0x10;	/* outside the zone */
}

static int rs_state_mode(void)
{
	static const struct {
		const char *what;
		void (*corrupt)(struct hvb_vstate *vs);
	} cases[] = {
		{ "queue size not a power of two", rs_bad_num },
		{ "a head in flight beyond the queue", rs_bad_inflight },
		{ "last_avail out of step", rs_bad_last_avail },
		{ "used_idx behind used->idx", rs_bad_used },
		{ "unknown status bits", rs_bad_status },
		{ "features never offered", rs_bad_features },
		{ "a ring outside the zone", rs_bad_ring },
	};
	char path[256];
	struct hvb_vstate *vs;
	unsigned int i, fails = 0;
	int fd, status;

	snprintf(path, sizeof(path), "%s/zone%u-%llx.state", state, BE_ZONE,
		 (unsigned long long)BE_DEV_BASE);
	if (rs_read_ok()) {
		fprintf(stderr, "FAIL restart-state: first read: %s\n", env.err);
		return 1;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		__u32 st;

		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, &status, 0);
		fd = open(path, O_RDWR);
		vs = fd < 0 ? MAP_FAILED :
		     mmap(NULL, sizeof(*vs), PROT_READ | PROT_WRITE,
			  MAP_SHARED, fd, 0);
		if (fd >= 0)
			close(fd);
		if (vs == MAP_FAILED) {
			fprintf(stderr, "FAIL restart-state: %s: cannot map\n", path);
			return 1;
		}
		cases[i].corrupt(vs);
		munmap(vs, sizeof(*vs));
		daemon_pid = rs_spawn();
		st = blkenv_status(&env);
		if (!(st & VIRTIO_CONFIG_S_NEEDS_RESET) || st == ~0u ||
		    kill(daemon_pid, 0) || rs_read_ok()) {
			printf("FAIL restart-state: %s: Status 0x%x, then %s\n",
			       cases[i].what, st, env.err);
			fails++;
		} else {
			printf("PASS restart-state: %s: NEEDS_RESET, served after a reset\n",
			       cases[i].what);
		}
	}
	/* A bad header: the daemon refuses to start. */
	kill(daemon_pid, SIGKILL);
	waitpid(daemon_pid, &status, 0);
	fd = open(path, O_WRONLY);
	if (fd < 0 || pwrite(fd, "XXXX", 4, 0) != 4)
		fails++;
	if (fd >= 0)
		close(fd);
	daemon_pid = rs_spawn();
	status = rs_wait_exit(daemon_pid);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 1) {
		printf("FAIL restart-state: bad magic: the daemon did not exit 1 (0x%x)\n",
		       status);
		fails++;
		if (status < 0)
			kill(daemon_pid, SIGKILL);
	} else {
		printf("PASS restart-state: bad magic: refused, exit 1\n");
	}
	/* Without the file the device starts afresh. */
	unlink(path);
	daemon_pid = rs_spawn();
	if (rs_read_ok()) {
		printf("FAIL restart-state: afresh: %s\n", env.err);
		fails++;
	} else {
		printf("PASS restart-state: file removed: the device starts afresh\n");
	}
	kill(daemon_pid, SIGTERM);
	waitpid(daemon_pid, &status, 0);
	daemon_pid = 0;
	return fails ? 1 : 0;
}

/*
 * 50 rounds on queue @q of driver @d: post RS_RNG_REQS chains of one
 * @len-byte buffer (device-writable if @writable) with a posted kick,
 * SIGKILL the daemon at once and start another; every chain must come
 * back exactly once, with @used bytes written.  Stops at the first
 * wrong round; returns the number of faults, the rounds run in *@rounds.
 */
static unsigned int rs_kill_rounds(struct vdrv *d, __u32 q, __u32 len,
				   bool writable, __u32 used, const char *what,
				   unsigned int *rounds)
{
	__u16 seen[VDRV_MAX_SIZE];
	unsigned int round, i, fails = 0;
	int status;

	for (round = 0; round < 50 && !fails; round++) {
		for (i = 0; i < RS_RNG_REQS; i++) {
			struct vdrv_buf b = { .ipa = vdrv_alloc(d, len, 8),
					      .len = len,
					      .writable = writable };

			if (!b.ipa || vdrv_add(d, q, &b, 1, false) < 0)
				fails++;
		}
		vdrv_kick(d, q);
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, &status, 0);
		daemon_pid = rs_spawn();
		if (!vdrv_wait_used(d, q, RS_RNG_REQS, 10000)) {
			printf("FAIL %s: round %u: %u of %u completed\n", what,
			       round, vdrv_used_pending(d, q), RS_RNG_REQS);
			fails++;
			break;
		}
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < RS_RNG_REQS; i++) {
			__u32 got = ~0u;
			int head = vdrv_get_used(d, q, &got);

			if (head < 0 || head >= (int)VDRV_MAX_SIZE ||
			    seen[head]++ || got != used)
				fails++;
		}
	}
	*rounds = round;
	return fails;
}

/*
 * @d (a copy of env.drv: the producer, the memory's file) made the
 * driver of the device at @base with posted kicks, on the upper half of
 * the guest memory (each mode is a process of its own, so the half the
 * blk workload would use is free).
 */
static void rs_upper_half_driver(struct vdrv *d, __u64 base, int kick,
				 __u32 irq)
{
	d->base = base;
	d->kick_dev = kick;
	d->posted_kicks = true;
	d->irq = irq;
	d->mem = env.drv.mem + RS_MEM_SIZE / 2;
	d->mem_ipa = BE_GUEST_IPA + RS_MEM_SIZE / 2;
	d->mem_size = RS_MEM_SIZE / 2;
	d->alloc_next = 0;
}

static int rs_rng_mode(void)
{
	struct vdrv rng = env.drv;	/* the producer, the memory's file */
	unsigned int round = 0, fails;

	rs_upper_half_driver(&rng, RS_RNG_BASE, rs_rng_kick, RS_RNG_IRQ);
	if (vdrv_init(&rng, VIRTIO_ID_RNG, RS_FEATURES, 1, 64)) {
		printf("FAIL restart-rng: driver init\n");
		return 1;
	}
	/* Each request filled whole: 64 random bytes. */
	fails = rs_kill_rounds(&rng, 0, 64, true, 64, "restart-rng", &round);
	usleep(100 * 1000);
	if (vdrv_used_pending(&rng, 0))
		fails++;
	if (vdrv_read(&rng, VIRTIO_MMIO_STATUS) != 0xf)
		fails++;
	if (fails)
		printf("FAIL restart-rng: %u wrong after %u kills\n", fails,
		       round);
	else
		printf("PASS restart-rng: %u kills with requests posted, each completed once\n",
		       round);
	return fails ? 1 : 0;
}

static int rs_console_mode(void)
{
	struct vdrv con = env.drv;	/* the producer, the memory's file */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned int round = 0, i, fails = 0;
	__u32 len = 0;
	int fd = -1;

	rs_upper_half_driver(&con, RS_CON_BASE, rs_con_kick, RS_CON_IRQ);
	if (vdrv_init(&con, VIRTIO_ID_CONSOLE, RS_FEATURES, 2, 64)) {
		printf("FAIL restart-console: driver init\n");
		return 1;
	}
	/* Receive buffers, before any kill: the device takes them only
	 * once it has bytes. */
	for (i = 0; i < 4; i++) {
		struct vdrv_buf b = { .ipa = vdrv_alloc(&con, 64, 8),
				      .len = 64, .writable = true };

		if (!b.ipa || vdrv_add(&con, 0, &b, 1, false) < 0)
			fails++;
	}
	vdrv_kick(&con, 0);
	/* Transmit chains: the device reads them and writes nothing. */
	if (!fails)
		fails = rs_kill_rounds(&con, 1, 16, false, 0, "restart-console",
				       &round);
	/* The receive queue outlived 50 daemons too. */
	strcpy(sa.sun_path, con_sock);
	for (i = 0; i < 500 && fd < 0; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			close(fd);
			fd = -1;
			usleep(10 * 1000);
		}
	}
	if (fd < 0 || write(fd, "hello", 5) != 5 ||
	    !vdrv_wait_used(&con, 0, 1, 10000) ||
	    vdrv_get_used(&con, 0, &len) < 0 || len != 5) {
		printf("FAIL restart-console: no input through the receive queue\n");
		fails++;
	}
	if (fd >= 0)
		close(fd);
	usleep(100 * 1000);
	if (vdrv_used_pending(&con, 1) || vdrv_used_pending(&con, 0))
		fails++;
	if (vdrv_read(&con, VIRTIO_MMIO_STATUS) != 0xf)
		fails++;
	if (fails)
		printf("FAIL restart-console: %u wrong after %u kills\n", fails,
		       round);
	else
		printf("PASS restart-console: %u kills with output posted, each completed once; input after them\n",
		       round);
	return fails ? 1 : 0;
}

/* The guest's half of ZONE: one stop of the zone with daemon signal
 * @how; returns the number of faults, each printed. */
static unsigned int rs_zone_round(int how, __u32 gen)
{
	const char *what = how == SIGKILL ? "killed" : "stopped";
	struct vdrv con = env.drv;	/* the producer, the memory's file */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	__u64 old[4];
	unsigned int i, j, fails = 0;
	int status, fd = -1;

	rs_upper_half_driver(&con, RS_CON_BASE, rs_con_kick, RS_CON_IRQ);
	con.alloc_next = (gen - 1) * 8192;	/* fresh memory each round */
	if (vdrv_init(&con, VIRTIO_ID_CONSOLE, RS_FEATURES, 2, 64)) {
		printf("FAIL restart-zone: driver init\n");
		return 1;
	}
	for (i = 0; i < 4; i++) {
		struct vdrv_buf b = { .ipa = vdrv_alloc(&con, 64, 8),
				      .len = 64, .writable = true };

		old[i] = b.ipa;
		if (!b.ipa || vdrv_add(&con, 0, &b, 1, false) < 0)
			return 1;
		memset(vdrv_ptr(&con, b.ipa), 0xa5, 64);
	}
	vdrv_kick(&con, 0);
	/* The device has taken them into its state (a read through the
	 * channel is served after the kick by the same thread). */
	if (vdrv_read(&con, VIRTIO_MMIO_STATUS) != 0xf)
		fails++;
	kill(daemon_pid, how);
	waitpid(daemon_pid, &status, 0);
	/* The zone's CPUs parked: its new generation. */
	hyp_channel_zone_gone(&env.p, BE_ZONE, gen);
	if (hyp_channel_zone_released(&env.p, BE_ZONE, gen,
				      50ull * 1000 * 1000) != (how != SIGKILL)) {
		printf("FAIL restart-zone: daemon %s: the start gate said %s\n",
		       what, how == SIGKILL ? "go" : "wait");
		fails++;
	}
	daemon_pid = rs_spawn();
	if (hyp_channel_zone_released(&env.p, BE_ZONE, gen,
				      5000ull * 1000 * 1000) != 1) {
		printf("FAIL restart-zone: daemon %s: the new daemon never acknowledged generation %u\n",
		       what, gen);
		fails++;
	}
	if (vdrv_read(&con, VIRTIO_MMIO_STATUS) != 0) {
		printf("FAIL restart-zone: daemon %s: the new daemon resumed the old run's console (Status 0x%x)\n",
		       what, vdrv_read(&con, VIRTIO_MMIO_STATUS));
		fails++;
	}
	if (blkenv_status(&env) != 0) {
		printf("FAIL restart-zone: daemon %s: the new daemon resumed the old run's disk\n",
		       what);
		fails++;
	}
	strcpy(sa.sun_path, con_sock);
	for (i = 0; i < 500 && fd < 0; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			close(fd);
			fd = -1;
			usleep(10 * 1000);
		}
	}
	if (fd < 0 || write(fd, "hello", 5) != 5)
		fails++;
	usleep(200 * 1000);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 64; j++)
			if (((const __u8 *)vdrv_ptr(&con, old[i]))[j] != 0xa5) {
				printf("FAIL restart-zone: daemon %s: input written into a buffer of the old run\n",
				       what);
				fails++;
				i = 4;
				break;
			}
	/* The zone's next run is served, and takes the input that waited
	 * (so none is left for the next round's old buffers). */
	if (!fails) {
		struct vdrv_buf b = { .len = 64, .writable = true };
		__u32 len = 0;

		b.ipa = vdrv_alloc(&con, 64, 8);
		if (vdrv_init(&con, VIRTIO_ID_CONSOLE, RS_FEATURES, 2, 64) ||
		    !b.ipa || vdrv_add(&con, 0, &b, 1, false) < 0 ||
		    vdrv_kick(&con, 0) != HVB_STATUS_OK ||
		    !vdrv_wait_used(&con, 0, 1, 5000) ||
		    vdrv_get_used(&con, 0, &len) < 0 || len != 5 ||
		    memcmp(vdrv_ptr(&con, b.ipa), "hello", 5)) {
			printf("FAIL restart-zone: daemon %s: the next run got no input\n",
			       what);
			fails++;
		}
	}
	if (fd >= 0)
		close(fd);
	if (!fails)
		printf("PASS restart-zone: daemon %s, zone restarted: the start gate %s, the new daemon started its devices afresh and acknowledged\n",
		       what, how == SIGKILL ? "waited for it" : "let the zone go");
	return fails;
}

static int rs_zone_mode(void)
{
	unsigned int fails;
	int status;

	if (rs_read_ok()) {
		printf("FAIL restart-zone: first read: %s\n", env.err);
		return 1;
	}
	fails = rs_zone_round(SIGKILL, 1);
	fails += rs_zone_round(SIGTERM, 2);
	kill(daemon_pid, SIGTERM);
	waitpid(daemon_pid, &status, 0);
	daemon_pid = 0;
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	static __u32 gen[RS_SLOTS * RS_BLOCKS_PER_SLOT];
	static __u64 slot_block[RS_SLOTS];
	static __u32 slot_type[RS_SLOTS], slot_gen[RS_SLOTS];
	static __u8 expect[RS_BLOCK];
	unsigned long issued = 0, done = 0, reads = 0, writes = 0, flushes = 0;
	unsigned int seed = 777, s, bad = 0;
	const __u32 ok_status = VIRTIO_CONFIG_S_ACKNOWLEDGE |
				VIRTIO_CONFIG_S_DRIVER |
				VIRTIO_CONFIG_S_FEATURES_OK |
				VIRTIO_CONFIG_S_DRIVER_OK;
	pthread_t killer;
	time_t t0 = time(NULL);
	__u32 st;
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: hvb-restart HVBRIDGE KILL|TERM|STOP|STATE|RNG|CONSOLE|ZONE [RESTARTS]\n");
		return 2;
	}
	hvbridge = argv[1];
	use_stop = !strcmp(argv[2], "STOP");
	sig = !strcmp(argv[2], "TERM") || use_stop ? SIGTERM : SIGKILL;
	restarts = argc > 3 ? (unsigned int)atoi(argv[3]) :
		   use_stop ? 40 : 200;
	signal(SIGALRM, on_alarm);
	alarm(RS_WATCHDOG_S);
	if (rs_setup()) {
		fprintf(stderr, "FAIL restart: setup: %s\n", strerror(errno));
		rs_cleanup();
		return 1;
	}
	if (!strcmp(argv[2], "STATE"))
		log_level = "error";	/* the warnings are provoked */
	daemon_pid = rs_spawn();
	if (!strcmp(argv[2], "STATE") || !strcmp(argv[2], "RNG") ||
	    !strcmp(argv[2], "CONSOLE") || !strcmp(argv[2], "ZONE")) {
		int ret = !strcmp(argv[2], "RNG") ? rs_rng_mode() :
			  !strcmp(argv[2], "ZONE") ? rs_zone_mode() :
			  !strcmp(argv[2], "CONSOLE") ? rs_console_mode() :
			  rs_state_mode();

		if (daemon_pid > 0)
			kill(daemon_pid, SIGKILL);
		rs_cleanup();
		return ret;
	}
	if (blkenv_init_driver(&env, RS_FEATURES, 128, RS_SLOTS, RS_BLOCK)) {
		fprintf(stderr, "FAIL restart: driver init: %s\n", env.err);
		goto out;
	}
	if (pthread_create(&killer, NULL, rs_killer, NULL))
		goto out;
	/* Fill every slot, then keep them all busy until the killer is
	 * done; each completion is checked and the slot refilled. */
	for (s = 0; s < RS_SLOTS; s++)
		slot_type[s] = ~0u;
	for (;;) {
		bool stopping = __atomic_load_n(&killer_done,
						__ATOMIC_ACQUIRE);
		__u32 len = 0;
		__u8 sb = 0xff;
		int slot;

		for (s = 0; s < RS_SLOTS && !stopping; s++) {
			__u64 block;
			__u32 type, r;

			if (slot_type[s] != ~0u)
				continue;
			block = s + RS_SLOTS *
				rs_rand(&seed, RS_BLOCKS_PER_SLOT);
			r = rs_rand(&seed, 16);
			type = r == 0 ? VIRTIO_BLK_T_FLUSH :
			       r < 8 ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
			slot_gen[s] = gen[block] + 1;
			if (type == VIRTIO_BLK_T_OUT)
				rs_pattern(blkenv_buf(&env, s), block,
					   slot_gen[s]);
			else
				memset(blkenv_buf(&env, s), 0x5a, RS_BLOCK);
			if (blkenv_add(&env, s, type, block * (RS_BLOCK / 512),
				       type == VIRTIO_BLK_T_FLUSH ? 0 :
				       RS_BLOCK, 1) < 0) {
				fprintf(stderr, "FAIL restart: add: %s\n",
					env.err);
				goto out;
			}
			slot_type[s] = type;
			slot_block[s] = block;
			issued++;
		}
		if (blkenv_kick(&env)) {
			fprintf(stderr, "FAIL restart: %s\n", env.err);
			goto out;
		}
		if (stopping && done == issued)
			break;
		/* A reap names an unknown head if one completed twice. */
		slot = blkenv_reap(&env, 20000, &len, &sb);
		if (slot < 0) {
			fprintf(stderr, "FAIL restart: after %u restarts, %lu of %lu done: %s\n",
				restarts_done, done, issued, env.err);
			goto out;
		}
		done++;
		if (sb != VIRTIO_BLK_S_OK) {
			fprintf(stderr, "FAIL restart: request status %u\n", sb);
			bad++;
		}
		if (slot_type[slot] == VIRTIO_BLK_T_OUT) {
			gen[slot_block[slot]] = slot_gen[slot];
			writes++;
		} else if (slot_type[slot] == VIRTIO_BLK_T_IN) {
			rs_pattern(expect, slot_block[slot],
				   gen[slot_block[slot]]);
			if (gen[slot_block[slot]] == 0)
				memset(expect, 0, sizeof(expect));
			if (memcmp(expect, blkenv_buf(&env, (unsigned int)slot),
				   RS_BLOCK)) {
				if (!bad)
					fprintf(stderr, "FAIL restart: block %llu read back wrong (generation %u)\n",
						(unsigned long long)slot_block[slot],
						gen[slot_block[slot]]);
				bad++;
			}
			reads++;
		} else {
			flushes++;
		}
		slot_type[slot] = ~0u;
		if (done % 512 == 0) {
			st = blkenv_status(&env);
			if (st != ok_status) {
				fprintf(stderr, "FAIL restart: Status 0x%x after %u restarts\n",
					st, restarts_done);
				goto out;
			}
		}
	}
	pthread_join(killer, NULL);
	/* A completion delivered twice would show up now. */
	usleep(300 * 1000);
	if (vdrv_used_pending(&env.drv, 0)) {
		fprintf(stderr, "FAIL restart: %u completions more than requests\n",
			vdrv_used_pending(&env.drv, 0));
		bad++;
	}
	st = blkenv_status(&env);
	if (st != ok_status) {
		fprintf(stderr, "FAIL restart: Status 0x%x at the end\n", st);
		bad++;
	}
	kill(daemon_pid, SIGTERM);
	waitpid(daemon_pid, &status, 0);
	daemon_pid = 0;
	if (use_stop)
		bad += (unsigned int)rs_check_counters(done, reads, writes);
	printf("%s restart-%s: %u restarts, %lu requests (%lu reads, %lu writes, %lu flushes) each completed once, %u bad, %ld s\n",
	       bad ? "FAIL" : "PASS", sig == SIGKILL ? "kill" :
	       use_stop ? "stop" : "term",
	       restarts, done, reads, writes, flushes, bad,
	       (long)(time(NULL) - t0));
	rs_cleanup();
	return bad ? 1 : 0;
out:
	if (daemon_pid > 0)
		kill(daemon_pid, SIGKILL);
	rs_cleanup();
	return 1;
}
