// SPDX-License-Identifier: MIT
/*
 * The serving loop's idling policy (idle.h): poll through a burst, sleep
 * between bursts until just before the next one is due, and sleep until
 * woken when nothing is due.
 */
#include <string.h>

#include "idle.h"

/* A lateness sample above this is a preemption, not the timer's: it
 * would keep the loop polling long after the machine calmed down. */
#define HVB_IDLE_LATE_MAX_NS	200000ull

static __u64 hvb_idle_absdiff(__u64 a, __u64 b)
{
	return a > b ? a - b : b - a;
}

/* Exponentially weighted average, weight 1/4 to the new sample. */
static __u64 hvb_idle_avg(__u64 avg, __u64 sample)
{
	return sample >= avg ? avg + (sample - avg) / 4 :
			       avg - (avg - sample) / 4;
}

/* late_ns: the HVB_IDLE_LATE_RANK-th smallest sample. */
static void hvb_idle_late_rank(struct hvb_idle *s)
{
	__u64 v[HVB_IDLE_LATE_SAMPLES], x;
	unsigned int i, j;

	/* Insertion sort of 16: a few hundred ns, once a timed sleep. */
	for (i = 0; i < HVB_IDLE_LATE_SAMPLES; i++) {
		x = s->late[i];
		for (j = i; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	s->late_ns = v[HVB_IDLE_LATE_RANK - 1];
}

void hvb_idle_init(struct hvb_idle *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < HVB_IDLE_LATE_SAMPLES; i++)
		s->late[i] = HVB_IDLE_LATE_INIT_NS;
	s->late_ns = HVB_IDLE_LATE_INIT_NS;
	s->tail_ns = HVB_IDLE_TAIL_NS;
}

/* A request @gap after the last one of its burst: the tail stays at
 * least twice the gaps it catches. */
static void hvb_idle_tail_gap(struct hvb_idle *s, __u64 gap)
{
	if (gap > s->tail_ns) {
		/* Caught only because the loop polled on: the tail was
		 * too short. */
		s->tail_ns = HVB_IDLE_TAIL_NS;
	} else if (2 * gap > s->tail_ns) {
		s->tail_ns = 2 * gap < HVB_IDLE_TAIL_NS ? 2 * gap :
							  HVB_IDLE_TAIL_NS;
	}
}

/*
 * A new burst began, and a producer's wake-up showed it to us if
 * @by_producer.  @cut_early: a producer woke a sleep that a short tail
 * began early.
 */
static void hvb_idle_tail_burst(struct hvb_idle *s, bool by_producer,
				bool cut_early)
{
	bool polled = s->burst_polled;

	s->burst_polled = !by_producer;
	if (cut_early) {
		s->tail_ns = HVB_IDLE_TAIL_NS;
		return;
	}
	/* A burst a wake-up showed us came bunched up by its latency: its
	 * gaps say nothing of the burst's own. */
	if (!polled)
		return;
	/* An eighth a burst: a burst whose gaps keep the tail at twice
	 * them (hvb_idle_tail_gap()) dips to 1.75 times them, and its
	 * requests are still caught. */
	s->tail_ns -= s->tail_ns / 8;
	if (s->tail_ns < HVB_IDLE_TAIL_MIN_NS)
		s->tail_ns = HVB_IDLE_TAIL_MIN_NS;
}

/* How long before a predicted arrival to wake. */
static __u64 hvb_idle_lead(const struct hvb_idle *s)
{
	return s->late_ns + HVB_IDLE_MARGIN_NS;
}

void hvb_idle_work(struct hvb_idle *s, __u64 now)
{
	bool woken = s->woken, cut_early = s->cut_early;
	bool by_producer = s->by_producer;
	__u64 gap, due, start = now, sent = s->sent_ns;

	s->woken = false;
	s->cut_early = false;
	s->by_producer = false;
	s->sent_ns = 0;
	if (s->last_ns && now - s->last_ns <= HVB_IDLE_TAIL_NS) {
		hvb_idle_tail_gap(s, now - s->last_ns);
		s->last_ns = now;	/* the same burst */
		return;
	}
	hvb_idle_tail_burst(s, by_producer, cut_early);
	/*
	 * The producer that woke us said when its request came: the burst
	 * began then, whatever the wake-up's latency.  (Not before the last
	 * burst's last request, nor after now: a clock we misread.)
	 */
	if (sent && sent <= now && sent > s->last_ns) {
		start = sent;
		woken = false;
	}
	/*
	 * A burst that ended a timed sleep, seen after it was due: it came
	 * at some time before @now, as far as we can tell when it was due.
	 * Taken at @now, the phase would move later by the wake-up's
	 * latency, the next wake-up would come after the next request, and
	 * so on: the loop would be woken for every request (issue 14, item
	 * 3).  The gap learns nothing from it.  Only where the producer
	 * did not say when it came (a hypervisor before ABI 2.2, a clock
	 * the transport cannot read).
	 */
	if (woken && s->gap_ns && s->burst_ns) {
		due = s->burst_ns + s->gap_ns;
		if (now >= due && now - due <= HVB_IDLE_LATE_MAX_NS) {
			s->timed = false;
			s->burst_ns = due;
			s->last_ns = now;
			return;
		}
	}
	if (s->burst_ns) {
		gap = start - s->burst_ns;
		if (gap > HVB_IDLE_PREDICT_MAX_NS) {
			s->gap_ns = 0;
			s->gap_dev_ns = 0;
		} else if (!s->gap_ns) {
			s->gap_ns = gap;
			s->gap_dev_ns = gap / 8;
		} else {
			s->gap_dev_ns = hvb_idle_avg(s->gap_dev_ns,
					hvb_idle_absdiff(gap, s->gap_ns));
			s->gap_ns = hvb_idle_avg(s->gap_ns, gap);
		}
		/*
		 * The gap had room for a sleep but the lateness said no: it
		 * may be stale (one preemption).  Let it shrink, so a timed
		 * sleep is tried again and measures it afresh.
		 */
		if (!s->timed && s->gap_ns > HVB_IDLE_TAIL_NS +
		    HVB_IDLE_SLEEP_MIN_NS + HVB_IDLE_MARGIN_NS) {
			unsigned int i;

			for (i = 0; i < HVB_IDLE_LATE_SAMPLES; i++)
				s->late[i] -= s->late[i] / 16;
			hvb_idle_late_rank(s);
		}
	}
	s->timed = false;
	s->burst_ns = start;
	s->last_ns = now;
}

bool hvb_idle_should_sleep(struct hvb_idle *s, __u64 now, __u64 *sleep_ns)
{
	__u64 due, window, lead, wake;

	*sleep_ns = 0;
	s->deadline_ns = 0;
	s->cut = false;
	if (!s->last_ns)
		return true;		/* no work yet: until woken */
	if (now - s->last_ns < s->tail_ns)
		return false;		/* the rest of the burst */
	s->cut = now - s->last_ns < HVB_IDLE_TAIL_NS;
	if (!s->gap_ns)
		return true;		/* nothing to predict */
	due = s->burst_ns + s->gap_ns;
	window = 2 * s->gap_dev_ns;
	if (window < HVB_IDLE_WINDOW_MIN_NS)
		window = HVB_IDLE_WINDOW_MIN_NS;
	if (now > due + window)
		return true;		/* it did not come: until woken */
	lead = hvb_idle_lead(s);
	wake = due > lead ? due - lead : 0;
	if (wake <= now || wake - now < HVB_IDLE_SLEEP_MIN_NS)
		return false;		/* due too soon to sleep */
	*sleep_ns = wake - now;
	s->deadline_ns = wake;
	s->timed = true;
	return true;
}

void hvb_idle_woke(struct hvb_idle *s, __u64 now, bool work_came,
		   __u64 sent)
{
	__u64 late;

	s->sent_ns = work_came ? sent : 0;
	/* Only a timed sleep's: it was aimed at the burst now due.  After
	 * an untimed one (the prediction failed) nothing says which burst
	 * this is, and the phase is learnt afresh from it. */
	s->woken = work_came && s->deadline_ns;
	s->by_producer = work_came;
	/* A producer, before the sleep's time was up, after a tail cut
	 * short: maybe the rest of the burst (idle.h). */
	s->cut_early = work_came && s->cut &&
		       (!s->deadline_ns || now < s->deadline_ns);
	s->cut = false;
	/* Untimed, or woken by a producer before the time ran out: no
	 * sample.  Woken after it: the timer had not fired by the time the
	 * request came, so it was at least that late (idle.h). */
	if (!s->deadline_ns || now < s->deadline_ns) {
		s->deadline_ns = 0;
		return;
	}
	late = now - s->deadline_ns;
	s->deadline_ns = 0;
	if (late > HVB_IDLE_LATE_MAX_NS)
		late = HVB_IDLE_LATE_MAX_NS;
	s->late[s->late_next] = late;
	s->late_next = (s->late_next + 1) % HVB_IDLE_LATE_SAMPLES;
	hvb_idle_late_rank(s);
}
