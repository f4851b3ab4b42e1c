// SPDX-License-Identifier: MIT
/*
 * The hammer image: zone1's workload for the fault, stress and bench
 * tests (tests/e2e/fault.sh, sysbench.sh).  It waits for a daemon to
 * answer on the channel's test device window, starts its second vCPU
 * when the zone has one (PSCI CPU_ON), then on each vCPU for
 * HAMMER_RUN_S seconds writes and reads back SCRATCH words (a half of
 * the words each) and reads PATTERN words, checking every response.  An
 * access that aborts (a daemon timeout: no daemon, or one killed
 * mid-request) is counted apart from a wrong value and the loop goes
 * on; the vector reports each abort with how long the access took.
 * Lines (tests grep them; the counts are over all vCPUs):
 *   guest: data abort after <ms> ms on vCPU <i>: EC .. ISS .. FAR ..
 *   guest: hammer: the daemon answered after <n> aborted accesses
 *   guest: hammer: on <v> vCPUs
 *   guest: hammer: <s> s: <n> accesses, <w> wrong, <a> aborted
 *   guest: hammer: vCPU <i>: <n> accesses, <w> wrong, <a> aborted
 *   guest: hammer: done: <n> accesses in <ms> ms (<r> round trips/s),
 *          <w> wrong, <a> aborted, longest abort <ms> ms
 * Exit code: 0 when the daemon answered, every vCPU finished and no
 * value was wrong.
 */
#include <hvbridge/testdev.h>
#include "guest.h"

/* Long enough for the root zone's kernel to boot under TCG and start
 * its daemon; the tests' watchdogs are shorter. */
#define HAMMER_WAIT_S	150
#define HAMMER_RUN_S	12
#define HAMMER_CPUS	2
/* SCRATCH words the vCPUs share out (below the kick mailboxes). */
#define HAMMER_WORDS	(HVB_TESTDEV_MAILBOX(0) / 8)
#define HAMMER_SECOND	3	/* MPIDR of zone1's second CPU, if any */

#define PSCI_CPU_ON_64	0xc4000003ull

/* hammer_start.S */
void hammer_putc(int c);
void hammer_exit(__u64 code) __attribute__((noreturn));
__s64 hammer_psci(__u64 fn, __u64 a1, __u64 a2, __u64 a3);
void hammer_secondary(void);
__u64 hammer_read64(__u64 addr);
void hammer_write64(__u64 addr, __u64 val);
__u64 hammer_now(void);
__u64 hammer_freq(void);
__u64 hammer_cpu(void);
void hammer_lock(__u32 *lock);
void hammer_unlock(__u32 *lock);

/*
 * One per vCPU, written only by that vCPU (its loop and its vector);
 * vCPU 0 reads the others' counts for its progress lines (relaxed: a
 * count a little old is fine) and, once @done is set, their final
 * counts.  A cache line each.
 */
struct hammer_vcpu {
	__u64 t0;		/* the access in flight started (ticks) */
	__u64 aborts;		/* the vector's count */
	__u64 longest_ms;	/* the longest aborted access */
	__u64 n;		/* accesses answered */
	__u64 wrong;		/* answers with a wrong value */
	__u64 aborted;		/* accesses that aborted */
	__u32 done;		/* release: the counts above are final */
} __attribute__((aligned(64)));

static struct hammer_vcpu hammer_vcpus[HAMMER_CPUS];
/* Written by vCPU 0 before CPU_ON, read by vCPU 1 after it entered. */
static __u64 hammer_win, hammer_end;
static __u64 hammer_ticks_per_ms;
static __u32 hammer_console;	/* hammer_lock()'s: whole lines */

#define hammer_get(v, f)	__atomic_load_n(&(v)->f, __ATOMIC_RELAXED)
#define hammer_inc(v, f)						\
	__atomic_store_n(&(v)->f, (v)->f + 1, __ATOMIC_RELAXED)

static void hammer_puts(const char *s)
{
	while (*s)
		hammer_putc(*s++);
}

static void hammer_puthex(__u64 v)
{
	int shift = 60;

	hammer_puts("0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		hammer_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

static void hammer_putdec(__u64 v)
{
	char buf[21];
	int i = 20;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	hammer_puts(&buf[i]);
}

static void hammer_line(const char *s)
{
	hammer_lock(&hammer_console);
	hammer_puts(s);
}

static void hammer_line_end(void)
{
	hammer_putc('\n');
	hammer_unlock(&hammer_console);
}

static __u64 hammer_ms_since(__u64 t0)
{
	return (hammer_now() - t0) / hammer_ticks_per_ms;
}

/* The vector (hammer_start.S): an aborted access; count it, say how
 * long it waited (a daemon timeout is the hypervisor's 500 ms). */
void hammer_sync(__u64 esr, __u64 far, __u64 elr)
{
	__u64 cpu = hammer_cpu();
	struct hammer_vcpu *v = &hammer_vcpus[cpu];
	__u64 ms = hammer_ms_since(v->t0);

	(void)elr;
	hammer_inc(v, aborts);
	if (ms > v->longest_ms)
		__atomic_store_n(&v->longest_ms, ms, __ATOMIC_RELAXED);
	hammer_line("guest: data abort after ");
	hammer_putdec(ms);
	hammer_puts(" ms on vCPU ");
	hammer_putdec(cpu);
	hammer_puts(": EC ");
	hammer_puthex(esr >> 26);
	hammer_puts(" ISS ");
	hammer_puthex(esr & 0x1ffffff);
	hammer_puts(" FAR ");
	hammer_puthex(far);
	hammer_line_end();
}

void hammer_unexpected(__u64 esr, __u64 far, __u64 elr)
{
	hammer_puts("\nguest: unexpected exception: ESR ");
	hammer_puthex(esr);
	hammer_puts(" FAR ");
	hammer_puthex(far);
	hammer_puts(" ELR ");
	hammer_puthex(elr);
	hammer_puts("\nguest: hammer: FAIL\n");
	hammer_exit(255);
}

/* One access; 1 if it aborted. */
static int hammer_read(struct hammer_vcpu *v, __u64 addr, __u64 *val)
{
	__u64 before = v->aborts;

	v->t0 = hammer_now();
	*val = hammer_read64(addr);
	return v->aborts != before;
}

static int hammer_write(struct hammer_vcpu *v, __u64 addr, __u64 val)
{
	__u64 before = v->aborts;

	v->t0 = hammer_now();
	hammer_write64(addr, val);
	return v->aborts != before;
}

/*
 * The root zone's daemon prints its "serving" line on the shared UART
 * just as it starts answering, and its characters would tear the line
 * printed here (the e2e checks read both).  Let it finish first.
 */
#define HAMMER_ROOT_QUIET_MS	1000ull

static void hammer_quiet_for_root(void)
{
	__u64 t0 = hammer_now();

	while (hammer_ms_since(t0) < HAMMER_ROOT_QUIET_MS)
		;
}

/* Until the daemon answers the ID register, or HAMMER_WAIT_S. */
static int hammer_wait_daemon(__u64 win)
{
	struct hammer_vcpu *v = &hammer_vcpus[0];
	__u64 t0 = hammer_now(), id, aborts = 0;

	while (hammer_ms_since(t0) < HAMMER_WAIT_S * 1000ull) {
		if (hammer_read(v, win + HVB_TESTDEV_ID_REG, &id)) {
			aborts++;
			continue;
		}
		if (id != HVB_TESTDEV_ID)
			return 0;
		hammer_quiet_for_root();
		hammer_line("guest: hammer: the daemon answered after ");
		hammer_putdec(aborts);
		hammer_puts(" aborted accesses");
		hammer_line_end();
		return 1;
	}
	return 0;
}

static void hammer_counts(__u64 n, __u64 wrong, __u64 aborted)
{
	hammer_putdec(n);
	hammer_puts(" accesses, ");
	hammer_putdec(wrong);
	hammer_puts(" wrong, ");
	hammer_putdec(aborted);
	hammer_puts(" aborted");
}

/* vCPU 0's progress line: the counts of every vCPU so far. */
static void hammer_progress(__u64 sec, int vcpus)
{
	__u64 n = 0, wrong = 0, aborted = 0;
	int i;

	for (i = 0; i < vcpus; i++) {
		n += hammer_get(&hammer_vcpus[i], n);
		wrong += hammer_get(&hammer_vcpus[i], wrong);
		aborted += hammer_get(&hammer_vcpus[i], aborted);
	}
	hammer_line("guest: hammer: ");
	hammer_putdec(sec);
	hammer_puts(" s: ");
	hammer_counts(n, wrong, aborted);
	hammer_line_end();
}

/* vCPU @cpu's loop until the counter reaches @end; vCPU 0 prints the
 * progress of all @vcpus each second. */
static void hammer_loop(__u64 cpu, __u64 win, __u64 end, int vcpus)
{
	struct hammer_vcpu *v = &hammer_vcpus[cpu];
	__u64 words = HAMMER_WORDS / HAMMER_CPUS, first = cpu * words;
	__u64 i, off, val, got, sec = 1, t0 = hammer_now();

	for (i = 0; hammer_now() < end; i++) {
		if (!cpu && hammer_ms_since(t0) >= sec * 1000)
			hammer_progress(sec++, vcpus);
		/* A SCRATCH word: a value of its own, read back.  After an
		 * aborted write the word is unknown: no read-back. */
		off = HVB_TESTDEV_SCRATCH + (first + i % words) * 8;
		val = hvb_testdev_pattern(i) ^ i ^ cpu << 56;
		if (hammer_write(v, win + off, val)) {
			hammer_inc(v, aborted);
			continue;
		}
		hammer_inc(v, n);
		if (hammer_read(v, win + off, &got)) {
			hammer_inc(v, aborted);
			continue;
		}
		hammer_inc(v, n);
		if (got != val)
			hammer_inc(v, wrong);
		/* A PATTERN word. */
		off = HVB_TESTDEV_PATTERN +
		      ((i + cpu * 64) * 8) % HVB_TESTDEV_PATTERN_SIZE;
		if (hammer_read(v, win + off, &got)) {
			hammer_inc(v, aborted);
			continue;
		}
		hammer_inc(v, n);
		if (got != hvb_testdev_pattern(off))
			hammer_inc(v, wrong);
	}
}

/* The second vCPU (hammer_start.S, after PSCI CPU_ON). */
void hammer_secondary_main(__u64 cpu)
{
	hammer_loop(cpu, hammer_win, hammer_end, 0);
	/* Pairs with the acquire in guest_main(): the counts first. */
	__atomic_store_n(&hammer_vcpus[cpu].done, 1, __ATOMIC_RELEASE);
}

__u64 guest_main(__u64 hyp_win, __u64 uart, __u64 win)
{
	__u64 n = 0, wrong = 0, aborted = 0, longest = 0, t0, ms, end;
	int vcpus = 1, i, lost = 0;
	__s64 ret;

	(void)hyp_win;
	(void)uart;
	hammer_ticks_per_ms = hammer_freq() / 1000;
	hammer_line("guest: hammer image, ");
	hammer_putdec(HAMMER_RUN_S);
	hammer_puts(" s of checked test device accesses through the channel");
	hammer_line_end();
	if (!hammer_wait_daemon(win)) {
		hammer_line("guest: hammer: no daemon answered");
		hammer_line_end();
		return 2;
	}
	hammer_vcpus[0].longest_ms = 0;
	t0 = hammer_now();
	end = t0 + HAMMER_RUN_S * 1000ull * hammer_ticks_per_ms;
	hammer_win = win;
	hammer_end = end;
	/* The hypervisor orders these writes before the new vCPU's entry
	 * (its CPU_ON is a release, the new vCPU's start an acquire). */
	/* Entry points the hypervisor must refuse (PSCI INVALID_ADDRESS,
	 * -9): one in the MMIO window, not RAM, and a misaligned one. */
	hammer_line("guest: hammer: CPU_ON at bad entries: PSCI ");
	ret = hammer_psci(PSCI_CPU_ON_64, HAMMER_SECOND, win, 1);
	hammer_putc(ret < 0 ? '-' : '+');
	hammer_putdec((__u64)(ret < 0 ? -ret : ret));
	hammer_putc(' ');
	ret = hammer_psci(PSCI_CPU_ON_64, HAMMER_SECOND,
			  (__u64)hammer_secondary + 2, 1);
	hammer_putc(ret < 0 ? '-' : '+');
	hammer_putdec((__u64)(ret < 0 ? -ret : ret));
	hammer_line_end();
	ret = hammer_psci(PSCI_CPU_ON_64, HAMMER_SECOND,
			  (__u64)hammer_secondary, 1);
	if (!ret)
		vcpus = 2;
	hammer_line("guest: hammer: on ");
	hammer_putdec((__u64)vcpus);
	hammer_puts(vcpus > 1 ? " vCPUs" : " vCPU (no second CPU: PSCI ");
	if (vcpus == 1) {
		hammer_putc('-');
		hammer_putdec((__u64)-ret);
		hammer_putc(')');
	}
	hammer_line_end();

	hammer_loop(0, win, end, vcpus);
	ms = hammer_ms_since(t0);
	for (i = 1; i < vcpus; i++) {
		/* Pairs with the release in hammer_secondary_main(). */
		while (!__atomic_load_n(&hammer_vcpus[i].done,
					__ATOMIC_ACQUIRE) &&
		       hammer_ms_since(t0) < HAMMER_RUN_S * 1000ull + 2000)
			;
		if (!__atomic_load_n(&hammer_vcpus[i].done,
				     __ATOMIC_ACQUIRE)) {
			hammer_line("guest: hammer: vCPU ");
			hammer_putdec((__u64)i);
			hammer_puts(" did not finish");
			hammer_line_end();
			lost++;
		}
	}
	for (i = 0; i < vcpus; i++) {
		struct hammer_vcpu *v = &hammer_vcpus[i];

		hammer_line("guest: hammer: vCPU ");
		hammer_putdec((__u64)i);
		hammer_puts(": ");
		hammer_counts(v->n, v->wrong, v->aborted);
		hammer_line_end();
		n += v->n;
		wrong += v->wrong;
		aborted += v->aborted;
		if (v->longest_ms > longest)
			longest = v->longest_ms;
	}
	hammer_line("guest: hammer: done: ");
	hammer_putdec(n);
	hammer_puts(" accesses in ");
	hammer_putdec(ms);
	hammer_puts(" ms (");
	hammer_putdec(n * 1000 / (ms ? ms : 1));
	hammer_puts(" round trips/s), ");
	hammer_putdec(wrong);
	hammer_puts(" wrong, ");
	hammer_putdec(aborted);
	hammer_puts(" aborted, longest abort ");
	hammer_putdec(longest);
	hammer_puts(" ms");
	hammer_line_end();
	return lost ? 3 : wrong ? 1 : 0;
}
