// SPDX-License-Identifier: MIT
/*
 * Description: the hvbridge binary on configs: `config-check` and
 * `daemon --check` print the resolved table of a good config and exit 0;
 * a bad config exits 1 with "FILE: PATH: why" on stderr; bad usage exits
 * 2; every command answers --help; the simulation, served by a daemon
 * whose devices come from configs/zone1-sim.json, passes its checks; and
 * a daemon is refused a region that a live daemon on another transport
 * serves, and one that gives up at start hands the region back; `stat`
 * prints from the header it checked, even while a rogue creator rewrites
 * it, and names the region's owner.
 * Every run is under timeout(1), so a hang fails instead of stalling.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <hvbridge/barrier.h>
#include <hvbridge/region.h>

#include "cfgtest.h"
#include "clirun.h"
#include "virtio/vstate.h"

#define BIN		HVB_TEST_HVBRIDGE
#define GOOD		HVB_TEST_TOP "/configs/zone1-sim.json"
#define HVISOR		HVB_TEST_TOP "/tests/config/samples/hvisor.json"

static char cli_dir[64];

static void cli_setup(void)
{
	snprintf(cli_dir, sizeof(cli_dir), "/tmp/hvb-cfgtest-XXXXXX");
	cr_assert(mkdtemp(cli_dir), "mkdtemp");
}

static void cli_teardown(void)
{
	cli_remove_dir(cli_dir);
}

TestSuite(cli, .init = cli_setup, .fini = cli_teardown,
	  .timeout = CFG_CLI_TIMEOUT_S);

/* Run "@args" (shell words) under timeout(1); capture both streams. */
static void cli(struct cli_run *r, const char *args)
{
	cli_run_in(cli_dir, 30, r, args);
}

/* A config file in the test's directory holding @text. */
static const char *cli_file(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cli_dir, name);
	f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char bad_cfg[] =
	"{\"version\": 1, \"zones\": [\n"
	"  {\"id\": 1, \"devices\": [{\"type\": \"testdev\", \"base\": \"0xb000000\"}]},\n"
	"  {\"id\": 1}]}\n";

Test(cli, config_check_good)
{
	struct cli_run r;

	cli(&r, BIN " config-check -c " GOOD);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "(native format)"), "%s", r.out);
	cr_expect(strstr(r.out, "zone 1: 1 memory region"), "%s", r.out);
	cr_expect(strstr(r.out, "devices: 2"), "%s", r.out);
	cr_expect(strstr(r.out, "testdev"), "%s", r.out);
	cr_expect(strstr(r.out, "virtio-rng"), "%s", r.out);
	cr_expect_str_empty(r.err);

	cli(&r, BIN " daemon --check -c " GOOD);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "devices: 2"), "%s", r.out);
}

/*
 * hvisor-tool's file: accepted when this build has the virtio types it
 * maps to; otherwise refused at the first device whose type it lacks,
 * saying which type that is.
 */
Test(cli, config_check_hvisor)
{
	/* The sample's enabled devices, in file order. */
	static const char *const devs[][3] = {
		{ "zones[0].devices[0]", "blk", "virtio-blk" },
		{ "zones[0].devices[1]", "console", "virtio-console" },
		{ "zones[0].devices[2]", "net", "virtio-net" },
		{ "zones[1].devices[0]", "rng", "virtio-rng" },
	};
	struct cli_run r, help;
	char want[256], type[32];
	unsigned int i;

	cli(&help, BIN " config-check --help");
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		snprintf(type, sizeof(type), " %s", devs[i][2]);
		if (!strstr(help.out, type))
			break;
	}
	/* --syntax-only: its rootfs2.ext4 is not on this machine. */
	cli(&r, BIN " config-check --syntax-only -c " HVISOR);
	if (i == sizeof(devs) / sizeof(devs[0])) {
		cr_expect_eq(r.status, 0, "stderr: %s", r.err);
		cr_expect(strstr(r.out, "(hvisor-tool format)"), "%s", r.out);
		cr_expect(strstr(r.out, "devices: 4 (1 disabled, skipped)"),
			  "%s", r.out);
		cr_expect(strstr(r.out, "{\"img\":\"rootfs2.ext4\"}"), "%s",
			  r.out);
		return;
	}
	snprintf(want, sizeof(want),
		 "hvbridge: error: " HVISOR ": %s.type: \"%s\" needs device type \"%s\", which this hvbridge does not have",
		 devs[i][0], devs[i][1], devs[i][2]);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, want), "want %s: %s", want, r.err);
}

Test(cli, bad_config_exits_1)
{
	const char *f = cli_file("bad.json", bad_cfg);
	char args[512], want[256];
	struct cli_run r;

	snprintf(want, sizeof(want),
		 "hvbridge: error: %s: zones[1].id: zone 1 is also zones[0]\n",
		 f);
	snprintf(args, sizeof(args), BIN " config-check -c '%s'", f);
	cli(&r, args);
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err, want);
	cr_expect_str_empty(r.out);

	snprintf(args, sizeof(args), BIN " daemon -c '%s' --region /nonexistent",
		 f);
	cli(&r, args);
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err, want);

	/* --syslog takes over only once the daemon is started. */
	snprintf(args, sizeof(args),
		 BIN " daemon --syslog -c '%s' --region /nonexistent", f);
	cli(&r, args);
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err, want);

	f = cli_file("broken.json", "{\"version\": 1,\n \"zones\": [}\n");
	snprintf(args, sizeof(args), BIN " config-check -c '%s'", f);
	cli(&r, args);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "broken.json: line 2, column 12: not valid JSON"),
		  "%s", r.err);

	cli(&r, BIN " config-check -c /nonexistent/x.json");
	cr_expect_eq(r.status, 1);
	cr_expect_str_eq(r.err, "hvbridge: error: /nonexistent/x.json: cannot open: No such file or directory\n");
}

Test(cli, usage_exits_2)
{
	static const char *const cases[][2] = {
		{ "config-check", "-c CONFIG is required" },
		{ "config-check -c x.json --format xml", "bad value 'xml' for --format" },
		{ "config-check -c x.json extra", "unexpected argument 'extra'" },
		{ "config-check --bogus", "unknown option '--bogus'" },
		{ "daemon --check", "--check needs -c CONFIG" },
		{ "daemon", "--region is required" },
		{ "daemon -c " GOOD, "no region: give --region, or transport.region" },
		{ "daemon -c " GOOD " --testdev-base 0x1000 --region x", "--testdev-base and --testdev-zone are for running without -c" },
		{ "daemon -c " GOOD " --format yaml", "bad value 'yaml' for --format" },
		{ "daemon -c " GOOD " --transport vsock", "unknown transport 'vsock'" },
		{ "daemon -c " GOOD " --memory-base -1", "bad value '-1' for --memory-base" },
	};
	char args[512];
	struct cli_run r;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(args, sizeof(args), BIN " %s", cases[i][0]);
		cli(&r, args);
		cr_expect_eq(r.status, 2, "%s: exit %d, %s", cases[i][0],
			     r.status, r.err);
		cr_expect(strstr(r.err, cases[i][1]), "%s: %s", cases[i][0],
			  r.err);
		cr_expect(strstr(r.err, "--help"), "%s: no pointer to --help: %s",
			  cases[i][0], r.err);
	}
}

Test(cli, help_everywhere)
{
	static const char *const cmds[] = {
		"--help", "daemon --help", "stat --help",
		"config-check --help", "daemon -h", "config-check -h",
	};
	char args[256];
	struct cli_run r;
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		snprintf(args, sizeof(args), BIN " %s", cmds[i]);
		cli(&r, args);
		cr_expect_eq(r.status, 0, "%s", cmds[i]);
		cr_expect(strstr(r.out, "Usage: hvbridge"), "%s: %s", cmds[i],
			  r.out);
	}
	cli(&r, BIN " --help");
	cr_expect(strstr(r.out, "config-check"), "%s", r.out);
	cli(&r, BIN " daemon --help");
	cr_expect(strstr(r.out, "-c, --config FILE"), "%s", r.out);
	cr_expect(strstr(r.out, "--syslog"), "%s", r.out);
	cli(&r, BIN " config-check --help");
	cr_expect(strstr(r.out, "Device types in this hvbridge: "), "%s",
		  r.out);
	cr_expect(strstr(r.out, "testdev"), "%s", r.out);
}

/*
 * The simulation's vCPUs check every response of the test device and
 * every kick; here the daemon gets that device (and a virtio-rng on the
 * zone's memory) from the config instead of its --testdev defaults.
 */
Test(cli, sim_served_from_config)
{
	char wrapper[128], mem[128], args[512];
	struct cli_run r;
	FILE *f;

	snprintf(mem, sizeof(mem), "%s/phys", cli_dir);
	f = fopen(mem, "w");
	cr_assert(f);
	cr_assert_eq(ftruncate(fileno(f), 16 << 20), 0);
	fclose(f);
	snprintf(wrapper, sizeof(wrapper), "%s/daemon.sh", cli_dir);
	f = fopen(wrapper, "w");
	cr_assert(f);
	fprintf(f, "#!/bin/sh\nexec %s \"$@\" -c %s --memory %s --memory-base 0x50000000 --log-level info\n",
		BIN, GOOD, mem);
	fclose(f);
	cr_assert_eq(chmod(wrapper, 0755), 0);

	snprintf(args, sizeof(args),
		 HVB_TEST_SIM " --cpus 2 --requests 5000 --watchdog-s 20 --daemon %s",
		 wrapper);
	cli(&r, args);
	cr_expect_eq(r.status, 0, "sim: %s %s", r.out, r.err);
	cr_expect(strstr(r.out, "PASS") || strstr(r.err, "PASS"), "%s %s",
		  r.out, r.err);
	cr_expect(strstr(r.err, "2 devices from " GOOD), "%s", r.err);
}

#define HVT_SAMPLES	HVB_TEST_TOP "/tests/config/samples/hvisor-tool/"
#define HVT_BLKCON	HVT_SAMPLES "qemu-aarch64-blk-console.json"

/* Run shell script @script (under timeout(1), as cli() does). */
static void cli_sh(struct cli_run *r, const char *script)
{
	char path[128], cmd[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/script.sh", cli_dir);
	f = fopen(path, "w");
	cr_assert(f);
	fputs(script, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "sh %s", path);
	cli(r, cmd);
}

/* A copy of hvisor-tool's blk+console example with @path set to @json. */
static const char *cli_variant(const char *name, const char *path,
			       const char *json)
{
	cJSON *root = cfg_json_file("tests/config/samples/hvisor-tool/qemu-aarch64-blk-console.json");
	const char *file;
	char *text;

	if (path)
		cfg_set_json(root, path, json);
	text = cJSON_Print(root);
	cr_assert(text);
	file = cli_file(name, text);
	free(text);
	cJSON_Delete(root);
	return file;
}

/*
 * config-check checks by default what it can before anything runs: the
 * image exists, /dev/pts is there for the pty console, the zone's memory
 * fits the machine, MACs are MACs, members are spelled right, the file is
 * a virtio config and not a zone config.  --syntax-only leaves out this
 * machine; warnings do not fail the check.
 */
Test(cli, config_check_checks_before_running)
{
	char cmd[1024], img[128];
	const char *f;
	struct cli_run r;

	snprintf(cmd, sizeof(cmd), "cd %s && " BIN " config-check -c " HVT_BLKCON,
		 cli_dir);
	cli_sh(&r, cmd);
	cr_expect_eq(r.status, 1, "%s", r.out);
	cr_expect(strstr(r.err, "qemu-aarch64-blk-console.json: zones[0].devices[0].img: rootfs2.ext4: no such file"),
		  "%s", r.err);
	cli(&r, BIN " config-check --syntax-only -c " HVT_BLKCON);
	cr_expect_eq(r.status, 0, "%s", r.err);

	snprintf(img, sizeof(img), "%s/rootfs2.ext4", cli_dir);
	cli_file("rootfs2.ext4", "");
	cr_assert_eq(truncate(img, 1 << 20), 0);
	cli_sh(&r, cmd);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "devices: 2"), "%s", r.out);

	f = cli_variant("huge.json", "zones[0].memory_region[0].size",
			"\"0x100000000000\"");
	snprintf(cmd, sizeof(cmd), "cd %s && " BIN " config-check -c %s",
		 cli_dir, f);
	cli_sh(&r, cmd);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "zones[0].memory_region[0].size: 0x100000000000 (16384.0 GiB) is more than this machine's RAM"),
		  "%s", r.err);
	snprintf(cmd, sizeof(cmd), "cd %s && " BIN " config-check --syntax-only -c %s",
		 cli_dir, f);
	cli_sh(&r, cmd);
	cr_expect_eq(r.status, 0, "%s", r.err);

	f = cli_variant("typo.json", "zones[0].devcies", "[]");
	snprintf(cmd, sizeof(cmd), BIN " config-check --syntax-only -c %s", f);
	cli_sh(&r, cmd);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "zones[0].devcies: unknown member: did you mean \"devices\"?"),
		  "%s", r.err);

	f = cli_variant("note.json", "zones[0].comment", "\"x\"");
	snprintf(cmd, sizeof(cmd), BIN " config-check --syntax-only -c %s", f);
	cli_sh(&r, cmd);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "hvbridge: warning: ") &&
		  strstr(r.err, "zones[0].comment: unknown member, ignored"),
		  "%s", r.err);

	cli(&r, BIN " config-check --syntax-only -c " HVT_SAMPLES "zone1_linux.json");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "this is a zone config of hvisor-tool's"),
		  "%s", r.err);
	cli(&r, BIN " config-check --syntax-only -c " HVT_SAMPLES "qemu-aarch64.json");
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "set \"status\": \"disable\" in zones[0].devices[3] or give --skip-unsupported"),
		  "%s", r.err);
	cli(&r, BIN " config-check --syntax-only --skip-unsupported -c " HVT_SAMPLES "qemu-aarch64.json");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "(1 unsupported, skipped)"), "%s", r.out);
}

Test(cli, config_check_mac)
{
	static const char *const cases[][2] = {
		{ "\"00:16:3e:10:10\"", "zones[0].devices[1].options.mac" },
		{ "\"00:16:3e:10:10:zz\"", "zones[0].devices[1].options.mac" },
		{ "\"01:16:3e:10:10:10\"", "zones[0].devices[1].options.mac: is a multicast address" },
	};
	char text[1024], cmd[512];
	struct cli_run r;
	const char *f;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text),
			 "{\"version\": 1, \"zones\": [{\"id\": 1, \"devices\": ["
			 "{\"type\": \"testdev\", \"base\": \"0xb000000\"},"
			 "{\"type\": \"virtio-net\", \"base\": \"0xa000000\", \"size\": \"0x200\","
			 " \"options\": {\"tap\": \"t0\", \"mac\": %s}}]}]}",
			 cases[i][0]);
		f = cli_file("mac.json", text);
		snprintf(cmd, sizeof(cmd), BIN " config-check --syntax-only -c %s", f);
		cli_sh(&r, cmd);
		cr_expect_eq(r.status, 1, "%s: %s", cases[i][0], r.out);
		cr_expect(strstr(r.err, cases[i][1]), "%s: %s", cases[i][0],
			  r.err);
	}
}

/*
 * hvisor-tool's blk+console example, unchanged, served by the daemon:
 * the region made by hvbridge-sim (kept, no requests), the zone's 768 MiB
 * at 0x50000000 from a sparse file standing for physical memory, the
 * image in the daemon's directory as hvisor-tool expects; the daemon
 * creates both devices (the console on a new pty), serves until SIGTERM
 * and exits 0.
 */
Test(cli, daemon_serves_hvisor_example)
{
	char cmd[2048], path[128];
	struct cli_run r;

	snprintf(path, sizeof(path), "%s/rootfs2.ext4", cli_dir);
	cli_file("rootfs2.ext4", "");
	cr_assert_eq(truncate(path, 1 << 20), 0);
	snprintf(path, sizeof(path), "%s/phys", cli_dir);
	cli_file("phys", "");
	cr_assert_eq(truncate(path, (off_t)0x50000000 + 0x30000000), 0);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && " HVB_TEST_SIM " --cpus 1 --requests 0 --keep-region --region %s/region >/dev/null 2>&1 && "
		 "{ " BIN " daemon -c " HVT_BLKCON " --transport sim --no-state --region %s/region --memory %s/phys 2>log & pid=$!; "
		 "for i in $(seq 100); do grep -q serving log && break; sleep 0.1; done; "
		 "kill -TERM $pid; wait $pid; st=$?; cat log >&2; exit $st; }",
		 cli_dir, cli_dir, cli_dir, cli_dir);
	cli_sh(&r, cmd);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "console on pty /dev/pts/"), "%s", r.err);
	cr_expect(strstr(r.err, "2 devices from " HVT_BLKCON), "%s", r.err);
	cr_expect(strstr(r.err, "hvbridge: stopped after"), "%s", r.err);
	cr_expect(!strstr(r.err, "(null)"), "%s", r.err);
}

/* A file @name of @size zero bytes in the test's directory, mapped
 * shared; its path in @path. */
static void *cli_mapped_file(char *path, size_t len, const char *name,
			     __u64 size)
{
	void *mem;
	int fd;

	snprintf(path, len, "%s/%s", cli_dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, (off_t)size), 0);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	cr_assert(mem != MAP_FAILED);
	return mem;
}

/* A region file of @size bytes in the test's directory, formatted for
 * @nr_cpus and mapped shared; its path in @path. */
static void *cli_region_file(char *path, size_t len, __u64 size,
			     __u32 nr_cpus)
{
	void *mem = cli_mapped_file(path, len, "region", size);

	cr_assert_eq(hvb_region_format(mem, size, nr_cpus), HVB_REGION_OK);
	return mem;
}

/* What a daemon on another transport does to a region it serves: beat
 * (hvb_daemon_stats.heartbeat) every 5 ms until told to stop. */
struct cli_owner {
	struct hvb_daemon_stats *ds;
	atomic_int stop;
};

static void *cli_owner_beat(void *arg)
{
	struct cli_owner *o = arg;
	const struct timespec ms5 = { 0, 5000000L };

	while (!atomic_load(&o->stop)) {
		hvb_write_once_u64(&o->ds->heartbeat,
				   hvb_read_once_u64(&o->ds->heartbeat) + 1);
		nanosleep(&ms5, NULL);
	}
	return NULL;
}

/*
 * A region already served by a live daemon on the kmod transport (as a
 * region in the root zone's RAM is, when a host daemon maps QEMU's RAM
 * file): a daemon on another transport is refused with a sentence, even
 * though its own transport's lock was free.
 */
Test(cli, second_daemon_on_another_transport_refused)
{
	__u64 size = hvb_region_size(2);
	struct cli_owner o = { 0 };
	char path[128], args[512];
	struct hvb_wake *w;
	struct cli_run r;
	pthread_t th;
	void *mem;

	mem = cli_region_file(path, sizeof(path), size, 2);
	w = hvb_region_wake(mem);
	w->consumer_state = HVB_CONSUMER_SLEEPING;
	w->consumer_pid = 77;
	w->consumer_owner = HVB_OWNER_KMOD << 24 | 0x1234;
	o.ds = hvb_region_daemon_stats(mem);
	cr_assert(!pthread_create(&th, NULL, cli_owner_beat, &o));

	snprintf(args, sizeof(args), "%s daemon --transport sim --region %s",
		 BIN, path);
	cli(&r, args);
	atomic_store(&o.stop, 1);
	pthread_join(th, NULL);
	cr_expect_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "another daemon (transport kmod, pid 77 in its own system) serves this region: stop it first"),
		  "%s", r.err);
	cr_expect_eq(w->consumer_owner, HVB_OWNER_KMOD << 24 | 0x1234,
		     "the owner is untouched");
	cr_expect_eq(w->consumer_pid, 77u, "the region is not attached");
	munmap(mem, size);
}

/* Does stat's table hold a row for CPU @cpu? Rows are "%-5u". */
static bool cli_has_row(const char *out, unsigned int cpu)
{
	char row[16];

	snprintf(row, sizeof(row), "\n%-5u", cpu);
	return strstr(out, row) != NULL;
}

/*
 * `hvbridge stat` on a region whose header a rogue creator rewrites
 * right after stat checked it (flip_shim.so, at stat's first printf),
 * from 2 CPUs to 3 (both layouts fit the file).  stat prints from the
 * copy it checked: "2 CPUs" and rows 0 and 1.  One that read the count
 * again would print a row for CPU 2 too.
 */
Test(cli, stat_prints_from_the_header_it_checked)
{
	__u64 size = hvb_region_size(3);
	char path[128], args[768];
	struct cli_run r;
	void *mem;

	cr_assert_eq(size, hvb_region_size(2), "one file fits both");
	mem = cli_region_file(path, sizeof(path), size, 2);
	snprintf(args, sizeof(args),
		 "env LD_PRELOAD=%s HVB_FLIP_REGION=%s HVB_FLIP_CPUS=3 %s stat --region %s",
		 HVB_TEST_FLIP_SHIM, path, BIN, path);
	cli(&r, args);
	cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect_eq(((struct hvb_region_header *)mem)->nr_cpus, 3u,
		     "the shim did rewrite the header");
	cr_expect(strstr(r.out, ": 2 CPUs,") && cli_has_row(r.out, 1) &&
		  !cli_has_row(r.out, 2),
		  "not the table of the 2 CPUs it checked:\n%s", r.out);
	munmap(mem, size);
}

/*
 * A daemon that gives up at start, after it claimed and attached the
 * region (here: a virtio-blk state file with a bad header, exit 1),
 * hands the region back: no owner is left behind for a daemon on
 * another transport to watch for HVB_CLAIM_WAIT_MS, and the consumer is
 * ABSENT again.
 */
Test(cli, daemon_that_refuses_its_state_gives_the_region_back)
{
	__u64 size = hvb_region_size(1);
	char cmd[2048], path[128];
	struct hvb_wake *w;
	struct cli_run r;
	void *mem;

	mem = cli_region_file(path, sizeof(path), size, 1);
	w = hvb_region_wake(mem);
	snprintf(path, sizeof(path), "%s/rootfs2.ext4", cli_dir);
	cli_file("rootfs2.ext4", "");
	cr_assert_eq(truncate(path, 1 << 20), 0);
	snprintf(path, sizeof(path), "%s/phys", cli_dir);
	cli_file("phys", "");
	cr_assert_eq(truncate(path, (off_t)0x50000000 + 0x30000000), 0);
	/* The blk device's file (zone 1, 0xa003c00), not a state file. */
	snprintf(path, sizeof(path), "%s/state", cli_dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	cli_file("state/zone1-a003c00.state", "");
	snprintf(path, sizeof(path), "%s/state/zone1-a003c00.state", cli_dir);
	cr_assert_eq(truncate(path, (off_t)sizeof(struct hvb_vstate)), 0);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && " BIN " daemon -c " HVT_BLKCON " --transport sim --state-dir %s/state --region %s/region --memory %s/phys",
		 cli_dir, cli_dir, cli_dir, cli_dir);
	cli_sh(&r, cmd);
	cr_expect_eq(r.status, 1, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "bad header"), "%s", r.err);
	cr_expect_eq(hvb_read_once_u32(&w->consumer_epoch), 1u,
		     "the daemon did attach: %s", r.err);
	cr_expect_eq(hvb_read_once_u32(&w->consumer_owner), 0u,
		     "the region is still claimed by a daemon that exited");
	cr_expect_eq(hvb_read_once_u32(&w->consumer_state),
		     HVB_CONSUMER_ABSENT);
	munmap(mem, size);
}

/* `hvbridge stat` names the daemon that claimed the region and shows its
 * heartbeat, as text and as JSON; a free region has owner none. */
Test(cli, stat_shows_the_owner_and_its_heartbeat)
{
	__u64 size = hvb_region_size(2);
	char path[128], args[512];
	struct hvb_wake *w;
	struct cli_run r;
	void *mem;

	mem = cli_region_file(path, sizeof(path), size, 2);
	w = hvb_region_wake(mem);
	snprintf(args, sizeof(args), "%s stat --region %s", BIN, path);
	cli(&r, args);
	cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, ", owner none\n"), "%s", r.out);
	w->consumer_owner = HVB_OWNER_KMOD << 24 | 0x1234;
	hvb_region_daemon_stats(mem)->heartbeat = 4321;
	cli(&r, args);
	cr_expect(strstr(r.out, ", owner kmod\n"), "%s", r.out);
	cr_expect(strstr(r.out, " heartbeat 4321 bad_kick_slots 0\n"), "%s",
		  r.out);
	snprintf(args, sizeof(args), "%s stat --json --region %s", BIN, path);
	cli(&r, args);
	cr_expect(strstr(r.out, "\"owner\":\t\"kmod\""), "%s", r.out);
	cr_expect(strstr(r.out, "\"owner_raw\":\t50336308"), "%s", r.out);
	cr_expect(strstr(r.out, "\"heartbeat\":\t4321"), "%s", r.out);
	munmap(mem, size);
}

/*
 * `hvbridge stat --transport host`: the region a hypervisor under QEMU
 * formatted inside the machine's RAM file, found at --region-phys -
 * --ram-base, as the daemon's host transport finds it.  The RAM here is
 * 1 MiB with the region 512 KiB in and CPU 1's sync_requests at 4242:
 * stat must print that row from that offset, and refuse a layout that
 * puts the region elsewhere or outside the file.
 */
Test(cli, stat_reads_the_host_transports_ram_file)
{
	const __u64 ram = 1 << 20, off = 512 << 10;
	/* Past the file's end, and inside it but not on a page. */
	static const char *const off_page[] = { "0x40100000", "0x40080010" };
	__u64 size = hvb_region_size(2);
	char path[128], args[768];
	struct cli_run r;
	__u8 *mem = cli_mapped_file(path, sizeof(path), "ram", ram);
	size_t i;

	cr_assert_eq(hvb_region_format(mem + off, size, 2), HVB_REGION_OK);
	hvb_region_cpu_stats(mem + off, 2, 1)->sync_requests = 4242;

	snprintf(args, sizeof(args),
		 "%s stat --transport host --mem %s --ram-base 0x40000000 --region-phys 0x40080000",
		 BIN, path);
	cli(&r, args);
	cr_expect_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_expect(strstr(r.out, ": 2 CPUs,") && strstr(r.out, "\n1 ") &&
		  strstr(r.out, "4242"), "not the region at 512 KiB:\n%s",
		  r.out);

	/* The region is not where the layout says: one page further. */
	snprintf(args, sizeof(args),
		 "%s stat --transport host --mem %s --ram-base 0x40000000 --region-phys 0x40081000",
		 BIN, path);
	cli(&r, args);
	cr_expect_eq(r.status, 1, "status %d: %s", r.status, r.out);
	cr_expect(strstr(r.err, path), "%s", r.err);

	/* Outside the file, and not on a page. */
	for (i = 0; i < sizeof(off_page) / sizeof(off_page[0]); i++) {
		snprintf(args, sizeof(args),
			 "%s stat --transport host --mem %s --ram-base 0x40000000 --region-phys %s",
			 BIN, path, off_page[i]);
		cli(&r, args);
		cr_expect_eq(r.status, 1, "%s: status %d: %s", off_page[i],
			     r.status, r.out);
		cr_expect(strstr(r.err, "is not a page inside the file"),
			  "%s: %s", off_page[i], r.err);
	}

	/* Misuse: exit 2 with the reason. */
	cli(&r, BIN " stat --transport host");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--mem is required"), "%s", r.err);
	snprintf(args, sizeof(args), "%s stat --region %s --mem %s", BIN, path,
		 path);
	cli(&r, args);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "are for the host transport"), "%s", r.err);
	snprintf(args, sizeof(args), "%s stat --transport host --mem %s --region %s",
		 BIN, path, path);
	cli(&r, args);
	cr_expect_eq(r.status, 2);
	cli(&r, BIN " stat --transport host --mem x --region-phys zz");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "bad value 'zz' for --region-phys"), "%s",
		  r.err);
	munmap(mem, ram);
}
