// SPDX-License-Identifier: MIT
/*
 * How the daemon idles (issue 14, item 3): one simulated vCPU sends reads
 * at a steady pace (BENCH_PACED_RATE a second), and the consumer's
 * serving thread polls, sleeps after every request, or idles adaptively
 * (tool/idle.h, the daemon's default).  Per policy: the requests' p50 and
 * p99, and the serving thread's CPU time over the wall time
 * (CLOCK_THREAD_CPUTIME_ID of that thread, so system calls and the work
 * of waking count, and nothing of the requester's).  Then no load at
 * all: the serving thread's CPU while no request comes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>

#include "bench.h"
#include "bench_chan.h"

static const __u64 bench_idle_budget[BENCH_IDLE_MODES] = {
	[BENCH_IDLE_POLL] = UINT64_MAX,
	[BENCH_IDLE_SLEEP] = 1,
	[BENCH_IDLE_ADAPTIVE] = HVB_SPIN_ADAPTIVE,
};

const char *const bench_idle_names[BENCH_IDLE_MODES] = {
	[BENCH_IDLE_POLL] = "polling",
	[BENCH_IDLE_SLEEP] = "always sleep",
	[BENCH_IDLE_ADAPTIVE] = "adaptive",
};

/* The serving thread's CPU time, ns. */
static int bench_thread_cpu_ns(pthread_t th, __u64 *ns)
{
	struct timespec ts;
	clockid_t id;

	if (pthread_getcpuclockid(th, &id) || clock_gettime(id, &ts)) {
		fprintf(stderr, "bench: cannot read the server's CPU clock\n");
		return -1;
	}
	*ns = (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
	return 0;
}

static __u64 bench_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

/*
 * When the measured paced run's request in flight was sent
 * (CLOCK_MONOTONIC ns, the serving loop's clock), so that a request that
 * woke the serving thread can be placed against the timed sleep it cut
 * short.  Written by the requester before it publishes the request; read
 * by the serving thread after a producer's wake, whose swap of SLEEPING
 * for RUNNING (seq_cst) its own exchange (acquire) read: that orders this
 * store before the read, so relaxed accesses do.
 */
static __u64 bench_sent_ns;

/*
 * The requests that woke the serving thread, by what they cut short:
 * a timed sleep before its end (the request came before the loop meant
 * to be awake: the phase it predicted was late), one after its end (the
 * request came when the loop meant to be awake, but its timer had not
 * woken it yet: the timer was late), or an untimed sleep.  And the
 * longest run of requests in a row that woke it.  Written by the serving
 * thread while bench_rec_on is set (below), read once it is joined.
 */
static struct {
	size_t before, after, untimed;
	size_t run, run_max;
	bool by_producer;	/* the last wake was a producer's */
} bench_woke;

/* Requests every @period_ns from the previous one's start (never two at
 * once: a request that took longer than the period delays the next). */
static int bench_paced_run(struct bench_chan *ch, __u64 first, size_t n,
			   double period_ns, __u64 *ticks)
{
	__u64 t0 = bench_ticks(), t1;
	size_t i;

	for (i = 0; i < n; i++) {
		while (bench_ticks_ns(bench_ticks() - t0) < period_ns)
			hvb_cpu_relax();
		/* Before t0: the clock read is not timed. */
		if (ticks)
			__atomic_store_n(&bench_sent_ns,
					 bench_clock_ns(CLOCK_MONOTONIC),
					 __ATOMIC_RELAXED);
		t0 = bench_ticks();
		if (bench_ours_req(ch, 0, first + i))
			return -1;
		t1 = bench_ticks();
		if (ticks)
			ticks[i] = t1 - t0;
	}
	return 0;
}

int bench_ours_paced(const struct bench_cfg *cfg, int mode,
		     struct bench_paced *out, __u64 *ticks)
{
	double period = 1e9 / BENCH_PACED_RATE, t0, t1;
	__u64 c0 = 0, c1 = 0, wakes, sleeps;
	struct bench_chan ch;
	struct bench_lat l;
	size_t asked;
	int ret;

	if (bench_chan_open(&ch, bench_idle_budget[mode], 1))
		return -1;
	bench_pin(bench_cpu_req);
	/* Untimed: the adaptive policy learns the pace. */
	ret = bench_paced_run(&ch, 0, cfg->paced_warmup, period, NULL);
	wakes = hvb_read_once_u64(&ch.prod[0].stats->wakes);
	sleeps = hvb_read_once_u64(&ch.cons.dstats->sleeps);
	bench_idle_record(1);
	t0 = bench_now_s();
	if (!ret)
		ret = bench_thread_cpu_ns(ch.th, &c0);
	if (!ret)
		ret = bench_paced_run(&ch, cfg->paced_warmup, cfg->paced_iters,
				      period, ticks);
	t1 = bench_now_s();
	if (!ret)
		ret = bench_thread_cpu_ns(ch.th, &c1);
	bench_idle_record(0);
	wakes = hvb_read_once_u64(&ch.prod[0].stats->wakes) - wakes;
	sleeps = hvb_read_once_u64(&ch.cons.dstats->sleeps) - sleeps;
	ret |= bench_chan_close(&ch);
	if (ret)
		return -1;
	/* A build that joined the policy into the consumer's object
	 * (bench.mk) would hide its calls from the wrap: say so, rather
	 * than report that it asked for nothing. */
	bench_idle_recorded(BENCH_REC_CALLS, &asked);
	if (mode == BENCH_IDLE_ADAPTIVE && !asked) {
		fprintf(stderr, "bench: the adaptive policy's calls were not "
			"seen (tests/bench/bench.mk, BENCH_WRAP)\n");
		return -1;
	}
	out->asked_ns = bench_idle_recorded(BENCH_REC_ASKED, &asked);
	out->asked_per_req = (double)asked / (double)cfg->paced_iters;
	out->tail_ns = bench_idle_recorded(BENCH_REC_TAIL, &asked);
	out->wakepoll_ns = bench_idle_recorded(BENCH_REC_WAKEPOLL, &asked);
	out->rate = (double)cfg->paced_iters / (t1 - t0);
	l = bench_lat_of(ticks, cfg->paced_iters);
	out->p50 = l.p50;
	out->p99 = l.p99;
	out->cpu_pct = 100.0 * (double)(c1 - c0) / ((t1 - t0) * 1e9);
	out->wake_pct = 100.0 * (double)wakes / (double)cfg->paced_iters;
	out->sleeps_per_req = (double)sleeps / (double)cfg->paced_iters;
	out->woke_before_pct = 100.0 * (double)bench_woke.before /
			       (double)cfg->paced_iters;
	out->woke_after_pct = 100.0 * (double)bench_woke.after /
			      (double)cfg->paced_iters;
	out->woke_untimed_pct = 100.0 * (double)bench_woke.untimed /
				(double)cfg->paced_iters;
	out->woke_run_max = (double)bench_woke.run_max;
	out->cpu_per_req_ns = (double)(c1 - c0) / (double)cfg->paced_iters;
	return 0;
}

int bench_ours_idle(const struct bench_cfg *cfg, int mode, double *cpu_pct)
{
	struct timespec nap = {
		.tv_sec = (time_t)cfg->idle_seconds,
		.tv_nsec = (long)((cfg->idle_seconds -
				   (double)(time_t)cfg->idle_seconds) * 1e9),
	};
	struct bench_chan ch;
	__u64 c0 = 0, c1 = 0;
	double t0, t1;
	int ret;

	if (bench_chan_open(&ch, bench_idle_budget[mode], 1))
		return -1;
	bench_pin(bench_cpu_req);
	/* Some paced requests first, then none: from the last one on,
	 * whatever the policy still spends counts. */
	ret = bench_paced_run(&ch, 0, cfg->paced_warmup,
			      1e9 / BENCH_PACED_RATE, NULL);
	t0 = bench_now_s();
	if (!ret)
		ret = bench_thread_cpu_ns(ch.th, &c0);
	nanosleep(&nap, NULL);
	t1 = bench_now_s();
	if (!ret)
		ret = bench_thread_cpu_ns(ch.th, &c1);
	ret |= bench_chan_close(&ch);
	if (ret)
		return -1;
	*cpu_pct = 100.0 * (double)(c1 - c0) / ((t1 - t0) * 1e9);
	return 0;
}

/* --- the platform's floor: what one timed sleep costs */

/*
 * What the adaptive policy does, as the real serving loop calls it:
 * bench-channel links with -Wl,--wrap= for hvb_idle_should_sleep,
 * hvb_idle_woke and hvb_idle_work, so tool/consumer.o's calls pass
 * through here.  Three series, per sleep or per request: the timed
 * sleeps' lengths; how long the loop polled after a request before it
 * went to sleep (its tail); and how long it polled after a timed sleep
 * ran out until the request came.  Written by the serving thread only
 * while bench_rec_on is set, read by the main thread once
 * bench_chan_close() has joined that thread.
 */
#define BENCH_REC_MAX	65536u
struct bench_series {
	__u64 v[BENCH_REC_MAX];
	size_t n;
};
static struct bench_series bench_rec[BENCH_REC_NR];
static int bench_rec_on;
static __u64 bench_rec_woke;	/* a timed sleep ran out here (0: none) */

static void bench_rec_add(unsigned int k, __u64 v)
{
	/* Acquire: pairs with bench_idle_record()'s release, after which
	 * the series are ours. */
	if (__atomic_load_n(&bench_rec_on, __ATOMIC_ACQUIRE) &&
	    bench_rec[k].n < BENCH_REC_MAX)
		bench_rec[k].v[bench_rec[k].n++] = v;
}

bool __real_hvb_idle_should_sleep(struct hvb_idle *s, __u64 now,
				  __u64 *sleep_ns);
bool __wrap_hvb_idle_should_sleep(struct hvb_idle *s, __u64 now,
				  __u64 *sleep_ns);
void __real_hvb_idle_woke(struct hvb_idle *s, __u64 now, bool work_came,
			  __u64 sent);
void __wrap_hvb_idle_woke(struct hvb_idle *s, __u64 now, bool work_came,
			  __u64 sent);
void __real_hvb_idle_work(struct hvb_idle *s, __u64 now);
void __wrap_hvb_idle_work(struct hvb_idle *s, __u64 now);

bool __wrap_hvb_idle_should_sleep(struct hvb_idle *s, __u64 now,
				  __u64 *sleep_ns)
{
	bool sleep = __real_hvb_idle_should_sleep(s, now, sleep_ns);

	bench_rec_add(BENCH_REC_CALLS, 1);

	if (sleep && s->last_ns)
		bench_rec_add(BENCH_REC_TAIL, now - s->last_ns);
	if (sleep && *sleep_ns)
		bench_rec_add(BENCH_REC_ASKED, *sleep_ns);
	return sleep;
}

static bool bench_recording(void)
{
	/* Acquire: as in bench_rec_add(). */
	return __atomic_load_n(&bench_rec_on, __ATOMIC_ACQUIRE);
}

/* While recording, a producer woke the serving thread out of a sleep
 * that was to end at @deadline (0: untimed). */
static void bench_woke_count(__u64 deadline)
{
	__u64 sent = __atomic_load_n(&bench_sent_ns, __ATOMIC_RELAXED);

	if (!deadline)
		bench_woke.untimed++;
	else if (sent < deadline)
		bench_woke.before++;
	else
		bench_woke.after++;
	if (++bench_woke.run > bench_woke.run_max)
		bench_woke.run_max = bench_woke.run;
}

void __wrap_hvb_idle_woke(struct hvb_idle *s, __u64 now, bool work_came,
			  __u64 sent)
{
	/* Its time ran out, and no request had come before. */
	bench_rec_woke = s->deadline_ns && !work_came ? now : 0;
	if (bench_recording()) {
		bench_woke.by_producer = work_came;
		if (work_came)
			bench_woke_count(s->deadline_ns);
	}
	__real_hvb_idle_woke(s, now, work_came, sent);
}

void __wrap_hvb_idle_work(struct hvb_idle *s, __u64 now)
{
	if (bench_rec_woke && now >= bench_rec_woke)
		bench_rec_add(BENCH_REC_WAKEPOLL, now - bench_rec_woke);
	bench_rec_woke = 0;
	/* Found without a wake: a run of requests that woke it ends. */
	if (bench_recording()) {
		if (!bench_woke.by_producer)
			bench_woke.run = 0;
		bench_woke.by_producer = false;
	}
	__real_hvb_idle_work(s, now);
}

void bench_idle_record(int on)
{
	unsigned int k;

	if (on) {
		for (k = 0; k < BENCH_REC_NR; k++)
			bench_rec[k].n = 0;
		memset(&bench_woke, 0, sizeof(bench_woke));
	}
	/* Release: the resets above before the serving thread appends. */
	__atomic_store_n(&bench_rec_on, on, __ATOMIC_RELEASE);
}

double bench_idle_recorded(unsigned int k, size_t *count)
{
	static double v[BENCH_REC_MAX];
	size_t i;

	*count = bench_rec[k].n;
	for (i = 0; i < bench_rec[k].n; i++)
		v[i] = (double)bench_rec[k].v[i];
	return bench_rec[k].n ? bench_median(v, bench_rec[k].n) : 0;
}

struct bench_sleeper {
	__u64 ns;		/* each sleep's length */
	size_t n;
	double *cpu, *late;	/* per sleep, ns */
	double clock_cpu;	/* the clock reads' own CPU, median */
	double arm_near, arm_far;	/* arming and cancelling a timer,
					 * CPU ns, median (0: not measured) */
	int err;
};

/* A timer far enough ahead that the CPU's next event (its tick) comes
 * first: arming it only queues it. */
#define BENCH_TIMER_FAR_NS	1000000000ull

/*
 * The CPU of arming a timer @ahead_ns from now and cancelling it at once,
 * median of @n, less @clock_cpu (what four clock reads cost; this takes
 * two, so each figure is a few tens of ns low, which the difference
 * between two of them cancels); @scratch holds @n.  A timer due before the CPU's next event must be programmed into
 * the CPU's timer device when it is armed and again when it is cancelled
 * (back to that next event); one due after it is only queued.  The
 * difference is what a timed sleep pays on top of a sleep that a
 * producer ends: what the platform charges for that device.
 * timerfd arms the same hrtimers a futex wait with a timeout does.
 */
static double bench_timer_arm_cpu(__u64 ahead_ns, size_t n, double clock_cpu,
				  double *scratch)
{
	struct itimerspec on = {
		.it_value = {
			.tv_sec = (time_t)(ahead_ns / 1000000000ull),
			.tv_nsec = (long)(ahead_ns % 1000000000ull),
		},
	}, off = { 0 };
	__u64 c0, c1;
	size_t i;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

	if (fd < 0)
		return 0;
	for (i = 0; i < n; i++) {
		c0 = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		if (timerfd_settime(fd, 0, &on, NULL) ||
		    timerfd_settime(fd, 0, &off, NULL)) {
			close(fd);
			return 0;
		}
		c1 = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		scratch[i] = (double)(c1 - c0) - clock_cpu;
	}
	close(fd);
	return bench_median(scratch, n);
}

/* On the server's CPU, with the serving loop's timer slack: @n timed
 * waits of the bench transport, nobody waking them. */
static void *bench_sleeper_main(void *arg)
{
	struct bench_sleeper *sl = arg;
	struct hvb_transport t = {
		.ops = &bench_tr_ops, .fd = -1, .wait_ns = sl->ns,
	};
	__u32 word = 0;
	__u64 c0, c1, w0, w1;
	size_t i;

	bench_pin(bench_cpu_srv);
	prctl(PR_SET_TIMERSLACK, (unsigned long)HVB_CONSUMER_TIMER_SLACK_NS,
	      0, 0, 0);
	/* What the four clock reads cost the thread without a sleep. */
	for (i = 0; i < sl->n; i++) {
		c0 = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		w0 = bench_clock_ns(CLOCK_MONOTONIC);
		w1 = bench_clock_ns(CLOCK_MONOTONIC);
		c1 = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		sl->cpu[i] = (double)(c1 - c0);
	}
	sl->clock_cpu = bench_median(sl->cpu, sl->n);
	sl->arm_near = bench_timer_arm_cpu(sl->ns, sl->n, sl->clock_cpu,
					   sl->cpu);
	sl->arm_far = bench_timer_arm_cpu(BENCH_TIMER_FAR_NS, sl->n,
					  sl->clock_cpu, sl->cpu);
	for (i = 0; i < sl->n && !sl->err; i++) {
		c0 = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		w0 = bench_clock_ns(CLOCK_MONOTONIC);
		sl->err = t.ops->wait(&t, &word, 0);
		w1 = bench_clock_ns(CLOCK_MONOTONIC);
		c1 = bench_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		sl->cpu[i] = (double)(c1 - c0) - sl->clock_cpu;
		sl->late[i] = w1 > w0 + sl->ns ? (double)(w1 - w0 - sl->ns) :
						 0;
	}
	return NULL;
}

/* The @q-quantile (0..1) of @n sorted doubles. */
static double bench_quantile(const double *v, size_t n, double q)
{
	return v[(size_t)(q * (double)(n - 1) + 0.5)];
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int bench_timed_sleep_cost(const struct bench_cfg *cfg,
			   const struct bench_paced *adaptive,
			   struct bench_sleepcost *out)
{
	struct bench_sleeper sl = {
		.ns = (__u64)adaptive->asked_ns, .n = cfg->timed_sleeps,
	};
	double period = 1e9 / BENCH_PACED_RATE, poll = 0;
	pthread_t th;
	size_t i;

	*out = (struct bench_sleepcost){
		.asked_ns = adaptive->asked_ns, .tail_ns = adaptive->tail_ns,
	};
	if (!sl.ns || !sl.n)
		return 0;	/* the policy asked for no timed sleep */
	sl.cpu = calloc(sl.n, sizeof(*sl.cpu));
	sl.late = calloc(sl.n, sizeof(*sl.late));
	if (!sl.cpu || !sl.late ||
	    pthread_create(&th, NULL, bench_sleeper_main, &sl)) {
		fprintf(stderr, "bench: timed sleeps: cannot start\n");
		free(sl.cpu);
		free(sl.late);
		return -1;
	}
	pthread_join(th, NULL);
	if (sl.err) {
		fprintf(stderr, "bench: timed sleeps: wait failed (%d)\n",
			sl.err);
	} else {
		qsort(sl.cpu, sl.n, sizeof(*sl.cpu), bench_cmp_double);
		qsort(sl.late, sl.n, sizeof(*sl.late), bench_cmp_double);
		out->cpu_p50 = bench_quantile(sl.cpu, sl.n, 0.5);
		out->cpu_p90 = bench_quantile(sl.cpu, sl.n, 0.9);
		out->late_p10 = bench_quantile(sl.late, sl.n, 0.1);
		out->late_p50 = bench_quantile(sl.late, sl.n, 0.5);
		out->late_p90 = bench_quantile(sl.late, sl.n, 0.9);
		/* A wake-up planned on the median lateness: those that
		 * come back earlier poll until the request is due. */
		for (i = 0; i < sl.n; i++)
			if (sl.late[i] < out->late_p50)
				poll += out->late_p50 - sl.late[i];
		out->poll_ns = poll / (double)sl.n;
		out->floor_pct = 100.0 * (out->cpu_p50 + out->tail_ns +
					  out->poll_ns) / period;
		/* Armed and cancelled: the device programmed twice. */
		if (sl.arm_near > 0 && sl.arm_far > 0) {
			out->timer_near_ns = sl.arm_near;
			out->timer_far_ns = sl.arm_far;
			out->timer_program_ns = sl.arm_near > sl.arm_far ?
				(sl.arm_near - sl.arm_far) / 2 : 0;
		}
	}
	free(sl.cpu);
	free(sl.late);
	return sl.err ? -1 : 0;
}
