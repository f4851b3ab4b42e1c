// SPDX-License-Identifier: MIT
/*
 * `hvbridge daemon`: attach to a region as its consumer and serve it
 * until SIGTERM or SIGINT.
 *
 * Stopping without a lost signal.  The consumer checks the stop flag at
 * the top of its loop and may then go to sleep in the transport's wait.
 * A signal that lands after that check would only set the flag, and the
 * daemon would sleep until some producer happened to wake it.  Three
 * things close that window:
 *  - the handlers are installed without SA_RESTART, so a signal during
 *    the futex wait makes it fail with EINTR instead of resuming it;
 *  - the handler sets the flag, then calls the transport's interrupt(),
 *    which (sim) atomically increments the region's wake_gen and
 *    FUTEX_WAKEs it: a wait that read its token before the signal finds
 *    the word changed and returns at once;
 *  - the transport's wait() looks at the flag (t->stop) after the token
 *    was read (Barrier W0) and before it sleeps: a signal that came
 *    before the token was read (so the token already includes the
 *    handler's increment) is seen there.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <hvbridge/barrier.h>
#include <hvbridge/kmod-ioctl.h>
#include <hvbridge/testdev.h>

#include "claim.h"
#include "config.h"
#include "consumer.h"
#include "console_link.h"
#include "daemon.h"
#include "daemon_stop.h"
#include "device.h"
#include "devstats.h"
#include "log.h"
#include "runfile.h"
#include "testdev.h"
#include "transport.h"
#include "virtio/virtio.h"
#include "virtio/vstate.h"


/* Written by the signal handler, read by the serving loop.  The consumer
 * takes a volatile int; on Linux that is what sig_atomic_t is. */
_Static_assert(__builtin_types_compatible_p(sig_atomic_t, int),
	       "sig_atomic_t is int");
static volatile int hvb_daemon_stop;
/* Set once the region is attached, cleared (signals blocked) before it
 * is unmapped; the handler interrupts the wait only while both are set. */
static struct hvb_transport *volatile hvb_daemon_transport;
static __u32 *volatile hvb_daemon_wake_word;

/* The command line; with -c, what it does not say comes from the file. */
struct hvb_daemon_opts {
	const char *transport;	/* NULL: the config's, or "sim" */
	const char *region;
	__u64 spin_budget;
	bool poll;
	bool has_budget;
	bool has_testdev;
	__u64 testdev_base;
	__u64 testdev_zone;
	const char *memory;	/* sim: physical memory file; host: QEMU's
				 * RAM file (--mem); or NULL */
	__u64 memory_base;	/* host: --ram-base */
	bool has_memory_base;
	__u64 region_phys;	/* host: where the region is */
	bool has_region_phys;
	const char *interrupts;	/* sim: interrupt page file, or NULL */
	const char *config;	/* -c FILE, or NULL: the test device only */
	enum hvb_config_format format;
	bool check;		/* --check: print the resolved config, exit */
	unsigned int config_flags;	/* --skip-unsupported */
	bool has_log_level;
	bool syslog;
	const char *state_dir;	/* --state-dir, or NULL: the default */
	bool no_state;		/* --no-state */
	bool stop;		/* --stop: stop the daemon of the region */
	__u64 stop_timeout;	/* --timeout, seconds */
	bool has_timeout;
};

static void hvb_daemon_usage(FILE *f)
{
	const struct hvb_transport_ops *const *t;

	fprintf(f,
"Usage: hvbridge daemon -c CONFIG [--transport NAME] [--region PATH] [OPTIONS]\n"
"       hvbridge daemon [--transport NAME] --region PATH [OPTIONS]\n"
"       hvbridge daemon --transport host --mem FILE [--region-phys A]\n"
"                       [--ram-base A] [OPTIONS]\n"
"       hvbridge daemon --stop [-c CONFIG] [--transport NAME] [--region PATH]\n"
"                       [--state-dir DIR] [--timeout S]\n"
"\n"
"Attach to a channel region as its consumer and serve its requests with\n"
"the device models until SIGTERM or SIGINT; then print a summary.  The\n"
"devices come from CONFIG (docs/config.md: our JSON format, or\n"
"hvisor-tool's virtio_cfg.json as it is); without -c, the test device.\n"
"Options given here override the config's.\n"
"\n"
"  -c, --config FILE      zones, memory and devices (and transport, log)\n"
"  -f, --format F         auto (default), native or hvisor\n"
"      --check            check CONFIG, print the device table, exit\n"
"      --skip-unsupported an hvisor-tool device type with no counterpart\n"
"                         here (gpu, scmi): skip it with a warning\n"
"  -t, --transport NAME   how to reach the region; known:");
	for (t = hvb_transport_table; *t; t++)
		fprintf(f, " %s", (*t)->name);
	fprintf(f, "\n"
"                         Default: kmod where " HVB_DEVICE_PATH " exists (the\n"
"                         root zone) or --region is a character device;\n"
"                         sim otherwise.  $" HVB_DEVICE_ENV " names another\n"
"                         device node.\n"
"  -r, --region PATH      the region (sim: the file hvbridge-sim created;\n"
"                         kmod: the module's device)\n"
"      --memory PATH      sim: the file standing for physical memory, from\n"
"                         which the zones' memory regions are mapped\n"
"      --memory-base A    sim: the physical address of its first byte (0)\n"
"      --interrupts PATH  sim: the page of interrupt counters\n"
"      --mem FILE         host: the file QEMU uses as the machine's RAM\n"
"                         (memory-backend-file,share=on); the region and\n"
"                         the zones' memory are found in it\n"
"      --ram-base A       host: the physical address of its first byte\n"
"                         (default 0x%llx, QEMU virt)\n"
"      --region-phys A    host: the channel region's physical address\n"
"                         (default 0x%llx, the hypervisor's)\n"
"                         The host transport always polls: the wake SPI\n"
"                         cannot leave QEMU, and it cannot raise guest\n"
"                         interrupts (docs/transports.md).\n"
"  -s, --spin-budget N    empty polls before sleeping (0 or 1: sleep at\n"
"                         once); without it the daemon polls through\n"
"                         bursts of requests, sleeps between them until\n"
"                         just before the next one is due, and sleeps\n"
"                         until woken when none is (docs/daemon.md)\n"
"  -p, --poll             never sleep: poll for the lowest latency\n"
"      --testdev-base A   test device window base (default 0x%llx; not\n"
"                         with -c)\n"
"      --testdev-zone Z   test device zone (default %u; not with -c)\n"
"      --state-dir DIR    where virtio devices keep the state that lets a\n"
"                         restarted daemon resume them (default\n"
"                         $" HVB_VSTATE_DIR_ENV " or " HVB_VSTATE_DIR ")\n"
"      --no-state         keep none: a restart resets every device\n"
"                         (the pid and counter files of --stop and stat\n"
"                         stay in the state directory)\n"
"      --stop             stop the daemon serving the region (named as\n"
"                         for serving it): SIGTERM to the process holding\n"
"                         its pid file's lock in the state directory, if\n"
"                         it is an hvbridge daemon; then wait until it\n"
"                         has drained its in-flight requests and exited\n"
"      --timeout S        --stop: wait at most S seconds (default %u)\n"
"  -l, --log-level L      error, warn, info (default) or debug\n"
"      --syslog           log to syslog (facility daemon), not stderr,\n"
"                         once started\n"
"  -h, --help             this text\n"
"\n"
"Exit status: 0 after a signal stopped it (or --check passed, or --stop\n"
"stopped it cleanly), 1 on failure or a bad config (--stop: no daemon, a\n"
"stale or foreign pid file, nothing signalled; or it exited uncleanly),\n"
"2 on bad usage, 3 when --stop timed out.\n",
		HVB_HOST_RAM_BASE, HVB_HOST_REGION_PHYS,
		(unsigned long long)HVB_TESTDEV_DEFAULT_BASE,
		HVB_TESTDEV_DEFAULT_ZONE, HVB_STOP_TIMEOUT_S);
}

static void hvb_daemon_on_signal(int sig)
{
	struct hvb_transport *t = hvb_daemon_transport;
	__u32 *word = hvb_daemon_wake_word;
	int saved_errno = errno;

	(void)sig;
	/* The flag first: a wait that sees the word change (below) must
	 * find the flag set when the loop looks at it next. */
	/* Release: pairs with the consumer's and the transport's acquire
	 * loads; a lock-free atomic store is async-signal-safe. */
	__atomic_store_n(&hvb_daemon_stop, 1, __ATOMIC_RELEASE);
	if (t && word && t->ops->interrupt)
		t->ops->interrupt(t, word);
	errno = saved_errno;
}

static int hvb_daemon_signals(bool block)
{
	struct sigaction sa;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (block)
		return sigprocmask(SIG_BLOCK, &set, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hvb_daemon_on_signal;
	/* No SA_RESTART: the futex wait must fail with EINTR. */
	sa.sa_flags = 0;
	/* Both signals masked while the handler runs: it is not
	 * re-entered half-way through its increment and wake. */
	sa.sa_mask = set;
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		return -1;
	return 0;
}

static int hvb_daemon_misuse(const char *what)
{
	fprintf(stderr, "hvbridge daemon: %s\n"
			"Try 'hvbridge daemon --help'.\n", what);
	return HVB_EXIT_USAGE;
}

/* The long name of option @val, for messages about its value. */
static const char *hvb_daemon_opt_name(const struct option *opts, int val)
{
	for (; opts->name; opts++)
		if (opts->val == val)
			return opts->name;
	return "?";
}

/* Transports that find their region without --region. */
static bool hvb_daemon_regionless(const char *transport)
{
	return !strcmp(transport, "host") || !strcmp(transport, "kmod");
}

static int hvb_daemon_parse(int argc, char **argv,
			    struct hvb_daemon_opts *o)
{
	enum {
		OPT_BASE = 0x100, OPT_ZONE, OPT_CHECK, OPT_SYSLOG, OPT_MEMORY,
		OPT_MEMORY_BASE, OPT_INTERRUPTS, OPT_REGION_PHYS, OPT_MEM,
		OPT_RAM_BASE, OPT_SKIP, OPT_STATE_DIR, OPT_NO_STATE, OPT_STOP,
		OPT_TIMEOUT,
	};
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "skip-unsupported", no_argument, NULL, OPT_SKIP },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "memory-base", required_argument, NULL, OPT_MEMORY_BASE },
		/* host: the same two settings under the names of its docs */
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "ram-base", required_argument, NULL, OPT_RAM_BASE },
		{ "region-phys", required_argument, NULL, OPT_REGION_PHYS },
		{ "interrupts", required_argument, NULL, OPT_INTERRUPTS },
		{ "transport", required_argument, NULL, 't' },
		{ "region", required_argument, NULL, 'r' },
		{ "spin-budget", required_argument, NULL, 's' },
		{ "poll", no_argument, NULL, 'p' },
		{ "testdev-base", required_argument, NULL, OPT_BASE },
		{ "testdev-zone", required_argument, NULL, OPT_ZONE },
		{ "log-level", required_argument, NULL, 'l' },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "no-state", no_argument, NULL, OPT_NO_STATE },
		{ "stop", no_argument, NULL, OPT_STOP },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, level;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:f:t:r:s:pl:h", opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'c':
			o->config = optarg;
			break;
		case 'f':
			level = hvb_config_parse_format(optarg);
			if (level < 0)
				goto bad_value;
			o->format = (enum hvb_config_format)level;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case OPT_SKIP:
			o->config_flags |= HVB_CONFIG_SKIP_UNSUPPORTED;
			break;
		case OPT_SYSLOG:
			o->syslog = true;
			break;
		case OPT_MEMORY:
		case OPT_MEM:
			o->memory = optarg;
			break;
		case OPT_MEMORY_BASE:
		case OPT_RAM_BASE:
			if (!hvb_parse_u64(optarg, &o->memory_base))
				goto bad_value;
			o->has_memory_base = true;
			break;
		case OPT_INTERRUPTS:
			o->interrupts = optarg;
			break;
		case OPT_REGION_PHYS:
			if (!hvb_parse_u64(optarg, &o->region_phys))
				goto bad_value;
			o->has_region_phys = true;
			break;
		case 't':
			o->transport = optarg;
			break;
		case 'r':
			o->region = optarg;
			break;
		case 's':
			if (!hvb_parse_u64(optarg, &o->spin_budget))
				goto bad_value;
			o->has_budget = true;
			break;
		case 'p':
			o->poll = true;
			break;
		case OPT_BASE:
			if (!hvb_parse_u64(optarg, &o->testdev_base))
				goto bad_value;
			o->has_testdev = true;
			break;
		case OPT_ZONE:
			if (!hvb_parse_u64(optarg, &o->testdev_zone) ||
			    o->testdev_zone > UINT32_MAX)
				goto bad_value;
			o->has_testdev = true;
			break;
		case 'l':
			level = hvb_log_parse_level(optarg);
			if (level < 0)
				goto bad_value;
			hvb_log_threshold = (enum hvb_log_level)level;
			o->has_log_level = true;
			break;
		case OPT_STATE_DIR:
			o->state_dir = optarg;
			break;
		case OPT_NO_STATE:
			o->no_state = true;
			break;
		case OPT_STOP:
			o->stop = true;
			break;
		case OPT_TIMEOUT:
			if (!hvb_parse_u64(optarg, &o->stop_timeout) ||
			    !o->stop_timeout || o->stop_timeout > 86400)
				goto bad_value;
			o->has_timeout = true;
			break;
		case 'h':
			hvb_daemon_usage(stdout);
			return 1;
		default:
			return -hvb_usage_error("daemon", opt, argv);
		}
	}
	if (optind < argc)
		return -hvb_usage_error("daemon", 0, argv);
	if (o->config && o->has_testdev)
		return -hvb_daemon_misuse("--testdev-base and --testdev-zone are for running without -c");
	if (o->check && !o->config)
		return -hvb_daemon_misuse("--check needs -c CONFIG");
	if (o->has_timeout && !o->stop)
		return -hvb_daemon_misuse("--timeout is for --stop");
	if (o->stop && (o->check || o->no_state))
		return -hvb_daemon_misuse(o->check ? "--stop and --check exclude each other" : "--stop finds the daemon through its pid file in the state directory: give --state-dir, not --no-state");
	/* host finds the region in its RAM file; kmod opens the module's
	 * device (hvb_kmod_device_path()) unless told otherwise, and is the
	 * default where that device exists. */
	if (!o->region && !o->config &&
	    !hvb_daemon_regionless(o->transport ? o->transport :
				   hvb_transport_default(NULL)))
		return -hvb_daemon_misuse("--region is required (no " HVB_DEVICE_PATH " here, so the transport is sim: give --region, or -c CONFIG naming it)");
	if (o->poll && o->has_budget)
		return -hvb_daemon_misuse("--poll and --spin-budget exclude each other");
	if (o->state_dir && o->no_state)
		return -hvb_daemon_misuse("--state-dir and --no-state exclude each other");
	if (o->transport && !hvb_transport_find(o->transport)) {
		fprintf(stderr, "hvbridge daemon: unknown transport '%s'\n"
				"Try 'hvbridge daemon --help'.\n",
			o->transport);
		return -HVB_EXIT_USAGE;
	}
	return 0;

bad_value:
	fprintf(stderr, "hvbridge daemon: bad value '%s' for --%s\n"
			"Try 'hvbridge daemon --help'.\n",
		optarg, hvb_daemon_opt_name(opts, opt));
	return -HVB_EXIT_USAGE;
}

/* What this instance did: region counters are cumulative over every
 * daemon that served the region, so the summary reports differences. */
struct hvb_daemon_tally {
	__u64 served, errors, malformed, no_device, kicks, sleeps, wakeups;
};

static void hvb_daemon_tally(const struct hvb_consumer *c,
			     struct hvb_daemon_tally *s)
{
	const struct hvb_daemon_stats *d = c->dstats;
	__u32 cpu;

	s->served = hvb_read_once_u64(&d->served);
	s->malformed = hvb_read_once_u64(&d->malformed);
	s->no_device = hvb_read_once_u64(&d->no_device);
	s->kicks = hvb_read_once_u64(&d->kicks);
	s->sleeps = hvb_read_once_u64(&d->sleeps);
	s->wakeups = hvb_read_once_u64(&d->wakeups);
	s->errors = 0;
	for (cpu = 0; cpu < c->nr_cpus; cpu++)
		s->errors += hvb_read_once_u64(
			&hvb_region_cpu_stats(c->region, c->nr_cpus,
					      cpu)->served_errors);
}

static double hvb_daemon_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void hvb_daemon_summary(const struct hvb_daemon_tally *a,
			       const struct hvb_daemon_tally *b,
			       const struct hvb_devices *devs, double secs)
{
	hvb_info("stopped after %.1f s: served %llu requests (%llu errors: %llu malformed, %llu no device), %llu kicks (%llu unclaimed), %llu sleeps, %llu wake-ups",
		 secs, (unsigned long long)(b->served - a->served),
		 (unsigned long long)(b->errors - a->errors),
		 (unsigned long long)(b->malformed - a->malformed),
		 (unsigned long long)(b->no_device - a->no_device),
		 (unsigned long long)(b->kicks - a->kicks),
		 (unsigned long long)devs->unknown_kicks,
		 (unsigned long long)(b->sleeps - a->sleeps),
		 (unsigned long long)(b->wakeups - a->wakeups));
}

/* The devices: the config's, or the test device of the command line. */
static int hvb_daemon_devices(const struct hvb_daemon_opts *o,
			      struct hvb_config *cfg, struct hvb_transport *t,
			      struct hvb_devices *devs)
{
	struct hvb_device_args args = {
		.zone_id = (__u32)o->testdev_zone,
		.base = o->testdev_base,
		.kick_dev = HVB_TESTDEV_KICK_DEV,
	};
	const char *why = NULL;

	if (cfg) {
		if (!hvb_config_map_zones(cfg, t) &&
		    !hvb_config_create_devices(cfg, devs))
			return 0;
		hvb_err("%s", cfg->error);
		return -1;
	}
	if (!hvb_devices_create(devs, HVB_TESTDEV_TYPE, &args, &why))
		return 0;
	hvb_err("test device at zone %u base 0x%llx: %s", args.zone_id,
		(unsigned long long)args.base, why);
	return -1;
}

/*
 * Each virtio device's state file (docs/daemon.md, "Restarts"), once
 * attached (the epoch is ours): resume the devices the last daemon of
 * this region left.  Returns 0, or -1 (logged) on a file that must not
 * be used.  In the default directory a file that cannot be had (not
 * root, held by another daemon) means no state for that device, with a
 * warning; in one the user named it is an error, and so is a file with
 * a bad header anywhere.
 */
static int hvb_daemon_states(const struct hvb_daemon_opts *o,
			     struct hvb_devices *devs, __u32 epoch,
			     const struct hvb_consumer *c)
{
	const char *dir = o->state_dir ? o->state_dir :
					 hvb_vstate_default_dir();
	unsigned int i, resumed = 0;
	char err[640];
	int ret;

	if (o->no_state)
		return 0;
	for (i = 0; i < devs->nr; i++) {
		struct hvb_device *d = devs->devs[i];
		struct hvb_virtio_dev *vd = hvb_virtio_from_device(d);
		bool resume;

		if (!vd) {
			/* The test device keeps its registers the same way. */
			ret = hvb_testdev_attach_state(d, dir, epoch,
				d->zone_id < HVB_ZONE_GENS ?
				c->zone_gen[d->zone_id] : 0, &resume, err,
				sizeof(err));
			if (ret && (o->state_dir || ret == -EPROTO)) {
				hvb_err("%s", err);
				return -1;
			}
			if (ret)
				hvb_warn("%s; %s will not survive a restart",
					 err, d->name);
			else if (resume)
				resumed++;
			continue;
		}
		/* The zone's run the consumer read at attach (and will
		 * acknowledge at its first poll); a state of an earlier
		 * run is not resumed. */
		ret = hvb_vstate_attach(vd, dir, epoch,
					vd->dev->zone_id < HVB_ZONE_GENS ?
					c->zone_gen[vd->dev->zone_id] : 0,
					&resume, err, sizeof(err));
		if (ret && !o->state_dir && ret != -EPROTO) {
			/* The default place, not ours to insist on: not
			 * root, or a daemon of another region serves a
			 * device at the same address. */
			hvb_warn("%s; %s will not survive a restart", err,
				 vd->dev->name);
			continue;
		}
		if (ret) {
			hvb_err("%s", err);
			return -1;
		}
		if (resume) {
			hvb_virtio_resume(vd);
			resumed++;
		}
	}
	if (resumed)
		hvb_info("resumed %u device%s from %s", resumed,
			 resumed == 1 ? "" : "s", dir);
	return 0;
}

/* Where this daemon's run files go (runfile.h): the state directory,
 * with or without --no-state. */
static const char *hvb_daemon_run_dir(const struct hvb_daemon_opts *o)
{
	return o->state_dir ? o->state_dir : hvb_vstate_default_dir();
}

/*
 * The pid file `hvbridge daemon --stop` finds this daemon by, once it
 * serves the region.  Without one the daemon still serves (warned):
 * only --stop cannot find it.
 */
static void hvb_daemon_pidfile(const struct hvb_daemon_opts *o,
			       struct hvb_pidfile *pf)
{
	char path[512], err[640];

	if (hvb_runfile_path(path, sizeof(path), hvb_daemon_run_dir(o),
			     o->region, "pid", err, sizeof(err)) ||
	    hvb_pidfile_create(pf, path, err, sizeof(err)))
		hvb_warn("no pid file (%s): `hvbridge daemon --stop` will not find this daemon",
			 err);
}

/*
 * The per-device counters `hvbridge stat` shows (devstats.h), in the
 * run directory.  Without them the daemon serves anyway (warned).
 */
static void hvb_daemon_devstats(const struct hvb_daemon_opts *o,
				struct hvb_devices *devs, __u32 epoch)
{
	char path[512], err[640];
	unsigned int pruned = hvb_devstats_prune(hvb_daemon_run_dir(o));

	if (pruned)
		hvb_info("%s: removed %u run files of regions that are gone",
			 hvb_daemon_run_dir(o), pruned);
	if (hvb_runfile_path(path, sizeof(path), hvb_daemon_run_dir(o),
			     o->region, "stats", err, sizeof(err)) ||
	    hvb_devstats_attach(devs, path, o->region, epoch, err,
				sizeof(err)))
		hvb_warn("no device counters (%s): `hvbridge stat` will not show them",
			 err);
}

/* A stop: drain each virtio device and keep its state file as it is. */
static void hvb_daemon_stop_devices(struct hvb_devices *devs)
{
	unsigned int i;

	for (i = 0; i < devs->nr; i++) {
		struct hvb_virtio_dev *vd = hvb_virtio_from_device(devs->devs[i]);

		if (vd)
			hvb_virtio_stop(vd);
	}
}

static int hvb_daemon_serve(const struct hvb_daemon_opts *o,
			    struct hvb_config *cfg, struct hvb_transport *t)
{
	struct hvb_daemon_tally start, end;
	struct hvb_consumer c = { 0 };
	struct hvb_pidfile pidfile = { .fd = -1 };
	struct hvb_claim claim;
	char why[256];
	struct hvb_devices devs;
	struct hvb_console_links links;
	char what[96];
	double t0;
	int err;

	hvb_devices_init(&devs);
	if (hvb_daemon_devices(o, cfg, t, &devs)) {
		hvb_devices_fini(&devs);
		return HVB_EXIT_FAIL;
	}
	c.spin_budget = o->poll ? UINT64_MAX :
			!o->has_budget ? HVB_SPIN_ADAPTIVE :
			o->spin_budget ? o->spin_budget : 1;
	/* The transport keeps daemons of its own kind out; this keeps out
	 * one on another transport that reaches the same region. */
	err = hvb_claim_take(&claim, t->region, t->size, t->ops->owner,
			     &hvb_daemon_stop, why, sizeof(why));
	if (!err) {
		err = hvb_consumer_attach(&c, t->region, t->size,
					  &hvb_devices_consumer_ops, &devs);
		if (err)
			snprintf(why, sizeof(why), "%s",
				 hvb_region_strerror(err));
	}
	if (err) {
		hvb_err("%s: %s", o->region, why);
		hvb_claim_release(&claim);
		hvb_devices_fini(&devs);
		if (cfg)
			hvb_config_unmap_zones(cfg);
		return HVB_EXIT_FAIL;
	}
	/* Before the states: resuming starts the devices' threads. */
	hvb_daemon_devstats(o, &devs,
			    hvb_read_once_u32(&c.wake->consumer_epoch));
	if (hvb_daemon_states(o, &devs,
			      hvb_read_once_u32(&c.wake->consumer_epoch), &c)) {
		hvb_devstats_detach(&devs);
		hvb_consumer_detach(&c);
		hvb_claim_release(&claim);
		hvb_devices_fini(&devs);
		if (cfg)
			hvb_config_unmap_zones(cfg);
		return HVB_EXIT_FAIL;
	}
	hvb_daemon_pidfile(o, &pidfile);
	/* Before "serving": whoever waits for that line finds them. */
	hvb_console_links_make(&links, &devs, hvb_daemon_run_dir(o));
	hvb_daemon_tally(&c, &start);
	hvb_daemon_wake_word = &c.wake->wake_gen;
	hvb_daemon_transport = t;
	t->heartbeat = &c.dstats->heartbeat;
	if (cfg)
		snprintf(what, sizeof(what), "%u device%s from %s", devs.nr,
			 devs.nr == 1 ? "" : "s", cfg->file);
	else
		snprintf(what, sizeof(what), "testdev at zone %u 0x%llx",
			 (__u32)o->testdev_zone,
			 (unsigned long long)o->testdev_base);
	hvb_info("serving %s (%s, %u CPUs, epoch %u): %s, %s",
		 o->region, t->ops->name, c.nr_cpus,
		 hvb_read_once_u32(&c.wake->consumer_epoch), what,
		 o->poll || !t->ops->can_sleep(t) ? "polling" :
		 "sleeps when idle");
	t0 = hvb_daemon_now();

	err = hvb_consumer_run(&c, t, &hvb_daemon_stop);

	/* From here on no handler may touch the region: it is about to be
	 * unmapped.  A signal arriving now stays pending, harmlessly. */
	hvb_daemon_signals(true);
	hvb_daemon_transport = NULL;
	hvb_daemon_wake_word = NULL;
	hvb_daemon_stop_devices(&devs);
	hvb_devstats_detach(&devs);
	hvb_daemon_tally(&c, &end);
	t->heartbeat = NULL;
	hvb_consumer_detach(&c);
	hvb_claim_release(&claim);
	if (err == -ESTALE)
		hvb_err("serving %s stopped: another daemon attached to it (epoch %u, this one's %u); this one served nothing more and left the region to it",
			o->region, hvb_read_once_u32(&c.wake->consumer_epoch),
			c.epoch);
	else if (err)
		hvb_err("serving %s failed: %s", o->region, strerror(-err));
	hvb_daemon_summary(&start, &end, &devs, hvb_daemon_now() - t0);
	/* Before the devices close their ptys and sockets. */
	hvb_console_links_remove(&links, &devs, hvb_daemon_run_dir(o));
	hvb_devices_fini(&devs);
	/* The zones' maps outlive their devices, not the transport. */
	if (cfg)
		hvb_config_unmap_zones(cfg);
	/* Last: `--stop` waits for this (daemon_stop.c). */
	hvb_pidfile_finish(&pidfile, err ? HVB_EXIT_FAIL : HVB_EXIT_OK);
	return err ? HVB_EXIT_FAIL : HVB_EXIT_OK;
}

/*
 * What the command line left out, from the config.  The command line
 * wins; --poll and --spin-budget count as one setting.
 */
static void hvb_daemon_merge(struct hvb_daemon_opts *o,
			     const struct hvb_config *cfg)
{
	if (!o->transport)
		o->transport = cfg->transport;
	if (!o->region)
		o->region = cfg->region;
	if (!o->memory)
		o->memory = cfg->memory;
	if (!o->has_memory_base && cfg->has_memory_base) {
		o->memory_base = cfg->memory_base;
		o->has_memory_base = true;
	}
	if (!o->has_region_phys && cfg->has_region_phys) {
		o->region_phys = cfg->region_phys;
		o->has_region_phys = true;
	}
	if (!o->interrupts)
		o->interrupts = cfg->interrupts;
	if (!o->state_dir && !o->no_state)
		o->state_dir = cfg->state_dir;
	if (!o->has_log_level && cfg->has_log_level)
		hvb_log_threshold = (enum hvb_log_level)cfg->log_level;
	if (cfg->has_syslog && cfg->syslog)
		o->syslog = true;
	if (!o->poll && !o->has_budget) {
		o->poll = cfg->has_poll && cfg->poll;
		o->has_budget = cfg->has_spin_budget;
		o->spin_budget = cfg->spin_budget;
	}
}

/*
 * The host transport's layout, before open(): its region is inside the
 * RAM file, so --region means nothing to it.
 * Returns 0 or an exit status.
 */
static int hvb_daemon_host_setup(struct hvb_daemon_opts *o,
				 struct hvb_transport *t)
{
	__u64 ram_base;

	if (t->ops != &hvb_transport_host) {
		if (o->has_region_phys)
			return hvb_daemon_misuse("--region-phys is for the host transport");
		return 0;
	}
	if (o->region)
		return hvb_daemon_misuse("the host transport finds the region in --mem FILE at --region-phys; --region is for sim");
	if (!o->memory)
		return hvb_daemon_misuse("the host transport needs --mem FILE, the file QEMU uses as RAM");
	if (o->interrupts)
		return hvb_daemon_misuse("--interrupts is for the sim transport; the host transport cannot raise guest interrupts");
	ram_base = o->has_memory_base ? o->memory_base : HVB_HOST_RAM_BASE;
	if (hvb_transport_host_set_layout(t, ram_base, o->has_region_phys ?
					  o->region_phys :
					  HVB_HOST_REGION_PHYS)) {
		hvb_err("%s", t->error);
		return HVB_EXIT_FAIL;
	}
	/* What the messages name as "the region". */
	o->region = o->memory;
	return 0;
}

/* The sim transport's stand-ins for physical memory and interrupts. */
static int hvb_daemon_sim_setup(const struct hvb_daemon_opts *o,
				struct hvb_transport *t)
{
	if (t->ops == &hvb_transport_host)
		return 0;	/* its memory is the RAM file it opened */
	if (!o->memory && !o->interrupts)
		return 0;
	if (t->ops != &hvb_transport_sim) {
		hvb_err("memory and interrupt files are for the sim transport, not %s",
			t->ops->name);
		return -1;
	}
	if (o->memory &&
	    hvb_transport_sim_set_phys(t, o->memory, o->memory_base)) {
		hvb_err("%s", t->error);
		return -1;
	}
	if (o->interrupts && hvb_transport_sim_set_irq(t, o->interrupts)) {
		hvb_err("%s", t->error);
		return -1;
	}
	return 0;
}

/* Load -c FILE.  Returns 0, or an exit status for the command. */
static int hvb_daemon_config(struct hvb_daemon_opts *o,
			     struct hvb_config *cfg)
{
	if (hvb_config_load_flags(cfg, o->config, o->format,
				  o->config_flags)) {
		hvb_err("%s", cfg->error);
		return HVB_EXIT_FAIL;
	}
	hvb_config_log_warnings(cfg);
	hvb_daemon_merge(o, cfg);
	if (!o->transport)
		o->transport = hvb_transport_default(o->region);
	if (o->check) {
		/* Show what this daemon would use: file and command line. */
		cfg->transport = o->transport;
		cfg->region = o->region ? o->region :
			      !strcmp(o->transport, "kmod") ?
			      hvb_kmod_device_path() : NULL;
		cfg->memory = o->memory;
		cfg->memory_base = o->memory_base;
		cfg->interrupts = o->interrupts;
		hvb_config_print(cfg, stdout);
		return -1;
	}
	if (!o->region && !hvb_daemon_regionless(o->transport))
		return hvb_daemon_misuse("no region: give --region, or transport.region in the config (the transport is sim: there is no " HVB_DEVICE_PATH " here)");
	return 0;
}

int hvb_cmd_daemon(int argc, char **argv)
{
	struct hvb_daemon_opts o = {
		.testdev_base = HVB_TESTDEV_DEFAULT_BASE,
		.testdev_zone = HVB_TESTDEV_DEFAULT_ZONE,
	};
	struct hvb_transport t = { .fd = -1, .stop = &hvb_daemon_stop };
	struct hvb_config cfg = { 0 };
	int ret;

	ret = hvb_daemon_parse(argc, argv, &o);
	if (ret)
		return ret > 0 ? HVB_EXIT_OK : -ret;
	if (o.config) {
		ret = hvb_daemon_config(&o, &cfg);
		if (ret) {
			hvb_config_free(&cfg);
			return ret < 0 ? HVB_EXIT_OK : ret;
		}
	}
	if (!o.transport)
		o.transport = hvb_transport_default(o.region);
	t.ops = hvb_transport_find(o.transport);
	if (!t.ops) {
		/* Named by the config: the command line was checked. */
		hvb_err("%s: transport.type: unknown transport '%s'",
			o.config, o.transport);
		hvb_config_free(&cfg);
		return HVB_EXIT_FAIL;
	}
	/* Every message names the region: kmod's is the module's device. */
	if (!o.region && t.ops == &hvb_transport_kmod)
		o.region = hvb_kmod_device_path();
	ret = hvb_daemon_host_setup(&o, &t);
	if (ret) {
		if (t.ops->close)
			t.ops->close(&t);
		hvb_config_free(&cfg);
		return ret;
	}
	if (o.stop) {
		ret = hvb_daemon_stop_run(hvb_daemon_run_dir(&o), o.region,
					  o.has_timeout ?
					  (unsigned int)o.stop_timeout :
					  HVB_STOP_TIMEOUT_S);
		if (t.ops->close)
			t.ops->close(&t);
		hvb_config_free(&cfg);
		return ret;
	}
	if (o.syslog)
		hvb_log_to_syslog("hvbridge");
	/* Before the region is ours: a signal during start-up stops the
	 * daemon cleanly instead of killing it half-attached. */
	if (hvb_daemon_signals(false)) {
		hvb_err("cannot install signal handlers: %s", strerror(errno));
		ret = HVB_EXIT_FAIL;
	} else if (t.ops->open(&t, o.region)) {
		hvb_err("%s", t.error);
		ret = HVB_EXIT_FAIL;
	} else if (hvb_daemon_sim_setup(&o, &t)) {
		ret = HVB_EXIT_FAIL;
		t.ops->close(&t);
	} else {
		ret = hvb_daemon_serve(&o, o.config ? &cfg : NULL, &t);
		t.ops->close(&t);
	}
	hvb_config_free(&cfg);
	return ret;
}
