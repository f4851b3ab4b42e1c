// SPDX-License-Identifier: MIT
/*
 * One simulated vCPU: a thread that plays a guest CPU trapping on the
 * test device, forwarding each access through the hypervisor's own
 * producer (hyp_channel_sync / hyp_channel_kick), and checking every
 * answer against what the test device must return.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <hvbridge/barrier.h>
#include <hvbridge/testdev.h>
#include <hyp/kickslot.h>

#include "sim.h"

#define SIM_ZONE	HVB_TESTDEV_DEFAULT_ZONE
#define SIM_BASE	HVB_TESTDEV_DEFAULT_BASE

/* How long a kick check waits for the daemon to drain the kick. */
#define SIM_KICK_WAIT_NS	5000000000ull
/* One kick in this many (on average) waits until the daemon saw it. */
#define SIM_KICK_SETTLE_EVERY	8u

/* xorshift64*: fast, seedable, good enough to pick operations. */
static __u64 sim_rand(struct sim_vcpu *v)
{
	v->rng ^= v->rng >> 12;
	v->rng ^= v->rng << 25;
	v->rng ^= v->rng >> 27;
	return v->rng * 0x2545f4914f6cdd1dull;
}

static __u32 sim_rand_size(struct sim_vcpu *v)
{
	return 1u << (sim_rand(v) & 3);
}

/* Watchdog food: the watchdog thread loads this with a relaxed atomic. */
static void sim_progress(struct sim_vcpu *v)
{
	__atomic_store_n(&v->progress, v->progress + 1, __ATOMIC_RELAXED);
}

static void __attribute__((format(printf, 2, 3)))
sim_fail(struct sim_vcpu *v, const char *fmt, ...)
{
	va_list ap;

	if (v->failures++ >= SIM_REPORT_MAX)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "hvbridge-sim: cpu %u: ", v->cpu);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static const char *sim_status_name(hyp_status_t st)
{
	switch (st) {
	case HVB_STATUS_OK:
		return "OK";
	case HVB_STATUS_INVALID:
		return "INVALID";
	case HVB_STATUS_NO_DEVICE:
		return "NO_DEVICE";
	case HVB_STATUS_IO_ERROR:
		return "IO_ERROR";
	case HVB_STATUS_TIMEOUT:
		return "TIMEOUT (no response)";
	}
	return "unknown";
}

static hyp_status_t sim_sync(struct sim_vcpu *v, __u32 off, __u32 size,
			     __u32 flags, __u64 *value)
{
	hyp_status_t st = hyp_channel_sync(&v->prod, SIM_ZONE, SIM_BASE + off,
					   size, flags, value);

	v->sync++;
	if (st == HVB_STATUS_TIMEOUT)
		v->timeouts++;
	sim_progress(v);
	return st;
}

/* A read that must succeed with @want. */
static void sim_read_expect(struct sim_vcpu *v, __u32 off, __u32 size,
			    __u64 want)
{
	__u64 got = 0;
	hyp_status_t st = sim_sync(v, off, size, 0, &got);

	if (st != HVB_STATUS_OK)
		sim_fail(v, "read 0x%x size %u: status %s", off, size,
			 sim_status_name(st));
	else if (got != want)
		sim_fail(v, "read 0x%x size %u: got 0x%llx want 0x%llx", off,
			 size, (unsigned long long)got,
			 (unsigned long long)want);
}

static void sim_write_expect_ok(struct sim_vcpu *v, __u32 off, __u32 size,
				__u64 value)
{
	hyp_status_t st = sim_sync(v, off, size, HVB_REQ_WRITE, &value);

	if (st != HVB_STATUS_OK)
		sim_fail(v, "write 0x%x size %u: status %s", off, size,
			 sim_status_name(st));
}

static void sim_op_read(struct sim_vcpu *v)
{
	__u32 size, off;

	if (sim_rand(v) % 8 == 0) {
		sim_read_expect(v, HVB_TESTDEV_ID_REG, 8, HVB_TESTDEV_ID);
		return;
	}
	size = sim_rand_size(v);
	off = HVB_TESTDEV_PATTERN +
	      (__u32)(sim_rand(v) % (HVB_TESTDEV_PATTERN_SIZE / size)) * size;
	sim_read_expect(v, off, size,
			hvb_testdev_truncate(hvb_testdev_pattern(off), size));
}

/* SCRATCH is little-endian memory; the shadow holds its bytes. */
static void sim_op_scratch(struct sim_vcpu *v)
{
	__u32 size = sim_rand_size(v), i, rel;
	__u64 value = 0;

	if (size > v->scratch_len)
		size = v->scratch_len;
	rel = (__u32)(sim_rand(v) % (v->scratch_len / size)) * size;
	if (sim_rand(v) & 1) {
		value = hvb_testdev_truncate(sim_rand(v), size);
		for (i = 0; i < size; i++)
			v->shadow[rel + i] = (__u8)(value >> (8 * i));
		sim_write_expect_ok(v, v->scratch_off + rel, size, value);
		return;
	}
	for (i = 0; i < size; i++)
		value |= (__u64)v->shadow[rel + i] << (8 * i);
	sim_read_expect(v, v->scratch_off + rel, size, value);
}

/*
 * No kick lost: the daemon copies mailbox q into KICK_SEEN(q) when it
 * drains kick q, so once the kick of value n is posted, KICK_SEEN(q)
 * must reach n.  Each poll is a synchronous read, a round trip through
 * the daemon, which drains kicks before it serves requests.
 */
static void sim_kick_settle(struct sim_vcpu *v)
{
	__u64 start = hyp_arch_now_ns(), seen = 0;
	__u32 q = v->cpu;

	for (;;) {
		if (sim_sync(v, HVB_TESTDEV_KICK_SEEN(q), 8, 0, &seen) !=
		    HVB_STATUS_OK) {
			sim_fail(v, "read of KICK_SEEN(%u) failed", q);
			return;
		}
		if (seen == v->mailbox)
			return;
		if (hyp_arch_now_ns() - start > SIM_KICK_WAIT_NS) {
			sim_fail(v, "kick lost: KICK_SEEN(%u) = %llu after %llus, mailbox value kicked %llu",
				 q, (unsigned long long)seen,
				 SIM_KICK_WAIT_NS / 1000000000ull,
				 (unsigned long long)v->mailbox);
			return;
		}
	}
}

/*
 * CPU c owns kick queue c: write an increasing value to its mailbox (a
 * synchronous write, answered before we go on), then post the kick.
 * Kicks coalesce, so only a kick with no later one behind it must show;
 * every SIM_KICK_SETTLE_EVERY-th kick (on average) waits to see it, so
 * a lost kick anywhere in the run is caught, not only the last one.
 */
static void sim_op_kick(struct sim_vcpu *v)
{
	if (v->cpu >= HVB_TESTDEV_QUEUES) {
		sim_op_read(v);
		return;
	}
	sim_write_expect_ok(v, HVB_TESTDEV_MAILBOX(v->cpu), 8, ++v->mailbox);
	/* As the hypervisor's MMIO dispatch does: posted once the daemon
	 * routes the test device's kick slot (sim.c gave it one), else the
	 * NOTIFY write goes synchronously, to the same effect. */
	if (hyp_kick_post(&v->prod, &hyp_kick_table, HVB_TESTDEV_DEFAULT_ZONE,
			  HVB_TESTDEV_DEFAULT_BASE, v->cpu))
		sim_write_expect_ok(v, HVB_TESTDEV_NOTIFY, 4, v->cpu);
	else
		v->kicks++;
	if (sim_rand(v) % SIM_KICK_SETTLE_EVERY == 0)
		sim_kick_settle(v);
}

static void sim_op_error(struct sim_vcpu *v)
{
	__u32 size = sim_rand_size(v), flags = 0;
	__u64 value = sim_rand(v);
	hyp_status_t st;

	if (value & 1)
		flags = HVB_REQ_WRITE;
	value = hvb_testdev_truncate(value, size);
	st = sim_sync(v, HVB_TESTDEV_ERROR_REG, size, flags, &value);
	if (st == HVB_STATUS_IO_ERROR)
		v->expected_errors++;
	else
		sim_fail(v, "ERROR register %s size %u: status %s, want IO_ERROR",
			 flags ? "write" : "read", size, sim_status_name(st));
}

/*
 * Between bursts: sleep long enough for the daemon to go to sleep, so
 * the next request must wake it; or busy-wait a random time of the order
 * of the daemon's spin budget, so requests land at every point of its
 * decision to sleep, including between its last poll and its SLEEPING
 * store (the window the handshake's barriers W1/W2 close).
 */
static void sim_pause(struct sim_vcpu *v, const struct sim_opts *o)
{
	struct timespec ts = {
		.tv_sec = o->pause_us / 1000000u,
		.tv_nsec = (long)(o->pause_us % 1000000u) * 1000,
	};
	__u64 until;

	if (o->pause_us) {
		while (nanosleep(&ts, &ts))
			;
		return;
	}
	if (!o->jitter_ns)
		return;
	until = hyp_arch_now_ns() + sim_rand(v) % (o->jitter_ns + 1ull);
	while (hyp_arch_now_ns() < until)
		hvb_cpu_relax();
}

/* The last kick shows, and kicks of one queue coalesce: at least one
 * drain per kicked queue, never more drains than kicks. */
static void sim_check_kicks(struct sim_vcpu *v)
{
	__u32 q = v->cpu;
	__u64 count = 0;

	if (q >= HVB_TESTDEV_QUEUES)
		return;
	sim_kick_settle(v);
	if (sim_sync(v, HVB_TESTDEV_KICK_COUNT(q), 8, 0, &count) !=
	    HVB_STATUS_OK)
		sim_fail(v, "read of KICK_COUNT(%u) failed", q);
	else if (count > v->kicks || (v->kicks && !count))
		sim_fail(v, "KICK_COUNT(%u) = %llu after %llu kicks", q,
			 (unsigned long long)count,
			 (unsigned long long)v->kicks);
}

void *sim_vcpu_main(void *arg)
{
	struct sim_vcpu *v = arg;
	const struct sim_opts *o = &v->sim->opt;
	unsigned long long i;
	__u64 r;

	/* After a timeout every further request would likely wait its full
	 * timeout too (a dead daemon): stop, the run has failed already. */
	for (i = 0; i < o->requests && !v->timeouts; i++) {
		r = sim_rand(v) % 100;
		if (r < o->mix_read)
			sim_op_read(v);
		else if ((r -= o->mix_read) < o->mix_scratch)
			sim_op_scratch(v);
		else if ((r -= o->mix_scratch) < o->mix_kick)
			sim_op_kick(v);
		else
			sim_op_error(v);
		if (o->burst && (i + 1) % o->burst == 0)
			sim_pause(v, o);
	}
	if (!v->timeouts)
		sim_check_kicks(v);
	return NULL;
}
