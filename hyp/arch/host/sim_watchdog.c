// SPDX-License-Identifier: MIT
/*
 * The watchdog: a hang (a lost response, a lost wake-up, a completion
 * spin the compiler hoisted) must end the run with a message, not stall
 * it.  A thread sums the vCPUs' progress counters every 100 ms; when the
 * sum has not moved for --watchdog-s seconds it prints what each slot
 * looks like and exits with SIM_EXIT_WATCHDOG.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <hvbridge/barrier.h>

#include "sim.h"

#define SIM_WATCHDOG_TICK_MS	100u

static pthread_t sim_watchdog_thread;
static int sim_watchdog_quit;	/* main thread sets, watchdog reads */
static struct sim *sim_watchdog_sim;

static __u64 sim_watchdog_progress(const struct sim *s)
{
	__u64 sum = 0;
	unsigned int i;

	for (i = 0; i < s->opt.cpus; i++)
		sum += __atomic_load_n(&s->vcpus[i].progress, __ATOMIC_RELAXED);
	return sum;
}

/*
 * Everything that tells a lost response (req.seq != resp.seq, bit clear)
 * from a lost wake-up (state SLEEPING with work pending) from a hoisted
 * spin (resp.seq == req.seq yet the vCPU still waits).
 */
static void sim_watchdog_report(struct sim *s, unsigned int secs)
{
	struct hvb_wake *wake = hvb_region_wake(s->region);
	struct hvb_pending *pend = hvb_region_pending(s->region);
	struct hvb_kicks *kicks = hvb_region_kicks(s->region);
	struct hvb_daemon_stats *ds = hvb_region_daemon_stats(s->region);
	unsigned int i;

	fprintf(stderr, "hvbridge-sim: WATCHDOG: no progress for %us\n", secs);
	fprintf(stderr, "hvbridge-sim:   consumer_state=%u wake_gen=%u pid=%u pending[0]=0x%llx kick_summary=0x%llx served=%llu sleeps=%llu wakeups=%llu\n",
		hvb_read_once_u32(&wake->consumer_state),
		hvb_read_once_u32(&wake->wake_gen),
		hvb_read_once_u32(&wake->consumer_pid),
		(unsigned long long)hvb_read_once_u64(&pend->cpu_bits[0]),
		(unsigned long long)hvb_read_once_u64(&kicks->summary),
		(unsigned long long)hvb_read_once_u64(&ds->served),
		(unsigned long long)hvb_read_once_u64(&ds->sleeps),
		(unsigned long long)hvb_read_once_u64(&ds->wakeups));
	for (i = 0; i < s->opt.cpus; i++) {
		struct sim_vcpu *v = &s->vcpus[i];
		struct hvb_cpu_slot *slot = hvb_region_slot(s->region, i);
		__u64 bit = hvb_read_once_u64(&pend->cpu_bits[i / 64]) >>
			    (i % 64) & 1;

		/* next_seq is the stuck vCPU's private word; it is not
		 * moving, or we would not be here. */
		fprintf(stderr, "hvbridge-sim:   cpu %u: req.seq=%llu resp.seq=%llu next_seq=%llu pending=%llu progress=%llu\n",
			i,
			(unsigned long long)hvb_read_once_u64(&slot->req.seq),
			(unsigned long long)hvb_read_once_u64(&slot->resp.seq),
			(unsigned long long)__atomic_load_n(&v->prod.next_seq,
							    __ATOMIC_RELAXED),
			(unsigned long long)bit,
			(unsigned long long)__atomic_load_n(&v->progress,
							    __ATOMIC_RELAXED));
	}
}

static void *sim_watchdog_main(void *arg)
{
	struct sim *s = arg;
	__u64 last = sim_watchdog_progress(s), now;
	unsigned int idle_ms = 0, limit_ms = s->opt.watchdog_s * 1000u;
	struct timespec tick = {
		.tv_nsec = SIM_WATCHDOG_TICK_MS * 1000000l,
	};

	while (!__atomic_load_n(&sim_watchdog_quit, __ATOMIC_ACQUIRE)) {
		nanosleep(&tick, NULL);
		now = sim_watchdog_progress(s);
		if (now != last) {
			last = now;
			idle_ms = 0;
			continue;
		}
		idle_ms += SIM_WATCHDOG_TICK_MS;
		if (idle_ms < limit_ms)
			continue;
		sim_watchdog_report(s, s->opt.watchdog_s);
		fflush(stderr);
		/* The vCPU threads may never return: leave from here. */
		sim_cleanup_fast();
		_exit(SIM_EXIT_WATCHDOG);
	}
	return NULL;
}

int sim_watchdog_start(struct sim *s)
{
	if (!s->opt.watchdog_s)
		return 0;
	sim_watchdog_sim = s;
	return pthread_create(&sim_watchdog_thread, NULL, sim_watchdog_main, s);
}

void sim_watchdog_stop(void)
{
	if (!sim_watchdog_sim)
		return;
	__atomic_store_n(&sim_watchdog_quit, 1, __ATOMIC_RELEASE);
	pthread_join(sim_watchdog_thread, NULL);
	sim_watchdog_sim = NULL;
}
