// SPDX-License-Identifier: MIT
/*
 * Description: daemon operations from the command line.
 * `hvbridge daemon --stop` stops a live daemon and returns 0 once it
 * exited 0; with no daemon it exits 1 with a message; a stale pid file
 * (its pid dead) is not trusted and a pid file held by a process that is
 * not hvbridge is never signalled; a daemon that does not stop in time
 * makes it exit 3.  (Stopping with requests in flight: tests/restart,
 * STOP.)  `hvbridge stat` shows the daemon's per-device counters, which
 * move with what it served (the test device's register accesses add up
 * to the region's served count), say since when they count, and
 * `--watch S --count N` prints N lines, one per interval, whose numbers
 * grow beside a live daemon (on a terminal: N redraws).  A daemon
 * removes the run files of regions that are gone.  Every run is under timeout(1), so a hang
 * fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <hvbridge/barrier.h>
#include <hvbridge/region.h>

#include "cfgtest.h"
#include "clirun.h"

#define BIN		HVB_TEST_HVBRIDGE

static char ops_dir[64], ops_region[128], ops_state[128];

/* A formatted one-CPU region file at @path. */
static void ops_make_region(const char *path)
{
	__u64 size = hvb_region_size(1);
	void *mem;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, (off_t)size), 0);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	cr_assert(mem != MAP_FAILED);
	cr_assert_eq(hvb_region_format(mem, size, 1), HVB_REGION_OK);
	munmap(mem, size);
}

static void ops_setup(void)
{
	snprintf(ops_dir, sizeof(ops_dir), "/tmp/hvb-opstest-XXXXXX");
	cr_assert(mkdtemp(ops_dir), "mkdtemp");
	snprintf(ops_region, sizeof(ops_region), "%s/region", ops_dir);
	snprintf(ops_state, sizeof(ops_state), "%s/state", ops_dir);
	ops_make_region(ops_region);
}

static void ops_teardown(void)
{
	cli_remove_dir(ops_dir);
}

TestSuite(ops, .init = ops_setup, .fini = ops_teardown,
	  .timeout = CFG_CLI_TIMEOUT_S);

/* Run "@args" (shell words) under timeout(1); capture both streams. */
static void ops_cli(struct cli_run *r, const char *args)
{
	cli_run_in(ops_dir, 60, r, args);
}

/* `hvbridge daemon --stop` for region @region in the test's state
 * directory. */
static void ops_stop_on(struct cli_run *r, const char *region,
			const char *extra)
{
	char args[512];

	snprintf(args, sizeof(args),
		 "%s daemon --stop --transport sim --region %s --state-dir %s %s",
		 BIN, region, ops_state, extra);
	ops_cli(r, args);
}

static void ops_stop(struct cli_run *r, const char *extra)
{
	ops_stop_on(r, ops_region, extra);
}

/* Run file "@suffix" of region @region's daemon, as docs/daemon.md
 * names it. */
static void ops_runfile_of(char *path, size_t len, const char *region,
			   const char *suffix)
{
	struct stat st;

	cr_assert_eq(stat(region, &st), 0);
	snprintf(path, len, "%s/file-%llx-%llx.%s", ops_state,
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		 suffix);
}

static void ops_pidfile(char *path, size_t len)
{
	ops_runfile_of(path, len, ops_region, "pid");
}

/* A daemon serving region @region (the test device), started. */
static pid_t ops_daemon_on(const char *region)
{
	char path[256];
	pid_t pid = fork();
	int i, fd;

	cr_assert(pid >= 0);
	if (pid == 0) {
		execl(BIN, BIN, "daemon", "--transport", "sim", "--region",
		      region, "--state-dir", ops_state, "--log-level",
		      "error", (char *)NULL);
		_exit(127);
	}
	/* Up once its pid file is locked: it then serves the region. */
	ops_runfile_of(path, sizeof(path), region, "pid");
	for (i = 0; i < 1000; i++) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		fd = open(path, O_RDONLY);
		if (fd >= 0 && fcntl(fd, F_GETLK, &fl) == 0 &&
		    fl.l_type != F_UNLCK && fl.l_pid == pid) {
			close(fd);
			return pid;
		}
		if (fd >= 0)
			close(fd);
		usleep(10 * 1000);
	}
	kill(pid, SIGKILL);
	cr_assert_fail("the daemon did not start");
	return -1;
}

static pid_t ops_daemon(void)
{
	return ops_daemon_on(ops_region);
}

/* Wait up to 5 s for child @pid; its wait status, or -1. */
static int ops_reap(pid_t pid)
{
	int status, i;

	for (i = 0; i < 500; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10 * 1000);
	}
	return -1;
}

Test(ops, stop_stops_a_live_daemon)
{
	pid_t pid = ops_daemon();
	struct cli_run r;
	char path[256];
	int status;

	ops_stop(&r, "");
	cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, "stopped daemon pid"), "%s", r.out);
	/* --stop returned after the daemon exited: reaped at once. */
	cr_expect_eq(waitpid(pid, &status, WNOHANG), pid,
		     "--stop returned while the daemon still ran");
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "daemon status 0x%x", status);
	ops_pidfile(path, sizeof(path));
	cr_expect_neq(access(path, F_OK), 0, "the pid file is left behind");
}

Test(ops, stop_without_a_daemon_fails)
{
	struct cli_run r;

	ops_stop(&r, "");
	cr_expect_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "no daemon serves"), "%s", r.err);
	cr_expect(strstr(r.err, ops_region), "%s", r.err);
}

/* A pid file left by a daemon that died (SIGKILL leaves it): the pid in
 * it is dead and holds no lock; nothing is signalled. */
Test(ops, stale_pid_file_not_trusted)
{
	char path[256], want[64];
	struct cli_run r;
	pid_t dead = fork();
	FILE *f;

	cr_assert(dead >= 0);
	if (dead == 0)
		_exit(0);
	cr_assert_eq(waitpid(dead, NULL, 0), dead);
	cr_assert_eq(mkdir(ops_state, 0700), 0);
	ops_pidfile(path, sizeof(path));
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "%ld\n", (long)dead);
	fclose(f);
	ops_stop(&r, "");
	cr_expect_eq(r.status, 1, "status %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "names pid %ld", (long)dead);
	cr_expect(strstr(r.err, "is stale") && strstr(r.err, want) &&
		  strstr(r.err, "nothing signalled"), "%s", r.err);
}

/* A pid file that names this very test process, unlocked: a stale file
 * whose pid was reused.  We are not signalled (or we would die). */
Test(ops, stale_pid_file_with_a_reused_pid_not_trusted)
{
	char path[256];
	struct cli_run r;
	FILE *f;

	cr_assert_eq(mkdir(ops_state, 0700), 0);
	ops_pidfile(path, sizeof(path));
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	ops_stop(&r, "");
	cr_expect_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "is stale"), "%s", r.err);
}

/* The pid file locked by a process that is not hvbridge (sleep(1),
 * which keeps the lock across exec): it is never signalled. */
Test(ops, foreign_lock_holder_never_signalled)
{
	char path[256], want[128];
	struct cli_run r;
	pid_t pid;
	int fd, i;

	cr_assert_eq(mkdir(ops_state, 0700), 0);
	ops_pidfile(path, sizeof(path));
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		fd = open(path, O_RDWR | O_CREAT, 0644);
		if (fd < 0 || fcntl(fd, F_SETLK, &fl))
			_exit(1);
		dprintf(fd, "%ld\n", (long)getpid());
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	/* Wait for it to hold the lock as sleep. */
	for (i = 0; i < 500; i++) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		char comm[32] = "", p[64];
		FILE *f;

		snprintf(p, sizeof(p), "/proc/%ld/comm", (long)pid);
		f = fopen(p, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = '\0';
			fclose(f);
		}
		fd = open(path, O_RDONLY);
		if (fd >= 0 && !fcntl(fd, F_GETLK, &fl) &&
		    fl.l_type != F_UNLCK && !strcmp(comm, "sleep\n")) {
			close(fd);
			break;
		}
		if (fd >= 0)
			close(fd);
		usleep(10 * 1000);
	}
	cr_assert_lt(i, 500, "the stand-in did not take the lock");
	ops_stop(&r, "");
	cr_expect_eq(r.status, 1, "status %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "held by pid %ld (sleep), not an hvbridge daemon; not signalled",
		 (long)pid);
	cr_expect(strstr(r.err, want), "%s", r.err);
	cr_expect_eq(waitpid(pid, NULL, WNOHANG), 0,
		     "the process holding the pid file was signalled");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A daemon that cannot stop in time (here: stopped with SIGSTOP): exit
 * 3 and a message; once it runs again it takes the SIGTERM and exits 0. */
Test(ops, stop_times_out)
{
	pid_t pid = ops_daemon();
	struct cli_run r;
	int status;

	cr_assert_eq(kill(pid, SIGSTOP), 0);
	ops_stop(&r, "--timeout 1");
	cr_expect_eq(r.status, 3, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "did not stop within 1 s"), "%s", r.err);
	kill(pid, SIGCONT);
	status = ops_reap(pid);
	cr_expect(status != -1 && WIFEXITED(status) &&
		  WEXITSTATUS(status) == 0, "daemon status 0x%x", status);
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

Test(ops, stop_usage)
{
	struct cli_run r;
	char args[256];

	snprintf(args, sizeof(args), "%s daemon --timeout 5 --region %s", BIN,
		 ops_region);
	ops_cli(&r, args);
	cr_expect_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "--timeout is for --stop"), "%s", r.err);
	snprintf(args, sizeof(args), "%s daemon --stop --no-state --region %s",
		 BIN, ops_region);
	ops_cli(&r, args);
	cr_expect_eq(r.status, 2, "status %d: %s", r.status, r.err);
}

/* A wrapper that runs the daemon with the test's state directory, for
 * hvbridge-sim's --daemon. */
static const char *ops_wrapper(void)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/daemon.sh", ops_dir);
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "#!/bin/sh\nexec %s \"$@\" --state-dir %s\n", BIN,
		ops_state);
	fclose(f);
	cr_assert_eq(chmod(path, 0755), 0);
	return path;
}

static double ops_num(cJSON *obj, const char *name)
{
	cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	cr_assert(cJSON_IsNumber(it), "no number %s", name);
	return it->valuedouble;
}

/*
 * The daemon's per-device counters move with what it served: after a
 * simulation against the test device, stat's testdev register reads,
 * writes and refused accesses add up to the region's served count, and
 * its kicks to the region's; they say since when, and that their daemon
 * is gone.
 */
Test(ops, device_counters_move_with_served_requests)
{
	char args[1024], sim_region[128];
	cJSON *root, *dev, *list, *daemon, *cpu0;
	struct cli_run r;
	double served, mine;

	snprintf(sim_region, sizeof(sim_region), "%s/simregion", ops_dir);
	snprintf(args, sizeof(args),
		 HVB_TEST_SIM " --cpus 2 --requests 3000 --watchdog-s 20 --region %s --keep-region --daemon %s",
		 sim_region, ops_wrapper());
	ops_cli(&r, args);
	cr_assert_eq(r.status, 0, "sim: %s %s", r.out, r.err);
	snprintf(args, sizeof(args), "%s stat --json --region %s --state-dir %s",
		 BIN, sim_region, ops_state);
	ops_cli(&r, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	root = cJSON_Parse(r.out);
	cr_assert(root, "not JSON: %s", r.out);
	daemon = cJSON_GetObjectItemCaseSensitive(root, "daemon");
	dev = cJSON_GetObjectItemCaseSensitive(root, "devices");
	cr_assert(dev && daemon, "%s", r.out);
	cr_expect(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(dev, "since")),
		  "no since: %s", r.out);
	cr_expect(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(dev, "daemon_running")),
		  "%s", r.out);
	/* A region file records no format time: null, not a made-up one. */
	cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "since")),
		  "region since: %s", r.out);
	/* A region file records no channel timeout either. */
	cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root,
								"timeout_ms")),
		  "region timeout_ms: %s", r.out);
	/* The hold counters, per CPU: a simulation with its daemon
	 * there never holds nor gives an access back. */
	cpu0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "cpus"),
				  0);
	cr_assert(cpu0 && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(cpu0, "holds")) &&
		  cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(cpu0, "retries")),
		  "no holds/retries: %s", r.out);
	cr_expect_eq(ops_num(cpu0, "holds") + ops_num(cpu0, "retries"), 0);
	list = cJSON_GetObjectItemCaseSensitive(dev, "list");
	cr_assert_eq(cJSON_GetArraySize(list), 1, "%s", r.out);
	dev = cJSON_GetArrayItem(list, 0);
	cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(dev, "type")->valuestring,
			 "testdev");
	served = ops_num(daemon, "served");
	mine = ops_num(dev, "mmio_reads") + ops_num(dev, "mmio_writes") +
	       ops_num(dev, "mmio_errors");
	cr_expect_geq(served, 6000, "served %.0f", served);
	cr_expect_eq(mine, served, "the device counted %.0f of %.0f served",
		     mine, served);
	cr_expect_gt(ops_num(dev, "mmio_errors"), 0);
	cr_expect_eq(ops_num(dev, "kicks"), ops_num(daemon, "kicks"));
	cJSON_Delete(root);
	/* And the tables say the same. */
	snprintf(args, sizeof(args), "%s stat --region %s --state-dir %s", BIN,
		 sim_region, ops_state);
	ops_cli(&r, args);
	cr_expect(strstr(r.out, "region counters since the region was formatted (by its creator, at a time it does not record)"),
		  "%s", r.out);
	cr_expect(!strstr(r.out, "channel timeout"), "%s", r.out);
	cr_expect(strstr(r.out, "devices  counters since ") &&
		  strstr(r.out, "(gone)") && strstr(r.out, "\ntestdev "),
		  "%s", r.out);
}

/* Lines of @text. */
static unsigned int ops_lines(const char *text)
{
	unsigned int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* --watch S --count N, not on a terminal: N lines, one per interval
 * (so at least (N - 1) S seconds), the first without deltas, the others
 * with; --json: N JSON objects, one per line. */
Test(ops, watch_prints_a_line_per_interval)
{
	struct timespec t0, t1;
	char args[512], *line, *save;
	struct cli_run r;
	unsigned int n = 0;
	double secs;

	snprintf(args, sizeof(args), "%s stat --region %s --state-dir %s --watch 0.2 --count 5",
		 BIN, ops_region, ops_state);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ops_cli(&r, args);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect_eq(ops_lines(r.out), 5u, "%s", r.out);
	cr_expect_geq(secs, 0.8, "5 lines 0.2 s apart in %.2f s", secs);
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++) {
		cr_expect(strstr(line, "Z consumer=absent sync=0"), "%s", line);
		cr_expect_eq(strstr(line, "sync=0(+0)") != NULL, n > 0, "%s",
			     line);
	}
	snprintf(args, sizeof(args), "%s stat --region %s --state-dir %s -w 0.05 -n 3 --json",
		 BIN, ops_region, ops_state);
	ops_cli(&r, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect_eq(ops_lines(r.out), 3u, "%s", r.out);
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		cJSON *j = cJSON_Parse(line);

		cr_expect(j && cJSON_GetObjectItemCaseSensitive(j, "devices"),
			  "%s", line);
		cJSON_Delete(j);
	}
	snprintf(args, sizeof(args), "%s stat --region %s --count 3", BIN,
		 ops_region);
	ops_cli(&r, args);
	cr_expect_eq(r.status, 2, "--count without --watch: %s", r.err);
}

/* Occurrences of @needle in @hay. */
static unsigned int ops_count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* --watch reads the region for as long as it runs, but of its header
 * only the copy it checked at the start: a writer that rewrites the
 * header meanwhile (a CPU count of 2^32 - 1) steers it nowhere.  It
 * keeps printing the one CPU it checked, and does not fault. */
Test(ops, watch_uses_the_header_it_checked)
{
	struct hvb_region_header h;
	char args[1024];
	struct cli_run r;
	char *line, *save;
	unsigned int n = 0;
	int fd;

	snprintf(args, sizeof(args),
		 "sh -c '%s stat --region %s --state-dir %s --watch 0.2 --count 4 & "
		 "sleep 0.3; printf \"\\377\\377\\377\\377\" | "
		 "dd of=%s bs=1 seek=%zu conv=notrunc 2>/dev/null; "
		 "wait $!'",
		 BIN, ops_region, ops_state, ops_region,
		 offsetof(struct hvb_region_header, nr_cpus));
	ops_cli(&r, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect_eq(ops_lines(r.out), 4u, "%s", r.out);
	for (line = strtok_r(r.out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++)
		cr_expect(strstr(line, "sync=0"), "line %u: %s", n, line);
	/* And the header was rewritten, so this proved something. */
	fd = open(ops_region, O_RDONLY);
	cr_assert(fd >= 0);
	cr_assert_eq(pread(fd, &h, sizeof(h), 0), (ssize_t)sizeof(h));
	close(fd);
	cr_expect_eq(h.nr_cpus, 0xffffffffu, "the header was not rewritten");
}

/* On a terminal (script(1) gives it one), --watch redraws the whole
 * view in place, once per interval; --lines keeps to a line each. */
Test(ops, watch_redraws_on_a_terminal)
{
	char args[768];
	struct cli_run r;

	snprintf(args, sizeof(args),
		 "script -qec '%s stat --region %s --state-dir %s --watch 0.1 --count 3' /dev/null",
		 BIN, ops_region, ops_state);
	ops_cli(&r, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect_eq(ops_count(r.out, "\033[H\033[2J"), 3u, "%s", r.out);
	cr_expect_eq(ops_count(r.out, "\ncpu "), 3u, "%s", r.out);
	cr_expect_eq(ops_count(r.out, "every 0.100 s; Ctrl-C to stop"), 3u,
		     "%s", r.out);
	snprintf(args, sizeof(args),
		 "script -qec '%s stat --region %s --state-dir %s --watch 0.1 --count 3 --lines' /dev/null",
		 BIN, ops_region, ops_state);
	ops_cli(&r, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect_eq(ops_count(r.out, "\033[H"), 0u, "%s", r.out);
	cr_expect_eq(ops_count(r.out, " consumer=absent "), 3u, "%s", r.out);
}

/* --watch beside a live daemon: the test device's counters and the
 * region's sync count grow from the first line to the last. */
Test(ops, watch_follows_a_live_daemon)
{
	char args[1536], sim_region[128], *first, *last, *p;
	unsigned long long m0, m1, s0, s1;
	struct cli_run r;

	snprintf(sim_region, sizeof(sim_region), "%s/simregion", ops_dir);
	snprintf(args, sizeof(args),
		 "sh -c '" HVB_TEST_SIM " --cpus 1 --requests 20000 --burst 10 --pause-us 1000 --watchdog-s 30 --region %s --daemon %s >/dev/null 2>&1 & "
		 "sleep 0.5; %s stat --region %s --state-dir %s --watch 0.2 --count 4; s=$?; wait; exit $s'",
		 sim_region, ops_wrapper(), BIN, sim_region, ops_state);
	ops_cli(&r, args);
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert_eq(ops_lines(r.out), 4u, "%s", r.out);
	first = r.out;
	last = r.out;
	for (p = r.out; p[0] && p[1]; p++)
		if (*p == '\n')
			last = p + 1;
	cr_assert(sscanf(strstr(first, " sync="), " sync=%llu", &s0) == 1 &&
		  sscanf(strstr(first, " testdev mmio="), " testdev mmio=%llu",
			 &m0) == 1, "%s", r.out);
	cr_assert(sscanf(strstr(last, " sync="), " sync=%llu", &s1) == 1 &&
		  sscanf(strstr(last, " testdev mmio="), " testdev mmio=%llu",
			 &m1) == 1, "%s", r.out);
	cr_expect_gt(s1, s0, "%s", r.out);
	cr_expect_gt(m1, m0, "%s", r.out);
	cr_expect(strstr(last, "consumer=running") ||
		  strstr(last, "consumer=sleeping"), "%s", r.out);
}

/*
 * The host transport (QEMU's RAM file): the daemon's run files are named
 * after the RAM file, and `--stop --transport host --mem FILE` stops it.
 * Here the "RAM" is 2 MiB at physical 0 with the region at 1 MiB.
 */
Test(ops, stop_on_the_host_transport)
{
	__u64 size = hvb_region_size(1);
	char ram[128], args[512];
	struct cli_run r;
	void *mem;
	pid_t pid;
	int fd, i, status;

	snprintf(ram, sizeof(ram), "%s/ram", ops_dir);
	fd = open(ram, O_RDWR | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, 2 << 20), 0);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   1 << 20);
	close(fd);
	cr_assert(mem != MAP_FAILED);
	cr_assert_eq(hvb_region_format(mem, size, 1), HVB_REGION_OK);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		execl(BIN, BIN, "daemon", "--transport", "host", "--mem", ram,
		      "--ram-base", "0", "--region-phys", "0x100000",
		      "--state-dir", ops_state, "--log-level", "error",
		      (char *)NULL);
		_exit(127);
	}
	/* Attached: the region's epoch moved. */
	for (i = 0; i < 500 &&
	     !hvb_read_once_u32(&hvb_region_wake(mem)->consumer_epoch); i++)
		usleep(10 * 1000);
	cr_assert_lt(i, 500, "the host daemon did not attach");
	snprintf(args, sizeof(args),
		 "%s daemon --stop --transport host --mem %s --ram-base 0 --region-phys 0x100000 --state-dir %s",
		 BIN, ram, ops_state);
	/* The pid file comes right after the attach: retry a moment. */
	for (i = 0; i < 50; i++) {
		ops_cli(&r, args);
		if (r.status != 1 || !strstr(r.err, "no pid file"))
			break;
		usleep(20 * 1000);
	}
	cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, ram), "%s", r.out);
	cr_expect_eq(waitpid(pid, &status, WNOHANG), pid,
		     "--stop returned while the daemon still ran");
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "daemon status 0x%x", status);
	munmap(mem, size);
}

/* Start a daemon on @region and stop it with --stop. */
static void ops_serve_once(const char *region)
{
	struct cli_run r;
	int status;
	pid_t pid = ops_daemon_on(region);

	ops_stop_on(&r, region, "");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
}

/*
 * Run files do not pile up: a daemon removes the stats file left for a
 * region that is gone (a simulation removes its region file), and an
 * unlocked pid file beside it (a SIGKILL leaves one), but keeps those of
 * regions that are still there.
 */
Test(ops, run_files_of_gone_regions_are_removed)
{
	char a_stats[256], a_pid[256], b_stats[256], b[128];
	FILE *f;

	snprintf(b, sizeof(b), "%s/region-b", ops_dir);
	ops_make_region(b);
	ops_serve_once(ops_region);
	ops_runfile_of(a_stats, sizeof(a_stats), ops_region, "stats");
	ops_runfile_of(a_pid, sizeof(a_pid), ops_region, "pid");
	ops_runfile_of(b_stats, sizeof(b_stats), b, "stats");
	cr_assert_eq(access(a_stats, F_OK), 0, "no stats file %s", a_stats);
	/* B's daemon keeps A's files while A is there. */
	ops_serve_once(b);
	cr_expect_eq(access(a_stats, F_OK), 0, "removed with its region there");
	cr_assert_eq(access(b_stats, F_OK), 0, "no stats file %s", b_stats);
	/* A goes, leaving a stale pid file; B's next daemon cleans up. */
	f = fopen(a_pid, "w");
	cr_assert(f);
	fprintf(f, "1\n");
	fclose(f);
	cr_assert_eq(unlink(ops_region), 0);
	ops_serve_once(b);
	cr_expect_neq(access(a_stats, F_OK), 0,
		      "the stats file of a gone region is left");
	cr_expect_neq(access(a_pid, F_OK), 0,
		      "the pid file of a gone region is left");
	cr_expect_eq(access(b_stats, F_OK), 0, "the live region's went");
}
