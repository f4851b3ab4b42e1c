// SPDX-License-Identifier: MIT
/*
 * hvbridge-sim: the host simulation of the request channel.
 *
 * Creates a region file, starts the daemon on it (a child process running
 * the real `hvbridge daemon --transport sim`, or with --inproc a consumer
 * thread), runs --cpus vCPU threads that push a seeded mix of requests at
 * the test device through the hypervisor's own producer code, then checks
 * that every request was answered exactly once and correctly, that no
 * kick was lost, and (--min-sleeps) that the daemon slept and was woken.
 *
 * Exit codes: 0 pass, 1 a check failed, 2 usage, 3 watchdog (a hang).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>
#include <hvbridge/testdev.h>
#include <hyp/kickslot.h>

#include "sim.h"

#define SIM_ATTACH_WAIT_NS	5000000000ull

static struct sim sim_state;
static int sim_failed;

static void sim_usage(FILE *f, const char *argv0)
{
	fprintf(f,
"usage: %s [options]\n"
"  --cpus N          simulated vCPU threads (default 2, max %u)\n"
"  --requests M      requests per vCPU (default 100000)\n"
"  --mix R,S,K,E     percent PATTERN/ID reads, SCRATCH writes/reads,\n"
"                    mailbox+kick, ERROR accesses (default 45,40,10,5)\n"
"  --seed S          PRNG seed (default 1)\n"
"  --burst B         pause after every B requests ...\n"
"  --pause-us U      ... sleep U microseconds (lets the daemon sleep)\n"
"  --jitter-ns J     ... or spin a random 0..J ns (hits the moment the\n"
"                    daemon decides to sleep)\n"
"  --spin-budget N   daemon polls before it sleeps (default: none, the\n"
"                    daemon's adaptive idling, docs/daemon.md)\n"
"  --min-sleeps K    require >= K daemon sleeps and wake-ups\n"
"  --timeout-ms T    producer gives up on a request after T ms (5000)\n"
"  --watchdog-s S    no progress for S seconds: exit 3 (default 10)\n"
"  --region PATH     region file (default /dev/shm/hvbridge-sim-<pid>)\n"
"  --daemon PATH     daemon binary (default ../tool/hvbridge from here)\n"
"  --inproc          serve in a thread of this process (for TSan)\n"
"  --keep-region     leave the region file at exit (for hvbridge stat)\n"
"  --verbose         daemon log level info\n"
"exit: 0 pass, 1 check failed, 2 usage, 3 watchdog\n",
		argv0, HVB_MAX_CPUS);
}

static int sim_parse_ull(const char *arg, const char *name,
			 unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-' || *out > max) {
		fprintf(stderr, "hvbridge-sim: bad %s '%s'\n", name, arg);
		return -1;
	}
	return 0;
}

static int sim_parse_uint(const char *arg, const char *name,
			  unsigned int max, unsigned int *out)
{
	unsigned long long v;

	if (sim_parse_ull(arg, name, max, &v))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int sim_parse_mix(const char *arg, struct sim_opts *o)
{
	unsigned int r, s, k, e;
	int n = -1;

	if (sscanf(arg, "%u,%u,%u,%u%n", &r, &s, &k, &e, &n) != 4 ||
	    n < 0 || arg[n] || r + s + k + e != 100 || r > 100 || s > 100 ||
	    k > 100 || e > 100) {
		fprintf(stderr, "hvbridge-sim: --mix wants four percentages summing to 100, got '%s'\n",
			arg);
		return -1;
	}
	o->mix_read = r;
	o->mix_scratch = s;
	o->mix_kick = k;
	o->mix_error = e;
	return 0;
}

static int sim_parse(struct sim_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "requests", required_argument, NULL, 'n' },
		{ "mix", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 's' },
		{ "burst", required_argument, NULL, 'b' },
		{ "pause-us", required_argument, NULL, 'p' },
		{ "jitter-ns", required_argument, NULL, 'j' },
		{ "spin-budget", required_argument, NULL, 'S' },
		{ "min-sleeps", required_argument, NULL, 'k' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "watchdog-s", required_argument, NULL, 'w' },
		{ "region", required_argument, NULL, 'r' },
		{ "daemon", required_argument, NULL, 'd' },
		{ "inproc", no_argument, NULL, 'i' },
		{ "keep-region", no_argument, NULL, 'K' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, err = 0;

	*o = (struct sim_opts){
		.cpus = 2, .requests = 100000,
		.mix_read = 45, .mix_scratch = 40, .mix_kick = 10,
		.mix_error = 5, .seed = 1, .spin_budget = 0,
		.watchdog_s = 10, .timeout_ms = 5000,
	};
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			err = sim_parse_uint(optarg, "--cpus", HVB_MAX_CPUS,
					     &o->cpus);
			if (!err && !o->cpus) {
				fprintf(stderr, "hvbridge-sim: --cpus must be at least 1\n");
				err = -1;
			}
			break;
		case 'n':
			err = sim_parse_ull(optarg, "--requests", ~0ull,
					    &o->requests);
			break;
		case 'm':
			err = sim_parse_mix(optarg, o);
			break;
		case 's':
			err = sim_parse_ull(optarg, "--seed", ~0ull, &o->seed);
			break;
		case 'b':
			err = sim_parse_uint(optarg, "--burst", ~0u, &o->burst);
			break;
		case 'p':
			err = sim_parse_uint(optarg, "--pause-us", 1000000u,
					     &o->pause_us);
			break;
		case 'j':
			err = sim_parse_uint(optarg, "--jitter-ns", 1000000000u,
					     &o->jitter_ns);
			break;
		case 'S':
			err = sim_parse_ull(optarg, "--spin-budget", ~0ull,
					    &o->spin_budget);
			if (!err && !o->spin_budget)
				o->spin_budget = 1;
			break;
		case 'k':
			err = sim_parse_ull(optarg, "--min-sleeps", ~0ull,
					    &o->min_sleeps);
			break;
		case 't':
			err = sim_parse_ull(optarg, "--timeout-ms", 3600000ull,
					    &o->timeout_ms);
			break;
		case 'w':
			err = sim_parse_uint(optarg, "--watchdog-s", 3600u,
					     &o->watchdog_s);
			break;
		case 'r':
			o->region_path = optarg;
			break;
		case 'd':
			o->daemon_path = optarg;
			break;
		case 'i':
			o->inproc = true;
			break;
		case 'K':
			o->keep_region = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			sim_usage(stdout, argv[0]);
			exit(SIM_EXIT_PASS);
		default:
			err = -1;
		}
		if (err)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "hvbridge-sim: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

/* Async-signal-safe: kill(2), unlink(2) only. */
void sim_cleanup_fast(void)
{
	struct sim *s = &sim_state;

	if (s->daemon_pid > 0)
		kill(s->daemon_pid, SIGKILL);
	if (s->region_created)
		unlink(s->region_path);
}

static void sim_on_signal(int sig)
{
	sim_cleanup_fast();
	_exit(128 + sig);
}

static int sim_region_create(struct sim *s)
{
	int fd, n;

	if (s->opt.region_path)
		n = snprintf(s->region_path, sizeof(s->region_path), "%s",
			     s->opt.region_path);
	else
		n = snprintf(s->region_path, sizeof(s->region_path),
			     "/dev/shm/hvbridge-sim-%d", (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(s->region_path)) {
		fprintf(stderr, "hvbridge-sim: region path too long\n");
		return -1;
	}
	s->size = hvb_region_size(s->opt.cpus);
	/* O_EXCL: never format (or later delete) someone else's file. */
	fd = open(s->region_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "hvbridge-sim: cannot create %s: %s\n",
			s->region_path, strerror(errno));
		return -1;
	}
	s->region_created = true;
	if (ftruncate(fd, (off_t)s->size)) {
		fprintf(stderr, "hvbridge-sim: ftruncate %s: %s\n",
			s->region_path, strerror(errno));
		close(fd);
		return -1;
	}
	s->region = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
	close(fd);
	if (s->region == MAP_FAILED) {
		s->region = NULL;
		fprintf(stderr, "hvbridge-sim: mmap %s: %s\n", s->region_path,
			strerror(errno));
		return -1;
	}
	/* Fresh pages are zero, as hvb_region_format() wants; no agent has
	 * the file yet, so the daemon's attach (after exec) orders them. */
	if (hvb_region_format(s->region, s->size, s->opt.cpus))
		return -1;
	/* As the hypervisor's zone1 (hyp/arch/arm64/zones.c): the test
	 * device's window posts its NOTIFY register through a kick slot,
	 * the first one, which the daemon learns from the region. */
	if (hyp_kick_slot_alloc(&hyp_kick_table, HVB_TESTDEV_DEFAULT_ZONE,
				HVB_TESTDEV_DEFAULT_BASE, HVB_TESTDEV_SIZE,
				HVB_TESTDEV_NOTIFY) != HVB_TESTDEV_KICK_DEV)
		return -1;
	hyp_kick_table_publish(&hyp_kick_table,
			       hvb_region_kick_slots(s->region, s->opt.cpus),
			       &hvb_region_kicks(s->region)->slots_gen);
	return 0;
}

static void sim_region_remove(struct sim *s)
{
	if (s->region)
		munmap(s->region, s->size);
	s->region = NULL;
	/* --keep-region: leave it for `hvbridge stat` (scripts/run-baremetal.sh). */
	if (s->region_created && !s->opt.keep_region)
		unlink(s->region_path);
	s->region_created = false;
}

/* Bounded wait for the consumer to take its role. */
static int sim_wait_attach(struct sim *s)
{
	struct hvb_wake *wake = hvb_region_wake(s->region);
	struct timespec ms = { .tv_nsec = 1000000 };
	__u64 start = hyp_arch_now_ns();

	while (hvb_load_acquire_u32(&wake->consumer_state) ==
	       HVB_CONSUMER_ABSENT) {
		if (!s->opt.inproc && sim_daemon_exited(s))
			return -1;
		if (hyp_arch_now_ns() - start > SIM_ATTACH_WAIT_NS) {
			fprintf(stderr, "hvbridge-sim: daemon did not attach to %s within %llus\n",
				s->region_path,
				SIM_ATTACH_WAIT_NS / 1000000000ull);
			return -1;
		}
		nanosleep(&ms, NULL);
	}
	return 0;
}

static __u64 sim_splitmix(__u64 x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static int sim_vcpus_init(struct sim *s)
{
	__u32 share = (HVB_TESTDEV_MAILBOX(0) / s->opt.cpus) & ~7u;
	unsigned int i;
	int err;

	if (share > SIM_SCRATCH_MAX)
		share = SIM_SCRATCH_MAX;
	s->vcpus = calloc(s->opt.cpus, sizeof(*s->vcpus));
	if (!s->vcpus)
		return -1;
	for (i = 0; i < s->opt.cpus; i++) {
		struct sim_vcpu *v = &s->vcpus[i];

		v->sim = s;
		v->cpu = i;
		v->rng = sim_splitmix(s->opt.seed * 0x100000001b3ull + i) | 1;
		v->scratch_off = HVB_TESTDEV_SCRATCH + i * share;
		v->scratch_len = share;
		err = hyp_channel_attach(&v->prod, s->region, s->size, i,
					 s->opt.timeout_ms * 1000000ull);
		if (err) {
			fprintf(stderr, "hvbridge-sim: cpu %u attach: %s\n", i,
				hvb_region_strerror(err));
			return -1;
		}
	}
	return 0;
}

static int sim_run_vcpus(struct sim *s)
{
	unsigned int i, started;
	int err = 0;

	for (started = 0; started < s->opt.cpus; started++) {
		err = pthread_create(&s->vcpus[started].thread, NULL,
				     sim_vcpu_main, &s->vcpus[started]);
		if (err) {
			fprintf(stderr, "hvbridge-sim: vCPU thread: %s\n",
				strerror(err));
			break;
		}
	}
	for (i = 0; i < started; i++)
		pthread_join(s->vcpus[i].thread, NULL);
	return err ? -1 : 0;
}

static void sim_check(const char *what, unsigned int cpu, __u64 got,
		      __u64 want)
{
	if (got == want)
		return;
	sim_failed = 1;
	fprintf(stderr, "hvbridge-sim: FAIL: cpu %u: %s = %llu, want %llu\n",
		cpu, what, (unsigned long long)got, (unsigned long long)want);
}

/* After the daemon stopped: its counters are final. */
static void sim_check_all(struct sim *s, __u64 *sync, __u64 *kicks,
			  __u64 *errors)
{
	struct hvb_daemon_stats *ds = hvb_region_daemon_stats(s->region);
	unsigned int i;

	for (i = 0; i < s->opt.cpus; i++) {
		struct sim_vcpu *v = &s->vcpus[i];
		struct hvb_cpu_stats *st =
			hvb_region_cpu_stats(s->region, s->opt.cpus, i);
		/* --inproc stops its consumer with a kick from CPU 0. */
		__u64 extra = (s->opt.inproc && i == 0) ? 1 : 0;

		sim_check("wrong answers", i, v->failures, 0);
		sim_check("producer timeouts", i, st->timeouts, 0);
		sim_check("producer sync_requests", i, st->sync_requests,
			  v->sync);
		/* Each request answered exactly once. */
		sim_check("daemon served", i, st->served, st->sync_requests);
		sim_check("producer kicks", i, st->kicks, v->kicks + extra);
		sim_check("error responses", i, st->error_responses,
			  v->expected_errors);
		sim_check("daemon served_errors", i, st->served_errors,
			  v->expected_errors);
		sim_check("torn reads", i, st->torn_reads, 0);
		*sync += v->sync;
		*kicks += v->kicks;
		*errors += v->expected_errors;
	}
	if (ds->served != *sync) {
		sim_failed = 1;
		fprintf(stderr, "hvbridge-sim: FAIL: daemon served %llu, producers sent %llu\n",
			(unsigned long long)ds->served,
			(unsigned long long)*sync);
	}
	if (ds->malformed || ds->no_device) {
		sim_failed = 1;
		fprintf(stderr, "hvbridge-sim: FAIL: daemon saw %llu malformed and %llu no-device requests\n",
			(unsigned long long)ds->malformed,
			(unsigned long long)ds->no_device);
	}
	if (ds->sleeps < s->opt.min_sleeps || ds->wakeups < s->opt.min_sleeps) {
		sim_failed = 1;
		fprintf(stderr, "hvbridge-sim: FAIL: daemon slept %llu and woke %llu times, want >= %llu each\n",
			(unsigned long long)ds->sleeps,
			(unsigned long long)ds->wakeups, s->opt.min_sleeps);
	}
}

static int sim_start_consumer(struct sim *s, const char *argv0)
{
	if (s->opt.inproc)
		return sim_inproc_start(s);
	return sim_daemon_start(s, argv0);
}

static int sim_stop_consumer(struct sim *s)
{
	if (s->opt.inproc)
		return sim_inproc_stop(s);
	return sim_daemon_stop(s);
}

int main(int argc, char **argv)
{
	struct sim *s = &sim_state;
	struct hvb_daemon_stats *ds;
	__u64 t0, sync = 0, kicks = 0, errors = 0;
	double secs;

	if (sim_parse(&s->opt, argc, argv)) {
		fprintf(stderr, "Try '%s --help'.\n", argv[0]);
		return SIM_EXIT_USAGE;
	}
	signal(SIGINT, sim_on_signal);
	signal(SIGTERM, sim_on_signal);
	signal(SIGHUP, sim_on_signal);
	if (sim_region_create(s) || sim_vcpus_init(s) ||
	    sim_start_consumer(s, argv[0]) || sim_wait_attach(s)) {
		sim_cleanup_fast();
		return SIM_EXIT_FAIL;
	}
	if (sim_watchdog_start(s)) {
		fprintf(stderr, "hvbridge-sim: cannot start the watchdog\n");
		sim_cleanup_fast();
		return SIM_EXIT_FAIL;
	}
	t0 = hyp_arch_now_ns();
	if (sim_run_vcpus(s))
		sim_failed = 1;
	secs = (double)(hyp_arch_now_ns() - t0) / 1e9;
	sim_watchdog_stop();
	if (sim_stop_consumer(s))
		sim_failed = 1;
	sim_check_all(s, &sync, &kicks, &errors);
	ds = hvb_region_daemon_stats(s->region);
	printf("hvbridge-sim: %s cpus=%u sync=%llu kicks=%llu errors(expected)=%llu sleeps=%llu wakeups=%llu elapsed=%.2fs (%.0f req/s)\n",
	       sim_failed ? "FAIL" : "PASS", s->opt.cpus,
	       (unsigned long long)sync, (unsigned long long)kicks,
	       (unsigned long long)errors, (unsigned long long)ds->sleeps,
	       (unsigned long long)ds->wakeups, secs,
	       secs > 0 ? (double)sync / secs : 0.0);
	sim_region_remove(s);
	free(s->vcpus);
	return sim_failed ? SIM_EXIT_FAIL : SIM_EXIT_PASS;
}
