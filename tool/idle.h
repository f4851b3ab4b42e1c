/* SPDX-License-Identifier: MIT */
/*
 * idle.h - when the daemon's serving loop polls and when it sleeps
 * (docs/daemon.md, "Idling").
 *
 * Polling answers a request in a cache-line transfer but burns a CPU;
 * sleeping costs nothing but a wake-up, which takes tens of microseconds
 * (a futex or the wake SPI, then the scheduler).  So the loop polls while
 * a request is likely soon and sleeps otherwise, from what it saw:
 *
 *  - A burst is requests that follow each other within HVB_IDLE_TAIL_NS;
 *    the loop polls after every request (the tail), so a burst is served
 *    at polling speed.  How long: at least twice the gaps it catches,
 *    at least HVB_IDLE_TAIL_MIN_NS, at most HVB_IDLE_TAIL_NS.  It
 *    shrinks by an eighth at each burst found by polling, since polling
 *    after the last request of a burst is CPU spent for nothing: where
 *    bursts are lone requests (a paced load) it comes down to the
 *    least.  A burst that a wake-up showed us (bunched up by its
 *    latency) shrinks nothing.  A request that a longer tail would have
 *    caught puts it back to HVB_IDLE_TAIL_NS at once: one that came
 *    while the loop still polled, within HVB_IDLE_TAIL_NS of the last,
 *    or one that woke a sleep that began before a whole
 *    HVB_IDLE_TAIL_NS had passed, earlier than that sleep was meant to
 *    end.
 *  - Bursts that come at a steady pace (a guest's timer, a paced
 *    workload) are predicted: the gap between two bursts' first requests
 *    is smoothed (gap_ns, with its deviation).  A burst whose first
 *    request ended a timed sleep is seen late by the wake-up (tens of
 *    microseconds): if it came about when due, the prediction keeps its
 *    phase rather than move it that much later, which would make the
 *    next one come before the loop wakes too, and so on.  Between two
 *    bursts the loop sleeps with a timeout that ends a little before the
 *    next one is due, then polls until the burst comes.  How much
 *    before: a timed sleep comes back late (tens of microseconds in a
 *    virtual machine), so by the HVB_IDLE_LATE_RANK-th smallest of the
 *    last
 *    HVB_IDLE_LATE_SAMPLES latenesses: most wake-ups then come before
 *    the request, and those that come after it cost a wake-up, not a
 *    polled stretch as long as the worst lateness.  A timed sleep that
 *    work ended after its time was up counts as late until then: its
 *    timer had not fired yet.  (Left out, the sleeps that ran late
 *    would never count, and the lead would shrink to nothing.)
 *  - A producer that wakes the loop says when its request came
 *    (hvb_wake.wake_sent_ns, since ABI 2.2): the burst began then, not
 *    when the wake-up let the loop see it.  Taken at the wake-up, the
 *    phase is late by its latency; once that is more than the loop wakes
 *    ahead, the next request comes before the loop wakes too, and so on
 *    for dozens of requests (bench-channel's "woke it before a timed
 *    sleep's end").  Without the time, a burst seen after it was due is
 *    taken to have come when due, as above.
 *  - When the prediction fails (nothing by the predicted time plus twice
 *    the deviation), or when bursts are too far apart to be worth
 *    predicting, it sleeps until a producer wakes it.  At no load it
 *    therefore sleeps for good after one missed window.
 *
 * Every sleep is the handshake of docs/abi.md ("No wake-up is lost"): a
 * request that comes while the loop sleeps wakes it, timeout or not.
 * This file is only the policy: pure arithmetic on timestamps the caller
 * gives (CLOCK_MONOTONIC ns), so tests/unit drives it with made-up clocks.
 */
#ifndef HVB_TOOL_IDLE_H
#define HVB_TOOL_IDLE_H

#include <stdbool.h>
#include <hvbridge/types.h>

/* Requests this close are one burst; the longest the loop polls after
 * a request for the rest of its burst. */
#define HVB_IDLE_TAIL_NS	2000ull
/* The shortest it polls after one: what a handful of empty turns and
 * the clock reads between them take (consumer.c reads the clock every
 * HVB_CONSUMER_CLOCK_TURNS turns). */
#define HVB_IDLE_TAIL_MIN_NS	500ull
/* Never ask for a timed sleep shorter than this: it costs more CPU
 * (two system calls and a timer) than polling through it. */
#define HVB_IDLE_SLEEP_MIN_NS	5000ull
/* Wake this much earlier than the lateness alone says. */
#define HVB_IDLE_MARGIN_NS	1000ull
/* Keep polling at least this long past a predicted arrival. */
#define HVB_IDLE_WINDOW_MIN_NS	2000ull
/* Bursts further apart than this are not predicted: a wake-up per burst
 * is cheap against the gap. */
#define HVB_IDLE_PREDICT_MAX_NS	10000000ull
/* What a timed sleep's lateness is assumed to be before one was seen. */
#define HVB_IDLE_LATE_INIT_NS	20000ull
/* The lateness a wake-up is planned with: the 11th smallest of the last
 * 16 (about the 70th percentile). */
#define HVB_IDLE_LATE_SAMPLES	16u
#define HVB_IDLE_LATE_RANK	11u

struct hvb_idle {
	__u64 last_ns;		/* the last poll that found work (0: none) */
	__u64 burst_ns;		/* the first poll of the current burst */
	__u64 tail_ns;		/* how long to poll after a request */
	bool burst_polled;	/* its first request was found by polling */
	__u64 gap_ns;		/* smoothed gap between bursts (0: unknown) */
	__u64 gap_dev_ns;	/* smoothed |gap - gap_ns| */
	__u64 late[HVB_IDLE_LATE_SAMPLES];	/* the last timed sleeps'
						 * lateness, a ring */
	__u32 late_next;	/* where the next sample goes */
	__u64 late_ns;		/* their HVB_IDLE_LATE_RANK-th smallest */
	__u64 deadline_ns;	/* the timed sleep asked for ends here (0:
				 * the sleep asked for has no time limit) */
	bool timed;		/* a timed sleep since this burst began */
	/* The sleep asked for began before a whole HVB_IDLE_TAIL_NS had
	 * passed since the last request: the tail was cut short. */
	bool cut;
	/* ... and a producer ended it before its time (or it had none): the
	 * request that woke it may be one the whole tail would have seen. */
	bool cut_early;
	bool by_producer;	/* the last sleep was ended by a producer */
	/* ... whose request came here, as it told (0: not known) */
	__u64 sent_ns;
	/* The last sleep was a timed one and work ended it (a producer woke
	 * us): the next poll that finds the work sees it late, by the
	 * wake-up's latency, which nothing here can measure (sent_ns says
	 * when the work came, where the producer told). */
	bool woken;
};

void hvb_idle_init(struct hvb_idle *s);

/* A poll at @now found work. */
void hvb_idle_work(struct hvb_idle *s, __u64 now);

/*
 * A poll at @now found nothing.  Returns false: poll again; true: sleep,
 * for at most *@sleep_ns (0: until a producer wakes us).
 */
bool hvb_idle_should_sleep(struct hvb_idle *s, __u64 now, __u64 *sleep_ns);

/* The sleep asked for by the last hvb_idle_should_sleep() returned at
 * @now: @work_came if a producer woke it (work came while it slept),
 * else its time ran out.  @sent: when that producer's request came, if
 * it said (hvb_wake.wake_sent_ns, on our clock), else 0. */
void hvb_idle_woke(struct hvb_idle *s, __u64 now, bool work_came,
		   __u64 sent);

#endif /* HVB_TOOL_IDLE_H */
