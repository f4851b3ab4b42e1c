/* SPDX-License-Identifier: MIT */
/*
 * bench.h - the channel benchmark (tests/bench): what the measurement
 * files share.  Every method is timed the same way (bench_ticks() around
 * one request), with the requester pinned to bench_cpu_req and the server
 * pinned to bench_cpu_srv, so the figures of one run compare side by side.
 */
#ifndef HVB_BENCH_H
#define HVB_BENCH_H

#include <stddef.h>
#include <hvbridge/types.h>

/* The two CPUs of the run (bench_topo.c): 0 and 1 unless --cpus or
 * --pair chose others. */
extern int bench_cpu_req;	/* producers, pingers */
extern int bench_cpu_srv;	/* the daemon, the ponger */

/* What the two CPUs share: "smt", "l2", "llc" (the last-level cache),
 * "apart" or "unknown" according to sysfs, with a sentence in @detail;
 * and the path a raw ping-pong round trip of @p50_ns says it took. */
const char *bench_topo_sysfs(int a, int b, char *detail, size_t len);
const char *bench_topo_pingpong(double p50_ns);
/* --pair KIND: the first online pair sysfs calls @kind; --cpus A,B.
 * Both set bench_cpu_req and bench_cpu_srv; 0, or -1 (with a message). */
int bench_topo_pick(const char *kind);
int bench_topo_parse_cpus(const char *s);

/* Producer counts of the throughput section (the JSON keys). */
#define BENCH_NR_PRODS	3
extern const unsigned int bench_prods[BENCH_NR_PRODS];
#define BENCH_MAX_PRODS	4

/* Spins between two sched_yield() calls of a waiting producer, as the
 * host arch hook does (hyp/arch/host/arch.c, HYP_WAIT_CHECK_SPINS). */
#define BENCH_YIELD_SPINS 256u

/* The most rounds a run may have (struct bench_cfg). */
#define BENCH_MAX_ROUNDS 16

/* The sizes of one run; --quick shrinks them. */
struct bench_cfg {
	unsigned int rounds;	/* each section is run this many times */
	size_t warmup;		/* untimed requests before each run */
	size_t iters;		/* timed requests, polling sections */
	size_t wake_warmup;	/* untimed requests, sleeping sections */
	size_t wake_iters;	/* timed requests, sleeping sections */
	__u64 wake_delay_ns;	/* idle time before each wake request */
	double tput_seconds;	/* duration of one throughput measurement */
	size_t paced_warmup;	/* untimed paced requests before each run */
	size_t paced_iters;	/* timed paced requests */
	double idle_seconds;	/* one no-load measurement */
	size_t timed_sleeps;	/* timed sleeps of the platform's floor */
	unsigned int pair_blocks;	/* paired blocks a round */
	size_t pair_iters;	/* timed requests of each part of a block */
};

struct bench_lat {
	double p50, p99, p999;	/* ns */
	double mean;		/* ns; free of the clock's granularity */
};

/* A clock cheaper than clock_gettime() where the CPU has one (TSC),
 * converted with bench_ticks_ns() after calibration. */
void bench_clock_init(void);
double bench_ticks_ns(__u64 ticks);
double bench_now_s(void);
/* The usual non-zero difference of two bench_ticks() (its step). */
__u64 bench_clock_step(void);

#if defined(__x86_64__)
#include <x86intrin.h>
static inline __u64 bench_ticks(void)
{
	__u64 t;

	/* Compiler barriers keep the timed code between the two reads. */
	__asm__ volatile("" ::: "memory");
	t = __rdtsc();
	__asm__ volatile("" ::: "memory");
	return t;
}
#else
#include <time.h>
static inline __u64 bench_ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}
#endif

/* Busy-wait @ns nanoseconds on this CPU. */
void bench_spin_ns(__u64 ns);

/* Pin the calling thread; a failure is reported once, not fatal. */
void bench_pin(int cpu);

/* p50/p99/p999 and mean of @n tick samples (sorted in place). */
struct bench_lat bench_lat_of(__u64 *ticks, size_t n);
/* Median of @n doubles (reordered in place). */
double bench_median(double *v, size_t n);

/* The hang watchdog: a section that does not finish in @seconds ends
 * the run with a message naming it (exit 1). 0 disarms. */
void bench_watchdog(const char *section, unsigned int seconds);

/* The value a server returns for a read of @addr; requesters check it. */
static inline __u64 bench_expect(__u64 addr)
{
	return (addr * 0x9e3779b97f4a7c15ull) >> 32;
}

/* Address of the @i-th request: 4-byte aligned, varying. */
static inline __u64 bench_addr(__u64 i)
{
	return 0x10000000ull + (i % 4096) * 4;
}

/*
 * The timing loops every method goes through (bench_run.c).  @req sends
 * request number @i from producer @idx and returns 0, or -1 when it failed
 * or returned a wrong value.
 *
 * bench_lat_run() times @warmup + @n requests of producer 0 on this
 * thread (pinned to bench_cpu_req) and keeps the last @n.  Before each,
 * untimed: @prep (if not NULL; e.g. wait until the server announced that
 * it sleeps) and @gap_ns of idling.
 *
 * bench_tput_run() runs @nprod producer threads, all pinned to
 * bench_cpu_req, for cfg->tput_seconds.
 */
typedef int bench_req_fn(void *ctx, unsigned int idx, __u64 i);
typedef void bench_prep_fn(void *ctx);

int bench_lat_run(bench_req_fn *req, bench_prep_fn *prep, void *ctx,
		  __u64 gap_ns, size_t warmup, __u64 *ticks, size_t n);
int bench_tput_run(const struct bench_cfg *cfg, bench_req_fn *req, void *ctx,
		   unsigned int nprod, double *mops);

/*
 * The measurements.  Latency ones fill @ticks[0..n) and return 0, or -1
 * (with a message) when a request failed or returned a wrong value.
 * Throughput ones set *mops (million requests per second, all producers).
 */
int bench_pingpong_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n);
int bench_eventfd_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n);
int bench_futex_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n);

/* The producers' timeout; the diagnostics set 0 when they fake the clock. */
extern __u64 bench_ours_timeout_ns;
int bench_ours_sync_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n);
int bench_ours_wake_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n);
int bench_ours_tput(const struct bench_cfg *cfg, unsigned int nprod,
		    double *mops);

/*
 * Idling (bench_idle.c): one producer paced at BENCH_PACED_RATE requests
 * a second against a consumer that polls, sleeps after every request, or
 * idles adaptively (the daemon's default); and no load at all.  cpu_pct
 * is the serving thread's CPU time over the wall time, in percent of
 * one CPU.  bench_ours_paced() needs cfg->paced_iters @ticks.
 */
#define BENCH_PACED_RATE	20000.0
enum { BENCH_IDLE_POLL, BENCH_IDLE_SLEEP, BENCH_IDLE_ADAPTIVE,
       BENCH_IDLE_MODES };
extern const char *const bench_idle_names[BENCH_IDLE_MODES];
/* Doubles only, as struct bench_sleepcost: bench-channel takes the
 * median of the rounds field by field. */
struct bench_paced {
	double p50, p99;	/* ns */
	double rate;		/* requests/s the paced run achieved */
	double sleeps_per_req;	/* the server's sleeps, timed or not */
	double cpu_per_req_ns;	/* the server's CPU over the requests */
	/* Adaptive, medians: the timed sleep asked for, the polling after
	 * a request before a sleep, and after a timed sleep ran out until
	 * the request; and timed sleeps per request. */
	double asked_ns, tail_ns, wakepoll_ns;
	double asked_per_req;
	double cpu_pct;		/* the serving thread */
	double wake_pct;	/* requests that had to wake it */
	/* Adaptive: the requests that woke it, in percent of all, by the
	 * sleep they cut short: a timed one before its end (the predicted
	 * phase was late), one after it (the timer was late), an untimed
	 * one; and the longest run of requests in a row that woke it. */
	double woke_before_pct, woke_after_pct, woke_untimed_pct;
	double woke_run_max;
};
_Static_assert(sizeof(struct bench_paced) % sizeof(double) == 0,
	       "struct bench_paced: doubles only");
int bench_ours_paced(const struct bench_cfg *cfg, int mode,
		     struct bench_paced *out, __u64 *ticks);
int bench_ours_idle(const struct bench_cfg *cfg, int mode, double *cpu_pct);

/*
 * The platform's floor for idling by timed sleeps: what one timed sleep
 * of the length the adaptive policy asked for in the paced run costs the
 * sleeping thread, on the server's CPU, through the same transport wait
 * (bench_idle.c).  cpu_*: CLOCK_THREAD_CPUTIME_ID across the wait;
 * late_*: how long after its deadline the wait returned; poll_ns: the
 * mean polling from the return to the deadline plus the median lateness
 * (where a wake-up planned on the median lateness waits for a request
 * due then); floor_pct: (cpu_p50 + tail_ns + poll_ns) over the period,
 * in percent of a CPU, where tail_ns is the adaptive run's median
 * polling after a request before it slept.  Serving the request itself
 * is left out.  timer_near_ns, timer_far_ns: the CPU of arming and at
 * once cancelling a timer the sleep's length ahead and one a second
 * ahead (after the CPU's tick); timer_program_ns, half their difference:
 * what programming the CPU's timer device once costs, which a timed
 * sleep does when armed and again when it fires or is cancelled (0: not
 * measured).
 */
struct bench_sleepcost {
	double asked_ns;	/* the length measured: the adaptive run's
				 * median (0: it asked for none) */
	double cpu_p50, cpu_p90;
	double late_p10, late_p50, late_p90;
	double poll_ns;
	double tail_ns;
	double floor_pct;
	double timer_near_ns, timer_far_ns, timer_program_ns;
};
_Static_assert(sizeof(struct bench_sleepcost) % sizeof(double) == 0,
	       "struct bench_sleepcost: doubles only");
/* Start (1) or stop (0) recording what the adaptive policy does;
 * bench_idle_recorded() gives the median of series @k since the start,
 * and how many (bench_idle.c). */
enum { BENCH_REC_ASKED, BENCH_REC_TAIL, BENCH_REC_WAKEPOLL,
       BENCH_REC_CALLS, BENCH_REC_NR };
void bench_idle_record(int on);
double bench_idle_recorded(unsigned int k, size_t *count);
int bench_timed_sleep_cost(const struct bench_cfg *cfg,
			   const struct bench_paced *adaptive,
			   struct bench_sleepcost *out);

int bench_hvisor_lat(const struct bench_cfg *cfg, __u64 *ticks, size_t n);
int bench_hvisor_tput(const struct bench_cfg *cfg, unsigned int nprod,
		      double *mops);

/* The medians over rounds of one run, as reported. */
/*
 * The sync round trip against the ping-pong and hvisor-tool's protocol
 * in paired blocks: ping-pong, channel, hvisor-style, ping-pong, back to
 * back, a few ms in all (bench_channel.c, bench_pair_round()).
 */
struct bench_pair {
	struct bench_lat before, ours, hvisor, after;
};

#define BENCH_PAIR_MAX		512
#define BENCH_PAIR_TOPOS	3	/* smt, llc, apart */

struct bench_paired {
	unsigned int blocks;	/* measured */
	unsigned int kept;	/* whose two ping-pongs agree */
	double ours_p50, pingpong_p50;	/* medians over the kept blocks */
	double hvisor_p50;
	double p50_ratio;	/* median of the kept blocks' ratios */
	double mean_ratio;	/* the same with their means */
	double hvisor_ratio;	/* ... of ours / hvisor-style, p50s */
	/* The kept blocks' samples pooled (bench_channel.c): the channel's
	 * and the ping-pong's p999, their ratio, and the parts per million
	 * of each above 10 us; tail_samples: the channel's (the ping-pong
	 * has twice as many).  0 when no block was kept. */
	double ours_p999, pingpong_p999, p999_ratio;
	double ours_slow_ppm, pingpong_slow_ppm;
	size_t tail_samples;
	struct {
		const char *topo;	/* bench_topo_pingpong()'s word */
		unsigned int blocks;
		double p50_ratio, hvisor_ratio;
	} by_topo[BENCH_PAIR_TOPOS];
};

struct bench_results {
	const char *mode;		/* "quick" or "full" */
	const struct bench_cfg *cfg;
	struct bench_lat sync;		/* channel, polling daemon */
	struct bench_lat pingpong;	/* raw cache-line ping-pong */
	struct bench_lat hvisor;	/* hvisor-style, polling daemon */
	struct bench_lat wake;		/* channel, sleeping daemon */
	struct bench_lat eventfd;	/* raw eventfd ping-pong */
	struct bench_lat futex;		/* raw futex ping-pong */
	double tput[BENCH_NR_PRODS];	/* channel, Mreq/s */
	double hvisor_tput[BENCH_NR_PRODS];
	double tput_ratio[BENCH_NR_PRODS];	/* median of paired ratios */
	struct bench_paced paced[BENCH_IDLE_MODES];
	/* Each round's adaptive p50 over its polling p50, the two run back
	 * to back (the host may move the vCPUs between rounds), and their
	 * median: the paced ratio reported. */
	double paced_ratio_round[BENCH_MAX_ROUNDS];
	double paced_ratio;
	double idle_cpu[BENCH_IDLE_MODES];	/* % of a CPU, no load */
	struct bench_sleepcost sleepcost;	/* the platform's floor */
	/* The CPUs and what they share (bench_topo.c). */
	const char *topo_sysfs;		/* "smt", "llc", "apart", ... */
	char topo_detail[128];		/* sysfs, in words */
	const char *topo_pingpong;	/* what the ping-pong's p50 says */
	struct bench_paired paired;	/* sync against ping-pong, paired */
	double wall_s;			/* the whole run */
};

/* The targets of the "Foundation" issue, section 6. */
#define BENCH_TARGET_RATIO	1.25	/* sync p50 / ping-pong p50 */
#define BENCH_TARGET_WAKE	1.5	/* wake p50 / eventfd p50 */
#define BENCH_TARGET_HVISOR	1.0	/* ours / hvisor-style p50 */
/* Issue 14: the tail, and idling. */
#define BENCH_TARGET_P999	3.0	/* sync p999 / ping-pong p999 */
#define BENCH_TARGET_PACED_CPU	25.0	/* % of a CPU at 20k/s, adaptive */
#define BENCH_TARGET_PACED_P50	2.0	/* adaptive p50 / polling p50 */
#define BENCH_TARGET_IDLE_CPU	0.1	/* % of a CPU at no load: none
					 * measurable */

void bench_report_print(const struct bench_results *r);
int bench_report_json(const struct bench_results *r, const char *path);

#endif /* HVB_BENCH_H */
