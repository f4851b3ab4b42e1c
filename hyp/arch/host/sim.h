/* SPDX-License-Identifier: MIT */
/*
 * sim.h - hvbridge-sim, the host simulation: vCPU threads run the
 * hypervisor's own producer (hyp/core) against a daemon that serves the
 * test device (common/include/hvbridge/testdev.h), and check every answer.
 *
 *   sim.c           options, region, run, final checks, summary
 *   sim_vcpu.c      one simulated vCPU: the request mix and its checks
 *   sim_daemon.c    the daemon as a child process (fork + exec)
 *   sim_inproc.c    the daemon's consumer as a thread (--inproc, TSan)
 *   sim_watchdog.c  turns a hang into exit code 3 with diagnostics
 */
#ifndef HYP_SIM_H
#define HYP_SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include <hyp/arch.h>
#include <hyp/channel.h>

/* Exit codes. */
#define SIM_EXIT_PASS		0
#define SIM_EXIT_FAIL		1
#define SIM_EXIT_USAGE		2
#define SIM_EXIT_WATCHDOG	3

/* Bytes of SCRATCH each vCPU owns for its write/read-back checks (below
 * the kick mailboxes at HVB_TESTDEV_MAILBOX(0)). */
#define SIM_SCRATCH_MAX		512u
/* Failures a vCPU describes on stderr before it only counts them. */
#define SIM_REPORT_MAX		5u

struct sim_opts {
	unsigned int cpus;
	unsigned long long requests;	/* per vCPU */
	/* Percentages of the request mix, summing to 100. */
	unsigned int mix_read;		/* PATTERN and ID reads */
	unsigned int mix_scratch;	/* SCRATCH writes and read-backs */
	unsigned int mix_kick;		/* mailbox write + posted kick */
	unsigned int mix_error;		/* ERROR register accesses */
	unsigned long long seed;
	unsigned int burst;		/* pause after this many requests */
	unsigned int pause_us;
	unsigned int jitter_ns;		/* or spin a random 0..N ns */
	unsigned long long spin_budget;	/* daemon's polls before sleep; 0:
					 * its adaptive idling */
	unsigned long long min_sleeps;
	unsigned int watchdog_s;
	unsigned long long timeout_ms;	/* producer bounded wait */
	const char *region_path;	/* NULL: /dev/shm/hvbridge-sim-<pid> */
	const char *daemon_path;	/* NULL: ../tool/hvbridge */
	bool inproc;
	bool verbose;
	bool keep_region;		/* do not unlink the region at exit */
};

struct sim;

/* One simulated vCPU.  Written by its own thread only, except where a
 * field says otherwise; the main thread reads it after the join. */
struct sim_vcpu {
	struct sim *sim;
	struct hyp_producer prod;
	pthread_t thread;
	__u32 cpu;
	__u64 rng;
	/* Progress for the watchdog: relaxed atomic stores here, relaxed
	 * loads there; +1 per request and per final kick poll. */
	__u64 progress;
	/* What this vCPU did, as it counted it. */
	__u64 sync;			/* hyp_channel_sync() calls */
	__u64 kicks;			/* hyp_channel_kick() calls */
	__u64 expected_errors;		/* ERROR accesses that failed */
	__u64 failures;			/* wrong value or status */
	__u64 timeouts;			/* HVB_STATUS_TIMEOUT seen */
	__u64 mailbox;			/* last value kicked, queue cpu */
	__u32 scratch_off;		/* this vCPU's SCRATCH bytes */
	__u32 scratch_len;
	__u8 shadow[SIM_SCRATCH_MAX];	/* what they must read back as */
};

struct sim {
	struct sim_opts opt;
	char region_path[256];
	bool region_created;
	void *region;
	__u64 size;
	struct sim_vcpu *vcpus;
	pid_t daemon_pid;		/* 0: none (or --inproc) */
	struct sim_inproc *inproc;
};

/* sim_vcpu.c */
void *sim_vcpu_main(void *arg);

/* sim_daemon.c */
int sim_daemon_start(struct sim *s, const char *argv0);
int sim_daemon_stop(struct sim *s);
int sim_daemon_exited(struct sim *s);

/* sim_inproc.c */
int sim_inproc_start(struct sim *s);
int sim_inproc_stop(struct sim *s);

/* sim_watchdog.c */
int sim_watchdog_start(struct sim *s);
void sim_watchdog_stop(void);

/* sim.c: remove the region and stop the daemon child; async-signal-safe
 * so the watchdog and signal handlers can call it before _exit(). */
void sim_cleanup_fast(void);

#endif /* HYP_SIM_H */
